// The canvassing app's pack: everything a canvasser needs offline for their turfs — the turfs
// assigned to them or to their teams (from yesterday on, Paris days), their buildings in walking
// order with entrances, access notes and doors, each door's latest result, the scripts (a turf under
// an A/B test carries its arm's script), the themes, the consent words and the door-to-door notice.
import { sql } from 'kysely';
import QRCode from 'qrcode';
import type { Trx } from '../../db/database.ts';
import type { CanvassOutcome } from '../../db/schema.ts';

/** The words next to the (unticked) consent box; stored as the consent's proof. */
export const CONSENT_TEXT_FR =
  "J'accepte que la campagne conserve mon nom et mes coordonnées pour me recontacter (e-mail ou SMS). Je peux retirer mon accord à tout moment.";

/** The door-to-door information notice (RGPD art. 13), shown and linked by QR code. */
export function noticeText(campaignName: string): string {
  return [
    `Vous avez reçu la visite de bénévoles de ${campaignName}.`,
    'Nous notons, pour chaque porte, le résultat de la visite (absent, ouvert, refus…) sans votre nom.',
    "Votre nom et vos coordonnées ne sont enregistrés que si vous l'acceptez, pour vous recontacter.",
    'Vous pouvez à tout moment demander l’accès, la rectification ou l’effacement de vos données, ou vous opposer à leur traitement, en écrivant à la campagne.',
    'Vous pouvez aussi saisir la CNIL (www.cnil.fr).',
  ].join('\n');
}

function parisToday(now: Date): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris', year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
}

export interface PackDoor {
  id: string;
  floor: number;
  label: string;
  last: { outcome: CanvassOutcome; recorded_at: string } | null;
}

/** The pack of a canvasser (staff user) in a campaign. */
export async function buildPack(trx: Trx, options: { campaignId: string; userId: string; publicUrl: string; now?: Date }) {
  const { campaignId, userId } = options;
  const now = options.now ?? new Date();
  const yesterday = new Date(now.getTime() - 86_400_000);
  const from = parisToday(yesterday);
  const campaign = await trx.selectFrom('campaign').select('name').where('id', '=', campaignId).executeTakeFirstOrThrow();
  const assignments = await trx
    .selectFrom('turf_assignment as a')
    .innerJoin('turf as t', (j) => j.onRef('t.campaign_id', '=', 'a.campaign_id').onRef('t.id', '=', 'a.turf_id'))
    .select(['t.id', 't.name', 't.polygon', 't.doors', sql<string>`min(a.on_date)::text`.as('on_date')])
    .where('a.campaign_id', '=', campaignId)
    .where('a.on_date', '>=', from)
    .where((eb) =>
      eb.or([
        eb('a.staff_user_id', '=', userId),
        eb(
          'a.team_id',
          'in',
          eb.selectFrom('field_team_member').select('team_id').where('campaign_id', '=', campaignId).where('staff_user_id', '=', userId),
        ),
      ]),
    )
    .groupBy(['t.id', 't.name', 't.polygon', 't.doors'])
    .orderBy('on_date')
    .orderBy('t.name')
    .limit(50)
    .execute();
  const turfIds = assignments.map((a) => a.id);
  const buildings = turfIds.length
    ? await trx
        .selectFrom('turf_building as tb')
        .innerJoin('building as b', (j) => j.onRef('b.campaign_id', '=', 'tb.campaign_id').onRef('b.id', '=', 'tb.building_id'))
        .select(['tb.turf_id', 'tb.position', 'b.id', 'b.label', 'b.lon', 'b.lat', 'b.doors'])
        .where('tb.campaign_id', '=', campaignId)
        .where('tb.turf_id', 'in', turfIds)
        .orderBy('tb.turf_id')
        .orderBy('tb.position')
        .execute()
    : [];
  const buildingIds = buildings.map((b) => b.id);
  const [entrances, doors, latest] = buildingIds.length
    ? await Promise.all([
        trx
          .selectFrom('building_entrance')
          .select(['id', 'building_id', 'label', 'access_note', 'floors', 'doors_per_floor'])
          .where('campaign_id', '=', campaignId)
          .where('building_id', 'in', buildingIds)
          .orderBy('position')
          .execute(),
        trx
          .selectFrom('door')
          .select(['id', 'entrance_id', 'floor', 'label'])
          .where('campaign_id', '=', campaignId)
          .where('building_id', 'in', buildingIds)
          .orderBy('floor')
          .orderBy('label')
          .execute(),
        sql<{ building_id: string; door_id: string | null; outcome: CanvassOutcome; recorded_at: Date }>`
          select distinct on (building_id, door_id) building_id, door_id, outcome, recorded_at
          from canvass_result where campaign_id = ${campaignId} and building_id = any(${buildingIds}::uuid[])
          order by building_id, door_id, recorded_at desc, id desc`
          .execute(trx)
          .then((r) => r.rows),
      ])
    : [[], [], []];
  const lastOf = new Map(latest.map((l) => [`${l.building_id}/${l.door_id ?? ''}`, l]));
  const last = (buildingId: string, doorId: string | null) => {
    const l = lastOf.get(`${buildingId}/${doorId ?? ''}`);
    return l ? { outcome: l.outcome, recorded_at: new Date(l.recorded_at).toISOString() } : null;
  };
  const doorsOf = new Map<string, PackDoor[]>();
  for (const d of doors) {
    const list = doorsOf.get(d.entrance_id) ?? [];
    list.push({ id: d.id, floor: d.floor, label: d.label, last: null });
    doorsOf.set(d.entrance_id, list);
  }
  const entrancesOf = new Map<string, Array<(typeof entrances)[number] & { doors: PackDoor[] }>>();
  for (const e of entrances) {
    const list = entrancesOf.get(e.building_id) ?? [];
    list.push({ ...e, doors: (doorsOf.get(e.id) ?? []).map((d) => ({ ...d, last: last(e.building_id, d.id) })) });
    entrancesOf.set(e.building_id, list);
  }
  const scripts = await trx
    .selectFrom('canvass_script')
    .select(['id', 'theme', 'title', 'body'])
    .where('campaign_id', '=', campaignId)
    .where('archived', '=', false)
    .orderBy('theme')
    .orderBy('created_at')
    .execute();
  const arms = turfIds.length
    ? await trx
        .selectFrom('canvass_script_test_turf as tt')
        .innerJoin('canvass_script_test as t', (j) => j.onRef('t.campaign_id', '=', 'tt.campaign_id').onRef('t.id', '=', 'tt.test_id'))
        .select(['tt.turf_id', sql<string>`case when tt.arm = 'a' then t.script_a_id else t.script_b_id end`.as('script_id')])
        .where('tt.campaign_id', '=', campaignId)
        .where('tt.turf_id', 'in', turfIds)
        .execute()
    : [];
  const armOf = new Map(arms.map((a) => [a.turf_id, a.script_id]));
  const noticeUrl = `${options.publicUrl.replace(/\/$/, '')}/terrain/information/${campaignId}`;
  return {
    generated_at: now.toISOString(),
    campaign: { name: campaign.name },
    turfs: assignments.map((t) => ({
      id: t.id,
      name: t.name,
      on_date: t.on_date,
      polygon: t.polygon,
      doors: t.doors,
      script_id: armOf.get(t.id) ?? null,
      buildings: buildings
        .filter((b) => b.turf_id === t.id)
        .map((b) => ({
          id: b.id,
          label: b.label,
          lon: b.lon,
          lat: b.lat,
          position: b.position,
          doors: b.doors,
          last: last(b.id, null),
          entrances: entrancesOf.get(b.id) ?? [],
        })),
    })),
    scripts,
    themes: [...new Set(scripts.map((s) => s.theme))],
    consent_text: CONSENT_TEXT_FR,
    notice: {
      text: noticeText(campaign.name),
      url: noticeUrl,
      qr_svg: await QRCode.toString(noticeUrl, { type: 'svg', margin: 1, errorCorrectionLevel: 'M' }),
    },
  };
}
