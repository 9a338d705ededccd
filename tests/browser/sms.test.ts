// The SMS composer as an organizer uses it: pick a list in the audience picker, type a French text, watch the encoding
// switch to Unicode on « », ê and the no-break space, replace them back to GSM-7 with one click,
// read the count, recipients and cost, send (the message goes to the development outbox, or waits
// for the sending hours); on a laptop in French and on a phone in English.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../src/server/modules/demo/demo.campaign.ts';
import { addList, type BrowserHarness, login, startHarness } from './harness.ts';

const DIRECTOR = 'directrice@demo.relais.fr';

describe('back office SMS composer', () => {
  let h: BrowserHarness;
  let _listId = '';
  let members = 0;

  beforeAll(async () => {
    h = await startHarness({ peopleCount: 300 });
    const db = h.runtime.database.db;
    const { rows } = await sql<{
      id: string;
    }>`select id from person where campaign_id = ${h.campaignId} and phone is not null order by id limit 40`.execute(db);
    members = rows.length;
    _listId = await addList(
      h,
      'Volontaires du 11e',
      rows.map((r) => r.id),
    );
  });
  afterAll(async () => {
    await h?.close();
  });

  it('sets the sender (a mobile refused), then counts, replaces and sends a French text (laptop, French)', async () => {
    expect(members).toBeGreaterThan(5);
    const page = await h.newPage();
    await login(page, DIRECTOR, DEMO_PASSWORD);
    await page.getByRole('link', { name: /^sms$/i }).click();
    await page.waitForURL(/\/app\/sms$/);
    await page.getByRole('textbox', { name: /^message$/i }).fill('Bonjour');
    await page.getByText(/un administrateur doit choisir l'expéditeur/i).waitFor();

    await page.getByRole('link', { name: /^réglages$/i }).click();
    await page.waitForURL(/\/app\/sms\/settings$/);
    await page.getByRole('textbox', { name: /^expéditeur$/i }).fill('06 12 34 56 78');
    await page.getByRole('textbox', { name: /^nom affiché dans le message/i }).fill('Paris Ensemble');
    await page.getByRole('textbox', { name: /^numéro stop$/i }).fill('36180');
    await page.getByRole('button', { name: /^enregistrer$/i }).click();
    await page.getByText(/cet expéditeur n'est pas admis/i).waitFor();
    await h.shot(page, 'sms-settings-fr');
    await page.getByRole('textbox', { name: /^expéditeur$/i }).fill('PARIS2026');
    await page.getByRole('button', { name: /^enregistrer$/i }).click();
    await page.getByText(/^réglages enregistrés\.$/i).waitFor();
    const saved = await h.runtime.database.db
      .selectFrom('sms_settings')
      .selectAll()
      .where('campaign_id', '=', h.campaignId)
      .executeTakeFirstOrThrow();
    expect(saved).toMatchObject({
      sender: 'PARIS2026',
      sender_name: 'Paris Ensemble',
      stop_number: '36180',
      hours_start: '08:00',
      hours_end: '21:30',
    });
    await page.getByRole('link', { name: /^retour au sms$/i }).click();
    await page.waitForURL(/\/app\/sms$/);
    await page.getByRole('textbox', { name: /^listes$/i }).click();
    await page.getByRole('option', { name: 'Volontaires du 11e' }).click();
    await page.getByRole('textbox', { name: /^message$/i }).fill('Grande fête de quartier samedi : « venez nombreux »\u00a0!');
    const counter = page.getByTestId('sms-counter');
    await counter.getByText('UCS-2 (Unicode)').waitFor();
    await page.getByText(/ces caractères imposent l’unicode|ces caractères imposent l'unicode/i).waitFor();
    await page.getByText(/destinataires? avec consentement/i).waitFor();
    await page
      .getByTestId('sms-by-zone')
      .getByText(/destinataires par arrondissement/i)
      .waitFor();
    await page.getByText(/coût estimé : .*€/i).waitFor();
    await page.getByRole('button', { name: /remplacer « espace insécable »/i }).waitFor();
    await h.shot(page, 'sms-composer-fr');

    await page.getByRole('button', { name: /^tout remplacer$/i }).click();
    await counter.getByText('GSM-7 (alphabet standard)').waitFor();
    expect(await page.getByRole('textbox', { name: /^message$/i }).inputValue()).toBe(
      'Grande fete de quartier samedi : "venez nombreux" !',
    );
    const preview = page.getByTestId('sms-preview');
    await preview.getByText(/^Paris Ensemble : Grande fete/).waitFor();
    await preview.getByText(/STOP au 36180/).waitFor();

    await page.getByRole('button', { name: /^envoyer$/i }).click();
    const dialog = page.getByRole('dialog', { name: /envoyer ce sms/i });
    await dialog.getByRole('button', { name: /^envoyer$/i }).click();
    await page.getByText(/sms en file d’envoi|sms attendent les heures d’envoi/i).waitFor();
    await dialog.waitFor({ state: 'hidden' });
    const queued = await h.runtime.database.db
      .selectFrom('sms_message')
      .select(['status', 'body'])
      .where('campaign_id', '=', h.campaignId)
      .execute();
    expect(queued.length).toBeGreaterThan(0);
    expect(queued.every((m) => m.body === 'Paris Ensemble : Grande fete de quartier samedi : "venez nombreux" !\nSTOP au 36180')).toBe(
      true,
    );
    await page.getByText(/^derniers sms$/i).waitFor();
    await h.shot(page, 'sms-sent-fr');
  });

  it('shows the count and the replacements on a phone, in English', async () => {
    await h.runtime.database.db.updateTable('staff_user').set({ locale: 'en' }).where('email', '=', DIRECTOR).execute();
    const page = await h.newPage({ width: 390, height: 844, locale: 'en-GB' });
    await login(page, DIRECTOR, DEMO_PASSWORD);
    await page.waitForURL((url) => !url.pathname.endsWith('/login'));
    await page.goto('/app/sms');
    await page.getByRole('heading', { name: /^sms$/i }).waitFor();
    await page.getByRole('textbox', { name: /^lists$/i }).click();
    await page.getByRole('option', { name: 'Volontaires du 11e' }).click();
    await page.getByRole('textbox', { name: /^message$/i }).fill(`L’équipe vous attend. ${'Soyez là. '.repeat(8)}`);
    const counter = page.getByTestId('sms-counter');
    await counter.getByText('UCS-2 (Unicode)').waitFor();
    await counter.getByText('2 SMS').waitFor();
    await page.getByRole('button', { name: /replace “’” with “'”/i }).waitFor();
    await h.shot(page, 'sms-composer-phone-en');
    await page.getByRole('button', { name: /replace “’” with “'”/i }).click();
    await counter.getByText('GSM-7 (standard alphabet)').waitFor();
    await counter.getByText('1 SMS').waitFor();
  });
});
