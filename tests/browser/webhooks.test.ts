// Webhooks as the director uses them, with a receiver on loopback: add one (the secret shown once),
// send a test and watch it arrive signed in the log, find an endpoint disabled after failures with
// its notice and re-enable it, replay a delivery; on a laptop in French and on a phone in English.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../src/server/modules/demo/demo.campaign.ts';
import { verifySignature } from '../../src/server/modules/webhooks/index.ts';
import { type BrowserHarness, login, startHarness } from './harness.ts';

const DIRECTOR = 'directrice@demo.relais.fr';

describe('back office webhooks', () => {
  let h: BrowserHarness;
  let receiver: http.Server;
  let receiverUrl = '';
  const received: { raw: string; signature: string }[] = [];

  beforeAll(async () => {
    receiver = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push({ raw: Buffer.concat(chunks).toString('utf8'), signature: String(req.headers['relais-signature'] ?? '') });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/relais`;
    h = await startHarness({ peopleCount: 300, webhookAllowNetworks: ['127.0.0.0/8'] });
  });
  afterAll(async () => {
    await h?.close();
    receiver?.closeAllConnections();
    await new Promise((resolve) => receiver?.close(resolve));
  });

  it('adds a webhook, shows its secret once, sends a test that arrives signed, and replays it (laptop, French)', async () => {
    const page = await h.newPage();
    await login(page, DIRECTOR, DEMO_PASSWORD);
    await page.getByRole('link', { name: /^webhooks$/i }).click();
    await page.waitForURL(/\/app\/webhooks$/);
    await page.getByText(/aucun webhook pour l’instant/i).waitFor();

    await page.getByRole('button', { name: /^ajouter un webhook$/i }).click();
    const dialog = page.getByRole('dialog', { name: /ajouter un webhook/i });
    await dialog.getByRole('button', { name: /^ajouter$/i }).click();
    await dialog.getByText(/indiquez l’adresse de réception/i).waitFor();
    await dialog.getByRole('textbox', { name: /adresse de réception/i }).fill(receiverUrl);
    await dialog.getByRole('textbox', { name: /^nom$/i }).fill('Tableau des bénévoles');
    await dialog.getByRole('checkbox', { name: /^contact créé$/i }).check();
    await dialog.getByRole('checkbox', { name: /^étiquette ajoutée à un contact$/i }).check();
    await dialog.getByRole('button', { name: /^ajouter$/i }).click();

    await dialog.waitFor({ state: 'hidden' });
    const reveal = page.getByRole('dialog', { name: /secret de signature/i });
    const secret = (await reveal.getByTestId('new-webhook-secret').textContent()) ?? '';
    expect(secret).toMatch(/^whsec_/);
    await h.shot(page, 'webhooks-secret-fr');
    await reveal.getByRole('button', { name: /j’ai copié le secret/i }).click();
    await expect.poll(() => page.content()).not.toContain(secret);

    const card = page.getByTestId(/^webhook-/).first();
    await card.getByText('Tableau des bénévoles').waitFor();
    await card.getByText(/^actif$/i).waitFor();
    await card.getByRole('button', { name: /^envoyer un test$/i }).click();
    const log = page.getByRole('dialog', { name: /journal des envois/i });
    await log.getByText(/^reçu$/i).waitFor({ timeout: 30_000 });
    expect(received).toHaveLength(1);
    expect(verifySignature(secret, received[0]!.raw, received[0]!.signature)).toBe(true);
    await h.shot(page, 'webhooks-log-fr');

    await log.getByRole('button', { name: /^renvoyer l’envoi du/i }).click();
    await expect.poll(() => received.length, { timeout: 30_000 }).toBe(2);
    expect(JSON.parse(received[1]!.raw)[0].idempotency_key).toBe(JSON.parse(received[0]!.raw)[0].idempotency_key);
    await log.getByRole('cell', { name: '2', exact: true }).waitFor();
  });

  it('shows an endpoint disabled after failures with its notice, and re-enables it (phone, English)', async () => {
    await h.runtime.database.db
      .updateTable('webhook_subscription')
      .set({
        active: false,
        disabled_reason: 'failing',
        disabled_at: new Date(),
        consecutive_failures: 15,
        failing_since: new Date(Date.now() - 25 * 3600_000),
        last_error: 'HTTP 503: Service Unavailable',
      })
      .execute();
    // The director's account speaks English for this test (the interface follows the account).
    await h.runtime.database.db.updateTable('staff_user').set({ locale: 'en' }).where('email', '=', DIRECTOR).execute();
    const page = await h.newPage({ width: 390, height: 844, locale: 'en-GB' });
    await login(page, DIRECTOR, DEMO_PASSWORD);
    await page.goto('/app/webhooks');
    const card = page.getByTestId(/^webhook-/).first();
    await card.getByText(/this endpoint was disabled/i).waitFor();
    await card.getByText(/last error: http 503/i).waitFor();
    await h.shot(page, 'webhooks-disabled-phone-en');
    await card.getByRole('button', { name: /^re-enable$/i }).click();
    await card.getByText(/^active$/i).waitFor();
    expect(await card.getByText(/this endpoint was disabled/i).count()).toBe(0);
  });
});
