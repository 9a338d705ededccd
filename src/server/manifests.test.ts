// What the list of modules declares agrees with what the code uses: every permission a route or a
// screen asks for exists in the policy, every module's error code has one status, job kinds are unique.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { registerErrorStatuses, statusOf } from './http/problem.ts';
import { allPermissions, tokenScopes } from './modules/identity/identity.policy.ts';
import { allModules } from './modules/index.ts';
import { NAV_ENTRIES } from './modules/nav.ts';

const SRC = path.resolve(import.meta.dirname, '..');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return sourceFiles(full);
    return /\.tsx?$/.test(name) && !name.endsWith('.test.ts') ? [full] : [];
  });
}

/** Each literal permission a pattern finds in the sources of a folder, with where it is. */
function permissionsUsed(dir: string, pattern: RegExp): { permission: string; at: string }[] {
  return sourceFiles(path.join(SRC, dir)).flatMap((file) => {
    const text = readFileSync(file, 'utf8');
    return [...text.matchAll(pattern)].map((m) => ({
      permission: m[1] ?? '',
      at: `${path.relative(SRC, file)}:${text.slice(0, m.index).split('\n').length}`,
    }));
  });
}

describe('module manifests', () => {
  it('declares every permission or token scope a route asks for (requireActor)', () => {
    const used = permissionsUsed('server', /requireActor\(\s*\w+\s*,\s*'([^']+)'/g);
    expect(used.length).toBeGreaterThan(40);
    const known = new Set<string>([...allPermissions(), ...tokenScopes().map((s) => s.id)]);
    expect(used.filter((u) => !known.has(u.permission)).map((u) => `${u.at}: ${u.permission}`)).toEqual([]);
  });

  it('makes routes open to tokens name their scope, not the permission it stands for', () => {
    // A route asking for `people.read` would let a token holding any scope of that permission
    // (`tags:read`…) through: it must name the resource's scope (`people:read`).
    const used = permissionsUsed('server', /requireActor\(\s*\w+\s*,\s*'([^']+)'/g);
    const scoped = new Set<string>(tokenScopes().map((s) => s.permission));
    expect(used.filter((u) => scoped.has(u.permission)).map((u) => `${u.at}: ${u.permission}`)).toEqual([]);
  });

  it('declares every permission a screen asks for (the web type is the server one; this checks the literals too)', () => {
    const used = [
      ...permissionsUsed('web', /permission(?:=|:\s*)['"]([a-z_]+\.[a-z_]+)['"]/g),
      ...permissionsUsed('web', /permissions\.includes\('([^']+)'\)/g),
      ...permissionsUsed('web', /useCan\('([^']+)'\)/g),
    ];
    expect(used.length).toBeGreaterThan(10);
    const known = new Set<string>(allPermissions());
    expect(used.filter((u) => !known.has(u.permission)).map((u) => `${u.at}: ${u.permission}`)).toEqual([]);
  });

  it('gives every module error code one status, and refuses a code declared with two', () => {
    const tables = allModules().flatMap((m) => (m.errors ? [m.errors] : []));
    registerErrorStatuses(tables);
    for (const table of tables) for (const [code, status] of Object.entries(table)) expect(statusOf(code as never), code).toBe(status);
    expect(() => registerErrorStatuses([{ NOT_FOUND: 400 }])).toThrow(/NOT_FOUND/);
  });

  it('gives the web the navigation the manifests declare, with declared permissions', () => {
    const byId = (a: { id: string }, b: { id: string }) => a.id.localeCompare(b.id);
    const declared = allModules().flatMap((m) => m.nav ?? []);
    expect(declared.length).toBeGreaterThanOrEqual(11);
    expect([...NAV_ENTRIES].sort(byId)).toEqual([...declared].sort(byId));
    const known = new Set<string>(allPermissions());
    const used = declared.flatMap((entry) => [entry.permission ?? []].flat().map((permission) => ({ id: entry.id, permission })));
    expect(used.filter((u) => !known.has(u.permission)).map((u) => `${u.id}: ${u.permission}`)).toEqual([]);
  });

  it('declares each job kind once', () => {
    const kinds = allModules().flatMap((m) => (m.jobs ?? []).map((j) => j.kind));
    expect(kinds).toEqual(expect.arrayContaining(['demo.count', 'imports.people', 'people.retention']));
    expect(new Set(kinds).size).toBe(kinds.length);
  });
});
