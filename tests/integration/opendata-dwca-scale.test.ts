import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import v8 from 'node:v8';
import vm from 'node:vm';
import { runSeeds } from '@biomon/seed';
import { sql } from '@biomon/db';
import { openImport } from '@biomon/occurrences';
import { requestDwcaExport, runDwcaExport, parseOccurrenceFilter } from '@biomon/opendata';
import { createTestContext, type TestContext } from '../support/test-db';
import { REPO_ROOT } from '../support/cli';

// A large export: 100,000 generated occurrences (copies of the demo records on their events)
// stream out of PostgreSQL by cursor into the archive; the live heap stays flat; biomon's own
// reader accepts the archive (structure, field counts, no orphaned extension rows).

const N = 100_000;
let t: TestContext;

beforeAll(async () => {
  t = await createTestContext({ fileStoreDir: mkdtempSync(path.join(tmpdir(), 'biomon-dwca-scale-')) });
  await runSeeds(t.ctx.db, 'demo', path.join(REPO_ROOT, 'seeds'));
  await sql`
    INSERT INTO occurrences (occurrence_id, event_id, basis_of_record, scientific_name, taxon_id, taxon_match, occurrence_status, event_start, event_end,
      individual_count, coordinate_uncertainty_m, geom, region_codes, priority_area, in_counted_pa, flags, data, content_hash, team,
      generalised, ever_sensitive, cell_m, public_geom, public_region_codes, public_priority_area, public_in_counted_pa)
    SELECT 'gen-' || g, o.event_id, o.basis_of_record, o.scientific_name, o.taxon_id, o.taxon_match, o.occurrence_status, o.event_start, o.event_end,
      o.individual_count, o.coordinate_uncertainty_m, o.geom, o.region_codes, o.priority_area, o.in_counted_pa, o.flags,
      o.data || jsonb_build_object('occurrenceID', 'gen-' || g), md5(g::text), o.team,
      -- copies of stored rows (same taxon, same event): the same public view
      o.generalised, o.ever_sensitive, o.cell_m, o.public_geom, o.public_region_codes, o.public_priority_area, o.public_in_counted_pa
    FROM generate_series(1, ${N}) g JOIN LATERAL (SELECT * FROM occurrences WHERE id = 1 + (g % 304) LIMIT 1) o ON true`.execute(t.ctx.db);
}, 300_000);
afterAll(async () => {
  await t?.close();
});

describe('a large Darwin Core Archive export', () => {
  it(`streams ${N.toLocaleString('en')} + 304 occurrences with a flat live heap, and the archive opens in biomon's reader`, async () => {
    const { exportId } = await requestDwcaExport(t.ctx.db, parseOccurrenceFilter({}), { tokenId: null, role: 'surveyor', label: 'test' });
    v8.setFlagsFromString('--expose-gc');
    const gc = vm.runInNewContext('gc') as () => void;
    gc();
    const base = process.memoryUsage().heapUsed;
    let peak = base;
    const sampler = setInterval(() => {
      gc();
      peak = Math.max(peak, process.memoryUsage().heapUsed);
    }, 1000);
    const started = Date.now();
    const counts = await runDwcaExport({ db: t.ctx.db, pool: t.ctx.dbHandle.pool, fileStoreDir: t.config.fileStoreDir, eml: t.config.eml }, exportId);
    clearInterval(sampler);
    const ms = Date.now() - started;
    // a surveyor's selection holds generalised (sensitive) rows, which carry no eventID: occurrence core
    expect(counts).toMatchObject({ core: 'occurrence', occurrences: N + 304, events: 0 });
    expect(counts!.generalisedOccurrences).toBeGreaterThan(N / 20);
    const growthMb = (peak - base) / 1024 / 1024;
    const row = await t.ctx.db.selectFrom('exports').selectAll().where('id', '=', exportId).executeTakeFirstOrThrow();
    expect(row.status).toBe('completed');
    expect(growthMb).toBeLessThan(24);
    console.log(
      `[opendata] dwca export: ${counts!.occurrences} occurrences + ${counts!.events} events in ${ms} ms (${Math.round((counts!.occurrences / ms) * 1000)} rows/s with forced GCs; ${counts!.rowsPerSecond} rows/s as the job measured it), zip ${(row.size_bytes! / 1024 / 1024).toFixed(1)} MB, live heap growth ${growthMb.toFixed(1)} MB`,
    );

    // biomon's importer validates the whole archive (field counts, orphaned extension rows) when it opens it
    const src = await openImport(row.file_path!, { importId: '00000000-0000-4000-8000-000000000000', originalName: 'export.zip' });
    try {
      expect(src.format).toBe('dwca');
      expect(src.totalRows).toBe(N + 304);
    } finally {
      await src.close();
    }
  }, 300_000);
});
