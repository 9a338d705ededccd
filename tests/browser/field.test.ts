// The field screen on the generated demo city: an arrondissement's buildings made, cut into turfs,
// the map and table shown (French and English, laptop and phone, no sideways scroll).
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../src/server/modules/demo/demo.campaign.ts';
import { type BrowserHarness, login, startHarness } from './harness.ts';

const DIRECTOR = 'directrice@demo.relais.fr';

async function apiAs(page: Page, method: 'GET' | 'POST', path: string, data?: unknown): Promise<Record<string, unknown>> {
  const session = (await (await page.request.get('/api/v1/session')).json()) as { csrf_token: string };
  const response = await page.request.fetch(path, { method, data, headers: { 'x-csrf-token': session.csrf_token } });
  if (!response.ok()) throw new Error(`${method} ${path}: ${response.status()} ${await response.text()}`);
  return response.json();
}

describe('back office field screen', () => {
  let h: BrowserHarness;
  beforeAll(async () => {
    h = await startHarness({ peopleCount: 300 });
  }, 300_000);
  afterAll(async () => {
    await h?.close();
  });

  it('cuts an arrondissement into turfs and shows them (French and English, laptop and phone)', async () => {
    const zone = await h.runtime.database.db
      .selectFrom('zone')
      .innerJoin('zone_layer as l', (j) => j.onRef('l.id', '=', 'zone.layer_id'))
      .select(['zone.id', 'zone.name'])
      .where('zone.campaign_id', '=', h.campaignId)
      .where('l.code', '=', 'arrondissement')
      .orderBy('zone.code')
      .executeTakeFirstOrThrow();
    const page = await h.newPage();
    await login(page, DIRECTOR, DEMO_PASSWORD);
    const made = await apiAs(page, 'POST', '/api/v1/field/buildings/make', { zone_id: zone.id });
    await expect.poll(async () => (await apiAs(page, 'GET', `/api/v1/jobs/${made.job_id}`)).state, { timeout: 120_000 }).toBe('succeeded');
    const cut = await apiAs(page, 'POST', `/api/v1/field/zones/${zone.id}/cuts`, { target_doors: 200 });
    await expect.poll(async () => (await apiAs(page, 'GET', `/api/v1/field/cuts/${cut.id}`)).status, { timeout: 120_000 }).toBe('done');
    for (const [locale, width, height, name] of [
      ['fr-FR', 1280, 860, 'field-fr-laptop'],
      ['en-GB', 1280, 860, 'field-en-laptop'],
      ['fr-FR', 390, 844, 'field-fr-phone'],
    ] as const) {
      const p = await h.newPage({ width, height, locale });
      await login(p, DIRECTOR, DEMO_PASSWORD);
      await p.goto('/app/field');
      // The screen opens on the latest cut's arrondissement (this one); picking it again would clear it.
      const select = p.getByRole('textbox', { name: 'Arrondissement', exact: true });
      await expect.poll(() => select.inputValue()).toBe(zone.name);
      await p.getByTestId('turf-map').waitFor();
      await p.getByRole('table').waitFor();
      expect(await p.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1)).toBe(true);
      await h.shot(p, name);
      await p.context().close();
    }
  }, 400_000);
});
