// Streaming CSV reading for open-data files: plain or gzipped, any delimiter, quoted fields
// (with doubled quotes and line breaks inside), a BOM tolerated, progress in bytes read.
import { createReadStream, statSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';

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
  if (!text.includes('"')) return text.split(delimiter);
  const out: string[] = [];
  let field = '';
  let i = 0;
  let quoted = false;
  while (i < text.length) {
    const ch = text[i] as string;
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
        i++;
        continue;
      }
      field += ch;
      i++;
      continue;
    }
    if (ch === '"' && field === '') {
      quoted = true;
      i++;
    } else if (text.startsWith(delimiter, i)) {
      out.push(field);
      field = '';
      i += delimiter.length;
    } else {
      field += ch;
      i++;
    }
  }
  if (quoted) return null;
  out.push(field);
  return out;
}

/** Opens a CSV file (gunzipped when its name ends in .gz) and reads its header. */
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
  const lines = createInterface({ input, crlfDelay: Infinity });
  const iterator = lines[Symbol.asyncIterator]();
  let lineNo = 0;

  // Reads one record, joining physical lines while a quoted field is open.
  const nextRecord = async (): Promise<CsvRow | null> => {
    const first = await iterator.next();
    if (first.done) return null;
    lineNo++;
    const start = lineNo;
    let text = first.value;
    if (start === 1 && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    for (;;) {
      const values = splitCsvRecord(text, delimiter);
      if (values) return { line: start, values };
      const more = await iterator.next();
      if (more.done) return { line: start, values: splitCsvRecord(`${text}"`, delimiter) ?? [text] };
      lineNo++;
      text += `\n${more.value}`;
    }
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
      lines.close();
      file.destroy();
    }
  }
  return {
    header,
    column,
    rows: rows(),
    bytesRead: () => bytes,
    totalBytes,
    close: () => {
      lines.close();
      file.destroy();
    },
  };
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
