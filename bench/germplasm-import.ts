/**
 * MCPD import benchmark (issue 20): a 100,000-accession MCPD v2.1 CSV through POST /v1/imports as a
 * department (upload, classification of the header, then the worker's chunked import: MCPD
 * validation, checklist matching, the sensitive-site cell, idempotent upserts by INSTCODE and
 * ACCENUMB); accessions/s from the upload to done, against a raw COPY of the same stored rows (every
 * column, dumped after the import) into a table created LIKE germplasm_accessions INCLUDING ALL.
 *
 *   npm run bench -- germplasm-import          (BENCH_ROWS=100000 by default)
 *
 * Scratch database with the reference seed; writes bench/results/germplasm-import.json.
 */
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, writeFile, rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { loadConfig } from '@biomon/config';
import { createDb, migrateToLatest, sql } from '@biomon/db';
import { createToken } from '@biomon/auth';
import { buildServer } from '@biomon/http';
import { createContext } from '@biomon/runtime';
import { apiModule } from '@biomon/api';
import { ingestModule } from '@biomon/ingest';
import { startWorker } from '@biomon/worker';
import { runSeeds } from '@biomon/seed';
import { MCPD_FIELDS, formatDms, saveInstitution } from '@biomon/germplasm';
import { createScratchDatabase } from './support/scratch-database';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const ROWS = Number(process.env.BENCH_ROWS ?? 100_000);

const INSTITUTIONS = ['CHN001', 'JL-GB-001', 'JL-BG-001', 'JL-CC-001', 'JL-FG-001'];
/** Checklist taxa (wild, medicinal, one sensitive), crops not in the checklist, an infraspecific name that rolls up. */
const TAXA: [string, string, string, string, string][] = [
  ['Glycine', 'soja', '', '野大豆', 'wild_plant'],
  ['Glycine', 'soja', 'var. gracilis', '野大豆', 'wild_plant'],
  ['Glycine', 'max', '', '大豆', 'crop'],
  ['Zea', 'mays', '', '玉米', 'crop'],
  ['Oryza', 'sativa', '', '水稻', 'crop'],
  ['Pinus', 'koraiensis', '', '红松', 'wild_plant'],
  ['Panax', 'ginseng', '', '人参', 'medicinal_plant'],
  ['Phellodendron', 'amurense', '', '黄檗', 'medicinal_plant'],
  ['Tilia', 'amurensis', '', '紫椴', 'wild_plant'],
  ['Rosa', 'rugosa', '', '玫瑰', 'wild_plant'],
];
const STORAGE = ['10', '11', '12', '13', '20', '30', '40', '50', '99', '12;20', '13;40'];
const SAMPSTAT = ['100', '110', '120', '130', '200', '300', '400', '500', '999'];

function csvCell(s: string): string {
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function mcpdFile(rows: number): Buffer {
  const header = [...MCPD_FIELDS, 'DOMAIN'];
  const idx = new Map(header.map((h, i) => [h, i]));
  const lines = [header.join(',')];
  for (let i = 0; i < rows; i++) {
    const [genus, species, subtaxa, crop, domain] = TAXA[i % TAXA.length];
    const cells = new Array<string>(header.length).fill('');
    const set = (k: string, v: string) => {
      cells[idx.get(k)!] = v;
    };
    const lat = 41.5 + ((i * 7919) % 4000) / 1000;
    const lon = 122.5 + ((i * 104729) % 8000) / 1000;
    set('INSTCODE', INSTITUTIONS[i % INSTITUTIONS.length]);
    set('ACCENUMB', `ACC-${String(i).padStart(7, '0')}`);
    set('GENUS', genus);
    set('SPECIES', species);
    set('SUBTAXA', subtaxa);
    set('CROPNAME', crop);
    set('ACCENAME', `${crop}${i % 97};Line ${i % 89}`);
    set('ACQDATE', `20${String(10 + (i % 15)).padStart(2, '0')}0${1 + (i % 9)}--`);
    set('ORIGCTY', 'CHN');
    set('COLLSITE', `吉林省 样点 ${i % 1000}`);
    // every third row with DMS only, the others with decimal degrees
    if (i % 3 === 0) {
      set('LATITUDE', formatDms(lat, 'lat'));
      set('LONGITUDE', formatDms(lon, 'lon'));
    } else {
      set('DECLATITUDE', lat.toFixed(4));
      set('DECLONGITUDE', lon.toFixed(4));
    }
    set('ELEVATION', String(100 + (i % 2000)));
    set('COLLDATE', `20${String(10 + (i % 15)).padStart(2, '0')}0${1 + (i % 9)}1${i % 10}`);
    set('SAMPSTAT', domain === 'crop' ? SAMPSTAT[5 + (i % 4)] : SAMPSTAT[i % 4]);
    set('STORAGE', STORAGE[i % STORAGE.length]);
    set('MLSSTAT', String(i % 2));
    set('REMARKS', i % 5 === 0 ? 'COLLSITE:林下;STORAGE:-18°C' : '');
    set('DOMAIN', domain);
    lines.push(cells.map(csvCell).join(','));
  }
  return Buffer.from(`${lines.join('\r\n')}\r\n`);
}

function psql(url: string, command: string): void {
  const r = spawnSync('psql', [url, '-v', 'ON_ERROR_STOP=1', '-q', '-c', command], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`psql ${command}: ${r.stderr}`);
}

async function main(): Promise<void> {
  const scratch = await createScratchDatabase('germplasm');
  const files = await mkdtemp(path.join(os.tmpdir(), 'biomon-bench-germplasm-'));
  const config = loadConfig(process.env, { databaseUrl: scratch.url, queuePrefix: `benchgerm${process.pid}`, fileStoreDir: files, logLevel: 'silent' });
  const setup = createDb(config.databaseUrl, { max: 2 });
  await migrateToLatest(setup.db);
  await runSeeds(setup.db, 'reference', path.join(ROOT, 'seeds'));
  const dept = await setup.db.selectFrom('departments').select('id').orderBy('id').executeTakeFirstOrThrow();
  const { token } = await createToken(setup.db, { role: 'department', departmentId: dept.id, label: 'bench' });
  const system = { tokenId: null, role: 'system' as const, label: 'bench' };
  for (const code of INSTITUTIONS)
    await saveInstitution(setup.db, { code, name: `基准测试机构 ${code}`, type: 'seed_bank' }, { actor: system, route: 'bench' });
  await setup.close();
  const csv = mcpdFile(ROWS);

  const ctx = createContext(config);
  const app = await buildServer({ ctx, apps: [ingestModule, apiModule] });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const port = (app.server.address() as { port: number }).port;
  const worker = startWorker(ctx, pino({ level: 'silent' }), { relayIntervalMs: 50 });
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(csv)], { type: 'text/csv' }), 'bench-mcpd.csv');
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
  await Promise.race([Promise.allSettled([worker.stop(), app.close()]), new Promise((r) => setTimeout(r, 5000))]);

  // the baseline: the stored rows, every column, COPY'd into a table LIKE germplasm_accessions
  const dump = path.join(files, 'accessions.copy');
  psql(scratch.url, `\\copy germplasm_accessions TO '${dump}'`);
  const db2 = createDb(config.databaseUrl, { max: 1 });
  await sql`CREATE TABLE bench_copy (LIKE germplasm_accessions INCLUDING ALL)`.execute(db2.db);
  await sql`CHECKPOINT`.execute(db2.db);
  const c0 = performance.now();
  psql(scratch.url, `\\copy bench_copy FROM '${dump}'`);
  const copySeconds = (performance.now() - c0) / 1000;
  const copied = (await sql<{ n: number }>`SELECT count(*)::int AS n FROM bench_copy`.execute(db2.db)).rows[0].n;
  await db2.close();
  if (copied !== ROWS) throw new Error(`COPY stored ${copied} rows`);

  const out = {
    when: new Date().toISOString(),
    command: 'npm run bench -- germplasm-import',
    rows: ROWS,
    bytes: csv.length,
    machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, memGiB: Math.round(os.totalmem() / 2 ** 30), node: process.version },
    seconds,
    uploadSeconds: (uploaded - t0) / 1000,
    accessionsPerS: ROWS / seconds,
    copySeconds,
    copyRowsPerS: ROWS / copySeconds,
    ratioToCopy: ROWS / seconds / (ROWS / copySeconds),
  };
  console.log(
    `germplasm-import: ${ROWS.toLocaleString('en')} MCPD accessions (${(csv.length / 1024 / 1024).toFixed(1)} MB) in ${seconds.toFixed(1)} s → ${Math.round(out.accessionsPerS).toLocaleString('en')} accessions/s (upload ${out.uploadSeconds.toFixed(2)} s); raw COPY of the stored rows ${Math.round(out.copyRowsPerS).toLocaleString('en')} rows/s → ratio ${out.ratioToCopy.toFixed(3)}`,
  );
  await mkdir(path.join(ROOT, 'bench/results'), { recursive: true });
  await writeFile(path.join(ROOT, 'bench/results/germplasm-import.json'), JSON.stringify(out, null, 2) + '\n');
  await scratch.drop();
  await rm(files, { recursive: true, force: true });
  process.exit(0);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
