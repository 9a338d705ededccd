// The set-based half of an import: from the filled staging table, a handful of statements reject
// in-file duplicates, match rows to the base (people/matching.ts: e-mail, then phone), geocode
// the rows in the staging table (coordinates and zones come from the address base), apply the
// referent's scope (to the people matched, and to where created and moved people land), update and insert people in one statement each — each person is written once,
// with their zones and consent cache — then tags, list, consents, ladder moves and an activity per
// person with INSERT … SELECT. Never row by row. One `people.imported` event sums the import up:
// per-row events (one per activity, consent, tagging, move) cost as much as the activity insert
// each (20,000 rows: ~0.5–2 s per event type on PostgreSQL and PGlite), and subscribers can read
// the rows by import id.
import { type RawBuilder, sql } from 'kysely';
import { LADDER_STAGES } from '../../../shared/enums.ts';
import type { Trx } from '../../db/database.ts';
import { emitEvents } from '../../events/index.ts';
import { addressMatchCtes, emailMatches, phoneMatches } from '../people/index.ts';
import { ensureAddressesLocated } from '../territory/index.ts';
import { ISSUES_MAX, REASONS } from './rows.ts';

/** A UUIDv7 made in SQL for set-based inserts (PostgreSQL 15 has no uuidv7()). */
const UUID7 = sql.raw(
  `encode(set_bit(set_bit(overlay(uuid_send(gen_random_uuid()) placing substring(int8send((extract(epoch from clock_timestamp()) * 1000)::bigint) from 3) from 1 for 6), 52, 1), 53, 1), 'hex')::uuid`,
);
const STAGE_ORDER = sql.raw(`array[${LADDER_STAGES.map((s) => `'${s}'`).join(',')}]::text[]`);
const STAGE_RANK = (x: RawBuilder<unknown> | ReturnType<typeof sql.ref>) => sql`array_position(${STAGE_ORDER}, ${x}::text)`;

/**
 * Whether a person (a row aliased `alias` with email, phone, street_address) can be reached on a
 * consent channel: the one rule for the consents an import gives and the cache it writes with them.
 */
function reachableBy(channel: RawBuilder<unknown> | ReturnType<typeof sql.ref>, alias: string) {
  const column = (name: string) => sql.ref(`${alias}.${name}`);
  return sql`case ${channel} when 'email' then ${column('email')} is not null when 'post' then ${column('street_address')} <> '' else ${column('phone')} is not null end`;
}

export interface ApplyOptions {
  campaignId: string;
  table: string;
  importId: string;
  fileName: string;
  onDuplicate: 'update' | 'skip';
  addTags: string[];
  addListId: string | null;
  consent: { channels: string[]; proofText: string } | null;
  actorLabel: string;
  /** The referent's zones, or null for the whole campaign. */
  zoneScope: string[] | null;
}

export interface ApplyResult {
  created: number;
  updated: number;
  skipped: number;
  /** Rows merged into an earlier copy of the same person in the file. */
  merged: number;
  /** The first ISSUES_MAX of those lines. */
  mergedLines: number[];
  geocoded: number;
  located: number;
  /** Rows the set-based phase rejected (line → reason). */
  rejected: Array<{ line: number; reason: string }>;
  /** Milliseconds per step, in order (shown in the job's result; read by the benchmark). */
  timings: Record<string, number>;
}

/** Every statement of the set-based phase, in order (exported for the compiled-SQL snapshot test). */
export function applyStatements(o: ApplyOptions) {
  const t = sql.table(o.table);
  const c = o.campaignId;
  const live = sql`s.action in ('create', 'update')`;
  const channels = o.consent?.channels ?? [];
  return {
    // Copies of one person in the file are merged into the first (by line): the first non-empty
    // value of each field, every e-mail, phone and tag, custom fields (the first given wins), the
    // highest stage; the other copies are marked 'merged'. One person is one e-mail, else one
    // phone (a row without e-mail joins the row with an e-mail that has its phone).
    mergeInFile: sql`with phone_email as (
        select phone, min(email) as email from ${t} where email is not null and phone is not null group by phone
      ),
      k as (
        select s.line, coalesce(s.email, pe.email, 'tel:' || s.phone) as key
        from ${t} s left join phone_email pe on s.email is null and pe.phone = s.phone
        where s.email is not null or s.phone is not null
      ),
      g as (select key, min(line) as first from k group by key having count(*) > 1),
      members as (select g.first, s.* from g join k on k.key = g.key join ${t} s on s.line = k.line),
      m as (
        select first,
          (array_remove(array_agg(nullif(given_name, '') order by line), null))[1] as given_name,
          (array_remove(array_agg(nullif(family_name, '') order by line), null))[1] as family_name,
          (array_remove(array_agg(email order by line), null))[1] as email,
          (array_remove(array_agg(phone order by line), null))[1] as phone,
          (array_remove(array_agg(nullif(street_address, '') order by line), null))[1] as street_address,
          (array_remove(array_agg(nullif(postcode, '') order by line), null))[1] as postcode,
          (array_remove(array_agg(nullif(locality, '') order by line), null))[1] as locality,
          (array_remove(array_agg(birthdate order by line), null))[1] as birthdate,
          (array_remove(array_agg(gender order by line), null))[1] as gender,
          (array_remove(array_agg(ladder_stage order by ${STAGE_RANK(sql.ref('ladder_stage'))} desc nulls last), null))[1] as ladder_stage
        from members group by first
      ),
      lists as (
        select mb.first,
          array_agg(distinct x.v) filter (where x.kind = 'e') as emails,
          array_agg(distinct x.v) filter (where x.kind = 'p') as phones,
          array_agg(distinct x.v) filter (where x.kind = 't') as tags
        from members mb cross join lateral (
          select 'e' as kind, v from unnest(mb.emails || array[mb.email]) v
          union all select 'p', v from unnest(mb.phones || array[mb.phone]) v
          union all select 't', v from unnest(mb.tags) v) x(kind, v)
        where x.v is not null
        group by mb.first
      ),
      custom as (
        select first, jsonb_object_agg(key, value) as custom_fields from (
          select distinct on (mb.first, e.key) mb.first, e.key, e.value
          from members mb cross join lateral jsonb_each(coalesce(mb.custom_fields, '{}'::jsonb)) e
          order by mb.first, e.key, mb.line) z
        group by first
      )
      update ${t} s set
        given_name = coalesce(m.given_name, ''), family_name = coalesce(m.family_name, ''),
        email = m.email, phone = m.phone,
        emails = array(select distinct v from unnest(coalesce(l.emails, '{}')) v where v is distinct from m.email),
        phones = array(select distinct v from unnest(coalesce(l.phones, '{}')) v where v is distinct from m.phone),
        tags = coalesce(l.tags, '{}'),
        street_address = coalesce(m.street_address, ''), postcode = coalesce(m.postcode, ''), locality = coalesce(m.locality, ''),
        birthdate = m.birthdate, gender = m.gender, ladder_stage = m.ladder_stage,
        custom_fields = c.custom_fields
      from m left join lists l on l.first = m.first left join custom c on c.first = m.first
      where s.line = m.first`,
    markMergedInFile: sql`with phone_email as (
        select phone, min(email) as email from ${t} where email is not null and phone is not null group by phone
      ),
      k as (
        select s.line, coalesce(s.email, pe.email, 'tel:' || s.phone) as key
        from ${t} s left join phone_email pe on s.email is null and pe.phone = s.phone
        where s.email is not null or s.phone is not null
      )
      update ${t} s set action = 'merged'
      from (select line, min(line) over (partition by key) as first from k) d
      where s.line = d.line and d.line > d.first`,
    // Which person a row designates is the people module's rule (people/matching.ts), the API's and
    // the signup helper's too: e-mail (primary, then secondary), then phone for rows without one.
    matchByEmail: sql`update ${t} s set target_id = m.person_id, action = 'update'
      from ${emailMatches(c, sql`select line as key, email from ${t} where email is not null and reject is null and action is null`)} m
      where s.line = m.key`,
    matchByPhone: sql`update ${t} s set target_id = m.person_id, action = 'update'
      from ${phoneMatches(c, sql`select line as key, phone from ${t} where email is null and phone is not null and reject is null and action is null`, o.zoneScope)} m
      where s.line = m.key`,
    // A referent's row whose e-mail designates someone outside their zones is refused as the API
    // refuses it (DUPLICATE_EMAIL, no id): the address is taken, not by whom nor where. Phones are
    // matched only within the zones (matchByPhone), so no phone row ever lands here. Before
    // sameTarget, so that two such rows do not tell that their e-mails are one person's.
    matchedOutOfScope: sql`update ${t} s set reject = ${REASONS.emailTaken}, action = null, target_id = null
      from person p
      where p.campaign_id = ${c} and p.id = s.target_id and s.action = 'update'
        and not (p.zone_ids && ${o.zoneScope ?? []}::uuid[])`,
    sameTarget: sql`update ${t} s set reject = ${REASONS.duplicate}, action = null
      from (select line, row_number() over (partition by target_id order by line) as rn from ${t} where target_id is not null) d
      where s.line = d.line and d.rn > 1`,
    skipMatched: sql`update ${t} set action = 'skip' where action = 'update'`,
    markNew: sql`update ${t} set target_id = person_id, action = 'create' where target_id is null and reject is null and action is null`,
    markAddressChanged: sql`update ${t} s set address_changed = true
      from person p
      where p.campaign_id = ${c} and p.id = s.target_id and s.action = 'update' and s.street_address <> ''
        and (lower(s.street_address) <> lower(p.street_address) or (s.postcode <> '' and s.postcode <> p.postcode))`,
    // Fresh statistics once every row knows its action: the geocoding join is planned on them.
    analyzeStage: sql`analyze ${t}`,
    geocode: sql`with src as (
        select line as id, street_address, postcode from ${t} s
        where (s.action = 'create' and s.street_address <> '') or (s.action = 'update' and s.address_changed)
      ),
      ${addressMatchCtes(c)}
      update ${t} s set lon = b.lon, lat = b.lat, address_id = b.address_id, zone_ids = b.zone_ids,
        postcode = case when s.postcode = '' then b.postcode else s.postcode end
      from best b where s.line = b.id`,
    // A row with a postcode and no street (75020) is placed in the zones that hold (nearly) all the
    // addresses of that postcode in the address base — the 20th arrondissement, not a polling
    // station — so that the zone's referent sees the person. For a new person, or a person
    // without zones yet.
    placeByPostcode: sql`with wanted as (
        select distinct s.postcode from ${t} s
        where s.action in ('create', 'update') and s.street_address = '' and s.postcode <> '' and cardinality(s.zone_ids) = 0
      ),
      totals as (
        select a.postcode, count(*) as n from address a
        where a.campaign_id = ${c} and a.postcode in (select postcode from wanted) group by a.postcode
      ),
      per_zone as (
        select a.postcode, z, count(*) as n from address a cross join lateral unnest(a.zone_ids) z
        where a.campaign_id = ${c} and a.postcode in (select postcode from wanted) group by a.postcode, z
      ),
      placed as (
        select p.postcode, array_agg(p.z order by p.z) as zone_ids
        from per_zone p join totals tt on tt.postcode = p.postcode
        where p.n >= 0.9 * tt.n group by p.postcode
      )
      update ${t} s set zone_ids = placed.zone_ids
      from placed
      where s.postcode = placed.postcode and s.action in ('create', 'update') and s.street_address = ''
        and cardinality(s.zone_ids) = 0`,
    // Where a row places a person is known once geocoded: a referent may create people only in
    // their zones, and may not move anyone out of them (nor strip their zones with an address that
    // no longer matches) — the API's edit refuses the same change.
    placedOutOfScope: sql`update ${t} s set reject = ${REASONS.outOfScope}, action = null
      where (s.action = 'create' or (s.action = 'update' and s.address_changed))
        and not (s.zone_ids && ${o.zoneScope ?? []}::uuid[])`,
    promotions: sql`insert into ladder_move (campaign_id, id, person_id, from_stage, to_stage, reason, actor_label)
      select ${c}, ${UUID7}, p.id, p.ladder_stage, s.ladder_stage, ${`import ${o.fileName}`}, ${o.actorLabel}
      from ${t} s join person p on p.campaign_id = ${c} and p.id = s.target_id
      where s.action = 'update' and s.ladder_stage is not null
        and ${STAGE_RANK(sql.ref('s.ladder_stage'))} > ${STAGE_RANK(sql.ref('p.ladder_stage'))}`,
    updatePeople: sql`update person p set
        given_name = case when s.given_name <> '' then s.given_name else p.given_name end,
        family_name = case when s.family_name <> '' then s.family_name else p.family_name end,
        phone = coalesce(s.phone, p.phone),
        phones = array(select distinct x from unnest(p.phones || s.phones || array[p.phone]) x
          where x is not null and x <> coalesce(s.phone, p.phone)),
        emails = array(select distinct x from unnest(p.emails || s.emails) x where x <> coalesce(p.email, '')),
        street_address = case when s.street_address <> '' then s.street_address else p.street_address end,
        postcode = case when s.postcode <> '' then s.postcode else p.postcode end,
        locality = case when s.locality <> '' then s.locality else p.locality end,
        birthdate = coalesce(s.birthdate, p.birthdate),
        gender = coalesce(s.gender, p.gender),
        ladder_stage = case when ${STAGE_RANK(sql.ref('s.ladder_stage'))} > ${STAGE_RANK(sql.ref('p.ladder_stage'))}
          then s.ladder_stage else p.ladder_stage end,
        ladder_changed_at = case when ${STAGE_RANK(sql.ref('s.ladder_stage'))} > ${STAGE_RANK(sql.ref('p.ladder_stage'))}
          then now() else p.ladder_changed_at end,
        custom_fields = p.custom_fields || coalesce(s.custom_fields, '{}'::jsonb),
        lon = case when s.address_changed then s.lon else p.lon end,
        lat = case when s.address_changed then s.lat else p.lat end,
        address_id = case when s.address_changed then s.address_id else p.address_id end,
        zone_ids = case when s.address_changed then s.zone_ids
          when cardinality(p.zone_ids) = 0 and cardinality(s.zone_ids) > 0 then s.zone_ids else p.zone_ids end,
        modified_at = now()
      from ${t} s
      where p.campaign_id = ${c} and p.id = s.target_id and s.action = 'update'
        -- Only rows the file changes: re-importing a file does not rewrite (and re-index) every person.
        and ((s.given_name <> '' and s.given_name <> p.given_name)
          or (s.family_name <> '' and s.family_name <> p.family_name)
          or (s.phone is not null and s.phone is distinct from p.phone)
          or not (s.phones <@ array_append(p.phones, p.phone))
          or not (s.emails <@ array_append(p.emails, p.email))
          or (s.street_address <> '' and s.street_address <> p.street_address)
          or (s.postcode <> '' and s.postcode <> p.postcode)
          or (s.locality <> '' and s.locality <> p.locality)
          or (s.birthdate is not null and s.birthdate is distinct from p.birthdate)
          or (s.gender is not null and s.gender is distinct from p.gender)
          or ${STAGE_RANK(sql.ref('s.ladder_stage'))} > ${STAGE_RANK(sql.ref('p.ladder_stage'))}
          or (s.custom_fields is not null and not (p.custom_fields @> s.custom_fields))
          or (cardinality(p.zone_ids) = 0 and cardinality(s.zone_ids) > 0))`,
    // Each new person is written once: with the coordinates and zones the staging geocode found,
    // and with the consent cache the consents below are about to give (so the ledger's trigger
    // has nothing to rewrite).
    insertPeople: sql`insert into person (campaign_id, id, given_name, family_name, email, phone, emails, phones,
        street_address, postcode, locality, birthdate, gender, ladder_stage, ladder_changed_at, custom_fields, source,
        address_id, lon, lat, zone_ids, consent_email, consent_sms, consent_phone, consent_post, last_consent_at)
      select ${c}, s.person_id, s.given_name, s.family_name, s.email, s.phone, s.emails, s.phones,
        s.street_address, s.postcode, s.locality, s.birthdate, s.gender, coalesce(s.ladder_stage, 'curious'),
        case when s.ladder_stage is not null then now() end, coalesce(s.custom_fields, '{}'::jsonb), 'import',
        s.address_id, s.lon, s.lat, s.zone_ids, x.email, x.sms, x.phone, x.post,
        case when x.email or x.sms or x.phone or x.post then now() end
      from ${t} s cross join lateral (select
          ${sql.lit('email')} = any(${channels}::text[]) and ${reachableBy(sql.lit('email'), 's')} as email,
          ${sql.lit('sms')} = any(${channels}::text[]) and ${reachableBy(sql.lit('sms'), 's')} as sms,
          ${sql.lit('phone')} = any(${channels}::text[]) and ${reachableBy(sql.lit('phone'), 's')} as phone,
          ${sql.lit('post')} = any(${channels}::text[]) and ${reachableBy(sql.lit('post'), 's')} as post) x
      where s.action = 'create'`,
    newStages: sql`insert into ladder_move (campaign_id, id, person_id, from_stage, to_stage, reason, actor_label)
      select ${c}, ${UUID7}, s.target_id, null, s.ladder_stage, ${`import ${o.fileName}`}, ${o.actorLabel}
      from ${t} s where s.action = 'create' and s.ladder_stage is not null`,
    createTags: sql`insert into tag (campaign_id, id, name)
      select ${c}, ${UUID7}, min(n) from (
        select unnest(s.tags || ${o.addTags}::text[]) as n from ${t} s where ${live}) x
      where length(n) between 1 and 80
      group by lower(n)
      on conflict (campaign_id, lower(name)) do nothing`,
    tagPeople: sql`insert into tagging (campaign_id, tag_id, person_id)
      select distinct ${c}::uuid, tg.id, s.target_id
      from ${t} s cross join lateral unnest(s.tags || ${o.addTags}::text[]) as n
      join tag tg on tg.campaign_id = ${c} and lower(tg.name) = lower(n)
      where ${live}
      on conflict do nothing`,
    addToList: sql`insert into list_member (campaign_id, list_id, person_id)
      select ${c}, ${o.addListId}, s.target_id from ${t} s where ${live}
      on conflict do nothing`,
    consents: sql`insert into consent (campaign_id, id, person_id, channel, status, source, proof, actor_label)
      select ${c}, ${UUID7}, s.target_id, ch, 'given', 'import',
        ${JSON.stringify({ file: o.fileName, imported_by: o.actorLabel, text_shown: o.consent?.proofText ?? '', import_id: o.importId })}::jsonb,
        ${o.actorLabel}
      from ${t} s cross join unnest(${channels}::text[]) as ch
      join person p on p.campaign_id = ${c} and p.id = s.target_id
      where ${live} and ${reachableBy(sql.ref('ch'), 'p')}`,
    // The consents above were given to people whose cache is already set (created) or is
    // recomputed here (updated): the ledger's per-statement trigger stands aside meanwhile.
    consentCacheSet: sql`select set_config('relais.consent_cache', 'set', true)`,
    consentCacheTrigger: sql`select set_config('relais.consent_cache', '', true)`,
    recomputeUpdated: sql`select relais_recompute_consents(${c}, array(select target_id from ${t} where action = 'update'))`,
    activities: sql`insert into activity (campaign_id, id, person_id, type, ref_type, ref_id, data, actor_label)
      select ${c}, ${UUID7}, s.target_id, 'import', 'import', ${o.importId},
        jsonb_build_object('action', s.action, 'file', ${o.fileName}::text, 'line', s.line), ${o.actorLabel}
      from ${t} s where ${live}`,
    counts: sql<{ created: string; updated: string; skipped: string; merged: string; geocoded: string; located: string }>`select
        count(*) filter (where action = 'create') as created,
        count(*) filter (where action = 'update') as updated,
        count(*) filter (where action = 'skip') as skipped,
        count(*) filter (where action = 'merged') as merged,
        count(*) filter (where action in ('create', 'update') and address_id is not null) as geocoded,
        count(*) filter (where action in ('create', 'update') and address_id is not null and cardinality(zone_ids) > 0) as located
      from ${t}`,
    rejected: sql<{ line: number; reject: string }>`select line, reject from ${t} where reject is not null order by line`,
    mergedLines: sql<{ line: number }>`select line from ${t} where action = 'merged' order by line limit ${ISSUES_MAX}`,
  };
}

/** Runs the set-based phase inside the caller's (tenant) transaction. */
export async function applyImport(trx: Trx, o: ApplyOptions): Promise<ApplyResult> {
  const s = applyStatements(o);
  const channels = o.consent?.channels ?? [];
  const timings: Record<string, number> = {};
  const step = async <T>(name: string, work: () => Promise<T>): Promise<T> => {
    const started = performance.now();
    try {
      return await work();
    } finally {
      timings[name] = Math.round(performance.now() - started);
    }
  };
  const run = (name: keyof typeof s) => step(name, () => s[name].execute(trx));
  // Sorts and hashes over a whole file stay in memory (the default 4 MB spills to disk).
  await sql`select set_config('work_mem', '64MB', true)`.execute(trx);
  await run('mergeInFile');
  await run('markMergedInFile');
  await run('matchByEmail');
  await run('matchByPhone');
  if (o.zoneScope) await run('matchedOutOfScope');
  await run('sameTarget');
  if (o.onDuplicate === 'skip') await run('skipMatched');
  await run('markNew');
  if (o.onDuplicate === 'update') await run('markAddressChanged');
  await ensureAddressesLocated(trx, o.campaignId);
  await run('analyzeStage');
  await run('geocode');
  await run('placeByPostcode');
  if (o.zoneScope) await run('placedOutOfScope');
  if (o.onDuplicate === 'update') {
    await run('promotions');
    await run('updatePeople');
  }
  await run('insertPeople');
  await run('newStages');
  await run('createTags');
  await run('tagPeople');
  if (o.addListId) await run('addToList');
  if (channels.length > 0) {
    await s.consentCacheSet.execute(trx);
    await run('consents');
    await s.consentCacheTrigger.execute(trx);
    if (o.onDuplicate === 'update') await run('recomputeUpdated');
  }
  await run('activities');
  const counts = (await s.counts.execute(trx)).rows[0];
  const rejected = (await s.rejected.execute(trx)).rows.map((r) => ({ line: Number(r.line), reason: r.reject }));
  const mergedLines = (await s.mergedLines.execute(trx)).rows.map((r) => Number(r.line));
  const created = Number(counts?.created ?? 0);
  const updated = Number(counts?.updated ?? 0);
  const skipped = Number(counts?.skipped ?? 0);
  await emitEvents(trx, [
    {
      campaignId: o.campaignId,
      type: 'people.imported',
      payload: { import_id: o.importId, file: o.fileName, created, updated, skipped },
      actorLabel: o.actorLabel,
    },
  ]);
  return {
    created,
    updated,
    skipped,
    merged: Number(counts?.merged ?? 0),
    mergedLines,
    geocoded: Number(counts?.geocoded ?? 0),
    located: Number(counts?.located ?? 0),
    rejected,
    timings,
  };
}
