import { sql, type DbOrTx } from '@biomon/db';
import type { RunContext } from '../run-context';
import { countedPa } from './run-work.sql';

// SQL of pa_connectivity (compute/connectivity.ts): the nodes of a region (indicator_run_conn_nodes,
// migration 0012) and what is measured between them.

/** A node of a region: its area (m²), a point on its largest polygon, and how many polygons it is made of. */
export interface ConnNodeRow {
  node: number;
  area: number;
  lon: number;
  lat: number;
  pieces: number;
}

/** Removes the nodes of a region of a run. */
export async function deleteConnNodes(tx: DbOrTx, runId: string, code: string): Promise<void> {
  await sql`DELETE FROM indicator_run_conn_nodes WHERE run_id = ${runId} AND region_code = ${code}`.execute(tx);
}

/**
 * Inserts the nodes of a region: the region's pieces of the counted-PA union, polygon by polygon;
 * those that meet are one node (the part of the dissolved union), numbered in a stable order (west
 * to east, south to north, by area).
 */
export async function insertConnNodes(tx: DbOrTx, runId: string, code: string): Promise<void> {
  await sql`
      WITH parts AS MATERIALIZED (
        SELECT f.cell, d.path[1] AS part, d.geom AS g, ST_Area(d.geom::geography) AS a
        FROM indicator_run_region_cells f CROSS JOIN LATERAL ST_Dump(f.pa_geom) d
        WHERE f.run_id = ${runId} AND f.region_code = ${code} AND f.pa_geom IS NOT NULL
          AND GeometryType(d.geom) = 'POLYGON' AND NOT ST_IsEmpty(d.geom)
      ),
      cl AS (SELECT cell, part, g, a, ST_ClusterDBSCAN(g, 0, 1) OVER (ORDER BY cell, part) AS c FROM parts),
      n AS (
        SELECT c, CASE WHEN count(*) = 1 THEN ST_Collect(g) ELSE ST_UnaryUnion(ST_Collect(g ORDER BY cell, part)) END AS g,
               sum(a) AS a, count(*)::int AS pieces, (array_agg(g ORDER BY a DESC, cell, part))[1] AS largest
        FROM cl GROUP BY c
      )
      INSERT INTO indicator_run_conn_nodes (run_id, region_code, node, geom, geog, area_m2, pieces, pt)
      SELECT ${runId}::uuid, ${code}, (row_number() OVER (ORDER BY ST_XMin(g), ST_YMin(g), a DESC, c) - 1)::int, ST_Multi(g), g::geography, a, pieces,
             ST_PointOnSurface(largest)
      FROM n`.execute(tx);
}

/** The nodes of a region of a run, in node order. */
export async function selectConnNodes(tx: DbOrTx, runId: string, code: string): Promise<ConnNodeRow[]> {
  return (
    await sql<ConnNodeRow>`
      SELECT node, area_m2 AS area, ST_X(pt) AS lon, ST_Y(pt) AS lat, pieces FROM indicator_run_conn_nodes
      WHERE run_id = ${runId} AND region_code = ${code} ORDER BY node`.execute(tx)
  ).rows;
}

/**
 * Distances (m, on the spheroid, edge to edge) between the nodes i < j of a region no farther apart
 * than the cutoff, for the nodes i with i mod parts = k: candidates by their boxes grown by the
 * cutoff (a superset), each measured once.
 */
export async function selectNodePairs(
  tx: DbOrTx,
  runId: string,
  code: string,
  cutoffM: number,
  parts: number,
  k: number,
): Promise<{ i: number; j: number; d: number }[]> {
  return (
    await sql<{ i: number; j: number; d: number }>`
        SELECT i, j, d FROM (
          SELECT x.node AS i, y.node AS j, ST_Distance(x.geog, y.geog) AS d
          FROM indicator_run_conn_nodes x JOIN indicator_run_conn_nodes y
            ON y.run_id = x.run_id AND y.region_code = x.region_code AND x.node < y.node AND _ST_Expand(x.geog, ${cutoffM}::float8) && y.geog
          WHERE x.run_id = ${runId} AND x.region_code = ${code} AND x.node % ${parts}::int = ${k}::int
        ) m WHERE d <= ${cutoffM}::float8`.execute(tx)
  ).rows;
}

/** The counted protected areas each of these nodes is made of (overlapping it, not only touching it). */
export async function selectNodeProtectedAreas(
  db: DbOrTx,
  ctx: RunContext,
  code: string,
  nodes: number[],
): Promise<{ node: number; pa_id: string; name: string }[]> {
  return (
    await sql<{ node: number; pa_id: string; name: string }>`
          SELECT DISTINCT n.node, p.pa_id, p.name
          FROM indicator_run_conn_nodes n
          JOIN protected_areas p ON p.geom && n.geom AND ST_Intersects(p.geom, n.geom) AND NOT ST_Touches(p.geom, n.geom)
          WHERE n.run_id = ${ctx.runId} AND n.region_code = ${code} AND n.node = ANY(${nodes}::int[]) AND ${countedPa(ctx)}
          ORDER BY n.node, p.name, p.pa_id`.execute(db)
  ).rows;
}
