// Public votes end to end through the site's forms and the mailed links: a ballot counts only once
// confirmed, one per address (a second vote from the same address changes it when allowed, never
// adds one), results hidden until the close, the tally equals a recount from the ballots, the
// anti-fraud counters and audited voiding, and voters enter the base only with consent.
import { beforeAll, expect, it } from 'vitest';
import { withTenant } from '../../db/database.ts';
import { formStamp } from '../../site/form-guard.ts';
import { createCampaignFixture, createMemberFixture, TestClient, useOwnerApp } from '../../testing/app.ts';
import { describeEachDatabase } from '../../testing/databases.ts';
import { expectShareCard } from '../../testing/share-card.ts';
import { seedDemoVote } from './demo.ts';
import { ipRangeOf, recountFromBallots } from './votes.service.ts';

describeEachDatabase('votes', (ctx) => {
  const s = useOwnerApp(ctx, 'votes');
  let cm: TestClient;
  let vote: { id: string; slug: string; options: [{ id: string }, { id: string }, { id: string }] };

  const secret = () => s.t.app.deps.config.mailing.tokenSecret;
  // Each ballot from its own address with a form served five seconds ago, as a person's would be
  // (the site's form guard holds back hasty posts and more than one a minute from one address).
  let posts = 0;
  const form = (slug: string, body: Record<string, string>, ip = `203.0.113.${++posts}`) =>
    s.t.app.inject({
      method: 'POST',
      url: `/votes/${slug}`,
      remoteAddress: ip,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ form_stamp: formStamp(secret(), Date.now() - 5000), site_web: '', ...body }).toString(),
    });
  /** The token of the last confirmation link mailed to an address. */
  const lastToken = async (to: string) => {
    const mail = await ctx.database.db
      .selectFrom('dev_outbox')
      .select('text_body')
      .where('to_address', '=', to)
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    const m = mail.text_body.match(/\/votes\/confirmer\/([A-Za-z0-9_-]{70})/);
    if (!m?.[1]) throw new Error('no link in the mail');
    return m[1];
  };
  const mails = async (to: string) =>
    Number(
      (
        await ctx.database.db
          .selectFrom('dev_outbox')
          .select((eb) => eb.fn.countAll<string>().as('n'))
          .where('to_address', '=', to)
          .executeTakeFirstOrThrow()
      ).n,
    );
  const confirm = (token: string) =>
    s.t.app.inject({
      method: 'POST',
      url: `/votes/confirmer/${token}`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'lang=fr',
    });
  const results = async (id: string) => (await s.owner.request('GET', `/api/v1/votes/${id}/results`)).json();

  beforeAll(async () => {
    await createMemberFixture(ctx.database.db, s.c.id, { email: 'cm@example.org', role: 'community_manager' });
    cm = new TestClient(s.t.app);
    await cm.login('cm@example.org');
    const res = await cm.request('POST', '/api/v1/votes', {
      title: 'Choisissez l’affiche officielle',
      description: 'Trois propositions des bénévoles.',
      allow_change: true,
      results_visibility: 'after_close',
      options: [
        { label: 'Affiche A', image_url: '/media/a.jpg' },
        { label: 'Affiche B', image_url: 'https://example.org/b.jpg' },
        { label: 'Affiche C' },
      ],
    });
    expect(res.statusCode, res.body).toBe(201);
    vote = res.json();
    expect((await cm.request('POST', `/api/v1/votes/${vote.id}/open`)).json().status).toBe('open');
  });

  it('counts a ballot only once its address is confirmed, and never twice for one address', async () => {
    const page = await s.t.app.inject({ url: `/votes/${vote.slug}` });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Affiche A');
    expect(page.body).toContain('<img src="/media/a.jpg"');

    const [a, b] = vote.options;
    const cast = await form(vote.slug, { option: a.id, email: 'Alice@Example.org' });
    expect(cast.statusCode).toBe(303);
    expect(cast.headers.location).toBe(`/votes/${vote.slug}/merci`);
    // Unconfirmed: nothing counts.
    expect(await results(vote.id)).toMatchObject({ total: 0, consistent: true });

    const token = await lastToken('alice@example.org');
    const shown = await s.t.app.inject({ url: `/votes/confirmer/${token}` });
    expect(shown.body).toContain('Confirmer mon vote');
    expect(await results(vote.id)).toMatchObject({ total: 0 });
    const ok = await confirm(token);
    expect(ok.statusCode).toBe(200);
    expect(ok.body).toContain('votre vote pour « Affiche A » est enregistré');
    expect((await results(vote.id)).options.map((o: { tally: number }) => o.tally)).toEqual([1, 0, 0]);

    // The same person again, same link clicked twice, or another vote from the same address: still one ballot.
    expect((await confirm(token)).body).toContain('était déjà enregistré');
    await form(vote.slug, { option: a.id, email: 'alice@example.org' });
    const ballots = await ctx.database.db.selectFrom('public_vote_ballot').select(['id']).where('vote_id', '=', vote.id).execute();
    expect(ballots).toHaveLength(1);
    expect(await results(vote.id)).toMatchObject({ total: 1, consistent: true });

    // A change (allowed by this vote) counts only once confirmed, and moves the one vote.
    await form(vote.slug, { option: b.id, email: 'ALICE@example.org' });
    expect((await results(vote.id)).options.map((o: { tally: number }) => o.tally)).toEqual([1, 0, 0]);
    const changed = await confirm(await lastToken('alice@example.org'));
    expect(changed.body).toContain('Votre vote est désormais « Affiche B »');
    expect(await results(vote.id)).toMatchObject({ total: 1, consistent: true });
    expect((await results(vote.id)).options.map((o: { tally: number }) => o.tally)).toEqual([0, 1, 0]);

    // A forged or cut link counts nothing.
    expect((await confirm(`${token.slice(0, -2)}AA`)).statusCode).toBe(400);
  });

  it('refuses a change when the vote does not allow it, and hides results until the close', async () => {
    const fixed = (
      await cm.request('POST', '/api/v1/votes', {
        title: 'Vote sans retour',
        results_visibility: 'after_close',
        options: [{ label: 'Oui' }, { label: 'Non' }],
      })
    ).json();
    await cm.request('POST', `/api/v1/votes/${fixed.id}/open`);
    const [yes, no] = fixed.options;
    await form(fixed.slug, { option: yes.id, email: 'bob@example.org' });
    await confirm(await lastToken('bob@example.org'));
    const before = await mails('bob@example.org');
    await form(fixed.slug, { option: no.id, email: 'bob@example.org' });
    expect(await mails('bob@example.org')).toBe(before);
    expect((await results(fixed.id)).options.map((o: { tally: number }) => o.tally)).toEqual([1, 0]);

    expect((await s.t.app.inject({ url: `/votes/${fixed.slug}` })).body).toContain('Les résultats seront publiés à la clôture');
    await cm.request('POST', `/api/v1/votes/${fixed.id}/close`);
    const closed = await s.t.app.inject({ url: `/votes/${fixed.slug}` });
    expect(closed.body).toContain('Ce vote est clos.');
    expect(closed.body).toContain('1 votes confirmés');
    // After the close, a vote is not taken.
    await form(fixed.slug, { option: no.id, email: 'carol@example.org' });
    expect(await mails('carol@example.org')).toBe(0);
  });

  it('shows anti-fraud counters and voids suspicious ballots, audited, the tally still equal to a recount', async () => {
    const c = vote.options[2];
    for (const n of [1, 2, 3]) {
      await form(vote.slug, { option: c.id, email: `bot${n}@spam.example` }, `198.51.100.${n}`);
      await confirm(await lastToken(`bot${n}@spam.example`));
    }
    const counters = (await cm.request('GET', `/api/v1/votes/${vote.id}/counters`)).json();
    expect(counters.by_email_domain[0]).toEqual({ key: 'spam.example', total: 3, confirmed: 3, voided: 0 });
    expect(counters.by_ip_range[0]).toMatchObject({ key: '198.51.100.0/24', total: 3 });
    expect(counters.by_hour[0].total).toBe(4);
    expect((await results(vote.id)).options.map((o: { tally: number }) => o.tally)).toEqual([0, 1, 3]);

    const voided = await cm.request('POST', `/api/v1/votes/${vote.id}/ballots/void`, {
      ip_range: '198.51.100.0/24',
      reason: 'Même réseau',
    });
    expect(voided.json()).toEqual({ voided: 3 });
    const after = await results(vote.id);
    expect(after.options.map((o: { tally: number }) => o.tally)).toEqual([0, 1, 0]);
    expect(after.consistent).toBe(true);
    expect(after.options.map((o: { tally: number }) => o.tally)).toEqual(after.options.map((o: { recount: number }) => o.recount));
    const audit = await ctx.database.db
      .selectFrom('audit_event')
      .select(['action', 'details'])
      .where('action', '=', 'votes.ballots_voided')
      .execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]?.details).toMatchObject({ count: 3, ip_range: '198.51.100.0/24', reason: 'Même réseau' });
    // A voided ballot's link no longer counts; the recount leaves a consistent tally alone.
    expect((await confirm(await lastToken('bot1@spam.example'))).body).toContain('annulé');
    expect((await cm.request('POST', `/api/v1/votes/${vote.id}/recount`)).json()).toEqual({ options_fixed: 0 });
    // The ballots list masks addresses; an organizer may read results but not manage.
    const list = (await cm.request('GET', `/api/v1/votes/${vote.id}/ballots?status=voided`)).json();
    expect(list._embedded.ballots.map((b: { email_masked: string }) => b.email_masked).sort()).toEqual([
      'b***@spam.example',
      'b***@spam.example',
      'b***@spam.example',
    ]);
  });

  it('lets a voter into the contact base only when they asked for news', async () => {
    const [a] = vote.options;
    await form(vote.slug, { option: a.id, email: 'dan@example.org' });
    await confirm(await lastToken('dan@example.org'));
    await form(vote.slug, { option: a.id, email: 'eve@example.org', news: '1' });
    expect(
      await ctx.database.db.selectFrom('person').select('id').where('email', '=', 'eve@example.org').executeTakeFirst(),
    ).toBeUndefined();
    await confirm(await lastToken('eve@example.org'));
    const people = await ctx.database.db
      .selectFrom('person')
      .select(['email', 'consent_email'])
      .where('email', 'in', ['dan@example.org', 'eve@example.org'])
      .execute();
    expect(people).toEqual([{ email: 'eve@example.org', consent_email: true }]);
  });

  it('holds back robots, hasty posts and floods through the form guard, silently, while a normal ballot passes', async () => {
    const page = await s.t.app.inject({ url: `/votes/${vote.slug}` });
    expect(page.body).toContain('name="form_stamp"');
    expect(page.body).toContain('name="site_web"');
    expect(page.body).toContain('/formulaires/altcha.js');
    const [a] = vote.options;
    const ballots = async () =>
      (await ctx.database.db.selectFrom('public_vote_ballot').select('id').where('vote_id', '=', vote.id).execute()).length;
    const before = await ballots();
    // A robot filling the honeypot, one posting at once, one with no stamp at all: the usual answer, nothing cast or mailed.
    const robot = await form(vote.slug, { option: a.id, email: 'robot@bots.example', site_web: 'http://spam.example' });
    const hasty = await form(vote.slug, { option: a.id, email: 'hasty@bots.example', form_stamp: formStamp(secret()) });
    const bare = await s.t.app.inject({
      method: 'POST',
      url: `/votes/${vote.slug}`,
      remoteAddress: '192.0.2.50',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ option: a.id, email: 'bare@bots.example' }).toString(),
    });
    for (const r of [robot, hasty, bare]) {
      expect(r.statusCode).toBe(303);
      expect(r.headers.location).toBe(`/votes/${vote.slug}/merci`);
    }
    for (const to of ['robot@bots.example', 'hasty@bots.example', 'bare@bots.example']) expect(await mails(to)).toBe(0);
    expect(await ballots()).toBe(before);
    // A flood from one address: the first ballot passes, the next ones within the minute are held back.
    const flood = ['f1', 'f2', 'f3'].map((n) => `${n}@flood.example`);
    for (const email of flood) expect((await form(vote.slug, { option: a.id, email }, '192.0.2.99')).statusCode).toBe(303);
    expect(await mails(flood[0] as string)).toBe(1);
    expect(await mails(flood[1] as string)).toBe(0);
    expect(await mails(flood[2] as string)).toBe(0);
    expect(await ballots()).toBe(before + 1);
    const held = await ctx.database.db
      .selectFrom('form_guard_hit')
      .select(['reason'])
      .where('form', '=', `vote:${vote.id}`)
      .where('verdict', '=', 'quarantined')
      .execute();
    expect(held.map((h) => h.reason).sort()).toEqual(['burst', 'burst', 'honeypot', 'stamp', 'too_fast']);
  });

  it("has a share card with the vote's title and its options", async () => {
    await expectShareCard(s.t.app, `/votes/${vote.slug}`, 'vote', vote.slug);
    await expectShareCard(s.t.app, `/votes/${vote.slug}?lang=en`, 'vote', vote.slug);
  });

  it('groups addresses by network', () => {
    expect(ipRangeOf('203.0.113.77')).toBe('203.0.113.0/24');
    expect(ipRangeOf('::ffff:203.0.113.77')).toBe('203.0.113.0/24');
    expect(ipRangeOf('2001:db8:abcd:12::1')).toBe('2001:db8:abcd::/48');
    expect(ipRangeOf('2001:db8::1')).toBe('2001:db8:0::/48');
  });

  it("seeds the demo's poster vote with tallies equal to their recount", async () => {
    const demo = await createCampaignFixture(ctx.database.db, 'votes-demo');
    expect(await seedDemoVote(ctx.database.db, demo.id, { ballots: 60 })).toBe(60);
    expect(await seedDemoVote(ctx.database.db, demo.id)).toBe(0);
    await withTenant(ctx.database.db, demo.id, async (trx) => {
      const vote = await trx.selectFrom('public_vote').select('id').executeTakeFirstOrThrow();
      const recount = await recountFromBallots(trx, vote.id);
      const options = await trx.selectFrom('public_vote_option').select(['id', 'tally']).where('vote_id', '=', vote.id).execute();
      expect(options.map((o) => o.tally)).toEqual(options.map((o) => recount.get(o.id) ?? 0));
      expect(options.reduce((n, o) => n + o.tally, 0)).toBeGreaterThan(40);
    });
  });
});
