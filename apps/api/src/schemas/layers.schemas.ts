import { Type } from '@fastify/type-provider-typebox';
import { DateTime, Feature, JsonObject, Loose, Nullable, Open, ref } from '@biomon/http';

/** Answers of the layer routes: dataset versions, their import reports and features. */

const layerFields = {
  datasetId: Type.Integer(),
  kind: Type.String({ description: 'regions, protected-areas, land-cover, grassland-plots or ecosystems' }),
  year: Type.Integer({ description: 'vintage year' }),
  source: Type.String(),
  name: Type.String(),
  crs: Type.String({ description: 'the CRS the upload was in (stored as WGS84)' }),
  features: Type.Integer(),
  createdAt: DateTime(),
};

export const LayerDataset = Type.Object(layerFields, { $id: 'LayerDataset' });

export const LayerDatasetList = Type.Object({ datasets: Type.Array(ref(LayerDataset)) });

const Repair = Open({
  index: Type.Integer(),
  reason: Type.String(),
  areaChangePct: Nullable(Type.Number()),
  areaBeforeM2: Nullable(Type.Number()),
  areaAfterM2: Nullable(Type.Number()),
});
const Rejection = Open({ index: Type.Integer(), field: Type.Optional(Type.String()), reason: Type.String() });
// as stored with the dataset (jsonb): typed loosely by the routes
const importReport = {
  repaired: Loose(Type.Array(Repair, { description: 'features whose geometry was repaired (ST_MakeValid), with the change of area' })),
  rejected: Loose(Type.Array(Rejection, { description: 'features that were not stored' })),
  warnings: Loose(Type.Array(Type.Unknown())),
};

export const LayerDatasetDetail = Type.Object({ ...layerFields, contentHash: Nullable(Type.String()), ...importReport });

export const LayerImported = Type.Object({
  datasetId: Type.Integer(),
  kind: Type.String(),
  year: Type.Integer(),
  features: Type.Integer({ description: 'features stored' }),
  ...importReport,
});

export const LayerFeatureCollection = Open({
  type: Type.String({ description: 'FeatureCollection' }),
  datasetId: Type.Integer(),
  kind: Type.String(),
  features: Type.Array(Feature(JsonObject())),
});

export const LAYER_SCHEMAS = [LayerDataset];
