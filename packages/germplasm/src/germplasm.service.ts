import { createHash } from 'node:crypto';
import { withTx, type Db, type DbOrTx, type Tx } from '@biomon/db';
import { AppError, csvLine, escapeInvalidTextDeep, invalidTextErrors, tsvLine, type FieldError } from '@biomon/core';
import { writeAudit, type Actor, type ActorRole } from '@biomon/auth';
import { writeOutbox } from '@biomon/queue';
import { projectPassport, viewerOf, type Viewer } from '@biomon/sensitive';
import {
  findImport,
  markImportCompleted,
  markImportFailed,
  markImportRunning,
  matchTaxa,
  openPlainTable,
  plainTableHeader,
  plainTableXlsxStream,
  setImportFormat,
  setImportProgress,
  recordImportErrors,
  ImportFormatError,
  type BatchResult,
  type BatchWarning,
  type ImportLimits,
  type RejectedRecord,
} from '@biomon/occurrences';
import {
  countAccessions,
  knownInstitutionCodes,
  listInstitutions,
  readAccessionRows,
  upsertAccessions,
  upsertInstitution,
  type AccessionFilter,
  type AccessionValues,
} from './germplasm.repository';
import { EXPORT_COLUMNS, INSTITUTION_TYPES, isMcpdHeader, validatePassport, type Passport } from './mcpd';

/** Roles that write the registry (admin may do everything). */
const WRITERS: ReadonlySet<ActorRole> = new Set(['admin', 'department', 'system', 'cli']);
/** Accessions per request of POST /v1/germplasm/accessions, and per chunk of an import. */
export const MAX_ACCESSION_BATCH = 5000;
const CHUNK = 2000;
/** The cell of a name that matched nothing (fail closed), as for occurrences. */
const UNMATCHED_CELL_M = 10_000;

function mayWrite(actor: Actor): void {
  if (!WRITERS.has(actor.role))
    throw new AppError('FORBIDDEN', 'only admin and department tokens write the germplasm registry (种质资源登记)', { reason: 'role' });
}

// ---- institutions ---------------------------------------------------------------------------------

export interface InstitutionIn {
  code: string;
  name: string;
  nameEn?: string | null;
  type: string;
  location?: { type: 'Point'; coordinates: number[] } | null;
  address?: string | null;
  department?: string | null;
}

export interface InstitutionOut {
  code: string;
  name: string;
  nameEn: string | null;
  type: string;
  location: { type: 'Point'; coordinates: [number, number] } | null;
  address: string | null;
  department: string | null;
  accessions: number;
  livingAccessions: number;
  taxa: number;
}

/** Registers or updates an institution (by code); admin and department tokens. */
export async function saveInstitution(
  db: Db | Tx,
  input: InstitutionIn,
  opts: { actor: Actor; route: string },
): Promise<{ institution: InstitutionOut; created: boolean }> {
  mayWrite(opts.actor);
  const errors: FieldError[] = [];
  const bad = invalidTextErrors(input);
  if (bad.length) throw new AppError('TEXT_INVALID_CHARACTER', undefined, { errors: bad });
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$/.test(input.code))
    errors.push({ field: 'code', code: 'INSTCODE_INVALID', message: 'letters, digits, . _ - (e.g. CHN001, JL-GB-001)' });
  if (!(INSTITUTION_TYPES as readonly string[]).includes(input.type)) {
    errors.push({ field: 'type', code: 'INSTITUTION_TYPE_INVALID', message: `one of ${INSTITUTION_TYPES.join(', ')}` });
  }
  let lon: number | null = null;
  let lat: number | null = null;
  if (input.location) {
    const [x, y] = input.location.coordinates;
    if (!Number.isFinite(x) || !Number.isFinite(y) || Math.abs(x) > 180 || Math.abs(y) > 90) {
      errors.push({ field: 'location', code: 'COORDINATE_INVALID', message: 'a GeoJSON Point [lon, lat] in WGS84' });
    } else [lon, lat] = [x, y];
  }
  if (errors.length) throw new AppError('VALIDATION_FAILED', 'the institution is invalid', { errors });
  const created = await withTx(db, async (tx) => {
    const r = await upsertInstitution(tx, {
      code: input.code,
      name: input.name,
      nameEn: input.nameEn ?? null,
      type: input.type,
      lon,
      lat,
      address: input.address ?? null,
      department: input.department ?? opts.actor.departmentName ?? null,
      createdBy: opts.actor.label,
    });
    await writeAudit(tx, opts.actor, {
      action: r.inserted ? 'germplasm.institutions.create' : 'germplasm.institutions.update',
      entity: 'germplasm_institution',
      entityIds: [input.code],
      route: opts.route,
      summary: { name: input.name, type: input.type },
    });
    return r.inserted;
  });
  const [institution] = await getInstitutions(db, { code: input.code });
  return { institution, created };
}

export async function getInstitutions(db: DbOrTx, q: { type?: string; code?: string } = {}): Promise<InstitutionOut[]> {
  const rows = await listInstitutions(db, q);
  return rows.map((r) => ({
    code: r.code,
    name: r.name,
    nameEn: r.name_en,
    type: r.type,
    location: r.lon === null || r.lat === null ? null : { type: 'Point', coordinates: [Number(r.lon), Number(r.lat)] },
    address: r.address,
    department: r.department,
    accessions: r.accessions,
    livingAccessions: r.living_accessions,
    taxa: r.taxa,
  }));
}

// ---- accessions: writes -----------------------------------------------------------------------------

const hashOf = (p: Passport, taxonId: number | null) =>
  createHash('sha1')
    // keys sorted: the same passport from a file with other column orders is the same
    .update(JSON.stringify([Object.entries(p.fields).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)), p.domain, taxonId]))
    .digest('hex');

/**
 * Validates and upserts MCPD passports by (INSTCODE, ACCENUMB): the batch answer of BRIEF §9.
 * Each row is matched to the checklist (GENUS SPECIES SUBTAXA: synonyms, infraspecific names rolled
 * up to their species, fuzzy) like occurrences; its institution must be registered
 * (GERMPLASM_INSTITUTION_UNKNOWN on INSTCODE); the same key twice in one batch is refused after the
 * first (MCPD_DUPLICATE_ACCESSION). Nothing stored and something refused → 422 BATCH_REJECTED.
 */
export async function ingestAccessions(
  db: Db | Tx,
  records: unknown[],
  opts: { actor: Actor; route: string; importId?: string | null; keepUnknown?: boolean; throwWhenNothingStored?: boolean },
): Promise<BatchResult> {
  mayWrite(opts.actor);
  const rejected: RejectedRecord[] = [];
  const warnings: BatchWarning[] = [];
  const ok: { index: number; p: Passport; flags: string[] }[] = [];
  const seen = new Set<string>();
  records.forEach((rec, index) => {
    const bad = invalidTextErrors(rec);
    if (bad.length) {
      rejected.push({ index, errors: bad });
      return;
    }
    const v = validatePassport(rec, { keepUnknown: opts.keepUnknown });
    if (!v.ok) {
      rejected.push({ index, id: v.id, errors: v.errors });
      return;
    }
    const key = `${v.passport.instcode}\u0000${v.passport.accenumb}`;
    if (seen.has(key)) {
      rejected.push({
        index,
        id: `${v.passport.instcode}/${v.passport.accenumb}`,
        errors: [{ field: 'ACCENUMB', code: 'MCPD_DUPLICATE_ACCESSION', message: 'the same INSTCODE and ACCENUMB appear earlier in this batch' }],
      });
      return;
    }
    seen.add(key);
    ok.push({ index, p: v.passport, flags: v.warnings });
  });
  const known = await knownInstitutionCodes(db, [...new Set(ok.map((o) => o.p.instcode))]);
  const valid = ok.filter((o) => {
    if (known.has(o.p.instcode)) return true;
    rejected.push({
      index: o.index,
      id: `${o.p.instcode}/${o.p.accenumb}`,
      errors: [
        {
          field: 'INSTCODE',
          code: 'GERMPLASM_INSTITUTION_UNKNOWN',
          message: `institution ${o.p.instcode} is not registered: POST /v1/germplasm/institutions first`,
        },
      ],
    });
    return false;
  });
  const matches = await matchTaxa(db, [...new Set(valid.map((o) => o.p.scientificName))]);
  const values: AccessionValues[] = valid.map((o) => {
    const m = matches.get(o.p.scientificName)!;
    if (m.flag) o.flags.push(m.flag);
    if (o.flags.length)
      warnings.push({ index: o.index, id: `${o.p.instcode}/${o.p.accenumb}`, flags: o.flags, ...(m.note ? { notes: { taxon: m.note } } : {}) });
    return {
      instcode: o.p.instcode,
      accenumb: o.p.accenumb,
      domain: o.p.domain,
      scientificName: o.p.scientificName,
      taxonId: m.taxonId,
      taxonMatch: m.match,
      cropname: o.p.cropname,
      sampstat: o.p.sampstat,
      storage: o.p.storage,
      mlsstat: o.p.mlsstat,
      origcty: o.p.origcty,
      acqdate: o.p.acqdate,
      colldate: o.p.colldate,
      lon: o.p.lon,
      lat: o.p.lat,
      passport: JSON.stringify(o.p.fields),
      contentHash: hashOf(o.p, m.taxonId),
    };
  });
  rejected.sort((a, b) => a.index - b.index);
  let stored = { inserted: 0, updated: 0 };
  if (values.length) {
    stored = await withTx(db, async (tx) => {
      const r = await upsertAccessions(tx, values, { importId: opts.importId ?? null, createdBy: opts.actor.label, defaultCellM: UNMATCHED_CELL_M });
      if (r.inserted + r.updated > 0) {
        await writeAudit(tx, opts.actor, {
          action: 'germplasm.accessions.upsert',
          entity: 'germplasm_accession',
          entityIds: values.slice(0, 100).map((v) => `${v.instcode}/${v.accenumb}`),
          route: opts.route,
          summary: { inserted: r.inserted, updated: r.updated, rows: values.length, importId: opts.importId ?? null },
        });
        // the ex-situ coverage indicators are stale now
        await writeOutbox(tx, [{ queue: 'system', jobName: 'data-changed', payload: { kind: 'germplasm', count: r.inserted + r.updated } }]);
      }
      return r;
    });
  }
  const result: BatchResult = {
    inserted: stored.inserted,
    updated: stored.updated,
    unchanged: values.length - stored.inserted - stored.updated,
    rejected,
    warnings,
  };
  if (opts.throwWhenNothingStored !== false && values.length === 0 && rejected.length > 0) {
    throw new AppError('BATCH_REJECTED', 'no accession could be stored', { rejected });
  }
  return result;
}

// ---- accessions: reads --------------------------------------------------------------------------

export interface AccessionOut {
  id: string;
  instcode: string;
  accenumb: string;
  institutionName: string;
  domain: string;
  scientificName: string;
  taxon: { acceptedName: string; chineseName: string | null; match: string; protectionClass: string | null } | null;
  passport: Record<string, string>;
  location: { type: 'Point'; coordinates: [number, number] } | null;
  generalised: boolean;
  dataGeneralizations: string | null;
  informationWithheld: string | null;
  version: number;
  updatedAt: string;
}

export interface AccessionQuery extends AccessionFilter {
  limit: number;
  afterId?: string;
}

/** A page of accessions as the viewer sees them: sensitive collecting sites through @biomon/sensitive. */
export async function readAccessions(db: DbOrTx, who: Viewer | null, q: AccessionQuery): Promise<{ accessions: AccessionOut[]; lastId: string | null }> {
  const viewer = viewerOf(who);
  const rows = await readAccessionRows(db, viewer, q);
  const accessions = rows.map((r): AccessionOut => {
    const lon = r.lon === null ? null : Number(r.lon);
    const lat = r.lat === null ? null : Number(r.lat);
    const shown = projectPassport({ passport: r.passport, generalised: r.generalised, lon, lat, cellM: r.cell_m });
    return {
      id: r.id,
      instcode: r.instcode,
      accenumb: r.passport.ACCENUMB,
      institutionName: r.institution_name,
      domain: r.domain,
      scientificName: r.scientific_name,
      taxon: r.accepted_name ? { acceptedName: r.accepted_name, chineseName: r.chinese_name, match: r.taxon_match, protectionClass: r.protection_class } : null,
      passport: shown.passport,
      location: lon === null || lat === null ? null : { type: 'Point', coordinates: [lon, lat] },
      generalised: shown.generalised,
      dataGeneralizations: shown.dataGeneralizations,
      informationWithheld: shown.informationWithheld,
      version: r.version,
      updatedAt: new Date(r.updated_at).toISOString(),
    };
  });
  return { accessions, lastId: rows.length ? rows[rows.length - 1].id : null };
}

export async function accessionCount(db: DbOrTx, q: AccessionFilter): Promise<number> {
  return countAccessions(db, q);
}

// ---- MCPD files out ---------------------------------------------------------------------------------

export type McpdFormat = 'csv' | 'tsv' | 'xlsx';
export const MCPD_CONTENT_TYPES: Record<McpdFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  tsv: 'text/tab-separated-values; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

/** The passports of a filter as the viewer sees them, page by page (the MCPD columns, then DOMAIN). */
async function* passportRows(db: DbOrTx, who: Viewer | null, q: AccessionFilter): AsyncGenerator<string[]> {
  let afterId: string | undefined;
  for (;;) {
    const { accessions, lastId } = await readAccessions(db, who, { ...q, limit: 2000, afterId });
    for (const a of accessions) yield EXPORT_COLUMNS.map((c) => (c === 'DOMAIN' ? a.domain : (a.passport[c] ?? '')));
    if (accessions.length < 2000 || lastId === null) return;
    afterId = lastId;
  }
}

/**
 * An MCPD file of the accessions a filter selects, as the viewer sees them: CSV (UTF-8 with a BOM,
 * so that Excel in China opens it) or TSV with the standard's column names, or an Excel workbook.
 * Multi-values stay ';'-separated in their cell. Yields text chunks (CSV/TSV) or one Buffer (XLSX).
 */
export async function* exportMcpd(db: DbOrTx, who: Viewer | null, q: AccessionFilter, format: McpdFormat): AsyncGenerator<string | Buffer> {
  if (format === 'xlsx') {
    // streamed: a large registry is never one workbook in memory
    for await (const chunk of plainTableXlsxStream('MCPD', [...EXPORT_COLUMNS], passportRows(db, who, q))) yield chunk as Buffer;
    return;
  }
  // the platform's one delimited writer (@biomon/core): CSV formula-guarded, TSV verbatim
  const line = format === 'tsv' ? tsvLine : csvLine;
  let buf = `${format === 'csv' ? '\uFEFF' : ''}${line([...EXPORT_COLUMNS])}`;
  for await (const r of passportRows(db, who, q)) {
    buf += line(r);
    if (buf.length > 64 * 1024) {
      yield buf;
      buf = '';
    }
  }
  if (buf) yield buf;
}

// ---- MCPD files in (POST /v1/imports) ------------------------------------------------------------

export { isMcpdHeader };

/** Whether an import is an MCPD file (created with kind 'mcpd'): the worker hands it here. */
export async function isMcpdImport(db: DbOrTx, importId: string): Promise<boolean> {
  const imp = await findImport(db, importId);
  return imp?.options?.kind === 'mcpd';
}

/** Whether a role may upload an MCPD file. */
export function mayImportMcpd(actor: Actor): boolean {
  return WRITERS.has(actor.role);
}

/**
 * What an upload to POST /v1/imports is: 'mcpd' when it is a table (CSV/TSV/TXT, or an Excel
 * workbook's first sheet) whose header names INSTCODE and ACCENUMB, else undefined (Darwin Core,
 * @biomon/occurrences). An MCPD file needs an admin or department token; a department token
 * imports MCPD files only (403 FORBIDDEN, reason scope).
 */
export async function classifyUpload(filePath: string, fileName: string, actor: Actor): Promise<'mcpd' | undefined> {
  const header = await plainTableHeader(filePath, fileName);
  const mcpd = header !== null && isMcpdHeader(header);
  if (mcpd && !mayImportMcpd(actor)) {
    throw new AppError('FORBIDDEN', 'MCPD germplasm files (INSTCODE, ACCENUMB) are imported by admin and department tokens (种质资源由主管部门登记)', {
      reason: 'scope',
    });
  }
  if (!mcpd && actor.role === 'department') {
    throw new AppError('FORBIDDEN', 'department tokens import MCPD germplasm files only (header with INSTCODE and ACCENUMB)', { reason: 'scope' });
  }
  return mcpd ? 'mcpd' : undefined;
}

interface McpdCounts {
  inserted: number;
  updated: number;
  unchanged: number;
  rejected: number;
  format?: string;
}

/**
 * The worker's job for an MCPD import: reads the CSV/TSV/XLSX in chunks through the same validation
 * and idempotent upserts as POST /v1/germplasm/accessions, records each refused row (errors.csv),
 * reports progress. Columns outside MCPD v2.1 (and DOMAIN) are kept in the passport as written
 * (never an error), and withheld from viewers below evaluator. Returns null when the import
 * failed (file-level problem), is finished, or does not exist.
 */
export async function processMcpdImport(db: Db, importId: string, limits?: ImportLimits): Promise<McpdCounts | null> {
  const imp = await findImport(db, importId);
  if (!imp || imp.status === 'completed' || imp.status === 'failed') return null;
  await markImportRunning(db, importId);
  const actor: Actor = {
    tokenId: imp.token_id,
    role: (imp.role ?? 'department') as ActorRole,
    team: imp.team,
    stationId: imp.station_id,
    label: `import:${importId}`,
  };
  let table;
  try {
    table = await openPlainTable(imp.file_path, { file: imp.file_name, limits });
    if (!isMcpdHeader(table.header))
      throw new ImportFormatError('MCPD_HEADER_MISSING', `${imp.file_name}: the header must name INSTCODE and ACCENUMB (MCPD v2.1)`);
  } catch (err) {
    if (table) await table.close();
    if (err instanceof ImportFormatError) {
      await markImportFailed(db, importId, err.code, err.message);
      return null;
    }
    throw err;
  }
  const counts: McpdCounts = { inserted: 0, updated: 0, unchanged: 0, rejected: 0, format: `mcpd-${table.format}` };
  try {
    const header = table.header;
    await setImportFormat(db, importId, {
      format: `mcpd-${table.format}`,
      rowsTotal: table.totalRows,
      columns: JSON.stringify(
        escapeInvalidTextDeep([{ file: imp.file_name, columns: header.map((h, i) => ({ column: i + 1, header: h, term: null, via: 'mcpd' })) }]),
      ),
    });
    let chunk: { rowNumber: number; record: Record<string, string> }[] = [];
    let done = 0;
    const flush = async () => {
      if (!chunk.length) return;
      const res = await ingestAccessions(
        db,
        chunk.map((c) => c.record),
        { actor, route: 'import', importId, keepUnknown: true, throwWhenNothingStored: false },
      );
      await recordImportErrors(
        db,
        importId,
        chunk.map((c) => ({ file: imp.file_name, rowNumber: c.rowNumber })),
        res.rejected,
      );
      counts.inserted += res.inserted;
      counts.updated += res.updated;
      counts.unchanged += res.unchanged;
      counts.rejected += res.rejected.length;
      done += chunk.length;
      chunk = [];
      await setImportProgress(db, importId, done, JSON.stringify(counts));
    };
    for await (const row of table.rows()) {
      const record: Record<string, string> = {};
      header.forEach((h, i) => {
        if (h !== '' && row.cells[i] !== undefined && row.cells[i] !== '') record[h] = row.cells[i];
      });
      chunk.push({ rowNumber: row.rowNumber, record });
      if (chunk.length >= CHUNK) await flush();
    }
    await flush();
    await markImportCompleted(db, importId, done, JSON.stringify(escapeInvalidTextDeep({ ...counts, warnings: table.warnings })));
    return counts;
  } catch (err) {
    if (err instanceof ImportFormatError) {
      await markImportFailed(db, importId, err.code, err.message);
      return null;
    }
    throw err;
  } finally {
    await table.close();
  }
}
