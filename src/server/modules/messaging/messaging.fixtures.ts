// For tests: a list of people a mailing may reach (an address, e-mail consent given), in one call.
import type { Kysely } from 'kysely';
import { tenantRunnerOf } from '../../db/database.ts';
import type { DB } from '../../db/schema.ts';
import { uuidv7 } from '../../lib/ids.ts';
import { recordConsents } from '../consent/index.ts';

export interface MailablePerson {
  given_name: string;
  family_name: string;
  email: string;
  zone_ids: string[];
}

/** Creates a list named `name` holding these people, each with e-mail consent given; returns the list's id and the people's ids. */
export async function mailableListFixture(db: Kysely<DB>, campaignId: string, people: readonly MailablePerson[], name = 'Lettre') {
  const listId = uuidv7();
  await db.insertInto('list').values({ campaign_id: campaignId, id: listId, name }).execute();
  const rows = people.map((p) => ({ ...p, campaign_id: campaignId, id: uuidv7() }));
  if (rows.length > 0) {
    await db.insertInto('person').values(rows).execute();
    await db
      .insertInto('list_member')
      .values(rows.map((r) => ({ campaign_id: campaignId, list_id: listId, person_id: r.id })))
      .execute();
  }
  await tenantRunnerOf(
    db,
    campaignId,
  )((trx) =>
    recordConsents(
      trx,
      rows.map((r) => ({ campaignId, personId: r.id, channel: 'email' as const, status: 'given' as const, source: 'form' })),
    ),
  );
  return { listId, personIds: rows.map((r) => r.id) };
}
