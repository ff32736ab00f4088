import { AppError, parseBbox } from '@biomon/core';
import type { Db } from '@biomon/db';
import { writeAudit, type Actor } from '@biomon/auth';
import { QUEUES, writeOutbox } from '@biomon/queue';
import { importLayer, type GeoJsonFeature, type LayerImportResult } from './layer-import';
import type { InputCrs } from './crs';
import type { LayerKind } from './layer-kinds';
import { findLayerDataset, findLayerDatasetKind, layerFeatures, listLayerDatasets } from './layer.repository';

export interface LayerUpload {
  kind: LayerKind;
  year: number;
  source?: string;
  crs?: InputCrs;
}

/**
 * A layer uploaded through the API: one transaction stores the new dataset version, the outbox row
 * that makes occurrences' enrichment and the indicators follow it (worker), and the audit record.
 */
export async function uploadLayer(db: Db, actor: Actor, features: GeoJsonFeature[], upload: LayerUpload, route: string): Promise<LayerImportResult> {
  return db.transaction().execute(async (tx) => {
    const res = await importLayer(tx, features, {
      kind: upload.kind,
      year: upload.year,
      source: upload.source ?? '',
      crs: upload.crs ?? 'wgs84',
      createdBy: actor.tokenId,
    });
    await writeOutbox(tx, [{ queue: QUEUES.system, jobName: 'data-changed', payload: { kind: upload.kind, datasetId: res.datasetId } }]);
    await writeAudit(tx, actor, {
      action: 'layers.create',
      entity: 'layer_dataset',
      entityIds: [res.datasetId],
      route,
      summary: { features: res.features, repaired: res.repaired.length, rejected: res.rejected.length },
    });
    return res;
  });
}

export interface LayerDatasetView {
  datasetId: number;
  kind: string;
  year: number;
  source: string;
  name: string;
  crs: string;
  features: number;
  createdAt: Date;
}

/** Dataset versions, by kind, newest vintage first. */
export async function listLayers(db: Db, kind?: LayerKind): Promise<LayerDatasetView[]> {
  const rows = await listLayerDatasets(db, kind);
  return rows.map((d) => ({
    datasetId: d.id,
    kind: d.kind,
    year: d.vintage_year,
    source: d.source,
    name: d.name,
    crs: d.crs_in,
    features: d.feature_count,
    createdAt: d.created_at,
  }));
}

/** One dataset version with its import report; 404 NOT_FOUND when there is none. */
export async function getLayer(db: Db, datasetId: number) {
  const d = await findLayerDataset(db, datasetId);
  if (!d) throw new AppError('NOT_FOUND', `No layer dataset ${datasetId}`);
  const report = d.report as { repaired?: unknown[]; rejected?: unknown[]; warnings?: unknown[] };
  return {
    datasetId: d.id,
    kind: d.kind,
    year: d.vintage_year,
    source: d.source,
    name: d.name,
    crs: d.crs_in,
    features: d.feature_count,
    contentHash: d.content_hash,
    createdAt: d.created_at,
    repaired: report.repaired ?? [],
    rejected: report.rejected ?? [],
    warnings: report.warnings ?? [],
  };
}

/**
 * The features of a dataset version as a GeoJSON FeatureCollection, optionally within a bbox (the
 * request's text, checked once the dataset is found: 404 NOT_FOUND first, then 400 for a bad bbox).
 */
export async function getLayerFeatures(db: Db, datasetId: number, opts: { bbox?: string; limit: number }) {
  const d = await findLayerDatasetKind(db, datasetId);
  if (!d) throw new AppError('NOT_FOUND', `No layer dataset ${datasetId}`);
  const bbox = opts.bbox ? parseBbox(opts.bbox) : undefined;
  const features = await layerFeatures(db, { id: d.id, kind: d.kind as LayerKind }, { bbox, limit: opts.limit });
  return { type: 'FeatureCollection' as const, datasetId: d.id, kind: d.kind, features };
}
