import { Type } from '@fastify/type-provider-typebox';
import { AnyJson, DateTime, Feature, JsonObject, Loose, Nullable, Open, errorResponses, fileResponse, ref } from '@biomon/http';

/** Answers of the open-data routes: Darwin Core Archive exports, OGC API – Features, vector tiles. */

export const ExportAccepted = Type.Object({
  exportId: Type.String(),
  status: Type.String(),
  generalised: Type.Boolean({ description: 'sensitive taxa generalised (the requester is below evaluator); fixed at request time' }),
  links: Type.Object({ self: Type.String() }),
});

export const Export = Type.Object(
  {
    exportId: Type.String(),
    kind: Type.String({ description: 'dwca' }),
    status: Type.String({ description: 'queued, running, completed or failed' }),
    core: Nullable(Type.String({ description: 'event or occurrence, once built' })),
    generalised: Type.Boolean(),
    requesterRole: Type.String(),
    filters: Loose(JsonObject({ description: 'the filters of GET /v1/occurrences it was asked with' })),
    counts: Loose(JsonObject({ description: 'rows written per file, timings (open-ended)' })),
    sizeBytes: Nullable(Type.Integer()),
    sha256: Nullable(Type.String()),
    error: AnyJson({ description: 'why the export failed; null otherwise' }),
    createdAt: DateTime(),
    startedAt: Nullable(DateTime()),
    finishedAt: Nullable(DateTime()),
    links: Type.Object({ self: Type.String(), download: Nullable(Type.String({ description: 'once completed' })) }),
  },
  { $id: 'Export' },
);

// ---- OGC API – Features (documents are open: members beyond these are the standard's optional ones)

export const OgcLink = Open(
  { href: Type.String(), rel: Type.String(), type: Type.Optional(Type.String()), title: Type.Optional(Type.String()) },
  { $id: 'OgcLink' },
);

export const OgcLandingPage = Open({ title: Type.String(), description: Type.String(), links: Type.Array(ref(OgcLink)) });

export const OgcConformance = Type.Object({ conformsTo: Type.Array(Type.String()) });

export const OgcCollection = Open(
  {
    id: Type.String(),
    title: Type.String(),
    description: Type.Optional(Type.String()),
    itemType: Type.Optional(Type.String()),
    crs: Type.Optional(Type.Array(Type.String())),
    storageCrs: Type.Optional(Type.String()),
    extent: Type.Optional(Loose(JsonObject({ description: '{ spatial: { bbox, crs }, temporal: { interval, trs } } of what the caller may see' }))),
    links: Type.Array(ref(OgcLink)),
  },
  { $id: 'OgcCollection' },
);

export const OgcCollections = Open({ links: Type.Array(ref(OgcLink)), collections: Type.Array(ref(OgcCollection)) });

const OgcFeature = Feature(JsonObject({ description: "the feature's properties (an occurrence, event, station, layer feature or indicator result)" }));

export const OgcItems = Open({
  type: Type.String({ description: 'FeatureCollection' }),
  timeStamp: Type.String(),
  numberMatched: Type.Optional(Type.Integer()),
  numberReturned: Type.Integer(),
  features: Loose(Type.Array(OgcFeature)),
  links: Type.Array(ref(OgcLink)),
});

export const OgcItem = Loose(Open({ ...OgcFeature.properties, links: Type.Array(ref(OgcLink)) }));

// ---- vector tiles

export const TileLayers = Type.Object({
  layers: Type.Array(
    Type.Object({
      id: Type.String(),
      tilejson: Type.String({ description: 'URL of its TileJSON' }),
      tiles: Type.String({ description: 'URL template {z}/{x}/{y}.mvt' }),
    }),
  ),
});

export const TileJson = Open(
  {
    tilejson: Type.String({ description: '3.0.0' }),
    name: Type.Optional(Type.String()),
    description: Type.Optional(Type.String()),
    version: Type.Optional(Type.String()),
    attribution: Type.Optional(Type.String()),
    scheme: Type.Optional(Type.String()),
    tiles: Type.Array(Type.String()),
    minzoom: Type.Optional(Type.Integer()),
    maxzoom: Type.Optional(Type.Integer()),
    bounds: Type.Optional(Type.Array(Type.Number())),
    center: Type.Optional(Type.Array(Type.Number())),
    vector_layers: Type.Optional(
      Loose(
        Type.Array(
          Open({
            id: Type.String(),
            description: Type.Optional(Type.String()),
            minzoom: Type.Optional(Type.Integer()),
            maxzoom: Type.Optional(Type.Integer()),
            fields: Type.Optional(Type.Record(Type.String(), Type.String())),
          }),
        ),
      ),
    ),
  },
  { description: 'TileJSON 3.0' },
);

export const OPENDATA_SCHEMAS = [Export, OgcLink, OgcCollection];

/** The streamed downloads: CSV (UTF-8 with BOM) or GeoJSON, by ?format=. */
export const DOWNLOAD_RESPONSE = {
  200: fileResponse('CSV (UTF-8 with BOM, for Excel) or a GeoJSON FeatureCollection (format=geojson), streamed', ['text/csv', 'application/geo+json']),
  ...errorResponses,
};
