import { sql } from '@biomon/db';
import type { OverlaySpec } from './run-work';

// What grassland_vegetation_cover (compute/grassland.ts) overlays. An SQL fragment: it builds, and executes nothing.

/** Land cover of class grassland, each polygon under its grassland type. */
export function grasslandRows(landCover: number): Pick<OverlaySpec, 'table' | 'where' | 'keys'> {
  return {
    table: 'land_cover',
    where: sql`s.dataset_id = ${landCover} AND s.class = 'grassland'`,
    keys: sql`ARRAY[s.grassland_type]`,
  };
}
