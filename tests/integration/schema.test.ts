import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { createTestDatabase, type TestDatabase } from '../support/test-db';

// Reads the catalogue of the migrated schema (STYLE.md: a schema test that fails when a geometry
// column lacks SRID or GiST, or a foreign key lacks an index).
let database: TestDatabase;
let client: pg.Client;

beforeAll(async () => {
  database = await createTestDatabase();
  client = new pg.Client({ connectionString: database.url });
  await client.connect();
});
afterAll(async () => {
  await client.end();
  await database.drop();
});

describe('schema', () => {
  it('has PostGIS enabled by migration', async () => {
    const r = await client.query(`SELECT extversion FROM pg_extension WHERE extname = 'postgis'`);
    expect(r.rows[0]?.extversion).toMatch(/^3\./);
  });

  it('types every geometry column with SRID 4326 and a concrete geometry type', async () => {
    const r = await client.query<{ t: string; c: string; srid: number; type: string }>(
      `SELECT f_table_name AS t, f_geometry_column AS c, srid, type FROM geometry_columns WHERE f_table_schema = 'public'`,
    );
    expect(r.rows.length).toBeGreaterThanOrEqual(5);
    // survey_events.footprint holds a transect line, plot polygon or trap point (footprintWKT): mixed by design.
    const MIXED_BY_DESIGN = new Set(['survey_events.footprint']);
    const bad = r.rows.filter((x) => x.srid !== 4326 || (x.type === 'GEOMETRY' && !MIXED_BY_DESIGN.has(`${x.t}.${x.c}`)));
    expect(bad).toEqual([]);
  });

  it('has a GiST index on every geometry column', async () => {
    const r = await client.query<{ t: string; c: string }>(`
      SELECT gc.f_table_name AS t, gc.f_geometry_column AS c
      FROM geometry_columns gc
      WHERE gc.f_table_schema = 'public' AND NOT EXISTS (
        SELECT 1 FROM pg_index i
        JOIN pg_class ic ON ic.oid = i.indexrelid
        JOIN pg_am am ON am.oid = ic.relam
        JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]
        WHERE i.indrelid = (quote_ident(gc.f_table_name))::regclass AND am.amname = 'gist' AND a.attname = gc.f_geometry_column)`);
    expect(r.rows).toEqual([]);
  });

  it('has an index led by the columns of every foreign key', async () => {
    const r = await client.query<{ table: string; fk: string }>(`
      SELECT c.conrelid::regclass::text AS table, c.conname AS fk
      FROM pg_constraint c
      WHERE c.contype = 'f' AND c.connamespace = 'public'::regnamespace AND NOT EXISTS (
        SELECT 1 FROM pg_index i
        WHERE i.indrelid = c.conrelid
          AND (i.indkey::int2[])[0:cardinality(c.conkey) - 1] @> c.conkey
          AND (i.indkey::int2[])[0:cardinality(c.conkey) - 1] <@ c.conkey)`);
    expect(r.rows).toEqual([]);
  });

  it("checks an observation's datastream once per statement, and deleting a datastream deletes its observations", async () => {
    const st = await client.query<{ id: string }>(
      `INSERT INTO stations (station_id, name, type, location) VALUES ('fk-check', 'fk', 'weather', ST_SetSRID(ST_MakePoint(126, 43), 4326)) RETURNING id`,
    );
    const ds = await client.query<{ id: string }>(
      `INSERT INTO datastreams (datastream_id, station_pk, name, observed_property, unit, result_type)
       VALUES ('fk-a', $1, 'a', 'air_temperature', '{"symbol":"°C"}', 'number'), ('fk-b', $1, 'b', 'air_temperature', '{"symbol":"°C"}', 'number') RETURNING id`,
      [st.rows[0].id],
    );
    const [a, b] = ds.rows.map((r) => Number(r.id));
    const missing = b + 1000;
    const insert = (pks: number[]) =>
      client.query(
        `INSERT INTO observations (datastream_pk, phenomenon_time, result_number)
         SELECT pk, timestamptz '2024-01-01' + i * interval '1 minute', i FROM unnest($1::bigint[]) WITH ORDINALITY AS x(pk, i)`,
        [pks],
      );
    // one unknown datastream among valid ones refuses the whole statement, as the foreign key did
    await expect(insert([a, b, missing])).rejects.toMatchObject({ code: '23503', column: 'datastream_pk' });
    await expect(client.query(`UPDATE observations SET datastream_pk = $1`, [missing])).resolves.toBeDefined(); // no rows yet
    await insert([a, a, b]);
    const count = async (pk: number) => Number((await client.query(`SELECT count(*) FROM observations WHERE datastream_pk = $1`, [pk])).rows[0].count);
    expect([await count(a), await count(b)]).toEqual([2, 1]);
    await expect(client.query(`UPDATE observations SET datastream_pk = $1 WHERE datastream_pk = $2`, [missing, b])).rejects.toMatchObject({ code: '23503' });
    await expect(client.query(`UPDATE datastreams SET id = $1 WHERE id = $2`, [missing, a])).rejects.toMatchObject({ code: '23503' });
    await client.query(`DELETE FROM datastreams WHERE id = $1`, [a]);
    expect([await count(a), await count(b)]).toEqual([0, 1]);
  });

  it('keeps the audit log append-only', async () => {
    await client.query(`INSERT INTO audit_log (role, action, entity) VALUES ('system', 'test', 'x')`);
    await expect(client.query(`UPDATE audit_log SET action = 'changed'`)).rejects.toThrow(/append-only/);
    await expect(client.query(`DELETE FROM audit_log`)).rejects.toThrow(/append-only/);
  });
});
