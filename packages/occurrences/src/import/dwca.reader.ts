/**
 * Darwin Core Archives (zip or folder): meta.xml describes a core file and extension files
 * (DwC text guide, https://dwc.tdwg.org/text/). Occurrence and Event cores are imported; the
 * whole archive is validated in a first streaming pass (field counts, orphaned extension rows)
 * so that a bad archive fails before any row is yielded.
 */
import path from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import iconv from 'iconv-lite';
import { DEFAULT_IMPORT_LIMITS, RowBudget, type ImportLimits } from './archive-limits';
import { canonicalTerm } from './dwc-terms';
import { finishRecord } from './dwc-values';
import { isUtf8Name, readDelimited, type DelimitedOptions } from './delimited-text';
import { ImportFormatError, type DwcRecord, type ImportSource, type ParsedRow } from './import.types';
import type { ArchiveSource } from './zip';

type RowKind = 'occurrence' | 'event' | 'humboldt' | 'other';

interface FieldSpec {
  index: number | null;
  key: string;
  default: string | null;
}

/** One `<core>` or `<extension>` of meta.xml. */
export interface DataFileSpec {
  role: 'core' | 'extension';
  rowType: string;
  rowKind: RowKind;
  /** Location as declared in meta.xml (relative to meta.xml); used as ParsedRow.file. */
  location: string;
  /** Stored path inside the archive. */
  storedPath: string;
  encoding: string;
  delimiter: string;
  quote: string | null;
  recordDelimiter?: string;
  ignoreHeaderLines: number;
  /** `<id index>` for the core, `<coreid index>` for extensions. */
  idIndex: number | null;
  fields: FieldSpec[];
  /** Highest declared index + 1: every row must have exactly this many fields. */
  expectedFields: number;
}

/** meta.xml escapes (`\t`, `\n`, `\r`, `\\`) and numeric character references (`&#9;`). */
export function unescapeMeta(s: string): string {
  return s
    .replace(/&#x([0-9a-f]+);/gi, (_, h: string) => String.fromCharCode(parseInt(h, 16)))
    .replace(/&#(\d+);/g, (_, d: string) => String.fromCharCode(Number(d)))
    .replace(/\\(t|n|r|\\)/g, (_, c: string) => ({ t: '\t', n: '\n', r: '\r', '\\': '\\' })[c] ?? c);
}

function rowKindOf(rowType: string): RowKind {
  const t = rowType.trim().replace(/\/+$/, '').toLowerCase();
  if (t.endsWith('/dwc/terms/occurrence') || t.endsWith('/dwc/terms/darwincore') || t.endsWith('simpledarwinrecord')) return 'occurrence';
  if (t.endsWith('/dwc/terms/event')) return 'event';
  if (t.endsWith('/eco/terms/event')) return 'humboldt';
  return 'other';
}

type XmlNode = Record<string, unknown>;
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined);

function toIndex(v: unknown, what: string): number | null {
  const s = str(v);
  if (s === undefined || s.trim() === '') return null;
  if (!/^\d+$/.test(s.trim())) throw new ImportFormatError('DWCA_META_INVALID', `meta.xml: ${what} index "${s}" is not a number`);
  return Number(s.trim());
}

function parseDataFile(node: XmlNode, role: 'core' | 'extension', metaDir: string, src: ArchiveSource): DataFileSpec {
  const rowType = str(node.rowType) ?? '';
  const files = node.files as XmlNode | undefined;
  const locations = (files?.location as unknown[] | undefined) ?? [];
  const location = str(locations[0])?.trim();
  if (!location) throw new ImportFormatError('DWCA_META_INVALID', `meta.xml: the ${role} ${rowType} names no file location`);
  const storedPath = src.find(path.posix.join(metaDir, location));
  if (storedPath === undefined) {
    throw new ImportFormatError('DWCA_FILE_MISSING', `${location} is named in meta.xml but is not in the archive`, { file: location, role, rowType });
  }
  const encoding = str(node.encoding)?.trim() || 'UTF-8';
  if (!isUtf8Name(encoding) && !iconv.encodingExists(encoding)) {
    throw new ImportFormatError('DWCA_META_INVALID', `meta.xml: encoding "${encoding}" of ${location} is not supported`);
  }
  const delimiter = unescapeMeta(str(node.fieldsTerminatedBy) ?? ',');
  if (delimiter === '') throw new ImportFormatError('DWCA_META_INVALID', `meta.xml: fieldsTerminatedBy of ${location} is empty`);
  const enclosed = unescapeMeta(str(node.fieldsEnclosedBy) ?? '"');
  const lines = unescapeMeta(str(node.linesTerminatedBy) ?? '\n');
  const ignore = str(node.ignoreHeaderLines)?.trim() || '0';
  if (!/^\d+$/.test(ignore)) throw new ImportFormatError('DWCA_META_INVALID', `meta.xml: ignoreHeaderLines "${ignore}" is not a number`);

  const idNode = (role === 'core' ? node.id : node.coreid) as XmlNode | undefined;
  const idIndex = idNode ? toIndex(idNode.index, role === 'core' ? '<id>' : '<coreid>') : null;
  if (role === 'extension' && idIndex === null) {
    throw new ImportFormatError('DWCA_META_INVALID', `meta.xml: extension ${location} has no <coreid index>`);
  }
  const fields: FieldSpec[] = ((node.field as XmlNode[] | undefined) ?? []).map((f) => {
    const term = str(f.term)?.trim() ?? '';
    if (term === '') throw new ImportFormatError('DWCA_META_INVALID', `meta.xml: a <field> of ${location} has no term`);
    const index = toIndex(f.index, `<field term="${term}">`);
    const def = str(f.default) ?? null;
    if (index === null && def === null) {
      throw new ImportFormatError('DWCA_META_INVALID', `meta.xml: <field term="${term}"> of ${location} has neither index nor default`);
    }
    return { index, key: canonicalTerm(term), default: def };
  });
  const indexes = [idIndex, ...fields.map((f) => f.index)].filter((i): i is number => i !== null);
  return {
    role,
    rowType,
    rowKind: rowKindOf(rowType),
    location,
    storedPath,
    encoding,
    delimiter,
    quote: enclosed === '' ? null : enclosed[0],
    recordDelimiter: lines === '\n' || lines === '\r\n' || lines === '\r' || lines === '' ? undefined : lines,
    ignoreHeaderLines: Number(ignore),
    idIndex,
    fields,
    expectedFields: indexes.length === 0 ? 0 : Math.max(...indexes) + 1,
  };
}

/** Parses meta.xml into its core and extension specs; checks that every named file is present. */
export function parseMetaXml(xml: string, metaPath: string, src: ArchiveSource): { core: DataFileSpec; extensions: DataFileSpec[] } {
  let doc: XmlNode;
  try {
    doc = new XMLParser({
      ignoreAttributes: false,
      attributeNamePrefix: '',
      removeNSPrefix: true,
      parseAttributeValue: false,
      parseTagValue: false,
      isArray: (name) => name === 'extension' || name === 'field' || name === 'location',
    }).parse(xml) as XmlNode;
  } catch (err) {
    throw new ImportFormatError('DWCA_META_INVALID', `meta.xml is not well-formed XML: ${(err as Error).message}`);
  }
  const archive = doc.archive as XmlNode | undefined;
  const coreNode = archive?.core as XmlNode | undefined;
  if (!archive || !coreNode || typeof coreNode !== 'object') {
    throw new ImportFormatError('DWCA_META_INVALID', 'meta.xml has no <archive><core> element');
  }
  const metaDir = path.posix.dirname(metaPath) === '.' ? '' : path.posix.dirname(metaPath);
  const core = parseDataFile(coreNode, 'core', metaDir, src);
  const extensions = ((archive.extension as XmlNode[] | undefined) ?? []).map((e) => parseDataFile(e, 'extension', metaDir, src));
  if (extensions.length > 0 && core.idIndex === null) {
    throw new ImportFormatError('DWCA_META_INVALID', 'meta.xml: the core has no <id index> but extensions refer to it');
  }
  return { core, extensions };
}

function delimitedOptions(spec: DataFileSpec): DelimitedOptions {
  return {
    encoding: spec.encoding,
    delimiter: spec.delimiter,
    quote: spec.quote,
    skipLines: spec.ignoreHeaderLines,
    recordDelimiter: spec.recordDelimiter,
    file: spec.location,
  };
}

function readRows(src: ArchiveSource, spec: DataFileSpec): AsyncGenerator<string[]> {
  return readDelimited(() => src.openStream(spec.storedPath), delimitedOptions(spec));
}

/** The record a data-file row describes: each field's value (or its default when empty) under its canonical key. */
function buildRecord(spec: DataFileSpec, row: string[]): DwcRecord {
  const rec: DwcRecord = {};
  for (const f of spec.fields) {
    let v = f.index === null ? '' : (row[f.index] ?? '');
    if (v === '' && f.default !== null) v = f.default;
    if (rec[f.key] === undefined || rec[f.key] === '') rec[f.key] = v;
  }
  return rec;
}

interface FieldCountProblem {
  file: string;
  declared: number;
  row: number;
  found: number;
  rows: number;
}

function fieldCountError(p: FieldCountProblem): ImportFormatError {
  const more = p.rows > 1 ? ` (${p.rows} rows of ${p.file} differ)` : '';
  return new ImportFormatError('DWCA_FIELD_COUNT_MISMATCH', `meta.xml declares ${p.declared} fields but row ${p.row} of ${p.file} has ${p.found}${more}`, p);
}

const MAX_LISTED_ORPHANS = 50;

/**
 * Opens a Darwin Core Archive whose meta.xml is at `metaPath` inside `src`.
 *
 * Validation pass (before rows() can yield anything), in this order of reporting (IMPORT_TOO_MANY_ROWS
 * as soon as core and extension rows together pass the row cap):
 * - `DWCA_FIELD_COUNT_MISMATCH` for a core row whose field count differs from the highest declared index + 1;
 * - `DWCA_ORPHANED_EXTENSION_ROWS` for extension rows whose coreid matches no core id (core ids are kept in a Set);
 * - `DWCA_FIELD_COUNT_MISMATCH` for extension rows;
 * - `DWCA_UNSUPPORTED_CORE` when the core is neither Occurrence (incl. legacy `…/DarwinCore`) nor Event.
 *
 * Occurrence core: one 'occurrence' per core row; extensions are checked but ignored (warning).
 * Event core: 'event' per core row (Humboldt `eco:Event` extension rows merged in), then one
 * 'occurrence' per Occurrence-extension row with eventID defaulting to its coreid.
 */
export async function openDwca(src: ArchiveSource, metaPath: string, opts: { importId: string; limits?: ImportLimits }): Promise<ImportSource> {
  const budget = new RowBudget(opts.limits ?? DEFAULT_IMPORT_LIMITS);
  const xml = (await src.readBuffer(metaPath)).toString('utf8').replace(/^\uFEFF/, '');
  const { core, extensions } = parseMetaXml(xml, metaPath, src);
  const warnings: string[] = [];
  if (src.ignored.length > 0) {
    warnings.push(`Ignored ${src.ignored.length} macOS metadata or hidden entr${src.ignored.length === 1 ? 'y' : 'ies'} (__MACOSX/, dot-files).`);
  }

  // Core pass: field counts, row count, and the core ids extensions must point to.
  const coreIds = extensions.length > 0 ? new Set<string>() : null;
  let coreRows = 0;
  let coreProblem: FieldCountProblem | null = null;
  for await (const row of readRows(src, core)) {
    coreRows++;
    budget.add(core.location);
    if (row.length !== core.expectedFields) {
      if (coreProblem === null) coreProblem = { file: core.location, declared: core.expectedFields, row: coreRows, found: row.length, rows: 0 };
      coreProblem.rows++;
    }
    if (coreIds && core.idIndex !== null) coreIds.add(row[core.idIndex] ?? '');
  }
  if (coreProblem) throw fieldCountError(coreProblem);

  // Extension passes: orphans and field counts.
  const orphans: { file: string; coreids: string[]; rows: number[]; count: number }[] = [];
  let extProblem: FieldCountProblem | null = null;
  const extRows = new Map<DataFileSpec, number>();
  for (const ext of extensions) {
    let n = 0;
    let problem: FieldCountProblem | null = null;
    const o = { file: ext.location, coreids: [] as string[], rows: [] as number[], count: 0 };
    for await (const row of readRows(src, ext)) {
      n++;
      budget.add(ext.location);
      if (row.length !== ext.expectedFields) {
        if (problem === null) problem = { file: ext.location, declared: ext.expectedFields, row: n, found: row.length, rows: 0 };
        problem.rows++;
      }
      const cid = row[ext.idIndex ?? 0] ?? '';
      if (coreIds && !coreIds.has(cid)) {
        o.count++;
        if (o.rows.length < MAX_LISTED_ORPHANS) o.rows.push(n);
        if (!o.coreids.includes(cid) && o.coreids.length < MAX_LISTED_ORPHANS) o.coreids.push(cid);
      }
    }
    extRows.set(ext, n);
    if (o.count > 0) orphans.push(o);
    if (problem && !extProblem) extProblem = problem;
  }
  if (orphans.length > 0) {
    const list = orphans.map((o) => `${o.file} (${o.count} row${o.count === 1 ? '' : 's'}, coreid ${o.coreids.join(', ')})`).join('; ');
    throw new ImportFormatError('DWCA_ORPHANED_EXTENSION_ROWS', `Extension rows point to core ids that do not exist in ${core.location}: ${list}`, { orphans });
  }
  if (extProblem) throw fieldCountError(extProblem);
  if (core.rowKind !== 'occurrence' && core.rowKind !== 'event') {
    throw new ImportFormatError(
      'DWCA_UNSUPPORTED_CORE',
      `The archive's core is ${core.rowType || '(no rowType)'}; only Occurrence and Event cores can be imported`,
      { rowType: core.rowType },
    );
  }

  const occurrenceExts = core.rowKind === 'event' ? extensions.filter((e) => e.rowKind === 'occurrence') : [];
  const humboldtExts = core.rowKind === 'event' ? extensions.filter((e) => e.rowKind === 'humboldt') : [];
  for (const ext of extensions) {
    if (!occurrenceExts.includes(ext) && !humboldtExts.includes(ext)) {
      warnings.push(`Extension ${ext.location} (${ext.rowType}) is not imported by this platform; its ${extRows.get(ext) ?? 0} rows were checked and ignored.`);
    }
  }
  const totalRows = coreRows + occurrenceExts.reduce((s, e) => s + (extRows.get(e) ?? 0), 0);
  const coreKind = core.rowKind;

  async function* rows(): AsyncGenerator<ParsedRow> {
    // Humboldt rows (one per event) are joined to their event; kept in memory, like the core ids.
    const humboldt = new Map<string, DwcRecord>();
    for (const ext of humboldtExts) {
      for await (const row of readRows(src, ext)) {
        const cid = row[ext.idIndex ?? 0] ?? '';
        const rec = buildRecord(ext, row);
        const prev = humboldt.get(cid) ?? {};
        for (const [k, v] of Object.entries(rec)) if (v !== '' && (prev[k] === undefined || prev[k] === '')) prev[k] = v;
        humboldt.set(cid, prev);
      }
    }
    let rowNumber = 0;
    for await (const row of readRows(src, core)) {
      rowNumber++;
      const id = core.idIndex === null ? undefined : row[core.idIndex];
      const raw = buildRecord(core, row);
      if (coreKind === 'event' && id !== undefined) {
        const extra = humboldt.get(id);
        if (extra) for (const [k, v] of Object.entries(extra)) if (raw[k] === undefined || raw[k] === '') raw[k] = v;
      }
      const kind = coreKind === 'event' ? 'event' : 'occurrence';
      const record = finishRecord(raw, { kind, importId: opts.importId, file: core.location, rowNumber, idFallbacks: [id] });
      yield { kind, rowNumber, file: core.location, record };
    }
    for (const ext of occurrenceExts) {
      let n = 0;
      for await (const row of readRows(src, ext)) {
        n++;
        const raw = buildRecord(ext, row);
        const coreid = row[ext.idIndex ?? 0] ?? '';
        if ((raw.eventID ?? '').trim() === '') raw.eventID = coreid;
        const record = finishRecord(raw, { kind: 'occurrence', importId: opts.importId, file: ext.location, rowNumber: n });
        yield { kind: 'occurrence', rowNumber: n, file: ext.location, record };
      }
    }
  }

  return {
    format: 'dwca',
    rows,
    totalRows,
    warnings,
    stats: {},
    close: () => src.close(),
  };
}
