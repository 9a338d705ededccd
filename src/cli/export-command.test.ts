// `relais export people` on the embedded database: the CSV on standard output (audited), a saved
// segment's people only, and through the running server while one holds the database.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../server/db/database.ts';
import { pgliteDirOf } from '../server/runtime.ts';

const run = promisify(execFile);
const BIN = path.resolve(import.meta.dirname, '../../bin/relais.js');

describe('relais export people (embedded database)', () => {
  let dataDir: string;
  let env: NodeJS.ProcessEnv;
  let holder: ChildProcess | null = null;

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'relais-cli-export-'));
    const { DATABASE_URL: _ignored, ...rest } = process.env;
    env = { ...rest, DATA_DIR: dataDir, RELAIS_OPENDATA_DIR: '', LOG_LEVEL: 'warn' };
    await run(process.execPath, [BIN, 'seed', 'demo', '--people', '120'], { env, timeout: 120_000 });
  }, 180_000);

  afterAll(async () => {
    holder?.kill('SIGTERM');
    await rm(dataDir, { recursive: true, force: true });
  });

  it('writes every person as CSV to standard output and audits it', async () => {
    const { stdout, stderr } = await run(process.execPath, [BIN, 'export', 'people'], { env, timeout: 60_000, maxBuffer: 64 << 20 });
    expect(stdout.startsWith('\uFEFFid;prénom;nom;e-mail;')).toBe(true);
    expect(stdout.split('\r\n').filter(Boolean)).toHaveLength(121);
    // The CLI speaks French unless the locale says otherwise (cli/messages.ts).
    expect(stderr).toContain('120 personnes exportées');
    const database = await openDatabase({ databaseUrl: null, pgliteDir: pgliteDirOf({ dataDir }) });
    try {
      const audit = await database.db
        .selectFrom('audit_event')
        .select(['actor_label', 'details'])
        .where('action', '=', 'people.exported')
        .execute();
      expect(audit).toHaveLength(1);
      expect(audit[0]!.actor_label).toMatch(/^cli:/);
      expect(audit[0]!.details).toMatchObject({ row_count: 120 });
    } finally {
      await database.close();
    }
  }, 60_000);

  it("exports a saved segment's people only, and names an unknown segment", async () => {
    const database = await openDatabase({ databaseUrl: null, pgliteDir: pgliteDirOf({ dataDir }) });
    const segmentId = crypto.randomUUID();
    try {
      const campaign = await database.db.selectFrom('campaign').select('id').executeTakeFirstOrThrow();
      await database.db
        .insertInto('segment')
        .values({
          campaign_id: campaign.id,
          id: segmentId,
          name: 'Volontaires',
          definition: JSON.stringify({ op: 'and', children: [{ field: 'ladder_stage', cmp: 'in', value: ['volunteer'] }] }),
        })
        .execute();
    } finally {
      await database.close();
    }
    const { stdout } = await run(process.execPath, [BIN, 'export', 'people', '--segment', segmentId], { env, timeout: 60_000 });
    const rows = stdout.split('\r\n').filter(Boolean).slice(1);
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((r) => r.split(';')[8] === 'Volontaire')).toBe(true);
    const missing = await run(process.execPath, [BIN, 'export', 'people', '--segment', crypto.randomUUID()], { env }).catch((e) => e);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('Aucun segment');
  }, 60_000);

  it('goes through the running server when one holds the embedded database (the import does too)', async () => {
    holder = spawn(process.execPath, [BIN, 'serve'], {
      env: { ...env, PORT: String(30000 + Math.floor(Math.random() * 20000)) },
      stdio: 'ignore',
    });
    const serverFile = path.join(dataDir, 'server.json');
    for (let i = 0; i < 240 && !existsSync(serverFile); i += 1) await new Promise((r) => setTimeout(r, 250));
    expect(existsSync(serverFile)).toBe(true);
    const { stdout, stderr } = await run(process.execPath, [BIN, 'export', 'people'], { env, maxBuffer: 10_000_000 });
    expect(stdout.split('\r\n').filter(Boolean)).toHaveLength(121);
    expect(stdout.startsWith('\uFEFFid;prénom;nom')).toBe(true);
    expect(stderr).toContain('120 personnes exportées par le serveur en marche');
    const unknown = await run(process.execPath, [BIN, 'export', 'people', '--segment', '00000000-0000-7000-8000-000000000000'], {
      env,
    }).catch((e) => e);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('Aucun segment 00000000-0000-7000-8000-000000000000');
    holder.kill('SIGTERM');
    await new Promise((r) => holder?.once('exit', r));
    holder = null;
  }, 120_000);
});
