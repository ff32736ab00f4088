import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Transform, type Readable } from 'node:stream';
import type { Db } from '@biomon/db';
import { AppError, csvDocument, escapeInvalidText, escapeInvalidTextDeep, type FieldError } from '@biomon/core';
import { writeOutbox } from '@biomon/queue';
import { writeAudit, type Actor, type ActorRole } from '@biomon/auth';
import type { BatchResult, RejectedRecord } from './batch-result';
import { ingestOccurrences } from './occurrence-ingest.service';
import { ingestSurveyEvents } from './survey-event.service';
import { matchTaxa } from './taxon-match';
import { openImport, ImportFormatError, CSV_TEMPLATE_HEADERS, type ImportLimits, type ParsedRow, type SavedMapping } from './import/index';
import type { ImportMappingOut } from './import-mapping.service';
import { buildTemplateXlsx } from './import/xlsx-template';
import {
  countImportErrors,
  findImport,
  findImportByKey,
  insertImport,
  listImportErrors,
  markImportCompleted,
  markImportFailedRow,
  markImportRunning,
  setImportFormat,
  setImportProgress,
  upsertImportErrors,
} from './import.repository';

export const IMPORT_QUEUE = 'imports';
/** Upload limit of POST /v1/imports. */
export const MAX_IMPORT_BYTES = 512 * 1024 * 1024;
const CHUNK = 1000;

export interface StoredUpload {
  path: string;
  sizeBytes: number;
  contentHash: string;
}

/** Streams an upload to the file store while hashing it (never whole in memory). */
export async function storeUpload(stream: Readable, fileStoreDir: string, fileName: string): Promise<StoredUpload> {
  const dir = path.join(fileStoreDir, 'imports');
  await mkdir(dir, { recursive: true });
  const ext =
    path
      .extname(fileName)
      .toLowerCase()
      .match(/^\.[a-z0-9]{1,8}$/)?.[0] ?? '';
  const tmp = path.join(dir, `.upload-${randomUUID()}${ext}`);
  const hash = createHash('sha256');
  let size = 0;
  try {
    await pipeline(
      stream,
      new Transform({
        transform(chunk: Buffer, _enc, cb) {
          hash.update(chunk);
          size += chunk.length;
          cb(null, chunk);
        },
      }),
      createWriteStream(tmp),
    );
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
  const contentHash = hash.digest('hex');
  const final = path.join(dir, `${contentHash}${ext}`);
  await rename(tmp, final);
  return { path: final, sizeBytes: size, contentHash };
}

/**
 * Registers an upload for import (202). The same file twice (by content hash) is recognised and
 * returns the existing import instead of importing again. The row and its job commit together.
 */
export interface ImportOptions {
  /** a team's saved header mapping (?mapping=name) */
  mapping?: ImportMappingOut;
  /** the coordinate system of a file that does not declare it (?crs=gcj02: tracks from Chinese phone apps) */
  crs?: 'wgs84' | 'gcj02' | 'bd09';
  /** the file is not Darwin Core: 'mcpd' = germplasm passports (@biomon/germplasm processes it, never as occurrences) */
  kind?: 'mcpd';
}

export async function createImport(
  db: Db,
  upload: StoredUpload,
  fileName: string,
  actor: Actor,
  opts: ImportOptions = {},
): Promise<{ importId: string; duplicate: boolean; status: string }> {
  // the same file with another saved mapping (or another version of it), or read in another CRS, is another import
  const key = [
    upload.contentHash,
    opts.mapping ? `mapping:${opts.mapping.owner}/${opts.mapping.name}@${opts.mapping.version}` : null,
    opts.crs ? `crs:${opts.crs}` : null,
    opts.kind ? `kind:${opts.kind}` : null,
  ]
    .filter(Boolean)
    .join(':');
  return db.transaction().execute(async (tx) => {
    const inserted = await insertImport(tx, {
      content_hash: key,
      file_name: fileName.slice(0, 300),
      file_path: upload.path,
      size_bytes: upload.sizeBytes,
      team: actor.team,
      token_id: actor.tokenId,
      role: actor.role,
      station_id: actor.stationId ?? null,
      counts: JSON.stringify({}),
      mapping_name: opts.mapping?.name ?? null,
      mapping: opts.mapping ? JSON.stringify(opts.mapping.columns) : null,
      options: JSON.stringify({ ...(opts.crs ? { crs: opts.crs } : {}), ...(opts.kind ? { kind: opts.kind } : {}) }),
    });
    if (!inserted) {
      const existing = await findImportByKey(tx, key);
      return { importId: existing.id, duplicate: true, status: existing.status };
    }
    await writeOutbox(tx, [{ queue: IMPORT_QUEUE, jobName: 'process', payload: { importId: inserted.id } }]);
    await writeAudit(tx, actor, {
      action: 'imports.create',
      entity: 'import',
      entityIds: [inserted.id],
      route: 'POST /v1/imports',
      summary: { fileName, sizeBytes: upload.sizeBytes },
    });
    return { importId: inserted.id, duplicate: false, status: inserted.status };
  });
}

interface Counts {
  inserted: number;
  updated: number;
  unchanged: number;
  rejected: number;
  events: { inserted: number; updated: number; unchanged: number; rejected: number };
  stats?: Record<string, number>;
}

// Text from the file (ids, names, messages quoting a value) is kept with NUL and unpaired
// surrogates escaped: PostgreSQL refuses them, and a row's report must never fail the import.
const storable = (v: unknown): string => JSON.stringify(escapeInvalidTextDeep(v));

/**
 * Stores an import's rejected rows (by file and row number; idempotent): `rejected[i].index` points
 * into `rows`. Text PostgreSQL cannot store is escaped. Used by every importer (DwC here, MCPD in
 * @biomon/germplasm).
 */
export async function recordImportErrors(
  db: Db,
  importId: string,
  rows: readonly { file: string; rowNumber: number }[],
  rejected: readonly RejectedRecord[],
): Promise<void> {
  if (!rejected.length) return;
  const values = rejected.map((r) => ({
    import_id: importId,
    file: escapeInvalidText(rows[r.index].file),
    row_number: rows[r.index].rowNumber,
    record_id: r.id == null ? null : escapeInvalidText(r.id),
    errors: storable(r.errors),
  }));
  await upsertImportErrors(db, values);
}

async function ingestChunk(db: Db, kind: ParsedRow['kind'], rows: ParsedRow[], actor: Actor, importId: string): Promise<BatchResult> {
  const records = rows.map((r) => r.record);
  try {
    return kind === 'event'
      ? await ingestSurveyEvents(db, records, { actor, importId, route: 'import' })
      : // a (camera-trap) station imports its detections only, as when it posts them (BRIEF §8)
        await ingestOccurrences(db, records, {
          actor,
          importId,
          route: 'import',
          ...(actor.role === 'station' ? { allowedBasisOfRecord: ['MachineObservation'] } : {}),
        });
  } catch (err) {
    if (err instanceof AppError && (err.code === 'BATCH_REJECTED' || err.code === 'VERSION_CONFLICT' || err.code === 'RECORD_OF_OTHER_OWNER')) {
      const rejected = (err.details as { rejected?: RejectedRecord[] })?.rejected ?? [];
      return { inserted: 0, updated: 0, unchanged: 0, rejected, warnings: [] };
    }
    throw err;
  }
}

/**
 * The worker's import job: reads the file in chunks of 1,000 rows through the same validation and
 * idempotent upserts as the API (events before the occurrences that reference them), records every
 * rejected row for errors.csv, and reports progress. A file-level problem (no meta.xml, field
 * counts that do not match, orphaned extension rows, …) fails the import before any row is stored.
 * Re-running is harmless: rows already stored come back as unchanged. `limits` are the archive and
 * row caps (config `importLimits`; the defaults when omitted). Returns null when the file failed
 * (status `failed`, `error: { code, message }`), when the import already finished, or when there
 * is no such import.
 */
export async function processImport(db: Db, importId: string, limits?: ImportLimits): Promise<Counts | null> {
  const imp = await findImport(db, importId);
  // null: nothing to do (no such import, or it already finished); the job tells these apart
  if (!imp || imp.status === 'completed' || imp.status === 'failed') return null;
  if (imp.options?.kind) {
    // another standard's file (MCPD passports): never read as occurrences (the worker hands it to its package)
    await markImportFailed(db, importId, 'IMPORT_FORMAT_UNSUPPORTED', `this import holds ${imp.options.kind} records, not Darwin Core occurrences`);
    return null;
  }
  await markImportRunning(db, importId);
  // the import writes as the token that uploaded it: its role, team and station decide what it may change
  const actor: Actor = {
    tokenId: imp.token_id,
    role: (imp.role ?? 'surveyor') as ActorRole,
    team: imp.team,
    stationId: imp.station_id,
    label: `import:${importId}`,
  };
  const counts: Counts = { inserted: 0, updated: 0, unchanged: 0, rejected: 0, events: { inserted: 0, updated: 0, unchanged: 0, rejected: 0 } };
  let source;
  try {
    source = await openImport(imp.file_path, {
      importId,
      originalName: imp.file_name,
      limits,
      mapping: (imp.mapping as SavedMapping | null) ?? undefined,
      crs: imp.options?.crs,
      matchTaxonNames: (names) => matchTaxa(db, names),
    }); // GPS tracks: waypoints that name a checklist taxon
  } catch (err) {
    if (err instanceof ImportFormatError) {
      await markImportFailed(db, importId, err.code, err.message);
      return null;
    }
    throw err;
  }
  try {
    // how each source column was mapped: shown with the status, before the first row is stored
    await setImportFormat(db, importId, { format: source.format, rowsTotal: source.totalRows, columns: storable(source.columns ?? []) });
    let chunk: ParsedRow[] = [];
    let done = 0;
    const flush = async () => {
      if (!chunk.length) return;
      const kind = chunk[0].kind;
      const res = await ingestChunk(db, kind, chunk, actor, importId);
      await recordImportErrors(db, importId, chunk, res.rejected);
      const target = kind === 'event' ? counts.events : counts;
      target.inserted += res.inserted;
      target.updated += res.updated;
      target.unchanged += res.unchanged;
      target.rejected += res.rejected.length;
      done += chunk.length;
      chunk = [];
      await setImportProgress(db, importId, done, JSON.stringify(counts));
    };
    for await (const row of source.rows()) {
      if (chunk.length && (chunk.length >= CHUNK || chunk[0].kind !== row.kind)) await flush();
      chunk.push(row);
    }
    await flush();
    counts.stats = source.stats;
    const warnings = source.warnings;
    await markImportCompleted(db, importId, done, storable({ ...counts, warnings }));
    return counts;
  } catch (err) {
    if (err instanceof ImportFormatError) {
      await markImportFailed(db, importId, err.code, err.message);
      return null;
    }
    throw err;
  } finally {
    await source.close();
  }
}

/**
 * Records that an import failed for good (`error: { code, message }` on GET /v1/imports/{id}); an
 * import that already finished is left as it is. Returns whether this call marked it.
 */
export async function markImportFailed(db: Db, importId: string, code: string, message: string): Promise<boolean> {
  return markImportFailedRow(db, importId, storable({ code, message }));
}

export async function getImport(db: Db, importId: string) {
  const imp = await findImport(db, importId);
  if (!imp) return null;
  const errors = { n: await countImportErrors(db, importId) };
  return {
    importId: imp.id,
    fileName: imp.file_name,
    sizeBytes: imp.size_bytes,
    format: imp.format,
    status: imp.status,
    progress: { rowsDone: imp.rows_done, rowsTotal: imp.rows_total, percent: imp.rows_total ? Math.round((imp.rows_done / imp.rows_total) * 1000) / 10 : null },
    counts: imp.counts,
    error: imp.error,
    errorRows: errors.n,
    team: imp.team,
    stationId: imp.station_id,
    mapping: imp.mapping_name,
    options: imp.options,
    columns: imp.columns,
    createdAt: imp.created_at,
    startedAt: imp.started_at,
    finishedAt: imp.finished_at,
  };
}

/** The per-row error report: UTF-8 with a BOM so that Excel in China opens it (the platform's one CSV writer, formula-guarded). */
export async function importErrorsCsv(db: Db, importId: string): Promise<string> {
  const rows = await listImportErrors(db, importId);
  const lines: unknown[][] = [['文件 file', '行号 row', '记录编号 id', '字段 field', '错误代码 code', '说明 message']];
  for (const r of rows) for (const e of r.errors as FieldError[]) lines.push([r.file, r.row_number, r.record_id, e.field, e.code, e.message]);
  return csvDocument(lines);
}

/** The example row of the import templates (CSV and Excel), by term. */
const TEMPLATE_EXAMPLE: Record<string, string> = {
  occurrenceID: 'CBS-2025-0001',
  eventID: 'CBS-T01-20250601',
  basisOfRecord: 'HumanObservation',
  scientificName: 'Capreolus pygargus',
  vernacularName: '狍',
  eventDate: '2025-06-01',
  decimalLatitude: '42.05',
  decimalLongitude: '128.06',
  geodeticDatum: 'WGS84',
  individualCount: '2',
  occurrenceStatus: 'present',
  recordedBy: '长白山调查队',
  locality: '长白山北坡',
};

/** The CSV template with one example row: Darwin Core headers, or the Chinese ones (both are accepted). */
export function importTemplateCsv(headers: 'dwc' | 'zh' = 'dwc'): string {
  const header = CSV_TEMPLATE_HEADERS.map((h) => (headers === 'zh' ? h.chinese : h.term));
  const row = CSV_TEMPLATE_HEADERS.map((h) => TEMPLATE_EXAMPLE[h.term] ?? '');
  return csvDocument([header, row]);
}

/**
 * The Excel template (.xlsx): the CSV template's header row and example row (the date as a date
 * cell, numbers as numbers), drop-down lists for basisOfRecord, occurrenceStatus and geodeticDatum
 * on rows 2–10000, and a notes sheet (说明 Notes: each column in Chinese then English, required or
 * not, formats). See import/xlsx-template.ts.
 */
export function importTemplateXlsx(headers: 'dwc' | 'zh' = 'dwc'): Promise<Buffer> {
  return buildTemplateXlsx(headers, TEMPLATE_EXAMPLE);
}

export async function fileSize(p: string): Promise<number> {
  return (await stat(p)).size;
}
