// The `relais` command: one binary with subcommands for operators.
import { Command, Option } from 'commander';
import { CONFIG_DOC, type Config, ConfigError, loadConfig } from '../server/config.ts';
import { refreshStatistics } from '../server/db/database.ts';
import { ROLES, type Role } from '../server/db/schema.ts';
import { tokenScopes } from '../server/modules/identity/index.ts';
import { findJobRunOf } from '../server/modules/jobs/jobs.repo.ts';
import { appOf, openRuntime, type Runtime } from '../server/runtime.ts';
import { acquireDataLock } from './data-lock.ts';
import { registerExportCommand } from './export-command.ts';
import { registerImportCommand } from './import-command.ts';
import { printProgress, throttledProgress } from './progress.ts';
import { registerSandboxCommand } from './sandbox-command.ts';
import { ensureWebBuilt } from './web-build.ts';

const program = new Command();
program
  .name('relais')
  .description('Relais — campaign and civic-organizing platform')
  .version('0.1.0')
  .addHelpText(
    'after',
    `\nEnvironment variables:\n${Object.entries(CONFIG_DOC)
      .map(([k, v]) => `  ${k.padEnd(20)} ${v}`)
      .join('\n')}`,
  );

function config(): Config {
  try {
    return loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(2);
    }
    throw error;
  }
}

/** Opens the runtime; on the embedded database, takes its one-process lock first. */
async function open(cfg: Config): Promise<Runtime> {
  if (!cfg.databaseUrl) acquireDataLock(cfg.dataDir);
  return openRuntime(cfg);
}

async function campaignIdOf(runtime: Runtime, slug: string | undefined): Promise<string> {
  const db = runtime.database.db;
  const row = slug
    ? await db.selectFrom('campaign').select('id').where('slug', '=', slug).executeTakeFirst()
    : await db.selectFrom('campaign').select('id').orderBy('created_at').executeTakeFirst();
  if (!row) throw new Error(slug ? `No campaign "${slug}".` : 'No campaign yet: run `relais seed demo` first.');
  return row.id;
}

async function serve(runtime: Runtime, banner?: () => Promise<string>): Promise<void> {
  const { config: cfg } = runtime;
  // PGlite runs no autovacuum: start with fresh planner statistics (bulk paths refresh them too).
  if (runtime.database.kind === 'pglite') {
    await refreshStatistics(runtime.database.db, ['person', 'tagging', 'list_member', 'activity', 'consent', 'address', 'zone']);
  }
  const app = await appOf(runtime);
  if (cfg.embeddedWorker) await runtime.jobs.work();
  const shutdown = async (signal: string) => {
    app.log.info(`${signal}: shutting down`);
    await app.close();
    await runtime.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  await app.listen({ port: cfg.port, host: cfg.host });
  const url = cfg.publicUrl;
  console.log(`\nRelais is running at ${url}  (database: ${runtime.database.kind}${cfg.embeddedWorker ? ', worker: embedded' : ''})`);
  console.log(`  back office: ${url}/app/   API: ${url}/api/v1   API docs: ${url}/api/docs`);
  if (banner) console.log(await banner());
}

program
  .command('start')
  .description('Build the back office if needed, migrate, seed the demo campaign on first start, and serve')
  .action(async () => {
    const cfg = config();
    await ensureWebBuilt(cfg.webDistDir);
    const runtime = await open(cfg);
    const { seedDemoCampaign, demoLoginsText } = await import('../server/modules/demo/demo.campaign.ts');
    const seeded = await seedDemoCampaign(runtime, { onProgress: throttledProgress(), log: (m) => console.log(m) });
    await serve(runtime, async () => demoLoginsText(seeded));
  });

program
  .command('serve')
  .description('Serve HTTP (and run the job worker in-process on the embedded database or with RELAIS_WORKER=embedded)')
  .action(async () => {
    const runtime = await open(config());
    await serve(runtime);
  });

program
  .command('worker')
  .description('Run background jobs (PostgreSQL only; the embedded database runs its worker inside serve)')
  .action(async () => {
    const cfg = config();
    if (!cfg.databaseUrl) {
      console.error('`relais worker` needs DATABASE_URL: with the embedded database the worker runs inside `relais serve`.');
      process.exit(2);
    }
    const runtime = await open(cfg);
    await runtime.jobs.work();
    console.log(`Worker running for: ${runtime.jobs.kinds.join(', ')}`);
    const stop = async () => {
      await runtime.close();
      process.exit(0);
    };
    process.once('SIGINT', () => void stop());
    process.once('SIGTERM', () => void stop());
  });

program
  .command('migrate')
  .description('Apply pending database migrations')
  .action(async () => {
    const cfg = config();
    if (!cfg.databaseUrl) acquireDataLock(cfg.dataDir);
    const { openDatabase } = await import('../server/db/database.ts');
    const { migrate } = await import('../server/db/migrate.ts');
    const { pgliteDirOf } = await import('../server/runtime.ts');
    const database = await openDatabase({ databaseUrl: cfg.databaseUrl, pgliteDir: pgliteDirOf(cfg) });
    const applied = await migrate(database, (name) => console.log(`applied ${name}`));
    console.log(applied.length ? `${applied.length} migration(s) applied.` : 'Database is up to date.');
    await database.close();
  });

const seed = program.command('seed').description('Load data');
seed
  .command('demo')
  .description('Create the demo campaign "Paris 2026" (open data of Paris, ~32,000 generated contacts, one account per role)')
  .option('--people <n>', 'number of generated contacts', (v) => Number.parseInt(v, 10))
  .action(async (opts: { people?: number }) => {
    const runtime = await open(config());
    const { seedDemoCampaign, demoLoginsText } = await import('../server/modules/demo/demo.campaign.ts');
    const seeded = await seedDemoCampaign(runtime, {
      onProgress: throttledProgress(),
      log: (m) => console.log(m),
      ...(opts.people ? { peopleCount: opts.people } : {}),
    });
    console.log(demoLoginsText(seeded));
    await runtime.close();
  });

const user = program.command('user').description('Staff accounts');
user
  .command('create')
  .description('Create a staff account, optionally a member of a campaign')
  .requiredOption('--email <email>', 'e-mail (the login)')
  .requiredOption('--name <name>', 'display name')
  .requiredOption('--password <password>', 'password (at least 10 characters)')
  .option('--campaign <slug>', 'campaign to join')
  .addOption(new Option('--role <role>', 'role in the campaign').choices([...ROLES]).default('volunteer'))
  .option('--zones <codes>', 'referent zone codes, comma-separated (e.g. 11,12)')
  .action(async (opts: { email: string; name: string; password: string; campaign?: string; role: Role; zones?: string }) => {
    const runtime = await open(config());
    const { createUser } = await import('../server/modules/identity/identity.service.ts');
    const db = runtime.database.db;
    const userId = await createUser(db, { email: opts.email, displayName: opts.name, password: opts.password });
    if (opts.campaign) {
      const campaignId = await campaignIdOf(runtime, opts.campaign);
      const codes =
        opts.zones
          ?.split(',')
          .map((s) => s.trim())
          .filter(Boolean) ?? [];
      const zones = codes.length
        ? await db.selectFrom('zone').select('id').where('campaign_id', '=', campaignId).where('code', 'in', codes).execute()
        : [];
      if (opts.role === 'referent' && zones.length === 0) throw new Error('A referent needs --zones with existing zone codes.');
      await db
        .insertInto('membership')
        .values({ campaign_id: campaignId, user_id: userId, role: opts.role, zone_ids: zones.map((z) => z.id) })
        .execute();
    }
    console.log(`Created ${opts.email} (${userId})${opts.campaign ? ` as ${opts.role} of ${opts.campaign}` : ''}.`);
    await runtime.close();
  });

const token = program.command('token').description('API tokens');
token
  .command('create')
  .description('Create an API token for a campaign; the secret is printed once')
  .requiredOption('--name <name>', 'what the token is for')
  .option('--campaign <slug>', 'campaign (default: the first one)')
  .option(
    '--scopes <list>',
    `comma-separated scopes among: ${tokenScopes()
      .map((s) => s.id)
      .join(', ')}`,
    'dashboard:read,zones:read,people:read',
  )
  .action(async (opts: { name: string; campaign?: string; scopes: string }) => {
    const runtime = await open(config());
    const campaignId = await campaignIdOf(runtime, opts.campaign);
    const scopes = opts.scopes.split(',').map((s) => s.trim());
    const unknown = scopes.filter((s) => !tokenScopes().some((t) => t.id === s));
    if (unknown.length) throw new Error(`Unknown scope(s): ${unknown.join(', ')}`);
    const { withTenant } = await import('../server/db/database.ts');
    const { createApiToken } = await import('../server/modules/identity/identity.service.ts');
    const created = await withTenant(runtime.database.db, campaignId, (trx) =>
      createApiToken(
        trx,
        { campaignId, userId: null, tokenId: null, label: 'cli', role: 'owner', zoneScope: null, ip: null },
        { name: opts.name, scopes: scopes as never },
      ),
    );
    console.log(created.token);
    console.error(`Token "${opts.name}" created (scopes: ${scopes.join(', ')}). It will not be shown again.`);
    await runtime.close();
  });

const opendata = program.command('opendata').description('Open data of a city');
opendata
  .command('fetch')
  .argument('<city>', 'city (paris)')
  .description('Download the open-data files of a city into the cache (or check the local mirror RELAIS_OPENDATA_DIR)')
  .action(async (city: string) => {
    const cfg = config();
    const { fetchCityData } = await import('../server/modules/demo/demo.campaign.ts');
    const result = await fetchCityData(cfg, city, throttledProgress());
    console.log(`${city}: ${result.source} in ${result.dir}`);
    if (result.missing.length) console.log(`missing: ${result.missing.join(', ')}`);
  });

const jobs = program.command('jobs').description('Background jobs');
jobs
  .command('demo')
  .description('Queue the demonstration job and follow its progress')
  .option('--campaign <slug>', 'campaign (default: the first one)')
  .option('--steps <n>', 'steps', (v) => Number.parseInt(v, 10), 10)
  .action(async (opts: { campaign?: string; steps: number }) => {
    const runtime = await open(config());
    const campaignId = await campaignIdOf(runtime, opts.campaign);
    const id = await runtime.jobs.enqueue({ campaignId, kind: 'demo.count', params: { steps: opts.steps } });
    await runtime.jobs.work();
    console.log(`job ${id} queued`);
    await follow(runtime, campaignId, id);
    await runtime.close();
  });
jobs
  .command('show')
  .argument('<id>', 'job id')
  .option('--campaign <slug>', 'campaign (default: the first one)')
  .option('--follow', 'follow progress until the job ends')
  .description("Show a job's state and progress")
  .action(async (id: string, opts: { campaign?: string; follow?: boolean }) => {
    const runtime = await open(config());
    const campaignId = await campaignIdOf(runtime, opts.campaign);
    if (opts.follow) await follow(runtime, campaignId, id);
    else console.log(JSON.stringify(await findJobRunOf(runtime.database.db, campaignId, id), null, 2));
    await runtime.close();
  });

async function follow(runtime: Runtime, campaignId: string, id: string): Promise<void> {
  for (;;) {
    const job = await findJobRunOf(runtime.database.db, campaignId, id);
    if (!job) throw new Error(`No job ${id}.`);
    printProgress(job.kind, job.done, job.total);
    if (job.state === 'succeeded' || job.state === 'failed') {
      console.log(`${job.state}${job.error ? `: ${job.error}` : ''}`);
      if (job.result) console.log(JSON.stringify(job.result));
      if (job.state === 'failed') process.exitCode = 1;
      return;
    }
    await new Promise((r) => setTimeout(r, 300));
  }
}

registerImportCommand(program);
registerExportCommand(program);
registerSandboxCommand(program);

program.parseAsync(process.argv).catch((error: Error) => {
  console.error(`relais: ${error.message}`);
  process.exit(1);
});
