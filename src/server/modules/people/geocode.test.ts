// Set-based geocoding against the address base, then zones by point-in-polygon; phone/e-mail rules.
import { DummyDriver, Kysely, PostgresAdapter, PostgresIntrospector, PostgresQueryCompiler } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import type { DB } from '../../db/schema.ts';
import { uuidv7 } from '../../lib/ids.ts';
import { createCampaignFixture, type FixtureCampaign } from '../../testing/app.ts';
import { describeEachDatabase } from '../../testing/databases.ts';
import { geocodeAndLocate, geocodeStatement } from './geocode.ts';
import { normalizeEmail, normalizePhone } from './normalize.ts';

/** A Kysely that only compiles (no connection), to snapshot generated SQL. */
function sqlCompiler() {
  return new Kysely<DB>({
    dialect: {
      createAdapter: () => new PostgresAdapter(),
      createDriver: () => new DummyDriver(),
      createIntrospector: (db) => new PostgresIntrospector(db),
      createQueryCompiler: () => new PostgresQueryCompiler(),
    },
  });
}

describe('normalize', () => {
  it('writes phones in E.164 and rejects what is not a number', () => {
    expect(normalizePhone('06 12 34 56 78')).toBe('+33612345678');
    expect(normalizePhone('+33 (0)6 12 34 56 78')).toBe('+33612345678');
    expect(normalizePhone('0033 1 42 76 40 40')).toBe('+33142764040');
    expect(normalizePhone('+33 6 39 98 00 12')).toBe('+33639980012'); // ARCEP fictional range
    expect(normalizePhone('020 7946 0958', 'GB')).toBe('+442079460958');
    expect(normalizePhone('12')).toBeNull();
    expect(normalizePhone('')).toBeNull();
  });
  it('has one e-mail rule for every way in: lower-cased, unwrapped, internationalised, malformed ones refused', () => {
    expect(normalizeEmail(' Jean.Dupont@Example.FR ')).toBe('jean.dupont@example.fr');
    expect(normalizeEmail('mailto:a@b.fr')).toBe('a@b.fr');
    expect(normalizeEmail('<Eloise.Durand@Example.FR>')).toBe('eloise.durand@example.fr');
    expect(normalizeEmail("o'brien+relais@sub.example.co.uk")).toBe("o'brien+relais@sub.example.co.uk");
    expect(normalizeEmail('Élodie.DÜRR@Exemple.FR')).toBe('élodie.dürr@exemple.fr');
    // The same accented address typed with a combining accent is the same address.
    expect(normalizeEmail('E\u0301lodie@exemple.fr')).toBe('élodie@exemple.fr');
    expect(normalizeEmail('contact@xn--exemple-9ua.fr')).toBe('contact@xn--exemple-9ua.fr');
    expect(normalizeEmail('ivan@пример.рф')).toBe('ivan@пример.рф');
    const bad = [
      'jean@',
      'jean.martin@',
      'pas un mail',
      'a@b',
      'a@@b.fr',
      'a b@c.fr',
      'jean..dupont@example.fr',
      '.jean@example.fr',
      'jean@-example.fr',
      'jean@example.f',
      'jean@example.fr.',
      '"jean"@example.fr',
      'jean@[192.168.0.1]',
      'jean@exemple.fr;paul@exemple.fr',
      `${'a'.repeat(250)}@b.fr`,
    ];
    for (const address of bad) expect(normalizeEmail(address), address).toBeNull();
  });
  it('compiles the geocoding statement to the SQL reviewed here', () => {
    const compiled = geocodeStatement('00000000-0000-7000-8000-000000000000', 'pending').compile(sqlCompiler());
    expect(compiled.sql.replace(/\s+/g, ' ')).toMatchSnapshot();
  });
});

describeEachDatabase('geocodeAndLocate', (ctx) => {
  let c: FixtureCampaign;
  const address = (id: string, number: string, street: string, postcode: string, lon: number, lat: number) => ({
    campaign_id: c.id,
    id,
    number,
    street,
    postcode,
    lon,
    lat,
  });
  const person = (street_address: string, postcode = '', extra: Record<string, unknown> = {}) => ({
    campaign_id: c.id,
    id: uuidv7(),
    street_address,
    postcode,
    ...extra,
  });

  beforeAll(async () => {
    const { db } = ctx.database;
    c = await createCampaignFixture(db, 'geo');
    await db
      .insertInto('address')
      .values([
        address('a1', '12 b', 'Rue de Rivoli', '75001', 0.5, 0.5),
        address('a2', '12', 'Rue de Rivoli', '75001', 0.4, 0.4),
        address('a3', '3', 'Boulevard Voltaire', '75011', 1.5, 0.5),
        address('a4', '4', 'Avenue du Général Lemonnier', '75001', 0.2, 0.2),
        // The same street name in two postcodes: ambiguous without a postcode.
        address('a5', '7', 'Rue de la Paix', '75001', 0.3, 0.3),
        address('a6', '7', 'Rue de la Paix', '75002', 1.3, 0.3),
        address('a7', '9', 'Place Saint-Michel', '75005', 5, 5),
      ])
      .execute();
  });

  it('matches abbreviations, accents, suffixes and postcodes, then places people in zones', async () => {
    const { db } = ctx.database;
    const people = [
      person('12 bis, rue de Rivoli', '75001'),
      person('12 R. DE RIVOLI', '75001'),
      person('3 bd Voltaire 75011 Paris'),
      person('4 av. du General Lemonnier'),
      person('7 rue de la Paix'),
      person('7 rue de la Paix', '75002'),
      person('9 pl. St-Michel', '75005'),
      person('99 rue Inconnue', '75001'),
    ];
    await db.insertInto('person').values(people).execute();
    const result = await db.transaction().execute((trx) => geocodeAndLocate(trx, c.id, 'pending'));
    expect(result).toEqual({ geocoded: 6, located: 5 });
    const rows = await db
      .selectFrom('person')
      .select(['id', 'address_id', 'lon', 'lat', 'zone_ids', 'postcode'])
      .where('campaign_id', '=', c.id)
      .where('street_address', '<>', '')
      .execute();
    const byId = new Map(rows.map((r) => [r.id, r]));
    const at = (i: number) => byId.get(people[i]!.id)!;
    expect(at(0)).toMatchObject({ address_id: 'a1', lon: 0.5, zone_ids: [c.zones[0]!.id] });
    expect(at(1).address_id).toBe('a2');
    expect(at(2)).toMatchObject({ address_id: 'a3', postcode: '75011', zone_ids: [c.zones[1]!.id] });
    expect(at(3).address_id).toBe('a4');
    expect(at(4).address_id).toBeNull(); // ambiguous
    expect(at(5)).toMatchObject({ address_id: 'a6', zone_ids: [c.zones[1]!.id] });
    expect(at(6)).toMatchObject({ address_id: 'a7', zone_ids: [] }); // outside every zone
    expect(at(7).lon).toBeNull();
  });

  it('matches a line once and gives it to everyone who carries it, told apart by postcode', async () => {
    const { db } = ctx.database;
    // A household at one line, the same line with the other postcode, and with none (ambiguous).
    const household = [person('7 rue de la Paix', '75001'), person('7 rue de la Paix', '75001'), person('7 rue de la Paix', '75001')];
    const neighbour = person('7 rue de la Paix', '75002');
    const unsure = person('7 rue de la Paix');
    await db
      .insertInto('person')
      .values([...household, neighbour, unsure])
      .execute();
    const ids = [...household, neighbour, unsure].map((p) => p.id);
    const result = await db.transaction().execute((trx) => geocodeAndLocate(trx, c.id, ids));
    expect(result.geocoded).toBe(4);
    const rows = await db.selectFrom('person').select(['id', 'address_id']).where('id', 'in', ids).execute();
    const addressOf = new Map(rows.map((r) => [r.id, r.address_id]));
    expect(household.map((p) => addressOf.get(p.id))).toEqual(['a5', 'a5', 'a5']);
    expect(addressOf.get(neighbour.id)).toBe('a6');
    expect(addressOf.get(unsure.id)).toBeNull();
  });

  it('geocodes only the given ids, and nothing for an empty list', async () => {
    const { db } = ctx.database;
    const p = person('12 rue de Rivoli', '75001');
    const q = person('3 boulevard Voltaire', '75011');
    await db.insertInto('person').values([p, q]).execute();
    expect(await db.transaction().execute((trx) => geocodeAndLocate(trx, c.id, []))).toEqual({ geocoded: 0, located: 0 });
    expect(await db.transaction().execute((trx) => geocodeAndLocate(trx, c.id, [p.id]))).toEqual({ geocoded: 1, located: 1 });
    const other = await db.selectFrom('person').select('lon').where('id', '=', q.id).executeTakeFirstOrThrow();
    expect(other.lon).toBeNull();
  });
});
