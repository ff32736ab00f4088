/**
 * ProtConn on a graph of protected-area parts (Saura et al. 2017, 2018), in memory. No SQL here:
 * the nodes (parts of the counted-PA union within a region, with their ellipsoidal areas) and their
 * pairwise geodesic edge-to-edge distances come from compute/connectivity.ts.
 *
 * - p_ij = exp(−k·d_ij), k = −ln(probabilityAtDistance) / dispersalDistance;
 * - p*_ij = the maximum product of p over all paths from i to j = exp(−(shortest path from i to j
 *   with edge weights k·d_ij)), found by Dijkstra from every node; p*_ii = 1;
 * - PCnum = Σ_i Σ_j a_i·a_j·p*_ij (ordered pairs, i = j included); ECA = √PCnum;
 *   ProtConn = 100 · ECA / A_L.
 *
 * Node importance (Saura & Rubio 2010), each in percent of PCnum, for node k removed both as an
 * area and as a stepping stone (PCnum' is PCnum of the graph without k):
 * - dPC_k = 100 · (PCnum − PCnum') / PCnum = dPCintra_k + dPCflux_k + dPCconnector_k;
 * - dPCintra_k = 100 · a_k² / PCnum;
 * - dPCflux_k = 100 · 2 · Σ_{j≠k} a_k·a_j·p*_kj / PCnum (the pairs that start or end at k);
 * - dPCconnector_k = 100 · Σ_{i≠k, j≠k} a_i·a_j·(p*_ij − p*'_ij) / PCnum, p*' without k: how much
 *   of the connectivity between other parts flows through k — where a corridor matters most.
 *
 * The connector term is computed exactly, for the nodes it can rank first: a node k lowers p*_ij
 * only for the pairs whose shortest-path tree from i passes through k (j below k in i's tree; with
 * ties, the recomputation finds the equal path and the loss is 0). Removing k changes nothing
 * outside k's subtree D, and inside it the new distances are a Dijkstra over D started from the
 * unchanged nodes: d'(j) = min over y ∉ D ∪ {k} of d(y) + w(y, j), then relaxed within D.
 * U_k = Σ_i a_i · Σ_{j ∈ D_i(k)} a_j · p*_ij bounds the connector numerator from above; nodes are
 * computed exactly in decreasing U_k until the top `topN` exact values are all ≥ the next bound.
 */

export interface ConnectivityGraph {
  /** ellipsoidal areas (m²) of the nodes */
  areas: number[];
  /** pairs (i < j) with their distance in metres; a missing pair has no direct link (p below the cutoff) */
  pairs: { i: number; j: number; d: number }[];
}

export interface NodeImportance {
  node: number;
  dPC: number;
  dPCintra: number;
  dPCflux: number;
  dPCconnector: number;
}

export interface ConnectivityResult {
  /** Σ_i Σ_j a_i a_j p*_ij (m⁴) */
  pcNum: number;
  /** √pcNum: the equivalent connected area (m²) */
  eca: number;
  /** Σ a_i (m²) */
  protectedArea: number;
  /** k (1/m) */
  k: number;
  /** the top nodes by dPCconnector (ties by dPC, then node), at most topN, only those with dPCconnector > 0 */
  topConnectors: NodeImportance[];
  /** how many nodes had their connector term computed exactly */
  connectorEvaluated: number;
  /** false when the cap on exact computations stopped the ranking before the top was settled */
  connectorRankingComplete: boolean;
  /** p*_ij ≥ threshold for i < j, strongest first (at most maxLinks) */
  links: { i: number; j: number; pStar: number; direct: boolean }[];
  /** pairs with p*_ij ≥ threshold in all (links holds at most maxLinks of them) */
  linksAbove: number;
}

/** k (1/m) of p_ij = exp(−k·d_ij) with p = probabilityAtDistance at the dispersal distance (m). */
export function decayOf(dispersalDistanceM: number, probabilityAtDistance: number): number {
  return -Math.log(probabilityAtDistance) / dispersalDistanceM;
}

/** Dense Dijkstra from s on weights w (n×n, Infinity: no link): distances, parents and settling order. */
function dijkstra(n: number, w: Float64Array, s: number, dist: Float64Array, parent: Int32Array, order: Int32Array): number {
  const done = new Uint8Array(n);
  dist.fill(Number.POSITIVE_INFINITY);
  parent.fill(-1);
  dist[s] = 0;
  let settled = 0;
  for (;;) {
    let u = -1;
    let best = Number.POSITIVE_INFINITY;
    for (let v = 0; v < n; v++) {
      if (!done[v] && dist[v] < best) {
        best = dist[v];
        u = v;
      }
    }
    if (u < 0) break;
    done[u] = 1;
    order[settled++] = u;
    const row = u * n;
    for (let v = 0; v < n; v++) {
      if (done[v]) continue;
      const nd = best + w[row + v];
      if (nd < dist[v]) {
        dist[v] = nd;
        parent[v] = u;
      }
    }
  }
  return settled;
}

export interface ComputeOptions {
  dispersalDistanceM: number;
  probabilityAtDistance: number;
  linkThreshold: number;
  topN?: number;
  maxLinks?: number;
  /** cap on exact connector computations (each costs about one all-sources pass over k's subtrees) */
  maxConnectorEvaluations?: number;
}

export function computeConnectivity(g: ConnectivityGraph, opts: ComputeOptions): ConnectivityResult {
  const n = g.areas.length;
  const a = g.areas;
  const k = decayOf(opts.dispersalDistanceM, opts.probabilityAtDistance);
  const topN = opts.topN ?? 10;
  const maxLinks = opts.maxLinks ?? 100;
  const protectedArea = a.reduce((s, x) => s + x, 0);
  if (n === 0)
    return { pcNum: 0, eca: 0, protectedArea: 0, k, topConnectors: [], connectorEvaluated: 0, connectorRankingComplete: true, links: [], linksAbove: 0 };
  // edge weights −ln p_ij = k·d_ij
  const w = new Float64Array(n * n).fill(Number.POSITIVE_INFINITY);
  for (const p of g.pairs) {
    const x = k * Math.max(0, p.d);
    if (x < w[p.i * n + p.j]) {
      w[p.i * n + p.j] = x;
      w[p.j * n + p.i] = x;
    }
  }
  for (let i = 0; i < n; i++) w[i * n + i] = 0;
  // shortest-path trees from every node
  const dist = new Float64Array(n * n);
  const parent = new Int32Array(n * n);
  const order = new Int32Array(n * n);
  const settledOf = new Int32Array(n);
  for (let s = 0; s < n; s++) {
    settledOf[s] = dijkstra(n, w, s, dist.subarray(s * n, (s + 1) * n), parent.subarray(s * n, (s + 1) * n), order.subarray(s * n, (s + 1) * n));
  }
  const pStar = (i: number, j: number) => Math.exp(-dist[i * n + j]);
  // PCnum, in a fixed order (the same figure whatever the platform)
  let pcNum = 0;
  const flux = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const t = a[i] * a[j] * pStar(i, j);
      pcNum += t;
      if (i !== j) {
        flux[i] += t;
        flux[j] += t;
      }
    }
  }
  // U_k, an upper bound of each node's connector numerator, from the subtree sums of every tree
  const upper = new Float64Array(n);
  const sub = new Float64Array(n);
  for (let s = 0; s < n; s++) {
    const par = parent.subarray(s * n, (s + 1) * n);
    const ord = order.subarray(s * n, s * n + settledOf[s]);
    sub.fill(0);
    for (let x = ord.length - 1; x >= 0; x--) {
      const v = ord[x];
      sub[v] += a[v] * pStar(s, v);
      if (par[v] >= 0) sub[par[v]] += sub[v];
    }
    for (let x = 0; x < ord.length; x++) {
      const v = ord[x];
      if (v !== s) upper[v] += a[s] * (sub[v] - a[v] * pStar(s, v));
    }
  }
  // exact connector numerators in decreasing bound until the top is settled
  const connector = (kk: number): number => {
    let loss = 0;
    const inD = new Uint8Array(n);
    for (let s = 0; s < n; s++) {
      if (s === kk) continue;
      const par = parent.subarray(s * n, (s + 1) * n);
      const ord = order.subarray(s * n, s * n + settledOf[s]);
      // k's proper descendants in s's tree: in settling order, a node is below k when its parent is k or below k
      const D: number[] = [];
      inD.fill(0);
      let seenK = false;
      for (let x = 0; x < ord.length; x++) {
        const v = ord[x];
        if (v === kk) {
          seenK = true;
          continue;
        }
        if (seenK && (par[v] === kk || (par[v] >= 0 && inD[par[v]]))) {
          inD[v] = 1;
          D.push(v);
        }
      }
      if (!D.length) continue;
      const ds = dist.subarray(s * n, (s + 1) * n);
      const nd = new Float64Array(D.length).fill(Number.POSITIVE_INFINITY);
      for (let x = 0; x < D.length; x++) {
        const j = D[x];
        let best = Number.POSITIVE_INFINITY;
        for (let y = 0; y < n; y++) {
          if (y === kk || inD[y] || ds[y] === Number.POSITIVE_INFINITY) continue;
          const c = ds[y] + w[y * n + j];
          if (c < best) best = c;
        }
        nd[x] = best;
      }
      const done = new Uint8Array(D.length);
      for (let it = 0; it < D.length; it++) {
        let u = -1;
        let best = Number.POSITIVE_INFINITY;
        for (let x = 0; x < D.length; x++) {
          if (!done[x] && nd[x] < best) {
            best = nd[x];
            u = x;
          }
        }
        if (u < 0) break;
        done[u] = 1;
        const row = D[u] * n;
        for (let x = 0; x < D.length; x++) {
          if (done[x]) continue;
          const c = best + w[row + D[x]];
          if (c < nd[x]) nd[x] = c;
        }
      }
      for (let x = 0; x < D.length; x++) {
        const j = D[x];
        loss += a[s] * a[j] * (Math.exp(-ds[j]) - Math.exp(-nd[x]));
      }
    }
    return Math.max(0, loss);
  };
  const byBound = Array.from({ length: n }, (_, i) => i).sort((x, y) => upper[y] - upper[x] || x - y);
  const maxEval = opts.maxConnectorEvaluations ?? 200;
  const exact: NodeImportance[] = [];
  let evaluated = 0;
  let complete = true;
  for (const node of byBound) {
    if (!(upper[node] > 0)) break;
    if (exact.length >= topN) {
      const sorted = [...exact].sort((x, y) => y.dPCconnector - x.dPCconnector);
      if (sorted[topN - 1].dPCconnector >= (100 * upper[node]) / pcNum) break;
    }
    if (evaluated >= maxEval) {
      complete = false;
      break;
    }
    evaluated++;
    const c = (100 * connector(node)) / pcNum;
    const intra = (100 * a[node] * a[node]) / pcNum;
    const fl = (100 * flux[node]) / pcNum;
    exact.push({ node, dPC: intra + fl + c, dPCintra: intra, dPCflux: fl, dPCconnector: c });
  }
  const topConnectors = exact
    .filter((x) => x.dPCconnector > 0)
    .sort((x, y) => y.dPCconnector - x.dPCconnector || y.dPC - x.dPC || x.node - y.node)
    .slice(0, topN);
  // links: p*_ij at or above the threshold
  const links: { i: number; j: number; pStar: number; direct: boolean }[] = [];
  const minDist = -Math.log(opts.linkThreshold);
  for (let i = 0; i < n; i++)
    for (let j = i + 1; j < n; j++) {
      const d = dist[i * n + j];
      if (d <= minDist) links.push({ i, j, pStar: Math.exp(-d), direct: parent[i * n + j] === i });
    }
  links.sort((x, y) => y.pStar - x.pStar || x.i - y.i || x.j - y.j);
  return {
    pcNum,
    eca: Math.sqrt(pcNum),
    protectedArea,
    k,
    topConnectors,
    connectorEvaluated: evaluated,
    connectorRankingComplete: complete,
    links: links.slice(0, maxLinks),
    linksAbove: links.length,
  };
}

/**
 * Dropping the direct links with p_ij < ε lowers each p*_ij by less than ε (a path through a dropped
 * link has a product below ε; every other path is kept), so PCnum by less than ε·Σ_{i≠j} a_i·a_j =
 * ε·(A_P² − Σ a_i²). The bound on ProtConn (percentage points) that follows, from the computed PCnum.
 */
export function pruningErrorBound(pcNum: number, areas: number[], epsilon: number, regionArea: number): number {
  const ap = areas.reduce((s, x) => s + x, 0);
  const sq = areas.reduce((s, x) => s + x * x, 0);
  const extra = epsilon * Math.max(0, ap * ap - sq);
  if (!(regionArea > 0)) return 0;
  return (100 * (Math.sqrt(pcNum + extra) - Math.sqrt(pcNum))) / regionArea;
}

/**
 * The ε for a region: the largest (within [1e-12, 1e-4]) whose pruning bound stays within
 * `tolerancePoints` of ProtConn whatever the links. The bound above, 100·(√(S + ε·X) − √S)/A_L with
 * X = A_P² − Σ a_i², falls as S grows, and S = PCnum ≥ Σ a_i² (the diagonal): so with S = Σ a_i² it
 * holds for every graph, and solving it for ε gives ε = ((τ·A_L/100 + √Σa_i²)² − Σa_i²) / X.
 */
export function pruningEpsilon(areas: number[], regionArea: number, tolerancePoints: number): number {
  const ap = areas.reduce((s, x) => s + x, 0);
  const sq = areas.reduce((s, x) => s + x * x, 0);
  const x = ap * ap - sq;
  if (!(x > 0) || !(regionArea > 0)) return 1e-12;
  const root = (tolerancePoints * regionArea) / 100 + Math.sqrt(sq);
  const e = (root * root - sq) / x;
  return Math.min(1e-4, Math.max(1e-12, e));
}
