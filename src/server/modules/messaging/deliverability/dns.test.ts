// The DNS records to publish and their check against a real DNS server on loopback (UDP, the DNS
// wire format): SPF at the return-path domain with the relay's include and addresses, DKIM from the
// configured key's public part, DMARC with at least p=none; each present, missing, wrong or
// unreachable, and the alignment of SPF and DKIM with the From domain.
import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadConfig } from '../../../config.ts';
import {
  buildTestApp,
  createCampaignFixture,
  createMemberFixture,
  type FixtureCampaign,
  type TestApp,
  TestClient,
} from '../../../testing/app.ts';
import { describeEachDatabase } from '../../../testing/databases.ts';
import { type DnsServer, startDnsServer } from './dns-server.fixture.ts';

const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const P = publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
const other = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ type: 'spki', format: 'der' }).toString('base64');

describeEachDatabase('deliverability: DNS records', (ctx) => {
  let dns: DnsServer;
  let t: TestApp;
  let c: FixtureCampaign;
  let owner: TestClient;
  let organizer: TestClient;

  beforeAll(async () => {
    dns = await startDnsServer();
    const base = loadConfig({ LOG_LEVEL: 'silent' });
    t = await buildTestApp(ctx.database, {
      mailing: {
        ...base.mailing,
        fromAddress: 'lettre@campagne.test',
        bounceDomain: 'rebonds.campagne.test',
        dkim: {
          domainName: 'campagne.test',
          keySelector: 's2026',
          privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
        },
      },
      dns: { servers: [dns.address], timeoutMs: 2000 },
    });
    c = await createCampaignFixture(ctx.database.db, 'dns');
    await createMemberFixture(ctx.database.db, c.id, { email: 'owner@example.org', role: 'owner' });
    await createMemberFixture(ctx.database.db, c.id, { email: 'orga@example.org', role: 'organizer' });
    owner = new TestClient(t.app);
    await owner.login('owner@example.org');
    organizer = new TestClient(t.app);
    await organizer.login('orga@example.org');
  });

  afterAll(async () => {
    await t?.close();
    await dns?.close();
  });

  const settings = {
    default_connections: 5,
    default_rate_per_minute: 6000,
    domains: [],
    spf_includes: ['spf.relais-mail.test'],
    spf_ips: ['192.0.2.10'],
    dmarc_policy: 'none',
    dmarc_report_address: 'dmarc@campagne.test',
    complaint_alert_rate: 0.001,
    complaint_pause_rate: 0.003,
    complaint_min_sent: 100,
    breaker_unsubscribe_rate: 0.02,
    breaker_complaint_rate: 0.003,
    breaker_min_delivered: 200,
  };
  type Check = { records: { kind: string; name: string; status: string; problem: string | null; found: string[] }[]; alignment: unknown };
  const check = async () => {
    const res = await owner.request('GET', '/api/v1/messaging/deliverability/dns');
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json() as Check;
    return Object.fromEntries(body.records.map((r) => [r.kind, r])) as Record<'spf' | 'dkim' | 'dmarc', Check['records'][number]>;
  };

  it('shows the records to publish: SPF at the return-path domain, DKIM from the key, DMARC p=none; and their alignment', async () => {
    const put = await owner.request('PUT', '/api/v1/messaging/deliverability', settings);
    expect(put.statusCode, put.body).toBe(200);
    const body = put.json();
    expect(body.records).toEqual([
      { kind: 'spf', name: 'rebonds.campagne.test', type: 'TXT', value: 'v=spf1 include:spf.relais-mail.test ip4:192.0.2.10 ~all' },
      { kind: 'dkim', name: 's2026._domainkey.campagne.test', type: 'TXT', value: `v=DKIM1; k=rsa; p=${P}` },
      { kind: 'dmarc', name: '_dmarc.campagne.test', type: 'TXT', value: 'v=DMARC1; p=none; rua=mailto:dmarc@campagne.test' },
    ]);
    expect(body.alignment).toEqual({
      from_domain: 'campagne.test',
      return_path_domain: 'rebonds.campagne.test',
      spf_aligned: true,
      dkim_domain: 'campagne.test',
      dkim_aligned: true,
    });
    // Settings are the admins'.
    expect((await organizer.request('GET', '/api/v1/messaging/deliverability')).statusCode).toBe(403);
    expect((await organizer.request('GET', '/api/v1/messaging/deliverability/dns')).statusCode).toBe(403);
  });

  it('finds every record present when DNS answers what was asked (a long DKIM key split in strings)', async () => {
    dns.txt.set('rebonds.campagne.test', [['v=spf1 ip4:192.0.2.10 include:spf.relais-mail.test -all'], ['google-site-verification=x']]);
    dns.txt.set('s2026._domainkey.campagne.test', [['v=DKIM1; k=rsa; ', `p=${P.slice(0, 200)}`, P.slice(200)]]);
    dns.txt.set('_dmarc.campagne.test', [['v=DMARC1; p=quarantine; pct=100']]);
    const r = await check();
    expect(r.spf).toMatchObject({ status: 'present', found: ['v=spf1 ip4:192.0.2.10 include:spf.relais-mail.test -all'] });
    expect(r.dkim.status).toBe('present');
    expect(r.dmarc.status).toBe('present');
    expect(dns.questions.map((q) => q.type)).toContain('TXT');
  });

  it('says which record is missing or wrong, and why', async () => {
    dns.txt.set('rebonds.campagne.test', [['v=spf1 include:autre.test ~all']]);
    dns.txt.set('s2026._domainkey.campagne.test', [[`v=DKIM1; k=rsa; p=${other}`]]);
    dns.txt.delete('_dmarc.campagne.test');
    let r = await check();
    expect(r.spf).toMatchObject({ status: 'wrong', problem: 'spf_mechanism_missing' });
    expect(r.dkim).toMatchObject({ status: 'wrong', problem: 'dkim_key_differs' });
    expect(r.dmarc).toMatchObject({ status: 'missing' });

    dns.txt.set('rebonds.campagne.test', [['v=spf1 include:spf.relais-mail.test ip4:192.0.2.10 ~all'], ['v=spf1 -all']]);
    dns.txt.delete('s2026._domainkey.campagne.test');
    dns.txt.set('_dmarc.campagne.test', [['v=DMARC1; rua=mailto:x@campagne.test']]);
    r = await check();
    expect(r.spf).toMatchObject({ status: 'wrong', problem: 'spf_several' });
    expect(r.dkim.status).toBe('missing');
    expect(r.dmarc).toMatchObject({ status: 'wrong', problem: 'dmarc_policy_invalid' });
  });

  it('reports the records unreachable, not an error, when DNS does not answer', async () => {
    await dns.close();
    const r = await check();
    for (const kind of ['spf', 'dkim', 'dmarc'] as const) expect(r[kind].status, kind).toBe('unreachable');
    dns = await startDnsServer();
  });
});
