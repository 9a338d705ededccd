// Axis ticks a reader can read at a glance: round steps (1, 2, 2.5 or 5 times a power of ten) from 0
// to the first tick at or above the largest value, instead of quarters of it (8 001, 16 001…).

/** About `count` round ticks from 0 covering `max`; the last one is the axis's top. */
export function niceTicks(max: number, count = 4): number[] {
  if (!(max > 0)) return [0, 1];
  const rough = max / count;
  const power = 10 ** Math.max(0, Math.floor(Math.log10(rough)));
  // Whole steps only (a count of people has no half): 2.5 only from 25 up.
  const whole = ([1, 2, 2.5, 5, 10].filter((m) => Number.isInteger(m * power)).find((m) => m * power >= rough) ?? 10) * power;
  const top = Math.ceil(max / whole) * whole;
  const ticks: number[] = [];
  for (let value = 0; value <= top + whole / 2; value += whole) ticks.push(Math.round(value));
  return ticks;
}
