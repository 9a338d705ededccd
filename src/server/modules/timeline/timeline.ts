// The timeline: everything that happens to a person is an activity line. One function records a
// line (and the `activity.recorded` event, whose reactions — the ladder rules — run in the same
// transaction); one query reads a person's timeline: activities, ladder moves, consents and
// taggings, newest first.
import { sql } from 'kysely';
import type { Trx } from '../../db/database.ts';
import { type AnyDomainEvent, emitEvents } from '../../events/index.ts';
import { uuidv7 } from '../../lib/ids.ts';

export interface ActivityInput {
  campaignId: string;
  personId: string;
  /** signup, petition.signed, event.attended, person.created, person.updated… */
  type: string;
  refType?: string | null;
  refId?: string | null;
  data?: Record<string, unknown>;
  actorLabel?: string;
  at?: Date;
}

/** Records an activity on a person's timeline; returns its id and the events written (the ladder's move among them). */
export async function recordActivity(trx: Trx, input: ActivityInput): Promise<{ activityId: string; events: AnyDomainEvent[] }> {
  const activityId = uuidv7();
  const refType = input.refType ?? null;
  const refId = input.refId ?? null;
  await trx
    .insertInto('activity')
    .values({
      campaign_id: input.campaignId,
      id: activityId,
      person_id: input.personId,
      type: input.type,
      ref_type: refType,
      ref_id: refId,
      data: JSON.stringify(input.data ?? {}),
      actor_label: input.actorLabel ?? '',
      ...(input.at ? { at: input.at } : {}),
    })
    .execute();
  const events = await emitEvents(trx, [
    {
      campaignId: input.campaignId,
      type: 'activity.recorded',
      personId: input.personId,
      payload: { activity_id: activityId, type: input.type, ref_type: refType, ref_id: refId },
      actorLabel: input.actorLabel ?? '',
    },
  ]);
  return { activityId, events };
}

export interface TimelineItem {
  id: string;
  kind: 'activity' | 'ladder_move' | 'consent' | 'tagging';
  at: Date;
  type: string;
  data: Record<string, unknown>;
  actor_label: string;
}

/** A page of the timeline of one person (the caller has checked the person is visible). */
export async function personTimeline(
  trx: Trx,
  campaignId: string,
  personId: string,
  page: { page: number; perPage: number },
): Promise<{ rows: TimelineItem[]; total: number }> {
  const union = sql`
    select a.id, 'activity' as kind, a.at, a.type,
      jsonb_build_object('ref_type', a.ref_type, 'ref_id', a.ref_id) || a.data as data, a.actor_label
    from activity a where a.campaign_id = ${campaignId} and a.person_id = ${personId}
    union all
    select m.id, 'ladder_move', m.at, 'ladder.moved',
      jsonb_build_object('from_stage', m.from_stage, 'to_stage', m.to_stage, 'reason', m.reason, 'rule_id', m.rule_id), m.actor_label
    from ladder_move m where m.campaign_id = ${campaignId} and m.person_id = ${personId}
    union all
    select c.id, 'consent', c.at, 'consent.' || c.status,
      jsonb_build_object('channel', c.channel, 'source', c.source, 'proof', c.proof)
        || case when c.topic is null then '{}'::jsonb else jsonb_build_object('topic', c.topic) end, c.actor_label
    from consent c where c.campaign_id = ${campaignId} and c.person_id = ${personId}
    union all
    select t.tag_id, 'tagging', t.created_at, 'tag.added', jsonb_build_object('tag_id', t.tag_id, 'name', g.name), ''
    from tagging t join tag g on g.campaign_id = t.campaign_id and g.id = t.tag_id
    where t.campaign_id = ${campaignId} and t.person_id = ${personId}`;
  const { rows } = await sql<TimelineItem>`select * from (${union}) u order by at desc, id desc
    limit ${page.perPage} offset ${(page.page - 1) * page.perPage}`.execute(trx);
  const { rows: count } = await sql<{ n: string }>`select count(*) as n from (${union}) u`.execute(trx);
  return { rows, total: Number(count[0]?.n ?? 0) };
}
