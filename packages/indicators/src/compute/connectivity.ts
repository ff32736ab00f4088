import type { DbOrTx } from '@biomon/db';
import { dispersalDistances } from '../run-params';
import { missingDataset, ratio, type ResultRow, type RunContext } from '../run-context';
import { byCode, regionAreas, withoutJit, type StepEnv } from './run-work';
import { deleteConnNodes, insertConnNodes, selectConnNodes, selectNodePairs, selectNodeProtectedAreas, type ConnNodeRow } from './connectivity.repository';
import { computeConnectivity, decayOf, pruningEpsilon, pruningErrorBound, type ConnectivityGraph } from './connectivity-graph';

/**
 * 自然保护地连通性 ProtConn (Saura et al. 2017, 2018), per region and dispersal distance.
 *
 * Nodes: the connected parts of the counted-PA union (BRIEF §6 counting rules, the run's union of
 * compute/run-work.ts) clipped to the region. The run keeps that union cut by its grid cells, each
 * region piece with its part inside the union (`indicator_run_region_cells.pa_geom`); the region's
 * pieces are dumped into polygons and the polygons that meet (share an edge of a cell, or a point)
 * are one node — the part the dissolved union has there. a_i = Σ ellipsoidal area of its polygons
 * (the cells partition the plane, so this is the area of the part).
 *
 * d_ij: ST_Distance on geography (spheroid) between the nodes, edge to edge (0 when they touch,
 * which cannot happen between distinct nodes). Pairs farther apart than a cutoff are not measured:
 * the cutoff is where the direct p_ij = exp(−k·d_ij) falls below ε at the largest dispersal distance
 * of the run, and dropping those links lowers each p*_ij by less than ε, ProtConn by at most
 * `PRUNING_TOLERANCE_POINTS` (ε is chosen per region from its areas: pruningEpsilon in
 * connectivity-graph.ts, with the proof). The bound computed from the result is reported with each
 * value (`maxPruningErrorPoints`). Node importances are those of the measured graph.
 *
 * Everything else (p*, ProtConn, the node importances) is connectivity-graph.ts.
 */

/** The most ProtConn (percentage points) may lose by the links not measured. */
export const PRUNING_TOLERANCE_POINTS = 1e-4;

/** The variant key of a result at a dispersal distance (km): 'd=10km', 'd=0.5km'. */
export const connectivityVariant = (km: number): string => `d=${km}km`;

/** Nodes of a region (indicator_run_conn_nodes), built again on every call: a retried step starts clean. */
async function buildNodes(db: DbOrTx, ctx: RunContext, code: string): Promise<ConnNodeRow[]> {
  return withoutJit(db, async (tx) => {
    await deleteConnNodes(tx, ctx.runId, code);
    // the region's pieces of the union, polygon by polygon; those that meet are one node (the part of
    // the dissolved union), numbered in a stable order (west to east, south to north, by area)
    await insertConnNodes(tx, ctx.runId, code);
    return selectConnNodes(tx, ctx.runId, code);
  });
}

/**
 * Distances (m) between the nodes of a region no farther apart than the cutoff: candidates by their
 * boxes grown by the cutoff (a superset), each measured once. A region with many nodes is measured
 * by `parts` statements at once (nodes i by i mod parts), the pairs put together in (i, j) order.
 */
async function measurePairs(db: DbOrTx, ctx: RunContext, code: string, cutoffM: number, parts: number): Promise<{ i: number; j: number; d: number }[]> {
  const part = (k: number) => withoutJit(db, (tx) => selectNodePairs(tx, ctx.runId, code, cutoffM, parts, k));
  const all = await Promise.all(Array.from({ length: parts }, (_, k) => part(k)));
  return all.flat().sort((a, b) => a.i - b.i || a.j - b.j);
}

async function regionConnectivity(db: DbOrTx, ctx: RunContext, code: string, regionArea: number, distancesKm: number[], env: StepEnv): Promise<ResultRow[]> {
  const p0 = ctx.params.probabilityAtDistance ?? 0.5;
  const threshold = ctx.params.connectivityLinkThreshold ?? 0.5;
  const nodes = await buildNodes(db, ctx, code);
  const epsilon = pruningEpsilon(
    nodes.map((n) => n.area),
    regionArea,
    PRUNING_TOLERANCE_POINTS,
  );
  // the largest distance decays slowest: its cutoff covers every distance of the run
  const cutoffM = Math.log(1 / epsilon) / decayOf(Math.max(...distancesKm) * 1000, p0);
  const parallel = db.isTransaction || nodes.length < 100 ? 1 : Math.max(1, env.work.concurrency);
  const pairs = nodes.length > 1 ? await measurePairs(db, ctx, code, cutoffM, parallel) : [];
  const graph: ConnectivityGraph = { areas: nodes.map((n) => n.area), pairs };
  const out: ResultRow[] = [];
  for (const km of distancesKm) {
    const r = computeConnectivity(graph, { dispersalDistanceM: km * 1000, probabilityAtDistance: p0, linkThreshold: threshold });
    const top = r.topConnectors.map((t) => t.node);
    // the protected areas each top part is made of (overlapping it, not only touching it)
    const names = top.length ? await selectNodeProtectedAreas(db, ctx, code, top) : [];
    const prot = regionArea > 0 ? (100 * r.protectedArea) / regionArea : null;
    const row = ratio('pa_connectivity', code, r.eca, regionArea, 'the region has no area', {
      dispersalDistanceKm: km,
      probabilityAtDistance: p0,
      kPerKm: r.k * 1000,
      prot,
      protConn: null,
      protUnconn: null,
      nodes: nodes.length,
      protectedAreaKm2: r.protectedArea / 1e6,
      regionAreaKm2: regionArea / 1e6,
      equivalentConnectedAreaKm2: r.eca / 1e6,
      pairsMeasured: pairs.length,
      pairCutoffKm: cutoffM / 1000,
      linkEpsilon: epsilon,
      maxPruningErrorPoints: pruningErrorBound(r.pcNum, graph.areas, epsilon, regionArea),
      connectorNodesEvaluated: r.connectorEvaluated,
      connectorRankingComplete: r.connectorRankingComplete,
      topConnectors: r.topConnectors.map((t, rank) => ({
        rank: rank + 1,
        node: t.node,
        areaKm2: nodes[t.node].area / 1e6,
        point: [nodes[t.node].lon, nodes[t.node].lat],
        dPC: t.dPC,
        dPCintra: t.dPCintra,
        dPCflux: t.dPCflux,
        dPCconnector: t.dPCconnector,
        protectedAreas: names.filter((n) => n.node === t.node).map((n) => ({ id: n.pa_id, name: n.name })),
      })),
      linkThreshold: threshold,
      linksAboveThreshold: r.linksAbove,
      links: r.links.map((l) => ({
        from: l.i,
        to: l.j,
        pStar: l.pStar,
        direct: l.direct,
        line: [
          [nodes[l.i].lon, nodes[l.i].lat],
          [nodes[l.j].lon, nodes[l.j].lat],
        ],
      })),
      warnings: env.warnings,
    });
    const v = row.value;
    row.details.protConn = v;
    row.details.protUnconn = v === null || prot === null ? null : Math.max(0, prot - v);
    row.variant = connectivityVariant(km);
    out.push(row);
  }
  return out;
}

/** pa_connectivity for every region of the run and every dispersal distance of its params. */
export async function paConnectivity(db: DbOrTx, ctx: RunContext, env: StepEnv): Promise<ResultRow[]> {
  const distances = dispersalDistances(ctx.params);
  if (ctx.datasets.protectedAreas === null)
    return distances.flatMap((km) =>
      missingDataset('pa_connectivity', ctx.regionCodes, 'protected-areas').map((r) => ({ ...r, variant: connectivityVariant(km) })),
    );
  const regions = await regionAreas(db, ctx);
  const codes = [...ctx.regionCodes].sort(byCode);
  const parts: ResultRow[][] = new Array(codes.length);
  const concurrency = db.isTransaction ? 1 : Math.max(1, env.work.concurrency);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, codes.length) }, async () => {
      while (next < codes.length) {
        const i = next++;
        parts[i] = await regionConnectivity(db, ctx, codes[i], regions.get(codes[i])?.areaM2 ?? 0, distances, env);
      }
    }),
  );
  return parts.flat();
}
