// The import wizard end to end with its files in an S3 bucket (FILES_BACKEND=s3, a real
// S3-compatible server on loopback): upload to the bucket, preview, the job reading the file back
// (CSV and XLSX, which is read from a local copy), staging, apply, and the rejected rows written to
// the bucket and downloaded from it. Nothing lands under DATA_DIR but temporary copies, removed.
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { s3FileStore } from '../../files/s3-store.ts';
import type { FileStore } from '../../files/storage.ts';
import {
  buildTestApp,
  createCampaignFixture,
  createMemberFixture,
  type FixtureCampaign,
  type TestApp,
  TestClient,
} from '../../testing/app.ts';
import { describeEachDatabase } from '../../testing/databases.ts';
import { runImportToEnd, uploadImportFile } from '../../testing/multipart.ts';
import { startTestS3, type TestS3 } from '../../testing/s3-server.ts';

describeEachDatabase('imports with the files in an S3 bucket', (ctx) => {
  let s3: TestS3;
  let bucket: FileStore;
  let t: TestApp;
  let dataDir: string;
  let campaign: FixtureCampaign;
  let owner: TestClient;

  beforeAll(async () => {
    s3 = await startTestS3();
    dataDir = await mkdtemp(path.join(tmpdir(), 'relais-imports-s3-'));
    bucket = s3FileStore(s3.config, { tempDir: path.join(dataDir, 'elsewhere') });
    t = await buildTestApp(ctx.database, { dataDir, files: s3.config });
    campaign = await createCampaignFixture(ctx.database.db, 'imports-s3');
    await createMemberFixture(ctx.database.db, campaign.id, { email: 'owner@imports-s3.test', role: 'owner' });
    owner = new TestClient(t.app);
    await owner.login('owner@imports-s3.test');
    await t.runtime.jobs.work();
  }, 120_000);

  afterAll(async () => {
    await t?.close();
    await s3?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  async function keysUnder(prefix: string): Promise<string[]> {
    const keys: string[] = [];
    for await (const file of bucket.list(prefix)) keys.push(file.key);
    return keys.sort();
  }

  it('uploads a CSV to the bucket, stages and applies it, and serves its rejected rows from the bucket', async () => {
    const csv = [
      'Prénom;Nom;Courriel',
      'Éloïse;Durand;eloise@s3.example.fr',
      'Jean;Martin;jean.martin@',
      'Luc;Petit;luc@s3.example.fr',
    ].join('\r\n');
    const res = await uploadImportFile(t.app, owner, 'adherents.csv', Buffer.from(`${csv}\r\n`));
    expect(res.statusCode, res.body).toBe(201);
    const preview = res.json();
    expect(preview.preview[0]).toEqual(['Éloïse', 'Durand', 'eloise@s3.example.fr']);
    const folder = `uploads/${campaign.id}/${preview.id}`;
    expect(await keysUnder(folder)).toEqual([`${folder}/source.csv`]);

    const state = await runImportToEnd(owner, preview.id, { mapping: preview.suggested_mapping, on_duplicate: 'update' });
    expect(state).toMatchObject({ state: 'succeeded', created: 2, rejected: 1 });
    const people = await ctx.database.db
      .selectFrom('person')
      .select(['given_name', 'email'])
      .where('campaign_id', '=', campaign.id)
      .where('source', '=', 'import')
      .orderBy('email')
      .execute();
    expect(people).toEqual([
      { given_name: 'Éloïse', email: 'eloise@s3.example.fr' },
      { given_name: 'Luc', email: 'luc@s3.example.fr' },
    ]);

    expect(await keysUnder(folder)).toEqual([`${folder}/rejected.csv`, `${folder}/source.csv`]);
    const rejected = await owner.request('GET', `/api/v1/imports/${preview.id}/rejected.csv`);
    expect(rejected.statusCode).toBe(200);
    expect(rejected.body).toContain('Jean;Martin;jean.martin@;');
    // Files live in the bucket only: DATA_DIR holds no upload, and no temporary copy is left.
    const local = await readdir(dataDir);
    expect(local).not.toContain('uploads');
    if (local.includes('tmp')) expect(await readdir(path.join(dataDir, 'tmp'))).toEqual([]);
  });

  it('imports an XLSX, which the job reads from a temporary local copy of the object', async () => {
    const book = new ExcelJS.Workbook();
    const sheet = book.addWorksheet('Contacts');
    sheet.addRow(['Prénom', 'Nom', 'Courriel']);
    sheet.addRow(['Zoé', 'Faure', 'zoe@s3.example.fr']);
    const res = await uploadImportFile(t.app, owner, 'contacts.xlsx', Buffer.from(await book.xlsx.writeBuffer()));
    expect(res.statusCode, res.body).toBe(201);
    const preview = res.json();
    expect(await keysUnder(`uploads/${campaign.id}/${preview.id}`)).toEqual([`uploads/${campaign.id}/${preview.id}/source.xlsx`]);
    const state = await runImportToEnd(owner, preview.id, { mapping: preview.suggested_mapping, on_duplicate: 'update' });
    expect(state).toMatchObject({ state: 'succeeded', created: 1, rejected: 0 });
    const zoe = await ctx.database.db
      .selectFrom('person')
      .select('family_name')
      .where('campaign_id', '=', campaign.id)
      .where('email', '=', 'zoe@s3.example.fr')
      .executeTakeFirst();
    expect(zoe).toEqual({ family_name: 'Faure' });
    expect(await readdir(path.join(dataDir, 'tmp'))).toEqual([]);
  });
});
