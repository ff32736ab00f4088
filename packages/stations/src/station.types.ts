import type { FieldError } from '@biomon/core';

export const STATION_TYPES = ['eco_station', 'camera_trap', 'acoustic', 'hydrological', 'weather', 'other'] as const;
export type StationType = (typeof STATION_TYPES)[number];

export const RESULT_TYPES = ['number', 'integer', 'boolean', 'string', 'json'] as const;
export type ResultType = (typeof RESULT_TYPES)[number];

export interface UnitOfMeasurement {
  symbol: string;
  name?: string;
  definition?: string;
}

/** A datastream as the API returns it (SensorThings Datastream, flattened). */
export interface DatastreamOut {
  datastreamId: string;
  name: string | null;
  description: string | null;
  observedProperty: string;
  unitOfMeasurement: UnitOfMeasurement;
  resultType: ResultType;
  validRange: [number | null, number | null] | null;
  /** Fixed-length intervals in seconds; null for calendar intervals (months, years, days) or none. */
  expectedIntervalSeconds: number | null;
  /** ISO 8601 duration, e.g. PT10M or P1M; null when the datastream has no schedule. */
  expectedInterval: string | null;
  latest?: { phenomenonTime: string; result: unknown; receivedAt: string } | null;
}

export interface StationOut {
  stationId: string;
  name: string;
  description: string | null;
  type: StationType;
  location: { type: 'Point'; coordinates: number[] };
  /** a camera trap shown at its cell centre to this caller (BRIEF §8) */
  generalised?: boolean;
  dataGeneralizations?: string;
  informationWithheld?: string;
  priorityArea: string | null;
  department: string | null;
  timeZone: string;
  properties: Record<string, unknown>;
  createdAt: string;
  updatedAt: string;
  /** The last time anything was pushed to any of its datastreams. */
  lastSeenAt: string | null;
  datastreams: DatastreamOut[];
}

/** BRIEF §9, for station pushes: rejections and warnings name the datastream and the index in it. */
export interface ObservationRejection {
  datastreamId?: string;
  index: number;
  errors: FieldError[];
}

export interface ObservationWarning {
  datastreamId?: string;
  index: number;
  flags: string[];
  notes?: Record<string, string>;
}

export interface ObservationBatchResult {
  inserted: number;
  updated: number;
  unchanged: number;
  rejected: ObservationRejection[];
  warnings: ObservationWarning[];
}
