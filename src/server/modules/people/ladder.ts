// The ladder: when an activity is recorded on a person's timeline (the `activity.recorded` event),
// the campaign's promotion rules are evaluated for that person, in the same transaction, and the
// person is promoted (never demoted) with a ladder_move naming the rule. Manual moves go anywhere,
// with a reason. Every move writes a `ladder.moved` event.
import { type SqlBool, sql } from 'kysely';
import { type LadderStage, type RuleStage, stageRank } from '../../../shared/enums.ts';
import type { Trx } from '../../db/database.ts';
import type { LadderCondition } from '../../db/schema.ts';
import type { AnyDomainEvent, EventReaction } from '../../events/index.ts';
import { emitEvents } from '../../events/index.ts';
import { AppError } from '../../http/problem.ts';
import { uuidv7 } from '../../lib/ids.ts';

export interface StageLabel {
  stage: LadderStage;
  label_fr: string;
  label_en: string;
  position: number;
}

export interface LadderRule {
  id: string;
  to_stage: RuleStage;
  conditions: LadderCondition[];
  description: string;
  enabled: boolean;
}

export const DEFAULT_STAGES: readonly StageLabel[] = [
  { stage: 'curious', label_fr: 'Curieux', label_en: 'Curious', position: 0 },
  { stage: 'sympathizer', label_fr: 'Sympathisant', label_en: 'Sympathizer', position: 1 },
  { stage: 'volunteer', label_fr: 'Volontaire', label_en: 'Volunteer', position: 2 },
  { stage: 'activist', label_fr: 'Militant', label_en: 'Activist', position: 3 },
];

/** The rules a campaign without rules of its own uses (fixed ids, so moves can name them). */
export const DEFAULT_RULES: readonly LadderRule[] = [
  {
    id: '00000000-0000-7000-8000-00000000d001',
    to_stage: 'sympathizer',
    conditions: [{ type: 'petition.signed', min_count: 1 }],
    description: 'A signé une pétition',
    enabled: true,
  },
  {
    id: '00000000-0000-7000-8000-00000000d002',
    to_stage: 'volunteer',
    conditions: [
      { type: 'event.rsvp', min_count: 1 },
      { type: 'event.attended', min_count: 1 },
    ],
    description: "S'est inscrit à un événement et y a participé",
    enabled: true,
  },
  {
    id: '00000000-0000-7000-8000-00000000d003',
    to_stage: 'activist',
    conditions: [{ type: 'canvass.shift_completed', min_count: 3 }],
    description: 'A terminé trois sessions de porte-à-porte',
    enabled: true,
  },
  {
    // A contact logged by hand (people/contacts.ts): the person said they support the campaign.
    id: '00000000-0000-7000-8000-00000000d004',
    to_stage: 'sympathizer',
    conditions: [{ type: 'contact.supportive', min_count: 1 }],
    description: 'A dit soutenir la campagne lors d’un contact',
    enabled: true,
  },
  {
    id: '00000000-0000-7000-8000-00000000d005',
    to_stage: 'volunteer',
    conditions: [{ type: 'contact.volunteering', min_count: 1 }],
    description: 'A proposé son aide lors d’un contact',
    enabled: true,
  },
];

/** Stage labels of the campaign (the defaults where none were saved). */
export async function loadStages(trx: Trx, campaignId: string): Promise<StageLabel[]> {
  const rows = await trx
    .selectFrom('ladder_stage')
    .select(['stage', 'label_fr', 'label_en', 'position'])
    .where('campaign_id', '=', campaignId)
    .execute();
  const byStage = new Map(rows.map((r) => [r.stage, r]));
  return DEFAULT_STAGES.map((d) => byStage.get(d.stage) ?? d);
}

/** The campaign's promotion rules, or the default rules when it has none. */
export async function loadRules(trx: Trx, campaignId: string): Promise<{ rules: LadderRule[]; defaults: boolean }> {
  const rows = await trx
    .selectFrom('ladder_rule')
    .select(['id', 'to_stage', 'conditions', 'description', 'enabled'])
    .where('campaign_id', '=', campaignId)
    .orderBy('id')
    .execute();
  if (rows.length === 0) return { rules: [...DEFAULT_RULES], defaults: true };
  return { rules: rows.map((r) => ({ ...r, conditions: r.conditions as LadderCondition[] })), defaults: false };
}

/** Replaces the campaign's stage labels and/or rules (rules [] → back to the defaults). */
export async function saveLadder(
  trx: Trx,
  campaignId: string,
  input: { stages?: ReadonlyArray<Omit<StageLabel, 'position'>>; rules?: ReadonlyArray<Omit<LadderRule, 'id'> & { id?: string }> },
): Promise<void> {
  if (input.stages) {
    await trx.deleteFrom('ladder_stage').where('campaign_id', '=', campaignId).execute();
    const stages = DEFAULT_STAGES.map((d) => {
      const given = input.stages?.find((s) => s.stage === d.stage);
      return {
        campaign_id: campaignId,
        stage: d.stage,
        label_fr: given?.label_fr ?? d.label_fr,
        label_en: given?.label_en ?? d.label_en,
        position: d.position,
      };
    });
    await trx.insertInto('ladder_stage').values(stages).execute();
  }
  if (input.rules) {
    for (const rule of input.rules) {
      if (rule.conditions.length === 0) throw new AppError('LADDER_RULE_INVALID', 'A rule needs at least one condition.');
    }
    await trx.deleteFrom('ladder_rule').where('campaign_id', '=', campaignId).execute();
    if (input.rules.length > 0) {
      await trx
        .insertInto('ladder_rule')
        .values(
          input.rules.map((r) => ({
            campaign_id: campaignId,
            id: r.id ?? uuidv7(),
            to_stage: r.to_stage,
            conditions: JSON.stringify(r.conditions),
            description: r.description,
            enabled: r.enabled,
          })),
        )
        .execute();
    }
  }
}

export interface LadderMoveResult {
  from: LadderStage;
  to: LadderStage;
  ruleId: string | null;
  moveId: string;
  /** The ladder.moved event the move wrote. */
  events: AnyDomainEvent[];
}

/** Writes a move on the ladder (history row, the person's current stage and the ladder.moved event). */
async function writeMove(
  trx: Trx,
  move: {
    campaignId: string;
    personId: string;
    from: LadderStage;
    to: LadderStage;
    reason: string;
    ruleId: string | null;
    actorLabel: string;
  },
): Promise<{ id: string; events: AnyDomainEvent[] }> {
  const id = uuidv7();
  await trx
    .insertInto('ladder_move')
    .values({
      campaign_id: move.campaignId,
      id,
      person_id: move.personId,
      from_stage: move.from,
      to_stage: move.to,
      reason: move.reason,
      rule_id: move.ruleId,
      actor_label: move.actorLabel,
    })
    .execute();
  await trx
    .updateTable('person')
    .set({ ladder_stage: move.to, ladder_changed_at: new Date(), modified_at: new Date() })
    .where('campaign_id', '=', move.campaignId)
    .where('id', '=', move.personId)
    .execute();
  const events = await emitEvents(trx, [
    {
      campaignId: move.campaignId,
      type: 'ladder.moved',
      personId: move.personId,
      payload: { move_id: id, from_stage: move.from, to_stage: move.to, rule_id: move.ruleId, reason: move.reason },
      actorLabel: move.actorLabel,
    },
  ]);
  return { id, events };
}

/** Evaluates the promotion rules for one person; promotes to the highest satisfied stage above theirs. */
export async function evaluateLadder(trx: Trx, campaignId: string, personId: string, actorLabel = ''): Promise<LadderMoveResult | null> {
  const person = await trx
    .selectFrom('person')
    .select('ladder_stage')
    .where('campaign_id', '=', campaignId)
    .where('id', '=', personId)
    .executeTakeFirst();
  if (!person) return null;
  const { rules } = await loadRules(trx, campaignId);
  const candidates = rules.filter((r) => r.enabled && stageRank(r.to_stage) > stageRank(person.ladder_stage));
  if (candidates.length === 0) return null;
  const types = [...new Set(candidates.flatMap((r) => r.conditions.map((c) => c.type)))];
  const counts = await trx
    .selectFrom('activity')
    .select(['type', sql<string>`count(*)`.as('n')])
    .where('campaign_id', '=', campaignId)
    .where('person_id', '=', personId)
    .where('type', 'in', types)
    .groupBy('type')
    .execute();
  const countOf = new Map(counts.map((c) => [c.type, Number(c.n)]));
  const satisfied = candidates
    .filter((r) => r.conditions.every((c) => (countOf.get(c.type) ?? 0) >= c.min_count))
    .sort((a, b) => stageRank(b.to_stage) - stageRank(a.to_stage));
  const rule = satisfied[0];
  if (!rule) return null;
  const reason = rule.description || rule.conditions.map((c) => `${c.type} ≥ ${c.min_count}`).join(' + ');
  const written = await writeMove(trx, {
    campaignId,
    personId,
    from: person.ladder_stage,
    to: rule.to_stage,
    reason,
    ruleId: rule.id,
    actorLabel,
  });
  return { from: person.ladder_stage, to: rule.to_stage, ruleId: rule.id, moveId: written.id, events: written.events };
}

/** The ladder's reaction to an activity on the timeline: the rules run in the recording transaction. */
export const ladderReaction: EventReaction<'activity.recorded'> = {
  name: 'ladder',
  type: 'activity.recorded',
  async react(trx, event) {
    if (!event.personId) return [];
    const move = await evaluateLadder(trx, event.campaignId, event.personId, event.actorLabel);
    return move?.events ?? [];
  },
};

/** Moves people to a stage by hand (up or down), with a reason; returns how many moved. */
export async function moveStageManually(
  trx: Trx,
  input: { campaignId: string; personIds: readonly string[]; toStage: LadderStage; reason: string; actorLabel: string },
): Promise<number> {
  if (input.personIds.length === 0) return 0;
  // The ids travel as arrays (one parameter each), whatever their number: see bulk.ts.
  const people = await trx
    .selectFrom('person')
    .select(['id', 'ladder_stage'])
    .where('campaign_id', '=', input.campaignId)
    .where(sql<SqlBool>`id = any(${[...input.personIds]}::uuid[])`)
    .where('ladder_stage', '<>', input.toStage)
    .forUpdate()
    .execute();
  if (people.length === 0) return 0;
  const moves = people.map((p) => ({ ...p, moveId: uuidv7() }));
  const ids = moves.map((p) => p.id);
  await sql`
    insert into ladder_move (campaign_id, id, person_id, from_stage, to_stage, reason, rule_id, actor_label)
    select ${input.campaignId}::uuid, m.id, m.person_id, m.from_stage, ${input.toStage}, ${input.reason}, null, ${input.actorLabel}
    from unnest(${moves.map((p) => p.moveId)}::uuid[], ${ids}::uuid[], ${moves.map((p) => p.ladder_stage)}::text[]) as m(id, person_id, from_stage)`.execute(
    trx,
  );
  await trx
    .updateTable('person')
    .set({ ladder_stage: input.toStage, ladder_changed_at: new Date(), modified_at: new Date() })
    .where('campaign_id', '=', input.campaignId)
    .where(sql<SqlBool>`id = any(${ids}::uuid[])`)
    .execute();
  await emitEvents(
    trx,
    moves.map((p) => ({
      campaignId: input.campaignId,
      type: 'ladder.moved' as const,
      personId: p.id,
      payload: { move_id: p.moveId, from_stage: p.ladder_stage, to_stage: input.toStage, rule_id: null, reason: input.reason },
      actorLabel: input.actorLabel,
    })),
  );
  return people.length;
}
