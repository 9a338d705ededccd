// The DNS records a campaign publishes for its mail to pass the big mailbox providers' rules (Gmail
// and Yahoo since 2024, Microsoft since 2025: SPF and DKIM aligned with the From domain, a DMARC
// policy), and their check against DNS as it answers: each record present, missing or wrong.
import { createPrivateKey, createPublicKey } from 'node:crypto';
import { Resolver } from 'node:dns/promises';
import type { DnsConfig, MailingConfig } from '../../../config.ts';
import type { DeliverabilitySettings } from './deliverability.service.ts';

export type RecordKind = 'spf' | 'dkim' | 'dmarc';
export type RecordStatus = 'present' | 'missing' | 'wrong' | 'unreachable' | 'not_configured';

/** A TXT record to publish: where, and what. */
export interface ExpectedRecord {
  kind: RecordKind;
  /** The full name (e.g. _dmarc.campagne.fr). */
  name: string;
  type: 'TXT';
  /** The value to publish; null when the deployment has nothing to publish (no DKIM key). */
  value: string | null;
}

export interface RecordCheck extends ExpectedRecord {
  status: RecordStatus;
  /** What DNS answers at that name for this kind of record (joined strings). */
  found: string[];
  /** Why it is wrong or unreachable, in a code the screens translate. */
  problem: string | null;
}

export interface Alignment {
  from_domain: string;
  /** The envelope sender's domain (VERP return path), which SPF checks. */
  return_path_domain: string;
  spf_aligned: boolean;
  /** The DKIM signature's d= domain; null when mail is not signed. */
  dkim_domain: string | null;
  dkim_aligned: boolean;
}

/**
 * The organisational domain, for DMARC's relaxed alignment: the last two labels. (Without the Public
 * Suffix List a From domain under a two-label suffix such as co.uk would be judged too loosely.)
 */
export function organisationalDomain(domain: string): string {
  return domain.toLowerCase().replace(/\.$/, '').split('.').slice(-2).join('.');
}

/** The DKIM record's p= (and k=) from the configured private key. */
export function dkimPublicValue(privateKeyPem: string): string {
  const key = createPublicKey(createPrivateKey(privateKeyPem));
  if (key.asymmetricKeyType === 'ed25519') {
    // RFC 8463: the raw 32-byte public key, which ends the SPKI encoding.
    const der = key.export({ type: 'spki', format: 'der' });
    return `v=DKIM1; k=ed25519; p=${der.subarray(der.length - 32).toString('base64')}`;
  }
  return `v=DKIM1; k=rsa; p=${key.export({ type: 'spki', format: 'der' }).toString('base64')}`;
}

/** The SPF record the return-path domain should publish. */
export function spfValue(s: Pick<DeliverabilitySettings, 'spf_includes' | 'spf_ips'>): string {
  const ips = s.spf_ips.map((ip) => (ip.includes(':') ? `ip6:${ip}` : `ip4:${ip}`));
  return ['v=spf1', ...s.spf_includes.map((d) => `include:${d}`), ...ips, '~all'].join(' ');
}

/** The DMARC record of the From domain. */
export function dmarcValue(s: Pick<DeliverabilitySettings, 'dmarc_policy' | 'dmarc_report_address'>): string {
  return `v=DMARC1; p=${s.dmarc_policy}${s.dmarc_report_address ? `; rua=mailto:${s.dmarc_report_address}` : ''}`;
}

const domainOfAddress = (address: string) => address.slice(address.lastIndexOf('@') + 1).toLowerCase();

/** The records to publish for the deployment's From domain and the campaign's settings. */
export function expectedRecords(mailing: MailingConfig, s: DeliverabilitySettings): { records: ExpectedRecord[]; alignment: Alignment } {
  const fromDomain = domainOfAddress(mailing.fromAddress);
  const returnPathDomain = mailing.bounceDomain || fromDomain;
  const dkim = mailing.dkim;
  const records: ExpectedRecord[] = [
    { kind: 'spf', name: returnPathDomain, type: 'TXT', value: spfValue(s) },
    {
      kind: 'dkim',
      name: dkim ? `${dkim.keySelector}._domainkey.${dkim.domainName}` : `_domainkey.${fromDomain}`,
      type: 'TXT',
      value: dkim ? dkimPublicValue(dkim.privateKey) : null,
    },
    { kind: 'dmarc', name: `_dmarc.${fromDomain}`, type: 'TXT', value: dmarcValue(s) },
  ];
  const org = organisationalDomain(fromDomain);
  return {
    records,
    alignment: {
      from_domain: fromDomain,
      return_path_domain: returnPathDomain,
      spf_aligned: organisationalDomain(returnPathDomain) === org,
      dkim_domain: dkim?.domainName ?? null,
      dkim_aligned: dkim ? organisationalDomain(dkim.domainName) === org : false,
    },
  };
}

/** The tags of a DKIM or DMARC record (`k=v; k=v`), names lower-case, spaces removed from values. */
export function tagsOf(value: string): Map<string, string> {
  const tags = new Map<string, string>();
  for (const part of value.split(';')) {
    const at = part.indexOf('=');
    if (at < 0) continue;
    tags.set(part.slice(0, at).trim().toLowerCase(), part.slice(at + 1).replace(/\s+/g, ''));
  }
  return tags;
}

/** Judges what DNS answered for one record. */
export function judge(expected: ExpectedRecord, found: string[]): Pick<RecordCheck, 'status' | 'problem'> {
  if (expected.kind === 'spf') {
    const spf = found.filter((t) => /^v=spf1(\s|$)/i.test(t.trim()));
    if (spf.length === 0) return { status: 'missing', problem: null };
    // RFC 7208 §4.5: more than one SPF record is a permanent error.
    if (spf.length > 1) return { status: 'wrong', problem: 'spf_several' };
    const terms = new Set((spf[0] as string).toLowerCase().split(/\s+/));
    const wanted = (expected.value ?? '')
      .toLowerCase()
      .split(/\s+/)
      .filter((t) => /^(include|ip4|ip6):/.test(t));
    if (wanted.some((t) => !terms.has(t) && !terms.has(`+${t}`))) return { status: 'wrong', problem: 'spf_mechanism_missing' };
    return { status: 'present', problem: null };
  }
  if (expected.kind === 'dkim') {
    if (expected.value === null) return { status: 'not_configured', problem: null };
    const records = found.filter((t) => tagsOf(t).has('p'));
    if (records.length === 0) return { status: 'missing', problem: null };
    const want = tagsOf(expected.value).get('p');
    if (!records.some((t) => tagsOf(t).get('p') === want)) return { status: 'wrong', problem: 'dkim_key_differs' };
    return { status: 'present', problem: null };
  }
  const dmarc = found.filter((t) => /^v\s*=\s*DMARC1\s*(;|$)/i.test(t.trim()));
  if (dmarc.length === 0) return { status: 'missing', problem: null };
  if (dmarc.length > 1) return { status: 'wrong', problem: 'dmarc_several' };
  const policy = tagsOf(dmarc[0] as string)
    .get('p')
    ?.toLowerCase();
  if (policy !== 'none' && policy !== 'quarantine' && policy !== 'reject') return { status: 'wrong', problem: 'dmarc_policy_invalid' };
  return { status: 'present', problem: null };
}

const ABSENT = new Set(['ENODATA', 'ENOTFOUND']);

/** Asks DNS for each record (servers and timeout from MAILING_DNS_*) and judges the answers. */
export async function checkRecords(dns: DnsConfig, records: readonly ExpectedRecord[]): Promise<RecordCheck[]> {
  const resolver = new Resolver({ timeout: dns.timeoutMs, tries: 1 });
  if (dns.servers.length > 0) resolver.setServers([...dns.servers]);
  try {
    return await Promise.all(
      records.map(async (record): Promise<RecordCheck> => {
        if (record.value === null) return { ...record, status: 'not_configured', found: [], problem: null };
        let found: string[];
        try {
          found = (await resolver.resolveTxt(record.name)).map((chunks) => chunks.join(''));
        } catch (error) {
          const code = (error as { code?: string }).code ?? '';
          if (ABSENT.has(code)) found = [];
          else return { ...record, status: 'unreachable', found: [], problem: code.toLowerCase() || 'dns_error' };
        }
        const relevant = found.filter((t) =>
          record.kind === 'spf' ? /^v=spf1/i.test(t.trim()) : record.kind === 'dmarc' ? /^v\s*=\s*DMARC1/i.test(t.trim()) : true,
        );
        return { ...record, found: relevant, ...judge(record, found) };
      }),
    );
  } finally {
    resolver.cancel();
  }
}
