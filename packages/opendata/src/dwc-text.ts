/**
 * Cells of the delimited files biomon writes. Darwin Core Archive data files are tab-separated
 * UTF-8 with `"` as the enclosing character (GBIF Darwin Core text guide: fieldsEnclosedBy); a
 * value is enclosed only when it holds a tab, a line break or a quote, with quotes doubled.
 * CSV downloads use the same rule with commas (RFC 4180).
 */

export function cellText(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (v instanceof Date) return v.toISOString();
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

export function tsvCell(v: unknown): string {
  const s = cellText(v);
  return /[\t\r\n"]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * A CSV cell. Values that a spreadsheet would run as a formula (leading = + - @, tab or CR) are
 * prefixed with an apostrophe (OWASP "CSV injection"); numbers keep their sign.
 */
export function csvCell(v: unknown): string {
  let s = cellText(v);
  if (typeof v === 'string' && /^[=+\-@\t\r]/.test(s) && !/^[-+]?\d+(\.\d+)?([eE][-+]?\d+)?$/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export const tsvLine = (cells: unknown[]): string => `${cells.map(tsvCell).join('\t')}\n`;
export const csvLine = (cells: unknown[]): string => `${cells.map(csvCell).join(',')}\r\n`;

/** Excel in China opens UTF-8 CSV correctly only with a byte-order mark (BRIEF §4). */
export const UTF8_BOM = '\uFEFF';
