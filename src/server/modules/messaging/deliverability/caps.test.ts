// Caps per receiving domain, through a real SMTP server on loopback that counts the transactions in
// flight per recipient domain: gmail.com capped at one message in flight and 300 a minute waits for
// its bucket while orange.fr and free.fr, under the defaults, keep flowing.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { tenantRunnerOf } from '../../../db/database.ts';
import {
  buildTestApp,
  createCampaignFixture,
  createMemberFixture,
  type FixtureCampaign,
  type TestApp,
  TestClient,
} from '../../../testing/app.ts';
import { describeEachDatabase } from '../../../testing/databases.ts';
import { type SmtpSink, sinkMailingConfig, startSmtpSink } from '../../../testing/smtp-sink.ts';
import { mailableListFixture } from '../messaging.fixtures.ts';
import { sendMailing } from '../send.ts';
import { createBulkTransport } from '../transport.ts';

const PER_DOMAIN = 15;
const DOMAINS = ['gmail.com', 'orange.fr', 'free.fr'] as const;

describeEachDatabase('deliverability: caps per receiving domain', (ctx) => {
  let sink: SmtpSink;
  let t: TestApp;
  let c: FixtureCampaign;
  let owner: TestClient;
  let listId: string;

  beforeAll(async () => {
    sink = await startSmtpSink();
    t = await buildTestApp(ctx.database, {
      mailing: sinkMailingConfig(sink, { connections: 6 }),
    });
    c = await createCampaignFixture(ctx.database.db, 'caps');
    const people = DOMAINS.flatMap((domain) =>
      Array.from({ length: PER_DOMAIN }, (_, i) => ({
        given_name: `P${i}`,
        family_name: domain,
        email: `p${i}@${domain}`,
        zone_ids: [c.zones[0]?.id as string],
      })),
    );
    ({ listId } = await mailableListFixture(ctx.database.db, c.id, people));
    await createMemberFixture(ctx.database.db, c.id, { email: 'owner@example.org', role: 'owner' });
    owner = new TestClient(t.app);
    await owner.login('owner@example.org');
  }, 60_000);

  afterAll(async () => {
    await t?.close();
    await sink?.close();
  });

  it('holds a capped domain to its connections and rate while the other domains flow', async () => {
    const put = await owner.request('PUT', '/api/v1/messaging/deliverability', {
      default_connections: 2,
      default_rate_per_minute: 60_000,
      domains: [{ domain: 'Gmail.com', connections: 1, rate_per_minute: 300 }],
      spf_includes: [],
      spf_ips: [],
      dmarc_policy: 'none',
      dmarc_report_address: null,
      complaint_alert_rate: 0.001,
      complaint_pause_rate: 0.003,
      complaint_min_sent: 100,
      breaker_unsubscribe_rate: 0.02,
      breaker_complaint_rate: 0.003,
      breaker_min_delivered: 200,
    });
    expect(put.statusCode, put.body).toBe(200);
    expect(put.json().domains).toEqual([{ domain: 'gmail.com', connections: 1, rate_per_minute: 300 }]);

    const created = await owner.request('POST', '/api/v1/messages', {
      name: 'Caps',
      subject: 'Bonjour {{given_name}}',
      from: 'Équipe',
      content: { blocks: [{ type: 'paragraph', text: 'Nouvelles.' }] },
      audience: { list_ids: [listId] },
    });
    expect(created.statusCode, created.body).toBe(201);
    const id = created.json().id as string;
    expect((await owner.request('POST', `/api/v1/messages/${id}/send`)).statusCode).toBe(202);

    const transport = createBulkTransport(t.runtime.config.mailing, ctx.database.db);
    const outcome = await sendMailing({
      campaignId: c.id,
      mailingId: id,
      tenant: tenantRunnerOf(ctx.database.db, c.id),
      config: t.runtime.config,
      transport,
      soleWorker: false,
    }).finally(() => transport.close());
    expect(outcome).toMatchObject({ done: true, sent: PER_DOMAIN * DOMAINS.length });

    const at = (domain: string) =>
      sink.messages
        .filter((m) => m.rcptTo[0]?.endsWith(`@${domain}`))
        .map((m) => m.receivedAt)
        .sort((a, b) => a - b);
    const gmail = at('gmail.com');
    const others = [...at('orange.fr'), ...at('free.fr')].sort((a, b) => a - b);
    expect(gmail).toHaveLength(PER_DOMAIN);
    expect(others).toHaveLength(PER_DOMAIN * 2);
    // Connections: never more in flight to a domain than its cap.
    expect(sink.maxInFlight.get('gmail.com')).toBe(1);
    expect(sink.maxInFlight.get('orange.fr')).toBeLessThanOrEqual(2);
    expect(sink.maxInFlight.get('free.fr')).toBeLessThanOrEqual(2);
    // Rate: 300 a minute is 5 a second with a bucket of 5, so the 15 take at least two seconds,
    // and no second holds more than the bucket plus a second's refill.
    expect((gmail.at(-1) as number) - (gmail[0] as number)).toBeGreaterThanOrEqual(1800);
    for (const start of gmail) expect(gmail.filter((x) => x >= start && x < start + 1000).length).toBeLessThanOrEqual(10);
    // The other domains did not wait for gmail.com's bucket.
    expect(others.at(-1) as number).toBeLessThan((gmail.at(-1) as number) - 1000);
  }, 60_000);
});
