// Interpolation between geographies against cases computed by hand (see the figures in comments).
import { describe, expect, it } from 'vitest';
import {
  type AddressGroup,
  buildCrosswalk,
  dwellingsPerAddress,
  interpolateCount,
  interpolateLevel,
  interpolateRatio,
} from './interpolate.ts';

// Two IRIS and two polling stations.
// I1: 100 dwellings over 4 addresses (none known) → 25 per address; 3 addresses in B1, 1 in B2.
// I2: 30 dwellings over 3 addresses, one a building of 12 known doors (in B2) → (30 − 12) / 2 = 9
//     per other address; one in B1, one in B2.
// Crosswalk IRIS → station: w(I1,B1) = 75, w(I1,B2) = 25, w(I2,B1) = 9, w(I2,B2) = 12 + 9 = 21.
const irisToStation: AddressGroup[] = [
  { source: 'I1', target: 'B1', iris: 'I1', addresses: 3, knownAddresses: 0, knownDwellings: 0 },
  { source: 'I1', target: 'B2', iris: 'I1', addresses: 1, knownAddresses: 0, knownDwellings: 0 },
  { source: 'I2', target: 'B1', iris: 'I2', addresses: 1, knownAddresses: 0, knownDwellings: 0 },
  { source: 'I2', target: 'B2', iris: 'I2', addresses: 2, knownAddresses: 1, knownDwellings: 12 },
];
const stationToIris = irisToStation.map((g) => ({ ...g, source: g.target, target: g.source }));
const dwellings = new Map([
  ['I1', 100],
  ['I2', 30],
]);

describe('interpolation weighted by dwellings per address', () => {
  it('spreads an IRIS’ dwellings over its addresses, known buildings first', () => {
    expect(Object.fromEntries(dwellingsPerAddress(irisToStation, dwellings))).toEqual({ I1: 25, I2: 9 });
    // An IRIS without the indicator: one dwelling per address.
    expect(dwellingsPerAddress(irisToStation, new Map([['I1', 100]])).get('I2')).toBe(1);
    // Known doors above the IRIS' dwellings: the other addresses get none, never a negative weight.
    expect(dwellingsPerAddress(irisToStation, new Map([['I2', 10]])).get('I2')).toBe(0);
  });

  it('builds the crosswalk from addresses in both zones', () => {
    const cw = buildCrosswalk(irisToStation, dwellings);
    expect(Object.fromEntries(cw.get('I1') ?? [])).toEqual({ B1: 75, B2: 25 });
    expect(Object.fromEntries(cw.get('I2') ?? [])).toEqual({ B1: 9, B2: 21 });
  });

  it('splits a count in proportion and keeps the total (IRIS → station)', () => {
    // population I1 = 200, I2 = 60: B1 = 200·75/100 + 60·9/30 = 168; B2 = 50 + 42 = 92.
    const out = interpolateCount(
      new Map([
        ['I1', 200],
        ['I2', 60],
      ]),
      buildCrosswalk(irisToStation, dwellings),
    );
    expect(out.get('B1')).toBeCloseTo(168, 9);
    expect(out.get('B2')).toBeCloseTo(92, 9);
  });

  it('averages a level by dwellings (IRIS → station)', () => {
    // income I1 = 20 000, I2 = 30 000: B1 = (20 000·75 + 30 000·9) / 84 = 21 071.43;
    // B2 = (20 000·25 + 30 000·21) / 46 = 24 565.22.
    const out = interpolateLevel(
      new Map([
        ['I1', 20_000],
        ['I2', 30_000],
      ]),
      buildCrosswalk(irisToStation, dwellings),
    );
    expect(out.get('B1')).toBeCloseTo(21_071.43, 2);
    expect(out.get('B2')).toBeCloseTo(24_565.22, 2);
  });

  it('recomputes a rate from its interpolated counts (station → IRIS)', () => {
    // registered B1 = 1000, B2 = 500; voters B1 = 600, B2 = 400.
    // registered I1 = 1000·75/84 + 500·25/46 = 1164.596; voters I1 = 600·75/84 + 400·25/46 = 753.106
    // turnout I1 = 0.64667; I2: registered 335.404, voters 64.286 + 182.609 = 246.894 → 0.73611.
    const cw = buildCrosswalk(stationToIris, dwellings);
    const registered = new Map([
      ['B1', 1000],
      ['B2', 500],
    ]);
    const voters = new Map([
      ['B1', 600],
      ['B2', 400],
    ]);
    expect(interpolateCount(registered, cw).get('I1')).toBeCloseTo(1164.596, 3);
    const turnout = interpolateRatio(voters, registered, cw);
    expect(turnout.get('I1')).toBeCloseTo(0.64667, 5);
    expect(turnout.get('I2')).toBeCloseTo(0.73611, 5);
    // Averaging the two stations' rates by dwellings would give another (wrong) figure for I1.
    expect(interpolateLevel(new Map([...voters].map(([k, v]) => [k, v / (registered.get(k) as number)])), cw).get('I1')).not.toBeCloseTo(
      0.64667,
      3,
    );
  });

  it('leaves out sources with no address and targets without a denominator', () => {
    const cw = buildCrosswalk(irisToStation, dwellings);
    expect(interpolateCount(new Map([['I9', 5]]), cw).size).toBe(0);
    expect(interpolateRatio(new Map([['I1', 5]]), new Map([['I1', 0]]), cw).size).toBe(0);
  });
});
