// Test fixtures of segments: a campaign whose few people differ on every condition kind (fields,
// stage, zones, tags, lists, consent ledger, custom fields, dates, activities), plus an anonymised
// and a merged person that no segment may ever select.
import type { Db } from '../../db/database.ts';
import { uuidv7 } from '../../lib/ids.ts';
import { createCampaignFixture, type FixtureCampaign } from '../../testing/app.ts';

export interface SegmentFixture extends FixtureCampaign {
  person: Record<'alice' | 'bob' | 'chloe' | 'dan' | 'eve', string>;
  tag: { militant: string; jeune: string };
  list: { phoning: string };
  z1: string;
  z2: string;
}

/** Creates the campaign `slug` with its people and references (see the file comment). */
export async function createSegmentFixture(db: Db, slug: string): Promise<SegmentFixture> {
  const base = await createCampaignFixture(db, slug);
  const c = base.id;
  const [z1, z2] = [base.zones[0]!.id, base.zones[1]!.id];
  const person = { alice: uuidv7(), bob: uuidv7(), chloe: uuidv7(), dan: uuidv7(), eve: uuidv7() };
  await db
    .insertInto('person')
    .values([
      {
        campaign_id: c,
        id: person.alice,
        given_name: 'Alice',
        family_name: 'Martin',
        email: `alice@${slug}.example.org`,
        phone: '+33611111111',
        postcode: '75011',
        locality: 'Paris',
        street_address: '1 rue de la Roquette',
        source: 'import',
        zone_ids: [z1],
        ladder_stage: 'sympathizer',
        birthdate: '1990-05-01',
        custom_fields: JSON.stringify({ age: 34, job: 'Enseignante', joined: '2025-03-01', size: 'M' }),
        created_at: new Date('2026-01-10T10:00:00Z'),
        modified_at: new Date('2026-01-10T10:00:00Z'),
      },
      {
        campaign_id: c,
        id: person.bob,
        given_name: 'Bob',
        family_name: 'Dupont',
        email: null,
        phone: null,
        postcode: '75012',
        locality: 'Paris',
        source: 'form',
        zone_ids: [z2],
        ladder_stage: 'volunteer',
        custom_fields: JSON.stringify({ age: '61', job: 'retraité', joined: 'not a date' }),
        created_at: new Date('2026-03-01T10:00:00Z'),
        modified_at: new Date(),
      },
      {
        campaign_id: c,
        id: person.chloe,
        given_name: 'Chloé',
        family_name: 'Lefèvre',
        email: `chloe@${slug}.example.org`,
        postcode: '75011',
        locality: 'Paris',
        source: 'import',
        zone_ids: [z1],
        ladder_stage: 'activist',
        custom_fields: JSON.stringify({ age: 'unknown', joined: '2026-02-15', size: 'L' }),
        created_at: new Date(Date.now() - 3 * 86_400_000),
      },
      { campaign_id: c, id: person.dan, given_name: 'Dan', family_name: 'Anonyme', zone_ids: [z1], anonymized_at: new Date() },
      { campaign_id: c, id: person.eve, given_name: 'Eve', family_name: 'Merged', zone_ids: [z1], merged_into: person.alice },
    ])
    .execute();
  const tag = { militant: uuidv7(), jeune: uuidv7() };
  await db
    .insertInto('tag')
    .values([
      { campaign_id: c, id: tag.militant, name: 'militant' },
      { campaign_id: c, id: tag.jeune, name: 'jeune' },
    ])
    .execute();
  await db
    .insertInto('tagging')
    .values([
      { campaign_id: c, tag_id: tag.militant, person_id: person.alice },
      { campaign_id: c, tag_id: tag.militant, person_id: person.bob },
      { campaign_id: c, tag_id: tag.jeune, person_id: person.bob },
      { campaign_id: c, tag_id: tag.militant, person_id: person.dan },
      { campaign_id: c, tag_id: tag.militant, person_id: person.eve },
    ])
    .execute();
  const list = { phoning: uuidv7() };
  await db.insertInto('list').values({ campaign_id: c, id: list.phoning, name: 'Phoning' }).execute();
  await db.insertInto('list_member').values({ campaign_id: c, list_id: list.phoning, person_id: person.chloe }).execute();
  // The ledger's trigger keeps person.consent_* in step: Bob withdrew after giving.
  const consent = (personId: string, channel: 'email' | 'sms', status: 'given' | 'withdrawn', at: string) => ({
    campaign_id: c,
    id: uuidv7(),
    person_id: personId,
    channel,
    status,
    at: new Date(at),
    source: 'form',
  });
  await db
    .insertInto('consent')
    .values([
      consent(person.alice, 'email', 'given', '2026-01-10T10:00:00Z'),
      consent(person.bob, 'email', 'given', '2026-03-01T10:00:00Z'),
      consent(person.bob, 'email', 'withdrawn', '2026-03-05T10:00:00Z'),
      consent(person.chloe, 'sms', 'given', '2026-02-01T10:00:00Z'),
      consent(person.dan, 'email', 'given', '2026-02-01T10:00:00Z'),
    ])
    .execute();
  const activity = (personId: string, type: string, at: string, extra: { ref_id?: string; data?: Record<string, unknown> } = {}) => ({
    campaign_id: c,
    id: uuidv7(),
    person_id: personId,
    type,
    at: new Date(at),
    ref_id: extra.ref_id ?? null,
    data: JSON.stringify(extra.data ?? {}),
  });
  await db
    .insertInto('activity')
    .values([
      activity(person.alice, 'petition.signed', '2026-01-11T10:00:00Z', { ref_id: 'pet-1' }),
      activity(person.bob, 'mailing.opened', '2026-03-02T10:00:00Z', { ref_id: 'm-1' }),
      activity(person.bob, 'mailing.opened', '2026-03-03T10:00:00Z', { ref_id: 'm-1' }),
      activity(person.alice, 'mailing.opened', '2026-03-03T10:00:00Z', { ref_id: 'm-2' }),
      activity(person.chloe, 'door.knocked', '2026-02-20T10:00:00Z', { data: { outcome: 'absent' } }),
      activity(person.bob, 'door.knocked', '2026-02-21T10:00:00Z', { data: { outcome: 'interested' } }),
      activity(person.dan, 'petition.signed', '2026-01-11T10:00:00Z', { ref_id: 'pet-1' }),
    ])
    .execute();
  await db
    .insertInto('custom_field')
    .values([
      { campaign_id: c, id: uuidv7(), key: 'age', label: 'Âge', type: 'number' },
      { campaign_id: c, id: uuidv7(), key: 'job', label: 'Profession', type: 'text' },
      { campaign_id: c, id: uuidv7(), key: 'joined', label: 'Adhésion', type: 'date' },
      { campaign_id: c, id: uuidv7(), key: 'size', label: 'Taille', type: 'choice', choices: ['S', 'M', 'L'] },
    ])
    .execute();
  return { ...base, person, tag, list, z1, z2 };
}
