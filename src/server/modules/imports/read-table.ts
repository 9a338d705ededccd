// Reading the files campaigns really have, as a stream of records: CSV in UTF-8 (with or without
// BOM), UTF-16 (Excel's "Unicode text") or Windows-1252, any separator; XLSX through xlsx-reader.ts
// (first worksheet). Nothing here loads a whole file in memory, and every reader keeps within the
// bounds of table-limits.ts (cell, header row, unzipped size).
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { CsvParser, detectDelimiter } from '../../lib/csv-parser.ts';
import { checkHeader, TableReadError, UPLOAD_CSV_LIMITS } from './table-limits.ts';
import { readXlsxRecords } from './xlsx-reader.ts';

export type FileFormat = 'csv' | 'xlsx';
export type TextEncodingName = 'utf-8' | 'utf-16le' | 'windows-1252';

export interface TableLayout {
  format: FileFormat;
  /** Text encoding of a CSV file (null for XLSX). */
  encoding: TextEncodingName | null;
  /** Field separator of a CSV file (null for XLSX). */
  delimiter: string | null;
}

export class UnsupportedFileError extends Error {}

const SAMPLE_BYTES = 64 * 1024;
const READ_CHUNK = 1024 * 1024;

/** Finds a file's format, encoding and separator from its content (the name is only a hint). */
export async function sniffLayout(filePath: string): Promise<TableLayout> {
  const head = await readHead(filePath, SAMPLE_BYTES);
  if (head.length === 0) throw new UnsupportedFileError('The file is empty.');
  if (head[0] === 0x50 && head[1] === 0x4b && head[2] === 0x03 && head[3] === 0x04) {
    return { format: 'xlsx', encoding: null, delimiter: null };
  }
  if (head[0] === 0xd0 && head[1] === 0xcf && head[2] === 0x11 && head[3] === 0xe0) {
    throw new UnsupportedFileError('Old Excel files (.xls) cannot be read: save the file as .xlsx or .csv.');
  }
  let encoding: TextEncodingName;
  if (head[0] === 0xff && head[1] === 0xfe) encoding = 'utf-16le';
  else {
    if (head.subarray(0, 8192).includes(0)) throw new UnsupportedFileError('This is not a CSV or XLSX file.');
    encoding = (await isValidUtf8(filePath)) ? 'utf-8' : 'windows-1252';
  }
  const sample = new TextDecoder(encoding).decode(head);
  return { format: 'csv', encoding, delimiter: detectDelimiter(sample) };
}

async function readHead(filePath: string, bytes: number): Promise<Buffer> {
  const handle = await open(filePath, 'r');
  try {
    const buffer = Buffer.alloc(bytes);
    const { bytesRead } = await handle.read(buffer, 0, bytes, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/** True when the whole file decodes as UTF-8 (streamed; stops at the first invalid byte). */
async function isValidUtf8(filePath: string): Promise<boolean> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  try {
    for await (const chunk of createReadStream(filePath, { highWaterMark: READ_CHUNK })) {
      decoder.decode(chunk as Buffer, { stream: true });
    }
    decoder.decode();
    return true;
  } catch {
    return false;
  }
}

/** Records of a CSV file, in batches (one per chunk read), blank lines left out. */
async function* csvBatches(filePath: string, encoding: TextEncodingName, delimiter: string): AsyncGenerator<string[][]> {
  // TextDecoder drops a leading BOM (ignoreBOM: false is its default).
  const decoder = new TextDecoder(encoding);
  const parser = new CsvParser(delimiter, UPLOAD_CSV_LIMITS);
  for await (const chunk of createReadStream(filePath, { highWaterMark: READ_CHUNK })) {
    const out: string[][] = [];
    parser.push(decoder.decode(chunk as Buffer, { stream: true }), out);
    const rows = out.filter(notBlank);
    if (rows.length > 0) yield rows;
  }
  const out: string[][] = [];
  parser.push(decoder.decode(), out);
  parser.end(out);
  const rows = out.filter(notBlank);
  if (rows.length > 0) yield rows;
}

function notBlank(row: string[]): boolean {
  for (const f of row) if (f.trim() !== '') return true;
  return false;
}

const XLSX_BATCH = 2000;

/** Records of the first worksheet of an XLSX file, in batches, blank rows left out. */
async function* xlsxBatches(filePath: string, sharedStrings: boolean): AsyncGenerator<string[][]> {
  for await (const batch of readXlsxRecords(filePath, { batchSize: XLSX_BATCH, sharedStrings })) {
    const rows = batch.filter(notBlank);
    if (rows.length > 0) yield rows;
  }
}

/**
 * Every record of a file (header row included, checked against its bounds), in batches, whatever
 * its layout. Damage and records past the bounds of table-limits.ts throw a TableReadError; so does
 * any other failure of a reader (the file is what made it fail).
 */
export async function* readBatches(
  filePath: string,
  layout: TableLayout,
  options: { validateOnly?: boolean } = {},
): AsyncGenerator<string[][]> {
  const batches =
    layout.format === 'xlsx'
      ? xlsxBatches(filePath, !options.validateOnly)
      : csvBatches(filePath, layout.encoding ?? 'utf-8', layout.delimiter ?? ',');
  let first = true;
  try {
    for await (const batch of batches) {
      if (first) {
        first = false;
        checkHeader(batch[0] as string[]);
      }
      yield batch;
    }
  } catch (error) {
    if (error instanceof TableReadError || error instanceof UnsupportedFileError) throw error;
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw error;
    throw new TableReadError('IMPORT_FILE_UNREADABLE', `The file cannot be read: ${(error as Error).message}`);
  }
}

/** Reads a whole file once, to refuse it at upload rather than halfway through its import; returns its record count. */
export async function validateTable(filePath: string, layout: TableLayout): Promise<number> {
  let records = 0;
  for await (const batch of readBatches(filePath, layout, { validateOnly: true })) records += batch.length;
  return records;
}

export interface TableHead {
  headers: string[];
  /** The first data rows (at most `limit`). */
  rows: string[][];
}

/** The header row and the first data rows of a file (reads only as far as needed). */
export async function readTableHead(filePath: string, layout: TableLayout, limit: number): Promise<TableHead> {
  let headers: string[] | null = null;
  const rows: string[][] = [];
  const batches = readBatches(filePath, layout);
  try {
    for await (const batch of batches) {
      for (const record of batch) {
        if (!headers) headers = record.map((h) => h.trim());
        else if (rows.length < limit) rows.push(record);
      }
      if (headers && rows.length >= limit) break;
    }
  } finally {
    await batches.return(undefined);
  }
  if (!headers) throw new UnsupportedFileError('The file has no header row.');
  return { headers: dedupeHeaders(headers), rows };
}

/** Makes header names unique ("Téléphone", "Téléphone (2)") so that a mapping can name each column. */
export function dedupeHeaders(headers: readonly string[]): string[] {
  const seen = new Map<string, number>();
  return headers.map((h, i) => {
    const name = h === '' ? `Colonne ${i + 1}` : h;
    const n = (seen.get(name) ?? 0) + 1;
    seen.set(name, n);
    return n === 1 ? name : `${name} (${n})`;
  });
}
