import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { BAN_HEADER, checkManifest, filesUsed } from './manifest.ts';
import { parisManifest } from './paris.manifest.ts';
import { generateSyntheticCity, syntheticCityManifest } from './synthetic-city.ts';

const root = mkdtempSync(path.join(tmpdir(), 'relais-synth-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const contents = (dir: string) => Object.fromEntries(readdirSync(dir).map((f) => [f, readFileSync(path.join(dir, f))]));

describe('manifests', () => {
  it('are consistent', () => {
    expect(checkManifest(parisManifest)).toEqual([]);
    expect(checkManifest(syntheticCityManifest)).toEqual([]);
    expect(checkManifest({ ...parisManifest, layers: [...parisManifest.layers].reverse() })).not.toEqual([]);
  });

  it('give Paris its official URLs and mark mirror-only files', () => {
    const url = (name: string) => parisManifest.files.find((f) => f.name === name)?.url;
    expect(url('adresses-75.csv.gz')).toBe('https://adresse.data.gouv.fr/data/ban/adresses/latest/csv/adresses-75.csv.gz');
    expect(url('arrondissements.geojson')).toMatch(
      /^https:\/\/opendata\.paris\.fr\/api\/explore\/v2\.1\/catalog\/datasets\/arrondissements\/exports\/geojson$/,
    );
    expect(url('iris-paris-indicateurs.csv')).toBeNull();
    for (const f of parisManifest.files) expect(f.licence).not.toBe('');
  });
});

describe('generateSyntheticCity', () => {
  it('numbers its arrondissements from the one asked (the demo has an 11th), with the same shapes', async () => {
    const arrondissements = (dir: string) =>
      (JSON.parse(readFileSync(path.join(dir, 'arrondissements.geojson'), 'utf8')).features as Array<{
        properties: { c_ar: number; c_arinsee: number; l_ar: string };
        geometry: unknown;
      }>) ?? [];
    const plain = await generateSyntheticCity(path.join(root, 'first1'), { seed: 5 });
    const demo = await generateSyntheticCity(path.join(root, 'first10'), { seed: 5, firstArrondissement: 10 });
    expect(arrondissements(demo.dir).map((f) => f.properties.c_ar)).toEqual([10, 11, 12, 13]);
    expect(arrondissements(demo.dir)[1]?.properties).toMatchObject({ c_arinsee: 75111, l_ar: '11e Ardt' });
    expect(arrondissements(demo.dir).map((f) => f.geometry)).toEqual(arrondissements(plain.dir).map((f) => f.geometry));
    expect(demo.counts).toEqual(plain.counts);
  });

  it('writes every file the Paris manifest reads, in the BAN format for addresses', async () => {
    const city = await generateSyntheticCity(path.join(root, 'a'), { seed: 9 });
    expect(readdirSync(city.dir).sort()).toEqual(filesUsed(parisManifest).sort());
    expect(city.counts).toMatchObject({ arrondissement: 4, quartier: 16, bureau: 24, iris: 24 });
    const ban = gunzipSync(readFileSync(path.join(city.dir, 'adresses-75.csv.gz')))
      .toString('utf8')
      .split('\n');
    expect(ban[0]).toBe(BAN_HEADER.join(';'));
    expect(ban.filter(Boolean)).toHaveLength(city.counts.addresses + 1);
    expect(city.manifest.synthetic).toBe(true);
  });

  it('is deterministic for a seed and differs between seeds', async () => {
    const a = contents((await generateSyntheticCity(path.join(root, 'b1'), { seed: 4 })).dir);
    const b = contents((await generateSyntheticCity(path.join(root, 'b2'), { seed: 4 })).dir);
    const c = contents((await generateSyntheticCity(path.join(root, 'b3'), { seed: 5 })).dir);
    for (const name of Object.keys(a)) {
      if (name.endsWith('.gz')) {
        expect(gunzipSync(a[name] as Buffer).equals(gunzipSync(b[name] as Buffer))).toBe(true);
      } else expect((a[name] as Buffer).equals(b[name] as Buffer)).toBe(true);
    }
    expect((a['iris-paris-indicateurs.csv'] as Buffer).equals(c['iris-paris-indicateurs.csv'] as Buffer)).toBe(false);
  });
});
