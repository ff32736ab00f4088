/**
 * Public reads at index speed (issue 17): on 1,000,000 occurrences (10 % of a sensitive taxon),
 * public `GET /v1/occurrences?bbox=…&limit=100` pages — 0.5° boxes spread over the province, 20 at
 * once — against the same pages read straight from PostgreSQL by pgbench (the plain indexed query
 * on the stored points, `SELECT id, data, ST_X(geom), ST_Y(geom) FROM occurrences WHERE geom &&
 * <bbox> ORDER BY id LIMIT 100`, same boxes, same concurrency), in the same run; and indicator value
 * reads against a bare fastify route of the same server. The load generator runs in a process of
 * its own (bench/support/load.mjs), the server in this one.
 *
 *   npm run bench -- public-read        BENCH_OCCURRENCES=1000000 BENCH_SECONDS=20 by default
 *   BENCH_KEEP=1 keeps the scratch database and prints its name; BENCH_DB=<name> reuses one.
 *
 * Writes bench/results/public-read.json: ratios.publicBboxOverSql (the literal query, the box
 * a constant), ratios.publicBboxOverBestSql (the API's page with PostgreSQL's best plan: see
 * pgbenchPages), the API's p99, ratios.indicatorValuesOverBare.
 */
import os from 'node:os';
import path from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '@biomon/config';
import { mulberry32 } from '@biomon/core';
import { createDb, migrateToLatest, sql } from '@biomon/db';
import { ACCESS_MATRIX } from '@biomon/auth';
import { buildServer } from '@biomon/http';
import { createContext } from '@biomon/runtime';
import { apiModule } from '@biomon/api';
import { ingestModule } from '@biomon/ingest';
import { ingestOccurrences } from '@biomon/occurrences';
import { runSeeds } from '@biomon/seed';
import { createScratchDatabase } from './support/scratch-database';

const execFileP = promisify(execFile);
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const N = Number(process.env.BENCH_OCCURRENCES ?? 1_000_000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 20);
const CONNECTIONS = 20;
const BOXES = 200;
/** The province's extent (WGS84) over which records and query boxes are spread. */
const PROVINCE = { w: 121.7, s: 40.9, e: 131.2, n: 46.2 };

/** A small deterministic PRNG (mulberry32), so every run plants the same records and asks the same boxes. */
const rng = mulberry32;

const SPECIES = [
  'Capreolus pygargus',
  'Sus scrofa',
  'Lepus mandshuricus',
  'Nyctereutes procyonoides',
  'Vulpes vulpes',
  'Sciurus vulgaris',
  'Phasianus colchicus',
  'Pica pica',
  'Grus japonensis',
];
const SENSITIVE = ['Panthera tigris altaica', 'Panthera pardus orientalis', 'Ursus thibetanus', 'Moschus moschiferus'];

async function plant(url: string): Promise<void> {
  const h = createDb(url, { max: 6 });
  try {
    await migrateToLatest(h.db);
    await runSeeds(h.db, 'demo', path.join(ROOT, 'seeds'));
    const r = rng(17);
    const t0 = performance.now();
    const BATCH = 2000;
    const WRITERS = 3;
    let next = 0;
    const writer = async () => {
      for (;;) {
        const from = next;
        next += BATCH;
        if (from >= N) return;
        const recs = [];
        for (let i = from; i < Math.min(N, from + BATCH); i++) {
          const sensitive = r() < 0.1;
          recs.push({
            occurrenceID: `pr-${i}`,
            basisOfRecord: 'HumanObservation',
            occurrenceStatus: 'present',
            geodeticDatum: 'WGS84',
            scientificName: sensitive ? SENSITIVE[i % SENSITIVE.length] : SPECIES[i % SPECIES.length],
            eventDate: `20${16 + (i % 9)}-0${1 + (i % 9)}-1${i % 10}`,
            individualCount: 1 + (i % 4),
            decimalLongitude: Math.round((PROVINCE.w + r() * (PROVINCE.e - PROVINCE.w)) * 1e5) / 1e5,
            decimalLatitude: Math.round((PROVINCE.s + r() * (PROVINCE.n - PROVINCE.s)) * 1e5) / 1e5,
            recordedBy: 'bench',
            locality: `样地 ${i % 1000}`,
          });
        }
        await ingestOccurrences(h.db, recs, { actor: { tokenId: null, role: 'surveyor', team: 'bench', label: 'bench' } });
        if ((from / BATCH) % 50 === 0)
          console.log(
            `  planted ${Math.min(N, from + BATCH).toLocaleString('en')} of ${N.toLocaleString('en')} (${Math.round((from + BATCH) / ((performance.now() - t0) / 1000))} rec/s)`,
          );
      }
    };
    await Promise.all(Array.from({ length: WRITERS }, writer));
    await sql`VACUUM ANALYZE occurrences`.execute(h.db);
    console.log(`  planted ${N.toLocaleString('en')} occurrences in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  } finally {
    await h.close();
  }
}

/** 0.5° query boxes spread over the province (south-west corners), the same for the API and for pgbench. */
function boxes(): [number, number][] {
  const r = rng(42);
  return Array.from({ length: BOXES }, () => [
    Math.round((PROVINCE.w + r() * (PROVINCE.e - PROVINCE.w - 0.5)) * 1000) / 1000,
    Math.round((PROVINCE.s + r() * (PROVINCE.n - PROVINCE.s - 0.5)) * 1000) / 1000,
  ]);
}

async function load(
  url: string,
  paths: string[],
  headers: Record<string, string> = {},
): Promise<{ reqPerS: number; p50Ms: number; p99Ms: number; non2xx: number; errors: number; requests: number }> {
  const { stdout } = await execFileP(
    process.execPath,
    [path.join(ROOT, 'bench/support/load.mjs'), JSON.stringify({ url, paths, connections: CONNECTIONS, duration: SECONDS, headers })],
    { maxBuffer: 1 << 20 },
  );
  return JSON.parse(stdout.trim().split('\n').pop()!);
}

/**
 * The two SQL baselines, read by pgbench with the same boxes (picked at random from a table) and the
 * same concurrency as the API:
 * - `literal`: the issue's query as written, the box a constant the planner sees (pgbench `\gset`
 *   fetches its corners, then substitutes them as literals): `SELECT id, data, ST_X(geom), ST_Y(geom)
 *   FROM occurrences WHERE geom && ST_MakeEnvelope(…) ORDER BY id LIMIT 100`. (Until 2026-12-07 the box
 *   came from a scalar subquery, which hides it from the planner: it then guessed 100 rows and read
 *   every row of the box from the heap by a bitmap scan, 14.7 pages/s.)
 * - `best`: the API's own page (the first 100 ids whose stored public position is in the box) with the
 *   best plan PostgreSQL has for it: an index-only scan of the point index on public_xy (migration
 *   0013), a top-100 sort of ids, 100 rows from the heap — the floor under the API's statement, which
 *   adds the projection's JSON. No plan for the literal query on `geom` is faster on this schema:
 *   PostGIS' GiST cannot return keys, so a GiST-driven plan reads every row of the box from the heap.
 * Both tables are analysed first.
 */
async function pgbenchPages(url: string, bx: [number, number][], which: 'literal' | 'best'): Promise<{ tps: number; latencyAvgMs: number; query: string }> {
  const h = createDb(url, { max: 1 });
  await sql`DROP TABLE IF EXISTS bench_bboxes`.execute(h.db);
  await sql`CREATE TABLE bench_bboxes (id int PRIMARY KEY, x1 float8 NOT NULL, y1 float8 NOT NULL, x2 float8 NOT NULL, y2 float8 NOT NULL)`.execute(h.db);
  await sql`INSERT INTO bench_bboxes SELECT i, x, y, x + 0.5, y + 0.5
    FROM unnest(${bx.map((_, i) => i + 1)}::int[], ${bx.map((b) => b[0])}::float8[], ${bx.map((b) => b[1])}::float8[]) AS u(i, x, y)`.execute(h.db);
  await sql`ANALYZE bench_bboxes`.execute(h.db);
  await sql`ANALYZE occurrences`.execute(h.db);
  await h.close();
  const query =
    which === 'literal'
      ? 'SELECT id, data, ST_X(geom), ST_Y(geom) FROM occurrences WHERE geom && ST_MakeEnvelope(:x1, :y1, :x2, :y2, 4326) ORDER BY id LIMIT 100;'
      : 'WITH c AS MATERIALIZED (SELECT id FROM occurrences WHERE public_xy <@ box(point(:x1, :y1), point(:x2, :y2))) ' +
        'SELECT o.id, o.data, ST_X(o.public_geom), ST_Y(o.public_geom) FROM occurrences o WHERE o.id IN (SELECT id FROM c ORDER BY id LIMIT 100) ORDER BY o.id;';
  const dir = await mkdtemp(path.join(os.tmpdir(), 'biomon-pgbench-'));
  const script = path.join(dir, 'page.sql');
  await writeFile(script, `\\set i random(1, ${BOXES})\nSELECT x1, y1, x2, y2 FROM bench_bboxes WHERE id = :i \\gset\n${query}\n`);
  const u = new URL(url);
  const { stdout } = await execFileP(
    'pgbench',
    [
      '-n',
      '-c',
      String(CONNECTIONS),
      '-j',
      '2',
      '-T',
      String(SECONDS),
      '-f',
      script,
      '-h',
      u.hostname,
      '-p',
      u.port,
      '-U',
      decodeURIComponent(u.username || 'postgres'),
      u.pathname.slice(1),
    ],
    { maxBuffer: 1 << 22 },
  ).finally(() => rm(dir, { recursive: true, force: true }));
  const tps = Number(/tps = ([\d.]+)/.exec(stdout)?.[1]);
  const latencyAvgMs = Number(/latency average = ([\d.]+) ms/.exec(stdout)?.[1]);
  if (!Number.isFinite(tps)) throw new Error(`pgbench printed no tps:\n${stdout}`);
  return { tps, latencyAvgMs, query };
}

/** EXPLAIN (ANALYZE, BUFFERS) of both baselines on one box (kept in the results; the parameters are planned as the constants they are: an unnamed statement). */
async function explainBaselines(url: string, [x, y]: [number, number]): Promise<Record<string, string>> {
  const h = createDb(url, { max: 1 });
  try {
    const literal = await sql<{ 'QUERY PLAN': string }>`EXPLAIN (ANALYZE, BUFFERS) SELECT id, data, ST_X(geom), ST_Y(geom) FROM occurrences
      WHERE geom && ST_MakeEnvelope(${x}::float8, ${y}::float8, ${x + 0.5}::float8, ${y + 0.5}::float8, 4326) ORDER BY id LIMIT 100`.execute(h.db);
    const best = await sql<{ 'QUERY PLAN': string }>`EXPLAIN (ANALYZE, BUFFERS) WITH c AS MATERIALIZED (SELECT id FROM occurrences
      WHERE public_xy <@ box(point(${x}::float8, ${y}::float8), point(${x + 0.5}::float8, ${y + 0.5}::float8)))
      SELECT o.id, o.data, ST_X(o.public_geom), ST_Y(o.public_geom) FROM occurrences o WHERE o.id IN (SELECT id FROM c ORDER BY id LIMIT 100) ORDER BY o.id`.execute(
      h.db,
    );
    return { literal: literal.rows.map((r) => r['QUERY PLAN']).join('\n'), best: best.rows.map((r) => r['QUERY PLAN']).join('\n') };
  } finally {
    await h.close();
  }
}

/** CPU seconds (user + system) used so far by the PostgreSQL backends of this database (from /proc; 0 where unreadable). */
async function backendCpu(url: string): Promise<Map<number, number>> {
  const h = createDb(url, { max: 1 });
  try {
    const pids = (await sql<{ pid: number }>`SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()`.execute(h.db))
      .rows;
    const out = new Map<number, number>();
    for (const { pid } of pids) {
      const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (f.length > 13) out.set(pid, (Number(f[11]) + Number(f[12])) / 100); // utime, stime in clock ticks (USER_HZ 100)
    }
    return out;
  } finally {
    await h.close();
  }
}

/** The API load with the CPU it cost per page: node (this process: server) and the PostgreSQL backends. */
async function loadWithCpu(
  url: string,
  base: string,
  paths: string[],
): Promise<Awaited<ReturnType<typeof load>> & { nodeCpuMsPerPage: number; pgCpuMsPerPage: number }> {
  const pg0 = await backendCpu(url);
  const cpu0 = process.cpuUsage();
  const r = await load(base, paths);
  const cpu = process.cpuUsage(cpu0);
  const pg1 = await backendCpu(url);
  let pgSec = 0;
  for (const [pid, sec] of pg1) pgSec += sec - (pg0.get(pid) ?? 0);
  return { ...r, nodeCpuMsPerPage: (cpu.user + cpu.system) / 1000 / r.requests, pgCpuMsPerPage: (pgSec * 1000) / r.requests };
}

async function main(): Promise<void> {
  const reuse = process.env.BENCH_DB;
  const scratch = reuse ? null : await createScratchDatabase('pubread');
  const url = reuse ? Object.assign(new URL(loadConfig().databaseUrl), { pathname: `/${reuse}` }).toString() : scratch!.url;
  if (!reuse) await plant(url);
  const [{ n, s }] = await (async () => {
    const h = createDb(url, { max: 1 });
    try {
      // a kept database may predate migrations the server now reads (indicator variants, …)
      if (reuse) await migrateToLatest(h.db);
      return (await sql<{ n: number; s: number }>`SELECT count(*)::int AS n, count(*) FILTER (WHERE generalised)::int AS s FROM occurrences`.execute(h.db))
        .rows;
    } finally {
      await h.close();
    }
  })();
  console.log(`  ${n.toLocaleString('en')} occurrences, ${s.toLocaleString('en')} generalised for the public`);
  const bx = boxes();

  const config = loadConfig(process.env, {
    databaseUrl: url,
    queuePrefix: `benchpub${process.pid}`,
    rateLimitPerMinute: 100_000_000,
    rateLimitPublicPerMinute: 100_000_000,
    logLevel: 'silent',
    // the server's pool (BIOMON_DB_POOL_MAX); BENCH_POOL tries another size against the same 20 connections
    dbPoolMax: Number(process.env.BENCH_POOL ?? CONNECTIONS),
  });
  const ctx = createContext(config);
  const app = await buildServer({ ctx, apps: [ingestModule, apiModule] });
  ACCESS_MATRIX['GET /bench/bare'] = 'public'; // the baseline route: the same server and hooks, no work
  app.get('/bench/bare', async () => ({ ok: true }));
  await app.listen({ port: 0, host: '127.0.0.1' });
  const base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
  const results: Record<string, unknown> = {};
  try {
    // warm both paths (buffers, plans)
    await load(
      base,
      bx.slice(0, 20).map(([x, y]) => `/v1/occurrences?bbox=${x},${y},${x + 0.5},${y + 0.5}&limit=100`),
    );
    const sqlPages = await pgbenchPages(url, bx, 'literal');
    console.log(`  SQL literal (pgbench) ${Math.round(sqlPages.tps).toLocaleString('en')} pages/s  latency avg ${sqlPages.latencyAvgMs} ms`);
    const sqlBestPages = await pgbenchPages(url, bx, 'best');
    console.log(`  SQL best (pgbench)   ${Math.round(sqlBestPages.tps).toLocaleString('en')} pages/s  latency avg ${sqlBestPages.latencyAvgMs} ms`);
    const explain = await explainBaselines(url, bx[0]);
    const api = await loadWithCpu(
      url,
      base,
      bx.map(([x, y]) => `/v1/occurrences?bbox=${x},${y},${x + 0.5},${y + 0.5}&limit=100`),
    );
    console.log(
      `  API public bbox      ${Math.round(api.reqPerS).toLocaleString('en')} pages/s  p50 ${api.p50Ms} ms  p99 ${api.p99Ms} ms  non-2xx ${api.non2xx}  CPU/page: node ${api.nodeCpuMsPerPage.toFixed(2)} ms, PostgreSQL ${api.pgCpuMsPerPage.toFixed(2)} ms`,
    );
    const bare = await load(base, ['/bench/bare']);
    console.log(`  bare route           ${Math.round(bare.reqPerS).toLocaleString('en')} req/s   p99 ${bare.p99Ms} ms`);
    const ind = await load(base, [
      '/v1/indicators/forest_coverage/values?region=220000',
      '/v1/indicators/pa_coverage/values',
      '/v1/indicators/protected_species_rate/values?region=220000',
    ]);
    console.log(`  indicator values     ${Math.round(ind.reqPerS).toLocaleString('en')} req/s   p99 ${ind.p99Ms} ms  non-2xx ${ind.non2xx}`);
    Object.assign(results, { sqlPages, sqlBestPages, apiPublicBbox: api, bare, indicatorValues: ind, explain });
    const ratios = {
      publicBboxOverSql: api.reqPerS / sqlPages.tps,
      publicBboxOverBestSql: api.reqPerS / sqlBestPages.tps,
      indicatorValuesOverBare: ind.reqPerS / bare.reqPerS,
    };
    console.log(
      `  ratios: public bbox / SQL literal ${ratios.publicBboxOverSql.toFixed(3)}, / SQL best ${ratios.publicBboxOverBestSql.toFixed(3)} (p99 ${api.p99Ms} ms); indicator values / bare ${ratios.indicatorValuesOverBare.toFixed(3)}`,
    );
    const out = {
      when: new Date().toISOString(),
      command: 'npm run bench -- public-read',
      occurrences: n,
      generalised: s,
      boxes: BOXES,
      boxSizeDeg: 0.5,
      connections: CONNECTIONS,
      serverDbPoolMax: config.dbPoolMax,
      loadAverage: os.loadavg(),
      secondsPerTarget: SECONDS,
      machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, memGiB: Math.round(os.totalmem() / 2 ** 30), node: process.version },
      results,
      ratios,
      apiP99Ms: api.p99Ms,
    };
    await mkdir(path.join(ROOT, 'bench/results'), { recursive: true });
    await writeFile(path.join(ROOT, 'bench/results/public-read.json'), JSON.stringify(out, null, 2) + '\n');
  } finally {
    await app.close();
    await ctx.close();
    if (scratch) {
      if (process.env.BENCH_KEEP) {
        console.log(`  kept the scratch database: BENCH_DB=${new URL(url).pathname.slice(1)}`);
        await scratch.keep();
      } else await scratch.drop();
    }
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
