// Door scripts, one per theme, and A/B tests of two scripts: the test's turfs are split at random
// into two halves, each turf's canvassers are given its arm's script (in their pack), and the arms
// are compared on the outcomes of their turfs' results (contact rate and supportive share among the
// doors that opened, with a two-proportion z-test).
import { randomInt } from 'node:crypto';
import { sql } from 'kysely';
import type { Trx } from '../../db/database.ts';
import { AppError, notFound } from '../../http/problem.ts';
import { uuidv7 } from '../../lib/ids.ts';

export async function listScripts(trx: Trx, campaignId: string, includeArchived = false) {
  let q = trx.selectFrom('canvass_script').selectAll().where('campaign_id', '=', campaignId);
  if (!includeArchived) q = q.where('archived', '=', false);
  return q.orderBy('theme').orderBy('created_at').execute();
}

export async function getScript(trx: Trx, campaignId: string, id: string) {
  const row = await trx
    .selectFrom('canvass_script')
    .selectAll()
    .where('campaign_id', '=', campaignId)
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) throw notFound('script');
  return row;
}

export async function createScript(trx: Trx, campaignId: string, input: { theme: string; title: string; body: string }) {
  return trx
    .insertInto('canvass_script')
    .values({ campaign_id: campaignId, id: uuidv7(), theme: input.theme.trim(), title: input.title.trim(), body: input.body.trim() })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function updateScript(
  trx: Trx,
  campaignId: string,
  id: string,
  input: { theme?: string | undefined; title?: string | undefined; body?: string | undefined; archived?: boolean | undefined },
) {
  await getScript(trx, campaignId, id);
  return trx
    .updateTable('canvass_script')
    .set({
      ...(input.theme !== undefined ? { theme: input.theme.trim() } : {}),
      ...(input.title !== undefined ? { title: input.title.trim() } : {}),
      ...(input.body !== undefined ? { body: input.body.trim() } : {}),
      ...(input.archived !== undefined ? { archived: input.archived } : {}),
      updated_at: new Date(),
    })
    .where('campaign_id', '=', campaignId)
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Random halves of the turfs (Fisher–Yates with crypto draws): the first half gets arm a. */
export function drawArms(turfIds: readonly string[], draw: (max: number) => number = randomInt): Map<string, 'a' | 'b'> {
  const order = [...turfIds];
  for (let i = order.length - 1; i > 0; i--) {
    const j = draw(i + 1);
    [order[i], order[j]] = [order[j] as string, order[i] as string];
  }
  const half = Math.ceil(order.length / 2);
  return new Map(order.map((id, i) => [id, i < half ? 'a' : 'b']));
}

export async function createScriptTest(
  trx: Trx,
  actor: { campaignId: string; userId: string | null },
  input: { name: string; script_a_id: string; script_b_id: string; turf_ids: string[] },
) {
  const turfIds = [...new Set(input.turf_ids)];
  if (input.script_a_id === input.script_b_id || turfIds.length < 2) {
    throw new AppError('CANVASS_SCRIPT_TEST_INVALID', 'Pick two different scripts and at least two turfs.');
  }
  await getScript(trx, actor.campaignId, input.script_a_id);
  await getScript(trx, actor.campaignId, input.script_b_id);
  const turfs = await trx.selectFrom('turf').select('id').where('campaign_id', '=', actor.campaignId).where('id', 'in', turfIds).execute();
  if (turfs.length !== turfIds.length) throw notFound('turf');
  const taken = await trx
    .selectFrom('canvass_script_test_turf')
    .select('turf_id')
    .where('campaign_id', '=', actor.campaignId)
    .where('turf_id', 'in', turfIds)
    .executeTakeFirst();
  if (taken) throw new AppError('CANVASS_TURF_IN_TEST', `The turf ${taken.turf_id} is already in another script test.`);
  const id = uuidv7();
  await trx
    .insertInto('canvass_script_test')
    .values({
      campaign_id: actor.campaignId,
      id,
      name: input.name.trim(),
      script_a_id: input.script_a_id,
      script_b_id: input.script_b_id,
      created_by: actor.userId,
    })
    .execute();
  const arms = drawArms(turfIds);
  await trx
    .insertInto('canvass_script_test_turf')
    .values(turfIds.map((turfId) => ({ campaign_id: actor.campaignId, test_id: id, turf_id: turfId, arm: arms.get(turfId) ?? 'a' })))
    .execute();
  return scriptTestReport(trx, actor.campaignId, id);
}

/** Two-sided p-value of a two-proportion z-test (null when either arm is empty). */
export function twoProportionP(x1: number, n1: number, x2: number, n2: number): number | null {
  if (n1 === 0 || n2 === 0) return null;
  const p = (x1 + x2) / (n1 + n2);
  const se = Math.sqrt(p * (1 - p) * (1 / n1 + 1 / n2));
  if (se === 0) return 1;
  const z = Math.abs(x1 / n1 - x2 / n2) / se;
  // Normal tail by the Abramowitz–Stegun erfc approximation (7.1.26).
  const t = 1 / (1 + 0.3275911 * (z / Math.SQRT2));
  const erfc =
    t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429)))) * Math.exp(-((z / Math.SQRT2) ** 2));
  return Math.min(1, erfc);
}

export async function listScriptTests(trx: Trx, campaignId: string) {
  const rows = await trx
    .selectFrom('canvass_script_test')
    .select('id')
    .where('campaign_id', '=', campaignId)
    .orderBy('created_at', 'desc')
    .limit(100)
    .execute();
  return Promise.all(rows.map((r) => scriptTestReport(trx, campaignId, r.id)));
}

/** A test with its arms compared on the results of their turfs. */
export async function scriptTestReport(trx: Trx, campaignId: string, id: string) {
  const test = await trx
    .selectFrom('canvass_script_test')
    .selectAll()
    .where('campaign_id', '=', campaignId)
    .where('id', '=', id)
    .executeTakeFirst();
  if (!test) throw notFound('script_test');
  const { rows } = await sql<{ arm: 'a' | 'b'; turfs: number; results: number; opened: number; supportive: number }>`
    select tt.arm, count(distinct tt.turf_id)::int as turfs, count(r.id)::int as results,
      count(r.id) filter (where r.outcome in ('supportive','undecided','opposed'))::int as opened,
      count(r.id) filter (where r.outcome = 'supportive')::int as supportive
    from canvass_script_test_turf tt
    left join canvass_result r on r.campaign_id = tt.campaign_id and r.turf_id = tt.turf_id and r.recorded_at >= ${test.created_at}
    where tt.campaign_id = ${campaignId} and tt.test_id = ${id}
    group by tt.arm`.execute(trx);
  const arm = (name: 'a' | 'b') => {
    const r = rows.find((x) => x.arm === name) ?? { turfs: 0, results: 0, opened: 0, supportive: 0 };
    return {
      script_id: name === 'a' ? test.script_a_id : test.script_b_id,
      turfs: r.turfs,
      doors: r.results,
      opened: r.opened,
      supportive: r.supportive,
      contact_rate: r.results ? r.opened / r.results : null,
      supportive_share: r.opened ? r.supportive / r.opened : null,
    };
  };
  const a = arm('a');
  const b = arm('b');
  return {
    id: test.id,
    name: test.name,
    created_at: test.created_at,
    a,
    b,
    p_value: twoProportionP(a.supportive, a.opened, b.supportive, b.opened),
  };
}
