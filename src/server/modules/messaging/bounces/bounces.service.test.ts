// The bounce rules on a real database: one hard bounce suppresses, three soft bounces within 14
// days suppress unless a delivery came between, one complaint suppresses and withdraws consent;
// the recipient row gets its delivery status; a report read twice changes nothing.
import { expect, it } from 'vitest';
import { tenantRunnerOf } from '../../../db/database.ts';
import { uuidv7 } from '../../../lib/ids.ts';
import { createCampaignFixture } from '../../../testing/app.ts';
import { describeEachDatabase } from '../../../testing/databases.ts';
import { emailConsentFixture, type SentMailing, sentMailingFixture } from './bounces.fixtures.ts';
import { applyDeliveryReport, type DeliveryReport } from './bounces.service.ts';

const DAY = 24 * 3600 * 1000;

function report(over: Partial<DeliveryReport>): DeliveryReport {
  return {
    source: 'imap',
    sourceEventId: uuidv7(),
    kind: 'hard_bounce',
    email: null,
    recipientId: null,
    messageId: null,
    statusCode: '5.1.1',
    diagnostic: '550 5.1.1 user unknown',
    occurredAt: new Date(),
    trustAddressAlone: false,
    ...over,
  };
}

describeEachDatabase('bounce rules', (ctx) => {
  const setup = async (slug: string) => {
    const c = await createCampaignFixture(ctx.database.db, slug);
    const people = c.people.map((p, i) => ({ id: p.id, email: `person${i}.${slug}@example.org` }));
    await emailConsentFixture(
      ctx.database.db,
      c.id,
      people.map((p) => p.id),
    );
    return { c, people, tenant: tenantRunnerOf(ctx.database.db, c.id) };
  };

  it('one hard bounce suppresses, marks the row, goes on the timeline and in the audit log; read twice it changes nothing', async () => {
    const { c, people, tenant } = await setup('hard');
    const m = await sentMailingFixture(ctx.database.db, c.id, people);
    const r0 = m.recipients[0] as (typeof m.recipients)[number];
    const hard = report({ recipientId: r0.id, sourceEventId: 'dsn-1:0' });
    expect(await tenant((trx) => applyDeliveryReport(trx, c.id, hard))).toMatchObject({ outcome: 'recorded', suppressed: 'hard_bounce' });
    expect(await tenant((trx) => applyDeliveryReport(trx, c.id, hard))).toMatchObject({ outcome: 'duplicate', suppressed: null });

    const state = await tenant(async (trx) => ({
      suppression: await trx.selectFrom('mail_suppression').select(['email', 'reason', 'person_id']).execute(),
      row: await trx.selectFrom('mailing_recipient').select('delivery_status').where('id', '=', r0.id).executeTakeFirstOrThrow(),
      events: await trx.selectFrom('delivery_event').select(['kind', 'email', 'mailing_id', 'person_id']).execute(),
      activities: await trx.selectFrom('activity').select(['type', 'person_id', 'ref_id']).where('type', '=', 'mail.suppressed').execute(),
      audit: await trx.selectFrom('audit_event').select(['action', 'target_id']).where('action', '=', 'mail.suppressed').execute(),
      consent: await trx.selectFrom('person').select('consent_email').where('id', '=', r0.personId).executeTakeFirstOrThrow(),
    }));
    expect(state.suppression).toEqual([{ email: r0.email, reason: 'hard_bounce', person_id: r0.personId }]);
    expect(state.row.delivery_status).toBe('hard_bounce');
    expect(state.events).toEqual([{ kind: 'hard_bounce', email: r0.email, mailing_id: m.mailingId, person_id: r0.personId }]);
    expect(state.activities).toEqual([{ type: 'mail.suppressed', person_id: r0.personId, ref_id: m.mailingId }]);
    expect(state.audit).toEqual([{ action: 'mail.suppressed', target_id: r0.personId }]);
    // A bounce is no withdrawal of consent: the person did not ask for anything.
    expect(state.consent.consent_email).toBe(true);
  });

  it('three soft bounces of different messages within 14 days suppress; two do not, nor two reports of one message', async () => {
    const { c, people, tenant } = await setup('soft');
    const p = people[0] as (typeof people)[number];
    const now = Date.now();
    const mailings: SentMailing[] = [];
    for (let i = 0; i < 3; i++) mailings.push(await sentMailingFixture(ctx.database.db, c.id, [p]));
    const idOf = (i: number) => mailings[i]?.recipients[0]?.id ?? null;
    const soft = (i: number, at: number, eventId = `soft-${i}-${at}`) =>
      tenant((trx) =>
        applyDeliveryReport(
          trx,
          c.id,
          report({ kind: 'soft_bounce', statusCode: '4.2.2', recipientId: idOf(i), occurredAt: new Date(at), sourceEventId: eventId }),
        ),
      );
    expect((await soft(0, now - 3 * DAY)).suppressed).toBeNull();
    // The same message reported again (another report of its retries): still one message.
    expect((await soft(0, now - 2 * DAY, 'soft-0-again')).suppressed).toBeNull();
    expect((await soft(1, now - 2 * DAY)).suppressed).toBeNull();
    expect((await soft(2, now - DAY)).suppressed).toBe('soft_bounces');
    const rows = await tenant((trx) => trx.selectFrom('mail_suppression').select(['email', 'reason']).execute());
    expect(rows).toEqual([{ email: p.email, reason: 'soft_bounces' }]);
  });

  it('a delivery between soft bounces resets the count; bounces older than 14 days do not count', async () => {
    const { c, people, tenant } = await setup('reset');
    const [p, q] = people as [(typeof people)[number], (typeof people)[number]];
    const now = Date.now();
    const mailings: SentMailing[] = [];
    for (let i = 0; i < 4; i++) mailings.push(await sentMailingFixture(ctx.database.db, c.id, [p, q]));
    const rid = (i: number, who: 0 | 1) => mailings[i]?.recipients[who]?.id ?? null;
    const apply = (over: Partial<DeliveryReport>) => tenant((trx) => applyDeliveryReport(trx, c.id, report(over)));
    // p: soft, soft, delivered, soft → 1 since the delivery.
    await apply({ kind: 'soft_bounce', recipientId: rid(0, 0), occurredAt: new Date(now - 5 * DAY) });
    await apply({ kind: 'soft_bounce', recipientId: rid(1, 0), occurredAt: new Date(now - 4 * DAY) });
    await apply({ kind: 'delivered', statusCode: '2.0.0', recipientId: rid(2, 0), occurredAt: new Date(now - 3 * DAY) });
    expect((await apply({ kind: 'soft_bounce', recipientId: rid(3, 0), occurredAt: new Date(now - DAY) })).suppressed).toBeNull();
    // q: one soft bounce 20 days ago, two recent → 2 within the window.
    await apply({ kind: 'soft_bounce', recipientId: rid(0, 1), occurredAt: new Date(now - 20 * DAY) });
    await apply({ kind: 'soft_bounce', recipientId: rid(1, 1), occurredAt: new Date(now - 2 * DAY) });
    expect((await apply({ kind: 'soft_bounce', recipientId: rid(2, 1), occurredAt: new Date(now - DAY) })).suppressed).toBeNull();
    expect(await tenant((trx) => trx.selectFrom('mail_suppression').select('email').execute())).toEqual([]);
    // One more for q within the window: now three.
    expect((await apply({ kind: 'soft_bounce', recipientId: rid(3, 1), occurredAt: new Date(now) })).suppressed).toBe('soft_bounces');
  });

  it('one complaint suppresses and withdraws the e-mail consent in the ledger, with its proof', async () => {
    const { c, people, tenant } = await setup('complaint');
    const m = await sentMailingFixture(ctx.database.db, c.id, people);
    const r1 = m.recipients[1] as (typeof m.recipients)[number];
    const outcome = await tenant((trx) =>
      applyDeliveryReport(trx, c.id, report({ kind: 'complaint', statusCode: null, diagnostic: null, messageId: r1.messageId })),
    );
    expect(outcome).toMatchObject({ outcome: 'recorded', suppressed: 'complaint' });
    const state = await tenant(async (trx) => ({
      person: await trx.selectFrom('person').select('consent_email').where('id', '=', r1.personId).executeTakeFirstOrThrow(),
      ledger: await trx
        .selectFrom('consent')
        .select(['status', 'source', 'proof'])
        .where('person_id', '=', r1.personId)
        .where('status', '=', 'withdrawn')
        .execute(),
      row: await trx.selectFrom('mailing_recipient').select('delivery_status').where('id', '=', r1.id).executeTakeFirstOrThrow(),
    }));
    expect(state.person.consent_email).toBe(false);
    expect(state.ledger).toHaveLength(1);
    expect(state.ledger[0]).toMatchObject({ status: 'withdrawn', source: 'complaint' });
    expect(state.ledger[0]?.proof).toMatchObject({ source: 'imap', recipient_id: r1.id, mailing_id: m.mailingId });
    expect(state.row.delivery_status).toBe('complaint');
  });

  it('a stronger status is never replaced by a weaker one', async () => {
    const { c, people, tenant } = await setup('strength');
    const m = await sentMailingFixture(ctx.database.db, c.id, [people[0] as (typeof people)[number]]);
    const id = m.recipients[0]?.id ?? null;
    const apply = (kind: DeliveryReport['kind']) =>
      tenant((trx) => applyDeliveryReport(trx, c.id, report({ kind, recipientId: id, statusCode: null })));
    const status = () =>
      tenant((trx) =>
        trx
          .selectFrom('mailing_recipient')
          .select('delivery_status')
          .where('id', '=', id as string)
          .executeTakeFirstOrThrow(),
      );
    await apply('delivered');
    await apply('delayed');
    expect((await status()).delivery_status).toBe('delivered');
    await apply('soft_bounce');
    expect((await status()).delivery_status).toBe('soft_bounce');
  });

  it('a mailbox report that names no message of ours changes nothing; a provider may name an address alone', async () => {
    const { c, people, tenant } = await setup('unmatched');
    const p = people[0] as (typeof people)[number];
    const forged = report({ email: p.email, messageId: '<not-ours@elsewhere.test>' });
    expect(await tenant((trx) => applyDeliveryReport(trx, c.id, forged))).toEqual({
      outcome: 'unmatched',
      suppressed: null,
      eventId: null,
    });
    expect(await tenant((trx) => trx.selectFrom('delivery_event').select('id').execute())).toEqual([]);

    const provider = report({ source: 'sendgrid', email: p.email.toUpperCase(), trustAddressAlone: true });
    expect(await tenant((trx) => applyDeliveryReport(trx, c.id, provider))).toMatchObject({
      outcome: 'recorded',
      suppressed: 'hard_bounce',
    });
    const events = await tenant((trx) => trx.selectFrom('delivery_event').select(['email', 'person_id', 'recipient_id']).execute());
    expect(events).toEqual([{ email: p.email, person_id: p.id, recipient_id: null }]);
  });
});
