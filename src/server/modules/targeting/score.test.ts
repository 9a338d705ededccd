// Scores, quintiles and explanations on a hand-computed case.
import { describe, expect, it } from 'vitest';
import { normalise, priorityOf, scoreZones } from './score.ts';

describe('target scores', () => {
  it('normalises over the layer, flipped when lower is better', () => {
    const v = new Map([
      ['a', 10],
      ['b', 20],
      ['c', 30],
    ]);
    expect(Object.fromEntries(normalise(v, 'high'))).toEqual({ a: 0, b: 0.5, c: 1 });
    expect(Object.fromEntries(normalise(v, 'low'))).toEqual({ a: 1, b: 0.5, c: 0 });
    expect(normalise(new Map([['a', 3]]), 'high').get('a')).toBe(1);
  });

  it('cuts ranks into five priorities, P1 the top fifth', () => {
    expect(Array.from({ length: 10 }, (_, r) => priorityOf(r, 10))).toEqual([1, 1, 2, 2, 3, 3, 4, 4, 5, 5]);
    expect(Array.from({ length: 3 }, (_, r) => priorityOf(r, 3))).toEqual([1, 2, 4]);
  });

  it('weights ingredients and explains each zone', () => {
    // abstention (weight 3, high): a 0.2 → 0, b 0.4 → 1 ; income (weight 1, low): a 10 → 1, b 30 → 0.
    // a = (3·0 + 1·1)/4 · 100 = 25 ; b = (3·1 + 1·0)/4 · 100 = 75.
    const scores = scoreZones(
      ['a', 'b', 'c'],
      [
        { metric: 'abstention', weight: 3, direction: 'high' },
        { metric: 'indicator:income', weight: 1, direction: 'low' },
      ],
      [
        {
          metric: 'abstention',
          values: new Map([
            ['a', 0.2],
            ['b', 0.4],
          ]),
          interpolatedFrom: null,
        },
        {
          metric: 'indicator:income',
          values: new Map([
            ['a', 10],
            ['b', 30],
          ]),
          interpolatedFrom: 'iris',
        },
      ],
    );
    expect(scores.map((s) => [s.zoneId, s.score, s.rank])).toEqual([
      ['b', 75, 1],
      ['a', 25, 2],
    ]);
    expect(scores[1]?.explanation).toEqual([
      { metric: 'abstention', value: 0.2, normalised: 0, weight: 3, contribution: 0, interpolated_from: null },
      { metric: 'indicator:income', value: 10, normalised: 1, weight: 1, contribution: 25, interpolated_from: 'iris' },
    ]);
    expect(scores[0]?.interpolated).toBe(true);
  });
});
