// Public votes' use cases. A ballot counts once its address is confirmed through a signed link (one
// ballot per address and vote); a confirmed voter may change their choice until the close when the
// vote allows it (the change counts once confirmed too). Each option keeps a running tally that a
// recount from the ballots must equal; the staff void suspicious ballots (audited). A voter enters
// the contact base only when they asked for news, and then with that consent recorded.
import { sql } from 'kysely';
import type { Trx } from '../../db/database.ts';
import { AppError } from '../../http/problem.ts';
import { uuidBytes, uuidOf, uuidv7 } from '../../lib/ids.ts';
import { hmacSha256, safeEqual } from '../../lib/secrets.ts';
import { insertAuditEvents } from '../audit/index.ts';
import { recordConsents } from '../consent/index.ts';
import { normalizeEmail } from '../people/index.ts';

/** How long a confirmation link is valid. */
export const BALLOT_LINK_TTL_MS = 48 * 3600_000;
/** At least this long between two links sent for one ballot, and at most this many. */
export const BALLOT_RESEND_MS = 5 * 60_000;
export const BALLOT_MAX_SENDS = 5;

export interface VoteActor {
  campaignId: string;
  userId: string | null;
  tokenId: string | null;
  label: string;
  ip: string | null;
}

export interface OptionInput {
  label: string;
  description?: string | undefined;
  image_url?: string | null | undefined;
}

export interface VoteInput {
  title: string;
  description?: string | undefined;
  slug?: string | undefined;
  results_visibility?: 'live' | 'after_close' | undefined;
  allow_change?: boolean | undefined;
  closes_at?: string | null | undefined;
  options: readonly OptionInput[];
}

// --- the link's token: campaign, ballot and expiry, with a 128-bit HMAC (the consent links' pattern).

/** The token of a ballot's confirmation link. */
export function ballotToken(secret: string, o: { campaignId: string; ballotId: string; expiresAt: Date }): string {
  const expiry = Buffer.alloc(4);
  expiry.writeUInt32BE(Math.floor(o.expiresAt.getTime() / 1000));
  const data = Buffer.concat([uuidBytes(o.campaignId), uuidBytes(o.ballotId), expiry]);
  const mac = hmacSha256(secret, Buffer.concat([Buffer.from('ballot:'), data])).subarray(0, 16);
  return Buffer.concat([data, mac]).toString('base64url');
}

/** What a ballot token names, or null when it is not one of ours. Expiry is the caller's to check. */
export function readBallotToken(secret: string, token: string): { campaignId: string; ballotId: string; expiresAt: Date } | null {
  if (!/^[A-Za-z0-9_-]{70}$/.test(token)) return null;
  const raw = Buffer.from(token, 'base64url');
  if (raw.length !== 52) return null;
  const data = raw.subarray(0, 36);
  const mac = hmacSha256(secret, Buffer.concat([Buffer.from('ballot:'), data])).subarray(0, 16);
  if (!safeEqual(mac.toString('hex'), raw.subarray(36).toString('hex'))) return null;
  return {
    campaignId: uuidOf(data.subarray(0, 16)),
    ballotId: uuidOf(data.subarray(16, 32)),
    expiresAt: new Date(data.readUInt32BE(32) * 1000),
  };
}

/** The network a ballot came from, for the counters: /24 for IPv4, /48 for IPv6. */
export function ipRangeOf(ip: string | null | undefined): string | null {
  if (!ip) return null;
  const v4 = ip.replace(/^::ffff:/, '');
  if (/^\d+\.\d+\.\d+\.\d+$/.test(v4)) return `${v4.split('.').slice(0, 3).join('.')}.0/24`;
  if (ip.includes(':')) {
    const [head = '', tail = ''] = ip.split('::');
    const left = head ? head.split(':') : [];
    const right = tail ? tail.split(':') : [];
    const groups = ip.includes('::') ? [...left, ...Array(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right] : left;
    return `${groups
      .slice(0, 3)
      .map((g) => (g || '0').toLowerCase())
      .join(':')}::/48`;
  }
  return null;
}

function slugOf(text: string): string {
  const slug = text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 80)
    .replace(/-+$/g, '');
  return slug || 'vote';
}

function checkImage(url: string | null | undefined): string | null {
  if (!url?.trim()) return null;
  const value = url.trim();
  if (value.startsWith('/') && !value.startsWith('//')) return value;
  try {
    const parsed = new URL(value);
    if (parsed.protocol === 'https:' || parsed.protocol === 'http:') return parsed.toString();
  } catch {}
  throw new AppError('VOTE_IMAGE_INVALID', 'An option image is an http(s) URL or a path of this site.');
}

function audit(trx: Trx, actor: VoteActor, action: string, targetId: string, details: Record<string, unknown> = {}) {
  return insertAuditEvents(trx, [
    {
      campaignId: actor.campaignId,
      action,
      actorUserId: actor.userId,
      actorTokenId: actor.tokenId,
      actorLabel: actor.label,
      targetType: 'public_vote',
      targetId,
      ip: actor.ip,
      details,
    },
  ]);
}

async function writeOptions(trx: Trx, campaignId: string, voteId: string, options: readonly OptionInput[]) {
  await trx.deleteFrom('public_vote_option').where('vote_id', '=', voteId).execute();
  await trx
    .insertInto('public_vote_option')
    .values(
      options.map((o, position) => ({
        campaign_id: campaignId,
        id: uuidv7(),
        vote_id: voteId,
        position,
        label: o.label.trim(),
        description: (o.description ?? '').trim(),
        image_url: checkImage(o.image_url),
      })),
    )
    .execute();
}

function closesAtOf(value: string | null | undefined): Date | null {
  if (!value) return null;
  const at = new Date(value);
  if (Number.isNaN(at.getTime())) throw new AppError('VOTE_DATE_INVALID', 'closes_at is not an instant.');
  return at;
}

/** Creates a vote (a draft) with its options. */
export async function createVote(trx: Trx, actor: VoteActor, input: VoteInput): Promise<string> {
  const id = uuidv7();
  const wanted = slugOf(input.slug ?? input.title);
  const taken = await trx.selectFrom('public_vote').select('id').where('slug', '=', wanted).executeTakeFirst();
  if (taken) throw new AppError('VOTE_SLUG_TAKEN', `Another vote has the address ${wanted}.`);
  await trx
    .insertInto('public_vote')
    .values({
      campaign_id: actor.campaignId,
      id,
      slug: wanted,
      title: input.title.trim(),
      description: (input.description ?? '').trim(),
      results_visibility: input.results_visibility ?? 'after_close',
      allow_change: input.allow_change ?? false,
      closes_at: closesAtOf(input.closes_at),
      created_by_label: actor.label,
    })
    .execute();
  await writeOptions(trx, actor.campaignId, id, input.options);
  await audit(trx, actor, 'votes.created', id, { slug: wanted });
  return id;
}

async function lockedVote(trx: Trx, id: string) {
  const vote = await trx.selectFrom('public_vote').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
  if (!vote) throw new AppError('NOT_FOUND', 'No such vote.');
  return vote;
}

/** Rewrites a draft vote and its options. */
export async function updateVote(trx: Trx, actor: VoteActor, id: string, input: VoteInput): Promise<void> {
  const vote = await lockedVote(trx, id);
  if (vote.status !== 'draft') throw new AppError('VOTE_STATE', 'Only a draft vote is changed: its ballots would no longer match.');
  const slug = slugOf(input.slug ?? vote.slug);
  const taken = await trx.selectFrom('public_vote').select('id').where('slug', '=', slug).where('id', '!=', id).executeTakeFirst();
  if (taken) throw new AppError('VOTE_SLUG_TAKEN', `Another vote has the address ${slug}.`);
  await trx
    .updateTable('public_vote')
    .set({
      slug,
      title: input.title.trim(),
      description: (input.description ?? '').trim(),
      results_visibility: input.results_visibility ?? vote.results_visibility,
      allow_change: input.allow_change ?? vote.allow_change,
      closes_at: closesAtOf(input.closes_at),
      updated_at: new Date(),
    })
    .where('id', '=', id)
    .execute();
  await writeOptions(trx, actor.campaignId, id, input.options);
  await audit(trx, actor, 'votes.updated', id);
}

/** Opens a draft vote, or closes an open one. */
export async function moveVote(trx: Trx, actor: VoteActor, id: string, step: 'open' | 'close'): Promise<void> {
  const vote = await lockedVote(trx, id);
  const now = new Date();
  if (step === 'open') {
    if (vote.status !== 'draft') throw new AppError('VOTE_STATE', 'Only a draft vote is opened.');
    if (vote.closes_at && vote.closes_at <= now) throw new AppError('VOTE_STATE', 'The closing time is past.');
    await trx.updateTable('public_vote').set({ status: 'open', opened_at: now, updated_at: now }).where('id', '=', id).execute();
  } else {
    if (vote.status !== 'open') throw new AppError('VOTE_STATE', 'Only an open vote is closed.');
    await trx.updateTable('public_vote').set({ status: 'closed', closed_at: now, updated_at: now }).where('id', '=', id).execute();
  }
  await audit(trx, actor, step === 'open' ? 'votes.opened' : 'votes.closed', id);
}

/** True while a vote takes ballots: open, and its closing time (if any) not passed. */
export function isOpen(vote: { status: string; closes_at: Date | null }, now = new Date()): boolean {
  return vote.status === 'open' && (vote.closes_at === null || vote.closes_at > now);
}

/** True when the results of a vote may be shown to the public. */
export function resultsPublic(vote: { status: string; closes_at: Date | null; results_visibility: string }): boolean {
  return vote.results_visibility === 'live' || !isOpen(vote);
}

export type CastOutcome =
  | { status: 'sent'; to: string; token: string; kind: 'confirm' | 'change' }
  | { status: 'quiet' }
  | { status: 'closed' };

/**
 * A ballot from the public form. The answer to the voter is the same whatever happens (no one
 * learns whether an address voted): a link to confirm is mailed when there is something to confirm.
 */
export async function castBallot(
  trx: Trx,
  o: {
    campaignId: string;
    voteId: string;
    optionId: string;
    email: string;
    wantsNews: boolean;
    ip: string | null;
    userAgent: string | null;
    secret: string;
  },
): Promise<CastOutcome> {
  const email = normalizeEmail(o.email);
  if (!email) throw new AppError('VOTE_EMAIL_INVALID', 'This is not an e-mail address.');
  const vote = await trx.selectFrom('public_vote').selectAll().where('id', '=', o.voteId).executeTakeFirst();
  if (!vote || !isOpen(vote)) return { status: 'closed' };
  const option = await trx
    .selectFrom('public_vote_option')
    .select('id')
    .where('vote_id', '=', o.voteId)
    .where('id', '=', o.optionId)
    .executeTakeFirst();
  if (!option) throw new AppError('VOTE_OPTION_UNKNOWN', 'This option is not one of the vote.');
  const now = new Date();
  // One ballot per address: a second cast from the same address goes to the same row.
  await trx
    .insertInto('public_vote_ballot')
    .values({
      campaign_id: o.campaignId,
      id: uuidv7(),
      vote_id: o.voteId,
      option_id: o.optionId,
      email,
      email_domain: email.split('@')[1] ?? '',
      ip_range: ipRangeOf(o.ip),
      user_agent: o.userAgent?.slice(0, 300) ?? null,
      wants_news: o.wantsNews,
    })
    .onConflict((oc) => oc.columns(['campaign_id', 'vote_id', 'email']).doNothing())
    .execute();
  const ballot = await trx
    .selectFrom('public_vote_ballot')
    .selectAll()
    .where('vote_id', '=', o.voteId)
    .where('email', '=', email)
    .forUpdate()
    .executeTakeFirstOrThrow();
  if (ballot.status === 'voided') return { status: 'quiet' };
  const maySend =
    ballot.send_count < BALLOT_MAX_SENDS && (!ballot.last_sent_at || now.getTime() - ballot.last_sent_at.getTime() >= BALLOT_RESEND_MS);
  let kind: 'confirm' | 'change' = 'confirm';
  if (ballot.status === 'pending') {
    // Not counted yet: the latest choice is the one the link confirms.
    await trx
      .updateTable('public_vote_ballot')
      .set({ option_id: o.optionId, wants_news: ballot.wants_news || o.wantsNews, updated_at: now })
      .where('id', '=', ballot.id)
      .execute();
  } else {
    if (!vote.allow_change || ballot.option_id === o.optionId) return { status: 'quiet' };
    kind = 'change';
    await trx
      .updateTable('public_vote_ballot')
      .set({ pending_option_id: o.optionId, updated_at: now })
      .where('id', '=', ballot.id)
      .execute();
  }
  if (!maySend) return { status: 'quiet' };
  await trx
    .updateTable('public_vote_ballot')
    .set({ send_count: sql`send_count + 1`, last_sent_at: now })
    .where('id', '=', ballot.id)
    .execute();
  const token = ballotToken(o.secret, {
    campaignId: o.campaignId,
    ballotId: ballot.id,
    expiresAt: new Date(now.getTime() + BALLOT_LINK_TTL_MS),
  });
  return { status: 'sent', to: email, token, kind };
}

export type ConfirmOutcome =
  | { status: 'gone' | 'expired' | 'closed' | 'voided' }
  | { status: 'confirmed' | 'changed' | 'already'; voteSlug: string; optionLabel: string };

async function tally(trx: Trx, optionId: string, delta: 1 | -1) {
  await trx
    .updateTable('public_vote_option')
    .set({ tally: sql`tally + ${delta}` })
    .where('id', '=', optionId)
    .execute();
}

/** The click on the link (POST): the ballot counts, or its change applies; the voter joins the base only if they asked for news. */
export async function confirmBallot(
  trx: Trx,
  ids: { campaignId: string; ballotId: string; expiresAt: Date },
  click: { ip: string | null; token: string },
): Promise<ConfirmOutcome> {
  const ballot = await trx.selectFrom('public_vote_ballot').selectAll().where('id', '=', ids.ballotId).forUpdate().executeTakeFirst();
  if (!ballot) return { status: 'gone' };
  const vote = await trx.selectFrom('public_vote').selectAll().where('id', '=', ballot.vote_id).forUpdate().executeTakeFirstOrThrow();
  const labelOf = async (optionId: string) =>
    (await trx.selectFrom('public_vote_option').select('label').where('id', '=', optionId).executeTakeFirstOrThrow()).label;
  if (ballot.status === 'voided') return { status: 'voided' };
  if (ballot.status === 'confirmed' && !ballot.pending_option_id)
    return { status: 'already', voteSlug: vote.slug, optionLabel: await labelOf(ballot.option_id) };
  if (ids.expiresAt.getTime() <= Date.now()) return { status: 'expired' };
  if (!isOpen(vote)) return { status: 'closed' };
  const now = new Date();
  if (ballot.status === 'pending') {
    await trx
      .updateTable('public_vote_ballot')
      .set({ status: 'confirmed', confirmed_at: now, updated_at: now })
      .where('id', '=', ballot.id)
      .execute();
    await tally(trx, ballot.option_id, 1);
    if (ballot.wants_news && !ballot.person_id) await joinBase(trx, { ...ballot, voteSlug: vote.slug }, click);
    return { status: 'confirmed', voteSlug: vote.slug, optionLabel: await labelOf(ballot.option_id) };
  }
  const next = ballot.pending_option_id as string;
  await trx
    .updateTable('public_vote_ballot')
    .set({ option_id: next, pending_option_id: null, updated_at: now })
    .where('id', '=', ballot.id)
    .execute();
  await tally(trx, ballot.option_id, -1);
  await tally(trx, next, 1);
  return { status: 'changed', voteSlug: vote.slug, optionLabel: await labelOf(next) };
}

/** A voter who asked for news: matched by address or created, with their e-mail consent recorded. */
async function joinBase(
  trx: Trx,
  ballot: { campaign_id: string; id: string; email: string; voteSlug: string },
  click: { ip: string | null; token: string },
) {
  const existing = await trx
    .selectFrom('person')
    .select('id')
    .where('email', '=', ballot.email)
    .where('merged_into', 'is', null)
    .where('anonymized_at', 'is', null)
    .executeTakeFirst();
  const personId = existing?.id ?? uuidv7();
  if (!existing)
    await trx
      .insertInto('person')
      .values({ campaign_id: ballot.campaign_id, id: personId, email: ballot.email, source: 'vote', ladder_stage: 'curious' })
      .execute();
  await recordConsents(trx, [
    {
      campaignId: ballot.campaign_id,
      personId,
      channel: 'email',
      status: 'given',
      source: 'form',
      proof: {
        form: `vote:${ballot.voteSlug}`,
        ip: click.ip,
        text_shown: 'Je souhaite recevoir les informations de la campagne par e-mail.',
        confirmed_by: 'link',
      },
    },
  ]);
  await trx.updateTable('public_vote_ballot').set({ person_id: personId }).where('id', '=', ballot.id).execute();
}

/** The counts of the ballots themselves (confirmed, not voided), by option. */
export async function recountFromBallots(trx: Trx, voteId: string): Promise<Map<string, number>> {
  const rows = await trx
    .selectFrom('public_vote_ballot')
    .select(['option_id', sql<string>`count(*)`.as('n')])
    .where('vote_id', '=', voteId)
    .where('status', '=', 'confirmed')
    .groupBy('option_id')
    .execute();
  return new Map(rows.map((r) => [r.option_id, Number(r.n)]));
}

/** Rewrites the running tallies from the ballots; returns the options whose tally was off (audited). */
export async function recountVote(trx: Trx, actor: VoteActor, voteId: string) {
  await lockedVote(trx, voteId);
  const counts = await recountFromBallots(trx, voteId);
  const options = await trx.selectFrom('public_vote_option').select(['id', 'tally']).where('vote_id', '=', voteId).forUpdate().execute();
  const fixed = options.filter((o) => o.tally !== (counts.get(o.id) ?? 0));
  for (const o of fixed)
    await trx
      .updateTable('public_vote_option')
      .set({ tally: counts.get(o.id) ?? 0 })
      .where('id', '=', o.id)
      .execute();
  await audit(trx, actor, 'votes.recounted', voteId, { options_fixed: fixed.length });
  return fixed.length;
}

export interface VoidCriteria {
  ballot_ids?: readonly string[] | undefined;
  ip_range?: string | undefined;
  email_domain?: string | undefined;
  reason: string;
}

/** Voids ballots matching the criteria (confirmed ones leave the tally); audited with the criteria and the count. */
export async function voidBallots(trx: Trx, actor: VoteActor, voteId: string, criteria: VoidCriteria): Promise<number> {
  await lockedVote(trx, voteId);
  if (!criteria.ballot_ids?.length && !criteria.ip_range && !criteria.email_domain)
    throw new AppError('VOTE_VOID_CRITERIA', 'Name the ballots to void: ids, an IP range or an e-mail domain.');
  let q = trx
    .selectFrom('public_vote_ballot')
    .select(['id', 'option_id', 'status'])
    .where('vote_id', '=', voteId)
    .where('status', '!=', 'voided');
  if (criteria.ballot_ids?.length) q = q.where('id', 'in', criteria.ballot_ids);
  if (criteria.ip_range) q = q.where('ip_range', '=', criteria.ip_range);
  if (criteria.email_domain) q = q.where('email_domain', '=', criteria.email_domain.toLowerCase());
  const ballots = await q.forUpdate().execute();
  if (ballots.length === 0) return 0;
  const now = new Date();
  await trx
    .updateTable('public_vote_ballot')
    .set({ status: 'voided', voided_at: now, void_reason: criteria.reason, pending_option_id: null, updated_at: now })
    .where(
      'id',
      'in',
      ballots.map((b) => b.id),
    )
    .execute();
  for (const b of ballots) if (b.status === 'confirmed') await tally(trx, b.option_id, -1);
  await audit(trx, actor, 'votes.ballots_voided', voteId, {
    count: ballots.length,
    reason: criteria.reason,
    ...(criteria.ip_range ? { ip_range: criteria.ip_range } : {}),
    ...(criteria.email_domain ? { email_domain: criteria.email_domain } : {}),
    ...(criteria.ballot_ids?.length ? { ballot_ids: criteria.ballot_ids.slice(0, 100) } : {}),
  });
  return ballots.length;
}

/** The anti-fraud counters: ballots by IP range, by e-mail domain and by hour, largest first. */
export async function fraudCounters(trx: Trx, voteId: string) {
  const by = async (column: 'ip_range' | 'email_domain') =>
    (
      await trx
        .selectFrom('public_vote_ballot')
        .select([
          sql<string>`coalesce(${sql.ref(column)}, '')`.as('key'),
          sql<string>`count(*)`.as('total'),
          sql<string>`count(*) filter (where status = 'confirmed')`.as('confirmed'),
          sql<string>`count(*) filter (where status = 'voided')`.as('voided'),
        ])
        .where('vote_id', '=', voteId)
        .groupBy(column)
        .orderBy(sql`count(*)`, 'desc')
        .limit(20)
        .execute()
    ).map((r) => ({ key: r.key, total: Number(r.total), confirmed: Number(r.confirmed), voided: Number(r.voided) }));
  const hours = await trx
    .selectFrom('public_vote_ballot')
    .select([
      sql<Date>`date_trunc('hour', created_at)`.as('hour'),
      sql<string>`count(*)`.as('total'),
      sql<string>`count(*) filter (where status = 'confirmed')`.as('confirmed'),
      sql<string>`count(*) filter (where status = 'voided')`.as('voided'),
    ])
    .where('vote_id', '=', voteId)
    .groupBy(sql`date_trunc('hour', created_at)`)
    .orderBy(sql`date_trunc('hour', created_at)`, 'desc')
    .limit(72)
    .execute();
  return {
    by_ip_range: await by('ip_range'),
    by_email_domain: await by('email_domain'),
    by_hour: hours.map((h) => ({
      hour: new Date(h.hour),
      total: Number(h.total),
      confirmed: Number(h.confirmed),
      voided: Number(h.voided),
    })),
  };
}
