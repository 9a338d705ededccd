// person.email is text stored lower-case (migration 0014): the database refuses an upper-case
// letter, so that uniqueness per campaign stays case-insensitive without citext.
import { beforeAll, expect, it } from 'vitest';
import { uuidv7 } from '../../lib/ids.ts';
import { createCampaignFixture, type FixtureCampaign } from '../../testing/app.ts';
import { describeEachDatabase } from '../../testing/databases.ts';
import { normalizeEmail } from './normalize.ts';

describeEachDatabase('person e-mail', (ctx) => {
  let c: FixtureCampaign;
  const insert = (email: string) => ctx.database.db.insertInto('person').values({ campaign_id: c.id, id: uuidv7(), email }).execute();

  beforeAll(async () => {
    c = await createCampaignFixture(ctx.database.db, 'mail');
  });

  it('refuses an address with an upper-case letter', async () => {
    await expect(insert('Alice.Martin@example.org')).rejects.toMatchObject({ code: '23514', constraint: 'person_email_lower' });
  });

  it('keeps one person per address in a campaign', async () => {
    await insert('alice.martin@example.org');
    await expect(insert('alice.martin@example.org')).rejects.toMatchObject({ code: '23505' });
  });

  it('takes any address the application lower-cased, accents included', async () => {
    const email = normalizeEmail(' Élodie.DÜRR@Exemple.FR ');
    expect(email).toBe('élodie.dürr@exemple.fr');
    await insert(email as string);
    const row = await ctx.database.db.selectFrom('person').select('email').where('email', '=', email).executeTakeFirstOrThrow();
    expect(row.email).toBe('élodie.dürr@exemple.fr');
  });
});
