import { h, mount } from '../dom';
import { get } from '../api';
import { getLang, pick } from '../i18n';
import { num } from '../format';
import { errorBox, loadingBox, notice, tableWrap } from '../ui';
import type { LayerDataset } from '../types';

// Calls: GET /v1/layers?kind=land-cover and GET /v1/land-cover/change (the two newest versions,
// the province): the transition matrix (土地覆盖转移矩阵) in hectares, Chinese first.

const PROVINCE = '220000';

interface Cell {
  from: string;
  to: string;
  areaHa: number;
}
interface ChangeAnswer {
  status: 'completed' | 'pending' | 'failed';
  from: { datasetId: number; year: number };
  to: { datasetId: number; year: number };
  forestClasses: string[];
  classes: { code: string; nameZh: string; nameEn: string }[];
  regions: {
    code: string;
    name: string;
    nameEn: string | null;
    matrix: Cell[];
    forestLossHa: number;
    forestGainHa: number;
    forestLossInProtectedAreasHa: number;
  }[];
  protectedAreas: { id: string; name: string; nameEn: string | null; forestLossHa: number }[];
}

/** The two newest land-cover versions (older, newer) by vintage, or null with fewer than two. */
export function changePair(datasets: LayerDataset[]): { from: LayerDataset; to: LayerDataset } | null {
  const lc = datasets.filter((d) => d.kind === 'land-cover').sort((a, b) => a.year - b.year || a.datasetId - b.datasetId);
  return lc.length >= 2 ? { from: lc[lc.length - 2], to: lc[lc.length - 1] } : null;
}

function matrixTable(a: ChangeAnswer, cells: Cell[]): HTMLElement {
  const name = (code: string) => {
    const c = a.classes.find((x) => x.code === code);
    return c ? pick(c.nameZh, c.nameEn) : code;
  };
  const order = a.classes.map((c) => c.code);
  const fromClasses = order.filter((c) => cells.some((x) => x.from === c));
  const toClasses = order.filter((c) => cells.some((x) => x.to === c));
  const at = (f: string, t: string) => cells.find((x) => x.from === f && x.to === t)?.areaHa;
  const forest = new Set(a.forestClasses);
  const corner = pick(`${a.from.year} 年 ↓ / ${a.to.year} 年 →`, `${a.from.year} ↓ / ${a.to.year} →`);
  const table = h(
    'table',
    { class: 'data-table lcc-matrix', 'data-role': 'transition-matrix' },
    h('caption', { class: 'sr-only' }, pick('土地覆盖转移矩阵（公顷）', 'Land-cover transition matrix (ha)')),
    h(
      'thead',
      null,
      h(
        'tr',
        null,
        h('th', { scope: 'col' }, corner),
        toClasses.map((t) => h('th', { scope: 'col', class: 'num' }, name(t))),
      ),
    ),
    h(
      'tbody',
      null,
      fromClasses.map((f) =>
        h(
          'tr',
          { 'data-from': f },
          h('th', { scope: 'row' }, name(f)),
          toClasses.map((t) => {
            const v = at(f, t);
            const loss = forest.has(f) && !forest.has(t) && v !== undefined;
            return h(
              'td',
              {
                class: `num${f === t ? ' diag' : ''}${loss ? ' loss' : ''}`,
                'data-to': t,
                ...(loss ? { style: { color: '#b3261e', fontWeight: '600' } } : {}),
              },
              v === undefined ? '' : num(v, 0),
            );
          }),
        ),
      ),
    ),
  ) as HTMLTableElement;
  return tableWrap(table, pick('土地覆盖转移矩阵', 'Land-cover transition matrix'));
}

/** A panel with the province's transition matrix between the two newest land-cover versions. */
export function landCoverChangePanel(): HTMLElement {
  const body = h('div', null, loadingBox());
  const panel = h('section', { class: 'panel', 'data-panel': 'land-cover-change' }, h('h2', null, pick('土地覆盖变化', 'Land-cover change')), body);
  const load = async () => {
    try {
      const { datasets } = await get<{ datasets: LayerDataset[] }>('/v1/layers', { kind: 'land-cover' });
      const pair = changePair(datasets);
      if (!pair) {
        mount(body, notice('info', pick('至少需要两期土地覆盖数据才能计算变化。', 'Two land-cover versions are needed for a change.')));
        return;
      }
      const a = await get<ChangeAnswer>('/v1/land-cover/change', { from: pair.from.datasetId, to: pair.to.datasetId, regionCodes: PROVINCE });
      if (a.status !== 'completed') {
        mount(body, notice('info', pick('变化正在计算中，请稍后刷新。', 'The change is being computed; refresh in a moment.')));
        return;
      }
      const region = a.regions[0];
      const lossPas = a.protectedAreas.filter((p) => p.forestLossHa > 0).sort((x, y) => y.forestLossHa - x.forestLossHa);
      mount(
        body,
        h(
          'p',
          { class: 'lead' },
          pick(
            `${region ? region.name : ''} ${a.from.year}—${a.to.year} 年（公顷，椭球面积）：森林减少 ${num(region?.forestLossHa, 1)} 公顷，其中自然保护地内 ${num(region?.forestLossInProtectedAreasHa, 1)} 公顷；森林增加 ${num(region?.forestGainHa, 1)} 公顷。`,
            `${region ? (region.nameEn ?? region.name) : ''} ${a.from.year}–${a.to.year} (ha, ellipsoidal): forest lost ${num(region?.forestLossHa, 1)} ha, of which ${num(region?.forestLossInProtectedAreasHa, 1)} ha inside protected areas; forest gained ${num(region?.forestGainHa, 1)} ha.`,
          ),
        ),
        region ? matrixTable(a, region.matrix) : null,
        lossPas.length
          ? h(
              'ul',
              { class: 'lcc-pa-loss', 'data-role': 'pa-forest-loss' },
              lossPas.map((p) => h('li', null, `${getLang() === 'en' ? (p.nameEn ?? p.name) : p.name}: ${num(p.forestLossHa, 1)} ${pick('公顷', 'ha')}`)),
            )
          : null,
      );
    } catch (err) {
      mount(
        body,
        errorBox(err, () => void load()),
      );
    }
  };
  void load();
  return panel;
}

// ---- the change layer of the map (apps/web/src/views/map.ts)

type Geometry = { type: string; coordinates: unknown };
export interface ChangeFC {
  type: 'FeatureCollection';
  features: { type: 'Feature'; geometry: Geometry; properties: Record<string, unknown> }[];
}

/** Colours of the change layer: forest lost (red) and any other change (amber). */
export const CHANGE_COLOURS = { loss: '#c62828', other: '#f39c12' } as const;

function centre(g: Geometry): [number, number] {
  let x0 = Infinity;
  let y0 = Infinity;
  let x1 = -Infinity;
  let y1 = -Infinity;
  const walk = (c: unknown): void => {
    if (Array.isArray(c) && typeof c[0] === 'number') {
      x0 = Math.min(x0, c[0] as number);
      x1 = Math.max(x1, c[0] as number);
      y0 = Math.min(y0, c[1] as number);
      y1 = Math.max(y1, c[1] as number);
    } else if (Array.isArray(c)) for (const x of c) walk(x);
  };
  walk(g.coordinates);
  return [(x0 + x1) / 2, (y0 + y1) / 2];
}

/**
 * Where the land cover changed between the two newest versions (GET /v1/land-cover/change/areas),
 * and a marker at each forest-loss piece so that a small clearing shows at province scale. Empty
 * (never an error) when there is no pair or the change is not computed yet.
 */
export async function changeLayerData(datasets: LayerDataset[]): Promise<{ areas: ChangeFC; markers: ChangeFC }> {
  const empty = (): ChangeFC => ({ type: 'FeatureCollection', features: [] });
  const pair = changePair(datasets);
  if (!pair) return { areas: empty(), markers: empty() };
  try {
    const areas = await get<ChangeFC & { status: string }>('/v1/land-cover/change/areas', { from: pair.from.datasetId, to: pair.to.datasetId, limit: 5000 });
    const markers: ChangeFC = {
      type: 'FeatureCollection',
      features: areas.features
        .filter((f) => f.properties.forestLoss === true)
        .map((f) => ({ type: 'Feature' as const, geometry: { type: 'Point', coordinates: centre(f.geometry) }, properties: f.properties })),
    };
    return { areas: { type: 'FeatureCollection', features: areas.features }, markers };
  } catch {
    return { areas: empty(), markers: empty() };
  }
}
