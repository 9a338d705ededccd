// Tracking end to end: a mailing sent through a real SMTP server on loopback carries signed click
// redirects, a hidden link and the open pixel (none when the campaign switches tracking off; the
// unsubscribe link never rewritten); a link scanner following every link unsubscribes nobody and
// counts no human click; Apple Mail Privacy Protection's opens are told apart; a tampered link gets an
// error page, not a redirect; the buffered writer writes on close and counts a hit once; the report's
// figures on a seeded mailing, per variant, arrondissement, hour and link, and a referent's share; the
// timeline gets the human events.
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tenantRunnerOf } from '../../../db/database.ts';
import { uuidv7 } from '../../../lib/ids.ts';
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
import { recordConsents } from '../../consent/index.ts';
import { decodeEntities } from '../html-text.ts';
import { sendMailing } from '../send.ts';
import { createBulkTransport } from '../transport.ts';
import { classifyHit, inBurst, inRelays, relayBlockList } from './classify.ts';
import { clickToken, HIDDEN_LINK, readClickToken } from './tokens.ts';
import { trackingWriterOf } from './tracking.routes.ts';
import { HitWriter } from './writer.ts';

const PUBLIC = 'https://relais.campagne.test';
const SECRET = 'a-test-secret-of-at-least-thirty-two-characters';
const BROWSER = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36';
const BLOCKS = {
  blocks: [
    { type: 'paragraph', text: 'Bonjour {{given_name|"à vous"}}' },
    { type: 'button', text: 'Agir', url: 'https://campagne.test/agir?x=1&y=2' },
    { type: 'button', text: 'Donner', url: 'https://campagne.test/don' },
  ],
};

describe('classification', () => {
  const relays = relayBlockList('# comment\n17.0.0.0/8,US,,,\n2a02:26f7::/32,FR,FR-75,Paris,\n');
  const base = { kind: 'open' as const, linkIndex: null, at: new Date('2026-12-07T10:00:00Z'), sentAt: null, otherClicks: [] };
  it('tells Apple Mail Privacy Protection by its exact user agent from its relays (IPv4, IPv6, mapped)', () => {
    expect(classifyHit({ ...base, userAgent: 'Mozilla/5.0', ip: '17.58.6.1' }, relays)).toBe('apple_proxy');
    expect(classifyHit({ ...base, userAgent: 'Mozilla/5.0', ip: '2a02:26f7:1:2::3' }, relays)).toBe('apple_proxy');
    expect(inRelays(relays, '::ffff:17.1.1.1')).toBe(true);
    expect(classifyHit({ ...base, userAgent: 'Mozilla/5.0', ip: '81.56.1.1' }, relays)).toBe('human');
    expect(classifyHit({ ...base, userAgent: BROWSER, ip: '17.58.6.1' }, relays)).toBe('human');
  });
  it('tells scanners: soon after the send, the hidden link, three clicks within two seconds', () => {
    const click = { ...base, kind: 'click' as const, linkIndex: 0, userAgent: BROWSER, ip: '81.56.1.1' };
    expect(classifyHit({ ...click, sentAt: new Date(base.at.getTime() - 30_000) }, relays)).toBe('scanner');
    expect(classifyHit({ ...click, sentAt: new Date(base.at.getTime() - 3_600_000) }, relays)).toBe('human');
    expect(classifyHit({ ...click, linkIndex: HIDDEN_LINK }, relays)).toBe('scanner');
    const t = base.at.getTime();
    expect(inBurst(base.at, [new Date(t + 500), new Date(t + 1500)])).toBe(true);
    expect(inBurst(base.at, [new Date(t + 500), new Date(t + 2500)])).toBe(false);
    expect(classifyHit({ ...click, otherClicks: [new Date(t - 900), new Date(t - 400)] }, relays)).toBe('scanner');
  });
  it('signs the link’s URL into a click token: another URL or a changed byte is refused', () => {
    const token = clickToken(SECRET, uuidv7(), uuidv7(), 2, 'https://campagne.test/a');
    expect(readClickToken(SECRET, token, 'https://campagne.test/a')?.index).toBe(2);
    expect(readClickToken(SECRET, token, 'https://evil.test/a')).toBeNull();
    const flipped = `${token.slice(0, 10)}${token[10] === 'A' ? 'B' : 'A'}${token.slice(11)}`;
    expect(readClickToken(SECRET, flipped, 'https://campagne.test/a')).toBeNull();
  });
});

describeEachDatabase('tracking', (ctx) => {
  let t: TestApp;
  let c: FixtureCampaign;
  let owner: TestClient;
  let referent: TestClient;
  let sink: SmtpSink;
  let listId: string;
  const people: Record<string, string> = {};
  const tenant = () => tenantRunnerOf(ctx.database.db, c.id);
  const writer = () => trackingWriterOf(t.app.deps) as HitWriter;

  const setTracking = (tracking: boolean) =>
    ctx.database.db
      .updateTable('campaign')
      .set({ settings: JSON.stringify({ mail: { tracking } }) })
      .where('id', '=', c.id)
      .execute();

  /** Creates and sends a mailing; returns its id and the messages received per address. */
  const sendOne = async (extra: Record<string, unknown> = {}) => {
    const res = await owner.request('POST', '/api/v1/messages', {
      name: 'Lettre',
      subject: 'Nouvelles',
      content: BLOCKS,
      audience: { list_ids: [listId] },
      ...extra,
    });
    expect(res.statusCode, res.body).toBe(201);
    const id = res.json().id as string;
    expect((await owner.request('POST', `/api/v1/messages/${id}/send`)).statusCode).toBe(202);
    const before = sink.messages.length;
    const transport = createBulkTransport(t.runtime.config.mailing, ctx.database.db);
    await sendMailing({
      campaignId: c.id,
      mailingId: id,
      tenant: tenant(),
      config: t.runtime.config,
      transport,
      soleWorker: false,
    }).finally(() => transport.close());
    const byAddress = new Map<string, { html: string; text: string }>();
    for (const m of sink.messages.slice(before)) {
      const parsed = await simpleParser(m.raw);
      byAddress.set(m.rcptTo[0] as string, { html: String(parsed.html), text: parsed.text ?? '' });
    }
    return { id, byAddress };
  };

  const hrefsOf = (html: string) => [...html.matchAll(/(?:href|src)="([^"]+)"/g)].map((m) => decodeEntities(m[1] as string));
  const get = (url: string, userAgent = BROWSER, remoteAddress = '81.56.10.20') =>
    t.app.inject({ method: 'GET', url: url.replace(PUBLIC, ''), headers: { 'user-agent': userAgent }, remoteAddress });
  /** Moves a mailing's send an hour back (its clicks are no longer "within a minute of the accept"). */
  const sentAnHourAgo = (mailingId: string) =>
    tenant()((trx) =>
      trx
        .updateTable('mailing_recipient')
        .set({ sent_at: new Date(Date.now() - 3_600_000) })
        .where('mailing_id', '=', mailingId)
        .execute(),
    );
  const events = (mailingId: string) =>
    tenant()((trx) => trx.selectFrom('mail_event').selectAll().where('mailing_id', '=', mailingId).orderBy('at').execute());

  beforeAll(async () => {
    sink = await startSmtpSink();
    t = await buildTestApp(ctx.database, {
      publicUrl: PUBLIC,
      mailing: sinkMailingConfig(sink, { connections: 2, tokenSecret: SECRET }),
    });
    c = await createCampaignFixture(ctx.database.db, 'suivi');
    const [z1, z2] = c.zones.map((z) => z.id) as [string, string];
    // A finer layer too (a polling station Alice is in): the report still counts by arrondissement.
    const stationLayer = uuidv7();
    const station = uuidv7();
    await ctx.database.db
      .insertInto('zone_layer')
      .values({ campaign_id: c.id, id: stationLayer, code: 'bureau', name: 'Bureaux de vote', position: 1 })
      .execute();
    await ctx.database.db
      .insertInto('zone')
      .values({
        campaign_id: c.id,
        id: station,
        layer_id: stationLayer,
        code: 'B1',
        name: 'Bureau 1',
        parent_id: null,
        geometry: JSON.stringify({ type: 'Point', coordinates: [0.5, 0.5] }),
        bbox: [0.5, 0.5, 0.5, 0.5],
        centroid: [0.5, 0.5],
        properties: JSON.stringify({}),
      })
      .execute();
    listId = uuidv7();
    await ctx.database.db.insertInto('list').values({ campaign_id: c.id, id: listId, name: 'Lettre' }).execute();
    for (const [key, zones] of [
      ['alice', [z1, station]],
      ['bruno', [z2]],
      ['chloe', [z1]],
    ] as const) {
      const id = uuidv7();
      people[key] = id;
      await ctx.database.db
        .insertInto('person')
        .values({ campaign_id: c.id, id, given_name: key, family_name: 'T', email: `${key}@exemple.test`, zone_ids: [...zones] })
        .execute();
      await tenant()((trx) => recordConsents(trx, [{ campaignId: c.id, personId: id, channel: 'email', status: 'given', source: 'form' }]));
      await ctx.database.db.insertInto('list_member').values({ campaign_id: c.id, list_id: listId, person_id: id }).execute();
    }
    await createMemberFixture(ctx.database.db, c.id, { email: 'owner@example.org', role: 'owner' });
    await createMemberFixture(ctx.database.db, c.id, { email: 'ref@example.org', role: 'referent', zoneIds: [z1] });
    owner = new TestClient(t.app);
    await owner.login('owner@example.org');
    referent = new TestClient(t.app);
    await referent.login('ref@example.org');
  }, 60_000);

  afterAll(async () => {
    await t?.close();
    await sink?.close();
  });

  it('rewrites links and adds the pixel and hidden link, but never the unsubscribe link; none of it when tracking is off', async () => {
    await setTracking(true);
    const { byAddress } = await sendOne();
    const alice = byAddress.get('alice@exemple.test');
    expect(alice).toBeDefined();
    const links = hrefsOf(alice?.html ?? '');
    expect(links.filter((l) => l.startsWith(`${PUBLIC}/t/c/`))).toHaveLength(4); // two buttons, the privacy link and the hidden link
    expect(links.filter((l) => l.startsWith(`${PUBLIC}/t/o/`))).toHaveLength(1);
    expect(links.some((l) => l.startsWith(`${PUBLIC}/u/`))).toBe(true);
    expect(links).not.toContain('https://campagne.test/don');
    expect(alice?.text).toContain(`Donner (${PUBLIC}/t/c/`);
    expect(alice?.text).toMatch(/\(https:\/\/relais\.campagne\.test\/u\/[A-Za-z0-9_-]{64}\)/);

    await setTracking(false);
    const off = (await sendOne()).byAddress.get('alice@exemple.test');
    const offLinks = hrefsOf(off?.html ?? '');
    expect(offLinks.some((l) => l.includes('/t/'))).toBe(false);
    expect(offLinks).toContain('https://campagne.test/don');
    expect(offLinks).toContain('https://campagne.test/agir?x=1&y=2');
    await setTracking(true);
  });

  it('a link scanner following every link of a message unsubscribes nobody and counts no human click', async () => {
    const { id, byAddress } = await sendOne();
    const links = hrefsOf(byAddress.get('bruno@exemple.test')?.html ?? '').filter((l) => l.startsWith(PUBLIC));
    expect(links.length).toBeGreaterThanOrEqual(5);
    for (const link of links) {
      const res = await get(link, 'Mozilla/5.0 (compatible; SafeLinks)', '52.100.1.1');
      expect(res.statusCode).toBeLessThan(400);
    }
    await writer().flush();
    const suppressed = await tenant()((trx) => trx.selectFrom('mail_suppression').select('email').execute());
    expect(suppressed).toEqual([]);
    const clicks = (await events(id)).filter((e) => e.kind === 'click');
    expect(clicks.length).toBe(4);
    expect(clicks.every((e) => e.classification === 'scanner')).toBe(true);
    const report = (await owner.request('GET', `/api/v1/messages/${id}/statistics`)).json();
    expect(report).toMatchObject({ counted: 'human', sent: 3, clicks: 0, unsubscribes: 0 });
    expect(report.links).toEqual([]);
    const all = (await owner.request('GET', `/api/v1/messages/${id}/statistics?counted=all`)).json();
    expect(all.clicks).toBe(1);
  });

  it('classifies Apple Mail Privacy Protection opens (IPv4 and IPv6 relays), not a browser’s', async () => {
    const { id, byAddress } = await sendOne();
    const pixel = (address: string) => hrefsOf(byAddress.get(address)?.html ?? '').find((l) => l.includes('/t/o/')) as string;
    expect((await get(pixel('alice@exemple.test'), 'Mozilla/5.0', '17.58.63.10')).headers['content-type']).toBe('image/gif');
    await get(pixel('bruno@exemple.test'), 'Mozilla/5.0', '2620:149:a44::10');
    await get(pixel('chloe@exemple.test'), BROWSER, '17.58.63.10');
    await writer().flush();
    const opens = await events(id);
    const byPerson = Object.fromEntries(opens.map((e) => [e.person_id, e.classification]));
    expect(byPerson).toEqual({
      [people.alice as string]: 'apple_proxy',
      [people.bruno as string]: 'apple_proxy',
      [people.chloe as string]: 'human',
    });
    expect((await owner.request('GET', `/api/v1/messages/${id}/statistics`)).json().opens).toBe(1);
  });

  it('answers a tampered or foreign link with an error page, never a redirect', async () => {
    const { byAddress } = await sendOne();
    const link = hrefsOf(byAddress.get('alice@exemple.test')?.html ?? '').find((l) => l.includes('/t/c/') && l.includes('don')) as string;
    const good = await get(link);
    expect(good.statusCode).toBe(302);
    expect(good.headers.location).toBe('https://campagne.test/don');
    const elsewhere = await get(link.replace(/u=[^&]+/, `u=${encodeURIComponent('https://evil.test/don')}`));
    expect(elsewhere.statusCode).toBe(400);
    expect(elsewhere.headers.location).toBeUndefined();
    expect(elsewhere.body).toContain('Lien non valide');
    const token = /\/t\/c\/([A-Za-z0-9_-]+)/.exec(link)?.[1] as string;
    const flipped = link.replace(token, `${token.slice(0, 40)}${token[40] === 'A' ? 'B' : 'A'}${token.slice(41)}`);
    expect((await get(flipped)).statusCode).toBe(400);
    expect((await get(`${PUBLIC}/t/c/nope?u=https%3A%2F%2Fevil.test`)).statusCode).toBe(400);
    expect((await get(`${PUBLIC}/t/o/${'A'.repeat(64)}.gif`)).statusCode).toBe(400);
  });

  it('the writer writes what it holds on close, and a hit written twice counts once', async () => {
    const { id } = await sendOne();
    const recipient = await tenant()((trx) =>
      trx.selectFrom('mailing_recipient').select(['id', 'person_id']).where('mailing_id', '=', id).executeTakeFirstOrThrow(),
    );
    const own = new HitWriter(ctx.database.db, { flushMs: 60_000 });
    const hit = {
      id: uuidv7(),
      campaignId: c.id,
      recipientId: recipient.id,
      kind: 'open' as const,
      linkIndex: null,
      linkUrl: null,
      userAgent: BROWSER,
      ip: '81.56.1.1',
      at: new Date(),
    };
    own.push(hit);
    own.push({ ...hit });
    expect(own.pending).toBe(2);
    expect(await events(id)).toEqual([]);
    await own.close();
    expect(own.pending).toBe(0);
    // A second writer replaying the same hit (a retried batch) inserts nothing.
    const again = new HitWriter(ctx.database.db);
    again.push({ ...hit });
    await again.close();
    expect((await events(id)).map((e) => e.id)).toEqual([hit.id]);
    // A hit that can never be written (here an address the database refuses) holds back neither the
    // other campaigns' hits nor, after MAX_ATTEMPTS, its own campaign's.
    const other = await createCampaignFixture(ctx.database.db, 'autre-suivi');
    const otherIds = { mailing: uuidv7(), person: uuidv7(), recipient: uuidv7() };
    await tenantRunnerOf(
      ctx.database.db,
      other.id,
    )(async (trx) => {
      await trx.insertInto('mailing').values({ campaign_id: other.id, id: otherIds.mailing, status: 'sent' }).execute();
      await trx
        .insertInto('person')
        .values({ campaign_id: other.id, id: otherIds.person, given_name: 'O', family_name: 'O', email: 'o@exemple.test' })
        .execute();
      await trx
        .insertInto('mailing_recipient')
        .values({
          campaign_id: other.id,
          id: otherIds.recipient,
          mailing_id: otherIds.mailing,
          person_id: otherIds.person,
          email: 'o@exemple.test',
        })
        .execute();
    });
    const logged: string[] = [];
    const stubborn = new HitWriter(ctx.database.db, { flushMs: 60_000, log: (m) => logged.push(m) });
    stubborn.push({ ...hit, id: uuidv7(), campaignId: other.id, recipientId: otherIds.recipient, ip: 'pas-une-adresse' });
    const fine = { ...hit, id: uuidv7() };
    stubborn.push(fine);
    await stubborn.flush();
    expect((await events(id)).map((e) => e.id)).toContain(fine.id);
    expect(stubborn.pending).toBe(1);
    for (let i = 0; i < 4; i++) await stubborn.flush();
    expect(stubborn.pending).toBe(0);
    expect(logged.some((m) => m.includes('dropped after 5 failed writes'))).toBe(true);
    await stubborn.close();

    // The application's writer is closed with the application: a second app's buffered hit survives its close.
    const second = await buildTestApp(ctx.database, { publicUrl: PUBLIC, mailing: t.runtime.config.mailing });
    const pixel = `/t/o/${(await import('./tokens.ts')).openToken(SECRET, c.id, recipient.id)}.gif`;
    await second.app.inject({ method: 'GET', url: pixel, headers: { 'user-agent': BROWSER } });
    expect(trackingWriterOf(second.app.deps)?.pending).toBe(1);
    await second.close();
    expect(await events(id)).toHaveLength(3);
  });

  it('reports a seeded mailing: figures, per variant, arrondissement, hour and link, who opened and clicked; a referent’s zones only', async () => {
    const { id, byAddress } = await sendOne();
    await sentAnHourAgo(id);
    const linksOf = (address: string) => hrefsOf(byAddress.get(address)?.html ?? '');
    const click = (address: string, word: string) => linksOf(address).find((l) => l.includes('/t/c/') && l.includes(word)) as string;
    const pixel = (address: string) => linksOf(address).find((l) => l.includes('/t/o/')) as string;
    // A ladder rule on clicks: a human click promotes.
    const ladder = await owner.request('PUT', '/api/v1/ladder', {
      rules: [
        { to_stage: 'sympathizer', conditions: [{ type: 'mailing.clicked', min_count: 1 }], description: 'A cliqué dans une lettre' },
      ],
    });
    expect(ladder.statusCode, ladder.body).toBe(200);
    // alice (zone 1) opens and clicks "don" twice; bruno (zone 2) opens; chloe (zone 1) clicks "agir" with images off.
    await get(pixel('alice@exemple.test'));
    await get(pixel('alice@exemple.test'));
    await get(click('alice@exemple.test', 'don'));
    await get(pixel('bruno@exemple.test'));
    await get(click('chloe@exemple.test', 'agir'));
    await writer().flush();
    await get(click('alice@exemple.test', 'don'));
    await writer().flush();
    // chloe unsubscribes (the POST a mailbox provider sends).
    const unsubscribe = linksOf('chloe@exemple.test').find((l) => l.includes('/u/')) as string;
    await t.app.inject({
      method: 'POST',
      url: unsubscribe.replace(PUBLIC, ''),
      payload: 'List-Unsubscribe=One-Click',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });

    const res = await owner.request('GET', `/api/v1/messages/${id}/statistics`);
    expect(res.statusCode, res.body).toBe(200);
    const report = res.json();
    expect(report).toMatchObject({ sent: 3, delivered: 3, opens: 3, clicks: 2, unsubscribes: 1, bounces: 0, complaints: 0 });
    expect(report.by_variant).toEqual([expect.objectContaining({ variant: 'A', sent: 3, opens: 3, clicks: 2 })]);
    expect(
      report.by_zone.map((z: { code: string; sent: number; opens: number; clicks: number }) => [z.code, z.sent, z.opens, z.clicks]),
    ).toEqual([
      ['1', 2, 2, 2],
      ['2', 1, 1, 0],
    ]);
    expect(report.links).toEqual([
      { index: 0, url: 'https://campagne.test/agir?x=1&y=2', clicks: 1, unique_clicks: 1 },
      { index: 1, url: 'https://campagne.test/don', clicks: 2, unique_clicks: 1 },
    ]);
    expect(report.over_time).toHaveLength(1);
    expect(report.over_time[0]).toMatchObject({ opens: 2, clicks: 2 });

    const clicked = (await owner.request('GET', `/api/v1/messages/${id}/statistics/people?kind=click&per_page=1`)).json();
    expect(clicked.total_records).toBe(2);
    expect(clicked._embedded['relais:mail_hits']).toHaveLength(1);
    expect(clicked._embedded['relais:mail_hits'][0]._links['osdi:person'].href).toMatch(/\/api\/v1\/people\/[0-9a-f-]{36}$/);
    const opened = (await owner.request('GET', `/api/v1/messages/${id}/statistics/people?kind=open`)).json();
    expect(opened._embedded['relais:mail_hits'].map((p: { person_id: string }) => p.person_id).sort()).toEqual(
      [people.alice, people.bruno, people.chloe].sort(),
    );

    // The timeline: alice's first human open once, each human click.
    const activity = await tenant()((trx) =>
      trx
        .selectFrom('activity')
        .select('type')
        .where('person_id', '=', people.alice as string)
        .where('ref_id', '=', id)
        .execute(),
    );
    expect(activity.map((a) => a.type).sort()).toEqual(['mailing.clicked', 'mailing.clicked', 'mailing.opened']);

    // Segments: received / opened / clicked this mailing (human events).
    const count = async (...cmps: string[]) => {
      const r = await owner.request('POST', '/api/v1/segments/count', {
        definition: { op: 'and', children: cmps.map((cmp) => ({ field: 'mailing', cmp, value: id })) },
      });
      expect(r.statusCode, r.body).toBe(200);
      return r.json().count as number;
    };
    expect(await count('received')).toBe(3);
    expect(await count('opened')).toBe(3);
    expect(await count('clicked')).toBe(2);
    expect(await count('received', 'not_clicked')).toBe(1);

    const stages = await tenant()((trx) =>
      trx
        .selectFrom('person')
        .select(['id', 'ladder_stage'])
        .where('id', 'in', [people.alice as string, people.bruno as string])
        .execute(),
    );
    expect(Object.fromEntries(stages.map((p) => [p.id, p.ladder_stage]))).toEqual({
      [people.alice as string]: 'sympathizer',
      [people.bruno as string]: 'curious',
    });
    await owner.request('PUT', '/api/v1/ladder', { rules: [] });

    // The referent's mailing, sent by them within zone 1: their report counts zone 1 only.
    const own = await referent.request('POST', '/api/v1/messages', {
      name: 'Z1',
      subject: 'Z1',
      content: BLOCKS,
      audience: { list_ids: [listId] },
    });
    expect((await referent.request('GET', `/api/v1/messages/${id}/statistics`)).statusCode).toBe(404);
    expect(own.statusCode, own.body).toBe(201);
  });
});
