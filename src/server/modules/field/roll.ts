// The electoral roll (liste électorale, Code électoral L.37): registered voters per address, for
// door-to-door and post only. Voters live in electoral_roll_voter, never in `person`: they have no
// e-mail, no phone and no consent, so no mailing or SMS audience (always built on `person`, see
// messaging's audienceWhere) can reach them. The birthplace column of the file is never read nor
// stored; figures are filtered by age, sex and polling station only (ROLL_FILTERS).
import { sql } from 'kysely';
import type { Trx } from '../../db/database.ts';
import { AppError } from '../../http/problem.ts';
import { type CsvLimits, CsvParser, detectDelimiter } from '../../lib/csv-parser.ts';
import { uuidv7 } from '../../lib/ids.ts';

/** The only filters the roll may be read by. */
export const ROLL_FILTERS = ['age_min', 'age_max', 'sex', 'polling_station'] as const;

const norm = (s: string) =>
  s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();

// Column names seen in roll extracts (REU), normalised; the first found wins.
const COLUMNS = {
  family_name: ['nom d usage', 'nom', 'nom de naissance', 'family name'],
  given_names: ['prenoms', 'prenom', 'given names'],
  sex: ['sexe', 'sex'],
  birth_date: ['date de naissance', 'date naissance', 'birth date'],
  polling_station: ['code du bureau de vote', 'bureau de vote', 'bureau', 'polling station'],
  number: ['numero de voie', 'numero', 'number'],
  street: ['libelle de voie', 'voie', 'street'],
  address: ['adresse', 'address'],
  postcode: ['code postal', 'postcode'],
} as const;

const BATCH = 1000;
// The number at the head of an address (with its bis / ter / quater or letter), then the street.
const NUMBER_RE = '^\\s*(\\d+(?:\\s*(?:bis|ter|quater|[a-z]))?)\\s+';

function parseDate(raw: string): string | null {
  const t = raw.trim();
  let m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(t);
  if (m) return `${m[1]}-${m[2]}-${m[3]}`;
  m = /^(\d{2})\/(\d{2})\/(\d{4})$/.exec(t);
  if (m) return `${m[3]}-${m[2]}-${m[1]}`;
  return null;
}

function validDate(day: string | null): string | null {
  if (!day) return null;
  const d = new Date(`${day}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === day ? day : null;
}

/** A roll's bounds: a list's fields are short, so a longer one is a broken file (a quote never closed), said as such. */
const ROLL_CSV_LIMITS: CsvLimits = {
  cellChars: 2000,
  headerCellChars: 200,
  columns: 200,
  tooLarge: ({ header, record, column }) =>
    new AppError(
      'FIELD_ROLL_FILE_INVALID',
      `${header ? 'A column name' : 'A field'} (line ${record}, column ${column}) is too long for an electoral roll: the file is not a roll, or a quote is never closed.`,
      { line: record, column },
    ),
};

/** Imports the roll from CSV text, replacing the previous import; voters are matched to addresses and buildings. */
export async function importElectoralRoll(
  trx: Trx,
  campaignId: string,
  csv: string,
  options: { fileName: string; importedBy: string | null },
) {
  const text = csv.replace(/^\uFEFF/, '');
  const parser = new CsvParser(detectDelimiter(text.slice(0, 4000)), ROLL_CSV_LIMITS);
  const records: string[][] = [];
  parser.push(text, records);
  parser.end(records);
  const [header, ...rows] = records;
  const names = (header ?? []).map(norm);
  const col = (k: keyof typeof COLUMNS) => {
    for (const n of COLUMNS[k]) {
      const i = names.indexOf(n);
      if (i >= 0) return i;
    }
    return -1;
  };
  const c = Object.fromEntries(Object.keys(COLUMNS).map((k) => [k, col(k as keyof typeof COLUMNS)])) as Record<
    keyof typeof COLUMNS,
    number
  >;
  if (c.family_name < 0 || (c.address < 0 && c.street < 0))
    throw new AppError(
      'FIELD_ROLL_COLUMNS_MISSING',
      'The file needs a family name column (nom) and an address (adresse, or numéro and libellé de voie).',
    );
  const cell = (row: string[], i: number) => (i >= 0 ? (row[i] ?? '').trim() : '');
  const importId = uuidv7();
  await trx.deleteFrom('electoral_roll_import').where('campaign_id', '=', campaignId).execute();
  await trx
    .insertInto('electoral_roll_import')
    .values({ campaign_id: campaignId, id: importId, file_name: options.fileName, imported_by: options.importedBy })
    .execute();
  const voters = rows
    .filter((r) => cell(r, c.family_name) !== '')
    .map((r) => {
      let number = cell(r, c.number);
      let street = cell(r, c.street);
      if (c.address >= 0 && !street) {
        const m = /^\s*(\d+\s*(?:bis|ter|quater|[a-z])?)\b[\s,]*(.*)$/i.exec(cell(r, c.address));
        number = m?.[1]?.trim() ?? '';
        street = m?.[2]?.trim() ?? cell(r, c.address);
      }
      const sex = cell(r, c.sex).toUpperCase().slice(0, 1);
      return {
        campaign_id: campaignId,
        id: uuidv7(),
        import_id: importId,
        family_name: cell(r, c.family_name).slice(0, 200),
        given_names: cell(r, c.given_names).slice(0, 200),
        birth_date: validDate(parseDate(cell(r, c.birth_date))),
        sex: sex === 'F' || sex === 'M' ? (sex as 'F' | 'M') : null,
        polling_station: cell(r, c.polling_station).slice(0, 20),
        address_label: `${number} ${street}`.trim().slice(0, 300),
        postcode: cell(r, c.postcode).slice(0, 10),
      };
    });
  for (let i = 0; i < voters.length; i += BATCH)
    await trx
      .insertInto('electoral_roll_voter')
      .values(voters.slice(i, i + BATCH))
      .execute();
  // Matched on the address base's normalised number and street (and postcode when given).
  await sql`
    update electoral_roll_voter v set address_id = a.id, building_id = ba.building_id
    from address a left join building_address ba on ba.campaign_id = a.campaign_id and ba.address_id = a.id
    where v.campaign_id = ${campaignId} and v.import_id = ${importId} and a.campaign_id = v.campaign_id
      and a.match_number = relais_norm_number((regexp_match(v.address_label, ${NUMBER_RE}, 'i'))[1])
      and a.match_street = relais_norm_street(regexp_replace(v.address_label, ${NUMBER_RE}, '', 'i'))
      and (v.postcode = '' or a.postcode = v.postcode)`.execute(trx);
  const matched = await trx
    .selectFrom('electoral_roll_voter')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('campaign_id', '=', campaignId)
    .where('import_id', '=', importId)
    .where('address_id', 'is not', null)
    .executeTakeFirstOrThrow();
  await trx
    .updateTable('electoral_roll_import')
    .set({ voters: voters.length, matched: Number(matched.n) })
    .where('campaign_id', '=', campaignId)
    .where('id', '=', importId)
    .execute();
  return { id: importId, voters: voters.length, matched: Number(matched.n) };
}

/** Registered voters per building, filtered by age, sex and polling station only. */
export async function rollFigures(trx: Trx, campaignId: string, query: Record<string, string>, zoneScope: readonly string[] | null) {
  const int = (k: string) => {
    const v = query[k];
    if (v === undefined) return null;
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0 || n > 130)
      throw new AppError('FIELD_ROLL_FILTER_REFUSED', `${k} must be an age in years.`, { allowed: [...ROLL_FILTERS] });
    return n;
  };
  const ageMin = int('age_min');
  const ageMax = int('age_max');
  const sex = query.sex;
  if (sex !== undefined && sex !== 'F' && sex !== 'M')
    throw new AppError('FIELD_ROLL_FILTER_REFUSED', 'sex is F or M.', { allowed: [...ROLL_FILTERS] });
  const conds = [sql`v.campaign_id = ${campaignId}`, sql`v.building_id is not null`];
  if (ageMin !== null) conds.push(sql`v.birth_date <= (current_date - make_interval(years => ${ageMin}))`);
  if (ageMax !== null) conds.push(sql`v.birth_date > (current_date - make_interval(years => ${ageMax + 1}))`);
  if (sex) conds.push(sql`v.sex = ${sex}`);
  if (query.polling_station !== undefined) conds.push(sql`v.polling_station = ${query.polling_station}`);
  if (zoneScope) conds.push(sql`b.zone_ids && ${sql.val([...zoneScope])}::uuid[]`);
  const { rows } = await sql<{ building_id: string; label: string; voters: string }>`
    select b.id as building_id, b.label, count(*) as voters
    from electoral_roll_voter v join building b on b.campaign_id = v.campaign_id and b.id = v.building_id
    where ${sql.join(conds, sql` and `)}
    group by b.id, b.label order by count(*) desc, b.label limit 500`.execute(trx);
  // The total over every building (the list stops at the 500 with the most voters).
  const total = await sql<{ n: string }>`
    select count(*) as n from electoral_roll_voter v join building b on b.campaign_id = v.campaign_id and b.id = v.building_id
    where ${sql.join(conds, sql` and `)}`.execute(trx);
  const buildings = rows.map((r) => ({ ...r, voters: Number(r.voters) }));
  return { voters: Number(total.rows[0]?.n ?? 0), buildings, allowed_filters: [...ROLL_FILTERS] };
}
