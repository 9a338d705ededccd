// What the `relais` command says, in French (the default) and English: its help and its output
// follow one locale, RELAIS_LOCALE, else the system's (LC_ALL, LC_MESSAGES, LANG) — see config.ts.
import { type Command, Help } from 'commander';
import { type ConfigError, cliLocaleOf } from '../server/config.ts';
import type { DemoNotice } from '../server/modules/demo/index.ts';

const fr = {
  program: 'Relais — plateforme de campagne et d’organisation citoyenne',
  envTitle: 'Variables d’environnement :',
  usage: 'Utilisation :',
  options: 'Options :',
  commands: 'Commandes :',
  arguments: 'Arguments :',
  help: 'affiche l’aide de la commande',
  version: 'affiche le numéro de version',
  helpCommand: 'affiche l’aide d’une commande',
  default: 'par défaut',
  choices: 'choix',
  commandArg: '[commande]',
  campaign: 'campagne (par défaut : la première)',
  start: 'Construit le back-office si besoin, met la base à jour, crée la campagne de démonstration au premier lancement et sert',
  serve: 'Sert le HTTP (et exécute les tâches de fond dans le même processus sur la base embarquée ou avec RELAIS_WORKER=embedded)',
  worker: 'Exécute les tâches de fond (PostgreSQL seulement ; sur la base embarquée elles tournent dans serve)',
  listeningKeyCreated:
    'Veille : clé de chiffrement des comptes sociaux créée pour la démo dans {file} (gardez-la : sans elle, les comptes connectés ne s’ouvrent plus ; hors démo, fixez LISTENING_SECRET_KEY).',
  listeningKeyKept: 'Veille : clé de chiffrement des comptes sociaux de la démo lue dans {file}.',
  listeningLoopback:
    'Veille : démo, les flux de cette machine (127.0.0.1, ::1) peuvent être surveillés (LISTENING_ALLOW_NETWORKS absente).',
  listeningKeyMissing:
    'Configuration : LISTENING_SECRET_KEY est absente. La veille lit les flux RSS, mais aucun compte social (Mastodon, Bluesky, X) ne peut être connecté, et ceux déjà connectés apparaissent déconnectés. Créez une clé (openssl rand -base64 32) et gardez-la.',
  workerNeedsPg: '`relais worker` demande DATABASE_URL : avec la base embarquée, les tâches tournent dans `relais serve`.',
  workerRunning: 'Tâches de fond en cours pour : {kinds}',
  migrate: 'Applique les migrations de la base en attente',
  migrationApplied: 'migration appliquée : {name}',
  migrationsApplied: '{count} migration(s) appliquée(s).',
  upToDate: 'La base est à jour.',
  seed: 'Charge des données',
  seedDemo: 'Crée la campagne de démonstration « Paris 2026 » (données ouvertes de Paris, ~32 000 contacts générés, un compte par rôle)',
  seedPeople: 'nombre de contacts générés',
  user: 'Comptes de l’équipe',
  userCreate: 'Crée un compte, éventuellement membre d’une campagne',
  userEmail: 'e-mail (l’identifiant de connexion)',
  userName: 'nom affiché',
  userPassword: 'mot de passe (au moins 10 caractères)',
  userCampaign: 'campagne à rejoindre',
  userRole: 'rôle dans la campagne',
  userZones: 'codes des zones d’un référent, séparés par des virgules (ex. 11,12)',
  userReferentZones: 'Un référent a besoin de --zones avec des codes de zones existants.',
  userCreated: 'Compte {email} créé ({id}).',
  userCreatedMember: 'Compte {email} créé ({id}), {role} de {campaign}.',
  token: 'Jetons d’API',
  tokenCreate: 'Crée un jeton d’API pour une campagne ; le secret n’est affiché qu’une fois',
  tokenName: 'à quoi sert le jeton',
  tokenScopes: 'portées séparées par des virgules, parmi : {scopes}',
  tokenUnknownScopes: 'Portée(s) inconnue(s) : {scopes}',
  tokenApplication: 'l’application qui s’en sert (par défaut, le nom du jeton)',
  tokenDescription: 'une description pour l’équipe',
  tokenRateLimit: 'requêtes par minute permises à ce jeton (par défaut, API_TOKEN_RATE_LIMIT)',
  tokenRateLimitInvalid: '--rate-limit attend un nombre entier de requêtes par minute, de 1 à 100 000.',
  tokenCreated: 'Jeton « {name} » créé pour l’application « {application} » (portées : {scopes}). Il ne sera plus affiché.',
  opendata: 'Données ouvertes d’une ville',
  opendataFetch: 'Télécharge les fichiers ouverts d’une ville dans le cache (ou vérifie le miroir local RELAIS_OPENDATA_DIR)',
  opendataCity: 'ville (paris)',
  opendataFetched: '{city} : {where}',
  opendataMirror: 'miroir local {dir}',
  opendataDownloaded: 'téléchargées dans {dir}',
  opendataCached: 'déjà téléchargées dans {dir}',
  opendataMissing: 'manquants : {files}',
  jobs: 'Tâches de fond',
  jobsDemo: 'Met en file la tâche de démonstration et suit son avancement',
  jobsSteps: 'étapes',
  jobsQueued: 'tâche {id} en file',
  jobsShow: 'Affiche l’état et l’avancement d’une tâche',
  jobsId: 'identifiant de la tâche',
  jobsFollow: 'suit l’avancement jusqu’à la fin de la tâche',
  jobNotFound: 'Aucune tâche {id}.',
  jobSucceeded: 'Terminée.',
  jobFailed: 'Échec : {error}',
  noCampaign: 'Aucune campagne « {slug} ».',
  noCampaignYet: 'Aucune campagne pour l’instant : lancez d’abord `relais seed demo`.',
  running: 'Relais tourne sur {url}  (base : {database}{worker})',
  runningWorker: ', tâches de fond : embarquées',
  runningEmbedded: 'embarquée (PGlite)',
  runningLinks: '  back-office : {url}/app/   API : {url}/api/v1   documentation de l’API : {url}/api/docs',
  import: 'Importe des données depuis des fichiers',
  importPeople: 'Importe des personnes, en reconnaissant les en-têtes de colonnes (ou comme la dernière fois pour les mêmes en-têtes)',
  importFile: 'fichier CSV (tout séparateur, UTF-8 ou Windows-1252) ou XLSX',
  importOnDuplicate: 'personnes déjà dans la base (même e-mail, ou téléphone) : update les complète, skip les laisse',
  importTag: 'ajoute cette étiquette à chaque personne importée (répétable ; créée si elle manque)',
  importList: 'ajoute chaque personne importée à cette liste (son nom, sans tenir compte de la casse, ou son identifiant)',
  importConsent: 'enregistre un consentement donné sur ces canaux ({channels}, séparés par des virgules) ; demande --consent-text',
  importConsentText: 'le texte montré aux personnes quand elles ont accepté, gardé comme preuve (obligatoire avec --consent)',
  importMap:
    'associe une colonne à un champ, à la place de l’association automatique (répétable), ex. --map "Portable=phone" --map "Remarques=ignore"',
  importJson:
    'écrit {"created","updated","rejected","rejectedFile"} en JSON sur la sortie standard (rejectedFile : les lignes rejetées, enregistrées à côté du fichier)',
  importFields: 'Champs pour --map : {fields}, ou custom:<clé> (un champ personnalisé de la campagne).',
  examples: 'Exemples :',
  importNoFile: 'Aucun fichier {file}.',
  importDone: 'Import terminé : {created} créée(s), {updated} mise(s) à jour, {skipped} ignorée(s), {rejected} rejetée(s).',
  importRejectedFile: 'Lignes rejetées (avec leur motif) : {file}',
  importFailed: 'L’import a échoué : {error}',
  unknownError: 'erreur inconnue',
  progressImport: 'import',
  export: 'Exporte des données (CSV sur la sortie standard)',
  exportPeople: 'Écrit les personnes d’une campagne, ou d’un segment enregistré, en CSV (UTF-8 avec BOM, « ; ») sur la sortie standard',
  exportSegment: 'identifiant d’un segment enregistré (par défaut : tout le monde)',
  exportDone: '{count} personnes exportées de « {campaign} »{segment}.',
  exportDoneSegment: ' (segment {id})',
  exportDoneServer: '{count} personnes exportées par le serveur en marche{segment}.',
  exportNoSegment: 'Aucun segment {id}.',
  exportNoSegmentIn: 'Aucun segment {id} dans la campagne « {campaign} ».',
  exportRefused: 'Le serveur a refusé l’export : {detail} ({code}).',
  exportSegmentInvalid: '--segment attend l’identifiant d’un segment (un UUID), pas « {value} ».',
  noLocalChannel:
    'Un serveur Relais (pid {pid}) tient la base embarquée dans {dir} mais n’offre pas de canal local à la ligne de commande : arrêtez-le, ou redémarrez-le avec cette version.',
  dataLocked:
    'La base embarquée dans {dir} est utilisée par un autre processus Relais (pid {pid}). Arrêtez-le d’abord (la base embarquée n’admet qu’un processus), ou travaillez sur PostgreSQL avec DATABASE_URL.',
  serverRefused: 'Le serveur a refusé la demande : {detail} ({code}).',
  refused: 'Demande refusée : {detail} ({code}).',
  configInvalid: 'Configuration invalide :\n  - {problems}',
  importTooManyTags: '--tag : {max} étiquettes au plus.',
  importTagTooLong: '--tag « {tag} » : une étiquette a {max} caractères au plus.',
  importConsentChannels: '--consent « {value} » : canaux attendus parmi {channels}, séparés par des virgules.',
  importConsentNeedsText:
    '--consent demande --consent-text « … » : le texte montré aux personnes quand elles ont accepté, gardé comme preuve de leur consentement.',
  importConsentTextTooLong: '--consent-text : {max} caractères au plus.',
  importConsentTextAlone: '--consent-text est la preuve d’un consentement : donnez aussi les canaux avec --consent email,sms,…',
  importColumns: '{error} (colonnes : {columns})',
  importRejectedDownload: 'Les lignes rejetées n’ont pas pu être téléchargées (HTTP {status}).',
  sandbox:
    'Crée une campagne jetable de données générées et un jeton d’API en lecture seule, pour un hackathon (ou en supprime une avec --remove)',
  sandboxPeople: 'nombre de contacts générés (par défaut : {count})',
  sandboxSynthetic: 'prend la petite ville générée même quand les données ouvertes de Paris sont là (plus rapide)',
  sandboxRemove: 'supprime ce bac à sable et toutes ses données',
  sandboxJson: 'écrit le bac à sable (slug, token, api_url, scopes, people, remove_command) en JSON',
  sandboxPeopleInvalid: '--people : un nombre entier de 1 à {max}.',
  sandboxRemoved: 'Bac à sable « {slug} » supprimé, avec toutes ses données.',
  sandboxCreated: 'Bac à sable « {slug} » créé : {people} contacts générés {where}.',
  sandboxInParis: 'à Paris',
  sandboxInGenerated: 'dans une ville générée (pas Paris)',
  sandboxApi: '  API          {url}   (documentation : {docs})',
  sandboxToken: '  Jeton        {token}',
  sandboxTokenScopes: '               lecture seule ({scopes}) ; il ne sera plus affiché.',
  sandboxTry: '  Essai        {command}',
  sandboxRemoval: '  Suppression  {command}   (la campagne et toutes ses données)',
  webBuilding: 'Construction du back-office (premier lancement)…',
  webNoVite:
    'Le back-office n’est pas construit et Vite n’est pas installé : lancez `npm install` (avec les dépendances de développement), puis relancez.',
  opendataUnknownCity: 'Pas de données ouvertes connues pour « {city} » (villes connues : {cities}).',
  demoOpendataUnavailable: 'Données ouvertes de Paris indisponibles ({error}).',
  demoOpendata: 'Données ouvertes de Paris : {where}.',
  demoSynthetic:
    'Impossible d’obtenir les données ouvertes de Paris (hors ligne, et pas de miroir RELAIS_OPENDATA_DIR) : les données sont celles d’une PETITE VILLE GÉNÉRÉE, pas de Paris. Indiquez un dossier miroir dans RELAIS_OPENDATA_DIR, ou lancez `relais opendata fetch paris` en ligne.',
  demoCampaign: 'Campagne de démonstration « Paris 2026 ».',
  demoCampaignSynthetic: 'Campagne de démonstration « Paris 2026 », sur une ville GÉNÉRÉE (les données ouvertes de Paris manquaient).',
  demoLogins: 'Comptes de démonstration (mot de passe de tous : {password}) :',
  stepAddresses: 'adresses',
  stepPeopleAddresses: 'adresses des contacts',
  stepPeople: 'contacts',
  stepConsents: 'consentements',
  stepIndicators: 'indicateurs',
  stepResults: 'résultats',
  mailing: 'Envois d’e-mails, par l’API du serveur (le serveur local sur la base embarquée, ou --api avec un jeton)',
  mailingSend: 'Lance un envoi et suit son avancement jusqu’à la fin (Ctrl-C arrête le suivi, pas l’envoi)',
  mailingReport: 'Affiche le bilan d’un envoi : ses chiffres, par variante, par arrondissement et par lien',
  mailingId: 'identifiant de l’envoi',
  mailingApi:
    'adresse du serveur Relais (ex. https://relais.exemple.fr, ou RELAIS_API_URL) ; sans elle, le serveur qui tient la base embarquée',
  mailingToken: 'jeton d’API pour --api (ou RELAIS_API_TOKEN ; portées messages:read, et messages:send pour envoyer)',
  mailingCounted: 'human : événements humains seulement ; all : aussi les ouvertures automatiques d’Apple Mail et les robots',
  mailingIdInvalid: 'L’envoi est désigné par son identifiant (un UUID), pas « {value} ».',
  mailingNeedsToken: '--api demande un jeton : --token ou RELAIS_API_TOKEN.',
  mailingNoServer: 'Aucun serveur Relais ne tourne sur la base embarquée de {dir} : lancez `relais start`, ou donnez --api et --token.',
  mailingNeedsApi:
    'Avec PostgreSQL, la commande passe par l’API d’un serveur : donnez --api et --token (ou RELAIS_API_URL et RELAIS_API_TOKEN).',
  mailingUnreachable: 'Le serveur {url} ne répond pas ({error}).',
  mailingStarted: 'Envoi « {name} » lancé : {total} destinataires.',
  mailingFollowing: 'Envoi « {name} » déjà en cours : suivi de son avancement.',
  mailingDone: 'Envoi terminé : {sent} envoyés, {failed} en échec, {skipped} écartés (désinscrits entre-temps).',
  mailingPaused: 'Envoi mis en pause : {sent} envoyés sur {total}. Pour le reprendre : relais mailing send {id}',
  mailingCancelled: 'Envoi annulé : {sent} envoyés sur {total}.',
  mailingDetached: 'Suivi arrêté : l’envoi continue sur le serveur. Son bilan : relais mailing report {id}',
  stepMailing: 'envoi',
  statusDraft: 'brouillon',
  statusScheduled: 'programmé',
  statusSending: 'en cours d’envoi',
  statusSent: 'envoyé',
  statusPaused: 'en pause',
  statusCancelled: 'annulé',
  reportHeading: '« {name} » ({status}) — objet : {subject}',
  reportSentAt: 'Envoyé du {from} au {to}.',
  reportHuman:
    'Événements humains seulement : sans les ouvertures automatiques d’Apple Mail ni les robots (--counted all pour tout compter).',
  reportAll: 'Tous les événements, y compris les ouvertures automatiques d’Apple Mail et les robots.',
  reportTotal: 'Total',
  reportVariant: 'Variante {variant}',
  reportZones: 'Par arrondissement',
  reportColumns: 'Envoyés|Délivrés|Ouvertures|Taux d’ouv.|Clics|Taux de clic|Désinscrits|Rebonds|Plaintes',
  reportLinks: 'Clics par lien',
  reportLink: '{clicks} clics, {people} personnes : {url}',
  reportNoLinks: 'Aucun clic pour l’instant.',
};

const en: typeof fr = {
  program: 'Relais — campaign and civic-organizing platform',
  envTitle: 'Environment variables:',
  usage: 'Usage:',
  options: 'Options:',
  commands: 'Commands:',
  arguments: 'Arguments:',
  help: 'display help for command',
  version: 'output the version number',
  helpCommand: 'display help for command',
  default: 'default',
  choices: 'choices',
  commandArg: '[command]',
  campaign: 'campaign (default: the first one)',
  start: 'Build the back office if needed, migrate, seed the demo campaign on first start, and serve',
  serve: 'Serve HTTP (and run the job worker in-process on the embedded database or with RELAIS_WORKER=embedded)',
  worker: 'Run background jobs (PostgreSQL only; the embedded database runs its worker inside serve)',
  listeningKeyCreated:
    'Listening: a key sealing the social accounts was created for the demo in {file} (keep it: without it connected accounts cannot be opened; outside the demo, set LISTENING_SECRET_KEY).',
  listeningKeyKept: 'Listening: the demo’s key sealing the social accounts read from {file}.',
  listeningLoopback: 'Listening: demo, feeds on this machine (127.0.0.1, ::1) may be watched (LISTENING_ALLOW_NETWORKS unset).',
  listeningKeyMissing:
    'Configuration: LISTENING_SECRET_KEY is not set. Listening reads RSS feeds, but no social account (Mastodon, Bluesky, X) can be connected, and those already connected show as disconnected. Create a key (openssl rand -base64 32) and keep it.',
  workerNeedsPg: '`relais worker` needs DATABASE_URL: with the embedded database the worker runs inside `relais serve`.',
  workerRunning: 'Worker running for: {kinds}',
  migrate: 'Apply pending database migrations',
  migrationApplied: 'applied {name}',
  migrationsApplied: '{count} migration(s) applied.',
  upToDate: 'Database is up to date.',
  seed: 'Load data',
  seedDemo: 'Create the demo campaign "Paris 2026" (open data of Paris, ~32,000 generated contacts, one account per role)',
  seedPeople: 'number of generated contacts',
  user: 'Staff accounts',
  userCreate: 'Create a staff account, optionally a member of a campaign',
  userEmail: 'e-mail (the login)',
  userName: 'display name',
  userPassword: 'password (at least 10 characters)',
  userCampaign: 'campaign to join',
  userRole: 'role in the campaign',
  userZones: 'referent zone codes, comma-separated (e.g. 11,12)',
  userReferentZones: 'A referent needs --zones with existing zone codes.',
  userCreated: 'Created {email} ({id}).',
  userCreatedMember: 'Created {email} ({id}) as {role} of {campaign}.',
  token: 'API tokens',
  tokenCreate: 'Create an API token for a campaign; the secret is printed once',
  tokenName: 'what the token is for',
  tokenScopes: 'comma-separated scopes among: {scopes}',
  tokenUnknownScopes: 'Unknown scope(s): {scopes}',
  tokenApplication: 'the application using it (default: the token’s name)',
  tokenDescription: 'a description for the team',
  tokenRateLimit: 'requests a minute allowed to this token (default: API_TOKEN_RATE_LIMIT)',
  tokenRateLimitInvalid: '--rate-limit expects a whole number of requests a minute, from 1 to 100,000.',
  tokenCreated: 'Token "{name}" created for the application "{application}" (scopes: {scopes}). It will not be shown again.',
  opendata: 'Open data of a city',
  opendataFetch: 'Download the open-data files of a city into the cache (or check the local mirror RELAIS_OPENDATA_DIR)',
  opendataCity: 'city (paris)',
  opendataFetched: '{city}: {where}',
  opendataMirror: 'local mirror {dir}',
  opendataDownloaded: 'downloaded to {dir}',
  opendataCached: 'already downloaded in {dir}',
  opendataMissing: 'missing: {files}',
  jobs: 'Background jobs',
  jobsDemo: 'Queue the demonstration job and follow its progress',
  jobsSteps: 'steps',
  jobsQueued: 'job {id} queued',
  jobsShow: "Show a job's state and progress",
  jobsId: 'job id',
  jobsFollow: 'follow progress until the job ends',
  jobNotFound: 'No job {id}.',
  jobSucceeded: 'Succeeded.',
  jobFailed: 'Failed: {error}',
  noCampaign: 'No campaign "{slug}".',
  noCampaignYet: 'No campaign yet: run `relais seed demo` first.',
  running: 'Relais is running at {url}  (database: {database}{worker})',
  runningWorker: ', worker: embedded',
  runningEmbedded: 'embedded (PGlite)',
  runningLinks: '  back office: {url}/app/   API: {url}/api/v1   API docs: {url}/api/docs',
  import: 'Import data from files',
  importPeople: 'Import people, mapping recognisable column headers automatically (or as last time for the same headers)',
  importFile: 'CSV (any separator, UTF-8 or Windows-1252) or XLSX file',
  importOnDuplicate: 'people already in the base (same e-mail, or phone): update completes them, skip leaves them',
  importTag: 'add this tag to every imported person (repeatable; created when missing)',
  importList: 'add every imported person to this list (its name, any case, or its id)',
  importConsent: 'record consent given on these channels ({channels}, comma-separated); needs --consent-text',
  importConsentText: 'the text the people were shown when they agreed, kept as proof (required with --consent)',
  importMap: 'map a column to a field, overriding the automatic mapping (repeatable), e.g. --map "Portable=phone" --map "Remarques=ignore"',
  importJson:
    'print {"created","updated","rejected","rejectedFile"} as JSON on stdout (rejectedFile: the rejected rows, saved beside the file)',
  importFields: 'Fields for --map: {fields}, or custom:<key> (a custom field of the campaign).',
  examples: 'Examples:',
  importNoFile: 'No file {file}.',
  importDone: 'Import finished: {created} created, {updated} updated, {skipped} skipped, {rejected} rejected.',
  importRejectedFile: 'Rejected rows (with their reason): {file}',
  importFailed: 'Import failed: {error}',
  unknownError: 'unknown error',
  progressImport: 'import',
  export: 'Export data (CSV on standard output)',
  exportPeople: 'Write the people of a campaign, or of a saved segment, as CSV (UTF-8 with BOM, `;`) to standard output',
  exportSegment: 'id of a saved segment (default: everyone)',
  exportDone: '{count} people exported from "{campaign}"{segment}.',
  exportDoneSegment: ' (segment {id})',
  exportDoneServer: '{count} people exported through the running server{segment}.',
  exportNoSegment: 'No segment {id}.',
  exportNoSegmentIn: 'No segment {id} in campaign "{campaign}".',
  exportRefused: 'The server refused the export: {detail} ({code}).',
  exportSegmentInvalid: '--segment expects a segment id (a UUID), not "{value}".',
  noLocalChannel:
    'A Relais server (pid {pid}) holds the embedded database in {dir} but offers no local CLI channel: stop it, or restart it with this version.',
  dataLocked:
    'The embedded database in {dir} is in use by another Relais process (pid {pid}). Stop it first (the embedded database allows one process), or run against PostgreSQL with DATABASE_URL.',
  serverRefused: 'The server refused the request: {detail} ({code}).',
  refused: 'Refused: {detail} ({code}).',
  configInvalid: 'Invalid configuration:\n  - {problems}',
  importTooManyTags: '--tag: at most {max} tags.',
  importTagTooLong: '--tag "{tag}": a tag has at most {max} characters.',
  importConsentChannels: '--consent "{value}": expected channels among {channels}, comma-separated.',
  importConsentNeedsText:
    '--consent needs --consent-text "…": the text the people were shown when they agreed, kept as proof of their consent.',
  importConsentTextTooLong: '--consent-text: at most {max} characters.',
  importConsentTextAlone: '--consent-text is the proof of a consent: give the channels with --consent email,sms,… too.',
  importColumns: '{error} (columns: {columns})',
  importRejectedDownload: 'The rejected rows could not be downloaded (HTTP {status}).',
  sandbox: 'Create a throw-away campaign of generated data and a read-only API token, for a hackathon (or --remove one)',
  sandboxPeople: 'number of generated contacts (default: {count})',
  sandboxSynthetic: 'use the small generated city even when the open data of Paris is at hand (faster)',
  sandboxRemove: 'delete this sandbox campaign and all its data',
  sandboxJson: 'print the sandbox (slug, token, api_url, scopes, people, remove_command) as JSON',
  sandboxPeopleInvalid: '--people: a whole number from 1 to {max}.',
  sandboxRemoved: 'Sandbox "{slug}" removed, with all its data.',
  sandboxCreated: 'Sandbox "{slug}" created: {people} generated contacts {where}.',
  sandboxInParis: 'in Paris',
  sandboxInGenerated: 'in a generated city (not Paris)',
  sandboxApi: '  API          {url}   (documentation: {docs})',
  sandboxToken: '  Token        {token}',
  sandboxTokenScopes: '               read-only ({scopes}); it will not be shown again.',
  sandboxTry: '  Try          {command}',
  sandboxRemoval: '  Removal      {command}   (the campaign and all its data)',
  webBuilding: 'Building the back office (first start)…',
  webNoVite: 'The back office is not built and Vite is not installed: run `npm install` (with dev dependencies), then start again.',
  opendataUnknownCity: 'No known open data for "{city}" (known cities: {cities}).',
  demoOpendataUnavailable: 'Open data of Paris unavailable ({error}).',
  demoOpendata: 'Open data of Paris: {where}.',
  demoSynthetic:
    'No open data of Paris could be had (offline, and no RELAIS_OPENDATA_DIR mirror): the data is a SMALL GENERATED CITY, not Paris. Set RELAIS_OPENDATA_DIR to a mirror folder, or run `relais opendata fetch paris` online.',
  demoCampaign: 'Demo campaign "Paris 2026".',
  demoCampaignSynthetic: 'Demo campaign "Paris 2026", on a GENERATED city (no Paris open data was available).',
  demoLogins: 'Demo logins (password for all: {password}):',
  stepAddresses: 'addresses',
  stepPeopleAddresses: 'contacts’ addresses',
  stepPeople: 'contacts',
  stepConsents: 'consents',
  stepIndicators: 'indicators',
  stepResults: 'results',
  mailing: 'Mailings, through the server’s API (the local server on the embedded database, or --api with a token)',
  mailingSend: 'Start a send and follow its progress to the end (Ctrl-C stops following, not the send)',
  mailingReport: 'Print a mailing’s report: its figures, per variant, per arrondissement and per link',
  mailingId: 'the mailing’s id',
  mailingApi:
    'address of the Relais server (e.g. https://relais.example.org, or RELAIS_API_URL); without it, the server holding the embedded database',
  mailingToken: 'API token for --api (or RELAIS_API_TOKEN; scopes messages:read, and messages:send to send)',
  mailingCounted: 'human: human events only; all: also Apple Mail’s automatic opens and robots',
  mailingIdInvalid: 'A mailing is named by its id (a UUID), not "{value}".',
  mailingNeedsToken: '--api needs a token: --token or RELAIS_API_TOKEN.',
  mailingNoServer: 'No Relais server runs on the embedded database in {dir}: run `relais start`, or give --api and --token.',
  mailingNeedsApi:
    'With PostgreSQL, the command goes through a server’s API: give --api and --token (or RELAIS_API_URL and RELAIS_API_TOKEN).',
  mailingUnreachable: 'The server {url} does not answer ({error}).',
  mailingStarted: 'Mailing "{name}" started: {total} recipients.',
  mailingFollowing: 'Mailing "{name}" already sending: following its progress.',
  mailingDone: 'Send finished: {sent} sent, {failed} failed, {skipped} skipped (unsubscribed meanwhile).',
  mailingPaused: 'Send paused: {sent} sent of {total}. To resume it: relais mailing send {id}',
  mailingCancelled: 'Send cancelled: {sent} sent of {total}.',
  mailingDetached: 'Stopped following: the send goes on on the server. Its report: relais mailing report {id}',
  stepMailing: 'sending',
  statusDraft: 'draft',
  statusScheduled: 'scheduled',
  statusSending: 'sending',
  statusSent: 'sent',
  statusPaused: 'paused',
  statusCancelled: 'cancelled',
  reportHeading: '"{name}" ({status}) — subject: {subject}',
  reportSentAt: 'Sent from {from} to {to}.',
  reportHuman: 'Human events only: without Apple Mail’s automatic opens or robots (--counted all to count everything).',
  reportAll: 'Every event, Apple Mail’s automatic opens and robots included.',
  reportTotal: 'Total',
  reportVariant: 'Variant {variant}',
  reportZones: 'Per arrondissement',
  reportColumns: 'Sent|Delivered|Opens|Open rate|Clicks|Click rate|Unsubscribed|Bounces|Complaints',
  reportLinks: 'Clicks per link',
  reportLink: '{clicks} clicks, {people} people: {url}',
  reportNoLinks: 'No clicks yet.',
};

export const cliMessages = { fr, en };
export type CliKey = keyof typeof fr;

/** The CLI's locale, read once. */
export const cliLocale = cliLocaleOf();

/** A CLI text in the CLI's locale, {placeholders} filled; numbers written as its readers expect. */
export function say(key: CliKey, vars: Record<string, string | number> = {}): string {
  const number = new Intl.NumberFormat(cliLocale === 'fr' ? 'fr-FR' : 'en-GB');
  return cliMessages[cliLocale][key].replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = vars[name];
    if (value === undefined) return whole;
    return typeof value === 'number' ? number.format(value) : value;
  });
}

/** A configuration error in the CLI's locale (each problem names the variable at fault). */
export function configErrorText(error: ConfigError): string {
  return say('configInvalid', { problems: error.problems.join('\n  - ') });
}

/** An answer of the server (its problem+json detail stays English, the API's language) inside the CLI's own sentence. */
export function refusalText(problem: { detail?: string; code?: string }, status: number | string): string {
  return say('serverRefused', { detail: (problem.detail ?? String(status)).replace(/\.$/, ''), code: problem.code ?? String(status) });
}

/** A refusal of the domain run in this process (an AppError: its detail is the API's English) in the CLI's sentence. */
export function refusedText(error: { message: string; code: string }): string {
  return say('refused', { detail: error.message.replace(/\.$/, ''), code: error.code });
}

/** Where a city's open data was found: the local mirror, a download now, or an earlier one. */
export function opendataWhere(fetched: { source: 'mirror' | 'download' | 'cache'; dir: string }): string {
  const key = ({ mirror: 'opendataMirror', download: 'opendataDownloaded', cache: 'opendataCached' } as const)[fetched.source];
  return say(key, { dir: fetched.dir });
}

/** What the demo's (or a sandbox's) set-up tells the operator about its data. */
export function demoNoticeText(notice: DemoNotice): string {
  if (notice.kind === 'opendata-unavailable') return say('demoOpendataUnavailable', { error: notice.error });
  if (notice.kind === 'opendata') return say('demoOpendata', { where: opendataWhere(notice) });
  return say('demoSynthetic');
}

/** The text printed after the demo's seed: which data it runs on, and its logins. */
export function demoLoginsText(
  seeded: { synthetic: boolean },
  accounts: readonly { email: string; role: string }[],
  password: string,
): string {
  return [
    '',
    say(seeded.synthetic ? 'demoCampaignSynthetic' : 'demoCampaign'),
    say('demoLogins', { password }),
    ...accounts.map((a) => `  ${a.email.padEnd(30)} ${a.role}`),
  ].join('\n');
}

const STEPS: Record<string, CliKey> = {
  import: 'progressImport',
  addresses: 'stepAddresses',
  'people:addresses': 'stepPeopleAddresses',
  people: 'stepPeople',
  consents: 'stepConsents',
  indicators: 'stepIndicators',
  results: 'stepResults',
  mailing: 'stepMailing',
};

/** A progress step's name in the CLI's locale: `indicators:<file>` names its kind, then the file as it is. */
export function stepLabel(step: string): string {
  const whole = STEPS[step];
  if (whole) return say(whole);
  const colon = step.indexOf(':');
  const kind = colon > 0 ? STEPS[step.slice(0, colon)] : undefined;
  return kind ? `${say(kind)}${step.slice(colon)}` : step;
}

/** Puts commander's own words (headings, help option, defaults, choices) in the CLI's locale; subcommands inherit it. */
export function localizeHelp(program: Command): void {
  const colon = cliLocale === 'fr' ? '\u00a0:' : ':';
  program.helpOption('-h, --help', say('help'));
  program.helpCommand('help [command]', say('helpCommand'));
  program.configureHelp({
    optionDescription: (option) => {
      const extra: string[] = [];
      if (option.argChoices) extra.push(`${say('choices')}${colon} ${option.argChoices.map((c) => JSON.stringify(c)).join(', ')}`);
      if (option.defaultValue !== undefined && !option.negate) {
        extra.push(`${say('default')}${colon} ${option.defaultValueDescription ?? JSON.stringify(option.defaultValue)}`);
      }
      return extra.length ? `${option.description} (${extra.join(', ')})` : option.description;
    },
    formatHelp: (cmd, helper) =>
      Help.prototype.formatHelp
        .call(helper, cmd, helper)
        .replace(/^Usage:/m, say('usage'))
        .replace(/^Options:$/m, say('options'))
        .replace(/^Commands:$/m, say('commands'))
        .replace(/^Arguments:$/m, say('arguments'))
        .replace(/\[command\]/g, say('commandArg')),
  });
}
