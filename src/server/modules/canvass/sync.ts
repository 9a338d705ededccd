// The canvassing app's sync: results and contacts sent from the phone's queue. Every item carries an
// id made on the phone, so a batch sent twice (a lost answer, a reload) stores each item once; the
// answer says, per item, stored, duplicate or rejected, and the phone drops all three from its queue.
// A door's state is its latest result by recorded_at (the phone's clock), whatever the arrival order.
import { sql } from 'kysely';
import type { Trx } from '../../db/database.ts';
import type { CanvassOutcome } from '../../db/schema.ts';
import { AppError } from '../../http/problem.ts';
import { recordConsents } from '../consent/index.ts';
import { createPerson, emailMatches, normalizeEmail, normalizePhone, phoneMatches } from '../people/index.ts';
import { recordActivity } from '../timeline/index.ts';

/** A canvasser's day counts as a completed shift (the ladder's canvass.shift_completed) from this many doors. */
export const SHIFT_MIN_DOORS = 10;
/** A knock recorded farther than this from its building is flagged for review. */
export const FAR_KNOCK_METRES = 200;
/** Results with a recorded_at later than now plus this are clamped to now (a phone's clock off). */
const CLOCK_SKEW_MS = 5 * 60_000;

export interface ResultInput {
  id: string;
  building_id: string;
  door_id?: string | null | undefined;
  turf_id?: string | null | undefined;
  outcome: CanvassOutcome;
  themes?: string[] | undefined;
  note?: string | undefined;
  script_id?: string | null | undefined;
  recorded_at: string;
  lon?: number | null | undefined;
  lat?: number | null | undefined;
}

export interface ContactInput {
  id: string;
  result_id?: string | null | undefined;
  building_id: string;
  given_name?: string | undefined;
  family_name?: string | undefined;
  email?: string | undefined;
  phone?: string | undefined;
  /** The box the person ticked (unticked by default on screen): without it nothing is kept. */
  consent: boolean;
  /** The exact words shown next to the box. */
  consent_text: string;
  recorded_at: string;
}

export interface SyncActor {
  campaignId: string;
  userId: string | null;
  label: string;
  ip: string | null;
}

export type ItemStatus = 'stored' | 'duplicate' | 'rejected';
export interface SyncItemResult {
  id: string;
  status: ItemStatus;
  reason?: string;
}

/** Metres between two WGS84 points (haversine). */
export function metresBetween(a: { lon: number; lat: number }, b: { lon: number; lat: number }): number {
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLon = (b.lon - a.lon) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * 6_371_000 * Math.asin(Math.min(1, Math.sqrt(h)));
}

function recordedAt(text: string, now: Date): Date | null {
  const at = new Date(text);
  if (Number.isNaN(at.getTime()) || at.getUTCFullYear() < 2000) return null;
  return at.getTime() > now.getTime() + CLOCK_SKEW_MS ? now : at;
}

/** The Paris day of an instant (a shift is a day on the Paris clocks). */
function parisDay(at: Date): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris', year: 'numeric', month: '2-digit', day: '2-digit' }).format(at);
}

/** Stores a batch of results and contacts from the phone; results first, so a contact finds its result. */
export async function syncBatch(
  trx: Trx,
  actor: SyncActor,
  input: { results: readonly ResultInput[]; contacts: readonly ContactInput[] },
  now = new Date(),
): Promise<{ results: SyncItemResult[]; contacts: SyncItemResult[] }> {
  const results = await storeResults(trx, actor, input.results, now);
  const contacts: SyncItemResult[] = [];
  for (const contact of input.contacts) contacts.push(await storeContact(trx, actor, contact, now));
  return { results, contacts };
}

async function storeResults(trx: Trx, actor: SyncActor, items: readonly ResultInput[], now: Date): Promise<SyncItemResult[]> {
  if (items.length === 0) return [];
  const buildingIds = [...new Set(items.map((r) => r.building_id))];
  const doorIds = [...new Set(items.flatMap((r) => (r.door_id ? [r.door_id] : [])))];
  const turfIds = [...new Set(items.flatMap((r) => (r.turf_id ? [r.turf_id] : [])))];
  const scriptIds = [...new Set(items.flatMap((r) => (r.script_id ? [r.script_id] : [])))];
  const [buildings, doors, turfs, scripts] = await Promise.all([
    trx
      .selectFrom('building')
      .select(['id', 'lon', 'lat'])
      .where('campaign_id', '=', actor.campaignId)
      .where('id', 'in', buildingIds)
      .execute(),
    doorIds.length
      ? trx
          .selectFrom('door')
          .select(['id', 'building_id'])
          .where('campaign_id', '=', actor.campaignId)
          .where('id', 'in', doorIds)
          .execute()
      : [],
    turfIds.length
      ? trx.selectFrom('turf').select('id').where('campaign_id', '=', actor.campaignId).where('id', 'in', turfIds).execute()
      : [],
    scriptIds.length
      ? trx.selectFrom('canvass_script').select('id').where('campaign_id', '=', actor.campaignId).where('id', 'in', scriptIds).execute()
      : [],
  ]);
  const buildingOf = new Map(buildings.map((b) => [b.id, b]));
  const doorBuilding = new Map(doors.map((d) => [d.id, d.building_id]));
  const turfSet = new Set(turfs.map((t) => t.id));
  const scriptSet = new Set(scripts.map((s) => s.id));
  const out: SyncItemResult[] = [];
  const rows = [];
  const seen = new Set<string>();
  for (const r of items) {
    const building = buildingOf.get(r.building_id);
    const at = recordedAt(r.recorded_at, now);
    if (seen.has(r.id)) {
      out.push({ id: r.id, status: 'duplicate' });
      continue;
    }
    seen.add(r.id);
    if (!building) out.push({ id: r.id, status: 'rejected', reason: 'building_unknown' });
    else if (r.door_id && doorBuilding.get(r.door_id) !== r.building_id) out.push({ id: r.id, status: 'rejected', reason: 'door_unknown' });
    else if (!at) out.push({ id: r.id, status: 'rejected', reason: 'recorded_at_invalid' });
    else {
      const located = typeof r.lon === 'number' && typeof r.lat === 'number';
      rows.push({
        campaign_id: actor.campaignId,
        id: r.id,
        building_id: r.building_id,
        door_id: r.door_id ?? null,
        turf_id: r.turf_id && turfSet.has(r.turf_id) ? r.turf_id : null,
        canvasser_id: actor.userId,
        outcome: r.outcome,
        themes: [...new Set((r.themes ?? []).map((t) => t.trim()).filter(Boolean))],
        note: (r.note ?? '').trim(),
        script_id: r.script_id && scriptSet.has(r.script_id) ? r.script_id : null,
        lon: located ? (r.lon as number) : null,
        lat: located ? (r.lat as number) : null,
        distance_m: located ? Math.round(metresBetween(building, { lon: r.lon as number, lat: r.lat as number })) : null,
        recorded_at: at,
      });
      out.push({ id: r.id, status: 'stored' });
    }
  }
  const stored = new Set<string>();
  if (rows.length > 0) {
    const inserted = await trx
      .insertInto('canvass_result')
      .values(rows)
      .onConflict((oc) => oc.columns(['campaign_id', 'id']).doNothing())
      .returning(['id'])
      .execute();
    for (const row of inserted) stored.add(row.id);
  }
  for (const item of out) if (item.status === 'stored' && !stored.has(item.id)) item.status = 'duplicate';
  const fresh = rows.filter((r) => stored.has(r.id));
  if (fresh.length > 0) {
    await linkContactsToResults(
      trx,
      actor,
      fresh.map((r) => r.id),
    );
    await countShifts(
      trx,
      actor,
      fresh.map((r) => r.recorded_at),
    );
  }
  return out;
}

/** Results whose contact arrived first (another batch) take its person, and go on the timeline. */
async function linkContactsToResults(trx: Trx, actor: SyncActor, resultIds: readonly string[]): Promise<void> {
  const linked = await trx
    .selectFrom('canvass_contact')
    .select(['result_id', 'person_id'])
    .where('campaign_id', '=', actor.campaignId)
    .where('result_id', 'in', resultIds)
    .execute();
  for (const link of linked) if (link.result_id) await attachPerson(trx, actor, link.result_id, link.person_id);
}

/** Names the result's person (their consent given) and writes the knock on their timeline. */
async function attachPerson(trx: Trx, actor: SyncActor, resultId: string, personId: string): Promise<void> {
  const result = await trx
    .updateTable('canvass_result')
    .set({ person_id: personId })
    .where('campaign_id', '=', actor.campaignId)
    .where('id', '=', resultId)
    .where('person_id', 'is', null)
    .returning(['outcome', 'recorded_at', 'building_id', 'themes'])
    .executeTakeFirst();
  if (!result) return;
  await recordActivity(trx, {
    campaignId: actor.campaignId,
    personId,
    type: 'canvass.knocked',
    refType: 'canvass_result',
    refId: resultId,
    data: { outcome: result.outcome, themes: result.themes, canvasser: actor.label },
    actorLabel: actor.label,
    at: result.recorded_at,
  });
  // A person saying at the door that they support the campaign climbs the ladder like any contact.
  if (result.outcome === 'supportive') {
    await recordActivity(trx, {
      campaignId: actor.campaignId,
      personId,
      type: 'contact.supportive',
      refType: 'canvass_result',
      refId: resultId,
      data: { channel: 'door', canvasser: actor.label },
      actorLabel: actor.label,
      at: result.recorded_at,
    });
  }
}

/** Counts the doors of each canvasser's day; a day reaching SHIFT_MIN_DOORS is a completed shift. */
async function countShifts(trx: Trx, actor: SyncActor, instants: readonly Date[]): Promise<void> {
  if (!actor.userId) return;
  const perDay = new Map<string, number>();
  for (const at of instants) perDay.set(parisDay(at), (perDay.get(parisDay(at)) ?? 0) + 1);
  for (const [day, doors] of perDay) {
    const shift = await trx
      .insertInto('canvass_shift')
      .values({ campaign_id: actor.campaignId, canvasser_id: actor.userId, on_date: day, doors })
      .onConflict((oc) =>
        oc.columns(['campaign_id', 'canvasser_id', 'on_date']).doUpdateSet({ doors: sql`canvass_shift.doors + excluded.doors` }),
      )
      .returning(['doors', 'completed_at'])
      .executeTakeFirstOrThrow();
    if (shift.doors < SHIFT_MIN_DOORS || shift.completed_at) continue;
    await trx
      .updateTable('canvass_shift')
      .set({ completed_at: new Date() })
      .where('campaign_id', '=', actor.campaignId)
      .where('canvasser_id', '=', actor.userId)
      .where('on_date', '=', day)
      .execute();
    // The canvasser's own record in the base (same e-mail) gets the shift: the ladder's
    // "three canvassing shifts → activist" rule reads it.
    const user = await trx.selectFrom('staff_user').select('email').where('id', '=', actor.userId).executeTakeFirst();
    const email = normalizeEmail(user?.email);
    if (!email) continue;
    const { rows } = await sql<{ person_id: string }>`select m.person_id
      from ${emailMatches(actor.campaignId, sql`select 1 as key, ${email}::text as email`)} m`.execute(trx);
    const personId = rows[0]?.person_id;
    if (personId) {
      await recordActivity(trx, {
        campaignId: actor.campaignId,
        personId,
        type: 'canvass.shift_completed',
        data: { on_date: day, doors: shift.doors },
        actorLabel: actor.label,
      });
    }
  }
}

/** createPerson, its form mistakes (checked before any write) answered as null. */
async function createPersonOrNull(...args: Parameters<typeof createPerson>) {
  try {
    return await createPerson(...args);
  } catch (error) {
    if (error instanceof AppError && error.code === 'PERSON_INVALID') return null;
    throw error;
  }
}

async function storeContact(trx: Trx, actor: SyncActor, c: ContactInput, now: Date): Promise<SyncItemResult> {
  const existing = await trx
    .selectFrom('canvass_contact')
    .select('id')
    .where('campaign_id', '=', actor.campaignId)
    .where('id', '=', c.id)
    .executeTakeFirst();
  if (existing) return { id: c.id, status: 'duplicate' };
  const at = recordedAt(c.recorded_at, now);
  if (!at) return { id: c.id, status: 'rejected', reason: 'recorded_at_invalid' };
  // Nothing of a person is kept without the box ticked and the words it stood next to.
  if (c.consent !== true || !c.consent_text.trim()) return { id: c.id, status: 'rejected', reason: 'consent_missing' };
  const building = await trx
    .selectFrom('building')
    .select(['id', 'label', 'lon', 'lat', 'address_id'])
    .where('campaign_id', '=', actor.campaignId)
    .where('id', '=', c.building_id)
    .executeTakeFirst();
  if (!building) return { id: c.id, status: 'rejected', reason: 'building_unknown' };
  const email = c.email?.trim() ? normalizeEmail(c.email) : null;
  const phone = c.phone?.trim() ? normalizePhone(c.phone) : null;
  // Something typed that is neither an e-mail nor a phone number: said, never a failed batch.
  if ((c.email?.trim() && !email) || (c.phone?.trim() && !phone)) return { id: c.id, status: 'rejected', reason: 'contact_invalid' };
  if (!email && !phone) return { id: c.id, status: 'rejected', reason: 'contact_unreachable' };
  let personId: string | undefined;
  if (email) {
    const { rows } = await sql<{ person_id: string }>`select m.person_id
      from ${emailMatches(actor.campaignId, sql`select 1 as key, ${email}::text as email`)} m`.execute(trx);
    personId = rows[0]?.person_id;
  }
  if (!personId && phone) {
    const { rows } = await sql<{ person_id: string }>`select m.person_id
      from ${phoneMatches(actor.campaignId, sql`select 1 as key, ${phone}::text as phone`, null)} m`.execute(trx);
    personId = rows[0]?.person_id;
  }
  const created = personId === undefined;
  if (!personId) {
    const person = await createPersonOrNull(trx, { campaignId: actor.campaignId, zoneScope: null, label: actor.label, ip: actor.ip }, {
      given_name: c.given_name?.trim() || undefined,
      family_name: c.family_name?.trim() || undefined,
      ...(email ? { email_addresses: [{ address: email, primary: true }] } : {}),
      ...(phone ? { phone_numbers: [{ number: phone, primary: true }] } : {}),
      postal_addresses: [{ address_lines: [building.label], location: { latitude: building.lat, longitude: building.lon } }],
      source: 'door',
    } as Parameters<typeof createPerson>[2]);
    if (!person) return { id: c.id, status: 'rejected', reason: 'contact_invalid' };
    personId = person.id;
  }
  await trx
    .insertInto('canvass_contact')
    .values({
      campaign_id: actor.campaignId,
      id: c.id,
      result_id: c.result_id ?? null,
      building_id: building.id,
      person_id: personId,
      created_person: created,
      canvasser_id: actor.userId,
      consent_text: c.consent_text.trim(),
      recorded_at: at,
    })
    .execute();
  const proof = {
    form: 'Application de porte-à-porte (/terrain)',
    text_shown: c.consent_text.trim(),
    ip: actor.ip,
    canvasser: actor.label,
  };
  await recordConsents(trx, [
    ...(email
      ? [
          {
            campaignId: actor.campaignId,
            personId,
            channel: 'email' as const,
            status: 'given' as const,
            source: 'door',
            proof,
            actorLabel: actor.label,
            at,
          },
        ]
      : []),
    ...(phone
      ? [
          {
            campaignId: actor.campaignId,
            personId,
            channel: 'sms' as const,
            status: 'given' as const,
            source: 'door',
            proof,
            actorLabel: actor.label,
            at,
          },
        ]
      : []),
  ]);
  await recordActivity(trx, {
    campaignId: actor.campaignId,
    personId,
    type: 'canvass.contact',
    refType: 'canvass_contact',
    refId: c.id,
    data: { canvasser: actor.label, canvasser_id: actor.userId, building: building.label, created: created },
    actorLabel: actor.label,
    at,
  });
  if (c.result_id) await attachPerson(trx, actor, c.result_id, personId);
  return { id: c.id, status: 'stored' };
}
