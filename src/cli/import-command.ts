// `relais import people FILE`: imports a CSV/XLSX file of people with the automatic (or remembered)
// mapping, overridden column by column with --map, plus tags, a list and consents for every row;
// progress on stderr. On the embedded database only one process may open it: when a server holds
// it, the import goes through that server's API (local CLI channel); otherwise this process opens
// the database itself. Both paths build the same start request (startRequestOf).
import { createWriteStream, existsSync, openAsBlob } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { type Command, Option } from 'commander';
import { type Config, ConfigError, loadConfig } from '../server/config.ts';
import { CONSENT_CHANNELS } from '../server/db/schema.ts';
import {
  IMPORT_FIELDS,
  type ImportFieldOption,
  type Mapping,
  type MappingOverride,
  overrideMapping,
  parseMappingOverrides,
} from '../server/modules/imports/fields.ts';
import type { ImportJobResult } from '../server/modules/imports/import.job.ts';
import type { ImportActor, StartOptions } from '../server/modules/imports/imports.service.ts';
import { acquireDataLock, lockHolder } from './data-lock.ts';
import { configErrorText, refusalText, refusedText, say } from './messages.ts';
import { printProgress } from './progress.ts';

interface ImportOptions {
  campaign?: string;
  onDuplicate: 'update' | 'skip';
  json?: boolean;
  tag?: string[];
  list?: string;
  consent?: string;
  consentText?: string;
  map?: string[];
}

/** What the options ask for, checked before any file is read or database opened. */
export interface ImportChoices {
  onDuplicate: 'update' | 'skip';
  tags: string[];
  list: { id: string } | { name: string } | null;
  consent: { channels: string[]; proof_text: string } | null;
  overrides: MappingOverride[];
}

/** What the server's upload answer says about the file (both paths get the same). */
interface PreviewLike {
  headers: string[];
  suggested_mapping: Mapping;
  fields: ImportFieldOption[];
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

interface Outcome {
  created: number;
  updated: number;
  skipped: number;
  rejected: number;
  rejectedFile: string;
}

const POLL_MS = 250;
const STEP = 'import';

function loadCliConfig(): Config {
  try {
    return loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(configErrorText(error));
      process.exit(2);
    }
    throw error;
  }
}

/** Checks the options and turns them into choices; throws an Error an operator can act on. */
export function choicesOf(opts: Pick<ImportOptions, 'onDuplicate' | 'tag' | 'list' | 'consent' | 'consentText' | 'map'>): ImportChoices {
  const tags = [...new Set((opts.tag ?? []).map((t) => t.trim()).filter(Boolean))];
  if (tags.length > 20) throw new Error(say('importTooManyTags', { max: 20 }));
  const long = tags.find((t) => t.length > 80);
  if (long) throw new Error(say('importTagTooLong', { tag: long, max: 80 }));
  const list = opts.list?.trim();
  let consent: ImportChoices['consent'] = null;
  if (opts.consent !== undefined) {
    const channels = [
      ...new Set(
        opts.consent
          .split(',')
          .map((c) => c.trim().toLowerCase())
          .filter(Boolean),
      ),
    ];
    const unknown = channels.find((c) => !(CONSENT_CHANNELS as readonly string[]).includes(c));
    if (unknown !== undefined || channels.length === 0) {
      throw new Error(say('importConsentChannels', { value: opts.consent, channels: CONSENT_CHANNELS.join(', ') }));
    }
    const text = opts.consentText?.trim() ?? '';
    if (!text) {
      throw new Error(say('importConsentNeedsText'));
    }
    if (text.length > 4000) throw new Error(say('importConsentTextTooLong', { max: 4000 }));
    consent = { channels, proof_text: text };
  } else if (opts.consentText !== undefined) {
    throw new Error(say('importConsentTextAlone'));
  }
  return {
    onDuplicate: opts.onDuplicate,
    tags,
    list: list ? (UUID_RE.test(list) ? { id: list.toLowerCase() } : { name: list }) : null,
    consent,
    overrides: parseMappingOverrides(opts.map ?? []),
  };
}

/** The start request of an analysed file: the automatic mapping with --map applied, and the options. */
export function startRequestOf(preview: PreviewLike, choices: ImportChoices): StartOptions {
  return {
    mapping: overrideMapping(preview.suggested_mapping, preview.headers, choices.overrides, preview.fields),
    on_duplicate: choices.onDuplicate,
    ...(choices.tags.length > 0 ? { add_tags: choices.tags } : {}),
    ...(choices.list && 'id' in choices.list ? { add_list_id: choices.list.id } : {}),
    ...(choices.list && 'name' in choices.list ? { add_list_name: choices.list.name } : {}),
    ...(choices.consent ? { consent: choices.consent } : {}),
  };
}

const collect = (value: string, previous: string[] | undefined) => [...(previous ?? []), value];

/** Registers `relais import people`. */
export function registerImportCommand(program: Command): void {
  const command = program.command('import').description(say('import'));
  command
    .command('people')
    .argument('<file>', say('importFile'))
    .description(say('importPeople'))
    .option('--campaign <slug>', say('campaign'))
    .addOption(new Option('--on-duplicate <mode>', say('importOnDuplicate')).choices(['update', 'skip']).default('update'))
    .option('--tag <name>', say('importTag'), collect)
    .option('--list <name-or-id>', say('importList'))
    .option('--consent <channels>', say('importConsent', { channels: CONSENT_CHANNELS.join(',') }))
    .option('--consent-text <text>', say('importConsentText'))
    .option('--map <header=field>', say('importMap'), collect)
    .option('--json', say('importJson'))
    .addHelpText(
      'after',
      `
${say('importFields', { fields: IMPORT_FIELDS.join(', ') })}

${say('examples')}
  relais import people adherents.csv --tag adhérent --list "Newsletter" --on-duplicate skip
  relais import people signatures.xlsx --consent email,sms --consent-text "J'accepte d'être contacté·e par la campagne."
  relais import people export.csv --map "Tél. portable=phone" --map "Profession=custom:profession" --json`,
    )
    .action(async (file: string, opts: ImportOptions) => {
      const choices = choicesOf(opts);
      const cfg = loadCliConfig();
      const filePath = path.resolve(file);
      if (!existsSync(filePath)) throw new Error(say('importNoFile', { file: filePath }));
      const holder = cfg.databaseUrl ? null : lockHolder(cfg.dataDir);
      const outcome =
        holder === null
          ? await importDirect(cfg, filePath, opts, choices)
          : await importThroughServer(cfg, holder, filePath, opts, choices);
      if (opts.json) {
        const { created, updated, rejected, rejectedFile } = outcome;
        process.stdout.write(`${JSON.stringify({ created, updated, rejected, rejectedFile })}\n`);
      } else {
        const { created, updated, skipped, rejected } = outcome;
        console.log(say('importDone', { created, updated, skipped, rejected }));
        if (rejected > 0) console.log(say('importRejectedFile', { file: outcome.rejectedFile }));
      }
    });
}

/** Where the rejected rows of an import of `filePath` are saved: beside it, as the back office names them. */
function rejectedPathOf(filePath: string): string {
  return path.join(path.dirname(filePath), `${path.basename(filePath).replace(/\.[^.]+$/, '')}-rejets.csv`);
}

/** Saves the rejected rows next to the imported file (the server keeps them in its file store, not on a path of ours). */
async function saveRejected(rows: Readable | AsyncIterable<Uint8Array>, filePath: string): Promise<string> {
  const target = rejectedPathOf(filePath);
  await pipeline(rows, createWriteStream(target));
  return target;
}

/** Opens the database in this process and runs the import through the job queue. */
async function importDirect(cfg: Config, filePath: string, opts: ImportOptions, choices: ImportChoices): Promise<Outcome> {
  // Loaded on use: the server modules (and exceljs) stay out of other commands' start-up.
  const [{ tenantRunnerOf }, { fileStoreOf }, { AppError }, { createImport, importKeyOf, startImport }, { findJobRunOf }, { openRuntime }] =
    await Promise.all([
      import('../server/db/database.ts'),
      import('../server/files/storage.ts'),
      import('../server/http/problem.ts'),
      import('../server/modules/imports/imports.service.ts'),
      import('../server/modules/jobs/jobs.repo.ts'),
      import('../server/runtime.ts'),
    ]);
  if (!cfg.databaseUrl) acquireDataLock(cfg.dataDir);
  const runtime = await openRuntime(cfg);
  try {
    const { db } = runtime.database;
    const campaign = opts.campaign
      ? await db.selectFrom('campaign').select('id').where('slug', '=', opts.campaign).executeTakeFirst()
      : await db.selectFrom('campaign').select('id').orderBy('created_at').executeTakeFirst();
    if (!campaign) throw new Error(opts.campaign ? say('noCampaign', { slug: opts.campaign }) : say('noCampaignYet'));
    const actor: ImportActor = { campaignId: campaign.id, userId: null, tokenId: null, label: 'cli', zoneScope: null };
    const tenant = tenantRunnerOf(db, campaign.id);
    const files = fileStoreOf(cfg);
    const preview = await createImport(
      { files, actor, fileName: path.basename(filePath), source: { kind: 'path', path: filePath } },
      tenant,
    ).catch((error: unknown) => {
      throw error instanceof AppError ? new Error(refusedText(error)) : error;
    });
    const body = startRequestOf(preview, choices);
    const started = await startImport({ files, jobs: runtime.jobs, actor, importId: preview.id, body }, tenant).catch((error: unknown) => {
      if (!(error instanceof AppError)) throw error;
      const refusal = refusedText(error);
      throw new Error(
        error.code === 'IMPORT_MAPPING_INVALID' ? say('importColumns', { error: refusal, columns: preview.headers.join(', ') }) : refusal,
      );
    });
    await runtime.jobs.work();
    for (;;) {
      const job = await findJobRunOf(db, campaign.id, started.job_id);
      if (!job) throw new Error(say('jobNotFound', { id: started.job_id }));
      if (job.state === 'failed') throw new Error(say('importFailed', { error: job.error ?? say('unknownError') }));
      if (job.state === 'succeeded') {
        printProgress(STEP, job.done, job.done);
        const result = job.result as ImportJobResult;
        const rejectedFile =
          result.rejected > 0 ? await saveRejected(files.read(`${importKeyOf(campaign.id, preview.id)}/rejected.csv`), filePath) : '';
        return { created: result.created, updated: result.updated, skipped: result.skipped, rejected: result.rejected, rejectedFile };
      }
      if (job.total) printProgress(STEP, job.done, Math.max(job.total, job.done + 1));
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
  } finally {
    await runtime.close();
  }
}

async function api<T>(base: string, headers: Record<string, string>, method: string, url: string, body?: FormData | object): Promise<T> {
  const init: RequestInit = { method, headers: { ...headers } };
  if (body instanceof FormData) init.body = body;
  else if (body !== undefined) {
    init.body = JSON.stringify(body);
    (init.headers as Record<string, string>)['content-type'] = 'application/json';
  }
  const res = await fetch(`${base}${url}`, init);
  const payload = (await res.json().catch(() => ({}))) as T & { detail?: string; code?: string };
  if (!res.ok)
    throw new Error(refusalText({ detail: payload.detail ?? res.statusText, ...(payload.code ? { code: payload.code } : {}) }, res.status));
  return payload;
}

/** Sends the file to the server that holds the embedded database, through its local CLI channel. */
async function importThroughServer(
  cfg: Config,
  holder: number,
  filePath: string,
  opts: ImportOptions,
  choices: ImportChoices,
): Promise<Outcome> {
  const { CLI_CAMPAIGN_HEADER, CLI_TOKEN_HEADER, findLocalServer } = await import('../server/http/local-cli.ts');
  const server = await findLocalServer(cfg.dataDir);
  if (!server || server.pid !== holder) {
    throw new Error(say('noLocalChannel', { pid: String(holder), dir: cfg.dataDir }));
  }
  const base = `http://127.0.0.1:${server.port}/api/v1`;
  const headers: Record<string, string> = { [CLI_TOKEN_HEADER]: server.token };
  if (opts.campaign) headers[CLI_CAMPAIGN_HEADER] = opts.campaign;
  const form = new FormData();
  form.append('file', await openAsBlob(filePath), path.basename(filePath));
  const preview = await api<PreviewLike & { id: string }>(base, headers, 'POST', '/imports', form);
  await api(base, headers, 'POST', `/imports/${preview.id}/start`, startRequestOf(preview, choices));
  for (;;) {
    const state = await api<{
      state: string;
      done: number;
      total: number | null;
      error: string | null;
      created: number;
      updated: number;
      skipped: number;
      rejected: number;
    }>(base, headers, 'GET', `/imports/${preview.id}`);
    if (state.state === 'failed') throw new Error(say('importFailed', { error: state.error ?? say('unknownError') }));
    if (state.state === 'succeeded') {
      printProgress(STEP, state.done, state.done);
      let rejectedFile = '';
      if (state.rejected > 0) {
        const res = await fetch(`${base}/imports/${preview.id}/rejected.csv`, { headers });
        if (!res.ok || !res.body) throw new Error(say('importRejectedDownload', { status: String(res.status) }));
        rejectedFile = await saveRejected(Readable.fromWeb(res.body as import('node:stream/web').ReadableStream), filePath);
      }
      return { created: state.created, updated: state.updated, skipped: state.skipped, rejected: state.rejected, rejectedFile };
    }
    if (state.total) printProgress(STEP, state.done, Math.max(state.total, state.done + 1));
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}
