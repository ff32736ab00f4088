/**
 * Entry point of file imports: detects the format of an upload and returns a streaming
 * ImportSource. Formats: Darwin Core Archive (zip or folder with meta.xml), Camtrap DP (zip or
 * folder with a Camtrap DP datapackage.json), plain CSV/TSV (.csv, .txt, .tsv), Excel workbooks
 * (.xlsx: xlsx.reader.ts; .xls through GDAL: xls.reader.ts), GPS tracks (.gpx, .kml, .kmz:
 * track.reader.ts).
 */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { openCamtrapDp, isCamtrapDataPackage } from './camtrap-dp.reader';
import { openCsv } from './csv.reader';
import { openDwca } from './dwca.reader';
import { DEFAULT_IMPORT_LIMITS, type ImportLimits } from './archive-limits';
import { isXlsxArchive, openXlsx } from './xlsx.reader';
import { isOle2File, notAWorkbook, openXls } from './xls.reader';
import { detectTrackFile, isKmzArchive, openKmz, openTrackFile, type TaxonNameLookup } from './track.reader';
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
  /** Checklist lookup (matchTaxa): a GPS track's waypoints become occurrences only when they name a taxon. */
  matchTaxonNames?: TaxonNameLookup;
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
 * - zip holding `[Content_Types].xml` and `xl/workbook.xml` (checked first) → 'xlsx' (xlsx.reader.ts);
 * - an OLE2 compound file (Excel 97–2003 `.xls`) → 'xls', through GDAL's XLS driver (xls.reader.ts),
 *   or `XLS_UNSUPPORTED` where GDAL is missing; `.xlsx`/`.xls` that are neither → `IMPORT_FORMAT_UNSUPPORTED`;
 * - zip with neither, holding a .kml document or named .kmz → 'kmz' (GPS tracks);
 * - zip with neither and no .kml → ImportFormatError `DWCA_META_MISSING`;
 * - `.csv`, `.txt`, `.tsv` (by `originalName`, else the path) → 'csv';
 * - `.gpx`, `.kml`, or another name whose root element is `<gpx>`/`<kml>` → 'gpx' / 'kml' (GPS tracks);
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
      const trackOpts = { importId: opts.importId, file: name, limits: opts.limits, crs: opts.crs, matchTaxonNames: opts.matchTaxonNames };
      if (isXlsxArchive(src)) return await openXlsx(src, { importId: opts.importId, file: name, limits: opts.limits, mapping: opts.mapping });
      if (isKmzArchive(src, name)) return await openKmz(src, trackOpts);
      return await openArchive(src, opts);
    } catch (err) {
      await src.close();
      throw err;
    }
  }
  const ext = path.extname(name).toLowerCase();
  if (await isOle2File(filePath)) return openXls(filePath, { importId: opts.importId, file: name, limits: opts.limits, mapping: opts.mapping });
  if (ext === '.xlsx' || ext === '.xlsm' || ext === '.xls') throw notAWorkbook(name);
  if (ext === '.csv' || ext === '.txt' || ext === '.tsv')
    return openCsv(filePath, { importId: opts.importId, file: name, limits: opts.limits, mapping: opts.mapping });
  const track = await detectTrackFile(filePath, name);
  if (track)
    return openTrackFile(filePath, track, { importId: opts.importId, file: name, limits: opts.limits, crs: opts.crs, matchTaxonNames: opts.matchTaxonNames });
  throw new ImportFormatError(
    'IMPORT_FORMAT_UNSUPPORTED',
    `${name}: unsupported file type; upload a CSV/TSV file, a Darwin Core Archive (.zip), a Camtrap DP package (.zip), an Excel workbook (.xlsx, .xls) or a GPS track (.gpx, .kml, .kmz)`,
  );
}
