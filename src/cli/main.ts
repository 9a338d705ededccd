// The `relais` command: one binary with subcommands for operators.
import { Command, Option } from 'commander';
import { CONFIG_DOC, CONFIG_DOC_FR, type Config, ConfigError, loadConfig } from '../server/config.ts';
import { refreshStatistics } from '../server/db/database.ts';
import { ROLES, type Role } from '../server/db/schema.ts';
import { AppError } from '../server/http/problem.ts';
import { tokenScopes } from '../server/modules/identity/index.ts';
import { findJobRunOf } from '../server/modules/jobs/jobs.repo.ts';
import { appOf, openRuntime, type Runtime } from '../server/runtime.ts';
import { acquireDataLock } from './data-lock.ts';
import { demoListening } from './demo-listening.ts';
import { registerExportCommand } from './export-command.ts';
import { registerImportCommand } from './import-command.ts';
import { registerMailingCommand } from './mailing-command.ts';
import { cliLocale, configErrorText, demoLoginsText, demoNoticeText, localizeHelp, opendataWhere, refusedText, say } from './messages.ts';
import { printProgress, throttledProgress } from './progress.ts';
import { registerSandboxCommand } from './sandbox-command.ts';
import { ensureWebBuilt } from './web-build.ts';

const program = new Command();
localizeHelp(program);
program
  .name('relais')
  .description(say('program'))
  .version('0.1.0', '-V, --version', say('version'))
  .addHelpText(
    'after',
    `\n${say('envTitle')}\n${Object.entries(cliLocale === 'fr' ? CONFIG_DOC_FR : CONFIG_DOC)
      .map(([k, v]) => `  ${k.padEnd(20)} ${v}`)
      .join('\n')}`,
  );

function config(): Config {
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
  if (!row) throw new Error(slug ? say('noCampaign', { slug }) : say('noCampaignYet'));
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
  console.log(
    `\n${say('running', { url, database: runtime.database.kind === 'pglite' ? say('runningEmbedded') : 'PostgreSQL', worker: cfg.embeddedWorker ? say('runningWorker') : '' })}`,
  );
  console.log(say('runningLinks', { url }));
  if (banner) console.log(await banner());
}

program
  .command('start')
  .description(say('start'))
  .action(async () => {
    const demo = demoListening(config());
    const cfg = demo.config;
    if (demo.keyFile) console.log(say(demo.created ? 'listeningKeyCreated' : 'listeningKeyKept', { file: demo.keyFile }));
    if (demo.loopbackAllowed) console.log(say('listeningLoopback'));
    await ensureWebBuilt(cfg.webDistDir);
    const runtime = await open(cfg);
    const { seedDemoCampaign, DEMO_ACCOUNTS, DEMO_PASSWORD } = await import('../server/modules/demo/demo.campaign.ts');
    const seeded = await seedDemoCampaign(runtime, { onProgress: throttledProgress(), log: (n) => console.log(demoNoticeText(n)) });
    await serve(runtime, async () => demoLoginsText(seeded, DEMO_ACCOUNTS, DEMO_PASSWORD));
  });

program
  .command('serve')
  .description(say('serve'))
  .action(async () => {
    const cfg = config();
    if (!cfg.listening.secretKey) console.warn(say('listeningKeyMissing'));
    const runtime = await open(cfg);
    await serve(runtime);
  });

program
  .command('worker')
  .description(say('worker'))
  .action(async () => {
    const cfg = config();
    if (!cfg.databaseUrl) {
      console.error(say('workerNeedsPg'));
      process.exit(2);
    }
    if (!cfg.listening.secretKey) console.warn(say('listeningKeyMissing'));
    const runtime = await open(cfg);
    await runtime.jobs.work();
    console.log(say('workerRunning', { kinds: runtime.jobs.kinds.join(', ') }));
    const stop = async () => {
      await runtime.close();
      process.exit(0);
    };
    process.once('SIGINT', () => void stop());
    process.once('SIGTERM', () => void stop());
  });

program
  .command('migrate')
  .description(say('migrate'))
  .action(async () => {
    const cfg = config();
    if (!cfg.databaseUrl) acquireDataLock(cfg.dataDir);
    const { openDatabase } = await import('../server/db/database.ts');
    const { migrate } = await import('../server/db/migrate.ts');
    const { pgliteDirOf } = await import('../server/runtime.ts');
    const database = await openDatabase({ databaseUrl: cfg.databaseUrl, pgliteDir: pgliteDirOf(cfg) });
    const applied = await migrate(database, (name) => console.log(say('migrationApplied', { name })));
    console.log(applied.length ? say('migrationsApplied', { count: applied.length }) : say('upToDate'));
    await database.close();
  });

const seed = program.command('seed').description(say('seed'));
seed
  .command('demo')
  .description(say('seedDemo'))
  .option('--people <n>', say('seedPeople'), (v) => Number.parseInt(v, 10))
  .action(async (opts: { people?: number }) => {
    const runtime = await open(config());
    const { seedDemoCampaign, DEMO_ACCOUNTS, DEMO_PASSWORD } = await import('../server/modules/demo/demo.campaign.ts');
    const seeded = await seedDemoCampaign(runtime, {
      onProgress: throttledProgress(),
      log: (n) => console.log(demoNoticeText(n)),
      ...(opts.people ? { peopleCount: opts.people } : {}),
    });
    console.log(demoLoginsText(seeded, DEMO_ACCOUNTS, DEMO_PASSWORD));
    await runtime.close();
  });

const user = program.command('user').description(say('user'));
user
  .command('create')
  .description(say('userCreate'))
  .requiredOption('--email <email>', say('userEmail'))
  .requiredOption('--name <name>', say('userName'))
  .requiredOption('--password <password>', say('userPassword'))
  .option('--campaign <slug>', say('userCampaign'))
  .addOption(new Option('--role <role>', say('userRole')).choices([...ROLES]).default('volunteer'))
  .option('--zones <codes>', say('userZones'))
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
      if (opts.role === 'referent' && zones.length === 0) throw new Error(say('userReferentZones'));
      await db
        .insertInto('membership')
        .values({ campaign_id: campaignId, user_id: userId, role: opts.role, zone_ids: zones.map((z) => z.id) })
        .execute();
    }
    console.log(
      opts.campaign
        ? say('userCreatedMember', { email: opts.email, id: userId, role: opts.role, campaign: opts.campaign })
        : say('userCreated', { email: opts.email, id: userId }),
    );
    await runtime.close();
  });

const token = program.command('token').description(say('token'));
token
  .command('create')
  .description(say('tokenCreate'))
  .requiredOption('--name <name>', say('tokenName'))
  .option('--campaign <slug>', say('campaign'))
  .option('--application <name>', say('tokenApplication'))
  .option('--description <text>', say('tokenDescription'))
  .option('--rate-limit <n>', say('tokenRateLimit'))
  .option(
    '--scopes <list>',
    say('tokenScopes', {
      scopes: tokenScopes()
        .map((s) => s.id)
        .join(', '),
    }),
    'dashboard:read,zones:read,people:read',
  )
  .action(
    async (opts: { name: string; campaign?: string; scopes: string; application?: string; description?: string; rateLimit?: string }) => {
      const rateLimit = opts.rateLimit === undefined ? null : Number(opts.rateLimit);
      if (rateLimit !== null && !(Number.isInteger(rateLimit) && rateLimit >= 1 && rateLimit <= 100_000)) {
        throw new Error(say('tokenRateLimitInvalid'));
      }
      const runtime = await open(config());
      const campaignId = await campaignIdOf(runtime, opts.campaign);
      const scopes = opts.scopes.split(',').map((s) => s.trim());
      const unknown = scopes.filter((s) => !tokenScopes().some((t) => t.id === s));
      if (unknown.length) throw new Error(say('tokenUnknownScopes', { scopes: unknown.join(', ') }));
      const { withTenant } = await import('../server/db/database.ts');
      const { createApiToken } = await import('../server/modules/identity/identity.service.ts');
      const created = await withTenant(runtime.database.db, campaignId, (trx) =>
        createApiToken(
          trx,
          { campaignId, userId: null, tokenId: null, label: 'cli', role: 'owner', zoneScope: null, ip: null },
          {
            name: opts.name,
            scopes: scopes as never,
            ...(opts.application ? { application: opts.application } : {}),
            ...(opts.description ? { description: opts.description } : {}),
            rateLimitPerMinute: rateLimit,
          },
        ),
      );
      console.log(created.token);
      console.error(
        say('tokenCreated', { name: opts.name, application: opts.application?.trim() || opts.name, scopes: scopes.join(', ') }),
      );
      await runtime.close();
    },
  );

const opendata = program.command('opendata').description(say('opendata'));
opendata
  .command('fetch')
  .argument('<city>', say('opendataCity'))
  .description(say('opendataFetch'))
  .action(async (city: string) => {
    const cfg = config();
    const { cityManifests } = await import('../server/opendata/paris.manifest.ts');
    if (!Object.hasOwn(cityManifests, city))
      throw new Error(say('opendataUnknownCity', { city, cities: Object.keys(cityManifests).join(', ') }));
    const { fetchCityData } = await import('../server/modules/demo/demo.campaign.ts');
    const result = await fetchCityData(cfg, city, throttledProgress());
    console.log(say('opendataFetched', { city, where: opendataWhere(result) }));
    if (result.missing.length) console.log(say('opendataMissing', { files: result.missing.join(', ') }));
  });

const jobs = program.command('jobs').description(say('jobs'));
jobs
  .command('demo')
  .description(say('jobsDemo'))
  .option('--campaign <slug>', say('campaign'))
  .option('--steps <n>', say('jobsSteps'), (v) => Number.parseInt(v, 10), 10)
  .action(async (opts: { campaign?: string; steps: number }) => {
    const runtime = await open(config());
    const campaignId = await campaignIdOf(runtime, opts.campaign);
    const id = await runtime.jobs.enqueue({ campaignId, kind: 'demo.count', params: { steps: opts.steps } });
    await runtime.jobs.work();
    console.log(say('jobsQueued', { id }));
    await follow(runtime, campaignId, id);
    await runtime.close();
  });
jobs
  .command('show')
  .argument('<id>', say('jobsId'))
  .option('--campaign <slug>', say('campaign'))
  .option('--follow', say('jobsFollow'))
  .description(say('jobsShow'))
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
    if (!job) throw new Error(say('jobNotFound', { id }));
    printProgress(job.kind, job.done, job.total);
    if (job.state === 'succeeded' || job.state === 'failed') {
      console.log(job.state === 'failed' ? say('jobFailed', { error: job.error ?? say('unknownError') }) : say('jobSucceeded'));
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
registerMailingCommand(program);

program.parseAsync(process.argv).catch((error: Error) => {
  // A refusal of the domain (an AppError: its detail is the API's English) inside the CLI's own sentence.
  console.error(`relais: ${error instanceof AppError ? refusedText(error) : error.message}`);
  process.exit(1);
});
