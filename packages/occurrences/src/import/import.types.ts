/**
 * File imports (CSV, Darwin Core Archive, Camtrap DP) are read into plain Darwin Core records
 * before the shared validator sees them. A record maps canonical Darwin Core term names
 * (camelCase, e.g. `scientificName`, `decimalLatitude`, `eventDate`, or Humboldt `eco:…` terms
 * for events) to verbatim string values. Columns that map to no term are kept in `dynamicProperties`
 * (a JSON object, header → value: see columns.ts).
 */
import type { ColumnMapping } from './columns';

export type DwcRecord = Record<string, string>;

export interface ParsedRow {
  kind: 'occurrence' | 'event';
  /** 1-based row number within its file, header excluded; for the error report. */
  rowNumber: number;
  /** The file inside the upload the row came from (e.g. 'occurrence.txt', 'observations.csv'). */
  file: string;
  record: DwcRecord;
}

export interface ImportSource {
  format: 'csv' | 'dwca' | 'camtrap-dp' | 'gpx' | 'kml' | 'kmz' | 'xlsx' | 'xls';
  /** Rows in order: events before the occurrences that reference them. */
  rows(): AsyncIterable<ParsedRow>;
  /** Total data rows when known up front (for progress), else null. */
  totalRows: number | null;
  /** Non-fatal notes about the file (encoding detected, ignored entries, …). */
  warnings: string[];
  /** Counts the format reports besides stored rows, e.g. Camtrap DP blanks/humans/vehicles. Filled while rows() is read. */
  stats: Record<string, number>;
  /** How each source column of each tabular file was mapped (shown with the import's status); absent for formats without columns. */
  columns?: { file: string; columns: ColumnMapping[] }[];
  close(): Promise<void>;
}

/** The whole file is unusable; nothing of it is imported. `code` is stable, `message` names the problem. */
export class ImportFormatError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'ImportFormatError';
  }
}
