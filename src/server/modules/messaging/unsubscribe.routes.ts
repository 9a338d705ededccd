// One-click unsubscribe (RFC 8058) at /u/<token>: POST, as mailbox providers send it (body
// `List-Unsubscribe=One-Click`, form-encoded or multipart) or as the confirmation page's button
// sends it, unsubscribes at once (suppression + consent-ledger line with the proof). GET never
// changes anything: it shows the page with the button, so a link scanner following the footer's link
// unsubscribes nobody. A token that is not ours gets an error page (4xx), never a redirect.
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { withTenant } from '../../db/database.ts';
import { escapeHtml } from './merge-tags.ts';
import { suppressAddress } from './suppression.ts';
import { readUnsubscribeToken } from './tokens.ts';

function page(reply: FastifyReply, status: number, title: string, body: string) {
  reply
    .code(status)
    .type('text/html; charset=utf-8')
    .header('cache-control', 'no-store')
    .header('referrer-policy', 'no-referrer')
    .header('x-robots-tag', 'noindex');
  return `<!doctype html>
<html lang="fr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${escapeHtml(title)}</title>
<style>
  body { font-family: system-ui, sans-serif; margin: 0; color: #1a1b1e; background: #f8f9fa; }
  main { max-width: 36rem; margin: 0 auto; padding: 3rem 1.25rem; }
  h1 { font-size: 1.75rem; }
  p { font-size: 1.125rem; line-height: 1.6; }
  button { font-size: 1.125rem; padding: .7rem 1.2rem; border: 0; border-radius: .4rem; background: #1c5fb8; color: #fff; cursor: pointer; }
  button:focus-visible { outline: 3px solid #f08c00; outline-offset: 2px; }
</style>
</head>
<body><main><h1>${escapeHtml(title)}</h1>${body}</main></body>
</html>`;
}

const INVALID = (reply: FastifyReply) =>
  page(
    reply,
    400,
    'Lien non valide',
    '<p>Ce lien de désinscription n’est pas valide : il a peut-être été coupé ou modifié. Utilisez le lien complet du message reçu.</p>',
  );

/** The recipient row of a token, with its campaign's name; null when the row no longer exists. */
async function recipientOf(request: FastifyRequest, campaignId: string, recipientId: string) {
  const db = request.server.deps.database.db;
  return withTenant(db, campaignId, (trx) =>
    trx
      .selectFrom('mailing_recipient as r')
      .innerJoin('campaign as c', 'c.id', 'r.campaign_id')
      .select(['r.id', 'r.email', 'r.person_id', 'r.mailing_id', 'c.name as campaign_name'])
      .where('r.campaign_id', '=', campaignId)
      .where('r.id', '=', recipientId)
      .executeTakeFirst(),
  );
}

/** The List-Unsubscribe field of a multipart/form-data body (RFC 8058 says SHOULD be multipart). */
function multipartField(body: string, name: string): string | undefined {
  const re = new RegExp(`name="${name}"\\r?\\n(?:[^\\r\\n]+\\r?\\n)*\\r?\\n([^\\r\\n]*)`, 'i');
  return re.exec(body)?.[1];
}

export const unsubscribeRoutes: FastifyPluginAsync = async (app) => {
  // Mailbox providers may post multipart/form-data; a few bytes, read as text in this scope only.
  app.addContentTypeParser('multipart/form-data', { parseAs: 'string', bodyLimit: 8192 }, (_request, body, done) => done(null, body));

  app.get<{ Params: { token: string } }>('/u/:token', { schema: { hide: true } }, async (request, reply) => {
    const ids = readUnsubscribeToken(app.deps.config.mailing.tokenSecret, request.params.token);
    if (!ids) return INVALID(reply);
    const row = await recipientOf(request, ids.campaignId, ids.recipientId);
    if (!row) return page(reply, 404, 'Lien expiré', '<p>Ce message n’existe plus dans nos envois.</p>');
    const suppressed = await withTenant(app.deps.database.db, ids.campaignId, (trx) =>
      trx
        .selectFrom('mail_suppression')
        .select('reason')
        .where('campaign_id', '=', ids.campaignId)
        .where('email', '=', row.email)
        .executeTakeFirst(),
    );
    if (suppressed) {
      return page(
        reply,
        200,
        'Vous êtes désinscrit·e',
        `<p>L’adresse ${escapeHtml(row.email)} ne reçoit plus les e-mails de ${escapeHtml(row.campaign_name)}.</p>`,
      );
    }
    return page(
      reply,
      200,
      'Se désinscrire',
      `<p>Ne plus recevoir les e-mails de ${escapeHtml(row.campaign_name)} à l’adresse ${escapeHtml(row.email)} ?</p>
<form method="post" action="/u/${escapeHtml(request.params.token)}"><input type="hidden" name="List-Unsubscribe" value="One-Click"><button type="submit">Me désinscrire</button></form>`,
    );
  });

  app.post<{ Params: { token: string } }>('/u/:token', { schema: { hide: true } }, async (request, reply) => {
    const ids = readUnsubscribeToken(app.deps.config.mailing.tokenSecret, request.params.token);
    if (!ids) return INVALID(reply);
    const body = request.body;
    const field =
      typeof body === 'string'
        ? multipartField(body, 'List-Unsubscribe')
        : (body as Record<string, unknown> | undefined)?.['List-Unsubscribe'];
    if (field !== 'One-Click') {
      return page(reply, 400, 'Demande incomplète', '<p>Pour vous désinscrire, utilisez le bouton de la page de désinscription.</p>');
    }
    const row = await recipientOf(request, ids.campaignId, ids.recipientId);
    if (!row) return page(reply, 404, 'Lien expiré', '<p>Ce message n’existe plus dans nos envois.</p>');
    await withTenant(app.deps.database.db, ids.campaignId, (trx) =>
      suppressAddress(trx, ids.campaignId, row.email, 'unsubscribed', {
        method: 'one_click',
        recipient_id: row.id,
        mailing_id: row.mailing_id,
        person_id: row.person_id,
        ip: request.ip ?? null,
        user_agent: request.headers['user-agent'] ?? null,
        at: new Date().toISOString(),
      }),
    );
    return page(
      reply,
      200,
      'Vous êtes désinscrit·e',
      `<p>L’adresse ${escapeHtml(row.email)} ne recevra plus les e-mails de ${escapeHtml(row.campaign_name)}.</p>`,
    );
  });
};
