// The dialogs of the team screen: add a member, edit a member's role and zones.
import { Modal, PasswordInput, Stack, TextInput } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { useT } from '../../../i18n/use-t.ts';
import { ErrorAlert } from '../../../ui/error-alert.tsx';
import { FormActions } from '../../../ui/form-actions.tsx';
import type { Role } from '../../session/api.ts';
import { type Member, useAddMember, useUpdateMember } from '../api.ts';
import { teamMessages } from '../messages.ts';
import { RoleZoneFields } from './role-zone-fields.tsx';

const MIN_PASSWORD = 10;

/** "Ajouter un membre": e-mail, name, role, zones for a referent, optional password. */
export function AddMemberModal({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const t = useT(teamMessages);
  const add = useAddMember();
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [role, setRole] = useState<Role>('volunteer');
  const [zoneIds, setZoneIds] = useState<string[]>([]);
  const [password, setPassword] = useState('');
  const [touched, setTouched] = useState(false);

  const errors = {
    email: !/^\S+@\S+\.\S+$/.test(email) ? t('emailInvalid') : undefined,
    name: !name.trim() ? t('required') : undefined,
    zones: role === 'referent' && zoneIds.length === 0 ? t('zoneRequired') : undefined,
    password: password && password.length < MIN_PASSWORD ? t('passwordTooShort') : undefined,
  };

  const close = () => {
    setEmail('');
    setName('');
    setRole('volunteer');
    setZoneIds([]);
    setPassword('');
    setTouched(false);
    add.reset();
    onClose();
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setTouched(true);
    if (Object.values(errors).some(Boolean)) return;
    add.mutate(
      {
        email: email.trim(),
        display_name: name.trim(),
        role,
        zone_ids: role === 'referent' ? zoneIds : undefined,
        password: password || undefined,
      },
      { onSuccess: close },
    );
  };

  return (
    <Modal opened={opened} onClose={close} title={t('addTitle')} centered size="lg">
      <form onSubmit={submit} noValidate>
        <Stack>
          {add.isError && <ErrorAlert error={add.error} overrides={{ CONFLICT: t('alreadyMember') }} />}
          <TextInput
            label={t('email')}
            type="email"
            autoComplete="off"
            required
            value={email}
            onChange={(e) => setEmail(e.currentTarget.value)}
            error={touched && errors.email}
            data-autofocus
          />
          <TextInput
            label={t('displayName')}
            required
            value={name}
            onChange={(e) => setName(e.currentTarget.value)}
            error={touched && errors.name}
          />
          <RoleZoneFields
            role={role}
            zoneIds={zoneIds}
            onRoleChange={setRole}
            onZonesChange={setZoneIds}
            zonesError={touched ? errors.zones : undefined}
          />
          <PasswordInput
            label={t('password')}
            description={t('passwordHint')}
            autoComplete="new-password"
            value={password}
            onChange={(e) => setPassword(e.currentTarget.value)}
            error={touched && errors.password}
          />
          <FormActions onCancel={close} pending={add.isPending} submitLabel={t('submitAdd')} />
        </Stack>
      </form>
    </Modal>
  );
}

/** Changes the role and zones of one member; mounted with key=user_id so its state starts from the member. */
export function EditMemberModal({ member, onClose }: { member: Member; onClose: () => void }) {
  const t = useT(teamMessages);
  const update = useUpdateMember();
  const [role, setRole] = useState<Role>(member.role);
  const [zoneIds, setZoneIds] = useState<string[]>(member.zone_ids ?? member.zones.map((z) => z.id));
  const [touched, setTouched] = useState(false);
  const zonesError = role === 'referent' && zoneIds.length === 0 ? t('zoneRequired') : undefined;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setTouched(true);
    if (zonesError) return;
    update.mutate({ userId: member.user_id, patch: { role, zone_ids: role === 'referent' ? zoneIds : [] } }, { onSuccess: onClose });
  };

  return (
    <Modal opened onClose={onClose} title={t('editTitle', { name: member.display_name || member.email })} centered size="lg">
      <form onSubmit={submit} noValidate>
        <Stack>
          {update.isError && <ErrorAlert error={update.error} />}
          <RoleZoneFields
            role={role}
            zoneIds={zoneIds}
            onRoleChange={setRole}
            onZonesChange={setZoneIds}
            zonesError={touched ? zonesError : undefined}
          />
          <FormActions onCancel={onClose} pending={update.isPending} submitLabel={t('submitEdit')} />
        </Stack>
      </form>
    </Modal>
  );
}
