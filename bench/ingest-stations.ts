/**
 * Station ingest benchmark: observations/s through the API (POST /v1/stations/{id}/observations)
 * beside raw COPY of the same rows into the same table, as a ratio; and the latency of
 * 1,000-observation pushes from 20 stations at once.
 *
 *   npx tsx bench/ingest-stations.ts            (BENCH_ROWS=1000000 BENCH_REPS=3 by default)
 *
 * Uses DATABASE_URL / REDIS_URL or the local stack (infra/stack.sh). Creates a scratch database
 * (migrated from scratch), drops it at the end. Prints the figures and writes
 * bench/results/ingest-stations.json. Not part of the test suite.
 *
 * Method (shared/research/perf-reliability.md §2.2): data generated before any timing; the same
 * rows for every phase; TRUNCATE + CHECKPOINT between phases; synchronous_commit as configured
 * (on, in infra/postgresql.conf); rows counted in the table after each phase, not from responses;
 * the service and the API are warmed with 20 full-size pushes at earlier times (then truncated)
 * before their first timed rep, as fastify's own benchmarks measure the round after a warm-up.
 * - raw COPY: `psql \copy` of the rows the API stored (every column it writes, dumped after the first
 *   API rep) into a table created `(LIKE observations INCLUDING ALL)`, one session — the same floor as
 *   bench/ingest-occurrences.ts; one COPY rep right after each API rep, so each rep's ratio pairs two
 *   timings taken under the same load of the shared machine;
 * - service: ingestObservations called in-process (validation + advisory locks + the unnest
 *   upsert + audit), 4 concurrent stations, no HTTP;
 * - API: the ingest app in its own process (tsx apps/ingest/src/server.ts), 4 concurrent stations
 *   pushing 5,000-observation JSON batches over loopback HTTP; the bodies are encoded to bytes before
 *   the timing (the client shares the server's two cores; a station sends from its own machine);
 * - latency: 20 concurrent stations, each pushing 1,000-observation batches back to back.
 */
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import { once } from 'node:events';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import v8 from 'node:v8';
import vm from 'node:vm';
import pg from 'pg';
import { serverNodeArgs } from './support/server-args';
import { loadConfig } from '@biomon/config';
import { createDb, migrateToLatest, sql, type Db } from '@biomon/db';
import { SYSTEM_ACTOR } from '@biomon/auth';
import { ingestObservations, registerStation, type RawObservation } from '@biomon/stations';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000);
const REPS = Number(process.env.BENCH_REPS ?? 3);
const STATIONS = 20;
const DS_PER_STATION = 5;
const THROUGHPUT_BATCH = 5_000; // observations per push in the throughput phases
const THROUGHPUT_CONCURRENCY = 4;
const LATENCY_BATCH = 1_000;
/** Full-size pushes before the first timed API rep (and calls before the first service rep). */
const WARMUP_PUSHES = 20;
const LATENCY_STATIONS = 20;
const LATENCY_PUSHES_PER_STATION = 25;
const START = Date.parse('2025-01-01T00:00:00+08:00');
const execFileP = promisify(execFile);

const log = (...a: unknown[]) => console.log(...a);
const fmt = (n: number) => Math.round(n).toLocaleString('en');
const stats = (xs: number[]) => ({ mean: xs.reduce((a, b) => a + b, 0) / xs.length, min: Math.min(...xs), max: Math.max(...xs) });
function quantile(sorted: number[], q: number): number {
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[i];
}

const withDb = (url: string, name: string) => {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
};

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

/** Observation j of datastream d: 1-minute spacing, deterministic value (2 decimals). */
const timeMs = (j: number) => START + j * 60_000;
const value = (d: number, j: number) => Math.round((10 + 8 * Math.sin(j / 90 + d) + ((j * 7919 + d * 104729) % 100) / 100) * 100) / 100;

interface Batch {
  stationId: string;
  /** the JSON body, encoded once before any timing (the client shares the server's two cores) */
  body: Uint8Array<ArrayBuffer>;
  /** the same rows for the in-process service; let go after its phase */
  raw: RawObservation[];
  count: number;
}

/** Batches of one station: `times` consecutive minutes × its 5 datastreams, from minute `from`. */
function makeBatch(s: number, from: number, times: number): Batch {
  const stationId = `bench-${String(s).padStart(2, '0')}`;
  const datastreams = [];
  const raw: RawObservation[] = [];
  for (let k = 0; k < DS_PER_STATION; k++) {
    const d = s * DS_PER_STATION + k;
    const datastreamId = `${stationId}-d${k}`;
    const dataArray: [string, number][] = [];
    for (let j = from; j < from + times; j++) {
      const iso = new Date(timeMs(j)).toISOString();
      dataArray.push([iso, value(d, j)]);
      raw.push({ datastreamId, index: j - from, time: iso, result: value(d, j) });
    }
    datastreams.push({ datastreamId, components: ['phenomenonTime', 'result'], dataArray });
  }
  return { stationId, body: new TextEncoder().encode(JSON.stringify({ datastreams })) as Uint8Array<ArrayBuffer>, raw, count: times * DS_PER_STATION };
}

async function truncate(db: Db): Promise<void> {
  await sql`TRUNCATE observations, observation_history`.execute(db);
  await sql`CHECKPOINT`.execute(db);
}

async function countRows(db: Db, table = 'observations'): Promise<number> {
  const r = await sql<{ n: number }>`SELECT count(*)::int AS n FROM ${sql.table(table)}`.execute(db);
  return r.rows[0].n;
}

/** Runs jobs with `concurrency` workers, each taking the next job of its own queue (one station per worker). */
async function runQueues<T>(queues: T[][], fn: (job: T) => Promise<void>): Promise<void> {
  await Promise.all(
    queues.map(async (q) => {
      for (const job of q) await fn(job);
    }),
  );
}

async function main(): Promise<void> {
  const config = loadConfig(process.env, { logLevel: 'silent' });
  const dbName = `biomon_bench_${Math.random().toString(16).slice(2, 10)}`;
  const url = withDb(config.databaseUrl, dbName);
  const admin = new pg.Client({ connectionString: withDb(config.databaseUrl, 'postgres') });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${dbName}"`);
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'biomon-bench-'));
  const handle = createDb(url, { max: 10, applicationName: 'biomon-bench' });
  const db = handle.db;
  let server: ChildProcess | null = null;
  try {
    await migrateToLatest(db);
    const pgVersion = (await sql<{ v: string }>`SELECT version() AS v`.execute(db)).rows[0].v;
    const syncCommit = (await sql<{ s: string }>`SELECT current_setting('synchronous_commit') AS s`.execute(db)).rows[0].s;

    // ---- stations and tokens --------------------------------------------------------------
    const tokens = new Map<string, string>();
    for (let s = 0; s < STATIONS; s++) {
      const stationId = `bench-${String(s).padStart(2, '0')}`;
      const r = await registerStation(
        db,
        {
          stationId,
          name: `bench ${s}`,
          type: 'weather',
          location: { type: 'Point', coordinates: [125 + s / 10, 43] },
          datastreams: Array.from({ length: DS_PER_STATION }, (_, k) => ({
            datastreamId: `${stationId}-d${k}`,
            observedProperty: `p${k}`,
            unitOfMeasurement: { symbol: 'u' },
            resultType: 'number',
            validRange: [-100, 100],
            expectedIntervalSeconds: 60,
          })),
        },
        { actor: SYSTEM_ACTOR },
      );
      tokens.set(stationId, r.token!);
    }

    // ---- data, generated before any timing ---------------------------------------------------
    const perStation = Math.floor(ROWS / STATIONS / DS_PER_STATION); // minutes per datastream
    const rows = perStation * STATIONS * DS_PER_STATION;
    const timesPerBatch = THROUGHPUT_BATCH / DS_PER_STATION;
    const stationBatches: Batch[][] = Array.from({ length: STATIONS }, (_, s) => {
      const out: Batch[] = [];
      for (let from = 0; from < perStation; from += timesPerBatch) out.push(makeBatch(s, from, Math.min(timesPerBatch, perStation - from)));
      return out;
    });
    // THROUGHPUT_CONCURRENCY workers, each pushing whole stations in turn
    const queues: Batch[][] = Array.from({ length: THROUGHPUT_CONCURRENCY }, () => []);
    stationBatches.forEach((bs, s) => queues[s % THROUGHPUT_CONCURRENCY].push(...bs));
    // warm-up: as the timed reps (THROUGHPUT_CONCURRENCY workers, whole stations each), full-size
    // pushes at times before the timed data
    const warmQueues: Batch[][] = Array.from({ length: THROUGHPUT_CONCURRENCY }, () => []);
    for (let w = 0; w < WARMUP_PUSHES; w++)
      warmQueues[w % THROUGHPUT_CONCURRENCY].push(
        makeBatch(w % THROUGHPUT_CONCURRENCY, -1_000_000 + Math.floor(w / THROUGHPUT_CONCURRENCY) * timesPerBatch, timesPerBatch),
      );
    const latencyBatches: Batch[][] = Array.from({ length: LATENCY_STATIONS }, (_, s) =>
      Array.from({ length: LATENCY_PUSHES_PER_STATION }, (_, i) => makeBatch(s, i * (LATENCY_BATCH / DS_PER_STATION), LATENCY_BATCH / DS_PER_STATION)),
    );
    log(`rows: ${fmt(rows)} (${STATIONS} stations × ${DS_PER_STATION} datastreams × ${fmt(perStation)} minutes); reps: ${REPS}`);
    log(`PostgreSQL: ${pgVersion.split(',')[0]}; synchronous_commit=${syncCommit}; CPUs: ${os.cpus().length}; Node ${process.version}`);

    const result: Record<string, unknown> = {
      when: new Date().toISOString(),
      command: 'npm run bench -- ingest-stations',
      rows,
      reps: REPS,
      baseline: 'psql \\copy of the stored rows (all columns) into (LIKE observations INCLUDING ALL)',
      machine: {
        cpus: os.cpus().length,
        cpuModel: os.cpus()[0]?.model,
        memGiB: Math.round(os.totalmem() / 2 ** 30),
        node: process.version,
        postgres: pgVersion.split(',')[0],
        synchronousCommit: syncCommit,
      },
    };

    // ---- service, in-process ------------------------------------------------------------------
    const serviceRates: number[] = [];
    await runQueues(
      warmQueues,
      async (b) => void (await ingestObservations(db, b.stationId, b.raw, { actor: { tokenId: null, role: 'admin', label: 'bench' } })),
    );
    for (let r = 0; r < REPS; r++) {
      await truncate(db);
      const t0 = performance.now();
      await runQueues(queues, async (b) => {
        const res = await ingestObservations(db, b.stationId, b.raw, { actor: { tokenId: null, role: 'admin', label: 'bench' } });
        if (res.inserted !== b.count) throw new Error(`service inserted ${res.inserted}, expected ${b.count}`);
      });
      const s = (performance.now() - t0) / 1000;
      const n = await countRows(db);
      if (n !== rows) throw new Error(`service stored ${n} rows, expected ${rows}`);
      serviceRates.push(rows / s);
      log(`  service (no HTTP) rep ${r + 1}: ${fmt(rows / s)} obs/s (${s.toFixed(2)} s)`);
    }
    // The service's rows (an object per observation, 1,000,000 of them) are not needed by the HTTP
    // client: let them go, so that the client — which shares the two cores with the server and
    // PostgreSQL — does not carry them through its garbage collections while it pushes. (Kept, the
    // client spent ≈ 6 ms of CPU a push at 1,000,000 rows against ≈ 3 ms at 300,000.)
    for (const b of [...queues.flat(), ...warmQueues.flat(), ...latencyBatches.flat()]) b.raw = [];
    // and collect them now, not during the first timed rep (V8's gc(), reached without --expose-gc)
    v8.setFlagsFromString('--expose-gc');
    (vm.runInNewContext('gc') as () => void)();

    // ---- the ingest app in its own process ------------------------------------------------------
    const port = await freePort();
    server = spawn(path.join(ROOT, 'node_modules/.bin/tsx'), [...serverNodeArgs(), path.join(ROOT, 'apps/ingest/src/server.ts')], {
      cwd: ROOT,
      env: {
        ...process.env,
        DATABASE_URL: url,
        INGEST_PORT: String(port),
        LOG_LEVEL: 'warn',
        NODE_ENV: 'production',
        BIOMON_RATE_LIMIT_PER_MIN: '10000000',
        BIOMON_DB_POOL_MAX: '20',
      },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    const base = `http://127.0.0.1:${port}`;
    for (let i = 0; ; i++) {
      try {
        if ((await fetch(`${base}/health`)).status < 500) break;
      } catch {
        /* not up yet */
      }
      if (i > 300) throw new Error('the ingest server did not start');
      await new Promise((r) => setTimeout(r, 100));
    }
    const pushOnce = async (b: Batch): Promise<number> => {
      const t0 = performance.now();
      const res = await fetch(`${base}/v1/stations/${b.stationId}/observations`, {
        method: 'POST',
        headers: { authorization: `Bearer ${tokens.get(b.stationId)}`, 'content-type': 'application/json' },
        body: b.body,
      });
      const body = (await res.json()) as { inserted?: number };
      if (res.status !== 200 || body.inserted !== b.count) throw new Error(`push answered ${res.status} ${JSON.stringify(body).slice(0, 300)}`);
      return performance.now() - t0;
    };
    // warm-up, as fastify's own benchmarks do (a first round warms, the next are measured): full-size
    // pushes at times before the timed data, so the JIT has compiled the hot paths and the heap has
    // grown before a rep is timed; truncated with the table before each rep
    await truncate(db); // (an empty table, so the warm-up takes the COPY path as the reps do)
    await runQueues(warmQueues, async (b) => void (await pushOnce(b)));
    // Each API rep is followed by a raw COPY rep of the same rows (dumped after the first rep): a rep's
    // ratio compares two timings taken a few seconds apart, under the same load of the shared machine,
    // rather than the API's reps against COPY reps timed a minute later.
    const dump = path.join(tmp, 'observations.copy');
    const apiRates: number[] = [];
    const copyRates: number[] = [];
    for (let r = 0; r < REPS; r++) {
      await truncate(db);
      let t0 = performance.now();
      await runQueues(queues, async (b) => void (await pushOnce(b)));
      let s = (performance.now() - t0) / 1000;
      let n = await countRows(db);
      if (n !== rows) throw new Error(`API stored ${n} rows, expected ${rows}`);
      apiRates.push(rows / s);
      log(`  API (HTTP)      rep ${r + 1}: ${fmt(rows / s)} obs/s (${s.toFixed(2)} s)`);

      // ---- raw COPY of the rows the API stored, into (LIKE observations INCLUDING ALL) --------------
      if (r === 0) {
        await execFileP('psql', [url, '-v', 'ON_ERROR_STOP=1', '-qc', `\\copy observations TO '${dump}'`]);
        await sql`CREATE TABLE observations_copy (LIKE observations INCLUDING ALL)`.execute(db);
      }
      await sql`TRUNCATE observations_copy`.execute(db);
      await sql`CHECKPOINT`.execute(db);
      t0 = performance.now();
      await execFileP('psql', [url, '-v', 'ON_ERROR_STOP=1', '-qc', `\\copy observations_copy FROM '${dump}'`]);
      s = (performance.now() - t0) / 1000;
      n = await countRows(db, 'observations_copy');
      if (n !== rows) throw new Error(`COPY stored ${n} rows, expected ${rows}`);
      copyRates.push(rows / s);
      log(`  raw COPY        rep ${r + 1}: ${fmt(rows / s)} rows/s (${s.toFixed(2)} s)`);
    }

    // ---- latency: 20 stations at once, 1,000-observation pushes --------------------------------
    await truncate(db);
    const latencies: number[] = [];
    const t0 = performance.now();
    await runQueues(latencyBatches, async (b) => void latencies.push(await pushOnce(b)));
    const latencyWall = (performance.now() - t0) / 1000;
    const latencyRows = LATENCY_STATIONS * LATENCY_PUSHES_PER_STATION * LATENCY_BATCH;
    if ((await countRows(db)) !== latencyRows) throw new Error('latency phase lost rows');
    latencies.sort((a, b) => a - b);

    const copy = stats(copyRates);
    const service = stats(serviceRates);
    const api = stats(apiRates);
    const ratios = apiRates.map((a, i) => a / copyRates[i]);
    Object.assign(result, {
      rawCopyRowsPerS: copy,
      serviceObsPerS: service,
      apiObsPerS: api,
      apiToCopyRatio: stats(ratios),
      serviceToCopyRatio: stats(serviceRates.map((a, i) => a / copyRates[i])),
      // the two headline ratios of the benchmarks issue, as means over the repetitions
      ratios: { apiOverSameSemantics: stats(apiRates.map((a, i) => a / serviceRates[i])).mean, apiOverRawCopy: stats(ratios).mean },
      throughputSetup: { batch: THROUGHPUT_BATCH, concurrency: THROUGHPUT_CONCURRENCY, format: 'application/json dataArray', warmupPushes: WARMUP_PUSHES },
      latency1000: {
        stations: LATENCY_STATIONS,
        pushesPerStation: LATENCY_PUSHES_PER_STATION,
        batch: LATENCY_BATCH,
        requests: latencies.length,
        p50Ms: quantile(latencies, 0.5),
        p95Ms: quantile(latencies, 0.95),
        p99Ms: quantile(latencies, 0.99),
        maxMs: latencies[latencies.length - 1],
        obsPerS: latencyRows / latencyWall,
      },
    });
    log('');
    log(`raw COPY                       ${fmt(copy.mean)} rows/s  (min ${fmt(copy.min)}, max ${fmt(copy.max)})`);
    log(`service, in-process (4 st.)    ${fmt(service.mean)} obs/s   ratio to COPY ${(service.mean / copy.mean).toFixed(3)}`);
    log(
      `API over HTTP (4 st., 5k/push) ${fmt(api.mean)} obs/s   ratio to COPY ${stats(ratios).mean.toFixed(3)} (min ${stats(ratios).min.toFixed(3)}, max ${stats(ratios).max.toFixed(3)})`,
    );
    const l = result.latency1000 as { p50Ms: number; p95Ms: number; p99Ms: number; maxMs: number; obsPerS: number };
    log(
      `1,000-obs push, 20 stations:   p50 ${l.p50Ms.toFixed(0)} ms, p95 ${l.p95Ms.toFixed(0)} ms, p99 ${l.p99Ms.toFixed(0)} ms, max ${l.maxMs.toFixed(0)} ms (${latencies.length} pushes; ${fmt(l.obsPerS)} obs/s)`,
    );
    await mkdir(path.join(ROOT, 'bench/results'), { recursive: true });
    await writeFile(path.join(ROOT, 'bench/results/ingest-stations.json'), JSON.stringify(result, null, 2) + '\n');
    log('wrote bench/results/ingest-stations.json');
  } finally {
    if (server) {
      server.kill('SIGTERM');
      await once(server, 'exit').catch(() => {});
    }
    await handle.close();
    await admin.query(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`).catch(() => {});
    await admin.end();
    await rm(tmp, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
