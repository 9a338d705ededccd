// The tracking writer: hits (opens, clicks) are never written by the request that receives them. The
// request pushes the hit into this process's buffer and answers at once; the buffer is written every
// FLUSH_MS or as soon as it holds MAX_ROWS, in one transaction per campaign: the recipients' rows read
// in one query, every hit classified (classify.ts), the events inserted in one statement with
// ON CONFLICT DO NOTHING on their id (drawn when the hit was received, so a batch written twice counts
// once), then the human ones put on the people's timelines (recordActivity: `mailing.opened` for a
// person's first human open of a mailing, `mailing.clicked` for each human click; the ladder rules
// react to them in the same transaction).
//
// Clicks on SMS short links (`channel: 'sms'`, the sms module's /s/<code>) go through the same
// buffer and classification into sms_click, and human ones on the timeline as `sms.clicked`.
//
// Across a restart: close() (the application's onClose hook, run on SIGTERM/SIGINT by the server)
// stops the timer and writes what the buffer holds before the database closes, so a stop or a deploy
// loses nothing. A campaign's failed write puts its rows back at the head of the buffer and retries at
// the next tick (up to MAX_BUFFERED rows; beyond, the oldest are dropped and logged); a hit that
// failed MAX_ATTEMPTS writes is dropped and logged. What a crash (SIGKILL,
// power loss) loses is what was received and not yet written: at most the last FLUSH_MS (one second)
// of hits, or MAX_ROWS of them. We chose that over a journal (an fsync per hit would cost more than
// the insert the buffer saves): tracking figures are statistics, and a lost second of opens is within
// what Apple's proxy and image blocking already blur.

import type { Selectable } from 'kysely';
import { sql } from 'kysely';
import type { Db, Trx } from '../../../db/database.ts';
import { withTenant } from '../../../db/database.ts';
import type { MailEventClassification, MailEventKind, MailEventTable } from '../../../db/schema.ts';
import { recordActivity } from '../../timeline/index.ts';
import { classifyHit, SCANNER_BURST_MS } from './classify.ts';

export const FLUSH_MS = 1_000;
export const MAX_ROWS = 1_000;
export const MAX_BUFFERED = 200_000;
/** Failed writes after which a hit is dropped (logged). */
export const MAX_ATTEMPTS = 5;

/** One open or click as the route received it. */
export interface Hit {
  /** Drawn when received (uuidv7): the idempotency key of its row. */
  id: string;
  campaignId: string;
  /** The e-mail's mailing_recipient row; for an SMS short link, the sms_message's id. */
  recipientId: string;
  /** 'sms': a click on an SMS short link (written to sms_click); an e-mail's hit otherwise. */
  channel?: 'sms';
  kind: MailEventKind;
  linkIndex: number | null;
  linkUrl: string | null;
  userAgent: string;
  ip: string | null;
  at: Date;
}

export interface HitWriterOptions {
  flushMs?: number;
  maxRows?: number;
  /** Whether human events go on the people's timelines (on by default). */
  timeline?: boolean;
  log?: (message: string, error?: unknown) => void;
}

/** A mail_event row as this writer inserts it (the campaign is the transaction's). */
type EventRow = Omit<Selectable<MailEventTable>, 'campaign_id'>;

/** What the insert returns of the rows it wrote (duplicates are not returned). */
type InsertedEvent = Omit<EventRow, 'user_agent' | 'ip'>;

interface RecentClick {
  id: string;
  at: Date;
}

export class HitWriter {
  private buffer: Hit[] = [];
  private timer: NodeJS.Timeout | null = null;
  private chain: Promise<void> = Promise.resolve();
  private closed = false;
  /** Clicks written in the last moments, per recipient: a burst may straddle two flushes. */
  private readonly recent = new Map<string, RecentClick[]>();
  /** Failed writes per hit (only hits that failed are in it). */
  private readonly attempts = new WeakMap<Hit, number>();
  private readonly flushMs: number;
  private readonly maxRows: number;
  private readonly timeline: boolean;
  private readonly log: (message: string, error?: unknown) => void;
  /** Rows written (inserted or already there) since start: for tests and the bench. */
  written = 0;

  private readonly db: Db;

  constructor(db: Db, options: HitWriterOptions = {}) {
    this.db = db;
    this.flushMs = options.flushMs ?? FLUSH_MS;
    this.maxRows = options.maxRows ?? MAX_ROWS;
    this.timeline = options.timeline ?? true;
    this.log = options.log ?? ((message, error) => console.error(message, error));
  }

  /** Hits waiting to be written. */
  get pending(): number {
    return this.buffer.length;
  }

  /** Queues a hit (no database work); a full buffer is written at once, otherwise within flushMs. */
  push(hit: Hit): void {
    this.buffer.push(hit);
    if (this.buffer.length >= this.maxRows) void this.flush();
    else if (!this.timer && !this.closed) {
      this.timer = setTimeout(() => {
        this.timer = null;
        void this.flush();
      }, this.flushMs);
      this.timer.unref();
    }
  }

  /** Writes what the buffer holds (flushes run one after another). */
  flush(): Promise<void> {
    this.chain = this.chain.then(() => this.writeBuffer());
    return this.chain;
  }

  /** Stops the timer and writes everything still buffered (the application's onClose). */
  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.flush();
    if (this.buffer.length > 0) this.log(`tracking: ${this.buffer.length} hits could not be written before closing`);
  }

  private async writeBuffer(): Promise<void> {
    while (this.buffer.length > 0) {
      const batch = this.buffer.splice(0, this.maxRows);
      const failed = await this.writeBatch(batch);
      if (failed.length === 0) continue;
      // Kept for the next tick, except hits that failed MAX_ATTEMPTS times (a row that can never be
      // written, e.g. its mailing deleted meanwhile, must not hold the others back forever).
      const kept = failed.filter((h) => (this.attempts.get(h) ?? 0) < MAX_ATTEMPTS);
      if (kept.length < failed.length)
        this.log(`tracking: ${failed.length - kept.length} hits dropped after ${MAX_ATTEMPTS} failed writes`);
      this.buffer.unshift(...kept);
      if (this.buffer.length > MAX_BUFFERED) {
        const dropped = this.buffer.splice(0, this.buffer.length - MAX_BUFFERED);
        this.log(`tracking: ${dropped.length} oldest hits dropped (buffer full while the database fails)`);
      }
      if (!this.closed && !this.timer) {
        this.timer = setTimeout(() => {
          this.timer = null;
          void this.flush();
        }, this.flushMs);
        this.timer.unref();
      }
      return;
    }
  }

  /** Writes a batch, one transaction per campaign; returns the hits of the campaigns whose write failed. */
  private async writeBatch(batch: Hit[]): Promise<Hit[]> {
    const byCampaign = new Map<string, Hit[]>();
    for (const hit of batch) {
      const list = byCampaign.get(hit.campaignId);
      if (list) list.push(hit);
      else byCampaign.set(hit.campaignId, [hit]);
    }
    const failed: Hit[] = [];
    for (const [campaignId, hits] of byCampaign) {
      try {
        await withTenant(this.db, campaignId, (trx) => this.writeCampaign(trx, campaignId, hits));
      } catch (error) {
        this.log(`tracking: writing ${hits.length} hits of campaign ${campaignId} failed, kept for the next flush`, error);
        for (const h of hits) this.attempts.set(h, (this.attempts.get(h) ?? 0) + 1);
        failed.push(...hits);
      }
    }
    this.pruneRecent(batch);
    return failed;
  }

  private async writeCampaign(trx: Trx, campaignId: string, hits: Hit[]): Promise<void> {
    const sms = hits.filter((h) => h.channel === 'sms');
    const mail = sms.length > 0 ? hits.filter((h) => h.channel !== 'sms') : hits;
    if (mail.length > 0) await this.writeMail(trx, campaignId, mail);
    if (sms.length > 0) await this.writeSms(trx, campaignId, sms);
  }

  /**
   * Classifies the hits whose row is known (`sentAt` of it), each click against the recipient's other
   * clicks of the batch and of the last moments; returns them with the ids of earlier clicks a burst
   * completed here turns into a scanner's.
   */
  private classifyAll(hits: Hit[], sentAtOf: (h: Hit) => Date | null | undefined) {
    const clicksOf = new Map<string, Hit[]>();
    for (const h of hits) {
      if (h.kind !== 'click') continue;
      const list = clicksOf.get(h.recipientId);
      if (list) list.push(h);
      else clicksOf.set(h.recipientId, [h]);
    }
    const classified: { hit: Hit; classification: MailEventClassification }[] = [];
    const relabel: string[] = [];
    for (const h of hits) {
      const sentAt = sentAtOf(h);
      // Hits of rows we no longer (or never: test sends) have are dropped: nothing to count them on.
      if (sentAt === undefined) continue;
      const earlier = this.recent.get(h.recipientId) ?? [];
      const others =
        h.kind === 'click'
          ? [...(clicksOf.get(h.recipientId) ?? []).filter((o) => o !== h).map((o) => o.at), ...earlier.map((o) => o.at)]
          : [];
      const classification: MailEventClassification = classifyHit({
        kind: h.kind,
        linkIndex: h.linkIndex,
        userAgent: h.userAgent,
        ip: h.ip,
        at: h.at,
        sentAt,
        otherClicks: others,
      });
      // A burst completed by this batch also marks the clicks of it already written.
      if (classification === 'scanner' && h.kind === 'click')
        for (const o of earlier) if (Math.abs(o.at.getTime() - h.at.getTime()) <= SCANNER_BURST_MS) relabel.push(o.id);
      classified.push({ hit: h, classification });
    }
    return { classified, relabel };
  }

  /** Keeps the clicks just written, per recipient: a burst may straddle two flushes. */
  private remember(hits: Hit[]): void {
    for (const h of hits) {
      if (h.kind !== 'click') continue;
      const list = this.recent.get(h.recipientId) ?? [];
      list.push({ id: h.id, at: h.at });
      this.recent.set(h.recipientId, list);
    }
  }

  private async writeMail(trx: Trx, campaignId: string, hits: Hit[]): Promise<void> {
    const ids = [...new Set(hits.map((h) => h.recipientId))];
    const recipients = new Map(
      (
        await trx
          .selectFrom('mailing_recipient')
          .select(['id', 'mailing_id', 'person_id', 'sent_at'])
          .where('campaign_id', '=', campaignId)
          .where('id', 'in', ids)
          .execute()
      ).map((r) => [r.id, r]),
    );
    const sentAtOf = (h: Hit) => {
      const r = recipients.get(h.recipientId);
      return r ? (r.sent_at ? new Date(r.sent_at) : null) : undefined;
    };
    const { classified, relabel } = this.classifyAll(hits, sentAtOf);
    const rows: EventRow[] = classified.map(({ hit: h, classification }) => {
      const r = recipients.get(h.recipientId) as NonNullable<ReturnType<typeof recipients.get>>;
      return {
        id: h.id,
        mailing_id: r.mailing_id,
        recipient_id: h.recipientId,
        person_id: r.person_id,
        kind: h.kind,
        link_index: h.linkIndex,
        link_url: h.linkUrl,
        classification,
        user_agent: h.userAgent.slice(0, 500),
        ip: h.ip,
        at: h.at,
      };
    });
    if (rows.length === 0) return;
    // One statement whatever the batch's size: columns as arrays (a dozen parameters, not 12 per row).
    const col = <K extends keyof EventRow>(key: K) => rows.map((r) => r[key]);
    const { rows: inserted } = await sql<InsertedEvent>`
      insert into mail_event (campaign_id, id, mailing_id, recipient_id, person_id, kind, link_index, link_url, classification, user_agent, ip, at)
      select ${campaignId}::uuid, * from unnest(
        ${col('id')}::uuid[], ${col('mailing_id')}::uuid[], ${col('recipient_id')}::uuid[], ${col('person_id')}::uuid[],
        ${col('kind')}::text[], ${col('link_index')}::int[], ${col('link_url')}::text[], ${col('classification')}::text[],
        ${col('user_agent')}::text[], ${col('ip')}::inet[], ${col('at')}::timestamptz[])
      on conflict (campaign_id, id) do nothing
      returning id, mailing_id, recipient_id, person_id, kind, link_index, link_url, classification, at`.execute(trx);
    this.written += rows.length;
    if (relabel.length > 0) {
      await trx
        .updateTable('mail_event')
        .set({ classification: 'scanner' })
        .where('campaign_id', '=', campaignId)
        .where('id', 'in', relabel)
        .where('kind', '=', 'click')
        .execute();
    }
    this.remember(hits.filter((h) => recipients.has(h.recipientId)));
    if (this.timeline) await this.onTimelines(trx, campaignId, inserted);
  }

  /** Clicks on SMS short links: classified as e-mail clicks are (sent_at: the provider's acceptance), into sms_click. */
  private async writeSms(trx: Trx, campaignId: string, hits: Hit[]): Promise<void> {
    const messages = new Map(
      (
        await trx
          .selectFrom('sms_message')
          .select(['id', 'send_id', 'person_id', 'sent_at'])
          .where('campaign_id', '=', campaignId)
          .where('id', 'in', [...new Set(hits.map((h) => h.recipientId))])
          .execute()
      ).map((m) => [m.id, m]),
    );
    const sentAtOf = (h: Hit) => {
      const m = messages.get(h.recipientId);
      return m ? (m.sent_at ? new Date(m.sent_at) : null) : undefined;
    };
    const { classified, relabel } = this.classifyAll(hits, sentAtOf);
    if (classified.length === 0) return;
    const rows = classified.map(({ hit: h, classification }) => {
      const m = messages.get(h.recipientId) as NonNullable<ReturnType<typeof messages.get>>;
      return { h, m, classification };
    });
    const { rows: inserted } = await sql<{
      id: string;
      message_id: string;
      send_id: string;
      person_id: string;
      link_index: number;
      link_url: string;
      classification: MailEventClassification;
      at: Date;
    }>`
      insert into sms_click (campaign_id, id, message_id, send_id, person_id, link_index, link_url, classification, user_agent, ip, at)
      select ${campaignId}::uuid, * from unnest(
        ${rows.map((r) => r.h.id)}::uuid[], ${rows.map((r) => r.m.id)}::uuid[], ${rows.map((r) => r.m.send_id)}::uuid[],
        ${rows.map((r) => r.m.person_id)}::uuid[], ${rows.map((r) => r.h.linkIndex ?? 0)}::int[], ${rows.map((r) => r.h.linkUrl ?? '')}::text[],
        ${rows.map((r) => r.classification)}::text[], ${rows.map((r) => r.h.userAgent.slice(0, 500))}::text[], ${rows.map((r) => r.h.ip)}::inet[],
        ${rows.map((r) => r.h.at)}::timestamptz[])
      on conflict (campaign_id, id) do nothing
      returning id, message_id, send_id, person_id, link_index, link_url, classification, at`.execute(trx);
    this.written += rows.length;
    if (relabel.length > 0)
      await trx
        .updateTable('sms_click')
        .set({ classification: 'scanner' })
        .where('campaign_id', '=', campaignId)
        .where('id', 'in', relabel)
        .execute();
    this.remember(hits.filter((h) => messages.has(h.recipientId)));
    if (!this.timeline) return;
    for (const e of inserted) {
      if (e.classification !== 'human') continue;
      await recordActivity(trx, {
        campaignId,
        personId: e.person_id,
        type: 'sms.clicked',
        refType: 'sms_message',
        refId: e.message_id,
        data: { link_index: e.link_index, url: e.link_url },
        actorLabel: 'Relais',
        at: new Date(e.at),
      });
    }
  }

  /** Human events on the people's timelines: a person's first human open of a mailing, every human click. */
  private async onTimelines(trx: Trx, campaignId: string, inserted: InsertedEvent[]): Promise<void> {
    const human = inserted.filter((e) => e.classification === 'human');
    if (human.length === 0) return;
    const opens = human.filter((e) => e.kind === 'open');
    // A person's first human open of a mailing goes on their timeline once: those already there are skipped.
    const openedBefore = new Set<string>();
    if (opens.length > 0) {
      const earlier = await trx
        .selectFrom('activity')
        .select(['person_id', 'ref_id'])
        .where('campaign_id', '=', campaignId)
        .where('type', '=', 'mailing.opened')
        .where('ref_id', 'in', [...new Set(opens.map((o) => o.mailing_id))])
        .where('person_id', 'in', [...new Set(opens.map((o) => o.person_id))])
        .execute();
      for (const e of earlier) openedBefore.add(`${e.person_id}:${e.ref_id}`);
    }
    for (const e of human) {
      if (e.kind === 'open') {
        const key = `${e.person_id}:${e.mailing_id}`;
        if (openedBefore.has(key)) continue;
        openedBefore.add(key);
      }
      await recordActivity(trx, {
        campaignId,
        personId: e.person_id,
        type: e.kind === 'open' ? 'mailing.opened' : 'mailing.clicked',
        refType: 'mailing',
        refId: e.mailing_id,
        data: e.kind === 'click' ? { link_index: e.link_index, url: e.link_url } : {},
        actorLabel: 'Relais',
        at: new Date(e.at),
      });
    }
  }

  /** Forgets clicks older than the burst window before the newest hit written. */
  private pruneRecent(batch: Hit[]): void {
    const newest = batch.reduce((max, h) => Math.max(max, h.at.getTime()), 0);
    for (const [recipient, list] of this.recent) {
      const kept = list.filter((c) => newest - c.at.getTime() <= SCANNER_BURST_MS);
      if (kept.length === 0) this.recent.delete(recipient);
      else this.recent.set(recipient, kept);
    }
  }
}
