// Reading what comes back to the bounce mailbox: delivery status notifications (RFC 3464
// multipart/report; report-type=delivery-status), abuse reports (ARF, RFC 5965) and the rest
// (autoreplies, people answering the bounce address). Pure: raw message in, classification out.
// mailparser turns a message/delivery-status part into text unless asked to keep it
// (`keepDeliveryStatus`), so it is kept and read here as the RFC's header blocks.
import { type ParsedMail, simpleParser } from 'mailparser';

/** What one delivery attempt to one recipient came to, as the bounce rules count it. */
export type DeliveryClass = 'hard' | 'soft' | 'delayed' | 'delivered';

export type DsnAction = 'failed' | 'delayed' | 'delivered' | 'relayed' | 'expanded';

export interface RecipientStatus {
  /** The address the report is about (Final-Recipient, else Original-Recipient, else found in the text). */
  recipient: string | null;
  originalRecipient: string | null;
  action: DsnAction;
  /** RFC 3463 enhanced status code ("5.1.1"), from the report or, failing that, from the text. */
  status: string | null;
  diagnosticCode: string | null;
  classification: DeliveryClass;
}

/** The identifiers that lead back to our message: the VERP token of the return path and the Message-ID. */
export interface OriginalMessageRef {
  verpToken: string | null;
  messageId: string | null;
}

export type BounceReport =
  | ({ kind: 'dsn'; machineReadable: boolean; recipients: RecipientStatus[] } & OriginalMessageRef)
  | ({ kind: 'complaint'; feedbackType: string; recipient: string | null } & OriginalMessageRef)
  /** A message to the List-Unsubscribe mailto address (`unsubscribe+<token>@domain`, RFC 2369). */
  | { kind: 'unsubscribe'; token: string; from: string | null }
  | { kind: 'ignored'; reason: 'autoreply' | 'not_a_report' | 'feedback_not_abuse' };

export interface ParseOptions {
  /** The local part before the "+" of our return paths (`bounces` in `bounces+<token>@domain`). */
  verpLocalPart?: string;
  /** The local part of the List-Unsubscribe mailto address (`unsubscribe` in `unsubscribe+<token>@domain`). */
  unsubscribeLocalPart?: string;
}

const PARSER_OPTIONS = {
  keepDeliveryStatus: true,
  skipHtmlToText: true,
  skipTextToHtml: true,
  skipImageLinks: true,
} as const;

/** Reads one message of the bounce mailbox and says what it reports. */
export async function parseBounceMessage(raw: Buffer | string, options: ParseOptions = {}): Promise<BounceReport> {
  const source = typeof raw === 'string' ? raw : raw.toString('latin1');
  const mail = await simpleParser(raw, PARSER_OPTIONS);
  // First: mailbox providers' unsubscribe buttons send automated messages to the mailto address.
  const unsubscribe = tokenIn(recipientHeaders(mail), options.unsubscribeLocalPart ?? 'unsubscribe');
  if (unsubscribe) {
    const from = mail.from?.value[0]?.address;
    return { kind: 'unsubscribe', token: unsubscribe, from: from ? from.toLowerCase() : null };
  }
  const ref = originalRefOf(mail, source, options.verpLocalPart ?? 'bounces');
  // mailparser gives the Content-Type header as { value, params }.
  const contentType = mail.headers.get('content-type') as { value?: string; params?: Record<string, string> } | undefined;
  const reportType = contentType?.value === 'multipart/report' ? (contentType.params?.['report-type'] ?? '').toLowerCase() : null;

  if (reportType === 'feedback-report') {
    const part = partText(mail, 'message/feedback-report');
    const fields = part ? parseHeaderBlocks(part)[0] : undefined;
    const feedbackType = (fields?.get('feedback-type') ?? 'abuse').toLowerCase();
    if (feedbackType !== 'abuse' && feedbackType !== 'fraud') return { kind: 'ignored', reason: 'feedback_not_abuse' };
    const rcpt = fields?.get('original-rcpt-to') ?? fields?.get('removal-recipient') ?? null;
    return { kind: 'complaint', feedbackType, recipient: rcpt ? addressOf(rcpt) : null, ...ref };
  }

  const status = reportType === 'delivery-status' ? partText(mail, 'message/delivery-status') : null;
  if (status) {
    const recipients = recipientsOfDeliveryStatus(status);
    if (recipients.length > 0) return { kind: 'dsn', machineReadable: true, recipients, ...ref };
  }

  if (status || looksLikeBounce(mail)) {
    const recipient = recipientOfText(mail, options.verpLocalPart ?? 'bounces');
    const text = mail.text ?? '';
    const enhanced = enhancedCodeIn(text);
    const smtp = smtpCodeIn(text);
    const diagnostic = diagnosticLineOf(text, smtp);
    return {
      kind: 'dsn',
      machineReadable: false,
      recipients: [
        {
          recipient,
          originalRecipient: null,
          action: 'failed',
          status: enhanced,
          diagnosticCode: diagnostic,
          classification: classifyFailure(enhanced ?? smtp, `${diagnostic ?? ''}\n${text}`),
        },
      ],
      ...ref,
    };
  }

  if (isAutoreply(mail)) return { kind: 'ignored', reason: 'autoreply' };
  return { kind: 'ignored', reason: 'not_a_report' };
}

/**
 * How a failure counts: class 5 is permanent (a hard bounce) except a full mailbox (X.2.2, often
 * sent as 5.2.2) and policy refusals (5.7.x: blocked as spam or by reputation, which says nothing
 * against the address); class 4 is transient (soft). A bare SMTP code (a report without an
 * enhanced one) counts by its first digit the same way. Without any code the text decides, and a
 * failure that says nothing counts as soft: one unreadable report must not suppress anybody.
 */
export function classifyFailure(code: string | null, text = ''): 'hard' | 'soft' {
  if (/\b(?:quota|mailbox (?:is )?full|over ?quota|insufficient (?:system )?storage|boîte pleine)\b/i.test(text)) return 'soft';
  if (!code) return 'soft';
  // A bare SMTP reply code (RFC 5321): 552 is "exceeded storage allocation", a full mailbox.
  if (/^\d{3}$/.test(code)) return code.startsWith('5') && code !== '552' ? 'hard' : 'soft';
  const [klass, subject] = code.split('.');
  if (klass === '4') return 'soft';
  if (klass === '5') {
    if (code.startsWith('5.2.2') || subject === '7') return 'soft';
    return 'hard';
  }
  return 'soft';
}

/** Classifies one DSN recipient block from its action and status. */
export function classifyRecipient(action: DsnAction, status: string | null, diagnostic: string | null): DeliveryClass {
  if (action === 'delivered' || action === 'relayed' || action === 'expanded') return 'delivered';
  if (action === 'delayed') return 'delayed';
  return classifyFailure(status ?? (diagnostic ? (enhancedCodeIn(diagnostic) ?? smtpCodeIn(diagnostic)) : null), diagnostic ?? '');
}

/** The per-recipient blocks of a message/delivery-status body (RFC 3464 §2.3). */
export function recipientsOfDeliveryStatus(body: string): RecipientStatus[] {
  const blocks = parseHeaderBlocks(body);
  const out: RecipientStatus[] = [];
  for (const fields of blocks) {
    const action = fields.get('action')?.toLowerCase().trim();
    const final = fields.get('final-recipient');
    if (!action || !isAction(action)) continue;
    const original = fields.get('original-recipient');
    const statusField = fields.get('status')?.match(/[245]\.\d{1,3}\.\d{1,3}/)?.[0] ?? null;
    const diagnostic = fields.get('diagnostic-code');
    const diagnosticCode = diagnostic ? withoutTypePrefix(diagnostic) : null;
    out.push({
      recipient: final ? addressOf(final) : original ? addressOf(original) : null,
      originalRecipient: original ? addressOf(original) : null,
      action,
      status: statusField,
      diagnosticCode,
      classification: classifyRecipient(action, statusField, diagnosticCode),
    });
  }
  return out;
}

function isAction(value: string): value is DsnAction {
  return value === 'failed' || value === 'delayed' || value === 'delivered' || value === 'relayed' || value === 'expanded';
}

/**
 * Header-style blocks separated by blank lines, field names lower-cased, folded lines unfolded
 * (RFC 3464 writes the per-message and per-recipient fields this way; so does RFC 5965).
 */
export function parseHeaderBlocks(body: string): Map<string, string>[] {
  const blocks: Map<string, string>[] = [];
  let current = new Map<string, string>();
  let last: string | null = null;
  for (const line of body.replace(/\r\n?/g, '\n').split('\n')) {
    if (line.trim() === '') {
      if (current.size > 0) blocks.push(current);
      current = new Map();
      last = null;
      continue;
    }
    if (/^[ \t]/.test(line) && last) {
      current.set(last, `${current.get(last)} ${line.trim()}`);
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    last = line.slice(0, colon).trim().toLowerCase();
    // The first occurrence wins; a repeated field is unusual and the first is the report's.
    if (!current.has(last)) current.set(last, line.slice(colon + 1).trim());
    else last = null;
  }
  if (current.size > 0) blocks.push(current);
  return blocks;
}

/** "rfc822; a@b" → "a@b"; "smtp; 550 …" → "550 …". */
function withoutTypePrefix(value: string): string {
  const semi = value.indexOf(';');
  return (semi >= 0 && semi < 20 ? value.slice(semi + 1) : value).trim();
}

function addressOf(value: string): string | null {
  const bare = withoutTypePrefix(value).replace(/^<|>$/g, '').trim();
  return /^[^\s@<>]+@[^\s@<>]+$/.test(bare) ? bare.toLowerCase() : null;
}

function partText(mail: ParsedMail, contentType: string): string | null {
  const part = mail.attachments.find((a) => a.contentType === contentType);
  return part ? part.content.toString('utf8') : null;
}

const ENHANCED = /(?<![\d.])([245])\.(\d{1,3})\.(\d{1,3})(?![\d.])/;

/** The first RFC 3463 code in a text ("5.1.1"), IP addresses aside. */
export function enhancedCodeIn(text: string): string | null {
  const m = ENHANCED.exec(text);
  return m && m[1] !== '2' ? `${m[1]}.${m[2]}.${m[3]}` : null;
}

/** The first SMTP reply code of a failure in a text, where bounces write it ("said: 550", "<<< 552", a line's start). */
export function smtpCodeIn(text: string): string | null {
  const m = /(?:said:|reason:|<<<|^|\()\s*([45]\d\d)[ -]/im.exec(text);
  return m?.[1] ?? null;
}

function diagnosticLineOf(text: string, smtp: string | null): string | null {
  if (!smtp) return null;
  const line = text.split('\n').find((l) => new RegExp(`(?:^|[\\s:(<])${smtp}[ -]`).test(l));
  return line ? line.trim().slice(0, 500) : null;
}

function headerText(mail: ParsedMail, name: string): string {
  const value = mail.headers.get(name);
  if (value == null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'object' && 'text' in value && typeof value.text === 'string') return value.text;
  if (typeof value === 'object' && 'value' in value) return String(value.value);
  return String(value);
}

function looksLikeBounce(mail: ParsedMail): boolean {
  const from = headerText(mail, 'from');
  const subject = mail.subject ?? '';
  return (
    /mailer-daemon|postmaster|mail delivery (?:system|subsystem)/i.test(from) ||
    /undeliver|returned mail|failure notice|delivery (?:status notification|failure|has failed)|mail delivery failed|non remis|échec de (?:la )?remise/i.test(
      subject,
    )
  );
}

function isAutoreply(mail: ParsedMail): boolean {
  const auto = headerText(mail, 'auto-submitted').toLowerCase();
  if (auto && auto !== 'no') return true;
  if (mail.headers.has('x-autoreply') || mail.headers.has('x-autorespond')) return true;
  if (/auto[_-]?reply/i.test(headerText(mail, 'precedence'))) return true;
  return /^(?:auto(?:matic)?[ -]?reply|out of (?:the )?office|absent|réponse automatique|absence)/i.test(mail.subject ?? '');
}

const ADDRESS = /<?([A-Za-z0-9._%+'-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,})>?/g;

/** The failed recipient of a report without a machine-readable part: X-Failed-Recipients, else the first address the text names that is not ours nor the reporter's. */
function recipientOfText(mail: ParsedMail, verpLocalPart: string): string | null {
  const failed = headerText(mail, 'x-failed-recipients').split(',')[0]?.trim();
  if (failed && addressOf(failed)) return addressOf(failed);
  const reporter = headerText(mail, 'from').toLowerCase();
  const body = (mail.text ?? '').split(/^--- Below this line|^\s*-+ ?(?:Original message|Copy of the message)/im)[0] ?? '';
  for (const m of body.matchAll(ADDRESS)) {
    const address = (m[1] ?? '').toLowerCase();
    if (address.startsWith(`${verpLocalPart.toLowerCase()}+`)) continue;
    if (/^(?:mailer-daemon|postmaster)@/.test(address) || reporter.includes(address)) continue;
    return address;
  }
  return null;
}

/**
 * The VERP token (from the report's own headers — To, Delivered-To, X-Original-To, Envelope-To —
 * or anywhere in the message: Postfix names the sender, returned headers carry Return-Path), and
 * the original Message-ID (from the returned message or its headers, else the report's
 * In-Reply-To / References, which Exchange and Gmail set). The token is only read here: its
 * signature is checked by whoever resolves it.
 */
function originalRefOf(mail: ParsedMail, source: string, verpLocalPart: string): OriginalMessageRef {
  const token = tokenIn(recipientHeaders(mail), verpLocalPart) ?? tokenIn(source, verpLocalPart);

  let messageId: string | null = null;
  for (const part of mail.attachments) {
    if (part.contentType !== 'message/rfc822' && part.contentType !== 'text/rfc822-headers') continue;
    messageId = messageIdIn(part.content.toString('utf8'));
    if (messageId) break;
  }
  if (!messageId) {
    // A returned message shown inline (ARF parts are often `Content-Disposition: inline`) or
    // pasted below the text (qmail): any Message-ID header after the report's own headers.
    const bodyStart = source.search(/\r?\n\r?\n/);
    messageId = bodyStart >= 0 ? messageIdIn(source.slice(bodyStart)) : null;
  }
  if (!messageId) {
    const status = partText(mail, 'message/delivery-status');
    const original = status ? /^X-Original-Message-ID:\s*(<[^>\s]+>)/im.exec(status)?.[1] : undefined;
    messageId = original ?? firstMessageId(headerText(mail, 'in-reply-to')) ?? firstMessageId(headerText(mail, 'references'));
  }
  return { verpToken: token, messageId };
}

/** The headers naming where the message was delivered: To, Delivered-To, X-Original-To, Envelope-To. */
function recipientHeaders(mail: ParsedMail): string {
  return ['to', 'delivered-to', 'x-original-to', 'envelope-to'].map((h) => headerText(mail, h)).join('\n');
}

/** The token of the first `<local>+<token>@` address in a text. */
function tokenIn(text: string, localPart: string): string | null {
  const local = localPart.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(?:^|[\\s<:;,])${local}\\+([A-Za-z0-9_=.-]+)@`, 'im').exec(text)?.[1] ?? null;
}

function messageIdIn(text: string): string | null {
  return /^Message-ID:[ \t]*(<[^>\s]+>)/im.exec(text)?.[1] ?? null;
}

function firstMessageId(value: string): string | null {
  return /<[^>\s]+>/.exec(value)?.[0] ?? null;
}
