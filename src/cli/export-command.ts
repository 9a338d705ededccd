// `relais export people [--segment ID] [--campaign SLUG]`: the people of a campaign (or of a saved
// segment) as CSV on standard output — the same file as the API's export, and audited likewise.
import { once } from 'node:events';
import { userInfo } from 'node:os';
import type { Command } from 'commander';
import { ConfigError, loadConfig } from '../server/config.ts';
import { withTenant } from '../server/db/database.ts';
import { AppError } from '../server/http/problem.ts';
import { exportPeopleCsv } from '../server/modules/segments/segment-export.ts';
import { loadSegmentDefinition } from '../server/modules/segments/segments.service.ts';
import { openRuntime } from '../server/runtime.ts';
import { acquireDataLock, lockHolder } from './data-lock.ts';
import { say } from './messages.ts';

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

async function exportPeople(opts: { segment?: string; campaign?: string }): Promise<number> {
  let cfg: ReturnType<typeof loadConfig>;
  try {
    cfg = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) return fail(error.message, 2);
    throw error;
  }
  if (opts.segment !== undefined && !UUID.test(opts.segment))
    return fail(`--segment expects a segment id (a UUID), not "${opts.segment}".`, 2);
  if (!cfg.databaseUrl) {
    const holder = lockHolder(cfg.dataDir);
    if (holder !== null) {
      return fail(
        `the embedded database in ${cfg.dataDir} is held by a running Relais server (pid ${holder}), and only one process may open it.\n` +
          `Export from that server instead: from the back office, or through the API with a token holding people.export:\n` +
          `  curl -H "Authorization: Bearer rl_…" ${cfg.publicUrl}/api/v1/segments/SEGMENT_ID/export.csv > contacts.csv\n` +
          `  curl -H "Authorization: Bearer rl_…" -H "Content-Type: application/json" -d '{"definition":{"op":"and","children":[]}}' ${cfg.publicUrl}/api/v1/people/export.csv > contacts.csv\n` +
          'or stop the server and run this command again.',
        2,
      );
    }
    acquireDataLock(cfg.dataDir);
  }
  const runtime = await openRuntime(cfg);
  try {
    const db = runtime.database.db;
    const campaign = opts.campaign
      ? await db.selectFrom('campaign').select(['id', 'slug']).where('slug', '=', opts.campaign).executeTakeFirst()
      : await db.selectFrom('campaign').select(['id', 'slug']).orderBy('created_at').executeTakeFirst();
    if (!campaign) return fail(opts.campaign ? `no campaign "${opts.campaign}".` : 'no campaign yet: run `relais seed demo` first.');
    const segmentId = opts.segment ?? null;
    const definition = segmentId
      ? await withTenant(db, campaign.id, (trx) => loadSegmentDefinition(trx, campaign.id, segmentId)).catch((error: unknown) => {
          if (error instanceof AppError && error.code === 'NOT_FOUND') return null;
          throw error;
        })
      : { op: 'and', children: [] };
    if (!definition) return fail(`no segment ${segmentId} in campaign "${campaign.slug}".`);
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
