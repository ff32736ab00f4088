import { createHash } from 'node:crypto';
import type { Db, DbOrTx, Tx } from '@biomon/db';
import { sql, withTx } from '@biomon/db';
import { AppError, invalidTextErrors } from '@biomon/core';
import { convertCoordinates, type InputCrs } from './crs';
import { checkProperties, KIND_COLUMNS, KIND_TABLE, type LayerKind, type Row } from './layer-kinds';

export interface GeoJsonFeature {
  type: 'Feature';
  geometry: { type: string; coordinates: unknown } | null;
  properties: Record<string, unknown> | null;
}

export interface LayerImportOptions {
  kind: LayerKind;
  year: number;
  source?: string;
  name?: string;
  crs?: InputCrs;
  createdBy?: string | null;
}

/**
 * A feature stored after repair: what was wrong, and the ellipsoidal area before and after.
 * `areaChangePct` is null when the original had no measurable area (a bow-tie's signed parts cancel).
 */
export interface Repair {
  index: number;
  reason: string;
  areaChangePct: number | null;
  areaBeforeM2: number | null;
  areaAfterM2: number | null;
}
/** A feature left out of a version: its index, the part that failed (`features[i].properties` / `.geometry`) and why. */
export interface Rejection {
  index: number;
  field: string;
  reason: string;
}
export interface LayerImportResult {
  datasetId: number;
  kind: LayerKind;
  year: number;
  features: number;
  repaired: Repair[];
  rejected: Rejection[];
  warnings: string[];
}

const POLYGONAL = new Set(['Polygon', 'MultiPolygon']);

/** Structural checks that PostGIS would otherwise turn into an exception or a silent change. */
function checkGeometry(
  kind: LayerKind,
  g: GeoJsonFeature['geometry'],
): { reason?: string; fixes: string[]; geometry?: { type: string; coordinates: unknown } } {
  const fixes: string[] = [];
  if (!g || typeof g !== 'object') return { reason: 'geometry is missing', fixes };
  const wantPoint = kind === 'grassland-plots';
  if (wantPoint ? g.type !== 'Point' : !POLYGONAL.has(g.type)) {
    return { reason: `geometry must be ${wantPoint ? 'a Point' : 'a Polygon or MultiPolygon'}; got ${String(g.type)}`, fixes };
  }
  const finite = (c: unknown): boolean => Array.isArray(c) && c.length >= 2 && c.every((x) => typeof x === 'number' && Number.isFinite(x));
  if (wantPoint) {
    if (!finite(g.coordinates)) return { reason: 'point coordinates must be [lon, lat] numbers', fixes };
    const [x, y] = g.coordinates as number[];
    if (x < -180 || x > 180 || y < -90 || y > 90) return { reason: 'point coordinates out of range', fixes };
    return { fixes, geometry: { type: 'Point', coordinates: [x, y] } };
  }
  const polys = (g.type === 'Polygon' ? [g.coordinates] : (g.coordinates as unknown[])) as unknown[];
  if (!Array.isArray(polys) || polys.length === 0) return { reason: 'geometry is empty', fixes };
  const outPolys: number[][][][] = [];
  for (const poly of polys) {
    if (!Array.isArray(poly) || poly.length === 0) return { reason: 'polygon without rings', fixes };
    const rings: number[][][] = [];
    for (const ring of poly as unknown[]) {
      if (!Array.isArray(ring)) return { reason: 'ring is not an array of positions', fixes };
      for (const pos of ring) {
        if (!finite(pos)) return { reason: 'a position is not a pair of finite numbers', fixes };
        const [x, y] = pos as number[];
        if (x < -180 || x > 180 || y < -90 || y > 90) return { reason: 'coordinates out of range (lon −180…180, lat −90…90)', fixes };
        if ((pos as number[]).length > 2 && !fixes.includes('3-D coordinates dropped to 2-D')) fixes.push('3-D coordinates dropped to 2-D');
      }
      let r = (ring as number[][]).map((p) => [p[0], p[1]]);
      const first = r[0];
      const last = r[r.length - 1];
      if (r.length > 0 && (first[0] !== last[0] || first[1] !== last[1])) {
        r = [...r, first];
        if (!fixes.includes('unclosed ring closed')) fixes.push('unclosed ring closed');
      }
      if (r.length < 4) return { reason: `a ring has ${r.length} positions; at least 4 (closed) are needed`, fixes };
      rings.push(r);
    }
    outPolys.push(rings);
  }
  return { fixes, geometry: { type: 'MultiPolygon', coordinates: outPolys } };
}

export function contentHash(text: string | Buffer): string {
  return createHash('sha256').update(text).digest('hex');
}

/**
 * Imports one layer upload as a new immutable dataset version. Features with invalid properties
 * or unusable geometry are rejected with the reason; invalid polygons are repaired with
 * ST_MakeValid and reported with the ellipsoidal area change. No valid feature: 422, no version.
 * One transaction: either the whole version exists or none of it.
 */
export async function importLayer(
  db: Db | Tx,
  features: Iterable<GeoJsonFeature> | AsyncIterable<GeoJsonFeature>,
  opts: LayerImportOptions,
): Promise<LayerImportResult> {
  const crs = opts.crs ?? 'wgs84';
  return withTx(db, async (tx) => {
    await sql`DROP TABLE IF EXISTS layer_stage`.execute(tx);
    await sql`CREATE TEMP TABLE layer_stage (idx integer, props jsonb, gj text, fixes text[]) ON COMMIT DROP`.execute(tx);
    const rejected: Rejection[] = [];
    let batch: { idx: number; props: string; gj: string; fixes: string[] }[] = [];
    let index = 0;
    const hash = createHash('sha256');
    const flush = async (): Promise<void> => {
      if (!batch.length) return;
      await sql`
        INSERT INTO layer_stage (idx, props, gj, fixes)
        SELECT s.idx, s.props::jsonb, s.gj, string_to_array(nullif(s.fixes, ''), '|')
        FROM unnest(${batch.map((b) => b.idx)}::int[], ${batch.map((b) => b.props)}::text[], ${batch.map((b) => b.gj)}::text[], ${batch.map((b) => b.fixes.join('|'))}::text[])
             AS s(idx, props, gj, fixes)`.execute(tx);
      batch = [];
    };
    for await (const f of features as AsyncIterable<GeoJsonFeature>) {
      const i = index++;
      hash.update(JSON.stringify(f));
      if (!f || f.type !== 'Feature') {
        rejected.push({ index: i, field: `features[${i}]`, reason: 'not a GeoJSON Feature' });
        continue;
      }
      // NUL and unpaired surrogates cannot be stored in jsonb: the feature is rejected, naming the property
      const badText = invalidTextErrors(f.properties ?? {}, `features[${i}].properties`)[0];
      if (badText) {
        rejected.push({ index: i, field: badText.field, reason: badText.message });
        continue;
      }
      const props = checkProperties(opts.kind, f.properties ?? {}, opts.year);
      if (!props.row) {
        rejected.push({ index: i, field: `features[${i}].properties`, reason: props.reason! });
        continue;
      }
      const geo = checkGeometry(opts.kind, f.geometry);
      if (!geo.geometry) {
        rejected.push({ index: i, field: `features[${i}].geometry`, reason: geo.reason! });
        continue;
      }
      const converted = { type: geo.geometry.type, coordinates: convertCoordinates(geo.geometry.coordinates as number[], crs) };
      if (crs !== 'wgs84') geo.fixes.push(`converted from ${crs} to WGS84`);
      batch.push({ idx: i, props: JSON.stringify({ row: props.row, all: f.properties ?? {} }), gj: JSON.stringify(converted), fixes: geo.fixes });
      if (batch.length >= 500) await flush();
    }
    await flush();

    // Repair set-wise: parse, validate, keep the polygonal part, measure on the ellipsoid.
    const kindIsPoint = opts.kind === 'grassland-plots';
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
    const report = await sql<{
      idx: number;
      parsed: boolean;
      valid: boolean | null;
      reason: string | null;
      fixes: string[] | null;
      empty: boolean | null;
      area_before: number | null;
      area_after: number | null;
    }>`
      SELECT idx, g IS NOT NULL AS parsed, valid, reason, fixes,
             (fixed IS NULL OR ST_IsEmpty(fixed)) AS empty,
             ${kindIsPoint ? sql`NULL::float8` : sql`CASE WHEN valid THEN NULL ELSE ST_Area(g::geography) END`} AS area_before,
             ${kindIsPoint ? sql`NULL::float8` : sql`CASE WHEN valid THEN NULL ELSE ST_Area(fixed::geography) END`} AS area_after
      FROM layer_stage ORDER BY idx`.execute(tx);
    const repaired: Repair[] = [];
    const dropIdx: number[] = [];
    for (const r of report.rows) {
      if (!r.parsed) {
        rejected.push({ index: r.idx, field: `features[${r.idx}].geometry`, reason: 'PostGIS could not parse the geometry' });
        dropIdx.push(r.idx);
      } else if (r.empty) {
        rejected.push({
          index: r.idx,
          field: `features[${r.idx}].geometry`,
          reason: `geometry ${r.reason ? `is invalid (${r.reason}) and ` : ''}has no polygonal area after repair`,
        });
        dropIdx.push(r.idx);
      } else if (r.valid === false || (r.fixes && r.fixes.some((f) => !f.startsWith('converted')))) {
        const reasons = [...(r.fixes ?? []).filter((f) => !f.startsWith('converted')), ...(r.valid === false ? [`invalid: ${r.reason}`] : [])];
        if (r.valid === false) {
          const before = r.area_before;
          const after = r.area_after;
          const measurable = before !== null && before > 0 && after !== null;
          repaired.push({
            index: r.idx,
            reason: reasons.join('; '),
            areaChangePct: measurable ? round(((after! - before!) / before!) * 100, 4) : null,
            areaBeforeM2: before,
            areaAfterM2: after,
          });
        } else {
          // structural fixes only (ring closed, 3-D dropped): the geometry PostGIS stored is the one sent
          repaired.push({ index: r.idx, reason: reasons.join('; '), areaChangePct: 0, areaBeforeM2: null, areaAfterM2: null });
        }
      }
    }
    if (dropIdx.length) await sql`DELETE FROM layer_stage WHERE idx = ANY(${dropIdx}::int[])`.execute(tx);
    rejected.sort((a, b) => a.index - b.index);
    const count = await sql<{ n: number }>`SELECT count(*)::int AS n FROM layer_stage`.execute(tx);
    const n = count.rows[0].n;
    if (n === 0) {
      throw new AppError('UNPROCESSABLE', 'No feature of the upload is valid; no dataset version was created', { rejected: rejected.slice(0, 1000) });
    }
    const warnings: string[] = [];
    const ds = await tx
      .insertInto('layer_datasets')
      .values({
        kind: opts.kind,
        vintage_year: opts.year,
        source: opts.source ?? '',
        name: opts.name ?? '',
        crs_in: crs,
        feature_count: n,
        content_hash: hash.digest('hex'),
        report: JSON.stringify({ repaired, rejected, warnings }),
        created_by: opts.createdBy ?? null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const table = KIND_TABLE[opts.kind];
    const cols = KIND_COLUMNS[opts.kind];
    // Column names come from the fixed allow-list above, never from input.
    const colList = sql.join(cols.map((c) => sql.id(c)));
    const casts: Record<string, string> = {
      official_area_km2: 'numeric',
      established_year: 'integer',
      is_natural: 'boolean',
      year: 'integer',
      vegetation_cover_pct: 'numeric',
      survey_date: 'date',
      terrestrial: 'boolean',
    };
    const typed = sql.join(cols.map((c) => (casts[c] ? sql`(props->'row'->>${c})::${sql.raw(casts[c])}` : sql`(props->'row'->>${c})`)));
    await sql`
      INSERT INTO ${sql.table(table)} (dataset_id, ${colList}, properties, geom)
      SELECT ${ds.id}, ${typed}, props->'all', fixed FROM layer_stage ORDER BY idx`.execute(tx);
    if (opts.kind === 'regions' || opts.kind === 'protected-areas') {
      // Big outlines cut into pieces of at most 256 vertices (ST_Subdivide): point lookups and
      // overlays test small pieces found precisely by the GiST index instead of whole provinces.
      await sql`
        INSERT INTO layer_subdivided (dataset_id, feature_id, geom)
        SELECT t.dataset_id, t.id, d.geom
        FROM ${sql.table(table)} t
        CROSS JOIN LATERAL (SELECT (ST_Dump(ST_Subdivide(t.geom, 256))).geom) d
        WHERE t.dataset_id = ${ds.id} AND GeometryType(d.geom) = 'POLYGON'`.execute(tx);
    }
    return { datasetId: ds.id, kind: opts.kind, year: opts.year, features: n, repaired, rejected, warnings };
  });
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/** The newest dataset of a kind whose vintage is ≤ year (BRIEF §5 default for runs). */
export async function latestDataset(db: DbOrTx, kind: LayerKind, year?: number): Promise<{ id: number; vintageYear: number } | null> {
  let q = db.selectFrom('layer_datasets').select(['id', 'vintage_year']).where('kind', '=', kind);
  if (year !== undefined) q = q.where('vintage_year', '<=', year);
  const row = await q.orderBy('vintage_year', 'desc').orderBy('id', 'desc').executeTakeFirst();
  return row ? { id: row.id, vintageYear: row.vintage_year } : null;
}
