/**
 * Excel workbooks (.xlsx, .xlsm): read with exceljs's streaming WorkbookReader, one row at a time,
 * never the whole workbook in memory (the shared-strings table is the one part held whole, as
 * exceljs caches it; it holds each distinct text once).
 *
 * The workbook is a zip, so it is opened through the same guard as every archive (zip.ts /
 * archive-limits.ts: entry count, uncompressed size and compression ratio from the central
 * directory before anything is inflated, ARCHIVE_* codes) and its parts are inflated by yauzl,
 * which checks each part against the size the central directory declares (ZIP_INVALID). exceljs
 * reads the parts from a stream this module writes, in the order it needs them whatever the order
 * in the file: the workbook's relationships and workbook.xml, styles, shared strings, then the
 * sheets wanted (all of them for the first pass, only the chosen one after). So a workbook whose
 * sharedStrings.xml or styles.xml come after its sheets (exceljs's own writer puts them there) is
 * read the same, and no sheet is spooled to a temporary file.
 *
 * Three passes, like CSV: (1) every sheet is read to find its header row, count its rows and list
 * its merged ranges; (2) the sheet is chosen and the row cap checked before any row is yielded;
 * (3) rows() reads the chosen sheet again and yields one record at a time.
 *
 * - The sheet read is the one whose header row maps to the most known terms (columns.ts termCount,
 *   with the team's saved mapping), whatever its position; ties go to the first in workbook order.
 * - A sheet's header row is its first non-empty row. When that row names no term at all (a title
 *   row such as `2025年长白山样线调查记录表`) and one of the next non-empty rows (up to
 *   HEADER_LOOKAHEAD rows in all) does, that row is the header and the rows above it are skipped
 *   with a warning.
 * - Merged header cells: the value belongs to the range's first cell; the other cells of the range
 *   in the header row, when empty, are named `<first header>#2`, `#3`, … (so `备注` merged over
 *   three columns gives `备注`, `备注#2`, `备注#3`): never a term, their values are kept in
 *   dynamicProperties under those names, nothing is lost.
 * - Merged cells below the header (a date or a transect written once and merged down over its
 *   rows, as field sheets do): each row of the range takes the range's value in the range's first
 *   column (counted in `stats.mergedCellsFilled`). A row whose own cells are all empty stays empty.
 * - Empty rows (no cell with a value) are skipped, in the middle as after the last record, and
 *   counted in `stats.emptyRows`, as CSV does; rows that do not exist in the file are not counted.
 * - Values are read as Excel stores them (xlsx-cells.ts): numbers at Excel's 15-digit precision,
 *   serial dates in the workbook's date system (1900 or 1904) as ISO dates, formulas by their cached
 *   result, rich text as plain text, booleans as TRUE/FALSE, hyperlinks by their text.
 * - `ParsedRow.rowNumber` is the sheet row minus the header row (the header's next row is 1): the
 *   row in Excel is rowNumber + header row, as a CSV's line is rowNumber + 1.
 */
import path from 'node:path';
import { Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import { XMLParser } from 'fast-xml-parser';
import { DEFAULT_IMPORT_LIMITS, RowBudget, type ImportLimits } from './archive-limits';
import { buildRecord, planHeader, termCount, type SavedMapping } from './columns';
import { finishRecord } from './dwc-values';
import { ImportFormatError, type ImportSource, type ParsedRow } from './import.types';
import { CJK_BUILTIN_DATE_FORMATS, cellText } from './xlsx-cells';
import type { ArchiveSource } from './zip';

export interface XlsxOpenOptions {
  importId: string;
  /** Name of the uploaded file (ParsedRow.file and the synthetic occurrenceID use it). */
  file: string;
  /** The row cap (IMPORT_TOO_MANY_ROWS); the default when omitted. */
  limits?: ImportLimits;
  /** The team's saved header → term mapping (?mapping=name), applied before the built-in names. */
  mapping?: SavedMapping;
}

/** Non-empty rows looked at for the header row (the first one that names a term). */
export const HEADER_LOOKAHEAD = 10;
/** Merged ranges remembered per sheet (a sheet of millions of merges is not a survey sheet). */
const MAX_MERGES = 100_000;
/**
 * The shared-strings part is the one part held in memory (exceljs caches the table): larger than
 * this, uncompressed, the workbook is refused (XLSX_TOO_LARGE) rather than exhausting the worker.
 * 10 million rows of survey records (the row cap) with unique ids hold about 300 MB of it.
 */
export const MAX_SHARED_STRINGS_BYTES = 512 * 1024 * 1024;

/** True when a zip's parts are those of an Excel workbook (Office Open XML spreadsheet). */
export function isXlsxArchive(src: ArchiveSource): boolean {
  return src.find('[Content_Types].xml') !== undefined && src.find('xl/workbook.xml') !== undefined;
}

export interface SheetInfo {
  /** 0-based position in the workbook (the tab order) */
  index: number;
  name: string;
  hidden: boolean;
  /** the part in the zip */
  part: string;
}

export interface WorkbookInfo {
  sheets: SheetInfo[];
  date1904: boolean;
  workbookPart: string;
  relsPart: string | undefined;
  stylesPart: string | undefined;
  sharedStringsPart: string | undefined;
}

interface Range {
  top: number;
  left: number;
  bottom: number;
  right: number;
}

type XmlNode = Record<string, unknown>;
const asArray = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

function parseXml(buf: Buffer, part: string): XmlNode {
  try {
    return new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', removeNSPrefix: true, parseAttributeValue: false, parseTagValue: false }).parse(
      buf.toString('utf8'),
    ) as XmlNode;
  } catch (err) {
    throw new ImportFormatError('XLSX_INVALID', `${part} of the workbook is not readable XML: ${(err as Error).message}`);
  }
}

/** A relationship target resolved against the folder of the part that holds it ('/xl/x.xml' is absolute). */
function resolveTarget(fromPart: string, target: string): string {
  const t = target.replace(/\\/g, '/');
  if (t.startsWith('/')) return path.posix.normalize(t.slice(1));
  return path.posix.normalize(path.posix.join(path.posix.dirname(fromPart), t));
}

async function readRels(src: ArchiveSource, relsPart: string | undefined, ownerPart: string): Promise<{ id: string; type: string; target: string }[]> {
  if (relsPart === undefined) return [];
  const doc = parseXml(await src.readBuffer(relsPart), relsPart);
  const rels = asArray((doc.Relationships as XmlNode | undefined)?.Relationship as XmlNode | XmlNode[] | undefined);
  return rels
    .filter((r) => r.TargetMode !== 'External' && typeof r.Target === 'string')
    .map((r) => ({ id: String(r.Id ?? ''), type: String(r.Type ?? ''), target: resolveTarget(ownerPart, String(r.Target)) }));
}

const relsOf = (part: string): string => `${path.posix.dirname(part) === '.' ? '' : `${path.posix.dirname(part)}/`}_rels/${path.posix.basename(part)}.rels`;

/** The sheets (tab order, names, parts), the date system and the parts exceljs needs, from the package's relationships. */
export async function workbookInfo(src: ArchiveSource, file: string): Promise<WorkbookInfo> {
  const root = await readRels(src, src.find('_rels/.rels'), '');
  const main = root.find((r) => r.type.endsWith('/officeDocument'));
  const workbookPart = (main && src.find(main.target)) ?? src.find('xl/workbook.xml');
  if (workbookPart === undefined) throw new ImportFormatError('XLSX_INVALID', `${file} has no workbook part (xl/workbook.xml)`);
  const relsPart = src.find(relsOf(workbookPart));
  const rels = await readRels(src, relsPart, workbookPart);
  const doc = parseXml(await src.readBuffer(workbookPart), workbookPart);
  const wb = (doc.workbook ?? {}) as XmlNode;
  const pr = (wb.workbookPr ?? {}) as XmlNode;
  const date1904 = pr.date1904 === '1' || pr.date1904 === 'true';
  const sheets: SheetInfo[] = [];
  for (const s of asArray((wb.sheets as XmlNode | undefined)?.sheet as XmlNode | XmlNode[] | undefined)) {
    const rel = rels.find((r) => r.id === String(s.id ?? ''));
    const part = rel && src.find(rel.target);
    if (part === undefined) continue; // a chart sheet or a dangling reference: no rows
    if (rel && !rel.type.endsWith('/worksheet')) continue;
    sheets.push({ index: sheets.length, name: String(s.name ?? `Sheet${sheets.length + 1}`), hidden: s.state === 'hidden' || s.state === 'veryHidden', part });
  }
  if (sheets.length === 0) {
    // relationships missing or unusual: the conventional part names
    const parts = src.files
      .filter((f) => /^xl\/worksheets\/sheet\d+\.xml$/i.test(f))
      .sort((a, b) => Number(a.match(/(\d+)\.xml$/i)![1]) - Number(b.match(/(\d+)\.xml$/i)![1]));
    parts.forEach((part, i) => sheets.push({ index: i, name: `Sheet${i + 1}`, hidden: false, part }));
  }
  if (sheets.length === 0) throw new ImportFormatError('XLSX_NO_SHEET', `${file} has no worksheet`);
  const byType = (t: string) => {
    const r = rels.find((x) => x.type.endsWith(t));
    return r ? src.find(r.target) : undefined;
  };
  return {
    sheets,
    date1904,
    workbookPart,
    relsPart,
    stylesPart: byType('/styles') ?? src.find('xl/styles.xml'),
    sharedStringsPart: byType('/sharedStrings') ?? src.find('xl/sharedStrings.xml'),
  };
}

// ---------------------------------------------------------------------------------------------
// The part stream exceljs reads: a zip of stored entries, written as it is read. Each entry has a
// data descriptor (sizes follow the data), which exceljs's unzipper finds by its signature
// PK\x07\x08: bytes that well-formed XML cannot contain (XML 1.0 has no U+0007/U+0008).

interface Part {
  name: string;
  from?: string;
  data?: Buffer;
  tap?: (chunk: Buffer) => void;
  maxBytes?: number;
}

function localHeader(name: string): Buffer {
  const n = Buffer.from(name, 'utf8');
  const h = Buffer.alloc(30);
  h.writeUInt32LE(0x04034b50, 0);
  h.writeUInt16LE(20, 4); // version needed
  h.writeUInt16LE(0x0808, 6); // sizes in a data descriptor; UTF-8 name
  // method 0 (stored), time, date, crc32 and sizes 0
  h.writeUInt16LE(n.length, 26);
  return Buffer.concat([h, n]);
}

function dataDescriptor(size: number): Buffer {
  const d = Buffer.alloc(16);
  d.writeUInt32LE(0x08074b50, 0);
  d.writeUInt32LE(size % 2 ** 32, 8);
  d.writeUInt32LE(size % 2 ** 32, 12);
  return d;
}

/**
 * The stream of `parts`, plus the first error met while inflating one (a corrupt deflate stream, a
 * part longer than declared). On an error the stream still ends cleanly (the part is cut short), so
 * exceljs finishes instead of waiting; the reader then throws the recorded error.
 */
function partStream(src: ArchiveSource, parts: Part[]): { stream: Readable; failure: () => ImportFormatError | null } {
  let failure: ImportFormatError | null = null;
  async function* gen(): AsyncGenerator<Buffer> {
    for (const p of parts) {
      yield localHeader(p.name);
      let size = 0;
      if (p.data) {
        size = p.data.length;
        yield p.data;
      } else {
        try {
          for await (const chunk of await src.openStream(p.from!)) {
            const b = chunk as Buffer;
            size += b.length;
            if (p.maxBytes !== undefined && size > p.maxBytes) {
              failure = new ImportFormatError(
                'XLSX_TOO_LARGE',
                `The shared-strings table of the workbook (${p.from}) is larger than ${p.maxBytes / 1024 / 1024} MiB; split the workbook or save it as CSV`,
                { part: p.from, limit: p.maxBytes },
              );
              break;
            }
            p.tap?.(b);
            yield b;
          }
        } catch (err) {
          failure =
            err instanceof ImportFormatError ? err : new ImportFormatError('ZIP_INVALID', `Cannot read ${p.from} from the workbook: ${(err as Error).message}`);
        }
      }
      yield dataDescriptor(size);
      if (failure) break;
    }
    const eocd = Buffer.alloc(22);
    eocd.writeUInt32LE(0x06054b50, 0);
    yield eocd;
  }
  return { stream: Readable.from(gen(), { objectMode: false }), failure: () => failure };
}

const FMT = Symbol('biomon.numFmt');

/**
 * Takes the number formats out of exceljs's style models (keeping them under FMT) so that exceljs
 * never turns a serial into a Date itself: its date test takes `0.0\ \k\m` for a date, it does not
 * know the built-in CJK date formats (Chinese Excel's `yyyy"年"m"月"d"日"` is id 31, stored without
 * its code) and its conversion shifts dates before 1900-03-01 by a day. xlsx-cells.ts decides.
 */
function takeOverNumberFormats(reader: unknown): void {
  const sm = (
    reader as {
      styles?: {
        model?: { styles?: { numFmtId?: number }[] };
        index?: { numFmt?: string[] };
        getStyleModel(i: number): Record<string | symbol, unknown> | null;
      };
    }
  ).styles;
  if (!sm?.model) return;
  if (!Array.isArray(sm.model.styles)) {
    sm.model.styles = []; // a styles part without cellXfs: no cell has a style
    return;
  }
  for (let i = 0; i < sm.model.styles.length; i++) {
    const m = sm.getStyleModel(i);
    if (!m) continue;
    const id = Number(sm.model.styles[i]?.numFmtId ?? 0);
    const fmt = (m.numFmt as string | undefined) ?? (id ? (sm.index?.numFmt?.[id] ?? CJK_BUILTIN_DATE_FORMATS[id]) : undefined);
    m[FMT] = fmt;
    delete m.numFmt;
  }
}

interface SheetRow {
  sheet: number;
  row: number;
  data: ExcelJS.Row;
}

export function rowCells(row: ExcelJS.Row, date1904: boolean): string[] {
  const cells: string[] = [];
  row.eachCell({ includeEmpty: false }, (cell, col) => {
    const style = cell.style as unknown as Record<symbol, string | undefined> | undefined;
    cells[col - 1] = cellText(cell.value, style?.[FMT], date1904);
  });
  for (let i = 0; i < cells.length; i++) if (cells[i] === undefined) cells[i] = '';
  return cells;
}

/** Whether a row holds no value, without converting its cells (the first pass over big sheets). */
function rowIsBlank(row: ExcelJS.Row, date1904: boolean): boolean {
  let blank = true;
  row.eachCell({ includeEmpty: false }, (cell) => {
    if (!blank) return;
    const v = cell.value;
    if (typeof v === 'number' || typeof v === 'boolean') blank = false;
    else if (typeof v === 'string') blank = v.trim() === '';
    else if (v !== null && v !== undefined) blank = cellText(v, undefined, date1904).trim() === '';
  });
  return blank;
}

/**
 * The rows of `sheets` (in that order) through exceljs's streaming reader; `taps[k]` sees the raw
 * bytes of the k-th sheet part (merged ranges are listed from them).
 */
export async function* sheetRows(src: ArchiveSource, info: WorkbookInfo, sheets: SheetInfo[], taps: ((b: Buffer) => void)[] = []): AsyncGenerator<SheetRow> {
  const parts: Part[] = [
    info.relsPart
      ? { name: 'xl/_rels/workbook.xml.rels', from: info.relsPart }
      : {
          name: 'xl/_rels/workbook.xml.rels',
          data: Buffer.from('<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"/>'),
        },
    { name: 'xl/workbook.xml', from: info.workbookPart },
    ...(info.stylesPart ? [{ name: 'xl/styles.xml', from: info.stylesPart }] : []),
    // an empty table when the workbook has none (inline strings only), so that exceljs reads each sheet as it comes
    info.sharedStringsPart
      ? { name: 'xl/sharedStrings.xml', from: info.sharedStringsPart, maxBytes: MAX_SHARED_STRINGS_BYTES }
      : { name: 'xl/sharedStrings.xml', data: Buffer.from('<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"/>') },
    ...sheets.map((s, k) => ({ name: `xl/worksheets/sheet${k + 1}.xml`, from: s.part, tap: taps[k] })),
  ];
  const { stream, failure } = partStream(src, parts);
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(stream, {
    worksheets: 'emit',
    sharedStrings: 'cache',
    styles: 'cache',
    hyperlinks: 'ignore',
    entries: 'ignore',
  });
  let k = 0;
  try {
    // the k-th worksheet exceljs yields is the k-th part written: shared strings and relationships come first, so it reads each sheet as it arrives
    for await (const ws of reader) {
      if (k === 0) takeOverNumberFormats(reader);
      for await (const row of ws) {
        yield { sheet: k, row: row.number, data: row };
      }
      k++;
    }
  } catch (err) {
    throw (
      failure() ??
      (err instanceof ImportFormatError
        ? err
        : new ImportFormatError('XLSX_INVALID', `${sheets[k]?.name ?? 'the workbook'}: not a readable worksheet: ${(err as Error).message}`))
    );
  } finally {
    stream.destroy();
  }
  const f = failure();
  if (f) throw f;
}

/** Lists `<mergeCell ref="A1:C1"/>` from a sheet's bytes as they stream (they follow the rows). */
class MergeScanner {
  readonly ranges: Range[] = [];
  dropped = 0;
  private carry = '';

  push(chunk: Buffer): void {
    if (this.carry === '' && chunk.indexOf('mergeCell') === -1) {
      this.carry = chunk.subarray(Math.max(0, chunk.length - 64)).toString('latin1');
      return;
    }
    const text = this.carry + chunk.toString('latin1'); // refs are ASCII; latin1 keeps byte offsets
    const re = /<(?:[A-Za-z_][\w.-]*:)?mergeCell\b[^>]*?\bref\s*=\s*["']\$?([A-Za-z]{1,3})\$?(\d{1,7})(?::\$?([A-Za-z]{1,3})\$?(\d{1,7}))?["']/g;
    let last = 0;
    for (let m = re.exec(text); m !== null; m = re.exec(text)) {
      last = re.lastIndex;
      const a = { col: colNumber(m[1]), row: Number(m[2]) };
      const b = m[3] ? { col: colNumber(m[3]), row: Number(m[4]) } : a;
      if (this.ranges.length >= MAX_MERGES) this.dropped++;
      else this.ranges.push({ top: Math.min(a.row, b.row), bottom: Math.max(a.row, b.row), left: Math.min(a.col, b.col), right: Math.max(a.col, b.col) });
    }
    this.carry = text.slice(Math.max(last, text.length - 512));
  }
}

function colNumber(letters: string): number {
  let n = 0;
  for (const ch of letters.toUpperCase()) n = n * 26 + (ch.charCodeAt(0) - 64);
  return n;
}

interface SheetScan {
  info: SheetInfo;
  /** the first HEADER_LOOKAHEAD non-empty rows */
  firstRows: { row: number; cells: string[] }[];
  nonEmpty: number;
  lastNonEmpty: number;
  /** empty rows present in the file after the last non-empty one */
  trailingEmpty: number;
  merges: MergeScanner;
}

interface Choice {
  scan: SheetScan;
  headerRow: number;
  header: string[];
  titleRows: number;
  terms: number;
}

const isBlank = (cells: string[]): boolean => cells.every((c) => c.trim() === '');

function headerOf(scan: SheetScan, mapping: SavedMapping | undefined): Choice | null {
  if (scan.firstRows.length === 0) return null;
  let at = scan.firstRows.findIndex((r) => termCount(r.cells, mapping) > 0);
  if (at === -1) at = 0;
  const { row, cells } = scan.firstRows[at];
  const header = cells.slice();
  // merged header cells: the first cell holds the value; name the empty others after it
  for (const m of scan.merges.ranges) {
    if (m.top > row || m.bottom < row || m.right === m.left) continue;
    const first = header[m.left - 1]?.trim() || `column${m.left}`;
    for (let c = m.left + 1; c <= m.right; c++) {
      if ((header[c - 1] ?? '').trim() === '') header[c - 1] = `${first}#${c - m.left + 1}`;
    }
  }
  for (let i = 0; i < header.length; i++) if (header[i] === undefined) header[i] = '';
  return { scan, headerRow: row, header, titleRows: at, terms: termCount(header, mapping) };
}

/**
 * Opens a workbook already open as a guarded zip (`src`, from openZipSource). Throws
 * ImportFormatError: XLSX_INVALID (unreadable parts), XLSX_NO_SHEET, XLSX_HEADER_MISSING (no sheet
 * names a known column), XLSX_TOO_LARGE (shared strings past MAX_SHARED_STRINGS_BYTES),
 * IMPORT_TOO_MANY_ROWS, ZIP_INVALID; the ARCHIVE_* caps were checked when
 * `src` was opened. `src` is closed by the returned source's close() (and here on failure).
 */
export async function openXlsx(src: ArchiveSource, opts: XlsxOpenOptions): Promise<ImportSource> {
  try {
    return await open(src, opts);
  } catch (err) {
    await src.close();
    throw err;
  }
}

async function open(src: ArchiveSource, opts: XlsxOpenOptions): Promise<ImportSource> {
  const info = await workbookInfo(src, opts.file);

  // Pass 1: every sheet, for its header, its row counts and its merged ranges.
  const scans: SheetScan[] = info.sheets.map((s) => ({ info: s, firstRows: [], nonEmpty: 0, lastNonEmpty: 0, trailingEmpty: 0, merges: new MergeScanner() }));
  for await (const r of sheetRows(
    src,
    info,
    info.sheets,
    scans.map((s) => (b: Buffer) => s.merges.push(b)),
  )) {
    const scan = scans[r.sheet];
    if (rowIsBlank(r.data, info.date1904)) {
      if (scan.nonEmpty > 0) scan.trailingEmpty++;
      continue;
    }
    scan.nonEmpty++;
    scan.lastNonEmpty = r.row;
    scan.trailingEmpty = 0;
    if (scan.firstRows.length < HEADER_LOOKAHEAD) scan.firstRows.push({ row: r.row, cells: rowCells(r.data, info.date1904) });
  }

  // Pass 2: the sheet whose header names the most terms (ties: the first), and the row cap.
  let best: Choice | null = null;
  for (const scan of scans) {
    const c = headerOf(scan, opts.mapping);
    if (c !== null && (best === null || c.terms > best.terms)) best = c;
  }
  if (best === null || best.terms === 0) {
    throw new ImportFormatError(
      'XLSX_HEADER_MISSING',
      `No sheet of ${opts.file} has a header row naming a Darwin Core or Chinese column (e.g. scientificName/物种学名, eventDate/调查日期); the first non-empty row of the sheet with the records must be its header.`,
      { sheets: info.sheets.map((s) => s.name) },
    );
  }
  const choice = best;
  const sheet = choice.scan;
  for (const s of scans) s.firstRows = []; // only the chosen header is needed from here
  const dataRows = sheet.nonEmpty - choice.titleRows - 1;
  const span = Math.max(0, sheet.lastNonEmpty - choice.headerRow);
  new RowBudget(opts.limits ?? DEFAULT_IMPORT_LIMITS).add(opts.file, span);

  const plan = planHeader(choice.header, opts.mapping);
  const warnings: string[] = [];
  const others = info.sheets.length - 1;
  warnings.push(
    `Read sheet "${sheet.info.name}" (${sheet.info.index + 1} of ${info.sheets.length}${others ? `: its header names the most known columns, ${choice.terms}` : ''}); header at row ${choice.headerRow}.`,
  );
  if (sheet.info.hidden) warnings.push(`Sheet "${sheet.info.name}" is hidden in the workbook.`);
  if (choice.titleRows > 0) warnings.push(`${choice.titleRows} row(s) above the header row ${choice.headerRow} name no column and were skipped (a title).`);
  warnings.push(...plan.warnings);
  const stats: Record<string, number> = {};
  const emptyRows = span - dataRows + sheet.trailingEmpty;
  if (emptyRows > 0) {
    stats.emptyRows = emptyRows;
    warnings.push(`${emptyRows} empty row(s) were skipped${sheet.trailingEmpty ? ` (${sheet.trailingEmpty} after the last record)` : ''}.`);
  }
  if (sheet.merges.dropped > 0) warnings.push(`Only the first ${MAX_MERGES} merged ranges of the sheet were honoured (${sheet.merges.dropped} more).`);
  // merged ranges below the header that span rows: filled down in their first column
  const fills = new Map<number, Range[]>();
  for (const m of sheet.merges.ranges) {
    // (a header cell merged down is the header's value, not data)
    if (m.bottom > m.top && m.top > choice.headerRow) {
      const list = fills.get(m.top) ?? [];
      list.push(m);
      fills.set(m.top, list);
    }
  }
  const file = opts.file;

  async function* rows(): AsyncGenerator<ParsedRow> {
    const active: { range: Range; value: string }[] = [];
    let filled = 0;
    for await (const r of sheetRows(src, info, [sheet.info])) {
      if (r.row <= choice.headerRow) continue;
      // ranges that ended above this row
      for (let i = active.length - 1; i >= 0; i--) if (active[i].range.bottom < r.row) active.splice(i, 1);
      const cells = rowCells(r.data, info.date1904);
      if (!isBlank(cells)) {
        for (const a of active) {
          if (a.range.top < r.row && (cells[a.range.left - 1] ?? '').trim() === '') {
            while (cells.length < a.range.left - 1) cells.push('');
            cells[a.range.left - 1] = a.value;
            filled++;
          }
        }
      }
      for (const m of fills.get(r.row) ?? []) {
        const value = cells[m.left - 1] ?? '';
        if (value.trim() !== '') active.push({ range: m, value });
      }
      if (isBlank(cells)) continue;
      const rowNumber = r.row - choice.headerRow;
      const record = finishRecord(buildRecord(cells, plan), { kind: plan.kind, importId: opts.importId, file, rowNumber });
      yield { kind: plan.kind, rowNumber, file, record };
    }
    if (filled > 0) {
      stats.mergedCellsFilled = filled;
      warnings.push(`${filled} cell(s) inside merged ranges took the value of their range.`);
    }
  }

  return {
    format: 'xlsx',
    rows,
    totalRows: dataRows,
    columns: [{ file, columns: plan.columns }],
    warnings,
    stats,
    close: () => src.close(),
  };
}
