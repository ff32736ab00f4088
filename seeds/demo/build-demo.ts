/**
 * biomon demo seeds — deterministic generator of every file in seeds/demo/.
 *
 *   npx tsx seeds/demo/build-demo.ts            (run from the repository root)
 *
 * Everything written here is APPROXIMATE DEMO DATA made for this project: coarse outlines,
 * synthetic land cover, synthetic survey records. Nothing here is an official boundary or a
 * real observation. See seeds/demo/README.md.
 *
 * Step 1 (regions.geojson) needs, at generation time only:
 *   - the DataV prefecture file (GCJ-02), default ../shared/data/jilin-prefectures.geojson
 *     relative to the repository root (override: JILIN_PREFECTURES=/path/file.geojson);
 *   - mapshaper 0.7.70 installed OUTSIDE the repository, e.g.
 *       mkdir -p /tmp/gen && cd /tmp/gen && npm i mapshaper@0.7.70
 *     default /tmp/gen/node_modules/.bin/mapshaper (override: MAPSHAPER=/path/to/mapshaper).
 * If either is missing, the existing seeds/demo/regions.geojson is reused (and must exist);
 * every other file is derived from it with @turf/turf and a seeded PRNG only, so the run is
 * reproducible byte for byte.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import * as turf from '@turf/turf';
import { mulberry32 } from '@biomon/core';
import gcoord from 'gcoord';
import type { Feature, FeatureCollection, Geometry, MultiPolygon, Point, Polygon, Position } from 'geojson';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.resolve(HERE, '../..');
const SOURCE = process.env.JILIN_PREFECTURES ?? path.resolve(REPO, '../shared/data/jilin-prefectures.geojson');
const MAPSHAPER = process.env.MAPSHAPER ?? '/tmp/gen/node_modules/.bin/mapshaper';
const OUT = HERE;

const NOTE = '近似轮廓，仅供演示 / approximate outline for demo only';
const FILE_NOTE = 'biomon demo data: approximate, project-made, not official (see seeds/demo/README.md)';

type Poly = Polygon | MultiPolygon;
type PolyFeature = Feature<Poly>;

// ---------------------------------------------------------------------------------------------
// small helpers

/** mulberry32 (@biomon/core): every random choice below comes from one of these. */
const prng = mulberry32;

/** Deterministic hash of a lattice point to [0, 1). */
function hash2(i: number, j: number, seed: number): number {
  let h = (Math.imul(i, 374761393) + Math.imul(j, 668265263) + Math.imul(seed, 1442695041)) | 0;
  h = Math.imul(h ^ (h >>> 13), 1274126177);
  h ^= h >>> 16;
  return (h >>> 0) / 4294967296;
}

/** Smooth value noise in [-1, 1] on a lattice of `scale` degrees. */
function valueNoise(x: number, y: number, scale: number, seed: number): number {
  const fx = x / scale;
  const fy = y / scale;
  const i = Math.floor(fx);
  const j = Math.floor(fy);
  const s = (t: number) => t * t * (3 - 2 * t);
  const tx = s(fx - i);
  const ty = s(fy - j);
  const a = hash2(i, j, seed);
  const b = hash2(i + 1, j, seed);
  const c = hash2(i, j + 1, seed);
  const d = hash2(i + 1, j + 1, seed);
  return 2 * (a * (1 - tx) * (1 - ty) + b * tx * (1 - ty) + c * (1 - tx) * ty + d * tx * ty) - 1;
}

const r5 = (x: number): number => {
  const v = Math.round(x * 1e5) / 1e5;
  return Object.is(v, -0) ? 0 : v;
};
const pt = (c: Position): Position => [r5(c[0]), r5(c[1])];

function ringSignedArea(r: Position[]): number {
  let s = 0;
  for (let i = 0; i < r.length - 1; i++) s += r[i][0] * r[i + 1][1] - r[i + 1][0] * r[i][1];
  return s / 2;
}

/**
 * Rounds to 5 decimals, drops repeated vertices and collapsed rings, and orients rings as
 * RFC 7946 wants (exterior counter-clockwise, holes clockwise). Returns null if nothing is left.
 */
function finish(g: Geometry | null | undefined): Poly | null {
  if (!g) return null;
  let polys: Position[][][];
  if (g.type === 'Polygon') polys = [g.coordinates];
  else if (g.type === 'MultiPolygon') polys = g.coordinates;
  else if (g.type === 'GeometryCollection') {
    polys = [];
    for (const x of g.geometries) {
      const f = finish(x);
      if (f) polys.push(...(f.type === 'Polygon' ? [f.coordinates] : f.coordinates));
    }
  } else return null;
  const out: Position[][][] = [];
  for (const p of polys) {
    const rings: Position[][] = [];
    for (let k = 0; k < p.length; k++) {
      const rr: Position[] = [];
      for (const c of p[k]) {
        const q = pt(c);
        const last = rr[rr.length - 1];
        if (!last || last[0] !== q[0] || last[1] !== q[1]) rr.push(q);
      }
      if (rr.length > 1 && rr[0][0] === rr[rr.length - 1][0] && rr[0][1] === rr[rr.length - 1][1]) rr.pop();
      if (rr.length < 3) {
        if (k === 0) break;
        continue;
      }
      rr.push([rr[0][0], rr[0][1]]);
      const a = ringSignedArea(rr);
      if (Math.abs(a) < 1e-9) {
        if (k === 0) break;
        continue;
      }
      if ((k === 0 && a < 0) || (k > 0 && a > 0)) rr.reverse();
      rings.push(rr);
    }
    if (rings.length) out.push(rings);
  }
  if (!out.length) return null;
  const fixed = splitPinches(out);
  return fixed.length === 1 ? { type: 'Polygon', coordinates: fixed[0] } : { type: 'MultiPolygon', coordinates: fixed };
}

/** Splits a closed ring (first = last) into simple loops at every vertex it visits twice. */
function splitRing(r: Position[]): Position[][] {
  const loops: Position[][] = [];
  const stack: Position[] = [];
  const seen = new Map<string, number>();
  for (let i = 0; i < r.length - 1; i++) {
    const key = `${r[i][0]},${r[i][1]}`;
    const at = seen.get(key);
    if (at !== undefined) {
      const loop = stack.splice(at + 1);
      for (const p of loop) seen.delete(`${p[0]},${p[1]}`);
      loop.unshift(stack[at]);
      loop.push(stack[at]);
      if (loop.length >= 4) loops.push(loop);
    } else {
      seen.set(key, stack.length);
      stack.push(r[i]);
    }
  }
  if (stack.length >= 3) loops.push([...stack, stack[0]]);
  return loops;
}

/**
 * Unions of grid cells (polyclip) can return rings that touch themselves at a vertex, which
 * OGC/PostGIS call invalid. Splits such rings into simple loops and reassembles the polygons:
 * counter-clockwise loops are shells, clockwise loops are holes of the smallest shell holding them.
 */
function splitPinches(polys: Position[][][]): Position[][][] {
  const loops = polys.flat();
  if (loops.every((r) => splitRing(r).length === 1)) return polys;
  const shells: { ring: Position[]; area: number; holes: Position[][] }[] = [];
  const holes: Position[][] = [];
  for (const r of loops) {
    for (const l of splitRing(r)) {
      const a = ringSignedArea(l);
      if (Math.abs(a) < 1e-9) continue;
      if (a > 0) shells.push({ ring: l, area: a, holes: [] });
      else holes.push(l);
    }
  }
  shells.sort((x, y) => x.area - y.area);
  for (const h of holes) {
    const probe = turf.pointOnFeature(turf.polygon([[...h].reverse()])).geometry.coordinates;
    const shell = shells.find((s) => turf.booleanPointInPolygon(probe, turf.polygon([s.ring])));
    if (!shell) throw new Error('hole without shell');
    shell.holes.push(h);
  }
  shells.sort((x, y) => y.area - x.area);
  return shells.map((s) => [s.ring, ...s.holes]);
}

function polyFeature(geometry: Poly, properties: Record<string, unknown> = {}): PolyFeature {
  return { type: 'Feature', properties, geometry };
}

function intersectPoly(a: Poly, b: Poly): Poly | null {
  const r = turf.intersect(turf.featureCollection([polyFeature(a), polyFeature(b)]));
  return r ? finish(r.geometry) : null;
}

function unionPolys(gs: Poly[]): Poly | null {
  if (!gs.length) return null;
  if (gs.length === 1) return gs[0];
  const r = turf.union(turf.featureCollection(gs.map((g) => polyFeature(g))));
  return r ? finish(r.geometry) : null;
}

const km2 = (g: Poly): number => turf.area(g) / 1e6;

function inside(p: Position, g: Poly): boolean {
  return turf.booleanPointInPolygon(p, g);
}

/** One feature a line: small diffs, readable, still valid JSON. */
function writeFC(name: string, features: Feature[], members: Record<string, unknown> = {}): void {
  const head = JSON.stringify({ type: 'FeatureCollection', ...members }).slice(0, -1);
  const body = features.map((f) => JSON.stringify(f)).join(',\n');
  const text = `${head},"features":[\n${body}\n]}\n`;
  fs.writeFileSync(path.join(OUT, name), text);
  console.log(`wrote ${name}: ${features.length} features, ${(text.length / 1024).toFixed(1)} KiB`);
}

function writeJSON(name: string, value: unknown): void {
  const text = `${JSON.stringify(value, null, 1)}\n`;
  fs.writeFileSync(path.join(OUT, name), text);
  console.log(`wrote ${name}: ${(Buffer.byteLength(text) / 1024).toFixed(1)} KiB`);
}

// ---------------------------------------------------------------------------------------------
// 1. regions

const PREFECTURES: Record<string, { name: string; nameEn: string }> = {
  '220100': { name: '长春市', nameEn: 'Changchun' },
  '220200': { name: '吉林市', nameEn: 'Jilin City' },
  '220300': { name: '四平市', nameEn: 'Siping' },
  '220400': { name: '辽源市', nameEn: 'Liaoyuan' },
  '220500': { name: '通化市', nameEn: 'Tonghua' },
  '220600': { name: '白山市', nameEn: 'Baishan' },
  '220700': { name: '松原市', nameEn: 'Songyuan' },
  '220800': { name: '白城市', nameEn: 'Baicheng' },
  '222400': { name: '延边朝鲜族自治州', nameEn: 'Yanbian Korean Autonomous Prefecture' },
};

/**
 * Priority areas: hand-drawn coarse outlines (WGS84), clipped to the province below.
 * 长白山: the south-eastern mountains — east 通化 (集安), all of 白山, southern and eastern 延边.
 * 松嫩平原: the western plain — 白城, 松原, the west of 长春 (农安) and north-west 四平.
 */
const PA_CBS_DRAFT: Position[] = [
  [125.95, 40.85],
  [126.1, 41.45],
  [126.35, 41.95],
  [126.75, 42.4],
  [127.3, 42.7],
  [127.85, 42.95],
  [128.45, 43.3],
  [129.1, 43.3],
  [129.55, 43.45],
  [129.9, 43.85],
  [130.3, 44.1],
  [131.4, 44.1],
  [131.4, 42.2],
  [130.3, 42.2],
  [129.0, 41.8],
  [128.1, 41.3],
  [126.9, 40.8],
  [125.95, 40.85],
];
const PA_SNP_DRAFT: Position[] = [
  [121.4, 44.25],
  [121.4, 46.5],
  [124.6, 46.5],
  [125.45, 45.7],
  [125.55, 45.15],
  [125.2, 44.6],
  [124.55, 44.2],
  [123.9, 43.85],
  [123.1, 43.75],
  [122.4, 44.0],
  [121.4, 44.25],
];

function buildRegions(): FeatureCollection<Poly> {
  const canRegen = fs.existsSync(SOURCE) && fs.existsSync(MAPSHAPER);
  const target = path.join(OUT, 'regions.geojson');
  if (!canRegen) {
    if (!fs.existsSync(target)) {
      throw new Error(`regions.geojson missing and cannot be regenerated: need ${SOURCE} and ${MAPSHAPER} (see header)`);
    }
    console.log(`regions: source or mapshaper not found, reusing ${path.relative(REPO, target)}`);
    return JSON.parse(fs.readFileSync(target, 'utf8')) as FeatureCollection<Poly>;
  }
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'biomon-demo-'));
  try {
    const src = JSON.parse(fs.readFileSync(SOURCE, 'utf8')) as FeatureCollection<MultiPolygon, { adcode: number }>;
    // GCJ-02 -> WGS84, vertex by vertex: shared vertices stay shared.
    const wgs = {
      type: 'FeatureCollection',
      features: src.features.map((f) => ({
        type: 'Feature',
        properties: { code: String(f.properties.adcode) },
        geometry: {
          type: 'MultiPolygon',
          coordinates: f.geometry.coordinates.map((p) =>
            p.map((r) => r.map((c) => gcoord.transform([c[0], c[1]] as [number, number], gcoord.GCJ02, gcoord.WGS84) as Position)),
          ),
        },
      })),
    };
    const wgsFile = path.join(tmp, 'pref-wgs84.json');
    fs.writeFileSync(wgsFile, JSON.stringify(wgs));
    const prefFile = path.join(tmp, 'pref-simple.json');
    const provFile = path.join(tmp, 'province.json');
    // -clean removes the source's slivers and tiny gaps; the simplification works on shared arcs,
    // so neighbouring prefectures keep identical borders; precision rounds on the arcs too.
    execFileSync(MAPSHAPER, ['-i', wgsFile, '-clean', '-simplify', '10%', 'keep-shapes', '-o', prefFile, 'format=geojson', 'precision=0.00001'], {
      stdio: 'pipe',
    });
    execFileSync(MAPSHAPER, ['-i', prefFile, '-dissolve', '-o', provFile, 'format=geojson', 'geojson-type=FeatureCollection', 'precision=0.00001'], {
      stdio: 'pipe',
    });
    const prefs = JSON.parse(fs.readFileSync(prefFile, 'utf8')) as FeatureCollection<Poly, { code: string }>;
    const prov = JSON.parse(fs.readFileSync(provFile, 'utf8')) as FeatureCollection<Poly>;
    if (prefs.features.length !== 9 || prov.features.length !== 1) throw new Error('unexpected mapshaper output');
    const province = finish(prov.features[0].geometry);
    if (!province) throw new Error('empty province');
    const features: PolyFeature[] = [
      polyFeature(province, {
        code: '220000',
        name: '吉林省',
        nameEn: 'Jilin Province',
        level: 'province',
        parentCode: null,
        officialAreaKm2: 187400,
        approximate: true,
        note: NOTE,
      }),
    ];
    const sorted = [...prefs.features].sort((a, b) => a.properties.code.localeCompare(b.properties.code));
    for (const f of sorted) {
      const meta = PREFECTURES[f.properties.code];
      if (!meta) throw new Error(`unknown prefecture code ${f.properties.code}`);
      const g = finish(f.geometry);
      if (!g) throw new Error(`empty prefecture ${f.properties.code}`);
      features.push(
        polyFeature(g, {
          code: f.properties.code,
          name: meta.name,
          nameEn: meta.nameEn,
          level: 'prefecture',
          parentCode: '220000',
          officialAreaKm2: null,
          approximate: true,
          note: NOTE,
        }),
      );
    }
    const cbs = intersectPoly({ type: 'Polygon', coordinates: [PA_CBS_DRAFT] }, province);
    const snp = intersectPoly({ type: 'Polygon', coordinates: [PA_SNP_DRAFT] }, province);
    if (!cbs || !snp) throw new Error('priority area outside province');
    features.push(
      polyFeature(cbs, {
        code: 'PA-CBS',
        name: '长白山生物多样性保护优先区域',
        nameEn: 'Changbai Mountains Biodiversity Conservation Priority Area',
        level: 'priority_area',
        parentCode: null,
        officialAreaKm2: null,
        approximate: true,
        note: NOTE,
      }),
    );
    features.push(
      polyFeature(snp, {
        code: 'PA-SNP',
        name: '松嫩平原生物多样性保护优先区域',
        nameEn: 'Songnen Plain Biodiversity Conservation Priority Area',
        level: 'priority_area',
        parentCode: null,
        officialAreaKm2: null,
        approximate: true,
        note: NOTE,
      }),
    );
    const fc: FeatureCollection<Poly> = { type: 'FeatureCollection', features };
    writeFC('regions.geojson', features, { name: 'biomon demo regions (Jilin)', note: FILE_NOTE });
    return fc;
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------
// 2. protected areas

interface PaSpec {
  id: string;
  name: string;
  nameEn: string;
  designation: string;
  level: 'national' | 'provincial';
  status: 'designated' | 'proposed';
  establishedYear: number | null;
  draft: Position[];
  /** area to scale the (clipped) outline to, km² — roughly the published size */
  targetKm2: number;
  /** false: keep the outline as drawn, even where it leaves the province */
  clip?: boolean;
}

const PA_SPECS: PaSpec[] = [
  {
    id: 'demo-pa-01',
    name: '东北虎豹国家公园（吉林片区）',
    nameEn: 'Northeast China Tiger and Leopard National Park (Jilin part)',
    designation: 'national_park',
    level: 'national',
    status: 'designated',
    establishedYear: 2021,
    targetKm2: 10000,
    draft: [
      [129.75, 43.25],
      [129.85, 43.7],
      [130.0, 44.25],
      [130.7, 44.3],
      [131.45, 43.7],
      [131.45, 42.8],
      [130.9, 42.3],
      [130.45, 42.45],
      [130.2, 42.85],
      [129.9, 43.0],
      [129.75, 43.25],
    ],
  },
  {
    id: 'demo-pa-02',
    name: '珲春东北虎国家级自然保护区',
    nameEn: 'Hunchun Amur Tiger National Nature Reserve',
    designation: 'nature_reserve',
    level: 'national',
    status: 'designated',
    establishedYear: 2001,
    targetKm2: 1087,
    draft: [
      [130.5, 42.62],
      [130.62, 42.85],
      [130.85, 43.15],
      [131.05, 43.4],
      [131.35, 43.4],
      [131.25, 42.95],
      [130.85, 42.68],
      [130.62, 42.42],
      [130.5, 42.62],
    ],
  },
  {
    id: 'demo-pa-03',
    name: '长白山国家级自然保护区',
    nameEn: 'Changbaishan National Nature Reserve',
    designation: 'nature_reserve',
    level: 'national',
    status: 'designated',
    establishedYear: 1960,
    targetKm2: 1965,
    draft: [
      [127.72, 42.12],
      [127.9, 42.42],
      [128.1, 42.45],
      [128.28, 42.27],
      [128.26, 42.02],
      [128.08, 41.97],
      [127.95, 41.72],
      [127.8, 41.8],
      [127.72, 42.12],
    ],
  },
  {
    id: 'demo-pa-04',
    name: '长白山生物圈保护区',
    nameEn: 'Changbaishan Biosphere Reserve (UNESCO MAB)',
    designation: 'biosphere_reserve',
    level: 'national',
    status: 'designated',
    establishedYear: 1979,
    targetKm2: 2300,
    draft: [
      [127.68, 42.12],
      [127.88, 42.46],
      [128.12, 42.5],
      [128.33, 42.28],
      [128.3, 42.0],
      [128.08, 41.93],
      [127.93, 41.68],
      [127.75, 41.77],
      [127.68, 42.12],
    ],
  },
  {
    id: 'demo-pa-05',
    name: '向海国家级自然保护区',
    nameEn: 'Xianghai National Nature Reserve',
    designation: 'nature_reserve',
    level: 'national',
    status: 'designated',
    establishedYear: 1981,
    targetKm2: 1055,
    draft: [
      [122.12, 44.88],
      [122.12, 45.1],
      [122.3, 45.28],
      [122.52, 45.22],
      [122.55, 44.98],
      [122.36, 44.84],
      [122.12, 44.88],
    ],
  },
  {
    // drawn over the 嫩江 (the Jilin–Heilongjiang border): its coarse outline leaves the province
    id: 'demo-pa-06',
    name: '莫莫格国家级自然保护区',
    nameEn: 'Momoge National Nature Reserve',
    designation: 'nature_reserve',
    level: 'national',
    status: 'designated',
    establishedYear: 1981,
    targetKm2: 1440,
    clip: false,
    draft: [
      [123.48, 45.75],
      [123.52, 46.08],
      [123.78, 46.25],
      [124.12, 46.2],
      [124.22, 45.98],
      [124.08, 45.74],
      [123.8, 45.66],
      [123.48, 45.75],
    ],
  },
  {
    id: 'demo-pa-07',
    name: '查干湖国家级自然保护区',
    nameEn: 'Chagan Lake National Nature Reserve',
    designation: 'nature_reserve',
    level: 'national',
    status: 'designated',
    establishedYear: 1986,
    targetKm2: 507,
    draft: [
      [124.12, 45.12],
      [124.14, 45.34],
      [124.3, 45.42],
      [124.46, 45.33],
      [124.42, 45.14],
      [124.26, 45.08],
      [124.12, 45.12],
    ],
  },
  {
    id: 'demo-pa-08',
    name: '龙湾国家级自然保护区',
    nameEn: 'Longwan National Nature Reserve',
    designation: 'nature_reserve',
    level: 'national',
    status: 'designated',
    establishedYear: 1991,
    targetKm2: 151,
    draft: [
      [126.28, 42.28],
      [126.32, 42.4],
      [126.45, 42.42],
      [126.5, 42.32],
      [126.42, 42.25],
      [126.28, 42.28],
    ],
  },
  {
    id: 'demo-pa-09',
    name: '松花湖国家级风景名胜区',
    nameEn: 'Songhua Lake National Scenic Area',
    designation: 'scenic_area',
    level: 'national',
    status: 'designated',
    establishedYear: 1988,
    targetKm2: 550,
    draft: [
      [126.6, 43.72],
      [126.72, 43.75],
      [126.9, 43.55],
      [127.08, 43.32],
      [127.02, 43.25],
      [126.85, 43.4],
      [126.66, 43.6],
      [126.6, 43.72],
    ],
  },
  {
    id: 'demo-pa-10',
    name: '净月潭国家森林公园',
    nameEn: 'Jingyuetan National Forest Park',
    designation: 'forest_park',
    level: 'national',
    status: 'designated',
    establishedYear: 1989,
    targetKm2: 96,
    draft: [
      [125.42, 43.76],
      [125.45, 43.83],
      [125.53, 43.83],
      [125.56, 43.77],
      [125.5, 43.72],
      [125.42, 43.76],
    ],
  },
  {
    id: 'demo-pa-11',
    name: '大安嫩江湾国家湿地公园',
    nameEn: "Da'an Nenjiang Bay National Wetland Park",
    designation: 'wetland_park',
    level: 'national',
    status: 'designated',
    establishedYear: 2013,
    targetKm2: 60,
    draft: [
      [124.2, 45.47],
      [124.22, 45.54],
      [124.32, 45.55],
      [124.35, 45.49],
      [124.28, 45.45],
      [124.2, 45.47],
    ],
  },
  {
    id: 'demo-pa-12',
    name: '长白山国家公园（创建区，演示）',
    nameEn: 'Changbaishan National Park (candidate, demo)',
    designation: 'national_park',
    level: 'national',
    status: 'proposed',
    establishedYear: null,
    targetKm2: 2800,
    draft: [
      [127.62, 42.1],
      [127.85, 42.5],
      [128.15, 42.55],
      [128.4, 42.3],
      [128.33, 41.98],
      [128.05, 41.9],
      [127.93, 41.62],
      [127.7, 41.72],
      [127.62, 42.1],
    ],
  },
  {
    id: 'demo-pa-13',
    name: '松原哈达山湿地保护小区（演示，2030 年设立）',
    nameEn: 'Songyuan Hadashan Small Wetland Area (demo, established 2030)',
    designation: 'wetland_small_area',
    level: 'provincial',
    status: 'designated',
    establishedYear: 2030,
    targetKm2: 25,
    draft: [
      [124.62, 45.02],
      [124.64, 45.07],
      [124.72, 45.08],
      [124.74, 45.03],
      [124.68, 45.0],
      [124.62, 45.02],
    ],
  },
];

function buildProtectedAreas(province: Poly): PolyFeature[] {
  const out: PolyFeature[] = [];
  for (const s of PA_SPECS) {
    const draft = polyFeature({ type: 'Polygon', coordinates: [s.draft] });
    const centre = turf.centroid(draft);
    const shape = (k: number): Poly | null => {
      const scaled = turf.transformScale(draft, k, { origin: centre }).geometry as Poly;
      return s.clip === false ? finish(scaled) : intersectPoly(scaled, province);
    };
    // bisection on the scale factor until the (clipped) area is within 1 % of the target
    let lo = 0.05;
    let hi = 4;
    let g = shape(1);
    for (let i = 0; i < 40; i++) {
      const mid = (lo + hi) / 2;
      g = shape(mid);
      const a = g ? km2(g) : 0;
      if (Math.abs(a - s.targetKm2) / s.targetKm2 < 0.01) break;
      if (a < s.targetKm2) lo = mid;
      else hi = mid;
    }
    if (!g) throw new Error(`PA ${s.id} vanished`);
    out.push(
      polyFeature(g, {
        id: s.id,
        name: s.name,
        nameEn: s.nameEn,
        designation: s.designation,
        level: s.level,
        status: s.status,
        establishedYear: s.establishedYear,
        approximate: true,
      }),
    );
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// 3. land cover (two vintages) and 5. ecosystems

type LcClass = 'forest' | 'shrub_special' | 'shrub' | 'grassland' | 'wetland' | 'water' | 'cropland' | 'built' | 'bare' | 'other';
interface Cover {
  cls: LcClass;
  grasslandType?: string;
  wetlandType?: string;
  natural?: boolean;
}
interface Cell {
  i: number;
  j: number;
  geom: Poly;
  area: number;
  centre: Position;
  /** eastness/forest score */
  score: number;
  cover?: Cover;
}

const STEP = 0.2;
const LON0 = 121.6;
const LAT0 = 40.8;

/** West limit of the closed eastern forest, as lon by lat (a coarse reading of the 长白山 foothills). */
const FOREST_FRONT: [number, number][] = [
  [40.8, 125.05],
  [41.5, 125.15],
  [42.0, 125.2],
  [42.6, 125.05],
  [43.0, 125.5],
  [43.4, 125.95],
  [43.8, 126.3],
  [44.2, 126.65],
  [44.6, 127.0],
  [45.0, 127.4],
  [46.4, 127.8],
];
function frontLon(lat: number): number {
  if (lat <= FOREST_FRONT[0][0]) return FOREST_FRONT[0][1];
  for (let k = 1; k < FOREST_FRONT.length; k++) {
    const [la1, lo1] = FOREST_FRONT[k];
    const [la0, lo0] = FOREST_FRONT[k - 1];
    if (lat <= la1) return lo0 + ((lat - la0) / (la1 - la0)) * (lo1 - lo0);
  }
  return FOREST_FRONT[FOREST_FRONT.length - 1][1];
}

// Places given a fixed cover (the cell containing the point).
const CITIES: Position[] = [
  [125.32, 43.88],
  [125.32, 43.72], // 长春 (two cells)
  [126.55, 43.84], // 吉林
  [124.37, 43.17], // 四平
  [125.14, 42.89], // 辽源
  [125.94, 41.73], // 通化
  [126.42, 41.94], // 白山
  [124.83, 45.14], // 松原
  [122.84, 45.62], // 白城
  [129.5, 42.9], // 延吉
];
const LAKES: Position[] = [
  [124.28, 45.25], // 查干湖
  [126.75, 43.55],
  [126.95, 43.33], // 松花湖
  [123.92, 45.72], // 月亮泡
];
const WETLANDS: { at: Position; wetlandType: string; natural: boolean }[] = [
  { at: [124.3, 45.42], wetlandType: '湖泊湿地', natural: true }, // 查干湖 north shore
  { at: [124.1, 45.2], wetlandType: '沼泽湿地', natural: true }, // 查干湖 west
  { at: [124.25, 45.5], wetlandType: '河流湿地', natural: true }, // 嫩江 at 大安
  { at: [124.7, 45.33], wetlandType: '河流湿地', natural: true }, // 嫩江–松花江 confluence
  { at: [124.95, 45.42], wetlandType: '河流湿地', natural: true }, // 三岔河
  { at: [123.55, 45.35], wetlandType: '沼泽湿地', natural: true }, // 牛心套保
  { at: [126.5, 42.22], wetlandType: '沼泽湿地', natural: true }, // 哈尼
  { at: [128.55, 43.62], wetlandType: '沼泽湿地', natural: true }, // 雁鸣湖
  { at: [130.6, 42.62], wetlandType: '河流湿地', natural: true }, // 图们江口 (敬信)
  { at: [125.77, 43.93], wetlandType: '水库', natural: false }, // 石头口门水库
  { at: [124.83, 43.2], wetlandType: '水库', natural: false }, // 二龙湖
  { at: [123.3, 45.55], wetlandType: '人工湿地', natural: false }, // 镇赉 paddy wetland
];
const SALINE: Position[] = [
  [123.7, 45.1],
  [124.0, 44.95],
  [123.5, 45.2],
  [124.4, 44.8],
  [123.3, 44.65],
  [123.9, 45.45],
];
const SANDY_SHRUB: Position[] = [
  [122.6, 44.55],
  [122.9, 44.5],
  [122.3, 44.75],
];
const ALPINE: Position[] = [[128.05, 42.06]]; // 长白山 summit: tundra and volcanic rock -> other
/** Forest outside the mountains (净月潭 south-east of 长春). */
const FOREST_PATCHES: Position[] = [[125.5, 43.78]];
/** Valley basins and county towns inside the mountains: cropland, never forest. */
const BASINS: Position[] = [
  [129.3, 42.78],
  [129.7, 42.9],
  [129.5, 42.7],
  [128.23, 43.37],
  [128.05, 43.5],
  [125.7, 42.53],
  [126.75, 42.98],
  [127.35, 43.72],
  [129.0, 42.55],
  [130.37, 42.87],
  [129.77, 43.32],
  [129.85, 43.0],
  [128.9, 43.1],
  [126.19, 41.13],
  [126.92, 41.81],
  [127.27, 42.33],
  [126.8, 42.39],
  [128.2, 41.42],
  [126.95, 44.41],
  [125.65, 42.25],
];

const FOREST_TARGET_2024 = 0.453; // forest + shrub_special share of the province
const FOREST_DROP_2020 = 0.01; // 2020 has about one point less

function grassTypeAt(lon: number, lat: number): string {
  if (lat > 45.35 && lon < 123.3) return '温性草甸草原';
  if (lat < 45.0 && lon < 123.9) return '温性草原';
  return '低地草甸';
}

function buildCells(province: Poly, pas: PolyFeature[], snp: Poly): Cell[] {
  const [minX, minY, maxX, maxY] = turf.bbox(province);
  const cells: Cell[] = [];
  const nI = Math.ceil((maxX - LON0) / STEP);
  const nJ = Math.ceil((maxY - LAT0) / STEP);
  if (minX < LON0 || minY < LAT0) throw new Error('grid origin must be south-west of the province');
  for (let j = 0; j < nJ; j++) {
    for (let i = 0; i < nI; i++) {
      const x0 = r5(LON0 + i * STEP);
      const x1 = r5(LON0 + (i + 1) * STEP);
      const y0 = r5(LAT0 + j * STEP);
      const y1 = r5(LAT0 + (j + 1) * STEP);
      const sq: Poly = {
        type: 'Polygon',
        coordinates: [
          [
            [x0, y0],
            [x1, y0],
            [x1, y1],
            [x0, y1],
            [x0, y0],
          ],
        ],
      };
      const g = intersectPoly(sq, province);
      if (!g) continue;
      const area = km2(g);
      if (area < 0.0005) continue; // a rounding crumb (< 500 m²): leave it out rather than ship a sliver
      const c = turf.pointOnFeature(polyFeature(g)).geometry.coordinates;
      const centre: Position = inside([(x0 + x1) / 2, (y0 + y1) / 2], g) ? [(x0 + x1) / 2, (y0 + y1) / 2] : c;
      const [lon, lat] = centre;
      const score = lon - frontLon(lat) + 0.6 * valueNoise(lon, lat, 0.7, 11) + 0.2 * valueNoise(lon, lat, 0.3, 23);
      cells.push({ i, j, geom: g, area, centre, score });
    }
  }
  const cellAt = (p: Position): Cell => {
    const c = cells.find((x) => inside(p, x.geom));
    if (!c) throw new Error(`no land-cover cell at ${p}`);
    return c;
  };
  const set = (p: Position, cover: Cover) => {
    cellAt(p).cover = cover;
  };

  // fixed covers
  for (const p of BASINS) set(p, { cls: 'cropland' });
  for (const p of SANDY_SHRUB) set(p, { cls: 'shrub_special' });
  for (const p of SALINE) set(p, { cls: 'bare' });
  for (const p of ALPINE) set(p, { cls: 'other' });
  for (const p of FOREST_PATCHES) set(p, { cls: 'forest' });
  // reserves of the west: most of the cells they cover are marsh, some steppe / water
  const rnd = prng(20240601);
  const momoge = pas.find((f) => f.properties?.id === 'demo-pa-06')!.geometry;
  const xianghai = pas.find((f) => f.properties?.id === 'demo-pa-05')!.geometry;
  for (const c of cells) {
    for (const [pa, wetShare] of [
      [momoge, 0.85],
      [xianghai, 0.6],
    ] as const) {
      const ov = intersectPoly(c.geom, pa);
      if (ov && km2(ov) / c.area > 0.35 && !c.cover) {
        const r = rnd();
        c.cover =
          r < wetShare
            ? { cls: 'wetland', wetlandType: '沼泽湿地', natural: true }
            : { cls: 'grassland', grasslandType: grassTypeAt(c.centre[0], c.centre[1]) };
      }
    }
  }
  for (const w of WETLANDS) set(w.at, { cls: 'wetland', wetlandType: w.wetlandType, natural: w.natural });
  for (const p of LAKES) set(p, { cls: 'water' });
  for (const p of CITIES) set(p, { cls: 'built' });

  // forest: the best-scored free cells until forest + shrub_special reaches the target share
  const total = cells.reduce((s, c) => s + c.area, 0);
  let forested = cells.filter((c) => c.cover?.cls === 'shrub_special' || c.cover?.cls === 'forest').reduce((s, c) => s + c.area, 0);
  // scattered farmland and villages in the mountain valleys
  const rv = prng(1109);
  for (const c of cells) if (!c.cover && c.score > 0.3 && rv() < 0.07) c.cover = { cls: 'cropland' };
  const free = cells.filter((c) => !c.cover && c.score > -0.6).sort((a, b) => b.score - a.score || a.j - b.j || a.i - b.i);
  let k = 0;
  for (; k < free.length && forested < FOREST_TARGET_2024 * total; k++) {
    const c = free[k];
    if (forested + c.area / 2 > FOREST_TARGET_2024 * total) break;
    c.cover = { cls: 'forest' };
    forested += c.area;
  }
  // the fringe just beyond the forest: a band of shrub and cropland
  for (let n = 0; k < free.length && n < 12; k++, n++) free[k].cover = { cls: n % 2 === 0 ? 'shrub' : 'cropland' };

  // the west: steppe, saline patches and farmland
  const rw = prng(424242);
  for (const c of cells) {
    if (c.cover) continue;
    const [lon, lat] = c.centre;
    const west = inside(c.centre, snp) || (lon < 124.0 && lat < 44.3);
    if (west && lon < 124.9) {
      const r = rw();
      const pGrass = lon < 123.6 ? 0.4 : 0.22;
      if (r < pGrass) c.cover = { cls: 'grassland', grasslandType: grassTypeAt(lon, lat) };
      else if (r < pGrass + 0.06) c.cover = { cls: 'bare' };
      else c.cover = { cls: 'cropland' };
    } else c.cover = { cls: 'cropland' };
  }
  return cells;
}

function coverProps(cover: Cover, year: number): Record<string, unknown> {
  const p: Record<string, unknown> = { class: cover.cls };
  if (cover.cls === 'grassland') p.grasslandType = cover.grasslandType;
  if (cover.cls === 'wetland') {
    p.wetlandType = cover.wetlandType;
    p.natural = cover.natural;
  }
  p.year = year;
  return p;
}

/** 2020: the weakest-scored forest cells of 2024 were not yet forest (afforestation since). */
function cover2020(cells: Cell[]): Map<Cell, Cover> {
  const total = cells.reduce((s, c) => s + c.area, 0);
  const m = new Map<Cell, Cover>();
  const forest = cells.filter((c) => c.cover!.cls === 'forest' && c.area > 150).sort((a, b) => a.score - b.score || a.j - b.j || a.i - b.i);
  let dropped = 0;
  let n = 0;
  for (const c of forest) {
    if (dropped + c.area / 2 > FOREST_DROP_2020 * total) break;
    m.set(c, { cls: n % 3 === 0 ? 'shrub' : 'cropland' });
    dropped += c.area;
    n++;
  }
  return m;
}

/**
 * The forest-loss patch (issue 18): a box of about 0.012° × 0.008° (≈ 87 ha) cut out of a full forest
 * cell that lies inside 长白山国家级自然保护区 (demo-pa-03) and no other counted protected area:
 * forest in 2020, bare (a clearing) in 2024. Both vintages carry the cell as the cell minus the box
 * (a polygon with a hole) plus the box, so they keep the same features; the land-cover change from
 * 2020 to 2024 then shows ≈ 87 ha forest → bare inside demo-pa-03, and one forest-loss alert.
 */
const LOSS_PA = 'demo-pa-03';
const LOSS_HALF: [number, number] = [0.006, 0.004];

function forestLossPatch(cells: Cell[], pas: PolyFeature[], m2020: Map<Cell, Cover>): { cell: Cell; hole: Poly; patch: Poly } {
  const pa = pas.find((f) => f.properties!.id === LOSS_PA)!.geometry;
  const others = pas.filter(
    (f) =>
      f.properties!.id !== LOSS_PA &&
      f.properties!.status === 'designated' &&
      f.properties!.designation !== 'biosphere_reserve' &&
      ((f.properties!.establishedYear as number | null) ?? 0) <= 2024,
  );
  const candidates = cells
    .filter((c) => c.cover!.cls === 'forest' && !m2020.has(c) && c.geom.type === 'Polygon' && c.geom.coordinates.length === 1 && c.area > 300)
    .sort((a, b) => a.j - b.j || a.i - b.i);
  for (const c of candidates) {
    const [cx, cy] = [r5(LON0 + (c.i + 0.5) * STEP), r5(LAT0 + (c.j + 0.5) * STEP)];
    const [x0, x1, y0, y1] = [r5(cx - LOSS_HALF[0]), r5(cx + LOSS_HALF[0]), r5(cy - LOSS_HALF[1]), r5(cy + LOSS_HALF[1])];
    const ring: Position[] = [
      [x0, y0],
      [x1, y0],
      [x1, y1],
      [x0, y1],
      [x0, y0],
    ];
    if (!ring.every((p) => inside(p, pa) && inside(p, c.geom) && others.every((o) => !inside(p, o.geometry)))) continue;
    const patch: Poly = { type: 'Polygon', coordinates: [ring] };
    const hole = finish({ type: 'Polygon', coordinates: [(c.geom as Polygon).coordinates[0], [...ring].reverse()] })!;
    return { cell: c, hole, patch };
  }
  throw new Error(`no full forest cell inside ${LOSS_PA} for the forest-loss patch`);
}

function ecosystemOf(c: Cell): { ecosystemType: string; terrestrial: boolean } {
  const cv = c.cover!;
  switch (cv.cls) {
    case 'forest':
      return { ecosystemType: c.score > 1.1 || (c.centre[1] < 42.6 && c.centre[0] > 127.2) ? '温带针阔混交林' : '温带落叶阔叶林', terrestrial: true };
    case 'shrub_special':
    case 'shrub':
      return { ecosystemType: '温带灌丛', terrestrial: true };
    case 'grassland':
      return {
        ecosystemType: cv.grasslandType === '温性草原' ? '温带草原' : cv.grasslandType === '低地草甸' ? '温带草甸' : '温带草甸草原',
        terrestrial: true,
      };
    case 'wetland':
      return cv.natural ? { ecosystemType: '内陆湿地', terrestrial: true } : { ecosystemType: '水库与坑塘', terrestrial: false };
    case 'water':
      return { ecosystemType: '湖泊', terrestrial: false };
    case 'cropland':
      return { ecosystemType: '农田', terrestrial: true };
    case 'built':
      return { ecosystemType: '城镇', terrestrial: true };
    case 'bare':
      return { ecosystemType: '盐碱裸地', terrestrial: true };
    default:
      return { ecosystemType: '高山苔原', terrestrial: true };
  }
}

// ---------------------------------------------------------------------------------------------
// 4. grassland plots

function randomPointIn(g: Poly, rnd: () => number): Position {
  const [a, b, c, d] = turf.bbox(g);
  for (let n = 0; n < 1000; n++) {
    const p: Position = [r5(a + (c - a) * rnd()), r5(b + (d - b) * rnd())];
    if (inside(p, g)) return p;
  }
  throw new Error('no point found in polygon');
}

function buildPlots(cells: Cell[], snp: Poly): Feature<Point>[] {
  const rnd = prng(7020);
  const grass = cells.filter((c) => c.cover!.cls === 'grassland' && inside(c.centre, snp));
  const base: Record<string, number> = { 温性草甸草原: 78, 低地草甸: 73, 温性草原: 67 };
  const gauss = () => (rnd() + rnd() + rnd() + rnd() - 2) * 1.73; // ~N(0,1)
  const out: Feature<Point>[] = [];
  const plan: [number, number][] = [
    [2024, 46],
    [2020, 16],
  ];
  for (const [year, count] of plan) {
    const order = [...grass].sort((a, b) => hash2(a.i, a.j, year) - hash2(b.i, b.j, year));
    for (let n = 0; n < count; n++) {
      const c = order[n % order.length];
      const type = c.cover!.grasslandType!;
      const cover = Math.max(45, Math.min(92, base[type] - (year === 2020 ? 3 : 0) + 5 * gauss()));
      const month = 7 + Math.floor(rnd() * 2);
      const day = 1 + Math.floor(rnd() * (month === 7 ? 31 : 31));
      out.push({
        type: 'Feature',
        properties: {
          plotId: `demo-gp-${year}-${String(n + 1).padStart(3, '0')}`,
          grasslandType: type,
          vegetationCover: Math.round(cover * 10) / 10,
          surveyDate: `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`,
        },
        geometry: { type: 'Point', coordinates: randomPointIn(c.geom, rnd) },
      });
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// 6. survey events and occurrences

interface Taxon {
  sci: string;
  vern: string;
  rank: 'species' | 'subspecies';
}
const T: Record<string, Taxon> = {
  tiger: { sci: 'Panthera tigris altaica', vern: '东北虎', rank: 'subspecies' },
  leopard: { sci: 'Panthera pardus orientalis', vern: '东北豹', rank: 'subspecies' },
  musk: { sci: 'Moschus moschiferus', vern: '原麝', rank: 'species' },
  sika: { sci: 'Cervus nippon', vern: '梅花鹿', rank: 'species' },
  sable: { sci: 'Martes zibellina', vern: '紫貂', rank: 'species' },
  bear: { sci: 'Ursus thibetanus', vern: '黑熊', rank: 'species' },
  redCrane: { sci: 'Grus japonensis', vern: '丹顶鹤', rank: 'species' },
  siberianCrane: { sci: 'Grus leucogeranus', vern: '白鹤', rank: 'species' },
  napedCrane: { sci: 'Grus vipio', vern: '白枕鹤', rank: 'species' },
  stork: { sci: 'Ciconia boyciana', vern: '东方白鹳', rank: 'species' },
  merganser: { sci: 'Mergus squamatus', vern: '中华秋沙鸭', rank: 'species' },
  mandarin: { sci: 'Aix galericulata', vern: '鸳鸯', rank: 'species' },
  grouse: { sci: 'Tetrastes bonasia', vern: '花尾榛鸡', rank: 'species' },
  yew: { sci: 'Taxus cuspidata', vern: '东北红豆杉', rank: 'species' },
  ginseng: { sci: 'Panax ginseng', vern: '人参', rank: 'species' },
  pine: { sci: 'Pinus koraiensis', vern: '红松', rank: 'species' },
  roe: { sci: 'Capreolus pygargus', vern: '狍', rank: 'species' },
  boar: { sci: 'Sus scrofa', vern: '野猪', rank: 'species' },
  pheasant: { sci: 'Phasianus colchicus', vern: '环颈雉', rank: 'species' },
  ragweed: { sci: 'Ambrosia artemisiifolia', vern: '豚草', rank: 'species' },
  giantRagweed: { sci: 'Ambrosia trifida', vern: '三裂叶豚草', rank: 'species' },
  buffaloBur: { sci: 'Solanum rostratum', vern: '刺萼龙葵', rank: 'species' },
  sandbur: { sci: 'Cenchrus spinifex', vern: '少花蒺藜草', rank: 'species' },
};

type Protocol = '样线法' | '样方法' | '红外相机';
interface EventSpec {
  eventID: string;
  parentEventID?: string;
  protocol: Protocol;
  eventDate: string;
  /** LINESTRING vertices, POLYGON centre (plots are squares of `plotSide` m), POINT, or a parent's polygon ring */
  geom: Position[];
  plotSide?: number;
  sampleSizeValue: number;
  sampleSizeUnit: string;
  samplingEffortValue?: number;
  samplingEffortUnit?: string;
  isAbsenceReported: boolean;
  targetTaxonomicScope: string;
  locality: string;
  team: string;
  /** [taxon, records, min count, max count, status] */
  records: [keyof typeof T, number, number, number, ('present' | 'absent')?][];
}

const TEAM_CT = '东北虎豹国家公园红外相机监测组';
const TEAM_CBS = '长白山综合科学考察队';
const TEAM_MMG = '莫莫格湿地鸟类调查组';
const TEAM_XH = '向海湿地鸟类调查组';
const TEAM_INV = '松嫩平原外来入侵植物调查组';
const TEAM_CC = '长春市外来入侵物种普查组';

const CT_SPECIES_2023: EventSpec['records'] = [
  ['tiger', 4, 1, 1],
  ['leopard', 3, 1, 1],
  ['sika', 4, 1, 3],
  ['boar', 5, 1, 6],
  ['roe', 5, 1, 2],
  ['bear', 1, 1, 1],
];

const EVENTS: EventSpec[] = [
  // --- 长白山 priority area: camera traps in the tiger & leopard park, 2023 season
  {
    eventID: 'demo-ev-ct-2023',
    protocol: '红外相机',
    eventDate: '2023-03-01/2023-08-31',
    geom: [
      [130.55, 42.8],
      [131.05, 42.8],
      [131.05, 43.45],
      [130.55, 43.45],
      [130.55, 42.8],
    ],
    sampleSizeValue: 4,
    sampleSizeUnit: 'camera trap stations',
    samplingEffortValue: 736,
    samplingEffortUnit: 'trap-days',
    isAbsenceReported: false,
    targetTaxonomicScope: '大中型兽类',
    locality: '吉林省珲春市（东北虎豹国家公园红外相机网格）',
    team: TEAM_CT,
    records: [],
  },
  {
    eventID: 'demo-ev-ct-2023-hc01',
    parentEventID: 'demo-ev-ct-2023',
    protocol: '红外相机',
    eventDate: '2023-03-01/2023-08-31',
    geom: [[130.78, 42.95]],
    sampleSizeValue: 1,
    sampleSizeUnit: 'camera trap station',
    samplingEffortValue: 184,
    samplingEffortUnit: 'trap-days',
    isAbsenceReported: false,
    targetTaxonomicScope: '大中型兽类',
    locality: '吉林省珲春市春化镇',
    team: TEAM_CT,
    records: [...CT_SPECIES_2023, ['musk', 2, 1, 1]],
  },
  {
    eventID: 'demo-ev-ct-2023-hc02',
    parentEventID: 'demo-ev-ct-2023',
    protocol: '红外相机',
    eventDate: '2023-03-01/2023-08-31',
    geom: [[130.92, 43.12]],
    sampleSizeValue: 1,
    sampleSizeUnit: 'camera trap station',
    samplingEffortValue: 184,
    samplingEffortUnit: 'trap-days',
    isAbsenceReported: false,
    targetTaxonomicScope: '大中型兽类',
    locality: '吉林省珲春市马滴达镇',
    team: TEAM_CT,
    records: CT_SPECIES_2023,
  },
  {
    eventID: 'demo-ev-ct-2023-hc03',
    parentEventID: 'demo-ev-ct-2023',
    protocol: '红外相机',
    eventDate: '2023-03-01/2023-08-31',
    geom: [[130.65, 43.3]],
    sampleSizeValue: 1,
    sampleSizeUnit: 'camera trap station',
    samplingEffortValue: 180,
    samplingEffortUnit: 'trap-days',
    isAbsenceReported: false,
    targetTaxonomicScope: '大中型兽类',
    locality: '吉林省珲春市哈达门乡',
    team: TEAM_CT,
    records: CT_SPECIES_2023,
  },
  {
    eventID: 'demo-ev-ct-2023-hc04',
    parentEventID: 'demo-ev-ct-2023',
    protocol: '红外相机',
    eventDate: '2023-03-01/2023-08-31',
    geom: [[130.6, 42.62]],
    sampleSizeValue: 1,
    sampleSizeUnit: 'camera trap station',
    samplingEffortValue: 188,
    samplingEffortUnit: 'trap-days',
    isAbsenceReported: false,
    targetTaxonomicScope: '大中型兽类',
    locality: '吉林省珲春市敬信镇',
    team: TEAM_CT,
    records: [
      ['tiger', 3, 1, 2],
      ['leopard', 4, 1, 1],
      ['sika', 5, 1, 4],
      ['boar', 4, 1, 5],
      ['roe', 4, 1, 2],
    ],
  },
  // --- winter 2024/25 cameras in the 汪清 part of the park
  {
    eventID: 'demo-ev-ct-2024',
    protocol: '红外相机',
    eventDate: '2024-10-01/2025-03-31',
    geom: [
      [130.1, 43.45],
      [130.6, 43.45],
      [130.6, 43.85],
      [130.1, 43.85],
      [130.1, 43.45],
    ],
    sampleSizeValue: 2,
    sampleSizeUnit: 'camera trap stations',
    samplingEffortValue: 352,
    samplingEffortUnit: 'trap-days',
    isAbsenceReported: false,
    targetTaxonomicScope: '大中型兽类',
    locality: '吉林省汪清县（东北虎豹国家公园）',
    team: TEAM_CT,
    records: [],
  },
  {
    eventID: 'demo-ev-ct-2024-wq01',
    parentEventID: 'demo-ev-ct-2024',
    protocol: '红外相机',
    eventDate: '2024-10-01/2025-03-31',
    geom: [[130.3, 43.62]],
    sampleSizeValue: 1,
    sampleSizeUnit: 'camera trap station',
    samplingEffortValue: 176,
    samplingEffortUnit: 'trap-days',
    isAbsenceReported: false,
    targetTaxonomicScope: '大中型兽类',
    locality: '吉林省汪清县复兴镇',
    team: TEAM_CT,
    records: [
      ['tiger', 4, 1, 1],
      ['leopard', 2, 1, 1],
      ['sika', 6, 1, 5],
      ['boar', 6, 1, 8],
      ['roe', 6, 1, 3],
      ['musk', 2, 1, 1],
      ['bear', 1, 1, 1],
    ],
  },
  {
    eventID: 'demo-ev-ct-2024-wq02',
    parentEventID: 'demo-ev-ct-2024',
    protocol: '红外相机',
    eventDate: '2024-10-01/2025-03-31',
    geom: [[130.22, 43.78]],
    sampleSizeValue: 1,
    sampleSizeUnit: 'camera trap station',
    samplingEffortValue: 176,
    samplingEffortUnit: 'trap-days',
    isAbsenceReported: false,
    targetTaxonomicScope: '大中型兽类',
    locality: '吉林省汪清县天桥岭镇',
    team: TEAM_CT,
    records: [
      ['tiger', 3, 1, 1],
      ['sika', 5, 1, 4],
      ['boar', 6, 1, 7],
      ['roe', 6, 1, 3],
      ['musk', 1, 1, 1],
    ],
  },
  // --- 长白山 reserve and surroundings
  {
    eventID: 'demo-ev-cbs-river-2023',
    protocol: '样线法',
    eventDate: '2023-04-18/2023-04-20',
    geom: [
      [128.08, 42.15],
      [128.1, 42.22],
      [128.12, 42.3],
      [128.13, 42.38],
    ],
    sampleSizeValue: 26,
    sampleSizeUnit: 'km',
    samplingEffortValue: 26,
    samplingEffortUnit: 'km',
    isAbsenceReported: true,
    targetTaxonomicScope: '水鸟',
    locality: '吉林省安图县二道白河（长白山国家级自然保护区）',
    team: TEAM_CBS,
    records: [
      ['merganser', 5, 1, 6],
      ['mandarin', 3, 2, 8],
    ],
  },
  {
    eventID: 'demo-ev-cbs-transect-2022',
    protocol: '样线法',
    eventDate: '2022-06-10/2022-06-12',
    geom: [
      [127.9, 42.2],
      [127.98, 42.24],
      [128.05, 42.28],
    ],
    sampleSizeValue: 13,
    sampleSizeUnit: 'km',
    samplingEffortValue: 13,
    samplingEffortUnit: 'km',
    isAbsenceReported: false,
    targetTaxonomicScope: '兽类和鸟类',
    locality: '吉林省抚松县（长白山国家级自然保护区西坡）',
    team: TEAM_CBS,
    records: [
      ['roe', 4, 1, 3],
      ['boar', 4, 1, 5],
      ['bear', 2, 1, 1],
      ['grouse', 3, 1, 4],
      ['sika', 2, 1, 2],
    ],
  },
  {
    eventID: 'demo-ev-cbs-plot-2024',
    protocol: '样方法',
    eventDate: '2024-07-22',
    geom: [[128.02, 42.33]],
    plotSide: 100,
    sampleSizeValue: 10000,
    sampleSizeUnit: 'square metres',
    samplingEffortValue: 6,
    samplingEffortUnit: 'hours',
    isAbsenceReported: true,
    targetTaxonomicScope: '木本植物',
    locality: '吉林省安图县（长白山国家级自然保护区北坡阔叶红松林样地）',
    team: TEAM_CBS,
    records: [
      ['pine', 4, 3, 40],
      ['yew', 3, 1, 6],
    ],
  },
  {
    eventID: 'demo-ev-fs-plot-2024',
    protocol: '样方法',
    eventDate: '2024-08-06',
    geom: [[127.38, 42.2]],
    plotSide: 100,
    sampleSizeValue: 10000,
    sampleSizeUnit: 'square metres',
    samplingEffortValue: 5,
    samplingEffortUnit: 'hours',
    isAbsenceReported: true,
    targetTaxonomicScope: '维管植物',
    locality: '吉林省抚松县露水河镇（保护地外样地）',
    team: TEAM_CBS,
    records: [
      ['ginseng', 3, 1, 3],
      ['pine', 3, 2, 25],
      ['yew', 1, 1, 2],
    ],
  },
  {
    eventID: 'demo-ev-hl-transect-2025',
    protocol: '样线法',
    eventDate: '2025-01-14/2025-01-16',
    geom: [
      [128.88, 42.4],
      [128.95, 42.45],
      [129.02, 42.52],
    ],
    sampleSizeValue: 11,
    sampleSizeUnit: 'km',
    samplingEffortValue: 11,
    samplingEffortUnit: 'km',
    isAbsenceReported: false,
    targetTaxonomicScope: '兽类（雪地足迹）',
    locality: '吉林省和龙市南坪林场',
    team: TEAM_CBS,
    records: [
      ['sable', 4, 1, 1],
      ['roe', 3, 1, 4],
      ['boar', 3, 1, 6],
    ],
  },
  // --- 松嫩平原 priority area: cranes and storks
  {
    eventID: 'demo-ev-mmg-spring-2023',
    protocol: '样线法',
    eventDate: '2023-04-02/2023-04-05',
    geom: [
      [123.62, 45.82],
      [123.7, 45.9],
      [123.78, 45.97],
      [123.85, 46.05],
    ],
    sampleSizeValue: 32,
    sampleSizeUnit: 'km',
    samplingEffortValue: 32,
    samplingEffortUnit: 'km',
    isAbsenceReported: true,
    targetTaxonomicScope: '鹤类和鹳类',
    locality: '吉林省镇赉县莫莫格国家级自然保护区',
    team: TEAM_MMG,
    records: [
      ['redCrane', 8, 2, 12],
      ['siberianCrane', 10, 5, 260],
      ['stork', 5, 2, 18],
      ['pheasant', 3, 1, 3],
    ],
  },
  {
    eventID: 'demo-ev-mmg-autumn-2024',
    protocol: '样线法',
    eventDate: '2024-10-12/2024-10-15',
    geom: [
      [123.65, 45.78],
      [123.75, 45.85],
      [123.88, 45.9],
      [123.95, 46.0],
    ],
    sampleSizeValue: 30,
    sampleSizeUnit: 'km',
    samplingEffortValue: 30,
    samplingEffortUnit: 'km',
    isAbsenceReported: true,
    targetTaxonomicScope: '鹤类和鹳类',
    locality: '吉林省镇赉县莫莫格国家级自然保护区',
    team: TEAM_MMG,
    records: [
      ['siberianCrane', 12, 10, 420],
      ['redCrane', 6, 2, 9],
      ['stork', 4, 3, 25],
      ['napedCrane', 1, 0, 0, 'absent'],
    ],
  },
  {
    eventID: 'demo-ev-xh-2024',
    protocol: '样线法',
    eventDate: '2024-05-08/2024-05-10',
    geom: [
      [122.22, 44.98],
      [122.3, 45.03],
      [122.38, 45.08],
    ],
    sampleSizeValue: 18,
    sampleSizeUnit: 'km',
    samplingEffortValue: 18,
    samplingEffortUnit: 'km',
    isAbsenceReported: true,
    targetTaxonomicScope: '鹤类和鹳类',
    locality: '吉林省通榆县向海国家级自然保护区',
    team: TEAM_XH,
    records: [
      ['redCrane', 8, 2, 10],
      ['stork', 4, 2, 12],
      ['pheasant', 4, 1, 4],
      ['siberianCrane', 1, 0, 0, 'absent'],
    ],
  },
  {
    eventID: 'demo-ev-ty-farmland-2025',
    protocol: '样线法',
    eventDate: '2025-04-10/2025-04-11',
    geom: [
      [123.0, 44.72],
      [123.08, 44.76],
      [123.16, 44.8],
    ],
    sampleSizeValue: 14,
    sampleSizeUnit: 'km',
    samplingEffortValue: 14,
    samplingEffortUnit: 'km',
    isAbsenceReported: false,
    targetTaxonomicScope: '鸟类',
    locality: '吉林省通榆县新华镇农田（保护地外）',
    team: TEAM_XH,
    records: [
      ['napedCrane', 5, 2, 14],
      ['pheasant', 4, 1, 5],
    ],
  },
  {
    eventID: 'demo-ev-cgh-2022',
    protocol: '样线法',
    eventDate: '2022-09-20/2022-09-21',
    geom: [
      [124.18, 45.2],
      [124.26, 45.3],
      [124.34, 45.36],
    ],
    sampleSizeValue: 15,
    sampleSizeUnit: 'km',
    samplingEffortValue: 15,
    samplingEffortUnit: 'km',
    isAbsenceReported: true,
    targetTaxonomicScope: '鸟类',
    locality: '吉林省前郭尔罗斯蒙古族自治县查干湖国家级自然保护区',
    team: TEAM_MMG,
    records: [
      ['pheasant', 3, 1, 4],
      ['siberianCrane', 2, 3, 30],
      ['stork', 1, 0, 0, 'absent'],
    ],
  },
  // --- invasive plants, west and centre
  {
    eventID: 'demo-ev-inv-ty-2024',
    protocol: '样方法',
    eventDate: '2024-08-15',
    geom: [[123.22, 44.88]],
    plotSide: 50,
    sampleSizeValue: 2500,
    sampleSizeUnit: 'square metres',
    samplingEffortValue: 3,
    samplingEffortUnit: 'hours',
    isAbsenceReported: false,
    targetTaxonomicScope: '外来入侵植物',
    locality: '吉林省通榆县开通镇路边草地',
    team: TEAM_INV,
    records: [
      ['sandbur', 6, 20, 400],
      ['buffaloBur', 5, 5, 120],
    ],
  },
  {
    eventID: 'demo-ev-inv-bc-2022',
    protocol: '样方法',
    eventDate: '2022-08-20',
    geom: [[122.95, 45.55]],
    plotSide: 50,
    sampleSizeValue: 2500,
    sampleSizeUnit: 'square metres',
    samplingEffortValue: 3,
    samplingEffortUnit: 'hours',
    isAbsenceReported: false,
    targetTaxonomicScope: '外来入侵植物',
    locality: '吉林省白城市洮北区城郊荒地',
    team: TEAM_INV,
    records: [
      ['buffaloBur', 4, 10, 200],
      ['sandbur', 3, 10, 150],
    ],
  },
  {
    eventID: 'demo-ev-inv-cc-2023',
    protocol: '样方法',
    eventDate: '2023-08-28',
    geom: [[125.25, 43.95]],
    plotSide: 50,
    sampleSizeValue: 2500,
    sampleSizeUnit: 'square metres',
    samplingEffortValue: 2,
    samplingEffortUnit: 'hours',
    isAbsenceReported: false,
    targetTaxonomicScope: '外来入侵植物',
    locality: '吉林省长春市绿园区铁路沿线',
    team: TEAM_CC,
    records: [
      ['ragweed', 6, 10, 300],
      ['giantRagweed', 5, 5, 80],
    ],
  },
  {
    eventID: 'demo-ev-inv-cc-2025',
    protocol: '样方法',
    eventDate: '2025-08-19',
    geom: [[125.45, 43.68]],
    plotSide: 50,
    sampleSizeValue: 2500,
    sampleSizeUnit: 'square metres',
    samplingEffortValue: 2,
    samplingEffortUnit: 'hours',
    isAbsenceReported: false,
    targetTaxonomicScope: '外来入侵植物',
    locality: '吉林省长春市双阳区公路边坡',
    team: TEAM_CC,
    records: [
      ['ragweed', 4, 10, 200],
      ['giantRagweed', 4, 5, 60],
      ['buffaloBur', 2, 5, 40],
    ],
  },
];

const fmt = (v: number) => String(r5(v));
function wkt(e: EventSpec): string {
  if (e.protocol === '红外相机' && e.geom.length === 1) return `POINT (${fmt(e.geom[0][0])} ${fmt(e.geom[0][1])})`;
  if (e.protocol === '样线法') return `LINESTRING (${e.geom.map((c) => `${fmt(c[0])} ${fmt(c[1])}`).join(', ')})`;
  return `POLYGON ((${eventRing(e)
    .map((c) => `${fmt(c[0])} ${fmt(c[1])}`)
    .join(', ')}))`;
}
/** plot squares (counter-clockwise) or a parent's grid polygon */
function eventRing(e: EventSpec): Position[] {
  if (e.geom.length > 1) return e.geom.map(pt);
  const [lon, lat] = e.geom[0];
  const half = (e.plotSide ?? 100) / 2;
  const dLat = half / 111320;
  const dLon = half / (111320 * Math.cos((lat * Math.PI) / 180));
  return [
    [lon - dLon, lat - dLat],
    [lon + dLon, lat - dLat],
    [lon + dLon, lat + dLat],
    [lon - dLon, lat + dLat],
    [lon - dLon, lat - dLat],
  ].map(pt);
}

function datesIn(interval: string): [Date, Date] {
  const [a, b] = interval.split('/');
  const start = new Date(`${a}T00:00:00+08:00`);
  const end = new Date(`${b ?? a}T23:59:59+08:00`);
  return [start, end];
}
/** ISO 8601 local time with the +08:00 offset */
function isoLocal(d: Date): string {
  const t = new Date(d.getTime() + 8 * 3600 * 1000).toISOString().slice(0, 19);
  return `${t}+08:00`;
}

function buildSurvey() {
  const rnd = prng(1960);
  const events = EVENTS.map((e) => {
    const ev: Record<string, unknown> = { eventID: e.eventID };
    if (e.parentEventID) ev.parentEventID = e.parentEventID;
    Object.assign(ev, {
      samplingProtocol: e.protocol,
      eventDate: e.eventDate,
      footprintWKT: wkt(e),
      footprintSRS: 'EPSG:4326',
      sampleSizeValue: e.sampleSizeValue,
      sampleSizeUnit: e.sampleSizeUnit,
      samplingEffortValue: e.samplingEffortValue ?? null,
      samplingEffortUnit: e.samplingEffortUnit ?? null,
      isAbsenceReported: e.isAbsenceReported,
      targetTaxonomicScope: e.targetTaxonomicScope,
      locality: e.locality,
    });
    return ev;
  });
  const occurrences: Record<string, unknown>[] = [];
  let n = 0;
  for (const e of EVENTS) {
    const [start, end] = datesIn(e.eventDate);
    const line = e.protocol === '样线法' ? turf.lineString(e.geom) : null;
    const lineKm = line ? turf.length(line) : 0;
    const ring = e.protocol === '样方法' ? eventRing(e) : null;
    for (const [key, count, min, max, status = 'present'] of e.records) {
      const tx = T[key];
      for (let k = 0; k < count; k++) {
        let pos: Position;
        let unc: number;
        if (line) {
          const along = turf.along(line, rnd() * lineKm).geometry.coordinates;
          pos = [along[0] + (rnd() - 0.5) * 0.003, along[1] + (rnd() - 0.5) * 0.002];
          unc = 100 + Math.round(rnd() * 15) * 10;
        } else if (ring) {
          const [x0, y0] = ring[0];
          const [x1, y1] = ring[2];
          pos = [x0 + (x1 - x0) * (0.05 + 0.9 * rnd()), y0 + (y1 - y0) * (0.05 + 0.9 * rnd())];
          unc = 30;
        } else {
          pos = e.geom[0];
          unc = 30;
        }
        const when = new Date(start.getTime() + rnd() * (end.getTime() - start.getTime()));
        const camera = e.protocol === '红外相机';
        const eventDate = camera ? isoLocal(new Date(Math.floor(when.getTime() / 1000) * 1000)) : isoLocal(when).slice(0, 10);
        const individualCount = status === 'absent' ? 0 : min + Math.floor(rnd() * (max - min + 1));
        n++;
        occurrences.push({
          occurrenceID: `demo-occ-${String(n).padStart(4, '0')}`,
          eventID: e.eventID,
          basisOfRecord: camera ? 'MachineObservation' : 'HumanObservation',
          scientificName: tx.sci,
          vernacularName: tx.vern,
          taxonRank: tx.rank,
          eventDate,
          decimalLatitude: r5(pos[1]),
          decimalLongitude: r5(pos[0]),
          geodeticDatum: 'WGS84',
          coordinateUncertaintyInMeters: unc,
          individualCount,
          occurrenceStatus: status,
          recordedBy: e.team,
          samplingProtocol: e.protocol,
          locality: e.locality,
        });
      }
    }
  }
  // one historical interview record with a coarse location (uncertainty > 10 km: does not qualify)
  n++;
  occurrences.push({
    occurrenceID: `demo-occ-${String(n).padStart(4, '0')}`,
    eventID: 'demo-ev-hl-transect-2025',
    basisOfRecord: 'HumanObservation',
    scientificName: T.bear.sci,
    vernacularName: T.bear.vern,
    taxonRank: 'species',
    eventDate: '2025-01-15',
    decimalLatitude: 42.5,
    decimalLongitude: 129.0,
    geodeticDatum: 'WGS84',
    coordinateUncertaintyInMeters: 15000,
    individualCount: 1,
    occurrenceStatus: 'present',
    recordedBy: TEAM_CBS,
    samplingProtocol: '样线法',
    locality: '吉林省和龙市（访问调查，位置粗略）',
  });
  return { events, occurrences };
}

// ---------------------------------------------------------------------------------------------
// 7. stations

interface Datastream {
  datastreamId: string;
  observedProperty: string;
  unitOfMeasurement: { symbol: string; name: string };
  resultType: 'number' | 'integer' | 'boolean' | 'string' | 'json';
  validRange?: [number, number];
  expectedIntervalSeconds: number;
}
const ds = (
  id: string,
  observedProperty: string,
  symbol: string,
  name: string,
  resultType: Datastream['resultType'],
  expectedIntervalSeconds: number,
  validRange?: [number, number],
): Datastream => ({
  datastreamId: id,
  observedProperty,
  unitOfMeasurement: { symbol, name },
  resultType,
  ...(validRange ? { validRange } : {}),
  expectedIntervalSeconds,
});

function buildStations(cbs: Poly, snp: Poly) {
  const raw: { stationId: string; name: string; type: string; at: Position; department: string; datastreams: Datastream[] }[] = [
    {
      stationId: 'demo-st-cbs-eco',
      name: '长白山森林生态系统定位站',
      type: 'eco_station',
      at: [128.1, 42.4],
      department: '省林草局',
      datastreams: [
        ds('demo-st-cbs-eco-ta', 'air_temperature', '°C', 'degree Celsius', 'number', 600, [-50, 45]),
        ds('demo-st-cbs-eco-rh', 'relative_humidity', '%', 'percent', 'number', 600, [0, 100]),
        ds('demo-st-cbs-eco-sm', 'soil_moisture', 'm3/m3', 'cubic metre per cubic metre (volumetric water content)', 'number', 1800, [0, 1]),
        ds('demo-st-cbs-eco-pr', 'precipitation', 'mm', 'millimetre', 'number', 3600, [0, 200]),
      ],
    },
    {
      stationId: 'demo-st-mmg-hyd',
      name: '莫莫格湿地水文站',
      type: 'hydrological',
      at: [123.82, 45.92],
      department: '省水利厅',
      datastreams: [
        ds('demo-st-mmg-hyd-wl', 'water_level', 'm', 'metre (above local gauge datum)', 'number', 900, [0, 8]),
        ds('demo-st-mmg-hyd-wt', 'water_temperature', '°C', 'degree Celsius', 'number', 900, [-2, 35]),
      ],
    },
    {
      stationId: 'demo-st-xh-wx',
      name: '向海湿地气象站',
      type: 'weather',
      at: [122.34, 45.02],
      department: '省气象局',
      datastreams: [
        ds('demo-st-xh-wx-ta', 'air_temperature', '°C', 'degree Celsius', 'number', 600, [-45, 45]),
        ds('demo-st-xh-wx-rh', 'relative_humidity', '%', 'percent', 'number', 600, [0, 100]),
        ds('demo-st-xh-wx-ws', 'wind_speed', 'm/s', 'metre per second', 'number', 600, [0, 60]),
        ds('demo-st-xh-wx-pr', 'precipitation', 'mm', 'millimetre', 'number', 3600, [0, 300]),
      ],
    },
    {
      stationId: 'demo-st-hc-ct07',
      name: '东北虎豹国家公园珲春 07 号红外相机',
      type: 'camera_trap',
      at: [130.82, 43.02],
      department: '省林草局',
      datastreams: [
        ds('demo-st-hc-ct07-det', 'detections', 'count', 'detections per day', 'integer', 86400, [0, 1000]),
        ds('demo-st-hc-ct07-bat', 'battery_level', '%', 'percent', 'number', 3600, [0, 100]),
        ds('demo-st-hc-ct07-last', 'last_detection', '', 'JSON object {time, taxon, count}', 'json', 86400),
      ],
    },
    {
      stationId: 'demo-st-cbs-ac',
      name: '长白山北坡声景监测点',
      type: 'acoustic',
      at: [128.05, 42.3],
      department: '省生态环境厅',
      datastreams: [
        ds('demo-st-cbs-ac-spl', 'sound_pressure_level', 'dB(A)', 'A-weighted decibel', 'number', 600, [20, 120]),
        ds('demo-st-cbs-ac-calls', 'bird_call_detections', 'count', 'detections per hour', 'integer', 3600, [0, 5000]),
        ds('demo-st-cbs-ac-ok', 'recorder_ok', '', 'boolean', 'boolean', 3600),
      ],
    },
    {
      stationId: 'demo-st-mmg-ac',
      name: '莫莫格鹤类声学监测点',
      type: 'acoustic',
      at: [123.7, 45.88],
      department: '省林草局',
      datastreams: [
        ds('demo-st-mmg-ac-calls', 'crane_call_detections', 'count', 'detections per hour', 'integer', 3600, [0, 5000]),
        ds('demo-st-mmg-ac-top', 'top_species', '', 'scientific name', 'string', 3600),
      ],
    },
    {
      stationId: 'demo-st-ebh-hyd',
      name: '二道白河水文站',
      type: 'hydrological',
      at: [128.12, 42.42],
      department: '省水利厅',
      datastreams: [
        ds('demo-st-ebh-hyd-wl', 'water_level', 'm', 'metre (above local gauge datum)', 'number', 900, [0, 6]),
        ds('demo-st-ebh-hyd-q', 'discharge', 'm3/s', 'cubic metre per second', 'number', 900, [0, 2000]),
      ],
    },
    {
      stationId: 'demo-st-stkm-dis',
      name: '石头口门水库野生动物疫源疫病监测站',
      type: 'other',
      at: [125.76, 43.95],
      department: '省林草局',
      datastreams: [
        ds('demo-st-stkm-dis-dead', 'dead_wild_birds_found', 'count', 'birds per day', 'integer', 86400, [0, 10000]),
        ds('demo-st-stkm-dis-sample', 'samples_submitted', '', 'boolean', 'boolean', 86400),
      ],
    },
  ];
  return raw.map((s) => ({
    stationId: s.stationId,
    name: s.name,
    type: s.type,
    location: { type: 'Point', coordinates: pt(s.at) },
    priorityArea: inside(s.at, cbs) ? 'PA-CBS' : inside(s.at, snp) ? 'PA-SNP' : null,
    department: s.department,
    datastreams: s.datastreams,
  }));
}

// ---------------------------------------------------------------------------------------------
// main

function main(): void {
  const regions = buildRegions();
  const province = regions.features.find((f) => f.properties?.code === '220000')!.geometry;
  const cbs = regions.features.find((f) => f.properties?.code === 'PA-CBS')!.geometry;
  const snp = regions.features.find((f) => f.properties?.code === 'PA-SNP')!.geometry;

  const pas = buildProtectedAreas(province);
  writeFC('protected-areas.geojson', pas, { name: 'biomon demo protected areas (Jilin)', note: FILE_NOTE });

  const cells = buildCells(province, pas, snp);
  const m2020 = cover2020(cells);
  const loss = forestLossPatch(cells, pas, m2020);
  // the patch's cell as the cell minus the patch, then the patch: forest in 2020, bare in 2024
  const withPatch = (year: number, coverOf: (c: Cell) => Cover, patchCover: Cover) =>
    cells.flatMap((c) =>
      c === loss.cell
        ? [polyFeature(loss.hole, coverProps(coverOf(c), year)), polyFeature(loss.patch, coverProps(patchCover, year))]
        : [polyFeature(c.geom, coverProps(coverOf(c), year))],
    );
  const lc2024 = withPatch(2024, (c) => c.cover!, { cls: 'bare' });
  writeFC('land-cover.geojson', lc2024, { name: 'biomon demo land cover 2024 (Jilin, 0.2° cells)', note: FILE_NOTE });
  const lc2020 = withPatch(2020, (c) => m2020.get(c) ?? c.cover!, { cls: 'forest' });
  writeFC('land-cover-2020.geojson', lc2020, { name: 'biomon demo land cover 2020 (Jilin, 0.2° cells)', note: FILE_NOTE });

  const plots = buildPlots(cells, snp);
  writeFC('grassland-plots.geojson', plots, { name: 'biomon demo grassland plots (Jilin)', note: FILE_NOTE });

  const byType = new Map<string, { terrestrial: boolean; geoms: Poly[] }>();
  for (const c of cells) {
    const e = ecosystemOf(c);
    if (!byType.has(e.ecosystemType)) byType.set(e.ecosystemType, { terrestrial: e.terrestrial, geoms: [] });
    byType.get(e.ecosystemType)!.geoms.push(c.geom);
  }
  const eco: PolyFeature[] = [];
  for (const [type, v] of [...byType.entries()].sort((a, b) => a[0].localeCompare(b[0], 'zh'))) {
    const g = unionPolys(v.geoms);
    if (g) eco.push(polyFeature(g, { ecosystemType: type, terrestrial: v.terrestrial }));
  }
  writeFC('ecosystems.geojson', eco, { name: 'biomon demo terrestrial ecosystems (Jilin)', note: FILE_NOTE });

  const survey = buildSurvey();
  writeJSON('survey.json', survey);
  writeJSON('stations.json', buildStations(cbs, snp));

  // ---- summary for the README / reviewers
  const total = cells.reduce((s, c) => s + c.area, 0);
  const share = (fs_: PolyFeature[]) =>
    (100 * fs_.filter((f) => f.properties!.class === 'forest' || f.properties!.class === 'shrub_special').reduce((s, f) => s + km2(f.geometry), 0)) / total;
  console.log(`province ${km2(province).toFixed(0)} km², cells ${cells.length} (${total.toFixed(0)} km²)`);
  console.log(`forest+shrub_special 2024 ${share(lc2024).toFixed(2)} %, 2020 ${share(lc2020).toFixed(2)} %`);
  console.log(`forest-loss patch in ${LOSS_PA}: ${(km2(loss.patch) * 100).toFixed(1)} ha at cell ${loss.cell.i},${loss.cell.j}`);
  const byClass = new Map<string, number>();
  for (const c of cells) byClass.set(c.cover!.cls, (byClass.get(c.cover!.cls) ?? 0) + c.area);
  console.log([...byClass.entries()].map(([k, v]) => `${k} ${((100 * v) / total).toFixed(1)}%`).join(', '));
  for (const f of pas) console.log(`  PA ${f.properties!.id} ${f.properties!.name}: ${km2(f.geometry).toFixed(0)} km²`);

  // rough previews of the indicators (2024; turf, not the platform's PostGIS method)
  const counted = pas.filter(
    (f) => f.properties!.status === 'designated' && f.properties!.designation !== 'biosphere_reserve' && (f.properties!.establishedYear as number) <= 2024,
  );
  const paUnion = intersectPoly(unionPolys(counted.map((f) => f.geometry))!, province)!;
  console.log(`preview pa_coverage ${((100 * km2(paUnion)) / km2(province)).toFixed(2)} %`);
  const natWet = cells.filter((c) => c.cover!.cls === 'wetland' && c.cover!.natural);
  const wetIn = natWet.reduce((s, c) => s + (intersectPoly(c.geom, paUnion) ? km2(intersectPoly(c.geom, paUnion)!) : 0), 0);
  const wetAll = natWet.reduce((s, c) => s + c.area, 0);
  console.log(`preview natural_wetland_protection_rate ${((100 * wetIn) / wetAll).toFixed(1)} % (${wetIn.toFixed(0)} / ${wetAll.toFixed(0)} km²)`);
  const protectedSci = [
    'Panthera tigris altaica',
    'Panthera pardus orientalis',
    'Moschus moschiferus',
    'Cervus nippon',
    'Martes zibellina',
    'Ursus thibetanus',
    'Grus japonensis',
    'Grus leucogeranus',
    'Grus vipio',
    'Ciconia boyciana',
    'Mergus squamatus',
    'Aix galericulata',
    'Tetrastes bonasia',
    'Taxus cuspidata',
    'Panax ginseng',
    'Pinus koraiensis',
  ];
  const inPa = new Map<string, boolean>();
  for (const o of survey.occurrences) {
    const sci = o.scientificName as string;
    if (!protectedSci.includes(sci) || o.occurrenceStatus !== 'present' || (o.coordinateUncertaintyInMeters as number) > 10000) continue;
    const p: Position = [o.decimalLongitude as number, o.decimalLatitude as number];
    inPa.set(sci, (inPa.get(sci) ?? false) || inside(p, paUnion));
  }
  const yes = [...inPa.values()].filter(Boolean).length;
  console.log(
    `preview protected_species_rate ${yes}/${inPa.size}; only outside: ${[...inPa.entries()]
      .filter(([, v]) => !v)
      .map(([k]) => k)
      .join(', ')}`,
  );
}

main();
