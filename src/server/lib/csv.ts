// Writing CSV that spreadsheets open safely: the one line writer of the exports (segments, a
// person's rights export) and of the imports' rejected rows. A cell that a spreadsheet would run
// as a formula is neutralised.

/**
 * A cell as text a spreadsheet shows and never runs: one starting with = + - @ (or a tab / CR) is a
 * formula to Excel or LibreOffice, so it gets a leading quote (OWASP's CSV injection advice) —
 * except plain numbers such as E.164 phones (+33…) or negative amounts: digits, spaces, dots and
 * commas call no function and reach no cell, while a quote would show in every phone cell of an
 * export (a CSV opened in a spreadsheet keeps it as text) and travel back in a re-import.
 */
export function spreadsheetSafe(value: string): string {
  return /^[=+\-@\t\r]/.test(value) && !/^[+-]?[\d\s.,]+$/.test(value) ? `'${value}` : value;
}

/** One CSV line (CRLF, as spreadsheets expect), quoting as RFC 4180 says and neutralising formulas. */
export function csvLine(cells: readonly string[], separator = ';'): string {
  return `${cells.map((cell) => csvCell(spreadsheetSafe(cell), separator)).join(separator)}\r\n`;
}

function csvCell(cell: string, separator: string): string {
  const quote = cell.includes(separator) || /["\r\n]/.test(cell) || cell !== cell.trim();
  return quote ? `"${cell.replace(/"/g, '""')}"` : cell;
}
