// Volunteer media end to end, on phones: a volunteer on a 390-px phone sends a photo carrying its GPS
// position (EXIF) from the field app's "Photos" tab (tus upload), sees it among their uploads; a
// moderator on a phone publishes it from the back office's queue; the photo is in /galerie and the
// published copy has no GPS (read back with exifr). Screenshots of each screen, French and English,
// phone and laptop.
import exifr from 'exifr';
import type { Browser, Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../src/server/modules/demo/demo.campaign.ts';
import { type BrowserHarness, login, startHarness } from './harness.ts';

const VOLUNTEER = 'benevole@demo.relais.fr';
const DIRECTOR = 'directrice@demo.relais.fr';
const MEDIA_PATH = '/app/medias';

/** A 1200×900 JPEG with its GPS position in EXIF (Place de la République). */
async function photoWithGps(): Promise<Buffer> {
  return sharp({ create: { width: 1200, height: 900, channels: 3, background: { r: 40, g: 120, b: 200 } } })
    .composite([
      {
        input: Buffer.from(
          '<svg xmlns="http://www.w3.org/2000/svg" width="1200" height="900"><circle cx="600" cy="450" r="300" fill="#f2c14e"/></svg>',
        ),
      },
    ])
    .jpeg({ quality: 85 })
    .withExif({
      IFD0: { Make: 'Relais', Model: 'Test phone' },
      IFD3: {
        GPSLatitudeRef: 'N',
        GPSLatitude: '48/1 52/1 2/1',
        GPSLongitudeRef: 'E',
        GPSLongitude: '2/1 21/1 49/1',
      },
    })
    .toBuffer();
}

/** Polls until `check` holds (no fixed sleeps). */
async function until(check: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function phone(browser: Browser, baseURL: string, locale: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, locale, baseURL, hasTouch: true, isMobile: true });
  return context.newPage();
}

async function terrainSignIn(page: Page): Promise<void> {
  await page.goto('/terrain/');
  await page.getByLabel(/Adresse e-mail|E-mail address/).fill(VOLUNTEER);
  await page.getByLabel(/Mot de passe|Password/).fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: /Se connecter|Sign in/ }).click();
  await page.locator('nav.tabs').waitFor();
}

describe('volunteer media', () => {
  let h: BrowserHarness;

  beforeAll(async () => {
    h = await startHarness({ peopleCount: 50 });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('goes from a volunteer’s phone to the gallery without its GPS position', async () => {
    const jpeg = await photoWithGps();
    expect((await exifr.gps(jpeg))?.latitude).toBeCloseTo(48.867, 2);

    // The volunteer, on a 390-px phone, in the field app.
    const v = await phone(h.browser, h.baseUrl, 'fr-FR');
    await terrainSignIn(v);
    await v.getByRole('button', { name: 'Photos', exact: true }).click();
    await v.getByRole('heading', { name: 'Envoyer des photos' }).waitFor();
    expect(await v.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await v.getByTestId('photo-files').setInputFiles({ name: 'republique.jpg', mimeType: 'image/jpeg', buffer: jpeg });
    await v.getByLabel('Légende (facultatif)').fill('Tractage place de la République');
    // Identifiable people: the rights box appears, unticked, and is needed.
    await v.getByLabel('On reconnaît des personnes sur ces images').check();
    const rights = v.getByLabel(/ont accepté que ces images soient publiées/);
    expect(await rights.isChecked()).toBe(false);
    await v.getByRole('button', { name: 'Envoyer', exact: true }).click();
    await v.getByRole('alert').filter({ hasText: 'droit à l’image' }).waitFor();
    await rights.check();
    await h.shot(v, 'media-terrain-form-fr-390');
    await v.getByRole('button', { name: 'Envoyer', exact: true }).click();
    await v.getByText('Envoyé, en attente de validation').waitFor();
    await v.getByTestId('my-media').filter({ hasText: 'Tractage place de la République' }).waitFor();
    await h.shot(v, 'media-terrain-sent-fr-390');

    const db = h.runtime.database.db;
    const row = await db
      .selectFrom('media')
      .select(['id', 'status', 'identifiable', 'rights_confirmed'])
      .where('caption', '=', 'Tractage place de la République')
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: 'pending', identifiable: true, rights_confirmed: true });
    // The published copies are made by the jobs.
    await until(async () => {
      await h.runtime.jobs.work();
      const r = await db.selectFrom('media').select('processing').where('id', '=', row.id).executeTakeFirstOrThrow();
      return r.processing === 'ready';
    });

    // The moderator, on a phone, publishes it from the queue.
    const m = await phone(h.browser, h.baseUrl, 'fr-FR');
    await login(m, DIRECTOR, DEMO_PASSWORD);
    await m.goto(MEDIA_PATH);
    const card = m.getByTestId('media-card').filter({ hasText: 'Tractage place de la République' });
    await card.waitFor();
    expect(await m.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    const publish = card.getByRole('button', { name: 'Publier' });
    expect((await publish.boundingBox())?.height).toBeGreaterThanOrEqual(40);
    await h.shot(m, 'media-queue-fr-390');
    await publish.click();
    await m.getByRole('status').filter({ hasText: 'publié' }).waitFor();
    await m.goto(`${MEDIA_PATH}?onglet=approved`);
    await m.getByTestId('media-card').filter({ hasText: 'Tractage place de la République' }).waitFor();
    await h.shot(m, 'media-approved-fr-390');

    // On the gallery, and its published copy carries no position.
    const gallery = await fetch(`${h.baseUrl}/galerie`);
    const html = await gallery.text();
    expect(html).toContain(`/galerie/medias/${row.id}/`);
    for (const file of ['web', 'thumbnail']) {
      const res = await fetch(`${h.baseUrl}/galerie/medias/${row.id}/${file}`);
      expect(res.status).toBe(200);
      const published = Buffer.from(await res.arrayBuffer());
      expect(await exifr.gps(published).catch(() => undefined)).toBeUndefined();
      const tags = (await exifr.parse(published, { gps: true, tiff: true, exif: true }).catch(() => undefined)) ?? {};
      expect(Object.keys(tags).filter((k) => k.startsWith('GPS'))).toEqual([]);
    }
    await m.context().close();
    await v.context().close();
  });

  it('sends a video from the field app with a poster frame the phone draws', async () => {
    const v = await phone(h.browser, h.baseUrl, 'fr-FR');
    await terrainSignIn(v);
    // Two seconds of a canvas recorded by the browser itself: a real WebM the phone can decode.
    const webm = Buffer.from(
      await v.evaluate(async () => {
        const canvas = document.createElement('canvas');
        canvas.width = 320;
        canvas.height = 240;
        const ctx = canvas.getContext('2d') as CanvasRenderingContext2D;
        const recorder = new MediaRecorder(canvas.captureStream(25), { mimeType: 'video/webm' });
        const chunks: Blob[] = [];
        recorder.ondataavailable = (e) => chunks.push(e.data);
        const stopped = new Promise((resolve) => {
          recorder.onstop = resolve;
        });
        recorder.start(100);
        for (let frame = 0; frame < 50; frame++) {
          ctx.fillStyle = frame % 2 ? '#c0392b' : '#2471a3';
          ctx.fillRect(0, 0, 320, 240);
          await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 40)));
        }
        recorder.stop();
        await stopped;
        return Array.from(new Uint8Array(await new Blob(chunks).arrayBuffer()));
      }),
    );
    await v.getByRole('button', { name: 'Photos', exact: true }).click();
    // The page may read the chosen video (blob:) under the app's content security policy.
    const refused: string[] = [];
    v.on('console', (m) => {
      if (m.text().includes('Content Security Policy')) refused.push(m.text());
    });
    await v.getByTestId('photo-files').setInputFiles({ name: 'meeting.webm', mimeType: 'video/webm', buffer: webm });
    await v.getByLabel('Légende (facultatif)').fill('Vidéo du meeting');
    await v.getByRole('button', { name: 'Envoyer', exact: true }).click();
    await v.getByText('Envoyé, en attente de validation').waitFor();
    const db = h.runtime.database.db;
    await until(async () => {
      const r = await db.selectFrom('media').select(['kind', 'has_poster']).where('caption', '=', 'Vidéo du meeting').executeTakeFirst();
      return r?.kind === 'video' && r.has_poster === true;
    });
    expect(refused).toEqual([]);
    await v.context().close();
  });

  it('takes photos through a one-time upload link, from a phone without an account', async () => {
    const page = await h.newPage();
    await login(page, DIRECTOR, DEMO_PASSWORD);
    await page.goto(`${MEDIA_PATH}?onglet=links`);
    await page.getByLabel('Pour qui, pour quoi').fill('Photographe du meeting');
    await page.getByRole('button', { name: 'Créer le lien' }).click();
    const shown = page.getByTestId('upload-link-url');
    await shown.waitFor();
    const url = new URL((await shown.textContent()) ?? '');
    await page.context().close();

    const guest = await phone(h.browser, h.baseUrl, 'fr-FR');
    await guest.goto(url.pathname);
    expect(await guest.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await guest.locator('#envoi-file').setInputFiles({ name: 'meeting.jpg', mimeType: 'image/jpeg', buffer: await photoWithGps() });
    await guest.locator('#envoi-caption').fill('La salle du meeting');
    await guest.getByRole('button', { name: /Envoyer/ }).click();
    await h.shot(guest, 'media-envoi-fr-390');
    const db = h.runtime.database.db;
    await until(async () => {
      const row = await db
        .selectFrom('media')
        .select(['status', 'upload_link_id'])
        .where('caption', '=', 'La salle du meeting')
        .executeTakeFirst();
      return row?.status === 'pending' && row.upload_link_id !== null;
    });
    await guest.context().close();
  });

  it('lets the site editor insert an approved photo in a page', async () => {
    const page = await h.newPage();
    await login(page, DIRECTOR, DEMO_PASSWORD);
    await page.goto('/app/site');
    await page.getByRole('button', { name: 'Ajouter une page' }).click();
    await page.getByRole('button', { name: 'Photo des bénévoles' }).first().click();
    const choice = page.getByRole('button', { name: 'Insérer « Tractage place de la République »' });
    await choice.waitFor();
    await h.shot(page, 'media-picker-fr-1280');
    await choice.click();
    const id = (
      await h.runtime.database.db
        .selectFrom('media')
        .select('id')
        .where('caption', '=', 'Tractage place de la République')
        .executeTakeFirstOrThrow()
    ).id;
    await page.locator(`[role=textbox] img[src="/galerie/medias/${id}/web"]`).first().waitFor();
    await page.context().close();
  });

  it('lets a mailing carry an approved photo, by its public address', async () => {
    const page = await h.newPage();
    await login(page, DIRECTOR, DEMO_PASSWORD);
    await page.goto('/app/mailings/new');
    await page.getByLabel('Nom de l’envoi').fill('Lettre avec photo');
    await page.getByLabel('Objet').fill('Les coulisses de la campagne');
    await page.getByRole('button', { name: 'Photo des bénévoles' }).click();
    await page.getByRole('button', { name: 'Insérer « Tractage place de la République »' }).click();
    const id = (
      await h.runtime.database.db
        .selectFrom('media')
        .select('id')
        .where('caption', '=', 'Tractage place de la République')
        .executeTakeFirstOrThrow()
    ).id;
    const src = `${h.runtime.config.publicUrl}/galerie/medias/${id}/web`;
    // The composer shows it from this server; the mail carries the public address.
    const preview = page.locator(`img[src="/galerie/medias/${id}/web"]`).first();
    await preview.waitFor();
    await expect.poll(() => preview.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true);
    await expect.poll(() => page.getByLabel('Texte de remplacement').inputValue()).toBe('Tractage place de la République');
    await h.shot(page, 'media-mailing-fr-1280');
    await page.getByRole('button', { name: 'Enregistrer le brouillon' }).click();
    await until(async () => {
      const saved = await h.runtime.database.db
        .selectFrom('mailing')
        .select('content')
        .where('name', '=', 'Lettre avec photo')
        .executeTakeFirst();
      return JSON.stringify(saved?.content ?? '').includes(`/galerie/medias/${id}/web`);
    });
    const saved = await h.runtime.database.db
      .selectFrom('mailing')
      .select('content')
      .where('name', '=', 'Lettre avec photo')
      .executeTakeFirstOrThrow();
    expect((saved.content as { blocks: unknown[] }).blocks).toEqual([{ type: 'image', src, alt: 'Tractage place de la République' }]);
    await page.context().close();
  });

  it('shows the queue, the upload links and the field app’s screen in French and English, phone and laptop', async () => {
    const db = h.runtime.database.db;
    for (const locale of ['fr-FR', 'en-GB']) {
      const l = locale.slice(0, 2) as 'fr' | 'en';
      // The back office speaks the member's language.
      await db.updateTable('staff_user').set({ locale: l }).where('email', '=', DIRECTOR).execute();
      for (const width of [390, 1280]) {
        const context = await h.browser.newContext({ viewport: { width, height: width === 390 ? 844 : 860 }, locale, baseURL: h.baseUrl });
        const page = await context.newPage();
        await login(page, DIRECTOR, DEMO_PASSWORD);
        await page.goto(MEDIA_PATH);
        const pending = page.getByTestId('media-card').first();
        await pending.waitFor();
        await h.shot(page, `media-queue-${l}-${width}`);
        // Refusing asks for a reason.
        await pending.getByRole('button', { name: l === 'fr' ? 'Refuser' : 'Refuse' }).click();
        await page
          .getByRole('dialog')
          .getByRole('button', { name: l === 'fr' ? 'Refuser' : 'Refuse' })
          .click();
        await page
          .getByRole('dialog')
          .getByText(l === 'fr' ? 'Indiquez un motif.' : 'Give a reason.')
          .waitFor();
        await h.shot(page, `media-refuse-${l}-${width}`);
        await page
          .getByRole('dialog')
          .getByRole('button', { name: l === 'fr' ? 'Annuler' : 'Cancel' })
          .click();
        await page.goto(`${MEDIA_PATH}?onglet=approved`);
        await page.getByTestId('media-card').first().waitFor();
        await h.shot(page, `media-approved-${l}-${width}`);
        await page.goto(`${MEDIA_PATH}?onglet=links`);
        const label = page.getByLabel(l === 'fr' ? 'Pour qui, pour quoi' : 'For whom, for what');
        await label.fill(l === 'fr' ? 'Meeting du 12, photographe' : 'Rally on the 12th, photographer');
        await page.getByRole('button', { name: l === 'fr' ? 'Créer le lien' : 'Create the link' }).click();
        const url = page.getByTestId('upload-link-url');
        await url.waitFor();
        expect(await url.textContent()).toMatch(/\/envoi\/[A-Za-z0-9_-]+$/);
        await h.shot(page, `media-link-created-${l}-${width}`);
        await page.getByRole('button', { name: l === 'fr' ? 'J’ai copié le lien' : 'I copied the link' }).click();
        await page.getByRole('dialog').waitFor({ state: 'hidden' });
        await page.getByTestId('upload-link').first().waitFor();
        await h.shot(page, `media-links-${l}-${width}`);
        expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
        await context.close();
      }
      const v = await phone(h.browser, h.baseUrl, locale);
      await terrainSignIn(v);
      await v.getByRole('button', { name: 'Photos', exact: true }).click();
      await v.getByTestId('my-media').first().waitFor();
      await h.shot(v, `media-terrain-${l}-390`);
      await v.context().close();
    }
    await db.updateTable('staff_user').set({ locale: 'fr' }).where('email', '=', DIRECTOR).execute();
  });
});
