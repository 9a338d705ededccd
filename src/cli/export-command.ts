// `relais export people [--segment ID] [--campaign SLUG]`: the people of a campaign (or of a saved
// segment) as CSV on standard output — the same file as the API's export, and audited likewise.
// On the embedded database held by a running server, the export goes through that server.
import { once } from 'node:events';
import { userInfo } from 'node:os';
import { Readable } from 'node:stream';
import type { Command } from 'commander';
import { ConfigError, loadConfig } from '../server/config.ts';
import { withTenant } from '../server/db/database.ts';
import { AppError } from '../server/http/problem.ts';
import { exportPeopleCsv } from '../server/modules/segments/segment-export.ts';
import { loadSegmentDefinition } from '../server/modules/segments/segments.service.ts';
import { openRuntime } from '../server/runtime.ts';
import { acquireDataLock, lockHolder } from './data-lock.ts';
import { configErrorText, say } from './messages.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Adds the `export` command group (`export people`) to the program. */
export function registerExportCommand(program: Command): void {
  const exportCommand = program.command('export').description(say('export'));
  exportCommand
    .command('people')
    .description(say('exportPeople'))
    .option('--segment <id>', say('exportSegment'))
    .option('--campaign <slug>', say('campaign'))
    .action(async (opts: { segment?: string; campaign?: string }) => {
      process.exitCode = await exportPeople(opts);
    });
}

function fail(message: string, code = 1): number {
  console.error(`relais: ${message}`);
  return code;
}

/** Streams the export from the server that holds the embedded database (GET /people/export.csv). */
async function exportThroughServer(dataDir: string, holder: number, opts: { segment?: string; campaign?: string }): Promise<number> {
  const { CLI_CAMPAIGN_HEADER, CLI_TOKEN_HEADER, findLocalServer } = await import('../server/http/local-cli.ts');
  const server = await findLocalServer(dataDir);
  if (!server || server.pid !== holder) {
    return fail(say('noLocalChannel', { pid: String(holder), dir: dataDir }), 2);
  }
  const headers: Record<string, string> = { [CLI_TOKEN_HEADER]: server.token };
  if (opts.campaign) headers[CLI_CAMPAIGN_HEADER] = opts.campaign;
  const query = opts.segment ? `?segment_id=${encodeURIComponent(opts.segment)}` : '';
  const res = await fetch(`http://127.0.0.1:${server.port}/api/v1/people/export.csv${query}`, { headers });
  if (!res.ok || !res.body) {
    const problem = (await res.json().catch(() => ({}))) as { detail?: string; code?: string };
    if (problem.code === 'NOT_FOUND' && opts.segment) {
      return fail(
        opts.campaign
          ? say('exportNoSegmentIn', { id: opts.segment, campaign: opts.campaign })
          : say('exportNoSegment', { id: opts.segment }),
      );
    }
    // The server's detail stays English (the API's language); the sentence around it and the code are the CLI's.
    return fail(say('exportRefused', { detail: problem.detail ?? res.statusText, code: problem.code ?? String(res.status) }));
  }
  for await (const chunk of Readable.fromWeb(res.body as import('node:stream/web').ReadableStream)) {
    if (!process.stdout.write(chunk)) await once(process.stdout, 'drain');
  }
  const total = Number(res.headers.get('x-total-count') ?? Number.NaN);
  console.error(
    say('exportDoneServer', {
      count: Number.isInteger(total) ? total : '?',
      segment: opts.segment ? say('exportDoneSegment', { id: opts.segment }) : '',
    }),
  );
  return 0;
}

async function exportPeople(opts: { segment?: string; campaign?: string }): Promise<number> {
  let cfg: ReturnType<typeof loadConfig>;
  try {
    cfg = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) return fail(configErrorText(error), 2);
    throw error;
  }
  if (opts.segment !== undefined && !UUID.test(opts.segment)) return fail(say('exportSegmentInvalid', { value: opts.segment }), 2);
  if (!cfg.databaseUrl) {
    // Only one process may open the embedded database: while a server holds it, the export goes
    // through that server (its local CLI channel), as `relais import people` does.
    const holder = lockHolder(cfg.dataDir);
    if (holder !== null) return exportThroughServer(cfg.dataDir, holder, opts);
    acquireDataLock(cfg.dataDir);
  }
  const runtime = await openRuntime(cfg);
  try {
    const db = runtime.database.db;
    const campaign = opts.campaign
      ? await db.selectFrom('campaign').select(['id', 'slug']).where('slug', '=', opts.campaign).executeTakeFirst()
      : await db.selectFrom('campaign').select(['id', 'slug']).orderBy('created_at').executeTakeFirst();
    if (!campaign) return fail(opts.campaign ? say('noCampaign', { slug: opts.campaign }) : say('noCampaignYet'));
    const segmentId = opts.segment ?? null;
    const definition = segmentId
      ? await withTenant(db, campaign.id, (trx) => loadSegmentDefinition(trx, campaign.id, segmentId)).catch((error: unknown) => {
          if (error instanceof AppError && error.code === 'NOT_FOUND') return null;
          throw error;
        })
      : { op: 'and', children: [] };
    if (!definition) return fail(say('exportNoSegmentIn', { id: segmentId ?? '', campaign: campaign.slug }));
    const csv = await exportPeopleCsv(runtime.database, {
      campaignId: campaign.id,
      zoneScope: null,
      definition,
      segmentId,
      actor: { userId: null, tokenId: null, label: `cli:${userInfo().username}`, ip: null },
    });
    for await (const chunk of csv.chunks) {
      if (!process.stdout.write(chunk)) await once(process.stdout, 'drain');
    }
    console.error(
      say('exportDone', {
        count: csv.rowCount,
        campaign: campaign.slug,
        segment: segmentId ? say('exportDoneSegment', { id: segmentId }) : '',
      }),
    );
    return 0;
  } finally {
    await runtime.close();
  }
}
