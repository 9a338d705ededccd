// Files an attacker uploads to the import: CSV text in any encoding, separator, quoting and line
// ending, with odd headers and cells; XLSX files written by exceljs or by hand; then damaged
// (truncated, bytes flipped, garbage spliced in), parts renamed or missing, XML mutated, and small
// zip bombs. A recipe is drawn by fast-check and turned into bytes by `fileOf` (exceljs is async).
import ExcelJS from 'exceljs';
import fc from 'fast-check';
import { SHEET_NS, xlsxPartsOf, zipOf } from '../zip.ts';
import { nastyString, PROTOTYPE_KEYS } from './values.ts';

const HEADERS = ['Courriel', 'E-mail', 'Nom', 'Prénom', 'Téléphone', 'Adresse', 'Code postal', 'Ville', 'Date de naissance', 'Tags'];

const header = fc.oneof(
  { arbitrary: fc.constantFrom(...HEADERS), weight: 6 },
  fc.constantFrom(...PROTOTYPE_KEYS, '', ' ', '=1+1', 'custom:x', 'x'.repeat(1_001)),
  nastyString,
);
const cell = fc.oneof(
  { arbitrary: fc.emailAddress(), weight: 3 },
  { arbitrary: fc.string({ maxLength: 12 }), weight: 3 },
  fc.constantFrom(
    '+33 6 12 34 56 78',
    '06 12 34 56 78',
    '75011',
    '2026-02-30',
    '31/02/2026',
    '=HYPERLINK("x")',
    '@SUM(1)',
    '-2+3',
    '\u0000',
    '',
  ),
  fc.constantFrom('y'.repeat(32 * 1024 + 1), 'z'.repeat(5_000)),
  nastyString,
);

export interface CsvRecipe {
  kind: 'csv';
  rows: string[][];
  separator: string;
  quoteAll: boolean;
  lineEnds: string[];
  bom: boolean;
  encoding: 'utf8' | 'latin1' | 'utf16le';
  damage: readonly Damage[];
  name: string;
}

export interface XlsxRecipe {
  kind: 'xlsx';
  writer: 'exceljs' | 'hand';
  rows: (string | number | boolean | null)[][];
  /** Hand-written only: how the parts are changed. */
  parts: 'ok' | 'renamed' | 'missing-sheet' | 'missing-workbook' | 'shared-strings' | 'bomb' | 'bad-xml';
  xmlMutation: string;
  damage: readonly Damage[];
  name: string;
}

export type UploadRecipe = CsvRecipe | XlsxRecipe;

type Damage =
  | { kind: 'truncate'; at: number }
  | { kind: 'flip'; at: number; byte: number }
  | { kind: 'splice'; at: number; bytes: readonly number[] };

const damage: fc.Arbitrary<readonly Damage[]> = fc.oneof(
  { arbitrary: fc.constant([] as readonly Damage[]), weight: 4 },
  fc.array(
    fc.oneof(
      fc.record({ kind: fc.constant('truncate' as const), at: fc.double({ min: 0, max: 1, noNaN: true }) }),
      fc.record({
        kind: fc.constant('flip' as const),
        at: fc.double({ min: 0, max: 1, noNaN: true }),
        byte: fc.integer({ min: 0, max: 255 }),
      }),
      fc.record({
        kind: fc.constant('splice' as const),
        at: fc.double({ min: 0, max: 1, noNaN: true }),
        bytes: fc.oneof(
          fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: 8 }),
          fc.constantFrom([0], [0xc0, 0x80], [0xed, 0xa0, 0x80], [0xff, 0xfe], [0x22], [0x0d]),
        ),
      }),
    ),
    { minLength: 1, maxLength: 3 },
  ),
);

const table = <T>(value: fc.Arbitrary<T>) =>
  fc
    .tuple(fc.array(header, { minLength: 0, maxLength: 6 }), fc.integer({ min: 0, max: 12 }))
    .chain(([head, count]) =>
      fc
        .array(fc.array(value, { minLength: 0, maxLength: head.length + 2 }), { minLength: count, maxLength: count })
        .map((rows) => ({ head, rows })),
    );

const fileName = (ext: string) =>
  fc.oneof(
    { arbitrary: fc.constant(`contacts.${ext}`), weight: 6 },
    fc.constantFrom(
      `CONTACTS.${ext.toUpperCase()}`,
      `../../etc/passwd.${ext}`,
      `${'n'.repeat(300)}.${ext}`,
      `liste été.${ext}`,
      'sans-extension',
      'x.csv.xlsx',
      'x.txt',
      `"quoted".${ext}`,
    ),
  );

/** Recipes of CSV and XLSX uploads, most of them well-formed enough to reach the readers' depths. */
export const uploadRecipes: fc.Arbitrary<UploadRecipe> = fc.oneof(
  fc.record({
    kind: fc.constant('csv' as const),
    rows: table(cell).map(({ head, rows }) => [head, ...rows]),
    separator: fc.constantFrom(';', ',', '\t', '|', ' '),
    quoteAll: fc.boolean(),
    lineEnds: fc.array(fc.constantFrom('\n', '\r\n', '\r', ''), { minLength: 1, maxLength: 3 }),
    bom: fc.boolean(),
    encoding: fc.constantFrom('utf8', 'utf8', 'latin1', 'utf16le'),
    damage,
    name: fileName('csv'),
  }),
  fc.record({
    kind: fc.constant('xlsx' as const),
    writer: fc.constantFrom('exceljs', 'hand'),
    rows: table(fc.oneof(cell, fc.double({ noNaN: true }), fc.boolean(), fc.constant(null))).map(({ head, rows }) => [head, ...rows]),
    parts: fc.constantFrom('ok', 'ok', 'ok', 'renamed', 'missing-sheet', 'missing-workbook', 'shared-strings', 'bomb', 'bad-xml'),
    xmlMutation: fc.constantFrom(
      '<c r="A1"><v>1</c>',
      '<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]><x>&b;</x>',
      '<c r="XFE1" t="inlineStr"><is><t>x</t></is></c>',
      '<c r="A0"><v>1</v></c>',
      '<c r="-1"><v>1</v></c>',
      '<c t="s"><v>99999</v></c>',
      '<c t="s"><v>-1</v></c>',
      '<c t="n"><v>1e400</v></c>',
      '<c t="d"><v>2026-02-30</v></c>',
      '<c t="e"><v>#DIV/0!</v></c>',
      '<c><f>1+1</f><v>2</v></c>',
      '<row r="1048577"><c r="A1048577"><v>1</v></c></row>',
      '<row r="0"/>',
      '<![CDATA[<row>]]>',
      '&#0;',
      '&#xD800;',
      '<?xml version="1.0" encoding="UTF-16"?>',
      `<${'a'.repeat(70_000)}/>`,
      '</sheetData>',
    ),
    damage,
    name: fileName('xlsx'),
  }),
);

function csvCell(value: string, separator: string, quoteAll: boolean): string {
  const needs = quoteAll || value.includes(separator) || /["\r\n]/.test(value);
  return needs ? `"${value.replace(/"/g, '""')}"` : value;
}

function applyDamage(bytes: Buffer, damages: readonly Damage[]): Buffer {
  let out = bytes;
  for (const d of damages) {
    const at = Math.floor(d.at * out.length);
    if (d.kind === 'truncate') out = out.subarray(0, at);
    else if (d.kind === 'flip' && out.length > 0) {
      out = Buffer.from(out);
      out[Math.min(at, out.length - 1)] = d.byte;
    } else if (d.kind === 'splice') out = Buffer.concat([out.subarray(0, at), Buffer.from(d.bytes), out.subarray(at)]);
  }
  return out;
}

// XML 1.0 allows neither control characters (but tab and line ends) nor lone surrogates.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching them is the point.
const XML_FORBIDDEN = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uD800-\uDFFF\uFFFE\uFFFF]/g;
const escapeXml = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(XML_FORBIDDEN, '');

function columnName(index: number): string {
  let name = '';
  for (let n = index + 1; n > 0; n = Math.floor((n - 1) / 26)) name = String.fromCharCode(65 + ((n - 1) % 26)) + name;
  return name;
}

function sheetXml(rows: XlsxRecipe['rows'], shared: string[] | null): string {
  return rows
    .map(
      (row, r) =>
        `<row r="${r + 1}">${row
          .map((value, c) => {
            const ref = `${columnName(c)}${r + 1}`;
            if (value === null) return `<c r="${ref}"/>`;
            if (typeof value === 'number') return `<c r="${ref}"><v>${value}</v></c>`;
            if (typeof value === 'boolean') return `<c r="${ref}" t="b"><v>${value ? 1 : 0}</v></c>`;
            if (shared) {
              shared.push(value);
              return `<c r="${ref}" t="s"><v>${shared.length - 1}</v></c>`;
            }
            return `<c r="${ref}" t="inlineStr"><is><t>${escapeXml(value)}</t></is></c>`;
          })
          .join('')}</row>`,
    )
    .join('');
}

async function xlsxFile(recipe: XlsxRecipe): Promise<Buffer> {
  if (recipe.writer === 'exceljs') {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('Contacts');
    for (const row of recipe.rows) sheet.addRow(row.map((v) => (typeof v === 'string' ? v.replace(/[\uD800-\uDFFF]/g, '') : v)));
    return Buffer.from(await workbook.xlsx.writeBuffer());
  }
  const shared = recipe.parts === 'shared-strings' ? ([] as string[]) : null;
  const data = sheetXml(recipe.rows, shared);
  let parts = xlsxPartsOf(data);
  switch (recipe.parts) {
    case 'renamed':
      parts = Object.fromEntries(
        Object.entries(parts).map(([name, content]) => [name.replace('sheet1', 'Sheet1').replace('xl/', 'XL/'), content]),
      );
      break;
    case 'missing-sheet':
      delete parts['xl/worksheets/sheet1.xml'];
      break;
    case 'missing-workbook':
      delete parts['xl/workbook.xml'];
      break;
    case 'shared-strings':
      parts['xl/sharedStrings.xml'] =
        `<sst xmlns="${SHEET_NS}">${(shared ?? []).map((s) => `<si><t>${escapeXml(s)}</t></si>`).join('')}</sst>`;
      break;
    case 'bomb':
      // About 30 MB of rows unzipped, 30 kB zipped: within the sheet bound, it must still answer in time.
      parts = xlsxPartsOf(Buffer.from(`${data}${'<row><c t="inlineStr"><is><t>a</t></is></c></row>'.repeat(600_000)}`));
      break;
    case 'bad-xml':
      parts = xlsxPartsOf(`${data}${recipe.xmlMutation}`);
      break;
  }
  return zipOf(parts);
}

/** The bytes of a recipe's file. */
export async function fileOf(recipe: UploadRecipe): Promise<Buffer> {
  if (recipe.kind === 'xlsx') return applyDamage(await xlsxFile(recipe), recipe.damage);
  const lines = recipe.rows.map((row) => row.map((v) => csvCell(v, recipe.separator, recipe.quoteAll)).join(recipe.separator));
  const text = lines.map((line, i) => line + recipe.lineEnds[i % recipe.lineEnds.length]!).join('');
  const body = Buffer.from(text, recipe.encoding);
  const bom = recipe.bom ? (recipe.encoding === 'utf16le' ? Buffer.from([0xff, 0xfe]) : Buffer.from([0xef, 0xbb, 0xbf])) : Buffer.alloc(0);
  return applyDamage(Buffer.concat([bom, body]), recipe.damage);
}
