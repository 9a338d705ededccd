// The public site as a visitor meets it, in Chromium: axe-core (WCAG 2 A/AA, 2.1 AA and RGAA 4)
// finds no violation on the home page, an arrondissement's page, a news page, a petition, an event and
// the signup form (the last three before and after sending them); no public page asks
// anything of another site; with JavaScript off, the map leads to an arrondissement and its running
// mates. Then the back office's screen of the site, in French and English, on a laptop and a phone.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../src/server/modules/demo/demo.campaign.ts';
import { type BrowserHarness, login, startHarness } from './harness.ts';

const DIRECTOR = 'directrice@demo.relais.fr';
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

interface AxeViolation {
  id: string;
  help: string;
  nodes: { target: string[] }[];
}

async function axeViolations(page: Page): Promise<AxeViolation[]> {
  await page.addScriptTag({ content: AXE_SOURCE });
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (ctx: unknown, opts: unknown) => Promise<{ violations: AxeViolation[] }> } }).axe;
    const result = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'RGAAv4'] } });
    return result.violations.map((v) => ({ id: v.id, help: v.help, nodes: v.nodes.map((n) => ({ target: n.target })) }));
  });
}

describe('public site', () => {
  let h: BrowserHarness;
  let zonePath = '';
  let newsPath = '';

  beforeAll(async () => {
    h = await startHarness({ peopleCount: 200 });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('passes axe-core on the home, an arrondissement and a news page, asking nothing of another site', async () => {
    // axe-core is added inline: the site's policy (script-src 'self') would rightly refuse it.
    const context = await h.browser.newContext({ bypassCSP: true, baseURL: h.baseUrl, viewport: { width: 1280, height: 860 } });
    const page = await context.newPage();
    const outside: string[] = [];
    page.on('request', (request) => {
      const url = request.url();
      if (!url.startsWith(h.baseUrl) && !url.startsWith('data:')) outside.push(url);
    });
    await page.goto('/');
    await expect(page.getByRole('heading', { level: 1 })).toBeTruthy();
    const mapLink = page.locator('svg.zone-map a').first();
    zonePath = (await mapLink.getAttribute('href')) ?? '';
    expect(zonePath).toMatch(/^\/arrondissements\/\w+$/);
    newsPath = (await page.locator('a[href^="/actualites/"]').first().getAttribute('href')) ?? '';
    expect(newsPath).toMatch(/^\/actualites\/[a-z0-9-]+$/);
    for (const [path, name] of [
      ['/', 'home'],
      [zonePath, 'arrondissement'],
      [newsPath, 'news'],
      ['/accessibilite', 'accessibility'],
      ['/?lang=en', 'home-en'],
    ] as const) {
      await page.goto(path);
      // No script of its own: far under the 30 kB of compressed JavaScript a page may carry.
      expect(await page.locator('script:not([type="application/ld+json"])').count()).toBe(0);
      expect(await axeViolations(page), `${name}: ${path}`).toEqual([]);
      await h.shot(page, `site-${name}`);
    }
    expect(outside).toEqual([]);
    await context.close();
  });

  it('passes axe-core on a petition, an event and the signup form, before and after sending them, asking nothing of another site', async () => {
    const context = await h.browser.newContext({ bypassCSP: true, baseURL: h.baseUrl, viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    const outside: string[] = [];
    page.on('request', (request) => {
      const url = request.url();
      if (!url.startsWith(h.baseUrl) && !url.startsWith('data:')) outside.push(url);
    });
    const scriptBytes: number[] = [];
    page.on('response', async (response) => {
      if (response.request().resourceType() === 'script') scriptBytes.push((await response.body()).length);
    });
    /** Checks the page, then fills the form's text fields as a person would and sends it. */
    const checkAndSend = async (name: string, button: RegExp) => {
      expect(await axeViolations(page), `${name}: ${page.url()}`).toEqual([]);
      await h.shot(page, `site-${name}-form`);
      const shown = Date.now();
      await page.getByLabel(/^Prénom/).fill('Zoé');
      if (await page.getByLabel(/^Nom/).count()) await page.getByLabel(/^Nom/).fill('Navarro');
      await page.getByLabel(/^Adresse e-mail/).fill(`zoe.${name}@exemple.test`);
      // A person takes longer than the form guard's minimum fill time (3 s from the page's stamp).
      const left = 3200 - (Date.now() - shown);
      if (left > 0) await page.waitForTimeout(left);
      await page.getByRole('button', { name: button }).click();
      await page.waitForURL(/\/merci/);
      expect(await axeViolations(page), `${name} sent: ${page.url()}`).toEqual([]);
      await h.shot(page, `site-${name}-sent`);
    };
    // A petition still open (the demo's closed one has no form).
    await page.goto('/petitions');
    const petitions = await page
      .locator('main a[href^="/petitions/"]')
      .evaluateAll((links) => links.map((a) => a.getAttribute('href') ?? ''));
    let signed = false;
    for (const href of petitions.filter((p) => /^\/petitions\/[a-z0-9-]+$/.test(p))) {
      await page.goto(href);
      if ((await page.getByRole('button', { name: 'Je signe' }).count()) === 0) continue;
      await checkAndSend('petition', /^Je signe$/);
      signed = true;
      break;
    }
    expect(signed).toBe(true);
    await page.goto('/evenements');
    const event = await page.locator('ul.events a[href^="/evenements/"]').first().getAttribute('href');
    await page.goto(event ?? '/evenements');
    await checkAndSend('event', /^M'inscrire$/);
    await page.goto('/inscription/newsletter');
    await checkAndSend('signup', /./);
    expect(outside).toEqual([]);
    // The proof of work's script is the only JavaScript of these pages: far under 30 kB.
    expect(scriptBytes.reduce((a, b) => a + b, 0)).toBeLessThan(30_000);
    await context.close();
  });

  it('works without JavaScript: the map leads to an arrondissement and its running mates', async () => {
    const context = await h.browser.newContext({ javaScriptEnabled: false, baseURL: h.baseUrl, viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    await page.goto('/');
    await page.locator('svg.zone-map a').first().click();
    await page.waitForURL(/\/arrondissements\/\w+$/);
    await page.getByRole('heading', { name: 'Les colistiers' }).waitFor();
    expect(await page.locator('.mates > li').count()).toBe(3);
    await expect(page.getByText('Tête de liste').first().isVisible()).resolves.toBe(true);
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
    await h.shot(page, 'site-arrondissement-phone-nojs');
    await context.close();
  });

  it('shows the back office screen of the site in French and English, on a laptop and a phone', async () => {
    for (const [width, locale] of [
      [1280, 'fr-FR'],
      [390, 'fr-FR'],
      [1280, 'en-GB'],
      [390, 'en-GB'],
    ] as const) {
      await h.runtime.database.db
        .updateTable('staff_user')
        .set({ locale: locale === 'fr-FR' ? 'fr' : 'en' })
        .where('email', '=', DIRECTOR)
        .execute();
      const page = await h.newPage({ width, locale });
      await login(page, DIRECTOR, DEMO_PASSWORD);
      await page.goto('/app/site');
      const fr = locale === 'fr-FR';
      await page
        .getByRole('heading', { name: fr ? 'Site public' : 'Public site' })
        .first()
        .waitFor();
      await page.getByRole('tab', { name: fr ? 'Colistiers' : 'Running mates' }).click();
      await page
        .getByRole('button', { name: fr ? /^modifier — /i : /^edit — /i })
        .first()
        .waitFor();
      expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
      await h.shot(page, `site-backoffice-${locale}-${width}`);
      await page
        .getByRole('button', { name: fr ? /^modifier — /i : /^edit — /i })
        .first()
        .click();
      await page.getByRole('dialog').waitFor();
      await h.shot(page, `site-backoffice-mate-${locale}-${width}`);
      await page.context().close();
    }
  });
});
