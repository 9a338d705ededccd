// `relais import people` as an operator runs it, on the embedded database: directly when no server
// runs, then through the running server (the embedded database allows one process), with --json and
// the options (--tag, --list, --consent/--consent-text, --map), checked through `relais export people`.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../server/db/database.ts';
import { uuidv7 } from '../server/lib/ids.ts';

const run = promisify(execFile);
const BIN = path.resolve(import.meta.dirname, '../../bin/relais.js');

describe('relais import people (embedded database)', () => {
  let dataDir: string;
  let env: NodeJS.ProcessEnv;
  let server: ChildProcess | null = null;
  let listId: string;

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
    // A list and a custom field to import into (no command makes them): written while no process holds the database.
    const database = await openDatabase({ databaseUrl: null, pgliteDir: path.join(dataDir, 'pglite') });
    try {
      const { db } = database;
      const campaign = await db.selectFrom('campaign').select('id').orderBy('created_at').executeTakeFirstOrThrow();
      listId = uuidv7();
      await db.insertInto('list').values({ campaign_id: campaign.id, id: listId, name: 'Newsletter CLI' }).execute();
      await db
        .insertInto('custom_field')
        .values({ campaign_id: campaign.id, id: uuidv7(), key: 'profession', label: 'Profession', type: 'text', position: 99 })
        .execute();
    } finally {
      await database.close();
    }
  }, 180_000);

  afterAll(async () => {
    server?.kill('SIGTERM');
    if (server) await new Promise((r) => server?.once('exit', r));
    await rm(dataDir, { recursive: true, force: true });
  });

  /** The exported row of one person, as { column: value } (the export is `;`-separated, values plain here). */
  async function exportedPerson(email: string): Promise<Record<string, string>> {
    const { stdout } = await run(process.execPath, [BIN, 'export', 'people'], { env, timeout: 120_000, maxBuffer: 64 * 1024 * 1024 });
    const [header, ...rows] = stdout.replace(/^\ufeff/, '').split('\r\n');
    const row = rows.find((r) => r.includes(`;${email};`));
    if (!row) throw new Error(`${email} not exported`);
    const columns = header!.split(';');
    const cells = row.split(';').map((c) => c.replace(/^"|"$/g, ''));
    return Object.fromEntries(columns.map((c, i) => [c, cells[i] ?? '']));
  }

  async function importFails(file: string, ...args: string[]): Promise<string> {
    const error = (await run(process.execPath, [BIN, 'import', 'people', file, ...args], { env, timeout: 120_000 }).then(
      () => null,
      (e: unknown) => e,
    )) as { code: number; stderr: string } | null;
    expect(error, 'the command should fail').not.toBeNull();
    expect(error!.code).toBe(1);
    return error!.stderr;
  }

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

  it('takes tags, a list by name, consents with their proof and explicit column mappings', async () => {
    const file = path.join(dataDir, 'options.csv');
    await writeFile(file, 'Prénom;Nom;Courriel;Numéro;Métier;Notes\nOpt;Direct;opt.direct@example.fr;06 98 76 54 32;infirmière;rien\n');
    // Checked before the database is opened.
    expect(await importFails(file, '--consent', 'email,sms')).toContain('--consent demande --consent-text');
    expect(await importFails(file, '--consent', 'email,fax', '--consent-text', 'x')).toContain('email, sms, phone, post');
    const unknownField = await importFails(file, '--map', 'Numéro=phon');
    expect(unknownField).toContain('unknown field "phon"');
    expect(unknownField).toContain('given_name, family_name, full_name, email, phone');

    const { json } = await importJson(
      file,
      ...['--tag', 'cli-tag', '--tag', 'vip', '--list', 'newsletter cli'],
      ...['--consent', 'email,sms', '--consent-text', "J'accepte d'être contactée."],
      ...['--map', 'Numéro=phone', '--map', 'métier=custom:profession'],
    );
    expect(json).toMatchObject({ created: 1, updated: 0, rejected: 0 });
    const person = await exportedPerson('opt.direct@example.fr');
    expect(person).toMatchObject({
      prénom: 'Opt',
      téléphone: '+33698765432',
      consentements: 'e-mail, SMS',
      listes: 'Newsletter CLI',
      Profession: 'infirmière',
    });
    expect(person.étiquettes!.split(', ').sort()).toEqual(['cli-tag', 'vip']);
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

    // The options through the server: errors that need the file's columns or the campaign's fields come from there.
    const options = path.join(dataDir, 'options-server.csv');
    await writeFile(options, 'E-mail,Portable perso,Fonction\nopt.server@example.fr,0611223344,maçon\n');
    expect(await importFails(options, '--map', 'Nope=email')).toContain(
      'the file has no column "Nope". Its columns: E-mail, Portable perso, Fonction',
    );
    const badCustom = await importFails(options, '--map', 'Fonction=custom:metier');
    expect(badCustom).toContain('unknown field "custom:metier" for column "Fonction"');
    expect(badCustom).toContain('custom:profession');
    expect(await importFails(options, '--list', 'Nulle part')).toContain('No list named "Nulle part" (lists: Newsletter CLI)');
    const viaServer = await importJson(
      options,
      ...['--tag', 'serveur', '--list', listId, '--consent', 'phone', '--consent-text', 'Oui au téléphone.'],
      ...['--map', 'Fonction=custom:profession', '--on-duplicate', 'skip'],
    );
    expect(viaServer.json).toMatchObject({ created: 1, updated: 0, rejected: 0 });

    // Stop the server to read the base with `relais export people`.
    server.kill('SIGTERM');
    await new Promise((r) => server?.once('exit', r));
    server = null;
    const person = await exportedPerson('opt.server@example.fr');
    expect(person).toMatchObject({
      téléphone: '+33611223344',
      consentements: 'téléphone',
      listes: 'Newsletter CLI',
      étiquettes: 'serveur',
      Profession: 'maçon',
    });
  }, 120_000);
});
