/**
 * One view over an upload that holds several files: a zip (read in place with yauzl, entries
 * streamed, nothing extracted to disk) or a folder. Both list files by '/'-separated paths and hide
 * macOS resource forks (`__MACOSX/`) and dot-files (`.DS_Store`, `._x`) everywhere.
 */
import { createReadStream } from 'node:fs';
import { open, readdir } from 'node:fs/promises';
import path from 'node:path';
import { PassThrough, type Readable } from 'node:stream';
import yauzl from 'yauzl';
import { ArchiveBudget, checkEntryCount, DEFAULT_IMPORT_LIMITS, type ImportLimits } from './archive-limits';
import { ImportFormatError } from './import.types';

/** Largest file read whole into memory (meta.xml, datapackage.json, deployments.csv). */
export const MAX_WHOLE_READ_BYTES = 64 * 1024 * 1024;

export interface ArchiveSource {
  readonly kind: 'zip' | 'folder';
  /** Regular files, '/'-separated paths relative to the root, in archive/listing order. */
  readonly files: readonly string[];
  /** Entries skipped because they are `__MACOSX/` resource forks or dot-files. */
  readonly ignored: readonly string[];
  /** The stored path for `p`: exact match first, then case-insensitive; undefined when absent. */
  find(p: string): string | undefined;
  openStream(p: string): Promise<Readable>;
  readBuffer(p: string): Promise<Buffer>;
  close(): Promise<void>;
}

/** True for `__MACOSX/…` and any path with a segment starting with '.' (dot-files, AppleDouble `._x`). */
export function isIgnoredEntry(p: string): boolean {
  const segments = p.split('/').filter((s) => s !== '');
  return segments.some((s, i) => (i === 0 && s === '__MACOSX') || s.startsWith('.'));
}

/** True when the file starts with a zip local-file or end-of-central-directory signature. */
export async function isZipFile(filePath: string): Promise<boolean> {
  const fh = await open(filePath, 'r');
  try {
    const buf = Buffer.alloc(4);
    const { bytesRead } = await fh.read(buf, 0, 4, 0);
    if (bytesRead < 4) return false;
    return buf[0] === 0x50 && buf[1] === 0x4b && (buf[2] === 3 || buf[2] === 5) && (buf[3] === 4 || buf[3] === 6);
  } finally {
    await fh.close();
  }
}

function makeFind(files: readonly string[]): (p: string) => string | undefined {
  const exact = new Set(files);
  const lower = new Map<string, string>();
  for (const f of files) if (!lower.has(f.toLowerCase())) lower.set(f.toLowerCase(), f);
  return (p: string) => {
    const norm = path.posix.normalize(p.replace(/\\/g, '/')).replace(/^\.\//, '');
    return exact.has(norm) ? norm : lower.get(norm.toLowerCase());
  };
}

async function collect(stream: Readable, limit: number, name: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const b = chunk as Buffer;
    size += b.length;
    if (size > limit) {
      stream.destroy();
      throw new ImportFormatError('FILE_TOO_LARGE', `${name} is larger than ${limit} bytes and cannot be read whole`);
    }
    chunks.push(b);
  }
  return Buffer.concat(chunks);
}

/**
 * An entry's stream whose errors (a corrupt deflate stream, more bytes than the central directory
 * declared — yauzl's validateEntrySizes) become ImportFormatError ZIP_INVALID: the file is bad,
 * retrying cannot help.
 */
function entryStream(raw: Readable, name: string): Readable {
  const out = new PassThrough();
  raw.on('error', (err) => {
    out.destroy(err instanceof ImportFormatError ? err : new ImportFormatError('ZIP_INVALID', `Cannot read ${name} from the zip: ${err.message}`));
  });
  out.on('close', () => raw.destroy());
  raw.pipe(out);
  return out;
}

/**
 * Opens a zip file; entries are listed once from the central directory and streamed on demand.
 * The archive caps (entry count, total uncompressed size, compression ratio: archive-limits.ts)
 * are checked while listing, before any entry is inflated.
 */
export async function openZipSource(filePath: string, limits: ImportLimits = DEFAULT_IMPORT_LIMITS): Promise<ArchiveSource> {
  let zip: yauzl.ZipFile | undefined;
  const entries = new Map<string, yauzl.Entry>();
  const files: string[] = [];
  const ignored: string[] = [];
  const budget = new ArchiveBudget(limits);
  try {
    zip = await yauzl.openPromise(filePath, { lazyEntries: true, autoClose: false, strictFileNames: false, validateEntrySizes: true });
    checkEntryCount(zip.entryCount, limits);
    for await (const entry of zip.eachEntry()) {
      budget.add({ name: entry.fileName, compressedSize: entry.compressedSize, uncompressedSize: entry.uncompressedSize });
      const name = entry.fileName.replace(/\\/g, '/');
      if (name.endsWith('/')) {
        if (isIgnoredEntry(name)) ignored.push(name);
        continue;
      }
      if (isIgnoredEntry(name)) {
        ignored.push(name);
        continue;
      }
      entries.set(name, entry);
      files.push(name);
    }
  } catch (err) {
    zip?.close();
    if (err instanceof ImportFormatError) throw err;
    throw new ImportFormatError('ZIP_INVALID', `The file is not a readable zip archive: ${(err as Error).message}`);
  }
  const opened = zip!;
  const find = makeFind(files);
  const entryFor = (p: string): yauzl.Entry => {
    const stored = find(p);
    const e = stored === undefined ? undefined : entries.get(stored);
    if (!e) throw new ImportFormatError('FILE_MISSING', `${p} is not in the archive`);
    return e;
  };
  const openStream = async (p: string): Promise<Readable> => {
    try {
      return entryStream(await opened.openReadStreamPromise(entryFor(p)), p);
    } catch (err) {
      if (err instanceof ImportFormatError) throw err;
      throw new ImportFormatError('ZIP_INVALID', `Cannot read ${p} from the zip: ${(err as Error).message}`);
    }
  };
  let closed = false;
  return {
    kind: 'zip',
    files,
    ignored,
    find,
    openStream,
    async readBuffer(p) {
      const e = entryFor(p);
      if (e.uncompressedSize > MAX_WHOLE_READ_BYTES) {
        throw new ImportFormatError('FILE_TOO_LARGE', `${p} is larger than ${MAX_WHOLE_READ_BYTES} bytes and cannot be read whole`);
      }
      return collect(await openStream(p), MAX_WHOLE_READ_BYTES, p);
    },
    async close() {
      if (!closed) {
        closed = true;
        opened.close();
      }
    },
  };
}

/** Lists a folder recursively (symbolic links are not followed). */
export async function openFolderSource(dir: string): Promise<ArchiveSource> {
  const files: string[] = [];
  const ignored: string[] = [];
  async function walk(rel: string): Promise<void> {
    const entries = await readdir(path.join(dir, rel), { withFileTypes: true });
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      const p = rel === '' ? e.name : `${rel}/${e.name}`;
      if (isIgnoredEntry(p)) {
        ignored.push(e.isDirectory() ? `${p}/` : p);
        continue;
      }
      if (e.isDirectory()) await walk(p);
      else if (e.isFile()) files.push(p);
    }
  }
  await walk('');
  const find = makeFind(files);
  const resolve = (p: string): string => {
    const stored = find(p);
    if (stored === undefined) throw new ImportFormatError('FILE_MISSING', `${p} is not in the folder`);
    return path.join(dir, ...stored.split('/'));
  };
  return {
    kind: 'folder',
    files,
    ignored,
    find,
    async openStream(p) {
      return createReadStream(resolve(p));
    },
    async readBuffer(p) {
      return collect(createReadStream(resolve(p)), MAX_WHOLE_READ_BYTES, p);
    },
    async close() {},
  };
}

/**
 * The shallowest file called `name` (case-insensitive), e.g. `meta.xml` at the root or inside the
 * single sub-folder that some zip tools add (`archive-occ/meta.xml`).
 */
export function locateFile(src: ArchiveSource, name: string): string | undefined {
  const lname = name.toLowerCase();
  const hits = src.files.filter((f) => path.posix.basename(f).toLowerCase() === lname);
  hits.sort((a, b) => a.split('/').length - b.split('/').length || a.localeCompare(b));
  return hits[0];
}
