import { sql, type RawBuilder } from '@biomon/db';
import type { RunContext } from '../run-context';
import type { Grid } from './run-work';

// SQL fragments of a run's shared work (compute/run-work.ts): they build, and execute nothing.

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

/** Counted protected areas (BRIEF §6, Protected Planet rules) of the run, as a filter on `protected_areas p`. */
export function countedPa(ctx: Pick<RunContext, 'datasets' | 'year'>): RawBuilder<unknown> {
  return sql`p.dataset_id = ${ctx.datasets.protectedAreas} AND p.status = 'designated' AND p.designation <> 'biosphere_reserve'
    AND (p.established_year IS NULL OR p.established_year <= ${ctx.year})`;
}

/** The outlines of these regions of a regions dataset (`code`, `g`), as a subquery. */
export function regionOutlines(regionsDataset: number | null, regions: string[]): RawBuilder<unknown> {
  return sql`SELECT code, geom AS g FROM regions WHERE dataset_id = ${regionsDataset} AND code = ANY(${regions}::text[])`;
}
