// What an attacker's review of the import found, on both databases: small files that unzip or parse
// into huge cells and headers are refused at upload with a 4xx (quickly, nothing kept), damaged XLSX
// files and columns named like Object's members are 4xx or plain columns, a referent cannot move
// people out of their zones (or strip their zones) through an update, formulas are neutralised in
// the rejected rows, two concurrent starts run an import once, and the state names no server path.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withTenant } from '../../db/database.ts';
import {
  buildTestApp,
  createCampaignFixture,
  createMemberFixture,
  type FixtureCampaign,
  type TestApp,
  TestClient,
} from '../../testing/app.ts';
import { describeEachDatabase } from '../../testing/databases.ts';
import { multipartOf, runImportToEnd, uploadImportFile } from '../../testing/multipart.ts';
import { SHEET_NS, xlsxOf, zipOf } from '../../testing/zip.ts';
import { claimImportStart } from './imports.repo.ts';
import { MAX_CELL_CHARS, MAX_COLUMNS } from './table-limits.ts';

const NS = SHEET_NS;

const inline = (ref: string, text: string) => `<c r="${ref}" t="inlineStr"><is><t>${text}</t></is></c>`;

describe('the XLSX reader', () => {
  it('reads inline strings, shared strings, numbers and booleans of a hand-made file', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'relais-xlsx-'));
    try {
      const file = path.join(dir, 'x.xlsx');
      await import('node:fs/promises').then((fs) =>
        fs.writeFile(
          file,
          xlsxOf(
            `<row r="1">${inline('A1', 'Courriel')}${inline('C1', 'Ok &amp; vu')}</row><row r="2"><c r="A2" t="inlineStr"><is><t>a@b.fr</t></is></c><c r="B2"><v>612121212</v></c><c r="C2" t="b"><v>1</v></c></row>`,
          ),
        ),
      );
      const { readBatches } = await import('./read-table.ts');
      const rows: string[][] = [];
      for await (const batch of readBatches(file, { format: 'xlsx', encoding: null, delimiter: null })) rows.push(...batch);
      expect(rows).toEqual([
        ['Courriel', '', 'Ok & vu'],
        ['a@b.fr', '612121212', 'VRAI'],
      ]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describeEachDatabase('imports under attack', (ctx) => {
  let t: TestApp;
  let dataDir: string;
  let campaign: FixtureCampaign;
  let owner: TestClient;
  let referent: TestClient;

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'relais-imports-attack-'));
    t = await buildTestApp(ctx.database, { dataDir, importMaxBytes: 8 * 1024 * 1024 });
    campaign = await createCampaignFixture(ctx.database.db, 'imports-attack');
    // Zone 1 holds 10 and 12 rue de la Paix, zone 2 holds 20 rue de Rivoli.
    await ctx.database.db
      .insertInto('address')
      .values([
        {
          campaign_id: campaign.id,
          id: 'p10',
          number: '10',
          street: 'Rue de la Paix',
          postcode: '75002',
          city: 'Paris',
          lon: 0.5,
          lat: 0.5,
        },
        {
          campaign_id: campaign.id,
          id: 'p12',
          number: '12',
          street: 'Rue de la Paix',
          postcode: '75002',
          city: 'Paris',
          lon: 0.6,
          lat: 0.5,
        },
        {
          campaign_id: campaign.id,
          id: 'r20',
          number: '20',
          street: 'Rue de Rivoli',
          postcode: '75001',
          city: 'Paris',
          lon: 1.5,
          lat: 0.5,
        },
      ])
      .execute();
    await createMemberFixture(ctx.database.db, campaign.id, { email: 'owner@attack.test', role: 'owner' });
    await createMemberFixture(ctx.database.db, campaign.id, {
      email: 'ref@attack.test',
      role: 'referent',
      zoneIds: [campaign.zones[0]!.id],
    });
    owner = new TestClient(t.app);
    await owner.login('owner@attack.test');
    referent = new TestClient(t.app);
    await referent.login('ref@attack.test');
    await t.runtime.jobs.work();
  }, 120_000);

  afterAll(async () => {
    await t?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  const upload = (client: TestClient, fileName: string, content: Buffer) => uploadImportFile(t.app, client, fileName, content);
  const runImport = runImportToEnd;

  const importCount = async () =>
    Number(
      (
        await ctx.database.db
          .selectFrom('people_import')
          .select((eb) => eb.fn.countAll<string>().as('n'))
          .where('campaign_id', '=', campaign.id)
          .executeTakeFirstOrThrow()
      ).n,
    );

  /** Uploads a file the server must refuse with this status and code, quickly, keeping nothing. */
  async function expectRefused(fileName: string, content: Buffer, status: number, code: string) {
    const before = await importCount();
    const started = performance.now();
    const res = await upload(owner, fileName, content);
    const ms = performance.now() - started;
    expect(res.statusCode, res.body).toBe(status);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json()).toMatchObject({ status, code });
    expect(ms).toBeLessThan(10_000);
    expect(await importCount()).toBe(before);
    return res.json();
  }

  it('refuses an XLSX whose first cell unzips into a huge string, at its first 32k characters', async () => {
    // About 40 kB zipped, 40 MB unzipped: the reader stops at the cell's bound, never holding it.
    const huge = xlsxOf(Buffer.from(`<row r="1"><c r="A1" t="inlineStr"><is><t>${'A'.repeat(40 * 1024 * 1024)}</t></is></c></row>`));
    expect(huge.length).toBeLessThan(200_000);
    const problem = await expectRefused('bombe.xlsx', huge, 422, 'IMPORT_CELL_TOO_LARGE');
    expect(problem.max_chars).toBe(MAX_CELL_CHARS);
    // A huge shared string too.
    const shared = zipOf({
      'xl/worksheets/sheet1.xml': `<worksheet xmlns="${NS}"><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c></row></sheetData></worksheet>`,
      'xl/sharedStrings.xml': Buffer.from(`<sst xmlns="${NS}"><si><t>${'B'.repeat(5 * 1024 * 1024)}</t></si></sst>`),
    });
    await expectRefused('partage.xlsx', shared, 422, 'IMPORT_CELL_TOO_LARGE');
  });

  it('refuses a CSV whose header opens a quote and never closes it, a huge cell further down, and a header too wide', async () => {
    await expectRefused('guillemet.csv', Buffer.from(`"Courriel;Nom\n${'x;'.repeat(2 * 1024 * 1024)}\n`), 422, 'IMPORT_HEADER_TOO_LARGE');
    const cell = Buffer.from(`Courriel;Nom\na@example.fr;A\nb@example.fr;"${'y'.repeat(MAX_CELL_CHARS + 10)}"\n`);
    await expectRefused('cellule.csv', cell, 422, 'IMPORT_CELL_TOO_LARGE');
    const wide = Buffer.from(`${Array.from({ length: MAX_COLUMNS + 1 }, (_, i) => `C${i}`).join(';')}\n`);
    await expectRefused('large.csv', wide, 422, 'IMPORT_HEADER_TOO_LARGE');
  });

  it('answers 422 IMPORT_FILE_UNREADABLE for damaged XLSX files', async () => {
    const wb = new ExcelJS.Workbook();
    wb.addWorksheet('Contacts').addRow(['Courriel', 'Nom']);
    const good = Buffer.from(await wb.xlsx.writeBuffer());
    await expectRefused('coupé.xlsx', good.subarray(0, Math.floor(good.length / 2)), 422, 'IMPORT_FILE_UNREADABLE');
    await expectRefused(
      'xml.xlsx',
      xlsxOf(`<row r="1">${inline('A1', 'Courriel')}<c r="B1"><v>1</c></row>`),
      422,
      'IMPORT_FILE_UNREADABLE',
    );
    await expectRefused(
      'colonne.xlsx',
      xlsxOf(`<row r="1">${inline('A1', 'Courriel')}${inline('XFE1', 'Trop loin')}</row>`),
      422,
      'IMPORT_FILE_UNREADABLE',
    );
    await expectRefused('entite.xlsx', xlsxOf(`<row r="1">${inline('A1', '&bomb;')}</row>`), 422, 'IMPORT_FILE_UNREADABLE');
    await expectRefused('chaine.xlsx', xlsxOf('<row r="1"><c r="A1" t="s"><v>7</v></c></row>'), 422, 'IMPORT_FILE_UNREADABLE');
    // Damage past the preview's rows is found at upload too: the whole file is read then.
    const rows = Array.from({ length: 40 }, (_, i) => `<row r="${i + 2}">${inline(`A${i + 2}`, `p${i}@example.fr`)}</row>`).join('');
    const late = xlsxOf(`<row r="1">${inline('A1', 'Courriel')}</row>${rows}<row r="50"><c r="A50" t="s"><v>3</v></c></row>`);
    await expectRefused('tardif.xlsx', late, 422, 'IMPORT_FILE_UNREADABLE');
  });

  it('answers a malformed multipart body (no boundary, cut inside the file) with a 400 at once, keeping nothing', async () => {
    // Found by the fuzzers: busboy's plain Errors were answered 500, and a body whose file part
    // lacks its closing boundary left the upload waiting forever on a destroyed stream.
    const before = await importCount();
    const full = multipartOf('coupé.csv', Buffer.from('Courriel\na@example.fr\n'));
    for (const [contentType, payload, code] of [
      ['multipart/form-data', full.payload, 'VALIDATION_FAILED'],
      [full.headers['content-type'], full.payload.subarray(0, full.payload.length - 30), 'VALIDATION_FAILED'],
      [full.headers['content-type'], full.payload.subarray(0, 60), 'IMPORT_FILE_MISSING'],
    ] as const) {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/v1/imports',
        payload,
        headers: { 'content-type': contentType, cookie: owner.cookie, 'x-csrf-token': owner.csrf },
      });
      expect(res.statusCode, res.body).toBe(400);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.json().code).toBe(code);
    }
    expect(await importCount()).toBe(before);
  }, 10_000);

  it('takes columns named like Object members as plain columns, and names no server path in the state', async () => {
    const csv = Buffer.from('Courriel;constructor;toString;__proto__\nobjet@example.fr;a;b;c\n');
    const res = await upload(owner, 'objet.csv', csv);
    expect(res.statusCode, res.body).toBe(201);
    const preview = res.json();
    // JSON.parse, not a literal: "__proto__" in a literal would set the prototype.
    expect(preview.suggested_mapping).toEqual(
      JSON.parse('{"Courriel":"email","constructor":"ignore","toString":"ignore","__proto__":"ignore"}'),
    );
    const state = await runImport(owner, preview.id, { mapping: { Courriel: 'email', toString: 'ignore' }, on_duplicate: 'update' });
    expect(state).toMatchObject({ state: 'succeeded', created: 1 });
    expect(JSON.stringify(state)).not.toContain(dataDir);
    expect(state).not.toHaveProperty('rejected_file');
  });

  it('neutralises formulas in the rejected rows', async () => {
    const csv = Buffer.from('Courriel;Nom\n=1+1;@SUM(1)\n-2+3;Moins\nbon@example.fr;+33 6 12 34 56 78\n');
    const preview = (await upload(owner, 'formules.csv', csv)).json();
    const state = await runImport(owner, preview.id, { mapping: { Courriel: 'email', Nom: 'family_name' }, on_duplicate: 'update' });
    expect(state).toMatchObject({ created: 1, rejected: 2 });
    const rejected = (await owner.request('GET', `/api/v1/imports/${preview.id}/rejected.csv`)).body;
    expect(rejected).toContain("'=1+1;'@SUM(1);e-mail invalide");
    expect(rejected).toContain("'-2+3;Moins;e-mail invalide");
  });

  it('runs an import once when it is started twice at the same time', async () => {
    const preview = (await upload(owner, 'double.csv', Buffer.from('Courriel\ndouble@example.fr\n'))).json();
    const body = { mapping: { Courriel: 'email' }, on_duplicate: 'update' };
    const answers = await Promise.all([
      owner.request('POST', `/api/v1/imports/${preview.id}/start`, body),
      owner.request('POST', `/api/v1/imports/${preview.id}/start`, body),
    ]);
    expect(answers.map((a) => a.statusCode).sort()).toEqual([202, 409]);
    expect(answers.find((a) => a.statusCode === 409)?.json().code).toBe('IMPORT_ALREADY_STARTED');
    const runs = await ctx.database.db
      .selectFrom('job_run')
      .select('id')
      .where('campaign_id', '=', campaign.id)
      .where(({ eb, ref }) => eb(ref('params', '->>').key('import_id'), '=', preview.id))
      .execute();
    expect(runs).toHaveLength(1);
    // The transition itself: only the first claim of an upload wins, whatever read it before.
    const other = (await upload(owner, 'claim.csv', Buffer.from('Courriel\nclaim@example.fr\n'))).json();
    const claim = () =>
      withTenant(ctx.database.db, campaign.id, (trx) => claimImportStart(trx, campaign.id, other.id, 'uploads/x/rejected.csv'));
    expect(await claim()).toBe(true);
    expect(await claim()).toBe(false);
  });

  it('does not let a referent move people out of their zones, nor strip their zones, by updating their address', async () => {
    const seed = Buffer.from(
      [
        'Courriel;Adresse;Code postal',
        'reste@example.fr;10 rue de la Paix;75002',
        'part@example.fr;10 rue de la Paix;75002',
        'perd@example.fr;10 rue de la Paix;75002',
      ].join('\n'),
    );
    const seeded = (await upload(owner, 'seed.csv', seed)).json();
    expect(await runImport(owner, seeded.id, { mapping: seeded.suggested_mapping, on_duplicate: 'update' })).toMatchObject({ created: 3 });

    const moves = Buffer.from(
      [
        'Courriel;Adresse;Code postal',
        'reste@example.fr;12 rue de la Paix;75002',
        'part@example.fr;20 rue de Rivoli;75001',
        'perd@example.fr;1 impasse Introuvable;75002',
      ].join('\n'),
    );
    const preview = (await upload(referent, 'moves.csv', moves)).json();
    const state = await runImport(referent, preview.id, { mapping: preview.suggested_mapping, on_duplicate: 'update' });
    expect(state).toMatchObject({ updated: 1, rejected: 2 });
    const person = (email: string) =>
      ctx.database.db
        .selectFrom('person')
        .select(['street_address', 'zone_ids', 'address_id'])
        .where('campaign_id', '=', campaign.id)
        .where('email', '=', email)
        .executeTakeFirstOrThrow();
    const zone1 = [campaign.zones[0]!.id];
    expect(await person('reste@example.fr')).toMatchObject({ street_address: '12 rue de la Paix', zone_ids: zone1, address_id: 'p12' });
    expect(await person('part@example.fr')).toMatchObject({ street_address: '10 rue de la Paix', zone_ids: zone1, address_id: 'p10' });
    expect(await person('perd@example.fr')).toMatchObject({ street_address: '10 rue de la Paix', zone_ids: zone1, address_id: 'p10' });
    const rejected = (await referent.request('GET', `/api/v1/imports/${preview.id}/rejected.csv`)).body;
    expect(rejected).toContain('part@example.fr;20 rue de Rivoli;75001;hors de votre périmètre');
    expect(rejected).toContain('perd@example.fr;1 impasse Introuvable;75002;hors de votre périmètre');
  });
});
