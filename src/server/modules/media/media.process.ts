// The published copies of a media, made by a job once its original is stored. Photos: sharp applies
// the EXIF orientation (rotate()), then resizes to a thumbnail (≈400 px) and a web size (≈1600 px)
// as JPEG WITHOUT metadata — sharp writes none unless withMetadata/withExif is asked, so no EXIF and
// no GPS position leaves the server; the original stays private and untouched. HEIC/HEIF: sharp's
// prebuilt libvips carries libheif with the AV1 decoder only (no HEVC, patents), so an iPhone's HEIC
// does not decode: the original is kept and the media marked unprocessable with a message saying so.
// Videos (no ffmpeg on the server): the web copy of an MP4/QuickTime is the original with the
// metadata boxes of its movie (moov/udta, moov/meta and the tracks' — where phones write the place,
// `©xyz` and Apple's location keys) renamed `free` and blanked, same size, so no offset moves; a WebM is
// published as sent (its tags are not rewritten). Their thumbnail is the poster the phone sent (a
// frame drawn on a canvas) or a generic icon.
import { open } from 'node:fs/promises';
import sharp from 'sharp';
import { Type } from 'typebox';
import type { TenantRunner } from '../../db/database.ts';
import type { FileStore } from '../../files/storage.ts';
import { defineJob } from '../../jobs/queue.ts';
import { mediaKeys } from './media.service.ts';

/** Longest side of each published copy (px). */
export const THUMBNAIL_PX = 400;
export const WEB_PX = 1600;
/** Largest moov box read into memory to clean it (a phone's is a few hundred KB). */
const MAX_MOOV_BYTES = 64 * 1024 * 1024;

async function bufferOf(files: FileStore, key: string, max: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of files.read(key)) {
    size += (chunk as Buffer).length;
    if (size > max) throw new Error('file larger than expected');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** A JPEG of at most `px` on its longest side, oriented, without any metadata. */
export function publishedJpeg(input: Buffer, px: number): Promise<Buffer> {
  return sharp(input, { limitInputPixels: 100_000_000 })
    .rotate()
    .resize({ width: px, height: px, fit: 'inside', withoutEnlargement: true })
    .jpeg({ quality: 82, mozjpeg: true })
    .toBuffer();
}

const VIDEO_ICON = Buffer.from(
  `<svg xmlns="http://www.w3.org/2000/svg" width="640" height="360" viewBox="0 0 640 360"><rect width="640" height="360" fill="#1f2a44"/><circle cx="320" cy="180" r="70" fill="none" stroke="#fff" stroke-width="10"/><path d="M298 142v76l62-38z" fill="#fff"/></svg>`,
);

interface Box {
  type: string;
  start: number;
  size: number;
  header: number;
}

/** The boxes of an ISO BMFF buffer between `from` and `to`. */
function boxesIn(buffer: Buffer, from: number, to: number): Box[] {
  const out: Box[] = [];
  let at = from;
  while (at + 8 <= to) {
    let size = buffer.readUInt32BE(at);
    let header = 8;
    if (size === 1) {
      if (at + 16 > to) break;
      size = Number(buffer.readBigUInt64BE(at + 8));
      header = 16;
    } else if (size === 0) size = to - at;
    if (size < header || at + size > to) break;
    out.push({ type: buffer.toString('latin1', at + 4, at + 8), start: at, size, header });
    at += size;
  }
  return out;
}

/** Where the movie box of an MP4/QuickTime file is (top-level boxes walked by their headers). */
async function findMoov(file: string): Promise<{ start: number; size: number } | null> {
  const handle = await open(file, 'r');
  try {
    const { size: total } = await handle.stat();
    const head = Buffer.alloc(16);
    let at = 0;
    while (at + 8 <= total) {
      await handle.read(head, 0, 16, at);
      let size = head.readUInt32BE(0);
      if (size === 1) size = Number(head.readBigUInt64BE(8));
      else if (size === 0) size = total - at;
      if (size < 8) return null;
      if (head.toString('latin1', 4, 8) === 'moov') return { start: at, size };
      at += size;
    }
    return null;
  } finally {
    await handle.close();
  }
}

/**
 * The movie box with its metadata boxes renamed `free` (moov/udta, moov/meta, trak/udta, trak/meta),
 * and what it says: duration, and the first video track's size.
 */
export function cleanMoov(moov: Buffer): {
  moov: Buffer;
  renamed: number;
  durationS: number | null;
  width: number | null;
  height: number | null;
} {
  const out = Buffer.from(moov);
  let renamed = 0;
  let durationS: number | null = null;
  let width: number | null = null;
  let height: number | null = null;
  const top = boxesIn(out, 0, out.length)[0];
  if (top?.type !== 'moov') return { moov: out, renamed, durationS, width, height };
  // Renamed and blanked: a reader skips a `free` box, and its bytes no longer hold the place.
  const retype = (box: Box) => {
    out.write('free', box.start + 4, 'latin1');
    out.fill(0, box.start + box.header, box.start + box.size);
    renamed += 1;
  };
  for (const child of boxesIn(out, top.start + top.header, top.start + top.size)) {
    const body = child.start + child.header;
    if (child.type === 'udta' || child.type === 'meta') retype(child);
    else if (child.type === 'mvhd' && child.size >= child.header + 32) {
      const v1 = out[body] === 1;
      const timescale = out.readUInt32BE(body + (v1 ? 20 : 12));
      const duration = v1 ? Number(out.readBigUInt64BE(body + 24)) : out.readUInt32BE(body + 16);
      if (timescale > 0) durationS = Math.round((duration / timescale) * 10) / 10;
    } else if (child.type === 'trak') {
      for (const inner of boxesIn(out, body, child.start + child.size)) {
        const ib = inner.start + inner.header;
        if (inner.type === 'udta' || inner.type === 'meta') retype(inner);
        else if (inner.type === 'tkhd' && width === null) {
          const at = ib + (out[ib] === 1 ? 88 : 76);
          if (at + 8 <= inner.start + inner.size) {
            const w = out.readUInt32BE(at) / 65536;
            const h = out.readUInt32BE(at + 4) / 65536;
            if (w > 0 && h > 0) {
              width = Math.round(w);
              height = Math.round(h);
            }
          }
        }
      }
    }
  }
  return { moov: out, renamed, durationS, width, height };
}

type Outcome = 'ready' | 'unprocessable' | 'gone';

/** Makes a media's published copies and records the outcome. */
export async function deriveMedia(tenant: TenantRunner, files: FileStore, campaignId: string, id: string): Promise<Outcome> {
  const row = await tenant((trx) =>
    trx
      .selectFrom('media')
      .select(['kind', 'content_type', 'has_poster', 'status', 'upload_length'])
      .where('id', '=', id)
      .executeTakeFirst(),
  );
  if (!row || row.status === 'uploading' || !row.kind) return 'gone';
  const keys = mediaKeys(campaignId, id);
  const record = (values: {
    processing: 'ready' | 'unprocessable';
    processing_error?: string | null;
    width?: number | null;
    height?: number | null;
    duration_s?: number | null;
    location_stripped?: boolean;
  }) =>
    tenant((trx) =>
      trx
        .updateTable('media')
        .set({ processing_error: null, ...values, updated_at: new Date() })
        .where('id', '=', id)
        .execute(),
    );

  if (row.kind === 'photo') {
    const original = await bufferOf(files, keys.original, Number(row.upload_length));
    try {
      const meta = await sharp(original).metadata();
      const [thumbnail, web] = await Promise.all([publishedJpeg(original, THUMBNAIL_PX), publishedJpeg(original, WEB_PX)]);
      await files.write(keys.thumbnail, [thumbnail]);
      await files.write(keys.web, [web]);
      const turned = (meta.orientation ?? 1) >= 5;
      await record({
        processing: 'ready',
        width: (turned ? meta.height : meta.width) ?? null,
        height: (turned ? meta.width : meta.height) ?? null,
        location_stripped: true,
      });
      return 'ready';
    } catch (error) {
      const heic = row.content_type === 'image/heic' || row.content_type === 'image/heif';
      await record({
        processing: 'unprocessable',
        processing_error: heic
          ? 'Photo HEIC (iPhone) : ce serveur ne sait pas la décoder (décodeur HEVC absent de sharp). L’original est conservé ; demandez-la en JPEG (Réglages › Appareil photo › Formats › « Le plus compatible »).'
          : `Image illisible : ${(error as Error).message.slice(0, 200)}`,
      });
      return 'unprocessable';
    }
  }

  // A video: its thumbnail from the poster sent, else the generic icon; its web copy cleaned.
  let thumbnail: Buffer;
  try {
    thumbnail = row.has_poster
      ? await publishedJpeg(await bufferOf(files, keys.poster, 5 * 1024 * 1024), THUMBNAIL_PX)
      : await publishedJpeg(VIDEO_ICON, THUMBNAIL_PX);
  } catch {
    thumbnail = await publishedJpeg(VIDEO_ICON, THUMBNAIL_PX);
  }
  await files.write(keys.thumbnail, [thumbnail]);
  if (row.content_type === 'video/webm') {
    await files.write(keys.web, files.read(keys.original));
    await record({ processing: 'ready', location_stripped: false });
    return 'ready';
  }
  const cleaned = await files.withLocalPath(keys.original, async (file) => {
    const moov = await findMoov(file);
    if (!moov || moov.size > MAX_MOOV_BYTES) return null;
    const handle = await open(file, 'r');
    try {
      const buffer = Buffer.alloc(moov.size);
      await handle.read(buffer, 0, moov.size, moov.start);
      const result = cleanMoov(buffer);
      const { size: total } = await handle.stat();
      async function* bytes() {
        const chunk = Buffer.alloc(1024 * 1024);
        for (const [from, to] of [
          [0, moov!.start],
          [moov!.start + moov!.size, total],
        ] as const) {
          if (from === moov!.start + moov!.size) yield result.moov;
          for (let at = from; at < to; ) {
            const { bytesRead } = await handle.read(chunk, 0, Math.min(chunk.length, to - at), at);
            if (bytesRead === 0) break;
            yield Buffer.from(chunk.subarray(0, bytesRead));
            at += bytesRead;
          }
        }
      }
      await files.write(keys.web, bytes());
      return result;
    } finally {
      await handle.close();
    }
  });
  if (!cleaned) {
    await record({
      processing: 'unprocessable',
      processing_error: 'Vidéo illisible : la structure MP4/QuickTime (boîte moov) est introuvable.',
    });
    return 'unprocessable';
  }
  await record({
    processing: 'ready',
    width: cleaned.width,
    height: cleaned.height,
    duration_s: cleaned.durationS,
    location_stripped: true,
  });
  return 'ready';
}

/** The job making a media's published copies after its upload (and again after a poster arrives). */
export const deriveMediaJob = defineJob({
  kind: 'media.derive',
  params: Type.Object({ media_id: Type.String({ format: 'uuid' }) }),
  unlisted: true,
  expireInSeconds: 600,
  async run(ctx) {
    return { outcome: await deriveMedia(ctx.tenant, ctx.files, ctx.campaignId, ctx.params.media_id) };
  },
});
