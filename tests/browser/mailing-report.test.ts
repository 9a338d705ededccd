// The demo campaign's sent newsletter as a new user finds it: in the mailings list, its report with
// the figures, opens and clicks day by day, a map of open rates by arrondissement with its legend in
// French numbers, clicks per link, and who opened linking to their person page; on a phone too,
// without sideways scrolling.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../src/server/modules/demo/demo.campaign.ts';
import { DEMO_NEWSLETTER_LINKS } from '../../src/server/modules/demo/demo.newsletter.ts';
import { type BrowserHarness, login, startHarness } from './harness.ts';

const DIRECTOR = 'directrice@demo.relais.fr';
const NEWSLETTER = 'Lettre d’information n° 12';

describe('the demo newsletter’s report', () => {
  let h: BrowserHarness;

  beforeAll(async () => {
    h = await startHarness({ peopleCount: 3000 });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('shows where and when the newsletter was read (laptop, French)', async () => {
    const page = await h.newPage();
    await login(page, DIRECTOR, DEMO_PASSWORD);
    await page.getByRole('link', { name: /^envois e-mail$/i }).click();
    await page.waitForURL(/\/app\/mailings$/);
    await page.getByRole('link', { name: NEWSLETTER }).click();
    await page.waitForURL(/\/app\/mailings\/[0-9a-f-]{36}\/report$/);

    const figures = page.getByTestId('report-figures');
    await figures.getByText(/^ouvertures$/i).waitFor();
    // Rates the French way: « 31,2 % des distribués ».
    await figures
      .getByText(/^\d{1,2},\d\u00a0% des distribués$/)
      .first()
      .waitFor();

    const timeline = page.getByTestId('report-timeline');
    await timeline.getByRole('heading', { name: 'Ouvertures et clics, jour par jour' }).waitFor();
    expect(await timeline.getByRole('img').getAttribute('aria-label')).toMatch(/^Pic : [\d\u202f]+ ouvertures \(/);

    const map = page.getByTestId('report-map');
    await map.getByRole('heading', { name: 'Taux d’ouverture par arrondissement' }).waitFor();
    const shapes = map.locator('path.leaflet-interactive');
    await shapes.first().waitFor();
    // A choropleth: the arrondissements do not all get the same colour.
    const fills = new Set(await shapes.evaluateAll((paths) => paths.map((p) => p.getAttribute('fill'))));
    expect(fills.size).toBeGreaterThan(2);
    const legend = map.getByTestId('map-legend');
    await legend.getByText('Taux d’ouverture', { exact: true }).waitFor();
    await legend
      .getByText(/^de \d{1,2},\d\u00a0% à \d{1,2},\d\u00a0%$/)
      .first()
      .waitFor();
    await shapes.first().hover();
    await expect
      .poll(async () => page.locator('.leaflet-tooltip').textContent())
      .toMatch(/ : \d{1,2},\d\u00a0% d’ouverture \([\d\u202f]+ sur [\d\u202f]+\)$/);

    const links = page.getByRole('table').filter({ hasText: DEMO_NEWSLETTER_LINKS[0].url });
    for (const l of DEMO_NEWSLETTER_LINKS) await links.getByRole('cell', { name: l.url }).waitFor();
    await page.getByTestId('report-zones').getByRole('row').nth(1).waitFor();
    await h.shot(page, 'mailing-report-demo-fr');

    const opener = page.getByTestId('report-people').getByRole('link').first();
    await opener.click();
    await page.waitForURL(/\/app\/people\/[0-9a-f-]{36}$/);
  });

  it('fits a phone: map, legend and timeline without sideways scrolling', async () => {
    const page = await h.newPage({ width: 390, height: 844 });
    await login(page, DIRECTOR, DEMO_PASSWORD);
    await page.goto('/app/mailings');
    await page.getByRole('link', { name: NEWSLETTER }).click();
    await page.waitForURL(/\/report$/);
    await page.getByTestId('report-map').locator('path.leaflet-interactive').first().waitFor();
    await page.getByTestId('report-timeline').waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
    await h.shot(page, 'mailing-report-demo-phone-fr');
  });
});
