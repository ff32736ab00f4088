import { sql, type Kysely } from 'kysely';

// Frozen. A station push begins in one round trip instead of three (issue 17).
//
// A push (stations/observation-ingest.service.ts writeObservations) used to send, each as its own
// statement: the writers' lock of its datastreams (pg_advisory_xact_lock of
// hashtextextended('biomon:datastream:' || id, 0), the key 0019's delete trigger also takes), the
// newest stored time of each datastream (which rows may go by COPY), and, after the rows, the
// datastreams' last-received time. biomon_begin_push does the three in that order: the lock first,
// in sorted key order (no deadlock between pushes that share datastreams); then the last-received
// time (now() is the transaction's start, so it is the same value as at the end); then the newest
// times. A VOLATILE PL/pgSQL function takes a fresh snapshot for each statement it runs, so in READ
// COMMITTED the newest times are read after the locks were granted and see every writer waited for —
// the reason they were a statement of their own before.

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE FUNCTION biomon_begin_push(pks bigint[]) RETURNS TABLE (pk bigint, newest text)
    LANGUAGE plpgsql VOLATILE AS $$
    BEGIN
      PERFORM pg_advisory_xact_lock(h)
      FROM (SELECT DISTINCT hashtextextended('biomon:datastream:' || d, 0) AS h FROM unnest(pks) d ORDER BY h) s;
      UPDATE datastreams SET last_received_at = now() WHERE id = ANY(pks);
      RETURN QUERY
        SELECT d, to_char(x.m AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')
        FROM unnest(pks) d, LATERAL (SELECT max(o.phenomenon_time) AS m FROM observations o WHERE o.datastream_pk = d) x
        WHERE x.m IS NOT NULL;
    END $$`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP FUNCTION biomon_begin_push(bigint[])`.execute(db);
}
