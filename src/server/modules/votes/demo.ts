// The demo campaign's public vote: choosing the official poster among three, open, results live,
// with a few hundred confirmed ballots (example.org addresses, a burst from one network for the
// anti-fraud counters) whose tallies equal their recount.
import type { Db } from '../../db/database.ts';
import { withTenant } from '../../db/database.ts';
import { uuidv7 } from '../../lib/ids.ts';
import { createRandom } from '../../opendata/prng.ts';

const OPTIONS = [
  { label: 'Affiche « Paris en commun »', description: 'Photo de la place de la République au lever du jour.', weight: 0.45 },
  {
    label: 'Affiche « Ensemble, quartier par quartier »',
    description: 'Les visages des colistiers des vingt arrondissements.',
    weight: 0.35,
  },
  { label: 'Affiche « La ville qui respire »', description: 'Illustration : une rue plantée d’arbres et de vélos.', weight: 0.2 },
] as const;

/** Writes the demo's poster vote (once: nothing when the campaign has a vote). */
export async function seedDemoVote(db: Db, campaignId: string, options: { now?: Date; ballots?: number } = {}): Promise<number> {
  const now = options.now ?? new Date();
  const total = options.ballots ?? 340;
  const random = createRandom(2026);
  return withTenant(db, campaignId, async (trx) => {
    if (await trx.selectFrom('public_vote').select('id').limit(1).executeTakeFirst()) return 0;
    const voteId = uuidv7();
    await trx
      .insertInto('public_vote')
      .values({
        campaign_id: campaignId,
        id: voteId,
        slug: 'affiche-officielle',
        title: 'Choisissez l’affiche officielle de la campagne',
        description: 'Les bénévoles ont proposé trois affiches. Une voix par adresse e-mail, confirmée par un lien.',
        status: 'open',
        results_visibility: 'live',
        allow_change: true,
        closes_at: new Date(now.getTime() + 10 * 86_400_000),
        opened_at: new Date(now.getTime() - 5 * 86_400_000),
        created_by_label: 'Nina Community',
      })
      .execute();
    const optionIds = OPTIONS.map(() => uuidv7());
    const tallies = OPTIONS.map(() => 0);
    const ballots = [];
    for (let n = 0; n < total; n += 1) {
      const r = random.next();
      const index = r < OPTIONS[0].weight ? 0 : r < OPTIONS[0].weight + OPTIONS[1].weight ? 1 : 2;
      // The last 25 come from one network within an hour: what the counters are for.
      const burst = n >= total - 25;
      const at = burst ? new Date(now.getTime() - 2 * 3600_000 + n * 1000) : new Date(now.getTime() - random.next() * 5 * 86_400_000);
      const confirmed = random.next() > 0.08;
      if (confirmed) tallies[index] = (tallies[index] ?? 0) + 1;
      const domain = burst ? 'mail-jetable.example' : (['example.org', 'example.com', 'example.net'][n % 3] ?? 'example.org');
      ballots.push({
        campaign_id: campaignId,
        id: uuidv7(at.getTime()),
        vote_id: voteId,
        option_id: optionIds[index] as string,
        email: `votant${n}@${domain}`,
        email_domain: domain,
        ip_range: burst ? '198.51.100.0/24' : `203.0.${113 + (n % 7)}.0/24`,
        status: confirmed ? ('confirmed' as const) : ('pending' as const),
        confirmed_at: confirmed ? at : null,
        send_count: 1,
        last_sent_at: at,
        created_at: at,
        updated_at: at,
      });
    }
    await trx
      .insertInto('public_vote_option')
      .values(
        OPTIONS.map((o, position) => ({
          campaign_id: campaignId,
          id: optionIds[position] as string,
          vote_id: voteId,
          position,
          label: o.label,
          description: o.description,
          tally: tallies[position] ?? 0,
        })),
      )
      .execute();
    for (let i = 0; i < ballots.length; i += 200)
      await trx
        .insertInto('public_vote_ballot')
        .values(ballots.slice(i, i + 200))
        .execute();
    return ballots.length;
  });
}
