// A message's OSDI targets read from links as clients write them, and written back as links.
import { describe, expect, it } from 'vitest';
import { parseTargets, targetsOf } from './targets.ts';

const Q = '0190a0b0-0000-7000-8000-00000000000a';
const L = '0190a0b0-0000-7000-8000-00000000000b';

describe('message targets', () => {
  it('reads absolute and relative links to queries, segments and lists, once each', () => {
    expect(
      parseTargets([
        { href: `https://relais.test/api/v1/queries/${Q}` },
        { href: `/api/v1/segments/${Q.toUpperCase()}/` },
        { href: `https://relais.test/api/v1/lists/${L}?page=1` },
      ]),
    ).toEqual({ segment_ids: [Q], list_ids: [L] });
    expect(parseTargets([])).toEqual({ segment_ids: [], list_ids: [] });
  });

  it('refuses links to anything else, and more queries than an audience holds', () => {
    for (const href of [`/api/v1/people/${Q}`, `/api/v1/lists/${L}/items`, 'lists', `/api/v1/queries/${Q}x`]) {
      expect(() => parseTargets([{ href }]), href).toThrow(expect.objectContaining({ code: 'MAILING_AUDIENCE_INVALID' }));
    }
    const many = Array.from({ length: 21 }, (_, i) => ({ href: `/api/v1/queries/${Q.slice(0, -2)}${String(i).padStart(2, '0')}` }));
    expect(() => parseTargets(many)).toThrow(expect.objectContaining({ code: 'MAILING_AUDIENCE_INVALID' }));
  });

  it('writes the audience as links, queries first', () => {
    expect(targetsOf({ list_ids: [L], segment_ids: [Q], exclude_list_ids: [L] }, 'https://r.test/api/v1')).toEqual([
      { href: `https://r.test/api/v1/queries/${Q}` },
      { href: `https://r.test/api/v1/lists/${L}` },
    ]);
  });
});
