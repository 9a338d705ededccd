// The canvassing app on a phone (360 px), offline: sign in once, go offline, record 300 doors (ten
// by "next door", the rest a whole floor at a time) and a new contact with consent, close the page
// without waiting, reopen it offline (the service worker opens it), come back online: all 300 doors
// and the contact reach the back office exactly once. Then the progress screen shows them.
import path from 'node:path';
import { sql } from 'kysely';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTurfFixture, type TurfFixture } from '../../src/server/modules/canvass/canvass.fixtures.ts';
import { DEMO_PASSWORD } from '../../src/server/modules/demo/demo.campaign.ts';
import { type BrowserHarness, login, SHOTS_DIR, startHarness } from './harness.ts';

const VOLUNTEER = 'benevole@demo.relais.fr';
const DIRECTOR = 'directrice@demo.relais.fr';

/** A screenshot of what the phone's screen shows (the list is long: not the full page). */
const snap = (page: Page, name: string) => page.screenshot({ path: path.join(SHOTS_DIR, `${name}.png`) });

/** Polls until `check` holds (no fixed sleeps). */
async function until(check: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('canvassing app offline', () => {
  let h: BrowserHarness;
  let turf: TurfFixture;

  beforeAll(async () => {
    h = await startHarness({ peopleCount: 300 });
    const db = h.runtime.database.db;
    const user = await db.selectFrom('staff_user').select('id').where('email', '=', VOLUNTEER).executeTakeFirstOrThrow();
    const zone = await db
      .selectFrom('zone')
      .innerJoin('zone_layer', 'zone_layer.id', 'zone.layer_id')
      .select('zone.id')
      .where('zone.campaign_id', '=', h.campaignId)
      .where('zone_layer.code', '=', 'arrondissement')
      .orderBy('zone.code')
      .executeTakeFirstOrThrow();
    turf = await createTurfFixture(db, {
      campaignId: h.campaignId,
      zoneId: zone.id,
      userId: user.id,
      buildings: 30,
      floors: 5,
      perFloor: 2,
      name: 'Belleville nord',
    });
    await db
      .insertInto('canvass_script')
      .values({
        campaign_id: h.campaignId,
        id: crypto.randomUUID(),
        theme: 'Logement',
        title: 'Les loyers',
        body: 'Bonjour, nous sommes bénévoles : que pensez-vous des loyers du quartier ?',
      })
      .execute();
  });
  afterAll(async () => {
    await h?.close();
  });

  it('records 300 doors and a contact offline, survives a closed page, and syncs each exactly once', async () => {
    const context = await h.browser.newContext({
      viewport: { width: 360, height: 760 },
      locale: 'fr-FR',
      baseURL: h.baseUrl,
      hasTouch: true,
    });
    const page = await context.newPage();
    await page.goto('/terrain/');
    await page.getByLabel('Adresse e-mail').fill(VOLUNTEER);
    await page.getByLabel('Mot de passe').fill(DEMO_PASSWORD);
    await page.getByRole('button', { name: 'Se connecter' }).click();
    const next = page.getByRole('button', { name: /^Porte suivante/ });
    await next.waitFor();
    // The service worker holds the shell before the network goes.
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null, undefined, { timeout: 30_000 });
    await page.waitForFunction(
      async () => (await caches.keys()).length > 0 && (await (await caches.open('relais-terrain-v1')).keys()).length > 4,
    );
    await snap(page, 'terrain-doors-fr-360');
    // Targets of at least 44 px: the doors, the whole-floor buttons, the next door.
    for (const box of [await page.locator('.door').first().boundingBox(), await page.locator('.floor-all').first().boundingBox()]) {
      expect(box?.height).toBeGreaterThanOrEqual(44);
    }
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);

    await context.setOffline(true);
    await page.getByText('Hors ligne').waitFor();
    // Ten doors by "next door", two taps each; the first opened, with a contact taken.
    for (let i = 0; i < 10; i++) {
      await next.click();
      await page
        .getByRole('dialog')
        .getByRole('button', { name: i === 0 ? 'Favorable' : 'Absent', exact: true })
        .click();
      if (i === 0) {
        await snap(page, 'terrain-saved-fr-360');
        await page.getByRole('button', { name: 'Prendre ses coordonnées' }).click();
        const form = page.getByRole('dialog', { name: 'Coordonnées' });
        await form.getByLabel('Prénom').fill('Inès');
        await form.getByLabel('Nom', { exact: true }).fill('Porte');
        await form.getByLabel('Adresse e-mail').fill('ines.porte@example.org');
        const save = form.getByRole('button', { name: 'Enregistrer le contact' });
        expect(await save.isDisabled()).toBe(true);
        await form.getByRole('checkbox').check();
        await snap(page, 'terrain-contact-fr-360');
        await save.click();
        await page.getByText('Contact enregistré.').waitFor();
      }
    }
    // The other 290 doors a whole floor at a time: two taps a floor.
    for (const building of turf.buildings.slice(1)) {
      for (let floor = 0; floor < 5; floor++) {
        await page.locator(`[id="b-${building.id}"] .floor-all`).nth(floor).click();
        await page.getByRole('dialog').getByRole('button', { name: 'Absent', exact: true }).click();
        // Shown done only once written: the sheet closes with the floor's doors marked.
        await page.getByRole('dialog').waitFor({ state: 'detached' });
      }
    }
    await page.getByText('Toutes les portes du secteur sont faites').waitFor();
    await page.getByRole('button', { name: /301 en attente/ }).waitFor();
    // Closed without waiting for anything to be sent (offline, nothing could be).
    await page.close();

    const reopened = await context.newPage();
    await reopened.goto('/terrain/');
    await reopened.getByRole('button', { name: /301 en attente/ }).waitFor();
    await reopened.getByText('Toutes les portes du secteur sont faites').waitFor();
    await snap(reopened, 'terrain-offline-reopened-fr-360');
    const db = h.runtime.database.db;
    expect(
      Number(
        (await sql<{ n: number }>`select count(*)::int as n from canvass_result where turf_id = ${turf.turfId}`.execute(db)).rows[0]?.n,
      ),
    ).toBe(0);

    await context.setOffline(false);
    await until(async () => {
      const { rows } = await sql<{
        n: number;
        doors: number;
        contacts: number;
      }>`select count(*)::int as n, count(distinct door_id)::int as doors,
        (select count(*)::int from canvass_contact where campaign_id = ${h.campaignId}) as contacts
        from canvass_result where turf_id = ${turf.turfId}`.execute(db);
      return rows[0]?.n === 300 && rows[0]?.contacts === 1;
    });
    await reopened.getByRole('button', { name: 'Tout est envoyé' }).waitFor();
    const { rows } = await sql<{
      n: number;
      doors: number;
      people: number;
      linked: number;
    }>`select count(*)::int as n, count(distinct door_id)::int as doors,
      (select count(*)::int from person where email = 'ines.porte@example.org') as people,
      count(person_id)::int as linked
      from canvass_result where turf_id = ${turf.turfId}`.execute(db);
    expect(rows[0]).toEqual({ n: 300, doors: 300, people: 1, linked: 1 });
    // Sent again (a lost answer): nothing more is stored.
    await reopened.evaluate(() => window.dispatchEvent(new Event('online')));
    expect(
      Number(
        (await sql<{ n: number }>`select count(*)::int as n from canvass_result where turf_id = ${turf.turfId}`.execute(db)).rows[0]?.n,
      ),
    ).toBe(300);

    await reopened.getByRole('button', { name: 'Infos' }).click();
    await reopened.getByRole('heading', { name: 'Information sur les données' }).waitFor();
    await snap(reopened, 'terrain-info-fr-360');
    await reopened.getByRole('button', { name: 'Carte' }).click();
    await snap(reopened, 'terrain-map-fr-360');
    await context.close();
    // 300 doors are 600 taps: more than the default minute on a busy machine.
  }, 180_000);

  it('shows the doors on the back office progress screen, in French and English, on a laptop and a phone', async () => {
    for (const [width, locale, name] of [
      [1280, 'fr-FR', 'laptop-fr'],
      [390, 'fr-FR', 'phone-fr'],
      [390, 'en-GB', 'phone-en'],
    ] as const) {
      await h.runtime.database.db
        .updateTable('staff_user')
        .set({ locale: locale === 'en-GB' ? 'en' : 'fr' })
        .where('email', '=', DIRECTOR)
        .execute();
      const page = await h.newPage({ width, height: 900, locale });
      await login(page, DIRECTOR, DEMO_PASSWORD);
      await page.goto('/app/canvass');
      await page.getByRole('heading', { level: 2, name: locale === 'en-GB' ? 'Per arrondissement' : 'Par arrondissement' }).waitFor();
      await page.getByRole('cell', { name: '300' }).first().waitFor();
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
      await h.shot(page, `canvass-progress-${name}`);
      await page.close();
    }
    // The English app on a 390-px phone.
    const context = await h.browser.newContext({ viewport: { width: 390, height: 800 }, locale: 'en-GB', baseURL: h.baseUrl });
    const page = await context.newPage();
    await page.goto('/terrain/');
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    await snap(page, 'terrain-signin-en-390');
    await context.close();
  });
});
