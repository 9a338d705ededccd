// Assignment by a keyed hash: stable (same key, any order), another key another draw, the share
// exactly its size, the variants close to even.
import { describe, expect, it } from 'vitest';
import { uuidv7 } from '../../../lib/ids.ts';
import { assignTest, hashOf, newAssignmentKey, shareSize } from './assignment.ts';

const people = Array.from({ length: 6000 }, () => uuidv7());

describe('A/B assignment', () => {
  it('is stable and reproducible: same key, same people in any order, same assignment', () => {
    const key = newAssignmentKey();
    const options = { share: { percent: 20 }, variants: ['A', 'B', 'C'] as const };
    const first = assignTest(key, people, options);
    const again = assignTest(key, [...people].reverse(), options);
    expect([...again.entries()].sort()).toEqual([...first.entries()].sort());
    // A person's variant does not depend on who else is in the audience.
    const fewer = assignTest(key, people.slice(0, 2000), { share: { percent: 100 }, variants: ['A', 'B', 'C'] });
    const full = assignTest(key, people, { share: { percent: 100 }, variants: ['A', 'B', 'C'] });
    for (const id of people.slice(0, 2000)) expect(fewer.get(id)).toBe(full.get(id));
  });

  it('draws another assignment with another key', () => {
    const a = assignTest(newAssignmentKey(), people, { share: { percent: 10 }, variants: ['A', 'B'] });
    const b = assignTest(newAssignmentKey(), people, { share: { percent: 10 }, variants: ['A', 'B'] });
    const both = people.filter((id) => a.get(id) !== null && b.get(id) !== null).length;
    // Independent draws of 10 %: about 1 % of people in both shares (60), far from 600.
    expect(both).toBeGreaterThan(20);
    expect(both).toBeLessThan(120);
  });

  it('takes exactly the share, as a percentage or a count, and splits it close to evenly', () => {
    const key = newAssignmentKey();
    expect(shareSize({ percent: 12.5 }, 20_000)).toBe(2500);
    expect(shareSize({ count: 30_000 }, 20_000)).toBe(20_000);
    for (const share of [{ percent: 50 }, { count: 4000 }]) {
      const variants = ['A', 'B', 'C', 'D', 'E'] as const;
      const result = assignTest(key, people, { share, variants });
      const inTest = [...result.values()].filter((v) => v !== null);
      const expected = 'percent' in share ? 3000 : 4000;
      expect(inTest).toHaveLength(expected);
      for (const v of variants) {
        const n = inTest.filter((x) => x === v).length;
        // Binomial(n, 1/5): within 4 standard deviations of n/5.
        const sd = Math.sqrt(expected * 0.2 * 0.8);
        expect(Math.abs(n - expected / 5)).toBeLessThan(4 * sd);
      }
    }
  });

  it('hashes a person to a rank and a draw in [0, 1)', () => {
    const key = newAssignmentKey();
    const h = hashOf(key, people[0] as string);
    expect(h).toEqual(hashOf(key, people[0] as string));
    expect(h.draw).toBeGreaterThanOrEqual(0);
    expect(h.draw).toBeLessThan(1);
    expect(Number.isSafeInteger(h.rank)).toBe(true);
  });
});
