// Fact checks and the poster vote as a new user meets them on the demo: a published check on the
// site with its ClaimReview, the vote from its options to a confirmed ballot in the result, and the
// back office screens in French and English, on a laptop and a phone (no sideways scroll).
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../src/server/modules/demo/demo.campaign.ts';
import { MIN_FILL_MS } from '../../src/server/site/form-guard.ts';
import { type BrowserHarness, login, startHarness } from './harness.ts';

const PHONE = { width: 390, height: 844 };

async function noSidewaysScroll(page: Page) {
  expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1)).toBe(true);
}

describe('fact checks and public votes', () => {
  let h: BrowserHarness;
  beforeAll(async () => {
    h = await startHarness({ peopleCount: 200 });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('shows the published checks on the site, each with a ClaimReview', async () => {
    for (const [size, name] of [
      [{}, 'laptop'],
      [PHONE, 'phone'],
    ] as const) {
      const page = await h.newPage(size);
      await page.goto('/le-vrai-du-faux');
      await expect(page.getByRole('heading', { level: 1, name: 'Le vrai du faux' }).isVisible()).resolves.toBe(true);
      await noSidewaysScroll(page);
      await h.shot(page, `civic-factchecks-index-${name}`);
      await page.getByRole('link', { name: /arbres/ }).click();
      const ld = JSON.parse((await page.locator('script[type="application/ld+json"]').textContent()) ?? '{}');
      expect(ld['@type']).toBe('ClaimReview');
      expect(ld.reviewRating.alternateName).toBe('Faux');
      await noSidewaysScroll(page);
      await h.shot(page, `civic-factcheck-page-${name}`);
      await page.goto('/le-vrai-du-faux?lang=en');
      await h.shot(page, `civic-factchecks-index-en-${name}`);
      await page.context().close();
    }
  });

  it('takes a vote from the poster page to the result once confirmed', async () => {
    const page = await h.newPage(PHONE);
    await page.goto('/votes/affiche-officielle');
    const loaded = Date.now();
    await noSidewaysScroll(page);
    await h.shot(page, 'civic-vote-phone');
    const before = Number(
      (
        await page
          .getByText(/votes confirmés/)
          .first()
          .textContent()
      )?.replace(/\D/g, ''),
    );
    await page.getByRole('radio', { name: /La ville qui respire/ }).check();
    await page.getByLabel('Votre adresse e-mail').fill('nouvelle.votante@example.org');
    // The vote form is behind the site's form guard: a person takes longer than its minimum fill time.
    const left = MIN_FILL_MS + 200 - (Date.now() - loaded);
    if (left > 0) await page.waitForTimeout(left);
    await page.getByRole('button', { name: 'Voter' }).click();
    await expect(page.getByRole('heading', { name: 'Vérifiez votre boîte e-mail' }).isVisible()).resolves.toBe(true);
    const mail = await h.runtime.database.db
      .selectFrom('dev_outbox')
      .select('text_body')
      .where('to_address', '=', 'nouvelle.votante@example.org')
      .executeTakeFirstOrThrow();
    const link = mail.text_body.match(/https?:\/\/\S+\/votes\/confirmer\/\S+/)?.[0] ?? '';
    await page.goto(new URL(link).pathname);
    await page.getByRole('button', { name: 'Confirmer mon vote' }).click();
    await expect(page.getByText(/votre vote pour « Affiche « La ville qui respire » » est enregistré/).isVisible()).resolves.toBe(true);
    await page.goto('/votes/affiche-officielle');
    const after = Number(
      (
        await page
          .getByText(/votes confirmés/)
          .first()
          .textContent()
      )?.replace(/\D/g, ''),
    );
    expect(after).toBe(before + 1);
    await page.context().close();
  });

  it('shows the back office screens in French and English, on a laptop and a phone', async () => {
    for (const [size, name] of [
      [{}, 'laptop'],
      [PHONE, 'phone'],
    ] as const) {
      for (const locale of ['fr-FR', 'en-GB']) {
        const page = await h.newPage({ ...size, locale });
        await login(page, 'cm@demo.relais.fr', DEMO_PASSWORD);
        await page.goto('/app/factchecks');
        await page
          .getByText(/arbres/)
          .first()
          .waitFor();
        await noSidewaysScroll(page);
        await h.shot(page, `civic-bo-factchecks-${locale}-${name}`);
        await page.goto('/app/votes');
        await page
          .getByText(/affiche officielle/i)
          .first()
          .waitFor();
        await page.getByRole('button', { name: /Compteurs anti-fraude|Anti-fraud counters/ }).click();
        await page.getByText('mail-jetable.example').first().waitFor();
        await noSidewaysScroll(page);
        await h.shot(page, `civic-bo-votes-${locale}-${name}`);
        await page.context().close();
      }
    }
  });
});
