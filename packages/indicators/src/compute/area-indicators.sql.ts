import { sql } from '@biomon/db';
import type { OverlaySpec } from './run-work';

// What the area indicators (compute/area-indicators.ts) overlay: the rows of a polygon layer (`s`)
// and the keys each counts under. SQL fragments: they build, and execute nothing.

type Rows = Pick<OverlaySpec, 'table' | 'where' | 'keys'>;

/** 森林覆盖率: land cover of class forest or shrub_special (plain shrub does not count), all under 'forest'. */
export function forestRows(landCover: number): Rows {
  return {
    table: 'land_cover',
    where: sql`s.dataset_id = ${landCover} AND s.class IN ('forest', 'shrub_special')`,
    keys: sql`ARRAY['forest']`,
  };
}

/** Wetland protection: land cover of class wetland (never water), under 'all' and, when natural, 'natural'. */
export function wetlandRows(landCover: number): Rows {
  return {
    table: 'land_cover',
    where: sql`s.dataset_id = ${landCover} AND s.class = 'wetland'`,
    keys: sql`CASE WHEN s.is_natural THEN ARRAY['natural', 'all'] ELSE ARRAY['all'] END`,
  };
}

/** Ecosystem-type protection: the terrestrial ecosystems, each under its type. */
export function terrestrialEcosystemRows(ecosystems: number): Rows {
  return {
    table: 'ecosystems',
    where: sql`s.dataset_id = ${ecosystems} AND s.terrestrial`,
    keys: sql`ARRAY[s.ecosystem_type]`,
  };
}
