// The preference page as a recipient opens it from a mailing's footer, on a phone in French: the
// three topics ticked, no sideways scrolling, targets a thumb can hit, labels bound to their boxes;
// unticking « Les nouvelles de mon arrondissement » and saving writes the ledger line; the English
// switch; « Me désinscrire de tout » ends with the unsubscribed page. No JavaScript of ours runs.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uuidv7 } from '../../src/server/lib/ids.ts';
import { unsubscribeToken } from '../../src/server/modules/messaging/tokens.ts';
import { type BrowserHarness, startHarness } from './harness.ts';

describe('preference page', () => {
  let h: BrowserHarness;
  let personId = '';
  let token = '';

  beforeAll(async () => {
    h = await startHarness({ peopleCount: 100 });
    const db = h.runtime.database.db;
    const { rows } = await sql<{ id: string; email: string }>`
      select id, email from person where campaign_id = ${h.campaignId} and consent_email and email is not null
        and cardinality(email_topics_withdrawn) = 0
        and not exists (select 1 from mail_suppression s where s.campaign_id = person.campaign_id and s.email = person.email)
      order by id limit 1`.execute(db);
    const person = rows[0];
    if (!person) throw new Error('the demo campaign has nobody to mail');
    personId = person.id;
    const mailingId = uuidv7();
    const recipientId = uuidv7();
    await db.insertInto('mailing').values({ campaign_id: h.campaignId, id: mailingId, name: 'Lettre', subject: 'Nouvelles' }).execute();
    await db
      .insertInto('mailing_recipient')
      .values({
        campaign_id: h.campaignId,
        id: recipientId,
        mailing_id: mailingId,
        person_id: personId,
        email: person.email,
        status: 'sent',
      })
      .execute();
    token = unsubscribeToken(h.runtime.config.mailing.tokenSecret, h.campaignId, recipientId);
  });
  afterAll(async () => {
    await h?.close();
  });

  const ledger = () =>
    h.runtime.database.db
      .selectFrom('consent')
      .select(['topic', 'status', 'source'])
      .where('person_id', '=', personId)
      .where('source', 'in', ['preferences', 'unsubscribe'])
      .orderBy('at')
      .execute();

  it('changes a topic on a phone in French, switches to English, then unsubscribes from everything', async () => {
    const page = await h.newPage({ width: 390, height: 844, locale: 'fr-FR' });
    await page.goto(`/u/${token}`);
    expect(await page.locator('html').getAttribute('lang')).toBe('fr');
    await page.getByRole('heading', { name: 'Mes préférences d’e-mails' }).waitFor();
    const newsletter = page.getByRole('checkbox', { name: /La lettre d’information/ });
    const local = page.getByRole('checkbox', { name: /Les nouvelles de mon arrondissement/ });
    const events = page.getByRole('checkbox', { name: /Les invitations aux événements/ });
    for (const box of [newsletter, local, events]) expect(await box.isChecked()).toBe(true);
    // A phone: nothing wider than the screen, boxes and buttons big enough for a thumb.
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
    const box = await local.boundingBox();
    expect(box?.width).toBeGreaterThanOrEqual(24);
    const save = page.getByRole('button', { name: 'Enregistrer mes choix' });
    expect((await save.boundingBox())?.height).toBeGreaterThanOrEqual(44);
    // No English word on the French page.
    expect(await page.locator('main').innerText()).not.toMatch(/\b(newsletter|unsubscribe|save|topics?)\b/i);
    await h.shot(page, 'preferences-phone-fr');

    // The label toggles its box (bound), then the choice is saved.
    await page.getByText('Les nouvelles de mon arrondissement').click();
    expect(await local.isChecked()).toBe(false);
    await save.click();
    await page.getByRole('status').getByText('Vos choix sont enregistrés.').waitFor();
    expect(await page.getByRole('checkbox', { name: /Les nouvelles de mon arrondissement/ }).isChecked()).toBe(false);
    expect(await ledger()).toEqual([{ topic: 'local', status: 'withdrawn', source: 'preferences' }]);
    // The post redirected to the page: a reload reads it again and posts nothing.
    await page.reload();
    expect(await page.getByRole('checkbox', { name: /Les nouvelles de mon arrondissement/ }).isChecked()).toBe(false);
    expect(await ledger()).toHaveLength(1);
    await h.shot(page, 'preferences-phone-fr-saved');

    await page.getByRole('link', { name: 'English' }).click();
    await page.getByRole('heading', { name: 'My e-mail preferences' }).waitFor();
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    await page.getByRole('link', { name: 'Français' }).click();
    await page.getByRole('heading', { name: 'Mes préférences d’e-mails' }).waitFor();

    await page.getByRole('button', { name: 'Me désinscrire de tout' }).click();
    await page.getByRole('heading', { name: 'Vous êtes désinscrit·e' }).waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
    expect((await ledger()).at(-1)).toEqual({ topic: null, status: 'withdrawn', source: 'unsubscribe' });
    await h.shot(page, 'preferences-phone-fr-unsubscribed');
  });
});
