import { describe, expect, it } from 'vitest';
import { niceTicks } from './nice-ticks.ts';

describe('niceTicks', () => {
  it('steps by round numbers up to the first tick above the largest value', () => {
    expect(niceTicks(32_002)).toEqual([0, 10_000, 20_000, 30_000, 40_000]);
    expect(niceTicks(31_800)).toEqual([0, 10_000, 20_000, 30_000, 40_000]);
    expect(niceTicks(800)).toEqual([0, 200, 400, 600, 800]);
    expect(niceTicks(9)).toEqual([0, 5, 10]);
    expect(niceTicks(1)).toEqual([0, 1]);
    expect(niceTicks(0)).toEqual([0, 1]);
  });

  it('never gives an uneven tick', () => {
    for (const max of [7, 13, 99, 101, 1234, 8001, 16_001, 123_456]) {
      const ticks = niceTicks(max);
      const step = (ticks[1] as number) - (ticks[0] as number);
      expect(ticks.every((t, i) => t === i * step)).toBe(true);
      expect(ticks.at(-1)).toBeGreaterThanOrEqual(max);
      expect(String(step)).toMatch(/^(1|2|25|5)0*$|^[1-9]$/);
    }
  });
});
