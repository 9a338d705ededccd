// Scheduling mailings as the director does it: compose, « Envoyer », choose « Chaque semaine »
// (lundi, 08:00) in the dialog; the list says « Chaque lundi à 08:00 · prochain envoi le … »; an
// occurrence the electoral silence holds says so and until when; a send under way shows its progress
// and is paused, resumed (then sent by the worker) or cancelled from the list; a one-off « À une
// date » on a phone, in English, without sideways scrolling.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tenantRunnerOf } from '../../src/server/db/database.ts';
import { uuidv7 } from '../../src/server/lib/ids.ts';
import { DEMO_PASSWORD } from '../../src/server/modules/demo/demo.campaign.ts';
import { runSchedule } from '../../src/server/modules/messaging/schedule.ts';
import { addList, type BrowserHarness, login, startHarness } from './harness.ts';

const DIRECTOR = 'directrice@demo.relais.fr';

describe('back office mailing schedules', () => {
  let h: BrowserHarness;
  let listId = '';
  let personIds: string[] = [];

  beforeAll(async () => {
    h = await startHarness({ peopleCount: 300 });
    const { rows } = await sql<{ id: string }>`
      select id from person where campaign_id = ${h.campaignId} and consent_email and email is not null
      order by id limit 12`.execute(h.runtime.database.db);
    personIds = rows.map((r) => r.id);
    listId = await addList(h, 'Lettre du lundi', personIds);
  });
  afterAll(async () => {
    await h?.close();
  });

  const mailingRow = (name: string) =>
    h.runtime.database.db
      .selectFrom('mailing')
      .selectAll()
      .where('campaign_id', '=', h.campaignId)
      .where('name', '=', name)
      .where('series_id', 'is', null)
      .executeTakeFirstOrThrow();

  it('schedules a weekly newsletter, shows it and a held occurrence in the list, then cancels the series (laptop, French)', async () => {
    const page = await h.newPage();
    await login(page, DIRECTOR, DEMO_PASSWORD);
    await page.goto('/app/mailings/new');
    await page.getByRole('textbox', { name: /^nom de l’envoi/i }).fill('La lettre du lundi');
    await page.getByRole('textbox', { name: /^objet$/i }).fill('Les nouvelles de la semaine');
    await page.getByRole('textbox', { name: /^nom de l’expéditeur$/i }).fill('Paris Ensemble');
    await page.getByRole('button', { name: /^paragraphe$/i }).click();
    await page
      .getByTestId('block-1')
      .getByRole('textbox', { name: /^texte$/i })
      .fill('Bonjour {{given_name|"à vous"}}, voici la semaine.');
    await page.getByRole('textbox', { name: /^listes$/i }).click();
    await page.getByRole('option', { name: 'Lettre du lundi' }).click();
    await page.keyboard.press('Escape');
    await page
      .getByTestId('audience-count')
      .getByText(/destinataires?$/)
      .waitFor();

    await page.getByRole('button', { name: /^envoyer$/i }).click();
    const dialog = page.getByRole('dialog', { name: /envoyer cet e-mail/i });
    await dialog.getByText('Chaque semaine', { exact: true }).click();
    await dialog.getByRole('textbox', { name: /^jour de la semaine$/i }).waitFor();
    await dialog.getByText(/heure de paris/i).waitFor();
    await h.shot(page, 'mailing-schedule-dialog-fr');
    await dialog.getByRole('button', { name: /^programmer$/i }).click();
    await page.waitForURL(/\/app\/mailings$/);

    const model = await mailingRow('La lettre du lundi');
    expect(model).toMatchObject({ status: 'scheduled', recurrence_weekday: 1, recurrence_time: '08:00', time_zone: 'Europe/Paris' });
    const next = new Intl.DateTimeFormat('fr-FR', {
      weekday: 'long',
      day: 'numeric',
      month: 'long',
      year: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
      timeZone: 'Europe/Paris',
    }).format(model.scheduled_at as Date);
    const row = page.getByRole('row').filter({ hasText: 'La lettre du lundi' });
    await row.getByText(/^programmé$/i).waitFor();
    await row.getByText(`Chaque lundi à 08:00 · prochain envoi le ${next}`).waitFor();

    // The occurrence's job runs while the demo round's electoral silence holds (its eve): the copy waits.
    const round = await h.runtime.database.db
      .selectFrom('calendar_round')
      .select(['silence_from', 'silence_until'])
      .where('campaign_id', '=', h.campaignId)
      .orderBy('round_date')
      .executeTakeFirstOrThrow();
    const held = await runSchedule(tenantRunnerOf(h.runtime.database.db, h.campaignId), {
      campaignId: h.campaignId,
      mailingId: model.id,
      at: model.scheduled_at as Date,
      config: h.runtime.config,
      now: new Date(round.silence_from.getTime() + 10 * 3600_000),
    });
    expect(held.outcome).toBe('held');
    const until = new Intl.DateTimeFormat('fr-FR', {
      weekday: 'long',
      day: 'numeric',
      month: 'long',
      year: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
      timeZone: 'Europe/Paris',
    }).format(round.silence_until);
    await page.reload();
    await page.getByText(`Retenu par le silence électoral jusqu’au ${until}`).waitFor();
    await page.getByText(/envoi d’une série hebdomadaire/i).waitFor();
    await h.shot(page, 'mailings-scheduled-fr');

    // Cancelling the model stops the series.
    // (The held copy has the same name: the series is the row that says « Chaque lundi ».)
    await page
      .getByRole('row')
      .filter({ hasText: 'Chaque lundi' })
      .getByRole('button', { name: /^annuler l’envoi$/i })
      .click();
    const confirm = page.getByRole('dialog', { name: /annuler cet envoi/i });
    await confirm.getByRole('button', { name: /^annuler l’envoi$/i }).click();
    await expect.poll(async () => (await mailingRow('La lettre du lundi')).status, { timeout: 10_000 }).toBe('cancelled');
  });

  it('pauses a send under way from the list, resumes it until it is sent, and cancels another', async () => {
    // Two sends under way whose jobs have not been queued (as if their worker were busy elsewhere).
    const db = h.runtime.database.db;
    const under = async (name: string) => {
      const id = uuidv7();
      await db
        .insertInto('mailing')
        .values({
          campaign_id: h.campaignId,
          id,
          name,
          subject: `${name} : objet`,
          from_name: 'Paris Ensemble',
          reply_to: null,
          content: JSON.stringify({ blocks: [{ type: 'paragraph', text: 'Bonjour.' }] }),
          audience: JSON.stringify({ list_ids: [listId] }),
          status: 'sending',
          scheduled_at: null,
          started_at: new Date(),
          finished_at: null,
          sent_by: null,
          zone_ids: null,
          total_targeted: personIds.length,
          recurrence_weekday: null,
          recurrence_time: null,
          scheduled_by: null,
          series_id: null,
          occurrence_at: null,
          held_until: null,
          held_reason: null,
        })
        .execute();
      await db.insertInto('mailing_variant').values({ campaign_id: h.campaignId, mailing_id: id, variant: 'A' }).execute();
      const emails = await db.selectFrom('person').select(['id', 'email']).where('id', 'in', personIds).execute();
      await db
        .insertInto('mailing_recipient')
        .values(emails.map((p) => ({ campaign_id: h.campaignId, id: uuidv7(), mailing_id: id, person_id: p.id, email: p.email as string })))
        .execute();
      return id;
    };
    await under('Relance pétition');
    await under('Appel aux bénévoles');
    const page = await h.newPage();
    await login(page, DIRECTOR, DEMO_PASSWORD);
    await page.goto('/app/mailings');
    const actions = page.getByRole('group', { name: 'Actions pour « Relance pétition »' });
    // (Nothing sent yet: the bar's filled part is there, zero wide.)
    await page
      .getByRole('progressbar', { name: /progression de l’envoi/i })
      .first()
      .waitFor({ state: 'attached' });
    await actions.getByRole('button', { name: /^mettre en pause$/i }).click();
    await actions.getByRole('button', { name: /^reprendre$/i }).waitFor();
    await page
      .getByRole('row')
      .filter({ hasText: 'Relance pétition' })
      .getByText(/^en pause$/i)
      .waitFor();
    expect((await mailingRow('Relance pétition')).status).toBe('paused');
    await actions.getByRole('button', { name: /^reprendre$/i }).click();
    // The worker sends the rest; the list follows it (it polls while a send is under way).
    await page
      .getByRole('row')
      .filter({ hasText: 'Relance pétition' })
      .getByText(/^envoyé$/i)
      .waitFor({ timeout: 60_000 });
    const sent = await db.selectFrom('dev_outbox').select('id').where('subject', '=', 'Relance pétition : objet').execute();
    expect(sent).toHaveLength(personIds.length);

    await page
      .getByRole('group', { name: 'Actions pour « Appel aux bénévoles »' })
      .getByRole('button', { name: /^annuler l’envoi$/i })
      .click();
    await page
      .getByRole('dialog', { name: /annuler cet envoi/i })
      .getByRole('button', { name: /^annuler l’envoi$/i })
      .click();
    await page
      .getByRole('row')
      .filter({ hasText: 'Appel aux bénévoles' })
      .getByText(/^annulé$/i)
      .waitFor();
    const skipped = await db
      .selectFrom('mailing_recipient')
      .innerJoin('mailing', (j) => j.onRef('mailing.id', '=', 'mailing_recipient.mailing_id'))
      .select('mailing_recipient.status')
      .where('mailing.name', '=', 'Appel aux bénévoles')
      .execute();
    expect(skipped.every((r) => r.status === 'skipped')).toBe(true);
  });

  it('schedules a one-off send at a date on a phone, in English, without sideways scrolling', async () => {
    await h.runtime.database.db.updateTable('staff_user').set({ locale: 'en' }).where('email', '=', DIRECTOR).execute();
    const page = await h.newPage({ width: 390, height: 844, locale: 'en-GB' });
    await login(page, DIRECTOR, DEMO_PASSWORD);
    await page.waitForURL((url) => !url.pathname.endsWith('/login'));
    const noSideways = async () => expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
    const id = (
      await h.runtime.database.db
        .insertInto('mailing')
        .values({
          campaign_id: h.campaignId,
          id: uuidv7(),
          name: 'Réunion publique',
          subject: 'Jeudi, réunion publique',
          reply_to: null,
          content: JSON.stringify({ blocks: [{ type: 'paragraph', text: 'Venez jeudi.' }] }),
          audience: JSON.stringify({ list_ids: [listId] }),
          scheduled_at: null,
          started_at: null,
          finished_at: null,
          sent_by: null,
          zone_ids: null,
          recurrence_weekday: null,
          recurrence_time: null,
          scheduled_by: null,
          series_id: null,
          occurrence_at: null,
          held_until: null,
          held_reason: null,
        })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id;
    await h.runtime.database.db.insertInto('mailing_variant').values({ campaign_id: h.campaignId, mailing_id: id, variant: 'A' }).execute();
    await page.goto(`/app/mailings/${id}`);
    await page
      .getByTestId('audience-count')
      .getByText(/recipients?$/)
      .waitFor();
    await page.getByRole('button', { name: /^send$/i }).click();
    const dialog = page.getByRole('dialog', { name: /send this e-mail/i });
    await dialog.getByText('At a date', { exact: true }).click();
    const day = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris' }).format(new Date(Date.now() + 3 * 86_400_000));
    await dialog.getByLabel(/^day/i).fill(day);
    await dialog.getByLabel(/^time/i).fill('18:30');
    await noSideways();
    await dialog.getByRole('button', { name: /^schedule$/i }).click();
    await page.waitForURL(/\/app\/mailings$/);
    const row = await mailingRow('Réunion publique');
    expect(row.status).toBe('scheduled');
    expect(
      new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(
        row.scheduled_at as Date,
      ),
    ).toBe('18:30');
    await page
      .getByText(/^Due on .*18:30/)
      .first()
      .waitFor();
    await noSideways();
    await h.shot(page, 'mailings-scheduled-phone-en');
  });
});
