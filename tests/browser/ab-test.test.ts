// An A/B test as an organizer sets it up: a draft with a list as its audience, « Tester plusieurs
// versions » with a variant B of another subject (previewed), half the audience as the test share; « Envoyer »
// sends the test share only (both subjects in the development outbox, the rest held), and the
// report shows the test waiting for its decision with each variant's figures and its probability
// to be best — on a laptop, then on a phone without sideways scrolling.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../src/server/modules/demo/demo.campaign.ts';
import { addList, type BrowserHarness, login, startHarness } from './harness.ts';

const DIRECTOR = 'directrice@demo.relais.fr';

describe('back office A/B test of a mailing', () => {
  let h: BrowserHarness;
  let reachable = 0;

  beforeAll(async () => {
    h = await startHarness({ peopleCount: 300 });
    const { rows } = await sql<{ id: string; ok: boolean }>`
      select id, (consent_email and email is not null) as ok from person
      where campaign_id = ${h.campaignId} order by id limit 60`.execute(h.runtime.database.db);
    reachable = rows.filter((r) => r.ok).length;
    await addList(
      h,
      'Test du 20e',
      rows.map((r) => r.id),
    );
  });
  afterAll(async () => {
    await h?.close();
  });

  it('sets up a variant, sends the test share and shows the variants on the report', async () => {
    expect(reachable).toBeGreaterThan(4);
    const page = await h.newPage();
    await login(page, DIRECTOR, DEMO_PASSWORD);
    await page.goto('/app/mailings/new');
    await page.getByRole('textbox', { name: /^nom de l’envoi/i }).fill('Test des objets');
    await page.getByRole('textbox', { name: /^objet$/i }).fill('Objet A : la fête');
    await page.getByRole('button', { name: /^paragraphe$/i }).click();
    await page
      .getByTestId('block-1')
      .getByRole('textbox', { name: /^texte$/i })
      .fill('Venez samedi.');
    await page.getByRole('textbox', { name: /^listes$/i }).click();
    await page.getByRole('option', { name: 'Test du 20e' }).click();
    await page.keyboard.press('Escape');
    await page
      .getByTestId('audience-count')
      .getByText(new RegExp(`^${reachable} destinataires?$`))
      .waitFor();
    const setup = page.getByTestId('ab-test-setup');
    await setup.getByText(/enregistrez le brouillon pour préparer un test a\/b/i).waitFor();
    await page.getByRole('button', { name: /^enregistrer le brouillon$/i }).click();
    await page.waitForURL(/\/app\/mailings\/[0-9a-f-]{36}$/);
    // The saved mailing's composer replaces the new draft's: set the test up in that one, not in the
    // one about to go (its state would be lost with it).
    await page.locator('[data-mailing]:not([data-mailing="new"])').waitFor();

    await setup.getByRole('switch', { name: /^tester plusieurs versions$/i }).click();
    await setup
      .getByTestId('ab-variant-B')
      .getByRole('textbox', { name: /^objet$/i })
      .fill('Objet B : samedi, la fête');
    await setup.getByRole('textbox', { name: /^taille de la part testée$/i }).fill('50');
    await setup.getByRole('textbox', { name: /^critère du gagnant$/i }).click();
    await page.getByRole('option', { name: 'Clics uniques' }).click();
    await setup.getByRole('button', { name: /^enregistrer le test a\/b$/i }).click();
    await setup.getByText(/^test a\/b enregistré\.$/i).waitFor();
    // The preview shows each variant: B with its own subject.
    await page
      .locator('label')
      .filter({ hasText: /^Variante B$/ })
      .click();
    await page.getByText(/^objet : objet b : samedi, la fête$/i).waitFor();
    await page
      .locator('label')
      .filter({ hasText: /^Variante A$/ })
      .click();
    await page.getByText(/^objet : objet a : la fête$/i).waitFor();
    await h.shot(page, 'ab-test-setup-fr');

    await page.getByRole('button', { name: /^envoyer$/i }).click();
    const dialog = page.getByRole('dialog', { name: /envoyer cet e-mail/i });
    await dialog.getByText(/test a\/b : la part testée part d’abord/i).waitFor();
    await dialog.getByRole('button', { name: /^envoyer$/i }).click();
    await page.waitForURL(/\/app\/mailings\/[0-9a-f-]{36}\/report$/);

    // The worker sends the test share only; the report then says the decision is due.
    const status = page.getByTestId('ab-test-status');
    await expect.poll(() => status.innerText(), { timeout: 90_000 }).toMatch(/^Part testée envoyée\. Décision prévue le \d/);
    const outbox = await h.runtime.database.db.selectFrom('dev_outbox').select('subject').execute();
    const share = Math.round(reachable / 2);
    expect(outbox).toHaveLength(share);
    expect(new Set(outbox.map((m) => m.subject))).toEqual(new Set(['Objet A : la fête', 'Objet B : samedi, la fête']));
    const table = page.getByTestId('ab-test-variants');
    await table.getByRole('columnheader', { name: /^probabilité d’être la meilleure$/i }).waitFor();
    await table.getByRole('cell', { name: 'Objet B : samedi, la fête' }).waitFor();
    expect(await table.getByRole('row').count()).toBe(3);
    await page.getByText(/il faut au moins 500 destinataires mesurables par variante/i).waitFor();
    await page.getByText(/^critère : clics uniques\. seuil de cette évaluation : 98,75\s%\.$/i).waitFor();
    await h.shot(page, 'ab-test-report-fr');

    const phone = await h.newPage({ width: 390, height: 844 });
    await login(phone, DIRECTOR, DEMO_PASSWORD);
    await phone.goto(page.url().replace(/^https?:\/\/[^/]+/, ''));
    await phone.getByTestId('ab-test-variants').waitFor();
    await h.shot(phone, 'ab-test-report-phone-fr');
    expect(await phone.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
  }, 300_000);
});
