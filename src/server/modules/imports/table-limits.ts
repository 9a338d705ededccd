// The bounds every uploaded table is read within, whatever its format: a small file may not make the
// server hold a huge header, a huge cell, or gigabytes of unzipped XML. A file past one of them is
// refused with a stable code (imports.errors.ts), never read further.
import type { CsvLimits } from '../../lib/csv-parser.ts';

/** Characters of one cell (a value of a row; the longest real ones are notes). */
export const MAX_CELL_CHARS = 32 * 1024;
/** Columns of the header row (data cells past them are not read: no column could name them). */
export const MAX_COLUMNS = 1000;
/** Characters of the whole header row, and of one column name. */
export const MAX_HEADER_CHARS = 64 * 1024;
export const MAX_HEADER_CELL_CHARS = 1000;
/** Unzipped bytes of an XLSX worksheet, and of its shared strings (held in memory while reading). */
export const MAX_XLSX_SHEET_BYTES = 1024 * 1024 * 1024;
export const MAX_XLSX_SHARED_STRINGS_BYTES = 128 * 1024 * 1024;
/** Unzipped bytes of the other parts read (workbook, relationships, styles). */
export const MAX_XLSX_PART_BYTES = 16 * 1024 * 1024;
/** Characters of one XML tag (its name and attributes). */
export const MAX_XML_TAG_CHARS = 64 * 1024;

export type TableReadErrorCode = 'IMPORT_FILE_UNREADABLE' | 'IMPORT_CELL_TOO_LARGE' | 'IMPORT_HEADER_TOO_LARGE' | 'IMPORT_FILE_TOO_LARGE';

/** A file the readers refuse: damaged, or past one of the bounds above. */
export class TableReadError extends Error {
  readonly code: TableReadErrorCode;
  readonly details: Record<string, unknown>;
  constructor(code: TableReadErrorCode, message: string, details: Record<string, unknown> = {}) {
    super(message);
    this.code = code;
    this.details = details;
  }
}

/** The error a reader throws for a cell past MAX_CELL_CHARS. */
export function cellTooLarge(where: string): TableReadError {
  return new TableReadError('IMPORT_CELL_TOO_LARGE', `A cell (${where}) holds more than ${MAX_CELL_CHARS} characters.`, {
    max_chars: MAX_CELL_CHARS,
  });
}

/** The error a reader throws for a header row past its bounds. */
export function headerTooLarge(): TableReadError {
  return new TableReadError(
    'IMPORT_HEADER_TOO_LARGE',
    `The header row is too large (at most ${MAX_COLUMNS} columns, ${MAX_HEADER_CELL_CHARS} characters per column name, ${MAX_HEADER_CHARS} in all).`,
    { max_columns: MAX_COLUMNS, max_column_chars: MAX_HEADER_CELL_CHARS, max_chars: MAX_HEADER_CHARS },
  );
}

/** Throws when a header record is past its bounds. */
export function checkHeader(record: readonly string[]): void {
  if (record.length > MAX_COLUMNS) throw headerTooLarge();
  let total = 0;
  for (const cell of record) {
    if (cell.length > MAX_HEADER_CELL_CHARS) throw headerTooLarge();
    total += cell.length;
  }
  if (total > MAX_HEADER_CHARS) throw headerTooLarge();
}

/** The bounds of the CSV parser for uploaded tables, refusing with the codes above. */
export const UPLOAD_CSV_LIMITS: CsvLimits = {
  cellChars: MAX_CELL_CHARS,
  headerCellChars: MAX_HEADER_CELL_CHARS,
  columns: MAX_COLUMNS,
  tooLarge: ({ header, record, column }) => (header ? headerTooLarge() : cellTooLarge(`record ${record}, column ${column}`)),
};
