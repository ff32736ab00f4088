/**
 * API read benchmark: autocannon against GET /v1/indicators/{code}/values and a bbox
 * GET /v1/occurrences (100 records), beside a bare fastify route in the same server; req/s ratios and p99.
 *
 *   npm run bench -- api-read            (BENCH_SECONDS=10 per target by default)
 *
 * Scratch database with the demo seed plus 20,000 extra occurrences; writes bench/results/api-read.json.
 */
import os from 'node:os';
import path from 'node:path';
import { mkdir, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { loadConfig } from '@biomon/config';
import { migrateToLatest, createDb } from '@biomon/db';
import { ACCESS_MATRIX } from '@biomon/auth';
import { buildServer } from '@biomon/http';
import { createContext } from '@biomon/runtime';
import { apiModule } from '@biomon/api';
import { ingestModule } from '@biomon/ingest';
import { ingestOccurrences } from '@biomon/occurrences';
import { runSeeds } from '@biomon/seed';
import { createScratchDatabase } from './support/scratch-database';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);

async function main(): Promise<void> {
  const scratch = await createScratchDatabase('read');
  const config = loadConfig(process.env, {
    databaseUrl: scratch.url,
    queuePrefix: `benchread${process.pid}`,
    rateLimitPerMinute: 10_000_000,
    rateLimitPublicPerMinute: 10_000_000,
    logLevel: 'silent',
  });
  const setup = createDb(config.databaseUrl, { max: 4 });
  await migrateToLatest(setup.db);
  await runSeeds(setup.db, 'demo', path.join(ROOT, 'seeds'));
  const extra = Array.from({ length: 20_000 }, (_, i) => ({
    occurrenceID: `read-${i}`,
    scientificName: 'Capreolus pygargus',
    eventDate: '2024-06-01',
    geodeticDatum: 'WGS84',
    decimalLatitude: 41.5 + ((i * 7919) % 4000) / 1000,
    decimalLongitude: 122.5 + ((i * 104729) % 8000) / 1000,
  }));
  for (let i = 0; i < extra.length; i += 1000)
    await ingestOccurrences(setup.db, extra.slice(i, i + 1000), { actor: { tokenId: null, role: 'surveyor', team: 'bench', label: 'bench' } });
  await setup.close();

  const ctx = createContext(config);
  const app = await buildServer({ ctx, apps: [ingestModule, apiModule] });
  ACCESS_MATRIX['GET /bench/bare'] = 'public'; // the baseline route: same server, same hooks, no work
  app.get('/bench/bare', async () => ({ ok: true }));
  await app.listen({ port: 0, host: '127.0.0.1' });
  const port = (app.server.address() as { port: number }).port;
  const targets = {
    bare: '/bench/bare',
    indicatorValues: '/v1/indicators/forest_coverage/values?region=220000',
    occurrencesBbox: '/v1/occurrences?bbox=125,42,127,44&limit=100',
  };
  const results: Record<string, { reqPerS: number; p99Ms: number; p50Ms: number; non2xx: number }> = {};
  for (const [k, p] of Object.entries(targets)) {
    const r = await autocannon({ url: `http://127.0.0.1:${port}${p}`, connections: 16, duration: SECONDS });
    results[k] = { reqPerS: r.requests.average, p99Ms: r.latency.p99, p50Ms: r.latency.p50, non2xx: r.non2xx };
    console.log(
      `  ${k.padEnd(16)} ${Math.round(r.requests.average).toLocaleString('en')} req/s  p50 ${r.latency.p50} ms  p99 ${r.latency.p99} ms  non-2xx ${r.non2xx}`,
    );
  }
  const out = {
    when: new Date().toISOString(),
    command: 'npm run bench -- api-read',
    secondsPerTarget: SECONDS,
    connections: 16,
    machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, memGiB: Math.round(os.totalmem() / 2 ** 30), node: process.version },
    results,
    ratios: {
      indicatorValuesOverBare: results.indicatorValues.reqPerS / results.bare.reqPerS,
      occurrencesBboxOverBare: results.occurrencesBbox.reqPerS / results.bare.reqPerS,
    },
  };
  console.log(
    `  ratios to the bare route: indicator values ${out.ratios.indicatorValuesOverBare.toFixed(3)}, bbox occurrences ${out.ratios.occurrencesBboxOverBare.toFixed(3)}`,
  );
  await mkdir(path.join(ROOT, 'bench/results'), { recursive: true });
  await writeFile(path.join(ROOT, 'bench/results/api-read.json'), JSON.stringify(out, null, 2) + '\n');
  await app.close();
  await ctx.close();
  await scratch.drop();
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
