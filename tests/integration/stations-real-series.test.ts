import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { parse } from 'csv-parse/sync';
import { createTestContext, type TestContext } from '../support/test-db';
import { authAs, buildTestServer } from '../support/http';
import { SHARED_DATA } from '../support/cli';

// The real series of ../shared/data/sensor-timeseries (SOURCES.md §5) through the API: register,
// push, then check counts, gaps and completeness. Their timestamps have no offset, so this test
// assigns fixed ones: −08:00 for the Seattle files (stations in zone Etc/GMT+8 = UTC−8, no DST),
// 00:00Z on the 1st for the monthly CO₂ series (zone UTC, expected interval P1M: a calendar month).
const DIR = path.join(SHARED_DATA, 'sensor-timeseries');
const csv = (f: string) => parse(readFileSync(path.join(DIR, f), 'utf8'), { columns: true, skip_empty_lines: true }) as Record<string, string>[];

let t: TestContext;
let app: FastifyInstance;
let admin: { authorization: string };

beforeAll(async () => {
  t = await createTestContext();
  app = await buildTestServer(t);
  admin = await authAs(t, 'admin');
});
afterAll(async () => {
  await app.close();
  await t.close();
});

async function register(body: Record<string, unknown>): Promise<{ authorization: string }> {
  const res = await app.inject({ method: 'POST', url: '/v1/stations', headers: admin, payload: { type: 'weather', ...body } });
  expect(res.statusCode, res.body).toBe(201);
  return { authorization: `Bearer ${res.json().token}` };
}
const num = (id: string, property: string, symbol: string, range: [number, number], interval: Record<string, unknown>) => ({
  datastreamId: id,
  observedProperty: property,
  unitOfMeasurement: { symbol },
  resultType: 'number',
  validRange: range,
  ...interval,
});
const health = async (id: string, from: string, to: string) => {
  const res = await app.inject({
    method: 'GET',
    url: `/v1/stations/${id}/health?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`,
    headers: admin,
  });
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
};

describe('seattle-weather.csv (daily, 2012–2015)', () => {
  const rows = csv('seattle-weather.csv');
  const COLS = ['precipitation', 'temp_max', 'temp_min', 'wind'] as const;

  it('imports 1,461 days × 5 datastreams with no gap', async () => {
    // 1,461 data rows (1,462 lines with the header) = 366 (2012) + 3 × 365 days: one row per day.
    expect(rows).toHaveLength(1461);
    expect(new Set(rows.map((r) => r.date)).size).toBe(1461);
    expect(rows[0].date).toBe('2012-01-01');
    expect(rows[1460].date).toBe('2015-12-31');
    const tok = await register({
      stationId: 'seattle-daily',
      name: 'Seattle daily weather (NOAA via vega-datasets)',
      timeZone: 'Etc/GMT+8',
      location: { type: 'Point', coordinates: [-122.3, 47.45] },
      datastreams: [
        num('sea-precipitation', 'precipitation', 'mm', [0, 500], { expectedIntervalSeconds: 86400 }),
        num('sea-temp_max', 'air_temperature_max', '°C', [-50, 60], { expectedIntervalSeconds: 86400 }),
        num('sea-temp_min', 'air_temperature_min', '°C', [-50, 60], { expectedIntervalSeconds: 86400 }),
        num('sea-wind', 'wind_speed', 'm/s', [0, 100], { expectedIntervalSeconds: 86400 }),
        { datastreamId: 'sea-weather', observedProperty: 'weather', unitOfMeasurement: { symbol: '' }, resultType: 'string', expectedInterval: 'P1D' },
      ],
    });
    const time = (d: string) => `${d}T00:00:00-08:00`;
    const res = await app.inject({
      method: 'POST',
      url: '/v1/stations/seattle-daily/observations',
      headers: tok,
      payload: {
        datastreams: [
          ...COLS.map((c) => ({
            datastreamId: `sea-${c}`,
            components: ['phenomenonTime', 'result'],
            dataArray: rows.map((r) => [time(r.date), Number(r[c])]),
          })),
          { datastreamId: 'sea-weather', components: ['phenomenonTime', 'result'], dataArray: rows.map((r) => [time(r.date), r.weather]) },
        ],
      },
    });
    expect(res.statusCode, res.body).toBe(200);
    // 5 datastreams × 1,461 = 7,305
    expect(res.json()).toEqual({ inserted: 7305, updated: 0, unchanged: 0, rejected: [], warnings: [] });

    const h = await health('seattle-daily', '2012-01-01T00:00:00-08:00', '2016-01-01T00:00:00-08:00');
    for (const d of h.datastreams)
      expect(d).toMatchObject({ observations: 1461, expectedSlots: 1461, observedSlots: 1461, completenessPct: 100, gapCount: 0, gaps: [] });
    expect(h).toMatchObject({
      expectedSlots: 5 * 1461,
      observedSlots: 5 * 1461,
      completenessPct: 100,
      gapCount: 0,
      lastPhenomenonTime: '2015-12-31T08:00:00.000Z',
    });
  });

  it('aggregates in SQL as the file says: monthly maxima of 2012, rows per year', async () => {
    const expected = new Map<string, number>();
    for (const r of rows.filter((x) => x.date.startsWith('2012'))) {
      const m = r.date.slice(0, 7);
      expected.set(m, Math.max(expected.get(m) ?? -Infinity, Number(r.temp_max)));
    }
    const res = (
      await app.inject({ method: 'GET', url: '/v1/datastreams/sea-temp_max/observations?interval=1mo&agg=max&from=2012-01-01&to=2013-01-01', headers: admin })
    ).json();
    // month buckets start at local midnight on the 1st (UTC−8 → 08:00Z)
    expect(res.buckets.map((b: { time: string; value: number }) => [b.time.slice(0, 7), b.value])).toEqual([...expected.entries()]);
    expect(res.buckets.every((b: { time: string }) => b.time.endsWith('T08:00:00.000Z'))).toBe(true);
    const years = (await app.inject({ method: 'GET', url: '/v1/datastreams/sea-weather/observations?interval=1y', headers: admin })).json();
    expect(years.buckets.map((b: { count: number }) => b.count)).toEqual([366, 365, 365, 365]);
  });
});

describe('seattle-weather-hourly-normals.csv (hourly, 2010)', () => {
  const rows = csv('seattle-weather-hourly-normals.csv');

  it('imports 8,759 hours × 3 datastreams by NDJSON; the missing 00:00 of Jan 1 is the one gap', async () => {
    // 8,759 rows from 2010-01-01T01:00 to 2010-12-31T23:00, hourly without a hole:
    // 365 × 24 = 8,760 hours of 2010 less the 00:00 of Jan 1 (SOURCES.md §5).
    expect(rows).toHaveLength(8759);
    const ms = rows.map((r) => Date.parse(`${r.date}-08:00`));
    expect(ms.every((x, i) => i === 0 || x - ms[i - 1] === 3600_000)).toBe(true);
    expect(rows[0].date).toBe('2010-01-01T01:00:00');
    expect(rows[8758].date).toBe('2010-12-31T23:00:00');
    const tok = await register({
      stationId: 'seattle-normals',
      name: 'Seattle hourly normals 1981–2010 (NOAA)',
      timeZone: 'Etc/GMT+8',
      location: { type: 'Point', coordinates: [-122.3, 47.45] },
      datastreams: [
        num('sean-pressure', 'air_pressure', 'hPa', [800, 1100], { expectedIntervalSeconds: 3600 }),
        num('sean-temperature', 'air_temperature', '°C', [-50, 60], { expectedIntervalSeconds: 3600 }),
        num('sean-wind', 'wind_speed', 'm/s', [0, 100], { expectedIntervalSeconds: 3600 }),
      ],
    });
    const lines: string[] = [];
    for (const r of rows) {
      for (const c of ['pressure', 'temperature', 'wind'])
        lines.push(JSON.stringify({ datastreamId: `sean-${c}`, phenomenonTime: `${r.date}-08:00`, result: Number(r[c]) }));
    }
    // 3 × 8,759 = 26,277 lines, under the 50,000 per push
    expect(lines).toHaveLength(26277);
    const res = await app.inject({
      method: 'POST',
      url: '/v1/stations/seattle-normals/observations',
      headers: { ...tok, 'content-type': 'application/x-ndjson' },
      payload: lines.join('\n'),
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({ inserted: 26277, updated: 0, unchanged: 0, rejected: [], warnings: [] });

    // the local year 2010: 8,760 hourly slots, 8,759 observed = 99.9886 % → 99.99; one gap at the start
    const h = await health('seattle-normals', '2010-01-01T00:00:00-08:00', '2011-01-01T00:00:00-08:00');
    for (const d of h.datastreams) {
      expect(d).toMatchObject({
        observations: 8759,
        expectedSlots: 8760,
        observedSlots: 8759,
        completenessPct: 99.99,
        gapCount: 1,
        gaps: [{ from: '2010-01-01T08:00:00.000Z', to: '2010-01-01T09:00:00.000Z', missingSlots: 1, atWindowStart: true, ongoing: false }],
      });
    }
    expect(h).toMatchObject({ expectedSlots: 26280, observedSlots: 26277, gapCount: 3 });
  });
});

describe('co2-concentration.csv (monthly, 1958-03 … 2020-04, calendar-month interval)', () => {
  const rows = csv('co2-concentration.csv');

  it('imports 741 months × 2 datastreams; the gaps are the missing months', async () => {
    // Months missing from the file, derived by reading it: consecutive rows more than one month apart.
    const monthNo = (d: string) => Number(d.slice(0, 4)) * 12 + Number(d.slice(5, 7)) - 1;
    const missing: string[] = [];
    rows.forEach((r, i) => {
      for (let m = i ? monthNo(rows[i - 1].Date) + 1 : monthNo(r.Date); m < monthNo(r.Date); m++)
        missing.push(`${Math.floor(m / 12)}-${String((m % 12) + 1).padStart(2, '0')}`);
    });
    // as SOURCES.md §5 lists them: 1958-06, 1958-10, 1964-02 … 1964-04
    expect(missing).toEqual(['1958-06', '1958-10', '1964-02', '1964-03', '1964-04']);
    // 1958-03 … 2020-04 is 62 × 12 + 2 = 746 months; 746 − 5 missing = 741 rows
    expect(rows).toHaveLength(741);
    expect(rows.every((r) => r.Date.endsWith('-01'))).toBe(true);

    const tok = await register({
      stationId: 'mauna-loa-co2',
      name: 'Mauna Loa CO₂ (Scripps CO2 Program)',
      timeZone: 'UTC',
      location: { type: 'Point', coordinates: [-155.576, 19.536] },
      datastreams: [
        num('mlo-co2', 'co2_mole_fraction', 'ppm', [250, 500], { expectedInterval: 'P1M' }),
        num('mlo-co2-adjusted', 'co2_mole_fraction_seasonally_adjusted', 'ppm', [250, 500], { expectedInterval: 'P1M' }),
      ],
    });
    const time = (d: string) => `${d}T00:00:00Z`;
    const res = await app.inject({
      method: 'POST',
      url: '/v1/stations/mauna-loa-co2/observations',
      headers: tok,
      payload: {
        datastreams: [
          { datastreamId: 'mlo-co2', components: ['phenomenonTime', 'result'], dataArray: rows.map((r) => [time(r.Date), Number(r.CO2)]) },
          { datastreamId: 'mlo-co2-adjusted', components: ['phenomenonTime', 'result'], dataArray: rows.map((r) => [time(r.Date), Number(r['adjusted CO2'])]) },
        ],
      },
    });
    // 2 × 741 = 1,482
    expect(res.json()).toEqual({ inserted: 1482, updated: 0, unchanged: 0, rejected: [], warnings: [] });

    // 746 monthly slots, 741 observed: 99.33 %. A gap is a silence longer than 1.5 months between
    // values: 1958-05 → 1958-07 (June missing), 1958-09 → 1958-11 (October), 1964-01 → 1964-05 (Feb–Apr).
    const h = await health('mauna-loa-co2', '1958-03-01T00:00:00Z', '2020-05-01T00:00:00Z');
    const expectedGaps = [
      { from: '1958-05-01T00:00:00.000Z', to: '1958-07-01T00:00:00.000Z', missingSlots: 1, atWindowStart: false, ongoing: false },
      { from: '1958-09-01T00:00:00.000Z', to: '1958-11-01T00:00:00.000Z', missingSlots: 1, atWindowStart: false, ongoing: false },
      { from: '1964-01-01T00:00:00.000Z', to: '1964-05-01T00:00:00.000Z', missingSlots: 3, atWindowStart: false, ongoing: false },
    ];
    expect(expectedGaps.reduce((a, g) => a + g.missingSlots, 0)).toBe(missing.length);
    for (const d of h.datastreams) {
      expect(d).toMatchObject({
        expectedInterval: 'P1M',
        expectedIntervalSeconds: null,
        observations: 741,
        expectedSlots: 746,
        observedSlots: 741,
        completenessPct: 99.33,
        gapCount: 3,
        gaps: expectedGaps,
      });
    }
    // values per calendar year in SQL: 1958 has 8 (Mar–Dec less Jun, Oct), 1964 has 9, 2020 has 4
    const years = (await app.inject({ method: 'GET', url: '/v1/datastreams/mlo-co2/observations?interval=1y&agg=count', headers: admin })).json();
    const counts = Object.fromEntries(years.buckets.map((b: { time: string; value: number }) => [b.time.slice(0, 4), b.value]));
    expect(counts).toMatchObject({ 1958: 8, 1959: 12, 1964: 9, 2019: 12, 2020: 4 });
    expect(years.buckets).toHaveLength(63);
  });
});

describe('frost-sta-entitiesDefault.json (SensorThings deep insert)', () => {
  interface StaDatastream {
    name: string;
    properties?: { reference?: string };
    unitOfMeasurement: { name: string; symbol: string; definition: string };
    observationType: string;
    ObservedProperty: { name: string };
    Observations: { phenomenonTime: string; result: unknown }[];
  }
  const thing = JSON.parse(readFileSync(path.join(DIR, 'frost-sta-entitiesDefault.json'), 'utf8')) as {
    name: string;
    description: string;
    properties: { reference: string };
    Locations: { location: { type: 'Point'; coordinates: number[] } }[];
    Datastreams: StaDatastream[];
  };
  // SensorThings observationType → resultType (OM_Measurement is a double)
  const RESULT_TYPE: Record<string, string> = {
    'http://www.opengis.net/def/observationType/OGC-OM/2.0/OM_Measurement': 'number',
    'http://www.opengis.net/def/observationType/OGC-OM/2.0/OM_CountObservation': 'integer',
    'http://www.opengis.net/def/observationType/OGC-OM/2.0/OM_TruthObservation': 'boolean',
    'http://www.opengis.net/def/observationType/OGC-OM/2.0/OM_CategoryObservation': 'string',
    'http://www.opengis.net/def/observationType/OGC-OM/2.0/OM_Observation': 'json',
  };

  it('maps Thing → station, Datastreams → datastreams, Observations → one dataArray push', async () => {
    const stationId = `frost-${thing.properties.reference}`;
    const dsId = (d: StaDatastream, i: number) => `${stationId}-${d.properties?.reference ?? `ds${i + 1}`}`;
    const tok = await register({
      stationId,
      name: thing.name,
      description: thing.description,
      type: 'other',
      timeZone: 'UTC',
      location: thing.Locations[0].location,
      datastreams: thing.Datastreams.map((d, i) => ({
        datastreamId: dsId(d, i),
        name: d.name,
        observedProperty: d.ObservedProperty.name,
        unitOfMeasurement: d.unitOfMeasurement,
        resultType: RESULT_TYPE[d.observationType],
      })),
    });
    const res = await app.inject({
      method: 'POST',
      url: `/v1/stations/${stationId}/observations`,
      headers: tok,
      payload: {
        datastreams: thing.Datastreams.map((d, i) => ({
          datastreamId: dsId(d, i),
          components: ['phenomenonTime', 'result'],
          dataArray: d.Observations.map((o) => [o.phenomenonTime, o.result]),
        })),
      },
    });
    // 1 Thing, 2 Datastreams with 2 Observations each → 4 observations
    expect(res.json()).toEqual({ inserted: 4, updated: 0, unchanged: 0, rejected: [], warnings: [] });
    const s = (await app.inject({ method: 'GET', url: `/v1/stations/${stationId}`, headers: admin })).json();
    expect(s).toMatchObject({ name: 'thing name 1', location: { coordinates: [-117.05, 51.05] } });
    expect(
      s.datastreams.map(
        (d: { datastreamId: string; observedProperty: string; unitOfMeasurement: { symbol: string }; latest: { phenomenonTime: string; result: number } }) => [
          d.datastreamId,
          d.observedProperty,
          d.unitOfMeasurement.symbol,
          d.latest.phenomenonTime,
          d.latest.result,
        ],
      ),
    ).toEqual([
      ['frost-firstThing-ds2', 'Tempretaure', 'C', '2015-03-06T00:00:00.000Z', 6],
      ['frost-firstThing-firstDatastream', 'Luminous Flux', 'lm', '2015-03-04T00:00:00.000Z', 4],
    ]);
  });
});
