// Reads the first worksheet of an XLSX file as records of text, within bounds: the zip is read from
// its central directory, each part is inflated as a stream and counted (a part past its bound stops
// the reading: a 400 kB file cannot unzip into gigabytes), and the XML is tokenized with no text
// held beyond the cell being read (MAX_CELL_CHARS). Dates are recognised from the cell's number
// format (styles.xml), as the spreadsheet shows them. Every damage found is a TableReadError.
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { createInflateRaw } from 'node:zlib';
import {
  cellTooLarge,
  MAX_CELL_CHARS,
  MAX_COLUMNS,
  MAX_XLSX_PART_BYTES,
  MAX_XLSX_SHARED_STRINGS_BYTES,
  MAX_XLSX_SHEET_BYTES,
  TableReadError,
} from './table-limits.ts';
import { type XmlHandler, XmlScanner } from './xml-scanner.ts';

interface ZipEntry {
  name: string;
  method: number;
  compressedSize: number;
  localHeaderOffset: number;
}

function unreadable(why: string): TableReadError {
  return new TableReadError('IMPORT_FILE_UNREADABLE', `The XLSX file is damaged (${why}).`);
}

/** The entries of a zip file, from its central directory. */
async function readZipDirectory(filePath: string): Promise<{ size: number; entries: Map<string, ZipEntry> }> {
  const handle = await open(filePath, 'r');
  try {
    const { size } = await handle.stat();
    const tailSize = Math.min(size, 22 + 0xffff);
    const tail = Buffer.alloc(tailSize);
    await handle.read(tail, 0, tailSize, size - tailSize);
    let eocd = -1;
    for (let i = tailSize - 22; i >= 0; i -= 1) {
      if (tail.readUInt32LE(i) === 0x06054b50) {
        eocd = i;
        break;
      }
    }
    if (eocd === -1) throw unreadable('no zip directory: the file is cut or is not a zip');
    const count = tail.readUInt16LE(eocd + 10);
    const dirSize = tail.readUInt32LE(eocd + 12);
    const dirOffset = tail.readUInt32LE(eocd + 16);
    if (dirOffset === 0xffffffff || count === 0xffff)
      throw new TableReadError('IMPORT_FILE_TOO_LARGE', 'The XLSX file is too large (zip64).');
    if (dirOffset + dirSize > size || dirSize > 16 * 1024 * 1024) throw unreadable('bad zip directory');
    const dir = Buffer.alloc(dirSize);
    await handle.read(dir, 0, dirSize, dirOffset);
    const entries = new Map<string, ZipEntry>();
    let p = 0;
    for (let k = 0; k < count; k += 1) {
      if (p + 46 > dir.length || dir.readUInt32LE(p) !== 0x02014b50) throw unreadable('bad zip directory entry');
      const flags = dir.readUInt16LE(p + 8);
      const method = dir.readUInt16LE(p + 10);
      const compressedSize = dir.readUInt32LE(p + 20);
      const nameLength = dir.readUInt16LE(p + 28);
      const extraLength = dir.readUInt16LE(p + 30);
      const commentLength = dir.readUInt16LE(p + 32);
      const localHeaderOffset = dir.readUInt32LE(p + 42);
      const name = dir.toString('utf8', p + 46, p + 46 + nameLength);
      if (flags & 1) throw new TableReadError('IMPORT_FILE_UNREADABLE', 'The XLSX file is password-protected: save it without a password.');
      if (localHeaderOffset + compressedSize > size) throw unreadable(`the part ${name} goes past the end of the file`);
      entries.set(name.replace(/^\//, ''), { name, method, compressedSize, localHeaderOffset });
      p += 46 + nameLength + extraLength + commentLength;
    }
    return { size, entries };
  } finally {
    await handle.close();
  }
}

/** The unzipped text of one part, chunk by chunk, failing past maxBytes. */
async function* partText(filePath: string, entry: ZipEntry, maxBytes: number, tooLarge: () => TableReadError): AsyncGenerator<string> {
  const handle = await open(filePath, 'r');
  const header = Buffer.alloc(30);
  try {
    await handle.read(header, 0, 30, entry.localHeaderOffset);
  } finally {
    await handle.close();
  }
  if (header.readUInt32LE(0) !== 0x04034b50) throw unreadable(`bad local header of ${entry.name}`);
  const start = entry.localHeaderOffset + 30 + header.readUInt16LE(26) + header.readUInt16LE(28);
  if (entry.method !== 0 && entry.method !== 8) throw unreadable(`unknown compression of ${entry.name}`);
  if (entry.compressedSize === 0) return;
  const raw = createReadStream(filePath, { start, end: start + entry.compressedSize - 1, highWaterMark: 256 * 1024 });
  const inflated = entry.method === 8 ? raw.pipe(createInflateRaw({ chunkSize: 256 * 1024 })) : raw;
  raw.on('error', (error) => inflated.destroy(error));
  const decoder = new TextDecoder('utf-8');
  let bytes = 0;
  try {
    for await (const chunk of inflated as AsyncIterable<Buffer>) {
      bytes += chunk.length;
      if (bytes > maxBytes) throw tooLarge();
      yield decoder.decode(chunk, { stream: true });
    }
  } catch (error) {
    if (error instanceof TableReadError) throw error;
    throw unreadable(`${entry.name} cannot be unzipped: ${(error as Error).message}`);
  } finally {
    raw.destroy();
    inflated.destroy();
  }
  const rest = decoder.decode();
  if (rest) yield rest;
}

function partTooLarge(name: string, maxBytes: number): () => TableReadError {
  return () =>
    new TableReadError('IMPORT_FILE_TOO_LARGE', `The XLSX file unzips into more than ${maxBytes} bytes (${name}): save it as CSV.`, {
      max_unzipped_bytes: maxBytes,
    });
}

/** Tokenizes a whole (small) part. */
async function scanPart(filePath: string, entry: ZipEntry | undefined, handler: XmlHandler, maxBytes = MAX_XLSX_PART_BYTES) {
  if (!entry) return;
  const scanner = new XmlScanner(handler);
  for await (const text of partText(filePath, entry, maxBytes, partTooLarge(entry.name, maxBytes))) scanner.push(text);
  scanner.end();
}

/** Text of a run of elements, bounded: the text inside <t> (not phonetic <rPh>) or <v>. */
class CellText {
  value = '';
  collecting = false;
  add(piece: string, where: () => string): void {
    if (!this.collecting) return;
    if (this.value.length + piece.length > MAX_CELL_CHARS) throw cellTooLarge(where());
    this.value += piece;
  }
}

const BUILTIN_DATE_FORMATS = new Set([
  14, 15, 16, 17, 18, 19, 20, 21, 22, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 45, 46, 47, 50, 51, 52, 53, 54, 55, 56, 57, 58,
]);

/** True when a number format shows a date or a time. */
export function isDateFormat(id: number, code: string | undefined): boolean {
  if (BUILTIN_DATE_FORMATS.has(id)) return true;
  if (!code) return false;
  const bare = code.replace(/"[^"]*"|\[[^\]]*\]|\\./g, '');
  return /[dmyhs]/i.test(bare) && !/^general$/i.test(bare.trim());
}

/** Which cell styles (index of <xf> in <cellXfs>) show dates. */
async function dateStyles(filePath: string, entry: ZipEntry | undefined): Promise<boolean[]> {
  const codes = new Map<number, string>();
  const styles: boolean[] = [];
  const xfs: number[] = [];
  let inCellXfs = false;
  await scanPart(filePath, entry, {
    open(name, attrs) {
      if (name === 'numFmt') codes.set(Number(attrs.numFmtId), attrs.formatCode ?? '');
      else if (name === 'cellXfs') inCellXfs = true;
      else if (name === 'xf' && inCellXfs) xfs.push(Number(attrs.numFmtId ?? 0));
    },
    close(name) {
      if (name === 'cellXfs') inCellXfs = false;
    },
    text() {},
  });
  for (const id of xfs) styles.push(isDateFormat(id, codes.get(id)));
  return styles;
}

/** The first worksheet's part, and whether dates count from 1904. */
async function firstSheet(filePath: string, entries: Map<string, ZipEntry>) {
  let sheetRel: string | null = null;
  let date1904 = false;
  await scanPart(filePath, entries.get('xl/workbook.xml'), {
    open(name, attrs) {
      if (name === 'sheet' && sheetRel === null) sheetRel = attrs.id ?? null;
      else if (name === 'workbookPr') date1904 = attrs.date1904 === '1' || attrs.date1904 === 'true';
    },
    close() {},
    text() {},
  });
  const targets = new Map<string, string>();
  let sharedStrings: string | null = null;
  let styles: string | null = null;
  await scanPart(filePath, entries.get('xl/_rels/workbook.xml.rels'), {
    open(name, attrs) {
      if (name !== 'Relationship' || !attrs.Target) return;
      const target = attrs.Target.startsWith('/') ? attrs.Target.slice(1) : `xl/${attrs.Target}`;
      if (attrs.Id) targets.set(attrs.Id, target);
      if (attrs.Type?.endsWith('/sharedStrings')) sharedStrings = target;
      if (attrs.Type?.endsWith('/styles')) styles = target;
    },
    close() {},
    text() {},
  });
  const sheetName = (sheetRel && targets.get(sheetRel)) || 'xl/worksheets/sheet1.xml';
  const sheet = entries.get(sheetName);
  if (!sheet) throw unreadable('no worksheet');
  return {
    sheet,
    date1904,
    sharedStrings: entries.get(sharedStrings ?? 'xl/sharedStrings.xml'),
    styles: entries.get(styles ?? 'xl/styles.xml'),
  };
}

/** The shared strings table (within MAX_XLSX_SHARED_STRINGS_BYTES unzipped). */
async function readSharedStrings(filePath: string, entry: ZipEntry | undefined): Promise<string[]> {
  const strings: string[] = [];
  const cell = new CellText();
  let phonetic = 0;
  await scanPart(
    filePath,
    entry,
    {
      open(name) {
        if (name === 'si') cell.value = '';
        else if (name === 'rPh') phonetic += 1;
        else if (name === 't' && phonetic === 0) cell.collecting = true;
      },
      close(name) {
        if (name === 't') cell.collecting = false;
        else if (name === 'rPh') phonetic -= 1;
        else if (name === 'si') strings.push(cell.value);
      },
      text(piece) {
        cell.add(piece, () => `shared string ${strings.length + 1}`);
      },
    },
    MAX_XLSX_SHARED_STRINGS_BYTES,
  );
  return strings;
}

/** The column index (0-based) of a cell reference such as "AB12", or -1 when it has none. */
function columnOf(ref: string | undefined): number {
  if (!ref) return -1;
  let col = 0;
  let i = 0;
  for (; i < ref.length; i += 1) {
    const c = ref.charCodeAt(i);
    if (c >= 65 && c <= 90) col = col * 26 + (c - 64);
    else if (c >= 97 && c <= 122) col = col * 26 + (c - 96);
    else break;
  }
  if (i === 0 || i > 3 || col > 16384) throw unreadable(`bad cell reference ${ref.slice(0, 20)}`);
  return col - 1;
}

const DAY_MS = 86_400_000;

/** A spreadsheet date serial as text: yyyy-mm-dd, or the full ISO time when it has one. */
function serialDate(serial: number, date1904: boolean): string {
  const ms = Math.round((serial + (date1904 ? 1462 : 0) - 25569) * DAY_MS);
  const date = new Date(ms);
  if (Number.isNaN(date.getTime())) return String(serial);
  const iso = date.toISOString();
  return iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : iso;
}

/** A number as the spreadsheet holds it (no exponent for whole numbers such as phones). */
function numberText(raw: string): string {
  const n = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(n)) return raw;
  return Number.isInteger(n) ? n.toFixed(0) : String(n);
}

/**
 * Records of the first worksheet, in batches of `batchSize` (blank rows included as empty arrays:
 * the caller filters). With `sharedStrings: false` the shared strings are not loaded (a validation
 * pass: their cells read as their index).
 */
export async function* readXlsxRecords(
  filePath: string,
  options: { batchSize: number; sharedStrings?: boolean },
): AsyncGenerator<string[][]> {
  const { entries } = await readZipDirectory(filePath);
  const parts = await firstSheet(filePath, entries);
  const styles = await dateStyles(filePath, parts.styles);
  const strings = options.sharedStrings === false ? null : await readSharedStrings(filePath, parts.sharedStrings);
  let stringCount = strings?.length ?? 0;
  if (strings === null && parts.sharedStrings) {
    // Still checked within its bounds and for damage, and counted (cells must name strings that exist), without keeping it.
    const cell = new CellText();
    await scanPart(
      filePath,
      parts.sharedStrings,
      {
        open(name) {
          if (name === 't') {
            cell.value = '';
            cell.collecting = true;
          }
        },
        close(name) {
          if (name === 't') cell.collecting = false;
          else if (name === 'si') stringCount += 1;
        },
        text(piece) {
          cell.add(piece, () => 'shared string');
        },
      },
      MAX_XLSX_SHARED_STRINGS_BYTES,
    );
  }

  let batch: string[][] = [];
  let row: string[] | null = null;
  let rowNumber = 0;
  let col = -1;
  let type = '';
  let style = 0;
  let inInline = false;
  let phonetic = 0;
  const cell = new CellText();
  const where = () => `row ${rowNumber}, column ${col + 1}`;
  const scanner = new XmlScanner({
    open(name, attrs) {
      switch (name) {
        case 'row':
          row = [];
          rowNumber = attrs.r ? Number(attrs.r) : rowNumber + 1;
          col = -1;
          break;
        case 'c': {
          const at = columnOf(attrs.r);
          col = at === -1 ? col + 1 : at;
          type = attrs.t ?? '';
          style = attrs.s ? Number(attrs.s) : 0;
          cell.value = '';
          break;
        }
        case 'v':
          if (!inInline) cell.collecting = true;
          break;
        case 'is':
          inInline = true;
          break;
        case 'rPh':
          phonetic += 1;
          break;
        case 't':
          if (inInline && phonetic === 0) cell.collecting = true;
          break;
      }
    },
    close(name) {
      switch (name) {
        case 'v':
        case 't':
          cell.collecting = false;
          break;
        case 'is':
          inInline = false;
          break;
        case 'rPh':
          phonetic -= 1;
          break;
        case 'c': {
          if (!row || col >= MAX_COLUMNS) break;
          let value = cell.value;
          if (type === 's') {
            const index = Number(value);
            if (!Number.isInteger(index) || index < 0 || index >= stringCount) {
              throw unreadable(`a cell (${where()}) names a shared string that does not exist`);
            }
            if (strings) value = strings[index] as string;
          } else if (type === 'b') value = value === '1' ? 'VRAI' : value === '0' ? 'FAUX' : value;
          else if (type === 'e') value = '';
          else if (type === '' || type === 'n')
            value =
              styles[style] && value.trim() !== '' && Number.isFinite(Number(value))
                ? serialDate(Number(value), parts.date1904)
                : numberText(value);
          while (row.length < col) row.push('');
          row[col] = value.trim();
          break;
        }
        case 'row':
          if (row) batch.push(row);
          row = null;
          break;
      }
    },
    text(piece) {
      cell.add(piece, where);
    },
  });
  for await (const text of partText(filePath, parts.sheet, MAX_XLSX_SHEET_BYTES, partTooLarge(parts.sheet.name, MAX_XLSX_SHEET_BYTES))) {
    scanner.push(text);
    // Batches leave between chunks (a chunk of 256 kB unzipped holds a few thousand rows at most).
    if (batch.length >= options.batchSize) {
      yield batch;
      batch = [];
    }
  }
  scanner.end();
  if (batch.length > 0) yield batch;
}
