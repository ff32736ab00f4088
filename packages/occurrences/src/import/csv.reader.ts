/**
 * Plain CSV/TSV uploads (Darwin Core headers, Darwin Core 1.x / ABCD names, or Chinese headers).
 *
 * Three streaming passes, none holding the rows: (1) encoding check (UTF-8 validity, else
 * chardet → GB18030 etc.), (2) a full parse that counts rows and fails on a malformed file before
 * anything is yielded, (3) rows() parses again and yields one record at a time.
 */
import { createReadStream } from 'node:fs';
import { DEFAULT_IMPORT_LIMITS, RowBudget, type ImportLimits } from './archive-limits';
import { buildRecord, namesAnyTerm, planHeader, type SavedMapping } from './columns';
import { finishRecord } from './dwc-values';
import { detectEncoding, firstLine, readDelimited, sniffDelimiter, type DelimitedOptions } from './delimited-text';
import { ImportFormatError, type ImportSource, type ParsedRow } from './import.types';

export interface CsvOpenOptions {
  importId: string;
  /** Name of the uploaded file (ParsedRow.file and the synthetic occurrenceID use it). */
  file: string;
  /** The row cap (IMPORT_TOO_MANY_ROWS, checked in pass 2); the default when omitted. */
  limits?: ImportLimits;
  /** The team's saved header → term mapping (?mapping=name), applied before the built-in names. */
  mapping?: SavedMapping;
}

const isBlankRow = (rec: string[]): boolean => rec.every((v) => v.trim() === '');

/**
 * Opens a CSV/TSV upload. Delimiter (comma, tab or semicolon) is sniffed from the header line;
 * UTF-8 with or without BOM, UTF-16 with BOM, and GBK/GB18030 (detected with chardet, with a
 * warning) are read. The first line must be a header with at least one recognised column
 * (`CSV_HEADER_MISSING` otherwise). Rows are 'event' when the file has eventID plus
 * samplingProtocol/sampleSize/eco: columns and no scientificName/vernacularName, else 'occurrence'.
 * Rows whose every field is blank are skipped (counted in `stats.emptyRows`).
 */
export async function openCsv(filePath: string, opts: CsvOpenOptions): Promise<ImportSource> {
  const warnings: string[] = [];
  const { encoding, warning } = await detectEncoding(filePath);
  if (warning) warnings.push(warning);
  const line = await firstLine(filePath, encoding);
  if (line.trim() === '') {
    throw new ImportFormatError('CSV_HEADER_MISSING', `${opts.file} is empty or its first line is blank; a header row is required.`);
  }
  const dopts: DelimitedOptions = { encoding, delimiter: sniffDelimiter(line), quote: '"', file: opts.file };
  const open = async () => createReadStream(filePath);

  // Pass 2: header + full parse, so a malformed file fails before any row is yielded.
  const budget = new RowBudget(opts.limits ?? DEFAULT_IMPORT_LIMITS);
  let header: string[] | null = null;
  let dataRows = 0;
  let emptyRows = 0;
  let ragged = 0;
  for await (const rec of readDelimited(open, dopts)) {
    if (header === null) {
      header = rec;
      continue;
    }
    budget.add(opts.file);
    if (isBlankRow(rec)) emptyRows++;
    else dataRows++;
    if (rec.length !== header.length) ragged++;
  }
  if (header === null) {
    throw new ImportFormatError('CSV_HEADER_MISSING', `${opts.file} has no header row.`);
  }
  if (!namesAnyTerm(header, opts.mapping)) {
    throw new ImportFormatError(
      'CSV_HEADER_MISSING',
      `The first line of ${opts.file} names no Darwin Core or Chinese column (e.g. scientificName/物种学名, eventDate/调查日期); a header row is required.`,
      { header },
    );
  }
  const plan = planHeader(header, opts.mapping);
  warnings.push(...plan.warnings);
  if (ragged > 0) {
    warnings.push(
      `${ragged} row(s) have a different number of fields than the header (${header.length}); missing fields are empty, extra ones are kept in dynamicProperties as column<N>.`,
    );
  }
  const stats: Record<string, number> = {};
  if (emptyRows > 0) {
    stats.emptyRows = emptyRows;
    warnings.push(`${emptyRows} row(s) with only empty fields were skipped.`);
  }

  async function* rows(): AsyncGenerator<ParsedRow> {
    let first = true;
    let rowNumber = 0;
    for await (const rec of readDelimited(open, dopts)) {
      if (first) {
        first = false;
        continue;
      }
      rowNumber++;
      if (isBlankRow(rec)) continue;
      const record = finishRecord(buildRecord(rec, plan), { kind: plan.kind, importId: opts.importId, file: opts.file, rowNumber });
      yield { kind: plan.kind, rowNumber, file: opts.file, record };
    }
  }

  return {
    format: 'csv',
    rows,
    totalRows: dataRows,
    columns: [{ file: opts.file, columns: plan.columns }],
    warnings,
    stats,
    async close() {},
  };
}
