// The listening benchmark's mentions: French posts naming the candidate, some replies (threads),
// authors of every reach, each with its own external id from `first` on.
import type { CaughtItem, WatchQuery } from '../../src/server/modules/listening/adapters/common.ts';

const WORDS = [
  'Anne Dupont propose enfin un vrai plan pour le logement dans le 20e, bravo',
  'Anne Dupont et la propreté : encore des promesses, rien ne change rue des Pyrénées',
  'Réunion publique avec Anne Dupont ce soir à Belleville sur les transports',
  'scandale ? Anne Dupont accusée de mensonge sur le budget, urgent de répondre',
  'Anne Dupont veut plus de pistes cyclables, je ne suis pas convaincu',
  'Merci à Anne Dupont pour son soutien aux écoles du 11e arrondissement',
];
export const QUERY: WatchQuery = { phrases: ['Anne Dupont'], words: [], exclude: [], hashtags: [], mentions: [], language: null };

/** The n-th mention (n from 1), published at `at`. */
export function item(n: number, at: Date): CaughtItem {
  const parent = n % 7 === 0 && n > 10 ? `m${n - 5}` : null;
  return {
    externalId: `m${n}`,
    url: `https://social.example/@user${n % 900}/${n}`,
    inReplyTo: parent,
    replyRef: null,
    authorHandle: `user${n % 900}@social.example`,
    authorName: `Utilisateur ${n % 900}`,
    authorReach: (n * 37) % 20_000,
    text: `${WORDS[n % WORDS.length]} #${n % 13}`,
    lang: 'fr',
    publishedAt: at,
  };
}
