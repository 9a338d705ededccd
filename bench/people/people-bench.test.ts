// The pure parts of the people benchmark: the generated file (deterministic, ten columns, the flaws
// a real export has) and the percentiles. No timing here (see bench/README.md).
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BENCH_HEADERS, type BenchAddress, generatePeopleCsv } from './generate.ts';
import { timings } from './queries.ts';

const ADDRESSES: BenchAddress[] = [
  { number: '10', street: 'Rue de la Roquette', postcode: '75011', city: 'Paris' },
  { number: '3 bis', street: 'Avenue Foch', postcode: '75016', city: 'Paris' },
];

describe('generatePeopleCsv', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'relais-bench-gen-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('writes N rows of ten columns at the given addresses, the same for the same seed', async () => {
    const a = await generatePeopleCsv(path.join(dir, 'a.csv'), 5000, ADDRESSES);
    const b = await generatePeopleCsv(path.join(dir, 'b.csv'), 5000, ADDRESSES);
    const text = await readFile(a.path, 'utf8');
    expect(text).toBe(await readFile(b.path, 'utf8'));
    expect(Buffer.byteLength(text)).toBe(a.bytes);
    const lines = text.trimEnd().split('\r\n');
    expect(lines[0]).toBe(BENCH_HEADERS.join(';'));
    expect(lines).toHaveLength(5001);
    const rows = lines.slice(1).map((l) => l.split(';'));
    for (const row of rows) {
      expect(row).toHaveLength(10);
      expect(ADDRESSES.map((x) => `${x.number} ${x.street}`)).toContain(row[4]);
    }
    // The flaws of a real file, in the announced proportions.
    const share = (pred: (row: string[]) => boolean) => rows.filter(pred).length / rows.length;
    expect(share((r) => r[2]?.endsWith('@') ?? false)).toBeGreaterThan(0.003);
    expect(share((r) => r[2] === '' && r[3] !== '')).toBeGreaterThan(0.03);
    expect(new Set(lines).size).toBeLessThan(lines.length - 20);
    expect(share((r) => r[8] !== '')).toBeGreaterThan(0.3);
  });
});

describe('timings', () => {
  it('takes the nearest-rank median and 95th percentile', () => {
    const samples = Array.from({ length: 100 }, (_, i) => 100 - i);
    expect(timings(samples)).toMatchObject({ median: 50, p95: 95 });
    expect(timings([7])).toMatchObject({ median: 7, p95: 7 });
  });
});
