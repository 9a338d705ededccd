// Plain queries of A/B tests: a mailing's test and variants, and each variant's human figures.
import type { Selectable } from 'kysely';
import { sql } from 'kysely';
import type { Trx } from '../../../db/database.ts';
import type { MailingAbTestTable, MailingVariantKey, MailingVariantTable } from '../../../db/schema.ts';
import type { VariantFigures } from './decision.ts';

export type AbTestRow = Selectable<MailingAbTestTable>;
export type VariantRow = Selectable<MailingVariantTable>;

/** A mailing's test, if it has one; `lock` takes its row (the evaluation, edits). */
export function findAbTest(trx: Trx, campaignId: string, mailingId: string, lock = false) {
  const q = trx.selectFrom('mailing_ab_test').selectAll().where('campaign_id', '=', campaignId).where('mailing_id', '=', mailingId);
  return (lock ? q.forUpdate() : q).executeTakeFirst();
}

/** A mailing's variants, A first. */
export function listVariants(trx: Trx, campaignId: string, mailingId: string) {
  return trx
    .selectFrom('mailing_variant')
    .selectAll()
    .where('campaign_id', '=', campaignId)
    .where('mailing_id', '=', mailingId)
    .orderBy('variant')
    .execute();
}

/**
 * Each variant's figures on its recipients outside the held rest (before the decision: the test
 * share), human events only. Countable: sent and not bounced; for opens, also not behind Apple's
 * proxy (a recipient whose only opens are Apple Mail Privacy Protection prefetches: whether they
 * read it cannot be known). Opened: a human open or click among the countable; clicked: a human click.
 */
export async function variantFigures(
  trx: Trx,
  campaignId: string,
  mailingId: string,
  variants: readonly MailingVariantKey[],
): Promise<{ opens: VariantFigures[]; clicks: VariantFigures[] }> {
  const { rows } = await sql<{ variant: MailingVariantKey; sent: string; apple_only: string; opened: string; clicked: string }>`
    with ev as (
      select recipient_id,
        bool_or(classification = 'human' and kind in ('open', 'click')) as human_opened,
        bool_or(classification = 'human' and kind = 'click') as human_clicked,
        bool_or(classification = 'apple_proxy') as apple
      from mail_event
      where campaign_id = ${campaignId} and mailing_id = ${mailingId}
      group by recipient_id
    )
    select r.variant,
      count(*) as sent,
      count(*) filter (where ev.apple and not ev.human_opened) as apple_only,
      count(*) filter (where ev.human_opened) as opened,
      count(*) filter (where ev.human_clicked) as clicked
    from mailing_recipient r
    left join ev on ev.recipient_id = r.id
    where r.campaign_id = ${campaignId} and r.mailing_id = ${mailingId} and r.status = 'sent'
      and r.delivery_status is distinct from 'hard_bounce' and r.delivery_status is distinct from 'soft_bounce'
    group by r.variant`.execute(trx);
  const of = new Map(rows.map((r) => [r.variant, r]));
  const figures = (countable: (r: (typeof rows)[number]) => number) =>
    variants.map((variant) => {
      const r = of.get(variant);
      return r
        ? { variant, countable: countable(r), opened: Number(r.opened), clicked: Number(r.clicked) }
        : { variant, countable: 0, opened: 0, clicked: 0 };
    });
  return {
    opens: figures((r) => Number(r.sent) - Number(r.apple_only)),
    clicks: figures((r) => Number(r.sent)),
  };
}
