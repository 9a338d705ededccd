// Deliverability as the director sets it up: the « Délivrabilité » settings tab shows the DNS records
// to publish (copied with a button), checks them against a real DNS server on loopback (present,
// absent), saves caps per receiving domain; the complaint-rate pause shows on the mailings screen,
// where a referent reads it without a resume button and the director resumes; the tab works on a
// phone without sideways scrolling; a mailing its circuit breaker stopped says why in the list.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uuidv7 } from '../../src/server/lib/ids.ts';
import { DEMO_PASSWORD } from '../../src/server/modules/demo/demo.campaign.ts';
import { type DnsServer, startDnsServer } from '../../src/server/modules/messaging/deliverability/dns-server.fixture.ts';
import { type BrowserHarness, login, startHarness } from './harness.ts';

const DIRECTOR = 'directrice@demo.relais.fr';
const REFERENT = 'referent11@demo.relais.fr';
const PHONE = { width: 390, height: 844 };

describe('back office deliverability', () => {
  let h: BrowserHarness;
  let dns: DnsServer;

  beforeAll(async () => {
    dns = await startDnsServer();
    h = await startHarness({ peopleCount: 300, dns: { servers: [dns.address], timeoutMs: 2000 } });
  });
  afterAll(async () => {
    await h?.close();
    await dns?.close();
  });

  const db = () => h.runtime.database.db;
  const signIn = async (email: string, options?: { width?: number; height?: number; locale?: string }) => {
    const page = await h.newPage(options);
    await login(page, email, DEMO_PASSWORD);
    await page.getByRole('navigation').first().waitFor();
    return page;
  };
  const record = (page: Page, kind: 'spf' | 'dkim' | 'dmarc') => page.getByTestId(`record-${kind}`);

  it('shows and copies the records, checks them in DNS and saves caps per domain (laptop, French)', async () => {
    const page = await signIn(DIRECTOR);
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
    await page.goto('/app/settings');
    await page.getByRole('tab', { name: /^délivrabilité$/i }).click();
    await page.waitForURL(/\/app\/settings\/deliverability$/);
    await page.getByRole('heading', { name: /^enregistrements dns à publier$/i }).waitFor();
    // No DKIM key on this server: said in French, nothing to copy.
    await expect.poll(() => record(page, 'dkim').innerText()).toMatch(/Aucune clé DKIM n’est configurée/);
    const spfName = (await record(page, 'spf').locator('code').first().innerText()).trim();
    const dmarcName = (await record(page, 'dmarc').locator('code').first().innerText()).trim();
    expect(dmarcName).toMatch(/^_dmarc\./);
    expect(await record(page, 'dmarc').locator('code').nth(1).innerText()).toBe('v=DMARC1; p=none');

    // The SPF wishes and a cap for orange.fr, saved.
    await page.getByRole('textbox', { name: /domaines «\s*include\s*» du relais/i }).fill('spf.relais-mail.test');
    await page.getByRole('button', { name: /^ajouter un domaine$/i }).click();
    const cap = page.getByTestId('domain-cap');
    await cap.getByRole('textbox', { name: /^domaine$/i }).fill('Orange.fr');
    await cap.getByRole('textbox', { name: /^messages par minute$/i }).fill('300');
    await page.getByRole('button', { name: /^enregistrer$/i }).click();
    await page.getByText(/^enregistré\.$/i).waitFor();
    const caps = await db().selectFrom('mail_domain_cap').selectAll().where('campaign_id', '=', h.campaignId).execute();
    expect(caps.map((c) => [c.domain, c.connections, c.rate_per_minute])).toEqual([['orange.fr', 2, 300]]);
    const spfValue = (await record(page, 'spf').locator('code').nth(1).innerText()).trim();
    expect(spfValue).toBe('v=spf1 include:spf.relais-mail.test ~all');

    // Copy buttons put the value on the clipboard.
    await record(page, 'spf')
      .getByRole('button', { name: /^copier la valeur de l’enregistrement spf$/i })
      .click();
    await record(page, 'spf')
      .getByText(/^copié$/i)
      .waitFor();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(spfValue);

    // DNS publishes the SPF record, not the DMARC one.
    dns.txt.set(spfName.toLowerCase(), [[spfValue]]);
    await page.getByRole('button', { name: /^vérifier dans le dns$/i }).click();
    await expect.poll(() => page.getByTestId('record-status-spf').innerText()).toBe('Présent');
    expect(await page.getByTestId('record-status-dmarc').innerText()).toBe('Absent');
    expect(await page.getByTestId('record-status-dkim').innerText()).toBe('Non configuré');
    await page.getByText(/^vérifié le /i).waitFor();
    await h.shot(page, 'deliverability-01-settings-fr');
  });

  it('shows the paused sending on the mailings screen; a referent cannot resume, the director does', async () => {
    await db()
      .updateTable('mail_deliverability')
      .set({ paused_at: new Date(), paused_rate: 0.0042 })
      .where('campaign_id', '=', h.campaignId)
      .execute();
    const referent = await signIn(REFERENT);
    await referent.goto('/app/mailings');
    const seen = referent.getByTestId('deliverability-banner');
    await expect.poll(() => seen.innerText()).toMatch(/Envois suspendus/);
    expect(await seen.innerText()).toMatch(/0,42\s*%/);
    expect(await seen.getByRole('button').count()).toBe(0);
    expect(await seen.innerText()).toMatch(/Un administrateur de la campagne peut reprendre les envois/);
    // The settings tab is the admins'.
    await referent.goto('/app/settings');
    await referent.getByRole('tablist').first().waitFor();
    expect(await referent.getByRole('tab', { name: /^délivrabilité$/i }).count()).toBe(0);

    // A mailing its circuit breaker stopped says why in the list.
    await db()
      .insertInto('mailing')
      .values({
        campaign_id: h.campaignId,
        id: uuidv7(),
        name: 'Lettre disjonctée',
        subject: 'Nouvelles',
        status: 'paused',
        pause_reason: 'unsubscribe_rate',
      })
      .execute();
    const page = await signIn(DIRECTOR);
    await page.goto('/app/mailings');
    await expect
      .poll(() => page.getByTestId('pause-reason').first().innerText())
      .toBe('Arrêté par le disjoncteur\u00a0: trop de désinscriptions.');
    const banner = page.getByTestId('deliverability-banner');
    await expect.poll(() => banner.innerText()).toMatch(/Aucun envoi ne part jusqu’à ce qu’un administrateur les reprenne/);
    await h.shot(page, 'deliverability-02-paused-fr');
    await banner.getByRole('button', { name: /^reprendre les envois$/i }).click();
    await expect.poll(() => banner.count()).toBe(0);
    const row = await db().selectFrom('mail_deliverability').selectAll().where('campaign_id', '=', h.campaignId).executeTakeFirstOrThrow();
    expect(row.paused_at).toBeNull();
    const audit = await db()
      .selectFrom('audit_event')
      .select('action')
      .where('campaign_id', '=', h.campaignId)
      .where('action', '=', 'mail.sending_resumed')
      .execute();
    expect(audit).toHaveLength(1);
  });

  it('works on a phone without sideways scrolling', async () => {
    const page = await signIn(DIRECTOR, PHONE);
    await page.goto('/app/settings/deliverability');
    await page.getByRole('heading', { name: /^enregistrements dns à publier$/i }).waitFor();
    await page.getByTestId('domain-cap').first().waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
    await h.shot(page, 'deliverability-03-phone-fr');
  });
});
