// An audit event told as a person reads it: who did it (a member by name), to whom or what (a member,
// a person with a link to their page, a token, a segment, an import's file) and what it means, in
// a sentence made from its details — never an id, a code or raw JSON.
import type { Formatters } from '../../i18n/format.ts';
import type { Locale } from '../../i18n/locale-context.tsx';
import { interpolate } from '../../i18n/use-t.ts';
import { formatDay } from '../calendar/format.ts';
import { channelNames } from '../people/messages.ts';
import { roleLabels } from '../team/messages.ts';
import type { AuditEvent } from './api.ts';
import { auditMessages } from './messages.ts';

export interface DescribedEvent {
  actor: string;
  target: { kind: string; name: string; href: string | null } | null;
  /** One or more sentences; empty when the event has nothing more to say. */
  sentences: string[];
}

type Details = Record<string, unknown>;

const TARGET_KINDS = {
  staff_user: 'targetStaff',
  person: 'targetPerson',
  api_token: 'targetToken',
  segment: 'targetSegment',
  import: 'targetImport',
  people: 'targetPeople',
} as const;

const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
const text = (v: unknown): string => (typeof v === 'string' ? v : '');
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

/** Describes an event in the reader's language; `scopeLabel` names a token permission. */
export function describeEvent(
  event: AuditEvent,
  options: { locale: Locale; fmt: Formatters; scopeLabel?: (id: string) => string },
): DescribedEvent {
  const { locale, fmt } = options;
  const messages: Record<string, string> = auditMessages[locale];
  const plural = new Intl.PluralRules(locale === 'fr' ? 'fr-FR' : 'en-GB');
  const say = (key: string, vars: Record<string, string | number> = {}) => {
    const count = vars.count;
    const variant = typeof count === 'number' ? messages[`${key}_${plural.select(count)}`] : undefined;
    const shown = Object.fromEntries(Object.entries(vars).map(([k, v]) => [k, typeof v === 'number' ? fmt.number(v) : v]));
    return interpolate(variant ?? messages[key] ?? key, shown, locale);
  };
  const role = (r: unknown) => roleLabels[locale][text(r) as keyof (typeof roleLabels)['fr']] ?? text(r);
  const d = (event.details ?? {}) as Details;

  const actor =
    event.actor_name ?? (event.actor_label === 'retention policy' ? say('retentionPolicy') : event.actor_label || say('system'));

  let target: DescribedEvent['target'] = null;
  // A sign-in or a password event is about its own actor: naming them twice says nothing.
  const aboutActor = event.action.startsWith('auth.') && event.target_type === 'staff_user';
  if (event.target_type && !aboutActor) {
    const kindKey = TARGET_KINDS[event.target_type as keyof typeof TARGET_KINDS];
    const kind = kindKey ? say(kindKey) : event.target_type;
    let name = event.target_name ?? '';
    if (!name && event.target_type === 'staff_user') name = text(d.email);
    if (!name && event.target_type === 'api_token') name = text(d.name);
    if (!name && event.target_type === 'import') name = text(d.file);
    if (!name && event.target_type === 'person') name = say('targetErased');
    const href = event.target_type === 'person' && event.target_name && event.target_id ? `/people/${event.target_id}` : null;
    target = { kind, name: name && event.target_type !== 'person' ? say('quoted', { name }) : name, href };
  }

  const sentences: string[] = [];
  switch (event.action) {
    case 'people.imported': {
      sentences.push(
        say('detImported', {
          file: say('quoted', { name: text(d.file) }),
          rows: num(d.rows),
          created: num(d.created),
          updated: num(d.updated),
          skipped: num(d.skipped),
          rejected: num(d.rejected),
        }),
      );
      const channels = list(d.consent_channels).map((c) => channelNames[locale][text(c) as 'email'] ?? text(c));
      if (channels.length) sentences.push(say('detImportedConsent', { channels: fmt.list(channels) }));
      break;
    }
    case 'people.exported':
      sentences.push(say(d.zone_scope ? 'detExportedScoped' : 'detExported', { count: num(d.row_count) }));
      break;
    case 'member.added': {
      const zones = list(d.zone_ids).length;
      sentences.push(
        zones ? say('detMemberAddedZones', { role: role(d.role), count: zones }) : say('detMemberAdded', { role: role(d.role) }),
      );
      break;
    }
    case 'member.role_changed': {
      const from = (d.from ?? {}) as Details;
      const to = (d.to ?? {}) as Details;
      if (from.role !== to.role) sentences.push(say('detRoleChanged', { from: role(from.role), to: role(to.role) }));
      if (list(from.zone_ids).length !== list(to.zone_ids).length || from.role === to.role) {
        sentences.push(say('detZonesChanged', { from: list(from.zone_ids).length, to: list(to.zone_ids).length }));
      }
      break;
    }
    case 'member.removed':
      sentences.push(say('detMemberRemoved', { role: role(d.role) }));
      break;
    case 'token.created': {
      const scopes = list(d.scopes).map((s) => options.scopeLabel?.(text(s)) ?? text(s));
      if (scopes.length) sentences.push(say('detTokenCreated', { scopes: fmt.list(scopes) }));
      break;
    }
    case 'token.revoked':
      if (!event.target_name && d.name) sentences.push(say('detTokenRevoked', { name: text(d.name) }));
      break;
    case 'auth.login_failed':
    case 'auth.locked':
      if (d.failed_logins !== undefined) sentences.push(say('detLoginFailed', { count: num(d.failed_logins) }));
      break;
    case 'person.erased':
      sentences.push(d.reason === 'retention' ? say('detErasedRetention', { months: num(d.months) }) : say('detErasedRequest'));
      break;
    case 'people.retention':
      sentences.push(say('detRetention', { count: num(d.anonymized), months: num(d.months) }));
      break;
    case 'calendar.election_set':
      sentences.push(say('detElection', { name: text(d.name) }));
      break;
    case 'calendar.round_added':
    case 'calendar.round_updated':
      sentences.push(say('detRound', { date: formatDay(text(d.date), locale), time: text(d.polls_close), zone: text(d.time_zone) }));
      break;
    case 'calendar.round_removed':
      sentences.push(say('detRoundRemoved', { date: formatDay(text(d.date), locale) }));
      break;
    default:
      // An action this screen does not know yet: its details as "key: value" lines, values written out.
      for (const [key, value] of Object.entries(d)) {
        const shown =
          typeof value === 'number'
            ? fmt.number(value)
            : Array.isArray(value)
              ? fmt.list(value.map(String))
              : typeof value === 'object' && value !== null
                ? Object.entries(value as Details)
                    .map(([k, v]) => `${k} ${String(v)}`)
                    .join(', ')
                : String(value);
        sentences.push(say('detOther', { key: key.replace(/_/g, ' '), value: shown }));
      }
  }
  return { actor, target, sentences };
}
