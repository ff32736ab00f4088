/**
 * Excel import benchmark: the same 100,000 rows as an .xlsx workbook and as a CSV file, each through
 * POST /v1/imports and the worker (upload, then the chunked import with validation and idempotent
 * upserts), in one run; rows/s of each from the upload to done, their ratio, and the live heap
 * growth of each (the process runs the server and the worker; heapUsed sampled every second after a
 * forced GC, peak minus the value before the upload).
 *
 *   npm run bench -- import-xlsx            (BENCH_ROWS=100000 BENCH_REPS=2 by default)
 *
 * Each format is imported BENCH_REPS times in the order CSV, XLSX, XLSX, CSV, … (so a load that
 * drifts during the run weighs on both alike); rows/s is over the mean time of each format.
 *
 * The rows are import-csv.ts's (one species, dates, coordinates, datum, count, observer). In the
 * workbook they are what a person has in Excel: numbers as numbers, dates as date cells (serials
 * under a yyyy-mm-dd format), text in the shared-strings table; it is written by exceljs's
 * streaming writer, which puts the shared strings after the sheet. Both imports use the same
 * occurrenceIDs: the occurrence tables are truncated (and a CHECKPOINT taken) before each, so each
 * import inserts every row into the same empty tables. Scratch database with the reference seed;
 * writes bench/results/import-xlsx.json.
 */
import os from 'node:os';
import path from 'node:path';
import { mkdir, mkdtemp, readFile, writeFile, rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import v8 from 'node:v8';
import vm from 'node:vm';
import ExcelJS from 'exceljs';
import pino from 'pino';
import { loadConfig } from '@biomon/config';
import { createDb, migrateToLatest, sql } from '@biomon/db';
import { createToken } from '@biomon/auth';
import { buildServer } from '@biomon/http';
import { createContext } from '@biomon/runtime';
import { apiModule } from '@biomon/api';
import { ingestModule } from '@biomon/ingest';
import { startWorker } from '@biomon/worker';
import { openImport } from '@biomon/occurrences';
import { runSeeds } from '@biomon/seed';
import { createScratchDatabase } from './support/scratch-database';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const ROWS = Number(process.env.BENCH_ROWS ?? 100_000);
const REPS = Number(process.env.BENCH_REPS ?? 2);
const HEADER = ['occurrenceID', 'scientificName', 'eventDate', 'decimalLatitude', 'decimalLongitude', 'geodeticDatum', 'individualCount', 'recordedBy'];

interface Row {
  id: string;
  name: string;
  date: string;
  lat: number;
  lon: number;
  datum: string;
  count: number;
  by: string;
}
const rowAt = (i: number, rep: number): Row => ({
  id: `bench-${rep}-${i}`,
  name: 'Sus scrofa',
  date: `2024-0${1 + (i % 9)}-1${i % 10}`,
  lat: Number((41.5 + ((i * 7919) % 4000) / 1000).toFixed(4)),
  lon: Number((122.5 + ((i * 104729) % 8000) / 1000).toFixed(4)),
  datum: 'WGS84',
  count: 1 + (i % 5),
  by: '基准测试',
});
/** The 1900-system serial of a calendar date (dates after 1900-03-01). */
const serialOf = (iso: string): number => Date.UTC(Number(iso.slice(0, 4)), Number(iso.slice(5, 7)) - 1, Number(iso.slice(8, 10))) / 86_400_000 + 25_569;

async function main(): Promise<void> {
  v8.setFlagsFromString('--expose-gc');
  const gc = vm.runInNewContext('gc') as () => void;
  const scratch = await createScratchDatabase('xlsx');
  const files = await mkdtemp(path.join(os.tmpdir(), 'biomon-bench-files-'));
  const config = loadConfig(process.env, { databaseUrl: scratch.url, queuePrefix: `benchxlsx${process.pid}`, fileStoreDir: files, logLevel: 'silent' });
  const setup = createDb(config.databaseUrl, { max: 2 });
  await migrateToLatest(setup.db);
  await runSeeds(setup.db, 'reference', path.join(ROOT, 'seeds'));
  const { token } = await createToken(setup.db, { role: 'surveyor', team: 'bench', label: 'bench' });

  // the data, before any timing: one CSV and one workbook per repetition (ids differ by repetition,
  // as the same file twice would be recognised by its hash and not imported again)
  const csvOf = (rep: number): Buffer => {
    const lines = [HEADER.join(',')];
    for (let i = 0; i < ROWS; i++) {
      const r = rowAt(i, rep);
      lines.push([r.id, r.name, r.date, r.lat.toFixed(4), r.lon.toFixed(4), r.datum, r.count, r.by].join(','));
    }
    return Buffer.from(lines.join('\n'));
  };
  const xlsxOf = async (rep: number): Promise<Buffer> => {
    const xlsxPath = path.join(files, `bench-source-${rep}.xlsx`);
    const writer = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: xlsxPath, useSharedStrings: true, useStyles: true });
    const ws = writer.addWorksheet('记录');
    ws.addRow(HEADER).commit();
    for (let i = 0; i < ROWS; i++) {
      const r = rowAt(i, rep);
      const row = ws.addRow([r.id, r.name, serialOf(r.date), r.lat, r.lon, r.datum, r.count, r.by]);
      row.getCell(3).numFmt = 'yyyy-mm-dd';
      row.commit();
    }
    ws.commit();
    await writer.commit();
    return readFile(xlsxPath);
  };
  const data: { csv: Buffer[]; xlsx: Buffer[] } = { csv: [], xlsx: [] };
  for (let rep = 0; rep < REPS; rep++) {
    data.csv.push(csvOf(rep));
    data.xlsx.push(await xlsxOf(rep));
  }

  const ctx = createContext(config);
  const app = await buildServer({ ctx, apps: [ingestModule, apiModule] });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const port = (app.server.address() as { port: number }).port;
  const worker = startWorker(ctx, pino({ level: 'silent' }), { relayIntervalMs: 50 });

  async function run(format: 'csv' | 'xlsx', content: Buffer) {
    // jobs that follow an import (alerts, data-changed) may still read the tables: retry on a deadlock
    for (let attempt = 1; ; attempt++) {
      try {
        await sql`TRUNCATE occurrences, occurrence_history, outbox CASCADE`.execute(setup.db);
        break;
      } catch (err) {
        if ((err as { code?: string }).code !== '40P01' || attempt >= 10) throw err;
        await new Promise((r) => setTimeout(r, 1000));
      }
    }
    await sql`CHECKPOINT`.execute(setup.db);
    gc();
    const base = process.memoryUsage().heapUsed;
    let peak = base;
    const sampler = setInterval(() => {
      gc();
      peak = Math.max(peak, process.memoryUsage().heapUsed);
    }, 1000);
    const form = new FormData();
    form.append('file', new Blob([Uint8Array.from(content)]), `bench.${format}`);
    const t0 = performance.now();
    const res = await fetch(`http://127.0.0.1:${port}/v1/imports`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form });
    if (res.status !== 202) throw new Error(`${format} upload answered ${res.status}: ${await res.text()}`);
    const { importId } = (await res.json()) as { importId: string };
    const uploaded = performance.now();
    let body: { status: string; format: string; counts: { inserted: number; rejected: number } } = {
      status: '',
      format: '',
      counts: { inserted: 0, rejected: 0 },
    };
    while (body.status !== 'completed' && body.status !== 'failed') {
      await new Promise((r) => setTimeout(r, 250));
      body = (await (await fetch(`http://127.0.0.1:${port}/v1/imports/${importId}`, { headers: { authorization: `Bearer ${token}` } })).json()) as typeof body;
    }
    const seconds = (performance.now() - t0) / 1000;
    clearInterval(sampler);
    gc();
    peak = Math.max(peak, process.memoryUsage().heapUsed);
    if (body.status !== 'completed' || body.format !== format || body.counts.inserted !== ROWS)
      throw new Error(`${format} import ended ${body.status} (${body.format}) with ${JSON.stringify(body.counts)}`);
    const out = { bytes: content.length, seconds, uploadSeconds: (uploaded - t0) / 1000, rowsPerS: ROWS / seconds, heapGrowthMiB: (peak - base) / 1024 / 1024 };
    console.log(
      `import-xlsx: ${format.padEnd(4)} ${ROWS.toLocaleString('en')} rows (${(content.length / 1024 / 1024).toFixed(1)} MB) in ${seconds.toFixed(1)} s → ${Math.round(out.rowsPerS).toLocaleString('en')} rows/s, live heap growth ${out.heapGrowthMiB.toFixed(1)} MiB`,
    );
    return out;
  }

  // CSV, XLSX, XLSX, CSV, …: a load that drifts during the run weighs on both formats alike
  const runs: { csv: Awaited<ReturnType<typeof run>>[]; xlsx: Awaited<ReturnType<typeof run>>[] } = { csv: [], xlsx: [] };
  for (let rep = 0; rep < REPS; rep++) {
    const order: ('csv' | 'xlsx')[] = rep % 2 === 0 ? ['csv', 'xlsx'] : ['xlsx', 'csv'];
    for (const f of order) runs[f].push(await run(f, data[f][rep]));
  }
  const summary = (list: Awaited<ReturnType<typeof run>>[]) => ({
    bytes: list[0].bytes,
    rowsPerS: ROWS / (list.reduce((n, r) => n + r.seconds, 0) / list.length),
    heapGrowthMiB: Math.max(...list.map((r) => r.heapGrowthMiB)),
    runs: list,
  });
  // reading alone (format detection, both passes, records built; no database): the file's own cost
  const readOnly = async (format: 'csv' | 'xlsx') => {
    const file = path.join(files, `read-only.${format}`);
    await writeFile(file, data[format][0]);
    gc();
    const base = process.memoryUsage().heapUsed;
    let peak = base;
    let rows = 0;
    const t0 = performance.now();
    const src = await openImport(file, { importId: '00000000-0000-4000-8000-000000000000', originalName: `bench.${format}` });
    for await (const row of src.rows()) {
      rows++;
      if (rows % 10_000 === 0) {
        gc();
        peak = Math.max(peak, process.memoryUsage().heapUsed);
      }
      void row;
    }
    await src.close();
    const seconds = (performance.now() - t0) / 1000;
    if (rows !== ROWS) throw new Error(`${format}: read ${rows} rows`);
    console.log(
      `import-xlsx: read only, ${format.padEnd(4)} ${Math.round(ROWS / seconds).toLocaleString('en')} rows/s (${seconds.toFixed(1)} s), heap growth ${((peak - base) / 1024 / 1024).toFixed(1)} MiB`,
    );
    return { seconds, rowsPerS: ROWS / seconds, heapGrowthMiB: (peak - base) / 1024 / 1024 };
  };
  const readCsv = await readOnly('csv');
  const readXlsx = await readOnly('xlsx');
  console.log(`import-xlsx: read only, XLSX ÷ CSV rows/s = ${(readXlsx.rowsPerS / readCsv.rowsPerS).toFixed(2)}`);

  const csvSum = summary(runs.csv);
  const xlsxSum = summary(runs.xlsx);
  const ratio = xlsxSum.rowsPerS / csvSum.rowsPerS;
  console.log(
    `import-xlsx: mean of ${REPS}: CSV ${Math.round(csvSum.rowsPerS).toLocaleString('en')} rows/s (heap growth ≤ ${csvSum.heapGrowthMiB.toFixed(1)} MiB), XLSX ${Math.round(xlsxSum.rowsPerS).toLocaleString('en')} rows/s (heap growth ≤ ${xlsxSum.heapGrowthMiB.toFixed(1)} MiB)`,
  );
  console.log(`import-xlsx: XLSX ÷ CSV rows/s = ${ratio.toFixed(2)}`);
  const out = {
    when: new Date().toISOString(),
    command: 'npm run bench -- import-xlsx',
    rows: ROWS,
    reps: REPS,
    machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, memGiB: Math.round(os.totalmem() / 2 ** 30), node: process.version },
    csv: csvSum,
    xlsx: xlsxSum,
    xlsxToCsvRowsPerS: ratio,
    readOnly: { csv: readCsv, xlsx: readXlsx, xlsxToCsvRowsPerS: readXlsx.rowsPerS / readCsv.rowsPerS },
  };
  await mkdir(path.join(ROOT, 'bench/results'), { recursive: true });
  await writeFile(path.join(ROOT, 'bench/results/import-xlsx.json'), JSON.stringify(out, null, 2) + '\n');
  // clean up with a deadline: the scheduled repeatable jobs of the in-process worker can hold close() up
  await Promise.race([Promise.allSettled([worker.stop(), app.close()]), new Promise((r) => setTimeout(r, 5000))]);
  await Promise.race([ctx.close().catch(() => {}), new Promise((r) => setTimeout(r, 5000))]);
  await setup.close();
  await scratch.drop();
  await rm(files, { recursive: true, force: true });
  process.exit(0);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
