// The relais command speaks one language, help and output alike: RELAIS_LOCALE, else the system's
// locale when English, else French.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliLocaleOf } from '../server/config.ts';
import { cliMessages } from './messages.ts';

const BIN = path.resolve(import.meta.dirname, '../../bin/relais.js');
const help = (env: Record<string, string>, ...args: string[]) =>
  execFileSync(process.execPath, [BIN, ...args, '--help'], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    encoding: 'utf8',
  });

describe('the CLI’s language', () => {
  it('follows RELAIS_LOCALE, else an English system locale, else French', () => {
    expect(cliLocaleOf({})).toBe('fr');
    expect(cliLocaleOf({ LANG: 'fr_FR.UTF-8' })).toBe('fr');
    expect(cliLocaleOf({ LANG: 'en_GB.UTF-8' })).toBe('en');
    expect(cliLocaleOf({ LANG: 'C.UTF-8' })).toBe('fr');
    expect(cliLocaleOf({ LC_ALL: 'fr_FR.UTF-8', LANG: 'en_US.UTF-8' })).toBe('fr');
    expect(cliLocaleOf({ RELAIS_LOCALE: 'en', LANG: 'fr_FR.UTF-8' })).toBe('en');
    expect(Object.keys(cliMessages.en).sort()).toEqual(Object.keys(cliMessages.fr).sort());
  });

  it('writes its help in French by default, in English when asked, without mixing', () => {
    const fr = help({ LANG: 'fr_FR.UTF-8' }, 'import', 'people');
    expect(fr).toMatch(/^Utilisation : relais import people/);
    expect(fr).toContain('Importe des personnes');
    expect(fr).toMatch(/choix\u00a0:\s+"update", "skip",\s+par défaut\u00a0:\s+"update"/);
    expect(fr).not.toMatch(/Usage:|Import people|campaign \(default|display help/);
    const top = help({});
    expect(top).toContain('Variables d’environnement :');
    expect(top).not.toMatch(/Import data from files|Background jobs|HTTP port/);
    const en = help({ RELAIS_LOCALE: 'en' }, 'import', 'people');
    expect(en).toMatch(/^Usage: relais import people/);
    expect(en).toContain('Import people, mapping');
    expect(en).not.toMatch(/Utilisation|Importe des personnes/);
  });
});
