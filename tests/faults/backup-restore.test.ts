import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, mkdirSync, writeFileSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runSeeds } from '@biomon/seed';
import { createDb, sql, type DbHandle } from '@biomon/db';
import { createIndicatorRun, executeIndicatorRun, getIndicatorRun } from '@biomon/indicators';
import { SYSTEM_VIEWER } from '@biomon/sensitive';
import { REPO_ROOT, runCli } from '../support/cli';
import { haveServers, startPostgres, type PrivatePostgres } from './private-stack';

// Drill 9: `biomon backup FILE` then `biomon restore FILE` into a fresh stack; counts and an
// indicator run's numbers must match, and the file store must come back.

let source: PrivatePostgres;
let target: PrivatePostgres;
let h: DbHandle;
const TABLES = [
  'ledger_tasks',
  'taxa',
  'layer_datasets',
  'regions',
  'land_cover',
  'occurrences',
  'survey_events',
  'stations',
  'observations',
  'indicator_runs',
  'indicator_results',
  'audit_log',
];

beforeAll(async () => {
  haveServers();
  [source, target] = await Promise.all([startPostgres(), startPostgres()]);
  h = createDb(source.url, { max: 2 });
  await runSeeds(h.db, 'demo', path.join(REPO_ROOT, 'seeds'));
}, 180_000);
afterAll(async () => {
  await h?.close();
  source?.destroy();
  target?.destroy();
});

async function counts(url: string): Promise<Record<string, number>> {
  const c = createDb(url, { max: 1 });
  try {
    const out: Record<string, number> = {};
    for (const t of TABLES) out[t] = (await sql<{ n: number }>`SELECT count(*)::int AS n FROM ${sql.table(t)}`.execute(c.db)).rows[0].n;
    return out;
  } finally {
    await c.close();
  }
}

describe('drill: backup and restore', () => {
  it('restores a fresh stack with the same data, the same indicator numbers and the file store', async () => {
    const work = mkdtempSync(path.join(tmpdir(), 'biomon-drill9-'));
    const storeA = path.join(work, 'files-a');
    const storeB = path.join(work, 'files-b');
    mkdirSync(path.join(storeA, 'evidence'), { recursive: true });
    writeFileSync(path.join(storeA, 'evidence', 'report.pdf'), '%PDF-1.4 drill evidence');
    const file = path.join(work, 'biomon-backup.tar.gz');
    const t0 = Date.now();
    const b = await runCli(['backup', file], { DATABASE_URL: source.url, BIOMON_FILE_STORE: storeA });
    expect(b.code, b.stderr).toBe(0);
    const r = await runCli(['restore', file], { DATABASE_URL: target.url, BIOMON_FILE_STORE: storeB });
    expect(r.code, r.stderr).toBe(0);
    const seconds = (Date.now() - t0) / 1000;
    const [ca, cb] = await Promise.all([counts(source.url), counts(target.url)]);
    expect(cb).toEqual(ca);
    expect(existsSync(path.join(storeB, 'evidence', 'report.pdf'))).toBe(true);
    expect(readFileSync(path.join(storeB, 'evidence', 'report.pdf'), 'utf8')).toContain('drill evidence');
    // the same run on both stacks gives the same numbers
    const numbers = async (url: string) => {
      const c = createDb(url, { max: 2 });
      try {
        const { runId } = await createIndicatorRun(c.db, { year: 2024 }, { tokenId: null, role: 'evaluator', label: 'drill9' });
        await executeIndicatorRun(c.db, runId);
        return (await getIndicatorRun(c.db, runId, SYSTEM_VIEWER))!.results.map((x) => [x.indicator, x.regionCode, x.value, x.reason]);
      } finally {
        await c.close();
      }
    };
    const [na, nb] = await Promise.all([numbers(source.url), numbers(target.url)]);
    expect(nb).toEqual(na);
    // restoring again over data is refused without --force
    const again = await runCli(['restore', file], { DATABASE_URL: target.url, BIOMON_FILE_STORE: storeB });
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/already holds data/);
    console.log(`drill 9: backup + restore ${seconds.toFixed(1)} s; counts ${JSON.stringify(cb)}; indicator results compared ${nb.length}, equal`);
  }, 180_000);
});
