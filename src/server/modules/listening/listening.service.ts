// Use cases of listening: accounts (credentials sealed), watches, the inbox's triage and the
// deliberate link of an author to a person, key messages, and drafts with the candidate's approval
// and their publication (the approval rule and the electoral silence enforced here, whatever calls).
// Runs in the caller's tenant transaction; network calls that check an account run before it.
import { sql } from 'kysely';
import type { Trx } from '../../db/database.ts';
import { AppError, notFound } from '../../http/problem.ts';
import { uuidv7 } from '../../lib/ids.ts';
import { insertAuditEvents } from '../audit/index.ts';
import { checkElectoralSilence, electoralSilenceError, nextAllowedAt } from '../calendar/index.ts';
import { findFactchecks } from '../factchecks/index.ts';
import { allowListOf, checkTarget, TargetRefused } from '../webhooks/index.ts';
import { createSession, publishBluesky } from './adapters/bluesky.ts';
import { type CaughtItem, SourceError, type WatchQuery } from './adapters/common.ts';
import { publishMastodon, verifyMastodon } from './adapters/mastodon.ts';
import { publishX, verifyX, XCallError } from './adapters/x.ts';
import { type Credentials, credentialsAad, openCredentials, sealCredentials } from './crypto.ts';
import { isEmptyQuery, matchesQuery, normaliseQuery } from './query.ts';
import { triage } from './triage.ts';
import { recordXUsage } from './x-cost.ts';

/** Who acts, as the audit log records it, and whether she may approve the candidate's publications. */
export interface ListeningActor {
  campaignId: string;
  userId: string | null;
  tokenId: string | null;
  label: string;
  ip: string | null;
  canApprove: boolean;
  /** The actor's role is the candidate's (her own words on the team account are signed). */
  isCandidate: boolean;
}

/** What the module needs of the deployment's settings. */
export interface ListeningEnv {
  secretKey: Buffer | null;
  allowNetworks: readonly string[];
  /** The deployment's public URL (WebSub callbacks); push is off without it. */
  publicUrl?: string;
}

function audit(
  trx: Trx,
  actor: ListeningActor,
  action: string,
  targetType: string | null,
  targetId: string | null,
  details: Record<string, unknown>,
) {
  return insertAuditEvents(trx, [
    {
      campaignId: actor.campaignId,
      action,
      actorUserId: actor.userId,
      actorTokenId: actor.tokenId,
      actorLabel: actor.label,
      targetType,
      targetId,
      ip: actor.ip,
      details,
    },
  ]);
}

/** Refuses a URL the fetcher would refuse (scheme, credentials, private address). */
export async function assertReachable(url: string, env: ListeningEnv): Promise<void> {
  try {
    await checkTarget(url, { allow: allowListOf(env.allowNetworks) });
  } catch (error) {
    if (error instanceof TargetRefused) throw new AppError('LISTENING_URL_FORBIDDEN', error.message, { reason: error.reason });
    throw error;
  }
}

// ---------------------------------------------------------------------------------------------
// Accounts

export interface AccountInput {
  network: 'mastodon' | 'bluesky' | 'x';
  kind: 'candidate' | 'team';
  handle: string;
  base_url?: string | undefined;
  token?: string | undefined;
  password?: string | undefined;
  /** X: the OAuth 2.0 user context for posting (access and refresh tokens, the app's client id and secret). */
  user_token?: string | undefined;
  refresh_token?: string | undefined;
  client_id?: string | undefined;
  client_secret?: string | undefined;
}

/** X's billing settings as the API takes them: euros per post read and created, the month's cap in euros (null: none). */
export interface XCostSettings {
  price_per_post_read?: number | undefined;
  price_per_post_created?: number | undefined;
  monthly_cap?: number | null | undefined;
}

/** The settings as columns (micro-euros, cents). */
export function xCostColumns(settings: XCostSettings) {
  return {
    ...(settings.price_per_post_read !== undefined ? { x_read_price: Math.round(settings.price_per_post_read * 1_000_000) } : {}),
    ...(settings.price_per_post_created !== undefined ? { x_post_price: Math.round(settings.price_per_post_created * 1_000_000) } : {}),
    ...(settings.monthly_cap !== undefined
      ? { x_monthly_cap: settings.monthly_cap === null ? null : Math.round(settings.monthly_cap * 100) }
      : {}),
  };
}

const DEFAULT_BASE: Record<AccountInput['network'], string> = {
  mastodon: 'https://mastodon.social',
  bluesky: 'https://bsky.social',
  x: 'https://api.x.com',
};

/** Checks the credentials with the network (before any transaction); returns what to seal and the handle. */
export async function verifyAccount(
  env: ListeningEnv,
  input: AccountInput,
): Promise<{ baseUrl: string; handle: string; credentials: Credentials }> {
  if (!env.secretKey) throw new AppError('LISTENING_KEY_MISSING', 'LISTENING_SECRET_KEY is not set: social accounts cannot be connected.');
  const baseUrl = (input.base_url?.trim() || DEFAULT_BASE[input.network]).replace(/\/$/, '');
  await assertReachable(baseUrl, env);
  const handle = input.handle.trim().replace(/^@/, '');
  try {
    if (input.network === 'mastodon') {
      if (!input.token)
        throw new AppError('VALIDATION_FAILED', 'A Mastodon account needs an access token.', {
          errors: [{ location: 'body', pointer: '/token', message: 'required' }],
        });
      const acct = await verifyMastodon(baseUrl, input.token, env.allowNetworks);
      return { baseUrl, handle: acct || handle, credentials: { token: input.token } };
    }
    if (input.network === 'bluesky') {
      if (!input.password)
        throw new AppError('VALIDATION_FAILED', 'A Bluesky account needs an app password.', {
          errors: [{ location: 'body', pointer: '/password', message: 'required' }],
        });
      const credentials = await createSession({ baseUrl, handle, credentials: { password: input.password } }, env.allowNetworks);
      return { baseUrl, handle, credentials };
    }
    if (!input.token)
      throw new AppError('VALIDATION_FAILED', 'An X account needs the app’s bearer token (a paid key).', {
        errors: [{ location: 'body', pointer: '/token', message: 'required' }],
      });
    if (input.refresh_token && !input.client_id)
      throw new AppError('VALIDATION_FAILED', 'Refreshing the X user token needs the app’s client id.', {
        errors: [{ location: 'body', pointer: '/client_id', message: 'required' }],
      });
    const credentials: Credentials = {
      token: input.token,
      ...(input.user_token ? { userToken: input.user_token } : {}),
      ...(input.refresh_token ? { refreshToken: input.refresh_token } : {}),
      ...(input.client_id ? { clientId: input.client_id } : {}),
      ...(input.client_secret ? { clientSecret: input.client_secret } : {}),
    };
    // The user token (posting) is checked with GET /2/users/me; the bearer token's first search checks it.
    return { baseUrl, ...(await verifyX({ baseUrl, handle, credentials }, env.allowNetworks)) };
  } catch (error) {
    if (error instanceof AppError) throw error;
    if (error instanceof TargetRefused) throw new AppError('LISTENING_URL_FORBIDDEN', error.message, { reason: error.reason });
    throw new AppError('LISTENING_ACCOUNT_REFUSED', `The account could not be checked: ${(error as Error).message}`);
  }
}

export async function insertAccount(
  trx: Trx,
  env: ListeningEnv,
  actor: ListeningActor,
  input: {
    network: AccountInput['network'];
    kind: AccountInput['kind'];
    handle: string;
    baseUrl: string;
    credentials: Credentials;
    cost?: XCostSettings | undefined;
  },
): Promise<string> {
  const id = uuidv7();
  await trx
    .insertInto('listening_account')
    .values({
      campaign_id: actor.campaignId,
      id,
      network: input.network,
      kind: input.kind,
      handle: input.handle,
      base_url: input.baseUrl,
      credentials: sealCredentials(env.secretKey, credentialsAad(actor.campaignId, id), input.credentials),
      ...(input.network === 'x' && input.cost ? xCostColumns(input.cost) : {}),
    })
    .execute();
  await audit(trx, actor, 'listening.account_connected', 'listening_account', id, {
    network: input.network,
    kind: input.kind,
    handle: input.handle,
  });
  return id;
}

/** Replaces an account's credentials (a reconnection) or changes its kind. */
export async function updateAccount(
  trx: Trx,
  env: ListeningEnv,
  actor: ListeningActor,
  id: string,
  change: { kind?: AccountInput['kind'] | undefined; credentials?: Credentials | undefined; cost?: XCostSettings | undefined },
): Promise<void> {
  const row = await trx
    .selectFrom('listening_account')
    .select(['id', 'kind', 'network'])
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst();
  if (!row) throw notFound('account');
  const cost = row.network === 'x' && change.cost ? xCostColumns(change.cost) : {};
  await trx
    .updateTable('listening_account')
    .set({
      ...(change.kind ? { kind: change.kind } : {}),
      ...cost,
      ...(change.credentials
        ? {
            credentials: sealCredentials(env.secretKey, credentialsAad(actor.campaignId, id), change.credentials),
            status: 'connected',
            last_error: null,
          }
        : {}),
      updated_at: new Date(),
    })
    .where('id', '=', id)
    .execute();
  // New prices or cap: the account's watches paused by the cap are due again (the next poll judges).
  if (Object.keys(cost).length > 0)
    await trx
      .updateTable('listening_watch')
      .set({ next_poll_at: new Date() })
      .where('account_id', '=', id)
      .where('next_poll_at', '>', new Date())
      .execute();
  await audit(trx, actor, 'listening.account_updated', 'listening_account', id, {
    ...(change.kind ? { kind: change.kind } : {}),
    ...(Object.keys(cost).length > 0 ? { x_cost: change.cost } : {}),
    reconnected: change.credentials !== undefined,
  });
}

export async function removeAccount(trx: Trx, actor: ListeningActor, id: string): Promise<void> {
  const row = await trx.deleteFrom('listening_account').where('id', '=', id).returning(['handle', 'network']).executeTakeFirst();
  if (!row) throw notFound('account');
  await audit(trx, actor, 'listening.account_removed', 'listening_account', id, { handle: row.handle, network: row.network });
}

/** An account with its credentials opened (for adapters and publishers only). */
export async function accountWithCredentials(trx: Trx, env: ListeningEnv, campaignId: string, id: string) {
  const row = await trx.selectFrom('listening_account').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) return null;
  // Null when they cannot be opened (LISTENING_SECRET_KEY unset or changed): the account is then disconnected.
  let secrets: Credentials | null = null;
  try {
    secrets = openCredentials(env.secretKey, credentialsAad(campaignId, id), row.credentials);
  } catch {
    secrets = null;
  }
  return { ...row, secrets };
}

export async function storeCredentials(
  trx: Trx,
  env: ListeningEnv,
  campaignId: string,
  id: string,
  credentials: Credentials,
): Promise<void> {
  await trx
    .updateTable('listening_account')
    .set({
      credentials: sealCredentials(env.secretKey, credentialsAad(campaignId, id), credentials),
      status: 'connected',
      last_error: null,
      updated_at: new Date(),
    })
    .where('id', '=', id)
    .execute();
}

export async function markDisconnected(trx: Trx, id: string, reason: string): Promise<void> {
  await trx
    .updateTable('listening_account')
    .set({ status: 'disconnected', last_error: reason.slice(0, 500), updated_at: new Date() })
    .where('id', '=', id)
    .execute();
}

// ---------------------------------------------------------------------------------------------
// Watches

export interface WatchInput {
  name: string;
  source: 'rss' | 'mastodon' | 'bluesky' | 'x';
  feed_url?: string | null | undefined;
  account_id?: string | null | undefined;
  query: Partial<WatchQuery>;
  active?: boolean | undefined;
}

async function checkWatch(
  trx: Trx,
  env: ListeningEnv,
  input: WatchInput,
): Promise<{ query: WatchQuery; feedUrl: string | null; accountId: string | null }> {
  const query = normaliseQuery(input.query);
  if (isEmptyQuery(query)) throw new AppError('LISTENING_QUERY_EMPTY', 'A watch needs at least a phrase, a word, a hashtag or a mention.');
  if (input.source === 'rss') {
    const feedUrl = input.feed_url?.trim();
    if (!feedUrl) throw new AppError('LISTENING_WATCH_SOURCE_INVALID', 'An RSS or Atom watch needs the feed URL.');
    await assertReachable(feedUrl, env);
    return { query, feedUrl, accountId: null };
  }
  if (!input.account_id)
    throw new AppError(
      'LISTENING_WATCH_SOURCE_INVALID',
      `A ${input.source} watch searches with one of the campaign's ${input.source} accounts.`,
    );
  const account = await trx.selectFrom('listening_account').select(['network']).where('id', '=', input.account_id).executeTakeFirst();
  if (!account || account.network !== input.source)
    throw new AppError('LISTENING_WATCH_SOURCE_INVALID', `The account is not one of the campaign's ${input.source} accounts.`);
  return { query, feedUrl: null, accountId: input.account_id };
}

export async function createWatch(trx: Trx, env: ListeningEnv, actor: ListeningActor, input: WatchInput): Promise<string> {
  const checked = await checkWatch(trx, env, input);
  const id = uuidv7();
  await trx
    .insertInto('listening_watch')
    .values({
      campaign_id: actor.campaignId,
      id,
      name: input.name.trim() || 'Veille',
      source: input.source,
      feed_url: checked.feedUrl,
      account_id: checked.accountId,
      query: JSON.stringify(checked.query),
      active: input.active ?? true,
    })
    .execute();
  await audit(trx, actor, 'listening.watch_created', 'listening_watch', id, { name: input.name, source: input.source });
  return id;
}

export async function updateWatch(
  trx: Trx,
  env: ListeningEnv,
  actor: ListeningActor,
  id: string,
  input: Partial<WatchInput>,
): Promise<void> {
  const row = await trx.selectFrom('listening_watch').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
  if (!row) throw notFound('watch');
  const merged: WatchInput = {
    name: input.name ?? row.name,
    source: row.source,
    feed_url: input.feed_url !== undefined ? input.feed_url : row.feed_url,
    account_id: input.account_id !== undefined ? input.account_id : row.account_id,
    query: input.query ?? row.query,
  };
  const checked = await checkWatch(trx, env, merged);
  const sourceChanged = checked.feedUrl !== row.feed_url || JSON.stringify(checked.query) !== JSON.stringify(row.query);
  await trx
    .updateTable('listening_watch')
    .set({
      name: merged.name.trim() || row.name,
      feed_url: checked.feedUrl,
      account_id: checked.accountId,
      query: JSON.stringify(checked.query),
      ...(input.active !== undefined ? { active: input.active } : {}),
      // A changed query or feed starts from scratch: the old cursor would skip what now matches.
      ...(sourceChanged ? { cursor: '{}', next_poll_at: new Date(), failures: 0 } : {}),
    })
    .where('id', '=', id)
    .execute();
  await audit(trx, actor, 'listening.watch_updated', 'listening_watch', id, {
    name: merged.name,
    ...(input.active !== undefined ? { active: input.active } : {}),
  });
}

export async function removeWatch(trx: Trx, actor: ListeningActor, id: string): Promise<void> {
  const row = await trx.deleteFrom('listening_watch').where('id', '=', id).returning(['name']).executeTakeFirst();
  if (!row) throw notFound('watch');
  await audit(trx, actor, 'listening.watch_removed', 'listening_watch', id, { name: row.name });
}

// ---------------------------------------------------------------------------------------------
// Mentions

/** Matches, triages and stores caught items; one row per source and external id. Returns the new rows' count. */
export async function ingest(
  trx: Trx,
  campaignId: string,
  watch: { id: string; source: 'rss' | 'mastodon' | 'bluesky' | 'x'; query: WatchQuery },
  items: readonly CaughtItem[],
): Promise<number> {
  const matching = items.filter((i) => matchesQuery(watch.query, i.text, i.lang));
  if (matching.length === 0) return 0;
  // Threads: a reply joins its parent's thread when the parent was caught, else the parent's own.
  const parents = [...new Set(matching.map((i) => i.inReplyTo).filter((x): x is string => x !== null))];
  const known = new Map<string, string>();
  if (parents.length > 0) {
    const rows = await trx
      .selectFrom('listening_mention')
      .select(['external_id', 'thread_key'])
      .where('source', '=', watch.source)
      .where('external_id', 'in', parents)
      .execute();
    for (const r of rows) known.set(r.external_id, r.thread_key);
  }
  const seen = new Set<string>();
  const values = matching
    .filter((i) => !seen.has(i.externalId) && seen.add(i.externalId))
    .map((i) => {
      const t = triage(i.text, i.authorReach);
      return {
        campaign_id: campaignId,
        id: uuidv7(),
        watch_id: watch.id,
        source: watch.source,
        external_id: i.externalId,
        thread_key: i.inReplyTo ? (known.get(i.inReplyTo) ?? i.inReplyTo) : i.externalId,
        in_reply_to: i.inReplyTo,
        url: i.url,
        reply_ref: i.replyRef ? JSON.stringify(i.replyRef) : null,
        author_handle: i.authorHandle,
        author_name: i.authorName,
        author_reach: Math.max(0, Math.min(2_000_000_000, Math.round(i.authorReach))),
        text: i.text,
        lang: i.lang,
        published_at: Number.isNaN(i.publishedAt.getTime()) ? new Date() : i.publishedAt,
        sentiment: t.sentiment,
        urgency: t.urgency,
        arrondissement: t.arrondissement,
        theme: t.theme,
      };
    });
  let inserted = 0;
  for (let i = 0; i < values.length; i += 500) {
    const rows = await trx
      .insertInto('listening_mention')
      .values(values.slice(i, i + 500))
      .onConflict((oc) => oc.columns(['campaign_id', 'source', 'external_id']).doNothing())
      .returning('id')
      .execute();
    inserted += rows.length;
  }
  return inserted;
}

export async function updateMention(
  trx: Trx,
  id: string,
  change: { status?: 'new' | 'handled' | undefined; assigned_to?: string | null | undefined; tags?: string[] | undefined },
): Promise<void> {
  if (change.assigned_to) {
    const member = await trx.selectFrom('membership').select('user_id').where('user_id', '=', change.assigned_to).executeTakeFirst();
    if (!member)
      throw new AppError('VALIDATION_FAILED', 'Mentions are assigned to members of the campaign.', {
        errors: [{ location: 'body', pointer: '/assigned_to', message: 'not a member' }],
      });
  }
  const set = {
    ...(change.status ? { status: change.status, handled_at: change.status === 'handled' ? new Date() : null } : {}),
    ...(change.assigned_to !== undefined ? { assigned_to: change.assigned_to } : {}),
    ...(change.tags ? { tags: [...new Set(change.tags.map((t) => t.trim()).filter(Boolean))] } : {}),
  };
  // A change of nothing still says whether the mention exists (an UPDATE with no column is not SQL).
  const row =
    Object.keys(set).length === 0
      ? await trx.selectFrom('listening_mention').select('id').where('id', '=', id).executeTakeFirst()
      : await trx.updateTable('listening_mention').set(set).where('id', '=', id).returning('id').executeTakeFirst();
  if (!row) throw notFound('mention');
}

/** Links a mention's author to a person: a deliberate act, audited (no file on people who did not consent). */
export async function linkAuthor(trx: Trx, actor: ListeningActor, id: string, personId: string | null): Promise<void> {
  const mention = await trx
    .selectFrom('listening_mention')
    .select(['author_handle', 'source', 'person_id'])
    .where('id', '=', id)
    .executeTakeFirst();
  if (!mention) throw notFound('mention');
  if (personId) {
    const person = await trx.selectFrom('person').select('id').where('id', '=', personId).executeTakeFirst();
    if (!person) throw notFound('person');
  }
  // Every mention of that author on that source follows: one person per handle.
  await trx
    .updateTable('listening_mention')
    .set({ person_id: personId })
    .where('source', '=', mention.source)
    .where('author_handle', '=', mention.author_handle)
    .execute();
  await audit(trx, actor, personId ? 'listening.author_linked' : 'listening.author_unlinked', 'person', personId ?? mention.person_id, {
    source: mention.source,
    author: mention.author_handle,
  });
}

// ---------------------------------------------------------------------------------------------
// Key messages

export interface KeyMessageInput {
  theme: string;
  kind: 'answer' | 'talking_point';
  title: string;
  body: string;
  /** A fact check the message links to (left as it was when absent, unlinked with null). */
  factcheck_id?: string | null | undefined;
}

export async function saveKeyMessage(trx: Trx, actor: ListeningActor, id: string | null, input: KeyMessageInput): Promise<string> {
  const values = {
    theme: input.theme.trim(),
    kind: input.kind,
    title: input.title.trim(),
    body: input.body.trim(),
    ...(input.factcheck_id !== undefined ? { factcheck_id: input.factcheck_id } : {}),
  };
  if (!values.title || !values.body || !values.theme)
    throw new AppError('VALIDATION_FAILED', 'A key message needs a theme, a title and a text.', {
      errors: [{ location: 'body', pointer: '/body', message: 'empty' }],
    });
  if (input.factcheck_id && !(await findFactchecks(trx, [input.factcheck_id])).has(input.factcheck_id))
    throw new AppError('VALIDATION_FAILED', 'The fact check to link does not exist.', {
      errors: [{ location: 'body', pointer: '/factcheck_id', message: 'unknown' }],
    });
  if (id) {
    const row = await trx
      .updateTable('listening_key_message')
      .set({ ...values, updated_at: new Date() })
      .where('id', '=', id)
      .returning('id')
      .executeTakeFirst();
    if (!row) throw notFound('key message');
  } else {
    id = uuidv7();
    await trx
      .insertInto('listening_key_message')
      .values({ campaign_id: actor.campaignId, id, ...values })
      .execute();
  }
  await audit(trx, actor, 'listening.key_message_saved', 'listening_key_message', id, { title: values.title, theme: values.theme });
  return id;
}

export async function removeKeyMessage(trx: Trx, actor: ListeningActor, id: string): Promise<void> {
  const row = await trx.deleteFrom('listening_key_message').where('id', '=', id).returning('title').executeTakeFirst();
  if (!row) throw notFound('key message');
  await audit(trx, actor, 'listening.key_message_removed', 'listening_key_message', id, { title: row.title });
}

// ---------------------------------------------------------------------------------------------
// Drafts

export interface DraftInput {
  account_id: string;
  text: string;
  mention_id?: string | null | undefined;
  key_message_id?: string | null | undefined;
  scheduled_at?: string | null | undefined;
}

/** Initials of a display name ("Anne Hidalgo" → "AH"), signing what the candidate writes on the team's account. */
export function initialsOf(name: string): string {
  return name
    .split(/[\s-]+/)
    .filter(Boolean)
    .map((w) => w[0]?.toUpperCase() ?? '')
    .join('')
    .slice(0, 4);
}

async function staffName(trx: Trx, userId: string | null): Promise<string> {
  if (!userId) return '';
  const row = await trx.selectFrom('staff_user').select('display_name').where('id', '=', userId).executeTakeFirst();
  return row?.display_name ?? '';
}

/**
 * Writes a draft. On the candidate's own account it waits for her approval (unless she writes it
 * herself); on the team's account it is scheduled at once (now, or at `scheduled_at`), and what the
 * candidate writes there is signed with her initials.
 */
export async function createDraft(trx: Trx, actor: ListeningActor, input: DraftInput): Promise<string> {
  const account = await trx
    .selectFrom('listening_account')
    .select(['id', 'kind', 'network'])
    .where('id', '=', input.account_id)
    .executeTakeFirst();
  if (!account) throw notFound('account');
  if (input.mention_id && !(await trx.selectFrom('listening_mention').select('id').where('id', '=', input.mention_id).executeTakeFirst()))
    throw notFound('mention');
  if (
    input.key_message_id &&
    !(await trx.selectFrom('listening_key_message').select('id').where('id', '=', input.key_message_id).executeTakeFirst())
  )
    throw notFound('key message');
  let text = input.text.trim();
  if (!text)
    throw new AppError('VALIDATION_FAILED', 'The text is empty.', { errors: [{ location: 'body', pointer: '/text', message: 'empty' }] });
  if (account.kind === 'team' && actor.isCandidate) {
    const initials = initialsOf(await staffName(trx, actor.userId));
    if (initials && !text.endsWith(`— ${initials}`)) text = `${text} — ${initials}`;
  }
  const selfApproved = account.kind === 'candidate' && actor.canApprove;
  const status = account.kind === 'candidate' && !selfApproved ? 'pending_approval' : 'scheduled';
  const id = uuidv7();
  await trx
    .insertInto('listening_draft')
    .values({
      campaign_id: actor.campaignId,
      id,
      account_id: account.id,
      mention_id: input.mention_id ?? null,
      key_message_id: input.key_message_id ?? null,
      text,
      status,
      scheduled_at: input.scheduled_at ? new Date(input.scheduled_at) : status === 'scheduled' ? new Date() : null,
      approved_by: selfApproved ? actor.userId : null,
      approved_at: selfApproved ? new Date() : null,
      idempotency_key: uuidv7(),
      created_by: actor.userId,
    })
    .execute();
  await audit(
    trx,
    actor,
    status === 'pending_approval' ? 'listening.draft_submitted' : 'listening.draft_scheduled',
    'listening_draft',
    id,
    {
      account_kind: account.kind,
      text,
    },
  );
  return id;
}

async function lockDraft(trx: Trx, id: string) {
  const draft = await trx.selectFrom('listening_draft').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
  if (!draft) throw notFound('draft');
  const account = await trx
    .selectFrom('listening_account')
    .select(['id', 'kind', 'network'])
    .where('id', '=', draft.account_id)
    .executeTakeFirstOrThrow();
  return { draft, account };
}

function stateError(status: string, wanted: string): AppError {
  return new AppError('LISTENING_DRAFT_STATE', `The draft is ${status}: it cannot be ${wanted}.`, { draft_status: status });
}

/** Changes a draft's text or time; on the candidate's account an edit by someone else voids her approval. */
export async function editDraft(
  trx: Trx,
  actor: ListeningActor,
  id: string,
  change: { text?: string | undefined; scheduled_at?: string | null | undefined },
): Promise<void> {
  const { draft, account } = await lockDraft(trx, id);
  if (!['pending_approval', 'scheduled', 'held', 'failed', 'refused'].includes(draft.status)) throw stateError(draft.status, 'changed');
  const text = change.text?.trim() ?? draft.text;
  if (!text)
    throw new AppError('VALIDATION_FAILED', 'The text is empty.', { errors: [{ location: 'body', pointer: '/text', message: 'empty' }] });
  const needsApproval = account.kind === 'candidate' && !actor.canApprove;
  const status = needsApproval ? 'pending_approval' : draft.status === 'refused' || draft.status === 'failed' ? 'scheduled' : draft.status;
  const scheduledAt = change.scheduled_at !== undefined ? (change.scheduled_at ? new Date(change.scheduled_at) : null) : draft.scheduled_at;
  await trx
    .updateTable('listening_draft')
    .set({
      text,
      status,
      scheduled_at: status === 'scheduled' ? (scheduledAt ?? new Date()) : scheduledAt,
      ...(needsApproval
        ? { approved_by: null, approved_at: null }
        : account.kind === 'candidate'
          ? { approved_by: actor.userId, approved_at: new Date() }
          : {}),
      refused_reason: null,
      last_error: null,
      updated_at: new Date(),
    })
    .where('id', '=', id)
    .execute();
  await audit(trx, actor, 'listening.draft_edited', 'listening_draft', id, { text, status });
}

/** The candidate approves (possibly with her edit): the draft is scheduled (now, or at its time). */
export async function approveDraft(trx: Trx, actor: ListeningActor, id: string, edit?: string): Promise<void> {
  if (!actor.canApprove) throw new AppError('FORBIDDEN', 'Only the candidate approves what goes out on her account.');
  const { draft } = await lockDraft(trx, id);
  if (draft.status !== 'pending_approval') throw stateError(draft.status, 'approved');
  const text = edit?.trim() || draft.text;
  await trx
    .updateTable('listening_draft')
    .set({
      text,
      status: 'scheduled',
      approved_by: actor.userId,
      approved_at: new Date(),
      scheduled_at: draft.scheduled_at ?? new Date(),
      updated_at: new Date(),
    })
    .where('id', '=', id)
    .execute();
  await audit(trx, actor, 'listening.draft_approved', 'listening_draft', id, { edited: text !== draft.text, text });
}

export async function refuseDraft(trx: Trx, actor: ListeningActor, id: string, reason: string): Promise<void> {
  if (!actor.canApprove) throw new AppError('FORBIDDEN', 'Only the candidate approves what goes out on her account.');
  const { draft } = await lockDraft(trx, id);
  if (draft.status !== 'pending_approval') throw stateError(draft.status, 'refused');
  await trx
    .updateTable('listening_draft')
    .set({ status: 'refused', refused_reason: reason.trim() || null, updated_at: new Date() })
    .where('id', '=', id)
    .execute();
  await audit(trx, actor, 'listening.draft_refused', 'listening_draft', id, { reason: reason.trim() });
}

export async function removeDraft(trx: Trx, actor: ListeningActor, id: string): Promise<void> {
  const { draft } = await lockDraft(trx, id);
  if (draft.status === 'published') throw stateError(draft.status, 'removed');
  await trx.deleteFrom('listening_draft').where('id', '=', id).execute();
  await audit(trx, actor, 'listening.draft_removed', 'listening_draft', id, { text: draft.text });
}

export type PublishOutcome = 'published' | 'held' | 'failed' | 'not_due';

/**
 * Publishes a draft through its network's API, in the caller's transaction (the row locked: two
 * publishers never post it twice; Mastodon's Idempotency-Key covers a retry after a lost answer).
 * Refused without the candidate's approval on her account; inside an electoral silence, the API
 * (`mode: 'now'`) answers ELECTORAL_SILENCE while the scheduler holds the draft until the silence ends.
 */
export async function publishDraft(
  trx: Trx,
  env: ListeningEnv,
  campaignId: string,
  id: string,
  mode: 'now' | 'scheduled',
  by: ListeningActor | null = null,
  now = new Date(),
): Promise<PublishOutcome> {
  const actor: ListeningActor = by ?? {
    campaignId,
    userId: null,
    tokenId: null,
    label: 'Relais',
    ip: null,
    canApprove: false,
    isCandidate: false,
  };
  const { draft, account } = await lockDraft(trx, id);
  if (draft.status === 'pending_approval' || (account.kind === 'candidate' && !draft.approved_by))
    throw new AppError('LISTENING_APPROVAL_REQUIRED', "A publication on the candidate's own account needs her approval first.");
  if (draft.status !== 'scheduled' && draft.status !== 'held' && draft.status !== 'failed') {
    if (mode === 'scheduled') return 'not_due';
    throw stateError(draft.status, 'published');
  }
  if (mode === 'scheduled' && draft.scheduled_at && draft.scheduled_at > now) return 'not_due';
  const silence = await checkElectoralSilence(trx, campaignId, now);
  if (!silence.allowed) {
    if (mode === 'now') throw electoralSilenceError(silence);
    await trx
      .updateTable('listening_draft')
      .set({ status: 'held', scheduled_at: await nextAllowedAt(trx, campaignId, now), updated_at: new Date() })
      .where('id', '=', id)
      .execute();
    await audit(trx, actor, 'listening.draft_held', 'listening_draft', id, { silence_until: silence.until.toISOString() });
    return 'held';
  }
  const full = await accountWithCredentials(trx, env, campaignId, account.id);
  if (!full) throw notFound('account');
  if (!full.secrets) {
    const message = 'The credentials cannot be read (LISTENING_SECRET_KEY unset or changed): reconnect the account.';
    await markDisconnected(trx, full.id, message);
    await trx
      .updateTable('listening_draft')
      .set({ status: 'failed', last_error: message, updated_at: new Date() })
      .where('id', '=', id)
      .execute();
    await audit(trx, actor, 'listening.draft_failed', 'listening_draft', id, { error: message });
    return 'failed';
  }
  const secrets = full.secrets;
  const replyRef = draft.mention_id
    ? ((await trx.selectFrom('listening_mention').select('reply_ref').where('id', '=', draft.mention_id).executeTakeFirst())?.reply_ref ??
      null)
    : null;
  try {
    let result: { externalId: string; url: string | null };
    if (full.network === 'mastodon') {
      result = await publishMastodon(
        { baseUrl: full.base_url, credentials: secrets },
        { text: draft.text, inReplyTo: replyRef, idempotencyKey: draft.idempotency_key },
        env.allowNetworks,
      );
    } else if (full.network === 'bluesky') {
      const out = await publishBluesky(
        { baseUrl: full.base_url, handle: full.handle, credentials: secrets },
        { text: draft.text, inReplyTo: replyRef },
        env.allowNetworks,
      );
      if (out.credentials) await storeCredentials(trx, env, campaignId, full.id, out.credentials);
      result = out;
    } else {
      const out = await publishX(
        { baseUrl: full.base_url, handle: full.handle, credentials: secrets },
        { text: draft.text, inReplyTo: replyRef },
        env.allowNetworks,
      );
      if (out.credentials) await storeCredentials(trx, env, campaignId, full.id, out.credentials);
      await recordXUsage(trx, campaignId, full, { created: 1 }, now);
      result = out;
    }
    await trx
      .updateTable('listening_draft')
      .set({
        status: 'published',
        external_id: result.externalId,
        external_url: result.url,
        published_at: new Date(),
        last_error: null,
        updated_at: new Date(),
      })
      .where('id', '=', id)
      .execute();
    // Answering a mention handles it.
    if (draft.mention_id)
      await trx
        .updateTable('listening_mention')
        .set({ status: 'handled', handled_at: sql`coalesce(handled_at, now())` })
        .where('id', '=', draft.mention_id)
        .execute();
    await audit(trx, actor, 'listening.draft_published', 'listening_draft', id, {
      account: full.handle,
      network: full.network,
      external_url: result.url,
    });
    return 'published';
  } catch (error) {
    if (error instanceof AppError) throw error;
    const message = (error as Error).message.slice(0, 500);
    // X rotated its refresh token before failing: the new one is kept, or the account would be lost.
    if (error instanceof XCallError && error.credentials) await storeCredentials(trx, env, campaignId, full.id, error.credentials);
    if (error instanceof SourceError && error.disconnected) await markDisconnected(trx, full.id, message);
    await trx
      .updateTable('listening_draft')
      .set({ status: 'failed', last_error: message, updated_at: new Date() })
      .where('id', '=', id)
      .execute();
    await audit(trx, actor, 'listening.draft_failed', 'listening_draft', id, { error: message });
    return 'failed';
  }
}
