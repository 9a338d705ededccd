// Secondary e-mails are read through relais_person_by_secondary_email() (owner rights, so that the
// GIN index on person.emails is usable under row-level security): it must keep the tenant wall the
// policy would, and it must read the index rather than every person of the campaign.
import { sql } from 'kysely';
import { beforeAll, expect, it } from 'vitest';
import { refreshStatistics, type Trx, withTenant } from '../../db/database.ts';
import { createCampaignFixture, type FixtureCampaign } from '../../testing/app.ts';
import { describeEachDatabase } from '../../testing/databases.ts';
import { personDesignatedByEmail } from './matching.ts';

const PEOPLE = 3000;

describeEachDatabase('people matching by secondary e-mail', (ctx) => {
  let a: FixtureCampaign;
  let b: FixtureCampaign;

  beforeAll(async () => {
    const { db } = ctx.database;
    a = await createCampaignFixture(db, 'match-a');
    b = await createCampaignFixture(db, 'match-b');
    // Campaign A: many people, one in three with a secondary e-mail; campaign B: one holder.
    await sql`
      insert into person (campaign_id, id, given_name, family_name, email, emails)
      select ${a.id}::uuid, ('00000000-0000-7000-8000-' || lpad(to_hex(g), 12, '0'))::uuid, 'Jean', 'N' || g,
        'p' || g || '@example.org', case when g % 3 = 0 then array['s' || g || '@example.net'] else '{}' end
      from generate_series(1, ${PEOPLE}) g`.execute(db);
    await db
      .updateTable('person')
      .set({ emails: ['only-b@example.net'] })
      .where('id', '=', b.people[0]!.id)
      .execute();
    await refreshStatistics(db, ['person']);
  });

  const holders = (trx: Trx, campaignId: string, emails: string[]) =>
    sql<{ email: string; id: string }>`select email, id from relais_person_by_secondary_email(${campaignId}::uuid, ${emails}::text[])`
      .execute(trx)
      .then((r) => r.rows);

  it('returns nothing of another campaign, even when asked for that campaign by its id', async () => {
    const { db } = ctx.database;
    for (const absent of [0, 200]) {
      // A few e-mails (index probes) and many (a join): the function's two ways, the same wall.
      const emails = ['only-b@example.net', 's3@example.net', ...Array.from({ length: absent }, (_, i) => `absent${i}@example.net`)];
      // Each campaign sees its own holder.
      expect(await withTenant(db, b.id, (trx) => holders(trx, b.id, emails))).toEqual([
        { email: 'only-b@example.net', id: b.people[0]!.id },
      ]);
      expect(await withTenant(db, a.id, (trx) => holders(trx, a.id, emails))).toEqual([
        { email: 's3@example.net', id: '00000000-0000-7000-8000-000000000003' },
      ]);
      // Under A's tenant transaction, B's id reads nothing of B (nor of A); and the other way round.
      expect(await withTenant(db, a.id, (trx) => holders(trx, b.id, emails))).toEqual([]);
      expect(await withTenant(db, b.id, (trx) => holders(trx, a.id, emails))).toEqual([]);
      // Outside any tenant transaction (no relais.campaign_id), nothing either.
      expect(await holders(db as unknown as Trx, a.id, emails)).toEqual([]);
    }
  });

  it('reads the GIN index of secondary e-mails, not every person of the campaign', async () => {
    const read = await withTenant(ctx.database.db, a.id, async (trx) => {
      // The function's statements are not shown by EXPLAIN: the transaction's scan counters say how
      // person was read (for a table, its sequential scans; for an index, that index's scans).
      const counters = async () => {
        const { rows } = await sql<{ seq: string; gin: string }>`
          select pg_stat_get_xact_numscans('person'::regclass) as seq,
            pg_stat_get_xact_numscans('person_emails_idx'::regclass) as gin`.execute(trx);
        return { seq: Number(rows[0]?.seq), gin: Number(rows[0]?.gin) };
      };
      const before = await counters();
      const id = await personDesignatedByEmail(trx, a.id, 's42@example.net');
      const after = await counters();
      return { id, seq: after.seq - before.seq, gin: after.gin - before.gin };
    });
    expect(read).toEqual({ id: '00000000-0000-7000-8000-00000000002a', seq: 0, gin: 1 });
  });
});
