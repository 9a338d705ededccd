// A streaming CSV parser (RFC 4180 and what spreadsheets really write): any one-character separator,
// quoted fields with separators, doubled quotes and line breaks inside, CRLF / LF / CR line ends.
// Text is pushed chunk by chunk; complete records come out, so a file is never held in memory — nor
// a field: one past its bound (a quote opened and never closed) stops the reading, and the header row
// (the first record) is held to its own bounds. The one CSV reader of the platform: people imports
// (with their tight bounds, imports/table-limits.ts) and open-data files (opendata/csv.ts).

/** The bounds a parser keeps to, and the error it throws past one. */
export interface CsvLimits {
  /** Characters of one field, of one header field, and fields of the header row (data rows' extra fields are left out). */
  cellChars: number;
  headerCellChars: number;
  columns: number;
  tooLarge(where: { header: boolean; record: number; column: number }): Error;
}

/** Bounds for files an operator provides (open data): generous, but a quote never closed cannot swallow the file. */
export const OPERATOR_CSV_LIMITS: CsvLimits = {
  cellChars: 1024 * 1024,
  headerCellChars: 64 * 1024,
  columns: 100_000,
  tooLarge: ({ header, record, column }) =>
    new Error(`${header ? 'A header' : 'A'} field (record ${record}, column ${column}) is too long: a quote is probably never closed.`),
};

const QUOTE = 34;
const LF = 10;
const CR = 13;

/** Incremental parser: push() text chunks, then end(); records are appended to `out`. */
export class CsvParser {
  private readonly sep: number;
  private field = '';
  private row: string[] = [];
  private inQuotes = false;
  /** Inside quotes, a quote was just read: it either closes the field or starts a doubled quote. */
  private quotePending = false;
  private skipLf = false;
  /** True once the current field holds anything (a quote opens a quoted field only at its start). */
  private fieldBegun = false;
  /** Records emitted so far (the first is the header). */
  private records = 0;
  private readonly limits: CsvLimits;

  constructor(separator: string, limits: CsvLimits = OPERATOR_CSV_LIMITS) {
    if (separator.length !== 1) throw new Error('separator must be one character');
    this.sep = separator.charCodeAt(0);
    this.limits = limits;
  }

  /** True while a quoted field is open (the text so far ends inside it). */
  get inQuotedField(): boolean {
    return this.inQuotes && !this.quotePending;
  }

  /** Parses a chunk of text; complete records are pushed to out. */
  push(text: string, out: string[][]): void {
    const n = text.length;
    const sep = this.sep;
    let i = 0;
    let start = 0;
    while (i < n) {
      if (this.inQuotes) {
        if (this.quotePending) {
          this.quotePending = false;
          if (text.charCodeAt(i) === QUOTE) {
            this.append('"');
            i += 1;
            start = i;
            continue;
          }
          this.inQuotes = false;
          start = i;
          continue;
        }
        const q = text.indexOf('"', i);
        if (q === -1) {
          this.append(text.slice(i));
          i = n;
          start = n;
          break;
        }
        this.append(text.slice(i, q));
        this.quotePending = true;
        i = q + 1;
        start = i;
        continue;
      }
      const c = text.charCodeAt(i);
      if (this.skipLf) {
        this.skipLf = false;
        if (c === LF) {
          i += 1;
          start = i;
          continue;
        }
      }
      if (c === sep) {
        this.pushField(start === i ? this.field : this.field + text.slice(start, i));
        this.field = '';
        this.fieldBegun = false;
        i += 1;
        start = i;
      } else if (c === LF || c === CR) {
        this.pushField(start === i ? this.field : this.field + text.slice(start, i));
        this.field = '';
        this.fieldBegun = false;
        out.push(this.row);
        this.records += 1;
        this.row = [];
        if (c === CR) this.skipLf = true;
        i += 1;
        start = i;
      } else if (c === QUOTE && !this.fieldBegun && start === i && this.field === '') {
        this.inQuotes = true;
        this.fieldBegun = true;
        i += 1;
        start = i;
      } else {
        this.fieldBegun = true;
        i += 1;
      }
    }
    if (start < n) this.append(text.slice(start, n));
  }

  private maxChars(): number {
    return this.records === 0 ? this.limits.headerCellChars : this.limits.cellChars;
  }

  private tooLarge(): Error {
    return this.limits.tooLarge({ header: this.records === 0, record: this.records + 1, column: this.row.length + 1 });
  }

  /** Grows the current field, within its bound. */
  private append(piece: string): void {
    if (this.field.length + piece.length > this.maxChars()) throw this.tooLarge();
    this.field += piece;
  }

  /** Ends a field: past the column bound, a header is refused and a data row's extra fields are left out (no column names them). */
  private pushField(value: string): void {
    if (value.length > this.maxChars()) throw this.tooLarge();
    if (this.row.length >= this.limits.columns) {
      if (this.records === 0) throw this.limits.tooLarge({ header: true, record: 1, column: this.row.length + 1 });
      return;
    }
    this.row.push(value);
  }

  /** Flushes the last record (a file may not end with a line break). */
  end(out: string[][]): void {
    this.quotePending = false;
    this.inQuotes = false;
    if (this.field !== '' || this.row.length > 0) {
      this.pushField(this.field);
      out.push(this.row);
      this.records += 1;
    }
    this.field = '';
    this.row = [];
  }
}

const CANDIDATES = [';', ',', '\t', '|'] as const;

/** Guesses the separator from the first lines: the candidate found the same number of times on most lines. */
export function detectDelimiter(sample: string): string {
  const lines = splitSampleLines(sample).slice(0, 20);
  let best: { sep: string; score: number } = { sep: ',', score: 0 };
  for (const sep of CANDIDATES) {
    const counts = lines.map((line) => countOutsideQuotes(line, sep)).filter((n) => n > 0);
    if (counts.length === 0) continue;
    const freq = new Map<number, number>();
    for (const n of counts) freq.set(n, (freq.get(n) ?? 0) + 1);
    const [mode, times] = [...freq.entries()].sort((a, b) => b[1] - a[1] || b[0] - a[0])[0]!;
    // Consistency across lines first, then how many columns it makes.
    const score = (times / lines.length) * 1000 + Math.min(mode, 100);
    if (score > best.score) best = { sep, score };
  }
  return best.sep;
}

/** Logical lines of a sample (line breaks inside quotes kept inside their line). */
function splitSampleLines(sample: string): string[] {
  const lines: string[] = [];
  let inQuotes = false;
  let start = 0;
  for (let i = 0; i < sample.length; i += 1) {
    const c = sample.charCodeAt(i);
    if (c === QUOTE) inQuotes = !inQuotes;
    else if (!inQuotes && (c === LF || c === CR)) {
      if (i > start) lines.push(sample.slice(start, i));
      start = i + 1;
    }
  }
  // The last line of a sample may be cut: left out unless it is the only one.
  if (lines.length === 0 && start < sample.length) lines.push(sample.slice(start));
  return lines.filter((l) => l.trim() !== '');
}

function countOutsideQuotes(line: string, sep: string): number {
  let n = 0;
  let inQuotes = false;
  for (const ch of line) {
    if (ch === '"') inQuotes = !inQuotes;
    else if (ch === sep && !inQuotes) n += 1;
  }
  return n;
}
