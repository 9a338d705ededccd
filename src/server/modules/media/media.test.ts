// Volunteer media end to end (issue 18): tus uploads by a volunteer, a token and a one-time link;
// the bytes judged (a renamed executable refused); the published photo without EXIF/GPS read back
// with exifr while the original keeps it; moderation (a volunteer cannot; hiding takes a photo out
// of the gallery); the rights checkbox; upload links' expiry, files and revocation; bad tus headers
// answered with problem documents; an MP4's location boxes blanked; abandoned uploads swept.
import { mkdtemp, rm, stat } from 'node:fs/promises';
import net, { type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import exifr from 'exifr';
import sharp from 'sharp';
import { Upload } from 'tus-js-client';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { tenantRunnerOf } from '../../db/database.ts';
import { fileStoreOf } from '../../files/storage.ts';
import { sanitizeRichText } from '../../site/html.ts';
import {
  buildTestApp,
  createCampaignFixture,
  createMemberFixture,
  type FixtureCampaign,
  type TestApp,
  TestClient,
} from '../../testing/app.ts';
import { describeEachDatabase } from '../../testing/databases.ts';
import { seedDemoMedia } from './demo.ts';
import { sweepAbandonedUploads } from './media.janitor.ts';
import { deriveMedia } from './media.process.ts';
import { partPathOf } from './media.service.ts';

async function bytesOf(stream: AsyncIterable<Buffer | string>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks);
}

const b64 = (s: string) => Buffer.from(s).toString('base64');
export const metadataOf = (m: Record<string, string>) =>
  Object.entries(m)
    .map(([k, v]) => `${k} ${b64(v)}`)
    .join(',');

/** A phone's JPEG: 1200×900 with EXIF (make, model) and a GPS position (Paris, Bastille). */
export function phonePhoto(): Promise<Buffer> {
  return sharp({ create: { width: 1200, height: 900, channels: 3, background: '#4a7ab5' } })
    .jpeg()
    .withExif({
      IFD0: { Make: 'Phone', Model: 'Test' },
      IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '48/1 51/1 1920/100', GPSLongitudeRef: 'E', GPSLongitude: '2/1 22/1 1140/100' },
    })
    .toBuffer();
}

/** The first bytes of a Linux executable (ELF) and of a Windows one (PE, "MZ"). */
const ELF = Buffer.concat([
  Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]),
  Buffer.alloc(8),
  Buffer.from([2, 0, 0x3e, 0, 1, 0, 0, 0]),
  Buffer.alloc(4000, 0x90),
]);
const PE = (() => {
  const b = Buffer.alloc(4096);
  b.write('MZ', 0, 'latin1');
  b.writeUInt32LE(0x80, 0x3c);
  b.write('PE\0\0', 0x80, 'latin1');
  b.writeUInt16LE(0x14c, 0x84);
  return b;
})();

function box(type: string, ...children: Buffer[]): Buffer {
  const body = Buffer.concat(children);
  const head = Buffer.alloc(8);
  head.writeUInt32BE(8 + body.length);
  head.write(type, 4, 'latin1');
  return Buffer.concat([head, body]);
}

/** A small MP4 whose movie carries a place (udta/©xyz, as phones write it) and a track of 640×360. */
function mp4WithLocation(): Buffer {
  const ftyp = box('ftyp', Buffer.from('isom'), Buffer.from([0, 0, 2, 0]), Buffer.from('isomiso2mp41'));
  const mvhd = Buffer.alloc(100);
  mvhd.writeUInt32BE(1000, 12); // timescale
  mvhd.writeUInt32BE(12_500, 16); // duration: 12.5 s
  const tkhd = Buffer.alloc(84);
  tkhd.writeUInt32BE(640 * 65536, 76);
  tkhd.writeUInt32BE(360 * 65536, 80);
  const xyz = box('\u00a9xyz', Buffer.from([0, 18, 0x15, 0xc7]), Buffer.from('+48.8532+002.3691/'));
  const moov = box(
    'moov',
    box('mvhd', mvhd),
    box('trak', box('tkhd', tkhd), box('udta', xyz)),
    box('udta', xyz),
    box('meta', Buffer.alloc(4), Buffer.from('com.apple.quicktime.location.ISO6709 +48.8532+002.3691/')),
  );
  const mdat = box('mdat', Buffer.alloc(3000, 7));
  return Buffer.concat([ftyp, moov, mdat]);
}

describeEachDatabase('media', (ctx) => {
  let t: TestApp;
  let c: FixtureCampaign;
  let dataDir: string;
  let owner: TestClient;
  let volunteer: TestClient;
  let cm: TestClient;
  let referent: TestClient;

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'relais-media-'));
    t = await buildTestApp(ctx.database, { dataDir });
    c = await createCampaignFixture(ctx.database.db, 'media');
    await createMemberFixture(ctx.database.db, c.id, { email: 'owner@example.org', role: 'owner' });
    await createMemberFixture(ctx.database.db, c.id, { email: 'benevole@example.org', role: 'volunteer' });
    await createMemberFixture(ctx.database.db, c.id, { email: 'cm@example.org', role: 'community_manager' });
    await createMemberFixture(ctx.database.db, c.id, { email: 'ref@example.org', role: 'referent', zoneIds: [c.zones[0]?.id ?? ''] });
    owner = new TestClient(t.app);
    await owner.login('owner@example.org');
    volunteer = new TestClient(t.app);
    await volunteer.login('benevole@example.org');
    cm = new TestClient(t.app);
    await cm.login('cm@example.org');
    referent = new TestClient(t.app);
    await referent.login('ref@example.org');
  });
  afterAll(async () => {
    await t.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  const tenant = () => tenantRunnerOf(ctx.database.db, c.id);
  const files = () => fileStoreOf(t.runtime.config);

  /** A tus request as a signed-in client (cookie and CSRF header), or with an upload link. */
  function tus(
    who: TestClient | { link: string },
    method: 'POST' | 'HEAD' | 'PATCH' | 'DELETE' | 'OPTIONS',
    url: string,
    headers: Record<string, string> = {},
    payload?: Buffer,
  ) {
    const auth = 'link' in who ? { 'upload-link': who.link } : { cookie: who.cookie, 'x-csrf-token': who.csrf };
    return t.app.inject({ method, url, headers: { 'tus-resumable': '1.0.0', ...auth, ...headers }, ...(payload ? { payload } : {}) });
  }

  /** Creates an upload and sends its bytes in one PATCH; returns the id and the last answer. */
  async function upload(who: TestClient | { link: string }, bytes: Buffer, meta: Record<string, string> = {}) {
    const created = await tus(who, 'POST', '/api/v1/media/uploads', {
      'upload-length': String(bytes.length),
      'upload-metadata': metadataOf({ filename: 'photo.jpg', filetype: 'image/jpeg', ...meta }),
    });
    if (created.statusCode !== 201) return { id: '', created, patched: created };
    const location = String(created.headers.location);
    const id = location.split('/').at(-1) ?? '';
    const patched = await tus(who, 'PATCH', location, { 'content-type': 'application/offset+octet-stream', 'upload-offset': '0' }, bytes);
    return { id, created, patched };
  }

  let photoId = '';

  it('takes a photo from a volunteer over tus, publishes copies without EXIF or GPS, and keeps the original with them, private', async () => {
    const options = await tus(volunteer, 'OPTIONS', '/api/v1/media/uploads');
    expect(options.statusCode).toBe(204);
    expect(options.headers).toMatchObject({
      'tus-resumable': '1.0.0',
      'tus-version': '1.0.0',
      'tus-extension': 'creation,termination',
      'tus-max-size': String(200 * 1024 * 1024),
    });

    const photo = await phonePhoto();
    expect((await exifr.gps(photo))?.latitude).toBeCloseTo(48.8553, 3);
    const { id, created, patched } = await upload(volunteer, photo, { caption: 'Stand du marché' });
    expect(created.statusCode, created.body).toBe(201);
    expect(created.headers['tus-resumable']).toBe('1.0.0');
    expect(patched.statusCode, patched.body).toBe(204);
    expect(patched.headers['upload-offset']).toBe(String(photo.length));
    photoId = id;
    const head = await tus(volunteer, 'HEAD', `/api/v1/media/uploads/${id}`);
    expect(head.headers).toMatchObject({
      'upload-offset': String(photo.length),
      'upload-length': String(photo.length),
      'cache-control': 'no-store',
    });
    // The part is gone: the original is in the file store.
    await expect(stat(partPathOf(dataDir, c.id, id))).rejects.toThrow();

    expect(await deriveMedia(tenant(), files(), c.id, id)).toBe('ready');
    const media = (await owner.request('GET', `/api/v1/media/${id}`)).json();
    expect(media).toMatchObject({
      kind: 'photo',
      status: 'pending',
      caption: 'Stand du marché',
      uploaded_by: { name: 'benevole' },
      width: 1200,
      height: 900,
      content_type: 'image/jpeg',
      processing: 'ready',
      bytes: photo.length,
    });

    for (const file of ['thumbnail', 'web'] as const) {
      const res = await owner.request('GET', `/api/v1/media/${id}/${file}`);
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toBe('image/jpeg');
      const bytes = res.rawPayload;
      expect(await exifr.gps(bytes)).toBeUndefined();
      expect(await exifr.parse(bytes)).toBeUndefined();
      const { width } = await sharp(bytes).metadata();
      expect(width).toBe(file === 'thumbnail' ? 400 : 1200);
    }
    const original = await owner.request('GET', `/api/v1/media/${id}/original`);
    expect(original.statusCode).toBe(200);
    expect(Buffer.compare(original.rawPayload, photo)).toBe(0);
    expect((await exifr.gps(original.rawPayload))?.longitude).toBeCloseTo(2.3698, 3);
    // The volunteer sees it among theirs, and its copies, but not the original.
    const mine = (await volunteer.request('GET', '/api/v1/media/mine')).json();
    expect(mine._embedded['relais:media'].map((m: { id: string }) => m.id)).toEqual([id]);
    expect((await volunteer.request('GET', `/api/v1/media/${id}/thumbnail`)).statusCode).toBe(200);
    expect((await volunteer.request('GET', `/api/v1/media/${id}/original`)).statusCode).toBe(403);
  });

  it('lets moderators only moderate; approval puts the photo in the gallery without GPS, hiding takes it out at once; audited', async () => {
    expect((await t.app.inject({ url: `/galerie/medias/${photoId}/web` })).statusCode).toBe(404);
    const denied = await volunteer.request('POST', `/api/v1/media/${photoId}/moderation`, { decision: 'approve' });
    expect(denied.statusCode).toBe(403);
    expect((await volunteer.request('GET', '/api/v1/media?status=pending')).statusCode).toBe(403);
    expect((await referent.request('POST', `/api/v1/media/${photoId}/moderation`, { decision: 'approve' })).statusCode).toBe(403);
    expect((await referent.request('GET', '/api/v1/media?status=pending')).json().total).toBe(1);

    const approved = await cm.request('POST', `/api/v1/media/${photoId}/moderation`, { decision: 'approve' });
    expect(approved.statusCode, approved.body).toBe(200);
    expect(approved.json()).toMatchObject({ status: 'approved', moderated_by: { name: 'cm' } });
    expect(approved.json()._links.gallery_web.href).toBe(`/galerie/medias/${photoId}/web`);
    expect(approved.json().public_url).toBe(`${t.runtime.config.publicUrl}/galerie/medias/${photoId}/web`);
    const gallery = await t.app.inject({ url: '/galerie' });
    expect(gallery.statusCode).toBe(200);
    expect(gallery.body).toContain(`/galerie/medias/${photoId}/thumbnail`);
    expect(gallery.body).toContain('Stand du marché');
    expect(gallery.body).toContain('aria-current="page"');
    const web = await t.app.inject({ url: `/galerie/medias/${photoId}/web` });
    expect(web.statusCode).toBe(200);
    expect(web.headers['cache-control']).toBe('public, max-age=300');
    expect(await exifr.gps(web.rawPayload)).toBeUndefined();
    // The original is never public.
    expect((await t.app.inject({ url: `/galerie/medias/${photoId}/original` })).statusCode).toBe(404);
    expect((await t.app.inject({ url: `/api/v1/media/${photoId}/original` })).statusCode).toBe(401);
    // The picker: approved media; their gallery copy is accepted by the site's sanitizer.
    const approvedList = (await cm.request('GET', '/api/v1/media?status=approved')).json();
    expect(approvedList._embedded['relais:media'].map((m: { id: string }) => m.id)).toContain(photoId);
    expect(sanitizeRichText(`<p><img src="/galerie/medias/${photoId}/web" alt="x"></p>`)).toContain(`/galerie/medias/${photoId}/web`);
    expect(sanitizeRichText(`<p><img src="/api/v1/media/${photoId}/original" alt="x"></p>`)).not.toContain('original');

    const hidden = await cm.request('POST', `/api/v1/media/${photoId}/moderation`, {
      decision: 'hide',
      reason: 'Une plaque d’immatriculation lisible',
    });
    expect(hidden.json()).toMatchObject({ status: 'hidden', reason: 'Une plaque d’immatriculation lisible' });
    expect((await t.app.inject({ url: '/galerie' })).body).not.toContain(photoId);
    expect((await t.app.inject({ url: `/galerie/medias/${photoId}/web` })).statusCode).toBe(404);
    expect((await t.app.inject({ url: `/galerie/medias/${photoId}/thumbnail` })).statusCode).toBe(404);
    const audit = await tenant()((trx) =>
      trx.selectFrom('audit_event').select(['action', 'actor_label']).where('target_id', '=', photoId).orderBy('at').execute(),
    );
    expect(audit.map((a) => a.action)).toEqual(['media.uploaded', 'media.approved', 'media.hidden']);
  });

  it('refuses an executable renamed .jpg (ELF, PE) by its bytes, and an identifiable photo without the rights checkbox', async () => {
    for (const exe of [ELF, PE]) {
      const { id, patched } = await upload(volunteer, exe, { filename: 'vacances.jpg', filetype: 'image/jpeg' });
      expect(patched.statusCode, patched.body).toBe(415);
      expect(patched.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(patched.json().code).toBe('MEDIA_TYPE_REFUSED');
      expect((await tus(volunteer, 'HEAD', `/api/v1/media/uploads/${id}`)).statusCode).toBe(404);
      await expect(stat(partPathOf(dataDir, c.id, id))).rejects.toThrow();
    }
    const photo = await phonePhoto();
    const noRights = await upload(volunteer, photo, { identifiable: '1' });
    expect(noRights.created.statusCode).toBe(400);
    expect(noRights.created.json().code).toBe('MEDIA_RIGHTS_REQUIRED');
    const withRights = await upload(volunteer, photo, { identifiable: '1', rights_confirmed: '1' });
    expect(withRights.patched.statusCode).toBe(204);
    expect((await owner.request('GET', `/api/v1/media/${withRights.id}`)).json()).toMatchObject({
      identifiable: true,
      rights_confirmed: true,
    });
  });

  it('answers bad tus requests with problem documents (4xx, never 5xx)', async () => {
    const problem = async (res: Awaited<ReturnType<typeof tus>>, status: number, code: string) => {
      expect(res.statusCode, res.body).toBe(status);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.headers['tus-resumable']).toBe('1.0.0');
      // A HEAD answer has no body (its headers say what the problem would be).
      if (res.body !== '') expect(res.json().code).toBe(code);
    };
    const noVersion = await t.app.inject({
      method: 'POST',
      url: '/api/v1/media/uploads',
      headers: { cookie: volunteer.cookie, 'x-csrf-token': volunteer.csrf, 'upload-length': '10' },
    });
    await problem(noVersion, 412, 'MEDIA_TUS_VERSION');
    await problem(
      await tus(volunteer, 'POST', '/api/v1/media/uploads', { 'tus-resumable': '0.2.2', 'upload-length': '10' }),
      412,
      'MEDIA_TUS_VERSION',
    );
    await problem(await tus(volunteer, 'POST', '/api/v1/media/uploads'), 400, 'MEDIA_UPLOAD_HEADER_INVALID');
    for (const length of ['-1', 'abc', '1e9', '99999999999999999999', ' 12']) {
      await problem(await tus(volunteer, 'POST', '/api/v1/media/uploads', { 'upload-length': length }), 400, 'MEDIA_UPLOAD_HEADER_INVALID');
    }
    for (const meta of ['filename', 'filename a,filename b', 'x !!!', ',,', `k ${b64('\u0000')}`]) {
      const res = await tus(volunteer, 'POST', '/api/v1/media/uploads', { 'upload-length': '10', 'upload-metadata': meta });
      if (meta === 'filename') expect(res.statusCode).toBe(201);
      else await problem(res, 400, 'MEDIA_UPLOAD_HEADER_INVALID');
    }
    await problem(
      await tus(volunteer, 'POST', '/api/v1/media/uploads', { 'upload-length': String(201 * 1024 * 1024) }),
      413,
      'MEDIA_TOO_LARGE',
    );
    await problem(
      await tus(volunteer, 'POST', '/api/v1/media/uploads', {
        'upload-length': String(30 * 1024 * 1024),
        'upload-metadata': metadataOf({ filetype: 'image/jpeg' }),
      }),
      413,
      'MEDIA_TOO_LARGE',
    );
    const created = await tus(volunteer, 'POST', '/api/v1/media/uploads', { 'upload-length': '100' });
    const url = String(created.headers.location);
    await problem(
      await tus(volunteer, 'PATCH', url, { 'content-type': 'application/octet-stream', 'upload-offset': '0' }, Buffer.alloc(10)),
      415,
      'UNSUPPORTED_MEDIA_TYPE',
    );
    await problem(
      await tus(volunteer, 'PATCH', url, { 'content-type': 'application/json', 'upload-offset': '0' }, Buffer.from('{}')),
      415,
      'MEDIA_UPLOAD_CONTENT_TYPE',
    );
    await problem(
      await tus(volunteer, 'PATCH', url, { 'content-type': 'application/offset+octet-stream' }, Buffer.alloc(10)),
      400,
      'MEDIA_UPLOAD_HEADER_INVALID',
    );
    await problem(
      await tus(volunteer, 'PATCH', url, { 'content-type': 'application/offset+octet-stream', 'upload-offset': '5' }, Buffer.alloc(10)),
      409,
      'MEDIA_UPLOAD_OFFSET_MISMATCH',
    );
    await problem(
      await tus(volunteer, 'PATCH', url, { 'content-type': 'application/offset+octet-stream', 'upload-offset': '0' }, Buffer.alloc(101)),
      400,
      'MEDIA_UPLOAD_OVERFLOW',
    );
    const partial = await tus(
      volunteer,
      'PATCH',
      url,
      { 'content-type': 'application/offset+octet-stream', 'upload-offset': '0' },
      Buffer.alloc(40),
    );
    expect(partial.statusCode).toBe(204);
    expect(partial.headers['upload-offset']).toBe('40');
    // Someone else's upload does not exist for them.
    await problem(await tus(owner, 'HEAD', url), 404, 'NOT_FOUND');
    await problem(await tus(volunteer, 'HEAD', '/api/v1/media/uploads/0190a0a0-0000-7000-8000-000000000000'), 404, 'NOT_FOUND');
    await problem(await tus(volunteer, 'HEAD', '/api/v1/media/uploads/nope'), 400, 'VALIDATION_FAILED');
    const anonymous = await t.app.inject({
      method: 'POST',
      url: '/api/v1/media/uploads',
      headers: { 'tus-resumable': '1.0.0', 'upload-length': '10' },
    });
    await problem(anonymous, 401, 'UNAUTHENTICATED');
    // Termination.
    expect((await tus(volunteer, 'DELETE', url)).statusCode).toBe(204);
    await problem(await tus(volunteer, 'HEAD', url), 404, 'NOT_FOUND');
  });

  it('opens uploads to a one-time link: hashed at rest, its number of files, its expiry and its revocation', async () => {
    const res = await cm.request('POST', '/api/v1/media/upload_links', {
      label: 'Meeting Japy',
      expires_at: new Date(Date.now() + 86_400_000).toISOString(),
      max_files: 2,
    });
    expect(res.statusCode, res.body).toBe(201);
    const link = res.json();
    expect(link).toMatchObject({ label: 'Meeting Japy', max_files: 2, used: 0, active: true });
    const token = String(link.url).split('/envoi/')[1] ?? '';
    expect(token).toMatch(/^ml_/);
    const stored = await tenant()((trx) =>
      trx.selectFrom('media_upload_link').selectAll().where('id', '=', link.id).executeTakeFirstOrThrow(),
    );
    expect(stored.token_hash).not.toContain(token);
    expect(JSON.stringify((await cm.request('GET', '/api/v1/media/upload_links')).json())).not.toContain(token);
    expect(
      (
        await volunteer.request('POST', '/api/v1/media/upload_links', {
          label: 'x',
          expires_at: new Date(Date.now() + 1000_000).toISOString(),
          max_files: 1,
        })
      ).statusCode,
    ).toBe(403);

    const page = await t.app.inject({ url: `/envoi/${token}` });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Ces personnes ont accepté');
    expect(page.headers['cache-control']).toBe('no-store');
    expect((await t.app.inject({ url: '/envoi/tus.min.js' })).statusCode).toBe(200);

    const photo = await phonePhoto();
    // A session cookie the same browser carries does not get in the way of the link.
    const first = await upload({ link: token }, photo, { caption: 'Par le lien' });
    expect(first.patched.statusCode, first.patched.body).toBe(204);
    expect((await owner.request('GET', `/api/v1/media/${first.id}`)).json().uploaded_by).toEqual({ name: 'Lien « Meeting Japy »' });
    expect((await upload({ link: token }, photo)).patched.statusCode).toBe(204);
    const third = await upload({ link: token }, photo);
    expect(third.created.statusCode).toBe(403);
    expect(third.created.json().code).toBe('MEDIA_UPLOAD_LINK_USED_UP');
    expect((await t.app.inject({ url: `/envoi/${token}` })).statusCode).toBe(404);

    const other = (
      await cm.request('POST', '/api/v1/media/upload_links', {
        label: 'Tractage',
        expires_at: new Date(Date.now() + 86_400_000).toISOString(),
        max_files: 5,
      })
    ).json();
    const otherToken = String(other.url).split('/envoi/')[1] ?? '';
    const started = await tus({ link: otherToken }, 'POST', '/api/v1/media/uploads', { 'upload-length': String(photo.length) });
    expect(started.statusCode).toBe(201);
    expect((await cm.request('DELETE', `/api/v1/media/upload_links/${other.id}`)).statusCode).toBe(204);
    const afterRevoke = await tus(
      { link: otherToken },
      'PATCH',
      String(started.headers.location),
      { 'content-type': 'application/offset+octet-stream', 'upload-offset': '0' },
      photo,
    );
    expect(afterRevoke.statusCode).toBe(403);
    expect(afterRevoke.json().code).toBe('MEDIA_UPLOAD_LINK_INVALID');

    const expiring = (
      await cm.request('POST', '/api/v1/media/upload_links', {
        label: 'Court',
        expires_at: new Date(Date.now() + 86_400_000).toISOString(),
        max_files: 5,
      })
    ).json();
    const expiringToken = String(expiring.url).split('/envoi/')[1] ?? '';
    await tenant()((trx) =>
      trx
        .updateTable('media_upload_link')
        .set({ expires_at: new Date(Date.now() - 1000) })
        .where('id', '=', expiring.id)
        .execute(),
    );
    const expired = await upload({ link: expiringToken }, photo);
    expect(expired.created.json().code).toBe('MEDIA_UPLOAD_LINK_INVALID');
    expect((await upload({ link: 'ml_not-a-real-token-at-all-0000' }, photo)).created.statusCode).toBe(403);
  });

  it('publishes an MP4 with its location boxes blanked (same size, nothing moved), its duration and size read', async () => {
    const video = mp4WithLocation();
    expect(video.includes(Buffer.from('+48.8532'))).toBe(true);
    const { id, patched } = await upload(volunteer, video, { filename: 'clip.mp4', filetype: 'video/mp4' });
    expect(patched.statusCode, patched.body).toBe(204);
    expect(await deriveMedia(tenant(), files(), c.id, id)).toBe('ready');
    const media = (await owner.request('GET', `/api/v1/media/${id}`)).json();
    expect(media).toMatchObject({
      kind: 'video',
      content_type: 'video/mp4',
      duration_s: 12.5,
      width: 640,
      height: 360,
      location_stripped: true,
    });
    const web = await owner.request('GET', `/api/v1/media/${id}/web`);
    expect(web.headers['content-type']).toBe('video/mp4');
    // Byte ranges, which Safari needs to play a video.
    const range = await t.app.inject({ url: `/api/v1/media/${id}/web`, headers: { cookie: owner.cookie, range: 'bytes=10-19' } });
    expect(range.statusCode).toBe(206);
    expect(range.headers['content-range']).toBe(`bytes 10-19/${video.length}`);
    expect(Buffer.compare(range.rawPayload, web.rawPayload.subarray(10, 20))).toBe(0);
    const beyond = await t.app.inject({
      url: `/api/v1/media/${id}/web`,
      headers: { cookie: owner.cookie, range: `bytes=${video.length}-` },
    });
    expect(beyond.statusCode).toBe(200);
    expect(web.rawPayload.length).toBe(video.length);
    expect(web.rawPayload.includes(Buffer.from('+48.8532'))).toBe(false);
    expect(web.rawPayload.includes(Buffer.from('udta'))).toBe(false);
    // The media data is where it was.
    expect(Buffer.compare(web.rawPayload.subarray(video.length - 3000), video.subarray(video.length - 3000))).toBe(0);
    const thumbnail = await owner.request('GET', `/api/v1/media/${id}/thumbnail`);
    expect(thumbnail.headers['content-type']).toBe('image/jpeg');
    const original = await owner.request('GET', `/api/v1/media/${id}/original`);
    expect(original.rawPayload.includes(Buffer.from('+48.8532'))).toBe(true);
    // Without a poster, a generic icon; with the poster the phone drew, that frame.
    const icon = await sharp(thumbnail.rawPayload).stats();
    const poster = await sharp({ create: { width: 640, height: 360, channels: 3, background: '#e03131' } })
      .png()
      .toBuffer();
    const refused = await t.app.inject({
      method: 'PUT',
      url: `/api/v1/media/uploads/${id}/poster`,
      headers: { cookie: volunteer.cookie, 'x-csrf-token': volunteer.csrf, 'content-type': 'image/png' },
      payload: ELF,
    });
    expect(refused.json().code).toBe('MEDIA_POSTER_INVALID');
    const sent = await t.app.inject({
      method: 'PUT',
      url: `/api/v1/media/uploads/${id}/poster`,
      headers: { cookie: volunteer.cookie, 'x-csrf-token': volunteer.csrf, 'content-type': 'image/png' },
      payload: poster,
    });
    expect(sent.statusCode, sent.body).toBe(204);
    expect(await deriveMedia(tenant(), files(), c.id, id)).toBe('ready');
    const framed = await sharp((await owner.request('GET', `/api/v1/media/${id}/thumbnail`)).rawPayload).stats();
    expect(framed.channels[0]?.mean).toBeGreaterThan(200);
    expect(icon.channels[0]?.mean).toBeLessThan(100);
  });

  it('marks a HEIC photo unprocessable with a message (sharp has no HEVC decoder) and keeps its original', async () => {
    // The start of an iPhone HEIC (ftyp heic … then a meta box): file-type knows it, sharp cannot decode it.
    const heic = Buffer.concat([
      box('ftyp', Buffer.from('heic'), Buffer.alloc(4), Buffer.from('mif1heic')),
      box('meta', Buffer.alloc(4), box('hdlr', Buffer.alloc(8), Buffer.from('pict'), Buffer.alloc(13))),
      Buffer.alloc(2000, 1),
    ]);
    const { id, patched } = await upload(volunteer, heic, { filename: 'IMG_0001.HEIC', filetype: 'image/heic' });
    expect(patched.statusCode, patched.body).toBe(204);
    expect(await deriveMedia(tenant(), files(), c.id, id)).toBe('unprocessable');
    const media = (await owner.request('GET', `/api/v1/media/${id}`)).json();
    expect(media).toMatchObject({ content_type: 'image/heic', processing: 'unprocessable' });
    expect(media.processing_error).toContain('HEIC');
    const approve = await cm.request('POST', `/api/v1/media/${id}/moderation`, { decision: 'approve' });
    expect(approve.json().code).toBe('MEDIA_NOT_READY');
    expect((await owner.request('GET', `/api/v1/media/${id}/original`)).rawPayload.length).toBe(heic.length);
  });

  it('sweeps uploads abandoned for 24 hours (row and part) and pages the queue by cursor', async () => {
    const created = await tus(volunteer, 'POST', '/api/v1/media/uploads', { 'upload-length': '1000' });
    const id = String(created.headers.location).split('/').at(-1) ?? '';
    await tus(
      volunteer,
      'PATCH',
      String(created.headers.location),
      { 'content-type': 'application/offset+octet-stream', 'upload-offset': '0' },
      Buffer.alloc(100),
    );
    expect((await stat(partPathOf(dataDir, c.id, id))).size).toBe(100);
    expect((await sweepAbandonedUploads(ctx.database.db, dataDir)).rows).toBe(0);
    expect((await sweepAbandonedUploads(ctx.database.db, dataDir, new Date(Date.now() + 25 * 3600_000))).rows).toBeGreaterThanOrEqual(1);
    await expect(stat(partPathOf(dataDir, c.id, id))).rejects.toThrow();
    expect((await tus(volunteer, 'HEAD', `/api/v1/media/uploads/${id}`)).statusCode).toBe(404);

    const all = (await owner.request('GET', '/api/v1/media?limit=100')).json();
    const seen: string[] = [];
    let next: string | undefined = '/api/v1/media?limit=2';
    while (next) {
      const page: { total: number; _links: { next?: { href: string } }; _embedded: Record<string, { id: string }[]> } = (
        await owner.request('GET', next)
      ).json();
      seen.push(...(page._embedded['relais:media'] ?? []).map((m: { id: string }) => m.id));
      expect(page.total).toBe(all.total);
      next = page._links.next?.href;
    }
    expect(seen).toEqual(all._embedded['relais:media'].map((m: { id: string }) => m.id));
    expect((await owner.request('GET', '/api/v1/media?cursor=bm9wZQ')).statusCode).toBe(400);
  });

  it('completes an upload resumed after its connection was cut halfway (tus-js-client against the real server on loopback)', async () => {
    const address = await t.app.listen({ port: 0, host: '127.0.0.1' });
    const target = new URL(address);
    // A proxy on loopback that drops the first PATCH's connection once half the file went through.
    const photo = await sharp({
      create: { width: 1400, height: 1000, channels: 3, background: '#808080', noise: { type: 'gaussian', mean: 128, sigma: 40 } },
    })
      .jpeg({ quality: 95 })
      .toBuffer();
    const cutAfter = Math.floor(photo.length / 2);
    const offsets: number[] = [];
    let cuts = 0;
    const proxy = net.createServer((client) => {
      const upstream = net.connect(Number(target.port), target.hostname);
      let patchBytes = -1;
      client.on('data', (chunk: Buffer) => {
        const text = chunk.toString('latin1');
        const patch = text.match(/^PATCH [^\r]*\r\n[\s\S]*?upload-offset: (\d+)[\s\S]*?\r\n\r\n/im);
        if (patch) {
          offsets.push(Number(patch[1]));
          patchBytes = chunk.length - (text.indexOf('\r\n\r\n') + 4);
        } else if (patchBytes >= 0) patchBytes += chunk.length;
        if (cuts === 0 && patchBytes >= cutAfter) {
          cuts += 1;
          upstream.write(chunk.subarray(0, Math.max(0, chunk.length - (patchBytes - cutAfter))));
          client.destroy();
          upstream.destroy();
          return;
        }
        upstream.write(chunk);
      });
      upstream.on('data', (chunk) => client.write(chunk));
      client.on('error', () => upstream.destroy());
      upstream.on('error', () => client.destroy());
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    const proxyPort = (proxy.address() as AddressInfo).port;
    try {
      const link = (
        await cm.request('POST', '/api/v1/media/upload_links', {
          label: 'Coupure',
          expires_at: new Date(Date.now() + 86_400_000).toISOString(),
          max_files: 1,
        })
      ).json();
      const token = String(link.url).split('/envoi/')[1] ?? '';
      const url = await new Promise<string>((resolve, reject) => {
        const upload = new Upload(photo, {
          endpoint: `http://127.0.0.1:${proxyPort}/api/v1/media/uploads`,
          headers: { 'Upload-Link': token },
          metadata: { filename: 'coupure.jpg', filetype: 'image/jpeg', caption: 'Envoyée malgré la coupure' },
          retryDelays: [50, 200, 500, 1000],
          onSuccess: () => resolve(upload.url ?? ''),
          onError: reject,
        });
        upload.start();
      });
      expect(cuts).toBe(1);
      // The second PATCH resumed where the server said the first one stopped (past zero).
      expect(offsets.length).toBeGreaterThanOrEqual(2);
      expect(offsets[0]).toBe(0);
      expect(offsets.at(-1)).toBeGreaterThan(0);
      expect(offsets.at(-1)).toBeLessThanOrEqual(cutAfter);
      const id = url.split('/').at(-1) ?? '';
      const original = await owner.request('GET', `/api/v1/media/${id}/original`);
      expect(original.statusCode).toBe(200);
      expect(Buffer.compare(original.rawPayload, photo)).toBe(0);
      expect((await owner.request('GET', `/api/v1/media/${id}`)).json()).toMatchObject({
        status: 'pending',
        caption: 'Envoyée malgré la coupure',
      });
    } finally {
      await new Promise((resolve) => proxy.close(resolve));
    }
  });

  it('makes the published copies in the background: the upload queues the media.derive job, a worker runs it', async () => {
    await t.runtime.jobs.work();
    const { id, patched } = await upload(volunteer, await phonePhoto(), { caption: 'Par la file de tâches' });
    expect(patched.statusCode).toBe(204);
    await expect
      .poll(async () => (await owner.request('GET', `/api/v1/media/${id}`)).json().processing, { timeout: 30_000, interval: 200 })
      .toBe('ready');
    const web = await owner.request('GET', `/api/v1/media/${id}/web`);
    expect(await exifr.gps(web.rawPayload)).toBeUndefined();
  });

  it('seeds the demo: three approved photos in the gallery, one pending whose original has a GPS position', async () => {
    const other = await createCampaignFixture(ctx.database.db, 'media-demo');
    expect(await seedDemoMedia(ctx.database.db, files(), other.id)).toBe(4);
    const rows = await tenantRunnerOf(
      ctx.database.db,
      other.id,
    )((trx) => trx.selectFrom('media').selectAll().orderBy('uploaded_at').execute());
    expect(rows.map((r) => [r.status, r.processing])).toEqual([
      ['approved', 'ready'],
      ['approved', 'ready'],
      ['approved', 'ready'],
      ['pending', 'ready'],
    ]);
    const pending = rows[3];
    const original = await bytesOf(files().read(`media/${other.id}/${pending?.id}/original`));
    expect((await exifr.gps(original))?.latitude).toBeCloseTo(48.855, 2);
    const web = await bytesOf(files().read(`media/${other.id}/${pending?.id}/web`));
    expect(await exifr.gps(web)).toBeUndefined();
  });
});
