// The jobs screen never shows a code: every job kind the server declares, and every step it
// reports through ctx.progress, has words in French and English.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { jobKindLabels, jobStepLabels } from './messages.ts';

const SERVER = path.resolve(import.meta.dirname, '../../../server');

function serverSources(): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(file);
      else if (file.endsWith('.ts') && !file.endsWith('.test.ts')) out.push(readFileSync(file, 'utf8'));
    }
  };
  walk(SERVER);
  return out;
}

it('names every job kind and step the server reports, in both languages', () => {
  const sources = serverSources();
  const kinds = new Set<string>();
  const steps = new Set<string>();
  for (const source of sources) {
    for (const m of source.matchAll(/defineJob\(\{\s*kind: '([^']+)'/g)) kinds.add(m[1] as string);
    for (const m of source.matchAll(/JOB_KIND = '([^']+)'/g)) kinds.add(m[1] as string);
    for (const m of source.matchAll(/ctx\.progress\([^;]*?'([a-z_]+\.[a-z_]+)'\)/g)) steps.add(m[1] as string);
    // Any other message passed to ctx.progress must be a code too, not a sentence or a template.
    for (const m of source.matchAll(/ctx\.progress\(([^;]*)\)/g)) expect(m[1]).not.toMatch(/`|'[^']*\s[^']*'/);
  }
  expect([...kinds]).toEqual(expect.arrayContaining(['demo.count', 'imports.people', 'people.retention']));
  expect([...steps]).toEqual(expect.arrayContaining(['imports.reading', 'imports.writing']));
  const fr: Record<string, string> = { ...jobKindLabels.fr, ...jobStepLabels.fr };
  const en: Record<string, string> = { ...jobKindLabels.en, ...jobStepLabels.en };
  expect([...kinds, ...steps].filter((k) => !fr[k] || !en[k])).toEqual([]);
});
