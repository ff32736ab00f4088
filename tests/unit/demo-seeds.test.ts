/**
 * Checks the approximate demo seeds in seeds/demo/ (see seeds/demo/README.md): every file parses,
 * has exactly the documented properties with allowed values, geometry is RFC 7946 (CCW exteriors,
 * 5 decimals, no self-intersections), the layers that should tile the province do so without
 * overlaps, everything lies in Jilin's bbox, and the survey's records point at existing events.
 * It reads the files only; it does not import or run the generator.
 */
import { describe, it, expect } from 'vitest';
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as turf from '@turf/turf';
import type { Feature, FeatureCollection, MultiPolygon, Point, Polygon, Position } from 'geojson';

const __dirname = path.dirname(fileURLToPath(import.meta.url));
const DEMO = path.resolve(__dirname, '../../seeds/demo');
const file = (name: string) => path.join(DEMO, name);
const readJson = <T>(name: string): T => JSON.parse(readFileSync(file(name), 'utf8')) as T;

type Poly = Polygon | MultiPolygon;
type Props = Record<string, unknown>;
type PolyFC = FeatureCollection<Poly, Props>;

const BBOX = { minLon: 121.5, maxLon: 131.5, minLat: 40.8, maxLat: 46.4 };
const LAND_COVER_CLASSES = ['forest', 'shrub_special', 'shrub', 'grassland', 'wetland', 'water', 'cropland', 'built', 'bare', 'other'];
const DESIGNATIONS = [
  'national_park',
  'nature_reserve',
  'wetland_park',
  'forest_park',
  'scenic_area',
  'geopark',
  'wetland_small_area',
  'biosphere_reserve',
  'other',
];
const PREFECTURES: Record<string, string> = {
  '220100': '长春市',
  '220200': '吉林市',
  '220300': '四平市',
  '220400': '辽源市',
  '220500': '通化市',
  '220600': '白山市',
  '220700': '松原市',
  '220800': '白城市',
  '222400': '延边朝鲜族自治州',
};

const regions = readJson<PolyFC>('regions.geojson');
const pas = readJson<PolyFC>('protected-areas.geojson');
const lc2024 = readJson<PolyFC>('land-cover.geojson');
const lc2020 = readJson<PolyFC>('land-cover-2020.geojson');
const plots = readJson<FeatureCollection<Point, Props>>('grassland-plots.geojson');
const ecosystems = readJson<PolyFC>('ecosystems.geojson');
const survey = readJson<{ events: Props[]; occurrences: Props[] }>('survey.json');
const stations = readJson<Props[]>('stations.json');

const province = regions.features.find((f) => f.properties.code === '220000')!;
const km2 = (g: Poly | Feature<Poly>) => turf.area(g) / 1e6;

function rings(g: Poly): Position[][] {
  return g.type === 'Polygon' ? g.coordinates : g.coordinates.flat();
}
function* positions(g: Poly | Point): Generator<Position> {
  if (g.type === 'Point') yield g.coordinates;
  else for (const r of rings(g)) yield* r;
}
function signedArea(r: Position[]): number {
  let s = 0;
  for (let i = 0; i < r.length - 1; i++) s += r[i][0] * r[i + 1][1] - r[i + 1][0] * r[i][1];
  return s / 2;
}
function overlapKm2(a: Poly, b: Poly): number {
  const x = turf.intersect(turf.featureCollection([turf.feature(a), turf.feature(b)]));
  return x ? km2(x.geometry as Poly) : 0;
}
function bboxesTouch(a: number[], b: number[]): boolean {
  return a[0] <= b[2] && b[0] <= a[2] && a[1] <= b[3] && b[1] <= a[3];
}
/** Total and largest pairwise overlap (km²) among features, with a bbox prefilter. */
function overlaps(features: Feature<Poly>[]): { total: number; max: number } {
  const boxes = features.map((f) => turf.bbox(f));
  let total = 0;
  let max = 0;
  for (let i = 0; i < features.length; i++) {
    for (let j = i + 1; j < features.length; j++) {
      if (!bboxesTouch(boxes[i], boxes[j])) continue;
      const a = overlapKm2(features[i].geometry, features[j].geometry);
      total += a;
      max = Math.max(max, a);
    }
  }
  return { total, max };
}
const is5dp = (x: number) => Math.abs(x * 1e5 - Math.round(x * 1e5)) < 1e-6;

/** RFC 7946 shape checks shared by every polygon layer. */
function checkPolygons(fc: PolyFC, strict: boolean) {
  expect(fc.type).toBe('FeatureCollection');
  for (const f of fc.features) {
    expect(f.type).toBe('Feature');
    expect(['Polygon', 'MultiPolygon']).toContain(f.geometry.type);
    const polys = f.geometry.type === 'Polygon' ? [f.geometry.coordinates] : f.geometry.coordinates;
    for (const p of polys) {
      p.forEach((r, k) => {
        expect(r.length).toBeGreaterThanOrEqual(4);
        expect(r[0]).toEqual(r[r.length - 1]);
        const a = signedArea(r);
        if (k === 0) expect(a, 'exterior ring must be counter-clockwise').toBeGreaterThan(0);
        else expect(a, 'holes must be clockwise').toBeLessThan(0);
      });
    }
    for (const c of positions(f.geometry)) {
      expect(c.length).toBe(2);
      expect(is5dp(c[0]) && is5dp(c[1]), `coordinates rounded to 5 decimals: ${c}`).toBe(true);
    }
    // every ring is simple (no crossing, no pinch); rings of one feature may touch at a point, as OGC allows
    for (const r of rings(f.geometry)) expect(turf.kinks(turf.lineString(r)).features.length, 'ring self-intersection').toBe(0);
    // turf's stricter validity (parts may not even touch) holds for every layer but the dissolved ecosystems
    if (strict) expect(turf.booleanValid(f), 'turf.booleanValid').toBe(true);
  }
}
function inBbox(c: Position): boolean {
  return c[0] >= BBOX.minLon && c[0] <= BBOX.maxLon && c[1] >= BBOX.minLat && c[1] <= BBOX.maxLat;
}

describe('demo seeds: files', () => {
  it('every file exists, parses and is at most ~600 KB', () => {
    expect(Object.keys(survey).sort()).toEqual(['events', 'occurrences']);
    expect(Array.isArray(stations)).toBe(true);
    for (const name of [
      'regions.geojson',
      'protected-areas.geojson',
      'land-cover.geojson',
      'land-cover-2020.geojson',
      'grassland-plots.geojson',
      'ecosystems.geojson',
      'survey.json',
      'stations.json',
      'README.md',
      'build-demo.ts',
    ]) {
      expect(statSync(file(name)).size, name).toBeLessThanOrEqual(620 * 1024);
    }
    expect(regions.features.length).toBe(12);
    expect(pas.features.length).toBeGreaterThanOrEqual(10);
    expect(lc2024.features.length).toBeGreaterThan(300);
    expect(lc2020.features.length).toBe(lc2024.features.length);
    expect(plots.features.length).toBeGreaterThanOrEqual(50);
    expect(ecosystems.features.length).toBeGreaterThanOrEqual(6);
    expect(survey.events.length).toBeGreaterThanOrEqual(15);
    expect(survey.occurrences.length).toBeGreaterThanOrEqual(250);
    expect(stations.length).toBeGreaterThanOrEqual(8);
  });

  it('polygon layers are RFC 7946: CCW exteriors, 5 decimals, simple rings', () => {
    for (const fc of [regions, pas, lc2024, lc2020]) checkPolygons(fc, true);
    checkPolygons(ecosystems, false);
  });

  it('coordinates lie within the Jilin bbox, except the protected area drawn across the border', () => {
    const crossing = new Set(pas.features.filter((f) => overlapKm2(f.geometry, province.geometry) < km2(f) - 1).map((f) => f.properties.id));
    for (const fc of [regions, pas, lc2024, lc2020, ecosystems]) {
      for (const f of fc.features) {
        if (fc === pas && crossing.has(f.properties.id)) continue;
        for (const c of positions(f.geometry)) expect(inBbox(c), `${c}`).toBe(true);
      }
    }
    for (const f of plots.features) expect(inBbox(f.geometry.coordinates)).toBe(true);
    for (const o of survey.occurrences) expect(inBbox([o.decimalLongitude as number, o.decimalLatitude as number])).toBe(true);
    for (const s of stations) expect(inBbox((s.location as Point).coordinates)).toBe(true);
  });

  it('points (plots, occurrences, stations) lie inside the province', () => {
    const pts: Position[] = [
      ...plots.features.map((f) => f.geometry.coordinates),
      ...survey.occurrences.map((o) => [o.decimalLongitude as number, o.decimalLatitude as number]),
      ...stations.map((s) => (s.location as Point).coordinates),
    ];
    for (const p of pts) expect(turf.booleanPointInPolygon(p, province), `${p}`).toBe(true);
  });
});

describe('demo seeds: regions', () => {
  const byCode = new Map(regions.features.map((f) => [f.properties.code as string, f]));
  const prefs = regions.features.filter((f) => f.properties.level === 'prefecture');

  it('has the province, its 9 prefectures and the 2 priority areas with exactly the documented properties', () => {
    const keys = ['code', 'name', 'nameEn', 'level', 'parentCode', 'officialAreaKm2', 'approximate', 'note'].sort();
    for (const f of regions.features) {
      expect(Object.keys(f.properties).sort()).toEqual(keys);
      expect(f.properties.approximate).toBe(true);
      expect(f.properties.note).toBe('近似轮廓，仅供演示 / approximate outline for demo only');
      expect(typeof f.properties.nameEn).toBe('string');
      const a = f.properties.officialAreaKm2;
      expect(a === null || (typeof a === 'number' && a > 0)).toBe(true);
    }
    expect(byCode.get('220000')!.properties).toMatchObject({ name: '吉林省', level: 'province', parentCode: null });
    expect(prefs.length).toBe(9);
    for (const [code, name] of Object.entries(PREFECTURES)) {
      expect(byCode.get(code)!.properties).toMatchObject({ name, level: 'prefecture', parentCode: '220000' });
    }
    expect(byCode.get('PA-CBS')!.properties).toMatchObject({ name: '长白山生物多样性保护优先区域', level: 'priority_area', parentCode: null });
    expect(byCode.get('PA-SNP')!.properties).toMatchObject({ name: '松嫩平原生物多样性保护优先区域', level: 'priority_area', parentCode: null });
  });

  it('prefectures are coarse (30–120 vertices)', () => {
    for (const f of prefs) {
      const n = rings(f.geometry).reduce((s, r) => s + r.length - 1, 0);
      expect(n, f.properties.name as string).toBeGreaterThanOrEqual(30);
      expect(n, f.properties.name as string).toBeLessThanOrEqual(120);
    }
  });

  it('prefectures do not overlap and their union is the province (no gaps)', () => {
    const { total, max } = overlaps(prefs);
    expect(max).toBeLessThan(0.01);
    expect(total).toBeLessThan(0.05);
    const sum = prefs.reduce((s, f) => s + km2(f), 0);
    expect(Math.abs(sum - km2(province)) / km2(province)).toBeLessThan(1e-4);
    for (const f of prefs) expect(km2(f) - overlapKm2(f.geometry, province.geometry)).toBeLessThan(0.01);
  });

  it('the province is a plausible size and priority areas lie inside it', () => {
    expect(km2(province)).toBeGreaterThan(180000);
    expect(km2(province)).toBeLessThan(195000);
    for (const code of ['PA-CBS', 'PA-SNP']) {
      const g = byCode.get(code)!.geometry;
      expect(km2(g) - overlapKm2(g, province.geometry)).toBeLessThan(0.01);
      expect(km2(g)).toBeGreaterThan(20000);
    }
  });
});

describe('demo seeds: protected areas', () => {
  const keys = ['id', 'name', 'nameEn', 'designation', 'level', 'status', 'establishedYear', 'approximate'].sort();

  it('has exactly the documented properties with allowed values', () => {
    const ids = new Set<unknown>();
    for (const f of pas.features) {
      const p = f.properties;
      expect(Object.keys(p).sort()).toEqual(keys);
      expect(ids.has(p.id)).toBe(false);
      ids.add(p.id);
      expect(DESIGNATIONS).toContain(p.designation);
      expect(['national', 'provincial']).toContain(p.level);
      expect(['designated', 'proposed']).toContain(p.status);
      expect(p.establishedYear === null || Number.isInteger(p.establishedYear)).toBe(true);
      expect(p.approximate).toBe(true);
    }
  });

  it('covers the cases the indicators must handle', () => {
    const ps = pas.features.map((f) => f.properties);
    const named = (s: string) => pas.features.find((f) => (f.properties.name as string).includes(s));
    expect(named('东北虎豹')!.properties).toMatchObject({ designation: 'national_park', establishedYear: 2021, status: 'designated' });
    expect(named('长白山国家级自然保护区')!.properties).toMatchObject({ designation: 'nature_reserve', establishedYear: 1960 });
    const bio = named('生物圈')!;
    expect(bio.properties).toMatchObject({ designation: 'biosphere_reserve', establishedYear: 1979 });
    expect(overlapKm2(bio.geometry, named('长白山国家级自然保护区')!.geometry)).toBeGreaterThan(1000);
    for (const s of ['向海', '莫莫格', '查干湖', '龙湾', '松花湖']) expect(named(s), s).toBeDefined();
    expect(ps.some((p) => p.designation === 'wetland_park')).toBe(true);
    expect(ps.some((p) => p.status === 'proposed')).toBe(true);
    expect(ps.some((p) => p.status === 'designated' && (p.establishedYear as number) > 2025)).toBe(true);
    // realistic sizes
    expect(km2(named('东北虎豹')!)).toBeGreaterThan(9000);
    expect(km2(named('东北虎豹')!)).toBeLessThan(11000);
    expect(Math.abs(km2(named('长白山国家级自然保护区')!) - 1964) / 1964).toBeLessThan(0.05);
  });

  it('two designated areas overlap each other and one sticks out of the province', () => {
    const designated = pas.features.filter((f) => f.properties.status === 'designated' && f.properties.designation !== 'biosphere_reserve');
    let overlapping = 0;
    for (let i = 0; i < designated.length; i++) {
      for (let j = i + 1; j < designated.length; j++) if (overlapKm2(designated[i].geometry, designated[j].geometry) > 1) overlapping++;
    }
    expect(overlapping).toBeGreaterThanOrEqual(1);
    const outside = designated.map((f) => km2(f) - overlapKm2(f.geometry, province.geometry));
    expect(outside.filter((a) => a > 1).length).toBe(1);
    for (const f of pas.features) expect(overlapKm2(f.geometry, province.geometry)).toBeGreaterThan(0.5 * km2(f));
  });
});

describe('demo seeds: land cover', () => {
  const share = (fc: PolyFC, classes: string[]) =>
    (100 * fc.features.filter((f) => classes.includes(f.properties.class as string)).reduce((s, f) => s + km2(f), 0)) / km2(province);

  it.each([
    ['land-cover.geojson', lc2024, 2024],
    ['land-cover-2020.geojson', lc2020, 2020],
  ] as const)('%s: properties by class', (_name, fc, year) => {
    for (const f of fc.features) {
      const p = f.properties;
      expect(LAND_COVER_CLASSES).toContain(p.class);
      expect(p.year).toBe(year);
      const expected = ['class', 'year'];
      if (p.class === 'grassland') {
        expected.push('grasslandType');
        expect(['温性草甸草原', '低地草甸', '温性草原']).toContain(p.grasslandType);
      }
      if (p.class === 'wetland') {
        expected.push('wetlandType', 'natural');
        expect(typeof p.natural).toBe('boolean');
        expect(typeof p.wetlandType).toBe('string');
      }
      expect(Object.keys(p).sort()).toEqual(expected.sort());
    }
    const classes = new Set(fc.features.map((f) => f.properties.class));
    for (const c of ['forest', 'shrub_special', 'shrub', 'grassland', 'wetland', 'water', 'cropland', 'built', 'bare']) expect(classes.has(c), c).toBe(true);
    expect(fc.features.some((f) => f.properties.class === 'wetland' && f.properties.natural === true)).toBe(true);
    expect(fc.features.some((f) => f.properties.class === 'wetland' && f.properties.natural === false)).toBe(true);
  });

  it.each([
    ['land-cover.geojson', lc2024],
    ['land-cover-2020.geojson', lc2020],
  ] as const)('%s: cells tile the province without overlaps', (_name, fc) => {
    const { total, max } = overlaps(fc.features);
    expect(max).toBeLessThan(0.01);
    expect(total).toBeLessThan(0.1);
    const sum = fc.features.reduce((s, f) => s + km2(f), 0);
    expect(Math.abs(sum - km2(province)) / km2(province)).toBeLessThan(1e-3);
  });

  it('forest + shrub_special is about 45 % in 2024 and about one point lower in 2020', () => {
    const s24 = share(lc2024, ['forest', 'shrub_special']);
    const s20 = share(lc2020, ['forest', 'shrub_special']);
    expect(s24).toBeGreaterThanOrEqual(42);
    expect(s24).toBeLessThanOrEqual(47);
    expect(s24 - s20).toBeGreaterThan(0.5);
    expect(s24 - s20).toBeLessThan(1.5);
  });
});

describe('demo seeds: grassland plots and ecosystems', () => {
  it('plots have the documented properties and sit in grassland of their own type', () => {
    const types2024 = new Set(lc2024.features.filter((f) => f.properties.class === 'grassland').map((f) => f.properties.grasslandType));
    const ids = new Set<unknown>();
    const years = new Set<string>();
    for (const f of plots.features) {
      const p = f.properties;
      expect(f.geometry.type).toBe('Point');
      expect(Object.keys(p).sort()).toEqual(['grasslandType', 'plotId', 'surveyDate', 'vegetationCover']);
      expect(ids.has(p.plotId)).toBe(false);
      ids.add(p.plotId);
      expect(types2024.has(p.grasslandType)).toBe(true);
      expect(p.vegetationCover as number).toBeGreaterThanOrEqual(0);
      expect(p.vegetationCover as number).toBeLessThanOrEqual(100);
      expect(p.surveyDate as string).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(Number.isNaN(Date.parse(p.surveyDate as string))).toBe(false);
      years.add((p.surveyDate as string).slice(0, 4));
      const lc = (p.surveyDate as string).startsWith('2020') ? lc2020 : lc2024;
      const cell = lc.features.find((c) => turf.booleanPointInPolygon(f.geometry, c));
      expect(cell?.properties).toMatchObject({ class: 'grassland', grasslandType: p.grasslandType });
    }
    expect([...years].sort()).toEqual(['2020', '2024']);
    const mean = plots.features.reduce((s, f) => s + (f.properties.vegetationCover as number), 0) / plots.features.length;
    expect(mean).toBeGreaterThan(60);
    expect(mean).toBeLessThan(85);
  });

  it('ecosystems have ecosystemType and terrestrial, partition the province and include non-terrestrial types', () => {
    for (const f of ecosystems.features) {
      expect(Object.keys(f.properties).sort()).toEqual(['ecosystemType', 'terrestrial']);
      expect(typeof f.properties.ecosystemType).toBe('string');
      expect(typeof f.properties.terrestrial).toBe('boolean');
    }
    expect(new Set(ecosystems.features.map((f) => f.properties.ecosystemType)).size).toBe(ecosystems.features.length);
    expect(ecosystems.features.some((f) => f.properties.terrestrial === false)).toBe(true);
    const { total } = overlaps(ecosystems.features);
    expect(total).toBeLessThan(0.1);
    const sum = ecosystems.features.reduce((s, f) => s + km2(f), 0);
    expect(Math.abs(sum - km2(province)) / km2(province)).toBeLessThan(1e-3);
  });
});

describe('demo seeds: survey', () => {
  const events = survey.events;
  const occ = survey.occurrences;
  const eventIds = new Set(events.map((e) => e.eventID));

  it('events are Darwin Core / Humboldt events with matching footprints', () => {
    expect(eventIds.size).toBe(events.length);
    const geomOf: Record<string, string[]> = { 样线法: ['LINESTRING'], 样方法: ['POLYGON'], 红外相机: ['POINT', 'POLYGON'] };
    for (const e of events) {
      for (const k of [
        'eventID',
        'samplingProtocol',
        'eventDate',
        'footprintWKT',
        'sampleSizeValue',
        'sampleSizeUnit',
        'isAbsenceReported',
        'targetTaxonomicScope',
        'locality',
      ]) {
        expect(e[k], `${e.eventID}.${k}`).toBeDefined();
      }
      if (e.parentEventID !== undefined) expect(eventIds.has(e.parentEventID)).toBe(true);
      expect(Object.keys(geomOf)).toContain(e.samplingProtocol);
      const kind = (e.footprintWKT as string).split(' ')[0];
      expect(geomOf[e.samplingProtocol as string]).toContain(kind);
      if (e.samplingProtocol === '红外相机' && e.parentEventID) expect(kind).toBe('POINT');
      const [a, b = a] = (e.eventDate as string).split('/');
      expect(Number.isNaN(Date.parse(a)) || Number.isNaN(Date.parse(b))).toBe(false);
      expect(Number(a.slice(0, 4))).toBeGreaterThanOrEqual(2022);
      expect(Number(b.slice(0, 4))).toBeLessThanOrEqual(2025);
      expect(['trap-days', 'km', 'hours']).toContain(e.samplingEffortUnit);
      expect(typeof e.isAbsenceReported).toBe('boolean');
      const nums = (e.footprintWKT as string).match(/-?\d+(\.\d+)?/g)!.map(Number);
      for (let i = 0; i < nums.length; i += 2) expect(inBbox([nums[i], nums[i + 1]])).toBe(true);
    }
    // both priority areas have events
    const cbs = regions.features.find((f) => f.properties.code === 'PA-CBS')!;
    const snp = regions.features.find((f) => f.properties.code === 'PA-SNP')!;
    const firstPoint = (e: Props): Position =>
      (e.footprintWKT as string)
        .match(/-?\d+(\.\d+)?/g)!
        .slice(0, 2)
        .map(Number);
    expect(events.filter((e) => turf.booleanPointInPolygon(firstPoint(e), cbs)).length).toBeGreaterThanOrEqual(5);
    expect(events.filter((e) => turf.booleanPointInPolygon(firstPoint(e), snp)).length).toBeGreaterThanOrEqual(5);
  });

  it('every occurrence is complete and its eventID exists', () => {
    const ids = new Set<unknown>();
    for (const o of occ) {
      expect(o.occurrenceID as string).toMatch(/^demo-occ-\d{4}$/);
      expect(ids.has(o.occurrenceID)).toBe(false);
      ids.add(o.occurrenceID);
      expect(eventIds.has(o.eventID), `${o.occurrenceID} -> ${o.eventID}`).toBe(true);
      expect(['HumanObservation', 'MachineObservation']).toContain(o.basisOfRecord);
      expect(o.scientificName as string).toMatch(/^[A-Z][a-z]+ [a-z]+( [a-z]+)?$/);
      expect(typeof o.vernacularName).toBe('string');
      expect(Number.isNaN(Date.parse(o.eventDate as string))).toBe(false);
      expect(o.geodeticDatum).toBe('WGS84');
      expect(['present', 'absent']).toContain(o.occurrenceStatus);
      expect(Number.isInteger(o.individualCount)).toBe(true);
      if (o.occurrenceStatus === 'absent') expect(o.individualCount).toBe(0);
      expect(o.coordinateUncertaintyInMeters as number).toBeGreaterThan(0);
      expect(typeof o.recordedBy).toBe('string');
      expect(typeof o.locality).toBe('string');
      const ev = events.find((e) => e.eventID === o.eventID)!;
      expect(o.basisOfRecord === 'MachineObservation').toBe(ev.samplingProtocol === '红外相机');
    }
    expect(occ.filter((o) => o.occurrenceStatus === 'absent').length).toBeGreaterThan(0);
    expect(occ.filter((o) => o.occurrenceStatus === 'present').length).toBeGreaterThan(0.9 * occ.length);
  });

  it('tigers are inside the tiger & leopard park; some protected species are recorded only outside protected areas', () => {
    const counted = pas.features.filter(
      (f) => f.properties.status === 'designated' && f.properties.designation !== 'biosphere_reserve' && (f.properties.establishedYear as number) <= 2025,
    );
    const inAnyPa = (o: Props) => counted.some((f) => turf.booleanPointInPolygon([o.decimalLongitude as number, o.decimalLatitude as number], f));
    const park = pas.features.find((f) => (f.properties.name as string).includes('东北虎豹'))!;
    const tigers = occ.filter((o) => o.scientificName === 'Panthera tigris altaica');
    expect(tigers.length).toBeGreaterThan(5);
    for (const o of tigers) expect(turf.booleanPointInPolygon([o.decimalLongitude as number, o.decimalLatitude as number], park)).toBe(true);
    for (const sci of ['Panax ginseng', 'Martes zibellina', 'Grus vipio']) {
      const rs = occ.filter((o) => o.scientificName === sci && o.occurrenceStatus === 'present');
      expect(rs.length, sci).toBeGreaterThan(0);
      expect(rs.some(inAnyPa), sci).toBe(false);
    }
    for (const sci of ['Grus japonensis', 'Grus leucogeranus', 'Ciconia boyciana', 'Mergus squamatus', 'Taxus cuspidata']) {
      expect(
        occ.some((o) => o.scientificName === sci && o.occurrenceStatus === 'present' && inAnyPa(o)),
        sci,
      ).toBe(true);
    }
  });
});

describe('demo seeds: stations', () => {
  it('stations have the documented shape', () => {
    const ids = new Set<unknown>();
    const dsIds = new Set<unknown>();
    for (const s of stations) {
      expect(ids.has(s.stationId)).toBe(false);
      ids.add(s.stationId);
      expect(typeof s.name).toBe('string');
      expect(['eco_station', 'camera_trap', 'acoustic', 'hydrological', 'weather', 'other']).toContain(s.type);
      expect((s.location as Point).type).toBe('Point');
      expect([null, 'PA-CBS', 'PA-SNP']).toContain(s.priorityArea);
      if (s.priorityArea) {
        const pa = regions.features.find((f) => f.properties.code === s.priorityArea)!;
        expect(turf.booleanPointInPolygon((s.location as Point).coordinates, pa)).toBe(true);
      }
      expect(typeof s.department).toBe('string');
      const streams = s.datastreams as Props[];
      expect(streams.length).toBeGreaterThan(0);
      for (const d of streams) {
        expect(dsIds.has(d.datastreamId)).toBe(false);
        dsIds.add(d.datastreamId);
        expect(typeof d.observedProperty).toBe('string');
        expect(d.unitOfMeasurement).toMatchObject({ symbol: expect.any(String), name: expect.any(String) });
        expect(['number', 'integer', 'boolean', 'string', 'json']).toContain(d.resultType);
        if (d.validRange !== undefined) {
          const [lo, hi] = d.validRange as number[];
          expect(lo).toBeLessThan(hi);
        }
        expect(Number.isInteger(d.expectedIntervalSeconds) && (d.expectedIntervalSeconds as number) > 0).toBe(true);
      }
    }
    const types = new Set(stations.map((s) => s.type));
    for (const t of ['eco_station', 'camera_trap', 'acoustic', 'hydrological', 'weather']) expect(types.has(t), t).toBe(true);
  });
});
