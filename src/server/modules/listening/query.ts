// A watch's query matched against a text: any of its exact phrases, words, hashtags or mentions,
// none of its exclusions, in its language when it names one. Case and accents do not matter.
import type { WatchQuery } from './adapters/common.ts';

export function fold(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}

function hasWord(folded: string, word: string): boolean {
  const w = fold(word).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(^|[^\\p{L}\\p{N}_])${w}($|[^\\p{L}\\p{N}_])`, 'u').test(folded);
}

/** The query's terms cleaned: hashtags and mentions without their sign, blanks dropped. */
export function normaliseQuery(q: Partial<WatchQuery>): WatchQuery {
  const clean = (list: string[] | undefined, sign?: string) => [
    ...new Set(
      (list ?? [])
        .map((s) => s.trim())
        .map((s) => (sign && s.startsWith(sign) ? s.slice(1) : s))
        .filter(Boolean),
    ),
  ];
  return {
    phrases: clean(q.phrases),
    words: clean(q.words),
    exclude: clean(q.exclude),
    hashtags: clean(q.hashtags, '#'),
    mentions: clean(q.mentions, '@'),
    language: q.language?.trim().toLowerCase() || null,
  };
}

export function isEmptyQuery(q: WatchQuery): boolean {
  return q.phrases.length + q.words.length + q.hashtags.length + q.mentions.length === 0;
}

export function matchesQuery(q: WatchQuery, text: string, lang: string | null): boolean {
  if (q.language && lang && !lang.toLowerCase().startsWith(q.language)) return false;
  const folded = fold(text);
  if (q.exclude.some((x) => (x.includes(' ') ? folded.includes(fold(x)) : hasWord(folded, x)))) return false;
  return (
    q.phrases.some((p) => folded.includes(fold(p))) ||
    q.words.some((w) => hasWord(folded, w)) ||
    q.hashtags.some((t) => hasWord(folded, `#${t}`) || folded.includes(`#${fold(t)}`)) ||
    q.mentions.some((m) => folded.includes(`@${fold(m)}`))
  );
}
