// /app/people/:id: identity (editable), contacts, custom fields (editable), address with zones and a
// map, consent, ladder, tags, timeline, and the person's rights (export, erase).
import { Anchor, Badge, Button, Grid, Group, Modal, Paper, SimpleGrid, Stack, Text, TextInput, Title } from '@mantine/core';
import { useEffect, useMemo, useRef, useState } from 'react';
import { Link, useParams } from 'react-router';
import { useFormat } from '../../../i18n/format.ts';
import { useLabel, useT } from '../../../i18n/use-t.ts';
import { ErrorAlert } from '../../../ui/error-alert.tsx';
import { FormActions } from '../../../ui/form-actions.tsx';
import { QueryView } from '../../../ui/query-view.tsx';
import { useCan } from '../../session/session-context.tsx';
import { useZonesQuery } from '../../territory/api.ts';
import {
  type Activity,
  displayName,
  itemsOf,
  type Person,
  type PersonInput,
  type PostalAddress,
  useActivitiesQuery,
  usePersonQuery,
  useUpdatePerson,
} from '../api.ts';
import { entryMessages } from '../entry-messages.ts';
import { peopleMessages, personSourceNames } from '../messages.ts';
import {
  type ContactErrors,
  ContactsInput,
  type ContactsValue,
  contactErrorsOf,
  contactsOf,
  contactsToSend,
  NO_CONTACT_ERRORS,
} from './contacts-input.tsx';
import { PersonConsents } from './person-consents.tsx';
import { PersonContactActions } from './person-contacts.tsx';
import { PersonCustomFields } from './person-custom-fields.tsx';
import { PersonLadder, PersonTags } from './person-ladder.tsx';
import { PersonMap } from './person-map.tsx';
import { PersonRights, PersonTimeline } from './person-rights.tsx';
import { StageBadge } from './stage.tsx';

/** Loads the person and lays the sections out in two columns (one on phones). */
export function PersonPage() {
  const { id = '' } = useParams();
  const t = useT(peopleMessages);
  const person = usePersonQuery(id);
  return (
    <Stack gap="md">
      <Anchor component={Link} to="/people" size="sm">
        ← {t('back')}
      </Anchor>
      <QueryView query={person}>{(data) => <PersonDetail person={data} />}</QueryView>
    </Stack>
  );
}

function PersonDetail({ person }: { person: Person }) {
  const t = useT(peopleMessages);
  const sourceName = useLabel(personSourceNames);
  const fmt = useFormat();
  const canWrite = useCan('people.write');
  const canExport = useCan('people.export');
  const activitiesQuery = useActivitiesQuery(person.id);
  const activities = useMemo(() => itemsOf<Activity>(activitiesQuery.data), [activitiesQuery.data]);
  return (
    <>
      <Group justify="space-between" align="flex-end" gap="sm">
        <Stack gap={4}>
          <Group gap="sm">
            <Title order={1} fz={{ base: 'h3', sm: 'h2' }} data-testid="person-name">
              {displayName(person)}
            </Title>
            <StageBadge stage={person.ladder_stage} />
          </Group>
          <Text size="sm" c="dimmed">
            {t('createdOn', { date: fmt.date(person.created_date) })}, {t('modifiedOn', { date: fmt.date(person.modified_date) })}
            {person.source ? ` · ${t('sourceLine', { source: sourceName(person.source, person.source) })}` : ''}
          </Text>
        </Stack>
        {canWrite && !person.anonymized && <PersonContactActions person={person} />}
      </Group>
      <Grid gutter="md">
        <Grid.Col span={{ base: 12, md: 7 }}>
          <Stack gap="md">
            <Identity person={person} canWrite={canWrite} />
            <PersonCustomFields person={person} canWrite={canWrite} />
            <Address person={person} />
            <PersonTimeline activities={activities} pending={activitiesQuery.isPending} />
            {activitiesQuery.isError && <ErrorAlert error={activitiesQuery.error} onRetry={() => void activitiesQuery.refetch()} />}
          </Stack>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 5 }}>
          <Stack gap="md">
            <PersonConsents person={person} canWrite={canWrite} />
            <PersonLadder person={person} activities={activities} canWrite={canWrite} />
            <PersonTags person={person} canWrite={canWrite} />
            {(canExport || canWrite) && <PersonRights person={person} canExport={canExport} canErase={canExport && canWrite} />}
          </Stack>
        </Grid.Col>
      </Grid>
    </>
  );
}

function Identity({ person, canWrite }: { person: Person; canWrite: boolean }) {
  const t = useT(peopleMessages);
  const fmt = useFormat();
  const [editing, setEditing] = useState(false);
  const row = (label: string, value: React.ReactNode) => (
    <div>
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      <Text size="sm" component="div">
        {value || '—'}
      </Text>
    </div>
  );
  return (
    <Paper withBorder radius="md" p="md">
      <Group justify="space-between" mb="sm">
        <Title order={2} fz="h4">
          {t('identity')}
        </Title>
        {canWrite && (
          <Button size="compact-sm" variant="light" onClick={() => setEditing(true)}>
            {t('edit')}
          </Button>
        )}
      </Group>
      <SimpleGrid cols={{ base: 1, xs: 2 }} spacing="sm">
        {row(t('givenName'), person.given_name)}
        {row(t('familyName'), person.family_name)}
        {row(
          t('emails'),
          person.email_addresses?.length
            ? person.email_addresses.map((e) => (
                <div key={e.address}>
                  <Anchor href={`mailto:${e.address}`} size="sm">
                    {e.address}
                  </Anchor>{' '}
                  {e.primary && person.email_addresses.length > 1 && (
                    <Badge size="xs" variant="outline">
                      {t('primary')}
                    </Badge>
                  )}
                </div>
              ))
            : null,
        )}
        {row(
          t('phones'),
          person.phone_numbers?.length
            ? person.phone_numbers.map((p) => (
                <div key={p.number}>
                  <Anchor href={`tel:${p.number}`} size="sm">
                    {fmt.phone(p.number)}
                  </Anchor>
                </div>
              ))
            : null,
        )}
        {row(t('birthdate'), person.birthdate ? fmt.date(person.birthdate) : null)}
        {row(t('gender'), person.gender)}
      </SimpleGrid>
      {editing && <EditIdentityModal person={person} onClose={() => setEditing(false)} />}
    </Paper>
  );
}

function EditIdentityModal({ person, onClose }: { person: Person; onClose: () => void }) {
  const t = useT(peopleMessages);
  const te = useT(entryMessages);
  const update = useUpdatePerson(person.id);
  // Every refused e-mail and phone of the last try, beside its own entry; each goes once edited.
  const [contactErrors, setContactErrors] = useState<ContactErrors>(NO_CONTACT_ERRORS);
  const refused = Object.values(contactErrors).some((byIndex) => Object.keys(byIndex).length > 0);
  // Counts refused tries: after each, the first refused entry takes the focus, so that a keyboard or
  // screen-reader user lands on it (not while correcting, which also changes the errors).
  const [refusals, setRefusals] = useState(0);
  const formRef = useRef<HTMLFormElement>(null);
  useEffect(() => {
    if (refusals > 0) formRef.current?.querySelector<HTMLInputElement>('input[aria-invalid="true"]')?.focus();
  }, [refusals]);
  const address: Partial<PostalAddress> = person.postal_addresses[0] ?? {};
  // Every e-mail and phone is editable (a merge leaves a person several of each).
  const [emails, setEmails] = useState(() =>
    contactsOf((person.email_addresses ?? []).map((e) => ({ value: e.address, primary: e.primary }))),
  );
  const [phones, setPhones] = useState(() =>
    contactsOf((person.phone_numbers ?? []).map((p) => ({ value: p.number, primary: p.primary }))),
  );
  const [form, setForm] = useState({
    given_name: person.given_name ?? '',
    family_name: person.family_name ?? '',
    street: address.address_lines?.[0] ?? '',
    postal_code: address.postal_code ?? '',
    locality: address.locality ?? '',
    birthdate: person.birthdate ?? '',
    gender: person.gender ?? '',
  });
  const field = (key: keyof typeof form) => ({
    value: form[key],
    onChange: (event: React.ChangeEvent<HTMLInputElement>) => {
      setForm({ ...form, [key]: event.currentTarget.value });
    },
  });
  const contacts = (kind: 'email' | 'phone') => ({
    kind,
    value: kind === 'email' ? emails : phones,
    onChange: (value: ContactsValue, edited?: number) => {
      (kind === 'email' ? setEmails : setPhones)(value);
      // An entry's error goes as soon as it is edited; adding or removing one clears the kind's.
      setContactErrors((old) => {
        const { [edited ?? -1]: _, ...rest } = old[kind];
        return { ...old, [kind]: edited === undefined ? {} : rest };
      });
    },
    errors: Object.fromEntries(
      Object.entries(contactErrors[kind]).map(([index, code]) => [index, te(code as keyof typeof entryMessages.fr)]),
    ),
  });
  const submit = () => {
    const sent = { email: contactsToSend(emails), phone: contactsToSend(phones) };
    const emailAddresses: NonNullable<PersonInput['email_addresses']> = sent.email.map((c) => ({
      address: c.value,
      primary: c.primary,
    }));
    const phoneNumbers: NonNullable<PersonInput['phone_numbers']> = sent.phone.map((c) => ({
      number: c.value,
      primary: c.primary,
    }));
    const addressChanged =
      form.street !== (address.address_lines?.[0] ?? '') ||
      form.postal_code !== (address.postal_code ?? '') ||
      form.locality !== (address.locality ?? '');
    update.mutate(
      {
        given_name: form.given_name.trim(),
        family_name: form.family_name.trim(),
        email_addresses: emailAddresses,
        phone_numbers: phoneNumbers,
        ...(addressChanged
          ? {
              postal_addresses: [
                {
                  address_lines: form.street.trim() ? [form.street.trim()] : [],
                  postal_code: form.postal_code.trim(),
                  locality: form.locality.trim(),
                },
              ],
            }
          : {}),
        birthdate: form.birthdate || null,
        gender: form.gender.trim() || null,
      },
      {
        onSuccess: onClose,
        onError: (error) => {
          setContactErrors(contactErrorsOf(error, sent));
          setRefusals((n) => n + 1);
        },
      },
    );
  };
  return (
    <Modal opened onClose={onClose} title={t('identity')} centered size="lg">
      {/* noValidate: the server's rules apply (an accented address is valid; the browser's check says not). */}
      <form
        ref={formRef}
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          submit();
        }}
      >
        <Stack>
          <SimpleGrid cols={{ base: 1, xs: 2 }}>
            <TextInput label={t('givenName')} data-autofocus {...field('given_name')} />
            <TextInput label={t('familyName')} {...field('family_name')} />
          </SimpleGrid>
          {/* Full width: an e-mail needs the room, and a merged person may have several. */}
          <ContactsInput {...contacts('email')} />
          <ContactsInput {...contacts('phone')} />
          <TextInput label={t('streetAddress')} {...field('street')} />
          <SimpleGrid cols={{ base: 2 }}>
            <TextInput label={t('postalCode')} {...field('postal_code')} />
            <TextInput label={t('locality')} {...field('locality')} />
            <TextInput label={t('birthdate')} type="date" {...field('birthdate')} />
            <TextInput label={t('gender')} {...field('gender')} />
          </SimpleGrid>
          {update.error && !refused ? (
            <ErrorAlert
              error={update.error}
              overrides={{ PERSON_OUTSIDE_SCOPE: t('identityOutsideScope'), PERSON_ANONYMIZED: t('identityAnonymized') }}
            />
          ) : null}
          <FormActions onCancel={onClose} pending={update.isPending} />
        </Stack>
      </form>
    </Modal>
  );
}

function Address({ person }: { person: Person }) {
  const t = useT(peopleMessages);
  const address = person.postal_addresses?.[0];
  const arrondissements = useZonesQuery('arrondissement', { geometry: true });
  const personZones = person.zones ?? [];
  const zoneKey = personZones.map((z) => z.id).join(',');
  const shapes = useMemo(() => {
    const ids = new Set(zoneKey.split(','));
    return (arrondissements.data?._embedded.zones ?? []).filter((zone) => ids.has(zone.id));
  }, [arrondissements.data, zoneKey]);
  const location = address?.location && Number.isFinite(address.location.latitude) ? address.location : null;
  return (
    <Paper withBorder radius="md" p="md">
      <Title order={2} fz="h4" mb="sm">
        {t('address')}
      </Title>
      <Stack gap="sm">
        {address ? (
          <Text size="sm">
            {[...(address.address_lines ?? []), [address.postal_code, address.locality].filter(Boolean).join(' ')]
              .filter(Boolean)
              .join(', ')}
          </Text>
        ) : (
          <Text size="sm" c="dimmed">
            {t('noAddress')}
          </Text>
        )}
        {personZones.length > 0 && (
          <Group gap={6} aria-label={t('zones')}>
            {personZones.map((zone) => (
              <Badge key={zone.id} variant="outline" color="indigo" size="sm" title={zone.layer}>
                {zone.name}
              </Badge>
            ))}
          </Group>
        )}
        {(location || shapes.length > 0) && <PersonMap zones={shapes} point={location} label={t('mapLabel')} />}
        {address && !location && (
          <Text size="xs" c="dimmed">
            {t('notGeocoded')}
          </Text>
        )}
      </Stack>
    </Paper>
  );
}
