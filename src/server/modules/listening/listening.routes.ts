// HTTP routes of listening: accounts (never their credentials), watches, the inbox (mentions, their
// threads, triage, the deliberate link of an author to a person), the inbox's mode and the
// response-time report, key messages, drafts with the candidate's approval and their publication.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { sql } from 'kysely';
import { Type } from 'typebox';
import type { Trx } from '../../db/database.ts';
import { inTenant, requireActor, type TenantActor } from '../../http/auth.ts';
import { pageLinks } from '../../http/pagination.ts';
import { AppError, notFound } from '../../http/problem.ts';
import { collection, DateTime, NoContent, Nullable, PageQuery, problems, StringEnum, Uuid } from '../../http/schemas.ts';
import { findFactchecks, publicUrlOf } from '../factchecks/index.ts';
import { normalizePhone } from '../people/index.ts';
import {
  findAccount,
  findDraft,
  findKeyMessage,
  findMention,
  findWatch,
  listAccounts,
  listDrafts,
  listKeyMessages,
  listMentions,
  listWatches,
  threadOf,
} from './listening.repo.ts';
import { responseReport } from './listening.report.ts';
import {
  approveDraft,
  createDraft,
  createWatch,
  editDraft,
  insertAccount,
  type ListeningActor,
  linkAuthor,
  publishDraft,
  refuseDraft,
  removeAccount,
  removeDraft,
  removeKeyMessage,
  removeWatch,
  saveKeyMessage,
  updateAccount,
  updateMention,
  updateWatch,
  verifyAccount,
} from './listening.service.ts';
import { envOf, pollWatch, requestPass } from './pass.ts';
import { THEMES } from './triage.ts';

const NETWORKS = ['mastodon', 'bluesky', 'x'] as const;
const ACCOUNT_KINDS = ['candidate', 'team'] as const;
const SOURCES = ['rss', 'mastodon', 'bluesky', 'x'] as const;
const SENTIMENTS = ['positive', 'neutral', 'negative'] as const;
const URGENCIES = ['low', 'normal', 'high'] as const;
const DRAFT_STATUSES = ['pending_approval', 'scheduled', 'held', 'published', 'refused', 'failed'] as const;

const Short = (max = 200) => Type.String({ maxLength: max });
const Terms = Type.Array(Type.String({ minLength: 1, maxLength: 200 }), { maxItems: 20 });

export const ListeningAccountSchema = Type.Object({
  id: Uuid,
  network: StringEnum(NETWORKS),
  kind: StringEnum(ACCOUNT_KINDS),
  handle: Type.String(),
  base_url: Type.String(),
  status: StringEnum(['connected', 'disconnected'] as const),
  last_error: Nullable(Type.String()),
  x_cost: Nullable(
    Type.Object(
      {
        month: Type.String({ description: 'the month counted (UTC), YYYY-MM' }),
        price_per_post_read: Type.Number({ description: 'euros X bills per post a search returns' }),
        price_per_post_created: Type.Number({ description: 'euros X bills per post published' }),
        monthly_cap: Nullable(Type.Number({ description: 'euros after which the account’s watches pause until next month' })),
        posts_read: Type.Integer(),
        posts_created: Type.Integer(),
        spent: Type.Number({ description: 'euros this month so far' }),
        projected: Type.Number({ description: 'euros by the month’s end at the current pace' }),
        state: StringEnum(['active', 'capped'] as const),
        paused_until: Nullable(DateTime),
      },
      { description: 'X accounts only: the month’s cost estimate' },
    ),
  ),
  created_at: DateTime,
  updated_at: DateTime,
});

const Price = Type.Number({ minimum: 0, maximum: 100 });
const Cap = Nullable(Type.Number({ minimum: 0, maximum: 10_000_000 }));
const XSecrets = {
  user_token: Type.Optional(
    Type.String({ minLength: 1, maxLength: 4000, description: 'X: the OAuth 2.0 user access token (posting): sealed, never answered' }),
  ),
  refresh_token: Type.Optional(Type.String({ minLength: 1, maxLength: 4000, description: 'X: its refresh token: sealed, never answered' })),
  client_id: Type.Optional(Type.String({ minLength: 1, maxLength: 500, description: "X: the app's OAuth 2.0 client id (to refresh)" })),
  client_secret: Type.Optional(
    Type.String({ minLength: 1, maxLength: 500, description: "X: the app's client secret (confidential clients): sealed" }),
  ),
};
const XCostInput = {
  price_per_post_read: Type.Optional(Price),
  price_per_post_created: Type.Optional(Price),
  monthly_cap: Type.Optional(Cap),
};

const AccountInput = Type.Object(
  {
    network: StringEnum(NETWORKS),
    kind: StringEnum(ACCOUNT_KINDS),
    handle: Type.String({ minLength: 1, maxLength: 200 }),
    base_url: Type.Optional(Type.String({ maxLength: 500, description: 'the instance or PDS (default: mastodon.social, bsky.social)' })),
    token: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 4000,
        description: "Mastodon's access token, X's bearer token: sealed at rest, never answered",
      }),
    ),
    password: Type.Optional(
      Type.String({ minLength: 1, maxLength: 500, description: "Bluesky's app password: sealed at rest, never answered" }),
    ),
    ...XSecrets,
    ...XCostInput,
  },
  { additionalProperties: false },
);
const AccountUpdate = Type.Object(
  {
    kind: Type.Optional(StringEnum(ACCOUNT_KINDS)),
    token: Type.Optional(Type.String({ minLength: 1, maxLength: 4000 })),
    password: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })),
    ...XSecrets,
    ...XCostInput,
  },
  { additionalProperties: false },
);

const QuerySchema = Type.Object({
  phrases: Terms,
  words: Terms,
  exclude: Terms,
  hashtags: Terms,
  mentions: Terms,
  language: Nullable(Type.String({ maxLength: 10 })),
});
const QueryInput = Type.Partial(QuerySchema, { additionalProperties: false });

// Push state of a watch: its WebSub subscription (RSS/Atom feeds naming a hub), its Mastodon stream.
const WatchPushSchema = Type.Object({
  websub: Nullable(
    Type.Object({
      state: StringEnum(['pending', 'verified', 'expired', 'denied', 'unsubscribing']),
      hub_url: Type.String(),
      topic_url: Type.String(),
      lease_seconds: Nullable(Type.Integer()),
      expires_at: Nullable(DateTime),
      deliveries: Type.Integer(),
      rejected: Type.Integer({ description: 'deliveries dropped: signature missing or wrong, subscription not verified, not a feed' }),
      last_delivery_at: Nullable(DateTime),
      denied_reason: Nullable(Type.String()),
      last_error: Nullable(Type.String()),
    }),
  ),
  stream: Nullable(
    Type.Object({
      state: StringEnum(['connected', 'disconnected']),
      connected_at: Nullable(DateTime),
      last_event_at: Nullable(DateTime),
      events: Type.Integer(),
      failures: Type.Integer(),
      next_attempt_at: Nullable(DateTime),
      last_error: Nullable(Type.String()),
    }),
  ),
});

export const ListeningWatchSchema = Type.Object({
  id: Uuid,
  name: Type.String(),
  source: StringEnum(SOURCES),
  feed_url: Nullable(Type.String()),
  account_id: Nullable(Uuid),
  query: QuerySchema,
  active: Type.Boolean(),
  next_poll_at: DateTime,
  failures: Type.Integer(),
  last_polled_at: Nullable(DateTime),
  last_error: Nullable(Type.String()),
  mention_count: Type.Integer(),
  created_at: DateTime,
  push: WatchPushSchema,
});
const WatchInput = Type.Object(
  {
    name: Type.String({ maxLength: 200 }),
    source: StringEnum(SOURCES),
    feed_url: Type.Optional(Nullable(Type.String({ maxLength: 2000 }))),
    account_id: Type.Optional(Nullable(Uuid)),
    query: QueryInput,
    active: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
const WatchUpdate = Type.Object(
  {
    name: Type.Optional(Type.String({ maxLength: 200 })),
    feed_url: Type.Optional(Nullable(Type.String({ maxLength: 2000 }))),
    account_id: Type.Optional(Nullable(Uuid)),
    query: Type.Optional(QueryInput),
    active: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

export const ListeningMentionSchema = Type.Object({
  id: Uuid,
  watch_id: Nullable(Uuid),
  source: StringEnum(SOURCES),
  external_id: Type.String(),
  thread_key: Type.String(),
  thread_size: Type.Integer(),
  in_reply_to: Nullable(Type.String()),
  url: Nullable(Type.String()),
  author_handle: Type.String(),
  author_name: Type.String(),
  author_reach: Type.Integer(),
  text: Type.String(),
  lang: Nullable(Type.String()),
  published_at: DateTime,
  sentiment: StringEnum(SENTIMENTS),
  urgency: StringEnum(URGENCIES),
  arrondissement: Nullable(Type.Integer()),
  theme: Nullable(Type.String()),
  status: StringEnum(['new', 'handled'] as const),
  assigned_to: Nullable(Uuid),
  assigned_to_name: Nullable(Type.String()),
  tags: Type.Array(Type.String()),
  handled_at: Nullable(DateTime),
  person_id: Nullable(Uuid),
  created_at: DateTime,
});

export const ListeningDraftSchema = Type.Object({
  id: Uuid,
  account_id: Uuid,
  account_handle: Type.String(),
  account_network: StringEnum(NETWORKS),
  account_kind: StringEnum(ACCOUNT_KINDS),
  mention_id: Nullable(Uuid),
  mention_text: Nullable(Type.String()),
  mention_author: Nullable(Type.String()),
  key_message_id: Nullable(Uuid),
  text: Type.String(),
  status: StringEnum(DRAFT_STATUSES),
  scheduled_at: Nullable(DateTime),
  approved_by: Nullable(Uuid),
  approved_at: Nullable(DateTime),
  refused_reason: Nullable(Type.String()),
  external_id: Nullable(Type.String()),
  external_url: Nullable(Type.String()),
  published_at: Nullable(DateTime),
  last_error: Nullable(Type.String()),
  created_by: Nullable(Uuid),
  created_by_name: Nullable(Type.String()),
  created_at: DateTime,
  updated_at: DateTime,
});

export const ListeningMentionDetailSchema = Type.Intersect([
  ListeningMentionSchema,
  Type.Object({ thread: Type.Array(ListeningMentionSchema), drafts: Type.Array(ListeningDraftSchema) }),
]);

export const ListeningMentionQuery = Type.Intersect([
  PageQuery,
  Type.Object({
    status: Type.Optional(StringEnum(['new', 'handled'] as const)),
    sentiment: Type.Optional(StringEnum(SENTIMENTS)),
    urgency: Type.Optional(StringEnum(URGENCIES)),
    theme: Type.Optional(Short(50)),
    arrondissement: Type.Optional(Type.Integer({ minimum: 1, maximum: 20 })),
    assigned: Type.Optional(StringEnum(['me'] as const)),
    tag: Type.Optional(Short(50)),
    q: Type.Optional(Short(200)),
  }),
]);
const MentionUpdate = Type.Object(
  {
    status: Type.Optional(StringEnum(['new', 'handled'] as const)),
    assigned_to: Type.Optional(Nullable(Uuid)),
    tags: Type.Optional(Type.Array(Type.String({ maxLength: 50 }), { maxItems: 20 })),
  },
  { additionalProperties: false },
);

export const ListeningKeyMessageSchema = Type.Object({
  id: Uuid,
  theme: Type.String(),
  kind: StringEnum(['answer', 'talking_point'] as const),
  title: Type.String(),
  body: Type.String(),
  factcheck: Nullable(
    Type.Object({
      id: Uuid,
      claim: Type.String(),
      verdict_fr: Type.String(),
      verdict_en: Type.String(),
      status: Type.String({ description: 'draft, review, published or withdrawn' }),
      url: Nullable(Type.String({ description: "the check's page on the site, to cite in a reply; null until published" })),
    }),
  ),
  created_at: DateTime,
  updated_at: DateTime,
});
const KeyMessageInput = Type.Object(
  {
    theme: Type.String({ minLength: 1, maxLength: 50 }),
    kind: StringEnum(['answer', 'talking_point'] as const),
    title: Type.String({ minLength: 1, maxLength: 200 }),
    body: Type.String({ minLength: 1, maxLength: 5000 }),
    factcheck_id: Type.Optional(Nullable(Uuid)),
  },
  { additionalProperties: false },
);

const DraftInput = Type.Object(
  {
    account_id: Uuid,
    text: Type.String({ minLength: 1, maxLength: 5000 }),
    mention_id: Type.Optional(Nullable(Uuid)),
    key_message_id: Type.Optional(Nullable(Uuid)),
    scheduled_at: Type.Optional(Nullable(Type.String({ format: 'date-time' }))),
  },
  { additionalProperties: false },
);
const DraftUpdate = Type.Object(
  {
    text: Type.Optional(Type.String({ minLength: 1, maxLength: 5000 })),
    scheduled_at: Type.Optional(Nullable(Type.String({ format: 'date-time' }))),
  },
  { additionalProperties: false },
);

export const ListeningStateSchema = Type.Object({
  crisis: Type.Boolean(),
  crisis_since: Nullable(DateTime),
  last_spike_at: Nullable(DateTime),
  alert_phones: Type.Array(Type.String(), { description: 'Numbers (E.164) a spike alert is texted to' }),
  last_sms_alert_at: Nullable(DateTime),
  new_mentions: Type.Integer(),
  pending_approvals: Type.Integer(),
  disconnected_accounts: Type.Integer(),
  themes: Type.Array(Type.String()),
});

const Bucket = Type.Object({
  mentions: Type.Integer(),
  handled: Type.Integer(),
  answered: Type.Integer(),
  answered_within_hour: Type.Integer(),
  median_response_minutes: Nullable(Type.Number()),
});
export const ListeningReportSchema = Type.Object({
  days: Type.Integer(),
  all: Bucket,
  day: Type.Object({ ...Bucket.properties }, { description: 'mentions published 7:00–22:00, Paris time' }),
  night: Type.Object({ ...Bucket.properties }, { description: 'mentions published 22:00–7:00, Paris time' }),
  by_date: Type.Array(Type.Object({ date: Type.String(), ...Bucket.properties })),
  by_week: Type.Array(
    Type.Object({
      week: Type.String({ description: 'the Monday the week starts on (Paris time), YYYY-MM-DD' }),
      ...Bucket.properties,
      day: Bucket,
      night: Bucket,
    }),
  ),
});

export const ListeningPollSchema = Type.Object({ caught: Type.Integer(), added: Type.Integer(), error: Nullable(Type.String()) });

const IdParams = Type.Object({ id: Uuid });

/** A row just written, read back. */
function must<T>(row: T | undefined): T {
  if (!row) throw notFound();
  return row;
}

function listeningActor(request: FastifyRequest, actor: TenantActor): ListeningActor {
  const canApprove = actor.scopes !== null ? actor.scopes.has('listening:approve') : actor.permissions.has('listening.approve');
  return {
    campaignId: actor.campaignId,
    userId: actor.userId,
    tokenId: actor.tokenId,
    label: actor.label,
    ip: request.ip ?? null,
    canApprove,
    isCandidate: actor.role === 'candidate',
  };
}

/** Tells the candidate that a draft for her account waits for her approval (an e-mail with the queue's link). */
async function notifyCandidates(app: FastifyInstance, actor: TenantActor, draft: { text: string; account_handle: string }) {
  const candidates = await inTenant(app, actor, (trx) =>
    trx
      .selectFrom('membership as m')
      .innerJoin('staff_user as u', 'u.id', 'm.user_id')
      .select(['u.email', 'u.locale'])
      .where('m.campaign_id', '=', actor.campaignId)
      .where('m.role', '=', 'candidate')
      .where('u.disabled_at', 'is', null)
      .execute(),
  );
  const link = `${app.deps.config.publicUrl}/app/listening?tab=approvals`;
  for (const c of candidates) {
    const fr = c.locale !== 'en';
    await app.deps.mailer.send({
      campaignId: actor.campaignId,
      to: c.email,
      subject: fr
        ? `Relais : une publication attend votre approbation (${draft.account_handle})`
        : `Relais: a post waits for your approval (${draft.account_handle})`,
      text: fr
        ? `${actor.label} a préparé ce texte pour votre compte ${draft.account_handle} :\n\n${draft.text}\n\nApprouvez-le, modifiez-le ou refusez-le : ${link}\n`
        : `${actor.label} prepared this text for your account ${draft.account_handle}:\n\n${draft.text}\n\nApprove, edit or refuse it: ${link}\n`,
    });
  }
}

function kick(app: FastifyInstance, actor: TenantActor, at?: Date) {
  return requestPass(
    (o) => app.deps.jobs.enqueue(o),
    (fn) => inTenant(app, actor, fn),
    actor.campaignId,
    at,
  );
}

export const listeningRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const env = envOf(app.deps.config);

  // -- Accounts ---------------------------------------------------------------------------------
  app.get(
    '/listening/accounts',
    {
      schema: {
        tags: ['listening'],
        summary: "The campaign's social accounts (never their credentials)",
        response: { 200: collection('accounts', ListeningAccountSchema), ...problems(401, 403) },
      },
    },
    async (request) => {
      const actor = requireActor(request, 'listening:read');
      const accounts = await inTenant(app, actor, (trx) => listAccounts(trx));
      return { total_records: accounts.length, _embedded: { accounts } };
    },
  );
  app.post(
    '/listening/accounts',
    {
      schema: {
        tags: ['listening'],
        summary: 'Connect a social account: its credentials are checked with the network, then sealed (AES-256-GCM)',
        body: AccountInput,
        response: { 201: ListeningAccountSchema, ...problems(400, 401, 403, 409) },
      },
    },
    async (request, reply) => {
      const actor = requireActor(request, 'listening.accounts');
      const checked = await verifyAccount(env, request.body);
      const row = await inTenant(app, actor, async (trx) => {
        const id = await insertAccount(trx, env, listeningActor(request, actor), {
          network: request.body.network,
          kind: request.body.kind,
          handle: checked.handle,
          baseUrl: checked.baseUrl,
          credentials: checked.credentials,
          cost: request.body,
        });
        return findAccount(trx, id);
      });
      return reply.status(201).send(must(row));
    },
  );
  app.put(
    '/listening/accounts/:id',
    {
      schema: {
        tags: ['listening'],
        summary: "Change an account's kind or X's prices and monthly cap, or reconnect it with new credentials",
        params: IdParams,
        body: AccountUpdate,
        response: { 200: ListeningAccountSchema, ...problems(400, 401, 403, 404, 409) },
      },
    },
    async (request) => {
      const actor = requireActor(request, 'listening.accounts');
      const current = await inTenant(app, actor, (trx) => findAccount(trx, request.params.id));
      if (!current) throw notFound('account');
      const { token, password, kind, user_token, refresh_token, client_id, client_secret } = request.body;
      const checked =
        token || password || user_token
          ? await verifyAccount(env, {
              network: current.network,
              kind: current.kind,
              handle: current.handle,
              base_url: current.base_url,
              token,
              password,
              user_token,
              refresh_token,
              client_id,
              client_secret,
            })
          : null;
      return inTenant(app, actor, async (trx) => {
        await updateAccount(trx, env, listeningActor(request, actor), request.params.id, {
          kind,
          credentials: checked?.credentials,
          cost: request.body,
        });
        return findAccount(trx, request.params.id);
      });
    },
  );
  app.delete(
    '/listening/accounts/:id',
    {
      schema: {
        tags: ['listening'],
        summary: 'Remove an account and its credentials',
        params: IdParams,
        response: { 204: NoContent, ...problems(401, 403, 404) },
      },
    },
    async (request, reply) => {
      const actor = requireActor(request, 'listening.accounts');
      await inTenant(app, actor, (trx) => removeAccount(trx, listeningActor(request, actor), request.params.id));
      return reply.status(204).send(null);
    },
  );

  // -- Watches ----------------------------------------------------------------------------------
  app.get(
    '/listening/watches',
    {
      schema: {
        tags: ['listening'],
        summary: 'Keyword watches',
        response: { 200: collection('watches', ListeningWatchSchema), ...problems(401, 403) },
      },
    },
    async (request) => {
      const actor = requireActor(request, 'listening:read');
      const watches = await inTenant(app, actor, (trx) => listWatches(trx));
      return { total_records: watches.length, _embedded: { watches } };
    },
  );
  app.post(
    '/listening/watches',
    {
      schema: {
        tags: ['listening'],
        summary: 'Create a keyword watch over a source (an RSS/Atom feed, Mastodon, Bluesky); polled every minute',
        body: WatchInput,
        response: { 201: ListeningWatchSchema, ...problems(400, 401, 403) },
      },
    },
    async (request, reply) => {
      const actor = requireActor(request, 'listening:write');
      const row = await inTenant(app, actor, async (trx) =>
        findWatch(trx, await createWatch(trx, env, listeningActor(request, actor), request.body)),
      );
      await kick(app, actor);
      return reply.status(201).send(must(row));
    },
  );
  app.get(
    '/listening/watches/:id',
    {
      schema: {
        tags: ['listening'],
        summary: 'One watch',
        params: IdParams,
        response: { 200: ListeningWatchSchema, ...problems(401, 403, 404) },
      },
    },
    async (request) => {
      const actor = requireActor(request, 'listening:read');
      const row = await inTenant(app, actor, (trx) => findWatch(trx, request.params.id));
      if (!row) throw notFound('watch');
      return row;
    },
  );
  app.put(
    '/listening/watches/:id',
    {
      schema: {
        tags: ['listening'],
        summary: 'Change a watch (a new query or feed starts from scratch)',
        params: IdParams,
        body: WatchUpdate,
        response: { 200: ListeningWatchSchema, ...problems(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const actor = requireActor(request, 'listening:write');
      const row = await inTenant(app, actor, async (trx) => {
        await updateWatch(trx, env, listeningActor(request, actor), request.params.id, request.body);
        return findWatch(trx, request.params.id);
      });
      await kick(app, actor);
      return row;
    },
  );
  app.delete(
    '/listening/watches/:id',
    {
      schema: {
        tags: ['listening'],
        summary: 'Remove a watch (its mentions stay)',
        params: IdParams,
        response: { 204: NoContent, ...problems(401, 403, 404) },
      },
    },
    async (request, reply) => {
      const actor = requireActor(request, 'listening:write');
      await inTenant(app, actor, (trx) => removeWatch(trx, listeningActor(request, actor), request.params.id));
      // The pass unsubscribes its WebSub subscription and ends its stream.
      await kick(app, actor);
      return reply.status(204).send(null);
    },
  );
  app.post(
    '/listening/watches/:id/poll',
    {
      schema: {
        tags: ['listening'],
        summary: 'Poll a watch now; answers what was caught and added',
        params: IdParams,
        response: {
          200: Type.Object({ caught: Type.Integer(), added: Type.Integer(), error: Nullable(Type.String()) }),
          ...problems(401, 403, 404),
        },
      },
    },
    async (request) => {
      const actor = requireActor(request, 'listening:write');
      const exists = await inTenant(app, actor, (trx) => findWatch(trx, request.params.id));
      if (!exists) throw notFound('watch');
      return pollWatch((fn) => inTenant(app, actor, fn), env, actor.campaignId, request.params.id);
    },
  );

  // -- Mentions ---------------------------------------------------------------------------------
  app.get(
    '/listening/mentions',
    {
      schema: {
        tags: ['listening'],
        summary: 'The inbox: mentions, newest first (most urgent first in crisis mode)',
        querystring: ListeningMentionQuery,
        response: { 200: collection('mentions', ListeningMentionSchema), ...problems(400, 401, 403) },
      },
    },
    async (request) => {
      const actor = requireActor(request, 'listening:read');
      const { page, per_page, status, sentiment, urgency, theme, arrondissement, assigned, tag, q } = request.query;
      const { rows, total, totalIsLowerBound } = await inTenant(app, actor, async (trx) => {
        const state = await trx.selectFrom('listening_state').select('crisis_since').executeTakeFirst();
        return listMentions(
          trx,
          {
            status,
            sentiment,
            urgency,
            theme,
            arrondissement,
            tag,
            q,
            assignedTo: assigned === 'me' ? (actor.userId ?? undefined) : undefined,
          },
          { offset: (page - 1) * per_page, limit: per_page },
          Boolean(state?.crisis_since),
        );
      });
      const totalPages = Math.max(1, Math.ceil(total / per_page));
      return {
        total_records: total,
        ...(totalIsLowerBound ? { total_is_lower_bound: true } : {}),
        page,
        per_page,
        total_pages: totalPages,
        _links: pageLinks(app, request, page, totalPages),
        _embedded: { mentions: rows },
      };
    },
  );
  app.get(
    '/listening/mentions/:id',
    {
      schema: {
        tags: ['listening'],
        summary: 'A mention with its thread and the drafts answering it',
        params: IdParams,
        response: { 200: ListeningMentionDetailSchema, ...problems(401, 403, 404) },
      },
    },
    async (request) => {
      const actor = requireActor(request, 'listening:read');
      return inTenant(app, actor, async (trx) => {
        const mention = await findMention(trx, request.params.id);
        if (!mention) throw notFound('mention');
        const thread = (await threadOf(trx, mention.thread_key)).map((m) => ({ ...m, thread_size: 1 }));
        const drafts = await listDrafts(trx, undefined, mention.id);
        const { reply_ref: _ref, ...rest } = mention;
        return { ...rest, thread_size: thread.length, thread, drafts };
      });
    },
  );
  app.patch(
    '/listening/mentions/:id',
    {
      schema: {
        tags: ['listening'],
        summary: 'Assign, tag, mark handled (or new again)',
        params: IdParams,
        body: MentionUpdate,
        response: { 200: ListeningMentionSchema, ...problems(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const actor = requireActor(request, 'listening:write');
      return inTenant(app, actor, async (trx) => {
        await updateMention(trx, request.params.id, request.body);
        const row = await findMention(trx, request.params.id);
        if (!row) throw notFound('mention');
        const { reply_ref: _ref, ...rest } = row;
        return rest;
      });
    },
  );
  app.put(
    '/listening/mentions/:id/person',
    {
      schema: {
        tags: ['listening'],
        summary: "Link the mention's author to a person (null unlinks): a deliberate, audited act",
        params: IdParams,
        body: Type.Object({ person_id: Nullable(Uuid) }, { additionalProperties: false }),
        response: { 204: NoContent, ...problems(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      const actor = requireActor(request, 'listening:write');
      await inTenant(app, actor, (trx) => linkAuthor(trx, listeningActor(request, actor), request.params.id, request.body.person_id));
      return reply.status(204).send(null);
    },
  );

  // -- State and report -------------------------------------------------------------------------
  app.get(
    '/listening/state',
    {
      schema: {
        tags: ['listening'],
        summary: "The inbox's mode (crisis after a spike) and what waits",
        response: { 200: ListeningStateSchema, ...problems(401, 403) },
      },
    },
    async (request) => {
      const actor = requireActor(request, 'listening:read');
      return inTenant(app, actor, async (trx) => {
        const state = await trx.selectFrom('listening_state').selectAll().executeTakeFirst();
        const counts = await trx
          .selectNoFrom((eb) => [
            eb
              .selectFrom('listening_mention')
              .where('status', '=', 'new')
              .select((e) => e.fn.countAll<string>().as('n'))
              .as('new_mentions'),
            eb
              .selectFrom('listening_draft')
              .where('status', '=', 'pending_approval')
              .select((e) => e.fn.countAll<string>().as('n'))
              .as('pending'),
            eb
              .selectFrom('listening_account')
              .where('status', '=', 'disconnected')
              .select((e) => e.fn.countAll<string>().as('n'))
              .as('disconnected'),
          ])
          .executeTakeFirstOrThrow();
        return {
          crisis: Boolean(state?.crisis_since),
          crisis_since: state?.crisis_since ?? null,
          last_spike_at: state?.last_spike_at ?? null,
          alert_phones: state?.alert_phones ?? [],
          last_sms_alert_at: state?.last_sms_alert_at ?? null,
          new_mentions: Number(counts.new_mentions ?? 0),
          pending_approvals: Number(counts.pending ?? 0),
          disconnected_accounts: Number(counts.disconnected ?? 0),
          themes: Object.keys(THEMES),
        };
      });
    },
  );
  app.put(
    '/listening/state',
    {
      schema: {
        tags: ['listening'],
        summary: 'Switch crisis mode on or off',
        body: Type.Object({ crisis: Type.Boolean() }, { additionalProperties: false }),
        response: { 204: NoContent, ...problems(400, 401, 403) },
      },
    },
    async (request, reply) => {
      const actor = requireActor(request, 'listening:write');
      await inTenant(app, actor, async (trx) => {
        const at = request.body.crisis ? new Date() : null;
        await trx
          .insertInto('listening_state')
          .values({ campaign_id: actor.campaignId, crisis_since: at, last_spike_at: null })
          .onConflict((oc) =>
            oc.column('campaign_id').doUpdateSet({ crisis_since: at ? sql`coalesce(listening_state.crisis_since, ${at})` : null }),
          )
          .execute();
      });
      return reply.status(204).send(null);
    },
  );
  app.put(
    '/listening/alert_phones',
    {
      schema: {
        tags: ['listening'],
        summary: 'The numbers a spike alert is texted to (at any hour: a crisis alert ignores the sending hours)',
        body: Type.Object({ phones: Type.Array(Type.String({ maxLength: 30 }), { maxItems: 10 }) }, { additionalProperties: false }),
        response: { 200: Type.Object({ phones: Type.Array(Type.String()) }), ...problems(400, 401, 403) },
      },
    },
    async (request) => {
      const actor = requireActor(request, 'listening.accounts');
      const phones: string[] = [];
      for (const [i, raw] of request.body.phones.entries()) {
        const phone = normalizePhone(raw);
        if (!phone)
          throw new AppError('VALIDATION_FAILED', `"${raw}" is not a phone number.`, {
            errors: [{ location: 'body', pointer: `/phones/${i}`, message: 'not a phone number' }],
          });
        if (!phones.includes(phone)) phones.push(phone);
      }
      await inTenant(app, actor, (trx) =>
        trx
          .insertInto('listening_state')
          .values({ campaign_id: actor.campaignId, alert_phones: phones })
          .onConflict((oc) => oc.column('campaign_id').doUpdateSet({ alert_phones: phones }))
          .execute(),
      );
      return { phones };
    },
  );
  app.get(
    '/listening/report',
    {
      schema: {
        tags: ['listening'],
        summary:
          'Response times: mentions caught, handled, answered, and within the hour, by day and night (Paris time), per date and per week',
        querystring: Type.Object({ days: Type.Integer({ minimum: 1, maximum: 90, default: 7 }) }),
        response: { 200: ListeningReportSchema, ...problems(400, 401, 403) },
      },
    },
    async (request) => {
      const actor = requireActor(request, 'listening:read');
      const days = request.query.days;
      const since = new Date(Date.now() - days * 86_400_000);
      const report = await inTenant(app, actor, (trx) => responseReport(trx, since), { oneRead: true });
      return { days, ...report };
    },
  );

  // -- Key messages -----------------------------------------------------------------------------
  type KeyMessageRow = Awaited<ReturnType<typeof listKeyMessages>>[number];
  /** Key messages as the API shows them, each with the fact check it links to. */
  async function keyMessagesOut(trx: Trx, rows: KeyMessageRow[]) {
    const checks = await findFactchecks(trx, [...new Set(rows.flatMap((r) => (r.factcheck_id ? [r.factcheck_id] : [])))]);
    return rows.map(({ factcheck_id, campaign_id: _, ...row }) => {
      const check = factcheck_id ? checks.get(factcheck_id) : undefined;
      return {
        ...row,
        factcheck: check
          ? {
              id: check.id,
              claim: check.claim,
              verdict_fr: check.verdict_label_fr,
              verdict_en: check.verdict_label_en,
              status: check.status,
              url: publicUrlOf(app.deps.config.publicUrl, check),
            }
          : null,
      };
    });
  }
  async function keyMessageOut(trx: Trx, row: KeyMessageRow | undefined) {
    const [out] = await keyMessagesOut(trx, [must(row)]);
    return must(out);
  }
  app.get(
    '/listening/key_messages',
    {
      schema: {
        tags: ['listening'],
        summary: 'Approved answers and talking points, by theme',
        querystring: Type.Object({ theme: Type.Optional(Short(50)) }),
        response: { 200: collection('key_messages', ListeningKeyMessageSchema), ...problems(400, 401, 403) },
      },
    },
    async (request) => {
      const actor = requireActor(request, 'listening:read');
      const rows = await inTenant(app, actor, async (trx) => keyMessagesOut(trx, await listKeyMessages(trx, request.query.theme)));
      return { total_records: rows.length, _embedded: { key_messages: rows } };
    },
  );
  app.post(
    '/listening/key_messages',
    {
      schema: {
        tags: ['listening'],
        summary: 'Add a key message',
        body: KeyMessageInput,
        response: { 201: ListeningKeyMessageSchema, ...problems(400, 401, 403) },
      },
    },
    async (request, reply) => {
      const actor = requireActor(request, 'listening:write');
      const row = await inTenant(app, actor, async (trx) =>
        keyMessageOut(trx, await findKeyMessage(trx, await saveKeyMessage(trx, listeningActor(request, actor), null, request.body))),
      );
      return reply.status(201).send(row);
    },
  );
  app.put(
    '/listening/key_messages/:id',
    {
      schema: {
        tags: ['listening'],
        summary: 'Change a key message',
        params: IdParams,
        body: KeyMessageInput,
        response: { 200: ListeningKeyMessageSchema, ...problems(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const actor = requireActor(request, 'listening:write');
      return inTenant(app, actor, async (trx) =>
        keyMessageOut(
          trx,
          await findKeyMessage(trx, await saveKeyMessage(trx, listeningActor(request, actor), request.params.id, request.body)),
        ),
      );
    },
  );
  app.delete(
    '/listening/key_messages/:id',
    {
      schema: {
        tags: ['listening'],
        summary: 'Remove a key message',
        params: IdParams,
        response: { 204: NoContent, ...problems(401, 403, 404) },
      },
    },
    async (request, reply) => {
      const actor = requireActor(request, 'listening:write');
      await inTenant(app, actor, (trx) => removeKeyMessage(trx, listeningActor(request, actor), request.params.id));
      return reply.status(204).send(null);
    },
  );

  // -- Drafts -----------------------------------------------------------------------------------
  app.get(
    '/listening/drafts',
    {
      schema: {
        tags: ['listening'],
        summary: 'Replies and posts (status=pending_approval: the approval queue)',
        querystring: Type.Object({ status: Type.Optional(StringEnum(DRAFT_STATUSES)), mention_id: Type.Optional(Uuid) }),
        response: { 200: collection('drafts', ListeningDraftSchema), ...problems(400, 401, 403) },
      },
    },
    async (request) => {
      const actor = requireActor(request, 'listening:read');
      const rows = await inTenant(app, actor, (trx) => listDrafts(trx, request.query.status, request.query.mention_id));
      return { total_records: rows.length, _embedded: { drafts: rows } };
    },
  );
  app.post(
    '/listening/drafts',
    {
      schema: {
        tags: ['listening'],
        summary:
          "Write a reply or a post: on the candidate's account it waits for her approval, on the team's it is scheduled (now or at scheduled_at)",
        body: DraftInput,
        response: { 201: ListeningDraftSchema, ...problems(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      const actor = requireActor(request, 'listening:write');
      const row = await inTenant(app, actor, async (trx) =>
        findDraft(trx, await createDraft(trx, listeningActor(request, actor), request.body)),
      );
      if (row?.status === 'scheduled' && row.scheduled_at) await kick(app, actor, new Date(row.scheduled_at));
      if (row?.status === 'pending_approval') await notifyCandidates(app, actor, row);
      return reply.status(201).send(must(row));
    },
  );
  app.get(
    '/listening/drafts/:id',
    {
      schema: {
        tags: ['listening'],
        summary: 'One draft',
        params: IdParams,
        response: { 200: ListeningDraftSchema, ...problems(401, 403, 404) },
      },
    },
    async (request) => {
      const actor = requireActor(request, 'listening:read');
      const row = await inTenant(app, actor, (trx) => findDraft(trx, request.params.id));
      if (!row) throw notFound('draft');
      return row;
    },
  );
  app.put(
    '/listening/drafts/:id',
    {
      schema: {
        tags: ['listening'],
        summary: "Change a draft's text or time (on the candidate's account, back to her approval)",
        params: IdParams,
        body: DraftUpdate,
        response: { 200: ListeningDraftSchema, ...problems(400, 401, 403, 404, 409) },
      },
    },
    async (request) => {
      const actor = requireActor(request, 'listening:write');
      const row = await inTenant(app, actor, async (trx) => {
        await editDraft(trx, listeningActor(request, actor), request.params.id, request.body);
        return findDraft(trx, request.params.id);
      });
      if (row?.status === 'scheduled' && row.scheduled_at) await kick(app, actor, new Date(row.scheduled_at));
      if (row?.status === 'pending_approval') await notifyCandidates(app, actor, row);
      return row;
    },
  );
  app.delete(
    '/listening/drafts/:id',
    {
      schema: {
        tags: ['listening'],
        summary: 'Remove a draft not yet published',
        params: IdParams,
        response: { 204: NoContent, ...problems(401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      const actor = requireActor(request, 'listening:write');
      await inTenant(app, actor, (trx) => removeDraft(trx, listeningActor(request, actor), request.params.id));
      return reply.status(204).send(null);
    },
  );
  app.post(
    '/listening/drafts/:id/approve',
    {
      schema: {
        tags: ['listening'],
        summary: 'The candidate approves a draft (with her edit, if any): it is scheduled',
        params: IdParams,
        body: Type.Object({ text: Type.Optional(Type.String({ minLength: 1, maxLength: 5000 })) }, { additionalProperties: false }),
        response: { 200: ListeningDraftSchema, ...problems(400, 401, 403, 404, 409) },
      },
    },
    async (request) => {
      const actor = requireActor(request, 'listening:approve');
      const row = await inTenant(app, actor, async (trx) => {
        await approveDraft(trx, listeningActor(request, actor), request.params.id, request.body.text);
        return findDraft(trx, request.params.id);
      });
      if (row?.scheduled_at) await kick(app, actor, new Date(row.scheduled_at));
      return row;
    },
  );
  app.post(
    '/listening/drafts/:id/refuse',
    {
      schema: {
        tags: ['listening'],
        summary: 'The candidate refuses a draft',
        params: IdParams,
        body: Type.Object({ reason: Type.Optional(Type.String({ maxLength: 1000 })) }, { additionalProperties: false }),
        response: { 200: ListeningDraftSchema, ...problems(400, 401, 403, 404, 409) },
      },
    },
    async (request) => {
      const actor = requireActor(request, 'listening:approve');
      return inTenant(app, actor, async (trx) => {
        await refuseDraft(trx, listeningActor(request, actor), request.params.id, request.body.reason ?? '');
        return findDraft(trx, request.params.id);
      });
    },
  );
  app.post(
    '/listening/drafts/:id/publish',
    {
      schema: {
        tags: ['listening'],
        summary:
          "Publish a draft now through the network's API (refused without the candidate's approval on her account, and in an electoral silence)",
        params: IdParams,
        response: { 200: ListeningDraftSchema, ...problems(400, 401, 403, 404, 409) },
      },
    },
    async (request) => {
      const actor = requireActor(request, 'listening:publish');
      return inTenant(app, actor, async (trx) => {
        await publishDraft(trx, env, actor.campaignId, request.params.id, 'now', listeningActor(request, actor));
        return findDraft(trx, request.params.id);
      });
    },
  );
};
