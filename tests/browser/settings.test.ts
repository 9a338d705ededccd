// The campaign settings as a director (and, for what they may touch, an organizer) uses them: rename a
// ladder stage and change a promotion rule, then watch a canvasser get promoted under the new name in
// the people list, the person page and the funnel; create, rename and delete a tag (on a phone); define
// a choice field and find it in the segment builder and on a person page; who sees the settings at all.
import { sql } from 'kysely';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withTenant } from '../../src/server/db/database.ts';
import { DEMO_PASSWORD } from '../../src/server/modules/demo/demo.campaign.ts';
import { DEFAULT_RULES } from '../../src/server/modules/people/index.ts';
import { recordActivity } from '../../src/server/modules/timeline/index.ts';
import { type BrowserHarness, fillNewCustomField, login, startHarness } from './harness.ts';

const DIRECTOR = 'directrice@demo.relais.fr';
const ORGANIZER = 'organisateur@demo.relais.fr';
const COMMUNITY_MANAGER = 'cm@demo.relais.fr';

/** Calls the API with the page's session (cookie + CSRF token), as the back office does. */
async function apiAs(page: Page, method: 'GET' | 'POST' | 'PUT', path: string, data?: unknown): Promise<unknown> {
  const session = (await (await page.request.get('/api/v1/session')).json()) as { csrf_token: string };
  const response = await page.request.fetch(path, { method, data, headers: { 'x-csrf-token': session.csrf_token } });
  if (!response.ok()) throw new Error(`${method} ${path}: ${response.status()} ${await response.text()}`);
  return response.status() === 204 ? undefined : response.json();
}

describe('back office settings', () => {
  let h: BrowserHarness;

  beforeAll(async () => {
    h = await startHarness({ peopleCount: 600 });
  });
  afterAll(async () => {
    await h?.close();
  });

  const signIn = async (email: string, size?: { width: number; height: number }) => {
    const page = await h.newPage(size);
    await login(page, email, DEMO_PASSWORD);
    await page.getByRole('navigation', { name: /navigation principale/i }).waitFor();
    return page;
  };
  const db = () => h.runtime.database.db;

  it('renames a stage and changes a rule; a canvasser is promoted under the new name everywhere', async () => {
    const page = await signIn(DIRECTOR);
    await page.getByRole('link', { name: /^paramètres$/i }).click();
    await page.waitForURL(/\/app\/settings\/ladder$/);
    const activistFr = page.getByTestId('stage-names-activist').getByRole('textbox', { name: /^nom en français$/i });
    expect(await activistFr.inputValue()).toBe('Militant');
    await activistFr.fill('Pilier');
    await page
      .getByTestId('stage-names-activist')
      .getByRole('textbox', { name: /^nom en anglais$/i })
      .fill('Pillar');

    // Leaving with unsaved changes asks first; staying keeps the draft.
    await page.getByRole('tab', { name: /^étiquettes$/i }).click();
    const leave = page.getByRole('dialog', { name: /quitter sans enregistrer/i });
    await leave.waitFor();
    await leave.getByRole('button', { name: /^annuler$/i }).click();
    expect(page.url()).toMatch(/\/settings\/ladder$/);
    expect(await activistFr.inputValue()).toBe('Pilier');

    await page.getByRole('button', { name: /^enregistrer les noms$/i }).click();
    await page.getByText('Enregistré.').waitFor();
    const stage = await db()
      .selectFrom('ladder_stage')
      .select(['label_fr', 'label_en'])
      .where('campaign_id', '=', h.campaignId)
      .where('stage', '=', 'activist')
      .executeTakeFirstOrThrow();
    expect(stage).toEqual({ label_fr: 'Pilier', label_en: 'Pillar' });

    // The third default rule (three canvassing shifts → activist) now asks for two.
    const rule = page.getByRole('group', { name: /^règle 3$/i });
    expect(await rule.getByRole('textbox', { name: /^fait passer à l’étape$/i }).inputValue()).toBe('Pilier');
    await rule.getByRole('textbox', { name: /^au moins$/i }).fill('2');
    await page.getByRole('button', { name: /^enregistrer les règles$/i }).click();
    await expect.poll(() => page.getByTestId('rules-origin').innerText()).toMatch(/règles de la campagne/i);
    const rules = await db().selectFrom('ladder_rule').select(['to_stage', 'conditions']).where('campaign_id', '=', h.campaignId).execute();
    // Saving writes the defaults as the campaign's own rules, the edited one among them.
    expect(rules).toHaveLength(DEFAULT_RULES.length);
    expect(rules.find((r) => r.to_stage === 'activist')?.conditions).toEqual([{ type: 'canvass.shift_completed', min_count: 2 }]);
    await h.shot(page, 'settings-01-ladder');

    // A volunteer completes two canvassing shifts: promoted by the edited rule.
    const volunteer = await db()
      .selectFrom('person')
      .select(['id', 'given_name', 'family_name'])
      .where('campaign_id', '=', h.campaignId)
      .where('ladder_stage', '=', 'volunteer')
      .where('family_name', '<>', '')
      .orderBy('id')
      .executeTakeFirstOrThrow();
    for (let i = 0; i < 2; i++) {
      await withTenant(db(), h.campaignId, (trx) =>
        recordActivity(trx, { campaignId: h.campaignId, personId: volunteer.id, type: 'canvass.shift_completed', actorLabel: 'test' }),
      );
    }
    const promoted = await db().selectFrom('person').select('ladder_stage').where('id', '=', volunteer.id).executeTakeFirstOrThrow();
    expect(promoted.ladder_stage).toBe('activist');

    // The new name in the people list (filter and badges), on the person page and in the funnel.
    await page.goto('/app/people?stage=activist');
    // (The labels arrive with the ladder, just after the page: poll.)
    await expect.poll(() => page.getByRole('textbox', { name: /^étape$/i }).inputValue()).toBe('Pilier');
    await page.getByTestId('person-row').first().waitFor();
    await expect.poll(() => page.getByTestId('person-row').first().innerText()).toContain('Pilier');
    expect(await page.getByTestId('people-scroll').innerText()).not.toContain('Militant');
    await page.goto(`/app/people/${volunteer.id}`);
    await page.getByTestId('person-name').waitFor();
    await expect.poll(() => page.getByTestId('ladder-history').innerText()).toContain('Volontaire → Pilier');
    await page.goto('/app/ladder');
    await expect.poll(() => page.locator('main').innerText()).toMatch(/Volontaire\s+Pilier/);
    // The funnel's colour key and bars too, and nowhere the old name.
    await expect.poll(() => page.locator('main').innerText()).not.toMatch(/militant/i);
    await h.shot(page, 'settings-02-funnel-renamed');
    // The dashboard: its figures, the ladder's order, its colour keys and the bars' spoken figures.
    await page.goto('/app');
    await page.getByTestId('stat-people-total').waitFor();
    const main = page.locator('main');
    await expect.poll(() => main.innerText()).toContain('Pilier');
    expect(await main.innerText()).not.toMatch(/militant/i);
    expect(await main.getByRole('img').first().getAttribute('aria-label')).toContain('Pilier');
    await h.shot(page, 'settings-02b-dashboard-renamed');
  });

  it('creates, renames and deletes a tag on a phone, with counts and a clear duplicate-name error', async () => {
    const page = await signIn(DIRECTOR, { width: 390, height: 844 });
    await page.goto('/app/settings/tags');
    await page.getByRole('button', { name: /^nouvelle étiquette$/i }).click();
    let dialog = page.getByRole('dialog', { name: /nouvelle étiquette/i });
    await dialog.getByRole('textbox', { name: /^nom/i }).fill('Commerçants du 11e');
    await dialog.getByRole('textbox', { name: /description/i }).fill('Pour les affiches en vitrine');
    await dialog.getByRole('button', { name: /^créer$/i }).click();
    await dialog.waitFor({ state: 'detached' });
    const row = page.getByTestId('group-row').filter({ hasText: 'Commerçants du 11e' });
    await row.waitFor();
    expect(await row.innerText()).toMatch(/0\s+personne/);
    const tag = await db()
      .selectFrom('tag')
      .select(['id', 'description'])
      .where('campaign_id', '=', h.campaignId)
      .where('name', '=', 'Commerçants du 11e')
      .executeTakeFirstOrThrow();
    expect(tag.description).toBe('Pour les affiches en vitrine');

    // The same name again (case aside): the server's DUPLICATE_NAME, said in French.
    await page.getByRole('button', { name: /^nouvelle étiquette$/i }).click();
    dialog = page.getByRole('dialog', { name: /nouvelle étiquette/i });
    await dialog.getByRole('textbox', { name: /^nom/i }).fill('commerçants du 11E');
    await dialog.getByRole('button', { name: /^créer$/i }).click();
    expect(await dialog.getByRole('alert').innerText()).toContain('Une étiquette porte déjà ce nom.');
    await h.shot(page, 'settings-03-tag-duplicate-phone');
    await dialog.getByRole('button', { name: /^annuler$/i }).click();

    // Someone carries it: the count links to the people list filtered on it.
    const person = await db()
      .selectFrom('person')
      .select('id')
      .where('campaign_id', '=', h.campaignId)
      .orderBy('id')
      .executeTakeFirstOrThrow();
    await apiAs(page, 'POST', `/api/v1/tags/${tag.id}/taggings`, { person_id: person.id });
    await page.reload();
    await row.getByRole('link', { name: /voir la personne de « commerçants du 11e »/i }).click();
    await page.waitForURL(/\/app\/people\?tag_id=/);
    expect(await page.getByRole('textbox', { name: /^étiquette$/i }).inputValue()).toBe('Commerçants du 11e');
    await expect.poll(() => page.getByTestId('people-total').innerText()).toMatch(/^1\D/);

    await page.goto('/app/settings/tags');
    await page.getByRole('button', { name: /^modifier commerçants du 11e$/i }).click();
    dialog = page.getByRole('dialog', { name: /modifier l’étiquette/i });
    await dialog.getByRole('textbox', { name: /^nom/i }).fill('Commerçants (11e)');
    await dialog.getByRole('button', { name: /^enregistrer$/i }).click();
    await page.getByTestId('group-row').filter({ hasText: 'Commerçants (11e)' }).waitFor();
    expect((await db().selectFrom('tag').select('name').where('id', '=', tag.id).executeTakeFirstOrThrow()).name).toBe('Commerçants (11e)');

    await page.getByRole('button', { name: /^supprimer commerçants \(11e\)$/i }).click();
    dialog = page.getByRole('dialog', { name: /supprimer l’étiquette/i });
    expect(await dialog.innerText()).toMatch(/retirée de 1\s+personne/);
    await h.shot(page, 'settings-04-tag-delete-phone');
    await dialog.getByRole('button', { name: /^supprimer$/i }).click();
    await dialog.waitFor({ state: 'detached' });
    await expect.poll(() => page.getByTestId('group-row').filter({ hasText: 'Commerçants' }).count()).toBe(0);
    const { rows } = await sql<{ n: string }>`select (select count(*) from tag where id = ${tag.id})
      + (select count(*) from tagging where tag_id = ${tag.id}) as n`.execute(db());
    expect(Number(rows[0]?.n)).toBe(0);
  });

  it('creates a list that the people filters then offer', async () => {
    const page = await signIn(DIRECTOR);
    await page.goto('/app/settings/lists');
    await page.getByRole('button', { name: /^nouvelle liste$/i }).click();
    const dialog = page.getByRole('dialog', { name: /nouvelle liste/i });
    await dialog.getByRole('textbox', { name: /^nom/i }).fill('Invités réunion du 12');
    await dialog.getByRole('button', { name: /^créer$/i }).click();
    await page.getByTestId('group-row').filter({ hasText: 'Invités réunion du 12' }).waitFor();
    await page.goto('/app/people');
    await page.getByRole('textbox', { name: /^liste$/i }).click();
    await page.getByRole('option', { name: 'Invités réunion du 12' }).waitFor();
  });

  it('defines a choice field, reorders the fields, and finds it in the segment builder and on a person page', async () => {
    const page = await signIn(DIRECTOR);
    await page.goto('/app/settings/fields');
    const create = (label: string, type: RegExp, choices: string[] = []) => fillNewCustomField(page, label, type, choices);
    const shirt = await create('Taille de t-shirt', /^choix dans une liste$/i, ['S', 'M', 'L']);
    // The key follows the label until typed by hand.
    expect(await shirt.getByRole('textbox', { name: /^clé technique/i }).inputValue()).toBe('taille_de_t_shirt');
    await h.shot(page, 'settings-05-field-choice');
    await shirt.getByRole('button', { name: /^créer$/i }).click();
    await shirt.waitFor({ state: 'detached' });
    const job = await create('Profession', /^texte$/i);
    await job.getByRole('button', { name: /^créer$/i }).click();
    await job.waitFor({ state: 'detached' });
    const order = async () =>
      (
        await db()
          .selectFrom('custom_field')
          .select(['key', 'choices'])
          .where('campaign_id', '=', h.campaignId)
          .orderBy('position')
          .orderBy('key')
          .execute()
      ).map((f) => `${f.key}${f.choices.length ? `:${f.choices.join('|')}` : ''}`);
    expect(await order()).toEqual(['taille_de_t_shirt:S|M|L', 'profession']);
    await page.getByRole('button', { name: /^monter « profession »$/i }).click();
    await expect.poll(order).toEqual(['profession', 'taille_de_t_shirt:S|M|L']);
    expect(await page.getByTestId('field-row').first().innerText()).toContain('Profession');

    // Targeting: the segment builder offers the field and its choices.
    await page.goto('/app/segments/new');
    await page
      .getByRole('textbox', { name: /^critère$/i })
      .first()
      .click();
    await page.getByRole('option', { name: /^champ : taille de t-shirt$/i }).click();
    await page.getByRole('textbox', { name: /^valeur$/i }).click();
    for (const choice of ['S', 'M', 'L']) await page.getByRole('option', { name: choice, exact: true }).waitFor();

    // A person's values show under the labels, in the campaign's order.
    const person = await db()
      .selectFrom('person')
      .select('id')
      .where('campaign_id', '=', h.campaignId)
      .orderBy('id')
      .executeTakeFirstOrThrow();
    await apiAs(page, 'PUT', `/api/v1/people/${person.id}`, { custom_fields: { taille_de_t_shirt: 'm', profession: 'Libraire' } });
    await page.goto(`/app/people/${person.id}`);
    const value = page.getByTestId('custom-field-taille_de_t_shirt');
    await value.waitFor();
    expect(await value.innerText()).toMatch(/Taille de t-shirt\s+M/);
    const keys = await page.locator('[data-testid^="custom-field-"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-testid')));
    expect(keys).toEqual(['custom-field-profession', 'custom-field-taille_de_t_shirt']);
    await h.shot(page, 'settings-06-person-custom-fields');

    await page.goto('/app/settings/fields');
    await page.getByRole('button', { name: /^supprimer profession$/i }).click();
    const confirm = page.getByRole('dialog', { name: /supprimer le champ/i });
    await confirm.getByRole('button', { name: /^supprimer$/i }).click();
    await expect.poll(order).toEqual(['taille_de_t_shirt:S|M|L']);
  });

  it('shows the settings only to those who may change them, and only their sections', async () => {
    const organizer = await signIn(ORGANIZER);
    await organizer.getByRole('link', { name: /^paramètres$/i }).click();
    await organizer.waitForURL(/\/app\/settings\/tags$/);
    const tabs = await organizer.getByRole('tab').allInnerTexts();
    expect(tabs).toEqual(['Étiquettes', 'Listes']);
    await organizer.goto('/app/settings/ladder');
    await organizer.getByRole('heading', { name: /accès refusé/i }).waitFor();

    const cm = await signIn(COMMUNITY_MANAGER);
    expect(await cm.getByRole('link', { name: /^paramètres$/i }).count()).toBe(0);
    await cm.goto('/app/settings');
    await cm.getByRole('heading', { name: /accès refusé/i }).waitFor();
    expect(await cm.getByRole('tab').count()).toBe(0);
  });

  it('lets a referent create a tag but not rename or delete what the whole campaign shares', async () => {
    const referent = await signIn('referent11@demo.relais.fr');
    await referent.goto('/app/settings/tags');
    await referent.getByText(/seule l’équipe de campagne peut les renommer ou les supprimer/).waitFor();
    await referent.getByRole('button', { name: /nouvelle étiquette/i }).click();
    const dialog = referent.getByRole('dialog');
    await dialog.getByRole('textbox', { name: /^nom/i }).fill('Quartier Folie-Méricourt');
    await dialog.getByRole('button', { name: /^créer$/i }).click();
    await dialog.waitFor({ state: 'detached' });
    await referent.getByTestId('group-row').filter({ hasText: 'Quartier Folie-Méricourt' }).waitFor();
    // No rename or delete, not even for the tag the referent just made: it is the campaign's now.
    expect(await referent.getByRole('button', { name: /^(modifier|supprimer)/i }).count()).toBe(0);
    expect(await referent.getByRole('columnheader', { name: /actions/i }).count()).toBe(0);
    await h.shot(referent, 'settings-09-tags-referent');
  });
});
