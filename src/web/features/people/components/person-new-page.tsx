// /app/people/new: add a person met at a market stall, door to door or on the phone — identity,
// contacts, address, tags, the consent collected with its proof, a first note. Every mistake the
// server finds is shown at once, each beside its field.
import {
  Alert,
  Anchor,
  Checkbox,
  Group,
  MultiSelect,
  Paper,
  Select,
  SimpleGrid,
  Stack,
  Text,
  Textarea,
  TextInput,
  Title,
} from '@mantine/core';
import { type ReactNode, useEffect, useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { CONSENT_SOURCES, type ConsentSource } from '../../../../shared/enums.ts';
import { useLabel, useT } from '../../../i18n/use-t.ts';
import { ErrorAlert } from '../../../ui/error-alert.tsx';
import { FormActions } from '../../../ui/form-actions.tsx';
import { LeaveGuard } from '../../../ui/leave-guard.tsx';
import { PageHeader } from '../../../ui/page-header.tsx';
import { CHANNELS, type Channel, fieldErrors, type IntakeInput, useIntakePerson, useTagsQuery } from '../api.ts';
import { consentSourceNames, entryMessages } from '../entry-messages.ts';
import { channelNames, peopleMessages } from '../messages.ts';

/** Today in the browser's own calendar (yyyy-mm-dd), as a date input holds it. */
const today = () => {
  const d = new Date();
  return new Date(d.getTime() - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 10);
};

const EMPTY = {
  given_name: '',
  family_name: '',
  email: '',
  email2: '',
  phone: '',
  phone2: '',
  street: '',
  postal_code: '',
  locality: 'Paris',
  tag_ids: [] as string[],
  channels: [] as Channel[],
  source: 'paper' as ConsentSource,
  form: '',
  date: today(),
  text_shown: '',
  note: '',
};
type Form = typeof EMPTY;

/** The request a filled form makes (only what was typed). */
function toIntake(form: Form, defaultText: string): IntakeInput {
  const emails = [form.email, form.email2].map((e) => e.trim()).filter(Boolean);
  const phones = [form.phone, form.phone2].map((p) => p.trim()).filter(Boolean);
  const hasAddress = [form.street, form.postal_code].some((v) => v.trim());
  // Collected today: now. An earlier day: its noon (a day, not an instant, whatever the time zone).
  const at = form.date && form.date < today() ? new Date(`${form.date}T12:00:00`).toISOString() : undefined;
  return {
    person: {
      given_name: form.given_name.trim(),
      family_name: form.family_name.trim(),
      email_addresses: emails.map((address, i) => ({ address, primary: i === 0 })),
      phone_numbers: phones.map((number, i) => ({ number, primary: i === 0 })),
      ...(hasAddress
        ? {
            postal_addresses: [
              {
                address_lines: form.street.trim() ? [form.street.trim()] : [],
                postal_code: form.postal_code.trim(),
                locality: form.locality.trim(),
                country: 'FR',
              },
            ],
          }
        : {}),
    },
    tag_ids: form.tag_ids,
    consents: form.channels.map((channel) => ({
      channel,
      status: 'given' as const,
      source: form.source,
      form: form.form.trim(),
      text_shown: form.text_shown.trim() || defaultText,
      ...(at ? { at } : {}),
    })),
    ...(form.note.trim() ? { note: form.note.trim() } : {}),
  };
}

/** Which field of the form a problem's JSON pointer is about. */
function fieldOf(pointer: string, form: Form): keyof Form | null {
  const emailAt = (i: number) => (i === 0 ? 'email' : 'email2');
  const phoneAt = (i: number) => (i === 0 ? 'phone' : 'phone2');
  // Blank second fields are not sent: the n-th sent e-mail is the n-th filled field.
  const filled = (keys: Array<keyof Form>) => keys.filter((k) => String(form[k]).trim());
  let m = /^\/person\/email_addresses\/(\d+)/.exec(pointer);
  if (m) return filled(['email', 'email2'])[Number(m[1])] ?? emailAt(Number(m[1]));
  m = /^\/person\/phone_numbers\/(\d+)/.exec(pointer);
  if (m) return filled(['phone', 'phone2'])[Number(m[1])] ?? phoneAt(Number(m[1]));
  if (pointer === '/person/family_name') return 'family_name';
  if (/^\/consents\/\d+\/channel/.test(pointer)) return 'channels';
  if (/^\/consents\/\d+\/form/.test(pointer)) return 'form';
  if (/^\/consents\/\d+\/at/.test(pointer)) return 'date';
  if (pointer.startsWith('/tag_ids')) return 'tag_ids';
  return null;
}

export function PersonNewPage() {
  const t = useT(peopleMessages);
  const te = useT(entryMessages);
  const channel = useLabel(channelNames);
  const source = useLabel(consentSourceNames);
  const navigate = useNavigate();
  const tags = useTagsQuery();
  const intake = useIntakePerson();
  const [form, setForm] = useState<Form>(EMPTY);
  // Set on success: the guard lets go once it is rendered, then the new person's page opens.
  const [createdId, setCreatedId] = useState<string | null>(null);
  useEffect(() => {
    if (createdId) void navigate(`/people/${createdId}`);
  }, [createdId, navigate]);
  // Every problem of the last try, by field; a field's message goes once it is edited.
  const [errors, setErrors] = useState<Partial<Record<keyof Form, string>>>({});
  const set = <K extends keyof Form>(key: K, value: Form[K]) => {
    setForm((old) => ({ ...old, [key]: value }));
    setErrors((old) => {
      const { [key]: _, ...rest } = old;
      return rest;
    });
  };
  const text = (key: keyof Form, label: string, extra: Record<string, unknown> = {}) => ({
    label,
    value: String(form[key]),
    onChange: (event: React.ChangeEvent<HTMLInputElement | HTMLTextAreaElement>) => set(key, event.currentTarget.value as never),
    error: errors[key] ? te(errors[key] as keyof typeof entryMessages.fr) : undefined,
    ...extra,
  });
  const submit = () => {
    intake.mutate(toIntake(form, te('consentTextDefault')), {
      onSuccess: (person) => setCreatedId(person.id),
      onError: (error) => {
        const next: Partial<Record<keyof Form, string>> = {};
        for (const [pointer, code] of Object.entries(fieldErrors(error))) {
          const key = fieldOf(pointer, form);
          if (key) next[key] ??= code;
        }
        setErrors(next);
      },
    });
  };
  const dirty = createdId === null && JSON.stringify({ ...form, date: '' }) !== JSON.stringify({ ...EMPTY, date: '' });
  const invalid = Object.keys(errors).length > 0;
  return (
    <>
      <Anchor component={Link} to="/people" size="sm">
        ← {t('back')}
      </Anchor>
      <PageHeader title={te('newTitle')} description={te('newDescription')} />
      <LeaveGuard dirty={dirty} />
      {/* noValidate: the server's rules apply, and it reports every mistake at once. */}
      <form
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          submit();
        }}
      >
        <Stack gap="md" maw={880}>
          <Section title={te('sectionIdentity')}>
            <SimpleGrid cols={{ base: 1, xs: 2 }}>
              <TextInput {...text('given_name', t('givenName'), { 'data-autofocus': true, autoComplete: 'off' })} />
              <TextInput {...text('family_name', t('familyName'), { autoComplete: 'off' })} />
            </SimpleGrid>
          </Section>
          <Section title={te('sectionContact')}>
            <SimpleGrid cols={{ base: 1, xs: 2 }}>
              <TextInput {...text('email', t('email'), { type: 'email', inputMode: 'email' })} />
              <TextInput {...text('phone', t('phone'), { type: 'tel', placeholder: '06 12 34 56 78' })} />
              <TextInput {...text('email2', te('secondEmail'), { type: 'email', inputMode: 'email' })} />
              <TextInput {...text('phone2', te('secondPhone'), { type: 'tel' })} />
            </SimpleGrid>
          </Section>
          <Section title={te('sectionAddress')}>
            <Stack gap="sm">
              <TextInput {...text('street', t('streetAddress'), { placeholder: '12 rue d’Aligre' })} />
              <SimpleGrid cols={{ base: 2 }}>
                <TextInput {...text('postal_code', t('postalCode'), { inputMode: 'numeric', placeholder: '75012' })} />
                <TextInput {...text('locality', t('locality'))} />
              </SimpleGrid>
            </Stack>
          </Section>
          <Section title={te('sectionTags')}>
            <MultiSelect
              aria-label={te('sectionTags')}
              placeholder={te('tagsPick')}
              searchable
              data={(tags.data ?? []).map((tag) => ({ value: tag.id, label: tag.name }))}
              value={form.tag_ids}
              onChange={(value) => set('tag_ids', value)}
              error={errors.tag_ids ? te('NOT_FOUND') : undefined}
            />
          </Section>
          <Section title={te('sectionConsent')}>
            <Stack gap="sm">
              <Text size="sm" c="dimmed">
                {te('consentHint')}
              </Text>
              <Checkbox.Group
                label={te('consentChannels')}
                value={form.channels}
                onChange={(value) => set('channels', value as Channel[])}
                error={errors.channels ? te('CONSENT_UNREACHABLE') : undefined}
              >
                <Group gap="lg" mt={6}>
                  {CHANNELS.map((c) => (
                    <Checkbox key={c} value={c} label={channel(c)} />
                  ))}
                </Group>
              </Checkbox.Group>
              {form.channels.length > 0 && (
                <>
                  <SimpleGrid cols={{ base: 1, xs: 2 }}>
                    <Select
                      label={te('consentHow')}
                      data={CONSENT_SOURCES.map((s) => ({ value: s, label: source(s) }))}
                      value={form.source}
                      onChange={(value) => set('source', (value ?? 'paper') as ConsentSource)}
                      allowDeselect={false}
                    />
                    <TextInput {...text('date', te('consentDate'), { type: 'date', max: today() })} />
                  </SimpleGrid>
                  <TextInput {...text('form', te('consentWhere'), { placeholder: te('consentWherePlaceholder') })} />
                  <Textarea
                    {...text('text_shown', te('consentText'), { placeholder: te('consentTextDefault'), autosize: true, minRows: 2 })}
                  />
                </>
              )}
            </Stack>
          </Section>
          <Section title={te('sectionNote')}>
            <Textarea
              {...text('note', te('sectionNote'), { placeholder: te('notePlaceholder'), autosize: true, minRows: 2 })}
              label={undefined}
              aria-label={te('sectionNote')}
            />
          </Section>
          {invalid && (
            <Alert color="red" variant="light" role="alert">
              {te('formInvalid')}
            </Alert>
          )}
          {intake.error && !invalid ? (
            <ErrorAlert error={intake.error} overrides={{ PERSON_OUTSIDE_SCOPE: t('identityOutsideScope') }} />
          ) : null}
          <FormActions onCancel={() => void navigate('/people')} pending={intake.isPending} submitLabel={te('create')} />
        </Stack>
      </form>
    </>
  );
}

function Section({ title, children }: { title: string; children: ReactNode }) {
  return (
    <Paper withBorder radius="md" p="md">
      <Title order={2} fz="h4" mb="sm">
        {title}
      </Title>
      {children}
    </Paper>
  );
}
