import type { Tx } from '@biomon/db';
import { sql } from '@biomon/db';
import { KIND_COLUMNS, KIND_TABLE, type LayerKind } from './layer-kinds';

/**
 * The SQL of `layer_stage`, the temporary table an upload passes through (layer-import.ts decides
 * what is rejected, repaired and reported): created per transaction, filled in batches, repaired
 * set-wise in PostGIS, then copied into the kind's table as one dataset version.
 */

/** A fresh stage for this transaction (dropped at commit). */
export async function createLayerStage(tx: Tx): Promise<void> {
  await sql`DROP TABLE IF EXISTS layer_stage`.execute(tx);
  await sql`CREATE TEMP TABLE layer_stage (idx integer, props jsonb, gj text, fixes text[]) ON COMMIT DROP`.execute(tx);
}

/** One batch of checked features: index, properties (JSON text), GeoJSON geometry (text), structural fixes. */
export async function insertStageRows(tx: Tx, batch: { idx: number; props: string; gj: string; fixes: string[] }[]): Promise<void> {
  await sql`
    INSERT INTO layer_stage (idx, props, gj, fixes)
    SELECT s.idx, s.props::jsonb, s.gj, string_to_array(nullif(s.fixes, ''), '|')
    FROM unnest(${batch.map((b) => b.idx)}::int[], ${batch.map((b) => b.props)}::text[], ${batch.map((b) => b.gj)}::text[], ${batch.map((b) => b.fixes.join('|'))}::text[])
         AS s(idx, props, gj, fixes)`.execute(tx);
}

/** What the stage's repair found of one feature. */
export interface StageReportRow {
  idx: number;
  parsed: boolean;
  valid: boolean | null;
  reason: string | null;
  fixes: string[] | null;
  empty: boolean | null;
  area_before: number | null;
  area_after: number | null;
}

/**
 * Repairs the stage set-wise — parse, validate, keep the polygonal part (points: parse only) — and
 * reports each feature in index order, with the ellipsoidal area before and after a repair.
 */
export async function repairStage(tx: Tx, kindIsPoint: boolean): Promise<StageReportRow[]> {
  await sql`ALTER TABLE layer_stage ADD COLUMN g geometry, ADD COLUMN fixed geometry, ADD COLUMN valid boolean, ADD COLUMN reason text`.execute(tx);
  await sql`UPDATE layer_stage SET g = biomon_try_geojson(gj)`.execute(tx);
  if (kindIsPoint) {
    await sql`UPDATE layer_stage SET fixed = g, valid = g IS NOT NULL`.execute(tx);
  } else {
    await sql`
      UPDATE layer_stage SET valid = ST_IsValid(g),
        reason = CASE WHEN ST_IsValid(g) THEN NULL ELSE ST_IsValidReason(g) END,
        fixed = biomon_polygonal(g)
      WHERE g IS NOT NULL`.execute(tx);
  }
  const report = await sql<StageReportRow>`
    SELECT idx, g IS NOT NULL AS parsed, valid, reason, fixes,
           (fixed IS NULL OR ST_IsEmpty(fixed)) AS empty,
           ${kindIsPoint ? sql`NULL::float8` : sql`CASE WHEN valid THEN NULL ELSE ST_Area(g::geography) END`} AS area_before,
           ${kindIsPoint ? sql`NULL::float8` : sql`CASE WHEN valid THEN NULL ELSE ST_Area(fixed::geography) END`} AS area_after
    FROM layer_stage ORDER BY idx`.execute(tx);
  return report.rows;
}

/** Drops the staged features `idx` (rejected after the repair). */
export async function deleteStageRows(tx: Tx, idx: number[]): Promise<void> {
  await sql`DELETE FROM layer_stage WHERE idx = ANY(${idx}::int[])`.execute(tx);
}

/** How many features the stage holds. */
export async function countStageRows(tx: Tx): Promise<number> {
  const count = await sql<{ n: number }>`SELECT count(*)::int AS n FROM layer_stage`.execute(tx);
  return count.rows[0].n;
}

/** Columns cast from the properties' text to their type on the way into the kind's table. */
const CASTS: Record<string, string> = {
  official_area_km2: 'numeric',
  established_year: 'integer',
  is_natural: 'boolean',
  year: 'integer',
  vegetation_cover_pct: 'numeric',
  survey_date: 'date',
  terrestrial: 'boolean',
};

/** Copies the stage into the kind's table as the features of dataset `datasetId`, in index order. */
export async function copyStageToFeatures(tx: Tx, kind: LayerKind, datasetId: number): Promise<void> {
  const table = KIND_TABLE[kind];
  const cols = KIND_COLUMNS[kind];
  // Column names come from the fixed allow-list above, never from input.
  const colList = sql.join(cols.map((c) => sql.id(c)));
  const typed = sql.join(cols.map((c) => (CASTS[c] ? sql`(props->'row'->>${c})::${sql.raw(CASTS[c])}` : sql`(props->'row'->>${c})`)));
  await sql`
    INSERT INTO ${sql.table(table)} (dataset_id, ${colList}, properties, geom)
    SELECT ${datasetId}, ${typed}, props->'all', fixed FROM layer_stage ORDER BY idx`.execute(tx);
}
