import type { Map as MlMap } from 'maplibre-gl';
import { h } from '../dom';
import { get } from '../api';
import { pick } from '../i18n';

// Remote-sensing rasters on the map (issue 18): the newest ready raster of each kind as PNG tiles
// (GET /tiles/rasters/{id}/{z}/{x}/{y}.png, packages/rasters) with its legend
// (GET /tiles/rasters/{id}/legend.json): the NDVI / FVC ramps, the land-cover palette. Off by
// default; each is one switch in the layer list.

interface RasterMeta {
  datasetId: number;
  kind: string;
  year: number;
  status: string;
  version: number;
  unit: string;
}

interface Legend {
  type: 'ramp' | 'classes';
  unit: string;
  stops: { value: number; color: string }[];
  classes: { code: number; class: string; labelZh: string; color: string }[];
}

export interface RasterLayer {
  id: string;
  datasetId: number;
  kind: string;
  year: number;
  label: string;
  legend: Legend | null;
}

const KIND_NAMES: Record<string, [string, string]> = {
  ndvi: ['遥感 NDVI', 'NDVI (remote sensing)'],
  fvc: ['植被覆盖度 FVC', 'Vegetation cover FVC'],
  'land-cover': ['土地覆盖（栅格）', 'Land cover (raster)'],
  elevation: ['高程', 'Elevation'],
};

/** The newest ready raster of each kind, with its legend; [] when the platform has none (or the call fails). */
export async function loadRasterLayers(): Promise<RasterLayer[]> {
  try {
    const { datasets } = await get<{ datasets: RasterMeta[] }>('/v1/rasters');
    const newest = new Map<string, RasterMeta>();
    for (const r of datasets) {
      if (r.status !== 'ready' || !(r.kind in KIND_NAMES)) continue;
      const cur = newest.get(r.kind);
      if (!cur || r.year > cur.year || (r.year === cur.year && r.version > cur.version)) newest.set(r.kind, r);
    }
    return await Promise.all(
      [...newest.values()].map(async (r) => ({
        id: `raster-${r.datasetId}`,
        datasetId: r.datasetId,
        kind: r.kind,
        year: r.year,
        label: `${pick(...KIND_NAMES[r.kind])} ${r.year}`,
        legend: await get<Legend>(`/tiles/rasters/${r.datasetId}/legend.json`).catch(() => null),
      })),
    );
  } catch {
    return [];
  }
}

/** Adds each raster as a raster source and layer below `beforeId`, hidden until switched on. */
export function addRasterLayers(map: MlMap, layers: RasterLayer[], beforeId: string): void {
  for (const r of layers) {
    map.addSource(r.id, { type: 'raster', tiles: [`${location.origin}/tiles/rasters/${r.datasetId}/{z}/{x}/{y}.png`], tileSize: 256, maxzoom: 12 });
    map.addLayer(
      { id: r.id, type: 'raster', source: r.id, layout: { visibility: 'none' }, paint: { 'raster-opacity': 0.8 } },
      map.getLayer(beforeId) ? beforeId : undefined,
    );
  }
}

/** Legend entries: a gradient bar with its end values, or the class swatches. */
export function rasterLegendItems(layers: RasterLayer[]): HTMLElement[] {
  return layers
    .filter((r) => r.legend)
    .map((r) => {
      const l = r.legend!;
      if (l.type === 'classes') {
        return h(
          'li',
          { class: 'raster-legend', 'data-raster': r.datasetId },
          h('div', null, r.label),
          h(
            'ul',
            { class: 'legend-list' },
            l.classes.map((c) => h('li', null, h('span', { class: 'swatch swatch-box', style: { background: c.color } }), `${c.labelZh} (${c.code})`)),
          ),
        );
      }
      const lo = l.stops[0]?.value ?? 0;
      const hi = l.stops[l.stops.length - 1]?.value ?? 1;
      const span = hi - lo || 1;
      const gradient = `linear-gradient(to right, ${l.stops.map((s) => `${s.color} ${(((s.value - lo) / span) * 100).toFixed(1)}%`).join(', ')})`;
      return h(
        'li',
        { class: 'raster-legend', 'data-raster': r.datasetId },
        h('div', null, `${r.label} · ${l.unit}`),
        h('span', { class: 'swatch-ramp', style: { display: 'block', height: '10px', width: '100%', background: gradient } }),
        h(
          'span',
          { class: 'muted small', style: { display: 'flex', justifyContent: 'space-between' } },
          h('span', null, String(lo)),
          h('span', null, String(hi)),
        ),
      );
    });
}
