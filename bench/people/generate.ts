// The import benchmark's file: N people as a campaign's spreadsheet export holds them — 10 columns
// with French headers, `;` separators, phones typed the national way, a birth date, an engagement
// level and tags — living at real addresses of the campaign's address base, with the flaws real files have
// (about 1 % invalid e-mails, 1 % rows repeated, 5 % with a phone and no e-mail). Deterministic.

import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { emailPart } from '../../src/server/modules/demo/demo.seed.ts';
import { FAMILY_NAMES, GIVEN_NAMES } from '../../src/server/modules/demo/french-names.ts';
import { createRandom } from '../../src/server/opendata/prng.ts';

export const BENCH_HEADERS = [
  'Prénom',
  'Nom',
  'E-mail',
  'Téléphone',
  'Adresse',
  'Code postal',
  'Ville',
  'Date de naissance',
  'Engagement',
  'Tags',
] as const;

export const BENCH_TAGS = ['tract-marché', 'réunion-publique', 'pétition-vélo', 'bénévole-été', 'porte-à-porte'] as const;

export interface BenchAddress {
  number: string;
  street: string;
  postcode: string;
  city: string;
}

export interface GeneratedFile {
  path: string;
  rows: number;
  bytes: number;
}

const DOMAINS = ['gmail.com', 'orange.fr', 'free.fr', 'laposte.net', 'yahoo.fr', 'hotmail.fr', 'outlook.fr', 'sfr.fr'];

function cell(value: string): string {
  return /[;"\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** Writes the file; returns its size. */
export async function generatePeopleCsv(path: string, rows: number, addresses: readonly BenchAddress[], seed = 7): Promise<GeneratedFile> {
  if (addresses.length === 0) throw new Error('no address to place people at');
  const random = createRandom(seed);
  const out = createWriteStream(path);
  let bytes = 0;
  let chunk = `${BENCH_HEADERS.join(';')}\r\n`;
  const recent: string[] = [];
  for (let i = 0; i < rows; i++) {
    let line: string;
    if (i > 10 && random.chance(0.01)) {
      // A row repeated from earlier in the file (the same person signed twice).
      line = recent[random.int(recent.length)] as string;
    } else {
      const given = random.pick(GIVEN_NAMES);
      const family = random.pick(FAMILY_NAMES);
      const a = addresses[random.int(addresses.length)] as BenchAddress;
      const n = i.toString(36);
      const noEmail = random.chance(0.05);
      const badEmail = !noEmail && random.chance(0.01);
      const email = noEmail ? '' : `${emailPart(given)}.${emailPart(family)}.${n}@${badEmail ? '' : random.pick(DOMAINS)}`;
      const digits = String(random.between(0, 99_999_999)).padStart(8, '0');
      const phone =
        noEmail || random.chance(0.6)
          ? random.chance(0.5)
            ? `0${random.chance(0.8) ? 6 : 7} ${digits.slice(0, 2)} ${digits.slice(2, 4)} ${digits.slice(4, 6)} ${digits.slice(6)}`
            : `+33${random.chance(0.8) ? 6 : 7}${digits}`
          : '';
      const birth = random.chance(0.4)
        ? `${String(random.between(1, 28)).padStart(2, '0')}/${String(random.between(1, 12)).padStart(2, '0')}/${random.between(1940, 2006)}`
        : '';
      const x = random.next();
      const stage = x < 0.6 ? '' : x < 0.85 ? 'Sympathisant' : x < 0.95 ? 'Bénévole' : 'Militant';
      const tags = random.chance(0.5) ? `${random.pick(BENCH_TAGS)}${random.chance(0.3) ? `, ${random.pick(BENCH_TAGS)}` : ''}` : '';
      line = [given, family, email, phone, `${a.number} ${a.street}`, a.postcode, a.city, birth, stage, tags].map(cell).join(';');
      if (recent.length < 1000) recent.push(line);
      else recent[random.int(1000)] = line;
    }
    chunk += `${line}\r\n`;
    if (chunk.length > 1 << 20) {
      bytes += Buffer.byteLength(chunk);
      if (!out.write(chunk)) await once(out, 'drain');
      chunk = '';
    }
  }
  bytes += Buffer.byteLength(chunk);
  out.end(chunk);
  await once(out, 'finish');
  return { path, rows, bytes };
}
