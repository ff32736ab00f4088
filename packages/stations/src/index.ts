export {
  STATION_TYPES,
  RESULT_TYPES,
  type StationType,
  type ResultType,
  type StationOut,
  type DatastreamOut,
  type UnitOfMeasurement,
  type ObservationBatchResult,
  type ObservationRejection,
  type ObservationWarning,
} from './station.types';
export { ID_PATTERN, MAX_DATASTREAMS_PER_STATION } from './station-input';
export {
  registerStation,
  updateStation,
  rotateStationToken,
  readStation,
  readStations,
  findReadableStation,
  assertMayRead,
  stationOfDatastream,
  observationStationScope,
  occurrencePostingLimits,
  type StationListQuery,
} from './station.service';
export {
  ingestObservations,
  ingestDataArrayPush,
  ingestNdjsonPush,
  readDataArrayPush,
  readNdjsonPush,
  assertMayPush,
  readStationAhead,
  MAX_OBSERVATIONS_PER_PUSH,
  MAX_DATASTREAMS_PER_PUSH,
  COPY_MIN_ROWS,
  type PushOptions,
  type WritePaths,
  type StationRules,
  type RawObservation,
} from './observation-ingest.service';
export { queryDatastreamObservations, AGGREGATES, MAX_QUERY_LIMIT, type ObservationQuery } from './observation-query.service';
export { stationHealth, HEALTH_WINDOW_DAYS, MAX_GAPS_LISTED, type DatastreamHealth, type Gap } from './station-health.service';
export { parsePhenomenonTime, parseTimeInto, FUTURE_TOLERANCE_MS, type TimeSlot } from './phenomenon-time';
export { parseIsoDuration, parseIntervalParam } from './interval';
export { seedDemoStations, DEMO_DAYS } from './demo-stations.seed';
