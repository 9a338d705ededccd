// For tests: a real SMTP server (smtp-server) on loopback that keeps every message it accepts, with
// its envelope, and can answer a temporary failure (451) to the addresses it is told to. It counts,
// per recipient domain, the transactions in flight at once (RCPT accepted, DATA not yet ended).
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { loadConfig, type MailingConfig } from '../config.ts';

export interface SinkMessage {
  mailFrom: string;
  rcptTo: string[];
  raw: string;
  /** When its DATA ended (performance.now()). */
  receivedAt: number;
}

export interface SmtpSink {
  url: string;
  port: number;
  messages: SinkMessage[];
  /** Addresses answered 451 on RCPT this many more times. */
  deferrals: Map<string, number>;
  /** The most transactions in flight at once, per recipient domain. */
  maxInFlight: Map<string, number>;
  close(): Promise<void>;
}

/** Starts the sink on 127.0.0.1 (a free port). */
export async function startSmtpSink(): Promise<SmtpSink> {
  const messages: SinkMessage[] = [];
  const deferrals = new Map<string, number>();
  const inFlight = new Map<string, number>();
  const maxInFlight = new Map<string, number>();
  // The domains of each connection's open transaction.
  const open = new Map<string, Set<string>>();
  const end = (sessionId: string) => {
    for (const domain of open.get(sessionId) ?? []) inFlight.set(domain, (inFlight.get(domain) ?? 1) - 1);
    open.delete(sessionId);
  };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    disableReverseLookup: true,
    size: 10 * 1024 * 1024,
    onRcptTo(address, session, callback) {
      const left = deferrals.get(address.address) ?? 0;
      if (left > 0) {
        deferrals.set(address.address, left - 1);
        const error = new Error('Try again later') as Error & { responseCode: number };
        error.responseCode = 451;
        return callback(error);
      }
      const domain = address.address.slice(address.address.lastIndexOf('@') + 1).toLowerCase();
      const domains = open.get(session.id) ?? new Set<string>();
      if (!domains.has(domain)) {
        domains.add(domain);
        open.set(session.id, domains);
        const n = (inFlight.get(domain) ?? 0) + 1;
        inFlight.set(domain, n);
        maxInFlight.set(domain, Math.max(n, maxInFlight.get(domain) ?? 0));
      }
      callback();
    },
    onClose(session) {
      end(session.id);
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const from = session.envelope.mailFrom;
        messages.push({
          mailFrom: from ? from.address : '',
          rcptTo: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString('utf8'),
          receivedAt: performance.now(),
        });
        end(session.id);
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    port,
    messages,
    deferrals,
    maxInFlight,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/**
 * The mailing settings of a test that sends to this sink: its relay, a test From and bounce domain, a
 * token secret, no DKIM, 1,000 messages a second; what a test needs otherwise it overrides.
 */
export function sinkMailingConfig(sink: Pick<SmtpSink, 'url'>, overrides: Partial<MailingConfig> = {}): MailingConfig {
  return {
    ...loadConfig({ LOG_LEVEL: 'silent' }).mailing,
    smtpUrl: sink.url,
    fromAddress: 'lettre@campagne.test',
    bounceDomain: 'rebonds.campagne.test',
    tokenSecret: 'a-test-secret-of-at-least-thirty-two-characters',
    ratePerSecond: 1000,
    dkim: null,
    ...overrides,
  };
}
