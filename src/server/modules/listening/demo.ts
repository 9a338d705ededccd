// The demo campaign's listening: a keyword watch on a local feed (the campaign's own fact-check RSS
// feed, served by this very server), two weeks of mentions triaged by the French lexicon (some
// handled, a few answered within the hour, day and night, for the report and the dashboard), three
// key messages, the campaign's two accounts, and a reply drafted for the candidate's own account
// waiting for her approval. The accounts' network is an example host: publishing from the demo
// fails visibly (no real network is reached), the approval itself is the point.
import type { Config } from '../../config.ts';
import { type Db, withTenant } from '../../db/database.ts';
import { uuidv7 } from '../../lib/ids.ts';
import { credentialsAad, sealCredentials } from './crypto.ts';
import { normaliseQuery } from './query.ts';
import { triage } from './triage.ts';

const POSTS: readonly { author: string; reach: number; text: string; hoursAgo: number }[] = [
  {
    author: 'blog-belleville',
    reach: 1200,
    text: 'Anne Candidate présente son plan logement pour le 20e : des mesures concrètes, bravo.',
    hoursAgo: 2,
  },
  {
    author: 'marie_paris11',
    reach: 340,
    text: 'Encore des promesses sur la propreté rue Oberkampf, rien ne change. @annecandidate ?',
    hoursAgo: 5,
  },
  {
    author: 'lejournaldu19',
    reach: 18000,
    text: 'Scandale ? Anne Candidate accusée de mensonge sur le budget des écoles du 19e.',
    hoursAgo: 9,
  },
  {
    author: 'velo_paris',
    reach: 2600,
    text: 'Les pistes cyclables promises par Anne Candidate : enfin une vraie ambition pour les transports.',
    hoursAgo: 23,
  },
  { author: 'parent_eleve_18', reach: 90, text: 'Merci à Anne Candidate pour son soutien aux écoles du 18e arrondissement.', hoursAgo: 30 },
  {
    author: 'quartier_libre',
    reach: 750,
    text: 'Réunion publique avec Anne Candidate ce soir à Ménilmontant sur la sécurité.',
    hoursAgo: 50,
  },
  {
    author: 'contribuable75',
    reach: 4100,
    text: 'Anne Candidate veut augmenter les impôts locaux ? Je ne suis pas convaincu.',
    hoursAgo: 75,
  },
  {
    author: 'blog-belleville',
    reach: 1200,
    text: 'Logement social : Anne Candidate répond aux questions des locataires du 20e.',
    hoursAgo: 100,
  },
  {
    author: 'asso_jardins',
    reach: 310,
    text: 'Les jardins partagés dans le programme d’Anne Candidate, une bonne nouvelle pour le 13e.',
    hoursAgo: 140,
  },
  {
    author: 'infos_paris_nuit',
    reach: 9000,
    text: 'Anne Candidate interpellée sur le bruit des terrasses la nuit, polémique dans le 11e.',
    hoursAgo: 170,
  },
  { author: 'marie_paris11', reach: 340, text: 'Toujours pas de réponse d’Anne Candidate sur les poubelles du 11e, déçue.', hoursAgo: 220 },
  {
    author: 'velo_paris',
    reach: 2600,
    text: 'Anne Candidate à vélo dans le 12e : belle image, mais le plan vélo reste flou.',
    hoursAgo: 290,
  },
];

const KEY_MESSAGES = [
  {
    theme: 'logement',
    kind: 'answer' as const,
    title: 'Le plan logement',
    body: 'Merci de votre message. Notre plan : 30 % de logements sociaux dans chaque arrondissement et l’encadrement des loyers appliqué partout. Le détail est sur notre site.',
  },
  {
    theme: 'proprete',
    kind: 'answer' as const,
    title: 'Propreté : ce que nous ferons',
    body: 'Vous avez raison, la propreté ne se décrète pas : nous doublerons les passages dans les rues les plus fréquentées et confierons la propreté aux mairies d’arrondissement.',
  },
  {
    theme: 'transports',
    kind: 'talking_point' as const,
    title: 'Le vélo, et le reste',
    body: 'Un réseau cyclable continu d’ici 2028, sans oublier les bus de nuit ni l’accessibilité des stations.',
  },
];

/** Seeds the demo's listening (once, with the campaign). The accounts are sealed only when a key is set. */
export async function seedDemoListening(db: Db, config: Pick<Config, 'publicUrl' | 'listening'>, campaignId: string): Promise<void> {
  const now = Date.now();
  await withTenant(db, campaignId, async (trx) => {
    const watchId = uuidv7();
    await trx
      .insertInto('listening_watch')
      .values({
        campaign_id: campaignId,
        id: watchId,
        name: 'Le vrai du faux (flux local)',
        source: 'rss',
        feed_url: `${config.publicUrl.replace(/\/$/, '')}/le-vrai-du-faux/rss.xml`,
        query: JSON.stringify(normaliseQuery({ words: ['Paris', 'loyers', 'logement'] })),
        active: true,
      })
      .execute();
    const blogWatchId = uuidv7();
    await trx
      .insertInto('listening_watch')
      .values({
        campaign_id: campaignId,
        id: blogWatchId,
        name: 'Blogs et presse locale',
        source: 'rss',
        feed_url: 'https://blog-belleville.example/feed.xml',
        query: JSON.stringify(normaliseQuery({ phrases: ['Anne Candidate'] })),
        // An example address: paused, it shows a watch's settings without failing every pass.
        active: false,
      })
      .execute();
    const mentions = POSTS.map((p, i) => {
      const t = triage(p.text, p.reach);
      return {
        campaign_id: campaignId,
        id: uuidv7(),
        watch_id: blogWatchId,
        source: 'rss' as const,
        external_id: `demo-${i}`,
        thread_key: `demo-${i}`,
        url: `https://${p.author}.example/${i}`,
        author_handle: p.author,
        author_name: p.author,
        author_reach: p.reach,
        text: p.text,
        lang: 'fr',
        published_at: new Date(now - p.hoursAgo * 3600_000),
        sentiment: t.sentiment,
        urgency: t.urgency,
        arrondissement: t.arrondissement,
        theme: t.theme,
        // The older half handled; the newest wait in the inbox.
        status: i >= 4 ? ('handled' as const) : ('new' as const),
        handled_at: i >= 4 ? new Date(now - p.hoursAgo * 3600_000 + (i % 3 === 0 ? 40 : 150) * 60_000) : null,
      };
    });
    await trx.insertInto('listening_mention').values(mentions).execute();
    const keyIds: string[] = [];
    for (const k of KEY_MESSAGES) {
      const id = uuidv7();
      keyIds.push(id);
      await trx
        .insertInto('listening_key_message')
        .values({ campaign_id: campaignId, id, ...k })
        .execute();
    }
    // An answer citing the demo's fact check on population and rents (seeded before): a reply that
    // inserts it brings the check's page.
    const check = await trx
      .selectFrom('fact_check')
      .select('id')
      .where('status', '=', 'published')
      .where('theme', 'in', ['logement', 'Logement'])
      .orderBy('published_at', 'desc')
      .executeTakeFirst();
    if (check)
      await trx
        .insertInto('listening_key_message')
        .values({
          campaign_id: campaignId,
          id: uuidv7(),
          theme: 'logement',
          kind: 'answer',
          title: 'Population et loyers : les chiffres',
          body: 'La baisse de population est réelle, mais les loyers n’en sont qu’une des causes : nous avons vérifié les chiffres.',
          factcheck_id: check.id,
        })
        .execute();
    if (!config.listening.secretKey) return;
    const accounts: Record<'team' | 'candidate', string> = { team: uuidv7(), candidate: uuidv7() };
    for (const kind of ['team', 'candidate'] as const) {
      await trx
        .insertInto('listening_account')
        .values({
          campaign_id: campaignId,
          id: accounts[kind],
          network: 'mastodon',
          kind,
          handle: kind === 'team' ? 'equipe_paris2026@mastodon.example' : 'annecandidate@mastodon.example',
          base_url: 'https://mastodon.example',
          credentials: sealCredentials(config.listening.secretKey, credentialsAad(campaignId, accounts[kind]), { token: 'demo-token' }),
        })
        .execute();
    }
    const cm = await trx.selectFrom('staff_user').select('id').where('email', '=', 'cm@demo.relais.fr').executeTakeFirst();
    // Answers published from the team account: within the hour by day and at night, one after two hours.
    const answered = mentions.filter((m) => m.status === 'handled');
    for (const [i, m] of answered.entries()) {
      const delay = [25, 40, 130, 55, 20, 75, 35, 45][i % 8] ?? 30;
      const at = new Date(m.published_at.getTime() + delay * 60_000);
      await trx
        .insertInto('listening_draft')
        .values({
          campaign_id: campaignId,
          id: uuidv7(),
          account_id: accounts.team,
          mention_id: m.id,
          key_message_id: keyIds[i % keyIds.length] ?? null,
          text: KEY_MESSAGES[i % KEY_MESSAGES.length]?.body ?? 'Merci de votre message.',
          status: 'published',
          scheduled_at: at,
          published_at: at,
          external_id: `demo-${i}`,
          external_url: `https://mastodon.example/@equipe_paris2026/${i}`,
          idempotency_key: uuidv7(),
          created_by: cm?.id ?? null,
        })
        .execute();
      await trx.updateTable('listening_mention').set({ handled_at: at }).where('id', '=', m.id).execute();
    }
    // The reply to the newest mention, on the candidate's own account: it waits for her approval.
    const newest = mentions[0];
    await trx
      .insertInto('listening_draft')
      .values({
        campaign_id: campaignId,
        id: uuidv7(),
        account_id: accounts.candidate,
        mention_id: newest?.id ?? null,
        key_message_id: keyIds[0] ?? null,
        text: 'Merci ! Le plan logement sera présenté arrondissement par arrondissement dès la semaine prochaine.',
        status: 'pending_approval',
        idempotency_key: uuidv7(),
        created_by: cm?.id ?? null,
      })
      .execute();
  });
}
