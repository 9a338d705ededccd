// The local CLI channel: the embedded database allows one process, so while a server holds it,
// `relais import` goes through that server. On listen the server writes a random token to
// DATA_DIR/cli-token (mode 0600) and its port to DATA_DIR/server.json; a request carrying that
// token in X-Relais-CLI-Token, from loopback and not through a proxy, acts as an owner of the
// campaign named by X-Relais-Campaign (slug; the first campaign when absent). The channel only
// covers the routes of the plugins that accept it (the imports API, the people list's export, the
// sandbox, the messages and their reports for `relais mailing`). The files are written by the app (app.ts) on listen; routes opt in with
// acceptLocalCliRequests.
import { chmod, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { newSecret, safeEqual } from '../lib/secrets.ts';
import type { Actor } from './auth.ts';
import { AppError } from './problem.ts';

export const CLI_TOKEN_HEADER = 'x-relais-cli-token';
export const CLI_CAMPAIGN_HEADER = 'x-relais-campaign';

/** Tokens of the channels open in this process, by data directory. */
const openTokens = new Map<string, string>();

/** Where the channel's files live. */
export function localCliFiles(dataDir: string) {
  return { token: path.join(dataDir, 'cli-token'), server: path.join(dataDir, 'server.json') };
}

/** Opens the channel: a fresh token and the server's port, written for local CLI processes. */
export async function openLocalCliChannel(options: { dataDir: string; port: number }): Promise<{ token: string; close(): Promise<void> }> {
  const files = localCliFiles(options.dataDir);
  const token = newSecret('', 32);
  await writeFile(files.token, token, { mode: 0o600 });
  await chmod(files.token, 0o600);
  await writeFile(files.server, JSON.stringify({ port: options.port, pid: process.pid }));
  openTokens.set(options.dataDir, token);
  return {
    token,
    async close() {
      if (openTokens.get(options.dataDir) !== token) return;
      openTokens.delete(options.dataDir);
      const current = await readFile(files.token, 'utf8').catch(() => '');
      if (current === token) await Promise.all([rm(files.token, { force: true }), rm(files.server, { force: true })]);
    },
  };
}

/** The running server of a data directory as a CLI process finds it, or null. */
export async function findLocalServer(dataDir: string): Promise<{ port: number; pid: number; token: string } | null> {
  const files = localCliFiles(dataDir);
  try {
    const server = JSON.parse(await readFile(files.server, 'utf8')) as { port: number; pid: number };
    const token = (await readFile(files.token, 'utf8')).trim();
    return token && Number.isInteger(server.port) ? { port: server.port, pid: server.pid, token } : null;
  } catch {
    return null;
  }
}

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

/** The owner-level actor of a valid local CLI request (throws on a wrong token or a remote caller). */
async function localCliActor(app: FastifyInstance, request: FastifyRequest, sent: string): Promise<Actor> {
  const expected = openTokens.get(app.deps.config.dataDir);
  // The socket's own address: request.ip may come from X-Forwarded-For (trustProxy).
  const local = LOOPBACK.has(request.raw.socket?.remoteAddress ?? '');
  if (!expected || !local || request.headers['x-forwarded-for'] !== undefined || !safeEqual(sent, expected)) {
    throw new AppError('CLI_TOKEN_INVALID', 'The local CLI token is wrong, or the request does not come from this machine.');
  }
  const slug = request.headers[CLI_CAMPAIGN_HEADER];
  const { db } = app.deps.database;
  const campaign =
    typeof slug === 'string' && slug
      ? await db.selectFrom('campaign').select('id').where('slug', '=', slug).executeTakeFirst()
      : await db.selectFrom('campaign').select('id').orderBy('created_at').executeTakeFirst();
  if (!campaign) throw new AppError('NOT_FOUND', slug ? `No campaign "${slug}".` : 'No campaign yet.');
  return {
    kind: 'token',
    userId: null,
    tokenId: null,
    label: 'cli',
    campaignId: campaign.id,
    role: 'owner',
    permissions: new Set(app.actorDirectory.permissionsOf('owner')),
    scopes: null,
    rateLimitPerMinute: null,
    zoneScope: null,
    sessionId: null,
    csrfToken: null,
    locale: 'fr',
  };
}

/** Accepts the channel's requests in a plugin's scope: the actor of CLI-token requests (after the auth layer found none). */
export function acceptLocalCliRequests(app: FastifyInstance): void {
  app.addHook('onRequest', async (request) => {
    const sent = request.headers[CLI_TOKEN_HEADER];
    if (typeof sent !== 'string' || request.actor) return;
    request.actor = await localCliActor(app, request, sent);
  });
}

/** True for the actor of a local CLI request: the operator at the machine (no user, no token row). */
export function isLocalCliActor(actor: Actor | null): boolean {
  return actor?.kind === 'token' && actor.tokenId === null && actor.userId === null && actor.label === 'cli';
}

/** On the embedded database, the channel's files written on listen and removed on close (by app.ts, once). */
export function openLocalCliChannelOnListen(app: FastifyInstance): void {
  if (app.deps.database.kind !== 'pglite') return;
  let channel: Awaited<ReturnType<typeof openLocalCliChannel>> | null = null;
  app.addHook('onListen', async () => {
    const address = app.server.address();
    if (address && typeof address === 'object') {
      channel = await openLocalCliChannel({ dataDir: app.deps.config.dataDir, port: address.port });
    }
  });
  app.addHook('onClose', async () => {
    await channel?.close();
  });
}
