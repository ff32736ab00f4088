import type { RawBuilder } from '@biomon/db';
import { sql } from '@biomon/db';
import { seesExact, type Viewer } from './viewer';

/** Camera traps are generalised to the cells of this grid (BRIEF §8): 10 km. */
export const STATION_CELL_M = 10_000;

export const STATION_GENERALISATION = '相机位点已泛化至 10 公里网格中心 Camera-trap position generalised to the centre of its 10 km grid cell';
export const STATION_WITHHELD = '红外相机精确位置已隐去 Precise camera-trap position withheld';

/**
 * A station (`s`) as the viewer sees it: a camera trap — whose position tells where animals are
 * recorded — is at the centre of its 10 km cell for everyone but evaluators, admins and the station
 * itself; its elevation, description and free properties are withheld then. `generalised` and
 * `location` are SQL expressions over `s`.
 */
export function stationShown(viewer: Viewer, s = sql`s`): { generalised: RawBuilder<boolean>; location: RawBuilder<unknown> } {
  if (seesExact(viewer)) return { generalised: sql<boolean>`false`, location: sql`${s}.location` };
  const own = viewer.role === 'station' && viewer.stationId ? sql`${s}.station_id = ${viewer.stationId}` : sql`false`;
  const generalised = sql<boolean>`(${s}.type = 'camera_trap' AND NOT (${own}))`;
  return { generalised, location: sql`(CASE WHEN ${generalised} THEN biomon_cell_centre(${s}.location, ${STATION_CELL_M}) ELSE ${s}.location END)` };
}
