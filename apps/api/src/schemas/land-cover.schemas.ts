import { Type } from '@fastify/type-provider-typebox';
import { Nullable, ref } from '@biomon/http';

/** Answers of the land-cover change route (土地覆盖变化): transition matrices in hectares. */

const MatrixCell = Type.Object(
  {
    from: Type.String({ description: 'land-cover class in the older version' }),
    to: Type.String({ description: 'land-cover class in the newer version (from = to: unchanged)' }),
    areaHa: Type.Number({ description: 'hectares, on the WGS84 ellipsoid' }),
  },
  { $id: 'LandCoverTransition' },
);

const Version = Type.Object({ datasetId: Type.Integer(), year: Type.Integer() });

const Source = Type.Optional(
  Type.Literal('raster', { description: 'a pair of land-cover rasters (from/to datasetId are raster ids); absent for a pair of land-cover layer versions' }),
);

export const LandCoverChange = Type.Object(
  {
    source: Source,
    status: Type.Union([Type.Literal('completed'), Type.Literal('pending'), Type.Literal('failed')], {
      description: 'pending: a large pair is being computed by the worker; ask again',
    }),
    methodVersion: Type.String(),
    from: Version,
    to: Version,
    regionsDatasetId: Nullable(Type.Integer()),
    protectedAreasDatasetId: Nullable(Type.Integer({ description: 'counted protected areas (BRIEF §6) of this version, as of the newer year' })),
    computedAt: Nullable(Type.String()),
    error: Nullable(Type.String()),
    forestClasses: Type.Array(Type.String(), { description: 'the classes that count as forest (森林覆盖率)' }),
    classes: Type.Array(Type.Object({ code: Type.String(), nameZh: Type.String(), nameEn: Type.String() })),
    regions: Type.Array(
      Type.Object({
        code: Type.String(),
        name: Type.String(),
        nameEn: Nullable(Type.String()),
        level: Type.String(),
        matrix: Type.Array(ref(MatrixCell), { description: 'non-zero cells of the from × to matrix' }),
        insideProtectedAreas: Type.Array(ref(MatrixCell), { description: 'the same, inside the counted-PA union' }),
        forestLossHa: Type.Number(),
        forestGainHa: Type.Number(),
        forestLossInProtectedAreasHa: Type.Number(),
      }),
    ),
    protectedAreas: Type.Array(
      Type.Object({
        id: Type.String(),
        name: Type.String(),
        nameEn: Nullable(Type.String()),
        designation: Type.String(),
        matrix: Type.Array(ref(MatrixCell)),
        forestLossHa: Type.Number(),
        forestGainHa: Type.Number(),
      }),
    ),
  },
  { $id: 'LandCoverChange' },
);

export const LandCoverChangeAreas = Type.Object(
  {
    type: Type.Literal('FeatureCollection'),
    source: Source,
    status: Type.Union([Type.Literal('completed'), Type.Literal('pending'), Type.Literal('failed')]),
    from: Version,
    to: Version,
    truncated: Type.Boolean({ description: 'more pieces matched than limit' }),
    features: Type.Array(
      Type.Object({
        type: Type.Literal('Feature'),
        geometry: Type.Unsafe<unknown>({ type: 'object', description: 'GeoJSON MultiPolygon (WGS84)', additionalProperties: true }),
        properties: Type.Object({
          from: Type.String(),
          to: Type.String(),
          areaHa: Type.Number(),
          forestLoss: Type.Boolean({ description: 'forest (the classes forest_coverage counts) that became another class' }),
          fromZh: Type.String(),
          toZh: Type.String(),
        }),
      }),
    ),
  },
  { $id: 'LandCoverChangeAreas' },
);

export const LAND_COVER_SCHEMAS = [MatrixCell, LandCoverChange, LandCoverChangeAreas];
