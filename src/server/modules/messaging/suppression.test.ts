// suppressAddress: one row per normalised address whatever the reason, and for an unsubscribe or a
// complaint one ledger line withdrawing the e-mail consent, with its proof, written once.
import { expect, it } from 'vitest';
import { tenantRunnerOf } from '../../db/database.ts';
import { createCampaignFixture } from '../../testing/app.ts';
import { describeEachDatabase } from '../../testing/databases.ts';
import { recordConsents } from '../consent/index.ts';
import { suppressAddress } from './suppression.ts';

describeEachDatabase('messaging suppression', (ctx) => {
  it('suppresses once and withdraws consent for unsubscribes and complaints only', async () => {
    const c = await createCampaignFixture(ctx.database.db, 'suppress');
    const tenant = tenantRunnerOf(ctx.database.db, c.id);
    const [p0, p1] = c.people as unknown as [{ id: string }, { id: string }];
    await tenant((trx) =>
      recordConsents(trx, [
        { campaignId: c.id, personId: p0.id, channel: 'email', status: 'given', source: 'form' },
        { campaignId: c.id, personId: p1.id, channel: 'email', status: 'given', source: 'form' },
      ]),
    );
    const first = await tenant((trx) =>
      suppressAddress(trx, c.id, '  PERSON0.suppress@Example.org ', 'unsubscribed', { recipient_id: 'r1', ip: '192.0.2.1' }),
    );
    expect(first).toEqual({ suppressed: true, withdrawnPersonIds: [p0.id] });
    const again = await tenant((trx) => suppressAddress(trx, c.id, 'person0.suppress@example.org', 'unsubscribed', {}));
    expect(again).toEqual({ suppressed: false, withdrawnPersonIds: [] });
    const bounce = await tenant((trx) => suppressAddress(trx, c.id, 'person1.suppress@example.org', 'hard_bounce', { dsn: '5.1.1' }));
    expect(bounce).toEqual({ suppressed: true, withdrawnPersonIds: [] });
    // A complaint after a bounce: the row stays the bounce's, the consent is withdrawn all the same.
    const complaint = await tenant((trx) => suppressAddress(trx, c.id, 'person1.suppress@example.org', 'complaint', { feedback: 'abuse' }));
    expect(complaint).toEqual({ suppressed: false, withdrawnPersonIds: [p1.id] });

    const rows = await tenant((trx) => trx.selectFrom('mail_suppression').select(['email', 'reason']).orderBy('email').execute());
    expect(rows).toEqual([
      { email: 'person0.suppress@example.org', reason: 'unsubscribed' },
      { email: 'person1.suppress@example.org', reason: 'hard_bounce' },
    ]);
    const ledger = await tenant((trx) =>
      trx
        .selectFrom('consent')
        .select(['person_id', 'status', 'source', 'proof'])
        .where('status', '=', 'withdrawn')
        .orderBy('person_id')
        .execute(),
    );
    expect(ledger).toHaveLength(2);
    expect(ledger.find((l) => l.person_id === p0.id)).toMatchObject({
      source: 'unsubscribe',
      proof: { recipient_id: 'r1', ip: '192.0.2.1' },
    });
    expect(ledger.find((l) => l.person_id === p1.id)).toMatchObject({ source: 'complaint', proof: { feedback: 'abuse' } });
    const people = await tenant((trx) => trx.selectFrom('person').select(['id', 'consent_email']).execute());
    expect(people.every((p) => !p.consent_email)).toBe(true);
  });
});
