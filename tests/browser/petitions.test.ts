// A visitor with JavaScript switched off signs a demo petition on a phone: the plain form posts, the
// thank-you page shows the share prompt, nothing counts until the e-mail link's button is clicked,
// then the count moves and the signatory is on the ladder. The signup form works the same way.
// The form guard's fill time is real here: the visitor takes a few seconds, as people do.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MIN_FILL_MS } from '../../src/server/site/form-guard.ts';
import { type BrowserHarness, startHarness } from './harness.ts';

describe('petitions without JavaScript', () => {
  let h: BrowserHarness;
  beforeAll(async () => {
    h = await startHarness({ peopleCount: 200 });
  });
  afterAll(async () => {
    await h?.close();
  });

  const linkFor = async (email: string) => {
    const mail = await h.runtime.database.db
      .selectFrom('dev_outbox')
      .select('text_body')
      .where('to_address', '=', email)
      .orderBy('created_at', 'desc')
      .executeTakeFirstOrThrow();
    return /https?:\/\/[^\s]+\/confirmer\/[A-Za-z0-9_-]{70}(\?lang=en)?/.exec(mail.text_body)?.[0]?.replace(/^https?:\/\/[^/]+/, '') ?? '';
  };
  /** A page with JavaScript off, on a phone. */
  const phonePage = async () => {
    const context = await h.browser.newContext({
      javaScriptEnabled: false,
      viewport: { width: 390, height: 844 },
      locale: 'fr-FR',
      baseURL: h.baseUrl,
    });
    return context.newPage();
  };
  const noSidewaysScroll = async (page: Awaited<ReturnType<typeof phonePage>>) => {
    const { scroll, client } = await page.evaluate(() => ({
      scroll: document.documentElement.scrollWidth,
      client: document.documentElement.clientWidth,
    }));
    expect(scroll).toBeLessThanOrEqual(client);
  };

  it('signs a petition with JavaScript off, counted only after the click', async () => {
    const slug = 'des-arbres-dans-chaque-cour-d-ecole';
    const count = async () =>
      ((await (await fetch(`${h.baseUrl}/petitions/${slug}/signatures.json`)).json()) as { signatures: number }).signatures;
    const before = await count();
    expect(before).toBeGreaterThan(0);
    const page = await phonePage();
    await page.goto(`/petitions/${slug}`);
    const loaded = Date.now();
    await page.getByRole('heading', { level: 1, name: 'Des arbres dans chaque cour d’école' }).waitFor();
    await noSidewaysScroll(page);
    await page.getByRole('textbox', { name: /^Prénom/ }).fill('Zoé');
    await page.getByRole('textbox', { name: /^Nom/ }).fill('Navarro');
    await page.getByLabel(/Adresse e-mail/).fill('Zoe.Navarro@Exemple.test');
    await page.getByLabel(/Code postal/).fill('75011');
    await page.getByLabel(/Afficher mon prénom/).check();
    // A person takes longer than the guard's minimum fill time.
    const left = MIN_FILL_MS + 200 - (Date.now() - loaded);
    if (left > 0) await page.waitForTimeout(left);
    await page.getByRole('button', { name: 'Je signe' }).click();
    await page.waitForURL(`**/petitions/${slug}/merci`);
    await page.getByRole('heading', { name: 'Merci ! Vérifiez votre boîte e-mail' }).waitFor();
    await page.getByRole('heading', { name: 'Faites passer le mot' }).waitFor();
    await noSidewaysScroll(page);
    expect(await count()).toBe(before);
    const submission = await h.runtime.database.db
      .selectFrom('form_submission')
      .select(['status', 'proof'])
      .where('email', '=', 'zoe.navarro@exemple.test')
      .executeTakeFirstOrThrow();
    expect(submission).toEqual({ status: 'pending', proof: 'none' });

    await page.goto(await linkFor('zoe.navarro@exemple.test'));
    await page.getByRole('heading', { name: 'Confirmez votre adresse' }).waitFor();
    expect(await count()).toBe(before);
    await page.getByRole('button', { name: 'Je confirme' }).click();
    await page.getByText('Votre signature est comptée.').waitFor();
    expect(await count()).toBe(before + 1);
    const person = await h.runtime.database.db
      .selectFrom('person')
      .select('ladder_stage')
      .where('email', '=', 'zoe.navarro@exemple.test')
      .executeTakeFirstOrThrow();
    expect(person.ladder_stage).toBe('sympathizer');
    await page.goto(`/petitions/${slug}`);
    await page.getByText('Zoé N.').waitFor();
    await page.context().close();
  });

  it('signs up for the newsletter with JavaScript off', async () => {
    const page = await phonePage();
    await page.goto('/inscription/newsletter?lang=en');
    const loaded = Date.now();
    await page.getByRole('heading', { level: 1, name: 'Get the newsletter' }).waitFor();
    await page.getByLabel(/E-mail address/).fill('reader@exemple.test');
    const left = MIN_FILL_MS + 200 - (Date.now() - loaded);
    if (left > 0) await page.waitForTimeout(left);
    await page.getByRole('button', { name: 'Sign me up' }).click();
    await page.getByRole('heading', { name: 'Thank you! Check your inbox' }).waitFor();
    expect(await h.runtime.database.db.selectFrom('person').select('id').where('email', '=', 'reader@exemple.test').execute()).toHaveLength(
      0,
    );
    await page.goto(await linkFor('reader@exemple.test'));
    await page.getByRole('button', { name: 'I confirm' }).click();
    await page.getByText('Your signup is recorded.').waitFor();
    const person = await h.runtime.database.db
      .selectFrom('person')
      .select('consent_email')
      .where('email', '=', 'reader@exemple.test')
      .executeTakeFirstOrThrow();
    expect(person.consent_email).toBe(true);
    await page.context().close();
  });
});
