// Custom field values: the conversion of each type (pure), then writes through PUT /people/:id on both
// databases — every bad value named in one RFC 9457 problem, nothing half-written, only the keys
// given change, clearing, leftovers of deleted fields, who may write, and two edits at once.
import { beforeAll, describe, expect, it } from 'vitest';
import { withTenant } from '../../db/database.ts';
import { createMemberFixture, type FixtureCampaign, TestClient, useOwnerApp } from '../../testing/app.ts';
import { describeEachDatabase } from '../../testing/databases.ts';
import { type CustomFieldDef, coerceCustomValue } from './custom-fields.ts';
import { updatePerson } from './people.service.ts';

const field = (type: CustomFieldDef['type'], choices: string[] = []): CustomFieldDef => ({ key: 'f', label: 'F', type, choices });
const value = (def: CustomFieldDef, input: unknown) => {
  const result = coerceCustomValue(def, input);
  return result.ok ? result.value : result.code;
};

describe('coerceCustomValue', () => {
  it('reads numbers as campaigns type them, and nothing else', () => {
    const number = field('number');
    expect(value(number, 42)).toBe(42);
    expect(value(number, '42')).toBe(42);
    expect(value(number, '-3,5')).toBe(-3.5);
    expect(value(number, ' 1 234,5 ')).toBe(1234.5);
    expect(value(number, '1\u202f234')).toBe(1234);
    expect(value(number, '.5')).toBe(0.5);
    for (const bad of ['beaucoup', '0x10', '1e3', 'Infinity', '12 3', '1,2,3', true, [1], { n: 1 }, Number.NaN]) {
      expect(value(number, bad), JSON.stringify(bad)).toBe('not_a_number');
    }
  });

  it('clears on null or blank (a blank number is not zero)', () => {
    for (const type of ['text', 'number', 'date', 'choice'] as const) {
      expect(value(field(type, ['a']), null)).toBeNull();
      expect(value(field(type, ['a']), '')).toBeNull();
      expect(value(field(type, ['a']), '   ')).toBeNull();
    }
  });

  it('trims text, refuses what is not text and text past 2,000 characters', () => {
    const text = field('text');
    expect(value(text, '  Libraire ')).toBe('Libraire');
    expect(value(text, 75011)).toBe('75011');
    expect(value(text, 'é'.repeat(2000))).toBe('é'.repeat(2000));
    expect(value(text, 'x'.repeat(2001))).toBe('too_long');
    expect(value(text, ['a'])).toBe('not_text');
    expect(value(text, { a: 1 })).toBe('not_text');
    expect(value(text, false)).toBe('not_text');
  });

  it('reads ISO and French dates that exist', () => {
    const date = field('date');
    expect(value(date, '2024-02-29')).toBe('2024-02-29');
    expect(value(date, '01/02/2020')).toBe('2020-02-01');
    for (const bad of ['2023-02-29', '2020-13-01', '2020-2-1', '2020-02-01T10:00', 'demain', 20200201]) {
      expect(value(date, bad), String(bad)).toBe('not_a_date');
    }
  });

  it('matches a choice whatever its case, and only a string or number names one', () => {
    const choice = field('choice', ['S', 'M', 'L', '42']);
    expect(value(choice, ' m ')).toBe('M');
    expect(value(choice, 42)).toBe('42');
    expect(value(choice, 'XL')).toBe('not_a_choice');
    expect(value(choice, ['M'])).toBe('not_a_choice');
    expect(value(choice, { M: true })).toBe('not_a_choice');
  });
});

describeEachDatabase('custom field values', (ctx) => {
  const suite = useOwnerApp(ctx, 'custom-values');
  let c: FixtureCampaign;
  let owner: TestClient;
  let personId: string;
  const stored = async () =>
    (
      await ctx.database.db
        .selectFrom('person')
        .select('custom_fields')
        .where('campaign_id', '=', c.id)
        .where('id', '=', personId)
        .executeTakeFirstOrThrow()
    ).custom_fields;
  const put = (custom_fields: Record<string, unknown>, client = owner) =>
    client.request('PUT', `/api/v1/people/${personId}`, { custom_fields });

  beforeAll(async () => {
    ({ c, owner } = suite);
    personId = c.people[0]?.id as string;
    for (const definition of [
      { key: 'profession', label: 'Profession', type: 'text' },
      { key: 'enfants', label: 'Enfants', type: 'number' },
      { key: 'adhesion', label: 'Adhésion', type: 'date' },
      { key: 'taille', label: 'Taille de t-shirt', type: 'choice', choices: ['S', 'M', 'L'] },
    ]) {
      const res = await owner.request('POST', '/api/v1/custom_fields', definition);
      expect(res.statusCode, res.body).toBe(201);
    }
  });

  it('stores typed values and changes only the keys given', async () => {
    const first = await put({ profession: ' Libraire ', enfants: '2', adhesion: '15/03/2024' });
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json().custom_fields).toEqual({ profession: 'Libraire', enfants: 2, adhesion: '2024-03-15' });
    const second = await put({ taille: 'm' });
    expect(second.json().custom_fields).toEqual({ profession: 'Libraire', enfants: 2, adhesion: '2024-03-15', taille: 'M' });
    expect(await stored()).toEqual({ profession: 'Libraire', enfants: 2, adhesion: '2024-03-15', taille: 'M' });
  });

  it('answers one problem naming every bad value, with a stable code per field, and writes nothing', async () => {
    const before = await stored();
    const res = await put({ profession: 'Enseignante', enfants: 'deux', adhesion: '31/02/2024', taille: 'XL', pointure: 42 });
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    const problem = res.json();
    expect(problem).toMatchObject({
      type: 'https://relais.dev/problems/custom-field-invalid',
      status: 400,
      code: 'CUSTOM_FIELD_INVALID',
      instance: `/api/v1/people/${personId}`,
    });
    expect(problem.errors).toEqual([
      { pointer: '/custom_fields/enfants', key: 'enfants', code: 'not_a_number', message: 'enfants: expected a number' },
      { pointer: '/custom_fields/adhesion', key: 'adhesion', code: 'not_a_date', message: 'adhesion: expected a date (YYYY-MM-DD)' },
      { pointer: '/custom_fields/taille', key: 'taille', code: 'not_a_choice', message: 'taille: expected one of S, M, L' },
      { pointer: '/custom_fields/pointure', key: 'pointure', code: 'unknown_field', message: 'pointure: no such custom field' },
    ]);
    expect(problem.detail).toContain('enfants: expected a number');
    // The good value of the same request was not written either.
    expect(await stored()).toEqual(before);
  });

  it('refuses values of the wrong JSON type and keys that cannot be fields', async () => {
    const res = await put({ profession: { text: 'x' }, taille: ['M'], enfants: true, 'a/b~c': null });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors.map((e: { pointer: string; code: string }) => `${e.pointer} ${e.code}`)).toEqual([
      '/custom_fields/profession not_text',
      '/custom_fields/taille not_a_choice',
      '/custom_fields/enfants not_a_number',
      '/custom_fields/a~1b~0c unknown_field',
    ]);
  });

  it('removes a value given null or blank, and a blank number does not become zero', async () => {
    const res = await put({ enfants: '  ', taille: null, profession: '' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().custom_fields).toEqual({ adhesion: '2024-03-15' });
    expect(await stored()).toEqual({ adhesion: '2024-03-15' });
  });

  it('lets a leftover value of a deleted field be cleared, not set', async () => {
    const extra = await owner.request('POST', '/api/v1/custom_fields', { key: 'quartier', label: 'Quartier', type: 'text' });
    await put({ quartier: 'Belleville' });
    expect(await stored()).toEqual({ adhesion: '2024-03-15', quartier: 'Belleville' });
    expect((await owner.request('DELETE', `/api/v1/custom_fields/${extra.json().id}`)).statusCode).toBe(204);
    // Deleting the field keeps the value on the person (until edited).
    expect((await owner.request('GET', `/api/v1/people/${personId}`)).json().custom_fields).toMatchObject({ quartier: 'Belleville' });
    const set = await put({ quartier: 'Ménilmontant' });
    expect(set.statusCode).toBe(400);
    expect(set.json().errors[0]).toMatchObject({ key: 'quartier', code: 'unknown_field' });
    const cleared = await put({ quartier: null });
    expect(cleared.statusCode, cleared.body).toBe(200);
    expect(await stored()).toEqual({ adhesion: '2024-03-15' });
  });

  it('lets only roles that may edit people write values', async () => {
    await createMemberFixture(ctx.database.db, c.id, { email: 'cm-values@example.org', role: 'community_manager' });
    const cm = new TestClient(suite.t.app);
    await cm.login('cm-values@example.org');
    const refused = await put({ profession: 'Community manager' }, cm);
    expect(refused.statusCode).toBe(403);
    expect(refused.json().code).toBe('FORBIDDEN');
    await createMemberFixture(ctx.database.db, c.id, { email: 'organizer-values@example.org', role: 'organizer' });
    const organizer = new TestClient(suite.t.app);
    await organizer.login('organizer-values@example.org');
    const allowed = await put({ profession: 'Organisatrice' }, organizer);
    expect(allowed.statusCode, allowed.body).toBe(200);
    expect(await stored()).toEqual({ adhesion: '2024-03-15', profession: 'Organisatrice' });
  });

  // PGlite is one connection: two transactions cannot overlap there.
  it.runIf(ctx.kind === 'postgres')('keeps both of two edits of different fields made at the same time', async () => {
    const db = ctx.database.db;
    const actor = { campaignId: c.id, zoneScope: null, label: 'test', ip: null };
    let firstWrote = () => {};
    const wrote = new Promise<void>((resolve) => {
      firstWrote = resolve;
    });
    let commitFirst = () => {};
    const held = new Promise<void>((resolve) => {
      commitFirst = resolve;
    });
    const first = withTenant(db, c.id, async (trx) => {
      await updatePerson(trx, actor, personId, { custom_fields: { enfants: 3 } });
      firstWrote();
      await held;
    });
    await wrote;
    // The second edit reads the person before the first commits, then waits for its row lock.
    const second = withTenant(db, c.id, (trx) => updatePerson(trx, actor, personId, { custom_fields: { taille: 'L' } }));
    await new Promise((resolve) => setTimeout(resolve, 300));
    commitFirst();
    await Promise.all([first, second]);
    expect(await stored()).toEqual({ adhesion: '2024-03-15', profession: 'Organisatrice', enfants: 3, taille: 'L' });
  });
});
