// The people screens as campaign staff use them: import a messy spreadsheet export and get the bad
// rows back, build a segment and watch its count, merge two duplicates (and undo), a referent who
// cannot find someone of another arrondissement, and a person's data exported.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { sql } from 'kysely';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../src/server/modules/demo/demo.campaign.ts';
import { SEARCH_CAP } from '../../src/server/modules/people/people.repo.ts';
import { type BrowserHarness, login, startHarness } from './harness.ts';

const DIRECTOR = 'directrice@demo.relais.fr';
const REFERENT = 'referent11@demo.relais.fr';

/** A spreadsheet export as campaigns have them: Windows-1252, semicolons, French headers, bad rows. */
function messyCsv(): Buffer {
  const lines = [
    'Prénom;Nom;Courriel;Téléphone;Adresse;Code postal;Ville',
    'Hélène;Bérard;helene.berard.import@example.org;06 12 34 56 78;12 rue de la Roquette;75011;Paris',
    'François;Lefèvre;francois.lefevre.import@example.org;+33 6 98 76 54 32;3 rue Oberkampf;75011;Paris',
    'Zoé;Ngô;zoe.ngo.import@example.org;;;;',
    ';;pas-un-email;;;;',
    'Jérôme;Dupré;jerome@@example;0000;;;',
    ';;;;;;',
  ];
  return Buffer.from(`${lines.join('\r\n')}\r\n`, 'latin1');
}

/** Calls the API with the page's session (cookie + CSRF token), as the back office does. */
async function apiAs(page: Page, method: 'GET' | 'POST', path: string, data?: unknown): Promise<unknown> {
  const session = (await (await page.request.get('/api/v1/session')).json()) as { csrf_token: string };
  const response = await page.request.fetch(path, { method, data, headers: { 'x-csrf-token': session.csrf_token } });
  if (!response.ok()) throw new Error(`${method} ${path}: ${response.status()} ${await response.text()}`);
  return response.status() === 204 ? undefined : response.json();
}

describe('back office people', () => {
  let h: BrowserHarness;

  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h?.close();
  });

  async function count(where = sql`true`): Promise<number> {
    const { rows } = await sql<{
      n: string;
    }>`select count(*) as n from person where campaign_id = ${h.campaignId} and merged_into is null and ${where}`.execute(
      h.runtime.database.db,
    );
    return Number(rows[0]?.n);
  }

  it('imports a messy CSV through the wizard and downloads the rejected rows', async () => {
    const page = await h.newPage();
    await login(page, DIRECTOR, DEMO_PASSWORD);
    await page.getByTestId('stat-people-total').waitFor();
    await page.goto('/app/people/import');
    await page.getByTestId('import-file').setInputFiles({ name: 'export-tableur.csv', mimeType: 'text/csv', buffer: messyCsv() });
    const detected = page.getByTestId('import-detected');
    await detected.waitFor();
    expect(await detected.innerText()).toMatch(/1252|latin|iso-8859/i);
    // The French headers were recognised, and the accents decoded.
    await expect.poll(() => page.getByRole('textbox', { name: /Champ pour la colonne « Courriel »/ }).inputValue()).toMatch(/e-mail/i);
    expect(await page.getByTestId('import-preview').innerText()).toContain('Hélène');
    await h.shot(page, 'people-01-import-mapping');
    await page.getByRole('button', { name: /^suivant$/i }).click();
    await page.getByRole('button', { name: /lancer l’import/i }).click();
    await expect.poll(() => page.getByTestId('import-status').innerText(), { timeout: 30_000 }).toMatch(/terminé/i);
    const created = Number((await page.getByTestId('import-created').innerText()).replace(/\D/g, ''));
    const rejected = Number((await page.getByTestId('import-rejected').innerText()).replace(/\D/g, ''));
    expect(created).toBe(3);
    expect(rejected).toBeGreaterThanOrEqual(2);
    expect(await count(sql`email = 'helene.berard.import@example.org' and given_name = 'Hélène'`)).toBe(1);
    await h.shot(page, 'people-02-import-done');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: /^télécharger les lignes rejetées$/i }).click(),
    ]);
    const body = readFileSync(await download.path()).toString('utf8');
    expect(body).toContain('motif_rejet');
    expect(body).toContain('pas-un-email');
    // The history below lists it with its outcome, and the rejected rows can be downloaded from there too.
    const history = page.getByTestId('import-history');
    await expect.poll(() => history.innerText(), { timeout: 10_000 }).toContain('export-tableur.csv');
    expect(await history.innerText()).toMatch(/terminé/i);
    const [again] = await Promise.all([
      page.waitForEvent('download'),
      history.getByRole('button', { name: /lignes rejetées de « export-tableur\.csv »/i }).click(),
    ]);
    expect(again.suggestedFilename()).toBe('export-tableur-rejets.csv');
    expect(readFileSync(await again.path()).toString('utf8')).toContain('pas-un-email');
  });

  it('says why an interrupted import failed, in French then English, from its stable code', async () => {
    // An import the server stopped during (crash or restart), as the janitor records it: the French
    // text in job_run.error, the stable code in result.error_code.
    const { db } = h.runtime.database;
    const importId = randomUUID();
    await db
      .insertInto('job_run')
      .values({
        campaign_id: h.campaignId,
        id: randomUUID(),
        kind: 'imports.people',
        state: 'failed',
        params: JSON.stringify({
          import_id: importId,
          file_name: 'coupure-de-courant.csv',
          on_duplicate: 'update',
          actor: { label: DIRECTOR },
        }),
        result: JSON.stringify({ error_code: 'IMPORT_INTERRUPTED_BEFORE_WRITE', stuck: false }),
        error: 'Import interrompu : le serveur s’est arrêté avant l’écriture.',
        started_at: new Date(),
        finished_at: new Date(),
      })
      .execute();
    const page = await h.newPage();
    await login(page, DIRECTOR, DEMO_PASSWORD);
    await page.getByTestId('stat-people-total').waitFor();
    await page.goto('/app/people/import');
    const run = page.getByTestId(`import-history-${importId}`);
    await run.waitFor();
    expect(await run.innerText()).toMatch(/échoué/i);
    expect(await run.innerText()).toMatch(/rien n’a été importé/i);
    await h.shot(page, 'people-02b-import-interrupted-fr');
    await page.getByRole('button', { name: /langue|language/i }).click();
    await page.getByRole('menuitem', { name: /english/i }).click();
    await expect.poll(() => run.innerText()).toContain('nothing was imported. Import the file again.');
    await h.shot(page, 'people-02c-import-interrupted-en');
    await page.getByRole('button', { name: /langue|language/i }).click();
    await page.getByRole('menuitem', { name: /français/i }).click();
    await expect.poll(() => page.locator('html').getAttribute('lang')).toBe('fr');
  });

  it('builds a segment and watches the count change', async () => {
    const page = await h.newPage();
    await login(page, DIRECTOR, DEMO_PASSWORD);
    await page.getByTestId('stat-people-total').waitFor();
    await page.goto('/app/segments/new');
    const shown = async () => Number((await page.getByTestId('segment-count').innerText()).replace(/\D/g, '') || -1);
    await page.getByRole('textbox', { name: /^étapes$/i }).click();
    await page.getByRole('option', { name: /^militant$/i }).click();
    const activists = await count(sql`ladder_stage = 'activist'`);
    await expect.poll(shown).toBe(activists);
    await page.getByRole('option', { name: /^volontaire$/i }).click();
    await page.keyboard.press('Escape');
    const both = await count(sql`ladder_stage in ('activist', 'volunteer')`);
    expect(both).toBeGreaterThan(activists);
    await expect.poll(shown).toBe(both);
    // A second condition ANDed in: the consent by e-mail narrows it down.
    await page.getByRole('button', { name: /\+ condition/i }).click();
    const second = page.getByTestId('segment-condition').nth(1);
    await second.getByRole('textbox', { name: /^critère$/i }).click();
    await page.getByRole('option', { name: /^consentement$/i }).click();
    const withConsent = await count(sql`ladder_stage in ('activist', 'volunteer') and consent_email`);
    await expect.poll(shown).toBe(withConsent);
    await page.getByLabel(/nom du segment/i).fill('Volontaires et militants joignables');
    await page.getByRole('button', { name: /^enregistrer$/i }).click();
    await page.waitForURL(/\/app\/segments\/[0-9a-f-]{36}$/);
    await h.shot(page, 'people-03-segment');
  });

  it('merges two duplicates, then undoes the merge', async () => {
    const page = await h.newPage();
    await login(page, DIRECTOR, DEMO_PASSWORD);
    await page.getByTestId('stat-people-total').waitFor();
    const phone = '+33611223344';
    const a = (await apiAs(page, 'POST', '/api/v1/people', {
      given_name: 'Mathilde',
      family_name: 'Rousseau-Doublon',
      email_addresses: [{ address: 'mathilde.doublon@example.org', primary: true }],
      phone_numbers: [{ number: phone, primary: true }],
    })) as { id: string };
    const b = (await apiAs(page, 'POST', '/api/v1/people', {
      given_name: 'Mathilde',
      family_name: 'Rousseau Doublon',
      phone_numbers: [{ number: phone, primary: true }],
    })) as { id: string };
    await page.goto('/app/people/duplicates');
    const pair = page.getByTestId('duplicate-pair').filter({ hasText: 'Rousseau-Doublon' });
    await pair.waitFor({ timeout: 30_000 });
    await h.shot(page, 'people-04-duplicates');
    await pair.getByRole('button', { name: /garder mathilde rousseau-doublon/i }).click();
    // Nothing is merged before the confirmation, which shows the record that will remain.
    const confirm = page.getByTestId('merge-confirm');
    await confirm.getByText('mathilde.doublon@example.org').waitFor();
    await h.shot(page, 'people-04b-merge-confirm');
    await confirm.getByRole('button', { name: /^fusionner$/i }).click();
    await page.getByText(/fiches fusionnées/i).waitFor();
    const mergedInto = async () =>
      (
        await h.runtime.database.db
          .selectFrom('person')
          .select('merged_into')
          .where('campaign_id', '=', h.campaignId)
          .where('id', '=', b.id)
          .executeTakeFirst()
      )?.merged_into ?? null;
    await expect.poll(mergedInto).toBe(a.id);
    await h.shot(page, 'people-05-merged-undo');
    await page.getByRole('button', { name: /^annuler$/i }).click();
    await page.getByText(/fusion annulée/i).waitFor();
    await expect.poll(mergedInto).toBeNull();
  });

  it('does not let a referent find a person of another arrondissement', async () => {
    const zone = await h.runtime.database.db
      .selectFrom('membership as m')
      .innerJoin('staff_user as u', 'u.id', 'm.user_id')
      .select(sql<string>`m.zone_ids[1]`.as('id'))
      .where('u.email', '=', REFERENT)
      .executeTakeFirstOrThrow();
    const { rows } = await sql<{ id: string; given_name: string; family_name: string }>`
      select id, given_name, family_name from person
      where campaign_id = ${h.campaignId} and not (zone_ids @> array[${zone.id}]::uuid[]) and family_name <> ''
      order by id limit 1`.execute(h.runtime.database.db);
    const outsider = rows[0];
    if (!outsider) throw new Error('no person outside the 11e in the demo');
    const page = await h.newPage({ width: 390, height: 844 });
    await login(page, REFERENT, DEMO_PASSWORD);
    await page.getByTestId('stat-people-total').waitFor();
    await page.goto('/app/people');
    await page.getByTestId('people-total').filter({ hasText: /\d/ }).waitFor();
    // The search is typo-tolerant, so namesakes of the 11e may show up: never the outsider.
    const answered = page.waitForResponse((r) => r.url().includes('/api/v1/people?') && r.url().includes('q='));
    await page.getByRole('searchbox', { name: /^rechercher$/i }).fill(`${outsider.given_name} ${outsider.family_name}`);
    const body = (await (await answered).json()) as { _embedded: { 'osdi:people': { id: string }[] } };
    expect(body._embedded['osdi:people'].map((p) => p.id)).not.toContain(outsider.id);
    await page.waitForTimeout(300);
    expect(await page.locator(`[data-person-id="${outsider.id}"]`).count()).toBe(0);
    await h.shot(page, 'people-06-referent-search-phone');
    // Not by its address either.
    await page.goto(`/app/people/${outsider.id}`);
    expect(await page.getByRole('alert').innerText()).toMatch(/introuvable/i);
  });

  it('tells a referent, in French, that an address outside their zones is refused, and keeps the old one', async () => {
    const zone = await h.runtime.database.db
      .selectFrom('membership as m')
      .innerJoin('staff_user as u', 'u.id', 'm.user_id')
      .select(sql<string>`m.zone_ids[1]`.as('id'))
      .where('u.email', '=', REFERENT)
      .executeTakeFirstOrThrow();
    const person = (inside: boolean) =>
      sql<{ id: string; street_address: string; postcode: string; locality: string }>`
        select id, street_address, postcode, locality from person
        where campaign_id = ${h.campaignId} and (zone_ids @> array[${zone.id}]::uuid[]) = ${inside}
          and street_address <> '' and lon is not null and family_name <> ''
        order by id limit 1`
        .execute(h.runtime.database.db)
        .then(({ rows }) => rows[0]);
    const [mine, elsewhere] = [await person(true), await person(false)];
    if (!mine || !elsewhere) throw new Error('no located person inside and outside the 11e in the demo');
    const page = await h.newPage();
    await login(page, REFERENT, DEMO_PASSWORD);
    await page.getByTestId('stat-people-total').waitFor();
    await page.goto(`/app/people/${mine.id}`);
    await page.getByTestId('person-name').waitFor();
    await page
      .getByRole('button', { name: /^modifier$/i })
      .first()
      .click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('textbox', { name: /^adresse \(rue\)$/i }).fill(elsewhere.street_address);
    await dialog.getByRole('textbox', { name: /^code postal$/i }).fill(elsewhere.postcode);
    await dialog.getByRole('textbox', { name: /^ville$/i }).fill(elsewhere.locality);
    await dialog.getByRole('button', { name: /^enregistrer$/i }).click();
    expect(await dialog.getByRole('alert').innerText()).toContain(
      'Cette adresse est hors de vos zones\u00a0: donnez une adresse dans vos zones.',
    );
    await h.shot(page, 'people-06b-referent-address-outside');
    const stored = await h.runtime.database.db
      .selectFrom('person')
      .select(['street_address', 'postcode'])
      .where('campaign_id', '=', h.campaignId)
      .where('id', '=', mine.id)
      .executeTakeFirstOrThrow();
    expect(stored).toEqual({ street_address: mine.street_address, postcode: mine.postcode });
  });

  it('says "more than 200" while a broad search is typed, in French then English, and counts a narrower one', async () => {
    const page = await h.newPage();
    await login(page, DIRECTOR, DEMO_PASSWORD);
    await page.getByTestId('stat-people-total').waitFor();
    await page.goto('/app/people');
    const total = page.getByTestId('people-total');
    await total.filter({ hasText: /\d/ }).waitFor();
    const search = page.getByRole('searchbox', { name: /^rechercher$/i });
    await search.fill('e');
    await expect.poll(() => total.innerText()).toMatch(/^Plus de 200 personnes\s: précisez la recherche$/);
    await h.shot(page, 'people-07-broad-search-fr');
    // A common family name found by dozens as typed, but fewer than the cap: no similar names are
    // added and the total is exact.
    const { rows } = await sql<{ family_name: string }>`select family_name from person
      where campaign_id = ${h.campaignId} and merged_into is null and family_name <> ''
      group by family_name having count(*) >= 20 order by count(*) desc, family_name limit 30`.execute(h.runtime.database.db);
    let family = '';
    let expected = 0;
    for (const candidate of rows) {
      const folded = candidate.family_name
        .toLowerCase()
        .normalize('NFD')
        .replace(/[\u0300-\u036f]/g, '');
      expected = await count(sql`search_text like ${`%${folded}%`}`);
      family = candidate.family_name;
      if (expected < SEARCH_CAP) break;
    }
    expect(expected).toBeGreaterThanOrEqual(20);
    expect(expected).toBeLessThan(SEARCH_CAP);
    await search.fill(family);
    await expect.poll(() => total.innerText()).toMatch(new RegExp(`^${expected} personnes?$`));

    await search.fill('e');
    await page.getByRole('button', { name: /langue|language/i }).click();
    await page.getByRole('menuitem', { name: /english/i }).click();
    await expect.poll(() => total.innerText()).toBe('More than 200 people: keep typing to narrow the search');
    await h.shot(page, 'people-08-broad-search-en');
    await page.getByRole('button', { name: /langue|language/i }).click();
    await page.getByRole('menuitem', { name: /français/i }).click();
    await expect.poll(() => page.locator('html').getAttribute('lang')).toBe('fr');
  });

  it("exports a person's data", async () => {
    const page = await h.newPage();
    await login(page, DIRECTOR, DEMO_PASSWORD);
    await page.getByTestId('stat-people-total').waitFor();
    const person = await h.runtime.database.db
      .selectFrom('person')
      .select(['id', 'email'])
      .where('campaign_id', '=', h.campaignId)
      .where('email', 'is not', null)
      .orderBy('id')
      .executeTakeFirstOrThrow();
    await page.goto(`/app/people/${person.id}`);
    await page.getByTestId('person-name').waitFor();
    await h.shot(page, 'people-07-person');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: /exporter ses données \(json\)/i }).click(),
    ]);
    const body = readFileSync(await download.path()).toString('utf8');
    expect(body).toContain(String(person.email));
    JSON.parse(body);
    const { rows } = await sql<{
      n: string;
    }>`select count(*) as n from audit_event where campaign_id = ${h.campaignId} and action = 'person.exported'`.execute(
      h.runtime.database.db,
    );
    expect(Number(rows[0]?.n)).toBeGreaterThanOrEqual(1);
  });
});
