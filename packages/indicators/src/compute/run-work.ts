import type { DbOrTx } from '@biomon/db';
import { sql, withTx, type RawBuilder } from '@biomon/db';
import type { RunContext } from '../run-context';

/**
 * The work a run shares between its indicators (migration 0012_indicator_scale), built once per
 * run and kept by run id until the run completes:
 *
 * - a grid of cells over the run's regions. Cells partition the plane, so a sum over cells of the
 *   areas inside each cell is the area of the whole: no province-wide union is ever built, and an
 *   overlap counts once because the union is taken within each cell first;
 * - each region cut by each cell (the whole cell when the region covers it);
 * - the counted-PA union (BRIEF §6) within each cell, built once from the subdivided outlines
 *   (layer_subdivided) and reused by every indicator, with each region piece's part inside it;
 * - the same union cut into pieces of ≤ 256 vertices for point-in-polygon tests.
 *
 * Overlay (union, intersection) is in geometry, every area on the WGS84 ellipsoid (geography).
 * Neighbouring cells share their edges, so the edges a cut adds cancel in the sums: a region's sum
 * over its pieces is the area of the unsplit overlay. (A cut point on an edge longer than a few
 * kilometres lies on the lon/lat chord, as any crossing edge of the overlay puts it; edges of
 * realistic outlines are far shorter.)
 */

export interface WorkOptions {
  /** statements run at once on a pool (1 inside a transaction) */
  concurrency: number;
  /** land-cover (or ecosystem) features aimed at per cell when the cell size is chosen */
  featuresPerCell: number;
  /** a fixed cell size in degrees instead (tests) */
  cellDeg?: number;
  /** cells per overlay statement */
  cellsPerStatement: number;
}

export const DEFAULT_WORK: WorkOptions = { concurrency: 2, featuresPerCell: 1500, cellsPerStatement: 8 };

/**
 * The run's grid: cells of 1/k degree, numbered row by row (cell = gy · nx + gx) from the corner
 * (ix0/k, iy0/k); `cells` are those that meet a region.
 */
export interface Grid {
  k: number;
  ix0: number;
  iy0: number;
  nx: number;
  ny: number;
  cellDeg: number;
  cells: number[];
  regions: string[];
}

/**
 * The cell holding a point (the closed cell: a point on an edge is in both neighbours, and this
 * picks the one whose floor it is). A point lies in a region (or the PA union) exactly when it lies
 * in that region's piece (the union's pieces) of this cell: the pieces are the closed sets cut by
 * closed cells.
 */
export function cellOfPoint(grid: Grid, g: RawBuilder<unknown>): RawBuilder<number | null> {
  const gx = sql`(floor(ST_X(${g}) * ${grid.k}::float8) - ${grid.ix0}::float8)`;
  const gy = sql`(floor(ST_Y(${g}) * ${grid.k}::float8) - ${grid.iy0}::float8)`;
  // outside the grid: no cell (and no region of the run)
  return sql<number | null>`CASE WHEN ${gx} >= 0 AND ${gx} < ${grid.nx}::float8 AND ${gy} >= 0 AND ${gy} < ${grid.ny}::float8
    THEN (${gy} * ${grid.nx}::float8 + ${gx})::int END`;
}

/** What a compute step gets besides the run: the PA warnings, the run's grid and how to run statements. */
export interface StepEnv {
  warnings: string[];
  grid: Grid;
  work: WorkOptions;
}

const q = (db: DbOrTx, s: RawBuilder<unknown>) => s.execute(db);

/**
 * Runs fn in a transaction (the caller's, or a new one) with JIT compilation off: PostGIS's high
 * function costs make the planner JIT-compile every overlay statement, which then costs more than
 * the statement (measured: 1.7 s of 2.8 s). Inside a caller's transaction the setting is restored.
 */
export async function withoutJit<T>(db: DbOrTx, fn: (tx: DbOrTx) => Promise<T>): Promise<T> {
  return withTx(db as Parameters<typeof withTx>[0], async (tx) => {
    const prev = db.isTransaction ? (await sql<{ v: string }>`SELECT current_setting('jit') AS v`.execute(tx)).rows[0].v : null;
    await q(tx, sql`SELECT set_config('jit', 'off', true)`);
    try {
      return await fn(tx);
    } finally {
      if (prev !== null) await q(tx, sql`SELECT set_config('jit', ${prev}, true)`).catch(() => {});
    }
  });
}

/** Stages of a run already built or committed (their names). */
export async function doneStages(db: DbOrTx, runId: string): Promise<Set<string>> {
  const rows = await sql<{ stage: string }>`SELECT stage FROM indicator_run_stages WHERE run_id = ${runId}`.execute(db);
  return new Set(rows.rows.map((r) => r.stage));
}

/** Records a stage (in the caller's transaction, with what it built or committed): a second build counts. */
export async function recordStage(db: DbOrTx, runId: string, stage: string, startedAt: Date, detail: Record<string, unknown> = {}): Promise<void> {
  const ms = Math.round(Date.now() - startedAt.getTime());
  await q(
    db,
    sql`
    INSERT INTO indicator_run_stages (run_id, stage, ms, detail, started_at) VALUES (${runId}, ${stage}, ${ms}, ${JSON.stringify(detail)}::jsonb, ${startedAt})
    ON CONFLICT (run_id, stage) DO UPDATE SET builds = indicator_run_stages.builds + 1, ms = excluded.ms, detail = excluded.detail,
      started_at = excluded.started_at, finished_at = clock_timestamp()`,
  );
}

/**
 * The regions a run overlays: its own, and the leaf units under them (grassland cover sums over
 * leaves: BRIEF §6). `leafOf` maps each leaf to the run's regions it rolls up to (itself included).
 */
export async function runRegions(db: DbOrTx, ctx: RunContext): Promise<{ codes: string[]; leafOf: Map<string, string[]> }> {
  const rows = await sql<{ leaf: string; code: string }>`
    WITH RECURSIVE allr AS (SELECT code, parent_code, level FROM regions WHERE dataset_id = ${ctx.datasets.regions}),
    leaves AS (
      SELECT a.code FROM allr a
      WHERE a.level = 'priority_area'
         OR NOT EXISTS (SELECT 1 FROM allr c WHERE c.parent_code = a.code AND c.level <> 'priority_area')
    ),
    -- each leaf with itself and its ancestors (priority areas have none and are nobody's leaf)
    anc (leaf, code) AS (
      SELECT l.code, l.code FROM leaves l
      UNION
      SELECT anc.leaf, p.parent_code FROM anc JOIN allr p ON p.code = anc.code
      WHERE p.parent_code IS NOT NULL AND p.level <> 'priority_area'
    )
    SELECT leaf, code FROM anc WHERE code = ANY(${ctx.regionCodes}::text[]) ORDER BY leaf, code`.execute(db);
  const leafOf = new Map<string, string[]>();
  for (const r of rows.rows) leafOf.set(r.leaf, [...(leafOf.get(r.leaf) ?? []), r.code]);
  const codes = [...new Set([...ctx.regionCodes, ...leafOf.keys()])].sort(byCode);
  return { codes, leafOf };
}

/** Byte order of the strings (the database's C collation), for output in a stable order. */
export const byCode = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Builds the run's grid and its region pieces once (a second call finds them). The cell size is
 * 1/k degree (k whole), from the feature count of the run's largest polygon layer, so that a cell
 * holds about `featuresPerCell` features; cells are numbered row by row from a whole-degree origin.
 */
export async function prepareGrid(db: DbOrTx, ctx: RunContext, opts: WorkOptions): Promise<Grid> {
  const regions = (await runRegions(db, ctx)).codes;
  return withoutJit(db, async (tx) => {
    await q(tx, sql`SELECT pg_advisory_xact_lock(hashtext(${`indicator-run-grid:${ctx.runId}`}))`);
    const done = await sql<{
      detail: Omit<Grid, 'cells' | 'regions'>;
    }>`SELECT detail FROM indicator_run_stages WHERE run_id = ${ctx.runId} AND stage = 'grid'`.execute(tx);
    if (done.rows.length) {
      const cells = await sql<{ cell: number }>`SELECT cell FROM indicator_run_cells WHERE run_id = ${ctx.runId} ORDER BY cell`.execute(tx);
      const d = done.rows[0].detail;
      return { k: d.k, ix0: d.ix0, iy0: d.iy0, nx: d.nx, ny: d.ny, cellDeg: d.cellDeg, cells: cells.rows.map((c) => c.cell), regions };
    }
    const startedAt = new Date();
    await q(tx, sql`DELETE FROM indicator_run_region_cells WHERE run_id = ${ctx.runId}`);
    await q(tx, sql`DELETE FROM indicator_run_cells WHERE run_id = ${ctx.runId}`);
    const outlines = sql`SELECT code, geom AS g FROM regions WHERE dataset_id = ${ctx.datasets.regions} AND code = ANY(${regions}::text[])`;
    const ext = (
      await sql<{ x0: number | null; y0: number; x1: number; y1: number; n: number }>`
      SELECT ST_XMin(e) AS x0, ST_YMin(e) AS y0, ST_XMax(e) AS x1, ST_YMax(e) AS y1,
        (SELECT coalesce(max(feature_count), 0) FROM layer_datasets WHERE id IN (${ctx.datasets.landCover ?? -1}, ${ctx.datasets.ecosystems ?? -1}))::int AS n
      FROM (SELECT ST_Extent(g)::geometry AS e FROM (${outlines}) d) x`.execute(tx)
    ).rows[0];
    if (ext.x0 === null) {
      await recordStage(tx, ctx.runId, 'grid', startedAt, { k: 1, ix0: 0, iy0: 0, nx: 1, ny: 1, cellDeg: 1, cells: 0, regions: regions.length, pieces: 0 });
      return { k: 1, ix0: 0, iy0: 0, nx: 1, ny: 1, cellDeg: 1, cells: [], regions };
    }
    let k: number;
    if (opts.cellDeg) k = 1 / opts.cellDeg;
    else {
      const wanted = Math.max(1, Math.ceil(ext.n / opts.featuresPerCell));
      const side = Math.sqrt(((ext.x1 - ext.x0) * (ext.y1 - ext.y0)) / wanted);
      k = Math.max(1, Math.ceil(1 / side));
    }
    const ix0 = Math.floor(ext.x0 * k);
    const iy0 = Math.floor(ext.y0 * k);
    const nx = Math.max(1, Math.ceil(ext.x1 * k) - ix0);
    const ny = Math.max(1, Math.ceil(ext.y1 * k) - iy0);
    // a cell's corners are whole multiples of 1/k, so neighbours share their edges exactly; each
    // region by each cell it meets: the cell itself when the region covers it, else their intersection
    await q(
      tx,
      sql`
      WITH r AS MATERIALIZED (${outlines}),
      grid AS MATERIALIZED (
        SELECT gy * ${nx}::int + gx AS cell,
               ST_MakeEnvelope((${ix0}::int + gx)::float8 / ${k}::float8, (${iy0}::int + gy)::float8 / ${k}::float8,
                 (${ix0}::int + gx + 1)::float8 / ${k}::float8, (${iy0}::int + gy + 1)::float8 / ${k}::float8, 4326) AS env
        FROM generate_series(0, ${ny - 1}::int) gy CROSS JOIN generate_series(0, ${nx - 1}::int) gx
      ),
      frag AS MATERIALIZED (
        SELECT x.code, x.cell, x.env, x.full_cell,
               CASE WHEN x.full_cell THEN ST_Multi(x.env) ELSE ST_Multi(ST_CollectionExtract(ST_Intersection(x.g, x.env), 3)) END AS g
        FROM (
          SELECT r.code, r.g, grid.cell, grid.env, ST_Covers(r.g, grid.env) AS full_cell
          FROM r JOIN grid ON r.g && grid.env
          WHERE ST_Intersects(r.g, grid.env)
        ) x
      ),
      cells AS (
        INSERT INTO indicator_run_cells (run_id, cell, env)
        SELECT DISTINCT ON (cell) ${ctx.runId}::uuid, cell, env FROM frag WHERE NOT ST_IsEmpty(g) ORDER BY cell
      )
      INSERT INTO indicator_run_region_cells (run_id, region_code, cell, full_cell, geom, area_m2)
      SELECT ${ctx.runId}::uuid, code, cell, full_cell, g, ST_Area(g::geography) FROM frag WHERE NOT ST_IsEmpty(g)`,
    );
    // fresh statistics, so that the steps' plans see the work as it is
    await q(tx, sql`ANALYZE indicator_run_cells, indicator_run_region_cells`);
    const cells = await sql<{ cell: number }>`SELECT cell FROM indicator_run_cells WHERE run_id = ${ctx.runId} ORDER BY cell`.execute(tx);
    const pieces = (await sql<{ n: number }>`SELECT count(*)::int AS n FROM indicator_run_region_cells WHERE run_id = ${ctx.runId}`.execute(tx)).rows[0].n;
    await recordStage(tx, ctx.runId, 'grid', startedAt, { k, ix0, iy0, nx, ny, cellDeg: 1 / k, cells: cells.rows.length, regions: regions.length, pieces });
    return { k, ix0, iy0, nx, ny, cellDeg: 1 / k, cells: cells.rows.map((c) => c.cell), regions };
  });
}

/** Counted protected areas (BRIEF §6, Protected Planet rules) of the run, as a filter on `protected_areas p`. */
export function countedPa(ctx: RunContext): RawBuilder<unknown> {
  return sql`p.dataset_id = ${ctx.datasets.protectedAreas} AND p.status = 'designated' AND p.designation <> 'biosphere_reserve'
    AND (p.established_year IS NULL OR p.established_year <= ${ctx.year})`;
}

/**
 * The counted-PA union, once per run: within each cell, the union of the counted sites' subdivided
 * pieces clipped to the cell (an overlap counts once); then each region piece's part inside it
 * and its area, and the union cut into small pieces for point tests. A second call finds it built.
 */
export async function preparePaUnion(db: DbOrTx, ctx: RunContext): Promise<void> {
  if (ctx.datasets.protectedAreas === null) return;
  await withoutJit(db, async (tx) => {
    await q(tx, sql`SELECT pg_advisory_xact_lock(hashtext(${`indicator-run-pa:${ctx.runId}`}))`);
    const done = await sql`SELECT 1 FROM indicator_run_stages WHERE run_id = ${ctx.runId} AND stage = 'pa-union'`.execute(tx);
    if (done.rows.length) return;
    const startedAt = new Date();
    await q(tx, sql`DELETE FROM indicator_run_pa WHERE run_id = ${ctx.runId}`);
    await q(tx, sql`DELETE FROM indicator_run_pa_pieces WHERE run_id = ${ctx.runId}`);
    await q(tx, sql`UPDATE indicator_run_region_cells SET pa_geom = NULL, pa_area_m2 = 0 WHERE run_id = ${ctx.runId} AND pa_geom IS NOT NULL`);
    // the subdivided outlines of the import (≤ 256 vertices a piece); a dataset without them uses its outlines
    const subdivided = (await sql`SELECT 1 FROM layer_subdivided WHERE dataset_id = ${ctx.datasets.protectedAreas} LIMIT 1`.execute(tx)).rows.length > 0;
    const src = subdivided
      ? sql`SELECT s.id, s.geom FROM layer_subdivided s JOIN protected_areas p ON p.id = s.feature_id
            WHERE s.dataset_id = ${ctx.datasets.protectedAreas} AND s.geom && c.env AND ${countedPa(ctx)}`
      : sql`SELECT p.id, p.geom FROM protected_areas p WHERE p.geom && c.env AND ${countedPa(ctx)}`;
    await q(
      tx,
      sql`
      INSERT INTO indicator_run_pa (run_id, cell, geom)
      SELECT ${ctx.runId}, u.cell, u.g FROM (
        SELECT c.cell, ST_Multi(ST_CollectionExtract(ST_Union(x.g ORDER BY x.id), 3)) AS g
        FROM indicator_run_cells c
        CROSS JOIN LATERAL (
          SELECT s.id, CASE WHEN s.geom @ c.env THEN s.geom
                            ELSE ST_CollectionExtract(ST_Intersection(s.geom, c.env), 3) END AS g
          FROM (${src}) s
        ) x
        WHERE c.run_id = ${ctx.runId} AND NOT ST_IsEmpty(x.g)
        GROUP BY c.cell
      ) u
      WHERE NOT ST_IsEmpty(u.g)`,
    );
    await q(
      tx,
      sql`
      UPDATE indicator_run_region_cells f SET pa_geom = x.g, pa_area_m2 = ST_Area(x.g::geography)
      FROM (
        SELECT p.region_code, p.cell,
               CASE WHEN p.full_cell THEN pa.geom ELSE ST_Multi(ST_CollectionExtract(ST_Intersection(pa.geom, p.geom), 3)) END AS g
        FROM indicator_run_region_cells p JOIN indicator_run_pa pa ON pa.run_id = p.run_id AND pa.cell = p.cell
        WHERE p.run_id = ${ctx.runId}
      ) x
      WHERE f.run_id = ${ctx.runId} AND f.region_code = x.region_code AND f.cell = x.cell`,
    );
    await q(
      tx,
      sql`
      INSERT INTO indicator_run_pa_pieces (run_id, cell, geom)
      SELECT pa.run_id, pa.cell, d.geom FROM indicator_run_pa pa
      CROSS JOIN LATERAL (SELECT (ST_Dump(ST_Subdivide(pa.geom, 256))).geom) d
      WHERE pa.run_id = ${ctx.runId} AND GeometryType(d.geom) = 'POLYGON'`,
    );
    await q(tx, sql`ANALYZE indicator_run_pa, indicator_run_pa_pieces, indicator_run_region_cells`);
    const stats = (
      await sql<{ cells: number; pieces: number; sites: number }>`
      SELECT (SELECT count(*) FROM indicator_run_pa WHERE run_id = ${ctx.runId})::int AS cells,
             (SELECT count(*) FROM indicator_run_pa_pieces WHERE run_id = ${ctx.runId})::int AS pieces,
             (SELECT count(*) FROM protected_areas p WHERE ${countedPa(ctx)})::int AS sites`.execute(tx)
    ).rows[0];
    await recordStage(tx, ctx.runId, 'pa-union', startedAt, {
      countedSites: stats.sites,
      cells: stats.cells,
      pieces: stats.pieces,
      fromSubdivided: subdivided,
    });
  });
}

/** Removes a run's work (when it completes; its stages stay as the record of what it took). */
export async function dropWork(db: DbOrTx, runId: string): Promise<void> {
  for (const t of ['indicator_run_conn_nodes', 'indicator_run_pa_pieces', 'indicator_run_pa', 'indicator_run_region_cells', 'indicator_run_cells']) {
    await q(db, sql`DELETE FROM ${sql.table(t)} WHERE run_id = ${runId}`);
  }
}

/** What one overlay measures: a polygon layer's rows (`s`), each under one or more keys. */
export interface OverlaySpec {
  table: 'land_cover' | 'ecosystems';
  /** a filter on `s` (dataset, class …) */
  where: RawBuilder<unknown>;
  /** text[] of keys for a row of `s`: the row counts in the union of each */
  keys: RawBuilder<unknown>;
  /** also measure the part inside the counted-PA union */
  withPa: boolean;
  /** the regions to measure */
  regions: string[];
}

/** Areas (m²) of the union of each key's rows within each region: Σ over cells, in cell order. */
export interface OverlayResult {
  area: Map<string, Map<string, number>>;
  paArea: Map<string, Map<string, number>>;
}

/**
 * For each cell: the union of each key's rows clipped to the cell (so overlaps count once), then its
 * area within each region piece of the cell and, with `withPa`, within the piece's part inside the
 * counted-PA union. Cells go in batches, `concurrency` statements at once; the per-cell areas are
 * summed in cell order (the same figures whatever order the statements finish in).
 */
export async function overlay(db: DbOrTx, ctx: RunContext, grid: Grid, spec: OverlaySpec, opts: WorkOptions): Promise<OverlayResult> {
  const cells = (
    await sql<{ cell: number }>`
    SELECT DISTINCT cell FROM indicator_run_region_cells WHERE run_id = ${ctx.runId} AND region_code = ANY(${spec.regions}::text[]) ORDER BY cell`.execute(db)
  ).rows.map((r) => r.cell);
  const batches: number[][] = [];
  for (let i = 0; i < cells.length; i += opts.cellsPerStatement) batches.push(cells.slice(i, i + opts.cellsPerStatement));
  const parts: { region_code: string; key: string; cell: number; area: number; pa_area: number }[][] = new Array(batches.length);
  const table = sql.table(spec.table);
  const paArea = spec.withPa
    ? sql`CASE WHEN f.pa_geom IS NULL THEN 0::float8 WHEN f.full_cell THEN coalesce(u.a_pa, 0) ELSE ST_Area(ST_Intersection(u.g, f.pa_geom)::geography) END`
    : sql`0::float8`;
  const fullPa = spec.withPa
    ? sql`(SELECT ST_Area(ST_Intersection(u0.g, pa.geom)::geography) FROM indicator_run_pa pa WHERE pa.run_id = ${ctx.runId} AND pa.cell = u0.cell)`
    : sql`0::float8`;
  const runBatch = async (i: number) => {
    const rows = await withoutJit(db, (tx) =>
      sql<{ region_code: string; key: string; cell: number; area: number; pa_area: number }>`
      WITH c AS (SELECT cell, env FROM indicator_run_cells WHERE run_id = ${ctx.runId} AND cell = ANY(${batches[i]}::int[])),
      clipped AS MATERIALIZED (
        SELECT c.cell, s.id, ${spec.keys} AS keys,
               CASE WHEN s.geom @ c.env THEN s.geom
                    ELSE ST_CollectionExtract(ST_Intersection(s.geom, c.env), 3) END AS g
        FROM c JOIN ${table} s ON s.geom && c.env
        WHERE ${spec.where}
      ),
      u0 AS MATERIALIZED (
        SELECT x.cell, k.key, ST_Union(x.g ORDER BY x.id) AS g
        FROM clipped x CROSS JOIN LATERAL unnest(x.keys) AS k(key)
        WHERE NOT ST_IsEmpty(x.g) AND k.key IS NOT NULL
        GROUP BY x.cell, k.key
      ),
      u AS MATERIALIZED (
        SELECT u0.cell, u0.key, u0.g, ST_Area(u0.g::geography) AS a, ${fullPa} AS a_pa FROM u0
      )
      SELECT f.region_code, u.key, u.cell,
             CASE WHEN f.full_cell THEN u.a ELSE ST_Area(ST_Intersection(u.g, f.geom)::geography) END AS area,
             ${paArea} AS pa_area
      FROM u JOIN indicator_run_region_cells f ON f.run_id = ${ctx.runId} AND f.cell = u.cell AND f.region_code = ANY(${spec.regions}::text[])`.execute(tx),
    );
    parts[i] = rows.rows;
  };
  const concurrency = db.isTransaction ? 1 : Math.max(1, opts.concurrency);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, batches.length) }, async () => {
      while (next < batches.length) await runBatch(next++);
    }),
  );
  const area = new Map<string, Map<string, number>>();
  const pa = new Map<string, Map<string, number>>();
  const add = (m: Map<string, Map<string, number>>, region: string, key: string, v: number) => {
    let byKey = m.get(region);
    if (!byKey) m.set(region, (byKey = new Map()));
    byKey.set(key, (byKey.get(key) ?? 0) + v);
  };
  // in cell order, whatever order the batches finished in
  for (const batch of parts) {
    for (const r of [...batch].sort((a, b) => a.cell - b.cell || byCode(a.region_code, b.region_code) || byCode(a.key, b.key))) {
      add(area, r.region_code, r.key, r.area ?? 0);
      if (spec.withPa) add(pa, r.region_code, r.key, r.pa_area ?? 0);
    }
  }
  return { area, paArea: pa };
}

/** Ellipsoidal area (m²) and official area of the run's regions. */
export async function regionAreas(db: DbOrTx, ctx: RunContext): Promise<Map<string, { areaM2: number; officialKm2: number | null }>> {
  const rows = await sql<{ code: string; a: number; official: string | null }>`
    SELECT code, ST_Area(geom::geography) AS a, official_area_km2 AS official FROM regions
    WHERE dataset_id = ${ctx.datasets.regions} AND code = ANY(${ctx.regionCodes}::text[])`.execute(db);
  return new Map(rows.rows.map((r) => [r.code, { areaM2: r.a ?? 0, officialKm2: r.official === null ? null : Number(r.official) }]));
}
