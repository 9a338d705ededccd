// Targeting as the director does it on the demo city: a score from the preset "mobiliser les
// abstentionnistes favorables" with our side chosen, its map with the P1–P5 legend, the ranked
// table, a zone's explanation, a target picked and saved; an indicator read on the IRIS says on
// screen that it was interpolated; the screen in English and on a phone without sideways scroll.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../src/server/modules/demo/demo.campaign.ts';
import { type BrowserHarness, login, startHarness } from './harness.ts';

const DIRECTOR = 'directrice@demo.relais.fr';
const PHONE = { width: 390, height: 844 };

describe('back office targeting', () => {
  let h: BrowserHarness;
  beforeAll(async () => {
    h = await startHarness({ peopleCount: 200 });
  });
  afterAll(async () => {
    await h?.close();
  });

  const signIn = async (options?: { width?: number; height?: number; locale?: string }) => {
    const page = await h.newPage(options);
    await login(page, DIRECTOR, DEMO_PASSWORD);
    await page.getByRole('navigation').first().waitFor();
    return page;
  };

  it('builds the favourable-abstainers score, explains a zone and picks it as a target (laptop, French)', async () => {
    const page = await signIn();
    await page.goto('/app/targeting');
    await page.getByRole('heading', { name: 'Nouveau score' }).waitFor();
    await page.getByRole('textbox', { name: /notre camp/i }).click();
    await page.getByRole('option').first().click();
    await page.keyboard.press('Escape');
    // Limited to one arrondissement: only its stations are ranked.
    await page.getByTestId('within-select').click();
    await page.getByRole('option').first().click();
    await page.getByTestId('save-score').click();
    await page.getByTestId('ranking-table').getByRole('row').nth(1).waitFor();
    const scored = await h.runtime.database.db
      .selectFrom('target_score')
      .select('within_zone_id')
      .where('campaign_id', '=', h.campaignId)
      .execute();
    expect(scored.map((r) => r.within_zone_id)).toEqual([expect.any(String)]);
    await expect.poll(() => page.locator('.leaflet-interactive').count()).toBeGreaterThan(3);
    await expect.poll(() => page.getByTestId('targeting-legend').textContent()).toContain('P1');
    await page.getByTestId('ranking-table').getByRole('row').nth(1).click();
    await expect.poll(() => page.getByTestId('explanation').textContent()).toContain('Abstention × part de notre camp');
    await page.getByTestId('ranking-table').getByRole('checkbox').first().check();
    await page.getByTestId('save-targets').click();
    await page.getByRole('status').filter({ hasText: 'Zones cibles enregistrées' }).waitFor();
    const picked = await h.runtime.database.db
      .selectFrom('target_zone')
      .select('zone_id')
      .where('campaign_id', '=', h.campaignId)
      .execute();
    expect(picked).toHaveLength(1);
    await h.shot(page, 'targeting-fr-laptop');

    // The housing theme reads the social-housing share on the IRIS: the screen says it is interpolated.
    await page.getByTestId('preset-select').click();
    await page.getByRole('option', { name: 'Thème logement' }).click();
    await page.getByTestId('save-score').click();
    await page.getByTestId('interpolated-note').waitFor();
    expect(await page.getByTestId('interpolated-note').textContent()).toMatch(/interpolées depuis le découpage « IRIS/i);
    const body = (await page.locator('main').textContent()) ?? '';
    expect(body).not.toMatch(/\b(undefined|favourable_abstention|indicator:)\b/);
  });

  it('shows the same screen in English and on a phone without sideways scroll', async () => {
    const setLocale = (locale: 'fr' | 'en') =>
      h.runtime.database.db.updateTable('staff_user').set({ locale }).where('email', '=', DIRECTOR).execute();
    await setLocale('en');
    const en = await signIn({ locale: 'en-GB' });
    await en.goto('/app/targeting');
    await en.getByTestId('ranking-table').getByRole('row').nth(1).waitFor();
    await en.getByRole('heading', { name: 'New score' }).waitFor();
    await h.shot(en, 'targeting-en-laptop');
    for (const locale of ['en-GB', 'fr-FR']) {
      await setLocale(locale === 'fr-FR' ? 'fr' : 'en');
      const phone = await signIn({ ...PHONE, locale });
      await phone.goto('/app/targeting');
      await phone.getByTestId('ranking-table').getByRole('row').nth(1).waitFor();
      await expect.poll(() => phone.locator('.leaflet-interactive').count()).toBeGreaterThan(3);
      expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
      await h.shot(phone, `targeting-${locale.slice(0, 2)}-phone`);
    }
  });
});
