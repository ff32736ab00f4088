/**
 * Excel 97–2003 workbooks (.xls, BIFF in an OLE2 compound file) through GDAL's XLS driver (FreeXL):
 * `ogr2ogr` writes each sheet as a CSV file in a temporary folder and the CSV reader reads the sheet
 * whose header row names the most known terms (ties: the first). No npm package and nothing
 * downloaded: GDAL comes from Debian's gdal-bin (infra/stack.sh installs it), and where it is
 * missing, or built without the XLS driver, the import fails with `XLS_UNSUPPORTED` asking for
 * .xlsx or CSV.
 *
 * GDAL reads the first row of each sheet as its header (OGR_XLS_HEADERS=FORCE) and every cell as
 * text (OGR_XLS_FIELD_TYPES=STRING); FreeXL gives date cells as `YYYY-MM-DD` (and
 * `YYYY-MM-DD hh:mm:ss`), in the workbook's date system. The .xlsx reader is the richer path (merged
 * cells, title rows, any header row); the message of every .xls import says so.
 */
import { spawn } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { copyFile, mkdtemp, open, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import type { ImportLimits } from './archive-limits';
import { termCount, type SavedMapping } from './columns';
import { openCsv } from './csv.reader';
import { ImportFormatError, type ImportSource } from './import.types';

export interface XlsOpenOptions {
  importId: string;
  file: string;
  limits?: ImportLimits;
  mapping?: SavedMapping;
}

/** ogr2ogr's time limit for one workbook. */
const CONVERT_TIMEOUT_MS = 5 * 60_000;
const OLE2_MAGIC = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);

/** True when the file starts with the OLE2 compound-file signature (Excel 97–2003, but also .doc, .msg …). */
export async function isOle2File(filePath: string): Promise<boolean> {
  const fh = await open(filePath, 'r');
  try {
    const buf = Buffer.alloc(8);
    const { bytesRead } = await fh.read(buf, 0, 8, 0);
    return bytesRead === 8 && buf.equals(OLE2_MAGIC);
  } finally {
    await fh.close();
  }
}

/** An upload named .xls/.xlsx that is neither an OLE2 file nor a workbook zip (often a web page or text saved under that name). */
export function notAWorkbook(name: string): ImportFormatError {
  return new ImportFormatError(
    'IMPORT_FORMAT_UNSUPPORTED',
    `${name} is not an Excel workbook (neither .xlsx nor Excel 97–2003 .xls; systems that export "Excel" often write a web page or text under that name). Open it in Excel or WPS and save it as .xlsx (Excel 工作簿) or CSV UTF-8.`,
  );
}

function unsupported(name: string, why: string): ImportFormatError {
  return new ImportFormatError(
    'XLS_UNSUPPORTED',
    `${name}: Excel 97–2003 workbooks (.xls) cannot be read on this server (${why}). Open it in Excel or WPS and save it as .xlsx (Excel 工作簿) or CSV UTF-8, then upload that file.`,
  );
}

function run(cmd: string, args: string[], timeoutMs: number): Promise<{ code: number | null; stdout: string; stderr: string; missing: boolean }> {
  return new Promise((resolve) => {
    let stdout = '';
    let stderr = '';
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], timeout: timeoutMs, killSignal: 'SIGKILL' });
    child.stdout.on('data', (d: Buffer) => {
      if (stdout.length < 1_000_000) stdout += d.toString('utf8');
    });
    child.stderr.on('data', (d: Buffer) => {
      if (stderr.length < 100_000) stderr += d.toString('utf8');
    });
    child.on('error', (err: NodeJS.ErrnoException) => resolve({ code: null, stdout, stderr: err.message, missing: err.code === 'ENOENT' }));
    child.on('close', (code) => resolve({ code, stdout, stderr, missing: false }));
  });
}

let xlsDriver: Promise<string | null> | null = null;

/** null when GDAL's XLS driver is there, else why not (checked once per process). */
function xlsDriverProblem(): Promise<string | null> {
  xlsDriver ??= run('ogrinfo', ['--formats'], 30_000).then((r) => {
    if (r.missing) return 'GDAL (ogr2ogr, Debian package gdal-bin) is not installed';
    if (!/^\s*XLS\s+-vector-/m.test(r.stdout)) return "GDAL's XLS driver is not available";
    return null;
  });
  return xlsDriver;
}

async function firstLine(file: string): Promise<string[]> {
  const rl = createInterface({ input: createReadStream(file, { encoding: 'utf8' }), crlfDelay: Infinity });
  try {
    for await (const line of rl)
      return line
        .replace(/^\uFEFF/, '')
        .split(',')
        .map((c) => c.replace(/^"|"$/g, ''));
    return [];
  } finally {
    rl.close();
  }
}

export async function openXls(filePath: string, opts: XlsOpenOptions): Promise<ImportSource> {
  const problem = await xlsDriverProblem();
  if (problem !== null) throw unsupported(opts.file, problem);
  const dir = await mkdtemp(path.join(os.tmpdir(), 'biomon-xls-'));
  try {
    // GDAL's XLS driver recognises the file by its extension
    const input = path.join(dir, 'workbook.xls');
    await copyFile(filePath, input);
    const out = path.join(dir, 'sheets');
    const r = await run(
      'ogr2ogr',
      [
        '--config',
        'OGR_XLS_HEADERS',
        'FORCE',
        '--config',
        'OGR_XLS_FIELD_TYPES',
        'STRING',
        '-f',
        'CSV',
        '-lco',
        'LINEFORMAT=LF',
        '-lco',
        'STRING_QUOTING=IF_NEEDED',
        out,
        input,
      ],
      CONVERT_TIMEOUT_MS,
    );
    if (r.code !== 0) {
      throw new ImportFormatError(
        'XLS_INVALID',
        `${opts.file} is not a readable Excel 97–2003 workbook (GDAL: ${(r.stderr.trim().split('\n').pop() ?? '').slice(0, 300) || `exit ${r.code}`}). Save it as .xlsx or CSV and upload that.`,
      );
    }
    const csvs = (await readdir(out).catch(() => [] as string[])).filter((f) => f.toLowerCase().endsWith('.csv'));
    // ogr2ogr writes the layers (sheets) in workbook order; readdir does not keep it, so ask ogrinfo
    const order = await run('ogrinfo', ['-ro', '-q', '--config', 'OGR_XLS_HEADERS', 'FORCE', input], 60_000);
    const layers = [...order.stdout.matchAll(/^\d+:\s+(.+?)(?:\s+\([^)]*\))?\s*$/gm)].map((m) => m[1]);
    const ranked = csvs
      .map((f) => ({ f, pos: layers.findIndex((l) => `${l}.csv`.toLowerCase() === f.toLowerCase()) }))
      .sort((a, b) => (a.pos === -1 ? 1e9 : a.pos) - (b.pos === -1 ? 1e9 : b.pos) || a.f.localeCompare(b.f));
    let best: { f: string; terms: number } | null = null;
    for (const { f } of ranked) {
      const terms = termCount(await firstLine(path.join(out, f)), opts.mapping);
      if (best === null || terms > best.terms) best = { f, terms };
    }
    if (best === null || best.terms === 0) {
      throw new ImportFormatError(
        'XLS_HEADER_MISSING',
        `No sheet of ${opts.file} has a first row naming a Darwin Core or Chinese column (e.g. scientificName/物种学名, eventDate/调查日期); in an .xls workbook the header must be the sheet's first row (or save it as .xlsx).`,
        { sheets: layers },
      );
    }
    const src = await openCsv(path.join(out, best.f), { importId: opts.importId, file: opts.file, limits: opts.limits, mapping: opts.mapping });
    const sheet = best.f.replace(/\.csv$/i, '');
    return {
      ...src,
      format: 'xls',
      warnings: [
        `Read sheet "${sheet}" of an Excel 97–2003 workbook through GDAL (its first row is the header); saving as .xlsx keeps merged cells and title rows.`,
        ...src.warnings,
      ],
      async close() {
        await src.close();
        await rm(dir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
}
