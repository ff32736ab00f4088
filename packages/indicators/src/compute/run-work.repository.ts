import type { DbOrTx } from '@biomon/db';
import { sql, withTx, type RawBuilder } from '@biomon/db';
import type { RunContext } from '../run-context';
import type { Grid, OverlaySpec } from './run-work';
import { countedPa, regionOutlines } from './run-work.sql';

// SQL of a run's shared work (migration 0012_indicator_scale: indicator_run_stages, _cells,
// _region_cells, _pa, _pa_pieces, _conn_nodes); what is built when, and how it is cut and summed,
// is compute/run-work.ts.

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
 * Each leaf of a regions dataset (a priority area, or a region without child regions other than
 * priority areas) with itself and its ancestors among `codes`, in (leaf, code) order.
 */
export async function selectLeafAncestors(db: DbOrTx, regionsDataset: number | null, codes: string[]): Promise<{ leaf: string; code: string }[]> {
  const rows = await sql<{ leaf: string; code: string }>`
    WITH RECURSIVE allr AS (SELECT code, parent_code, level FROM regions WHERE dataset_id = ${regionsDataset}),
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
    SELECT leaf, code FROM anc WHERE code = ANY(${codes}::text[]) ORDER BY leaf, code`.execute(db);
  return rows.rows;
}

/** Holds a transaction-level advisory lock on `key` until the transaction ends. */
export async function lockRunWork(tx: DbOrTx, key: string): Promise<void> {
  await q(tx, sql`SELECT pg_advisory_xact_lock(hashtext(${key}))`);
}

/** The recorded grid of a run (the detail of its 'grid' stage), or undefined when it is not built. */
export async function selectGridStage(tx: DbOrTx, runId: string): Promise<{ detail: Omit<Grid, 'cells' | 'regions'> } | undefined> {
  const done = await sql<{
    detail: Omit<Grid, 'cells' | 'regions'>;
  }>`SELECT detail FROM indicator_run_stages WHERE run_id = ${runId} AND stage = 'grid'`.execute(tx);
  return done.rows[0];
}

/** The cells of a run's grid that meet a region, in order. */
export async function selectRunCells(tx: DbOrTx, runId: string): Promise<number[]> {
  const cells = await sql<{ cell: number }>`SELECT cell FROM indicator_run_cells WHERE run_id = ${runId} ORDER BY cell`.execute(tx);
  return cells.rows.map((c) => c.cell);
}

/** Removes a run's grid: its region pieces, then its cells. */
export async function deleteRunGrid(tx: DbOrTx, runId: string): Promise<void> {
  await q(tx, sql`DELETE FROM indicator_run_region_cells WHERE run_id = ${runId}`);
  await q(tx, sql`DELETE FROM indicator_run_cells WHERE run_id = ${runId}`);
}

/**
 * The extent of these regions' outlines (x0 null when there is none) and the largest feature count
 * of the land-cover and ecosystem datasets (0 without them).
 */
export async function selectGridExtent(
  tx: DbOrTx,
  regionsDataset: number | null,
  regions: string[],
  landCover: number | null,
  ecosystems: number | null,
): Promise<{ x0: number | null; y0: number; x1: number; y1: number; n: number }> {
  return (
    await sql<{ x0: number | null; y0: number; x1: number; y1: number; n: number }>`
      SELECT ST_XMin(e) AS x0, ST_YMin(e) AS y0, ST_XMax(e) AS x1, ST_YMax(e) AS y1,
        (SELECT coalesce(max(feature_count), 0) FROM layer_datasets WHERE id IN (${landCover ?? -1}, ${ecosystems ?? -1}))::int AS n
      FROM (SELECT ST_Extent(g)::geometry AS e FROM (${regionOutlines(regionsDataset, regions)}) d) x`.execute(tx)
  ).rows[0];
}

/**
 * Inserts a run's grid: the cells of 1/k degree from the corner (ix0/k, iy0/k), nx × ny, that meet
 * a region, and each region by each cell it meets — the cell itself when the region covers it, else
 * their intersection — with its ellipsoidal area.
 */
export async function insertRunGrid(
  tx: DbOrTx,
  runId: string,
  regionsDataset: number | null,
  regions: string[],
  g: { k: number; ix0: number; iy0: number; nx: number; ny: number },
): Promise<void> {
  const { k, ix0, iy0, nx, ny } = g;
  // a cell's corners are whole multiples of 1/k, so neighbours share their edges exactly
  await q(
    tx,
    sql`
      WITH r AS MATERIALIZED (${regionOutlines(regionsDataset, regions)}),
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
        SELECT DISTINCT ON (cell) ${runId}::uuid, cell, env FROM frag WHERE NOT ST_IsEmpty(g) ORDER BY cell
      )
      INSERT INTO indicator_run_region_cells (run_id, region_code, cell, full_cell, geom, area_m2)
      SELECT ${runId}::uuid, code, cell, full_cell, g, ST_Area(g::geography) FROM frag WHERE NOT ST_IsEmpty(g)`,
  );
}

/** Fresh statistics of the grid tables. */
export async function analyzeRunGrid(tx: DbOrTx): Promise<void> {
  await q(tx, sql`ANALYZE indicator_run_cells, indicator_run_region_cells`);
}

/** How many region pieces a run's grid has. */
export async function countRegionPieces(tx: DbOrTx, runId: string): Promise<number> {
  return (await sql<{ n: number }>`SELECT count(*)::int AS n FROM indicator_run_region_cells WHERE run_id = ${runId}`.execute(tx)).rows[0].n;
}

/** Whether the run's counted-PA union is built (its 'pa-union' stage is recorded). */
export async function paUnionBuilt(tx: DbOrTx, runId: string): Promise<boolean> {
  const done = await sql`SELECT 1 FROM indicator_run_stages WHERE run_id = ${runId} AND stage = 'pa-union'`.execute(tx);
  return done.rows.length > 0;
}

/** Removes a run's counted-PA union: its cells, its pieces, and the region pieces' parts inside it. */
export async function clearPaUnion(tx: DbOrTx, runId: string): Promise<void> {
  await q(tx, sql`DELETE FROM indicator_run_pa WHERE run_id = ${runId}`);
  await q(tx, sql`DELETE FROM indicator_run_pa_pieces WHERE run_id = ${runId}`);
  await q(tx, sql`UPDATE indicator_run_region_cells SET pa_geom = NULL, pa_area_m2 = 0 WHERE run_id = ${runId} AND pa_geom IS NOT NULL`);
}

/** Whether a protected-areas dataset has subdivided outlines (layer_subdivided). */
export async function hasSubdividedOutlines(tx: DbOrTx, paDataset: number | null): Promise<boolean> {
  return (await sql`SELECT 1 FROM layer_subdivided WHERE dataset_id = ${paDataset} LIMIT 1`.execute(tx)).rows.length > 0;
}

/**
 * Inserts the counted-PA union of each cell of the run: the union of the counted sites' pieces
 * (subdivided outlines, or the outlines themselves) clipped to the cell.
 */
export async function insertPaUnion(tx: DbOrTx, ctx: RunContext, fromSubdivided: boolean): Promise<void> {
  const src = fromSubdivided
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
}

/** Sets each region piece's part inside the run's counted-PA union and its ellipsoidal area. */
export async function setRegionCellsPa(tx: DbOrTx, runId: string): Promise<void> {
  await q(
    tx,
    sql`
      UPDATE indicator_run_region_cells f SET pa_geom = x.g, pa_area_m2 = ST_Area(x.g::geography)
      FROM (
        SELECT p.region_code, p.cell,
               CASE WHEN p.full_cell THEN pa.geom ELSE ST_Multi(ST_CollectionExtract(ST_Intersection(pa.geom, p.geom), 3)) END AS g
        FROM indicator_run_region_cells p JOIN indicator_run_pa pa ON pa.run_id = p.run_id AND pa.cell = p.cell
        WHERE p.run_id = ${runId}
      ) x
      WHERE f.run_id = ${runId} AND f.region_code = x.region_code AND f.cell = x.cell`,
  );
}

/** Inserts the run's counted-PA union cut into polygons of ≤ 256 vertices (for point tests). */
export async function insertPaPieces(tx: DbOrTx, runId: string): Promise<void> {
  await q(
    tx,
    sql`
      INSERT INTO indicator_run_pa_pieces (run_id, cell, geom)
      SELECT pa.run_id, pa.cell, d.geom FROM indicator_run_pa pa
      CROSS JOIN LATERAL (SELECT (ST_Dump(ST_Subdivide(pa.geom, 256))).geom) d
      WHERE pa.run_id = ${runId} AND GeometryType(d.geom) = 'POLYGON'`,
  );
}

/** Fresh statistics of the PA-union tables. */
export async function analyzePaUnion(tx: DbOrTx): Promise<void> {
  await q(tx, sql`ANALYZE indicator_run_pa, indicator_run_pa_pieces, indicator_run_region_cells`);
}

/** What the run's counted-PA union holds: its cells, its pieces, and the counted sites. */
export async function selectPaUnionStats(tx: DbOrTx, ctx: RunContext): Promise<{ cells: number; pieces: number; sites: number }> {
  return (
    await sql<{ cells: number; pieces: number; sites: number }>`
      SELECT (SELECT count(*) FROM indicator_run_pa WHERE run_id = ${ctx.runId})::int AS cells,
             (SELECT count(*) FROM indicator_run_pa_pieces WHERE run_id = ${ctx.runId})::int AS pieces,
             (SELECT count(*) FROM protected_areas p WHERE ${countedPa(ctx)})::int AS sites`.execute(tx)
  ).rows[0];
}

/** Removes a run's work (when it completes; its stages stay as the record of what it took). */
export async function dropWork(db: DbOrTx, runId: string): Promise<void> {
  for (const t of ['indicator_run_conn_nodes', 'indicator_run_pa_pieces', 'indicator_run_pa', 'indicator_run_region_cells', 'indicator_run_cells']) {
    await q(db, sql`DELETE FROM ${sql.table(t)} WHERE run_id = ${runId}`);
  }
}

/** The cells of a run holding a piece of these regions, in order. */
export async function selectRegionsCells(db: DbOrTx, runId: string, regions: string[]): Promise<number[]> {
  return (
    await sql<{ cell: number }>`
    SELECT DISTINCT cell FROM indicator_run_region_cells WHERE run_id = ${runId} AND region_code = ANY(${regions}::text[]) ORDER BY cell`.execute(db)
  ).rows.map((r) => r.cell);
}

/** One overlay figure: the area (m²) of a key's union within a region piece of a cell, and of its part inside the PA union. */
export interface OverlayPart {
  region_code: string;
  key: string;
  cell: number;
  area: number;
  pa_area: number;
}

/**
 * The overlay of these cells: for each cell, the union of each key's rows of `spec.table` clipped
 * to the cell (so overlaps count once), then its area within each region piece of the cell and,
 * with `withPa`, within the piece's part inside the counted-PA union (0 without).
 */
export async function selectOverlayParts(
  tx: DbOrTx,
  runId: string,
  spec: Pick<OverlaySpec, 'table' | 'where' | 'keys' | 'withPa' | 'regions'>,
  cells: number[],
): Promise<OverlayPart[]> {
  const table = sql.table(spec.table);
  const paArea = spec.withPa
    ? sql`CASE WHEN f.pa_geom IS NULL THEN 0::float8 WHEN f.full_cell THEN coalesce(u.a_pa, 0) ELSE ST_Area(ST_Intersection(u.g, f.pa_geom)::geography) END`
    : sql`0::float8`;
  const fullPa = spec.withPa
    ? sql`(SELECT ST_Area(ST_Intersection(u0.g, pa.geom)::geography) FROM indicator_run_pa pa WHERE pa.run_id = ${runId} AND pa.cell = u0.cell)`
    : sql`0::float8`;
  const rows = await sql<OverlayPart>`
      WITH c AS (SELECT cell, env FROM indicator_run_cells WHERE run_id = ${runId} AND cell = ANY(${cells}::int[])),
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
      FROM u JOIN indicator_run_region_cells f ON f.run_id = ${runId} AND f.cell = u.cell AND f.region_code = ANY(${spec.regions}::text[])`.execute(tx);
  return rows.rows;
}

/** Ellipsoidal area (m²) and official area (km², as text) of these regions of a regions dataset. */
export async function selectRegionAreas(
  db: DbOrTx,
  regionsDataset: number | null,
  codes: string[],
): Promise<{ code: string; a: number; official: string | null }[]> {
  const rows = await sql<{ code: string; a: number; official: string | null }>`
    SELECT code, ST_Area(geom::geography) AS a, official_area_km2 AS official FROM regions
    WHERE dataset_id = ${regionsDataset} AND code = ANY(${codes}::text[])`.execute(db);
  return rows.rows;
}
