/**
 * The one writer of the delimited text biomon produces — CSV downloads, the assessment report's
 * CSV, an import's errors.csv and the import templates (RFC 4180: comma, CRLF, `"` doubled), and
 * the tab-separated data files of Darwin Core Archives (`\n`, fields enclosed by `"` only when
 * they hold a tab, a line break or a quote) — built on csv-stringify's sync API.
 *
 * CSV cells get one formula-injection guard (OWASP "CSV Injection"): a string that starts with
 * `=`, `+`, `-`, `@`, a tab or a carriage return (or the full-width ＝ ＋ － ＠ that some
 * spreadsheets fold to them) is prefixed with `'` so that Excel and WPS show it as text instead of
 * running it. Numbers stay numbers: JSON numbers and numeric strings (PostgreSQL `numeric`
 * arrives as a string, e.g. `-0.5`) are written as they are. DwC-A files are data for GBIF, not
 * spreadsheets, and are written verbatim.
 */
import { stringify, type Options } from 'csv-stringify/sync';

/** Excel in China opens UTF-8 CSV correctly only with a byte-order mark (BRIEF §4). */
export const UTF8_BOM = '\uFEFF';

const FORMULA_START = /^[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/;
const NUMERIC = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;

/** The cell text a spreadsheet shows as text: `'` before a string that would start a formula. */
export function guardFormula(s: string): string {
  return FORMULA_START.test(s) && !NUMERIC.test(s) ? `'${s}` : s;
}

/** How values become cell text: null/undefined empty, dates ISO 8601, objects as JSON, non-finite numbers empty. */
const CAST: NonNullable<Options['cast']> = {
  number: (n) => (Number.isFinite(n) ? String(n) : ''),
  bigint: (n) => String(n),
  boolean: (b) => (b ? 'true' : 'false'),
  date: (d) => (Number.isNaN(d.getTime()) ? '' : d.toISOString()),
  object: (o) => JSON.stringify(o),
  string: (s) => s,
};

// quote_record_delimiter: csv-stringify leaves a bare \n unquoted once record_delimiter is set
const CSV: Options = { delimiter: ',', record_delimiter: '\r\n', quote_record_delimiter: true, cast: { ...CAST, string: guardFormula } };
const TSV: Options = { delimiter: '\t', record_delimiter: '\n', quote_record_delimiter: true, cast: CAST };

/** One CSV record with its CRLF. */
export function csvLine(cells: readonly unknown[]): string {
  return stringify([cells as unknown[]], CSV);
}

/** A whole CSV file: the rows with CRLF line ends, with a UTF-8 BOM first unless `bom: false`. */
export function csvDocument(rows: readonly (readonly unknown[])[], opts: { bom?: boolean } = {}): string {
  return (opts.bom === false ? '' : UTF8_BOM) + stringify(rows as unknown[][], CSV);
}

/** One record of a Darwin Core Archive data file (tab-separated, `\n`), no formula guard. */
export function tsvLine(cells: readonly unknown[]): string {
  return stringify([cells as unknown[]], TSV);
}
