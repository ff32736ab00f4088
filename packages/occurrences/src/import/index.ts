/**
 * Entry point of file imports: detects the format of an upload and returns a streaming
 * ImportSource. Formats: Darwin Core Archive (zip or folder with meta.xml), Camtrap DP (zip or
 * folder with a Camtrap DP datapackage.json), plain CSV/TSV (.csv, .txt, .tsv).
 */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { openCamtrapDp, isCamtrapDataPackage } from './camtrap-dp.reader';
import { openCsv } from './csv.reader';
import { openDwca } from './dwca.reader';
import { DEFAULT_IMPORT_LIMITS, type ImportLimits } from './archive-limits';
import { ImportFormatError, type ImportSource } from './import.types';
import { isZipFile, locateFile, openFolderSource, openZipSource, type ArchiveSource } from './zip';

export { ImportFormatError } from './import.types';
export type { DwcRecord, ImportSource, ParsedRow } from './import.types';
export { CSV_TEMPLATE_HEADERS, canonicalTerm, knownTerm, CANONICAL_TERMS } from './dwc-terms';
export { ARCHIVE_LIMIT_CODES, DEFAULT_IMPORT_LIMITS, type ImportLimits } from './archive-limits';
export { planHeader, buildRecord, termCount, namesAnyTerm, mergeDynamic, type ColumnMapping, type HeaderPlan, type SavedMapping } from './columns';
import type { SavedMapping } from './columns';

export interface OpenImportOptions {
  /** Id of this import; part of the synthetic occurrenceID `${importId}:${file}:${rowNumber}`. */
  importId: string;
  /** Name the user uploaded (the stored file may have none); decides CSV vs. other by extension. */
  originalName?: string;
  /** Caps on archives and rows (packages/config ImportLimits); the defaults when omitted. */
  limits?: ImportLimits;
  /** A team's saved header → term mapping (POST /v1/imports?mapping=name) for tabular files. */
  mapping?: SavedMapping;
  /** The coordinate system of coordinates the file does not declare (POST /v1/imports?crs=): wgs84, gcj02 or bd09. */
  crs?: 'wgs84' | 'gcj02' | 'bd09';
}

async function openArchive(src: ArchiveSource, opts: OpenImportOptions): Promise<ImportSource> {
  const dpPath = locateFile(src, 'datapackage.json');
  const metaPath = locateFile(src, 'meta.xml');
  let dpIsOther = false;
  if (dpPath !== undefined) {
    let pkg: unknown;
    try {
      pkg = JSON.parse((await src.readBuffer(dpPath)).toString('utf8').replace(/^\uFEFF/, ''));
    } catch (err) {
      if (err instanceof ImportFormatError) throw err;
      throw new ImportFormatError('CAMTRAPDP_INVALID', `datapackage.json is not valid JSON: ${(err as Error).message}`);
    }
    if (isCamtrapDataPackage(pkg)) return openCamtrapDp(src, dpPath, pkg as Record<string, unknown>, { importId: opts.importId, limits: opts.limits });
    dpIsOther = true;
  }
  if (metaPath !== undefined) return openDwca(src, metaPath, { importId: opts.importId, limits: opts.limits });
  if (dpIsOther) {
    throw new ImportFormatError('CAMTRAPDP_PROFILE_UNSUPPORTED', 'datapackage.json is not a Camera Trap Data Package (Camtrap DP) and there is no meta.xml');
  }
  throw new ImportFormatError('DWCA_META_MISSING', 'meta.xml is missing: not a Darwin Core Archive', { files: src.files });
}

/**
 * Opens an uploaded file or folder for import.
 *
 * - zip or folder with a Camtrap DP `datapackage.json` → 'camtrap-dp';
 * - zip or folder with `meta.xml` (at the root or in a sub-folder) → 'dwca';
 * - zip with neither → ImportFormatError `DWCA_META_MISSING`;
 * - `.csv`, `.txt`, `.tsv` (by `originalName`, else the path) → 'csv';
 * - anything else → ImportFormatError `IMPORT_FORMAT_UNSUPPORTED`.
 *
 * Zips are held to the archive caps of `opts.limits` (ARCHIVE_TOO_MANY_ENTRIES, ARCHIVE_TOO_LARGE,
 * ARCHIVE_COMPRESSION_RATIO) before anything is inflated, and every import to its row cap
 * (IMPORT_TOO_MANY_ROWS) before any row is yielded.
 * `__MACOSX/` entries and dot-files are ignored in archives and folders. Archive-level problems
 * (malformed meta.xml, wrong field counts, orphaned extension rows, …) are thrown here, before any
 * row is read. Callers must `close()` the source.
 */
export async function openImport(filePath: string, opts: OpenImportOptions): Promise<ImportSource> {
  let info;
  try {
    info = await stat(filePath);
  } catch {
    throw new ImportFormatError('IMPORT_FILE_NOT_FOUND', `${opts.originalName ?? path.basename(filePath)} cannot be read`);
  }
  const name = path.basename(opts.originalName ?? filePath);
  let src: ArchiveSource | null = null;
  if (info.isDirectory()) src = await openFolderSource(filePath);
  else if (await isZipFile(filePath)) src = await openZipSource(filePath, opts.limits ?? DEFAULT_IMPORT_LIMITS);
  if (src !== null) {
    try {
      return await openArchive(src, opts);
    } catch (err) {
      await src.close();
      throw err;
    }
  }
  const ext = path.extname(name).toLowerCase();
  if (ext === '.csv' || ext === '.txt' || ext === '.tsv') return openCsv(filePath, { importId: opts.importId, file: name, limits: opts.limits, mapping: opts.mapping });
  throw new ImportFormatError(
    'IMPORT_FORMAT_UNSUPPORTED',
    `${name}: unsupported file type; upload a CSV/TSV file, a Darwin Core Archive (.zip) or a Camtrap DP package (.zip)`,
  );
}
