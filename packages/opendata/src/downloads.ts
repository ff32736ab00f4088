/**
 * Streamed downloads (BRIEF §4): CSV (UTF-8 with a BOM, so that Excel in China opens it) and
 * GeoJSON for occurrences, station observations, layer datasets and indicator results. Rows come
 * through a server-side cursor in batches and leave as text chunks with backpressure: a million
 * rows pass through without being held in memory. Occurrences and station positions are shaped for
 * the viewer by the one sensitive-data projection (@biomon/sensitive), exactly as in GET /v1/occurrences.
 */
import type { ClientSource, Db, RawBuilder } from '@biomon/db';
import { AppError } from '@biomon/core';
import { occurrenceReadSql, type OccurrenceOut, type Viewer } from '@biomon/sensitive';
import { ReadSnapshot } from './cursor';
import { findDownloadDataset, layerFeatureSql, layerPropertyKeys, observationSql, type ObservationRow, type ObservationScope } from './download.repository';
import { csvLine, UTF8_BOM } from './dwc-text';
import { indicatorFeature } from './ogc-collections';
import { indicatorSql, type IndicatorRow } from './ogc.repository';
import type { OccurrenceFilter } from './occurrence-filters';

export type DownloadFormat = 'csv' | 'geojson';

export const CONTENT_TYPES: Record<DownloadFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  geojson: 'application/geo+json; charset=utf-8',
};

/** Reads a query's rows by cursor, one batch at a time, and yields each batch rendered as one text chunk. */
async function* render<T>(
  pool: ClientSource,
  db: Db,
  query: RawBuilder<T>,
  head: string,
  line: (r: T, first: boolean) => string,
  tail: string,
): AsyncGenerator<string> {
  // the cursor is declared before the first byte goes out, so a bad query still fails as an HTTP error
  const snap = await ReadSnapshot.open(pool, db);
  let first = true;
  try {
    const batches = snap.batches(query);
    const firstBatch = await batches.next();
    yield head;
    const rest = async function* () {
      if (!firstBatch.done) yield firstBatch.value;
      yield* batches;
    };
    for await (const batch of rest()) {
      let chunk = '';
      for (const r of batch) {
        chunk += line(r, first);
        first = false;
      }
      yield chunk;
    }
  } finally {
    await snap.close();
  }
  yield tail;
}

function geojsonDocument<T>(
  pool: ClientSource,
  db: Db,
  query: RawBuilder<T>,
  feature: (r: T) => unknown,
  meta: Record<string, unknown> = {},
): AsyncGenerator<string> {
  const head = `{"type":"FeatureCollection",${Object.entries(meta)
    .map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)},`)
    .join('')}"features":[\n`;
  return render(pool, db, query, head, (r, first) => `${first ? '' : ',\n'}${JSON.stringify(feature(r))}`, '\n]}\n');
}

// ---- occurrences -------------------------------------------------------------------------------
/** Columns of the occurrence CSV: the Darwin Core terms biomon's template and API use, then the platform's. */
export const OCCURRENCE_CSV_COLUMNS = [
  'occurrenceID',
  'eventID',
  'basisOfRecord',
  'scientificName',
  'vernacularName',
  'taxonRank',
  'eventDate',
  'decimalLatitude',
  'decimalLongitude',
  'geodeticDatum',
  'coordinateUncertaintyInMeters',
  'individualCount',
  'organismQuantity',
  'organismQuantityType',
  'occurrenceStatus',
  'recordedBy',
  'identifiedBy',
  'samplingProtocol',
  'locality',
  'associatedMedia',
  'occurrenceRemarks',
  'identificationVerificationStatus',
  'dataGeneralizations',
  'informationWithheld',
] as const;
const OCC_EXTRA = ['acceptedName', 'chineseName', 'protectionClass', 'regionCodes', 'priorityArea', 'flags', 'generalised'];

function occurrenceCsvRow(r: OccurrenceOut): string {
  const b = (r.record.biomon ?? {}) as {
    taxon?: { acceptedName?: string; chineseName?: string; protectionClass?: string } | null;
    regionCodes?: string[];
    priorityArea?: string | null;
    flags?: string[];
  };
  return csvLine([
    ...OCCURRENCE_CSV_COLUMNS.map((k) =>
      !r.generalised && k === 'decimalLatitude' ? r.lat : !r.generalised && k === 'decimalLongitude' ? r.lon : r.record[k],
    ),
    b.taxon?.acceptedName,
    b.taxon?.chineseName,
    b.taxon?.protectionClass,
    (b.regionCodes ?? []).join(';'),
    b.priorityArea,
    (b.flags ?? []).join(';'),
    r.generalised,
  ]);
}

export function occurrencesDownload(pool: ClientSource, db: Db, filter: OccurrenceFilter, viewer: Viewer, format: DownloadFormat): AsyncGenerator<string> {
  const q = occurrenceReadSql(viewer, filter);
  if (format === 'csv') return render(pool, db, q, UTF8_BOM + csvLine([...OCCURRENCE_CSV_COLUMNS, ...OCC_EXTRA]), (r) => occurrenceCsvRow(r), '');
  return geojsonDocument(pool, db, q, (r) => ({
    type: 'Feature',
    id: String(r.record.occurrenceID),
    geometry: { type: 'Point', coordinates: [r.lon, r.lat] },
    properties: { ...r.record, generalised: r.generalised },
  }));
}

// ---- station observations ------------------------------------------------------------------------
const resultOf = (r: ObservationRow): unknown => (r.result_number !== null ? r.result_number : r.result_json);

export function observationsDownload(pool: ClientSource, db: Db, scope: ObservationScope, viewer: Viewer, format: DownloadFormat): AsyncGenerator<string> {
  const q = observationSql(scope, viewer);
  if (format === 'csv') {
    return render(
      pool,
      db,
      q,
      UTF8_BOM + csvLine(['stationId', 'datastreamId', 'observedProperty', 'unit', 'phenomenonTime', 'result']),
      (r) => csvLine([r.station_id, r.datastream_id, r.observed_property, r.unit, r.phenomenon_time.toISOString(), resultOf(r)]),
      '',
    );
  }
  return geojsonDocument(pool, db, q, (r) => ({
    type: 'Feature',
    geometry: { type: 'Point', coordinates: [r.lon, r.lat] },
    properties: {
      stationId: r.station_id,
      datastreamId: r.datastream_id,
      observedProperty: r.observed_property,
      unit: r.unit,
      phenomenonTime: r.phenomenon_time.toISOString(),
      result: resultOf(r),
    },
  }));
}

// ---- layer datasets --------------------------------------------------------------------------------
const LAYER_TABLES: Record<string, string> = {
  regions: 'regions',
  'protected-areas': 'protected_areas',
  'land-cover': 'land_cover',
  'grassland-plots': 'grassland_plots',
  ecosystems: 'ecosystems',
};

export async function layerDownload(
  pool: ClientSource,
  db: Db,
  datasetId: number,
  format: DownloadFormat,
): Promise<{ kind: string; year: number; body: AsyncGenerator<string> }> {
  const ds = await findDownloadDataset(db, datasetId);
  if (!ds) throw new AppError('NOT_FOUND', `No layer dataset ${datasetId}`);
  const table = LAYER_TABLES[ds.kind];
  if (!table) throw new AppError('NOT_FOUND', `Layer dataset ${datasetId} has no downloadable kind`);
  const q = layerFeatureSql(table, datasetId, format);
  if (format === 'geojson') {
    return {
      kind: ds.kind,
      year: ds.vintage_year,
      body: geojsonDocument(pool, db, q, (r) => ({ type: 'Feature', id: r.id, geometry: JSON.parse(r.geojson), properties: r.properties }), {
        name: `${ds.kind} ${ds.vintage_year} (dataset ${ds.id})`,
      }),
    };
  }
  const keys = await layerPropertyKeys(db, table, datasetId);
  return {
    kind: ds.kind,
    year: ds.vintage_year,
    body: render(pool, db, q, UTF8_BOM + csvLine(['featureId', ...keys, 'wkt']), (r) => csvLine([r.id, ...keys.map((k) => r.properties[k]), r.wkt]), ''),
  };
}

// ---- indicator results -----------------------------------------------------------------------------
export function indicatorResultsDownload(pool: ClientSource, db: Db, q: { from?: Date; to?: Date }, format: DownloadFormat): AsyncGenerator<string> {
  const query = indicatorSql(q);
  if (format === 'csv') {
    return render(
      pool,
      db,
      query,
      UTF8_BOM +
        csvLine(['indicator', 'regionCode', 'regionName', 'year', 'value', 'numerator', 'denominator', 'unit', 'reason', 'runId', 'computedAt', 'variant']),
      (r: IndicatorRow) =>
        csvLine([r.indicator, r.region_code, r.region_name, r.year, r.value, r.numerator, r.denominator, r.unit, r.reason, r.run_id, r.computed_at, r.variant]),
      '',
    );
  }
  return geojsonDocument(pool, db, query, indicatorFeature);
}
