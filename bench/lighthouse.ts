// npm run bench:lighthouse — the public site's Lighthouse scores (issue 17): the npm package with
// Debian's Chromium, phone profile (Lighthouse's default: a Moto G class phone, simulated slow 4G), on
// the home, an arrondissement page and a petition of a running server with the demo campaign.
//   node bench/lighthouse.ts --base http://127.0.0.1:3000 [--paths /,/arrondissements/20,petition]
// (`petition` stands for the first petition the site lists.)
// Targets: performance ≥ 95, accessibility 100, best practices ≥ 95, SEO 100. Absolute scores (the
// issue's targets are Lighthouse's own scale), so there is no side-by-side baseline here.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import * as chromeLauncher from 'chrome-launcher';
import lighthouse from 'lighthouse';
import { machineConditions } from './lib/machine.ts';
import { layOut } from './lib/report.ts';

const { values } = parseArgs({
  options: {
    base: { type: 'string', default: 'http://127.0.0.1:3000' },
    paths: { type: 'string', default: '/,/arrondissements/20,petition' },
  },
});
const base = values.base.replace(/\/$/, '');
/** The first petition the site lists (its slug differs from one demo to another). */
async function firstPetition(): Promise<string> {
  const list = await (await fetch(`${base}/petitions`)).text();
  const found = /href="(\/petitions\/[a-z0-9-]+)"/.exec(list)?.[1];
  if (!found) throw new Error(`no petition listed at ${base}/petitions`);
  return found;
}
const paths = await Promise.all(
  values.paths
    .split(',')
    .filter(Boolean)
    .map((p) => (p === 'petition' ? firstPetition() : p)),
);
const TARGETS = { performance: 95, accessibility: 100, 'best-practices': 95, seo: 100 } as const;
type Category = keyof typeof TARGETS;
const CATEGORIES = Object.keys(TARGETS) as Category[];

const machine = machineConditions();
console.error(
  `Relais Lighthouse bench: ${machine.cpuCount} × ${machine.cpuModel}, Node ${machine.nodeVersion}, load ${machine.loadAverage.join(' ')}`,
);

const chrome = await chromeLauncher.launch({
  chromePath: '/usr/bin/chromium',
  chromeFlags: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
});
const rows: string[][] = [];
const results: Record<string, unknown>[] = [];
let failed = 0;
try {
  for (const pagePath of paths) {
    const url = `${base}${pagePath}`;
    const run = await lighthouse(url, { port: chrome.port, output: 'json', logLevel: 'error', onlyCategories: [...CATEGORIES] });
    if (!run) throw new Error(`Lighthouse gave no result for ${url}`);
    const { lhr } = run;
    if (lhr.runtimeError) throw new Error(`${url}: ${lhr.runtimeError.code} ${lhr.runtimeError.message}`);
    const scores = Object.fromEntries(CATEGORIES.map((c) => [c, Math.round((lhr.categories[c]?.score ?? 0) * 100)])) as Record<
      Category,
      number
    >;
    // The audits that cost points, so that a miss says what to fix.
    const misses = Object.values(lhr.audits)
      .filter((a) => a.score !== null && a.score < 0.9 && a.scoreDisplayMode !== 'informative' && a.scoreDisplayMode !== 'notApplicable')
      .map((a) => `${a.id} (${Math.round((a.score ?? 0) * 100)})`);
    for (const c of CATEGORIES) {
      const ok = scores[c] >= TARGETS[c];
      if (!ok) failed++;
      rows.push([pagePath, c, String(scores[c]), `≥ ${TARGETS[c]}`, ok ? 'pass' : 'FAIL']);
    }
    results.push({ path: pagePath, scores, misses, lcpMs: lhr.audits['largest-contentful-paint']?.numericValue ?? null });
    if (misses.length > 0) console.error(`${pagePath}: audits below 90: ${misses.join(', ')}`);
  }
} finally {
  await chrome.kill();
}
console.log(layOut(['page', 'category', 'score', 'target', 'verdict'], rows, [false, false, true, true, false]));
const dir = path.join(import.meta.dirname, 'results');
await mkdir(dir, { recursive: true });
await writeFile(
  path.join(dir, `lighthouse-${new Date().toISOString().replace(/[:.]/g, '-')}.json`),
  JSON.stringify({ machine, base, results }, null, 2),
);
process.exitCode = failed > 0 ? 1 : 0;
