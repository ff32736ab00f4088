import { sql, type DbOrTx } from '@biomon/db';

// SQL of the area indicators (compute/area-indicators.ts) beyond the run's shared overlay
// (compute/run-work.repository.ts).

/** The area (m²) of each region piece's part inside the run's counted-PA union, by region and cell. */
export async function selectPaAreaByCell(db: DbOrTx, runId: string, codes: string[]): Promise<{ code: string; cell: number; a: number }[]> {
  const rows = await sql<{ code: string; cell: number; a: number }>`
    SELECT region_code AS code, cell, pa_area_m2 AS a FROM indicator_run_region_cells
    WHERE run_id = ${runId} AND region_code = ANY(${codes}::text[]) ORDER BY region_code, cell`.execute(db);
  return rows.rows;
}
