// What a person reads, never a code: the territory as the field organiser reads it (the polling
// stations' map coloured by last election's turnout with a legend, French labels and units, a zone's
// results, the same in English, a phone without sideways scrolling), and the audit log, the jobs and
// a person's page in words.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../src/server/modules/demo/demo.campaign.ts';
import { type BrowserHarness, login, startHarness } from './harness.ts';

describe('readable screens', () => {
  let h: BrowserHarness;

  beforeAll(async () => {
    h = await startHarness({ peopleCount: 600 });
  });
  afterAll(async () => {
    await h?.close();
  });

  /** Distinct fill colours of the map's shapes (SVG paths, or canvas-free small layers). */
  const fills = (page: Page) =>
    page
      .locator('[data-testid="zone-map"] path.leaflet-interactive')
      .evaluateAll((paths) => [...new Set(paths.map((p) => p.getAttribute('fill')))]);

  async function chooseMetric(page: Page, label: RegExp) {
    await page.getByTestId('metric-select').click();
    await page.getByRole('option', { name: label }).first().click();
  }

  it('colours the polling stations by turnout, with a legend, labels and a zone’s results', async () => {
    const page = await h.newPage();
    await login(page, 'directrice@demo.relais.fr', DEMO_PASSWORD);
    await page.getByTestId('stat-people-total').waitFor();
    await page.goto('/app/territory');
    // Arrondissements first: the table speaks of density and income, not of column names.
    const table = page.locator('table').first();
    await table.getByText('Densité (hab./km²)').waitFor();
    await expect.poll(() => table.innerText()).toMatch(/Population \(hab\.\)\s+Superficie \(km²\)/);
    expect(await table.innerText()).not.toMatch(/Densite km2|Rp 1p|Niveau vie median|_/);
    // People per zone is the first colouring; the legend says so.
    await expect.poll(() => page.getByTestId('map-legend').innerText()).toMatch(/Personnes de la campagne/);

    await page.getByTestId('layer-bureau').click();
    await chooseMetric(page, /^Participation \(% des inscrits\)$/);
    await expect.poll(() => page.getByTestId('map-legend').innerText()).toMatch(/Participation \(% des inscrits\)[\s\S]*Sans donnée/);
    const stations = await page.locator('[data-testid="zone-map"] path.leaflet-interactive').count();
    expect(stations).toBe(24);
    await expect.poll(async () => (await fills(page)).length).toBeGreaterThanOrEqual(3);
    expect(await fills(page)).not.toContain('#d9d9d9');
    await expect.poll(() => page.getByTestId('metric-column').innerText()).toBe('Participation (% des inscrits)');
    // French percentages: "61,3 %".
    expect(await page.locator('table').first().innerText()).toMatch(/\d+,\d\s%/);
    await h.shot(page, 'territory-bureaux-fr');

    await page.getByRole('button', { name: /Voir le détail de Bureau 10-1/ }).click();
    const drawer = page.getByTestId('zone-detail');
    await drawer.getByText('Européennes 2024').waitFor();
    await drawer.getByText('Liste Aubépine').first().waitFor();
    expect(await drawer.innerText()).toMatch(/Densité \(hab\.\/km²\)/);
    expect(await drawer.innerText()).toMatch(/Participation/);
    await h.shot(page, 'territory-bureau-detail-fr');
    await page.keyboard.press('Escape');

    await page.getByTestId('layer-arrondissement').click();
    await chooseMetric(page, /^Liste Aubépine/);
    await expect
      .poll(() => page.getByTestId('map-legend').innerText())
      .toMatch(/Liste Aubépine \(% des exprimés\)[\s\S]*Valeurs agrégées depuis le découpage « Bureaux de vote »/);
    await expect.poll(async () => (await fills(page)).length).toBeGreaterThanOrEqual(2);
  });

  it('says the same in English and fits a phone', async () => {
    const page = await h.newPage({ width: 390, height: 844, locale: 'en-GB' });
    await login(page, 'directrice@demo.relais.fr', DEMO_PASSWORD);
    await page.getByTestId('stat-people-total').waitFor();
    await page.getByRole('button', { name: /langue|language/i }).click();
    await page.getByRole('menuitem', { name: /english/i }).click();
    await expect.poll(() => page.locator('html').getAttribute('lang')).toBe('en');
    await page.goto('/app/territory');
    await page.getByTestId('layer-bureau').click();
    await chooseMetric(page, /^Turnout \(% of registered voters\)$/);
    await expect.poll(() => page.getByTestId('map-legend').innerText()).toMatch(/Turnout \(% of registered voters\)[\s\S]*No data/);
    expect(await page.locator('table').first().innerText()).toMatch(/\d+\.\d%/);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await h.shot(page, 'territory-bureaux-en-phone');
    await page.getByRole('button', { name: /See the details of Bureau 10-1/ }).click();
    await page.getByTestId('zone-detail').getByText('Valid votes').first().waitFor();
    await h.shot(page, 'territory-bureau-detail-en-phone');
  });

  it('tells the audit log, a job and a person in words', async () => {
    const page = await h.newPage();
    await login(page, 'directrice@demo.relais.fr', DEMO_PASSWORD);
    await page.getByTestId('stat-people-total').waitFor();
    await page.getByRole('button', { name: /langue|language/i }).click();
    await page.getByRole('menuitem', { name: /français/i }).click();
    await expect.poll(() => page.locator('html').getAttribute('lang')).toBe('fr');

    await page.goto('/app/audit');
    const audit = page.locator('main');
    await audit.getByText('Connexion').first().waitFor();
    const text = await audit.innerText();
    expect(text).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-|staff_user|auth\.login|\{"/);
    expect(text).toMatch(/Claire Directrice/);

    await page.goto('/app/jobs');
    await page.getByRole('button', { name: /Lancer une tâche de démonstration/ }).click();
    await page.getByText('Tâche de démonstration').first().waitFor();
    await page
      .getByText(/Comptage des personnes par étape/)
      .first()
      .waitFor();
    expect(await page.locator('main').innerText()).not.toMatch(/\bstep\b|demo\.count/);

    await page.goto('/app/people');
    await page.locator('a[href^="/app/people/0"]').first().click();
    await page.getByTestId('person-name').waitFor();
    const person = await page.locator('main').innerText();
    expect(person).toMatch(/Origine\u00a0: Données de démonstration/);
    expect(person).not.toMatch(/Origine\u00a0: demo|Aucun\n/);
    await h.shot(page, 'person-fr');
  });
});
