// Streaming CSV reading for open-data files: plain or gzipped, any one-character delimiter, quoted
// fields (with doubled quotes and line breaks inside), a BOM tolerated, progress in bytes read. The
// records come from the platform's one CSV parser (lib/csv-parser.ts), as for people imports.
import { createReadStream, statSync } from 'node:fs';
import { createGunzip } from 'node:zlib';
import { CsvParser } from '../lib/csv-parser.ts';

export interface CsvRow {
  /** 1-based line number where the record starts (the header is line 1). */
  line: number;
  values: string[];
}

export interface CsvFile {
  header: string[];
  /** Index of each header column. */
  column: ReadonlyMap<string, number>;
  rows: AsyncIterable<CsvRow>;
  /** Bytes of the file read so far (compressed bytes for a .gz file). */
  bytesRead(): number;
  totalBytes: number;
  close(): void;
}

/**
 * Splits one CSV record. Returns null when the text ends inside a quoted field (the record goes on
 * over the next line).
 */
export function splitCsvRecord(text: string, delimiter: string): string[] | null {
  const parser = new CsvParser(delimiter);
  const out: string[][] = [];
  parser.push(text, out);
  if (parser.inQuotedField) return null;
  parser.end(out);
  return out[0] ?? [''];
}

/** Physical lines a record's values span beyond its first (line breaks kept inside quoted fields). */
function extraLines(values: readonly string[]): number {
  let n = 0;
  for (const v of values) if (v.includes('\n') || v.includes('\r')) n += v.match(/\r\n|\r|\n/g)?.length ?? 0;
  return n;
}

/** A value with its line breaks as LF (a quoted line break may have been written CRLF). */
function lf(value: string): string {
  return value.includes('\r') ? value.replace(/\r\n?/g, '\n') : value;
}

/** Opens a CSV file (gunzipped when its name ends in .gz) and reads its header, with the platform's one CSV parser. */
export async function openCsv(path: string, options: { delimiter?: string } = {}): Promise<CsvFile> {
  const delimiter = options.delimiter ?? ',';
  const totalBytes = statSync(path).size;
  const file = createReadStream(path, { highWaterMark: 1 << 20 });
  let bytes = 0;
  file.on('data', (chunk) => {
    bytes += chunk.length;
  });
  const input = path.endsWith('.gz') ? file.pipe(createGunzip()) : file;
  if (input !== file) file.on('error', (error) => input.destroy(error));
  const chunks = (input as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
  // TextDecoder drops a leading BOM.
  const decoder = new TextDecoder('utf-8');
  const parser = new CsvParser(delimiter);
  let pending: string[][] = [];
  let at = 0;
  let ended = false;
  let lineNo = 1;

  // The next record (blank lines included, as one empty field), with the line it starts on.
  const nextRecord = async (): Promise<CsvRow | null> => {
    while (at >= pending.length) {
      if (ended) return null;
      pending = [];
      at = 0;
      const chunk = await chunks.next();
      if (chunk.done) {
        parser.push(decoder.decode(), pending);
        parser.end(pending);
        ended = true;
      } else parser.push(decoder.decode(chunk.value, { stream: true }), pending);
    }
    const values = pending[at] as string[];
    at += 1;
    const line = lineNo;
    lineNo += 1 + extraLines(values);
    return { line, values: values.map(lf) };
  };
  const close = () => {
    file.destroy();
    if (input !== file) input.destroy();
  };

  const headerRow = await nextRecord();
  const header = (headerRow?.values ?? []).map((h) => h.trim());
  const column = new Map(header.map((h, i) => [h, i] as const));
  async function* rows(): AsyncGenerator<CsvRow> {
    try {
      for (;;) {
        const row = await nextRecord();
        if (!row) return;
        if (row.values.length === 1 && row.values[0] === '') continue;
        yield row;
      }
    } finally {
      close();
    }
  }
  return { header, column, rows: rows(), bytesRead: () => bytes, totalBytes, close };
}

/**
 * Parses a number as written in French or international open data ("12,5", "12.5", "1 234");
 * null for a blank cell, NaN for text that is not a number.
 */
export function parseNumber(raw: string | undefined): number | null {
  if (raw === undefined) return null;
  const s = raw.trim();
  if (s === '') return null;
  const n = Number(s.replace(/[\s\u00a0\u202f]/g, '').replace(',', '.'));
  return Number.isFinite(n) ? n : Number.NaN;
}
