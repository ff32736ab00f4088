/**
 * Occurrence ingest benchmark (issues "Survey ingest" and "Benchmarks"): Darwin Core records/s
 * through POST /v1/occurrences (batches of 1,000, 8 concurrent clients) beside two baselines timed
 * alone in the same run:
 * - same-semantics SQL: the service the route calls (validation done, taxon matching, advisory
 *   locks, idempotent insert, spatial enrichment, audit) fed from one process without HTTP, 8 at once;
 * - raw COPY: `psql \copy` of the rows the API stored, dumped, into a table created
 *   `(LIKE occurrences INCLUDING ALL)`.
 *
 *   npm run bench -- ingest-occurrences         (BENCH_ROWS=200000, BENCH_CLIENTS=8 by default)
 *
 * Each timed phase follows 16 warm-up batches of records of their own, truncated before the timing.
 * The raw COPY is timed 3 times (TRUNCATE and CHECKPOINT before each); its rate is that of the mean.
 *
 * Scratch database (migrated, reference seed + demo protected areas for the enrichment), dropped at
 * the end. Prints figures and writes bench/results/ingest-occurrences.json with
 * ratios { apiOverSameSemantics, apiOverRawCopy }.
 */
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import pg from 'pg';
import { serverNodeArgs } from './support/server-args';
import { loadConfig } from '@biomon/config';
import { createDb, migrateToLatest, sql, type Db } from '@biomon/db';
import { createToken, type Actor } from '@biomon/auth';
import { ingestOccurrences } from '@biomon/occurrences';
import { runSeeds } from '@biomon/seed';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const ROWS = Number(process.env.BENCH_ROWS ?? 200_000);
const BATCH = 1000;
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 8);
/** Batches of 1,000 before each timed phase (the in-process service, then the API server). */
const WARMUP_BATCHES = 16;
/** Timed runs of the raw COPY baseline (their mean is the baseline). */
const COPY_REPS = 3;
const execFileP = promisify(execFile);
const fmt = (n: number) => Math.round(n).toLocaleString('en');

const NAMES = [
  'Capreolus pygargus',
  'Sus scrofa',
  'Phasianus colchicus',
  'Grus japonensis',
  'Pinus koraiensis',
  'Panthera tigris altaica',
  'Ciconia boyciana',
  'Quercus mongolica',
];
/** Record i: deterministic, inside Jilin, spread over the province. */
function record(prefix: string, i: number): Record<string, unknown> {
  return {
    occurrenceID: `${prefix}-${i}`,
    basisOfRecord: 'HumanObservation',
    scientificName: NAMES[i % NAMES.length],
    eventDate: `2024-${String(1 + (i % 12)).padStart(2, '0')}-${String(1 + (i % 28)).padStart(2, '0')}`,
    decimalLatitude: Math.round((41.5 + ((i * 7919) % 4000) / 1000) * 1e5) / 1e5,
    decimalLongitude: Math.round((122.5 + ((i * 104729) % 8000) / 1000) * 1e5) / 1e5,
    geodeticDatum: 'WGS84',
    coordinateUncertaintyInMeters: 30,
    individualCount: 1 + (i % 5),
    occurrenceStatus: 'present',
    recordedBy: '基准测试 bench',
  };
}

async function freePort(): Promise<number> {
  const net = await import('node:net');
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

async function pool<T>(items: T[], n: number, fn: (x: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: n }, async () => {
      while (next < items.length) await fn(items[next++]);
    }),
  );
}

async function reset(db: Db): Promise<void> {
  await sql`TRUNCATE occurrences, occurrence_history, outbox CASCADE`.execute(db);
  await sql`CHECKPOINT`.execute(db);
}

const count = async (db: Db, table = 'occurrences') => (await sql<{ n: number }>`SELECT count(*)::int AS n FROM ${sql.table(table)}`.execute(db)).rows[0].n;

async function main(): Promise<void> {
  const config = loadConfig();
  const scratch = `biomon_bench_occ_${process.pid}`;
  const adminUrl = new URL(config.databaseUrl);
  adminUrl.pathname = '/postgres';
  const admin = new pg.Client({ connectionString: adminUrl.toString() });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${scratch} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${scratch}`);
  const url = new URL(config.databaseUrl);
  url.pathname = `/${scratch}`;
  const handle = createDb(url.toString(), { max: 12 });
  const db = handle.db;
  let server: ChildProcess | null = null;
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'biomon-bench-'));
  try {
    await migrateToLatest(db);
    await runSeeds(db, 'reference', path.join(ROOT, 'seeds'));
    const seeded = await runSeeds(db, 'demo', path.join(ROOT, 'seeds'));
    void seeded;
    const records = Array.from({ length: ROWS }, (_, i) => record('b', i));
    const batches: unknown[][] = [];
    for (let i = 0; i < records.length; i += BATCH) batches.push(records.slice(i, i + BATCH));
    const bodies = batches.map((b) => JSON.stringify({ records: b }));
    const actor: Actor = { tokenId: null, role: 'surveyor', team: 'bench', label: 'bench' };
    console.log(`ingest-occurrences: ${fmt(ROWS)} records, batches of ${BATCH}, ${CLIENTS} concurrent clients`);

    // warm-up batches (records of their own, stored then truncated), as fastify's own benchmarks measure
    // the round after a warm-up: the JIT has compiled the hot paths and the heap has grown
    const warmBatches: unknown[][] = [];
    for (let i = 0; i < WARMUP_BATCHES * BATCH; i += BATCH) warmBatches.push(Array.from({ length: BATCH }, (_, k) => record('w', i + k)));

    // 1. same-semantics SQL: the service, in-process, no HTTP
    await pool(warmBatches, CLIENTS, async (b) => void (await ingestOccurrences(db, b, { actor, route: 'bench' })));
    await reset(db);
    let t0 = performance.now();
    await pool(batches, CLIENTS, async (b) => {
      await ingestOccurrences(db, b, { actor, route: 'bench' });
    });
    const sameS = (performance.now() - t0) / 1000;
    if ((await count(db)) !== ROWS) throw new Error('same-semantics phase stored the wrong number of rows');

    // 2. API: the ingest app in its own process, 8 HTTP clients
    await reset(db);
    const port = await freePort();
    const { token } = await createToken(db, { role: 'surveyor', team: 'bench', label: 'bench' });
    server = spawn(path.join(ROOT, 'node_modules/.bin/tsx'), [...serverNodeArgs(), path.join(ROOT, 'apps/ingest/src/server.ts')], {
      cwd: ROOT,
      env: {
        ...process.env,
        DATABASE_URL: url.toString(),
        INGEST_PORT: String(port),
        LOG_LEVEL: 'warn',
        BIOMON_QUEUE_PREFIX: `bench${process.pid}`,
        BIOMON_RATE_LIMIT_PER_MIN: '10000000',
      },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    for (let i = 0; ; i++) {
      try {
        if ((await fetch(`http://127.0.0.1:${port}/health`)).status < 500) break;
      } catch {
        /* not yet */
      }
      if (i > 300) throw new Error('ingest server did not start');
      await new Promise((r) => setTimeout(r, 100));
    }
    const post = (body: string) =>
      fetch(`http://127.0.0.1:${port}/v1/occurrences`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body,
      });
    await pool(
      warmBatches.map((b) => JSON.stringify({ records: b })),
      CLIENTS,
      async (body) => {
        const res = await post(body);
        if (res.status !== 200) throw new Error(`API answered ${res.status} in the warm-up`);
        await res.arrayBuffer();
      },
    );
    await reset(db);
    const latencies: number[] = [];
    t0 = performance.now();
    await pool(bodies, CLIENTS, async (body) => {
      const s = performance.now();
      const res = await post(body);
      if (res.status !== 200) throw new Error(`API answered ${res.status}: ${(await res.text()).slice(0, 300)}`);
      await res.arrayBuffer();
      latencies.push(performance.now() - s);
    });
    const api = (performance.now() - t0) / 1000;
    if ((await count(db)) !== ROWS) throw new Error('API phase stored the wrong number of rows');
    server.kill('SIGTERM');
    server = null;

    // 3. raw COPY of the rows the API stored, into (LIKE occurrences INCLUDING ALL)
    await mkdir(tmp, { recursive: true });
    const dump = path.join(tmp, 'occurrences.copy');
    await execFileP('psql', [url.toString(), '-v', 'ON_ERROR_STOP=1', '-qc', `\\copy occurrences TO '${dump}'`]);
    await sql`DROP TABLE IF EXISTS occurrences_copy`.execute(db);
    await sql`CREATE TABLE occurrences_copy (LIKE occurrences INCLUDING ALL)`.execute(db);
    // the baseline is one process and one statement: its time varies more from run to run on a shared
    // machine than the 200 batches of the API do, so it is timed COPY_REPS times and the mean taken
    const copyRuns: number[] = [];
    for (let r = 0; r < COPY_REPS; r++) {
      await sql`TRUNCATE occurrences_copy`.execute(db);
      await sql`CHECKPOINT`.execute(db);
      t0 = performance.now();
      await execFileP('psql', [url.toString(), '-v', 'ON_ERROR_STOP=1', '-qc', `\\copy occurrences_copy FROM '${dump}'`]);
      copyRuns.push((performance.now() - t0) / 1000);
      if ((await count(db, 'occurrences_copy')) !== ROWS) throw new Error('COPY phase stored the wrong number of rows');
    }
    const copy = copyRuns.reduce((a, b) => a + b, 0) / copyRuns.length;

    latencies.sort((a, b) => a - b);
    const q = (p: number) => latencies[Math.min(latencies.length - 1, Math.ceil(p * latencies.length) - 1)];
    const result = {
      when: new Date().toISOString(),
      command: 'npm run bench -- ingest-occurrences',
      rows: ROWS,
      batch: BATCH,
      clients: CLIENTS,
      warmupBatches: WARMUP_BATCHES,
      machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, memGiB: Math.round(os.totalmem() / 2 ** 30), node: process.version },
      recordsPerS: { api: ROWS / api, sameSemantics: ROWS / sameS, rawCopy: ROWS / copy },
      seconds: { api, sameSemantics: sameS, rawCopy: copy, rawCopyRuns: copyRuns },
      ratios: { apiOverSameSemantics: sameS / api, apiOverRawCopy: copy / api },
      apiBatchLatencyMs: { p50: q(0.5), p95: q(0.95), p99: q(0.99) },
    };
    console.log(`  API (HTTP, ${CLIENTS} clients)        ${fmt(result.recordsPerS.api)} records/s`);
    console.log(`  same-semantics SQL (no HTTP)     ${fmt(result.recordsPerS.sameSemantics)} records/s`);
    console.log(`  raw COPY of the stored rows      ${fmt(result.recordsPerS.rawCopy)} rows/s (runs ${copyRuns.map((x) => fmt(ROWS / x)).join(', ')})`);
    console.log(`  API / same-semantics = ${result.ratios.apiOverSameSemantics.toFixed(3)} (goal ≥ 0.7)`);
    console.log(`  API / raw COPY       = ${result.ratios.apiOverRawCopy.toFixed(3)} (goal ≥ 0.5, issue 17)`);
    console.log(`  batch latency p50/p95/p99 = ${q(0.5).toFixed(0)}/${q(0.95).toFixed(0)}/${q(0.99).toFixed(0)} ms`);
    await mkdir(path.join(ROOT, 'bench/results'), { recursive: true });
    await writeFile(path.join(ROOT, 'bench/results/ingest-occurrences.json'), JSON.stringify(result, null, 2) + '\n');
  } finally {
    server?.kill('SIGTERM');
    await handle.close();
    await admin.query(`DROP DATABASE IF EXISTS ${scratch} WITH (FORCE)`);
    await admin.end();
    await rm(tmp, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
