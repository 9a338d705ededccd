// What a person does in the back office: the director signs in and sees the figures, switches
// language, creates an API token and sees it once; a referent sees only their arrondissement; a
// failed sign-in says why, and repeated failures lock the account.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../src/server/modules/demo/demo.campaign.ts';
import { type BrowserHarness, login, startHarness } from './harness.ts';

describe('back office foundation', () => {
  let h: BrowserHarness;

  beforeAll(async () => {
    h = await startHarness({ loginMaxFailures: 3 });
  });
  afterAll(async () => {
    await h?.close();
  });

  async function countPeople(where = sql`true`): Promise<number> {
    const { rows } = await sql<{ n: string }>`select count(*) as n from person where campaign_id = ${h.campaignId} and ${where}`.execute(
      h.runtime.database.db,
    );
    return Number(rows[0]?.n);
  }

  it('shows the director the dashboard figures from the database, in French then English', async () => {
    const page = await h.newPage();
    await login(page, 'directrice@demo.relais.fr', DEMO_PASSWORD);
    const total = page.getByTestId('stat-people-total');
    await total.waitFor();
    const expected = await countPeople();
    expect(expected).toBeGreaterThan(1000);
    await expect.poll(async () => Number((await total.innerText()).replace(/\D/g, ''))).toBe(expected);
    const volunteers = await countPeople(sql`ladder_stage = 'volunteer'`);
    expect(Number((await page.getByTestId('stat-stage-volunteer').innerText()).replace(/\D/g, ''))).toBe(volunteers);
    expect(await page.locator('[data-testid^="zone-row-"]').count()).toBeGreaterThanOrEqual(2);
    expect(await page.locator('html').getAttribute('lang')).toBe('fr');
    await h.shot(page, '01-dashboard-directrice-fr');

    await page.getByRole('button', { name: /langue|language/i }).click();
    await page.getByRole('menuitem', { name: /english/i }).click();
    await page
      .getByText(/people|contacts/i)
      .first()
      .waitFor();
    await expect.poll(() => page.locator('html').getAttribute('lang')).toBe('en');
    await h.shot(page, '02-dashboard-directrice-en');
    // Back to French for the next screens.
    await page.getByRole('button', { name: /langue|language/i }).click();
    await page.getByRole('menuitem', { name: /français/i }).click();
    await expect.poll(() => page.locator('html').getAttribute('lang')).toBe('fr');
  });

  it('creates an API token for an application, shows it once, and revokes it after confirmation', async () => {
    const page = await h.newPage();
    await login(page, 'directrice@demo.relais.fr', DEMO_PASSWORD);
    await page.getByTestId('stat-people-total').waitFor();
    await page.goto('/app/tokens');
    await page.getByRole('button', { name: /créer un jeton/i }).click();
    await page.getByLabel(/^application/i).fill('Hackathon civique');
    await page.getByLabel(/nom du jeton/i).fill('essai');
    await page.getByLabel(/^description/i).fill('Carte des bénévoles');
    // Scopes are grouped by resource, in words: no scope id in the French interface.
    await page.getByTestId('scope-group-tags').waitFor();
    expect(await page.getByRole('dialog').innerText()).not.toMatch(/[a-z_]+:(read|write|export)/);
    await page.getByRole('button', { name: /tout en lecture/i }).click();
    await page.getByRole('button', { name: /^créer$/i }).click();
    const value = page.getByTestId('new-token-value');
    await value.waitFor();
    const token = (await value.innerText()).trim();
    expect(token).toMatch(/^rl_/);
    await page.waitForTimeout(500); // let the modal transition end before the screenshot
    await h.shot(page, '03-token-created-once');
    // The token reads the API…
    const res = await fetch(`${h.baseUrl}/api/v1/zone_layers`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    // …and is never shown again.
    await page.keyboard.press('Escape');
    await page.reload();
    await page.getByText('Application : Hackathon civique').waitFor();
    expect(await page.content()).not.toContain(token);
    await h.shot(page, '04-tokens-list');
    // Revoked after confirmation: refused at once.
    await page.getByRole('button', { name: /révoquer le jeton essai/i }).click();
    await page
      .getByRole('dialog')
      .getByRole('button', { name: /^révoquer$/i })
      .click();
    await page
      .getByText(/révoqué le/i)
      .first()
      .waitFor();
    const after = await fetch(`${h.baseUrl}/api/v1/zone_layers`, { headers: { authorization: `Bearer ${token}` } });
    expect(after.status).toBe(401);
  });

  it("shows a referent only their arrondissement's figures", async () => {
    const page = await h.newPage({ width: 390, height: 844 });
    await login(page, 'referent11@demo.relais.fr', DEMO_PASSWORD);
    const total = page.getByTestId('stat-people-total');
    await total.waitFor();
    const membership = await h.runtime.database.db
      .selectFrom('membership as m')
      .innerJoin('staff_user as u', 'u.id', 'm.user_id')
      .innerJoin('zone as z', (j) => j.on(sql<boolean>`z.id = any(m.zone_ids)`))
      .select(['z.id', 'z.code'])
      .where('u.email', '=', 'referent11@demo.relais.fr')
      .executeTakeFirstOrThrow();
    const inZone = await countPeople(sql`zone_ids @> array[${membership.id}]::uuid[]`);
    await expect.poll(async () => Number((await total.innerText()).replace(/\D/g, ''))).toBe(inZone);
    expect(inZone).toBeLessThan(await countPeople());
    const rows = page.locator('[data-testid^="zone-row-"]');
    expect(await rows.count()).toBe(1);
    expect(await rows.first().getAttribute('data-testid')).toBe(`zone-row-${membership.code}`);
    await h.shot(page, '05-dashboard-referent-phone');
  });

  it('says why a sign-in failed, then locks the account after repeated failures', async () => {
    const page = await h.newPage();
    await login(page, 'benevole@demo.relais.fr', 'not-the-password');
    const alert = page.getByRole('alert');
    await alert.waitFor();
    expect(await alert.innerText()).toMatch(/e-mail ou mot de passe incorrect/i);
    await h.shot(page, '06-login-failed');
    for (let i = 0; i < 2; i += 1) {
      await page.getByLabel(/mot de passe/i).fill('still-not-the-password');
      await page.getByRole('button', { name: /se connecter/i }).click();
      await page.waitForTimeout(300);
    }
    await expect.poll(async () => (await page.getByRole('alert').innerText()).toLowerCase()).toMatch(/verrouillé/);
    // Even the right password is refused while locked.
    await page.getByLabel(/mot de passe/i).fill(DEMO_PASSWORD);
    await page.getByRole('button', { name: /se connecter/i }).click();
    await page.waitForTimeout(300);
    expect((await page.getByRole('alert').innerText()).toLowerCase()).toMatch(/verrouillé/);
    expect(page.url()).toContain('/app/login');
    await h.shot(page, '07-login-locked');
  });
});
