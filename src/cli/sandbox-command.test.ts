// `relais sandbox` as an operator runs it on the embedded database: directly when no server runs,
// then through the running server's local CLI channel; the printed token reads the API and
// `relais sandbox --remove` really deletes the campaign (its token is refused afterwards).
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const BIN = path.resolve(import.meta.dirname, '../../bin/relais.js');

describe('relais sandbox (embedded database)', () => {
  let dataDir: string;
  let env: NodeJS.ProcessEnv;
  let port: number;
  let server: ChildProcess | null = null;
  /** An operator's token made by `relais token create` for the first sandbox, with its own rate limit. */
  let operatorToken = '';

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'relais-cli-sandbox-'));
    port = 30000 + Math.floor(Math.random() * 20000);
    const { DATABASE_URL: _ignored, ...rest } = process.env;
    env = { ...rest, DATA_DIR: dataDir, RELAIS_OPENDATA_DIR: '', LOG_LEVEL: 'warn', PORT: String(port) };
  });

  afterAll(async () => {
    server?.kill('SIGTERM');
    if (server) await new Promise((r) => server?.once('exit', r));
    await rm(dataDir, { recursive: true, force: true });
  });

  const sandboxOf = async (...args: string[]) => {
    const { stdout } = await run(process.execPath, [BIN, 'sandbox', ...args], { env, timeout: 180_000 });
    return JSON.parse(stdout) as { slug: string; token: string; api_url: string; remove_command: string; people: number };
  };

  it('creates a sandbox directly, and says how to reach and remove it', async () => {
    const { stdout } = await run(process.execPath, [BIN, 'sandbox', '--synthetic', '--people', '40'], { env, timeout: 180_000 });
    expect(stdout).toMatch(/Bac à sable « sandbox-[0-9a-f]{6} » créé : 40 contacts générés/);
    expect(stdout).toContain(`http://localhost:${port}/api/v1`);
    expect(stdout).toMatch(/Jeton +rl_/);
    expect(stdout).toMatch(/relais sandbox --remove sandbox-[0-9a-f]{6}/);

    // The operator makes a token for an application, with its own limit.
    const slug = /« (sandbox-[0-9a-f]{6}) »/.exec(stdout)?.[1] as string;
    const made = await run(
      process.execPath,
      [
        BIN,
        'token',
        'create',
        '--campaign',
        slug,
        '--name',
        'Carte du hackathon',
        '--application',
        'Hackathon',
        '--rate-limit',
        '7',
        '--scopes',
        'people:read',
      ],
      { env, timeout: 120_000 },
    );
    operatorToken = made.stdout.trim();
    expect(operatorToken).toMatch(/^rl_/);
    expect(made.stderr).toContain('Jeton « Carte du hackathon » créé pour l’application « Hackathon » (portées : people:read)');
    await expect(
      run(process.execPath, [BIN, 'token', 'create', '--name', 'x', '--rate-limit', 'beaucoup'], { env, timeout: 60_000 }),
    ).rejects.toMatchObject({ stderr: expect.stringContaining('--rate-limit attend un nombre entier') });
  }, 300_000);

  it('goes through the running server, whose API the token reads, and removes the sandbox for good', async () => {
    server = spawn(process.execPath, [BIN, 'serve'], { env, stdio: 'ignore' });
    const serverFile = path.join(dataDir, 'server.json');
    for (let i = 0; i < 240 && !existsSync(serverFile); i += 1) await new Promise((r) => setTimeout(r, 250));
    expect(existsSync(serverFile)).toBe(true);
    const sandbox = await sandboxOf('--synthetic', '--people', '30', '--json');
    expect(sandbox.remove_command).toBe(`relais sandbox --remove ${sandbox.slug}`);
    const base = `http://127.0.0.1:${port}/api/v1`;
    const read = await fetch(`${base}/people`, { headers: { authorization: `Bearer ${sandbox.token}` } });
    expect(read.status).toBe(200);
    expect(((await read.json()) as { total_records: number }).total_records).toBe(30);
    // The operator's token answers under its own limit of 7 a minute.
    const limited = await fetch(`${base}/people`, { headers: { authorization: `Bearer ${operatorToken}` } });
    expect(limited.status).toBe(200);
    expect(limited.headers.get('ratelimit-limit')).toBe('7');

    const { stdout } = await run(process.execPath, [BIN, 'sandbox', '--remove', sandbox.slug], { env, timeout: 60_000 });
    expect(stdout).toContain(`« ${sandbox.slug} » supprimé`);
    const refused = await fetch(`${base}/people`, { headers: { authorization: `Bearer ${sandbox.token}` } });
    expect(refused.status).toBe(401);
    await expect(run(process.execPath, [BIN, 'sandbox', '--remove', sandbox.slug], { env, timeout: 60_000 })).rejects.toMatchObject({
      stderr: expect.stringContaining('NOT_FOUND'),
    });
  }, 300_000);
});
