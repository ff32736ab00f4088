/**
 * The guard of every archive an import opens (DwC-A and Camtrap DP zips; XLSX, a zip too, is to
 * use the same): caps on entry count, total uncompressed size and compression ratio, checked from
 * the central directory before anything is inflated, and a cap on the data rows of an import
 * (CSV included). yauzl checks while inflating that an entry yields exactly its declared size, so
 * a lying central directory fails too (ZIP_INVALID). Each cap has its own stable code; an import
 * that exceeds one fails once (ImportFormatError), nothing of it is stored, and it is not retried.
 */
import { DEFAULT_IMPORT_LIMITS, type ImportLimits } from '@biomon/config';
import { ImportFormatError } from './import.types';

export type { ImportLimits };
export { DEFAULT_IMPORT_LIMITS };

export const ARCHIVE_LIMIT_CODES = {
  entries: 'ARCHIVE_TOO_MANY_ENTRIES',
  bytes: 'ARCHIVE_TOO_LARGE',
  ratio: 'ARCHIVE_COMPRESSION_RATIO',
  rows: 'IMPORT_TOO_MANY_ROWS',
} as const;

/** Entries smaller than this are not held to the ratio cap (a short, repetitive meta.xml compresses well and harms no one). */
export const RATIO_MIN_BYTES = 1024 * 1024;

export interface ZipEntryInfo {
  name: string;
  compressedSize: number;
  uncompressedSize: number;
}

const mib = (n: number): string => `${(n / 1024 / 1024).toFixed(n < 10 * 1024 * 1024 ? 1 : 0)} MiB`;

/** The entry count as the end-of-central-directory record declares it (checked before the entries are listed). */
export function checkEntryCount(count: number, limits: ImportLimits): void {
  if (count > limits.maxArchiveEntries) {
    throw new ImportFormatError(
      ARCHIVE_LIMIT_CODES.entries,
      `The archive has ${count} entries; at most ${limits.maxArchiveEntries} are accepted (BIOMON_ARCHIVE_MAX_ENTRIES)`,
      { entries: count, limit: limits.maxArchiveEntries },
    );
  }
}

/** Keeps the running totals of one archive's entries; throws on the first entry over a cap. */
export class ArchiveBudget {
  private entries = 0;
  private bytes = 0;
  constructor(private readonly limits: ImportLimits) {}

  add(e: ZipEntryInfo): void {
    this.entries++;
    checkEntryCount(this.entries, this.limits);
    this.bytes += e.uncompressedSize;
    if (this.bytes > this.limits.maxArchiveBytes) {
      throw new ImportFormatError(
        ARCHIVE_LIMIT_CODES.bytes,
        `The archive unpacks to more than ${mib(this.limits.maxArchiveBytes)} (at ${e.name}); split it or raise BIOMON_ARCHIVE_MAX_BYTES`,
        { limit: this.limits.maxArchiveBytes, entry: e.name },
      );
    }
    if (e.uncompressedSize > RATIO_MIN_BYTES) {
      const ratio = e.uncompressedSize / Math.max(1, e.compressedSize);
      if (ratio > this.limits.maxCompressionRatio) {
        throw new ImportFormatError(
          ARCHIVE_LIMIT_CODES.ratio,
          `${e.name} is compressed ${Math.round(ratio)}:1 (${mib(e.uncompressedSize)} from ${e.compressedSize} bytes); at most ${this.limits.maxCompressionRatio}:1 is accepted (BIOMON_ARCHIVE_MAX_RATIO)`,
          { entry: e.name, ratio: Math.round(ratio), limit: this.limits.maxCompressionRatio },
        );
      }
    }
  }
}

/** Counts the data rows of an import as its files are first read; throws past the cap. */
export class RowBudget {
  private rows = 0;
  constructor(private readonly limits: ImportLimits) {}

  add(file: string, n = 1): void {
    this.rows += n;
    if (this.rows > this.limits.maxRows) {
      throw new ImportFormatError(
        ARCHIVE_LIMIT_CODES.rows,
        `The import has more than ${this.limits.maxRows} data rows (reached in ${file}); split it or raise BIOMON_IMPORT_MAX_ROWS`,
        { limit: this.limits.maxRows, file },
      );
    }
  }
}
