// `relais sandbox`: a throw-away campaign of generated data (the demo's) and a token with every read
// scope, for a hackathon; `relais sandbox --remove <slug>` deletes it with all its data. On the
// embedded database while a server holds it, both go through that server's local CLI channel (as
// `relais import people` does); otherwise this process opens the database itself.
import type { Command } from 'commander';
import { type Config, ConfigError, loadConfig } from '../server/config.ts';
import { SANDBOX_DEFAULT_PEOPLE, type Sandbox } from '../server/modules/demo/index.ts';
import { acquireDataLock, lockHolder } from './data-lock.ts';
import { configErrorText, demoNoticeText, refusalText, say } from './messages.ts';
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
      console.error(configErrorText(error));
      process.exit(2);
    }
    throw error;
  }
}

/** What an operator reads after creating a sandbox, in the CLI's locale. */
export function sandboxText(s: Sandbox): string {
  return [
    say('sandboxCreated', { slug: s.slug, people: s.people, where: say(s.synthetic ? 'sandboxInGenerated' : 'sandboxInParis') }),
    say('sandboxApi', { url: s.api_url, docs: `${s.api_url.replace(/\/v1$/, '')}/docs` }),
    say('sandboxToken', { token: s.token }),
    say('sandboxTokenScopes', { scopes: s.scopes.join(', ') }),
    say('sandboxTry', { command: `curl -H "Authorization: Bearer ${s.token}" ${s.api_url}/people` }),
    say('sandboxRemoval', { command: s.remove_command }),
  ].join('\n');
}

/** Talks to the server holding the embedded database, through its local CLI channel. */
async function throughServer(cfg: Config, method: 'POST' | 'DELETE', url: string, body?: object): Promise<unknown> {
  const { CLI_TOKEN_HEADER, findLocalServer } = await import('../server/http/local-cli.ts');
  const server = await findLocalServer(cfg.dataDir);
  if (!server) throw new Error(say('noLocalChannel', { pid: String(lockHolder(cfg.dataDir) ?? '?'), dir: cfg.dataDir }));
  const res = await fetch(`http://127.0.0.1:${server.port}/api/v1${url}`, {
    method,
    headers: { [CLI_TOKEN_HEADER]: server.token, ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  if (res.status === 204) return null;
  const payload = (await res.json().catch(() => ({}))) as { detail?: string; code?: string };
  if (!res.ok)
    throw new Error(refusalText({ detail: payload.detail ?? res.statusText, ...(payload.code ? { code: payload.code } : {}) }, res.status));
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
    .description(say('sandbox'))
    .option('--people <n>', say('sandboxPeople', { count: SANDBOX_DEFAULT_PEOPLE }), (v) => Number.parseInt(v, 10))
    .option('--synthetic', say('sandboxSynthetic'))
    .option('--remove <slug>', say('sandboxRemove'))
    .option('--json', say('sandboxJson'))
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
        else console.log(say('sandboxRemoved', { slug }));
        return;
      }
      if (opts.people !== undefined && (!Number.isInteger(opts.people) || opts.people < 1 || opts.people > 100_000)) {
        throw new Error(say('sandboxPeopleInvalid', { max: 100_000 }));
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
              log: (notice) => console.error(demoNoticeText(notice)),
            });
          });
      if (opts.json) process.stdout.write(`${JSON.stringify(sandbox)}\n`);
      else console.log(sandboxText(sandbox));
    });
}
