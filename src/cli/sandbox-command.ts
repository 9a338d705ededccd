// `relais sandbox`: a throw-away campaign of generated data (the demo's) and a token with every read
// scope, for a hackathon; `relais sandbox --remove <slug>` deletes it with all its data. On the
// embedded database while a server holds it, both go through that server's local CLI channel (as
// `relais import people` does); otherwise this process opens the database itself.
import type { Command } from 'commander';
import { type Config, ConfigError, loadConfig } from '../server/config.ts';
import type { Sandbox } from '../server/modules/demo/index.ts';
import { acquireDataLock, lockHolder } from './data-lock.ts';
import { throttledProgress } from './progress.ts';

interface SandboxOptions {
  people?: number;
  synthetic?: boolean;
  remove?: string;
  json?: boolean;
}

function loadCliConfig(): Config {
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

/** What an operator reads after creating a sandbox (French first, as the import's summary). */
export function sandboxText(s: Sandbox): string {
  return [
    `Bac à sable « ${s.slug} » créé : ${s.people.toLocaleString('fr-FR')} contacts générés${s.synthetic ? ' dans une ville générée (pas Paris)' : ' à Paris'}.`,
    `  API          ${s.api_url}   (documentation : ${s.api_url.replace(/\/v1$/, '')}/docs)`,
    `  Jeton        ${s.token}`,
    `               lecture seule (${s.scopes.join(', ')}) ; il ne sera plus affiché.`,
    `  Essai        curl -H "Authorization: Bearer ${s.token}" ${s.api_url}/people`,
    `  Suppression  ${s.remove_command}   (la campagne et toutes ses données)`,
  ].join('\n');
}

/** Talks to the server holding the embedded database, through its local CLI channel. */
async function throughServer(cfg: Config, method: 'POST' | 'DELETE', url: string, body?: object): Promise<unknown> {
  const { CLI_TOKEN_HEADER, findLocalServer } = await import('../server/http/local-cli.ts');
  const server = await findLocalServer(cfg.dataDir);
  if (!server) throw new Error(`A Relais server holds the embedded database in ${cfg.dataDir} but offers no local CLI channel: stop it.`);
  const res = await fetch(`http://127.0.0.1:${server.port}/api/v1${url}`, {
    method,
    headers: { [CLI_TOKEN_HEADER]: server.token, ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  if (res.status === 204) return null;
  const payload = (await res.json().catch(() => ({}))) as { detail?: string; code?: string };
  if (!res.ok) throw new Error(`${payload.detail ?? res.statusText} (${payload.code ?? res.status})`);
  return payload;
}

/** Runs fn with the database opened by this process (its lock taken on the embedded database). */
async function direct<T>(cfg: Config, fn: (deps: import('../server/runtime.ts').Runtime) => Promise<T>): Promise<T> {
  const { openRuntime } = await import('../server/runtime.ts');
  if (!cfg.databaseUrl) acquireDataLock(cfg.dataDir);
  const runtime = await openRuntime(cfg);
  try {
    return await fn(runtime);
  } finally {
    await runtime.close();
  }
}

/** Registers `relais sandbox`. */
export function registerSandboxCommand(program: Command): void {
  program
    .command('sandbox')
    .description('Create a throw-away campaign of generated data and a read-only API token, for a hackathon (or --remove one)')
    .option('--people <n>', 'number of generated contacts (default 2000)', (v) => Number.parseInt(v, 10))
    .option('--synthetic', 'use the small generated city even when the open data of Paris is at hand (faster)')
    .option('--remove <slug>', 'delete this sandbox campaign and all its data')
    .option('--json', 'print the sandbox (slug, token, api_url, scopes, people, remove_command) as JSON')
    .action(async (opts: SandboxOptions) => {
      const cfg = loadCliConfig();
      const viaServer = !cfg.databaseUrl && lockHolder(cfg.dataDir) !== null;
      if (opts.remove) {
        const slug = opts.remove;
        if (viaServer) await throughServer(cfg, 'DELETE', `/sandboxes/${encodeURIComponent(slug)}`);
        else {
          const { removeSandbox } = await import('../server/modules/demo/index.ts');
          await direct(cfg, (runtime) => removeSandbox(runtime, slug));
        }
        if (opts.json) process.stdout.write(`${JSON.stringify({ removed: slug })}\n`);
        else console.log(`Bac à sable « ${slug} » supprimé, avec toutes ses données.`);
        return;
      }
      if (opts.people !== undefined && (!Number.isInteger(opts.people) || opts.people < 1 || opts.people > 100_000)) {
        throw new Error('--people: a whole number from 1 to 100000.');
      }
      const sandbox = viaServer
        ? ((await throughServer(cfg, 'POST', '/sandboxes', {
            ...(opts.people ? { people: opts.people } : {}),
            ...(opts.synthetic ? { synthetic: true } : {}),
          })) as Sandbox)
        : await direct(cfg, async (runtime) => {
            const { createSandbox } = await import('../server/modules/demo/index.ts');
            return createSandbox(runtime, {
              ...(opts.people ? { peopleCount: opts.people } : {}),
              ...(opts.synthetic ? { synthetic: true } : {}),
              onProgress: throttledProgress(),
              log: (m) => console.error(m),
            });
          });
      if (opts.json) process.stdout.write(`${JSON.stringify(sandbox)}\n`);
      else console.log(sandboxText(sandbox));
    });
}
