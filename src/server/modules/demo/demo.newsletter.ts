// The demo campaign's sent newsletter: a mailing sent two weeks ago to everyone with e-mail consent,
// with what its report would show after a real send — deliveries, a few bounces, opens by people
// and by Apple Mail's privacy proxy, clicks on its three links, a few unsubscribes and a complaint —
// spread over the days after the send and differing between arrondissements. Deterministic per seed.
import type { Kysely } from 'kysely';
import { type BulkRow, bulkLoad } from '../../db/bulk-load.ts';
import { refreshStatistics, withTenant } from '../../db/database.ts';
import type { DB } from '../../db/schema.ts';
import { uuidv7 } from '../../lib/ids.ts';
import { createRandom, type Random } from '../../opendata/prng.ts';
import { suppressAddress } from '../messaging/index.ts';

export interface DemoNewsletterOptions {
  seed?: number;
  /** "Now": the newsletter went out 14 days before, a Monday-morning send (tests pin it). */
  now?: Date;
}

export interface DemoNewsletterResult {
  mailingId: string;
  recipients: number;
  events: number;
}

/** The newsletter's links, in the order of the message (a click's link_index), and the share of clicks each gets. */
export const DEMO_NEWSLETTER_LINKS = [
  { url: 'https://example.org/paris-2026/programme', weight: 0.55 },
  { url: 'https://example.org/paris-2026/evenements', weight: 0.3 },
  { url: 'https://example.org/paris-2026/benevoles', weight: 0.15 },
] as const;

/** Shares of the believable report (of delivered messages, unless said). */
const SHARES = {
  /** Of the recipients: addresses that do not exist any more. */
  hardBounce: 0.006,
  /** Readers whose Apple Mail fetches images through Apple's proxy, right after delivery. */
  apple: 0.3,
  /** People who open, before the arrondissement's factor. */
  open: 0.3,
  /** Of openers: people who click. */
  click: 0.16,
  unsubscribe: 0.003,
  complaint: 0.0002,
};

const HOUR = 3600_000;
// Where the Apple proxy and the readers' hits come from (Apple's published range; documentation addresses).
const APPLE_IP = '17.58.63.12';
const READER_AGENT = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36';

const CONTENT = {
  blocks: [
    { type: 'heading', text: 'La lettre de Paris 2026', level: 1 },
    {
      type: 'paragraph',
      text: 'Bonjour {{given_name|"à toutes et à tous"}}, cette semaine nous avons frappé à plus de 3 000 portes et présenté nos propositions pour le logement.',
    },
    { type: 'button', text: 'Lire le programme', url: DEMO_NEWSLETTER_LINKS[0].url },
    { type: 'paragraph', text: 'Réunions publiques, porte-à-porte, marchés : retrouvez les rendez-vous de votre arrondissement.' },
    { type: 'button', text: 'Voir les événements', url: DEMO_NEWSLETTER_LINKS[1].url },
    { type: 'divider' },
    { type: 'paragraph', text: 'Envie d’aider ? Une heure par semaine suffit.' },
    { type: 'button', text: 'Devenir bénévole', url: DEMO_NEWSLETTER_LINKS[2].url },
  ],
};

/** A delay after `from`, mostly within hours, a long tail over days (people read their mail later). */
function readingDelay(random: Random): number {
  const hours = random.chance(0.55) ? -Math.log(1 - random.next()) * 3 : -Math.log(1 - random.next()) * 30;
  return Math.min(hours, 10 * 24) * HOUR + random.int(60_000);
}

/** The arrondissements (the top zone layer) of the campaign, each with its own appetite for the newsletter. */
async function zoneFactors(db: Kysely<DB>, campaignId: string, random: Random) {
  const zones = await db
    .selectFrom('zone')
    .innerJoin('zone_layer as l', (j) => j.onRef('l.campaign_id', '=', 'zone.campaign_id').onRef('l.id', '=', 'zone.layer_id'))
    .select(['zone.id', 'l.position'])
    .where('zone.campaign_id', '=', campaignId)
    .orderBy('l.position')
    .orderBy('zone.code')
    .execute();
  const top = zones[0]?.position;
  // From 0.6 to 1.4 times the average: enough for the map of open rates to show where the letter is read.
  return new Map(zones.filter((z) => z.position === top).map((z) => [z.id, 0.6 + 0.8 * random.next()]));
}

/**
 * Seeds the demo's sent newsletter (the people and their consents must exist): the mailing, its
 * recipient rows, its open and click events, and its bounces, unsubscribes and complaint through
 * the suppression list (so the ledger has their consent withdrawals).
 */
export async function seedDemoNewsletter(
  db: Kysely<DB>,
  campaignId: string,
  options: DemoNewsletterOptions = {},
): Promise<DemoNewsletterResult> {
  const random = createRandom((options.seed ?? 2026) + 15);
  const now = (options.now ?? new Date()).getTime();
  const sentStart = new Date(now - 14 * 24 * HOUR);
  const factors = await zoneFactors(db, campaignId, random);
  const people = await db
    .selectFrom('person')
    .select(['id', 'email', 'zone_ids'])
    .where('campaign_id', '=', campaignId)
    .where('consent_email', '=', true)
    .where('email', 'is not', null)
    .where('anonymized_at', 'is', null)
    // The e-mail (numbered by the seed), not the id (drawn from the clock): the same seed, the same draws.
    .orderBy('email')
    .execute();
  const mailingId = uuidv7();
  // The send took about one minute per 500 messages.
  const spread = Math.max(60_000, (people.length / 500) * 60_000);
  const sentEnd = new Date(sentStart.getTime() + spread);
  const recipients: BulkRow[] = [];
  const events: BulkRow[] = [];
  const suppressions: Array<{ email: string; reason: 'hard_bounce' | 'unsubscribed' | 'complaint'; proof: Record<string, unknown> }> = [];
  people.forEach((p, i) => {
    const id = uuidv7();
    const sentAt = sentStart.getTime() + Math.floor((i / Math.max(1, people.length)) * spread);
    const email = p.email as string;
    const proof = { recipient_id: id, mailing_id: mailingId, person_id: p.id, at: '' };
    const bounced = random.chance(SHARES.hardBounce);
    recipients.push([id, p.id, email, new Date(sentAt), p.zone_ids, bounced ? 'hard_bounce' : null]);
    if (bounced) {
      suppressions.push({ email, reason: 'hard_bounce', proof: { ...proof, at: new Date(sentAt + 30_000).toISOString(), demo: true } });
      return;
    }
    const factor = p.zone_ids.map((z) => factors.get(z)).find((f) => f !== undefined) ?? 1;
    const event = (kind: 'open' | 'click', at: number, classification: 'human' | 'apple_proxy', link = -1) =>
      events.push([
        uuidv7(),
        id,
        p.id,
        kind,
        kind === 'click' ? link : null,
        kind === 'click' ? (DEMO_NEWSLETTER_LINKS[link]?.url ?? null) : null,
        classification,
        classification === 'apple_proxy' ? 'Mozilla/5.0' : READER_AGENT,
        new Date(Math.min(at, now - 60_000)),
      ]);
    if (random.chance(SHARES.apple)) event('open', sentAt + 60_000 + random.int(20 * 60_000), 'apple_proxy');
    if (!random.chance(Math.min(0.9, SHARES.open * factor))) return;
    const openedAt = sentAt + readingDelay(random);
    event('open', openedAt, 'human');
    if (random.chance(0.25)) event('open', openedAt + readingDelay(random), 'human');
    if (random.chance(SHARES.click * Math.sqrt(factor))) {
      const link = random.weighted(DEMO_NEWSLETTER_LINKS.map((l) => l.weight));
      event('click', openedAt + 20_000 + random.int(5 * 60_000), 'human', link);
      if (random.chance(0.2)) event('click', openedAt + 6 * 60_000 + random.int(10 * 60_000), 'human', (link + 1) % 3);
    }
    const leaves = random.chance(SHARES.unsubscribe) ? 'unsubscribed' : random.chance(SHARES.complaint) ? 'complaint' : null;
    if (leaves) {
      suppressions.push({ email, reason: leaves, proof: { ...proof, at: new Date(openedAt + 90_000).toISOString(), demo: true } });
    }
  });

  await withTenant(db, campaignId, async (trx) => {
    await trx
      .insertInto('mailing')
      .values({
        campaign_id: campaignId,
        id: mailingId,
        name: 'Lettre d’information n° 12',
        subject: 'Cette semaine à Paris 2026 : le logement, vos rendez-vous',
        from_name: 'Paris 2026',
        preheader: 'Nos propositions pour le logement et les rendez-vous de votre arrondissement',
        content_format: 'blocks',
        content: JSON.stringify(CONTENT),
        audience: JSON.stringify({}),
        status: 'sent',
        started_at: sentStart,
        finished_at: sentEnd,
        total_targeted: people.length,
        sent_count: people.length,
        created_by_label: 'Camille Martin',
        created_at: new Date(sentStart.getTime() - 2 * 24 * HOUR),
        updated_at: sentEnd,
      })
      .execute();
    await trx.insertInto('mailing_variant').values({ campaign_id: campaignId, mailing_id: mailingId, variant: 'A' }).execute();
  });
  // The rows by COPY, outside a transaction (PGlite loads them several times faster so; the demo
  // seed loads its people and consents the same way): a failure leaves a demo to seed again.
  const constants = [
    { name: 'campaign_id', type: 'uuid' as const, value: campaignId },
    { name: 'mailing_id', type: 'uuid' as const, value: mailingId },
  ];
  await bulkLoad(
    db,
    {
      table: 'mailing_recipient',
      constants: [...constants, { name: 'status', type: 'text', value: 'sent' }],
      columns: [
        { name: 'id', type: 'uuid' },
        { name: 'person_id', type: 'uuid' },
        { name: 'email', type: 'text' },
        { name: 'sent_at', type: 'timestamptz' },
        { name: 'zone_ids', type: 'uuid[]' },
        { name: 'delivery_status', type: 'text' },
      ],
    },
    [recipients.map((r) => [...r.slice(0, 4), `{${(r[4] as string[]).join(',')}}`, r[5]])],
  );
  await bulkLoad(
    db,
    {
      table: 'mail_event',
      constants,
      columns: [
        { name: 'id', type: 'uuid' },
        { name: 'recipient_id', type: 'uuid' },
        { name: 'person_id', type: 'uuid' },
        { name: 'kind', type: 'text' },
        { name: 'link_index', type: 'int4' },
        { name: 'link_url', type: 'text' },
        { name: 'classification', type: 'text' },
        { name: 'user_agent', type: 'text' },
        { name: 'at', type: 'timestamptz' },
      ],
    },
    [events],
  );
  await withTenant(db, campaignId, async (trx) => {
    // The loader writes no inet: the proxy's address (what classified these opens) set in one statement.
    await trx
      .updateTable('mail_event')
      .set({ ip: APPLE_IP })
      .where('campaign_id', '=', campaignId)
      .where('mailing_id', '=', mailingId)
      .where('classification', '=', 'apple_proxy')
      .execute();
    for (const s of suppressions) await suppressAddress(trx, campaignId, s.email, s.reason, s.proof);
  });
  // Planned on empty statistics (PGlite runs no autovacuum), the report's joins were nested loops over
  // 21,000 × 16,000 rows: 110 s for the messages list instead of 50 ms.
  await refreshStatistics(db, ['mailing', 'mailing_recipient', 'mail_event', 'mail_suppression']);
  return { mailingId, recipients: recipients.length, events: events.length };
}
