// A campaign team's day with the people screens: add a person met at a market stall (every mistake
// of the form shown at once, then the consent and its proof), log a call that moves them up the
// ladder, find "Roy" first when typing "roy", and read phones written the French way.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../src/server/modules/demo/demo.campaign.ts';
import { type BrowserHarness, login, startHarness } from './harness.ts';

const DIRECTOR = 'directrice@demo.relais.fr';

describe('people, every day', () => {
  let h: BrowserHarness;

  beforeAll(async () => {
    h = await startHarness();
    // Four people named Roy and one with "roy" only in her e-mail, among many Leroy and Royer.
    const { db } = h.runtime.database;
    const rows = [
      ...Array.from({ length: 60 }, (_, i) => ({ given_name: 'Jean', family_name: i % 2 ? 'Leroy' : 'Royer' })),
      ...['Zoé', 'Émilie', 'Anne', 'Yanis'].map((given_name) => ({ given_name, family_name: 'Roy' })),
    ];
    for (const [i, row] of rows.entries()) {
      await db
        .insertInto('person')
        .values({ campaign_id: h.campaignId, id: `00000000-0000-7000-9000-${String(i).padStart(12, '0')}`, ...row, source: 'test' })
        .execute();
    }
  });
  afterAll(async () => {
    await h?.close();
  });

  it('adds a person from the people list, shows every mistake at once, then records the consent and its proof', async () => {
    const page = await h.newPage();
    await login(page, DIRECTOR, DEMO_PASSWORD);
    await page.getByTestId('stat-people-total').waitFor();
    await page.goto('/app/people');
    await page.getByRole('link', { name: 'Ajouter une personne' }).click();
    await page.getByRole('heading', { name: 'Ajouter une personne' }).waitFor();
    await page.getByRole('textbox', { name: 'Prénom' }).fill('Aïcha');
    await page.getByRole('textbox', { name: 'Nom', exact: true }).fill('Adam');
    await page.getByRole('textbox', { name: 'E-mail', exact: true }).fill('aicha.adam@');
    await page.getByRole('textbox', { name: 'Téléphone', exact: true }).fill('12');
    await page.getByRole('checkbox', { name: 'SMS' }).check();
    await page.getByRole('button', { name: 'Ajouter la personne' }).click();
    // Every mistake at once: the e-mail, the phone, and the consent's missing proof.
    await page.getByText('Corrigez les champs signalés').waitFor();
    await expect.poll(() => page.getByText('Adresse e-mail invalide').count()).toBe(1);
    expect(await page.getByText('Numéro invalide').count()).toBe(1);
    expect(await page.getByText('Dites comment et où le consentement a été recueilli.').count()).toBe(1);
    await h.shot(page, 'daily-01-add-person-errors');
    await page.getByRole('textbox', { name: 'E-mail', exact: true }).fill('aicha.adam@example.org');
    await page.getByRole('textbox', { name: 'Téléphone', exact: true }).fill('06 39 98 72 18');
    await page.getByRole('textbox', { name: 'Où, sur quel support' }).fill('Formulaire papier au marché d’Aligre');
    await page.getByRole('button', { name: 'Ajouter la personne' }).click();
    await page.getByTestId('person-name').filter({ hasText: 'Aïcha Adam' }).waitFor();
    // The phone the French way, the SMS consent given with its source.
    await page.getByRole('link', { name: '06 39 98 72 18' }).waitFor();
    await expect.poll(() => page.getByTestId('consent-sms').innerText()).toMatch(/Accordé/);
    expect(await page.getByTestId('consent-sms').innerText()).toMatch(/Formulaire papier/);
    await h.shot(page, 'daily-02-person-created');

    // A call where she says she supports the campaign: she becomes a sympathizer.
    await page.getByRole('button', { name: 'Enregistrer un contact' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('textbox', { name: 'Résultat' }).click();
    await page.getByRole('option', { name: 'Soutient la campagne' }).click();
    await dialog.getByRole('textbox', { name: 'Commentaire' }).fill('Viendra à la réunion de jeudi');
    await h.shot(page, 'daily-03-log-contact');
    await dialog.getByRole('button', { name: 'Consigner' }).click();
    await page.getByTestId('contact-saved').filter({ hasText: 'passe à l’étape « Sympathisant »' }).waitFor();
    const timeline = page.getByTestId('person-timeline');
    await timeline.getByText('Contact\u00a0: soutient la campagne').waitFor();
    expect(await timeline.innerText()).toContain('Appel — Viendra à la réunion de jeudi');
    expect(await timeline.innerText()).toContain('Curieux → Sympathisant');
    await h.shot(page, 'daily-04-ladder-moved');
  });

  it('lists the Roy first when typing "roy", in relevance order, names in French order', async () => {
    const page = await h.newPage();
    await login(page, DIRECTOR, DEMO_PASSWORD);
    await page.getByTestId('stat-people-total').waitFor();
    await page.goto('/app/people?q=roy');
    await page
      .getByTestId('people-total')
      .filter({ hasText: /personne/ })
      .waitFor();
    const names = page.locator('a[href*="/people/"]').filter({ hasText: /Roy|Royer|Leroy/ });
    await expect.poll(() => names.count()).toBeGreaterThan(10);
    const shown = await names.allInnerTexts();
    // Every "… Roy" (the demo has its own) before any Royer or Leroy, ours in French order.
    const lastRoy = shown.findLastIndex((n) => / Roy$/.test(n));
    const firstOther = shown.findIndex((n) => /Royer|Leroy/.test(n));
    expect(lastRoy).toBeGreaterThanOrEqual(3);
    expect(firstOther).toBeGreaterThan(lastRoy);
    const ours = shown.filter((n) => ['Anne Roy', 'Émilie Roy', 'Yanis Roy', 'Zoé Roy'].includes(n));
    expect(ours).toEqual(['Anne Roy', 'Émilie Roy', 'Yanis Roy', 'Zoé Roy']);
    await h.shot(page, 'daily-05-search-roy');
  });

  it('shows the demo’s ladder moves with rates a reader can believe and round axis ticks', async () => {
    const page = await h.newPage();
    await login(page, DIRECTOR, DEMO_PASSWORD);
    await page.getByTestId('stat-people-total').waitFor();
    await page.goto('/app/ladder');
    const table = page.getByTestId('funnel-conversions');
    await table.waitFor();
    // French percentages: a narrow space between thousands, a no-break space before %.
    const rates = (await table.innerText()).match(/\d{1,3}(?:\u202f\d{3})*[\u00a0\u202f]?%/g) ?? [];
    expect(rates.length).toBeGreaterThan(0);
    for (const rate of rates) expect(Number(rate.replace(/\D/g, ''))).toBeLessThanOrEqual(100);
    // The axis's numbers (the weeks below the bars are dates: 21/09).
    const texts = await page.getByTestId('funnel-chart').locator('text').allTextContents();
    const ticks = texts.filter((t) => !t.includes('/')).map((t) => Number(t.replace(/\D/g, '')));
    const step = (ticks[1] ?? 0) - (ticks[0] ?? 0);
    expect(step).toBeGreaterThan(0);
    expect(String(step)).toMatch(/^(1|2|25|5)0*$/);
    expect(ticks.every((t, i) => t === i * step)).toBe(true);
    await h.shot(page, 'daily-07-ladder');
  });

  it('adds a person on a phone, in English', async () => {
    const page = await h.newPage({ width: 390, height: 844, locale: 'en-GB' });
    await h.runtime.database.db.updateTable('staff_user').set({ locale: 'en' }).where('email', '=', DIRECTOR).execute();
    await login(page, DIRECTOR, DEMO_PASSWORD);
    await page.getByTestId('stat-people-total').waitFor();
    await page.goto('/app/people/new');
    await page.getByRole('heading', { name: 'Add a person' }).waitFor();
    await page.getByRole('button', { name: 'Add the person' }).click();
    await page.getByText('Give at least a name, an e-mail or a phone number.').waitFor();
    await h.shot(page, 'daily-06-add-person-phone-en');
    await h.runtime.database.db.updateTable('staff_user').set({ locale: 'fr' }).where('email', '=', DIRECTOR).execute();
  });
});
