// /app/people/import: the import wizard — upload, mapping, options, progress and results.
import { Alert, Button, Group, Loader, Paper, Stepper, Text } from '@mantine/core';
import { useState } from 'react';
import { Link } from 'react-router';
import { useLabel, useT } from '../../../i18n/use-t.ts';
import { ErrorAlert } from '../../../ui/error-alert.tsx';
import { PageHeader } from '../../../ui/page-header.tsx';
import { useIsPhone } from '../../../ui/use-is-phone.ts';
import { useSession } from '../../session/session-context.tsx';
import { type ImportAnalysis, type ImportStart, useStartImport, useUploadImport } from '../api.ts';
import { fieldNames, importMessages } from '../messages.ts';
import { DropZone } from './drop-zone.tsx';
import { ImportHistory } from './import-history.tsx';
import { fieldLabel, MappingStep, mappingProblems } from './mapping-step.tsx';
import { OptionsStep } from './options-step.tsx';
import { ProgressStep } from './progress-step.tsx';

/** Walks through the four steps; each one can go back until the import starts. */
export function ImportPage() {
  const t = useT(importMessages);
  const session = useSession();
  const upload = useUploadImport(session.csrf_token);
  const [step, setStep] = useState(0);
  const [analysis, setAnalysis] = useState<ImportAnalysis | null>(null);
  const [mapping, setMapping] = useState<Record<string, string>>({});
  const [options, setOptions] = useState<Omit<ImportStart, 'mapping'>>({ on_duplicate: 'update' });
  const start = useStartImport(analysis?.id);
  const [started, setStarted] = useState(false);

  const reset = () => {
    setStep(0);
    setAnalysis(null);
    setMapping({});
    setOptions({ on_duplicate: 'update' });
    setStarted(false);
    upload.reset();
    start.reset();
  };
  const onFile = (file: File) =>
    upload.mutate(file, {
      onSuccess: (result) => {
        setAnalysis(result);
        const initial: Record<string, string> = {};
        for (const header of result.headers) initial[header] = result.suggested_mapping?.[header] ?? 'ignore';
        setMapping(initial);
        setStep(1);
      },
    });
  const problems = analysis ? mappingProblems(mapping, analysis.fields) : [];
  const phone = useIsPhone();
  // On a phone the four labels do not fit on one line: only the current step is named.
  const stepLabel = (index: number, key: 'stepFile' | 'stepMapping' | 'stepOptions' | 'stepRun') =>
    phone && index !== step ? undefined : t(key);
  const name = useLabel(fieldNames);
  const fieldNamesOf = (fields: string[]) =>
    fields
      .map((field) =>
        fieldLabel(
          analysis?.fields.find((f) => f.field === field),
          field,
          name,
        ),
      )
      .join(', ');

  return (
    <>
      <PageHeader
        title={t('title')}
        description={t('description')}
        actions={
          <Button component={Link} to="/people" variant="default">
            {t('back')}
          </Button>
        }
      />
      <Stepper active={step} size="sm" allowNextStepsSelect={false} onStepClick={(next) => !started && setStep(next)} mb="lg">
        <Stepper.Step label={stepLabel(0, 'stepFile')} aria-label={t('stepFile')}>
          <Paper withBorder radius="md" p="md">
            <DropZone onFile={onFile} disabled={upload.isPending} />
            {upload.isPending && (
              <Group gap="xs" mt="md" role="status">
                <Loader size="xs" />
                <Text size="sm">{t('uploading')}</Text>
              </Group>
            )}
            {upload.error ? (
              <div style={{ marginTop: 12 }}>
                <ErrorAlert error={upload.error} />
              </div>
            ) : null}
          </Paper>
        </Stepper.Step>
        <Stepper.Step label={stepLabel(1, 'stepMapping')} aria-label={t('stepMapping')}>
          {analysis && <MappingStep analysis={analysis} mapping={mapping} onChange={setMapping} problems={problems} />}
        </Stepper.Step>
        <Stepper.Step label={stepLabel(2, 'stepOptions')} aria-label={t('stepOptions')}>
          <OptionsStep value={options} onChange={setOptions} />
        </Stepper.Step>
        <Stepper.Step label={stepLabel(3, 'stepRun')} aria-label={t('stepRun')}>
          {analysis && started && <ProgressStep importId={analysis.id} onAnother={reset} />}
        </Stepper.Step>
      </Stepper>
      {start.error ? <ErrorAlert error={start.error} /> : null}
      {step > 0 && !started && (
        <Group justify="space-between" mt="md">
          <Button variant="default" onClick={() => setStep(step - 1)}>
            {t('previous')}
          </Button>
          {step === 1 && (
            <Button onClick={() => setStep(2)} disabled={problems.length > 0}>
              {t('next')}
            </Button>
          )}
          {step === 2 && (
            <Button
              loading={start.isPending}
              onClick={() =>
                start.mutate(
                  { mapping, ...options },
                  {
                    onSuccess: () => {
                      setStarted(true);
                      setStep(3);
                    },
                  },
                )
              }
            >
              {t('start')}
            </Button>
          )}
        </Group>
      )}
      {step === 1 && problems.length > 0 && (
        <Alert color="orange" variant="light" mt="sm">
          {problems
            .map((p) => (p.key === 'duplicateField' ? t('duplicateField', { fields: fieldNamesOf(p.fields ?? []) }) : t(p.key)))
            .join(' ')}
        </Alert>
      )}
      {(step === 0 || started) && <ImportHistory />}
    </>
  );
}
