// The relais command speaks one language, help and output alike: RELAIS_LOCALE, else the system's
// locale when English, else French.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
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

describe('what the CLI prints', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'relais-cli-messages-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));
  /** The command's error output (these refusals come before any database is opened). */
  const stderrOf = (env: Record<string, string>, ...args: string[]) =>
    spawnSync(process.execPath, [BIN, ...args], {
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', DATA_DIR: dataDir, RELAIS_OPENDATA_DIR: '', ...env },
      encoding: 'utf8',
    }).stderr;
  const manyTags = Array.from({ length: 21 }, (_, i) => ['--tag', `t${i}`]).flat();

  it('says its errors in French by default and in English when asked', () => {
    expect(stderrOf({ RELAIS_LOCALE: 'fr' }, 'import', 'people', 'x.csv', ...manyTags)).toContain('--tag : 20 étiquettes au plus.');
    expect(stderrOf({ RELAIS_LOCALE: 'en' }, 'import', 'people', 'x.csv', ...manyTags)).toContain('--tag: at most 20 tags.');
    expect(stderrOf({ RELAIS_LOCALE: 'fr' }, 'import', 'people', 'x.csv', '--consent-text', 'Oui')).toContain(
      '--consent-text est la preuve d’un consentement',
    );
    expect(stderrOf({ RELAIS_LOCALE: 'en' }, 'import', 'people', 'x.csv', '--consent-text', 'Oui')).toContain(
      '--consent-text is the proof of a consent',
    );
    // French numbers: 100 000 with the narrow no-break space Intl writes.
    expect(stderrOf({ RELAIS_LOCALE: 'fr' }, 'sandbox', '--people', '0')).toMatch(/--people : un nombre entier de 1 à 100\s000\./u);
    expect(stderrOf({ RELAIS_LOCALE: 'en' }, 'sandbox', '--people', '0')).toContain('--people: a whole number from 1 to 100,000.');
    expect(stderrOf({ RELAIS_LOCALE: 'fr' }, 'export', 'people', '--segment', 'nope')).toContain(
      '--segment attend l’identifiant d’un segment (un UUID), pas « nope ».',
    );
    expect(stderrOf({ RELAIS_LOCALE: 'fr' }, 'opendata', 'fetch', 'lyon')).toContain('Pas de données ouvertes connues pour « lyon »');
    expect(stderrOf({ RELAIS_LOCALE: 'fr', PORT: 'abc' }, 'migrate')).toMatch(/^Configuration invalide :/);
    // Eight starts of the command, each a few seconds on a loaded 2-core machine: the limit is for a hang.
  }, 240_000);

  it('writes no sentence inline: every text it prints or throws comes from the messages table', () => {
    // A call that prints or throws with a literal holding words ("No job …", "Bac à sable …") is an
    // untranslated message; `relais: ${message}` and other literals without words are fine.
    const call = /(?:throw new Error|console\.(?:log|error|warn)|fail)\(\s*(['"`])((?:\\.|(?!\1)[^\\])*)\1/g;
    const dir = import.meta.dirname;
    const inline: string[] = [];
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))) {
      for (const [, , literal] of readFileSync(path.join(dir, file), 'utf8').matchAll(call)) {
        const text = (literal ?? '').replace(/\$\{[^}]*\}/g, '');
        if (/\p{L}{2,} \p{L}{2,}/u.test(text)) inline.push(`${file}: ${literal}`);
      }
    }
    expect(inline).toEqual([]);
  });
});
