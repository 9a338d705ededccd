// Names sort as a French reader expects, on both databases: accents and capitals do not send a name
// past "Z" (byte order would put "Émilie" after "Yanis" and "Aïcha" after "Antoine").
import { sql } from 'kysely';
import { beforeAll, expect, it } from 'vitest';
import { useOwnerApp } from '../../testing/app.ts';
import { describeEachDatabase } from '../../testing/databases.ts';

describeEachDatabase('people sorted by name in French order', (ctx) => {
  const suite = useOwnerApp(ctx, 'collation');

  beforeAll(async () => {
    const people = [
      ['Antoine', 'Adam'],
      ['Aïcha', 'Adam'],
      ['Yanis', 'Chevalier'],
      ['Émilie', 'Chevalier'],
      ['Paul', 'Éluard'],
      ['Zoé', 'Zola'],
      ['Luc', 'de Gaulle'],
      ['Léa', 'Degas'],
    ];
    for (const [i, [given, family]] of people.entries()) {
      await sql`insert into person (campaign_id, id, given_name, family_name, zone_ids)
        values (${suite.c.id}::uuid, ${`00000000-0000-7000-9000-${String(i).padStart(12, '0')}`}::uuid, ${given}, ${family}, '{}')`.execute(
        ctx.database.db,
      );
    }
  });

  const names = async (sort: string) => {
    const body = (await suite.owner.request('GET', `/api/v1/people?sort=${sort}`)).json();
    // Only ours (the fixture campaign has people of its own).
    return (body._embedded['osdi:people'] as Array<{ id: string; given_name: string; family_name: string }>)
      .filter((p) => p.id.startsWith('00000000-0000-7000-9000-'))
      .map((p) => `${p.given_name} ${p.family_name}`);
  };

  it('orders by family name then given name with accents and capitals where a French reader looks for them', async () => {
    expect(await names('family_name')).toEqual([
      'Aïcha Adam',
      'Antoine Adam',
      'Émilie Chevalier',
      'Yanis Chevalier',
      'Luc de Gaulle',
      'Léa Degas',
      'Paul Éluard',
      'Zoé Zola',
    ]);
  });

  it('orders by given name the same way, and backwards', async () => {
    const byGiven = await names('given_name');
    expect(byGiven.indexOf('Aïcha Adam')).toBeLessThan(byGiven.indexOf('Antoine Adam'));
    expect(byGiven.indexOf('Émilie Chevalier')).toBeLessThan(byGiven.indexOf('Léa Degas'));
    expect((await names('-family_name'))[0]).toBe('Zoé Zola');
  });
});
