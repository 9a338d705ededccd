// The pure parts of the bench harness: medians, ratios, verdicts, tables, CPU counters, arguments.
// No timing here: performance is only measured by `npm run bench`, as ratios against a baseline.
import { describe, expect, it } from 'vitest';
import { parseBenchArgs } from './lib/args.ts';
import { cpuUsageBetween, machineBusyMsOf, processCpuMsOf } from './lib/cpu.ts';
import { compareSamples, formatCpuTable, formatTable, median, ratioOf, type Sample, summarize, verdictOf } from './lib/report.ts';
import { groupOf } from './profile-summary.ts';
import { SCENARIOS } from './scenarios.ts';

function sample(rps: number, overrides: Partial<Sample> = {}): Sample {
  return { rps, p50: 2, p99: 9, bytesPerResponse: 200, errors: 0, requests: rps * 10, cpu: null, ...overrides };
}

describe('median', () => {
  it('takes the middle value of an odd count, whatever the order', () => {
    expect(median([3, 1, 2])).toBe(2);
  });
  it('averages the two middle values of an even count', () => {
    expect(median([10, 40, 20, 30])).toBe(25);
  });
  it('refuses an empty list', () => {
    expect(() => median([])).toThrow();
  });
});

describe('ratio and verdict', () => {
  it('divides the app by the baseline', () => {
    expect(ratioOf(900, 1000)).toBe(0.9);
    expect(ratioOf(5, 0)).toBeNull();
  });
  it('passes at or above the target and fails below', () => {
    expect(verdictOf({ ratio: 0.9, target: 0.9, errors: 0 })).toBe('pass');
    expect(verdictOf({ ratio: 0.89, target: 0.9, errors: 0 })).toBe('FAIL');
  });
  it('is informative without a target and an error when requests failed', () => {
    expect(verdictOf({ ratio: 0.1, target: null, errors: 0 })).toBe('info');
    expect(verdictOf({ ratio: 2, target: 0.35, errors: 3 })).toBe('error');
  });
});

describe('compareSamples', () => {
  it('compares the medians of each side, not a single round', () => {
    const result = compareSamples({
      scenario: 'health',
      app: [sample(800), sample(9000), sample(900)],
      baseline: [sample(1000), sample(1000), sample(1000)],
      target: 0.9,
    });
    expect(result.app?.rps).toBe(900);
    expect(result.ratio).toBeCloseTo(0.9);
    expect(result.verdict).toBe('pass');
  });

  it('sums errors over the rounds so that one failed round taints the scenario', () => {
    const summary = summarize([sample(100), sample(100, { errors: 2 }), sample(100, { errors: 1 })]);
    expect(summary.errors).toBe(3);
  });

  it('reports CPU per request and how many times dearer the app is', () => {
    const cpu = { serverMs: 1000, databaseMs: 500, loadGeneratorMs: 600, otherMs: 0, otherPercent: 4, machineBusyPercent: 90 };
    const result = compareSamples({
      scenario: 'api-read',
      app: [sample(1000, { requests: 10_000, cpu })],
      baseline: [sample(4000, { requests: 40_000, cpu: { ...cpu, databaseMs: 0 } })],
      target: 0.35,
    });
    expect(result.app?.serverUsPerRequest).toBe(100);
    expect(result.app?.databaseUsPerRequest).toBe(50);
    expect(result.baseline?.serverUsPerRequest).toBe(25);
    expect(result.baseline?.loadGeneratorUsPerRequest).toBe(15);
    expect(result.cpuCost).toBe(4);
  });
});

describe('the raw-pg baseline', () => {
  const app = [sample(1200), sample(1000)];
  it('compares the app with it too, and fails the scenario when its target is missed', () => {
    const result = compareSamples({
      scenario: 'api-read',
      app,
      baseline: [sample(2000)],
      target: 0.35,
      sqlBaseline: [sample(4000), sample(4400)],
      sqlTarget: 0.5,
    });
    expect(result.ratio).toBeCloseTo(0.55);
    expect(result.sqlBaseline?.rps).toBe(4200);
    expect(result.sqlRatio).toBeCloseTo(1100 / 4200);
    expect(result.verdict).toBe('FAIL');
  });
  it('passes when both targets are met, and is an error when it failed requests', () => {
    const both = { scenario: 'api-read', app, baseline: [sample(2000)], target: 0.35, sqlTarget: 0.5 };
    expect(compareSamples({ ...both, sqlBaseline: [sample(2000)] }).verdict).toBe('pass');
    expect(compareSamples({ ...both, sqlBaseline: [sample(2000, { errors: 1 })] }).verdict).toBe('error');
  });
  it('is absent from scenarios that have none', () => {
    const result = compareSamples({ scenario: 'health', app, baseline: [sample(1000)], target: 0.9 });
    expect(result).toMatchObject({ sqlBaseline: null, sqlRatio: null, sqlTarget: null, verdict: 'pass' });
  });
});

describe('tables', () => {
  const results = [
    compareSamples({ scenario: 'health', app: [sample(9123.4)], baseline: [sample(10000)], target: 0.9 }),
    compareSamples({ scenario: 'api-read-pglite', app: [sample(500, { p50: 81.4, p99: 650 })], baseline: [sample(40000)], target: null }),
    {
      scenario: 'api-read',
      app: null,
      baseline: null,
      ratio: null,
      cpuCost: null,
      target: 0.35,
      sqlBaseline: null,
      sqlRatio: null,
      sqlTarget: 0.5,
      verdict: 'skipped' as const,
      note: 'PostgreSQL not reachable',
    },
  ];

  it('prints one aligned line per scenario with figures, ratio, target and verdict', () => {
    const lines = formatTable(results).split('\n');
    expect(lines[0]).toMatch(
      /^scenario\s+req\/s\s+p50 ms\s+p99 ms\s+baseline req\/s\s+ratio\s+target\s+raw-pg req\/s\s+ratio\s+target\s+result$/,
    );
    expect(lines[2]).toMatch(/^health\s+9,123\s+2\.0\s+9\.0\s+10,000\s+91\.2 %\s+≥ 90 %\s+—\s+—\s+—\s+pass$/);
    expect(lines[3]).toMatch(/^api-read-pglite\s+500\s+81\s+650\s+40,000\s+1\.3 %\s+—\s+—\s+—\s+—\s+info$/);
    expect(lines[4]).toMatch(/^api-read\s+—\s+—\s+—\s+—\s+—\s+≥ 35 %\s+—\s+—\s+≥ 50 %\s+skipped$/);
    expect(lines.at(-1)).toBe('  api-read: PostgreSQL not reachable');
    // Right-aligned numbers end in the same column.
    const endOf = (line: string | undefined, text: string) => (line?.indexOf(text) ?? 0) + text.length;
    expect(endOf(lines[2], '10,000')).toBe(endOf(lines[3], '40,000'));
  });

  it('prints dashes in the CPU table when CPU was not accounted', () => {
    expect(formatCpuTable(results).split('\n')[2]).toMatch(/^health\s+—\s+—\s+—\s+—\s+—\s+—\s+—\s+—$/);
  });
});

describe('CPU counters', () => {
  it('reads utime + stime of a process, even with spaces in its name', () => {
    const stat = '4242 (node (bench) x) S 1 4242 4242 0 -1 4194304 123 0 0 0 150 25 0 0 20 0 11 0';
    expect(processCpuMsOf(stat)).toBe(1750);
  });

  it('reads the busy time of the machine (idle and iowait excluded)', () => {
    expect(machineBusyMsOf('cpu  100 5 20 1000 7 1 2 3 0 0\ncpu0 1 2 3')).toBe(1310);
  });

  it('counts the rest of the busy machine as other load', () => {
    const before = { at: 0, machineBusyMs: 0, serverMs: 0, database: new Map([[7, 100]]), loadGeneratorMs: 0 };
    const after = {
      at: 1000,
      machineBusyMs: 1800,
      serverMs: 900,
      database: new Map([
        [7, 300],
        [8, 50],
      ]),
      loadGeneratorMs: 400,
    };
    const usage = cpuUsageBetween(before, after, 2);
    expect(usage).toEqual({
      serverMs: 900,
      databaseMs: 250,
      loadGeneratorMs: 400,
      otherMs: 250,
      otherPercent: 12.5,
      machineBusyPercent: 90,
    });
  });
});

describe('arguments and scenarios', () => {
  it('defaults to 10 s, 50 connections, 2 rounds and every scenario', () => {
    const args = parseBenchArgs([]);
    expect(args).toMatchObject({ scenarios: [], duration: 10, warmup: 2, connections: 50, pipelining: 1, rounds: 2, logLevel: 'warn' });
  });

  it('takes scenario names and options', () => {
    expect(parseBenchArgs(['health', '--duration', '5', '--connections', '20'])).toMatchObject({
      scenarios: ['health'],
      duration: 5,
      connections: 20,
    });
  });

  it('refuses nonsense', () => {
    expect(() => parseBenchArgs(['--connections', 'many'])).toThrow(/--connections/);
    expect(() => parseBenchArgs(['--rounds', '0'])).toThrow();
  });

  it('names each scenario once, with a target or null', () => {
    const names = SCENARIOS.map((s) => s.name);
    expect(new Set(names).size).toBe(names.length);
    expect(SCENARIOS.find((s) => s.name === 'health')?.target).toBe(0.9);
    expect(SCENARIOS.find((s) => s.name === 'api-read')?.target).toBe(0.35);
    expect(SCENARIOS.find((s) => s.name === 'api-read')?.sqlBaseline?.target).toBe(0.5);
  });

  it('groups profile frames by package or file', () => {
    expect(groupOf('file:///x/node_modules/@fastify/helmet/index.js', 'f')).toBe('@fastify/helmet');
    expect(groupOf('/x/node_modules/kysely/dist/esm/index.js', 'f')).toBe('kysely');
    expect(groupOf('node:_http_outgoing', 'f')).toBe('node:_http_outgoing');
    expect(groupOf('', '(garbage collector)')).toBe('(garbage collector)');
  });
});
