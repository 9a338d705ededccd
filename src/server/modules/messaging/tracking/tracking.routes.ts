// The public tracking routes: the open pixel /t/o/<token>.gif and the click redirect
// /t/c/<token>?u=<url>. Each checks its token's HMAC (for a click, over the link's URL too), pushes
// the hit into the process's HitWriter (no database work in the request) and answers: the pixel, or
// a 302 to the URL the token was signed for. A token that is not ours, or a URL not the one signed,
// gets an error page (400), never a redirect. Neither GET changes anything but the statistics.
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { uuidv7 } from '../../../lib/ids.ts';
import { escapeHtml } from '../merge-tags.ts';
import { readClickToken, readOpenToken } from './tokens.ts';
import { HitWriter } from './writer.ts';

/** A transparent 1×1 GIF. */
export const PIXEL = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');

const writers = new WeakMap<object, HitWriter>();

/** The HitWriter of an application (keyed by its deps): tests flush it, the bench reads it. */
export function trackingWriterOf(deps: object): HitWriter | undefined {
  return writers.get(deps);
}

/** The error page of a link that is not ours or was changed (400, never a redirect); the SMS short links answer it too. */
export function invalidLinkPage(reply: FastifyReply) {
  return reply
    .code(400)
    .type('text/html; charset=utf-8')
    .header('cache-control', 'no-store')
    .header('referrer-policy', 'no-referrer')
    .header('x-robots-tag', 'noindex')
    .send(
      `<!doctype html><html lang="fr"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="robots" content="noindex"><title>Lien non valide</title></head><body style="font-family:system-ui,sans-serif;max-width:36rem;margin:0 auto;padding:3rem 1.25rem"><h1>${escapeHtml('Lien non valide')}</h1><p>Ce lien n’est pas valide : il a peut-être été coupé ou modifié. Utilisez le lien complet du message reçu.</p></body></html>`,
    );
}

export const trackingRoutes: FastifyPluginAsync = async (app) => {
  const secret = app.deps.config.mailing.tokenSecret;
  const writer = new HitWriter(app.deps.database.db, { log: (message, error) => app.log.error({ err: error }, message) });
  writers.set(app.deps, writer);
  // Before the database closes (its own onClose runs after the routes'): nothing buffered is lost on a stop.
  app.addHook('onClose', async () => {
    await writer.close();
  });

  app.get<{ Params: { file: string } }>('/t/o/:file', { schema: { hide: true } }, async (request, reply) => {
    const token = request.params.file.endsWith('.gif') ? request.params.file.slice(0, -4) : request.params.file;
    const ids = readOpenToken(secret, token);
    if (!ids) return invalidLinkPage(reply);
    writer.push({
      id: uuidv7(),
      campaignId: ids.campaignId,
      recipientId: ids.recipientId,
      kind: 'open',
      linkIndex: null,
      linkUrl: null,
      userAgent: request.headers['user-agent'] ?? '',
      ip: request.ip ?? null,
      at: new Date(),
    });
    return reply
      .type('image/gif')
      .header('cache-control', 'no-store, no-cache, must-revalidate, private')
      .header('expires', '0')
      .send(PIXEL);
  });

  app.get<{ Params: { token: string }; Querystring: { u?: string } }>('/t/c/:token', { schema: { hide: true } }, async (request, reply) => {
    const url = typeof request.query.u === 'string' ? request.query.u : '';
    const ids = /^https?:\/\//i.test(url) ? readClickToken(secret, request.params.token, url) : null;
    if (!ids) return invalidLinkPage(reply);
    writer.push({
      id: uuidv7(),
      campaignId: ids.campaignId,
      recipientId: ids.recipientId,
      kind: 'click',
      linkIndex: ids.index,
      linkUrl: url.slice(0, 2000),
      userAgent: request.headers['user-agent'] ?? '',
      ip: request.ip ?? null,
      at: new Date(),
    });
    return reply.header('cache-control', 'no-store').header('referrer-policy', 'no-referrer').redirect(url, 302);
  });
};
