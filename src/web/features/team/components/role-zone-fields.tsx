// The role select and, for referents only, the arrondissements they cover.
import { MultiSelect, Select } from '@mantine/core';
import { useMemo } from 'react';
import { useLabel, useT } from '../../../i18n/use-t.ts';
import { ROLES, type Role } from '../../session/api.ts';
import { useZonesQuery } from '../../territory/api.ts';
import { roleLabels, teamMessages } from '../messages.ts';

interface RoleZoneFieldsProps {
  role: Role;
  zoneIds: string[];
  onRoleChange: (role: Role) => void;
  onZonesChange: (ids: string[]) => void;
  zonesError?: string;
}

/** Role select plus zone multi-select (from GET /zones?layer=arrondissement) shown only for referents. */
export function RoleZoneFields({ role, zoneIds, onRoleChange, onZonesChange, zonesError }: RoleZoneFieldsProps) {
  const t = useT(teamMessages);
  const roleLabel = useLabel(roleLabels);
  const zones = useZonesQuery('arrondissement', { enabled: role === 'referent' });
  const roleOptions = useMemo(() => ROLES.map((r) => ({ value: r, label: roleLabel(r) })), [roleLabel]);
  const zoneOptions = useMemo(() => (zones.data?._embedded.zones ?? []).map((z) => ({ value: z.id, label: z.name })), [zones.data]);

  return (
    <>
      <Select
        label={t('role')}
        data={roleOptions}
        value={role}
        onChange={(value) => value && onRoleChange(value as Role)}
        allowDeselect={false}
        required
        comboboxProps={{ withinPortal: true }}
      />
      {role === 'referent' && (
        <MultiSelect
          label={t('zones')}
          description={t('zonesHint')}
          placeholder={zones.isPending ? t('zonesLoading') : t('zonesPlaceholder')}
          data={zoneOptions}
          value={zoneIds}
          onChange={onZonesChange}
          searchable
          clearable
          required
          disabled={zones.isPending}
          error={zonesError ?? (zones.isError ? zones.error.message : undefined)}
          comboboxProps={{ withinPortal: true }}
          maxDropdownHeight={260}
        />
      )}
    </>
  );
}
