import { sql, type DbOrTx } from '@biomon/db';

// SQL of grassland_vegetation_cover_rs (compute/grassland-rs.ts); the raster side is @biomon/rasters.

/** The grassland plots of a dataset surveyed in a year: vegetation cover (%) and position, in plot order. */
export async function selectPlotsOfYear(
  db: DbOrTx,
  plotsDataset: number,
  year: number,
): Promise<{ plot_id: string; cover: number; lon: number; lat: number }[]> {
  return db
    .selectFrom('grassland_plots')
    .select(['plot_id', sql<number>`vegetation_cover_pct::float8`.as('cover'), sql<number>`ST_X(geom)`.as('lon'), sql<number>`ST_Y(geom)`.as('lat')])
    .where('dataset_id', '=', plotsDataset)
    .where(sql<boolean>`extract(year FROM survey_date) = ${year}`)
    .orderBy('plot_id')
    .execute();
}
