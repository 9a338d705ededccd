// Summarises a V8 CPU profile (node --cpu-prof, or `node bench/run.ts --cpu-prof`): where the
// process spent its time, by package or source file and by function (self time).
// Usage: node bench/profile-summary.ts <file.cpuprofile> [--top 25]
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** The bucket a frame's time is counted in: a package, a file of this repository, or a V8 category. */
export function groupOf(url: string, functionName: string): string {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  const modules = url.lastIndexOf('/node_modules/');
  if (modules >= 0) {
    const rest = url.slice(modules + '/node_modules/'.length).split('/');
    return rest[0]?.startsWith('@') ? `${rest[0]}/${rest[1]}` : (rest[0] ?? url);
  }
  if (url.startsWith('node:')) return url;
  const root = path.resolve(import.meta.dirname, '..');
  const file = url.replace(/^file:\/\//, '');
  return file.startsWith(root) ? path.relative(root, file) : file;
}

/** Self time (ms) per key, largest first. */
export function selfTimes(profile: Profile, keyOf: (node: ProfileNode) => string): [string, number][] {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const totals = new Map<string, number>();
  profile.samples.forEach((id, i) => {
    const node = byId.get(id);
    if (!node) return;
    const key = keyOf(node);
    totals.set(key, (totals.get(key) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  });
  return [...totals.entries()].sort((a, b) => b[1] - a[1]);
}

/** Total time (ms, callees included) per key: each sample counts once for every key on its stack. */
export function totalTimes(profile: Profile, keyOf: (node: ProfileNode) => string): [string, number][] {
  const parentOf = new Map<number, ProfileNode>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node);
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const totals = new Map<string, number>();
  profile.samples.forEach((id, i) => {
    const keys = new Set<string>();
    for (let node = byId.get(id); node; node = parentOf.get(node.id)) keys.add(keyOf(node));
    for (const key of keys) totals.set(key, (totals.get(key) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  });
  return [...totals.entries()].sort((a, b) => b[1] - a[1]);
}

function printTable(title: string, rows: [string, number][], total: number, top: number): void {
  console.log(`\n${title}`);
  for (const [key, ms] of rows.slice(0, top)) {
    console.log(`${((ms / total) * 100).toFixed(1).padStart(6)} %  ${Math.round(ms).toString().padStart(7)} ms  ${key}`);
  }
}

if (import.meta.main) {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { top: { type: 'string', default: '25' } } });
  const file = positionals[0];
  if (!file) {
    console.error('Usage: node bench/profile-summary.ts <file.cpuprofile> [--top 25]');
    process.exit(2);
  }
  const top = Number(values.top);
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const all = selfTimes(profile, () => 'all');
  const total = all[0]?.[1] ?? 0;
  const idle = selfTimes(profile, (n) => n.callFrame.functionName).find(([k]) => k === '(idle)')?.[1] ?? 0;
  console.log(
    `${file}: ${Math.round(total)} ms sampled, ${Math.round(total - idle)} ms busy (${(((total - idle) / total) * 100).toFixed(1)} %)`,
  );
  printTable(
    'Self time by package / file',
    selfTimes(profile, (n) => groupOf(n.callFrame.url, n.callFrame.functionName)),
    total,
    top,
  );
  const functionKey = (n: ProfileNode) => {
    const { functionName, url, lineNumber } = n.callFrame;
    return `${functionName || '(anonymous)'}  ${groupOf(url, functionName)}:${lineNumber + 1}`;
  };
  printTable('Self time by function', selfTimes(profile, functionKey), total, top);
  // Functions of this repository, callees included: which of our code paths cost the most.
  const ours = totalTimes(profile, functionKey).filter(([key]) => /\s(src|bench)\//.test(key));
  printTable("Total time of this repository's functions (callees included)", ours, total, top);
}
