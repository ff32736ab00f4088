import type { Db, DbOrTx, Tx } from '@biomon/db';
import { withTx } from '@biomon/db';
import { AppError, chinaDate } from '@biomon/core';
import { writeAudit, type Actor } from '@biomon/auth';
import { writeOutbox } from '@biomon/queue';
import {
  PUBLIC_VIEWER,
  SCREENING_BAND_CELL_M,
  SCREENING_BANDS_KM,
  projectScreeningSpecies,
  seesExact,
  type ScreeningSpeciesStored,
  type Viewer,
} from '@biomon/sensitive';
import type { FootprintRead } from './footprint';
import { footprintError } from './footprint';
import {
  cellPolygons,
  checkFootprintGeometry,
  completeScreening,
  ecosystemsInside,
  failScreening,
  insertScreening,
  landCoverInside,
  layerDatasetKind,
  mapGeometry,
  markScreeningRunning,
  naturalWetlandInside,
  newestDatasets,
  protectedAreasNear,
  provinceBaseline,
  selectScreening,
  speciesRecordsNear,
  type ScreeningRow,
} from './screening.repository';
import type {
  ScreeningDatasets,
  ScreeningEcosystem,
  ScreeningProtectedArea,
  ScreeningResultOut,
  ScreeningResultStored,
  ScreeningWetland,
} from './screening-types';
import { concerns, judge, RULES_VERSION } from './verdict-rules';
import { zoneOf } from './zones';
import { renderScreeningHtml } from './screening-report';

export const SCREENING_QUEUE = 'screenings';
export const DEFAULT_BUFFERS_KM = [5];
export const DEFAULT_SPECIES_YEARS = 10;
/** A footprint larger than this is not a project site. */
export const MAX_FOOTPRINT_HA = 500_000;
export const MAX_BUFFER_KM = 50;

export interface ScreeningRequest {
  name: string;
  footprint: FootprintRead;
  /** field name of the footprint in errors */
  footprintField: string;
  buffersKm?: number[];
  speciesYears?: number;
  datasets?: Partial<ScreeningDatasets>;
  rerunOf?: string | null;
}

const DATASET_KIND: Record<keyof ScreeningDatasets, string> = {
  protectedAreas: 'protected-areas',
  landCover: 'land-cover',
  ecosystems: 'ecosystems',
  regions: 'regions',
};

const invalid = (field: string, code: string, message: string) => new AppError('VALIDATION_FAILED', message, { errors: [{ field, code, message }] });

function normaliseBuffers(b: number[] | undefined): number[] {
  const list = b?.length ? b : DEFAULT_BUFFERS_KM;
  for (const [i, km] of list.entries())
    if (!(Number.isFinite(km) && km > 0 && km <= MAX_BUFFER_KM))
      throw invalid(`buffersKm[${i}]`, 'BUFFER_INVALID', `a buffer is a distance in km, more than 0 and at most ${MAX_BUFFER_KM}`);
  return [...new Set(list.map((k) => Math.round(k * 1000) / 1000))].sort((a, b) => a - b);
}

/**
 * Creates a screening (queued) and its job in one transaction, with the audit row. The footprint is
 * checked in PostGIS first (invalid polygons are repaired to their polygonal part and the repair is
 * recorded; nothing polygonal left, or too large: 422 FOOTPRINT_INVALID). The dataset versions are
 * fixed now — given ones are checked, missing ones are the newest of each kind whose vintage is ≤ the
 * year — so the screening can be reproduced; a re-run on newer data is a new screening.
 */
export async function createScreening(db: Db | Tx, actor: Actor, req: ScreeningRequest, route = 'POST /v1/screenings'): Promise<{ screeningId: string }> {
  const name = req.name.trim();
  if (!name) throw invalid('name', 'NAME_REQUIRED', 'a screening needs a name (the project)');
  const buffersKm = normaliseBuffers(req.buffersKm);
  const speciesYears = req.speciesYears ?? DEFAULT_SPECIES_YEARS;
  if (!(Number.isInteger(speciesYears) && speciesYears >= 1 && speciesYears <= 100))
    throw invalid('speciesYears', 'WINDOW_INVALID', 'speciesYears is an integer between 1 and 100');
  const asOf = chinaDate();
  const year = Number(asOf.slice(0, 4));
  const check = await checkFootprintGeometry(db, JSON.stringify(req.footprint.geometry));
  if (!check.parsed) throw footprintError(req.footprintField, 'PostGIS could not read the footprint');
  if (check.areaHa === null || check.repaired === null || check.areaHa <= 0)
    throw footprintError(req.footprintField, `the footprint has no polygonal area${check.reason ? ` (invalid: ${check.reason})` : ''}`);
  if (check.areaHa > MAX_FOOTPRINT_HA)
    throw footprintError(
      req.footprintField,
      `the footprint covers ${Math.round(check.areaHa)} ha; a project footprint may cover at most ${MAX_FOOTPRINT_HA} ha`,
    );
  return withTx(db, async (tx) => {
    const datasets = await newestDatasets(tx, year);
    for (const key of Object.keys(DATASET_KIND) as (keyof ScreeningDatasets)[]) {
      const given = req.datasets?.[key];
      if (given === undefined || given === null) continue;
      if ((await layerDatasetKind(tx, given)) !== DATASET_KIND[key])
        throw invalid(`datasets.${key}`, 'DATASET_UNKNOWN', `dataset ${given} is not a ${DATASET_KIND[key]} dataset`);
      datasets[key] = given;
    }
    const source = {
      format: req.footprint.format,
      fileName: req.footprint.fileName ?? null,
      crs: req.footprint.crs,
      polygons: req.footprint.polygons,
      skippedNonPolygons: req.footprint.skipped,
      repaired: check.valid === false ? { reason: check.reason, areaBeforeHa: check.areaBeforeHa, areaAfterHa: check.areaHa } : null,
    };
    const id = await insertScreening(tx, {
      name,
      footprintGeojson: check.repaired!,
      source,
      buffersKm,
      speciesYears,
      asOf,
      datasets,
      rulesVersion: RULES_VERSION,
      rerunOf: req.rerunOf ?? null,
      tokenId: actor.tokenId,
      role: actor.role,
      label: actor.label,
      team: actor.team ?? null,
      departmentId: actor.departmentId ?? null,
    });
    await writeOutbox(tx, [{ queue: SCREENING_QUEUE, jobName: 'run', payload: { screeningId: id } }]);
    await writeAudit(tx, actor, {
      action: req.rerunOf ? 'screenings.rerun' : 'screenings.create',
      entity: 'screening',
      entityIds: [id],
      route,
      summary: { name, buffersKm, speciesYears, datasets, rerunOf: req.rerunOf ?? null, format: req.footprint.format, areaHa: check.areaHa },
    });
    return { screeningId: id };
  });
}

/** Whether the actor may read (or re-run) a screening: evaluators and admins all; others their team's, department's or token's. */
function mayRead(actor: Actor, s: Pick<ScreeningRow, 'token_id' | 'team' | 'department_id' | 'requester_role'>): boolean {
  if (actor.role === 'admin' || actor.role === 'evaluator' || actor.role === 'system') return true;
  if (actor.tokenId && s.token_id === actor.tokenId) return true;
  if (actor.role === 'surveyor' && actor.team && s.requester_role === 'surveyor' && s.team === actor.team) return true;
  if (actor.role === 'department' && actor.departmentId && s.requester_role === 'department' && s.department_id === actor.departmentId) return true;
  return false;
}

async function readable(db: DbOrTx, actor: Actor, id: string): Promise<ScreeningRow> {
  const s = await selectScreening(db, id);
  if (!s) throw new AppError('NOT_FOUND', `No screening ${id}`);
  if (!mayRead(actor, s))
    throw new AppError('FORBIDDEN', 'A screening is read by the team or department that requested it, evaluators and admins', { reason: 'scope' });
  return s;
}

/** A new screening of the same footprint, buffers and window on the newest data (the old one stays as it was). */
export async function rerunScreening(db: Db | Tx, actor: Actor, id: string): Promise<{ screeningId: string; rerunOf: string }> {
  const s = await readable(db, actor, id);
  const geometry = JSON.parse(s.footprint_geojson) as FootprintRead['geometry'];
  const src = s.source as { format?: FootprintRead['format']; fileName?: string };
  const out = await createScreening(
    db,
    actor,
    {
      name: s.name,
      footprint: { geometry, format: src.format ?? 'geojson', polygons: geometry.coordinates.length, skipped: 0, crs: 'wgs84', fileName: src.fileName },
      footprintField: 'footprint',
      buffersKm: s.buffers_km,
      speciesYears: s.species_years,
      rerunOf: s.id,
    },
    'POST /v1/screenings/:id/rerun',
  );
  return { ...out, rerunOf: s.id };
}

const ha = (m2: number) => Math.round((m2 / 10_000) * 10_000) / 10_000;
const pct = (x: number) => Math.round(x * 10_000) / 10_000;

/**
 * Computes a screening (the worker's job). At-least-once safe: a completed screening is left as it
 * is (immutable); otherwise everything is recomputed from the stored inputs and stored once.
 */
export async function executeScreening(db: Db | Tx, id: string): Promise<'completed' | 'skipped'> {
  const s = await selectScreening(db, id);
  if (!s) throw new Error(`screening ${id} does not exist`);
  if (s.status === 'completed') return 'skipped';
  if (!(await markScreeningRunning(db, id))) return 'skipped';
  try {
    const result = await computeScreening(db, s);
    return (await completeScreening(db, id, result)) ? 'completed' : 'skipped';
  } catch (err) {
    await failScreening(db, id, (err as Error).message);
    throw err;
  }
}

async function computeScreening(db: DbOrTx, s: ScreeningRow): Promise<ScreeningResultStored> {
  const t0 = Date.now();
  // milliseconds per part (stored with the result: the bench reads them)
  const stepsMs: Record<string, number> = {};
  let tStep = Date.now();
  const step = (name: string) => {
    stepsMs[name] = Date.now() - tStep;
    tStep = Date.now();
  };
  const ds = s.datasets;
  const year = Number(s.as_of.slice(0, 4));
  const buffersKm = [...s.buffers_km].sort((a, b) => a - b);
  const maxKm = Math.max(...buffersKm);
  const warnings: string[] = [];
  for (const k of Object.keys(DATASET_KIND) as (keyof ScreeningDatasets)[])
    if (ds[k] === null) warnings.push(`no ${DATASET_KIND[k]} dataset with vintage ≤ ${year}: that part of the screening is empty`);

  // protected areas (and zones) within the widest buffer
  const protectedAreas: ScreeningProtectedArea[] = [];
  if (ds.protectedAreas !== null) {
    for (const p of await protectedAreasNear(db, s.id, ds.protectedAreas, buffersKm, year)) {
      const z = zoneOf(p.properties);
      if (z.label && !z.zone)
        warnings.push(`protected area ${p.pa_id} (${p.name}): zone "${z.label}" is not a known zone (核心区/缓冲区/实验区/核心保护区/一般控制区)`);
      protectedAreas.push({
        paId: p.pa_id,
        name: p.name,
        nameEn: p.name_en,
        designation: p.designation,
        level: p.level,
        status: p.status,
        zone: z.zone,
        zoneLabel: z.label,
        counted: p.counted,
        overlapHa: ha(p.overlap_m2),
        distanceM: Math.round(p.dist_m * 10) / 10,
        buffers: buffersKm.map((km, i) => ({ km, within: p.dist_m <= km * 1000, overlapHa: ha(p.buffer_m2[i] ?? 0) })),
      });
    }
  }

  step('protectedAreas');

  // protected and sensitive species: every record whose point is within the widest buffer, or whose
  // 10 km cell may lie within the widest band (point within band + the cell's diagonal)
  const widestBandKm = SCREENING_BANDS_KM[SCREENING_BANDS_KM.length - 1];
  const radiusKm = Math.max(maxKm, widestBandKm + (SCREENING_BAND_CELL_M * Math.SQRT2) / 1000 + 1);
  const recs = await speciesRecordsNear(db, s.id, radiusKm, year, s.species_years);
  const byKey = new Map<string, ScreeningSpeciesStored>();
  for (const r of recs) {
    let e = byKey.get(r.key);
    if (!e) {
      e = { scientificName: r.key, chineseName: r.chinese, protectionClass: r.class, taxonSensitive: false, records: [] };
      byKey.set(r.key, e);
    }
    e.taxonSensitive ||= r.taxon_sensitive;
    if (!e.protectionClass && r.class) e.protectionClass = r.class;
    e.records.push({ d: Math.round(r.d * 10) / 10, cd: Math.round(r.cd * 10) / 10, g: r.g, c: r.c });
  }
  const species = [...byKey.values()].filter((x) => x.records.some((r) => r.d <= maxKm * 1000 || r.cd <= widestBandKm * 1000));

  step('species');

  // land cover, ecosystems, natural wetland inside the footprint
  const landCover =
    ds.landCover === null ? [] : (await landCoverInside(db, s.id, ds.landCover)).map((l) => ({ class: l.class, natural: l.natural, ha: ha(l.m2) }));
  step('landCover');
  const baseline = await provinceBaseline(db, ds);
  step('baseline');
  if (!baseline)
    warnings.push(
      'no completed indicator run on these dataset versions: the provincial protected extents (ecosystem shares, wetland protection rate) are not given; start one with POST /v1/indicator-runs',
    );
  const ecosystems: ScreeningEcosystem[] =
    ds.ecosystems === null
      ? []
      : (await ecosystemsInside(db, s.id, ds.ecosystems, ds.protectedAreas, year)).map((e) => {
          const t = baseline?.ecosystemTypes?.find((x) => x.type === e.type);
          const provHa = t ? (t.areaKm2 * t.protectedShare * 1e6) / 10_000 : null;
          return {
            type: e.type,
            terrestrial: e.terrestrial,
            ha: ha(e.m2),
            protectedHa: ha(e.protected_m2),
            provincialProtectedHa: provHa === null ? null : Math.round(provHa * 100) / 100,
            shareOfProtectedPct: provHa && provHa > 0 ? pct((e.protected_m2 / 10_000 / provHa) * 100) : null,
          };
        });
  let wetland: ScreeningWetland = { naturalHa: 0, naturalProtectedHa: 0, province: null, note: null };
  if (ds.landCover !== null) {
    const w = await naturalWetlandInside(db, s.id, ds.landCover, ds.protectedAreas, year);
    wetland = { naturalHa: ha(w.m2), naturalProtectedHa: ha(w.protected_m2), province: null, note: null };
    if (baseline?.wetland) {
      const den = baseline.wetland.naturalWetlandKm2 * 100;
      const num = baseline.wetland.protectedKm2 * 100;
      const den2 = den - w.m2 / 10_000;
      const num2 = num - w.protected_m2 / 10_000;
      const rate = den > 0 ? (num / den) * 100 : null;
      const after = den2 > 0 ? (num2 / den2) * 100 : null;
      wetland.province = {
        regionCode: baseline.regionCode,
        runId: baseline.runId,
        runYear: baseline.year,
        naturalWetlandHa: Math.round(den * 100) / 100,
        protectedHa: Math.round(num * 100) / 100,
        ratePct: rate === null ? null : pct(rate),
        rateAfterPct: after === null ? null : pct(after),
        changePp: rate === null || after === null ? null : pct(after - rate),
      };
      wetland.note =
        '项目范围内的自然湿地从全省自然湿地中扣除，其位于保护地内的部分同时从受保护面积中扣除 The natural wetland of the footprint is removed from the province’s natural wetland, and its protected part from the protected area';
    }
  }

  step('ecosystemsAndWetland');

  // the verdict and concerns, judged on what every caller may see
  const publicSpecies = projectScreeningSpecies(species, buffersKm, PUBLIC_VIEWER);
  const verdictInput = { protectedAreas, species: publicSpecies, wetland, ecosystems };
  const verdict = judge(verdictInput);
  const { ledgerTasks, indicators } = concerns({ ...verdictInput, landCover });

  // the map: footprint, buffers, protected areas, and the 10 km cells of the species (never points)
  const cellIds = [...new Set(projectScreeningSpecies(species, buffersKm, { role: 'system' }).flatMap((x) => x.cells))];
  const g = await mapGeometry(db, s.id, buffersKm, ds.protectedAreas, Math.max(maxKm, widestBandKm) * 1.15);
  const paName = new Map(protectedAreas.map((p) => [p.paId, p]));
  const map = {
    bbox: g.bbox,
    footprint: g.footprint,
    buffers: g.buffers,
    protectedAreas: g.pas.map((p) => ({ name: paName.get(p.pa_id)?.name ?? p.pa_id, zone: paName.get(p.pa_id)?.zone ?? null, geometry: p.geometry })),
    cells: await cellPolygons(db, cellIds),
  };
  step('verdictAndMap');
  return {
    footprintHa: Math.round(s.footprint_ha * 10_000) / 10_000,
    buffersKm,
    speciesWindow: [year - s.species_years + 1, year],
    protectedAreas,
    species,
    landCover,
    ecosystems,
    wetland,
    ledgerTasks,
    indicators,
    verdict,
    baseline: baseline ? { runId: baseline.runId, year: baseline.year, regionCode: baseline.regionCode } : null,
    warnings,
    map,
    computedMs: Date.now() - t0,
    stepsMs,
  };
}

export interface ScreeningView {
  screeningId: string;
  name: string;
  status: string;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  asOf: string;
  requestedBy: { role: string; label: string };
  rerunOf: string | null;
  buffersKm: number[];
  speciesYears: number;
  datasets: ScreeningDatasets;
  rulesVersion: string;
  source: Record<string, unknown>;
  footprint: unknown;
  footprintHa: number;
  error: string | null;
  result: ScreeningResultOut | null;
}

/** The stored result as the viewer sees it (@biomon/sensitive projectScreeningSpecies); the map's geometry is for the report only. */
export function projectResult(stored: ScreeningResultStored, viewer: Viewer): ScreeningResultOut {
  const { map: _map, stepsMs: _steps, species, ...rest } = stored;
  return { ...rest, species: projectScreeningSpecies(species, stored.buffersKm, viewer), generalised: !seesExact(viewer) };
}

/** A screening as the actor sees it: status, inputs, dataset versions and — once completed — the projected result. */
export async function getScreening(db: DbOrTx, actor: Actor, id: string): Promise<ScreeningView> {
  const s = await readable(db, actor, id);
  return viewOf(s, actor);
}

function viewOf(s: ScreeningRow, viewer: Viewer): ScreeningView {
  return {
    screeningId: s.id,
    name: s.name,
    status: s.status,
    createdAt: s.created_at.toISOString(),
    startedAt: s.started_at?.toISOString() ?? null,
    finishedAt: s.finished_at?.toISOString() ?? null,
    asOf: s.as_of,
    requestedBy: { role: s.requester_role, label: s.requester_label },
    rerunOf: s.rerun_of,
    buffersKm: s.buffers_km,
    speciesYears: s.species_years,
    datasets: {
      protectedAreas: s.datasets?.protectedAreas ?? null,
      landCover: s.datasets?.landCover ?? null,
      ecosystems: s.datasets?.ecosystems ?? null,
      regions: s.datasets?.regions ?? null,
    },
    rulesVersion: s.rules_version,
    source: s.source,
    footprint: JSON.parse(s.footprint_geojson),
    footprintHa: Math.round(s.footprint_ha * 10_000) / 10_000,
    error: s.error,
    result: s.status === 'completed' && s.result ? projectResult(s.result as ScreeningResultStored, viewer) : null,
  };
}

/** The stored screening for the report (readable by the actor; completed). */
export async function screeningForReport(db: DbOrTx, actor: Actor, id: string): Promise<{ view: ScreeningView; map: ScreeningResultStored['map'] }> {
  const s = await readable(db, actor, id);
  if (s.status !== 'completed' || !s.result) throw new AppError('SCREENING_NOT_READY', `Screening ${id} is ${s.status}`);
  return { view: viewOf(s, actor), map: (s.result as ScreeningResultStored).map };
}

/** The A4 HTML report of a completed screening, as the actor sees it. */
export async function screeningReportHtml(db: DbOrTx, actor: Actor, id: string): Promise<string> {
  const { view, map } = await screeningForReport(db, actor, id);
  return renderScreeningHtml(view, map);
}
