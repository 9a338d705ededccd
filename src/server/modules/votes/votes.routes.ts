// The public votes' API: votes and their options, opening and closing, results with the recount,
// the anti-fraud counters, the ballots (addresses masked) and voiding. Reading asks votes:read,
// everything else votes:manage.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { Trx } from '../../db/database.ts';
import { inTenant, requireActor, type TenantActor } from '../../http/auth.ts';
import { notFound } from '../../http/problem.ts';
import { collection, DateTime, Nullable, PageQuery, problems, StringEnum, Uuid } from '../../http/schemas.ts';
import {
  createVote,
  fraudCounters,
  moveVote,
  recountFromBallots,
  recountVote,
  resultsPublic,
  updateVote,
  type VoteActor,
  voidBallots,
} from './votes.service.ts';

const VISIBILITY = ['live', 'after_close'] as const;
const VOTE_STATES = ['draft', 'open', 'closed'] as const;
const BALLOT_STATES = ['pending', 'confirmed', 'voided'] as const;

export const VoteOptionSchema = Type.Object({
  id: Uuid,
  label: Type.String(),
  description: Type.String(),
  image_url: Nullable(Type.String()),
  tally: Type.Integer({ description: 'confirmed ballots not voided (running count)' }),
});

export const VoteSchema = Type.Object({
  id: Uuid,
  slug: Type.String(),
  title: Type.String(),
  description: Type.String(),
  status: StringEnum(VOTE_STATES),
  results_visibility: StringEnum(VISIBILITY),
  allow_change: Type.Boolean(),
  closes_at: Nullable(DateTime),
  opened_at: Nullable(DateTime),
  closed_at: Nullable(DateTime),
  results_public: Type.Boolean({ description: 'whether the site shows the results now' }),
  public_url: Type.String(),
  ballots: Type.Object({ pending: Type.Integer(), confirmed: Type.Integer(), voided: Type.Integer() }),
  options: Type.Array(VoteOptionSchema),
  created_by_label: Type.String(),
  created_at: DateTime,
});

const OptionInput = Type.Object(
  {
    label: Type.String({ minLength: 1, maxLength: 200 }),
    description: Type.Optional(Type.String({ maxLength: 1000 })),
    image_url: Type.Optional(Nullable(Type.String({ maxLength: 2000 }))),
  },
  { additionalProperties: false },
);
export const VoteInput = Type.Object(
  {
    title: Type.String({ minLength: 1, maxLength: 200 }),
    description: Type.Optional(Type.String({ maxLength: 5000 })),
    slug: Type.Optional(Type.String({ pattern: '^[a-z0-9-]{1,120}$' })),
    results_visibility: Type.Optional(StringEnum(VISIBILITY)),
    allow_change: Type.Optional(Type.Boolean()),
    closes_at: Type.Optional(Nullable(Type.String({ format: 'date-time' }))),
    options: Type.Array(OptionInput, { minItems: 2, maxItems: 30 }),
  },
  { additionalProperties: false },
);

export const VoteResultsSchema = Type.Object({
  total: Type.Integer(),
  options: Type.Array(Type.Object({ id: Uuid, label: Type.String(), tally: Type.Integer(), recount: Type.Integer() })),
  consistent: Type.Boolean({ description: 'every running tally equals the recount from the ballots' }),
});

const CounterRow = Type.Object({ key: Type.String(), total: Type.Integer(), confirmed: Type.Integer(), voided: Type.Integer() });
export const FraudCountersSchema = Type.Object({
  by_ip_range: Type.Array(CounterRow),
  by_email_domain: Type.Array(CounterRow),
  by_hour: Type.Array(Type.Object({ hour: DateTime, total: Type.Integer(), confirmed: Type.Integer(), voided: Type.Integer() })),
});

export const BallotSchema = Type.Object({
  id: Uuid,
  option_id: Uuid,
  email_masked: Type.String({ description: 'first letter and domain only' }),
  email_domain: Type.String(),
  ip_range: Nullable(Type.String()),
  status: StringEnum(BALLOT_STATES),
  wants_news: Type.Boolean(),
  created_at: DateTime,
  confirmed_at: Nullable(DateTime),
  void_reason: Nullable(Type.String()),
});

export const VoidInput = Type.Object(
  {
    ballot_ids: Type.Optional(Type.Array(Uuid, { maxItems: 1000 })),
    ip_range: Type.Optional(Type.String({ maxLength: 60 })),
    email_domain: Type.Optional(Type.String({ maxLength: 255 })),
    reason: Type.String({ minLength: 1, maxLength: 500 }),
  },
  { additionalProperties: false },
);

export const VoidResultSchema = Type.Object({ voided: Type.Integer({ description: 'ballots voided' }) });
export const RecountResultSchema = Type.Object({ options_fixed: Type.Integer({ description: 'options whose running tally was off' }) });

const IdParams = Type.Object({ id: Uuid });
const BallotQuery = Type.Object({
  ...PageQuery.properties,
  status: Type.Optional(StringEnum(BALLOT_STATES)),
  ip_range: Type.Optional(Type.String({ maxLength: 60 })),
  email_domain: Type.Optional(Type.String({ maxLength: 255 })),
});

function actorOf(request: FastifyRequest, actor: TenantActor): VoteActor {
  return { campaignId: actor.campaignId, userId: actor.userId, tokenId: actor.tokenId, label: actor.label, ip: request.ip ?? null };
}

/** A vote in the API's shape (null when gone). */
async function voteOut(app: FastifyInstance, trx: Trx, id: string) {
  const vote = await trx.selectFrom('public_vote').selectAll().where('id', '=', id).executeTakeFirst();
  if (!vote) return null;
  const options = await trx
    .selectFrom('public_vote_option')
    .select(['id', 'label', 'description', 'image_url', 'tally'])
    .where('vote_id', '=', id)
    .orderBy('position')
    .execute();
  const counts = await trx
    .selectFrom('public_vote_ballot')
    .select(['status', (eb) => eb.fn.countAll<string>().as('n')])
    .where('vote_id', '=', id)
    .groupBy('status')
    .execute();
  const count = (s: string) => Number(counts.find((c) => c.status === s)?.n ?? 0);
  return {
    id: vote.id,
    slug: vote.slug,
    title: vote.title,
    description: vote.description,
    status: vote.status,
    results_visibility: vote.results_visibility,
    allow_change: vote.allow_change,
    closes_at: vote.closes_at,
    opened_at: vote.opened_at,
    closed_at: vote.closed_at,
    results_public: vote.status !== 'draft' && resultsPublic(vote),
    public_url: `${app.deps.config.publicUrl}/votes/${vote.slug}`,
    ballots: { pending: count('pending'), confirmed: count('confirmed'), voided: count('voided') },
    options,
    created_by_label: vote.created_by_label,
    created_at: vote.created_at,
  };
}

function maskEmail(email: string): string {
  const [local = '', domain = ''] = email.split('@');
  return `${local.slice(0, 1)}***@${domain}`;
}

export const votesRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const one = (actor: TenantActor, id: string) =>
    inTenant(app, actor, async (trx) => {
      const vote = await voteOut(app, trx, id);
      if (!vote) throw notFound('vote');
      return vote;
    });

  app.get(
    '/votes',
    {
      schema: {
        tags: ['votes'],
        summary: "The campaign's public votes, newest first",
        response: { 200: collection('votes', VoteSchema), ...problems(401, 403) },
      },
    },
    async (request) => {
      const actor = requireActor(request, 'votes:read');
      return inTenant(app, actor, async (trx) => {
        const ids = await trx.selectFrom('public_vote').select('id').orderBy('created_at', 'desc').limit(200).execute();
        const votes = [];
        for (const { id } of ids) {
          const vote = await voteOut(app, trx, id);
          if (vote) votes.push(vote);
        }
        return { total_records: votes.length, _embedded: { votes } };
      });
    },
  );

  app.post(
    '/votes',
    {
      schema: {
        tags: ['votes'],
        summary: 'Create a public vote (a draft) with its options',
        body: VoteInput,
        response: { 201: VoteSchema, ...problems(400, 401, 403, 409) },
      },
    },
    async (request, reply) => {
      const actor = requireActor(request, 'votes:manage');
      const id = await inTenant(app, actor, (trx) => createVote(trx, actorOf(request, actor), request.body));
      return reply.status(201).send(await one(actor, id));
    },
  );

  app.get(
    '/votes/:id',
    {
      schema: { tags: ['votes'], summary: 'One public vote', params: IdParams, response: { 200: VoteSchema, ...problems(401, 403, 404) } },
    },
    async (request) => one(requireActor(request, 'votes:read'), request.params.id),
  );

  app.put(
    '/votes/:id',
    {
      schema: {
        tags: ['votes'],
        summary: 'Change a draft vote and its options',
        params: IdParams,
        body: VoteInput,
        response: { 200: VoteSchema, ...problems(400, 401, 403, 404, 409) },
      },
    },
    async (request) => {
      const actor = requireActor(request, 'votes:manage');
      await inTenant(app, actor, (trx) => updateVote(trx, actorOf(request, actor), request.params.id, request.body));
      return one(actor, request.params.id);
    },
  );

  for (const step of ['open', 'close'] as const)
    app.post(
      `/votes/:id/${step}`,
      {
        schema: {
          tags: ['votes'],
          summary: step === 'open' ? 'Open a draft vote to ballots' : 'Close an open vote (results shown on the site)',
          params: IdParams,
          response: { 200: VoteSchema, ...problems(401, 403, 404, 409) },
        },
      },
      async (request) => {
        const actor = requireActor(request, 'votes:manage');
        await inTenant(app, actor, (trx) => moveVote(trx, actorOf(request, actor), request.params.id, step));
        return one(actor, request.params.id);
      },
    );

  app.get(
    '/votes/:id/results',
    {
      schema: {
        tags: ['votes'],
        summary: 'The results: running tallies beside a recount from the ballots',
        params: IdParams,
        response: { 200: VoteResultsSchema, ...problems(401, 403, 404) },
      },
    },
    async (request) => {
      const actor = requireActor(request, 'votes:read');
      return inTenant(app, actor, async (trx) => {
        const vote = await trx.selectFrom('public_vote').select('id').where('id', '=', request.params.id).executeTakeFirst();
        if (!vote) throw notFound('vote');
        const recount = await recountFromBallots(trx, vote.id);
        const options = await trx
          .selectFrom('public_vote_option')
          .select(['id', 'label', 'tally'])
          .where('vote_id', '=', vote.id)
          .orderBy('position')
          .execute();
        const rows = options.map((o) => ({ ...o, recount: recount.get(o.id) ?? 0 }));
        return { total: rows.reduce((n, o) => n + o.recount, 0), options: rows, consistent: rows.every((o) => o.tally === o.recount) };
      });
    },
  );

  app.post(
    '/votes/:id/recount',
    {
      schema: {
        tags: ['votes'],
        summary: 'Rewrite the running tallies from the ballots (audited)',
        params: IdParams,
        response: { 200: RecountResultSchema, ...problems(401, 403, 404) },
      },
    },
    async (request) => {
      const actor = requireActor(request, 'votes:manage');
      const fixed = await inTenant(app, actor, (trx) => recountVote(trx, actorOf(request, actor), request.params.id));
      return { options_fixed: fixed };
    },
  );

  app.get(
    '/votes/:id/counters',
    {
      schema: {
        tags: ['votes'],
        summary: 'Anti-fraud counters: ballots by IP range (/24, /48), by e-mail domain, by hour',
        params: IdParams,
        response: { 200: FraudCountersSchema, ...problems(401, 403, 404) },
      },
    },
    async (request) => {
      const actor = requireActor(request, 'votes:manage');
      return inTenant(app, actor, async (trx) => {
        if (!(await trx.selectFrom('public_vote').select('id').where('id', '=', request.params.id).executeTakeFirst()))
          throw notFound('vote');
        return fraudCounters(trx, request.params.id);
      });
    },
  );

  app.get(
    '/votes/:id/ballots',
    {
      schema: {
        tags: ['votes'],
        summary: 'Ballots of a vote (addresses masked), filtered by state, IP range or e-mail domain',
        params: IdParams,
        querystring: BallotQuery,
        response: { 200: collection('ballots', BallotSchema), ...problems(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const actor = requireActor(request, 'votes:manage');
      const { page, per_page, status, ip_range, email_domain } = request.query;
      return inTenant(app, actor, async (trx) => {
        let q = trx.selectFrom('public_vote_ballot').where('vote_id', '=', request.params.id);
        if (status) q = q.where('status', '=', status);
        if (ip_range) q = q.where('ip_range', '=', ip_range);
        if (email_domain) q = q.where('email_domain', '=', email_domain.toLowerCase());
        const total = Number((await q.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()).n);
        const rows = await q
          .select([
            'id',
            'option_id',
            'email',
            'email_domain',
            'ip_range',
            'status',
            'wants_news',
            'created_at',
            'confirmed_at',
            'void_reason',
          ])
          .orderBy('created_at', 'desc')
          .limit(per_page)
          .offset((page - 1) * per_page)
          .execute();
        const ballots = rows.map(({ email, ...r }) => ({ ...r, email_masked: maskEmail(email) }));
        return { total_records: total, page, per_page, total_pages: Math.ceil(total / per_page), _embedded: { ballots } };
      });
    },
  );

  app.post(
    '/votes/:id/ballots/void',
    {
      schema: {
        tags: ['votes'],
        summary: 'Void suspicious ballots (by ids, IP range or e-mail domain); confirmed ones leave the tally; audited',
        params: IdParams,
        body: VoidInput,
        response: { 200: VoidResultSchema, ...problems(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const actor = requireActor(request, 'votes:manage');
      const voided = await inTenant(app, actor, (trx) => voidBallots(trx, actorOf(request, actor), request.params.id, request.body));
      return { voided };
    },
  );
};
