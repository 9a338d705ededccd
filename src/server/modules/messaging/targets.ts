// A message's OSDI targets (messages.md): links to the queries (saved segments) and lists it goes
// to, read from and written to the mailing's audience. Written targets are accepted as absolute or
// relative links, `/segments/{id}` too (a segment's own URL), and replace the audience's segments
// and lists; exclusions stay as they were.
import { AppError } from '../../http/problem.ts';
import type { Audience } from './audience-schema.ts';

export type Targets = Required<Pick<Audience, 'segment_ids' | 'list_ids'>>;

const TARGET_PATH = /\/(queries|segments|lists)\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\/?$/i;
// The audience's own limits (AudienceSchema).
const MAX = { segment_ids: 20, list_ids: 50 } as const;

/** The target links of an audience: its segments as OSDI queries, then its lists. */
export function targetsOf(audience: Audience, apiBase: string): Array<{ href: string }> {
  return [
    ...(audience.segment_ids ?? []).map((id) => ({ href: `${apiBase}/queries/${id}` })),
    ...(audience.list_ids ?? []).map((id) => ({ href: `${apiBase}/lists/${id}` })),
  ];
}

/** The segments and lists that target links name (MAILING_AUDIENCE_INVALID for a link to anything else). */
export function parseTargets(targets: ReadonlyArray<{ href: string }>): Targets {
  const found = { segment_ids: new Set<string>(), list_ids: new Set<string>() };
  for (const { href } of targets) {
    const path = href.split(/[?#]/)[0] ?? '';
    const match = TARGET_PATH.exec(path);
    if (!match) {
      throw new AppError('MAILING_AUDIENCE_INVALID', `A target links to a query or a list (…/queries/{id}, …/lists/{id}), not "${href}".`);
    }
    found[match[1]?.toLowerCase() === 'lists' ? 'list_ids' : 'segment_ids'].add((match[2] as string).toLowerCase());
  }
  for (const key of ['segment_ids', 'list_ids'] as const) {
    if (found[key].size > MAX[key]) {
      throw new AppError('MAILING_AUDIENCE_INVALID', `At most ${MAX[key]} ${key === 'list_ids' ? 'lists' : 'queries'} per message.`);
    }
  }
  return { segment_ids: [...found.segment_ids], list_ids: [...found.list_ids] };
}
