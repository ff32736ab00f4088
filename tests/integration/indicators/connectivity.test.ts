import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importLayer } from '@biomon/layers';
import type { Actor } from '@biomon/auth';
import { createIndicatorRun, executeIndicatorRun, getIndicatorRun, latestValues, type ResultOut } from '@biomon/indicators';
import { SYSTEM_VIEWER } from '@biomon/sensitive';
import { sql } from '@biomon/db';
import { createTestContext, type TestContext } from '../../support/test-db';
import { boxAreaM2 as boxArea, boxPolygon as box } from '../../support/ellipsoid';
import { vincentyM } from '../../support/geodesic';

// ProtConn (issue 19): closed-form cases, each in a region of its own (1° × 1°, 42.5–43.5°N), with
// every expected value computed here from the definition — ellipsoidal areas of lat/lon boxes
// (tests/support/ellipsoid.ts) and geodesic distances by Vincenty (tests/support/geodesic.ts), both
// independent of PostGIS. The run's grid is 1/7° so that squares are cut by cell edges and must be
// joined back into one node each.
//
// Squares facing each other across a meridian gap, in the northern hemisphere: their closest points
// are their northern corners (a point moved south along a facing meridian edge is farther), so
// d = vincenty(corner, corner) — to ~1 cm, the bulge of the 0.01° densified northern edges.

let t: TestContext;
const ds: Record<string, number> = {};
const actor: Actor = { tokenId: null, role: 'evaluator', label: 'test' };
const feature = (geometry: unknown, properties: Record<string, unknown>) => ({ type: 'Feature' as const, geometry: geometry as never, properties });
const pa = (id: string, g: unknown, extra: Record<string, unknown> = {}) =>
  feature(g, { id, name: `保护地${id}`, designation: 'nature_reserve', status: 'designated', establishedYear: 2000, ...extra });

const Y1 = 43.0;
const Y2 = 43.1;
const K10 = Math.LN2 / 10_000; // p = 0.5 at 10 km, per metre
const regionArea = (x: number) => boxArea(x, x + 1, 42.5, 43.5);

beforeAll(async () => {
  t = await createTestContext();
  const imp = async (kind: Parameters<typeof importLayer>[2]['kind'], features: ReturnType<typeof feature>[], year = 2020) => {
    const r = await importLayer(t.ctx.db, features, { kind, year });
    expect(r.rejected).toEqual([]);
    ds[kind] = r.datasetId;
  };
  await imp('regions', [
    feature(box(120, 121, 42.5, 43.5), { code: 'TWO', name: '两块', level: 'county' }),
    feature(box(122, 123, 42.5, 43.5), { code: 'LINE', name: '三块一线', level: 'county' }),
    feature(box(124, 125, 42.5, 43.5), { code: 'OVER', name: '重叠', level: 'county' }),
    feature(box(126, 127, 42.5, 43.5), { code: 'EDGE', name: '跨界', level: 'county' }),
    feature(box(128, 129, 42.5, 43.5), { code: 'NONE', name: '无保护地', level: 'county' }),
  ]);
  await imp('protected-areas', [
    // two squares 0.05° apart
    pa('A', box(120.2, 120.3, Y1, Y2)),
    pa('B', box(120.35, 120.45, Y1, Y2)),
    // not counted: proposed, a biosphere reserve, established after the run's year — each would bridge the gap
    pa('X1', box(120.29, 120.36, 43.02, 43.04), { status: 'proposed' }),
    pa('X2', box(120.29, 120.36, 43.05, 43.06), { designation: 'biosphere_reserve' }),
    pa('X3', box(120.29, 120.36, 43.07, 43.08), { establishedYear: 2030 }),
    // three in a line: A–C directly is farther than A–B plus B–C (B's width is crossed for free)
    pa('L1', box(122.2, 122.3, Y1, Y2)),
    pa('L2', box(122.35, 122.45, Y1, Y2)),
    pa('L3', box(122.5, 122.6, Y1, Y2)),
    // two overlapping squares: one node
    pa('O1', box(124.2, 124.3, Y1, Y2)),
    pa('O2', box(124.25, 124.35, 43.05, 43.15)),
    // half across the region's east edge: clipped
    pa('E1', box(126.95, 127.05, Y1, Y2)),
  ]);
});
afterAll(async () => t.close());

const within = (actual: number | null | undefined, expected: number, rel: number, label: string) => {
  expect(actual, label).not.toBeNull();
  expect(Math.abs((actual as number) - expected) / Math.abs(expected), `${label}: ${actual} vs ${expected}`).toBeLessThan(rel);
};

async function runConnectivity(params: Record<string, unknown>, regions?: string[]): Promise<{ runId: string; results: ResultOut[] }> {
  const { runId } = await createIndicatorRun(
    t.ctx.db,
    { year: 2024, regions, indicators: ['pa_connectivity', 'pa_coverage'], datasets: { regions: ds.regions, protectedAreas: ds['protected-areas'] }, params },
    actor,
  );
  await executeIndicatorRun(t.ctx.db, runId, undefined, { work: { cellDeg: 1 / 7 } });
  const run = await getIndicatorRun(t.ctx.db, runId, SYSTEM_VIEWER);
  expect(run!.status).toBe('completed');
  return { runId, results: run!.results };
}

const pick = (results: ResultOut[], region: string, km = 10) =>
  results.find((r) => r.indicator === 'pa_connectivity' && r.regionCode === region && r.details.dispersalDistanceKm === km)!;

describe('pa_connectivity (ProtConn): closed-form cases', () => {
  let results: ResultOut[];
  let runId: string;
  beforeAll(async () => {
    ({ runId, results } = await runConnectivity({ dispersalDistanceKm: [1, 10, 30], probabilityAtDistance: 0.5 }));
  });

  it('gives one result per region × distance, keyed by its variant, with the distance in details', () => {
    const conn = results.filter((r) => r.indicator === 'pa_connectivity');
    expect(conn.map((r) => `${r.regionCode}:${r.variant}`).sort()).toEqual(
      ['EDGE', 'LINE', 'NONE', 'OVER', 'TWO'].flatMap((c) => ['d=10km', 'd=1km', 'd=30km'].map((v) => `${c}:${v}`)).sort(),
    );
    for (const r of conn) expect(r.variant).toBe(`d=${r.details.dispersalDistanceKm}km`);
    // pa_coverage keeps its one value per region, without a variant
    expect(results.filter((r) => r.indicator === 'pa_coverage').map((r) => r.variant)).toEqual([undefined, undefined, undefined, undefined, undefined]);
  });

  it('two squares at a known distance: ProtConn by hand from the formula, at each distance', () => {
    const a1 = boxArea(120.2, 120.3, Y1, Y2);
    const a2 = boxArea(120.35, 120.45, Y1, Y2);
    const d = vincentyM(120.3, Y2, 120.35, Y2);
    expect(d).toBeGreaterThan(3900);
    expect(d).toBeLessThan(4200);
    const AL = regionArea(120);
    for (const km of [1, 10, 30]) {
      const k = Math.LN2 / (km * 1000);
      const p = Math.exp(-k * d);
      const expected = (100 * Math.sqrt(a1 * a1 + a2 * a2 + 2 * a1 * a2 * p)) / AL;
      const r = pick(results, 'TWO', km);
      expect(r.details.nodes, `nodes at ${km} km`).toBe(2);
      within(r.value, expected, 1e-6, `ProtConn TWO at ${km} km`);
      within(r.denominator, AL, 1e-7, 'A_L');
      within(r.details.prot as number, (100 * (a1 + a2)) / AL, 1e-7, 'Prot');
      within(r.details.protUnconn as number, (100 * (a1 + a2)) / AL - expected, 1e-4, 'ProtUnconn');
      expect(r.details.protConn).toBe(r.value);
    }
    // a longer dispersal distance connects more: ProtConn rises towards Prot
    const v = [1, 10, 30].map((km) => pick(results, 'TWO', km).value!);
    expect(v[0]).toBeLessThan(v[1]);
    expect(v[1]).toBeLessThan(v[2]);
    expect(v[2]).toBeLessThan(pick(results, 'TWO', 30).details.prot as number);
  });

  it('three in a line: the path through the middle beats the direct link, and the middle is the connector', () => {
    const [a, b, c] = [boxArea(122.2, 122.3, Y1, Y2), boxArea(122.35, 122.45, Y1, Y2), boxArea(122.5, 122.6, Y1, Y2)];
    const dab = vincentyM(122.3, Y2, 122.35, Y2);
    const dbc = vincentyM(122.45, Y2, 122.5, Y2);
    const dac = vincentyM(122.3, Y2, 122.5, Y2);
    const [pab, pbc, pac] = [Math.exp(-K10 * dab), Math.exp(-K10 * dbc), Math.exp(-K10 * dac)];
    expect(pab * pbc).toBeGreaterThan(pac * 1.5); // the indirect path is clearly better
    const pcNum = a * a + b * b + c * c + 2 * (a * b * pab + b * c * pbc + a * c * pab * pbc);
    const AL = regionArea(122);
    const r = pick(results, 'LINE');
    expect(r.details.nodes).toBe(3);
    within(r.value, (100 * Math.sqrt(pcNum)) / AL, 1e-6, 'ProtConn LINE');
    // with the direct link only, the value would be lower: the test can tell the two apart
    const direct = a * a + b * b + c * c + 2 * (a * b * pab + b * c * pbc + a * c * pac);
    expect(Math.abs(r.value! - (100 * Math.sqrt(direct)) / AL) / r.value!).toBeGreaterThan(1e-4);
    // dPC of the middle square: without it, A and C connect directly (p_ac)
    const top = r.details.topConnectors as {
      node: number;
      dPC: number;
      dPCintra: number;
      dPCflux: number;
      dPCconnector: number;
      protectedAreas: { id: string; name: string }[];
    }[];
    expect(top.length).toBe(1);
    expect(top[0].protectedAreas).toEqual([{ id: 'L2', name: '保护地L2' }]);
    within(top[0].dPCconnector, (100 * 2 * a * c * (pab * pbc - pac)) / pcNum, 1e-6, 'dPCconnector of the middle');
    within(top[0].dPCintra, (100 * b * b) / pcNum, 1e-6, 'dPCintra of the middle');
    within(top[0].dPCflux, (100 * 2 * (a * b * pab + b * c * pbc)) / pcNum, 1e-6, 'dPCflux of the middle');
    const without = a * a + c * c + 2 * a * c * pac;
    within(top[0].dPC, (100 * (pcNum - without)) / pcNum, 1e-6, 'dPC = intra + flux + connector = loss on removal');
    // the links above p* ≥ 0.5: every pair here (A–C through B), A–C marked indirect
    const links = r.details.links as { from: number; to: number; pStar: number; direct: boolean }[];
    expect(links.length).toBe(3);
    const ac = links.find((l) => !l.direct)!;
    within(ac.pStar, pab * pbc, 1e-6, 'p*_AC');
  });

  it('overlapping areas are dissolved into one node: ProtConn = Prot', () => {
    const union = boxArea(124.2, 124.3, Y1, Y2) + boxArea(124.25, 124.35, 43.05, 43.15) - boxArea(124.25, 124.3, 43.05, Y2);
    const r = pick(results, 'OVER');
    expect(r.details.nodes).toBe(1);
    within(r.value, (100 * union) / regionArea(124), 1e-6, 'ProtConn OVER');
    within(r.details.prot as number, (100 * union) / regionArea(124), 1e-6, 'Prot OVER');
    expect(r.details.protUnconn as number).toBeLessThan(1e-9);
    expect(r.details.topConnectors).toEqual([]);
  });

  it('a node crossing the region edge is clipped to the region', () => {
    const r = pick(results, 'EDGE');
    expect(r.details.nodes).toBe(1);
    within(r.value, (100 * boxArea(126.95, 127, Y1, Y2)) / regionArea(126), 1e-6, 'ProtConn EDGE');
  });

  it('a region without counted protected areas has ProtConn 0 of its area (not null)', () => {
    const r = pick(results, 'NONE');
    expect(r.value).toBe(0);
    expect(r.details.nodes).toBe(0);
    within(r.denominator, regionArea(128), 1e-7, 'A_L');
  });

  it('Prot in details equals the pa_coverage of the same run', () => {
    for (const code of ['TWO', 'LINE', 'OVER', 'EDGE']) {
      const cov = results.find((r) => r.indicator === 'pa_coverage' && r.regionCode === code)!;
      within(pick(results, code).details.prot as number, cov.value!, 1e-9, `Prot ${code}`);
    }
  });

  it('the latest values keep every distance apart', async () => {
    const values = await latestValues(t.ctx.db, 'pa_connectivity', { region: 'TWO' }, SYSTEM_VIEWER);
    expect(values.map((v) => v.variant)).toEqual(['d=1km', 'd=10km', 'd=30km']);
    expect(values.every((v) => v.runId === runId)).toBe(true);
  });

  it('a repeated step overwrites its own rows (at-least-once): one row per region × distance', async () => {
    await sql`DELETE FROM indicator_run_stages WHERE run_id = ${runId} AND stage = 'pa_connectivity'`.execute(t.ctx.db);
    await sql`UPDATE indicator_runs SET status = 'running' WHERE id = ${runId}`.execute(t.ctx.db);
    await executeIndicatorRun(t.ctx.db, runId, undefined, { work: { cellDeg: 1 / 7 } });
    const n = await sql<{ n: number }>`SELECT count(*)::int AS n FROM indicator_results WHERE run_id = ${runId} AND indicator = 'pa_connectivity'`.execute(
      t.ctx.db,
    );
    expect(n.rows[0].n).toBe(15);
  });
});

describe('pa_connectivity parameters', () => {
  it('defaults to 10 km and p = 0.5', async () => {
    const { results } = await runConnectivity({}, ['TWO']);
    const r = results.filter((x) => x.indicator === 'pa_connectivity');
    expect(r.map((x) => x.variant)).toEqual(['d=10km']);
    expect(r[0].details.probabilityAtDistance).toBe(0.5);
  });

  it.each([
    [{ dispersalDistanceKm: 0 }, 'params.dispersalDistanceKm'],
    [{ dispersalDistanceKm: [1, -5] }, 'params.dispersalDistanceKm[1]'],
    [{ dispersalDistanceKm: [] }, 'params.dispersalDistanceKm'],
    [{ dispersalDistanceKm: 'far' }, 'params.dispersalDistanceKm'],
    [{ probabilityAtDistance: 1 }, 'params.probabilityAtDistance'],
    [{ probabilityAtDistance: 0 }, 'params.probabilityAtDistance'],
    [{ connectivityLinkThreshold: 0 }, 'params.connectivityLinkThreshold'],
  ])('refuses %j naming %s', async (params, field) => {
    await expect(
      createIndicatorRun(t.ctx.db, { year: 2024, indicators: ['pa_connectivity'], datasets: { regions: ds.regions }, params: params as never }, actor),
    ).rejects.toMatchObject({ code: 'VALIDATION_FAILED', details: { errors: [{ field }] } });
  });
});

describe('the ProtConn graph (in memory)', () => {
  // a seeded PRNG, so that a failure repeats
  const rng = (seed: number) => () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed / 2 ** 31;
  };
  /** Random parts in a 100 km square: areas, and edge-to-edge-like distances (centre distance less both radii, ≥ 0). */
  function randomGraph(n: number, seed: number) {
    const r = rng(seed);
    const pts = Array.from({ length: n }, () => ({ x: r() * 100_000, y: r() * 100_000, rad: 200 + r() * 3000 }));
    const areas = pts.map((p) => Math.PI * p.rad * p.rad);
    const pairs: { i: number; j: number; d: number }[] = [];
    for (let i = 0; i < n; i++)
      for (let j = i + 1; j < n; j++) pairs.push({ i, j, d: Math.max(0, Math.hypot(pts[i].x - pts[j].x, pts[i].y - pts[j].y) - pts[i].rad - pts[j].rad) });
    return { areas, pairs };
  }
  /** −ln p* by Floyd–Warshall (an independent all-pairs computation), optionally without one node, and PCnum from it. */
  function floyd(areas: number[], pairs: { i: number; j: number; d: number }[], k: number, without = -1): { w: number[][]; pc: number } {
    const n = areas.length;
    const w = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 0 : Number.POSITIVE_INFINITY)));
    for (const p of pairs) {
      if (p.i === without || p.j === without) continue;
      w[p.i][p.j] = Math.min(w[p.i][p.j], k * p.d);
      w[p.j][p.i] = w[p.i][p.j];
    }
    for (let m = 0; m < n; m++) {
      if (m === without) continue;
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (w[i][m] + w[m][j] < w[i][j]) w[i][j] = w[i][m] + w[m][j];
    }
    let pc = 0;
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (i !== without && j !== without) pc += areas[i] * areas[j] * Math.exp(-w[i][j]);
    return { w, pc };
  }
  const pcNumFloyd = (areas: number[], pairs: { i: number; j: number; d: number }[], k: number, without = -1) => floyd(areas, pairs, k, without).pc;

  it('PCnum and every node importance (dPC, intra, flux, connector) match removal computed by Floyd–Warshall', async () => {
    const { computeConnectivity } = await import('../../../packages/indicators/src/compute/connectivity-graph');
    for (const seed of [1, 2, 3]) {
      const g = randomGraph(25, seed);
      const n = g.areas.length;
      const opts = { dispersalDistanceM: 10_000, probabilityAtDistance: 0.5, linkThreshold: 0.5, topN: n, maxConnectorEvaluations: n };
      const r = computeConnectivity(g, opts);
      const k = Math.LN2 / 10_000;
      const { w, pc } = floyd(g.areas, g.pairs, k);
      within(r.pcNum, pc, 1e-12, `PCnum seed ${seed}`);
      expect(r.topConnectors.length).toBeGreaterThan(0);
      const byNode = new Map(r.topConnectors.map((t) => [t.node, t]));
      for (let node = 0; node < n; node++) {
        const dPC = (100 * (pc - pcNumFloyd(g.areas, g.pairs, k, node))) / pc;
        const intra = (100 * g.areas[node] ** 2) / pc;
        let flux = 0;
        for (let j = 0; j < n; j++) if (j !== node) flux += 2 * g.areas[node] * g.areas[j] * Math.exp(-w[node][j]);
        flux = (100 * flux) / pc;
        const connector = dPC - intra - flux;
        const t = byNode.get(node);
        if (t) {
          within(t.dPC, dPC, 1e-9, `dPC of node ${node} seed ${seed}`);
          within(t.dPCintra, intra, 1e-9, 'dPCintra');
          within(t.dPCflux, flux, 1e-9, 'dPCflux');
          expect(Math.abs(t.dPCconnector - connector), `dPCconnector of node ${node}`).toBeLessThan(1e-9);
        } else {
          // not listed: no part of the connectivity between others flows through it
          expect(Math.abs(connector), `node ${node} is no connector`).toBeLessThan(1e-9);
        }
      }
      const c = r.topConnectors.map((t) => t.dPCconnector);
      expect([...c].sort((a, b) => b - a)).toEqual(c);
    }
  });

  it('the top 10 by connector is the same as ranking every node by brute force', async () => {
    const { computeConnectivity } = await import('../../../packages/indicators/src/compute/connectivity-graph');
    const g = randomGraph(40, 7);
    const k = Math.LN2 / 10_000;
    const r = computeConnectivity(g, { dispersalDistanceM: 10_000, probabilityAtDistance: 0.5, linkThreshold: 0.5 });
    const pc = pcNumFloyd(g.areas, g.pairs, k);
    // brute force: connector = dPC − intra − flux, with flux from p* of the full graph
    const full = computeConnectivity(g, { dispersalDistanceM: 10_000, probabilityAtDistance: 0.5, linkThreshold: 0.5, topN: 40, maxConnectorEvaluations: 40 });
    const byNode = new Map(full.topConnectors.map((t) => [t.node, t]));
    const brute = g.areas
      .map((_, node) => {
        const t = byNode.get(node);
        const dPC = (100 * (pc - pcNumFloyd(g.areas, g.pairs, k, node))) / pc;
        return { node, connector: t ? dPC - t.dPCintra - t.dPCflux : 0 };
      })
      .filter((x) => x.connector > 1e-9)
      .sort((x, y) => y.connector - x.connector)
      .slice(0, 10);
    expect(r.topConnectors.map((t) => t.node)).toEqual(brute.map((b) => b.node));
    expect(r.connectorEvaluated).toBeLessThanOrEqual(40);
  });

  it('dropping the links with p below ε changes ProtConn by no more than the bound', async () => {
    const { computeConnectivity, pruningEpsilon, pruningErrorBound } = await import('../../../packages/indicators/src/compute/connectivity-graph');
    const g = randomGraph(60, 11);
    const AL = 1e10;
    for (const tol of [1e-2, 1e-4]) {
      const eps = pruningEpsilon(g.areas, AL, tol);
      const k = Math.LN2 / 5_000;
      const kept = { areas: g.areas, pairs: g.pairs.filter((p) => Math.exp(-k * p.d) >= eps) };
      expect(kept.pairs.length).toBeLessThan(g.pairs.length);
      const opts = { dispersalDistanceM: 5_000, probabilityAtDistance: 0.5, linkThreshold: 0.5 };
      const all = computeConnectivity(g, opts);
      const pruned = computeConnectivity(kept, opts);
      const diff = (100 * (all.eca - pruned.eca)) / AL;
      expect(diff).toBeGreaterThanOrEqual(0);
      expect(diff).toBeLessThanOrEqual(pruningErrorBound(pruned.pcNum, g.areas, eps, AL) + 1e-15);
      expect(pruningErrorBound(pruned.pcNum, g.areas, eps, AL)).toBeLessThanOrEqual(tol * (1 + 1e-9));
    }
  });
});
