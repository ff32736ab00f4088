import { Type } from '@fastify/type-provider-typebox';
import { DateTime, JsonObject, Nullable, ref } from '@biomon/http';

/** Answers of the station routes (SensorThings Things and Datastreams, flattened). */

export const UnitOfMeasurement = Type.Object({
  symbol: Type.String(),
  name: Type.Optional(Type.String()),
  definition: Type.Optional(Type.String()),
});

export const Datastream = Type.Object(
  {
    datastreamId: Type.String(),
    name: Nullable(Type.String()),
    description: Nullable(Type.String()),
    observedProperty: Type.String(),
    unitOfMeasurement: UnitOfMeasurement,
    resultType: Type.String({ description: 'number, integer, boolean, string or json' }),
    validRange: Nullable(Type.Array(Nullable(Type.Number()), { description: '[min, max], null for an open end' })),
    expectedIntervalSeconds: Nullable(Type.Number({ description: 'fixed intervals in seconds; null for calendar intervals or none' })),
    expectedInterval: Nullable(Type.String({ description: 'ISO 8601 duration, e.g. PT10M or P1M' })),
    latest: Type.Optional(
      Nullable(
        Type.Object({
          phenomenonTime: Type.String(),
          result: Type.Unknown({ description: 'a number, boolean, string or JSON value, by resultType' }),
          receivedAt: Type.String(),
        }),
      ),
    ),
  },
  { $id: 'Datastream' },
);

export const Station = Type.Object(
  {
    stationId: Type.String(),
    name: Type.String(),
    description: Nullable(Type.String()),
    type: Type.String({ description: 'eco_station, camera_trap, acoustic, hydrological, weather or other' }),
    location: Type.Object({
      type: Type.Literal('Point'),
      coordinates: Type.Array(Type.Number(), { description: '[lon, lat] or [lon, lat, elevation] (WGS84)' }),
    }),
    generalised: Type.Optional(Type.Boolean({ description: 'a camera trap shown at the centre of its 10 km cell to this caller' })),
    dataGeneralizations: Type.Optional(Type.String()),
    informationWithheld: Type.Optional(Type.String()),
    priorityArea: Nullable(Type.String()),
    department: Nullable(Type.String()),
    timeZone: Type.String(),
    properties: JsonObject(),
    createdAt: DateTime(),
    updatedAt: DateTime(),
    lastSeenAt: Nullable(DateTime({ description: 'the last time anything was pushed to one of its datastreams' })),
    datastreams: Type.Array(ref(Datastream)),
  },
  { $id: 'Station' },
);

export const StationWithToken = Type.Object({
  station: ref(Station),
  token: Nullable(Type.String({ description: "the station's token, shown this once" })),
});

export const RotatedToken = Type.Object({
  stationId: Type.String(),
  token: Type.String({ description: 'shown this once' }),
  revoked: Type.Integer({ description: 'live tokens revoked' }),
});

export const StationList = Type.Object({ stations: Type.Array(ref(Station)), nextCursor: Nullable(Type.String()) });

export const Gap = Type.Object({
  from: Type.String({ description: 'the last observation before the gap (the window start when the gap opens the window)' }),
  to: Type.String({ description: 'the next observation (the window end when the gap is still open)' }),
  missingSlots: Type.Integer(),
  atWindowStart: Type.Boolean(),
  ongoing: Type.Boolean(),
});

export const DatastreamHealth = Type.Object({
  datastreamId: Type.String(),
  observedProperty: Type.String(),
  expectedIntervalSeconds: Nullable(Type.Number()),
  expectedInterval: Nullable(Type.String()),
  lastPhenomenonTime: Nullable(Type.String()),
  lastReceivedAt: Nullable(Type.String()),
  observations: Type.Integer(),
  expectedSlots: Nullable(Type.Integer()),
  observedSlots: Nullable(Type.Integer()),
  completenessPct: Nullable(Type.Number()),
  gapCount: Nullable(Type.Integer()),
  gaps: Nullable(Type.Array(Gap)),
  status: Type.String({ description: 'ok, late, no_data or no_schedule' }),
});

export const StationHealth = Type.Object(
  {
    stationId: Type.String(),
    window: Type.Object({ from: Type.String(), to: Type.String() }),
    lastSeenAt: Nullable(Type.String()),
    lastPhenomenonTime: Nullable(Type.String()),
    expectedSlots: Type.Integer(),
    observedSlots: Type.Integer(),
    completenessPct: Nullable(Type.Number()),
    gapCount: Type.Integer(),
    datastreams: Type.Array(DatastreamHealth),
  },
  { $id: 'StationHealth' },
);

export const ObservationPage = Type.Object(
  {
    datastreamId: Type.String(),
    stationId: Type.String(),
    resultType: Type.String(),
    unitOfMeasurement: UnitOfMeasurement,
    from: Nullable(Type.String()),
    to: Nullable(Type.String()),
    interval: Nullable(Type.String({ description: 'ISO 8601 duration of the buckets; null for raw observations' })),
    agg: Nullable(Type.String()),
    observations: Type.Optional(
      Type.Array(Type.Object({ phenomenonTime: Type.String(), result: Type.Unknown(), receivedAt: Type.String() }), {
        description: 'raw observations (without interval)',
      }),
    ),
    buckets: Type.Optional(
      Type.Array(Type.Object({ time: Type.String(), value: Nullable(Type.Number()), count: Type.Integer() }), {
        description: 'one value per non-empty bucket (with interval)',
      }),
    ),
    nextCursor: Nullable(Type.String()),
  },
  { $id: 'ObservationPage' },
);

export const STATION_SCHEMAS = [Datastream, Station, StationHealth, ObservationPage];
