// Reviewing people as a team does: a false duplicate dismissed (and restored), a merge confirmed
// after seeing the record that will remain, every e-mail of the merged record editable, a segment's
// people opened in the people list and exported, and the import's reasons read on screen.
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../src/server/modules/demo/demo.campaign.ts';
import { type BrowserHarness, login, startHarness } from './harness.ts';

const DIRECTOR = 'directrice@demo.relais.fr';

async function apiAs(page: Page, method: 'GET' | 'POST', path: string, data?: unknown): Promise<unknown> {
  const session = (await (await page.request.get('/api/v1/session')).json()) as { csrf_token: string };
  const response = await page.request.fetch(path, { method, data, headers: { 'x-csrf-token': session.csrf_token } });
  if (!response.ok()) throw new Error(`${method} ${path}: ${response.status()} ${await response.text()}`);
  return response.json();
}

describe('back office: reviewing people', () => {
  let h: BrowserHarness;
  beforeAll(async () => {
    h = await startHarness({ peopleCount: 500 });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('dismisses a false duplicate, restores it, then merges a true one after its confirmation; every e-mail stays editable', async () => {
    const page = await h.newPage();
    await login(page, DIRECTOR, DEMO_PASSWORD);
    await page.getByTestId('stat-people-total').waitFor();
    const home = { postal_addresses: [{ address_lines: ['8 rue des Pyrénées'], postal_code: '75020' }] };
    await apiAs(page, 'POST', '/api/v1/people', { given_name: 'Odette', family_name: 'Mère-Fille', ...home });
    await apiAs(page, 'POST', '/api/v1/people', { given_name: 'Odette', family_name: 'Mère Fille', ...home });
    const keep = (await apiAs(page, 'POST', '/api/v1/people', {
      given_name: 'Lucien',
      family_name: 'Deuxfois',
      email_addresses: [{ address: 'lucien.un@example.org' }],
      phone_numbers: [{ number: '0655443322' }],
    })) as { id: string };
    await apiAs(page, 'POST', '/api/v1/people', {
      given_name: 'Lucien',
      family_name: 'Deuxfois',
      email_addresses: [{ address: 'lucien.deux@example.org' }],
      phone_numbers: [{ number: '06 55 44 33 22' }],
    });
    await page.goto('/app/people/duplicates');
    const family = page.getByTestId('duplicate-pair').filter({ hasText: 'Mère-Fille' });
    await family.waitFor({ timeout: 30_000 });
    await h.shot(page, 'review-01-duplicates');
    await family.getByRole('button', { name: /ne sont pas des doublons/i }).click();
    await page.getByText(/paire écartée/i).waitFor();
    await expect.poll(() => family.count()).toBe(0);
    await page.getByRole('button', { name: /^paires écartées$/i }).click();
    const dismissed = page.getByTestId('dismissed-pair').filter({ hasText: 'Mère-Fille' });
    await dismissed.waitFor();
    await h.shot(page, 'review-02-dismissed');
    await dismissed.getByRole('button', { name: /^rétablir$/i }).click();
    await family.waitFor();

    const twins = page.getByTestId('duplicate-pair').filter({ hasText: 'lucien.deux@example.org' });
    await twins
      .getByRole('button', { name: /garder lucien deuxfois/i })
      .first()
      .click();
    const confirm = page.getByTestId('merge-confirm');
    await confirm
      .getByText(/lucien\.un@example\.org, lucien\.deux@example\.org|lucien\.deux@example\.org, lucien\.un@example\.org/)
      .waitFor();
    await h.shot(page, 'review-03-merge-confirm');
    await confirm.getByRole('button', { name: /^fusionner$/i }).click();
    await page.getByText(/fiches fusionnées/i).waitFor();

    // The kept record holds both e-mails; both are editable in its form.
    const kept = await h.runtime.database.db
      .selectFrom('person')
      .select(['id', 'email', 'emails'])
      .where('campaign_id', '=', h.campaignId)
      .where('family_name', '=', 'Deuxfois')
      .where('merged_into', 'is', null)
      .executeTakeFirstOrThrow();
    expect([kept.email, ...kept.emails].sort()).toEqual(['lucien.deux@example.org', 'lucien.un@example.org']);
    await page.goto(`/app/people/${kept.id}`);
    await page.getByTestId('person-name').waitFor();
    await page
      .getByRole('button', { name: /^modifier$/i })
      .first()
      .click();
    const emails = page.getByTestId('email-list');
    await expect.poll(() => emails.getByRole('textbox').count()).toBe(2);
    await h.shot(page, 'review-04-edit-all-emails');
    const second = emails.getByRole('textbox', { name: /e-mail 2/i });
    await second.fill('lucien.corrige@example.org');
    await page.getByRole('button', { name: /^enregistrer$/i }).click();
    await expect
      .poll(async () => {
        const row = await h.runtime.database.db
          .selectFrom('person')
          .select(['email', 'emails'])
          .where('id', '=', kept.id)
          .executeTakeFirstOrThrow();
        return [row.email, ...row.emails].sort();
      })
      .toContain('lucien.corrige@example.org');
    expect(keep.id).toBeTruthy();
  });

  it("opens a segment's people in the people list and exports them", async () => {
    const page = await h.newPage();
    await login(page, DIRECTOR, DEMO_PASSWORD);
    await page.getByTestId('stat-people-total').waitFor();
    const segment = (await apiAs(page, 'POST', '/api/v1/segments', {
      name: 'Militants',
      definition: { op: 'and', children: [{ field: 'ladder_stage', cmp: 'in', value: ['activist'] }] },
    })) as { id: string };
    const { n } = await h.runtime.database.db
      .selectFrom('person')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('campaign_id', '=', h.campaignId)
      .where('ladder_stage', '=', 'activist')
      .where('merged_into', 'is', null)
      .executeTakeFirstOrThrow();
    await page.goto(`/app/segments/${segment.id}`);
    await page.getByRole('link', { name: /voir ces personnes/i }).click();
    await page.waitForURL(new RegExp(`/app/people\\?segment_id=${segment.id}`));
    await expect.poll(async () => (await page.getByTestId('people-total').innerText()).replace(/\D/g, '')).toBe(String(Number(n)));
    await h.shot(page, 'review-05-segment-people');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: /exporter en csv les/i }).click(),
    ]);
    const body = readFileSync(await download.path()).toString('utf8');
    expect(body.trim().split('\r\n')).toHaveLength(Number(n) + 1);
  });

  it('shows the import’s reasons on screen, line by line', async () => {
    const page = await h.newPage();
    await login(page, DIRECTOR, DEMO_PASSWORD);
    await page.getByTestId('stat-people-total').waitFor();
    const csv = Buffer.from(
      [
        'Prénom;Nom;E-mail;Téléphone;Code postal',
        'Inès;Bon;ines.bon@example.org;;75020',
        'Yves;Mauvais;yves@@x;06 44 55 66 77;',
        'Rien;Dutout;;;',
      ].join('\r\n'),
      'utf8',
    );
    await page.goto('/app/people/import');
    await page.getByTestId('import-file').setInputFiles({ name: 'motifs.csv', mimeType: 'text/csv', buffer: csv });
    await page.getByTestId('import-preview').waitFor();
    await page.getByRole('button', { name: /^suivant$/i }).click();
    await page.getByRole('button', { name: /lancer l’import/i }).click();
    await expect.poll(() => page.getByTestId('import-status').innerText(), { timeout: 30_000 }).toMatch(/terminé/i);
    const report = page.getByTestId('import-report');
    await report.getByText('e-mail invalide').waitFor();
    await report.getByText('ni e-mail ni téléphone').waitFor();
    expect(await report.getByTestId('import-report-line').count()).toBe(2);
    await h.shot(page, 'review-06-import-report-fr');
  });
});
