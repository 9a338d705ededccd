// Volunteer media's API beside the tus uploads: the collection (moderation queue by status, newest
// first, by cursor), one media, its caption, its moderation, its files (published copies for the
// staff and the uploader, the original for moderators only), what I sent (the field app), and the
// one-time upload links. Reading asks media:read, moderating media.moderate (staff sessions).
import { createReadStream } from 'node:fs';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Selectable } from 'kysely';
import { Type } from 'typebox';
import type { MediaTable } from '../../db/schema.ts';
import { fileStoreOf } from '../../files/storage.ts';
import { inTenant, requireActor, type TenantActor } from '../../http/auth.ts';
import { AppError, notFound } from '../../http/problem.ts';
import { DateTime, NoContent, Nullable, problems, StringEnum, Uuid } from '../../http/schemas.ts';
import {
  createUploadLink,
  MEDIA_DECISIONS,
  MEDIA_STATUSES,
  type MediaActor,
  mediaKeys,
  moderateMedia,
  revokeUploadLink,
  updateCaption,
} from './media.service.ts';
import { GALLERY_PATH } from './media.site.ts';

const Link = Type.Object({ href: Type.String() });
const Person = Type.Object({ name: Type.String() });

export const MediaSchema = Type.Object({
  id: Uuid,
  kind: StringEnum(['photo', 'video'] as const),
  status: StringEnum(MEDIA_STATUSES),
  caption: Type.String(),
  uploaded_by: Nullable(Person),
  uploaded_at: DateTime,
  width: Nullable(Type.Integer()),
  height: Nullable(Type.Integer()),
  duration_s: Nullable(Type.Number()),
  bytes: Type.Integer(),
  content_type: Type.String({ description: 'judged from the bytes (file-type), not the name' }),
  filename: Type.String(),
  identifiable: Type.Boolean(),
  rights_confirmed: Type.Boolean(),
  moderated_by: Nullable(Person),
  moderated_at: Nullable(DateTime),
  reason: Nullable(Type.String()),
  processing: StringEnum(['waiting', 'ready', 'unprocessable'] as const),
  processing_error: Nullable(Type.String({ description: 'why the published copies cannot be made (French)' })),
  public_url: Nullable(
    Type.String({ description: 'approved only: the absolute URL of the web copy on the site (what a mailing image block takes)' }),
  ),
  location_stripped: Type.Boolean({
    description: 'the published copies carry no position (photos always; MP4/QuickTime metadata boxes blanked; WebM as sent)',
  }),
  _links: Type.Object({
    self: Link,
    thumbnail: Link,
    web: Link,
    original: Link,
    gallery_thumbnail: Type.Optional(Link),
    gallery_web: Type.Optional(Link),
  }),
});

export const MediaPageSchema = Type.Object({
  total: Type.Integer(),
  _links: Type.Object({ self: Link, next: Type.Optional(Link) }),
  _embedded: Type.Object({ 'relais:media': Type.Array(MediaSchema) }),
});

export const UploadLinkSchema = Type.Object({
  id: Uuid,
  label: Type.String(),
  expires_at: DateTime,
  max_files: Type.Integer(),
  used: Type.Integer(),
  revoked_at: Nullable(DateTime),
  created_at: DateTime,
  active: Type.Boolean(),
  url: Nullable(Type.String({ description: 'the page /envoi/<token>: given once, at creation (the token is kept hashed)' })),
});

const ListQuery = Type.Object({
  status: Type.Optional(StringEnum(MEDIA_STATUSES)),
  cursor: Type.Optional(Type.String({ maxLength: 200 })),
  limit: Type.Integer({ minimum: 1, maximum: 100, default: 30 }),
});
const IdParams = Type.Object({ id: Uuid });
const FileParams = Type.Object({ id: Uuid, file: StringEnum(['thumbnail', 'web', 'original'] as const) });

type MediaRow = Selectable<MediaTable>;

/** The API shape of a media (links relative: images of the same origin). */
export function mediaOut(row: MediaRow, publicUrl = '') {
  const api = `/api/v1/media/${row.id}`;
  const gallery = `${GALLERY_PATH}/medias/${row.id}`;
  return {
    id: row.id,
    kind: row.kind ?? 'photo',
    status: row.status as (typeof MEDIA_STATUSES)[number],
    caption: row.caption,
    uploaded_by: row.uploader_name ? { name: row.uploader_name } : null,
    uploaded_at: row.uploaded_at ?? row.created_at,
    width: row.width,
    height: row.height,
    duration_s: row.duration_s,
    bytes: Number(row.upload_length),
    content_type: row.content_type ?? '',
    filename: row.filename,
    identifiable: row.identifiable,
    rights_confirmed: row.rights_confirmed,
    moderated_by: row.moderated_by_name ? { name: row.moderated_by_name } : null,
    moderated_at: row.moderated_at,
    reason: row.reason,
    processing: row.processing,
    processing_error: row.processing_error,
    location_stripped: row.location_stripped,
    public_url: row.status === 'approved' ? `${publicUrl}${gallery}/web` : null,
    _links: {
      self: { href: api },
      thumbnail: { href: `${api}/thumbnail` },
      web: { href: `${api}/web` },
      original: { href: `${api}/original` },
      ...(row.status === 'approved'
        ? { gallery_thumbnail: { href: `${gallery}/thumbnail` }, gallery_web: { href: `${gallery}/web` } }
        : {}),
    },
  };
}

/** A cursor: the last item's time and id (newest first). */
function encodeCursor(row: MediaRow): string {
  return Buffer.from(`${(row.uploaded_at ?? row.created_at).toISOString()}|${row.id}`).toString('base64url');
}
function decodeCursor(cursor: string): { at: Date; id: string } {
  const [at, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  const date = new Date(at ?? '');
  if (!id || !/^[0-9a-f-]{36}$/.test(id) || Number.isNaN(date.getTime()))
    throw new AppError('VALIDATION_FAILED', 'The cursor is not one this API gave.');
  return { at: date, id };
}

async function actorOf(request: FastifyRequest, actor: TenantActor): Promise<MediaActor> {
  return {
    campaignId: actor.campaignId,
    userId: actor.userId,
    tokenId: actor.tokenId,
    label: actor.label,
    name: actor.label,
    ip: request.ip ?? null,
  };
}

/**
 * Sends a stored file (a published copy or the original). A single byte range (`Range: bytes=a-b`)
 * is answered 206 on the folder backend — Safari plays a <video> only from a server that serves
 * ranges; the S3 backend sends the whole file (`Accept-Ranges: none`).
 */
export async function sendStored(
  request: FastifyRequest,
  reply: FastifyReply,
  files: ReturnType<typeof fileStoreOf>,
  key: string,
  type: string,
  cache: string,
) {
  const found = await files.stat(key);
  if (!found) throw notFound('file');
  reply.type(type).header('cache-control', cache);
  const ranged = request.server.deps.config.files.backend === 'folder';
  reply.header('accept-ranges', ranged ? 'bytes' : 'none');
  const asked = ranged ? /^bytes=(\d*)-(\d*)$/.exec(String(request.headers.range ?? '')) : null;
  if (asked && (asked[1] || asked[2])) {
    const size = found.size;
    // `a-b`, `a-` (to the end) or `-n` (the last n bytes).
    const start = asked[1] ? Number(asked[1]) : Math.max(0, size - Number(asked[2]));
    const end = asked[1] && asked[2] ? Math.min(Number(asked[2]), size - 1) : size - 1;
    // A range outside the file is ignored (RFC 9110 allows it): the whole file follows.
    if (start < size && start <= end) {
      const stream = await files.withLocalPath(key, async (local) => createReadStream(local, { start, end }));
      return reply
        .status(206)
        .header('content-range', `bytes ${start}-${end}/${size}`)
        .header('content-length', String(end - start + 1))
        .send(stream);
    }
  }
  return reply.header('content-length', String(found.size)).send(files.read(key));
}

/** The type a published copy is served as. */
export function publishedTypeOf(row: Pick<MediaRow, 'kind' | 'content_type'>, file: 'thumbnail' | 'web'): string {
  return file === 'web' && row.kind === 'video' ? (row.content_type ?? 'video/mp4') : 'image/jpeg';
}

export const mediaRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const files = fileStoreOf(app.deps.config);
  const withName = async (request: FastifyRequest, actor: TenantActor): Promise<MediaActor> => {
    const base = await actorOf(request, actor);
    if (!actor.userId) return base;
    const user = await inTenant(
      app,
      actor,
      (trx) =>
        trx
          .selectFrom('staff_user')
          .select('display_name')
          .where('id', '=', actor.userId as string)
          .executeTakeFirst(),
      { oneRead: true },
    );
    return { ...base, name: user?.display_name || actor.label };
  };
  const one = (actor: TenantActor, id: string) =>
    inTenant(app, actor, async (trx) => {
      const row = await trx.selectFrom('media').selectAll().where('id', '=', id).where('status', '!=', 'uploading').executeTakeFirst();
      if (!row) throw notFound('media');
      return mediaOut(row, app.deps.config.publicUrl);
    });

  app.get(
    '/media',
    {
      schema: {
        tags: ['media'],
        summary: 'Volunteer media, newest first: the moderation queue (status=pending), the gallery (approved), hidden, refused',
        querystring: ListQuery,
        response: { 200: MediaPageSchema, ...problems(400, 401, 403) },
      },
    },
    async (request) => {
      const actor = requireActor(request, 'media:read');
      const { status, cursor, limit } = request.query;
      const after = cursor ? decodeCursor(cursor) : null;
      return inTenant(app, actor, async (trx) => {
        let q = trx.selectFrom('media').where('status', '!=', 'uploading');
        if (status) q = q.where('status', '=', status);
        const total = Number((await q.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()).n);
        let page = q.selectAll();
        if (after) {
          page = page.where((eb) =>
            eb.or([eb('uploaded_at', '<', after.at), eb.and([eb('uploaded_at', '=', after.at), eb('id', '<', after.id)])]),
          );
        }
        const rows = await page
          .orderBy('uploaded_at', 'desc')
          .orderBy('id', 'desc')
          .limit(limit + 1)
          .execute();
        const shown = rows.slice(0, limit);
        const base = `/api/v1/media?${new URLSearchParams({ ...(status ? { status } : {}), limit: String(limit) })}`;
        const last = shown.at(-1);
        return {
          total,
          _links: {
            self: { href: cursor ? `${base}&cursor=${encodeURIComponent(cursor)}` : base },
            ...(rows.length > limit && last ? { next: { href: `${base}&cursor=${encodeCursor(last)}` } } : {}),
          },
          _embedded: { 'relais:media': shown.map((r) => mediaOut(r, app.deps.config.publicUrl)) },
        };
      });
    },
  );

  app.get(
    '/media/mine',
    {
      schema: {
        tags: ['media'],
        summary: 'What I sent (the field app), newest first, with where each stands',
        querystring: Type.Object({ limit: Type.Integer({ minimum: 1, maximum: 100, default: 50 }) }),
        response: { 200: MediaPageSchema, ...problems(400, 401, 403) },
      },
    },
    async (request) => {
      const actor = requireActor(request, 'media:write');
      return inTenant(app, actor, async (trx) => {
        let q = trx.selectFrom('media').where('status', '!=', 'uploading');
        q = actor.userId ? q.where('uploaded_by_user_id', '=', actor.userId) : q.where('uploaded_by_token_id', '=', actor.tokenId ?? '');
        const total = Number((await q.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()).n);
        const rows = await q.selectAll().orderBy('created_at', 'desc').limit(request.query.limit).execute();
        return {
          total,
          _links: { self: { href: '/api/v1/media/mine' } },
          _embedded: { 'relais:media': rows.map((r) => mediaOut(r, app.deps.config.publicUrl)) },
        };
      });
    },
  );

  app.get(
    '/media/:id',
    { schema: { tags: ['media'], summary: 'One media', params: IdParams, response: { 200: MediaSchema, ...problems(401, 403, 404) } } },
    async (request) => one(requireActor(request, 'media:read'), request.params.id),
  );

  app.patch(
    '/media/:id',
    {
      schema: {
        tags: ['media'],
        summary: "Change a media's caption",
        params: IdParams,
        body: Type.Object({ caption: Type.Optional(Type.String({ maxLength: 1000 })) }, { additionalProperties: false }),
        response: { 200: MediaSchema, ...problems(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const actor = requireActor(request, 'media.moderate');
      const { caption } = request.body;
      if (caption !== undefined) {
        const by = await withName(request, actor);
        await inTenant(app, actor, (trx) => updateCaption(trx, by, request.params.id, caption));
      }
      return one(actor, request.params.id);
    },
  );

  app.post(
    '/media/:id/moderation',
    {
      schema: {
        tags: ['media'],
        summary: 'Approve (into the public gallery), hide (out of it at once) or refuse a media; audited',
        params: IdParams,
        body: Type.Object(
          { decision: StringEnum(MEDIA_DECISIONS), reason: Type.Optional(Nullable(Type.String({ maxLength: 1000 }))) },
          { additionalProperties: false },
        ),
        response: { 200: MediaSchema, ...problems(400, 401, 403, 404, 409) },
      },
    },
    async (request) => {
      const actor = requireActor(request, 'media.moderate');
      const by = await withName(request, actor);
      const reason = request.body.reason?.trim() || null;
      await inTenant(app, actor, (trx) => moderateMedia(trx, by, request.params.id, request.body.decision, reason));
      return one(actor, request.params.id);
    },
  );

  app.get(
    '/media/:id/:file',
    {
      schema: {
        tags: ['media'],
        summary:
          'A media file: thumbnail (≈400 px) or web (≈1600 px) copy without metadata, or the original (moderators only, never public)',
        params: FileParams,
        response: { 200: Type.Unsafe({ description: 'the file' }), ...problems(401, 403, 404) },
      },
    },
    async (request, reply) => {
      const { id, file } = request.params;
      const actor = requireActor(request);
      const row = await inTenant(
        app,
        actor,
        (trx) => trx.selectFrom('media').selectAll().where('id', '=', id).where('status', '!=', 'uploading').executeTakeFirst(),
        { oneRead: true },
      );
      const mine =
        row &&
        ((actor.userId !== null && row.uploaded_by_user_id === actor.userId) ||
          (actor.tokenId !== null && row.uploaded_by_token_id === actor.tokenId));
      if (file === 'original') requireActor(request, 'media.moderate');
      else if (!mine) requireActor(request, 'media:read');
      if (!row) throw notFound('media');
      const keys = mediaKeys(row.campaign_id, row.id);
      if (file === 'original') {
        reply.header('content-disposition', `attachment; filename="${(row.filename || 'original').replace(/[^A-Za-z0-9._-]/g, '_')}"`);
        return sendStored(request, reply, files, keys.original, row.content_type ?? 'application/octet-stream', 'private, no-store');
      }
      if (row.processing !== 'ready') throw notFound('published copy (not made yet, or the format cannot be converted)');
      return sendStored(request, reply, files, keys[file], publishedTypeOf(row, file), 'private, max-age=300');
    },
  );

  const linkOut = (
    row: { id: string; label: string; expires_at: Date; max_files: number; used: number; revoked_at: Date | null; created_at: Date },
    url: string | null,
  ) => ({
    id: row.id,
    label: row.label,
    expires_at: row.expires_at,
    max_files: row.max_files,
    used: row.used,
    revoked_at: row.revoked_at,
    created_at: row.created_at,
    active: !row.revoked_at && row.expires_at.getTime() > Date.now() && row.used < row.max_files,
    url,
  });

  app.post(
    '/media/upload_links',
    {
      schema: {
        tags: ['media'],
        summary: 'Create a one-time upload link (/envoi/<token>, shown once): expiry, number of files',
        body: Type.Object(
          {
            label: Type.String({ minLength: 1, maxLength: 200 }),
            expires_at: Type.String({ format: 'date-time', maxLength: 40 }),
            max_files: Type.Integer({ minimum: 1, maximum: 1000 }),
          },
          { additionalProperties: false },
        ),
        response: { 201: UploadLinkSchema, ...problems(400, 401, 403) },
      },
    },
    async (request, reply) => {
      const actor = requireActor(request, 'media.moderate');
      const by = await withName(request, actor);
      const { id, token } = await inTenant(app, actor, (trx) => createUploadLink(trx, by, request.body));
      const row = await inTenant(app, actor, (trx) =>
        trx.selectFrom('media_upload_link').selectAll().where('id', '=', id).executeTakeFirstOrThrow(),
      );
      return reply.status(201).send(linkOut(row, `${app.deps.config.publicUrl}/envoi/${token}`));
    },
  );

  app.get(
    '/media/upload_links',
    {
      schema: {
        tags: ['media'],
        summary: 'The upload links, newest first (their tokens are not shown again)',
        response: {
          200: Type.Object({ _embedded: Type.Object({ 'relais:upload_links': Type.Array(UploadLinkSchema) }) }),
          ...problems(401, 403),
        },
      },
    },
    async (request) => {
      const actor = requireActor(request, 'media.moderate');
      const rows = await inTenant(
        app,
        actor,
        (trx) => trx.selectFrom('media_upload_link').selectAll().orderBy('created_at', 'desc').limit(500).execute(),
        { oneRead: true },
      );
      return { _embedded: { 'relais:upload_links': rows.map((r) => linkOut(r, null)) } };
    },
  );

  app.delete(
    '/media/upload_links/:id',
    {
      schema: {
        tags: ['media'],
        summary: 'Revoke an upload link (uploads it started are refused from then on)',
        params: IdParams,
        response: { 204: NoContent, ...problems(401, 403, 404) },
      },
    },
    async (request, reply) => {
      const actor = requireActor(request, 'media.moderate');
      const by = await withName(request, actor);
      await inTenant(app, actor, (trx) => revokeUploadLink(trx, by, request.params.id));
      return reply.status(204).send(null);
    },
  );
};
