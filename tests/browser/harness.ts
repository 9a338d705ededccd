// Browser test harness: a real Relais server (generated demo city, embedded database in a temp
// folder) on loopback, and Debian's Chromium driven by playwright-core. Screenshots go to
// artifacts/screenshots (git-ignored) to be looked at.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { type Browser, chromium, type Page } from 'playwright-core';
import { type DnsConfig, loadConfig } from '../../src/server/config.ts';
import { uuidv7 } from '../../src/server/lib/ids.ts';
import { seedDemoCampaign } from '../../src/server/modules/demo/demo.campaign.ts';
import { appOf, openRuntime, type Runtime } from '../../src/server/runtime.ts';

export const SHOTS_DIR = path.resolve(import.meta.dirname, '../../artifacts/screenshots');
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface BrowserHarness {
  baseUrl: string;
  runtime: Runtime;
  browser: Browser;
  campaignId: string;
  newPage(options?: { width?: number; height?: number; locale?: string }): Promise<Page>;
  shot(page: Page, name: string): Promise<void>;
  close(): Promise<void>;
}

/** Starts the server with the generated demo city and a browser. */
export async function startHarness(
  overrides: {
    loginMaxFailures?: number;
    peopleCount?: number;
    webhookAllowNetworks?: readonly string[];
    /** The DNS servers the deliverability check asks (a loopback test server). */
    dns?: DnsConfig;
  } = {},
): Promise<BrowserHarness> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'relais-browser-'));
  const config = loadConfig(
    { ...process.env, DATABASE_URL: '', LOG_LEVEL: 'warn', DATA_DIR: dataDir, RELAIS_OPENDATA_DIR: '' },
    {
      loginMaxFailures: overrides.loginMaxFailures ?? 5,
      webhookAllowNetworks: overrides.webhookAllowNetworks ?? [],
      ...(overrides.dns ? { dns: overrides.dns } : {}),
    },
  );
  const runtime = await openRuntime(config);
  const seeded = await seedDemoCampaign(runtime, { synthetic: true, peopleCount: overrides.peopleCount ?? 3000 });
  const app: FastifyInstance = await appOf(runtime);
  await runtime.jobs.work();
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as AddressInfo;
  const baseUrl = `http://127.0.0.1:${port}`;
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  mkdirSync(SHOTS_DIR, { recursive: true });
  return {
    baseUrl,
    runtime,
    browser,
    campaignId: seeded.campaignId,
    async newPage({ width = 1280, height = 860, locale = 'fr-FR' } = {}) {
      const context = await browser.newContext({ viewport: { width, height }, locale, baseURL: baseUrl });
      return context.newPage();
    },
    async shot(page, name) {
      await page.screenshot({ path: path.join(SHOTS_DIR, `${name}.png`), fullPage: true });
    },
    async close() {
      await browser.close();
      await app.close();
      await runtime.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Signs in through the login form. */
export async function login(page: Page, email: string, password: string): Promise<void> {
  await page.goto('/app/login');
  await page.getByLabel(/e-mail/i).fill(email);
  await page.getByLabel(/mot de passe|password/i).fill(password);
  await page.getByRole('button', { name: /se connecter|sign in/i }).click();
  // Until the sign-in has answered: signed in (the app leaves the login page), or refused (an alert
  // says why). A test that navigated at once would abort the request and find the login page again.
  await Promise.race([page.waitForURL((url) => !url.pathname.endsWith('/login')), page.getByRole('alert').first().waitFor()]);
}

/**
 * On the custom fields settings screen: opens "Nouveau champ", fills the label, the type and the
 * choices, and returns the dialog still open (the caller checks it, then presses "Créer").
 */
export async function fillNewCustomField(page: Page, label: string, type: RegExp, choices: readonly string[] = []) {
  await page.getByRole('button', { name: /^nouveau champ$/i }).click();
  const dialog = page.getByRole('dialog', { name: /nouveau champ/i });
  await dialog.getByRole('textbox', { name: /^libellé/i }).fill(label);
  await dialog.getByRole('textbox', { name: /^type$/i }).click();
  await page.getByRole('option', { name: type }).click();
  for (const choice of choices) {
    await dialog.getByRole('textbox', { name: /^choix possibles/i }).fill(choice);
    await page.keyboard.press('Enter');
  }
  return dialog;
}

/** A list of the demo campaign holding these people (an audience for a mailing or an SMS); returns its id. */
export async function addList(h: BrowserHarness, name: string, personIds: readonly string[]): Promise<string> {
  const db = h.runtime.database.db;
  const id = uuidv7();
  await db.insertInto('list').values({ campaign_id: h.campaignId, id, name }).execute();
  if (personIds.length > 0) {
    await db
      .insertInto('list_member')
      .values(personIds.map((personId) => ({ campaign_id: h.campaignId, list_id: id, person_id: personId })))
      .execute();
  }
  return id;
}
