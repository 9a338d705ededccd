// The import rules between modules and the platform, checked on the source: a module reaches another
// only through its index.ts, and http/, db/, jobs/ and lib/ import no module (types aside). Every
// module folder has a manifest in the one list of modules.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { allModules } from './modules/index.ts';

const SERVER = import.meta.dirname;
// Files of modules/ that belong to no module: the list, the manifest's shape, and the navigation (which
// gathers each module's nav.ts for the web).
const SHARED_MODULE_FILES = new Set(['modules/index.ts', 'modules/manifest.ts', 'modules/nav.ts']);
const PLATFORM_DIRS = new Set(['http', 'db', 'jobs', 'lib']);

interface ImportSite {
  file: string;
  line: number;
  target: string;
  typeOnly: boolean;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return name === 'node_modules' ? [] : sourceFiles(full);
    return /\.tsx?$/.test(name) ? [full] : [];
  });
}

/** Every relative import, re-export and dynamic import of a file, with its line and whether it carries only types. */
function importsOf(file: string, text: string): ImportSite[] {
  const sites: ImportSite[] = [];
  const statement = /^[ \t]*(import|export)\s+(type\s+)?([^;]*?)\s*from\s*'([^']+)'/gms;
  for (const m of text.matchAll(statement)) {
    const [, , typeKeyword, clause = '', specifier = ''] = m;
    const names = clause.match(/^\{([^}]*)\}$/s)?.[1];
    const allInlineTypes = names?.split(',').every((n) => n.trim() === '' || n.trim().startsWith('type '));
    sites.push({ file, line: lineAt(text, m.index), target: specifier, typeOnly: Boolean(typeKeyword) || allInlineTypes === true });
  }
  for (const m of text.matchAll(/^[ \t]*import\s+'([^']+)'/gm))
    sites.push({ file, line: lineAt(text, m.index), target: m[1] ?? '', typeOnly: false });
  for (const m of text.matchAll(/\bimport\(\s*'([^']+)'\s*\)/g))
    sites.push({ file, line: lineAt(text, m.index), target: m[1] ?? '', typeOnly: false });
  return sites.filter((s) => s.target.startsWith('.'));
}

function lineAt(text: string, index: number): number {
  return text.slice(0, index).split('\n').length;
}

/** The rule an import breaks, or null. Paths are relative to src/server, with forward slashes. */
function ruleBroken(from: string, to: string, typeOnly: boolean): string | null {
  const [fromTop, fromModule] = from.split('/');
  const [toTop, toModule] = to.split('/');
  if (toTop !== 'modules') return null;
  if (PLATFORM_DIRS.has(fromTop ?? '')) {
    // The platform's own tests may drive a module, through its public face like any other caller.
    if (from.endsWith('.test.ts') && to === `modules/${toModule}/index.ts`) return null;
    return typeOnly ? null : `${fromTop}/ imports a module (only types may be imported)`;
  }
  if (fromTop !== 'modules' || SHARED_MODULE_FILES.has(from) || SHARED_MODULE_FILES.has(to) || fromModule === toModule) return null;
  return to === `modules/${toModule}/index.ts` ? null : `reaches into modules/${toModule}/ past its index.ts`;
}

function violations(): string[] {
  return sourceFiles(SERVER).flatMap((full) => {
    const from = path.relative(SERVER, full).split(path.sep).join('/');
    return importsOf(from, readFileSync(full, 'utf8')).flatMap((site) => {
      const to = path.posix.normalize(path.posix.join(path.posix.dirname(from), site.target));
      const broken = ruleBroken(from, to, site.typeOnly);
      return broken ? [`src/server/${from}:${site.line} imports ${site.target}: ${broken}`] : [];
    });
  });
}

describe('module boundaries', () => {
  it('has no import that breaks the rules (a module through its index.ts; the platform imports no module)', () => {
    expect(violations()).toEqual([]);
  });

  it('recognises each kind of import the rules look at', () => {
    const text = [
      "import { a } from '../people/people.repo.ts';",
      "import type { B } from '../../modules/identity/identity.policy.ts';",
      "import {\n  type C,\n  type D,\n} from '../segments/segment-definition.ts';",
      "export { e } from './e.ts';",
      "const f = await import('../territory/zone-locator.ts');",
      "import { g } from 'kysely';",
    ].join('\n');
    expect(importsOf('x.ts', text).map(({ line, target, typeOnly }) => ({ line, target, typeOnly }))).toEqual([
      { line: 1, target: '../people/people.repo.ts', typeOnly: false },
      { line: 2, target: '../../modules/identity/identity.policy.ts', typeOnly: true },
      { line: 3, target: '../segments/segment-definition.ts', typeOnly: true },
      { line: 7, target: './e.ts', typeOnly: false },
      { line: 8, target: '../territory/zone-locator.ts', typeOnly: false },
    ]);
  });

  it('refuses a module reaching past another index.ts, and the platform importing a module', () => {
    expect(ruleBroken('modules/imports/rows.ts', 'modules/people/normalize.ts', false)).toMatch(/past its index/);
    expect(ruleBroken('modules/imports/rows.ts', 'modules/people/normalize.ts', true)).toMatch(/past its index/);
    expect(ruleBroken('modules/imports/rows.ts', 'modules/people/index.ts', false)).toBeNull();
    expect(ruleBroken('modules/people/geocode.ts', 'modules/people/normalize.ts', false)).toBeNull();
    expect(ruleBroken('http/auth.ts', 'modules/identity/index.ts', false)).toMatch(/http\/ imports a module/);
    expect(ruleBroken('http/auth.ts', 'modules/identity/index.ts', true)).toBeNull();
    expect(ruleBroken('jobs/queue.ts', 'modules/index.ts', false)).toMatch(/jobs\/ imports a module/);
    expect(ruleBroken('modules/identity/identity.policy.ts', 'modules/index.ts', false)).toBeNull();
    expect(ruleBroken('app.ts', 'modules/people/people.routes.ts', false)).toBeNull();
  });

  it('lists every module folder once, by its folder name, in modules/index.ts', () => {
    const folders = readdirSync(path.join(SERVER, 'modules')).filter((name) => statSync(path.join(SERVER, 'modules', name)).isDirectory());
    for (const folder of folders) expect(statSync(path.join(SERVER, 'modules', folder, 'index.ts')).isFile(), folder).toBe(true);
    const names = allModules().map((m) => m.name);
    expect(new Set(names).size).toBe(names.length);
    expect(names.filter((n) => n !== 'site').sort()).toEqual(folders.sort());
  });
});
