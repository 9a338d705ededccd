// The mailing screens as an organizer uses them: « Nouvel envoi », a heading and a paragraph with a
// merge tag, a list as the audience with its live count per arrondissement, the preview at phone
// width (the merge tag at its fallback), « Envoyer » after a dialog stating the count, the worker
// sends it to the development outbox, the list says « Envoyé », and the report opens; on a laptop in
// French and on a phone in English (no sideways scrolling).
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uuidv7 } from '../../src/server/lib/ids.ts';
import { DEMO_PASSWORD } from '../../src/server/modules/demo/demo.campaign.ts';
import { addList, type BrowserHarness, login, startHarness } from './harness.ts';

const DIRECTOR = 'directrice@demo.relais.fr';

describe('back office mailings', () => {
  let h: BrowserHarness;
  let listId = '';
  let reachable = 0;

  beforeAll(async () => {
    h = await startHarness({ peopleCount: 300 });
    const db = h.runtime.database.db;
    const { rows } = await sql<{ id: string; ok: boolean }>`
      select id, (consent_email and email is not null
        -- (the demo newsletter's bounces are suppressed: no mailing reaches them)
        and not exists (select 1 from mail_suppression s where s.campaign_id = person.campaign_id and s.email = person.email)) as ok
      from person where campaign_id = ${h.campaignId} order by id limit 30`.execute(db);
    reachable = rows.filter((r) => r.ok).length;
    listId = await addList(
      h,
      'Lettre du 11e',
      rows.map((r) => r.id),
    );
  });
  afterAll(async () => {
    await h?.close();
  });

  it('composes, counts, previews at phone width, sends and reports (laptop, French)', async () => {
    expect(reachable).toBeGreaterThan(0);
    const page = await h.newPage();
    await login(page, DIRECTOR, DEMO_PASSWORD);
    await page.getByRole('link', { name: /^envois e-mail$/i }).click();
    await page.waitForURL(/\/app\/mailings$/);
    await page.getByRole('link', { name: /^nouvel envoi$/i }).click();
    await page.waitForURL(/\/app\/mailings\/new$/);

    await page.getByRole('textbox', { name: /^nom de l’envoi/i }).fill('Fête du 11e');
    await page.getByRole('textbox', { name: /^objet$/i }).fill('Samedi, la fête de quartier');
    await page.getByRole('textbox', { name: /^nom de l’expéditeur$/i }).fill('Paris Ensemble');
    await page.getByText(/\{\{given_name\|"Bonjour"\}\}/).waitFor();
    await page.getByRole('button', { name: /^titre$/i }).click();
    await page.getByRole('button', { name: /^paragraphe$/i }).click();
    await page
      .getByTestId('block-1')
      .getByRole('textbox', { name: /^texte$/i })
      .fill('Fête de quartier');
    // A merge tag the composer does not know is refused, in words.
    const paragraph = page.getByTestId('block-2').getByRole('textbox', { name: /^texte$/i });
    await paragraph.fill('{{prenom}}, venez samedi.');
    await page.getByRole('button', { name: /^enregistrer le brouillon$/i }).click();
    await page.getByText(/champ de fusion inconnu ou mal fermé/i).waitFor();
    await page.getByText(/^à corriger : .*prenom/i).waitFor();
    await paragraph.fill('{{given_name|"Bonjour"}}, venez samedi place Léon-Blum.');
    // Reordering: the paragraph goes up, then back down.
    await page.getByRole('button', { name: /^monter le bloc 2$/i }).click();
    expect(
      await page
        .getByTestId('block-1')
        .getByText(/^1\. paragraphe$/i)
        .count(),
    ).toBe(1);
    await page.getByRole('button', { name: /^descendre le bloc 1$/i }).click();
    expect(
      await page
        .getByTestId('block-1')
        .getByText(/^1\. titre$/i)
        .count(),
    ).toBe(1);

    await page.getByRole('textbox', { name: /^listes$/i }).click();
    await page.getByRole('option', { name: 'Lettre du 11e' }).click();
    await page.keyboard.press('Escape');
    const count = page.getByTestId('audience-count');
    await count.getByText(new RegExp(`^${reachable} destinataires?$`)).waitFor();
    await count.getByRole('columnheader', { name: /^arrondissement$/i }).waitFor();

    await page.getByRole('button', { name: /^enregistrer le brouillon$/i }).click();
    await page.waitForURL(/\/app\/mailings\/[0-9a-f-]{36}$/);
    // Typed into the saved mailing's composer, not the new draft's it replaces.
    await page.locator('[data-mailing]:not([data-mailing="new"])').waitFor();
    const frame = page.frameLocator('iframe[title="Aperçu du message"]');
    await frame.getByText('Bonjour, venez samedi place Léon-Blum.').waitFor();
    await page.getByText(/^objet : samedi, la fête de quartier$/i).waitFor();
    // The preview follows the typing (the draft is saved again a moment after a change).
    await page
      .getByTestId('block-1')
      .getByRole('textbox', { name: /^texte$/i })
      .fill('Fête de quartier samedi');
    await frame.getByText('Fête de quartier samedi', { exact: true }).waitFor();
    await page.getByText('Téléphone', { exact: true }).click();
    const iframe = page.locator('iframe[title="Aperçu du message"]');
    await expect.poll(async () => (await iframe.boundingBox())?.width).toBe(390);
    await h.shot(page, 'mailing-composer-fr');

    await page.getByRole('textbox', { name: /^adresses de test$/i }).fill('elu@example.org, presse@example.org');
    await page.getByRole('button', { name: /^envoyer le test$/i }).click();
    await page.getByText(/^test envoyé\.$/i).waitFor();
    const tests = await h.runtime.database.db
      .selectFrom('dev_outbox')
      .select(['to_address', 'subject', 'text_body'])
      .where('subject', 'like', '[Test]%')
      .execute();
    expect(tests.map((m) => m.to_address).sort()).toEqual(['elu@example.org', 'presse@example.org']);
    expect(tests[0]?.text_body).toContain('Bonjour, venez samedi place Léon-Blum.');

    await page.getByRole('button', { name: /^envoyer$/i }).click();
    const dialog = page.getByRole('dialog', { name: /envoyer cet e-mail/i });
    await dialog.getByText(new RegExp(`vers ${reachable} destinataires?`)).waitFor();
    await dialog.getByRole('button', { name: /^envoyer$/i }).click();
    await page.waitForURL(/\/app\/mailings\/[0-9a-f-]{36}\/report$/);

    // The send job runs in the harness's worker (to the development outbox); the report then says « Envoyé ».
    await expect
      .poll(
        async () => {
          const row = await h.runtime.database.db
            .selectFrom('mailing')
            .select('status')
            .where('campaign_id', '=', h.campaignId)
            // The demo campaign has its own newsletter, sent already.
            .where('name', '=', 'Fête du 11e')
            .executeTakeFirst();
          return row?.status;
        },
        { timeout: 60_000 },
      )
      .toBe('sent');
    await page
      .getByText(/^envoyé$/i)
      .first()
      .waitFor({ timeout: 15_000 });
    const figures = page.getByTestId('report-figures');
    await figures.getByText(/^envoyés$/i).waitFor();
    await figures.getByText(/^distribués$/i).waitFor();
    await expect
      .poll(() => figures.locator('> *').first().innerText(), { timeout: 30_000 })
      .toMatch(new RegExp(`^Envoyés\\s+${reachable}$`));
    await page.getByTestId('report-zones').getByRole('row').nth(1).waitFor();
    const sent = await h.runtime.database.db
      .selectFrom('dev_outbox')
      .select(['text_body'])
      .where('subject', '=', 'Samedi, la fête de quartier')
      .execute();
    expect(sent).toHaveLength(reachable);
    expect(sent.every((m) => /venez samedi place Léon-Blum\./.test(m.text_body) && !m.text_body.includes('{{'))).toBe(true);
    await page.getByRole('heading', { name: /^clics par lien$/i }).waitFor();
    await page.getByText(/^personne pour le moment\.$/i).waitFor();

    // One recipient opens the message in a mail app (its pixel loaded over HTTP): the report counts
    // them and names them, linking to their page.
    const withPixel = await h.runtime.database.db
      .selectFrom('dev_outbox')
      .select('html_body')
      .where('subject', '=', 'Samedi, la fête de quartier')
      .executeTakeFirstOrThrow();
    const pixel = /\/t\/o\/[^"'\s]+\.gif/.exec(withPixel.html_body ?? '')?.[0];
    expect(pixel).toBeTruthy();
    const loaded = await fetch(`${h.baseUrl}${pixel}`, {
      headers: { 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Thunderbird/128.0' },
    });
    expect(loaded.status).toBe(200);
    await expect
      .poll(
        async () =>
          (
            await h.runtime.database.db
              .selectFrom('mail_event as e')
              .innerJoin('mailing as m', (j) => j.onRef('m.campaign_id', '=', 'e.campaign_id').onRef('m.id', '=', 'e.mailing_id'))
              .select(['e.kind', 'e.classification'])
              // (The demo's newsletter has events of its own.)
              .where('m.name', '=', 'Fête du 11e')
              .execute()
          ).map((e) => `${e.kind}:${e.classification}`),
        { timeout: 10_000 },
      )
      .toEqual(['open:human']);
    await page.reload();
    const opener = page.getByTestId('report-people').getByRole('link');
    await opener.first().waitFor({ timeout: 20_000 });
    // One open out of the delivered, the French way (« 5,6 % » for 18).
    const rate = new Intl.NumberFormat('fr-FR', { style: 'percent', maximumFractionDigits: 1 }).format(1 / reachable);
    await figures.getByText(`${rate} des distribués`, { exact: true }).first().waitFor();
    await h.shot(page, 'mailing-report-fr');
    await opener.first().click();
    await page.waitForURL(/\/app\/people\/[0-9a-f-]{36}$/);
    await page.goBack();

    await page.getByRole('link', { name: /^retour aux envois$/i }).click();
    await page.waitForURL(/\/app\/mailings$/);
    const row = page.getByRole('row').filter({ hasText: 'Samedi, la fête de quartier' });
    await row.getByText(/^envoyé$/i).waitFor();
    await page.getByText(new RegExp(`^${reachable} / ${reachable}$`)).waitFor();
    await h.shot(page, 'mailings-list-fr');
  });

  it('shows the list, the composer and the report on a phone, in English, without sideways scrolling', async () => {
    await h.runtime.database.db.updateTable('staff_user').set({ locale: 'en' }).where('email', '=', DIRECTOR).execute();
    const page = await h.newPage({ width: 390, height: 844, locale: 'en-GB' });
    await login(page, DIRECTOR, DEMO_PASSWORD);
    await page.waitForURL((url) => !url.pathname.endsWith('/login'));
    const noSideways = async () => expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);

    await page.goto('/app/mailings');
    await page.getByRole('heading', { name: /^mailings$/i }).waitFor();
    // (The demo's newsletter is « Sent » too: this mailing is the one with its count.)
    await page
      .getByText(/^sent$/i)
      .first()
      .waitFor();
    await page.getByText(new RegExp(`^${reachable} sent of ${reachable} · Sent on `)).waitFor();
    await noSideways();
    await h.shot(page, 'mailings-list-phone-en');

    await page.getByRole('link', { name: 'Fête du 11e' }).click();
    await page.waitForURL(/\/report$/);
    await page
      .getByTestId('report-figures')
      .getByText(/^delivered$/i)
      .waitFor();
    await noSideways();
    await h.shot(page, 'mailing-report-phone-en');

    await page.goto('/app/mailings/new');
    await page.getByRole('heading', { name: /^new mailing$/i }).waitFor();
    await page.getByRole('button', { name: /^paragraph$/i }).click();
    await page.getByRole('textbox', { name: /^lists$/i }).click();
    await page.getByRole('option', { name: 'Lettre du 11e' }).click();
    await page.keyboard.press('Escape');
    await page
      .getByTestId('audience-count')
      .getByText(/recipients?$/)
      .waitFor();
    await noSideways();
    await h.shot(page, 'mailing-composer-phone-en');

    // A mailing written in MJML through the API: the composer keeps its content when it saves.
    const mjmlId = uuidv7();
    const mjml = '<mjml><mj-body><mj-section><mj-column><mj-text>Écrit à la main</mj-text></mj-column></mj-section></mj-body></mjml>';
    await h.runtime.database.db
      .insertInto('mailing')
      .values({
        campaign_id: h.campaignId,
        id: mjmlId,
        name: 'Lettre MJML',
        subject: 'Avant',
        reply_to: null,
        content_format: 'mjml',
        content: JSON.stringify({ mjml }),
        audience: JSON.stringify({ list_ids: [listId] }),
        scheduled_at: null,
        started_at: null,
        finished_at: null,
        sent_by: null,
        zone_ids: null,
      })
      .execute();
    await page.goto(`/app/mailings/${mjmlId}`);
    await page.getByText(/written outside this screen/i).waitFor();
    await page.getByRole('textbox', { name: /^subject$/i }).fill('Après');
    await page.getByRole('button', { name: /^save draft$/i }).click();
    await page.getByText(/^draft saved\.$/i).waitFor();
    const kept = await h.runtime.database.db
      .selectFrom('mailing')
      .select(['subject', 'content_format', 'content'])
      .where('id', '=', mjmlId)
      .executeTakeFirstOrThrow();
    expect(kept).toMatchObject({ subject: 'Après', content_format: 'mjml', content: { mjml } });
  });
});
