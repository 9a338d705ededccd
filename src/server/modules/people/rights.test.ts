// Rights of the person: export (JSON, CSV) and erasure, both audited; the retention job; duplicates,
// merge (everything moves to the kept person) and undo within the window.
import { beforeAll, expect, it } from 'vitest';
import { tenantRunnerOf, withTenant } from '../../db/database.ts';
import { createCampaignFixture, type TestClient, useOwnerApp } from '../../testing/app.ts';
import { describeEachDatabase } from '../../testing/databases.ts';
import { runRetention } from './rights.ts';

describeEachDatabase('people rights and duplicates', (ctx) => {
  const suite = useOwnerApp(ctx, 'rights');
  let owner: TestClient;
  beforeAll(() => {
    ({ owner } = suite);
  });

  const signup = async (email: string, extra: Record<string, unknown> = {}) => {
    const res = await owner.request('POST', '/api/v1/people/person_signup_helper', {
      person: { given_name: 'Jeanne', family_name: 'Moreau', email_addresses: [{ address: email }], ...extra },
      add_tags: ['Export'],
      consents: [{ channel: 'email', text_shown: 'Nouvelles', form: 'f1' }],
    });
    expect(res.statusCode, res.body).toBe(201);
    return res.json();
  };
  const auditActions = async (personId: string) =>
    (await ctx.database.db.selectFrom('audit_event').select('action').where('target_id', '=', personId).execute()).map((a) => a.action);

  it('exports everything about a person as JSON and CSV, audited', async () => {
    const p = await signup('export@example.org');
    const json = await owner.request('GET', `/api/v1/people/${p.id}/export`);
    expect(json.statusCode).toBe(200);
    const data = json.json();
    expect(data.person.email).toBe('export@example.org');
    expect(data.consents[0]).toMatchObject({ channel: 'email', status: 'given', proof: { form: 'f1' } });
    expect(data.activities[0].type).toBe('signup');
    expect(data.tags[0].name).toBe('Export');
    const csv = await owner.request('GET', `/api/v1/people/${p.id}/export?format=csv`);
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.body).toContain('person,1,email,export@example.org');
    expect(csv.body).toContain('consents,1,channel,email');
    expect(await auditActions(p.id)).toEqual(['person.exported', 'person.exported']);
  });

  it('neutralises formulas in the CSV export by the exports rule: a phone stays a phone', async () => {
    const p = await signup('formules@example.org', {
      given_name: '=HYPERLINK("http://evil.example")',
      family_name: '@SUM(A1)',
      phone_numbers: [{ number: '06 12 12 12 13' }],
    });
    const csv = (await owner.request('GET', `/api/v1/people/${p.id}/export?format=csv`)).body;
    expect(csv).toContain(`person,1,given_name,"'=HYPERLINK(""http://evil.example"")"\r\n`);
    expect(csv).toContain("person,1,family_name,'@SUM(A1)\r\n");
    expect(csv).toContain('person,1,phone,+33612121213\r\n');
  });

  it('erases a person: identity blanked, consents withdrawn and proofs emptied, counts kept, audited', async () => {
    const p = await signup('erase@example.org', {
      phone_numbers: [{ number: '0612121212' }],
      postal_addresses: [{ address_lines: ['1 rue X'], postal_code: '75001' }],
    });
    const res = await owner.request('POST', `/api/v1/people/${p.id}/erase`);
    expect(res.json()).toEqual({ id: p.id, anonymized: true });
    const row = await ctx.database.db.selectFrom('person').selectAll().where('id', '=', p.id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({
      given_name: '',
      family_name: '',
      email: null,
      phone: null,
      street_address: '',
      postcode: '',
      consent_email: false,
    });
    expect(row.anonymized_at).not.toBeNull();
    const consents = await ctx.database.db
      .selectFrom('consent')
      .select(['status', 'proof'])
      .where('person_id', '=', p.id)
      .orderBy('at')
      .execute();
    expect(consents.map((x) => x.status)).toEqual(['given', 'withdrawn']);
    expect(consents.every((x) => Object.keys(x.proof as object).length === 0)).toBe(true);
    const activities = await ctx.database.db.selectFrom('activity').select('data').where('person_id', '=', p.id).execute();
    expect(activities).toHaveLength(1);
    expect(activities[0]!.data).toEqual({});
    expect(await auditActions(p.id)).toContain('person.erased');
    expect((await owner.request('POST', `/api/v1/people/${p.id}/erase`)).json().code).toBe('PERSON_ANONYMIZED');
    expect((await owner.request('GET', `/api/v1/people?q=erase`)).json().total_records).toBe(0);
  });

  it('retention: nothing before election date + N months, then anonymises contacts without recent consent', async () => {
    const db = ctx.database.db;
    const r = await createCampaignFixture(db, 'retention');
    await db
      .updateTable('campaign')
      .set({ election_date: '2026-03-15', settings: JSON.stringify({ retention_months: 3 }) })
      .where('id', '=', r.id)
      .execute();
    // Person 0 gave a consent recently (relative to "now" below); person 1 never did.
    await withTenant(db, r.id, (trx) =>
      trx
        .insertInto('consent')
        .values({
          campaign_id: r.id,
          id: crypto.randomUUID(),
          person_id: r.people[0]!.id,
          channel: 'email',
          status: 'given',
          source: 'form',
          at: new Date('2026-07-01T00:00:00Z'),
          proof: '{}',
        })
        .execute(),
    );
    const before = await runRetention(tenantRunnerOf(db, r.id), r.id, { now: new Date('2026-06-01T00:00:00Z') });
    expect(before).toMatchObject({ skipped: true, anonymized: 0, applies_from: '2026-06-15T00:00:00.000Z' });
    const progress: number[] = [];
    const after = await runRetention(tenantRunnerOf(db, r.id), r.id, {
      now: new Date('2026-08-01T00:00:00Z'),
      progress: async (done) => void progress.push(done),
    });
    expect(after).toMatchObject({ skipped: false, anonymized: 1 });
    expect(progress).toEqual([1]);
    const rows = await db.selectFrom('person').select(['id', 'anonymized_at']).where('campaign_id', '=', r.id).orderBy('id').execute();
    expect(rows.find((x) => x.id === r.people[0]!.id)?.anonymized_at).toBeNull();
    expect(rows.find((x) => x.id === r.people[1]!.id)?.anonymized_at).not.toBeNull();
    const audit = await db.selectFrom('audit_event').select('action').where('campaign_id', '=', r.id).execute();
    expect(audit.map((a) => a.action).sort()).toEqual(['people.retention', 'person.erased']);
  });

  it('finds duplicates by e-mail, phone and similar name at the same address', async () => {
    const mk = async (body: Record<string, unknown>) => (await owner.request('POST', '/api/v1/people', body)).json();
    const a = await mk({ given_name: 'Marc', family_name: 'Aubert', email_addresses: [{ address: 'marc@example.org' }] });
    const b = await mk({
      given_name: 'M.',
      family_name: 'Aubert',
      email_addresses: [{ address: 'm.aubert@example.org' }, { address: 'marc@example.org' }],
    });
    const p1 = await mk({ family_name: 'Phone1', phone_numbers: [{ number: '0611111111' }] });
    const p2 = await mk({ family_name: 'Phone2', phone_numbers: [{ number: '+33 6 11 11 11 11' }] });
    const n1 = await mk({
      given_name: 'Sébastien',
      family_name: 'Garnier',
      postal_addresses: [{ address_lines: ['5 rue Oberkampf'], postal_code: '75011' }],
    });
    const n2 = await mk({
      given_name: 'Sebastien',
      family_name: 'Garnier',
      postal_addresses: [{ address_lines: ['5, Rue Oberkampf'], postal_code: '75011' }],
    });
    const res = (await owner.request('GET', '/api/v1/people/duplicates')).json();
    const pairs = res._embedded['relais:duplicates'];
    const find = (x: string, y: string) => pairs.find((p: { a: string; b: string }) => [p.a, p.b].sort().join() === [x, y].sort().join());
    expect(find(a.id, b.id)?.reasons).toEqual(['same_email']);
    expect(find(p1.id, p2.id)?.reasons).toEqual(['same_phone']);
    expect(find(n1.id, n2.id)?.reasons).toEqual(['similar_name_same_address']);
  });

  it('finds what a person would: a phone in a secondary slot, the same name and birth date; embeds both people', async () => {
    const mk = async (body: Record<string, unknown>) => (await owner.request('POST', '/api/v1/people', body)).json();
    const p1 = await mk({ family_name: 'Slot1', phone_numbers: [{ number: '0612121212', primary: true }, { number: '0613131313' }] });
    const p2 = await mk({ family_name: 'Slot2', phone_numbers: [{ number: '06 13 13 13 13' }] });
    const b1 = await mk({
      given_name: 'Hélène',
      family_name: 'Fabre',
      birthdate: '1961-04-02',
      email_addresses: [{ address: 'hf1@example.org' }],
    });
    const b2 = await mk({
      given_name: 'Helene',
      family_name: 'FABRE',
      birthdate: '1961-04-02',
      email_addresses: [{ address: 'hf2@example.org' }],
    });
    const b3 = await mk({
      given_name: 'Hélène',
      family_name: 'Fabre',
      birthdate: '1990-01-01',
      email_addresses: [{ address: 'hf3@example.org' }],
    });
    const res = await owner.request('GET', '/api/v1/people/duplicates?per_page=100');
    expect(res.statusCode, res.body).toBe(200);
    const pairs = res.json()._embedded['relais:duplicates'];
    const find = (x: string, y: string) => pairs.find((p: { a: string; b: string }) => [p.a, p.b].sort().join() === [x, y].sort().join());
    expect(find(p1.id, p2.id)?.reasons).toEqual(['same_phone']);
    const born = find(b1.id, b2.id);
    expect(born?.reasons).toEqual(['same_name_same_birthdate']);
    expect(born.people.map((p: { id: string }) => p.id)).toEqual([born.a, born.b]);
    expect(born.people[0].email_addresses[0].address).toMatch(/^hf[12]@example.org$/);
    expect(find(b1.id, b3.id)).toBeUndefined();
  });

  it('remembers "not duplicates": the pair stays dismissed, is listed, and can be restored', async () => {
    const mk = async (body: Record<string, unknown>) => (await owner.request('POST', '/api/v1/people', body)).json();
    const home = { postal_addresses: [{ address_lines: ['12 rue des Pyrénées'], postal_code: '75020' }] };
    const mother = await mk({ given_name: 'Claire', family_name: 'Dumont', ...home });
    const daughter = await mk({ given_name: 'Claire', family_name: 'Dumont', ...home, email_addresses: [{ address: 'cd2@example.org' }] });
    const pairOf = async () =>
      (await owner.request('GET', '/api/v1/people/duplicates?per_page=100'))
        .json()
        ._embedded['relais:duplicates'].find(
          (p: { a: string; b: string }) => [p.a, p.b].sort().join() === [mother.id, daughter.id].sort().join(),
        );
    expect(await pairOf()).toBeDefined();
    // Given in either order: stored once.
    const dismissed = await owner.request('POST', '/api/v1/people/duplicates/dismissals', { a: daughter.id, b: mother.id });
    expect(dismissed.statusCode, dismissed.body).toBe(201);
    expect((await owner.request('POST', '/api/v1/people/duplicates/dismissals', { a: mother.id, b: daughter.id })).statusCode).toBe(201);
    expect(await pairOf()).toBeUndefined();
    const listed = (await owner.request('GET', '/api/v1/people/duplicates/dismissals')).json()._embedded['relais:dismissals'];
    const entry = listed.find((d: { a: string; b: string }) => [d.a, d.b].sort().join() === [mother.id, daughter.id].sort().join());
    expect(entry.people).toHaveLength(2);
    expect(await auditActions(dismissed.json().a)).toContain('person.duplicate_dismissed');
    const pair = [mother.id, daughter.id].sort();
    expect((await owner.request('DELETE', `/api/v1/people/duplicates/dismissals/${pair[0]}/${pair[1]}`)).statusCode).toBe(204);
    expect(await pairOf()).toBeDefined();
    expect((await owner.request('DELETE', `/api/v1/people/duplicates/dismissals/${pair[0]}/${pair[1]}`)).json().code).toBe('NOT_FOUND');
    expect((await owner.request('POST', '/api/v1/people/duplicates/dismissals', { a: mother.id, b: mother.id })).json().code).toBe(
      'MERGE_INVALID',
    );
  });

  it('merges two people keeping everything, hides the merged one, and undoes the merge', async () => {
    const keep = await signup('keep@example.org');
    const gone = await signup('gone@example.org', { phone_numbers: [{ number: '0622222222' }] });
    const list = (await owner.request('POST', '/api/v1/lists', { name: 'Merge list' })).json();
    await owner.request('POST', `/api/v1/lists/${list.id}/items`, { person_id: gone.id });
    const merge = await owner.request('POST', '/api/v1/people/merge', { keep_id: keep.id, merge_id: gone.id });
    expect(merge.statusCode, merge.body).toBe(200);
    const kept = (await owner.request('GET', `/api/v1/people/${keep.id}`)).json();
    expect(kept.email_addresses.map((e: { address: string }) => e.address)).toEqual(['keep@example.org', 'gone@example.org']);
    expect(kept.phone_numbers[0].number).toBe('+33622222222');
    expect(kept.lists.map((l: { id: string }) => l.id)).toEqual([list.id]);
    expect(kept.consents.email).toBe(true);
    const timeline = (await owner.request('GET', `/api/v1/people/${keep.id}/activities`)).json()._embedded['relais:timeline'];
    expect(timeline.filter((i: { type: string }) => i.type === 'signup')).toHaveLength(2);
    expect((await owner.request('GET', `/api/v1/people/${gone.id}`)).statusCode).toBe(404);
    expect((await owner.request('GET', '/api/v1/people?q=gone@example')).json().total_records).toBe(1); // found through the kept person

    const undo = await owner.request('POST', `/api/v1/people/merges/${merge.json().merge_id}/undo`);
    expect(undo.statusCode, undo.body).toBe(200);
    const back = (await owner.request('GET', `/api/v1/people/${gone.id}`)).json();
    expect(back.email_addresses[0].address).toBe('gone@example.org');
    expect(back.lists.map((l: { id: string }) => l.id)).toEqual([list.id]);
    expect(back.consents.email).toBe(true);
    const keptAgain = (await owner.request('GET', `/api/v1/people/${keep.id}`)).json();
    expect(keptAgain.email_addresses).toHaveLength(1);
    expect(keptAgain.phone_numbers).toEqual([]);
    expect((await owner.request('POST', `/api/v1/people/merges/${merge.json().merge_id}/undo`)).statusCode).toBe(404);
  });

  it('previews a merge without writing anything: the kept person with every e-mail and phone', async () => {
    const keep = await signup('prev-keep@example.org');
    const gone = await signup('prev-gone@example.org', { phone_numbers: [{ number: '0633333333' }] });
    const res = await owner.request('POST', '/api/v1/people/merge/preview', { keep_id: keep.id, merge_id: gone.id });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().id).toBe(keep.id);
    expect(res.json().email_addresses.map((e: { address: string }) => e.address)).toEqual([
      'prev-keep@example.org',
      'prev-gone@example.org',
    ]);
    expect(res.json().phone_numbers.map((p: { number: string }) => p.number)).toEqual(['+33633333333']);
    // Nothing was written: both still there, unchanged, and no merge record.
    expect((await owner.request('GET', `/api/v1/people/${gone.id}`)).statusCode).toBe(200);
    expect((await owner.request('GET', `/api/v1/people/${keep.id}`)).json().email_addresses).toHaveLength(1);
    const merges = await ctx.database.db.selectFrom('person_merge').select('id').where('kept_id', '=', keep.id).execute();
    expect(merges).toEqual([]);
    expect((await owner.request('POST', '/api/v1/people/merge/preview', { keep_id: keep.id, merge_id: keep.id })).json().code).toBe(
      'MERGE_INVALID',
    );
  });

  it('refuses to undo a merge after its window', async () => {
    const keep = await signup('keep2@example.org');
    const gone = await signup('gone2@example.org');
    const merge = (await owner.request('POST', '/api/v1/people/merge', { keep_id: keep.id, merge_id: gone.id })).json();
    await ctx.database.db
      .updateTable('person_merge')
      .set({ undo_until: new Date(Date.now() - 1000) })
      .where('id', '=', merge.merge_id)
      .execute();
    const res = await owner.request('POST', `/api/v1/people/merges/${merge.merge_id}/undo`);
    expect(res.statusCode).toBe(409);
    expect(res.json().code).toBe('MERGE_UNDO_EXPIRED');
    expect((await owner.request('POST', '/api/v1/people/merge', { keep_id: keep.id, merge_id: keep.id })).json().code).toBe(
      'MERGE_INVALID',
    );
  });
});
