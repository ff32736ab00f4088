/**
 * CSV import benchmark: a 100,000-row Darwin Core CSV through POST /v1/imports (upload, then the
 * worker's chunked import with validation and idempotent upserts); rows/s from the upload to done.
 *
 *   npm run bench -- import-csv            (BENCH_ROWS=100000 by default)
 *
 * Scratch database with the reference seed; writes bench/results/import-csv.json.
 */
import os from 'node:os';
import path from 'node:path';
import { mkdir, mkdtemp, writeFile, rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { loadConfig } from '@biomon/config';
import { createDb, migrateToLatest } from '@biomon/db';
import { createToken } from '@biomon/auth';
import { buildServer } from '@biomon/http';
import { createContext } from '@biomon/runtime';
import { apiModule } from '@biomon/api';
import { ingestModule } from '@biomon/ingest';
import { startWorker } from '@biomon/worker';
import { runSeeds } from '@biomon/seed';
import { createScratchDatabase } from './support/scratch-database';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const ROWS = Number(process.env.BENCH_ROWS ?? 100_000);

async function main(): Promise<void> {
  const scratch = await createScratchDatabase('csv');
  const files = await mkdtemp(path.join(os.tmpdir(), 'biomon-bench-files-'));
  const config = loadConfig(process.env, { databaseUrl: scratch.url, queuePrefix: `benchcsv${process.pid}`, fileStoreDir: files, logLevel: 'silent' });
  const setup = createDb(config.databaseUrl, { max: 2 });
  await migrateToLatest(setup.db);
  await runSeeds(setup.db, 'reference', path.join(ROOT, 'seeds'));
  const { token } = await createToken(setup.db, { role: 'surveyor', team: 'bench', label: 'bench' });
  await setup.close();
  const lines = ['occurrenceID,scientificName,eventDate,decimalLatitude,decimalLongitude,geodeticDatum,individualCount,recordedBy'];
  for (let i = 0; i < ROWS; i++)
    lines.push(
      `csv-${i},Sus scrofa,2024-0${1 + (i % 9)}-1${i % 10},${(41.5 + ((i * 7919) % 4000) / 1000).toFixed(4)},${(122.5 + ((i * 104729) % 8000) / 1000).toFixed(4)},WGS84,${1 + (i % 5)},基准测试`,
    );
  const csv = Buffer.from(lines.join('\n'));

  const ctx = createContext(config);
  const app = await buildServer({ ctx, apps: [ingestModule, apiModule] });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const port = (app.server.address() as { port: number }).port;
  const worker = startWorker(ctx, pino({ level: 'silent' }), { relayIntervalMs: 50 });
  const form = new FormData();
  form.append('file', new Blob([csv], { type: 'text/csv' }), 'bench.csv');
  const t0 = performance.now();
  const res = await fetch(`http://127.0.0.1:${port}/v1/imports`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form });
  if (res.status !== 202) throw new Error(`upload answered ${res.status}: ${await res.text()}`);
  const { importId } = (await res.json()) as { importId: string };
  const uploaded = performance.now();
  let body: { status: string; counts: { inserted: number; rejected: number } } = { status: '', counts: { inserted: 0, rejected: 0 } };
  while (body.status !== 'completed' && body.status !== 'failed') {
    await new Promise((r) => setTimeout(r, 250));
    body = (await (await fetch(`http://127.0.0.1:${port}/v1/imports/${importId}`, { headers: { authorization: `Bearer ${token}` } })).json()) as typeof body;
  }
  const seconds = (performance.now() - t0) / 1000;
  if (body.status !== 'completed' || body.counts.inserted !== ROWS) throw new Error(`import ended ${body.status} with ${JSON.stringify(body.counts)}`);
  const out = {
    when: new Date().toISOString(),
    command: 'npm run bench -- import-csv',
    rows: ROWS,
    bytes: csv.length,
    machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, memGiB: Math.round(os.totalmem() / 2 ** 30), node: process.version },
    seconds,
    uploadSeconds: (uploaded - t0) / 1000,
    rowsPerS: ROWS / seconds,
  };
  console.log(
    `import-csv: ${ROWS.toLocaleString('en')} rows (${(csv.length / 1024 / 1024).toFixed(1)} MB) in ${seconds.toFixed(1)} s → ${Math.round(out.rowsPerS).toLocaleString('en')} rows/s (upload ${out.uploadSeconds.toFixed(2)} s)`,
  );
  await mkdir(path.join(ROOT, 'bench/results'), { recursive: true });
  await writeFile(path.join(ROOT, 'bench/results/import-csv.json'), JSON.stringify(out, null, 2) + '\n');
  // clean up with a deadline: the scheduled repeatable jobs of the in-process worker can hold close() up
  await Promise.race([Promise.allSettled([worker.stop(), app.close()]), new Promise((r) => setTimeout(r, 5000))]);
  await scratch.drop();
  await rm(files, { recursive: true, force: true });
  process.exit(0);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
