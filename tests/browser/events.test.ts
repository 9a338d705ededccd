// The public events pages as a visitor with JavaScript turned off: the list and map on a phone, an
// event's page, the RSVP form posted as plain HTML (303 to the thank-you page), the RSVP landing on
// a person record; then the back office's events screens and the door check-in on a phone, in
// French and English (screenshots in artifacts/screenshots to be looked at).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../src/server/modules/demo/demo.campaign.ts';
import { type BrowserHarness, login, startHarness } from './harness.ts';

describe('events', () => {
  let h: BrowserHarness;

  beforeAll(async () => {
    h = await startHarness({ peopleCount: 100 });
  });
  afterAll(async () => {
    await h?.close();
  });

  const noSidewaysScroll = (page: import('playwright-core').Page) =>
    page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);

  it('RSVPs to an event with JavaScript disabled, on a phone', async () => {
    const context = await h.browser.newContext({
      viewport: { width: 390, height: 844 },
      locale: 'fr-FR',
      baseURL: h.baseUrl,
      javaScriptEnabled: false,
    });
    const page = await context.newPage();
    await page.goto('/evenements');
    await page.getByRole('heading', { name: 'Événements', level: 1 }).waitFor();
    expect(await page.locator('svg.map a').count()).toBeGreaterThan(5);
    expect(await noSidewaysScroll(page)).toBe(true);
    await h.shot(page, 'events-list-phone-fr');
    await page.locator('ul.events').getByRole('link', { name: 'Hackathon « Paris ouvert »' }).click();
    await page.getByRole('heading', { name: 'Hackathon « Paris ouvert »' }).waitFor();
    expect(await noSidewaysScroll(page)).toBe(true);
    await page.getByLabel(/^Prénom/).fill('Zoé');
    await page.getByLabel(/^Adresse e-mail/).fill('zoe.visiteuse@exemple.test');
    await page.getByLabel(/SMS de rappel/).check();
    await page.getByLabel(/^Téléphone mobile/).fill('06 12 34 56 78');
    await h.shot(page, 'events-event-phone-fr');
    // The form's minimum fill time (a person takes a few seconds; a robot does not).
    await page.waitForTimeout(3100);
    await page.getByRole('button', { name: "M'inscrire" }).click();
    await page.getByRole('status').waitFor();
    expect(await page.getByRole('status').textContent()).toContain('vous êtes inscrit');
    await h.shot(page, 'events-thanks-phone-fr');
    const row = await h.runtime.database.db
      .selectFrom('event_rsvp')
      .innerJoin('person', (j) =>
        j.onRef('person.campaign_id', '=', 'event_rsvp.campaign_id').onRef('person.id', '=', 'event_rsvp.person_id'),
      )
      .select(['event_rsvp.status', 'person.given_name', 'person.consent_sms'])
      .where('person.email', '=', 'zoe.visiteuse@exemple.test')
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ status: 'going', given_name: 'Zoé', consent_sms: true });
    await page.goto('/evenements?lang=en');
    await page.getByRole('heading', { name: 'Events', level: 1 }).waitFor();
    await h.shot(page, 'events-list-phone-en');
    await context.close();
  }, 60_000);

  it('shows the back office screens and the door check-in, in French and English, laptop and phone', async () => {
    for (const [locale, width] of [
      ['fr-FR', 1280],
      ['en-GB', 390],
    ] as const) {
      const page = await h.newPage({ width, height: 860, locale });
      await login(page, 'directrice@demo.relais.fr', DEMO_PASSWORD);
      await page.goto('/app/events');
      await page.getByRole('link', { name: 'Hackathon « Paris ouvert »' }).click();
      await page.getByRole('link', { name: /Pointage|Door check-in/ }).waitFor();
      expect(await noSidewaysScroll(page)).toBe(true);
      await h.shot(page, `events-bo-event-${locale}-${width}`);
      await page.getByRole('link', { name: /Pointage|Door check-in/ }).click();
      await page
        .getByRole('button', { name: /Pointer|Check in/ })
        .first()
        .click();
      await page.getByRole('status').waitFor();
      expect(await noSidewaysScroll(page)).toBe(true);
      await h.shot(page, `events-checkin-${locale}-${width}`);
      await page.context().close();
    }
  }, 90_000);
});
