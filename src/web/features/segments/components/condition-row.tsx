// One condition of a segment: a criterion, then the inputs its kind needs.
import { Button, CloseButton, Group, MultiSelect, Paper, Select, Stack, TextInput } from '@mantine/core';
import { useState } from 'react';
import { useLabel, useT } from '../../../i18n/use-t.ts';
import { CHANNELS, STAGES, useCustomFieldsQuery, useListsQuery, useTagsQuery } from '../../people/api.ts';
import { useStageLabel } from '../../people/components/stage.tsx';
import { activityNames, channelNames } from '../../people/messages.ts';
import { useZonesQuery } from '../../territory/api.ts';
import '../../people/people.css';
import { segmentMessages } from '../messages.ts';
import { defaultsFor, type EditCondition, isComplete } from '../model.ts';
import { ZonePickerMap } from './zone-picker-map.tsx';

const ACTIVITY_TYPES = [
  'petition.signed',
  'event.rsvp',
  'event.attended',
  'canvass.shift_completed',
  'mailing.opened',
  'mailing.clicked',
  'door.knocked',
  'signup',
  'import',
] as const;

interface ConditionRowProps {
  condition: EditCondition;
  onChange: (next: EditCondition) => void;
  onRemove: () => void;
}

/** Renders the criterion select and the value inputs; changing the criterion resets the value. */
export function ConditionRow({ condition, onChange, onRemove }: ConditionRowProps) {
  const t = useT(segmentMessages);
  const custom = useCustomFieldsQuery();
  const fields = [
    { value: 'ladder_stage', label: t('fieldStage') },
    { value: 'zone', label: t('fieldZone') },
    { value: 'tag', label: t('fieldTag') },
    { value: 'list', label: t('fieldList') },
    { value: 'consent', label: t('fieldConsent') },
    { value: 'activity', label: t('fieldActivity') },
    { value: 'created_date', label: t('fieldCreated') },
    { value: 'modified_date', label: t('fieldModified') },
    ...(custom.data ?? []).map((c) => ({ value: `custom:${c.key}`, label: t('fieldCustom', { label: c.label }) })),
  ];
  const set = (patch: Partial<EditCondition>) => onChange({ ...condition, ...patch });
  return (
    <Paper withBorder radius="sm" p="xs" data-testid="segment-condition" bg={isComplete(condition) ? undefined : 'yellow.0'}>
      <Group align="flex-start" gap="xs" wrap="nowrap">
        <Group align="flex-end" gap="xs" style={{ flex: 1, minWidth: 0 }}>
          <Select
            label={t('field')}
            data={fields}
            value={condition.field}
            allowDeselect={false}
            w={{ base: '100%', xs: 200 }}
            onChange={(field) => field && onChange({ ...condition, field, ...defaultsFor(field) })}
          />
          <ValueInputs condition={condition} set={set} />
        </Group>
        <CloseButton aria-label={t('removeCondition')} onClick={onRemove} mt={24} />
      </Group>
    </Paper>
  );
}

function ValueInputs({ condition, set }: { condition: EditCondition; set: (patch: Partial<EditCondition>) => void }) {
  const t = useT(segmentMessages);
  const stageLabel = useStageLabel();
  const channel = useLabel(channelNames);
  const activity = useLabel(activityNames);
  const tags = useTagsQuery();
  const lists = useListsQuery();
  const custom = useCustomFieldsQuery();
  const grow = { style: { flex: '1 1 14rem', minWidth: 0 } };
  const { field, cmp, value } = condition;

  if (field === 'ladder_stage') {
    return (
      <MultiSelect
        {...grow}
        label={t('stages')}
        placeholder={t('pickPlaceholder')}
        data={STAGES.map((s) => ({ value: s, label: stageLabel(s) }))}
        value={(value as string[]) ?? []}
        onChange={(next) => set({ value: next })}
      />
    );
  }
  if (field === 'zone') return <ZoneInput value={(value as string[]) ?? []} onChange={(next) => set({ value: next })} />;
  if (field === 'tag' || field === 'list') {
    const source = field === 'tag' ? tags.data : lists.data;
    return (
      <Select
        {...grow}
        label={field === 'tag' ? t('tag') : t('list')}
        placeholder={t('pickPlaceholder')}
        searchable
        data={(source ?? []).map((item) => ({ value: item.id, label: item.name }))}
        value={(value as string | null) ?? null}
        onChange={(next) => set({ value: next })}
      />
    );
  }
  if (field === 'consent') {
    return (
      <Select
        {...grow}
        label={t('channel')}
        data={CHANNELS.map((c) => ({ value: c, label: channel(c) }))}
        value={value as string}
        allowDeselect={false}
        onChange={(next) => set({ value: next })}
      />
    );
  }
  if (field === 'activity') {
    const v = (value ?? {}) as { type?: string; ref_id?: string; since?: string; outcome?: string };
    const patch = (p: Partial<typeof v>) => set({ value: { ...v, ...p } });
    return (
      <>
        <Select
          {...grow}
          label={t('activityType')}
          data={ACTIVITY_TYPES.map((type) => ({ value: type, label: activity(type, type) }))}
          value={v.type ?? null}
          allowDeselect={false}
          onChange={(type) => patch({ type: type ?? undefined })}
        />
        <TextInput {...grow} label={t('activityRef')} value={v.ref_id ?? ''} onChange={(e) => patch({ ref_id: e.currentTarget.value })} />
        {v.type === 'door.knocked' && (
          <TextInput
            {...grow}
            label={t('activityOutcome')}
            value={v.outcome ?? ''}
            onChange={(e) => patch({ outcome: e.currentTarget.value })}
          />
        )}
        <TextInput label={t('activitySince')} type="date" value={v.since ?? ''} onChange={(e) => patch({ since: e.currentTarget.value })} />
      </>
    );
  }
  const definition = field.startsWith('custom:') ? custom.data?.find((c) => `custom:${c.key}` === field) : undefined;
  const isDate = field === 'created_date' || field === 'modified_date' || definition?.type === 'date';
  const isNumber = definition?.type === 'number';
  const cmps = isDate
    ? [
        { value: 'gte', label: t('cmpGte') },
        { value: 'lte', label: t('cmpLte') },
      ]
    : isNumber
      ? [
          { value: 'eq', label: t('cmpEq') },
          { value: 'gte', label: t('cmpGteNum') },
          { value: 'lte', label: t('cmpLteNum') },
        ]
      : [{ value: 'eq', label: t('cmpEq') }];
  return (
    <>
      {cmps.length > 1 && (
        <Select
          w={140}
          label=" "
          aria-label={t('field')}
          data={cmps}
          value={cmp}
          allowDeselect={false}
          onChange={(next) => next && set({ cmp: next })}
        />
      )}
      {definition?.type === 'choice' ? (
        <Select
          {...grow}
          label={t('value')}
          data={definition.choices ?? []}
          value={(value as string) || null}
          onChange={(next) => set({ value: next ?? '' })}
        />
      ) : (
        <TextInput
          {...grow}
          label={isDate ? t('date') : t('value')}
          type={isDate ? 'date' : isNumber ? 'number' : 'text'}
          value={String(value ?? '')}
          onChange={(e) => set({ value: isNumber && e.currentTarget.value !== '' ? Number(e.currentTarget.value) : e.currentTarget.value })}
        />
      )}
    </>
  );
}

function ZoneInput({ value, onChange }: { value: string[]; onChange: (next: string[]) => void }) {
  const t = useT(segmentMessages);
  const [showMap, setShowMap] = useState(false);
  const zones = useZonesQuery('arrondissement', { geometry: showMap });
  const list = zones.data?._embedded.zones ?? [];
  return (
    <Stack gap={4} style={{ flex: '1 1 18rem', minWidth: 0 }}>
      <MultiSelect
        label={t('zones')}
        placeholder={t('pickPlaceholder')}
        searchable
        data={list.map((z) => ({ value: z.id, label: z.name }))}
        value={value}
        onChange={onChange}
      />
      <Button size="compact-xs" variant="subtle" onClick={() => setShowMap(!showMap)} style={{ alignSelf: 'flex-start' }}>
        {showMap ? t('hideMap') : t('pickOnMap')}
      </Button>
      {showMap && list.some((z) => z.geometry) && (
        <ZonePickerMap
          zones={list}
          selected={value}
          label={t('mapLabel')}
          onToggle={(id) => onChange(value.includes(id) ? value.filter((v) => v !== id) : [...value, id])}
        />
      )}
    </Stack>
  );
}
