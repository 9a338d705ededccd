// `relais mailing send ID` and `relais mailing report ID`: a send started and followed to its end,
// and a mailing's report, both through the server's API — the server holding the embedded database
// (its local CLI channel), or any server with --api and an API token. The send runs on the server:
// Ctrl-C stops following it, never the send itself.
import { type Command, Option } from 'commander';
import type { Static } from 'typebox';
import { ConfigError, loadConfig } from '../server/config.ts';
import type { MessageSchema } from '../server/modules/messaging/messaging.routes.ts';
import type { ReportSchema } from '../server/modules/messaging/tracking/report.routes.ts';
import { lockHolder } from './data-lock.ts';
import { type CliKey, cliLocale, configErrorText, refusalText, say } from './messages.ts';
import { printProgress } from './progress.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const POLL_MS = 500;

/** A message and a report as the API answers them (dates as strings). */
export type Message = Omit<Static<typeof MessageSchema>, 'sent_start_date' | 'sent_end_date'> & {
  sent_start_date: string | null;
  sent_end_date: string | null;
};
export type Report = Static<typeof ReportSchema>;

/** Where the command's requests go, and with what credentials. */
export interface ApiChannel {
  base: string;
  headers: Record<string, string>;
}

interface ChannelOptions {
  api?: string;
  token?: string;
  campaign?: string;
}

/** The API to talk to: --api with a token; else the server holding the embedded database (its local channel). */
export async function channelOf(opts: ChannelOptions): Promise<ApiChannel> {
  if (opts.api) {
    if (!opts.token) throw new Error(say('mailingNeedsToken'));
    const root = opts.api.replace(/\/+$/, '');
    return { base: root.endsWith('/api/v1') ? root : `${root}/api/v1`, headers: { authorization: `Bearer ${opts.token}` } };
  }
  let cfg: ReturnType<typeof loadConfig>;
  try {
    cfg = loadConfig();
  } catch (error) {
    throw error instanceof ConfigError ? new Error(configErrorText(error)) : error;
  }
  if (cfg.databaseUrl) throw new Error(say('mailingNeedsApi'));
  const { CLI_CAMPAIGN_HEADER, CLI_TOKEN_HEADER, findLocalServer } = await import('../server/http/local-cli.ts');
  const server = await findLocalServer(cfg.dataDir);
  if (!server || lockHolder(cfg.dataDir) === null) throw new Error(say('mailingNoServer', { dir: cfg.dataDir }));
  const headers: Record<string, string> = { [CLI_TOKEN_HEADER]: server.token };
  if (opts.campaign) headers[CLI_CAMPAIGN_HEADER] = opts.campaign;
  return { base: `http://127.0.0.1:${server.port}/api/v1`, headers };
}

/** One API request; a refusal becomes the CLI's sentence around the server's detail and code. */
async function call<T>(channel: ApiChannel, method: 'GET' | 'POST', path: string): Promise<T> {
  let res: Response;
  try {
    // RFC 9457 problems (with their stable code) rather than OSDI's error document.
    res = await fetch(`${channel.base}${path}`, {
      method,
      headers: { ...channel.headers, accept: 'application/json, application/problem+json' },
    });
  } catch (error) {
    const cause = (error as Error & { cause?: { code?: string } }).cause?.code;
    throw new Error(say('mailingUnreachable', { url: channel.base, error: cause ?? (error as Error).message }));
  }
  const payload = (await res.json().catch(() => ({}))) as T & { detail?: string; code?: string };
  if (!res.ok)
    throw new Error(refusalText({ detail: payload.detail ?? res.statusText, ...(payload.code ? { code: payload.code } : {}) }, res.status));
  return payload;
}

function mailingIdOf(value: string): string {
  if (!UUID.test(value)) throw new Error(say('mailingIdInvalid', { value }));
  return value;
}

/** What following a send shows: its progress, and a line when it starts or ends. */
export interface FollowOutput {
  progress(done: number, total: number): void;
  line(text: string): void;
}

/**
 * Starts the send (osdi:send_helper) unless it is already sending, then reads the message until it
 * stops sending, reporting the recipient rows done (sent, failed or skipped) out of its total.
 */
export async function sendAndFollow(channel: ApiChannel, id: string, out: FollowOutput, pollMs = POLL_MS): Promise<Message> {
  let m = await call<Message>(channel, 'GET', `/messages/${id}`);
  const name = m.name || m.subject;
  if (m.status === 'sending') out.line(say('mailingFollowing', { name }));
  else {
    m = await call<Message>(channel, 'POST', `/messages/${id}/send`);
    out.line(say('mailingStarted', { name, total: m.total_targeted }));
  }
  for (;;) {
    const s = m.statistics;
    out.progress(s.sent + s.failed + s.skipped, m.total_targeted);
    if (m.status !== 'sending') return m;
    await new Promise((r) => setTimeout(r, pollMs));
    m = await call<Message>(channel, 'GET', `/messages/${id}`);
  }
}

/** The closing line of a followed send: finished, paused or cancelled. */
export function endOfSendText(m: Message): string {
  const s = m.statistics;
  if (m.status === 'paused') return say('mailingPaused', { sent: s.sent, total: m.total_targeted, id: m.id });
  if (m.status === 'cancelled') return say('mailingCancelled', { sent: s.sent, total: m.total_targeted });
  return say('mailingDone', { sent: s.sent, failed: s.failed, skipped: s.skipped });
}

const STATUS: Record<Message['status'], CliKey> = {
  draft: 'statusDraft',
  scheduled: 'statusScheduled',
  sending: 'statusSending',
  sent: 'statusSent',
  paused: 'statusPaused',
  cancelled: 'statusCancelled',
};

type Figures = Pick<Report, 'sent' | 'delivered' | 'opens' | 'clicks' | 'unsubscribes' | 'bounces' | 'complaints'>;

/** A report as the reader reads it: the figures in a table (total, variants, arrondissements), then clicks per link. */
export function reportText(m: Message, r: Report): string {
  const tag = cliLocale === 'fr' ? 'fr-FR' : 'en-GB';
  const number = new Intl.NumberFormat(tag);
  const percent = new Intl.NumberFormat(tag, { style: 'percent', minimumFractionDigits: 1, maximumFractionDigits: 1 });
  const when = new Intl.DateTimeFormat(tag, { dateStyle: 'medium', timeStyle: 'short', timeZone: 'Europe/Paris' });
  const rate = (part: number, whole: number) => (whole > 0 ? percent.format(part / whole) : '—');
  const cells = (f: Figures) => [
    number.format(f.sent),
    number.format(f.delivered),
    number.format(f.opens),
    rate(f.opens, f.delivered),
    number.format(f.clicks),
    rate(f.clicks, f.delivered),
    number.format(f.unsubscribes),
    number.format(f.bounces),
    number.format(f.complaints),
  ];
  const rows: Array<{ label: string; cells: string[] } | { heading: string }> = [{ label: say('reportTotal'), cells: cells(r) }];
  if (r.by_variant.length > 1) {
    for (const v of r.by_variant) rows.push({ label: say('reportVariant', { variant: v.variant }), cells: cells(v) });
  }
  const zones = r.by_zone.filter((z) => z.sent > 0);
  if (zones.length > 0) {
    rows.push({ heading: say('reportZones') });
    for (const z of zones) rows.push({ label: z.name, cells: cells(z) });
  }
  const headers = say('reportColumns').split('|');
  const labelWidth = Math.max(...rows.map((row) => ('label' in row ? row.label.length : 0)));
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((row) => ('cells' in row ? (row.cells[i] as string).length : 0))));
  const line = (label: string, values: string[]) =>
    `${label.padEnd(labelWidth)}  ${values.map((v, i) => v.padStart(widths[i] as number)).join('  ')}`.trimEnd();
  const out = [say('reportHeading', { name: m.name || '—', status: say(STATUS[m.status]), subject: m.subject })];
  if (m.sent_start_date) {
    out.push(
      say('reportSentAt', {
        from: when.format(new Date(m.sent_start_date)),
        to: when.format(new Date(m.sent_end_date ?? m.sent_start_date)),
      }),
    );
  }
  out.push(say(r.counted === 'all' ? 'reportAll' : 'reportHuman'), '', line('', headers));
  for (const row of rows) out.push('heading' in row ? `\n${row.heading}` : line(row.label, row.cells));
  out.push('', say('reportLinks'));
  if (r.links.length === 0) out.push(`  ${say('reportNoLinks')}`);
  for (const l of r.links) {
    out.push(`  ${say('reportLink', { clicks: l.clicks, people: l.unique_clicks, url: l.url ?? '—' })}`);
  }
  return out.join('\n');
}

/** Reads a mailing and its report. */
export async function readReport(channel: ApiChannel, id: string, counted: 'human' | 'all'): Promise<{ message: Message; report: Report }> {
  const [message, report] = await Promise.all([
    call<Message>(channel, 'GET', `/messages/${id}`),
    call<Report>(channel, 'GET', `/messages/${id}/statistics?counted=${counted}`),
  ]);
  return { message, report };
}

function withApiOptions(command: Command): Command {
  return command
    .argument('<id>', say('mailingId'))
    .addOption(new Option('--api <url>', say('mailingApi')).env('RELAIS_API_URL'))
    .addOption(new Option('--token <token>', say('mailingToken')).env('RELAIS_API_TOKEN'))
    .option('--campaign <slug>', say('campaign'));
}

/** Adds the `mailing` command group (`mailing send`, `mailing report`) to the program. */
export function registerMailingCommand(program: Command): void {
  const mailing = program.command('mailing').description(say('mailing'));
  withApiOptions(mailing.command('send').description(say('mailingSend'))).action(async (value: string, opts: ChannelOptions) => {
    const id = mailingIdOf(value);
    const channel = await channelOf(opts);
    // The send belongs to the server: Ctrl-C only stops watching it.
    process.once('SIGINT', () => {
      console.error(`\n${say('mailingDetached', { id })}`);
      process.exit(130);
    });
    const end = await sendAndFollow(channel, id, {
      progress: (done, total) => printProgress('mailing', done, total),
      line: (text) => console.error(text),
    });
    console.log(endOfSendText(end));
  });
  withApiOptions(mailing.command('report').description(say('mailingReport')))
    .addOption(new Option('--counted <human|all>', say('mailingCounted')).choices(['human', 'all']).default('human'))
    .action(async (value: string, opts: ChannelOptions & { counted: 'human' | 'all' }) => {
      const { message, report } = await readReport(await channelOf(opts), mailingIdOf(value), opts.counted);
      console.log(reportText(message, report));
    });
}
