// The enumerations the server and the back office share, written once. No imports: the web app
// bundles this file as it is. The SQL CHECK constraints of migrations 0001/0002 name the same values.

/** The engagement ladder, in order: each stage is a step above the one before it. */
export const LADDER_STAGES = ['curious', 'sympathizer', 'volunteer', 'activist'] as const;
export type LadderStage = (typeof LADDER_STAGES)[number];

/** The stages a promotion rule can lead to (every stage above the first). */
export const RULE_STAGES = LADDER_STAGES.slice(1) as readonly Exclude<LadderStage, 'curious'>[];
export type RuleStage = (typeof RULE_STAGES)[number];

/** The channels a person consents (or not) to be contacted on. */
export const CONSENT_CHANNELS = ['email', 'sms', 'phone', 'post'] as const;
export type ConsentChannel = (typeof CONSENT_CHANNELS)[number];

/** The two kinds of consent ledger entry. */
export const CONSENT_STATUSES = ['given', 'withdrawn'] as const;
export type ConsentStatus = (typeof CONSENT_STATUSES)[number];

/** Rank of a stage on the ladder (curious 0 … activist 3). */
export const stageRank = (stage: LadderStage): number => LADDER_STAGES.indexOf(stage);

/** How a contact with a person was made, as a campaigner logs it on the person's page. */
export const CONTACT_KINDS = ['call', 'meeting', 'door', 'message'] as const;
export type ContactKind = (typeof CONTACT_KINDS)[number];

/**
 * What came of a contact. Each is recorded on the timeline as the activity `contact.<outcome>`, which
 * the ladder's rules count ("supportive" makes a sympathizer, "volunteering" a volunteer, by default).
 */
export const CONTACT_OUTCOMES = ['no_answer', 'talked', 'supportive', 'volunteering', 'not_interested', 'opposed'] as const;
export type ContactOutcome = (typeof CONTACT_OUTCOMES)[number];

/** How a consent was collected (the ledger's `source` for entries recorded by hand). */
export const CONSENT_SOURCES = ['paper', 'door', 'phone', 'event', 'form', 'email', 'manual'] as const;
export type ConsentSource = (typeof CONSENT_SOURCES)[number];

/** The kinds of election a campaign's calendar holds (migration 0025 names the same values). */
export const ELECTION_KINDS = [
  'municipal',
  'legislative',
  'presidential',
  'european',
  'regional',
  'departmental',
  'referendum',
  'other',
] as const;
export type ElectionKind = (typeof ELECTION_KINDS)[number];

/**
 * The topics of the e-mail channel a person chooses on the preference page; a mailing has one
 * (migration 0033 names the same values). The e-mail consent covers every topic until the person
 * withdraws one.
 */
export const EMAIL_TOPICS = ['newsletter', 'local', 'events'] as const;
export type EmailTopic = (typeof EMAIL_TOPICS)[number];
