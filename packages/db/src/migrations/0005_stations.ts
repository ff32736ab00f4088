import { sql, type Kysely } from 'kysely';

// Frozen. Station ingest, after OGC SensorThings: Thing (stations) → Datastream (datastreams) →
// Observation (observations), with the history of changed values.
//
// observations is the hot table. It is built for range partitioning on phenomenon_time:
// - its key is the natural idempotency key (datastream_pk, phenomenon_time), which contains the
//   partition column, as PostgreSQL requires of a unique key on a partitioned table;
// - it has no serial id, no secondary index, no trigger, and no row references it;
// - the only foreign key points outwards (to datastreams), which partitioned tables support.
// When the table grows past what one heap should hold (≈ 10^9 rows), a later migration converts it:
//   CREATE TABLE observations_p (LIKE observations INCLUDING ALL) PARTITION BY RANGE (phenomenon_time);
//   CREATE TABLE observations_p_2026 PARTITION OF observations_p FOR VALUES FROM ('2026-01-01Z') TO ('2027-01-01Z'); …
//   CREATE TABLE observations_p_default PARTITION OF observations_p DEFAULT;
//   INSERT INTO observations_p SELECT * FROM observations; (or ATTACH the old table as one partition)
// and the ingest statement (INSERT … ON CONFLICT (datastream_pk, phenomenon_time)) works unchanged.
// On Citus, observations and observation_history are distributed by datastream_pk.

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE stations (
      id             bigserial PRIMARY KEY,
      station_id     text NOT NULL UNIQUE CHECK (station_id ~ '^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$'),
      name           text NOT NULL,
      description    text,
      type           text NOT NULL CHECK (type IN ('eco_station', 'camera_trap', 'acoustic', 'hydrological', 'weather', 'other')),
      location       geometry(Point, 4326) NOT NULL,
      elevation_m    double precision,
      priority_area  text,
      -- the responsible department as given (e.g. 省气象局, which the ledger does not list), and its
      -- row in departments when one has exactly that name
      department     text,
      department_id  integer REFERENCES departments(id),
      -- IANA zone for calendar arithmetic (month and day slots, aggregation buckets); fixed-length
      -- intervals do not depend on it
      time_zone      text NOT NULL DEFAULT 'Asia/Shanghai',
      properties     jsonb NOT NULL DEFAULT '{}',
      created_at     timestamptz NOT NULL DEFAULT now(),
      updated_at     timestamptz NOT NULL DEFAULT now(),
      created_by     uuid
    )`.execute(db);
  await sql`CREATE INDEX stations_location_idx ON stations USING gist (location)`.execute(db);
  await sql`CREATE INDEX stations_department_idx ON stations (department_id)`.execute(db);
  await sql`CREATE INDEX stations_priority_area_idx ON stations (priority_area)`.execute(db);

  await sql`
    CREATE TABLE datastreams (
      id                 bigserial PRIMARY KEY,
      datastream_id      text NOT NULL UNIQUE CHECK (datastream_id ~ '^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$'),
      station_pk         bigint NOT NULL REFERENCES stations(id) ON DELETE CASCADE,
      name               text,
      description        text,
      observed_property  text NOT NULL,
      -- SensorThings unitOfMeasurement: { symbol, name?, definition? }
      unit               jsonb NOT NULL CHECK (jsonb_typeof(unit) = 'object' AND unit ? 'symbol'),
      result_type        text NOT NULL CHECK (result_type IN ('number', 'integer', 'boolean', 'string', 'json')),
      valid_min          double precision,
      valid_max          double precision,
      -- An interval, not seconds, so that a calendar month ('1 mon', ISO P1M: the monthly CO2
      -- series) or a calendar day is exact. Fixed intervals are stored as time ('00:10:00').
      expected_interval  interval CHECK (expected_interval > interval '0'),
      -- last time anything was pushed to it (maintained once per push, not per row)
      last_received_at   timestamptz,
      created_at         timestamptz NOT NULL DEFAULT now(),
      updated_at         timestamptz NOT NULL DEFAULT now(),
      CHECK (valid_min IS NULL OR valid_max IS NULL OR valid_min <= valid_max),
      CHECK (result_type IN ('number', 'integer') OR (valid_min IS NULL AND valid_max IS NULL))
    )`.execute(db);
  await sql`CREATE INDEX datastreams_station_idx ON datastreams (station_pk)`.execute(db);

  // Numbers (number, integer) in result_number, so aggregation runs on float8; every other result
  // type (boolean, string, json) in result_json. Exactly one of the two is set.
  await sql`
    CREATE TABLE observations (
      datastream_pk    bigint NOT NULL REFERENCES datastreams(id) ON DELETE CASCADE,
      phenomenon_time  timestamptz NOT NULL,
      result_number    double precision,
      result_json      jsonb,
      received_at      timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (datastream_pk, phenomenon_time),
      CHECK (num_nonnulls(result_number, result_json) = 1)
    )`.execute(db);

  // A value replaced by a different one for the same (datastream, time): the previous value, when
  // it had been received, and which push replaced it. Append-only by use.
  await sql`
    CREATE TABLE observation_history (
      datastream_pk    bigint NOT NULL REFERENCES datastreams(id) ON DELETE CASCADE,
      phenomenon_time  timestamptz NOT NULL,
      result_number    double precision,
      result_json      jsonb,
      received_at      timestamptz NOT NULL,
      superseded_at    timestamptz NOT NULL DEFAULT now(),
      superseded_by    uuid
    )`.execute(db);
  await sql`CREATE INDEX observation_history_key_idx ON observation_history (datastream_pk, phenomenon_time, superseded_at)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['observation_history', 'observations', 'datastreams', 'stations']) {
    await sql`DROP TABLE IF EXISTS ${sql.table(t)} CASCADE`.execute(db);
  }
}
