// The election calendar as the director keeps it: the demo's two rounds and the banner of the next
// silence, a round added, refused when too close to another (said in French), edited and removed;
// the same screen in English and on a phone; a round tomorrow puts the campaign inside the silence,
// which the settings and every member's home screen say; a referent reads it but may not edit it.
import { sql } from 'kysely';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../src/server/modules/demo/demo.campaign.ts';
import { type BrowserHarness, login, startHarness } from './harness.ts';

const DIRECTOR = 'directrice@demo.relais.fr';
const REFERENT = 'referent11@demo.relais.fr';
const PHONE = { width: 390, height: 844 };

/** Calls the API with the page's session (cookie + CSRF token), as the back office does. */
async function apiAs(page: Page, method: 'GET' | 'POST' | 'DELETE', path: string, data?: unknown): Promise<unknown> {
  const session = (await (await page.request.get('/api/v1/session')).json()) as { csrf_token: string };
  const response = await page.request.fetch(path, { method, data, headers: { 'x-csrf-token': session.csrf_token } });
  if (!response.ok()) throw new Error(`${method} ${path}: ${response.status()} ${await response.text()}`);
  return response.status() === 204 ? undefined : response.json();
}

/** A day (yyyy-mm-dd) some days after today in Paris. */
function parisDayPlus(days: number): string {
  const today = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Paris' }).format(new Date());
  const [y, m, d] = today.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

describe('back office election calendar', () => {
  let h: BrowserHarness;

  beforeAll(async () => {
    h = await startHarness({ peopleCount: 300 });
  });
  afterAll(async () => {
    await h?.close();
  });

  const db = () => h.runtime.database.db;
  const roundDays = async () =>
    (
      await db()
        .selectFrom('calendar_round')
        .select(sql<string>`round_date::text`.as('date'))
        .where('campaign_id', '=', h.campaignId)
        .orderBy('round_date')
        .execute()
    ).map((r) => r.date);
  const signIn = async (email: string, options?: { width?: number; height?: number; locale?: string }) => {
    const page = await h.newPage(options);
    await login(page, email, DEMO_PASSWORD);
    await page.getByRole('navigation').first().waitFor();
    return page;
  };

  it('shows the demo calendar, adds a round, refuses one too close, edits and removes it (laptop, French)', async () => {
    const demoDays = await roundDays();
    expect(demoDays).toHaveLength(2);
    const page = await signIn(DIRECTOR);
    await page.goto('/app/settings');
    await page.getByRole('tab', { name: /^calendrier électoral$/i }).click();
    await page.waitForURL(/\/app\/settings\/calendar$/);
    const banner = page.getByTestId('silence-banner');
    await expect.poll(() => banner.innerText()).toMatch(/Prochain tour\s*:\s*Premier tour, le dimanche/);
    expect(await banner.innerText()).toMatch(/samedi .* à 00:00/);
    expect(await banner.innerText()).toMatch(/dimanche .* à 20:00/);
    expect(await page.getByRole('textbox', { name: /^nom de l’élection/i }).inputValue()).toBe('Élections municipales');
    await expect.poll(() => page.getByTestId('round-row').count()).toBe(2);
    expect(await page.getByTestId('round-row').nth(1).innerText()).toMatch(/Second tour/);
    await h.shot(page, 'calendar-01-settings-fr');

    // A round the day after the first: its silence would begin before the first's polls close.
    await page.getByRole('button', { name: /^ajouter un tour$/i }).click();
    let dialog = page.getByRole('dialog', { name: /ajouter un tour/i });
    const dayAfter = new Date(Date.parse(`${demoDays[0]}T12:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
    await dialog.getByLabel(/^jour du vote/i).fill(dayAfter);
    await dialog.getByRole('button', { name: /^ajouter$/i }).click();
    await expect.poll(() => dialog.getByRole('alert').innerText()).toContain('Ce tour est trop proche d’un autre');
    await h.shot(page, 'calendar-02-overlap-fr');

    // Two weeks after the second round: accepted, with its silence.
    const later = new Date(Date.parse(`${demoDays[1]}T12:00:00Z`) + 14 * 86_400_000).toISOString().slice(0, 10);
    await dialog.getByLabel(/^jour du vote/i).fill(later);
    await dialog.getByRole('button', { name: /^ajouter$/i }).click();
    await dialog.waitFor({ state: 'detached' });
    await expect.poll(() => page.getByTestId('round-row').count()).toBe(3);
    expect(await roundDays()).toEqual([...demoDays, later]);
    expect(await page.getByTestId('round-row').nth(2).innerText()).toMatch(/3e tour/);

    // Polls closing at 19:00 there: the silence ends at 19:00 Paris time.
    await page
      .getByTestId('round-row')
      .nth(2)
      .getByRole('button', { name: /^modifier/i })
      .click();
    dialog = page.getByRole('dialog', { name: /modifier le tour/i });
    await dialog.getByLabel(/^fermeture des bureaux/i).fill('19:00');
    await dialog.getByRole('button', { name: /^enregistrer$/i }).click();
    await dialog.waitFor({ state: 'detached' });
    await expect.poll(() => page.getByTestId('round-row').nth(2).innerText()).toMatch(/19:00/);
    const edited = await db()
      .selectFrom('calendar_round')
      .select(['polls_close', 'silence_until'])
      .where('campaign_id', '=', h.campaignId)
      .where(sql<boolean>`round_date = ${later}::date`)
      .executeTakeFirstOrThrow();
    expect(edited.polls_close).toBe('19:00');
    expect(
      new Intl.DateTimeFormat('fr-FR', { timeZone: 'Europe/Paris', hour: '2-digit', minute: '2-digit' }).format(edited.silence_until),
    ).toBe('19:00');

    await page
      .getByTestId('round-row')
      .nth(2)
      .getByRole('button', { name: /^supprimer/i })
      .click();
    const confirm = page.getByRole('dialog', { name: /supprimer le tour/i });
    expect(await confirm.innerText()).toMatch(/son silence électoral/);
    await confirm.getByRole('button', { name: /^supprimer$/i }).click();
    await confirm.waitFor({ state: 'detached' });
    await expect.poll(roundDays).toEqual(demoDays);

    // The election renamed.
    await page.getByRole('textbox', { name: /^nom de l’élection/i }).fill('Municipales 2027');
    await page.getByRole('button', { name: /^enregistrer l’élection$/i }).click();
    await page.getByText('Enregistré.').waitFor();
    const election = await db()
      .selectFrom('calendar_election')
      .select('name')
      .where('campaign_id', '=', h.campaignId)
      .executeTakeFirstOrThrow();
    expect(election.name).toBe('Municipales 2027');
  });

  it('reads the same on a phone in French, and in English on a laptop and a phone', async () => {
    const phone = await signIn(DIRECTOR, PHONE);
    await phone.goto('/app/settings/calendar');
    await expect.poll(() => phone.getByTestId('round-row').count()).toBe(2);
    await phone.getByTestId('silence-banner').waitFor();
    // Nothing wider than the screen.
    expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
    await h.shot(phone, 'calendar-03-settings-phone-fr');
    await phone.getByRole('button', { name: /^ajouter un tour$/i }).click();
    await phone.getByRole('dialog', { name: /ajouter un tour/i }).waitFor();
    await h.shot(phone, 'calendar-04-add-round-phone-fr');

    await db().updateTable('staff_user').set({ locale: 'en' }).where('email', '=', DIRECTOR).execute();
    try {
      for (const [size, name] of [
        [undefined, 'calendar-05-settings-en'],
        [PHONE, 'calendar-06-settings-phone-en'],
      ] as const) {
        const page = await signIn(DIRECTOR, { ...size, locale: 'en-GB' });
        await page.goto('/app/settings/calendar');
        const banner = page.getByTestId('silence-banner');
        await expect.poll(() => banner.innerText()).toMatch(/Next round: First round, on Sunday/);
        expect(await banner.innerText()).toMatch(/French electoral code, article L\.49/);
        await page.getByRole('tab', { name: /^election calendar$/i }).waitFor();
        expect(await page.getByTestId('round-row').nth(1).innerText()).toMatch(/Second round/);
        await h.shot(page, name);
      }
    } finally {
      await db().updateTable('staff_user').set({ locale: 'fr' }).where('email', '=', DIRECTOR).execute();
    }
  });

  it('says when the campaign is inside the silence, on the settings and on every member’s home screen', async () => {
    const page = await signIn(DIRECTOR);
    const tomorrow = parisDayPlus(1);
    const round = (await apiAs(page, 'POST', '/api/v1/calendar/rounds', { date: tomorrow })) as { id: string };
    try {
      const check = (await apiAs(page, 'GET', '/api/v1/calendar/check')) as { allowed: boolean; code: string };
      expect(check).toMatchObject({ allowed: false, code: 'ELECTORAL_SILENCE' });
      await page.goto('/app/settings/calendar');
      const banner = page.getByTestId('silence-banner');
      await expect.poll(() => banner.getAttribute('data-in-force')).toBe('true');
      expect(await banner.innerText()).toMatch(/Silence électoral en cours \(Premier tour du/);
      expect(await banner.innerText()).toMatch(/à 20:00/);
      await h.shot(page, 'calendar-07-in-force-fr');

      // A referent reads it on the home screen (in French and on a phone), and may not open the settings of it.
      const referent = await signIn(REFERENT, PHONE);
      const home = referent.getByTestId('silence-banner');
      await expect.poll(() => home.innerText()).toMatch(/Silence électoral en cours/);
      await h.shot(referent, 'calendar-08-in-force-home-phone-fr');
      await referent.goto('/app/settings/calendar');
      await referent.getByRole('heading', { name: /accès refusé/i }).waitFor();
      expect(await referent.getByRole('button', { name: /ajouter un tour/i }).count()).toBe(0);

      await db().updateTable('staff_user').set({ locale: 'en' }).where('email', '=', REFERENT).execute();
      try {
        const english = await signIn(REFERENT, { locale: 'en-GB' });
        await expect.poll(() => english.getByTestId('silence-banner').innerText()).toMatch(/Electoral silence in force \(First round of/);
        await h.shot(english, 'calendar-09-in-force-home-en');
      } finally {
        await db().updateTable('staff_user').set({ locale: 'fr' }).where('email', '=', REFERENT).execute();
      }
    } finally {
      await apiAs(page, 'DELETE', `/api/v1/calendar/rounds/${round.id}`);
    }
    expect(((await apiAs(page, 'GET', '/api/v1/calendar/check')) as { allowed: boolean }).allowed).toBe(true);
  });
});
