// Volunteer media's use cases: who is uploading (a member, an API token, a one-time upload link),
// an upload's creation from tus headers (caps, the rights checkbox), its completion (the bytes judged
// by file-type, the original moved to the file store under a private key, the derivatives queued),
// moderation (audited), captions, and upload links (tokens hashed at rest, expiry, files, revocation).
import { createReadStream } from 'node:fs';
import { mkdir, open, rm } from 'node:fs/promises';
import path from 'node:path';
import { fileTypeFromBuffer } from 'file-type';
import type { Db, TenantRunner, Trx } from '../../db/database.ts';
import type { MediaStatus } from '../../db/schema.ts';
import type { FileStore } from '../../files/storage.ts';
import { AppError, notFound } from '../../http/problem.ts';
import { uuidv7 } from '../../lib/ids.ts';
import { hashSecret, newSecret } from '../../lib/secrets.ts';
import { insertAuditEvents } from '../audit/index.ts';

/** Largest photo and video kept (bytes). */
export const MAX_PHOTO_BYTES = 25 * 1024 * 1024;
export const MAX_VIDEO_BYTES = 200 * 1024 * 1024;
/** An upload not finished after this long is abandoned: the janitor deletes its part and its row. */
export const ABANDONED_AFTER_MS = 24 * 3600_000;

export const MEDIA_STATUSES = ['pending', 'approved', 'hidden', 'refused'] as const;
export const MEDIA_DECISIONS = ['approve', 'hide', 'refuse'] as const;
export type MediaDecision = (typeof MEDIA_DECISIONS)[number];

/** What the bytes may be, by the MIME type file-type finds, with the kind and the type served. */
const ACCEPTED: Record<string, { kind: 'photo' | 'video'; type: string }> = {
  'image/jpeg': { kind: 'photo', type: 'image/jpeg' },
  'image/png': { kind: 'photo', type: 'image/png' },
  'image/webp': { kind: 'photo', type: 'image/webp' },
  'image/heic': { kind: 'photo', type: 'image/heic' },
  'image/heic-sequence': { kind: 'photo', type: 'image/heic' },
  'image/heif': { kind: 'photo', type: 'image/heif' },
  'image/heif-sequence': { kind: 'photo', type: 'image/heif' },
  'video/mp4': { kind: 'video', type: 'video/mp4' },
  'video/x-m4v': { kind: 'video', type: 'video/mp4' },
  'video/quicktime': { kind: 'video', type: 'video/quicktime' },
  'video/webm': { kind: 'video', type: 'video/webm' },
};

/** Who sends a file: a signed-in member, an API token (media:write), or a one-time upload link. */
export interface Uploader {
  campaignId: string;
  userId: string | null;
  tokenId: string | null;
  linkId: string | null;
  /** Shown to the staff (uploaded_by.name) and in the audit log. */
  name: string;
  ip: string | null;
}

/** Who moderates (a signed-in member or a token). */
export interface MediaActor {
  campaignId: string;
  userId: string | null;
  tokenId: string | null;
  label: string;
  name: string;
  ip: string | null;
}

export interface UploadRequest {
  length: number;
  filename: string;
  filetype: string;
  caption: string;
  identifiable: boolean;
  rightsConfirmed: boolean;
}

/** Where an upload's bytes wait until the last one arrives (local disk under DATA_DIR: tus appends). */
export function partPathOf(dataDir: string, campaignId: string, id: string): string {
  return path.join(dataDir, 'media-parts', campaignId, id);
}

/** The private key of a media's original, and of its derivatives, in the file store. */
export const mediaKeys = (campaignId: string, id: string) => {
  const base = `media/${campaignId}/${id}`;
  return { base, original: `${base}/original`, thumbnail: `${base}/thumbnail`, web: `${base}/web`, poster: `${base}/poster` };
};

/**
 * Upload-Metadata (tus): comma-separated `key base64value` pairs (the value may be absent). Null when
 * malformed: a key twice, an empty key, a value that is not base64, more than 4 KB.
 */
export function parseUploadMetadata(header: string | undefined): Map<string, string> | null {
  const out = new Map<string, string>();
  if (header === undefined || header.trim() === '') return out;
  if (header.length > 4096) return null;
  for (const pair of header.split(',')) {
    const parts = pair.trim().split(' ');
    const [key, value, ...rest] = parts;
    if (!key || rest.length > 0 || !/^[A-Za-z0-9_.-]{1,64}$/.test(key) || out.has(key)) return null;
    if (value !== undefined && !/^[A-Za-z0-9+/]*={0,2}$/.test(value)) return null;
    const decoded = value === undefined ? '' : Buffer.from(value, 'base64').toString('utf8');
    if (decoded.includes('\u0000') || decoded.includes('\uFFFD')) return null;
    out.set(key, decoded);
  }
  return out;
}

/** The upload's request from tus headers, or a problem naming the header at fault. */
export function uploadRequestOf(lengthHeader: string | undefined, metadataHeader: string | undefined): UploadRequest {
  if (lengthHeader === undefined) {
    throw new AppError('MEDIA_UPLOAD_HEADER_INVALID', 'Upload-Length is required (deferred lengths are not supported).');
  }
  if (!/^\d{1,15}$/.test(lengthHeader)) throw new AppError('MEDIA_UPLOAD_HEADER_INVALID', 'Upload-Length must be a non-negative integer.');
  const length = Number(lengthHeader);
  const meta = parseUploadMetadata(metadataHeader);
  if (!meta) throw new AppError('MEDIA_UPLOAD_HEADER_INVALID', 'Upload-Metadata must be comma-separated "key base64value" pairs.');
  if (length > MAX_VIDEO_BYTES) {
    throw new AppError('MEDIA_TOO_LARGE', `A file may be at most ${MAX_VIDEO_BYTES / 1024 / 1024} MB (videos).`, {
      max_bytes: MAX_VIDEO_BYTES,
    });
  }
  const filetype = (meta.get('filetype') ?? '').slice(0, 200);
  if (filetype.startsWith('image/') && length > MAX_PHOTO_BYTES) {
    throw new AppError('MEDIA_TOO_LARGE', `A photo may be at most ${MAX_PHOTO_BYTES / 1024 / 1024} MB.`, { max_bytes: MAX_PHOTO_BYTES });
  }
  if (length === 0) throw new AppError('MEDIA_TYPE_REFUSED', 'An empty file is neither a photo nor a video.');
  const identifiable = meta.get('identifiable') === '1';
  const rightsConfirmed = meta.get('rights_confirmed') === '1';
  if (identifiable && !rightsConfirmed) {
    throw new AppError(
      'MEDIA_RIGHTS_REQUIRED',
      'Identifiable people appear: confirm that they agreed to be published (rights_confirmed=1).',
    );
  }
  return {
    length,
    filename: (meta.get('filename') ?? '').slice(0, 255),
    filetype,
    caption: (meta.get('caption') ?? '').trim().slice(0, 1000),
    identifiable,
    rightsConfirmed,
  };
}

/** Records a new upload (status 'uploading') and makes its empty part; counts a link's file. */
export async function createUpload(trx: Trx, dataDir: string, uploader: Uploader, input: UploadRequest): Promise<string> {
  if (uploader.linkId) {
    const used = await trx
      .updateTable('media_upload_link')
      .set((eb) => ({ used: eb('used', '+', 1) }))
      .where('id', '=', uploader.linkId)
      .where('revoked_at', 'is', null)
      .where('expires_at', '>', new Date())
      .whereRef('used', '<', 'max_files')
      .returning('id')
      .executeTakeFirst();
    if (!used) throw new AppError('MEDIA_UPLOAD_LINK_USED_UP', 'This upload link has already sent all the files it allows.');
  }
  const id = uuidv7();
  await trx
    .insertInto('media')
    .values({
      campaign_id: uploader.campaignId,
      id,
      status: 'uploading',
      caption: input.caption,
      filename: input.filename,
      declared_type: input.filetype,
      upload_length: input.length,
      identifiable: input.identifiable,
      rights_confirmed: input.rightsConfirmed,
      uploaded_by_user_id: uploader.userId,
      uploaded_by_token_id: uploader.tokenId,
      upload_link_id: uploader.linkId,
      uploader_name: uploader.name,
    })
    .execute();
  const part = partPathOf(dataDir, uploader.campaignId, id);
  await mkdir(path.dirname(part), { recursive: true });
  await (await open(part, 'w')).close();
  return id;
}

/** An upload the uploader may continue: theirs (same member, token or link), any status. */
export async function findUploadOf(trx: Trx, uploader: Uploader, id: string) {
  const row = await trx.selectFrom('media').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('upload');
  const mine =
    (uploader.userId !== null && row.uploaded_by_user_id === uploader.userId) ||
    (uploader.tokenId !== null && row.uploaded_by_token_id === uploader.tokenId) ||
    (uploader.linkId !== null && row.upload_link_id === uploader.linkId);
  if (!mine) throw notFound('upload');
  return row;
}

/** What the first bytes say the file is, or a refusal. */
export async function judgeBytes(head: Uint8Array, length: number): Promise<{ kind: 'photo' | 'video'; type: string }> {
  const found = await fileTypeFromBuffer(head);
  const accepted = found ? ACCEPTED[found.mime] : undefined;
  if (!accepted) {
    throw new AppError(
      'MEDIA_TYPE_REFUSED',
      `The file's content is ${found ? found.mime : 'of no known type'}: only photos (JPEG, PNG, WebP, HEIC) and videos (MP4, QuickTime, WebM) are accepted.`,
      { detected_type: found?.mime ?? null },
    );
  }
  if (accepted.kind === 'photo' && length > MAX_PHOTO_BYTES) {
    throw new AppError('MEDIA_TOO_LARGE', `A photo may be at most ${MAX_PHOTO_BYTES / 1024 / 1024} MB.`, { max_bytes: MAX_PHOTO_BYTES });
  }
  return accepted;
}

/** Reads the first bytes of a part (what file-type needs). */
async function headOf(file: string, bytes = 4100): Promise<Uint8Array> {
  const handle = await open(file, 'r');
  try {
    const buffer = Buffer.alloc(bytes);
    const { bytesRead } = await handle.read(buffer, 0, bytes, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/**
 * The last byte arrived: the part is judged by its content; refused, it is deleted with its row
 * (the upload is over); accepted, it becomes the private original in the file store and the media
 * enters the moderation queue (its derivatives are made by the job the caller queues).
 */
export async function completeUpload(
  tenant: TenantRunner,
  options: {
    files: FileStore;
    dataDir: string;
    campaignId: string;
    id: string;
    length: number;
  },
): Promise<void> {
  const part = partPathOf(options.dataDir, options.campaignId, options.id);
  let judged: { kind: 'photo' | 'video'; type: string };
  try {
    judged = await judgeBytes(await headOf(part), options.length);
  } catch (error) {
    await tenant((trx) => trx.deleteFrom('media').where('id', '=', options.id).execute());
    await rm(part, { force: true });
    throw error;
  }
  const keys = mediaKeys(options.campaignId, options.id);
  await options.files.write(keys.original, createReadStream(part), { maxBytes: options.length });
  await tenant(async (trx) => {
    await trx
      .updateTable('media')
      .set({
        status: 'pending',
        kind: judged.kind,
        content_type: judged.type,
        uploaded_at: new Date(),
        updated_at: new Date(),
        processing: 'waiting',
      })
      .where('id', '=', options.id)
      .execute();
    const row = await trx
      .selectFrom('media')
      .select(['uploaded_by_user_id', 'uploaded_by_token_id', 'uploader_name'])
      .where('id', '=', options.id)
      .executeTakeFirst();
    await insertAuditEvents(trx, [
      {
        campaignId: options.campaignId,
        action: 'media.uploaded',
        actorUserId: row?.uploaded_by_user_id ?? null,
        actorTokenId: row?.uploaded_by_token_id ?? null,
        actorLabel: row?.uploader_name ?? '',
        targetType: 'media',
        targetId: options.id,
        ip: null,
        details: { kind: judged.kind, content_type: judged.type, bytes: options.length },
      },
    ]);
  });
  await rm(part, { force: true });
}

/** Deletes an upload in progress (tus termination) or a finished one of the uploader's still pending. */
export async function terminateUpload(
  trx: Trx,
  files: FileStore,
  dataDir: string,
  row: { campaign_id: string; id: string; status: MediaStatus; upload_link_id: string | null },
) {
  if (row.status !== 'uploading' && row.status !== 'pending') {
    throw new AppError('MEDIA_STATE', 'A moderated media cannot be withdrawn by its uploader.');
  }
  await trx.deleteFrom('media').where('id', '=', row.id).execute();
  if (row.upload_link_id && row.status === 'uploading') {
    // The link's file was not sent: it may send another.
    await trx
      .updateTable('media_upload_link')
      .set((eb) => ({ used: eb('used', '-', 1) }))
      .where('id', '=', row.upload_link_id)
      .where('used', '>', 0)
      .execute();
  }
  await rm(partPathOf(dataDir, row.campaign_id, row.id), { force: true });
  await files.deletePrefix(mediaKeys(row.campaign_id, row.id).base);
}

function audit(trx: Trx, actor: MediaActor, action: string, targetId: string | null, details: Record<string, unknown> = {}) {
  return insertAuditEvents(trx, [
    {
      campaignId: actor.campaignId,
      action,
      actorUserId: actor.userId,
      actorTokenId: actor.tokenId,
      actorLabel: actor.label,
      targetType: 'media',
      targetId,
      ip: actor.ip,
      details,
    },
  ]);
}

const DECIDED: Record<MediaDecision, MediaStatus> = { approve: 'approved', hide: 'hidden', refuse: 'refused' };

/** Approves (into the gallery), hides (out of it at once) or refuses a media; audited. */
export async function moderateMedia(trx: Trx, actor: MediaActor, id: string, decision: MediaDecision, reason: string | null) {
  const row = await trx
    .selectFrom('media')
    .select(['status', 'processing', 'processing_error'])
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst();
  if (!row || row.status === 'uploading') throw notFound('media');
  if (decision === 'approve' && row.processing !== 'ready') {
    throw new AppError(
      'MEDIA_NOT_READY',
      row.processing === 'unprocessable'
        ? `The published copies cannot be made: ${row.processing_error ?? 'unknown format'}`
        : 'The published copies are still being made; try again in a moment.',
    );
  }
  const status = DECIDED[decision];
  await trx
    .updateTable('media')
    .set({
      status,
      moderated_by_user_id: actor.userId,
      moderated_by_name: actor.name,
      moderated_at: new Date(),
      reason,
      updated_at: new Date(),
    })
    .where('id', '=', id)
    .execute();
  await audit(trx, actor, `media.${status}`, id, { from: row.status, reason });
}

/** Changes a media's caption (what the gallery shows under it); audited. */
export async function updateCaption(trx: Trx, actor: MediaActor, id: string, caption: string) {
  const done = await trx
    .updateTable('media')
    .set({ caption: caption.trim(), updated_at: new Date() })
    .where('id', '=', id)
    .where('status', '!=', 'uploading')
    .executeTakeFirst();
  if (Number(done.numUpdatedRows) === 0) throw notFound('media');
  await audit(trx, actor, 'media.caption_changed', id);
}

/** A new upload link; returns its row and its token (shown once, stored hashed). */
export async function createUploadLink(trx: Trx, actor: MediaActor, input: { label: string; expires_at: string; max_files: number }) {
  const expires = new Date(input.expires_at);
  if (Number.isNaN(expires.getTime()) || expires.getTime() <= Date.now()) {
    throw new AppError('VALIDATION_FAILED', 'expires_at must be a date-time in the future.');
  }
  if (expires.getTime() > Date.now() + 366 * 86_400_000) throw new AppError('VALIDATION_FAILED', 'An upload link lasts at most a year.');
  const token = newSecret('ml_', 24);
  const id = uuidv7();
  await trx
    .insertInto('media_upload_link')
    .values({
      campaign_id: actor.campaignId,
      id,
      label: input.label.trim(),
      token_hash: hashSecret(token).toString('hex'),
      expires_at: expires,
      max_files: input.max_files,
      created_by_user_id: actor.userId,
      created_by_label: actor.label,
    })
    .execute();
  await audit(trx, actor, 'media.upload_link_created', id, { label: input.label, max_files: input.max_files });
  return { id, token };
}

/** Revokes a link (its token no longer opens anything). */
export async function revokeUploadLink(trx: Trx, actor: MediaActor, id: string) {
  const done = await trx
    .updateTable('media_upload_link')
    .set({ revoked_at: new Date() })
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  if (Number(done.numUpdatedRows) === 0) {
    const exists = await trx.selectFrom('media_upload_link').select('id').where('id', '=', id).executeTakeFirst();
    if (!exists) throw notFound('upload link');
    return;
  }
  await audit(trx, actor, 'media.upload_link_revoked', id);
}

/**
 * The link a token opens (any campaign: the token is the only credential, looked up by its hash
 * like API tokens), or a refusal when it is unknown, expired or revoked.
 */
export async function activeUploadLink(db: Db, token: string) {
  if (!/^ml_[A-Za-z0-9_-]{20,64}$/.test(token)) throw new AppError('MEDIA_UPLOAD_LINK_INVALID', 'This upload link is not valid.');
  const row = await db
    .selectFrom('media_upload_link')
    .select(['campaign_id', 'id', 'label', 'expires_at', 'max_files', 'used', 'revoked_at'])
    .where('token_hash', '=', hashSecret(token).toString('hex'))
    .executeTakeFirst();
  if (!row || row.revoked_at || row.expires_at.getTime() <= Date.now()) {
    throw new AppError('MEDIA_UPLOAD_LINK_INVALID', 'This upload link is unknown, expired or revoked.');
  }
  return row;
}
