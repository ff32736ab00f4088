import { createHash } from 'node:crypto';
import type { Db, Tx } from '@biomon/db';
import { withTx } from '@biomon/db';
import { AppError, invalidTextErrors } from '@biomon/core';
import { convertCoordinates, type InputCrs } from './crs';
import { checkProperties, type LayerKind } from './layer-kinds';
import { insertLayerDataset, subdivideDataset } from './layer.repository';
import { copyStageToFeatures, countStageRows, createLayerStage, deleteStageRows, insertStageRows, repairStage } from './layer-stage.repository';

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
    await createLayerStage(tx);
    const rejected: Rejection[] = [];
    let batch: { idx: number; props: string; gj: string; fixes: string[] }[] = [];
    let index = 0;
    const hash = createHash('sha256');
    const flush = async (): Promise<void> => {
      if (!batch.length) return;
      await insertStageRows(tx, batch);
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
    const report = await repairStage(tx, opts.kind === 'grassland-plots');
    const repaired: Repair[] = [];
    const dropIdx: number[] = [];
    for (const r of report) {
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
      } else if (r.valid === false || r.fixes?.some((f) => !f.startsWith('converted'))) {
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
    if (dropIdx.length) await deleteStageRows(tx, dropIdx);
    rejected.sort((a, b) => a.index - b.index);
    const n = await countStageRows(tx);
    if (n === 0) {
      throw new AppError('UNPROCESSABLE', 'No feature of the upload is valid; no dataset version was created', { rejected: rejected.slice(0, 1000) });
    }
    const warnings: string[] = [];
    const datasetId = await insertLayerDataset(tx, {
      kind: opts.kind,
      vintage_year: opts.year,
      source: opts.source ?? '',
      name: opts.name ?? '',
      crs_in: crs,
      feature_count: n,
      content_hash: hash.digest('hex'),
      report: JSON.stringify({ repaired, rejected, warnings }),
      created_by: opts.createdBy ?? null,
    });
    await copyStageToFeatures(tx, opts.kind, datasetId);
    // Big outlines cut into pieces for point lookups and overlays (layer.repository.ts subdivideDataset).
    if (opts.kind === 'regions' || opts.kind === 'protected-areas') await subdivideDataset(tx, opts.kind, datasetId);
    return { datasetId, kind: opts.kind, year: opts.year, features: n, repaired, rejected, warnings };
  });
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
