// The import wizard end to end on both databases: upload of messy real-world files (Windows-1252,
// BOMs, quoted line breaks, French headers, XLSX), preview and suggested or remembered mapping,
// the background job (staging COPY + set-based upsert), update vs skip, tags / list / consent,
// the rejected file with its reasons, and a referent limited to their zones.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { uuidv7 } from '../../lib/ids.ts';
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

const MESSY_HEADER = 'Civilité;Prénom;Nom;Courriel;Téléphone;Adresse;Code postal;Ville;Date de naissance;Étiquettes';

/** The messy CSV: Windows-1252, semicolons, quoted line breaks, bad values, a duplicate, an existing person. */
function messyCsv(existingEmail: string): Buffer {
  const lines = [
    MESSY_HEADER,
    'Mme;Éloïse;Durand;Eloise.Durand@Example.FR;06 12 34 56 78;"10 rue de la Paix";75002;Paris;17/05/1980;"bénévole, quartier"',
    'M.;Jean;Martin;jean.martin@;06 11 11 11 11;;;;;',
    'M.;Luc;Petit;;12;;;;;',
    ';Anne;Sans;;;;;;;',
    'Mme;Zoé;Faux;zoe@example.fr;;;;;31/02/1990;',
    'Mme;Éloïse;Durand bis;ELOISE.DURAND@example.fr;;;;;;',
    `M.;Nouveau;Prénom;${existingEmail.toUpperCase()};07 00 00 00 01;;;;;vip`,
    ';Bruno;Lévêque;;+33 7 11 22 33 44;"Bâtiment B\r\n3 avenue Foch";75016;Paris;1er mai 1975;',
    ';Élo;Tel;;06.12.34.56.78;;;;;',
  ];
  return Buffer.from(`${lines.join('\r\n')}\r\n`, 'latin1');
}

describeEachDatabase('imports', (ctx) => {
  let t: TestApp;
  let dataDir: string;
  let campaign: FixtureCampaign;
  let owner: TestClient;
  let referent: TestClient;

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'relais-imports-'));
    t = await buildTestApp(ctx.database, { dataDir, importMaxBytes: 200_000 });
    campaign = await createCampaignFixture(ctx.database.db, 'imports');
    // An address base: "10 rue de la Paix" in zone 1, "20 rue de Rivoli" in zone 2.
    await ctx.database.db
      .insertInto('address')
      .values([
        {
          campaign_id: campaign.id,
          id: 'a1',
          number: '10',
          street: 'Rue de la Paix',
          postcode: '75002',
          city: 'Paris',
          lon: 0.5,
          lat: 0.5,
        },
        { campaign_id: campaign.id, id: 'a2', number: '20', street: 'Rue de Rivoli', postcode: '75001', city: 'Paris', lon: 1.5, lat: 0.5 },
      ])
      .execute();
    await createMemberFixture(ctx.database.db, campaign.id, { email: 'owner@imports.test', role: 'owner' });
    await createMemberFixture(ctx.database.db, campaign.id, {
      email: 'ref@imports.test',
      role: 'referent',
      zoneIds: [campaign.zones[0]!.id],
    });
    owner = new TestClient(t.app);
    await owner.login('owner@imports.test');
    referent = new TestClient(t.app);
    await referent.login('ref@imports.test');
    await t.runtime.jobs.work();
  }, 120_000);

  afterAll(async () => {
    await t?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  const upload = (client: TestClient, fileName: string, content: Buffer) => uploadImportFile(t.app, client, fileName, content);
  const runImport = runImportToEnd;

  function personByEmail(email: string) {
    return ctx.database.db
      .selectFrom('person')
      .selectAll()
      .where('campaign_id', '=', campaign.id)
      .where('email', '=', email)
      .executeTakeFirst();
  }

  it('reads a messy Windows-1252 file, imports the good rows and returns the bad ones with reasons', async () => {
    const existing = campaign.people[0]!;
    const existingEmail = `person0.${campaign.slug}@example.org`;
    const list = uuidv7();
    await ctx.database.db.insertInto('list').values({ campaign_id: campaign.id, id: list, name: 'Import test' }).execute();

    const res = await upload(owner, 'contacts export.csv', messyCsv(existingEmail));
    expect(res.statusCode, res.body).toBe(201);
    const preview = res.json();
    expect(preview).toMatchObject({ format: 'csv', encoding: 'windows-1252', delimiter: ';', remembered: false });
    expect(preview.headers).toEqual(MESSY_HEADER.split(';'));
    expect(preview.preview).toHaveLength(9);
    expect(preview.preview[0][1]).toBe('Éloïse');
    expect(preview.preview[7][5]).toBe('Bâtiment B\r\n3 avenue Foch');
    expect(preview.suggested_mapping).toMatchObject({
      Courriel: 'email',
      Prénom: 'given_name',
      'Date de naissance': 'birthdate',
      Étiquettes: 'tags',
    });

    const state = await runImport(owner, preview.id, {
      mapping: preview.suggested_mapping,
      on_duplicate: 'update',
      add_tags: ['import-test'],
      add_list_id: list,
      consent: { channels: ['email', 'sms'], proof_text: "J'accepte de recevoir des nouvelles." },
    });
    // A bad e-mail beside a good phone, a bad date beside a good e-mail: the person is kept without
    // the bad field, which the report flags. Copies of a person in the file are merged, not rejected.
    expect(state).toMatchObject({ state: 'succeeded', created: 4, updated: 1, skipped: 0, rejected: 2, flagged: 2, merged: 2 });
    const shown = await owner.request('GET', `/api/v1/imports/${preview.id}`);
    expect(shown.json().issues).toEqual([
      { line: 3, status: 'flagged', reasons: [{ code: 'email_invalid' }] },
      { line: 4, status: 'rejected', reasons: [{ code: 'phone_invalid' }] },
      { line: 5, status: 'rejected', reasons: [{ code: 'no_contact' }] },
      { line: 6, status: 'flagged', reasons: [{ code: 'date_invalid' }] },
      { line: 7, status: 'merged', reasons: [] },
      { line: 10, status: 'merged', reasons: [] },
    ]);
    const jean = await ctx.database.db
      .selectFrom('person')
      .selectAll()
      .where('campaign_id', '=', campaign.id)
      .where('phone', '=', '+33611111111')
      .executeTakeFirstOrThrow();
    expect(jean).toMatchObject({ given_name: 'Jean', family_name: 'Martin', email: null });
    expect(await personByEmail('zoe@example.fr')).toMatchObject({ given_name: 'Zoé', birthdate: null });

    const eloise = await personByEmail('eloise.durand@example.fr');
    expect(eloise).toMatchObject({
      given_name: 'Éloïse',
      family_name: 'Durand',
      phone: '+33612345678',
      gender: 'female',
      source: 'import',
      consent_email: true,
      consent_sms: true,
      address_id: 'a1',
      zone_ids: [campaign.zones[0]!.id],
    });
    expect(eloise?.birthdate).toBeTruthy();
    const bruno = await ctx.database.db
      .selectFrom('person')
      .selectAll()
      .where('campaign_id', '=', campaign.id)
      .where('phone', '=', '+33711223344')
      .executeTakeFirstOrThrow();
    expect(bruno).toMatchObject({
      given_name: 'Bruno',
      family_name: 'Lévêque',
      street_address: 'Bâtiment B\r\n3 avenue Foch',
      consent_email: false,
      consent_sms: true,
    });

    // The existing person was updated (non-empty fields overwrite), not duplicated.
    const updated = await ctx.database.db.selectFrom('person').selectAll().where('id', '=', existing.id).executeTakeFirstOrThrow();
    expect(updated).toMatchObject({ given_name: 'Nouveau', family_name: 'Prénom', phone: '+33700000001' });
    // The import writes the consent cache itself (created people) or recomputes it (updated ones)
    // while the ledger's trigger stands aside: the cache must still say what the ledger says.
    expect(updated).toMatchObject({ consent_email: true, consent_sms: true });
    const mismatches = await sql<{ id: string }>`select p.id from person p
      left join lateral (select
          coalesce((select status = 'given' from consent c where c.campaign_id = p.campaign_id and c.person_id = p.id and c.channel = 'email' order by at desc, id desc limit 1), false) as email,
          coalesce((select status = 'given' from consent c where c.campaign_id = p.campaign_id and c.person_id = p.id and c.channel = 'sms' order by at desc, id desc limit 1), false) as sms,
          (select max(at) from consent c where c.campaign_id = p.campaign_id and c.person_id = p.id and c.status = 'given') as last_given) l on true
      where p.campaign_id = ${campaign.id}
        and (p.consent_email, p.consent_sms, p.last_consent_at) is distinct from (l.email, l.sms, l.last_given)`.execute(ctx.database.db);
    expect(mismatches.rows).toEqual([]);

    // Tags from the column and add_tags, the list, consents with their proof, an activity each.
    const tags = await ctx.database.db
      .selectFrom('tagging')
      .innerJoin('tag', (j) => j.onRef('tag.id', '=', 'tagging.tag_id').onRef('tag.campaign_id', '=', 'tagging.campaign_id'))
      .select(['tag.name', 'tagging.person_id'])
      .where('tagging.campaign_id', '=', campaign.id)
      .execute();
    expect(
      tags
        .filter((r) => r.person_id === eloise!.id)
        .map((r) => r.name)
        .sort(),
    ).toEqual(['bénévole', 'import-test', 'quartier']);
    expect(
      tags
        .filter((r) => r.person_id === existing.id)
        .map((r) => r.name)
        .sort(),
    ).toEqual(['import-test', 'vip']);
    const members = await ctx.database.db.selectFrom('list_member').select('person_id').where('list_id', '=', list).execute();
    expect(members).toHaveLength(5);
    const consent = await ctx.database.db
      .selectFrom('consent')
      .selectAll()
      .where('person_id', '=', eloise!.id)
      .where('channel', '=', 'email')
      .executeTakeFirstOrThrow();
    expect(consent).toMatchObject({ status: 'given', source: 'import' });
    expect(consent.proof).toMatchObject({
      file: 'contacts export.csv',
      imported_by: 'owner@imports.test',
      text_shown: "J'accepte de recevoir des nouvelles.",
    });
    const activities = await ctx.database.db
      .selectFrom('activity')
      .select(['id', 'person_id', 'data'])
      .where('type', '=', 'import')
      .where('ref_id', '=', preview.id)
      .execute();
    expect(activities).toHaveLength(5);
    // Ids made in SQL are UUIDv7 too.
    for (const a of activities) expect(a.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const audit = await ctx.database.db
      .selectFrom('audit_event')
      .select('details')
      .where('action', '=', 'people.imported')
      .where('target_id', '=', preview.id)
      .executeTakeFirstOrThrow();
    expect(audit.details).toMatchObject({ created: 4, updated: 1, rejected: 2 });
    // One summary event for the import (not one per row), written with it.
    const events = await ctx.database.db
      .selectFrom('domain_event')
      .select(['type', 'person_id', 'payload'])
      .where('campaign_id', '=', campaign.id)
      .where('type', '=', 'people.imported')
      .where(sql`payload->>'import_id'`, '=', preview.id)
      .execute();
    expect(events).toEqual([
      {
        type: 'people.imported',
        person_id: null,
        payload: { import_id: preview.id, file: 'contacts export.csv', created: 4, updated: 1, skipped: 0 },
      },
    ]);

    // The rejected rows, as they were, with their reason.
    const rejected = await owner.request('GET', `/api/v1/imports/${preview.id}/rejected.csv`);
    expect(rejected.statusCode).toBe(200);
    expect(rejected.headers['content-type']).toContain('text/csv');
    const text = rejected.body.replace(/^\ufeff/, '');
    const lines = text.trimEnd().split('\r\n');
    expect(lines[0]).toBe(`${MESSY_HEADER};motif_rejet`);
    expect(lines.slice(1)).toEqual(['M.;Luc;Petit;;12;;;;;;téléphone invalide', ';Anne;Sans;;;;;;;;ni e-mail ni téléphone']);
  });

  it('places a person given a postcode and no street in the zone of that postcode’s addresses (75002 → zone 1)', async () => {
    const csv = Buffer.from(
      'Prénom;Nom;E-mail;Code postal\r\nPaule;Codepostal;paule.codepostal@example.org;75002\r\nRémi;Inconnu;remi.inconnu@example.org;99999\r\n',
      'utf8',
    );
    const preview = (await upload(owner, 'codes postaux.csv', csv)).json();
    const state = await runImport(owner, preview.id, { mapping: preview.suggested_mapping, on_duplicate: 'update' });
    expect(state).toMatchObject({ state: 'succeeded', created: 2, rejected: 0 });
    // Placed in zone 1, whose referent now sees her; a postcode the base does not know places nobody.
    expect(await personByEmail('paule.codepostal@example.org')).toMatchObject({ postcode: '75002', zone_ids: [campaign.zones[0]!.id] });
    expect(await personByEmail('remi.inconnu@example.org')).toMatchObject({ postcode: '99999', zone_ids: [] });
  });

  it('imports the same file twice: the second time tags and list again the people it now updates', async () => {
    const list = uuidv7();
    await ctx.database.db.insertInto('list').values({ campaign_id: campaign.id, id: list, name: 'Twice' }).execute();
    const csv = Buffer.from(
      'Courriel;Étiquettes\r\ntwice.a@example.fr;porte-à-porte\r\ntwice.b@example.fr;Porte-à-porte, tracts\r\n',
      'utf8',
    );
    const body = (mapping: unknown) => ({ mapping, on_duplicate: 'update', add_tags: ['twice', 'TRACTS'], add_list_id: list });
    const first = (await upload(owner, 'twice.csv', csv)).json();
    expect(await runImport(owner, first.id, body(first.suggested_mapping))).toMatchObject({ state: 'succeeded', created: 2 });
    const second = (await upload(owner, 'twice.csv', csv)).json();
    expect(await runImport(owner, second.id, body(second.suggested_mapping))).toMatchObject({ state: 'succeeded', created: 0, updated: 2 });
    const a = await personByEmail('twice.a@example.fr');
    const b = await personByEmail('twice.b@example.fr');
    const tagsOf = async (personId: string) =>
      (
        await ctx.database.db
          .selectFrom('tagging')
          .innerJoin('tag', (j) => j.onRef('tag.id', '=', 'tagging.tag_id').onRef('tag.campaign_id', '=', 'tagging.campaign_id'))
          .select('tag.name')
          .where('tagging.campaign_id', '=', campaign.id)
          .where('tagging.person_id', '=', personId)
          .orderBy('tag.name')
          .execute()
      ).map((r) => r.name.toLowerCase());
    expect(await tagsOf(a!.id)).toEqual(['porte-à-porte', 'tracts', 'twice']);
    expect(await tagsOf(b!.id)).toEqual(['porte-à-porte', 'tracts', 'twice']);
    const members = await ctx.database.db.selectFrom('list_member').select('person_id').where('list_id', '=', list).execute();
    expect(members.map((m) => m.person_id).sort()).toEqual([a!.id, b!.id].sort());
    // The campaign's lists are named in another test's error message.
    await ctx.database.db.deleteFrom('list').where('id', '=', list).execute();
  });

  it('remembers the mapping of a header layout, and skips existing people when asked', async () => {
    const csv = Buffer.from(
      '\ufeffPrénom,Nom,Adresse mail,Divers\r\nÉloïse,Autre,eloise.durand@example.fr,x\r\nNina,Neuve,nina@example.fr,y\r\n',
      'utf8',
    );
    const first = (await upload(owner, 'a.csv', csv)).json();
    expect(first).toMatchObject({ encoding: 'utf-8', delimiter: ',', remembered: false });
    expect(first.headers[0]).toBe('Prénom');
    const mapping = { ...first.suggested_mapping, Divers: 'ignore', Nom: 'ignore' };
    const state = await runImport(owner, first.id, { mapping, on_duplicate: 'skip' });
    expect(state).toMatchObject({ created: 1, updated: 0, skipped: 1, rejected: 0 });
    expect((await personByEmail('eloise.durand@example.fr'))?.family_name).toBe('Durand');

    const again = (await upload(owner, 'b.csv', csv)).json();
    expect(again.remembered).toBe(true);
    expect(again.suggested_mapping).toEqual(mapping);
    const restart = await owner.request('POST', `/api/v1/imports/${first.id}/start`, { mapping, on_duplicate: 'skip' });
    expect(restart.statusCode).toBe(409);
  });

  it('reads tab-separated UTF-8 without BOM, and UTF-16 with BOM', async () => {
    const tsv = Buffer.from('Courriel\tPortable\tÉtiquettes\ntab@example.fr\t0611111111\ta;b\n', 'utf8');
    const preview = (await upload(owner, 't.tsv', tsv)).json();
    expect(preview).toMatchObject({
      encoding: 'utf-8',
      delimiter: '\t',
      suggested_mapping: { Courriel: 'email', Portable: 'phone', Étiquettes: 'tags' },
    });
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('Courriel;Ville\r\nu16@example.fr;Lyon\r\n', 'utf16le')]);
    const p16 = (await upload(owner, 'u.csv', utf16)).json();
    expect(p16).toMatchObject({
      encoding: 'utf-16le',
      delimiter: ';',
      headers: ['Courriel', 'Ville'],
      preview: [['u16@example.fr', 'Lyon']],
    });
    const state = await runImport(owner, p16.id, { mapping: p16.suggested_mapping, on_duplicate: 'update' });
    expect(state.created).toBe(1);
    expect((await personByEmail('u16@example.fr'))?.locality).toBe('Lyon');
  });

  it('imports an XLSX file (dates and numbers as the spreadsheet holds them)', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('Contacts');
    ws.addRow(['Prénom', 'Nom', 'E-mail', 'Date de naissance', 'Téléphone', 'Code postal']);
    ws.addRow(['Xavier', 'Lsx', 'xavier@example.fr', new Date(Date.UTC(1970, 0, 2)), 612121212, 75011]);
    ws.addRow(['Yann', 'Lsx', 'pas-un-mail', '17/05/1980', '', '']);
    const content = Buffer.from(await wb.xlsx.writeBuffer());
    const preview = (await upload(owner, 'contacts.xlsx', content)).json();
    expect(preview).toMatchObject({ format: 'xlsx', encoding: null, delimiter: null });
    expect(preview.preview[0]).toEqual(['Xavier', 'Lsx', 'xavier@example.fr', '1970-01-02', '612121212', '75011']);
    const state = await runImport(owner, preview.id, { mapping: preview.suggested_mapping, on_duplicate: 'update' });
    expect(state).toMatchObject({ created: 1, rejected: 1 });
    expect(await personByEmail('xavier@example.fr')).toMatchObject({ phone: '+33612121212', postcode: '75011' });
    const rejected = (await owner.request('GET', `/api/v1/imports/${preview.id}/rejected.csv`)).body;
    expect(rejected).toContain('Yann;Lsx;pas-un-mail;17/05/1980;;;e-mail invalide');
  });

  it('limits a referent to their zones, and tells nothing of the people outside them', async () => {
    // Person 1 lives in zone 2, outside the referent's: a primary and a secondary e-mail, a phone.
    const elsewhere = campaign.people[1]!.id;
    const setElsewhere = (values: { emails: string[]; phone: string | null }) =>
      ctx.database.db.updateTable('person').set(values).where('id', '=', elsewhere).execute();
    await setElsewhere({ emails: ['autre.adresse@example.fr'], phone: '+33699999901' });
    const csv = Buffer.from(
      [
        'Prénom;Courriel;Téléphone;Adresse;Code postal',
        'Dans;dans@example.fr;;10 rue de la Paix;75002',
        'Hors;hors@example.fr;;20 rue de Rivoli;75001',
        'Nulle;nulle@example.fr;;;',
        `Autre;person1.${campaign.slug}@example.org;;;`,
        'Seconde;autre.adresse@example.fr;;10 rue de la Paix;75002',
        'Appel;;06 99 99 99 01;10 rue de la Paix;75002',
      ].join('\n'),
      'utf8',
    );
    const preview = (await upload(referent, 'ref.csv', csv)).json();
    const state = await runImport(referent, preview.id, { mapping: preview.suggested_mapping, on_duplicate: 'update' });
    // The phone designates nobody in the referent's zones: a new person there, as the API would make.
    expect(state).toMatchObject({ created: 2, updated: 0, rejected: 4 });
    expect(JSON.stringify(state)).not.toContain(elsewhere);
    expect(await personByEmail('dans@example.fr')).toMatchObject({ zone_ids: [campaign.zones[0]!.id] });
    expect(await personByEmail('hors@example.fr')).toBeUndefined();
    const called = await ctx.database.db
      .selectFrom('person')
      .select(['id', 'given_name', 'zone_ids'])
      .where('campaign_id', '=', campaign.id)
      .where('phone', '=', '+33699999901')
      .orderBy('id')
      .execute();
    expect(called).toEqual([
      { id: elsewhere, given_name: 'Given1', zone_ids: [campaign.zones[1]!.id] },
      { id: expect.any(String), given_name: 'Appel', zone_ids: [campaign.zones[0]!.id] },
    ]);
    expect(await personByEmail(`person1.${campaign.slug}@example.org`)).toMatchObject({
      given_name: 'Given1',
      emails: ['autre.adresse@example.fr'],
    });
    // Where the row places someone is the referent's own data; whom an e-mail designates is not.
    const rejected = (await referent.request('GET', `/api/v1/imports/${preview.id}/rejected.csv`)).body;
    expect(rejected).toContain('Hors;hors@example.fr;;20 rue de Rivoli;75001;hors de votre périmètre');
    expect(rejected).toContain('Nulle;nulle@example.fr;;;;hors de votre périmètre');
    expect(rejected).toContain(`Autre;person1.${campaign.slug}@example.org;;;;adresse e-mail déjà utilisée`);
    expect(rejected).toContain('Seconde;autre.adresse@example.fr;;10 rue de la Paix;75002;adresse e-mail déjà utilisée');
    expect(rejected.match(/hors de votre périmètre/g)).toHaveLength(2);
    expect(rejected).not.toContain('Appel');
    await setElsewhere({ emails: [], phone: null });
    // Another member's import is not the referent's to read.
    const ownerImport = (await upload(owner, 'o.csv', csv)).json();
    expect((await referent.request('GET', `/api/v1/imports/${ownerImport.id}`)).statusCode).toBe(404);
  });

  it('designates a person by a secondary e-mail exactly as the API and the signup helper do', async () => {
    const made = await owner.request('POST', '/api/v1/people', {
      given_name: 'Double',
      email_addresses: [
        { address: 'principale@example.fr', primary: true },
        { address: 'Secondaire@example.fr', primary: false },
      ],
    });
    expect(made.statusCode, made.body).toBe(201);
    const id = made.json().id;
    const signup = await owner.request('POST', '/api/v1/people/person_signup_helper', {
      person: { email_addresses: [{ address: 'secondaire@example.fr' }] },
    });
    expect(signup.statusCode, signup.body).toBe(200);
    expect(signup.json().id).toBe(id);
    const again = await owner.request('POST', '/api/v1/people', { email_addresses: [{ address: 'SECONDAIRE@example.fr' }] });
    expect(again.statusCode, again.body).toBe(409);
    expect(again.json()).toMatchObject({ code: 'DUPLICATE_EMAIL', person_id: id });
    const preview = (await upload(owner, 'secondaire.csv', Buffer.from('Prénom;Courriel\nRenommée;SECONDAIRE@example.fr\n'))).json();
    const state = await runImport(owner, preview.id, { mapping: preview.suggested_mapping, on_duplicate: 'update' });
    expect(state).toMatchObject({ created: 0, updated: 1, rejected: 0 });
    const holders = await ctx.database.db
      .selectFrom('person')
      .select(['id', 'given_name', 'email', 'emails'])
      .where('campaign_id', '=', campaign.id)
      .where((eb) =>
        eb.or([
          eb('email', 'in', ['principale@example.fr', 'secondaire@example.fr']),
          eb(sql.lit('secondaire@example.fr'), '=', eb.fn.any('emails')),
        ]),
      )
      .execute();
    expect(holders).toEqual([{ id, given_name: 'Renommée', email: 'principale@example.fr', emails: ['secondaire@example.fr'] }]);
  });

  it('answers clear problems: no file, unsupported file, too large, bad mapping, unknown id', async () => {
    const notMultipart = await owner.request('POST', '/api/v1/imports', { file: 'x' });
    expect(notMultipart.statusCode).toBe(415);
    const pdf = await upload(owner, 'x.xls', Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0, 0, 0, 0]));
    expect(pdf.statusCode).toBe(415);
    expect(pdf.json().code).toBe('IMPORT_UNSUPPORTED_FORMAT');
    const big = await upload(owner, 'big.csv', Buffer.alloc(300_000, 'a'));
    expect(big.statusCode).toBe(413);
    expect(big.json().code).toBe('PAYLOAD_TOO_LARGE');
    const ok = (await upload(owner, 'm.csv', Buffer.from('Nom;Ville\nA;B\n'))).json();
    const bad = await owner.request('POST', `/api/v1/imports/${ok.id}/start`, { mapping: ok.suggested_mapping, on_duplicate: 'update' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().code).toBe('IMPORT_MAPPING_INVALID');
    expect((await owner.request('GET', `/api/v1/imports/${uuidv7()}`)).statusCode).toBe(404);
    const other = await createCampaignFixture(ctx.database.db, 'imports-other');
    await createMemberFixture(ctx.database.db, other.id, { email: 'owner2@imports.test', role: 'owner' });
    const stranger = new TestClient(t.app);
    await stranger.login('owner2@imports.test');
    expect((await stranger.request('GET', `/api/v1/imports/${ok.id}`)).statusCode).toBe(404);
  });

  it('offers the campaign custom fields to map to, and takes the list by name', async () => {
    await ctx.database.db
      .insertInto('custom_field')
      .values({ campaign_id: campaign.id, id: uuidv7(), key: 'profession', label: 'Profession', type: 'text' })
      .execute();
    const csv = Buffer.from('Courriel;Métier\nliste@example.fr;enseignante\n', 'utf8');
    const preview = (await upload(owner, 'liste.csv', csv)).json();
    expect(preview.fields[0]).toEqual({ field: 'ignore', label: null, repeatable: true, identifies: false });
    expect(preview.fields).toContainEqual({ field: 'email', label: null, repeatable: true, identifies: true });
    expect(preview.fields).toContainEqual({ field: 'postcode', label: null, repeatable: false, identifies: false });
    expect(preview.fields.at(-1)).toEqual({ field: 'custom:profession', label: 'Profession', repeatable: false, identifies: false });
    const mapping = { Courriel: 'email', Métier: 'custom:profession' };

    const both = await owner.request('POST', `/api/v1/imports/${preview.id}/start`, {
      mapping,
      on_duplicate: 'update',
      add_list_id: uuidv7(),
      add_list_name: 'Import test',
    });
    expect(both.statusCode).toBe(400);
    expect(both.json().code).toBe('IMPORT_OPTIONS_INVALID');
    const missing = await owner.request('POST', `/api/v1/imports/${preview.id}/start`, {
      mapping,
      on_duplicate: 'update',
      add_list_name: 'Nulle part',
    });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().detail).toBe('No list named "Nulle part" (lists: Import test).');

    const state = await runImport(owner, preview.id, { mapping, on_duplicate: 'update', add_list_name: 'IMPORT TEST' });
    expect(state.created).toBe(1);
    const person = await personByEmail('liste@example.fr');
    expect(person?.custom_fields).toEqual({ profession: 'enseignante' });
    const member = await ctx.database.db
      .selectFrom('list_member')
      .innerJoin('list', (j) => j.onRef('list.id', '=', 'list_member.list_id').onRef('list.campaign_id', '=', 'list_member.campaign_id'))
      .select('list.name')
      .where('list_member.person_id', '=', person!.id)
      .execute();
    expect(member).toEqual([{ name: 'Import test' }]);
  });

  it('lists the started imports newest first with their outcome; a referent sees only their own', async () => {
    const runs = await ctx.database.db
      .selectFrom('job_run')
      .select('id')
      .where('campaign_id', '=', campaign.id)
      .where('kind', '=', 'imports.people')
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .execute();
    expect(runs.length).toBeGreaterThanOrEqual(6);

    const first = await owner.request('GET', '/api/v1/imports?per_page=2');
    expect(first.statusCode, first.body).toBe(200);
    const page1 = first.json();
    expect(page1).toMatchObject({ total_records: runs.length, page: 1, per_page: 2, total_pages: Math.ceil(runs.length / 2) });
    expect(page1._embedded.imports.map((i: { job_id: string }) => i.job_id)).toEqual(runs.slice(0, 2).map((r) => r.id));
    expect(page1._links.next.href).toContain('page=2');
    expect(page1._links.prev).toBeUndefined();
    const page2 = (await owner.request('GET', '/api/v1/imports?per_page=2&page=2')).json();
    expect(page2._embedded.imports.map((i: { job_id: string }) => i.job_id)).toEqual(runs.slice(2, 4).map((r) => r.id));

    const all = (await owner.request('GET', '/api/v1/imports?per_page=100')).json()._embedded.imports;
    expect(all).toHaveLength(runs.length);
    const messy = all.find((i: { file_name: string }) => i.file_name === 'contacts export.csv');
    expect(messy).toMatchObject({
      state: 'succeeded',
      imported_by: 'owner@imports.test',
      on_duplicate: 'update',
      created: 4,
      updated: 1,
      skipped: 0,
      rejected: 2,
      error: null,
    });
    expect(new Date(messy.started_at).getTime()).toBeLessThanOrEqual(new Date(messy.finished_at).getTime());
    expect(messy._links.self.href).toMatch(new RegExp(`/api/v1/imports/${messy.id}$`));
    const rejectedHref: string = messy._links['relais:rejected'].href;
    expect(rejectedHref).toMatch(new RegExp(`/api/v1/imports/${messy.id}/rejected\\.csv$`));
    const download = await owner.request('GET', new URL(rejectedHref).pathname);
    expect(download.statusCode).toBe(200);
    expect(download.body).toContain('motif_rejet');
    const skipped = all.find((i: { file_name: string; on_duplicate: string }) => i.file_name === 'a.csv');
    expect(skipped).toMatchObject({ state: 'succeeded', on_duplicate: 'skip', created: 1, skipped: 1, rejected: 0 });
    expect(skipped._links['relais:rejected']).toBeUndefined();

    // The referent sees the one import they started, not the owner's.
    const mine = (await referent.request('GET', '/api/v1/imports')).json();
    expect(mine.total_records).toBe(1);
    expect(mine._embedded.imports[0]).toMatchObject({ file_name: 'ref.csv', imported_by: 'ref@imports.test', rejected: 4 });
    expect(mine._embedded.imports[0]._links['relais:rejected']).toBeDefined();

    // Another campaign's owner sees none of them.
    const other = await createCampaignFixture(ctx.database.db, 'imports-history');
    await createMemberFixture(ctx.database.db, other.id, { email: 'owner3@imports.test', role: 'owner' });
    const stranger = new TestClient(t.app);
    await stranger.login('owner3@imports.test');
    expect((await stranger.request('GET', '/api/v1/imports')).json()).toMatchObject({ total_records: 0, _embedded: { imports: [] } });

    // Bad paging answers a problem document.
    for (const query of ['per_page=0', 'per_page=501', 'page=abc', 'page=0']) {
      const bad = await owner.request('GET', `/api/v1/imports?${query}`);
      expect(bad.statusCode, query).toBe(400);
      expect(bad.headers['content-type']).toContain('application/problem+json');
      expect(bad.json()).toMatchObject({ status: 400, code: 'VALIDATION_FAILED' });
    }
  });

  it('accepts the local CLI token from loopback only', async () => {
    const { openLocalCliChannel } = await import('../../http/local-cli.ts');
    const channel = await openLocalCliChannel({ dataDir, port: 1 });
    try {
      const body = multipartOf('cli.csv', Buffer.from('Courriel\ncli@example.fr\n'));
      const headers = { ...body.headers, 'x-relais-cli-token': channel.token, 'x-relais-campaign': campaign.slug };
      const ok = await t.app.inject({ method: 'POST', url: '/api/v1/imports', payload: body.payload, headers });
      expect(ok.statusCode, ok.body).toBe(201);
      const remote = await t.app.inject({
        method: 'POST',
        url: '/api/v1/imports',
        payload: body.payload,
        headers,
        remoteAddress: '192.0.2.1',
      });
      expect(remote.statusCode).toBe(401);
      const proxied = await t.app.inject({
        method: 'POST',
        url: '/api/v1/imports',
        payload: body.payload,
        headers: { ...headers, 'x-forwarded-for': '192.0.2.1' },
      });
      expect(proxied.statusCode).toBe(401);
      const wrong = await t.app.inject({
        method: 'POST',
        url: '/api/v1/imports',
        payload: body.payload,
        headers: { ...headers, 'x-relais-cli-token': 'nope' },
      });
      expect(wrong.statusCode).toBe(401);
      // The token opens the imports API only.
      const people = await t.app.inject({ method: 'GET', url: '/api/v1/jobs', headers: { 'x-relais-cli-token': channel.token } });
      expect(people.statusCode).toBe(401);
      expect((await readFile(path.join(dataDir, 'cli-token'), 'utf8')).trim()).toBe(channel.token);
    } finally {
      await channel.close();
    }
  });
});
