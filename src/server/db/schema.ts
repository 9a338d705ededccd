// Kysely table types. Kept in step with db/migrations by hand; db/safety.test.ts compares them with the migrated database.
import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';
import type { ConsentChannel, ConsentStatus, ElectionKind, EmailTopic, LadderStage, RuleStage } from '../../shared/enums.ts';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type Json<T = Record<string, unknown>> = ColumnType<T, T | string | undefined, T | string>;

export const ROLES = ['owner', 'admin', 'organizer', 'referent', 'community_manager', 'moderator', 'candidate', 'volunteer'] as const;
export type Role = (typeof ROLES)[number];

// The shared enumerations, re-exported where the table types have always been imported from.
export { CONSENT_CHANNELS, type ConsentChannel, LADDER_STAGES, type LadderStage } from '../../shared/enums.ts';

export type JobState = 'queued' | 'running' | 'succeeded' | 'failed';

export interface CampaignTable {
  id: string;
  slug: string;
  name: string;
  city: ColumnType<string, string | undefined, string>;
  election_date: ColumnType<string | null, string | null | undefined, string | null>;
  locale: ColumnType<'fr' | 'en', 'fr' | 'en' | undefined, 'fr' | 'en'>;
  settings: Json;
  created_at: Generated<Date>;
}

export interface StaffUserTable {
  id: string;
  email: string;
  display_name: string;
  password_hash: string;
  locale: ColumnType<'fr' | 'en', 'fr' | 'en' | undefined, 'fr' | 'en'>;
  disabled_at: Timestamp | null;
  created_at: Generated<Date>;
  password_changed_at: Generated<Date>;
}

export interface MembershipTable {
  campaign_id: string;
  user_id: string;
  role: Role;
  zone_ids: ColumnType<string[], string[] | undefined, string[]>;
  /** The name the campaign's admin typed when adding the member (NULL: the account's own). */
  display_name: ColumnType<string | null, string | null | undefined, string | null>;
  created_at: Generated<Date>;
}

export interface SessionTable {
  id: string;
  token_hash: Buffer;
  user_id: string;
  campaign_id: string | null;
  csrf_token: string;
  ip: string | null;
  user_agent: string | null;
  created_at: Generated<Date>;
  last_seen_at: Generated<Date>;
  expires_at: Timestamp;
}

/** Failed sign-ins of one e-mail from one client address (migration identity_hardening). */
export interface LoginThrottleTable {
  email: string;
  client: string;
  failures: number;
  expires_at: Timestamp;
  locked_until: Timestamp | null;
}

export interface PasswordResetTable {
  token_hash: Buffer;
  user_id: string;
  created_at: Generated<Date>;
  expires_at: Timestamp;
  used_at: Timestamp | null;
}

export interface ApiTokenTable {
  campaign_id: string;
  id: string;
  name: string;
  token_hash: Buffer;
  prefix: string;
  scopes: string[];
  zone_ids: ColumnType<string[], string[] | undefined, string[]>;
  created_by: string | null;
  created_at: Generated<Date>;
  last_used_at: Timestamp | null;
  expires_at: Timestamp | null;
  revoked_at: Timestamp | null;
  application: Generated<string>;
  description: Generated<string>;
  rate_limit_per_minute: number | null;
}

export interface AuditEventTable {
  campaign_id: string;
  id: string;
  at: Generated<Date>;
  action: string;
  actor_user_id: string | null;
  actor_token_id: string | null;
  actor_label: Generated<string>;
  target_type: string | null;
  target_id: string | null;
  ip: string | null;
  details: Json;
}

export interface JobRunTable {
  campaign_id: string;
  id: string;
  kind: string;
  state: ColumnType<JobState, JobState | undefined, JobState>;
  done: ColumnType<string, number | undefined, number>;
  total: ColumnType<string | null, number | null | undefined, number | null>;
  message: Generated<string>;
  params: Json;
  result: Json<unknown> | null;
  error: string | null;
  created_by: string | null;
  created_at: Generated<Date>;
  started_at: Timestamp | null;
  finished_at: Timestamp | null;
  /** Last sign of life of the process running it (jobs/queue.ts). */
  heartbeat_at: Timestamp | null;
}

export interface DevOutboxTable {
  id: string;
  campaign_id: string | null;
  to_address: string;
  subject: string;
  text_body: string;
  html_body: string | null;
  created_at: Generated<Date>;
}

export interface ZoneLayerTable {
  campaign_id: string;
  id: string;
  code: string;
  name: string;
  source: Generated<string>;
  licence: Generated<string>;
  position: Generated<number>;
  created_at: Generated<Date>;
}

export interface ZoneTable {
  campaign_id: string;
  id: string;
  layer_id: string;
  code: string;
  name: string;
  parent_id: string | null;
  geometry: Json<unknown>;
  bbox: number[];
  centroid: number[];
  properties: Json;
}

export interface ZoneIndicatorTable {
  campaign_id: string;
  zone_id: string;
  name: string;
  year: Generated<number>;
  value: number;
  source: Generated<string>;
}

export interface ElectionResultTable {
  campaign_id: string;
  election: string;
  round: number;
  zone_id: string;
  candidate: string;
  nuance: Generated<string>;
  votes: number;
  registered: number;
  expressed: number;
  /** Voters of the station(s), when the file gives them (turnout); migration 0021. */
  voters: number | null;
}

export interface ElectionTable {
  campaign_id: string;
  code: string;
  round: number;
  label: string;
  layer_id: string | null;
  imported_at: Generated<Date>;
}

/** zone_id's inside point lies in container_id, a zone of another layer (territory/zone-cover.ts). */
export interface ZoneCoverTable {
  campaign_id: string;
  zone_id: string;
  container_id: string;
}

/** Values of one metric for every zone of a layer, emptied by every territory import. */
export interface ZoneMetricCacheTable {
  campaign_id: string;
  layer_id: string;
  metric: string;
  payload: Json<unknown>;
  created_at: Generated<Date>;
}

export interface AddressTable {
  campaign_id: string;
  id: string;
  number: Generated<string>;
  street: string;
  postcode: Generated<string>;
  city_code: Generated<string>;
  city: Generated<string>;
  lon: number;
  lat: number;
  /** Zones containing the address (all layers); null until computed (see territory/locate-addresses.ts). */
  zone_ids: ColumnType<string[] | null, string[] | null | undefined, string[] | null>;
  /** Normalised number and street the geocoder matches on (generated, migration 0003). */
  match_number: ColumnType<string | null, never, never>;
  match_street: ColumnType<string | null, never, never>;
}

export interface PersonTable {
  campaign_id: string;
  id: string;
  given_name: Generated<string>;
  family_name: Generated<string>;
  email: string | null;
  phone: string | null;
  address_id: string | null;
  street_address: Generated<string>;
  postcode: Generated<string>;
  locality: Generated<string>;
  lon: number | null;
  lat: number | null;
  zone_ids: ColumnType<string[], string[] | undefined, string[]>;
  ladder_stage: ColumnType<LadderStage, LadderStage | undefined, LadderStage>;
  source: Generated<string>;
  created_at: Generated<Date>;
  modified_at: Generated<Date>;
  additional_name: Generated<string>;
  emails: ColumnType<string[], string[] | undefined, string[]>;
  phones: ColumnType<string[], string[] | undefined, string[]>;
  region: Generated<string>;
  country: Generated<string>;
  birthdate: ColumnType<string | null, string | null | undefined, string | null>;
  gender: ColumnType<string | null, string | null | undefined, string | null>;
  languages_spoken: ColumnType<string[], string[] | undefined, string[]>;
  custom_fields: Json<Record<string, unknown>>;
  consent_email: Generated<boolean>;
  consent_sms: Generated<boolean>;
  consent_phone: Generated<boolean>;
  consent_post: Generated<boolean>;
  last_consent_at: Timestamp | null;
  /** The e-mail topics whose latest ledger entry is a withdrawal (migration 0033; a cache, as consent_*). */
  email_topics_withdrawn: ColumnType<EmailTopic[], EmailTopic[] | undefined, EmailTopic[]>;
  ladder_changed_at: Timestamp | null;
  anonymized_at: Timestamp | null;
  merged_into: string | null;
  /** Generated by the database: names, e-mails and phones, lower-case, without accents. */
  search_text: ColumnType<string | null, never, never>;
  /** Identifiers other systems gave the person (OSDI `foreign_system:1`). */
  identifiers: ColumnType<string[], string[] | undefined, string[]>;
  /** The system the person came from (OSDI `origin_system`), '' when created here. */
  origin_system: Generated<string>;
}

export const CUSTOM_FIELD_TYPES = ['text', 'number', 'date', 'choice'] as const;
export type CustomFieldType = (typeof CUSTOM_FIELD_TYPES)[number];

export interface TagTable {
  campaign_id: string;
  id: string;
  name: string;
  description: Generated<string>;
  created_at: Generated<Date>;
  identifiers: ColumnType<string[], string[] | undefined, string[]>;
  origin_system: Generated<string>;
  modified_at: Generated<Date>;
}

export interface TaggingTable {
  campaign_id: string;
  tag_id: string;
  person_id: string;
  created_at: Generated<Date>;
}

export interface ListTable {
  campaign_id: string;
  id: string;
  name: string;
  description: Generated<string>;
  created_at: Generated<Date>;
  identifiers: ColumnType<string[], string[] | undefined, string[]>;
  origin_system: Generated<string>;
  modified_at: Generated<Date>;
}

export interface ListMemberTable {
  campaign_id: string;
  list_id: string;
  person_id: string;
  added_at: Generated<Date>;
}

export interface CustomFieldTable {
  campaign_id: string;
  id: string;
  key: string;
  label: string;
  type: CustomFieldType;
  choices: ColumnType<string[], string[] | undefined, string[]>;
  position: Generated<number>;
  created_at: Generated<Date>;
}

export interface ActivityTable {
  campaign_id: string;
  id: string;
  person_id: string;
  at: Generated<Date>;
  type: string;
  ref_type: string | null;
  ref_id: string | null;
  data: Json<Record<string, unknown>>;
  actor_label: Generated<string>;
}

export interface LadderStageTable {
  campaign_id: string;
  stage: LadderStage;
  label_fr: string;
  label_en: string;
  position: number;
}

export interface LadderCondition {
  type: string;
  min_count: number;
}

export interface LadderRuleTable {
  campaign_id: string;
  id: string;
  to_stage: RuleStage;
  conditions: Json<LadderCondition[]>;
  description: Generated<string>;
  enabled: Generated<boolean>;
}

export interface LadderMoveTable {
  campaign_id: string;
  id: string;
  person_id: string;
  at: Generated<Date>;
  from_stage: LadderStage | null;
  to_stage: LadderStage;
  reason: Generated<string>;
  rule_id: string | null;
  actor_label: Generated<string>;
}

export interface ConsentTable {
  campaign_id: string;
  id: string;
  person_id: string;
  channel: ConsentChannel;
  /** An e-mail topic, or null for the channel as a whole (migration 0033). */
  topic: ColumnType<EmailTopic | null, EmailTopic | null | undefined, EmailTopic | null>;
  status: ConsentStatus;
  at: Generated<Date>;
  source: string;
  proof: Json<Record<string, unknown>>;
  actor_label: Generated<string>;
}

export interface DomainEventTable {
  campaign_id: string;
  id: string;
  /** The writing transaction (xid8, read as text). */
  txid: ColumnType<string, never, never>;
  type: string;
  person_id: string | null;
  payload: Json<Record<string, unknown>>;
  actor_label: Generated<string>;
  at: Generated<Date>;
}

export interface DomainEventCursorTable {
  subscriber: string;
  last_txid: ColumnType<string, string, string>;
  last_id: string;
  attempts: Generated<number>;
  last_error: string | null;
  retry_at: Timestamp | null;
  updated_at: Generated<Date>;
}

export interface SegmentTable {
  campaign_id: string;
  id: string;
  name: string;
  definition: Json<unknown>;
  created_by: string | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface ImportMappingTable {
  campaign_id: string;
  header_key: string;
  mapping: Json<Record<string, unknown>>;
  updated_at: Generated<Date>;
}

export interface PeopleImportTable {
  campaign_id: string;
  id: string;
  file_name: string;
  source_key: string;
  rejected_key: string | null;
  layout: Json<{ format: 'csv' | 'xlsx'; encoding: 'utf-8' | 'utf-16le' | 'windows-1252' | null; delimiter: string | null }>;
  headers: Json<string[]>;
  size: ColumnType<string, number, number>;
  row_count_estimate: number | null;
  uploaded_at: Generated<Date>;
  uploaded_by_user_id: string | null;
  uploaded_by_token_id: string | null;
  uploaded_by_label: string;
  scoped: boolean;
  started_at: Timestamp | null;
  job_id: string | null;
  source_purged_at: Timestamp | null;
  rejected_purged_at: Timestamp | null;
}

export interface PersonMergeTable {
  campaign_id: string;
  id: string;
  kept_id: string;
  merged_id: string;
  snapshot: Json<Record<string, unknown>>;
  merged_at: Generated<Date>;
  undo_until: Timestamp;
  undone_at: Timestamp | null;
  actor_label: Generated<string>;
}

/** Why a webhook subscription is off: the platform after failures, or a person. */
export type WebhookDisabledReason = 'failing' | 'manual';
export type WebhookDeliveryState = 'pending' | 'succeeded' | 'failed';

export interface WebhookSubscriptionTable {
  campaign_id: string;
  id: string;
  name: Generated<string>;
  url: string;
  event_types: string[];
  secret: string;
  active: Generated<boolean>;
  disabled_reason: WebhookDisabledReason | null;
  disabled_at: Timestamp | null;
  consecutive_failures: Generated<number>;
  failing_since: Timestamp | null;
  last_error: string | null;
  created_by_label: Generated<string>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface WebhookDeliveryTable {
  campaign_id: string;
  id: string;
  subscription_id: string;
  event_id: string | null;
  event_type: string;
  idempotency_key: string;
  body: Json<unknown[]>;
  state: ColumnType<WebhookDeliveryState, WebhookDeliveryState | undefined, WebhookDeliveryState>;
  attempts: Generated<number>;
  next_attempt_at: Timestamp | null;
  retry_until: Timestamp;
  manual: Generated<boolean>;
  claimed_until: Timestamp | null;
  last_attempt_at: Timestamp | null;
  response_status: number | null;
  duration_ms: number | null;
  error: string | null;
  created_at: Generated<Date>;
  delivered_at: Timestamp | null;
}

/** The election a campaign runs for (one per campaign; modules/calendar): its rounds are in calendar_round. */
export interface CalendarElectionTable {
  campaign_id: string;
  id: string;
  name: string;
  kind: ElectionKind;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

/** A round of the campaign's election: its day, the polls' closing time (hh:mm) in its zone, and its silence. */
export interface CalendarRoundTable {
  campaign_id: string;
  id: string;
  election_id: string;
  /** yyyy-mm-dd (read as text: a day has no time zone). */
  round_date: string;
  polls_close: Generated<string>;
  time_zone: Generated<string>;
  silence_from: Timestamp;
  silence_until: Timestamp;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface PersonDuplicateDismissalTable {
  campaign_id: string;
  person_a: string;
  person_b: string;
  dismissed_at: Generated<Date>;
  actor_label: Generated<string>;
}

export type MailingStatus = 'draft' | 'scheduled' | 'sending' | 'sent' | 'paused' | 'cancelled';
export type MailingContentFormat = 'blocks' | 'mjml';
/** 'held': the rest of an A/B test's audience, until the test decides (migration 0031). */
export type MailingRecipientStatus = 'queued' | 'sending' | 'sent' | 'failed' | 'skipped' | 'held';
export type MailSuppressionReason = 'unsubscribed' | 'hard_bounce' | 'soft_bounces' | 'complaint' | 'manual';
export type MailingVariantKey = 'A' | 'B' | 'C' | 'D' | 'E';

export interface MailingTable {
  campaign_id: string;
  id: string;
  name: Generated<string>;
  subject: Generated<string>;
  from_name: Generated<string>;
  reply_to: string | null;
  preheader: Generated<string>;
  content_format: ColumnType<MailingContentFormat, MailingContentFormat | undefined, MailingContentFormat>;
  content: Json<Record<string, unknown>>;
  audience: Json<Record<string, unknown>>;
  /** What the mailing is about: its audience leaves out who withdrew that topic (migration 0033). */
  topic: ColumnType<EmailTopic, EmailTopic | undefined, EmailTopic>;
  status: ColumnType<MailingStatus, MailingStatus | undefined, MailingStatus>;
  scheduled_at: Timestamp | null;
  started_at: Timestamp | null;
  finished_at: Timestamp | null;
  sent_by: string | null;
  zone_ids: string[] | null;
  total_targeted: Generated<number>;
  sent_count: Generated<number>;
  failed_count: Generated<number>;
  skipped_count: Generated<number>;
  created_by_label: Generated<string>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
  /** Schedules (migration 0030): the clocks a schedule is read on, and a weekly series' day (1 = Monday) and time. */
  time_zone: Generated<string>;
  recurrence_weekday: number | null;
  recurrence_time: string | null;
  scheduled_by: string | null;
  /** An occurrence of a series: the model mailing and the instant it stands for. */
  series_id: string | null;
  occurrence_at: Timestamp | null;
  /** Held back by the electoral silence until then. */
  held_until: Timestamp | null;
  held_reason: MailingHeldReason | null;
  /** Why the circuit breaker paused it (null: a person paused it, or not paused). */
  pause_reason: MailingPauseReason | null;
  breaker_released_at: Timestamp | null;
}

export type MailingHeldReason = 'electoral_silence';

export interface MailingVariantTable {
  campaign_id: string;
  mailing_id: string;
  variant: MailingVariantKey;
  subject: string | null;
  from_name: string | null;
  preheader: string | null;
  content: Json<Record<string, unknown>> | null;
  created_at: Generated<Date>;
}

export interface MailingRecipientTable {
  campaign_id: string;
  id: string;
  mailing_id: string;
  person_id: string;
  email: string;
  variant: ColumnType<MailingVariantKey, MailingVariantKey | undefined, MailingVariantKey>;
  status: ColumnType<MailingRecipientStatus, MailingRecipientStatus | undefined, MailingRecipientStatus>;
  claimed_at: Timestamp | null;
  next_attempt_at: Timestamp | null;
  sent_at: Timestamp | null;
  message_id: string | null;
  attempts: Generated<number>;
  last_error: string | null;
  zone_ids: ColumnType<string[], string[] | undefined, string[]>;
  created_at: Generated<Date>;
  /** Set by bounces and complaints (migration 0027). */
  delivery_status: DeliveryEventKind | null;
  delivery_status_at: Timestamp | null;
}

export type AbTestMetric = 'opens' | 'clicks' | 'click_to_open';
export type AbTestFallback = 'variant' | 'wait';
export type AbTestPhase = 'draft' | 'testing' | 'waiting' | 'decided';
export type AbTestDecision = 'winner' | 'fallback' | 'fallback_after_max_wait' | 'no_rest';

/** A mailing's A/B test (migration 0031). */
export interface MailingAbTestTable {
  campaign_id: string;
  mailing_id: string;
  /** numeric(5,2): the driver returns it as a string. */
  share_percent: ColumnType<string | null, string | number | null, string | number | null>;
  share_count: number | null;
  metric: AbTestMetric;
  wait_minutes: number;
  fallback: AbTestFallback;
  fallback_variant: ColumnType<MailingVariantKey, MailingVariantKey | undefined, MailingVariantKey>;
  max_wait_minutes: number | null;
  assignment_key: string;
  phase: ColumnType<AbTestPhase, AbTestPhase | undefined, AbTestPhase>;
  test_size: Generated<number>;
  rest_size: Generated<number>;
  test_sent_at: Timestamp | null;
  evaluate_at: Timestamp | null;
  evaluations: Generated<number>;
  last_evaluation: Json | null;
  decided_at: Timestamp | null;
  winner: MailingVariantKey | null;
  decision: AbTestDecision | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface MailSuppressionTable {
  campaign_id: string;
  email: string;
  reason: MailSuppressionReason;
  proof: Json<Record<string, unknown>>;
  person_id: string | null;
  created_at: Generated<Date>;
}

/** A double opt-in waiting for (or given by) the click on its confirmation link (migration 0033). */
export interface EmailConfirmationTable {
  campaign_id: string;
  id: string;
  person_id: string;
  email: string;
  signup_proof: Json<Record<string, unknown>>;
  created_at: Generated<Date>;
  expires_at: Timestamp;
  last_sent_at: Timestamp | null;
  send_count: Generated<number>;
  confirmed_at: Timestamp | null;
}

export type DeliveryEventSource = 'imap' | 'mailgun' | 'sendgrid';
export type DeliveryEventKind = 'delivered' | 'delayed' | 'soft_bounce' | 'hard_bounce' | 'complaint';

export interface DeliveryEventTable {
  campaign_id: string;
  id: string;
  source: DeliveryEventSource;
  source_event_id: string;
  kind: DeliveryEventKind;
  email: string;
  recipient_id: string | null;
  mailing_id: string | null;
  person_id: string | null;
  status_code: string | null;
  diagnostic: string | null;
  occurred_at: Timestamp;
  created_at: Generated<Date>;
}

export type MailingPauseReason = 'unsubscribe_rate' | 'complaint_rate';
export type DmarcPolicy = 'none' | 'quarantine' | 'reject';

export interface MailDeliverabilityTable {
  campaign_id: string;
  default_connections: Generated<number>;
  default_rate_per_minute: Generated<number>;
  spf_includes: Generated<string[]>;
  spf_ips: Generated<string[]>;
  dmarc_policy: ColumnType<DmarcPolicy, DmarcPolicy | undefined, DmarcPolicy>;
  dmarc_report_address: string | null;
  complaint_alert_rate: Generated<number>;
  complaint_pause_rate: Generated<number>;
  complaint_min_sent: Generated<number>;
  breaker_unsubscribe_rate: Generated<number>;
  breaker_complaint_rate: Generated<number>;
  breaker_min_delivered: Generated<number>;
  paused_at: Timestamp | null;
  paused_rate: number | null;
  alerted_at: Timestamp | null;
  resumed_at: Timestamp | null;
  resumed_by: string | null;
  updated_at: Generated<Date>;
}

export interface MailDomainCapTable {
  campaign_id: string;
  domain: string;
  connections: number;
  rate_per_minute: number;
}

export interface MailWebhookTokenTable {
  provider: string;
  token: string;
  event_id: string;
  received_at: Generated<Date>;
}

export type SmsStatus = 'queued' | 'deferred' | 'sending' | 'sent' | 'delivered' | 'undelivered' | 'failed';

export interface SmsSettingsTable {
  campaign_id: string;
  sender: string | null;
  sender_name: Generated<string>;
  stop_number: string | null;
  hours_start: Generated<string>;
  hours_end: Generated<string>;
  time_zone: Generated<string>;
  block_sundays: Generated<boolean>;
  block_holidays: Generated<boolean>;
  /** numeric(10,4), read as a string. */
  segment_price: ColumnType<string, string | number | undefined, string | number>;
  updated_at: Generated<Date>;
}

export interface SmsMessageTable {
  campaign_id: string;
  id: string;
  send_id: string;
  person_id: string;
  to_number: string;
  sender: string;
  body: string;
  encoding: 'GSM-7' | 'UCS-2';
  segments: number;
  status: ColumnType<SmsStatus, SmsStatus | undefined, SmsStatus>;
  not_before: ColumnType<Date, Date | string | undefined, Date | string>;
  deferred_reason: string | null;
  provider: 'twilio' | 'outbox' | null;
  provider_sid: string | null;
  error_code: string | null;
  error_message: string | null;
  created_by_label: Generated<string>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
  sent_at: Timestamp | null;
  delivered_at: Timestamp | null;
}

export interface SmsStatusEventTable {
  campaign_id: string;
  message_id: string;
  status: string;
  provider_status: string;
  error_code: string | null;
  received_at: Generated<Date>;
}

export interface SmsInboundTable {
  campaign_id: string;
  id: string;
  provider_sid: string;
  from_number: string;
  to_number: string;
  body: string;
  is_stop: boolean;
  person_ids: ColumnType<string[], string[] | undefined, string[]>;
  received_at: Generated<Date>;
}

export type MailEventKind = 'open' | 'click';
export type MailEventClassification = 'human' | 'apple_proxy' | 'scanner';

export interface MailEventTable {
  campaign_id: string;
  id: string;
  mailing_id: string;
  recipient_id: string;
  person_id: string;
  kind: MailEventKind;
  link_index: number | null;
  link_url: string | null;
  classification: MailEventClassification;
  user_agent: Generated<string>;
  ip: string | null;
  at: Timestamp;
}

/** A short link of an SMS (migration 0034): one per message and URL. */
export interface SmsLinkTable {
  campaign_id: string;
  code: string;
  message_id: string;
  link_index: number;
  url: string;
  created_at: Generated<Date>;
}

/** A click on an SMS short link, classified as mail_event's are. */
export interface SmsClickTable {
  campaign_id: string;
  id: string;
  message_id: string;
  send_id: string;
  person_id: string;
  link_index: number;
  link_url: string;
  classification: MailEventClassification;
  user_agent: Generated<string>;
  ip: string | null;
  at: Timestamp;
}

// Door-to-door canvassing, the core (migration 0035): buildings, entrances, doors, turfs, teams.
export interface BuildingTable {
  campaign_id: string;
  id: string;
  address_id: string;
  label: string;
  lon: number;
  lat: number;
  doors: number;
  doors_source: 'social_housing' | 'dwellings_per_address' | 'electoral_roll' | 'manual';
  zone_ids: ColumnType<string[], string[] | undefined, string[]>;
  score: number | null;
  created_at: Generated<Date>;
}

export interface BuildingAddressTable {
  campaign_id: string;
  address_id: string;
  building_id: string;
}

export interface BuildingEntranceTable {
  campaign_id: string;
  id: string;
  building_id: string;
  label: Generated<string>;
  access_note: Generated<string>;
  floors: Generated<number>;
  doors_per_floor: Generated<number>;
  position: Generated<number>;
  created_at: Generated<Date>;
}

export interface DoorTable {
  campaign_id: string;
  id: string;
  building_id: string;
  entrance_id: string;
  floor: number;
  label: string;
}

export interface TurfCutTable {
  campaign_id: string;
  id: string;
  zone_id: string;
  target_doors: number;
  keep_polling_stations: Generated<boolean>;
  status: ColumnType<'queued' | 'running' | 'done' | 'failed', 'queued' | 'running' | 'done' | 'failed' | undefined>;
  job_id: string | null;
  stats: Generated<Json>;
  created_by: string | null;
  created_at: Generated<Date>;
  finished_at: Date | null;
}

export interface TurfTable {
  campaign_id: string;
  id: string;
  cut_id: string | null;
  zone_id: string;
  name: string;
  doors: Generated<number>;
  polygon: Json<unknown>;
  metres_walked: Generated<number>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface TurfBuildingTable {
  campaign_id: string;
  building_id: string;
  turf_id: string;
  position: number;
}

export interface FieldTeamTable {
  campaign_id: string;
  id: string;
  name: string;
  zone_id: string | null;
  created_at: Generated<Date>;
}

export interface FieldTeamMemberTable {
  campaign_id: string;
  team_id: string;
  staff_user_id: string;
}

export interface TurfAssignmentTable {
  campaign_id: string;
  id: string;
  turf_id: string;
  staff_user_id: string | null;
  team_id: string | null;
  on_date: ColumnType<string, string, string>;
  created_by: string | null;
  created_at: Generated<Date>;
}

// Targeting (migration 0036): score definitions, their values per zone, the zones picked as targets.
export interface TargetScoreTable {
  campaign_id: string;
  id: string;
  name: string;
  layer_id: string;
  within_zone_id: string | null;
  preset: string | null;
  election: string | null;
  round: number | null;
  side: ColumnType<string[], string[] | undefined, string[]>;
  ingredients: Json<unknown>;
  computed_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  created_by: string | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface TargetScoreZoneTable {
  campaign_id: string;
  score_id: string;
  zone_id: string;
  score: number;
  rank: number;
  priority: number;
  interpolated: Generated<boolean>;
  explanation: Json<unknown>;
}

export interface TargetZoneTable {
  campaign_id: string;
  zone_id: string;
  score_id: string | null;
  picked_by: string | null;
  picked_at: Generated<Date>;
}

// Field, the turfs part (migration 0037): social-housing programmes, the electoral roll (field and post only).
export interface SocialHousingTable {
  campaign_id: string;
  id: string;
  label: Generated<string>;
  postcode: Generated<string>;
  lon: number;
  lat: number;
  dwellings: number;
}

export interface ElectoralRollImportTable {
  campaign_id: string;
  id: string;
  file_name: Generated<string>;
  voters: Generated<number>;
  matched: Generated<number>;
  imported_by: string | null;
  created_at: Generated<Date>;
}

export interface ElectoralRollVoterTable {
  campaign_id: string;
  id: string;
  import_id: string;
  family_name: string;
  given_names: Generated<string>;
  birth_date: ColumnType<string | null, string | null | undefined, string | null>;
  sex: 'F' | 'M' | null;
  polling_station: Generated<string>;
  address_label: Generated<string>;
  postcode: Generated<string>;
  address_id: string | null;
  building_id: string | null;
}

// Canvassing (migration 0038): door results, contacts captured with consent, scripts and their A/B tests, shifts.
export const CANVASS_OUTCOMES = ['absent', 'supportive', 'undecided', 'opposed', 'refused', 'come_back', 'no_access', 'other'] as const;
export type CanvassOutcome = (typeof CANVASS_OUTCOMES)[number];

export interface CanvassScriptTable {
  campaign_id: string;
  id: string;
  theme: string;
  title: string;
  body: string;
  archived: Generated<boolean>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface CanvassScriptTestTable {
  campaign_id: string;
  id: string;
  name: string;
  script_a_id: string;
  script_b_id: string;
  created_by: string | null;
  created_at: Generated<Date>;
}

export interface CanvassScriptTestTurfTable {
  campaign_id: string;
  test_id: string;
  turf_id: string;
  arm: 'a' | 'b';
}

export interface CanvassResultTable {
  campaign_id: string;
  id: string;
  building_id: string;
  door_id: string | null;
  turf_id: string | null;
  canvasser_id: string | null;
  outcome: CanvassOutcome;
  themes: ColumnType<string[], string[] | undefined, string[]>;
  note: Generated<string>;
  script_id: string | null;
  person_id: string | null;
  lon: number | null;
  lat: number | null;
  distance_m: number | null;
  recorded_at: Timestamp;
  received_at: Generated<Date>;
}

export interface CanvassContactTable {
  campaign_id: string;
  id: string;
  result_id: string | null;
  building_id: string;
  person_id: string;
  created_person: boolean;
  canvasser_id: string | null;
  consent_text: string;
  recorded_at: Timestamp;
  received_at: Generated<Date>;
}

export interface CanvassShiftTable {
  campaign_id: string;
  canvasser_id: string;
  on_date: ColumnType<string, string, string>;
  doors: Generated<number>;
  completed_at: Date | null;
}

// The public site's content (migration 0039, src/server/site).
export type SitePageKind = 'home' | 'zone' | 'page';

export interface SiteImageTable {
  campaign_id: string;
  id: string;
  content_type: string;
  bytes: Buffer;
  alt: Generated<string>;
  zone_id: string | null;
  created_at: Generated<Date>;
}

export interface SitePageTable {
  campaign_id: string;
  id: string;
  kind: SitePageKind;
  slug: string;
  zone_id: string | null;
  title_fr: string;
  title_en: Generated<string>;
  summary_fr: Generated<string>;
  summary_en: Generated<string>;
  body_fr: Generated<string>;
  body_en: Generated<string>;
  image_id: string | null;
  published: Generated<boolean>;
  updated_by: Generated<string>;
  created_at: Generated<Date>;
  updated_at: Timestamp;
}

export interface SiteRunningMateTable {
  campaign_id: string;
  id: string;
  zone_id: string;
  name: string;
  role_fr: Generated<string>;
  role_en: Generated<string>;
  bio_fr: Generated<string>;
  bio_en: Generated<string>;
  photo_id: string | null;
  position: Generated<number>;
  created_at: Generated<Date>;
  updated_at: Timestamp;
}

export interface SiteNewsTable {
  campaign_id: string;
  id: string;
  slug: string;
  zone_id: string | null;
  running_mate_id: string | null;
  title_fr: string;
  title_en: Generated<string>;
  summary_fr: Generated<string>;
  summary_en: Generated<string>;
  body_fr: Generated<string>;
  body_en: Generated<string>;
  image_id: string | null;
  published_at: Date | null;
  updated_by: Generated<string>;
  created_at: Generated<Date>;
  updated_at: Timestamp;
}

// Petitions and public forms (modules/petitions, 0040_petitions.sql).
export interface PetitionThreshold {
  count: number;
  text: string;
}

export interface PetitionTable {
  campaign_id: string;
  id: string;
  slug: string;
  title: string;
  summary: Generated<string>;
  body: Generated<string>;
  target: Generated<string>;
  goal: Generated<number>;
  zone_id: string | null;
  status: Generated<'draft' | 'open' | 'closed'>;
  thresholds: Json<PetitionThreshold[]>;
  answer: Generated<string>;
  answered_at: Timestamp | null;
  delivered_at: Timestamp | null;
  created_by_label: Generated<string>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface FormSubmissionTable {
  campaign_id: string;
  id: string;
  form: string;
  petition_id: string | null;
  status: 'pending' | 'confirmed' | 'quarantined' | 'voided';
  quarantine_reason: string | null;
  email: string;
  email_domain: string;
  given_name: Generated<string>;
  family_name: Generated<string>;
  postal_code: Generated<string>;
  phone: Generated<string>;
  message: Generated<string>;
  zone_id: string | null;
  public_name: Generated<boolean>;
  wants_news: Generated<boolean>;
  consent_text: Generated<string>;
  lang: Generated<string>;
  client_address: Generated<string>;
  user_agent: Generated<string>;
  proof: Generated<string>;
  origin: Generated<string>;
  person_id: string | null;
  created_at: Generated<Date>;
  expires_at: Timestamp;
  confirmed_at: Timestamp | null;
  voided_at: Timestamp | null;
  void_reason: string | null;
}

export interface FormAlertTable {
  campaign_id: string;
  kind: 'address' | 'domain';
  key: string;
  hour: Timestamp;
  count: number;
  created_at: Generated<Date>;
}

export interface FormGuardHitTable {
  campaign_id: string;
  id: string;
  form: string;
  client_address: string;
  email_domain: Generated<string>;
  verdict: 'accepted' | 'quarantined';
  reason: string | null;
  proof: 'altcha' | 'none';
  proof_key: string | null;
  at: Generated<Date>;
}

// Events (0041): events and RSVPs.
export type EventType = 'popup' | 'meeting' | 'canvass' | 'hackathon' | 'online';
export type EventStatus = 'proposed' | 'published' | 'rejected' | 'cancelled';
export type RsvpStatus = 'going' | 'waitlisted' | 'cancelled';

export interface EventTable {
  campaign_id: string;
  id: string;
  type: EventType;
  status: ColumnType<EventStatus, EventStatus | undefined, EventStatus>;
  title: string;
  description: Generated<string>;
  start_at: ColumnType<Date, Date | string, Date | string>;
  end_at: ColumnType<Date, Date | string, Date | string>;
  time_zone: Generated<string>;
  venue: Generated<string>;
  address: Generated<string>;
  latitude: number | null;
  longitude: number | null;
  online_url: string | null;
  zone_id: string | null;
  capacity: number | null;
  sequence: Generated<number>;
  proposed_by_person_id: string | null;
  created_by_label: Generated<string>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface EventRsvpTable {
  campaign_id: string;
  id: string;
  event_id: string;
  person_id: string;
  status: RsvpStatus;
  guests: Generated<number>;
  attended_at: Timestamp | null;
  checked_in_by: string | null;
  source: Generated<string>;
  waitlisted_at: Timestamp | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

// Social listening (migration 0042, modules/listening).
export type ListeningNetwork = 'mastodon' | 'bluesky' | 'x';
export type ListeningAccountKind = 'candidate' | 'team';
export type ListeningSource = 'rss' | 'mastodon' | 'bluesky';
export type ListeningDraftStatus = 'pending_approval' | 'scheduled' | 'held' | 'published' | 'refused' | 'failed';

/** A social account of the campaign, its credentials sealed (AES-256-GCM). */
export interface ListeningAccountTable {
  campaign_id: string;
  id: string;
  network: ListeningNetwork;
  kind: ListeningAccountKind;
  handle: string;
  base_url: string;
  credentials: Buffer;
  status: Generated<'connected' | 'disconnected'>;
  last_error: string | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

/** A keyword watch over one source, with its adapter's cursor and back-off. */
export interface ListeningWatchTable {
  campaign_id: string;
  id: string;
  name: string;
  source: ListeningSource;
  feed_url: string | null;
  account_id: string | null;
  query: Json<{ phrases: string[]; words: string[]; exclude: string[]; hashtags: string[]; mentions: string[]; language: string | null }>;
  active: Generated<boolean>;
  cursor: Json;
  next_poll_at: Generated<Date>;
  failures: Generated<number>;
  last_polled_at: Date | null;
  last_error: string | null;
  created_at: Generated<Date>;
}

/** A mention caught by a watch (one per source and external id). */
export interface ListeningMentionTable {
  campaign_id: string;
  id: string;
  watch_id: string | null;
  source: ListeningSource;
  external_id: string;
  thread_key: string;
  in_reply_to: string | null;
  url: string | null;
  reply_ref: ColumnType<Record<string, unknown> | null, string | null | undefined, string | null>;
  author_handle: string;
  author_name: Generated<string>;
  author_reach: Generated<number>;
  text: string;
  lang: string | null;
  published_at: Date;
  sentiment: 'positive' | 'neutral' | 'negative';
  urgency: 'low' | 'normal' | 'high';
  arrondissement: number | null;
  theme: string | null;
  status: Generated<'new' | 'handled'>;
  assigned_to: string | null;
  tags: Generated<string[]>;
  handled_at: Date | null;
  person_id: string | null;
  created_at: Generated<Date>;
}

/** An approved answer or talking point, per theme. */
export interface ListeningKeyMessageTable {
  campaign_id: string;
  id: string;
  theme: string;
  kind: 'answer' | 'talking_point';
  title: string;
  body: string;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

/** A reply or post to publish on an account. */
export interface ListeningDraftTable {
  campaign_id: string;
  id: string;
  account_id: string;
  mention_id: string | null;
  key_message_id: string | null;
  text: string;
  status: ListeningDraftStatus;
  scheduled_at: Date | null;
  approved_by: string | null;
  approved_at: Date | null;
  refused_reason: string | null;
  idempotency_key: string;
  external_id: string | null;
  external_url: string | null;
  published_at: Date | null;
  last_error: string | null;
  created_by: string | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

/** The inbox's mode per campaign. */
export interface ListeningStateTable {
  campaign_id: string;
  crisis_since: Date | null;
  last_spike_at: Date | null;
}

// Civic modules (migration 0043): fact checks and public votes.

/** A verdict of the campaign's fact-check scale, on schema.org's 1 (false) to 5 (true) rating. */
export interface FactcheckVerdictTable {
  campaign_id: string;
  id: string;
  code: string;
  label_fr: string;
  label_en: string;
  rating: number;
  color: Generated<string>;
  position: number;
}

/** A fact check ("le vrai du faux"): claim, claimant, verdict, explanation, review state. */
export interface FactCheckTable {
  campaign_id: string;
  id: string;
  slug: string;
  claim: string;
  claimant: string;
  /** yyyy-mm-dd. */
  claim_date: string | null;
  claim_url: string | null;
  theme: Generated<string>;
  verdict_id: string;
  summary: Generated<string>;
  explanation_html: Generated<string>;
  status: ColumnType<'draft' | 'review' | 'published' | 'withdrawn', 'draft' | 'review' | 'published' | 'withdrawn' | undefined>;
  author_user_id: string | null;
  author_token_id: string | null;
  author_label: Generated<string>;
  reviewer_user_id: string | null;
  reviewer_label: string | null;
  submitted_at: Timestamp | null;
  published_at: Timestamp | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

/** A source of a fact check and its link's last reachability check. */
export interface FactCheckSourceTable {
  campaign_id: string;
  id: string;
  fact_check_id: string;
  position: number;
  url: string;
  title: string;
  publisher: Generated<string>;
  /** yyyy-mm-dd. */
  published_on: string | null;
  check_state: ColumnType<
    'pending' | 'reachable' | 'unreachable' | 'refused',
    'pending' | 'reachable' | 'unreachable' | 'refused' | undefined
  >;
  check_status: number | null;
  check_error: string | null;
  checked_at: Timestamp | null;
}

/** A public vote (the official poster…). */
export interface PublicVoteTable {
  campaign_id: string;
  id: string;
  slug: string;
  title: string;
  description: Generated<string>;
  status: ColumnType<'draft' | 'open' | 'closed', 'draft' | 'open' | 'closed' | undefined>;
  results_visibility: ColumnType<'live' | 'after_close', 'live' | 'after_close' | undefined>;
  allow_change: Generated<boolean>;
  closes_at: Timestamp | null;
  opened_at: Timestamp | null;
  closed_at: Timestamp | null;
  created_by_label: Generated<string>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

/** An option of a public vote and its running tally. */
export interface PublicVoteOptionTable {
  campaign_id: string;
  id: string;
  vote_id: string;
  position: number;
  label: string;
  description: Generated<string>;
  image_url: string | null;
  tally: Generated<number>;
}

/** A ballot of a public vote: one per address, counted once confirmed and not voided. */
export interface PublicVoteBallotTable {
  campaign_id: string;
  id: string;
  vote_id: string;
  option_id: string;
  pending_option_id: string | null;
  email: string;
  email_domain: string;
  ip_range: string | null;
  user_agent: string | null;
  wants_news: Generated<boolean>;
  person_id: string | null;
  status: ColumnType<'pending' | 'confirmed' | 'voided', 'pending' | 'confirmed' | 'voided' | undefined>;
  confirmed_at: Timestamp | null;
  voided_at: Timestamp | null;
  void_reason: string | null;
  send_count: Generated<number>;
  last_sent_at: Timestamp | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

/** A one-time upload link of volunteer media (/envoi/<token>): the token kept hashed. */
export interface MediaUploadLinkTable {
  campaign_id: string;
  id: string;
  label: string;
  token_hash: string;
  expires_at: Timestamp;
  max_files: number;
  used: Generated<number>;
  revoked_at: Timestamp | null;
  created_by_user_id: string | null;
  created_by_label: Generated<string>;
  created_at: Generated<Date>;
}

export type MediaStatus = 'uploading' | 'pending' | 'approved' | 'hidden' | 'refused';

/** A volunteer's photo or video, from its upload's creation (tus) to its moderation. */
export interface MediaTable {
  campaign_id: string;
  id: string;
  status: ColumnType<MediaStatus, MediaStatus | undefined, MediaStatus>;
  kind: 'photo' | 'video' | null;
  caption: Generated<string>;
  filename: Generated<string>;
  declared_type: Generated<string>;
  content_type: string | null;
  upload_length: ColumnType<string, number, number>;
  upload_offset: ColumnType<string, number | undefined, number>;
  identifiable: Generated<boolean>;
  rights_confirmed: Generated<boolean>;
  uploaded_by_user_id: string | null;
  uploaded_by_token_id: string | null;
  upload_link_id: string | null;
  uploader_name: Generated<string>;
  width: number | null;
  height: number | null;
  duration_s: number | null;
  processing: ColumnType<'waiting' | 'ready' | 'unprocessable', 'waiting' | 'ready' | 'unprocessable' | undefined>;
  processing_error: string | null;
  has_poster: Generated<boolean>;
  location_stripped: Generated<boolean>;
  moderated_by_user_id: string | null;
  moderated_by_name: string | null;
  moderated_at: Timestamp | null;
  reason: string | null;
  created_at: Generated<Date>;
  uploaded_at: Timestamp | null;
  updated_at: Generated<Date>;
}

export interface DB {
  campaign: CampaignTable;
  staff_user: StaffUserTable;
  membership: MembershipTable;
  session: SessionTable;
  password_reset: PasswordResetTable;
  login_throttle: LoginThrottleTable;
  api_token: ApiTokenTable;
  audit_event: AuditEventTable;
  job_run: JobRunTable;
  dev_outbox: DevOutboxTable;
  zone_layer: ZoneLayerTable;
  zone: ZoneTable;
  zone_indicator: ZoneIndicatorTable;
  election_result: ElectionResultTable;
  election: ElectionTable;
  zone_cover: ZoneCoverTable;
  zone_metric_cache: ZoneMetricCacheTable;
  address: AddressTable;
  person: PersonTable;
  tag: TagTable;
  tagging: TaggingTable;
  list: ListTable;
  list_member: ListMemberTable;
  custom_field: CustomFieldTable;
  activity: ActivityTable;
  ladder_stage: LadderStageTable;
  ladder_rule: LadderRuleTable;
  ladder_move: LadderMoveTable;
  consent: ConsentTable;
  segment: SegmentTable;
  import_mapping: ImportMappingTable;
  people_import: PeopleImportTable;
  person_merge: PersonMergeTable;
  person_duplicate_dismissal: PersonDuplicateDismissalTable;
  domain_event: DomainEventTable;
  domain_event_cursor: DomainEventCursorTable;
  webhook_subscription: WebhookSubscriptionTable;
  webhook_delivery: WebhookDeliveryTable;
  calendar_election: CalendarElectionTable;
  calendar_round: CalendarRoundTable;
  mailing: MailingTable;
  mailing_variant: MailingVariantTable;
  mailing_ab_test: MailingAbTestTable;
  mailing_recipient: MailingRecipientTable;
  mail_suppression: MailSuppressionTable;
  delivery_event: DeliveryEventTable;
  mail_webhook_token: MailWebhookTokenTable;
  sms_settings: SmsSettingsTable;
  sms_message: SmsMessageTable;
  sms_status_event: SmsStatusEventTable;
  sms_inbound: SmsInboundTable;
  mail_event: MailEventTable;
  mail_deliverability: MailDeliverabilityTable;
  mail_domain_cap: MailDomainCapTable;
  email_confirmation: EmailConfirmationTable;
  sms_link: SmsLinkTable;
  sms_click: SmsClickTable;
  building: BuildingTable;
  building_address: BuildingAddressTable;
  building_entrance: BuildingEntranceTable;
  door: DoorTable;
  turf_cut: TurfCutTable;
  turf: TurfTable;
  turf_building: TurfBuildingTable;
  field_team: FieldTeamTable;
  field_team_member: FieldTeamMemberTable;
  turf_assignment: TurfAssignmentTable;
  target_score: TargetScoreTable;
  target_score_zone: TargetScoreZoneTable;
  target_zone: TargetZoneTable;
  social_housing: SocialHousingTable;
  electoral_roll_import: ElectoralRollImportTable;
  electoral_roll_voter: ElectoralRollVoterTable;
  canvass_script: CanvassScriptTable;
  canvass_script_test: CanvassScriptTestTable;
  canvass_script_test_turf: CanvassScriptTestTurfTable;
  canvass_result: CanvassResultTable;
  canvass_contact: CanvassContactTable;
  canvass_shift: CanvassShiftTable;
  site_image: SiteImageTable;
  site_page: SitePageTable;
  site_running_mate: SiteRunningMateTable;
  site_news: SiteNewsTable;
  petition: PetitionTable;
  form_submission: FormSubmissionTable;
  form_alert: FormAlertTable;
  form_guard_hit: FormGuardHitTable;
  event: EventTable;
  event_rsvp: EventRsvpTable;
  listening_account: ListeningAccountTable;
  listening_watch: ListeningWatchTable;
  listening_mention: ListeningMentionTable;
  listening_key_message: ListeningKeyMessageTable;
  listening_draft: ListeningDraftTable;
  listening_state: ListeningStateTable;
  factcheck_verdict: FactcheckVerdictTable;
  fact_check: FactCheckTable;
  fact_check_source: FactCheckSourceTable;
  public_vote: PublicVoteTable;
  public_vote_option: PublicVoteOptionTable;
  public_vote_ballot: PublicVoteBallotTable;
  media_upload_link: MediaUploadLinkTable;
  media: MediaTable;
}

export type Campaign = Selectable<CampaignTable>;
export type StaffUser = Selectable<StaffUserTable>;
export type Membership = Selectable<MembershipTable>;
export type NewPerson = Insertable<PersonTable>;
export type PersonUpdate = Updateable<PersonTable>;
export type Zone = Selectable<ZoneTable>;
