/**
 * Darwin Core Archive exports (BRIEF §4, §8). POST /v1/exports/dwca stores an export row and its
 * job in one transaction (202); the worker streams the selected rows out of PostgreSQL through
 * server-side cursors in one read-only snapshot, writes the data files, meta.xml and eml.xml, and
 * zips them into the file store (exports/<id>.zip). Generalisation is fixed on the row when it is
 * requested: evaluators and admins get exact points, everyone else the generalised view — shaped by
 * the one sensitive-data projection (@biomon/sensitive) like GET /v1/occurrences, so a record looks
 * the same in both.
 *
 * Structure (GBIF Darwin Core text guide): tab-separated UTF-8 files with one header row, each
 * declared in meta.xml. When every selected occurrence belongs to a stored survey event the core
 * is event.txt (the events and their ancestors, unique eventIDs), with humboldt.txt (the GBIF
 * Humboldt extension, rowType eco:Event, one row per event that has Humboldt terms) and
 * occurrence.txt as extensions whose coreid is the eventID; otherwise occurrence.txt is the core
 * (unique occurrenceIDs). An archive never mixes the two: an occurrence without a stored event
 * would have no core row to point at.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';
import type pg from 'pg';
import yazl from 'yazl';
import type { Db } from '@biomon/db';
import { AppError } from '@biomon/core';
import type { EmlConfig } from '@biomon/config';
import { writeOutbox, QUEUES } from '@biomon/queue';
import { writeAudit, type Actor } from '@biomon/auth';
import { eventReadSql, occurrenceReadSql, PUBLIC_VIEWER, seesExact, SYSTEM_VIEWER, type EventRow, type OccurrenceOut } from '@biomon/sensitive';
import { ReadSnapshot } from './cursor';
import { tsvLine } from './dwc-text';
import { buildEml } from './eml';
import { buildMetaXml, orderTerms, ROW_TYPES, type DataFileDecl } from './meta-xml';
import { filterFromJson, filterToJson, type OccurrenceFilter } from './occurrence-filters';
import { exportEventIdsSql, exportSummarySql, findExport, insertExport, markExport, type ExportRow, type ExportSummary } from './export.repository';
import { LineWriter } from './line-writer';

export const EXPORT_JOB = { queue: QUEUES.exports, name: 'dwca' } as const;

/** Records the export and its job in one transaction; the job id follows from the row (outbox id). */
export async function requestDwcaExport(
  db: Db,
  filter: OccurrenceFilter,
  who: Pick<Actor, 'tokenId' | 'role' | 'label'>,
): Promise<{ exportId: string; status: string; generalised: boolean }> {
  return db.transaction().execute(async (tx) => {
    const exact = seesExact(who);
    const row = await insertExport(tx, {
      kind: 'dwca',
      filters: JSON.stringify(filterToJson(filter)),
      exact,
      requester_role: who.role,
      token_id: who.tokenId,
      counts: JSON.stringify({}),
    });
    await writeOutbox(tx, [{ queue: EXPORT_JOB.queue, jobName: EXPORT_JOB.name, payload: { exportId: row.id } }]);
    await writeAudit(tx, who, {
      action: 'exports.create',
      entity: 'export',
      entityIds: [row.id],
      route: 'POST /v1/exports/dwca',
      summary: { filters: filterToJson(filter), exact },
    });
    return { exportId: row.id, status: row.status, generalised: !exact };
  });
}

/** The export if the caller may see it: its requester, or an admin. Others get 404 (its existence is not theirs to know). */
export async function readableExport(db: Db, id: string, who: Pick<Actor, 'tokenId' | 'role'>): Promise<ExportRow> {
  const row = await findExport(db, id);
  if (!row || (who.role !== 'admin' && (row.token_id === null || row.token_id !== who.tokenId))) throw new AppError('NOT_FOUND', `No export ${id}`);
  return row;
}

export function exportView(row: ExportRow) {
  return {
    exportId: row.id,
    kind: row.kind,
    status: row.status,
    core: row.core,
    generalised: !row.exact,
    requesterRole: row.requester_role,
    filters: row.filters,
    counts: row.counts,
    sizeBytes: row.size_bytes,
    sha256: row.sha256,
    error: row.error,
    createdAt: row.created_at,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    links: { self: `/v1/exports/${row.id}`, download: row.status === 'completed' ? `/v1/exports/${row.id}/download` : null },
  };
}

export const exportFileName = (row: ExportRow): string => `biomon-dwca-${row.created_at.toISOString().slice(0, 10)}-${row.id.slice(0, 8)}.zip`;

export interface ExportCounts {
  core: 'event' | 'occurrence';
  occurrences: number;
  events: number;
  humboldt: number;
  generalisedOccurrences: number;
  generalisedEvents: number;
  /** Selected occurrences without a stored survey event: any makes the archive an Occurrence core (no event or Humboldt rows). */
  occurrencesWithoutStoredEvent: number;
  ms: number;
  rowsPerSecond: number;
}

/** Cell values of an occurrence row in column order. Exact points keep their full stored precision. */
function occurrenceCells(r: OccurrenceOut, columns: string[]): unknown[] {
  return columns.map((k) => {
    if (!r.generalised && k === 'decimalLatitude') return r.lat;
    if (!r.generalised && k === 'decimalLongitude') return r.lon;
    return r.record[k];
  });
}

/**
 * The worker's job: builds the archive of an export row. Idempotent: a completed export is left
 * as it is; a re-run rewrites the zip from scratch (temporary names, then an atomic rename).
 */
export async function runDwcaExport(deps: { db: Db; pool: pg.Pool; fileStoreDir: string; eml: EmlConfig }, exportId: string): Promise<ExportCounts | null> {
  const { db, pool } = deps;
  const row = await findExport(db, exportId);
  if (!row) throw new Error(`export ${exportId} does not exist`);
  if (row.status === 'completed') return null;
  const started = Date.now();
  await markExport(db, exportId, { status: 'running', started_at: new Date(), error: null });
  const dir = path.join(deps.fileStoreDir, 'exports');
  const work = path.join(dir, `.tmp-${exportId}-${randomBytes(4).toString('hex')}`);
  await mkdir(work, { recursive: true });
  try {
    const filter = filterFromJson(row.filters as Record<string, unknown>);
    // the generalisation was fixed when the export was requested, by the requester's role then
    const viewer = row.exact ? SYSTEM_VIEWER : PUBLIC_VIEWER;
    const occSql = occurrenceReadSql(viewer, filter);
    const snap = await ReadSnapshot.open(pool, db);
    let counts: ExportCounts;
    let summary: ExportSummary;
    const files: { decl: DataFileDecl; file: string }[] = [];
    try {
      // one pass for the archive's shape: counts, coverage, the terms present (columns must be known before the first row)
      [summary] = await snap.all(exportSummarySql(occSql));
      const keyRows = summary.keys.map((k) => ({ k }));
      const core: 'event' | 'occurrence' = summary.n > 0 && summary.with_event === summary.n ? 'event' : 'occurrence';
      const occKeys = keyRows.map((r) => r.k).filter((k) => k !== 'occurrenceID' && k !== 'eventID');
      const occColumns =
        core === 'event'
          ? ['eventID', 'occurrenceID', ...orderTerms(occKeys)]
          : ['occurrenceID', ...orderTerms([...occKeys, ...(keyRows.some((r) => r.k === 'eventID') ? ['eventID'] : [])])];

      let events = 0;
      let humboldt = 0;
      let generalisedEvents = 0;
      if (core === 'event') {
        // the events of the selected records and their ancestors (parentEventID must resolve)
        const eventIds = exportEventIdsSql(occSql);
        const evSql = eventReadSql(viewer, { eventIds });
        // pass 1: the columns (events are few next to records, but still read by cursor)
        const coreKeys = new Set<string>();
        const ecoKeys = new Set<string>();
        for await (const batch of snap.batches<EventRow>(evSql)) {
          for (const r of batch) {
            for (const [k, v] of Object.entries(r.record)) {
              if (v === null || v === undefined || v === '') continue;
              if (k.startsWith('eco:')) ecoKeys.add(k);
              else if (k !== 'eventID') coreKeys.add(k);
            }
          }
        }
        const evColumns = ['eventID', ...orderTerms(coreKeys)];
        const ecoColumns = ['eventID', ...orderTerms(ecoKeys)];
        const evOut = new LineWriter(path.join(work, 'event.txt'));
        const hbOut = new LineWriter(path.join(work, 'humboldt.txt'));
        await evOut.write(tsvLine(evColumns));
        await hbOut.write(tsvLine(ecoColumns));
        for await (const batch of snap.batches<EventRow>(evSql)) {
          for (const r of batch) {
            const rec: Record<string, unknown> = { ...r.record, eventID: r.event_id };
            await evOut.write(tsvLine(evColumns.map((k) => rec[k])));
            events++;
            if (r.generalised) generalisedEvents++;
            if (ecoColumns.slice(1).some((k) => rec[k] !== undefined && rec[k] !== null && rec[k] !== '')) {
              await hbOut.write(tsvLine(ecoColumns.map((k) => rec[k])));
              humboldt++;
            }
          }
        }
        await evOut.close();
        await hbOut.close();
        files.push({ file: 'event.txt', decl: { role: 'core', rowType: ROW_TYPES.event, location: 'event.txt', columns: evColumns } });
        if (humboldt > 0)
          files.push({
            file: 'humboldt.txt',
            decl: { role: 'extension', rowType: ROW_TYPES.humboldt, location: 'humboldt.txt', columns: ecoColumns, idIsField: false },
          });
      }

      const occOut = new LineWriter(path.join(work, 'occurrence.txt'));
      await occOut.write(tsvLine(occColumns));
      let occurrences = 0;
      for await (const batch of snap.batches<OccurrenceOut>(occSql)) {
        for (const r of batch) {
          await occOut.write(tsvLine(occurrenceCells(r, occColumns)));
          occurrences++;
        }
      }
      await occOut.close();
      files.push({
        file: 'occurrence.txt',
        decl: { role: core === 'occurrence' ? 'core' : 'extension', rowType: ROW_TYPES.occurrence, location: 'occurrence.txt', columns: occColumns },
      });
      const ms = Date.now() - started;
      counts = {
        core,
        occurrences,
        events,
        humboldt,
        generalisedOccurrences: summary.g,
        generalisedEvents,
        occurrencesWithoutStoredEvent: summary.n - summary.with_event,
        ms,
        rowsPerSecond: Math.round(((occurrences + events + humboldt) / Math.max(ms, 1)) * 1000),
      };
    } finally {
      await snap.close();
    }

    const coreDecl = files.find((f) => f.decl.role === 'core')!.decl;
    const metaXml = buildMetaXml(
      coreDecl,
      files.filter((f) => f.decl.role === 'extension').map((f) => f.decl),
    );
    const emlXml = buildEml({
      exportId,
      config: deps.eml,
      generalised: !row.exact,
      generalisedRows: counts.generalisedOccurrences + counts.generalisedEvents,
      createdAt: row.created_at,
      filters: row.filters as Record<string, unknown>,
      coverage: { bbox: summary.w === null ? null : [summary.w, summary.s!, summary.e!, summary.nn!], begin: summary.begin, end: summary.end },
    });

    const zip = new yazl.ZipFile();
    zip.addBuffer(Buffer.from(metaXml, 'utf8'), 'meta.xml');
    zip.addBuffer(Buffer.from(emlXml, 'utf8'), 'eml.xml');
    for (const f of files) zip.addFile(path.join(work, f.file), f.file);
    zip.end();
    const hash = createHash('sha256');
    const tmpZip = path.join(work, 'archive.zip');
    await pipeline(
      zip.outputStream,
      new Transform({
        transform(chunk: Buffer, _e, cb) {
          hash.update(chunk);
          cb(null, chunk);
        },
      }),
      createWriteStream(tmpZip),
    );
    const finalPath = path.join(dir, `${exportId}.zip`);
    await rename(tmpZip, finalPath);
    const size = (await stat(finalPath)).size;
    await markExport(db, exportId, {
      status: 'completed',
      core: counts.core,
      counts: JSON.stringify(counts),
      file_path: finalPath,
      size_bytes: size,
      sha256: hash.digest('hex'),
      finished_at: new Date(),
    });
    return counts;
  } catch (err) {
    await markExport(db, exportId, {
      status: 'failed',
      error: JSON.stringify({ code: 'EXPORT_FAILED', message: (err as Error).message }),
      finished_at: new Date(),
    }).catch(() => {});
    throw err;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** The archive of a completed export, as a stream, for its requester or an admin. */
export async function openExportDownload(db: Db, id: string, who: Pick<Actor, 'tokenId' | 'role'>) {
  const row = await readableExport(db, id, who);
  if (row.status !== 'completed' || !row.file_path)
    throw new AppError('CONFLICT', `Export ${id} is ${row.status}; download it when completed`, { status: row.status });
  const size = (await stat(row.file_path)).size;
  return { stream: createReadStream(row.file_path), size, fileName: exportFileName(row), sha256: row.sha256 };
}
