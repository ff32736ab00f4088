import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Db, Tx } from '@biomon/db';
import type { SeedLevel } from '@biomon/config';
import { startOfChinaDay } from '@biomon/core';
import type { Actor } from '@biomon/auth';
import { loadLedgerSeed, type LedgerSeed } from '@biomon/ledger';
import { deriveHigherTaxa, upsertTaxa, type JilinChecklistSeed } from '@biomon/taxa';
import { importLayer, layerDatasetsNamed, readGeoJsonFeatures, type LayerKind } from '@biomon/layers';
import { holdRulesExclusive, ingestOccurrences, ingestSurveyEvents, refreshSensitivity } from '@biomon/occurrences';
import { computeLandCoverChange, createIndicatorRun, DEFAULT_RUN_CODES, executeIndicatorRun, resolveChangePair } from '@biomon/indicators';
import { seedDemoStations } from '@biomon/stations';
import { ingestAccessions, saveInstitution, type InstitutionIn } from '@biomon/germplasm';
import { evaluateAlerts, seedDefaultAlertRules } from '@biomon/alerts';
import { seedDemoNdvi } from './demo-ndvi';
import { lockSeeding, recordSeedRun, seedRunRecorded } from './seed-run.repository';

export interface SeedStepResult {
  name: string;
  status: 'applied' | 'skipped';
  summary?: unknown;
}

interface SeedStep {
  name: string;
  version: string;
  level: Exclude<SeedLevel, 'none'>;
  /** writes files to the file store: applied only when runSeeds is given one (otherwise left for a later seed) */
  needsFileStore?: true;
  run(tx: Tx, seedsDir: string, opts?: SeedOptions): Promise<unknown>;
}

export interface SeedOptions {
  /** the file store (config.fileStoreDir) for the demo's raster COGs */
  fileStoreDir?: string;
}

const layerStep = (name: string, kind: LayerKind, file: string, year: number, source: string): SeedStep => ({
  name,
  version: '1',
  level: name.startsWith('reference') ? 'reference' : 'demo',
  async run(tx, dir) {
    const r = await importLayer(tx, readGeoJsonFeatures(path.join(dir, file)), { kind, year, source, name: file });
    return { datasetId: r.datasetId, features: r.features, repaired: r.repaired.length, rejected: r.rejected.length };
  },
});

/** Seed steps in order. Each runs at most once per database (recorded in seed_runs, same transaction). */
export const SEED_STEPS: SeedStep[] = [
  {
    name: 'reference:ledger',
    version: '1',
    level: 'reference',
    async run(tx, dir) {
      const seed = JSON.parse(await readFile(path.join(dir, 'ledger/ledger.json'), 'utf8')) as LedgerSeed;
      return loadLedgerSeed(tx, seed);
    },
  },
  {
    name: 'reference:taxa-jilin',
    version: '1',
    level: 'reference',
    async run(tx, dir) {
      const seed = JSON.parse(await readFile(path.join(dir, 'taxa/jilin-checklist.json'), 'utf8')) as JilinChecklistSeed;
      // taxon flags decide what the public sees of records: no record is written meanwhile, and stored ones follow
      await holdRulesExclusive(tx);
      const summary = await upsertTaxa(tx, seed.taxa, seed.rules, seed.higherTaxa);
      await refreshSensitivity(tx, { all: true });
      return summary;
    },
  },
  {
    // genus and family entries ("Panthera sp.", 豹属), for databases seeded before they existed
    name: 'reference:taxa-higher',
    version: '1',
    level: 'reference',
    async run(tx, dir) {
      const seed = JSON.parse(await readFile(path.join(dir, 'taxa/jilin-checklist.json'), 'utf8')) as JilinChecklistSeed;
      await holdRulesExclusive(tx);
      const higherTaxa = await deriveHigherTaxa(tx, seed.higherTaxa);
      const refreshed = await refreshSensitivity(tx, { all: true });
      return { higherTaxa, ...refreshed };
    },
  },
  layerStep(
    'reference:regions',
    'regions',
    'demo/regions.geojson',
    2020,
    'biomon demo outlines (approximate), derived from DataV GCJ-02 boundaries converted to WGS84',
  ),
  {
    // the default alert rules (@biomon/alerts), so a fresh platform already warns; admins change them with PUT /v1/alert-rules
    name: 'reference:alert-rules',
    version: '1',
    level: 'reference',
    run: (tx) => seedDefaultAlertRules(tx),
  },
  layerStep('demo:protected-areas', 'protected-areas', 'demo/protected-areas.geojson', 2024, 'biomon demo (approximate)'),
  layerStep('demo:land-cover-2020', 'land-cover', 'demo/land-cover-2020.geojson', 2020, 'biomon demo (synthetic)'),
  layerStep('demo:land-cover-2024', 'land-cover', 'demo/land-cover.geojson', 2024, 'biomon demo (synthetic)'),
  layerStep('demo:grassland-plots', 'grassland-plots', 'demo/grassland-plots.geojson', 2024, 'biomon demo (synthetic)'),
  layerStep('demo:ecosystems', 'ecosystems', 'demo/ecosystems.geojson', 2024, 'biomon demo (synthetic)'),
  {
    name: 'demo:survey',
    version: '1',
    level: 'demo',
    async run(tx, dir) {
      const survey = JSON.parse(await readFile(path.join(dir, 'demo/survey.json'), 'utf8')) as { events: unknown[]; occurrences: unknown[] };
      const actor: Actor = { tokenId: null, role: 'surveyor', team: 'demo-team-changbai', label: 'demo seed' };
      const events = await ingestSurveyEvents(tx, survey.events, { actor, route: 'seed' });
      const occurrences = await ingestOccurrences(tx, survey.occurrences, { actor, route: 'seed', now: startOfChinaDay('2026-11-28') });
      return {
        events: { inserted: events.inserted, rejected: events.rejected.length },
        occurrences: { inserted: occurrences.inserted, rejected: occurrences.rejected.length },
      };
    },
  },
  {
    // 8 demo stations; ~14 days of observations per numeric datastream, ending at the seed's hour
    name: 'demo:stations',
    version: '1',
    level: 'demo',
    async run(tx, dir) {
      const stations = JSON.parse(await readFile(path.join(dir, 'demo/stations.json'), 'utf8')) as unknown[];
      return seedDemoStations(tx, stations);
    },
  },
  {
    // the germplasm registry (issue 20): 8 holding institutions and 25 MCPD v2.1 accessions
    name: 'demo:germplasm',
    version: '1',
    level: 'demo',
    async run(tx, dir) {
      const seed = JSON.parse(await readFile(path.join(dir, 'demo/germplasm.json'), 'utf8')) as { institutions: InstitutionIn[]; accessions: unknown[] };
      const actor: Actor = { tokenId: null, role: 'system', label: 'demo seed' };
      for (const inst of seed.institutions) await saveInstitution(tx, inst, { actor, route: 'seed' });
      const res = await ingestAccessions(tx, seed.accessions, { actor, route: 'seed' });
      return { institutions: seed.institutions.length, accessions: { inserted: res.inserted, rejected: res.rejected.length } };
    },
  },
  {
    // synthetic NDVI rasters 2020 and 2024 over Jilin (issue 18), generated now and imported as COGs
    name: 'demo:ndvi',
    version: '1',
    level: 'demo',
    needsFileStore: true,
    run: (tx, dir, opts) => {
      if (!opts?.fileStoreDir) throw new Error('demo:ndvi needs a file store (runSeeds(…, { fileStoreDir }))');
      return seedDemoNdvi(tx, dir, opts.fileStoreDir);
    },
  },
];

/** Steps that need everything else first: the demo's one completed indicator run. */
const FINAL_STEPS: SeedStep[] = [
  {
    name: 'demo:indicator-run-2024',
    version: '2',
    level: 'demo',
    async run(tx, _dir, opts) {
      // every default indicator, and ProtConn (on request only) at 10 km for the map and the report
      const { runId } = await createIndicatorRun(
        tx,
        { year: 2024, indicators: [...DEFAULT_RUN_CODES, 'pa_connectivity'] },
        { tokenId: null, role: 'system', label: 'demo seed' },
        'seed',
      );
      await executeIndicatorRun(tx, runId, undefined, { fileStoreDir: opts?.fileStoreDir });
      return { runId };
    },
  },
  {
    // the land-cover change 2020 → 2024 (the forest-loss patch in demo-pa-03) and its one alert
    name: 'demo:land-cover-change',
    version: '1',
    level: 'demo',
    async run(tx) {
      const versions = await layerDatasetsNamed(tx, 'land-cover', ['demo/land-cover-2020.geojson', 'demo/land-cover.geojson']);
      if (versions.length !== 2) return { skipped: 'the two demo land-cover versions are not both loaded' };
      const change = await computeLandCoverChange(tx, await resolveChangePair(tx, { from: versions[0].id, to: versions[1].id }));
      const alerts = await evaluateAlerts(tx, { trigger: 'rules', rules: ['forest_loss_in_protected_area'], now: '2026-11-28T00:00:00Z' });
      return { changeId: change.changeId, cells: change.cells, alerts: alerts.forest_loss_in_protected_area ?? null };
    },
  },
];

/**
 * Applies the seed steps of a level. Idempotent: a step already recorded in seed_runs is skipped,
 * and a step's data and its record commit together, so nothing is seeded twice, even when two
 * seeders race (an advisory lock serialises them).
 */
export async function runSeeds(db: Db, level: SeedLevel, seedsDir: string, opts: SeedOptions = {}): Promise<SeedStepResult[]> {
  if (level === 'none') return [];
  const wanted = [...SEED_STEPS, ...FINAL_STEPS].filter((s) => (s.level === 'reference' || level === 'demo') && (!s.needsFileStore || opts.fileStoreDir));
  const results: SeedStepResult[] = [];
  for (const step of wanted) {
    const r = await db.transaction().execute(async (tx) => {
      await lockSeeding(tx);
      if (await seedRunRecorded(tx, step.name)) return { name: step.name, status: 'skipped' as const };
      const summary = await step.run(tx, seedsDir, opts);
      await recordSeedRun(tx, { name: step.name, version: step.version, summary });
      return { name: step.name, status: 'applied' as const, summary };
    });
    results.push(r);
  }
  return results;
}
