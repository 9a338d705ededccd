// Buildings from a BAN address file (the Paris mirror's adresses-75.csv.gz), for the cutting tests and
// benchmark until the field module reads its buildings from the database: addresses with the same
// street, number (suffix ignored: "12" and "12 bis") and coordinates are one building, and its doors
// are ESTIMATED as one per address — the BAN says nothing of dwellings.

import { openCsv, parseNumber } from '../../../opendata/csv.ts';
import { BAN_COLUMNS } from '../../../opendata/manifest.ts';
import type { CutBuilding } from './cut-turfs.ts';

export interface ReadBanOptions {
  /** Keep only these postcodes (e.g. ['75020']). */
  postcodes?: readonly string[];
  /** Stop after this many addresses have been kept. */
  maxAddresses?: number;
}

/** Reads a BAN CSV (';'-separated, gzipped or not) into buildings, in file order. */
export async function readBanBuildings(path: string, options: ReadBanOptions = {}): Promise<CutBuilding[]> {
  const csv = await openCsv(path, { delimiter: ';' });
  const col = (name: string) => {
    const i = csv.column.get(name);
    if (i === undefined) {
      csv.close();
      throw new Error(`${path}: no column ${name}`);
    }
    return i;
  };
  const id = col(BAN_COLUMNS.id);
  const number = col(BAN_COLUMNS.number);
  const street = col(BAN_COLUMNS.street);
  const postcode = col(BAN_COLUMNS.postcode);
  const lon = col(BAN_COLUMNS.lon);
  const lat = col(BAN_COLUMNS.lat);
  const wanted = options.postcodes ? new Set(options.postcodes) : null;
  const byKey = new Map<string, CutBuilding>();
  let kept = 0;
  for await (const row of csv.rows) {
    const v = row.values;
    if (wanted && !wanted.has(v[postcode]?.trim() ?? '')) continue;
    const x = parseNumber(v[lon]);
    const y = parseNumber(v[lat]);
    const ref = v[id]?.trim();
    if (!ref || x === null || y === null || !Number.isFinite(x) || !Number.isFinite(y)) continue;
    const key = `${v[street]?.trim()}|${v[number]?.trim()}|${x}|${y}`;
    const building = byKey.get(key);
    if (building) building.doors++;
    else byKey.set(key, { id: ref, lon: x, lat: y, doors: 1 });
    kept++;
    if (options.maxAddresses && kept >= options.maxAddresses) {
      csv.close();
      break;
    }
  }
  return [...byKey.values()];
}
