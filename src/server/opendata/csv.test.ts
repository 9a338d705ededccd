import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { openCsv, parseNumber, splitCsvRecord } from './csv.ts';

const root = mkdtempSync(path.join(tmpdir(), 'relais-csv-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

async function readAll(file: string, delimiter = ',') {
  const csv = await openCsv(file, { delimiter });
  const rows = [];
  for await (const row of csv.rows) rows.push(row);
  return { header: csv.header, rows, bytes: csv.bytesRead(), total: csv.totalBytes };
}

describe('csv', () => {
  it('splits records with quotes, doubled quotes and other delimiters', () => {
    expect(splitCsvRecord('a,b,,d', ',')).toEqual(['a', 'b', '', 'd']);
    expect(splitCsvRecord('1,"Paris, 8e","dit ""le"" maire"', ',')).toEqual(['1', 'Paris, 8e', 'dit "le" maire']);
    expect(splitCsvRecord('x;"a;b";c', ';')).toEqual(['x', 'a;b', 'c']);
    expect(splitCsvRecord('1,"open', ',')).toBeNull();
  });

  it('reads a file with a BOM, CRLF line ends and a quoted line break, with line numbers', async () => {
    const file = path.join(root, 'a.csv');
    writeFileSync(file, '\uFEFFcode;nom\r\n1;"Saint-Germain\r\nl\'Auxerrois"\r\n\r\n2;Halles\r\n');
    const { header, rows } = await readAll(file, ';');
    expect(header).toEqual(['code', 'nom']);
    expect(rows).toEqual([
      { line: 2, values: ['1', "Saint-Germain\nl'Auxerrois"] },
      { line: 5, values: ['2', 'Halles'] },
    ]);
  });

  it('reads a gzipped file and counts compressed bytes', async () => {
    const file = path.join(root, 'b.csv.gz');
    const text = `id;v\n${Array.from({ length: 5000 }, (_, i) => `${i};${i * 2}`).join('\n')}\n`;
    writeFileSync(file, gzipSync(text));
    const { rows, bytes, total } = await readAll(file, ';');
    expect(rows).toHaveLength(5000);
    expect(rows[4999]?.values).toEqual(['4999', '9998']);
    expect(bytes).toBe(total);
  });

  it('parses French and international numbers', () => {
    expect(parseNumber('12,5')).toBe(12.5);
    expect(parseNumber(' 1 234 ')).toBe(1234);
    expect(parseNumber('')).toBeNull();
    expect(parseNumber(undefined)).toBeNull();
    expect(parseNumber('n/a')).toBeNaN();
  });
});
