// The router and the navigation agree: each entry a module declares has its screen, each screen its
// entry (or is a sub-page under one), every page file is routed, and no path is served twice.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SETTINGS_SECTIONS } from '../features/settings/sections.ts';
import { NAV, permissionsOf } from '../features/shell/nav-entries.ts';
import { NAV_SCREENS, SUB_PAGES } from './screens.tsx';

const WEB = path.resolve(import.meta.dirname, '..');

/** Where each sub-page is served, under /app (an entry's index inside it is the entry's own path). */
function subPagePaths(): string[] {
  return SUB_PAGES.filter((page) => page.path).map((page) => {
    const entry = NAV.find((e) => e.id === page.under);
    return `${entry?.path === '/' ? '' : entry?.path}/${page.path}`;
  });
}

describe('screens and navigation', () => {
  it('gives every navigation entry a screen, and every screen an entry', () => {
    expect(NAV.length).toBeGreaterThanOrEqual(11);
    expect(Object.keys(NAV_SCREENS).sort()).toEqual(NAV.map((entry) => entry.id).sort());
  });

  it('keeps ids and paths unique, and serves no path twice', () => {
    expect(new Set(NAV.map((entry) => entry.id)).size).toBe(NAV.length);
    const served = [...NAV.map((entry) => entry.path), ...subPagePaths()];
    expect(served.filter((p, i) => served.indexOf(p) !== i)).toEqual([]);
  });

  it('puts each sub-page under a navigation entry, with a path unless it is the index inside the entry', () => {
    const ids = new Set(NAV.map((entry) => entry.id));
    expect(SUB_PAGES.filter((page) => !ids.has(page.under)).map((page) => `${page.under}/${page.path}`)).toEqual([]);
    expect(SUB_PAGES.filter((page) => !page.path && !page.inside).map((page) => page.under)).toEqual([]);
    expect(SUB_PAGES.filter((page) => page.inside && NAV.find((e) => e.id === page.under)?.path === '/')).toEqual([]);
  });

  it('routes every page file of the features', () => {
    const routing = ['screens.tsx', 'router.tsx'].map((f) => readFileSync(path.join(WEB, 'routes', f), 'utf8')).join('\n');
    const pages = readdirSync(path.join(WEB, 'features'), { recursive: true, encoding: 'utf8' })
      .filter((f) => /(^|\/)components\/[^/]+-page\.tsx$/.test(f.split(path.sep).join('/')))
      .map((f) => `../features/${f.split(path.sep).join('/')}`);
    expect(pages.length).toBeGreaterThanOrEqual(15);
    expect(pages.filter((page) => !routing.includes(`'${page}'`))).toEqual([]);
  });

  it('opens the settings for exactly the permissions that manage one of its sections', () => {
    const settings = NAV.find((entry) => entry.id === 'settings');
    expect(settings).toBeDefined();
    expect([...permissionsOf(settings ?? {})].sort()).toEqual([...new Set(SETTINGS_SECTIONS.map((s) => s.permission))].sort());
  });

  it('keeps the navigation in its sections and order, labelled in French and English', () => {
    expect(NAV.map((entry) => `${entry.section}:${entry.path}`)).toEqual([
      'campaign:/',
      'campaign:/people',
      'campaign:/ladder',
      'campaign:/segments',
      'campaign:/mailings',
      'campaign:/sms',
      'campaign:/listening',
      'campaign:/site',
      'campaign:/events',
      'campaign:/petitions',
      'campaign:/factchecks',
      'campaign:/votes',
      'campaign:/medias',
      'campaign:/territory',
      'campaign:/targeting',
      'campaign:/field',
      'campaign:/canvass',
      'campaign:/jobs',
      'admin:/settings',
      'admin:/team',
      'admin:/tokens',
      'admin:/webhooks',
      'admin:/audit',
      'admin:/outbox',
    ]);
    for (const entry of NAV) expect(entry.label.fr && entry.label.en, entry.id).toBeTruthy();
  });
});
