// Deployment settings: read from the environment once, validated, typed and frozen.
// Nothing else in the code base reads process.env.
import { createPublicKey } from 'node:crypto';
import { isIP } from 'node:net';
import path from 'node:path';
import { newSecret } from './lib/secrets.ts';

export interface Config {
  readonly port: number;
  readonly host: string;
  /** PostgreSQL URL; null means the embedded PGlite database under dataDir. */
  readonly databaseUrl: string | null;
  readonly dataDir: string;
  readonly publicUrl: string;
  readonly smtpUrl: string | null;
  readonly mailFrom: string;
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Run the job worker inside the server process (always true on PGlite). */
  readonly embeddedWorker: boolean;
  /** Local mirror of the open-data portals (a folder of the files `opendata fetch` would download). */
  readonly opendataDir: string | null;
  readonly cookieSecure: boolean;
  readonly sessionTtlHours: number;
  readonly loginMaxFailures: number;
  readonly loginLockMinutes: number;
  /**
   * Proxies whose X-Forwarded-For is believed (addresses, CIDRs or proxy-addr's `loopback`,
   * `linklocal`, `uniquelocal`); false = the socket's address is the client's.
   */
  readonly trustProxy: false | readonly string[];
  readonly webDistDir: string;
  /** Largest people import accepted, in bytes. */
  readonly importMaxBytes: number;
  /** Days an uploaded import file is kept after its import ended (or after upload, if never started). */
  readonly importSourceRetentionDays: number;
  /** Days the rejected rows of a finished import stay downloadable before they are deleted. */
  readonly importRejectedRetentionDays: number;
  /** Connections in the PostgreSQL pool. */
  readonly databasePoolSize: number;
  /** How long a query waits for a free pool connection before the request answers 503 (ms). */
  readonly databaseAcquireTimeoutMs: number;
  /** Longest statement of a request's tenant transaction (ms; 0 = no limit). */
  readonly statementTimeoutMs: number;
  /** Longest a PostgreSQL session may sit idle inside a transaction before the server ends it (ms; 0 = no limit). */
  readonly idleInTransactionTimeoutMs: number;
  /** Requests a minute an API token may make when it names no limit of its own (per server instance). */
  readonly apiTokenRateLimit: number;
  /** Where files (uploads, rejected rows, exports) are kept: a folder under dataDir, or an S3-compatible bucket. */
  readonly files: FilesConfig;
  /**
   * Networks (CIDRs) webhooks may reach although they are private, loopback or link-local: none by
   * default; tests and a local demo receiver only.
   */
  readonly webhookAllowNetworks: readonly string[];
  /** Bulk mail (mailings): relay, pace, signing, return paths, link tokens. */
  readonly mailing: MailingConfig;
  /** Where bounces and complaints come from: the bounce mailbox, the providers' signed event webhooks. */
  readonly bounces: BouncesConfig;
  /** Twilio's Messages API (or any server speaking it); null = SMS go to the development outbox. */
  readonly twilio: TwilioConfig | null;
  /** Public base URL the SMS provider calls back (status reports, replies); PUBLIC_URL unless set. */
  readonly smsCallbackBaseUrl: string;
  /** Where the deliverability check asks DNS (MAILING_DNS_SERVERS; empty = the system's resolvers). */
  readonly dns: DnsConfig;
  /** Social listening: the key sealing account credentials, the networks its fetches may reach. */
  readonly listening: ListeningConfig;
}

/** The settings of social listening (modules/listening). */
export interface ListeningConfig {
  /** AES-256 key (32 bytes) sealing the social accounts' credentials at rest; null = no account can be connected. */
  readonly secretKey: Buffer | null;
  /** Networks (CIDRs) feeds and social servers may be reached on although private or loopback: none by default; tests and a local demo only. */
  readonly allowNetworks: readonly string[];
}

/** The DNS servers the deliverability check asks (modules/messaging/deliverability). */
export interface DnsConfig {
  /** "address" or "address:port" (IPv6 as "[address]:port"); empty = the system's. */
  readonly servers: readonly string[];
  /** How long one lookup may take before the record is reported unreachable. */
  readonly timeoutMs: number;
}

/** The settings of bulk mail (modules/messaging). */
export interface MailingConfig {
  /** Relay of mailings (MAILING_SMTP_URL, else SMTP_URL); null = the development outbox. */
  readonly smtpUrl: string | null;
  /** From address of mailings (its domain should be DKIM_DOMAIN's, for DMARC alignment). */
  readonly fromAddress: string;
  /** Messages a second handed to the relay, per sending process. */
  readonly ratePerSecond: number;
  /** SMTP connections the pool opens to the relay. */
  readonly connections: number;
  /** Domain of the per-message return paths (bounces+<token>@domain); defaults to the From address's domain. */
  readonly bounceDomain: string;
  /** HMAC key of the recipient tokens (VERP return paths, unsubscribe links). */
  readonly tokenSecret: string;
  /** DKIM signing, when a key is configured. */
  readonly dkim: { readonly domainName: string; readonly keySelector: string; readonly privateKey: string } | null;
}

/** The sources of bounces and complaints (modules/messaging/bounces). */
export interface BouncesConfig {
  /** The mailbox collecting what comes back to the return paths; null = not read. */
  readonly imap: {
    readonly host: string;
    readonly port: number;
    /** imaps:// (TLS from the start); imap:// upgrades with STARTTLS when the server offers it. */
    readonly secure: boolean;
    readonly user: string;
    readonly password: string;
    readonly mailbox: string;
    /** Where handled messages go (null: they stay, marked seen). */
    readonly doneMailbox: string | null;
  } | null;
  /** Mailgun's HTTP webhook signing key; null = the Mailgun route answers 404. */
  readonly mailgunSigningKey: string | null;
  /** SendGrid's Event Webhook verification key (base64 DER or PEM, ECDSA P-256); null = the SendGrid route answers 404. */
  readonly sendgridPublicKey: string | null;
}

/** A Twilio account (TWILIO_* settings). */
export interface TwilioConfig {
  readonly accountSid: string;
  readonly authToken: string;
  /** https://api.twilio.com, or a server speaking the same API. */
  readonly baseUrl: string;
  /** Sends through a messaging service (its sender pool) instead of the campaign's sender. */
  readonly messagingServiceSid: string | null;
  /** Sender of campaigns that have not set their own. */
  readonly from: string | null;
}

/** The file store's backend (files/storage.ts). */
export type FilesConfig = { readonly backend: 'folder' } | S3Config;

/** An S3-compatible bucket (AWS S3, MinIO, Garage, Scaleway, OVH…). */
export interface S3Config {
  readonly backend: 's3';
  /** The service's URL; null = AWS S3 of the region. */
  readonly endpoint: string | null;
  readonly bucket: string;
  readonly region: string;
  /** Both null = the SDK's own credential chain (instance or task role). */
  readonly accessKeyId: string | null;
  readonly secretAccessKey: string | null;
  /** Bucket in the path (https://host/bucket/key) rather than in the host name: MinIO and most self-hosted servers. */
  readonly forcePathStyle: boolean;
}

export class ConfigError extends Error {
  readonly problems: string[];
  constructor(problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.problems = problems;
  }
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** Documented variables, used by `--help` output and the README. */
export const CONFIG_DOC: Record<string, string> = {
  PORT: 'HTTP port (default 3000)',
  HOST: 'interface to listen on (default 0.0.0.0)',
  DATABASE_URL: 'postgres://… URL; unset = embedded PGlite database under DATA_DIR',
  DATA_DIR: 'folder of the embedded database and caches (default ./data)',
  PUBLIC_URL: 'external URL used in e-mailed links (default http://localhost:PORT)',
  SMTP_URL: 'smtp://user:pass@host:port relay; unset = development outbox in the back office',
  MAIL_FROM: 'sender of system e-mails (default "Relais <no-reply@relais.local>")',
  LOG_LEVEL: 'fatal|error|warn|info|debug|trace|silent (default info)',
  RELAIS_WORKER: '"embedded" to run the job worker in the server process (forced on PGlite), "off" otherwise',
  RELAIS_OPENDATA_DIR: 'local mirror folder of the open-data files (skips downloads)',
  COOKIE_SECURE: '"true" to mark cookies Secure (default: true when PUBLIC_URL is https)',
  SESSION_TTL_HOURS: 'lifetime of a back-office session (default 336 = 14 days)',
  LOGIN_MAX_FAILURES: 'failed sign-ins of one e-mail from one client address before that pair is locked (default 5)',
  LOGIN_LOCK_MINUTES: 'window counting those failures, and how long the lock lasts (default 15)',
  TRUST_PROXY:
    'comma-separated addresses or CIDRs of the reverse proxies whose X-Forwarded-For gives the client address (also loopback, linklocal, uniquelocal); unset = none, the socket address is the client',
  IMPORT_MAX_MB: 'largest people import accepted, in MB (default 256)',
  IMPORT_SOURCE_RETENTION_DAYS:
    'days an uploaded import file is kept once its import has ended, or after upload if it was never started (default 7, at least 1)',
  IMPORT_REJECTED_RETENTION_DAYS: 'days the rejected rows of an import stay downloadable after it ends (default 30, at least 1)',
  DATABASE_POOL_SIZE: 'connections in the PostgreSQL pool (default 10, at least 1)',
  DATABASE_ACQUIRE_TIMEOUT_MS: 'how long a request waits for a free database connection before answering 503 (default 5000, at least 1)',
  STATEMENT_TIMEOUT_MS: "longest statement of a request's database transaction, in ms, PostgreSQL only (default 30000; 0 = no limit)",
  API_TOKEN_RATE_LIMIT:
    'requests a minute an API token may make unless the token has its own limit, counted per server instance (default 600, at least 1)',
  IDLE_IN_TRANSACTION_TIMEOUT_MS: 'PostgreSQL ends a session idle inside a transaction this long, in ms (default 60000; 0 = no limit)',
  FILES_BACKEND: '"folder" (default: files under DATA_DIR) or "s3" (an S3-compatible bucket, the S3_* settings)',
  S3_ENDPOINT: 'URL of the S3-compatible service (e.g. http://minio:9000); unset = AWS S3 of S3_REGION',
  S3_BUCKET: 'bucket of the files (required with FILES_BACKEND=s3; it must exist)',
  S3_REGION: 'region of the bucket (default us-east-1)',
  S3_ACCESS_KEY_ID: "access key; with S3_SECRET_ACCESS_KEY, or both unset for the SDK's credential chain (instance role…)",
  S3_SECRET_ACCESS_KEY: 'secret key going with S3_ACCESS_KEY_ID',
  S3_FORCE_PATH_STYLE: '"true" to put the bucket in the URL path, as MinIO and most self-hosted servers need (default false)',
  RELAIS_LOCALE: 'language of the relais command, fr or en (default: the system locale LC_ALL/LC_MESSAGES/LANG if English, else French)',
  MAILING_SMTP_URL: 'smtp://user:pass@host:port relay of bulk mailings (newsletters); unset = SMTP_URL; both unset = development outbox',
  MAILING_FROM:
    'From address of mailings, e.g. lettre@campagne.fr (default: the address of MAIL_FROM); use the DKIM domain for DMARC alignment',
  MAILING_RATE_PER_SECOND: 'messages a second each sending worker hands to the relay (default 20, at least 1)',
  MAILING_SMTP_CONNECTIONS: 'SMTP connections the sending pool opens to the relay (default 5, at least 1)',
  MAILING_TOKEN_SECRET:
    'key (32+ characters) signing the tokens of return paths and unsubscribe links; required when mailings go out over SMTP; unset without SMTP = a random key per start (outbox only)',
  BOUNCE_DOMAIN:
    'domain of the per-message return paths bounces+<token>@domain (VERP), whose mailbox collects bounces (default: the domain of MAILING_FROM)',
  DKIM_DOMAIN: 'domain signing mailings with DKIM (d=); with DKIM_SELECTOR and DKIM_PRIVATE_KEY, or all three unset for no signature',
  DKIM_SELECTOR: 'DKIM selector (s=): the key is published at <selector>._domainkey.<domain>',
  DKIM_PRIVATE_KEY: 'PEM private key of DKIM signing (RSA or Ed25519; "\\n" read as line breaks)',
  WEBHOOK_ALLOW_NETWORKS:
    'comma-separated CIDRs that webhooks may reach although private or loopback (e.g. 127.0.0.0/8 for a local demo receiver); unset = none: webhooks reach public addresses only',
  MAILING_DNS_SERVERS:
    'comma-separated DNS servers (address or address:port) the deliverability check asks for the SPF, DKIM and DMARC records; unset = the system resolvers',
  MAILING_DNS_TIMEOUT_MS: 'how long one DNS lookup of the deliverability check may take, in ms (default 3000, at least 1)',
  BOUNCE_IMAP_URL:
    'imaps://host:993/INBOX (or imap://, STARTTLS when offered) of the mailbox receiving the bounces (RFC 3464 reports, ARF complaints); unset = not read',
  BOUNCE_IMAP_USER: 'user of the bounce mailbox',
  BOUNCE_IMAP_PASSWORD: 'password of the bounce mailbox',
  BOUNCE_IMAP_DONE_MAILBOX:
    'folder where handled messages of the bounce mailbox are moved (created if missing); unset = they stay, marked seen',
  MAILGUN_WEBHOOK_SIGNING_KEY: 'Mailgun HTTP webhook signing key: enables POST /api/v1/webhooks/mail/mailgun/{campaign}',
  SENDGRID_WEBHOOK_PUBLIC_KEY:
    'SendGrid Event Webhook verification key (base64, as shown in the mail settings): enables POST /api/v1/webhooks/mail/sendgrid/{campaign}',
  TWILIO_ACCOUNT_SID: 'Twilio account SID (AC…); with TWILIO_AUTH_TOKEN, SMS go through Twilio; unset = the development outbox',
  TWILIO_AUTH_TOKEN: "Twilio auth token: authenticates the API requests and checks the callbacks' X-Twilio-Signature",
  TWILIO_BASE_URL: 'base URL of the Twilio API, or of a server speaking it (default https://api.twilio.com)',
  TWILIO_MESSAGING_SERVICE_SID: "Twilio messaging service (MG…) to send through instead of the campaign's sender (optional)",
  TWILIO_FROM:
    'sender of campaigns that have not set one: an alphanumeric ID, a short code or a number that is not a French mobile (optional)',
  SMS_CALLBACK_BASE_URL: 'public base URL the SMS provider calls back for delivery reports and replies (default PUBLIC_URL)',
  LISTENING_SECRET_KEY:
    "32-byte key (base64 or 64 hex digits) sealing the social accounts' tokens and passwords (AES-256-GCM); unset = no social account can be connected",
  LISTENING_ALLOW_NETWORKS:
    'comma-separated CIDRs that watched feeds and social servers may be reached on although private or loopback (tests, a local demo); unset = public addresses only',
};

/** The same, in French, for `relais --help` in French. */
export const CONFIG_DOC_FR: Record<keyof typeof CONFIG_DOC, string> = {
  PORT: 'port HTTP (par défaut 3000)',
  HOST: 'interface d’écoute (par défaut 0.0.0.0)',
  DATABASE_URL: 'URL postgres://… ; absente = base PGlite embarquée sous DATA_DIR',
  DATA_DIR: 'dossier de la base embarquée et des caches (par défaut ./data)',
  PUBLIC_URL: 'URL publique utilisée dans les liens envoyés par e-mail (par défaut http://localhost:PORT)',
  SMTP_URL: 'relais smtp://utilisateur:mdp@hôte:port ; absent = boîte de développement dans le back-office',
  MAIL_FROM: 'expéditeur des e-mails du système (par défaut « Relais <no-reply@relais.local> »)',
  LOG_LEVEL: 'fatal|error|warn|info|debug|trace|silent (par défaut info)',
  RELAIS_WORKER: '« embedded » pour exécuter les tâches de fond dans le serveur (forcé avec PGlite), « off » sinon',
  RELAIS_OPENDATA_DIR: 'dossier miroir local des fichiers de données ouvertes (évite les téléchargements)',
  COOKIE_SECURE: '« true » pour marquer les cookies Secure (par défaut : oui quand PUBLIC_URL est en https)',
  SESSION_TTL_HOURS: 'durée d’une session du back-office (par défaut 336 = 14 jours)',
  LOGIN_MAX_FAILURES: 'échecs de connexion d’un e-mail depuis une adresse avant de verrouiller ce couple (par défaut 5)',
  LOGIN_LOCK_MINUTES: 'fenêtre de comptage de ces échecs, et durée du verrouillage (par défaut 15)',
  TRUST_PROXY:
    'adresses ou CIDR des proxys inverses, séparés par des virgules, dont X-Forwarded-For donne l’adresse du client (plus loopback, linklocal, uniquelocal) ; absent = aucun, l’adresse de la connexion est celle du client',
  IMPORT_MAX_MB: 'plus gros import de personnes accepté, en Mo (par défaut 256)',
  IMPORT_SOURCE_RETENTION_DAYS:
    'jours de conservation d’un fichier importé après la fin de son import, ou après son envoi s’il n’a jamais été lancé (par défaut 7, au moins 1)',
  IMPORT_REJECTED_RETENTION_DAYS:
    'jours pendant lesquels les lignes rejetées d’un import restent téléchargeables (par défaut 30, au moins 1)',
  DATABASE_POOL_SIZE: 'connexions du pool PostgreSQL (par défaut 10, au moins 1)',
  DATABASE_ACQUIRE_TIMEOUT_MS: 'attente maximale d’une connexion libre avant de répondre 503, en ms (par défaut 5000, au moins 1)',
  STATEMENT_TIMEOUT_MS:
    'plus longue instruction de la transaction d’une requête, en ms, PostgreSQL seulement (par défaut 30000 ; 0 = sans limite)',
  IDLE_IN_TRANSACTION_TIMEOUT_MS:
    'PostgreSQL ferme une session inactive dans une transaction après ce délai, en ms (par défaut 60000 ; 0 = sans limite)',
  API_TOKEN_RATE_LIMIT:
    'requêtes par minute permises à un jeton d’API sans limite propre, comptées par instance du serveur (par défaut 600, au moins 1)',
  FILES_BACKEND: '« folder » (par défaut : fichiers sous DATA_DIR) ou « s3 » (un compartiment compatible S3, réglages S3_*)',
  S3_ENDPOINT: 'URL du service compatible S3 (par ex. http://minio:9000) ; absente = AWS S3 de S3_REGION',
  S3_BUCKET: 'compartiment des fichiers (obligatoire avec FILES_BACKEND=s3 ; il doit exister)',
  S3_REGION: 'région du compartiment (par défaut us-east-1)',
  S3_ACCESS_KEY_ID: 'clé d’accès ; avec S3_SECRET_ACCESS_KEY, ou les deux absentes pour les identifiants du SDK (rôle de l’instance…)',
  S3_SECRET_ACCESS_KEY: 'clé secrète allant avec S3_ACCESS_KEY_ID',
  S3_FORCE_PATH_STYLE:
    '« true » pour mettre le compartiment dans le chemin de l’URL, comme MinIO et la plupart des serveurs auto-hébergés (par défaut false)',
  MAILING_SMTP_URL:
    'relais smtp://utilisateur:mdp@hôte:port des envois en nombre (lettres d’information) ; absent = SMTP_URL ; les deux absents = boîte de développement',
  MAILING_FROM:
    'adresse d’expédition des envois, par ex. lettre@campagne.fr (par défaut : l’adresse de MAIL_FROM) ; prendre le domaine DKIM pour l’alignement DMARC',
  MAILING_RATE_PER_SECOND: 'messages par seconde que chaque processus d’envoi remet au relais (par défaut 20, au moins 1)',
  MAILING_SMTP_CONNECTIONS: 'connexions SMTP ouvertes vers le relais pour les envois (par défaut 5, au moins 1)',
  MAILING_TOKEN_SECRET:
    'clé (32 caractères ou plus) signant les jetons des adresses de retour et des liens de désinscription ; obligatoire quand les envois passent par SMTP ; absente sans SMTP = une clé aléatoire à chaque démarrage (boîte de développement seulement)',
  BOUNCE_DOMAIN:
    'domaine des adresses de retour propres à chaque message bounces+<jeton>@domaine (VERP), dont la boîte reçoit les rebonds (par défaut : le domaine de MAILING_FROM)',
  DKIM_DOMAIN:
    'domaine qui signe les envois avec DKIM (d=) ; avec DKIM_SELECTOR et DKIM_PRIVATE_KEY, ou les trois absents pour ne pas signer',
  DKIM_SELECTOR: 'sélecteur DKIM (s=) : la clé est publiée en <sélecteur>._domainkey.<domaine>',
  DKIM_PRIVATE_KEY: 'clé privée PEM de la signature DKIM (RSA ou Ed25519 ; « \\n » lu comme un saut de ligne)',
  WEBHOOK_ALLOW_NETWORKS:
    'CIDR, séparés par des virgules, que les webhooks peuvent joindre bien que privés ou de bouclage (par ex. 127.0.0.0/8 pour un récepteur local de démonstration) ; absent = aucun : les webhooks ne joignent que des adresses publiques',
  TWILIO_ACCOUNT_SID:
    'identifiant du compte Twilio (AC…) ; avec TWILIO_AUTH_TOKEN, les SMS passent par Twilio ; absent = la boîte d’envoi de développement',
  TWILIO_AUTH_TOKEN: 'jeton d’authentification Twilio : authentifie les requêtes et vérifie la signature X-Twilio-Signature des rappels',
  TWILIO_BASE_URL: 'URL de base de l’API Twilio, ou d’un serveur qui la parle (par défaut https://api.twilio.com)',
  TWILIO_MESSAGING_SERVICE_SID: 'service de messagerie Twilio (MG…) par lequel envoyer au lieu de l’expéditeur de la campagne (facultatif)',
  TWILIO_FROM:
    'expéditeur des campagnes qui n’en ont pas choisi : un nom alphanumérique, un numéro court ou un numéro qui n’est pas un mobile français (facultatif)',
  SMS_CALLBACK_BASE_URL:
    'URL publique de base que le fournisseur de SMS rappelle pour les accusés de réception et les réponses (par défaut PUBLIC_URL)',
  LISTENING_SECRET_KEY:
    'clé de 32 octets (base64 ou 64 chiffres hexadécimaux) qui chiffre les jetons et mots de passe des comptes sociaux (AES-256-GCM) ; absente = aucun compte social ne peut être connecté',
  LISTENING_ALLOW_NETWORKS:
    'CIDR, séparés par des virgules, où les flux veillés et les serveurs sociaux peuvent être joints bien que privés ou de bouclage (tests, démonstration locale) ; absent = adresses publiques seulement',
  RELAIS_LOCALE:
    'langue de la commande relais, fr ou en (par défaut : la langue du système LC_ALL/LC_MESSAGES/LANG si elle est anglaise, sinon le français)',
  BOUNCE_IMAP_URL:
    'imaps://hôte:993/INBOX (ou imap://, STARTTLS s’il est proposé) de la boîte qui reçoit les rebonds (rapports RFC 3464, plaintes ARF) ; absente = non relevée',
  BOUNCE_IMAP_USER: 'utilisateur de la boîte des rebonds',
  BOUNCE_IMAP_PASSWORD: 'mot de passe de la boîte des rebonds',
  BOUNCE_IMAP_DONE_MAILBOX:
    'dossier où ranger les messages traités de la boîte des rebonds (créé au besoin) ; absent = ils restent, marqués comme lus',
  MAILGUN_WEBHOOK_SIGNING_KEY: 'clé de signature des webhooks HTTP de Mailgun : active POST /api/v1/webhooks/mail/mailgun/{campagne}',
  SENDGRID_WEBHOOK_PUBLIC_KEY:
    'clé de vérification de l’Event Webhook de SendGrid (base64, telle que l’affichent les réglages) : active POST /api/v1/webhooks/mail/sendgrid/{campagne}',
};

/**
 * The language of the `relais` command, help and output alike: RELAIS_LOCALE (fr or en) when set,
 * else English when the system locale (LC_ALL, LC_MESSAGES, LANG, in that order) is English, else
 * French — the product's first language.
 */
export function cliLocaleOf(env: NodeJS.ProcessEnv = process.env): 'fr' | 'en' {
  const chosen = env.RELAIS_LOCALE?.trim().toLowerCase();
  if (chosen === 'fr' || chosen === 'en') return chosen;
  const system = env.LC_ALL || env.LC_MESSAGES || env.LANG || '';
  return /^en([_.@-]|$)/i.test(system) ? 'en' : 'fr';
}

function intVar(env: NodeJS.ProcessEnv, name: string, fallback: number, problems: string[]): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) {
    problems.push(`${name} must be a non-negative integer, got "${raw}"`);
    return fallback;
  }
  return n;
}

/** A number of days that must be at least 1 (a retention of 0 would delete a file while it is in use). */
function daysVar(env: NodeJS.ProcessEnv, name: string, fallback: number, problems: string[]): number {
  return positiveVar(env, name, fallback, problems);
}

/** A setting that must be at least 1 (a pool of 0 connections, or a wait of 0 ms, would refuse everything). */
function positiveVar(env: NodeJS.ProcessEnv, name: string, fallback: number, problems: string[]): number {
  const n = intVar(env, name, fallback, problems);
  if (n < 1) {
    problems.push(`${name} must be at least 1, got "${env[name]}"`);
    return fallback;
  }
  return n;
}

/** FILES_BACKEND and the S3_* settings. */
function filesVar(env: NodeJS.ProcessEnv, problems: string[]): FilesConfig {
  const backend = env.FILES_BACKEND?.trim() || 'folder';
  if (backend === 'folder') return { backend };
  if (backend !== 's3') {
    problems.push(`FILES_BACKEND must be "folder" or "s3", got "${backend}"`);
    return { backend: 'folder' };
  }
  const endpoint = env.S3_ENDPOINT?.trim() || null;
  if (endpoint && !/^https?:\/\/[^/]/.test(endpoint)) problems.push(`S3_ENDPOINT must be an http:// or https:// URL, got "${endpoint}"`);
  const bucket = env.S3_BUCKET?.trim() ?? '';
  // S3's bucket naming rules (3–63 lower-case letters, digits, dots, hyphens).
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket))
    problems.push(`S3_BUCKET must name a bucket (3-63 of a-z 0-9 . -), got "${bucket}"`);
  const region = env.S3_REGION?.trim() || 'us-east-1';
  if (!/^[a-z0-9-]+$/.test(region)) problems.push(`S3_REGION must be a region name such as eu-west-3, got "${region}"`);
  const accessKeyId = env.S3_ACCESS_KEY_ID?.trim() || null;
  const secretAccessKey = env.S3_SECRET_ACCESS_KEY?.trim() || null;
  if ((accessKeyId === null) !== (secretAccessKey === null))
    problems.push('S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY must be set together');
  const pathStyle = env.S3_FORCE_PATH_STYLE?.trim();
  if (pathStyle && !['true', 'false'].includes(pathStyle)) problems.push('S3_FORCE_PATH_STYLE must be "true" or "false"');
  return { backend, endpoint, bucket, region, accessKeyId, secretAccessKey, forcePathStyle: pathStyle === 'true' };
}

const PROXY_KEYWORDS = ['loopback', 'linklocal', 'uniquelocal'];

/** The trusted proxies of TRUST_PROXY: each an address, a CIDR or a proxy-addr keyword. */
function trustProxyVar(env: NodeJS.ProcessEnv, problems: string[]): false | string[] {
  const raw = env.TRUST_PROXY?.trim();
  if (!raw) return false;
  const entries = raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const bad = entries.filter((entry) => {
    if (PROXY_KEYWORDS.includes(entry)) return false;
    const [address = '', bits, ...rest] = entry.split('/');
    const family = isIP(address);
    if (family === 0 || rest.length > 0) return true;
    if (bits === undefined) return false;
    const n = Number(bits);
    return !/^\d{1,3}$/.test(bits) || n > (family === 4 ? 32 : 128);
  });
  if (bad.length > 0 || entries.length === 0) {
    problems.push(
      `TRUST_PROXY must list proxy addresses or CIDRs (e.g. 10.0.0.0/8,::1) or loopback/linklocal/uniquelocal, got "${bad.join(', ') || raw}"`,
    );
    return false;
  }
  return entries;
}

/** A comma-separated list of CIDRs (an address alone is its own /32 or /128). */
function cidrListVar(env: NodeJS.ProcessEnv, name: string, problems: string[]): string[] {
  const raw = env[name]?.trim();
  if (!raw) return [];
  const entries = raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const bad = entries.filter((entry) => {
    const [address = '', bits, ...rest] = entry.split('/');
    const family = isIP(address);
    if (family === 0 || rest.length > 0) return true;
    return bits !== undefined && (!/^\d{1,3}$/.test(bits) || Number(bits) > (family === 4 ? 32 : 128));
  });
  if (bad.length > 0) problems.push(`${name} must list CIDRs (e.g. 127.0.0.0/8,::1/128), got "${bad.join(', ')}"`);
  return bad.length > 0 ? [] : entries;
}

/** The address inside "Name <address>" (or the text itself). */
function addressOf(from: string): string {
  return (/<([^>]+)>/.exec(from)?.[1] ?? from).trim();
}

/** MAILING_*, BOUNCE_DOMAIN and DKIM_*: the settings of bulk mail. */
function mailingVar(env: NodeJS.ProcessEnv, smtpUrl: string | null, mailFrom: string, problems: string[]): MailingConfig {
  const own = env.MAILING_SMTP_URL?.trim() || null;
  if (own && !/^smtps?:\/\//.test(own)) problems.push('MAILING_SMTP_URL must start with smtp:// or smtps://');
  const relay = own ?? smtpUrl;
  const fromAddress = env.MAILING_FROM?.trim() || addressOf(mailFrom);
  if (!/^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/.test(fromAddress)) problems.push(`MAILING_FROM must be an e-mail address, got "${fromAddress}"`);
  const bounceDomain = env.BOUNCE_DOMAIN?.trim().toLowerCase() || (fromAddress.split('@')[1] ?? '').toLowerCase();
  if (env.BOUNCE_DOMAIN?.trim() && !/^[a-z0-9.-]+\.[a-z]{2,}$/.test(bounceDomain))
    problems.push(`BOUNCE_DOMAIN must be a domain name, got "${bounceDomain}"`);
  let tokenSecret = env.MAILING_TOKEN_SECRET?.trim() || '';
  if (tokenSecret && tokenSecret.length < 32) problems.push('MAILING_TOKEN_SECRET must be at least 32 characters');
  // Over SMTP the links of sent mail must outlive a restart; the outbox can do with a fresh key.
  if (!tokenSecret && relay)
    problems.push('MAILING_TOKEN_SECRET is required when mailings go out over SMTP (MAILING_SMTP_URL or SMTP_URL)');
  if (!tokenSecret) tokenSecret = newSecret('', 32);
  const domainName = env.DKIM_DOMAIN?.trim().toLowerCase() || null;
  const keySelector = env.DKIM_SELECTOR?.trim() || null;
  const privateKey = env.DKIM_PRIVATE_KEY?.trim().replace(/\\n/g, '\n') || null;
  let dkim: MailingConfig['dkim'] = null;
  if (domainName || keySelector || privateKey) {
    if (!domainName || !keySelector || !privateKey) problems.push('DKIM_DOMAIN, DKIM_SELECTOR and DKIM_PRIVATE_KEY must be set together');
    else if (!/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(privateKey)) problems.push('DKIM_PRIVATE_KEY must be a PEM private key');
    else dkim = { domainName, keySelector, privateKey };
  }
  return {
    smtpUrl: relay,
    fromAddress,
    ratePerSecond: positiveVar(env, 'MAILING_RATE_PER_SECOND', 20, problems),
    connections: positiveVar(env, 'MAILING_SMTP_CONNECTIONS', 5, problems),
    bounceDomain,
    tokenSecret,
    dkim,
  };
}

/** A 32-byte key written in base64 or hex; null when unset. */
function secretKeyVar(env: NodeJS.ProcessEnv, name: string, problems: string[]): Buffer | null {
  const raw = env[name]?.trim();
  if (!raw) return null;
  const key = /^[0-9a-fA-F]{64}$/.test(raw) ? Buffer.from(raw, 'hex') : Buffer.from(raw, 'base64');
  if (key.length !== 32) {
    problems.push(`${name} must be 32 bytes written in base64 or as 64 hex digits`);
    return null;
  }
  return key;
}

/** MAILING_DNS_*: the resolvers the deliverability check asks. */
function dnsVar(env: NodeJS.ProcessEnv, problems: string[]): DnsConfig {
  const servers = (env.MAILING_DNS_SERVERS ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const bad = servers.filter((entry) => {
    const m = /^\[([^\]]+)\](?::(\d{1,5}))?$/.exec(entry) ?? /^([^:]+)(?::(\d{1,5}))?$/.exec(entry) ?? [entry, entry, undefined];
    const port = m[2] === undefined ? 53 : Number(m[2]);
    return isIP(m[1] ?? '') === 0 || port < 1 || port > 65535;
  });
  if (bad.length > 0) problems.push(`MAILING_DNS_SERVERS must list addresses or address:port, got "${bad.join(', ')}"`);
  return { servers: bad.length > 0 ? [] : servers, timeoutMs: positiveVar(env, 'MAILING_DNS_TIMEOUT_MS', 3000, problems) };
}

/** The bounce mailbox and the mail providers' webhook keys. */
function bouncesVar(env: NodeJS.ProcessEnv, problems: string[]): BouncesConfig {
  const raw = env.BOUNCE_IMAP_URL?.trim();
  let imap: BouncesConfig['imap'] = null;
  if (raw) {
    let url: URL | null = null;
    try {
      url = new URL(raw);
    } catch {
      problems.push(`BOUNCE_IMAP_URL is not a URL: "${raw}"`);
    }
    if (url && url.protocol !== 'imap:' && url.protocol !== 'imaps:') {
      problems.push('BOUNCE_IMAP_URL must start with imap:// or imaps://');
    } else if (url) {
      const user = env.BOUNCE_IMAP_USER?.trim() || decodeURIComponent(url.username);
      const password = env.BOUNCE_IMAP_PASSWORD ?? decodeURIComponent(url.password);
      if (!user || !password) problems.push('BOUNCE_IMAP_URL needs BOUNCE_IMAP_USER and BOUNCE_IMAP_PASSWORD');
      const secure = url.protocol === 'imaps:';
      imap = {
        host: url.hostname.replace(/^\[|\]$/g, ''),
        port: url.port ? Number(url.port) : secure ? 993 : 143,
        secure,
        user,
        password,
        mailbox: decodeURIComponent(url.pathname.replace(/^\//, '')) || 'INBOX',
        doneMailbox: env.BOUNCE_IMAP_DONE_MAILBOX?.trim() || null,
      };
    }
  }
  const sendgridPublicKey = env.SENDGRID_WEBHOOK_PUBLIC_KEY?.trim() || null;
  if (sendgridPublicKey) {
    try {
      const key = sendgridPublicKey.startsWith('-----BEGIN')
        ? createPublicKey(sendgridPublicKey)
        : createPublicKey({ key: Buffer.from(sendgridPublicKey, 'base64'), format: 'der', type: 'spki' });
      if (key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') throw new Error('not P-256');
    } catch {
      problems.push('SENDGRID_WEBHOOK_PUBLIC_KEY must be an ECDSA P-256 public key (base64 DER, as SendGrid shows it, or PEM)');
    }
  }
  return { imap, mailgunSigningKey: env.MAILGUN_WEBHOOK_SIGNING_KEY?.trim() || null, sendgridPublicKey };
}

/** An http(s) URL setting without its trailing slash, or null when unset. */
function urlVar(env: NodeJS.ProcessEnv, name: string, problems: string[]): string | null {
  const raw = env[name]?.trim();
  if (!raw) return null;
  if (!/^https?:\/\/[^/]/.test(raw) || !URL.canParse(raw)) {
    problems.push(`${name} must be an http:// or https:// URL, got "${raw}"`);
    return null;
  }
  return raw.replace(/\/$/, '');
}

/** The TWILIO_* settings: none, or an account SID and auth token together. */
function twilioVar(env: NodeJS.ProcessEnv, problems: string[]): TwilioConfig | null {
  const accountSid = env.TWILIO_ACCOUNT_SID?.trim() || null;
  const authToken = env.TWILIO_AUTH_TOKEN?.trim() || null;
  const baseUrl = urlVar(env, 'TWILIO_BASE_URL', problems) ?? 'https://api.twilio.com';
  if (accountSid === null && authToken === null) return null;
  if (accountSid === null || authToken === null) {
    problems.push('TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN must be set together');
    return null;
  }
  if (!/^[A-Za-z0-9]{2,64}$/.test(accountSid)) problems.push(`TWILIO_ACCOUNT_SID must be an account SID (AC…), got "${accountSid}"`);
  return {
    accountSid,
    authToken,
    baseUrl,
    messagingServiceSid: env.TWILIO_MESSAGING_SERVICE_SID?.trim() || null,
    from: env.TWILIO_FROM?.trim() || null,
  };
}

/** Reads and validates the configuration; reports every bad variable at once. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<Config> = {}): Config {
  const problems: string[] = [];
  const port = intVar(env, 'PORT', 3000, problems);
  if (port > 65535) problems.push(`PORT must be at most 65535, got ${port}`);
  const databaseUrl = env.DATABASE_URL?.trim() || null;
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    problems.push('DATABASE_URL must start with postgres:// or postgresql://');
  }
  const smtpUrl = env.SMTP_URL?.trim() || null;
  if (smtpUrl && !/^smtps?:\/\//.test(smtpUrl)) problems.push('SMTP_URL must start with smtp:// or smtps://');
  const logLevel = (env.LOG_LEVEL ?? 'info') as Config['logLevel'];
  if (!LOG_LEVELS.includes(logLevel)) problems.push(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}`);
  const publicUrl = (env.PUBLIC_URL?.trim() || `http://localhost:${port}`).replace(/\/$/, '');
  try {
    new URL(publicUrl);
  } catch {
    problems.push(`PUBLIC_URL is not a URL: "${publicUrl}"`);
  }
  const worker = env.RELAIS_WORKER ?? 'embedded';
  if (!['embedded', 'off'].includes(worker)) problems.push('RELAIS_WORKER must be "embedded" or "off"');
  const cookieSecureRaw = env.COOKIE_SECURE;
  if (cookieSecureRaw !== undefined && !['true', 'false'].includes(cookieSecureRaw)) {
    problems.push('COOKIE_SECURE must be "true" or "false"');
  }
  const mailFrom = env.MAIL_FROM?.trim() || 'Relais <no-reply@relais.local>';
  const config: Config = {
    port,
    host: env.HOST?.trim() || '0.0.0.0',
    databaseUrl,
    dataDir: path.resolve(env.DATA_DIR?.trim() || 'data'),
    publicUrl,
    smtpUrl,
    mailFrom,
    logLevel,
    embeddedWorker: databaseUrl === null || worker === 'embedded',
    opendataDir: env.RELAIS_OPENDATA_DIR?.trim() ? path.resolve(env.RELAIS_OPENDATA_DIR.trim()) : null,
    cookieSecure: cookieSecureRaw ? cookieSecureRaw === 'true' : publicUrl.startsWith('https://'),
    sessionTtlHours: intVar(env, 'SESSION_TTL_HOURS', 336, problems),
    loginMaxFailures: intVar(env, 'LOGIN_MAX_FAILURES', 5, problems),
    loginLockMinutes: intVar(env, 'LOGIN_LOCK_MINUTES', 15, problems),
    trustProxy: trustProxyVar(env, problems),
    webDistDir: path.resolve(import.meta.dirname, '../../dist/web'),
    importMaxBytes: intVar(env, 'IMPORT_MAX_MB', 256, problems) * 1024 * 1024,
    importSourceRetentionDays: daysVar(env, 'IMPORT_SOURCE_RETENTION_DAYS', 7, problems),
    importRejectedRetentionDays: daysVar(env, 'IMPORT_REJECTED_RETENTION_DAYS', 30, problems),
    databasePoolSize: positiveVar(env, 'DATABASE_POOL_SIZE', 10, problems),
    databaseAcquireTimeoutMs: positiveVar(env, 'DATABASE_ACQUIRE_TIMEOUT_MS', 5000, problems),
    statementTimeoutMs: intVar(env, 'STATEMENT_TIMEOUT_MS', 30_000, problems),
    idleInTransactionTimeoutMs: intVar(env, 'IDLE_IN_TRANSACTION_TIMEOUT_MS', 60_000, problems),
    apiTokenRateLimit: positiveVar(env, 'API_TOKEN_RATE_LIMIT', 600, problems),
    files: filesVar(env, problems),
    webhookAllowNetworks: cidrListVar(env, 'WEBHOOK_ALLOW_NETWORKS', problems),
    mailing: mailingVar(env, smtpUrl && /^smtps?:\/\//.test(smtpUrl) ? smtpUrl : null, mailFrom, problems),
    bounces: bouncesVar(env, problems),
    twilio: twilioVar(env, problems),
    smsCallbackBaseUrl: urlVar(env, 'SMS_CALLBACK_BASE_URL', problems) ?? publicUrl,
    dns: dnsVar(env, problems),
    listening: {
      secretKey: secretKeyVar(env, 'LISTENING_SECRET_KEY', problems),
      allowNetworks: cidrListVar(env, 'LISTENING_ALLOW_NETWORKS', problems),
    },
    ...overrides,
  };
  if (problems.length > 0) throw new ConfigError(problems);
  return Object.freeze(config);
}
