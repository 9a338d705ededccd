// `relais export people` on the embedded database: the CSV on standard output (audited), a saved
// segment's people only, and a clear refusal (exit 2) while another process holds the database.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
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
    expect(missing.stderr).toContain('no segment');
  }, 60_000);

  it('refuses clearly, with exit code 2, while another process holds the embedded database', async () => {
    holder = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
    await writeFile(path.join(dataDir, 'pglite.lock'), String(holder.pid));
    const result = await run(process.execPath, [BIN, 'export', 'people'], { env }).catch((e) => e);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(`held by a running Relais server (pid ${holder.pid})`);
    expect(result.stderr).toContain('/export.csv');
  }, 30_000);
});
