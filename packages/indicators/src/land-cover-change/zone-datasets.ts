import type { DbOrTx } from '@biomon/db';
import type { FieldError } from '@biomon/core';
import { datasetOfKind, newestDataset, type DatasetRef } from './land-cover-change.repository';

/**
 * The regions and protected-areas versions a change is measured in, for a vector or a raster pair
 * alike: the ones named, else the newest regions version and the newest protected-areas version of
 * a vintage up to the `to` year (the newest of all when none is that old). A named version that does
 * not exist is an error in `errors` (field, code), and null here.
 */
export async function zoneDatasets(
  db: DbOrTx,
  q: { regionsDatasetId?: number; paDatasetId?: number },
  toYear: number | null,
  errors: FieldError[],
): Promise<{ regions: DatasetRef | null; pas: DatasetRef | null }> {
  const regions = q.regionsDatasetId ? await datasetOfKind(db, 'regions', q.regionsDatasetId) : await newestDataset(db, 'regions');
  if (q.regionsDatasetId && !regions) errors.push({ field: 'regionsDatasetId', code: 'DATASET_UNKNOWN', message: `No regions dataset ${q.regionsDatasetId}` });
  const pas = q.paDatasetId
    ? await datasetOfKind(db, 'protected-areas', q.paDatasetId)
    : ((toYear !== null ? await newestDataset(db, 'protected-areas', toYear) : null) ?? (await newestDataset(db, 'protected-areas')));
  if (q.paDatasetId && !pas) errors.push({ field: 'paDatasetId', code: 'DATASET_UNKNOWN', message: `No protected-areas dataset ${q.paDatasetId}` });
  return { regions: regions ?? null, pas: pas ?? null };
}
