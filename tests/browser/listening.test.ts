// Listening in the browser: the community manager's inbox on a laptop (keyboard) and a phone, the
// watches and key messages screens, and the candidate approving a post from her phone. The data is
// written straight into the demo campaign (accounts sealed with a test key; nothing is published).
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uuidv7 } from '../../src/server/lib/ids.ts';
import { DEMO_PASSWORD } from '../../src/server/modules/demo/demo.campaign.ts';
import { type BrowserHarness, login, startHarness } from './harness.ts';

const CM = 'cm@demo.relais.fr';
const CANDIDATE = 'candidate@demo.relais.fr';

describe('listening screens', () => {
  let h: BrowserHarness;
  let draftId = '';

  beforeAll(async () => {
    h = await startHarness({ peopleCount: 200 });
    const db = h.runtime.database.db;
    const c = h.campaignId;
    const team = uuidv7();
    const cand = uuidv7();
    await db
      .insertInto('listening_account')
      .values([
        {
          campaign_id: c,
          id: team,
          network: 'mastodon',
          kind: 'team',
          handle: 'equipe@mastodon.social',
          base_url: 'https://mastodon.social',
          credentials: randomBytes(40),
        },
        {
          campaign_id: c,
          id: cand,
          network: 'bluesky',
          kind: 'candidate',
          handle: 'anne.bsky.social',
          base_url: 'https://bsky.social',
          credentials: randomBytes(40),
          status: 'disconnected',
          last_error: 'Bluesky refused the session.',
        },
      ])
      .execute();
    const blogWatch = uuidv7();
    const streamedWatch = uuidv7();
    await db
      .insertInto('listening_watch')
      .values({
        campaign_id: c,
        id: blogWatch,
        name: 'Blog du quartier',
        source: 'rss',
        feed_url: 'https://blog.example/feed.xml',
        query: JSON.stringify({
          phrases: ['Anne Candidate'],
          words: ['municipales'],
          exclude: ['publicité'],
          hashtags: [],
          mentions: [],
          language: 'fr',
        }),
      })
      .execute();
    // Push state: the blog's feed names a WebSub hub (verified), a Mastodon watch is streamed live.
    await db
      .insertInto('listening_watch')
      .values({
        campaign_id: c,
        id: streamedWatch,
        name: 'Mot-dièse de campagne',
        source: 'mastodon',
        account_id: team,
        query: JSON.stringify({ phrases: [], words: [], exclude: [], hashtags: ['paris2026'], mentions: [], language: null }),
        // The harness' pass leaves it alone (its stream is held; the sealed credentials are fake).
        next_poll_at: new Date(Date.now() + 86_400_000),
      })
      .execute();
    await db
      .insertInto('listening_websub')
      .values({
        campaign_id: c,
        id: uuidv7(),
        watch_id: blogWatch,
        hub_url: 'https://pubsubhubbub.appspot.com/',
        topic_url: 'https://blog.example/feed.xml',
        callback_token: randomBytes(32).toString('base64url'),
        secret: randomBytes(60),
        state: 'verified',
        lease_seconds: 7 * 86_400,
        expires_at: new Date(Date.now() + 6 * 86_400_000),
        deliveries: 14,
        rejected: 1,
      })
      .execute();
    await db
      .insertInto('listening_stream')
      .values({
        campaign_id: c,
        watch_id: streamedWatch,
        state: 'connected',
        held_until: new Date(Date.now() + 3600_000),
        connected_at: new Date(),
        events: 37,
      })
      .execute();
    const texts: [string, 'positive' | 'neutral' | 'negative', 'low' | 'normal' | 'high', number | null, string | null][] = [
      ['Honte à Anne Candidate : rien sur les loyers dans le 11e arrondissement !', 'negative', 'high', 11, 'logement'],
      ['Bravo pour la visite du marché d’Aligre, merci !', 'positive', 'low', 12, null],
      ['Que propose Anne Candidate pour les pistes cyclables ?', 'neutral', 'normal', null, 'transports'],
    ];
    const mentions = texts.map(([text, sentiment, urgency, arrondissement, theme], i) => ({
      campaign_id: c,
      id: uuidv7(),
      source: 'mastodon' as const,
      external_id: `m${i}`,
      thread_key: `m${i}`,
      author_handle: `voisin${i}@paris.social`,
      author_name: `Voisin ${i}`,
      author_reach: [12000, 40, 300][i] ?? 0,
      text,
      published_at: new Date(Date.now() - i * 600_000),
      sentiment,
      urgency,
      arrondissement,
      theme,
    }));
    await db.insertInto('listening_mention').values(mentions).execute();
    await db
      .insertInto('listening_key_message')
      .values({
        campaign_id: c,
        id: uuidv7(),
        theme: 'transports',
        kind: 'answer',
        title: 'Pistes cyclables',
        body: 'Nous doublerons les pistes cyclables protégées d’ici 2030.',
      })
      .execute();
    draftId = uuidv7();
    await db
      .insertInto('listening_draft')
      .values({
        campaign_id: c,
        id: draftId,
        account_id: cand,
        mention_id: mentions[2]?.id ?? null,
        text: 'Nous doublerons les pistes cyclables protégées d’ici 2030 !',
        status: 'pending_approval',
        idempotency_key: uuidv7(),
      })
      .execute();
  }, 120_000);

  afterAll(async () => {
    await h?.close();
  });

  for (const [locale, lang] of [
    ['fr-FR', 'fr'],
    ['en-GB', 'en'],
  ] as const) {
    it(`shows the inbox on a laptop, keyboard-driven, and on a phone (${lang})`, async () => {
      await h.runtime.database.db.updateTable('staff_user').set({ locale: lang }).where('email', '=', CM).execute();
      const page = await h.newPage({ locale });
      await login(page, CM, DEMO_PASSWORD);
      await page.goto('/app/listening');
      await page
        .getByText(/Honte à Anne Candidate/)
        .first()
        .waitFor();
      await page.keyboard.press('j');
      await page.getByRole('button', { name: lang === 'fr' ? 'Répondre' : 'Reply' }).waitFor();
      await h.shot(page, `listening-inbox-${lang}-laptop`);
      for (const tab of ['watches', 'messages', 'approvals', 'accounts', 'report']) {
        await page.goto(`/app/listening?tab=${tab}`);
        await page.waitForLoadState('networkidle');
        if (tab === 'watches') {
          // Each watch's push state: WebSub verified (with its safety poll), the live stream connected.
          await page
            .getByText(lang === 'fr' ? 'WebSub vérifié : articles reçus en direct' : 'WebSub verified: posts arrive live')
            .waitFor();
          await page.getByText(lang === 'fr' ? 'Flux en direct connecté' : 'Live stream connected').waitFor();
        }
        await h.shot(page, `listening-${tab}-${lang}-laptop`);
      }
      const phone = await h.newPage({ width: 390, height: 844, locale });
      await login(phone, CM, DEMO_PASSWORD);
      await phone.goto('/app/listening');
      await phone
        .getByText(/Honte à Anne Candidate/)
        .first()
        .waitFor();
      expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
      await h.shot(phone, `listening-inbox-${lang}-phone`);
      await phone.goto('/app/listening?tab=watches');
      await phone.getByTestId('websub-state').waitFor();
      expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
      await h.shot(phone, `listening-watches-${lang}-phone`);
      await phone.goto('/app/listening');
      await phone
        .getByText(/Honte à Anne Candidate/)
        .first()
        .click();
      await h.shot(phone, `listening-mention-${lang}-phone`);
    });
  }

  it('lets the candidate approve a post from her phone', async () => {
    const phone = await h.newPage({ width: 390, height: 844 });
    await login(phone, CANDIDATE, DEMO_PASSWORD);
    await phone.goto('/app/listening?tab=approvals');
    await phone.getByText(/pistes cyclables protégées/).waitFor();
    expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await h.shot(phone, 'listening-approvals-fr-phone');
    await phone.getByRole('button', { name: 'Approuver' }).click();
    await phone.getByText('Rien à approuver.').waitFor();
    const row = await h.runtime.database.db
      .selectFrom('listening_draft')
      .select(['status', 'approved_by'])
      .where('id', '=', draftId)
      .executeTakeFirstOrThrow();
    // Approved, it leaves the queue; the harness' own pass job may already have tried to publish it
    // (scheduled, then published or failed: the demo account reaches no real network).
    expect(row.status).not.toBe('pending_approval');
    expect(row.approved_by).not.toBeNull();
  });
});
