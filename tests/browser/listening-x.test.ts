// The accounts screen with an X account: the month's cost (spent, projected, cap, posts read and
// created) in euros as each language writes them, the paused state once the cap is reached, and the
// administrator editing the prices and the cap; on a laptop and a phone, in French and English.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uuidv7 } from '../../src/server/lib/ids.ts';
import { DEMO_PASSWORD } from '../../src/server/modules/demo/demo.campaign.ts';
import { monthOf } from '../../src/server/modules/listening/x-cost.ts';
import { type BrowserHarness, login, startHarness } from './harness.ts';

const ADMIN = 'admin@demo.relais.fr';

describe('listening: the cost of an X account', () => {
  let h: BrowserHarness;
  let capped = '';

  beforeAll(async () => {
    h = await startHarness({ peopleCount: 50 });
    const db = h.runtime.database.db;
    const c = h.campaignId;
    const team = uuidv7();
    capped = uuidv7();
    const monthStart = monthOf(new Date()).start;
    await db
      .insertInto('listening_account')
      .values([
        {
          campaign_id: c,
          id: team,
          network: 'x',
          kind: 'team',
          handle: 'equipe_relais',
          base_url: 'https://api.x.com',
          credentials: randomBytes(40),
          x_monthly_cap: 5000,
          created_at: monthStart,
        },
        {
          campaign_id: c,
          id: capped,
          network: 'x',
          kind: 'candidate',
          handle: 'anne_candidate',
          base_url: 'https://api.x.com',
          credentials: randomBytes(40),
          x_read_price: 4000,
          x_monthly_cap: 1000,
          created_at: monthStart,
        },
      ])
      .execute();
    await db
      .insertInto('listening_watch')
      .values({
        campaign_id: c,
        id: uuidv7(),
        name: 'X : la candidate',
        source: 'x',
        account_id: capped,
        query: JSON.stringify({ phrases: ['Anne Candidate'], words: [], exclude: [], hashtags: [], mentions: [], language: 'fr' }),
        last_error: 'The X account reached its monthly cap: polling paused until 2027-01-01.',
        next_poll_at: monthOf(new Date()).end,
      })
      .execute();
    const month = monthOf(new Date()).key;
    await db
      .insertInto('listening_x_usage')
      .values([
        { campaign_id: c, account_id: team, month, posts_read: 2468, posts_created: 12, spent: 2468 * 5000 + 12 * 15000 },
        { campaign_id: c, account_id: capped, month, posts_read: 2500, posts_created: 0, spent: 2500 * 4000 },
      ])
      .execute();
  });

  afterAll(async () => {
    await h?.close();
  });

  for (const [locale, lang] of [
    ['fr-FR', 'fr'],
    ['en-GB', 'en'],
  ] as const) {
    it(`shows the month's spending, projection and cap in euros, and the paused state (${lang})`, async () => {
      await h.runtime.database.db.updateTable('staff_user').set({ locale: lang }).where('email', '=', ADMIN).execute();
      for (const [width, size] of [
        [1280, 'laptop'],
        [390, 'phone'],
      ] as const) {
        const page = await h.newPage({ width, height: width === 390 ? 844 : 860, locale });
        await login(page, ADMIN, DEMO_PASSWORD);
        await page.goto('/app/listening?tab=accounts');
        await page.getByText('equipe_relais').waitFor();
        // 2,468 posts read at 0.005 € and 12 posted at 0.015 €: 12.52 €.
        await page.getByText(lang === 'fr' ? 'Dépensé : 12,52 €' : 'Spent: €12.52').waitFor();
        await page.getByText(lang === 'fr' ? 'Plafond : 50,00 €' : 'Cap: €50.00').waitFor();
        await page
          .getByText(lang === 'fr' ? /Projection fin de mois : [\d\s]+,\d\d\s€/ : /Projected by month end: €[\d,]+\.\d\d/)
          .first()
          .waitFor();
        await page
          .getByText(lang === 'fr' ? /0,005\s€ par message lu/ : /€0.005 per post read/)
          .first()
          .waitFor();
        await page.getByText(lang === 'fr' ? /Plafond atteint : les veilles de ce compte sont en pause/ : /Cap reached/).waitFor();
        if (width === 390) expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
        await h.shot(page, `listening-x-cost-${lang}-${size}`);
        await page.context().close();
      }
    });
  }

  it('the watches screen says, in French, that an X watch is paused by its cap', async () => {
    await h.runtime.database.db.updateTable('staff_user').set({ locale: 'fr' }).where('email', '=', ADMIN).execute();
    const page = await h.newPage({ width: 390, height: 844 });
    await login(page, ADMIN, DEMO_PASSWORD);
    await page.goto('/app/listening?tab=watches');
    await page.getByText('X : la candidate').waitFor();
    await page.getByText(/En pause : le plafond mensuel du compte X est atteint, reprise le 1 /).waitFor();
    expect(await page.getByText(/reached its monthly cap/).count()).toBe(0);
    await h.shot(page, 'listening-x-watch-capped-fr-phone');
    await page.context().close();
  });

  it('the administrator raises the cap from the screen: the account is active again', async () => {
    await h.runtime.database.db.updateTable('staff_user').set({ locale: 'fr' }).where('email', '=', ADMIN).execute();
    const page = await h.newPage();
    await login(page, ADMIN, DEMO_PASSWORD);
    await page.goto('/app/listening?tab=accounts');
    await page.getByText('anne_candidate').waitFor();
    const card = page.locator('[data-testid="x-cost"]').nth(1);
    await card.getByRole('button', { name: 'Tarifs et plafond' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Plafond mensuel').fill('20');
    await h.shot(page, 'listening-x-cost-settings-fr-laptop');
    await dialog.getByRole('button', { name: 'Enregistrer' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await page.getByText('Plafond : 20,00 €').waitFor();
    const row = await h.runtime.database.db
      .selectFrom('listening_account')
      .select('x_monthly_cap')
      .where('id', '=', capped)
      .executeTakeFirstOrThrow();
    expect(row.x_monthly_cap).toBe(2000);
    expect(await page.getByText(/Plafond atteint/).count()).toBe(0);
  });
});
