// `relais import people` as an operator runs it, on the embedded database: directly when no server
// runs, then through the running server (the embedded database allows one process), with --json.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const BIN = path.resolve(import.meta.dirname, '../../bin/relais.js');

describe('relais import people (embedded database)', () => {
  let dataDir: string;
  let env: NodeJS.ProcessEnv;
  let server: ChildProcess | null = null;

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'relais-cli-import-'));
    const { DATABASE_URL: _ignored, ...rest } = process.env;
    env = {
      ...rest,
      DATA_DIR: dataDir,
      RELAIS_OPENDATA_DIR: '',
      LOG_LEVEL: 'warn',
      PORT: String(30000 + Math.floor(Math.random() * 20000)),
    };
    await run(process.execPath, [BIN, 'seed', 'demo', '--people', '200'], { env, timeout: 120_000 });
  }, 180_000);

  afterAll(async () => {
    server?.kill('SIGTERM');
    if (server) await new Promise((r) => server?.once('exit', r));
    await rm(dataDir, { recursive: true, force: true });
  });

  async function importJson(file: string, ...args: string[]) {
    const { stdout, stderr } = await run(process.execPath, [BIN, 'import', 'people', file, '--json', ...args], { env, timeout: 120_000 });
    return { json: JSON.parse(stdout) as Record<string, unknown>, stdout, stderr };
  }

  it('imports directly when no server holds the database, printing exactly the JSON summary', async () => {
    const file = path.join(dataDir, 'direct.csv');
    await writeFile(
      file,
      Buffer.from('Prénom;Nom;Courriel;Téléphone\nAlix;Cli;alix.cli@example.fr;06 12 34 56 78\nBad;Row;bad@;\n', 'latin1'),
    );
    const { json, stdout, stderr } = await importJson(file);
    expect(Object.keys(json)).toEqual(['created', 'updated', 'rejected', 'rejectedFile']);
    expect(json).toMatchObject({ created: 1, updated: 0, rejected: 1 });
    expect(stdout.trim().split('\n')).toHaveLength(1);
    expect(stderr).toContain('100%');
    const rejected = await readFile(json.rejectedFile as string, 'utf8');
    expect(rejected).toContain('Bad;Row;bad@;;e-mail invalide');
    // Same file again: the person is now in the base.
    expect((await importJson(file)).json).toMatchObject({ created: 0, updated: 1, rejected: 1 });
    expect((await importJson(file, '--on-duplicate', 'skip')).json).toMatchObject({ created: 0, updated: 0, rejected: 1 });
  }, 120_000);

  it('goes through the running server when one holds the embedded database', async () => {
    server = spawn(process.execPath, [BIN, 'serve'], { env, stdio: 'ignore' });
    const serverFile = path.join(dataDir, 'server.json');
    for (let i = 0; i < 240 && !existsSync(serverFile); i += 1) await new Promise((r) => setTimeout(r, 250));
    expect(existsSync(serverFile)).toBe(true);
    const file = path.join(dataDir, 'via-server.csv');
    await writeFile(file, 'Courriel,Ville,Étiquettes\nvia.server@example.fr,Paris,"cli, serveur"\n');
    const { json } = await importJson(file);
    expect(json).toMatchObject({ created: 1, updated: 0, rejected: 0 });
    expect(JSON.parse(await readFile(serverFile, 'utf8')).pid).toBe(server.pid);
  }, 120_000);
});
