// The month's cost of an X account on its card: spent so far, projected to the month's end at the
// current pace, posts read and created, the cap and, once it is reached, that its watches are
// paused until the next month; the prices and the cap are edited here (administrators).
import { Alert, Button, Group, Modal, NumberInput, Stack, Text } from '@mantine/core';
import { useState } from 'react';
import { useFormat } from '../../../i18n/format.ts';
import { useLocale } from '../../../i18n/locale-context.tsx';
import { useT } from '../../../i18n/use-t.ts';
import { ErrorAlert } from '../../../ui/error-alert.tsx';
import { type Account, useUpdateAccount } from '../api.ts';
import { listeningMessages } from '../messages.ts';

type XCost = NonNullable<Account['x_cost']>;

function useEuros() {
  const f = useFormat();
  return {
    amount: (v: number) => f.number(v, { style: 'currency', currency: 'EUR' }),
    price: (v: number) => f.number(v, { style: 'currency', currency: 'EUR', minimumFractionDigits: 2, maximumFractionDigits: 4 }),
  };
}

function XCostForm({ account, cost, onClose }: { account: Account; cost: XCost; onClose: () => void }) {
  const t = useT(listeningMessages);
  const euros = useEuros();
  const comma = useLocale().locale === 'fr' ? ',' : '.';
  const update = useUpdateAccount();
  const [read, setRead] = useState<number | string>(cost.price_per_post_read);
  const [created, setCreated] = useState<number | string>(cost.price_per_post_created);
  const [cap, setCap] = useState<number | string>(cost.monthly_cap ?? '');
  const submit = () =>
    update.mutate(
      {
        id: account.id,
        price_per_post_read: Number(read) || 0,
        price_per_post_created: Number(created) || 0,
        monthly_cap: cap === '' ? null : Number(cap),
      },
      { onSuccess: onClose },
    );
  return (
    <Modal opened onClose={onClose} title={t('xCostSettings')}>
      <Stack>
        <PriceInput
          label={t('xPriceRead')}
          hint={t('xPriceDefault', { price: euros.price(0.005) })}
          value={read}
          onChange={setRead}
          comma={comma}
        />
        <PriceInput
          label={t('xPriceCreated')}
          hint={t('xPriceDefault', { price: euros.price(0.015) })}
          value={created}
          onChange={setCreated}
          comma={comma}
        />
        <NumberInput
          label={t('xCap')}
          description={t('xCapHint')}
          value={cap}
          onChange={setCap}
          min={0}
          max={10_000_000}
          decimalScale={2}
          decimalSeparator={comma}
          suffix=" €"
        />
        {update.isError && <ErrorAlert error={update.error} />}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {t('cancel')}
          </Button>
          <Button onClick={submit} loading={update.isPending}>
            {t('save')}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

export function XCostBlock({ account, canManage }: { account: Account; canManage: boolean }) {
  const t = useT(listeningMessages);
  const f = useFormat();
  const euros = useEuros();
  const [editing, setEditing] = useState(false);
  const cost = account.x_cost;
  if (!cost) return null;
  return (
    <Stack gap={4} mt="sm" data-testid="x-cost">
      <Text size="sm" fw={600}>
        {t('xCostTitle')}
      </Text>
      <Group wrap="wrap" style={{ rowGap: 0, columnGap: 'var(--mantine-spacing-lg)' }}>
        <Text size="sm">{t('xSpent', { amount: euros.amount(cost.spent) })}</Text>
        <Text size="sm">{t('xProjected', { amount: euros.amount(cost.projected) })}</Text>
        <Text size="sm">{cost.monthly_cap === null ? t('xNoCap') : t('xCapIs', { amount: euros.amount(cost.monthly_cap) })}</Text>
      </Group>
      <Text size="xs" c="dimmed">
        {t('xCounts', { read: cost.posts_read, created: cost.posts_created })} ·{' '}
        {t('xPrices', { read: euros.price(cost.price_per_post_read), created: euros.price(cost.price_per_post_created) })}
      </Text>
      {cost.state === 'capped' && (
        <Alert color="orange" variant="light" p="xs">
          {t('xCapped', { date: f.date(cost.paused_until) })}
        </Alert>
      )}
      {canManage && (
        <Group>
          <Button size="xs" variant="default" onClick={() => setEditing(true)}>
            {t('xCostSettings')}
          </Button>
        </Group>
      )}
      {editing && <XCostForm account={account} cost={cost} onClose={() => setEditing(false)} />}
    </Stack>
  );
}

/** A price per post in euros, to the micro-euro (X bills fractions of a cent). */
function PriceInput(props: { label: string; hint: string; value: number | string; onChange: (v: number | string) => void; comma: string }) {
  return (
    <NumberInput
      label={props.label}
      description={props.hint}
      value={props.value}
      onChange={props.onChange}
      min={0}
      max={100}
      step={0.001}
      decimalScale={6}
      decimalSeparator={props.comma}
      suffix=" €"
    />
  );
}
