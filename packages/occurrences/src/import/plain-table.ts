/**
 * Plain tables for other file standards than Darwin Core (MCPD germplasm passports, @biomon/germplasm):
 * the header row and the rows of a CSV/TSV file or of the first sheet of an Excel workbook, as text
 * cells, with the same guards as every import — encoding detection (UTF-8, UTF-16, GBK/GB18030),
 * delimiter sniffing, the zip caps of workbooks, the row cap — and nothing mapped to terms. And the
 * reverse: a one-sheet workbook from a header and rows.
 */
import { createReadStream } from 'node:fs';
import { PassThrough, Readable } from 'node:stream';
import path from 'node:path';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { DEFAULT_IMPORT_LIMITS, RowBudget, type ImportLimits } from './archive-limits';
import { detectEncoding, firstLine, readDelimited, readHead, sniffDelimiter, type DelimitedOptions } from './delimited-text';
import { ImportFormatError } from './import.types';
import { isXlsxArchive, rowCells, sheetRows, workbookInfo } from './xlsx.reader';
import { isZipFile, openZipSource, type ArchiveSource } from './zip';

export interface PlainTableRow {
  /** 1-based data row number (the header excluded): line − 1 in a CSV file, sheet row − header row in a workbook */
  rowNumber: number;
  cells: string[];
}

export interface PlainTable {
  format: 'csv' | 'tsv' | 'xlsx';
  header: string[];
  /** non-empty data rows */
  totalRows: number;
  warnings: string[];
  rows(): AsyncIterable<PlainTableRow>;
  close(): Promise<void>;
}

const blank = (cells: string[]) => cells.every((c) => (c ?? '').trim() === '');
const TABLE_EXT = new Set(['.csv', '.tsv', '.txt']);

/**
 * The header row of an upload when it is a table (CSV/TSV/TXT by name, or an Excel workbook by
 * content), else null. Reads only the start of the file (the workbook's first sheet up to its first
 * non-empty row). Never throws for an unreadable file: that is for the full import to report.
 */
export async function plainTableHeader(filePath: string, fileName: string): Promise<string[] | null> {
  try {
    if (await isZipFile(filePath)) {
      const src = await openZipSource(filePath, DEFAULT_IMPORT_LIMITS);
      try {
        if (!isXlsxArchive(src)) return null;
        const info = await workbookInfo(src, fileName);
        if (!info.sheets.length) return null;
        for await (const r of sheetRows(src, info, [info.sheets[0]])) {
          const cells = rowCells(r.data, info.date1904);
          if (!blank(cells)) return cells.map((c) => c.trim());
        }
        return null;
      } finally {
        await src.close();
      }
    }
    if (!TABLE_EXT.has(path.extname(fileName).toLowerCase())) return null;
    // only the first line is read (the upload's request must not scan the whole file): UTF-16 by its
    // byte-order mark, else UTF-8 when the line decodes as UTF-8, else GB18030
    const head = await readHead(filePath, 64 * 1024);
    let text: string;
    if (head[0] === 0xff && head[1] === 0xfe) text = iconv.decode(head, 'utf-16le');
    else if (head[0] === 0xfe && head[1] === 0xff) text = iconv.decode(head, 'utf-16be');
    else {
      const nl = head.indexOf(0x0a);
      const part = nl >= 0 ? head.subarray(0, nl) : head;
      try {
        text = new TextDecoder('utf-8', { fatal: true }).decode(part);
      } catch {
        text = iconv.decode(part, 'gb18030');
      }
    }
    const line = text.replace(/^\uFEFF/, '').split(/\r\n|\n|\r/, 1)[0] ?? '';
    if (line.trim() === '') return null;
    const opts: DelimitedOptions = { encoding: 'utf-8', delimiter: sniffDelimiter(line), quote: '"', file: fileName };
    for await (const rec of readDelimited(async () => Readable.from([Buffer.from(line, 'utf8')]), opts)) return rec.map((c) => c.trim());
    return null;
  } catch {
    return null;
  }
}

/**
 * Opens a CSV/TSV/TXT file (by `file`'s extension) or an Excel workbook (by content; its first
 * sheet, header = first non-empty row) as a plain table. Two passes: the first counts rows (the
 * row cap, IMPORT_TOO_MANY_ROWS, before any row is yielded) and fails a malformed file; rows()
 * reads again. Empty rows are skipped. Throws ImportFormatError (CSV_HEADER_MISSING,
 * CSV_PARSE_ERROR, XLSX_*, ARCHIVE_*, IMPORT_FORMAT_UNSUPPORTED).
 */
export async function openPlainTable(filePath: string, opts: { file: string; limits?: ImportLimits }): Promise<PlainTable> {
  const budget = new RowBudget(opts.limits ?? DEFAULT_IMPORT_LIMITS);
  if (await isZipFile(filePath)) {
    const src = await openZipSource(filePath, opts.limits ?? DEFAULT_IMPORT_LIMITS);
    try {
      if (!isXlsxArchive(src)) throw new ImportFormatError('IMPORT_FORMAT_UNSUPPORTED', `${opts.file} is a zip archive, not an Excel workbook`);
      return await openSheet(src, opts.file, budget);
    } catch (err) {
      await src.close();
      throw err;
    }
  }
  const ext = path.extname(opts.file).toLowerCase();
  if (!TABLE_EXT.has(ext)) {
    throw new ImportFormatError('IMPORT_FORMAT_UNSUPPORTED', `${opts.file}: upload a CSV/TSV file (.csv, .tsv, .txt) or an Excel workbook (.xlsx)`);
  }
  const warnings: string[] = [];
  const { encoding, warning } = await detectEncoding(filePath);
  if (warning) warnings.push(warning);
  const line = await firstLine(filePath, encoding);
  if (line.trim() === '') throw new ImportFormatError('CSV_HEADER_MISSING', `${opts.file} is empty or its first line is blank; a header row is required.`);
  const delimiter = sniffDelimiter(line);
  const dopts: DelimitedOptions = { encoding, delimiter, quote: '"', file: opts.file };
  const open = async () => createReadStream(filePath);
  let header: string[] | null = null;
  let total = 0;
  for await (const rec of readDelimited(open, dopts)) {
    if (header === null) {
      header = rec.map((c) => c.trim());
      continue;
    }
    budget.add(opts.file);
    if (!blank(rec)) total++;
  }
  if (header === null) throw new ImportFormatError('CSV_HEADER_MISSING', `${opts.file} has no header row.`);
  async function* rows(): AsyncGenerator<PlainTableRow> {
    let n = -1;
    for await (const rec of readDelimited(open, dopts)) {
      n++;
      if (n === 0 || blank(rec)) continue;
      yield { rowNumber: n, cells: rec };
    }
  }
  return { format: delimiter === '\t' ? 'tsv' : 'csv', header, totalRows: total, warnings, rows, close: async () => {} };
}

async function openSheet(src: ArchiveSource, file: string, budget: RowBudget): Promise<PlainTable> {
  const info = await workbookInfo(src, file);
  if (!info.sheets.length) throw new ImportFormatError('XLSX_NO_SHEET', `${file} has no worksheet`);
  const sheet = info.sheets[0];
  let header: string[] | null = null;
  let headerRow = 0;
  let total = 0;
  for await (const r of sheetRows(src, info, [sheet])) {
    const cells = rowCells(r.data, info.date1904);
    if (blank(cells)) continue;
    if (header === null) {
      header = cells.map((c) => c.trim());
      headerRow = r.row;
      continue;
    }
    budget.add(file);
    total++;
  }
  if (header === null) throw new ImportFormatError('XLSX_HEADER_MISSING', `The first sheet of ${file} is empty; its first non-empty row must be the header.`);
  const warnings = info.sheets.length > 1 ? [`Read the first sheet "${sheet.name}" of ${info.sheets.length}; header at row ${headerRow}.`] : [];
  async function* rows(): AsyncGenerator<PlainTableRow> {
    for await (const r of sheetRows(src, info, [sheet])) {
      if (r.row <= headerRow) continue;
      const cells = rowCells(r.data, info.date1904);
      if (blank(cells)) continue;
      yield { rowNumber: r.row - headerRow, cells };
    }
  }
  return { format: 'xlsx', header, totalRows: total, warnings, rows, close: () => src.close() };
}

/**
 * A one-sheet workbook (.xlsx) of text cells, streamed (exceljs's WorkbookWriter, inline strings):
 * the header row bold and frozen, rows written as they come, so a large table is never held whole.
 */
export function plainTableXlsxStream(sheetName: string, header: string[], rows: AsyncIterable<string[]>): Readable {
  const out = new PassThrough();
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
  (async () => {
    const ws = wb.addWorksheet(sheetName.slice(0, 31), { views: [{ state: 'frozen', ySplit: 1 }] });
    const head = ws.addRow(header);
    head.font = { bold: true };
    head.commit();
    for await (const r of rows) ws.addRow(r).commit();
    ws.commit();
    await wb.commit();
  })().catch((err: Error) => out.destroy(err));
  return out;
}
