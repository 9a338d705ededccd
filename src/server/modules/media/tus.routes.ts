// The tus 1.0.0 server of volunteer media (core, creation and termination extensions): a phone
// sends a photo or a video in PATCHes that a dropped connection does not lose — the bytes received
// are kept, HEAD tells where to resume. Our own small core rather than @tus/server: our auth
// (session, API token or one-time upload link), our problem+json errors with stable codes, and our
// file store (whole objects) for the finished original. Parts in progress are appended on local disk
// under DATA_DIR (media-parts/<campaign>/<id>); the janitor deletes those abandoned for 24 hours.
import { createWriteStream } from 'node:fs';
import { stat, truncate } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { fileTypeFromBuffer } from 'file-type';
import { Type } from 'typebox';
import { tenantRunnerOf, withTenant } from '../../db/database.ts';
import { byteLimit, FileTooLargeError, fileStoreOf } from '../../files/storage.ts';
import { requestLimits, requireActor } from '../../http/auth.ts';
import { AppError } from '../../http/problem.ts';
import { NoContent, problems } from '../../http/schemas.ts';
import { deriveMediaJob } from './media.process.ts';
import {
  activeUploadLink,
  completeUpload,
  createUpload,
  findUploadOf,
  MAX_VIDEO_BYTES,
  mediaKeys,
  partPathOf,
  terminateUpload,
  type Uploader,
  uploadRequestOf,
} from './media.service.ts';

export const TUS_VERSION = '1.0.0';
export const UPLOADS_PATH = '/media/uploads';
const OFFSET_TYPE = 'application/offset+octet-stream';
const MAX_POSTER_BYTES = 5 * 1024 * 1024;

const IdParams = Type.Object({ id: Type.String({ format: 'uuid' }) });
const TUS_HEADERS = 'Tus-Resumable: 1.0.0 (required on every request but OPTIONS; else 412 MEDIA_TUS_VERSION).';

/** The header's single value (a repeated header is refused as malformed). */
function headerOf(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  if (Array.isArray(value)) throw new AppError('MEDIA_UPLOAD_HEADER_INVALID', `${name} appears more than once.`);
  return value;
}

function checkVersion(request: FastifyRequest): void {
  if (headerOf(request, 'tus-resumable') !== TUS_VERSION) {
    throw new AppError('MEDIA_TUS_VERSION', `This server speaks tus ${TUS_VERSION}: send Tus-Resumable: ${TUS_VERSION}.`, {
      tus_version: TUS_VERSION,
    });
  }
}

/** Who is uploading: the Upload-Link header's link, else the session or token (media:write). */
export async function uploaderOf(app: FastifyInstance, request: FastifyRequest): Promise<Uploader> {
  const link = headerOf(request, 'upload-link');
  const ip = request.ip ?? null;
  if (link !== undefined) {
    const row = await activeUploadLink(app.deps.database.db, link.trim());
    return { campaignId: row.campaign_id, userId: null, tokenId: null, linkId: row.id, name: `Lien « ${row.label} »`, ip };
  }
  const actor = requireActor(request, 'media:write');
  let name = actor.label;
  if (actor.userId) {
    const user = await withTenant(
      app.deps.database.db,
      actor.campaignId,
      (trx) =>
        trx
          .selectFrom('staff_user')
          .select('display_name')
          .where('id', '=', actor.userId as string)
          .executeTakeFirst(),
      { oneRead: true },
    );
    name = user?.display_name || actor.label;
  }
  return { campaignId: actor.campaignId, userId: actor.userId, tokenId: actor.tokenId, linkId: null, name, ip };
}

/** One request at a time per upload in this process: a resumed PATCH waits for the cut one to end. */
const locks = new Map<string, Promise<unknown>>();
async function exclusive<T>(id: string, fn: () => Promise<T>): Promise<T> {
  const before = locks.get(id) ?? Promise.resolve();
  const run = before.catch(() => undefined).then(fn);
  const tail = run.catch(() => undefined);
  locks.set(id, tail);
  try {
    return await run;
  } finally {
    if (locks.get(id) === tail) locks.delete(id);
  }
}

export const tusRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const config = app.deps.config;
  const files = fileStoreOf(config);
  // The PATCH body is the file's bytes, read as a stream by the handler (never buffered whole).
  app.addContentTypeParser(OFFSET_TYPE, (_request, payload, done) => done(null, payload));
  // Every answer of the tus routes says the protocol's version, errors included.
  app.addHook('onSend', async (_request, reply, payload) => {
    reply.header('tus-resumable', TUS_VERSION);
    return payload;
  });
  const tenantOf = (uploader: Uploader) => tenantRunnerOf(app.deps.database.db, uploader.campaignId);
  const inUploaderTenant = <T>(uploader: Uploader, fn: Parameters<typeof withTenant<T>>[2]) =>
    withTenant(app.deps.database.db, uploader.campaignId, fn, requestLimits(app));

  app.options(
    UPLOADS_PATH,
    {
      schema: {
        tags: ['media'],
        summary: 'tus discovery: version, extensions (creation, termination) and the largest upload',
        response: { 204: NoContent },
      },
    },
    async (_request, reply) =>
      reply
        .status(204)
        .header('tus-version', TUS_VERSION)
        .header('tus-extension', 'creation,termination')
        .header('tus-max-size', String(MAX_VIDEO_BYTES))
        .send(null),
  );

  app.post(
    UPLOADS_PATH,
    {
      schema: {
        tags: ['media'],
        summary:
          'Create an upload (tus creation): Upload-Length, Upload-Metadata (filename, filetype, caption, identifiable, rights_confirmed)',
        description: `${TUS_HEADERS} Auth: session (with X-CSRF-Token), token with media:write, or Upload-Link: <token>. 201 with Location.`,
        response: { 201: NoContent, ...problems(400, 401, 403, 412, 413, 415) },
      },
    },
    async (request, reply) => {
      checkVersion(request);
      const uploader = await uploaderOf(app, request);
      const input = uploadRequestOf(headerOf(request, 'upload-length'), headerOf(request, 'upload-metadata'));
      const id = await inUploaderTenant(uploader, (trx) => createUpload(trx, config.dataDir, uploader, input));
      return reply.status(201).header('location', `/api/v1${UPLOADS_PATH}/${id}`).header('upload-offset', '0').send(null);
    },
  );

  app.head(
    `${UPLOADS_PATH}/:id`,
    {
      schema: {
        tags: ['media'],
        summary: 'Where an upload stands (tus): Upload-Offset and Upload-Length, to resume after a cut',
        description: TUS_HEADERS,
        params: IdParams,
        response: { 200: NoContent, ...problems(400, 401, 403, 404, 412) },
      },
    },
    async (request, reply) => {
      checkVersion(request);
      const uploader = await uploaderOf(app, request);
      const row = await exclusive(request.params.id, () =>
        inUploaderTenant(uploader, (trx) => findUploadOf(trx, uploader, request.params.id)),
      );
      const offset = row.status === 'uploading' ? row.upload_offset : row.upload_length;
      return reply
        .status(200)
        .header('upload-offset', String(offset))
        .header('upload-length', String(row.upload_length))
        .header('cache-control', 'no-store')
        .send(null);
    },
  );

  app.patch(
    `${UPLOADS_PATH}/:id`,
    {
      schema: {
        tags: ['media'],
        summary: 'Send bytes of an upload at Upload-Offset (tus); the last one has the file judged by its content',
        description: `${TUS_HEADERS} Content-Type: application/offset+octet-stream. 409 MEDIA_UPLOAD_OFFSET_MISMATCH when the offset is not the upload's.`,
        params: IdParams,
        response: { 204: NoContent, ...problems(400, 401, 403, 404, 409, 412, 413, 415) },
      },
    },
    async (request, reply) => {
      checkVersion(request);
      const uploader = await uploaderOf(app, request);
      const type = (headerOf(request, 'content-type') ?? '').split(';')[0]?.trim().toLowerCase();
      if (type !== OFFSET_TYPE) throw new AppError('MEDIA_UPLOAD_CONTENT_TYPE', `A PATCH carries Content-Type: ${OFFSET_TYPE}.`);
      const offsetHeader = headerOf(request, 'upload-offset');
      if (offsetHeader === undefined || !/^\d{1,15}$/.test(offsetHeader)) {
        throw new AppError('MEDIA_UPLOAD_HEADER_INVALID', 'Upload-Offset must be a non-negative integer.');
      }
      const sentOffset = Number(offsetHeader);
      const body = request.body as Readable;
      const id = request.params.id;
      const newOffset = await exclusive(id, async () => {
        const row = await inUploaderTenant(uploader, (trx) => findUploadOf(trx, uploader, id));
        const length = Number(row.upload_length);
        const offset = row.status === 'uploading' ? Number(row.upload_offset) : length;
        if (sentOffset !== offset) {
          reply.header('upload-offset', String(offset));
          throw new AppError('MEDIA_UPLOAD_OFFSET_MISMATCH', `The upload is at offset ${offset}: resume from there.`, {
            upload_offset: offset,
          });
        }
        if (row.status !== 'uploading') return offset;
        const remaining = length - offset;
        const declared = headerOf(request, 'content-length');
        if (declared !== undefined && /^\d+$/.test(declared) && Number(declared) > remaining) {
          throw new AppError('MEDIA_UPLOAD_OVERFLOW', `Only ${remaining} bytes remain of this upload.`);
        }
        const part = partPathOf(config.dataDir, uploader.campaignId, id);
        const present = await stat(part).catch(() => null);
        if (!present) {
          await inUploaderTenant(uploader, (trx) => terminateUpload(trx, files, config.dataDir, row));
          throw new AppError('MEDIA_STATE', 'The bytes received so far were lost (server moved or restarted): start the upload again.');
        }
        // The part holds exactly the bytes the row counts (a crash between the write and the row's
        // update may have left more).
        if (present.size !== offset) await truncate(part, offset);
        let failure: unknown = null;
        try {
          await pipeline(body, byteLimit(remaining, { bytes: 0 }), createWriteStream(part, { flags: 'r+', start: offset }));
        } catch (error) {
          failure = error;
        }
        if (failure instanceof FileTooLargeError) {
          await truncate(part, offset);
          throw new AppError('MEDIA_UPLOAD_OVERFLOW', `Only ${remaining} bytes remain of this upload.`);
        }
        // A cut connection keeps what arrived: the client resumes from HEAD's offset.
        const reached = Math.min(length, (await stat(part)).size);
        await inUploaderTenant(uploader, (trx) =>
          trx.updateTable('media').set({ upload_offset: reached, updated_at: new Date() }).where('id', '=', id).execute(),
        );
        if (failure) throw failure;
        if (reached === length) {
          await completeUpload(tenantOf(uploader), { files, dataDir: config.dataDir, campaignId: uploader.campaignId, id, length });
          try {
            await app.deps.jobs.enqueue({ campaignId: uploader.campaignId, kind: deriveMediaJob.kind, params: { media_id: id } });
          } catch (error) {
            request.log.warn({ err: error, mediaId: id }, 'media: the derivatives could not be queued');
          }
        }
        return reached;
      });
      return reply.status(204).header('upload-offset', String(newOffset)).send(null);
    },
  );

  // The poster of a video (no ffmpeg here: the phone draws a frame on a canvas and sends it).
  app.addContentTypeParser(
    ['image/jpeg', 'image/png', 'image/webp'],
    { parseAs: 'buffer', bodyLimit: MAX_POSTER_BYTES },
    (_request, body, done) => done(null, body),
  );
  app.put(
    `${UPLOADS_PATH}/:id/poster`,
    {
      schema: {
        tags: ['media'],
        summary:
          "A video's poster image (JPEG, PNG or WebP, at most 5 MB), sent by its uploader before or after the video; otherwise a generic icon",
        description: 'Same credentials as the upload (session with X-CSRF-Token, token with media:write, or Upload-Link).',
        params: IdParams,
        response: { 204: NoContent, ...problems(400, 401, 403, 404, 409, 413, 415) },
      },
    },
    async (request, reply) => {
      const uploader = await uploaderOf(app, request);
      const body = request.body;
      if (!Buffer.isBuffer(body)) throw new AppError('MEDIA_POSTER_INVALID', 'Send the poster as image/jpeg, image/png or image/webp.');
      const found = await fileTypeFromBuffer(body);
      if (!found || !['image/jpeg', 'image/png', 'image/webp'].includes(found.mime)) {
        throw new AppError('MEDIA_POSTER_INVALID', 'The poster must be a JPEG, PNG or WebP image.');
      }
      const id = request.params.id;
      const row = await inUploaderTenant(uploader, (trx) => findUploadOf(trx, uploader, id));
      if (row.kind === 'photo' || (row.status !== 'uploading' && row.status !== 'pending')) {
        throw new AppError('MEDIA_STATE', 'A poster is for a video not yet moderated.');
      }
      await files.write(mediaKeys(uploader.campaignId, id).poster, [body]);
      await inUploaderTenant(uploader, (trx) =>
        trx.updateTable('media').set({ has_poster: true, updated_at: new Date() }).where('id', '=', id).execute(),
      );
      if (row.status === 'pending') {
        await app.deps.jobs
          .enqueue({ campaignId: uploader.campaignId, kind: deriveMediaJob.kind, params: { media_id: id } })
          .catch((error: unknown) => {
            request.log.warn({ err: error, mediaId: id }, 'media: the derivatives could not be queued again');
          });
      }
      return reply.status(204).send(null);
    },
  );

  app.delete(
    `${UPLOADS_PATH}/:id`,
    {
      schema: {
        tags: ['media'],
        summary: 'Abandon an upload (tus termination), or withdraw a sent file not yet moderated',
        description: TUS_HEADERS,
        params: IdParams,
        response: { 204: NoContent, ...problems(400, 401, 403, 404, 409, 412) },
      },
    },
    async (request, reply) => {
      checkVersion(request);
      const uploader = await uploaderOf(app, request);
      await exclusive(request.params.id, () =>
        inUploaderTenant(uploader, async (trx) => {
          const row = await findUploadOf(trx, uploader, request.params.id);
          await terminateUpload(trx, files, config.dataDir, row);
        }),
      );
      return reply.status(204).send(null);
    },
  );
};
