// The public short-link route /s/<code> of SMS: a code of the right form is looked up (outside
// row-level security: the code names no campaign, its row does), the click is pushed into the
// tracking writer (classified and written in batches as e-mail clicks are; no write in the
// request), and the answer is a 302 to the URL the code was made for. A code that is malformed,
// unknown or changed gets the tracking error page (400), never a redirect elsewhere.
import type { FastifyPluginAsync } from 'fastify';
import type { Db } from '../../db/database.ts';
import { uuidv7 } from '../../lib/ids.ts';
import { invalidLinkPage, trackingWriterOf } from '../messaging/index.ts';
import { SHORT_CODE } from './links.ts';

/** The link a short code names, found by the code alone (null when unknown, or — never seen — held by two campaigns). */
export async function findShortLink(db: Db, code: string) {
  const rows = await db
    .selectFrom('sms_link')
    .select(['campaign_id', 'message_id', 'link_index', 'url'])
    .where('code', '=', code)
    .limit(2)
    .execute();
  return rows.length === 1 ? (rows[0] ?? null) : null;
}

export const shortLinkRoutes: FastifyPluginAsync = async (app) => {
  app.get<{ Params: { code: string } }>('/s/:code', { schema: { hide: true } }, async (request, reply) => {
    const { code } = request.params;
    const link = SHORT_CODE.test(code) ? await findShortLink(app.deps.database.db, code) : null;
    if (!link) return invalidLinkPage(reply);
    trackingWriterOf(app.deps)?.push({
      id: uuidv7(),
      campaignId: link.campaign_id,
      recipientId: link.message_id,
      channel: 'sms',
      kind: 'click',
      linkIndex: link.link_index,
      linkUrl: link.url,
      userAgent: request.headers['user-agent'] ?? '',
      ip: request.ip ?? null,
      at: new Date(),
    });
    return reply.header('cache-control', 'no-store').header('referrer-policy', 'no-referrer').redirect(link.url, 302);
  });
};
