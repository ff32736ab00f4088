/**
 * Builds corpus.json: hostile requests against every write route. Run with
 * `npx tsx tests/hostile/build-corpus.ts`; the JSON is committed and replayed by hostile.test.ts.
 * Every case must come back 4xx with a stable error code naming the failing field, never 5xx,
 * and write nothing.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

interface Case {
  name: string;
  method: 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  url: string;
  as: string;
  headers: Record<string, string>;
  body: string;
}

const JSON_CT = { 'content-type': 'application/json' };
const cases: Case[] = [];
const add = (
  route: { method: 'POST' | 'PATCH' | 'PUT' | 'DELETE'; url: string; as: string },
  name: string,
  body: string,
  headers: Record<string, string> = JSON_CT,
) => cases.push({ name: `${route.method} ${route.url}: ${name}`, ...route, headers, body });

const deep = (n: number) => `{"a":${'['.repeat(n)}${']'.repeat(n)}}`;

/** Malformed bodies and content types every JSON route must refuse the same way. */
function common(route: { method: 'POST' | 'PATCH' | 'PUT' | 'DELETE'; url: string; as: string }, sample: string): void {
  add(route, 'truncated JSON', sample.slice(0, Math.max(1, Math.floor(sample.length / 2))));
  add(route, 'single quotes', `{'x': 1}`);
  add(route, 'trailing comma', '{"x": 1,}');
  add(route, 'bare word', 'undefined');
  add(route, 'empty body', '');
  add(route, '__proto__ key', '{"__proto__": {"isAdmin": true}}');
  add(route, 'constructor.prototype', '{"constructor": {"prototype": {"isAdmin": true}}}');
  add(route, 'nested 200 deep', deep(200));
  add(route, 'number 1e400', '{"x": 1e400}');
  add(route, 'text/plain', sample, { 'content-type': 'text/plain' });
  add(route, 'application/xml', '<records/>', { 'content-type': 'application/xml' });
  add(route, 'form-urlencoded', 'records=1', { 'content-type': 'application/x-www-form-urlencoded' });
  add(route, 'space before ; with invalid JSON', '{"x":', { 'content-type': 'application/json ; charset=utf-8' });
  add(route, 'tab before ; with invalid JSON', '{"x":', { 'content-type': 'application/json\t; charset=utf-8' });
  add(route, 'leading space type', '{"x":', { 'content-type': ' application/json' });
  add(route, 'trailing garbage type', sample, { 'content-type': 'application/json garbage' });
  add(route, 'mixed case type, wrong shape', '[]', { 'content-type': 'Application/JSON' });
  add(route, 'top-level array', '[]');
  add(route, 'top-level string', '"records"');
  add(route, 'top-level null', 'null');
  add(route, 'top-level number', '42');
}

// ---- POST /v1/occurrences ------------------------------------------------------------------
const occ = { method: 'POST' as const, url: '/v1/occurrences', as: 'surveyor' };
const rec = { occurrenceID: 'hostile-1', scientificName: 'Sus scrofa', eventDate: '2025-01-01', decimalLatitude: 43, decimalLongitude: 126 };
common(occ, JSON.stringify({ records: [rec] }));
const badRecord = (name: string, patch: Record<string, unknown>, drop: string[] = []) => {
  const r: Record<string, unknown> = { ...rec, ...patch };
  for (const d of drop) delete r[d];
  add(occ, `record ${name}`, JSON.stringify({ records: [r] }));
};
add(occ, 'records missing', '{}');
add(occ, 'records not an array', '{"records": {"0": {}}}');
add(occ, 'records empty', '{"records": []}');
add(occ, 'record is a number', '{"records": [1]}');
add(occ, 'record is null', '{"records": [null]}');
add(occ, 'atomic not boolean', JSON.stringify({ records: [rec], atomic: 'yes' }));
add(occ, 'unknown top-level property', JSON.stringify({ records: [rec], admin: true }));
add(occ, '5,001 records', JSON.stringify({ records: Array.from({ length: 5001 }, () => ({})) }));
badRecord('without occurrenceID', {}, ['occurrenceID']);
badRecord('without scientificName', {}, ['scientificName']);
badRecord('without eventDate', {}, ['eventDate']);
badRecord('without coordinates', {}, ['decimalLatitude', 'decimalLongitude']);
badRecord('latitude 95', { decimalLatitude: 95, decimalLongitude: 10 });
badRecord('longitude 200', { decimalLongitude: 200 });
badRecord('latitude text', { decimalLatitude: 'north' });
badRecord('latitude "NaN"', { decimalLatitude: 'NaN' });
badRecord('longitude "Infinity"', { decimalLongitude: 'Infinity' });
badRecord('individualCount -1', { individualCount: -1 });
badRecord('individualCount 1.5', { individualCount: 1.5 });
badRecord('individualCount "many"', { individualCount: 'many' });
badRecord('occurrenceStatus maybe', { occurrenceStatus: 'maybe' });
badRecord('basisOfRecord UNKNOWN', { basisOfRecord: 'UNKNOWN' });
badRecord('basisOfRecord SQL', { basisOfRecord: "HumanObservation'; DROP TABLE occurrences; --" });
badRecord('eventDate in the future', { eventDate: '2999-01-01' });
badRecord('eventDate tomorrow (word)', { eventDate: 'tomorrow' });
badRecord('eventDate 30 February', { eventDate: '2025-02-30' });
badRecord('eventDate interval ending before start', { eventDate: '2025-05-02/2025-05-01' });
badRecord('eventDate day-first', { eventDate: '31/12/2024' });
badRecord('geodeticDatum NAD27', { geodeticDatum: 'NAD27' });
badRecord('uncertainty negative', { coordinateUncertaintyInMeters: -5 });
badRecord('uncertainty text', { coordinateUncertaintyInMeters: 'far' });
badRecord('nested object value', { scientificName: { genus: 'Sus' } });
badRecord('array value', { recordedBy: ['a', 'b'] });
// (a key that is not a term name — 'Site Name', '天气', even "x'); DROP…" — is data since issue 15: kept in dynamicProperties)
badRecord('key of 201 characters', { ['x'.repeat(201)]: 'x' });
badRecord('unknown key with an object value', { 'bad term': { nested: true } });
badRecord('unknown key with SQL and an array value', { "x'); DROP TABLE occurrences;--": ['x'] });
badRecord('value of 20,000 characters', { occurrenceRemarks: 'x'.repeat(20_000) });
badRecord('version 0', { version: 0 });
badRecord('version text', { version: 'latest' });
badRecord('occurrenceID of 300 characters', { occurrenceID: 'o'.repeat(300) });
badRecord('identificationVerificationStatus only, no name', { identificationVerificationStatus: 'verified' }, ['scientificName']);
add(occ, 'If-Match on a two-record batch', JSON.stringify({ records: [rec, { ...rec, occurrenceID: 'hostile-2' }] }), { ...JSON_CT, 'if-match': '"1"' });
add(occ, 'If-Match not a version', JSON.stringify({ records: [rec] }), { ...JSON_CT, 'if-match': '"abc"' });

// ---- POST /v1/survey-events ----------------------------------------------------------------
const ev = { method: 'POST' as const, url: '/v1/survey-events', as: 'surveyor' };
const event = {
  eventID: 'hostile-ev-1',
  eventDate: '2025-06-01/2025-06-02',
  samplingProtocol: 'line transect',
  footprintWKT: 'LINESTRING(128 42, 128.1 42.1)',
};
common(ev, JSON.stringify({ records: [event] }));
const badEvent = (name: string, patch: Record<string, unknown>, drop: string[] = []) => {
  const e: Record<string, unknown> = { ...event, ...patch };
  for (const d of drop) delete e[d];
  add(ev, `event ${name}`, JSON.stringify({ records: [e] }));
};
add(ev, 'records empty', '{"records": []}');
add(ev, 'records not an array', '{"records": "x"}');
badEvent('without eventID', {}, ['eventID']);
badEvent('without eventDate', {}, ['eventDate']);
badEvent('eventDate words', { eventDate: 'last week' });
badEvent('footprintWKT not WKT', { footprintWKT: 'CIRCLE(1 2, 3)' });
badEvent('footprintWKT unreadable', { footprintWKT: 'POLYGON((1 2, 3))' });
badEvent('geometry type Circle', { geometry: { type: 'Circle', coordinates: [1, 2] } }, ['footprintWKT']);
badEvent('geometry with null coordinates', { geometry: { type: 'Point', coordinates: [null, 2] } }, ['footprintWKT']);
badEvent('effort without unit', { 'eco:samplingEffortValue': 5 });
badEvent('effort negative', { 'eco:samplingEffortValue': -5, 'eco:samplingEffortUnit': 'km' });
badEvent('isAbsenceReported maybe', { 'eco:isAbsenceReported': 'maybe' });
badEvent('sampleSizeValue text', { sampleSizeValue: 'ten', sampleSizeUnit: 'm2' });
badEvent('geodeticDatum unknown', { geodeticDatum: 'MARS2000', decimalLatitude: 42, decimalLongitude: 128 }, ['footprintWKT']);
badEvent('latitude out of range', { decimalLatitude: 142, decimalLongitude: 128 }, ['footprintWKT']);

// ---- POST /v1/occurrences/{id}/review ------------------------------------------------------
const review = { method: 'POST' as const, url: '/v1/occurrences/hostile-target/review', as: 'evaluator' };
common(review, JSON.stringify({ state: 'verified' }));
add(review, 'state missing', '{"comment": "x"}');
add(review, 'state unknown', '{"state": "approved"}');
add(review, 'state SQL', `{"state": "verified'; UPDATE occurrences SET review_state='verified'; --"}`);
add(review, 'comment too long', JSON.stringify({ state: 'verified', comment: 'c'.repeat(5000) }));
add(review, 'extra property', '{"state": "verified", "role": "admin"}');

// ---- POST /v1/indicator-runs ---------------------------------------------------------------
const runs = { method: 'POST' as const, url: '/v1/indicator-runs', as: 'evaluator' };
common(runs, JSON.stringify({ year: 2024 }));
add(runs, 'year missing', '{}');
add(runs, 'year 1800', '{"year": 1800}');
add(runs, 'year text', '{"year": "this year"}');
add(runs, 'year fractional', '{"year": 2024.5}');
add(runs, 'unknown indicator', '{"year": 2024, "indicators": ["happiness"]}');
add(runs, 'unknown region', '{"year": 2024, "regions": ["999999"]}');
add(runs, 'unknown dataset', '{"year": 2024, "datasets": {"regions": 999999}}');
add(runs, 'threshold above 1', '{"year": 2024, "params": {"ecosystemThreshold": 5}}');
add(runs, 'window 0 years', '{"year": 2024, "params": {"speciesWindowYears": 0}}');
add(runs, 'unknown parameter', '{"year": 2024, "params": {"magic": true}}');
add(runs, 'extra property', '{"year": 2024, "status": "completed"}');

// ---- POST /v1/layers/{kind} ----------------------------------------------------------------
const layer = { method: 'POST' as const, url: '/v1/layers/protected-areas?year=2025', as: 'admin' };
const pa = (
  props: Record<string, unknown>,
  geometry: unknown = {
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
) => JSON.stringify({ type: 'FeatureCollection', features: [{ type: 'Feature', properties: props, geometry }] });
const goodPa = { id: 'H1', name: 'x', designation: 'nature_reserve', status: 'designated' };
common(layer, pa(goodPa));
add(layer, 'not a FeatureCollection', '{"type": "Feature"}');
add(layer, 'features not an array', '{"type": "FeatureCollection", "features": {}}');
add(layer, 'unknown designation', pa({ ...goodPa, designation: 'castle' }));
add(layer, 'status unknown', pa({ ...goodPa, status: 'rumoured' }));
add(layer, 'id missing', pa({ ...goodPa, id: undefined }));
add(layer, 'point geometry for an area', pa(goodPa, { type: 'Point', coordinates: [126, 42] }));
add(
  layer,
  'ring of 3 positions',
  pa(goodPa, {
    type: 'Polygon',
    coordinates: [
      [
        [126, 42],
        [126.1, 42],
        [126, 42],
      ],
    ],
  }),
);
add(
  layer,
  'coordinates out of range',
  pa(goodPa, {
    type: 'Polygon',
    coordinates: [
      [
        [526, 42],
        [526.1, 42],
        [526.1, 42.1],
        [526, 42],
      ],
    ],
  }),
);
add(
  layer,
  'string coordinates',
  pa(goodPa, {
    type: 'Polygon',
    coordinates: [
      [
        ['126', '42'],
        ['127', '42'],
        ['127', '43'],
        ['126', '42'],
      ],
    ],
  }),
);
add(layer, 'empty polygon', pa(goodPa, { type: 'Polygon', coordinates: [] }));
add(
  layer,
  'zero-area polygon',
  pa(goodPa, {
    type: 'Polygon',
    coordinates: [
      [
        [126, 42],
        [126.1, 42],
        [126.2, 42],
        [126, 42],
      ],
    ],
  }),
);
add({ method: 'POST', url: '/v1/layers/forests?year=2025', as: 'admin' }, 'unknown kind', pa(goodPa));
add({ method: 'POST', url: '/v1/layers/protected-areas', as: 'admin' }, 'year missing', pa(goodPa));
add({ method: 'POST', url: '/v1/layers/protected-areas?year=2025&crs=epsg3857', as: 'admin' }, 'unknown crs', pa(goodPa));
add({ method: 'POST', url: '/v1/layers/protected-areas?year=20x5', as: 'admin' }, 'year not a number', pa(goodPa));

// ---- stations --------------------------------------------------------------------------------
const st = { method: 'POST' as const, url: '/v1/stations', as: 'admin' };
const station = {
  stationId: 'H-ST-NEW',
  name: 'x',
  type: 'weather',
  location: { type: 'Point', coordinates: [126, 43] },
  datastreams: [{ datastreamId: 'H-ST-NEW-t', observedProperty: 'air_temperature', unitOfMeasurement: { symbol: '°C' }, resultType: 'number' }],
};
common(st, JSON.stringify(station));
const badStation = (name: string, patch: Record<string, unknown>) => add(st, `station ${name}`, JSON.stringify({ ...station, ...patch }));
badStation('stationId missing', { stationId: undefined });
badStation('stationId with spaces and quotes', { stationId: "a b'; --" });
badStation('type unknown', { type: 'spaceship' });
badStation('location not a point', { location: { type: 'Polygon', coordinates: [] } });
badStation('location latitude 95', { location: { type: 'Point', coordinates: [126, 95] } });
badStation('resultType unknown', { datastreams: [{ ...station.datastreams[0], resultType: 'complex' }] });
badStation('validRange reversed', { datastreams: [{ ...station.datastreams[0], validRange: [5, 1] }] });
badStation('expectedInterval unparseable', { datastreams: [{ ...station.datastreams[0], expectedInterval: 'P1X' }] });
badStation('duplicate datastream ids', { datastreams: [station.datastreams[0], station.datastreams[0]] });
badStation('name empty', { name: '' });
const patch = { method: 'PATCH' as const, url: '/v1/stations/H-ST', as: 'admin' };
common(patch, JSON.stringify({ name: 'renamed' }));
add(patch, 'type unknown', '{"type": "spaceship"}');
add(patch, 'datastream without unit', JSON.stringify({ datastreams: [{ datastreamId: 'H-ST-x', observedProperty: 'p', resultType: 'number' }] }));
const push = { method: 'POST' as const, url: '/v1/stations/H-ST/observations', as: 'station' };
const pushBody = (arr: unknown[], extra: Record<string, unknown> = {}) =>
  JSON.stringify({ datastreams: [{ datastreamId: 'H-ST-temp', components: ['phenomenonTime', 'result'], dataArray: arr, ...extra }] });
common(push, pushBody([['2025-01-01T00:00:00+08:00', 1]]));
add(push, 'datastreams missing', '{}');
add(push, 'dataArray not an array', JSON.stringify({ datastreams: [{ datastreamId: 'H-ST-temp', components: ['phenomenonTime', 'result'], dataArray: 'x' }] }));
add(push, 'row not a pair', pushBody([['2025-01-01T00:00:00+08:00']]));
add(push, 'time without offset', pushBody([['2025-01-01T00:00:00', 1]]));
add(push, 'time in the future', pushBody([['2999-01-01T00:00:00Z', 1]]));
add(push, 'time not a time', pushBody([['noon', 1]]));
add(push, 'result "NaN"', pushBody([['2025-01-01T00:00:00Z', 'NaN']]));
add(push, 'result "Infinity"', pushBody([['2025-01-01T00:00:00Z', 'Infinity']]));
add(push, 'result text for a number stream', pushBody([['2025-01-01T00:00:00Z', 'warm']]));
add(push, 'result out of range', pushBody([['2025-01-01T00:00:00Z', 1000]]));
add(
  push,
  'unknown datastream',
  JSON.stringify({ datastreams: [{ datastreamId: 'NOPE', components: ['phenomenonTime', 'result'], dataArray: [['2025-01-01T00:00:00Z', 1]] }] }),
);
add(push, 'unknown component', pushBody([['2025-01-01T00:00:00Z', 1]], { components: ['phenomenonTime', 'resultQuality'] }));
add(push, 'components missing the result', pushBody([['2025-01-01T00:00:00Z']], { components: ['phenomenonTime'] }));

// ---- ledger progress, evidence files, reports ----------------------------------------------------
const progress = { method: 'POST' as const, url: '/v1/ledger/tasks/12/progress', as: 'department' };
common(progress, JSON.stringify({ status: 'in_progress', note: 'x' }));
add(progress, 'status missing', '{"note": "x"}');
add(progress, 'status unknown', '{"status": "finished"}');
add(progress, 'asOf not a date', '{"status": "done", "asOf": "yesterday"}');
add(progress, 'asOf in the future', '{"status": "done", "asOf": "2999-01-01"}');
add(progress, 'note too long', JSON.stringify({ status: 'done', note: 'n'.repeat(5000) }));
add(progress, 'evidence not an array', '{"status": "done", "evidence": {"title": "x"}}');
add(progress, 'evidence with a javascript: url', '{"status": "done", "evidence": [{"title": "x", "url": "javascript:alert(1)"}]}');
add(progress, 'evidence with a file id not a uuid', '{"status": "done", "evidence": [{"title": "x", "fileId": "../../etc/passwd"}]}');
add(progress, 'evidence with an unknown file', '{"status": "done", "evidence": [{"title": "x", "fileId": "00000000-0000-4000-8000-000000000000"}]}');
add(
  progress,
  '21 evidence items',
  JSON.stringify({ status: 'done', evidence: Array.from({ length: 21 }, () => ({ title: 'x', url: 'https://example.org' })) }),
);
add(progress, 'extra property', '{"status": "done", "department": "省林草局"}');
add({ method: 'POST', url: '/v1/ledger/tasks/0/progress', as: 'department' }, 'task number 0', '{"status": "done"}');
add({ method: 'POST', url: '/v1/ledger/tasks/abc/progress', as: 'department' }, 'task number text', '{"status": "done"}');
const files = { method: 'POST' as const, url: '/v1/files', as: 'department' };
add(files, 'JSON instead of a file', '{"file": "x"}');
add(files, 'multipart without the file part', '--b\r\nContent-Disposition: form-data; name="note"\r\n\r\nhello\r\n--b--\r\n', {
  'content-type': 'multipart/form-data; boundary=b',
});
add(
  files,
  'an executable disguised as a PDF',
  '--b\r\nContent-Disposition: form-data; name="file"; filename="report.pdf"\r\nContent-Type: application/pdf\r\n\r\nMZ\u0090\u0000binary\r\n--b--\r\n',
  { 'content-type': 'multipart/form-data; boundary=b' },
);
add(
  files,
  'HTML disguised as a PNG',
  '--b\r\nContent-Disposition: form-data; name="file"; filename="x.png"\r\nContent-Type: image/png\r\n\r\n<script>alert(1)</script>\r\n--b--\r\n',
  { 'content-type': 'multipart/form-data; boundary=b' },
);
add(files, 'multipart without a boundary', 'garbage', { 'content-type': 'multipart/form-data' });
const freeze = { method: 'POST' as const, url: '/v1/reports', as: 'evaluator' };
common(freeze, JSON.stringify({ year: 2024 }));
add(freeze, 'year text', '{"year": "last"}');
add(freeze, 'year 1800', '{"year": 1800}');
add(freeze, 'unknown region', '{"year": 2024, "region": "999999"}');
add(freeze, 'extra property', '{"year": 2024, "approved": true}');
const signoff = { method: 'POST' as const, url: '/v1/reports/00000000-0000-4000-8000-000000000000/review', as: 'evaluator' };
add(signoff, 'decision unknown', '{"decision": "maybe"}');
add(signoff, 'decision missing', '{"comment": "x"}');
add(signoff, 'comment too long', JSON.stringify({ decision: 'approved', comment: 'c'.repeat(5000) }));
add({ method: 'POST', url: '/v1/reports/not-a-uuid/review', as: 'evaluator' }, 'report id not a uuid', '{"decision": "approved"}');

// ---- alerts, rules, webhooks, exports -----------------------------------------------------------
const ack = { method: 'POST' as const, url: '/v1/alerts/1/ack', as: 'evaluator' };
add(ack, 'note not a string', '{"note": 5}');
add(ack, 'unknown field', '{"note": "x", "status": "resolved"}');
add(ack, 'note too long', JSON.stringify({ note: 'n'.repeat(3000) }));
add({ method: 'POST', url: '/v1/alerts/abc/ack', as: 'evaluator' }, 'alert id text', '{}');
add({ method: 'POST', url: '/v1/alerts/1/resolve', as: 'evaluator' }, 'resolve: note an object', '{"note": {"x": 1}}');
const rules = { method: 'PUT' as const, url: '/v1/alert-rules', as: 'admin' };
add(rules as never, 'rules missing', '{}');
add(rules as never, 'rules empty', '{"rules": []}');
add(rules as never, 'unknown rule', '{"rules": [{"code": "weather_is_bad", "enabled": true}]}');
add(rules as never, 'severity unknown', '{"rules": [{"code": "station_silent", "severity": "apocalyptic"}]}');
add(rules as never, 'threshold negative', '{"rules": [{"code": "station_silent", "params": {"factor": -3}}]}');
add(rules as never, 'enabled not boolean', '{"rules": [{"code": "station_silent", "enabled": "yes"}]}');
const hooks = { method: 'POST' as const, url: '/v1/webhooks', as: 'admin' };
add(hooks, 'url missing', '{"description": "x"}');
add(hooks, 'url not http', '{"url": "ftp://example.org/hook"}');
add(hooks, 'url javascript', '{"url": "javascript:alert(1)"}');
add(hooks, 'secret too short', '{"url": "https://example.org/hook", "secret": "short"}');
add(hooks, 'unknown rule filter', '{"url": "https://example.org/hook", "rules": ["nope"]}');
add(hooks, 'severity unknown', '{"url": "https://example.org/hook", "minSeverity": "extreme"}');
add(hooks, 'extra property', '{"url": "https://example.org/hook", "admin": true}');
// webhook targets that are, or stand for, loopback, private, link-local, CGNAT, unspecified,
// multicast, broadcast, reserved or cloud metadata addresses, in their many spellings: 422
// WEBHOOK_URL_FORBIDDEN on `url` (or 400 for credentials and other schemes). Only literal
// addresses and names refused without a lookup: replaying the corpus sends no packet and no DNS query.
for (const [name, url] of [
  ['loopback', 'http://127.0.0.1/hook'],
  ['loopback with port (Redis)', 'http://127.0.0.1:6379/'],
  ['loopback 127.8.9.10', 'http://127.8.9.10/'],
  ['loopback decimal', 'http://2130706433/'],
  ['loopback hex', 'http://0x7f000001/'],
  ['loopback hex two parts', 'http://0x7f.1/'],
  ['loopback octal', 'http://017700000001/'],
  ['loopback octal dotted', 'http://0177.0.0.1/'],
  ['loopback short form', 'http://127.1/'],
  ['loopback percent-encoded', 'http://%31%32%37.0.0.1/'],
  ['loopback full-width digits', 'http://１２７.０.０.１/'],
  ['loopback ideographic dots', 'http://127。0。0。1/'],
  ['loopback IPv6', 'http://[::1]/'],
  ['loopback IPv6 long form', 'http://[0:0:0:0:0:0:0:1]/'],
  ['IPv4-mapped loopback', 'http://[::ffff:127.0.0.1]/'],
  ['IPv4-mapped loopback hex', 'http://[::ffff:7f00:1]/'],
  ['IPv4-compatible loopback', 'http://[::127.0.0.1]/'],
  ['localhost', 'http://localhost/'],
  ['localhost trailing dot', 'http://localhost./'],
  ['localhost upper case', 'http://LOCALHOST:3000/'],
  ['subdomain of localhost', 'http://hooks.localhost/'],
  ['unspecified 0.0.0.0', 'http://0.0.0.0/'],
  ['unspecified 0', 'http://0/'],
  ['unspecified IPv6', 'http://[::]/'],
  ['private 10/8', 'http://10.0.0.5/'],
  ['private 10/8 decimal', 'http://167772165/'],
  ['private 172.16/12', 'http://172.16.0.1/'],
  ['private 172.31', 'https://172.31.255.254/'],
  ['private 192.168/16', 'http://192.168.1.1:8080/hook'],
  ['IPv4-mapped private', 'http://[::ffff:10.0.0.5]/'],
  ['IPv6 unique local fc00::/7', 'http://[fc00::1]/'],
  ['IPv6 unique local fd', 'http://[fd12:3456:789a::1]/'],
  ['link-local 169.254/16', 'http://169.254.1.1/'],
  ['IPv6 link-local', 'http://[fe80::1]/'],
  ['CGNAT 100.64/10', 'http://100.64.0.1/'],
  ['CGNAT upper end', 'http://100.127.255.254/'],
  ['metadata 169.254.169.254', 'http://169.254.169.254/latest/meta-data/iam/security-credentials/'],
  ['metadata decimal', 'http://2852039166/'],
  ['metadata hex', 'http://0xa9fea9fe/'],
  ['metadata dotted hex', 'http://0xa9.0xfe.0xa9.0xfe/'],
  ['metadata IPv4-mapped', 'http://[::ffff:169.254.169.254]/'],
  ['metadata AWS IPv6', 'http://[fd00:ec2::254]/latest/meta-data/'],
  ['metadata ECS task', 'http://169.254.170.2/v2/credentials'],
  ['metadata Alibaba Cloud', 'http://100.100.100.200/latest/meta-data/'],
  ['metadata Tencent Cloud', 'http://169.254.0.23/'],
  ['metadata GCP name', 'http://metadata.google.internal/computeMetadata/v1/'],
  ['metadata GCP name trailing dot', 'http://metadata.google.internal./'],
  ['metadata GCP name upper case', 'http://METADATA.GOOGLE.INTERNAL/'],
  ['metadata short name', 'http://metadata/'],
  ['metadata.goog', 'http://metadata.goog/'],
  ['multicast', 'http://224.0.0.1/'],
  ['IPv6 multicast', 'http://[ff02::1]/'],
  ['broadcast', 'http://255.255.255.255/'],
  ['reserved 240/4', 'http://240.0.0.1/'],
  ['TEST-NET-1', 'http://192.0.2.10/'],
  ['benchmarking 198.18/15', 'http://198.18.0.1/'],
  ['NAT64 loopback', 'http://[64:ff9b::7f00:1]/'],
  ['6to4 loopback', 'http://[2002:7f00:1::1]/'],
  ['IPv6 documentation', 'http://[2001:db8::1]/'],
  ['credentials in the url', 'https://user:secret@example.org/hook'],
  ['credentials on loopback', 'http://admin:admin@127.0.0.1/'],
  ['gopher to Redis', 'gopher://127.0.0.1:6379/_INFO'],
  ['file url', 'file:///etc/passwd'],
  ['dict scheme', 'dict://127.0.0.1:11211/stat'],
  ['ldap scheme', 'ldap://169.254.169.254/'],
  ['data url', 'data:text/plain,hello'],
])
  add(hooks, `url ${name}`, JSON.stringify({ url }));
add({ method: 'POST', url: '/v1/webhooks/abc/test', as: 'admin' }, 'webhook id text', '{}');
for (const id of ['abc', '1%27%20OR%201%3D1', '..%2F..%2Fetc%2Fpasswd', '-1'])
  add({ method: 'DELETE', url: `/v1/webhooks/${id}`, as: 'admin' }, `delete: webhook id ${decodeURIComponent(id)}`, '');
for (const id of ["x'%20OR%201%3D1", '..%2F..%2Fetc%2Fpasswd', 'a%20b', '%00'])
  add({ method: 'POST', url: `/v1/stations/${id}/token`, as: 'admin' }, `rotate token: station id ${decodeURIComponent(id)}`, '{}');
const exp = { method: 'POST' as const, url: '/v1/exports/dwca', as: 'surveyor' };
add(exp, 'bbox garbage', '{"bbox": "1,2,3"}');
add(exp, 'region injection', `{"region": "' OR 1=1 --"}`);
add(exp, 'taxon injection', '{"taxon": "x"); DROP TABLE occurrences; --"}');
add(exp, 'from not a date', '{"from": "soon"}');
add(exp, 'reviewState unknown', '{"reviewState": "approved"}');
add(exp, 'unknown filter', '{"owner": "admin"}');
add(exp, 'truncated JSON', '{"bbox": ');

// ---- POST /v1/imports (multipart) -------------------------------------------------------------
const imp = { method: 'POST' as const, url: '/v1/imports', as: 'surveyor' };
add(imp, 'JSON instead of a file', '{"file": "x"}');
add(imp, 'text/plain', 'occurrenceID,scientificName', { 'content-type': 'text/plain' });
add(imp, 'multipart without the file part', '--b\r\nContent-Disposition: form-data; name="note"\r\n\r\nhello\r\n--b--\r\n', {
  'content-type': 'multipart/form-data; boundary=b',
});
add(
  imp,
  'multipart with an empty file',
  '--b\r\nContent-Disposition: form-data; name="file"; filename="x.csv"\r\nContent-Type: text/csv\r\n\r\n\r\n--b--\r\n',
  { 'content-type': 'multipart/form-data; boundary=b' },
);
add(imp, 'multipart without a boundary', 'garbage', { 'content-type': 'multipart/form-data' });

// ---- text PostgreSQL cannot store: NUL and unpaired UTF-16 surrogates -------------------------
// Sent as JSON escapes (JSON.stringify writes "\u0000" and "\ud800"), as %00 or undecodable
// percent-encodings in paths, and as raw bytes in multipart headers: 422 TEXT_INVALID_CHARACTER
// naming the field (or, in a batch, BATCH_REJECTED naming the record's term), never a 500.
const BAD_TEXT: [string, string][] = [
  ['NUL', '\u0000'],
  ['unpaired high surrogate', '\ud800'],
  ['unpaired low surrogate', '\udc00'],
  ['reversed surrogate pair', '\udc00\ud800'],
];
type Route = { method: 'POST' | 'PATCH' | 'PUT' | 'DELETE'; url: string; as: string };
const badText = (route: Route, what: string, body: (bad: string) => unknown, headers: Record<string, string> = JSON_CT) => {
  for (const [name, bad] of BAD_TEXT) add(route, `${what} with ${name}`, JSON.stringify(body(bad)), headers);
};
badText(occ, 'record value', (b) => ({ records: [{ ...rec, occurrenceRemarks: `scat${b} at N43.12` }] }));
badText(occ, 'record occurrenceID', (b) => ({ records: [{ ...rec, occurrenceID: `hostile${b}` }] }));
badText(occ, 'record term name', (b) => ({ records: [{ ...rec, [`habitat${b}`]: 'forest' }] }));
badText(occ, 'envelope property name', (b) => ({ records: [rec], [`atomic${b}`]: true }));
badText(ev, 'event value', (b) => ({ records: [{ ...event, eventRemarks: `x${b}` }] }));
badText(ev, 'single event value', (b) => ({ ...event, habitat: b }));
badText(ev, 'event term name', (b) => ({ records: [{ ...event, [`eco:${b}`]: 1 }] }));
badText(review, 'comment', (b) => ({ state: 'verified', comment: b }));
badText(review, 'property name', (b) => ({ state: 'verified', [b]: 'x' }));
add({ ...review, url: '/v1/occurrences/hostile%00/review' }, 'occurrence id with %00', '{"state": "verified"}');
add({ ...review, url: '/v1/occurrences/hostile%ED%A0%80/review' }, 'occurrence id with a CESU-8 surrogate', '{"state": "verified"}');
badText(runs, 'region', (b) => ({ year: 2024, regions: [`22${b}`] }));
badText(layer, 'feature property', (b) => JSON.parse(pa({ ...goodPa, name: `保护区${b}` })));
badText(layer, 'feature property name', (b) => JSON.parse(pa({ ...goodPa, [`名称${b}`]: 'x' })));
badText(st, 'station name', (b) => ({ ...station, name: `站${b}` }));
badText(st, 'datastream observedProperty', (b) => ({ ...station, datastreams: [{ ...station.datastreams[0], observedProperty: `t${b}` }] }));
badText(patch, 'name', (b) => ({ name: b }));
badText(push, 'datastreamId', (b) => ({
  datastreams: [{ datastreamId: `H-ST-temp${b}`, components: ['phenomenonTime', 'result'], dataArray: [['2025-01-01T00:00:00Z', 1]] }],
}));
badText(push, 'envelope property name', (b) => ({ ...JSON.parse(pushBody([['2025-01-01T00:00:00Z', 1]])), [`atomic${b}`]: true }));
for (const [name, bad] of BAD_TEXT)
  add(push, `NDJSON datastreamId with ${name}`, JSON.stringify({ datastreamId: bad, phenomenonTime: '2025-01-01T00:00:00Z', result: 1 }), {
    'content-type': 'application/x-ndjson',
  });
add(
  { method: 'POST', url: '/v1/stations/H-ST%ED%B0%80/observations', as: 'station' },
  'station id with a CESU-8 surrogate',
  pushBody([['2025-01-01T00:00:00Z', 1]]),
);
badText(progress, 'note', (b) => ({ status: 'in_progress', note: `进展${b}` }));
badText(progress, 'evidence title', (b) => ({ status: 'done', evidence: [{ title: b, url: 'https://example.org/r' }] }));
badText(freeze, 'region', (b) => ({ year: 2024, region: `22${b}` }));
badText(signoff, 'comment', (b) => ({ decision: 'approved', comment: b }));
badText(ack, 'note', (b) => ({ note: `看过${b}` }));
badText({ method: 'POST', url: '/v1/alerts/1/resolve', as: 'evaluator' }, 'resolve note', (b) => ({ note: b }));
badText(rules, 'rule code', (b) => ({ rules: [{ code: `station_silent${b}` }] }));
badText(hooks, 'description', (b) => ({ url: 'https://example.org/hook', description: b }));
badText({ method: 'POST', url: '/v1/webhooks/1/test', as: 'admin' }, 'test body property name', (b) => ({ [b]: 1 }));
badText(exp, 'taxon filter', (b) => ({ taxon: `Panthera${b}` }));
badText(exp, 'filter name', (b) => ({ [`region${b}`]: '220000' }));
for (const id of ['%00', '%ED%A0%80', 'x%C0%80']) add({ method: 'DELETE', url: `/v1/webhooks/${id}`, as: 'admin' }, `delete: webhook id ${id}`, '');
const part = (disposition: string, field = '') =>
  `${field}--b\r\nContent-Disposition: ${disposition}\r\nContent-Type: text/csv\r\n\r\noccurrenceID\r\nx\r\n--b--\r\n`;
const MULTIPART = { 'content-type': 'multipart/form-data; boundary=b' };
add(imp, 'file name with a raw NUL', part('form-data; name="file"; filename="a\u0000.csv"'), MULTIPART);
add(imp, 'file name with an encoded NUL (RFC 5987)', part('form-data; name="file"; filename*=UTF-8\'\'a%00.csv'), MULTIPART);
add(
  imp,
  'text field with a NUL before the file',
  part('form-data; name="file"; filename="a.csv"', '--b\r\nContent-Disposition: form-data; name="note"\r\n\r\nx\u0000\r\n'),
  MULTIPART,
);
add(files, 'file name with a raw NUL', part('form-data; name="file"; filename="证据\u0000.pdf"'), MULTIPART);

// ---- POST /v1/screenings (issue 19): footprints as GeoJSON, or uploaded files -----------------------
const scr = { method: 'POST' as const, url: '/v1/screenings', as: 'surveyor' };
const scrRing = [
  [127.4, 43.5],
  [127.44, 43.5],
  [127.44, 43.52],
  [127.4, 43.52],
  [127.4, 43.5],
];
const scrBox = { type: 'Polygon', coordinates: [scrRing] };
const scrBody = (x: Record<string, unknown>) => JSON.stringify({ name: '公路', footprint: scrBox, ...x });
common(scr, scrBody({}));
add(scr, 'name missing', JSON.stringify({ footprint: scrBox }));
add(scr, 'footprint missing', JSON.stringify({ name: '公路' }));
add(scr, 'footprint a point', scrBody({ footprint: { type: 'Point', coordinates: [127.4, 43.5] } }));
add(scr, 'footprint a line', scrBody({ footprint: { type: 'LineString', coordinates: scrRing } }));
add(scr, 'footprint a ring of 3 positions', scrBody({ footprint: { type: 'Polygon', coordinates: [scrRing.slice(0, 2)] } }));
add(scr, 'footprint longitude 200', scrBody({ footprint: { type: 'Polygon', coordinates: [[[200, 43.5], ...scrRing.slice(1)]] } }));
add(scr, 'footprint coordinates as strings', scrBody({ footprint: { type: 'Polygon', coordinates: [scrRing.map(([x, y]) => [String(x), String(y)])] } }));
add(
  scr,
  'footprint without area (collinear ring)',
  scrBody({
    footprint: {
      type: 'Polygon',
      coordinates: [
        [
          [127.4, 43.5],
          [127.5, 43.5],
          [127.6, 43.5],
          [127.4, 43.5],
        ],
      ],
    },
  }),
);
add(
  scr,
  'footprint the size of a country',
  scrBody({
    footprint: {
      type: 'Polygon',
      coordinates: [
        [
          [110, 30],
          [130, 30],
          [130, 50],
          [110, 50],
          [110, 30],
        ],
      ],
    },
  }),
);
add(scr, 'footprint of an unknown type', scrBody({ footprint: { type: 'Circle', radius: 5 } }));
add(
  scr,
  'footprint a FeatureCollection of points',
  scrBody({
    footprint: { type: 'FeatureCollection', features: [{ type: 'Feature', properties: {}, geometry: { type: 'Point', coordinates: [127.4, 43.5] } }] },
  }),
);
add(scr, 'footprint an array', scrBody({ footprint: [scrBox] }));
add(scr, 'buffer 0 km', scrBody({ buffersKm: [0] }));
add(scr, 'buffer 500 km', scrBody({ buffersKm: [500] }));
add(scr, 'six buffers', scrBody({ buffersKm: [1, 2, 3, 4, 5, 6] }));
add(scr, 'buffer a string', scrBody({ buffersKm: ['five'] }));
add(scr, 'speciesYears 0', scrBody({ speciesYears: 0 }));
add(scr, 'crs unknown', scrBody({ crs: 'epsg3857' }));
add(scr, 'dataset that does not exist', scrBody({ datasets: { protectedAreas: 999999 } }));
add(scr, 'unknown property', scrBody({ owner: 'team-x' }));
badText(scr, 'name', (b) => ({ name: `公路${b}`, footprint: scrBox }));
add(scr, 'file that is not a footprint', part('form-data; name="file"; filename="route.kml"'), MULTIPART);
add(
  scr,
  'multipart with a field part',
  part('form-data; name="file"; filename="route.kml"', '--b\r\nContent-Disposition: form-data; name="name"\r\n\r\n公路\r\n'),
  MULTIPART,
);
add({ ...scr, url: '/v1/screenings?buffersKm=five' }, 'buffers in the query not numbers', part('form-data; name="file"; filename="route.kml"'), MULTIPART);
add({ method: 'POST', url: '/v1/screenings/not-a-uuid/rerun', as: 'surveyor' }, 'rerun: id not a uuid', '{}');

// ---- PUT /v1/import-mappings/{name} (a team's saved header mapping) -------------------------------
const mapping = { method: 'PUT' as const, url: '/v1/import-mappings/hostile-target', as: 'surveyor' };
common(mapping, JSON.stringify({ columns: { 经度E: 'decimalLongitude' } }));
add(mapping, 'columns missing', '{}');
add(mapping, 'columns not an object', '{"columns": ["decimalLongitude"]}');
add(mapping, 'columns empty', '{"columns": {}}');
add(mapping, 'unknown term', JSON.stringify({ columns: { 经度E: 'longitudeOfTheThing' } }));
add(mapping, 'term not a string', JSON.stringify({ columns: { 经度E: 7 } }));
add(mapping, 'one term for two headers', JSON.stringify({ columns: { 经度E: 'decimalLongitude', lon2: 'decimalLongitude' } }));
add(mapping, 'header of 201 characters', JSON.stringify({ columns: { ['h'.repeat(201)]: 'decimalLongitude' } }));
add(mapping, 'unknown property', JSON.stringify({ columns: { 经度E: 'decimalLongitude' }, owner: 'team-x' }));
add({ ...mapping, url: '/v1/import-mappings/bad%20name!' }, 'name with a space and !', JSON.stringify({ columns: { 经度E: 'decimalLongitude' } }));
add({ ...mapping, url: `/v1/import-mappings/${'n'.repeat(65)}` }, 'name of 65 characters', JSON.stringify({ columns: { 经度E: 'decimalLongitude' } }));
badText(mapping, 'header', (b) => ({ columns: { [`经度${b}`]: 'decimalLongitude' } }));
badText(mapping, 'description', (b) => ({ columns: { 经度E: 'decimalLongitude' }, description: b }));
add({ ...imp, url: '/v1/imports?mapping=no-such-mapping' }, 'mapping that does not exist', part('form-data; name="file"; filename="a.csv"'), MULTIPART);
add({ ...imp, url: '/v1/imports?crs=epsg3857' }, 'crs not supported', part('form-data; name="file"; filename="a.csv"'), MULTIPART);

// ---- germplasm registry (issue 20): institutions and MCPD accessions ----------------------------
const inst = { method: 'POST' as const, url: '/v1/germplasm/institutions', as: 'department' };
const goodInst = { code: 'JL-H-001', name: '敌意测试种质库', type: 'seed_bank' };
common(inst, JSON.stringify(goodInst));
add(inst, 'code missing', JSON.stringify({ ...goodInst, code: undefined }));
add(inst, 'type unknown', JSON.stringify({ ...goodInst, type: 'zoo' }));
add(inst, 'code with a space', JSON.stringify({ ...goodInst, code: 'JL H 1' }));
add(inst, 'location outside WGS84', JSON.stringify({ ...goodInst, location: { type: 'Point', coordinates: [200, 95] } }));
add(inst, 'unknown property', JSON.stringify({ ...goodInst, owner: 'x' }));
badText(inst, 'name', (b) => ({ ...goodInst, name: `库${b}` }));
const acc = { method: 'POST' as const, url: '/v1/germplasm/accessions', as: 'department' };
const goodAcc = { INSTCODE: 'JL-H-001', ACCENUMB: 'H-1', GENUS: 'Glycine', SPECIES: 'soja', SAMPSTAT: 100, STORAGE: '13' };
const accWith = (patch: Record<string, unknown>) => JSON.stringify({ records: [{ ...goodAcc, ...patch }] });
common(acc, JSON.stringify({ records: [goodAcc] }));
add(acc, 'records missing', '{}');
add(acc, 'records empty', '{"records": []}');
add(acc, 'record not an object', '{"records": [1]}');
add(acc, 'institution not registered', accWith({}));
add(acc, 'SAMPSTAT not a code', accWith({ SAMPSTAT: 150 }));
add(acc, 'STORAGE not a code', accWith({ STORAGE: '13;77' }));
add(acc, 'COLLDATE 30 February', accWith({ COLLDATE: '20150230' }));
add(acc, 'LATITUDE 99 minutes', accWith({ LATITUDE: '4399--N', LONGITUDE: '12449--E' }));
add(acc, 'DECLATITUDE beyond 90', accWith({ DECLATITUDE: 95, DECLONGITUDE: 126 }));
add(acc, 'ORIGCTY not alpha-3', accWith({ ORIGCTY: 'China' }));
add(acc, 'unknown descriptor', accWith({ FOO: '1' }));
add(acc, 'descriptor an object', accWith({ GENUS: { x: 1 } }));
add(acc, 'ACCENUMB missing', accWith({ ACCENUMB: undefined }));
badText(acc, 'GENUS', (b) => ({ records: [{ ...goodAcc, GENUS: `Gly${b}` }] }));
badText(acc, 'descriptor name', (b) => ({ records: [{ ...goodAcc, [`REMARKS${b}`]: 'x' }] }));

const out = path.join(path.dirname(fileURLToPath(import.meta.url)), 'corpus.json');
writeFileSync(
  out,
  JSON.stringify(
    {
      description:
        'Hostile requests against biomon write routes; every one must be refused with a 4xx naming the failing field, and write nothing. Built by build-corpus.ts.',
      cases,
    },
    null,
    1,
  ) + '\n',
);
console.log(`${cases.length} cases → ${out}`);
