import type { FilterSpecification, LngLatBoundsLike, Map as MlMap, MapGeoJSONFeature, Marker, VectorTileSource } from 'maplibre-gl';
import type { FeatureCollection, Geometry, Position } from 'geojson';
import { field, h, mount, select } from '../dom';
import { get, getToken, url } from '../api';
import { pick, t, tx, type Key } from '../i18n';
import { addRasterLayers, loadRasterLayers, rasterLegendItems, type RasterLayer } from './map-rasters';
import { ago, num, pct } from '../format';
import { href, type Route } from '../router';
import { can } from '../session';
import { errorBox, loadingBox, notice } from '../ui';
import { HEALTH_COLOURS, healthLevel, stationsWithHealth } from '../station-health';
import type { AssessmentReport, IndicatorDef, LayerDataset } from '../types';
import { CHANGE_COLOURS, changeLayerData } from './land-cover-change';

// Calls: GET /v1/layers, GET /v1/layers/{id}/features (newest regions, protected areas, land cover),
// the vector tiles GET /tiles/occurrences/{z}/{x}/{y}.mvt (filters taxon, from, to, protectionClass;
// every record, clustered below zoom 9, generalised unless the role sees exact points; the token is sent
// with each tile request) and their number from GET /ogc/collections/occurrences/items, GET /v1/stations + /v1/stations/{id}/health (roles that may see stations),
// and for a clicked region GET /v1/indicators + GET /v1/reports/assessment (cached); the province's
// ProtConn links and top connectors from GET /v1/indicators/pa_connectivity/values.

/** Colours, shared by the style and the legend (and the e2e pixel test reads REGION_FILL). */
export const BG = '#dce5ec';
export const REGION_FILL = '#f4eedf';
const REGION_LINE = '#7a6c57';
const PROVINCE_LINE = '#4a3f30';
const PRIORITY_LINE = '#b5532f';
const PA_FILL = '#2f7d4f';
const PA_LINE = '#1d5a37';
const CONN_LINK = '#8e44ad';
const CONN_TOP = '#e67e22';
export const LAND_COVER: Record<string, string> = {
  forest: '#4c8c4a',
  shrub_special: '#78a85a',
  shrub: '#a5c27c',
  grassland: '#cfd98a',
  wetland: '#62a9c7',
  water: '#3d7ebf',
  cropland: '#ead58f',
  built: '#c27c6c',
  bare: '#cdbfa6',
  other: '#b9b9b9',
};
const OCC = { I: '#c2185b', II: '#ef7d00', other: '#5b3f99' };
const JILIN_BOUNDS: LngLatBoundsLike = [
  [121.6, 40.85],
  [131.35, 46.3],
];

const DESIGNATIONS: Record<string, [string, string]> = {
  national_park: ['国家公园', 'National park'],
  nature_reserve: ['自然保护区', 'Nature reserve'],
  wetland_park: ['湿地公园', 'Wetland park'],
  forest_park: ['森林公园', 'Forest park'],
  scenic_area: ['风景名胜区', 'Scenic area'],
  geopark: ['地质公园', 'Geopark'],
  wetland_small_area: ['湿地保护小区', 'Small wetland area'],
  biosphere_reserve: ['生物圈保护区', 'Biosphere reserve'],
  other: ['其他', 'Other'],
};
const LEVELS: Record<string, [string, string]> = {
  national: ['国家级', 'National'],
  provincial: ['省级', 'Provincial'],
  prefecture: ['市州', 'Prefecture'],
  province: ['省', 'Province'],
  county: ['县级', 'County'],
  priority_area: ['优先区域', 'Priority area'],
  designated: ['已批准', 'Designated'],
  proposed: ['拟建', 'Proposed'],
};
const word = (table: Record<string, [string, string]>, k: unknown) => (typeof k === 'string' && table[k] ? pick(table[k][0], table[k][1]) : String(k ?? '—'));

interface Filters {
  taxon: string;
  from: string;
  to: string;
  protectionClass: string;
}

type FC = FeatureCollection<Geometry, Record<string, unknown>>;

function newest(datasets: LayerDataset[], kind: string): LayerDataset | undefined {
  return datasets.filter((d) => d.kind === kind).sort((a, b) => (b.year ?? 0) - (a.year ?? 0) || b.datasetId - a.datasetId)[0];
}

async function features(ds: LayerDataset | undefined): Promise<FC> {
  if (!ds) return { type: 'FeatureCollection', features: [] };
  return get<FC>(`/v1/layers/${ds.datasetId}/features`, { limit: 50000 });
}

/** The occurrence tiles with the filters (the server generalises them for the caller: no cap, no paging here). */
function occurrenceTiles(f: Filters): string {
  return `${location.origin}${url('/tiles/occurrences/{z}/{x}/{y}.mvt', { taxon: f.taxon, from: f.from, to: f.to, protectionClass: f.protectionClass })}`
    .replace(/%7B/g, '{')
    .replace(/%7D/g, '}');
}

/** How many records the filters match, as the caller may see them (numberMatched of the OGC items). */
async function occurrenceCount(f: Filters): Promise<number> {
  const datetime = f.from || f.to ? `${f.from || '..'}/${f.to || '..'}` : undefined;
  const r = await get<{ numberMatched: number }>('/ogc/collections/occurrences/items', {
    f: 'json',
    limit: 1,
    taxon: f.taxon,
    protectionClass: f.protectionClass,
    datetime,
  });
  return r.numberMatched;
}

function bboxOf(g: Geometry): [number, number, number, number] {
  const b: [number, number, number, number] = [Infinity, Infinity, -Infinity, -Infinity];
  const walk = (c: unknown): void => {
    if (typeof (c as Position)[0] === 'number') {
      const [x, y] = c as Position;
      b[0] = Math.min(b[0], x);
      b[1] = Math.min(b[1], y);
      b[2] = Math.max(b[2], x);
      b[3] = Math.max(b[3], y);
    } else (c as unknown[]).forEach(walk);
  };
  if ('coordinates' in g) walk(g.coordinates);
  return b;
}

function dl(rows: [string, unknown][]): HTMLElement {
  return h(
    'dl',
    { class: 'facts facts-tight' },
    rows
      .filter(([, v]) => v !== undefined && v !== null && v !== '')
      .map(([k, v]) => h('div', null, h('dt', null, k), h('dd', null, v instanceof Node ? v : String(v)))),
  );
}

interface Connectivity {
  fc: FC;
  /** the protected areas the top connector parts are made of (their ids, as in the layer's features) */
  topPaIds: string[];
  protConn: number | null;
  distanceKm: number | null;
  threshold: number | null;
}

/**
 * ProtConn of the province at the distance reports show (10 km, else the first computed): its links
 * with p* above the run's threshold (lines between the parts' points) and its top connector parts,
 * from GET /v1/indicators/pa_connectivity/values (public: protected areas are public). Empty when
 * no run computed it.
 */
async function connectivity(regions: FC): Promise<Connectivity> {
  const empty: Connectivity = { fc: { type: 'FeatureCollection', features: [] }, topPaIds: [], protConn: null, distanceKm: null, threshold: null };
  try {
    const province = regions.features.find((f) => f.properties.level === 'province');
    if (!province) return empty;
    const r = await get<{ values: { variant?: string; year: number; value: number | null; details: Record<string, unknown> }[] }>(
      '/v1/indicators/pa_connectivity/values',
      { region: String(province.properties.code) },
    );
    const year = Math.max(...r.values.map((v) => v.year));
    const ofYear = r.values.filter((v) => v.year === year);
    const v = ofYear.find((x) => x.variant === 'd=10km') ?? ofYear[0];
    if (!v) return empty;
    const d = v.details as {
      dispersalDistanceKm?: number;
      linkThreshold?: number;
      links?: { pStar: number; direct: boolean; line: Position[] }[];
      topConnectors?: { rank: number; point: Position; dPC: number; dPCconnector: number; areaKm2: number; protectedAreas: { id: string; name: string }[] }[];
    };
    return {
      topPaIds: [...new Set((d.topConnectors ?? []).flatMap((c) => c.protectedAreas.map((p) => p.id)))],
      protConn: v.value,
      distanceKm: d.dispersalDistanceKm ?? null,
      threshold: d.linkThreshold ?? null,
      fc: {
        type: 'FeatureCollection',
        features: [
          ...(d.links ?? []).map((l) => ({
            type: 'Feature' as const,
            geometry: { type: 'LineString' as const, coordinates: l.line },
            properties: { pStar: l.pStar, direct: l.direct },
          })),
          ...(d.topConnectors ?? []).map((c) => ({
            type: 'Feature' as const,
            geometry: { type: 'Point' as const, coordinates: c.point },
            properties: {
              rank: c.rank,
              dPC: c.dPC,
              dPCconnector: c.dPCconnector,
              areaKm2: c.areaKm2,
              names: JSON.stringify(c.protectedAreas.map((p) => p.name)),
            },
          })),
        ],
      },
    };
  } catch {
    return empty;
  }
}

export async function renderMap(root: HTMLElement, route: Route, isCurrent: () => boolean): Promise<(() => void) | undefined> {
  const q = route.query;
  const filters: Filters = { taxon: q.get('taxon') ?? '', from: q.get('from') ?? '', to: q.get('to') ?? '', protectionClass: q.get('protectionClass') ?? '' };
  const title = h('h1', { class: 'page-title', tabindex: '-1' }, t('mapTitle'));
  mount(root, title, loadingBox());

  let lib: typeof import('../map-setup');
  let datasets: LayerDataset[];
  let regions: FC, pas: FC, landCover: FC, occCount: number, conn: Connectivity;
  let change: Awaited<ReturnType<typeof changeLayerData>>;
  let stations: Awaited<ReturnType<typeof stationsWithHealth>> = [];
  let rasters: RasterLayer[] = [];
  try {
    [lib, { datasets }] = await Promise.all([import('../map-setup'), get<{ datasets: LayerDataset[] }>('/v1/layers')]);
    [regions, pas, landCover, occCount, stations] = await Promise.all([
      features(newest(datasets, 'regions')),
      features(newest(datasets, 'protected-areas')),
      features(newest(datasets, 'land-cover')),
      occurrenceCount(filters),
      can.seeStations() ? stationsWithHealth() : Promise.resolve([]),
    ]);
    conn = await connectivity(regions);
    change = await changeLayerData(datasets);
    rasters = await loadRasterLayers();
  } catch (err) {
    mount(
      root,
      title,
      errorBox(err, () => void renderMap(root, route, isCurrent)),
    );
    return;
  }
  if (!isCurrent()) return;
  const { maplibregl } = lib;

  const stationFC: FC = {
    type: 'FeatureCollection',
    features: stations.map(({ station: s, health }) => ({
      type: 'Feature',
      geometry: s.location,
      properties: {
        id: s.stationId,
        name: s.name,
        type: s.type,
        level: healthLevel(health),
        completeness: health?.completenessPct ?? null,
        lastSeen: health?.lastSeenAt ?? s.lastSeenAt,
        gaps: health?.gapCount ?? null,
        department: s.department,
      },
    })),
  };

  // ---- the panel: filters, layers, legend, region picker, details
  const taxon = h('input', { type: 'search', name: 'taxon', value: filters.taxon, placeholder: t('taxonPh'), autocomplete: 'off' });
  const from = h('input', { type: 'date', name: 'from', value: filters.from });
  const to = h('input', { type: 'date', name: 'to', value: filters.to });
  const pc = select(
    [
      { value: '', label: t('pcAll') },
      { value: 'I', label: t('pcI') },
      { value: 'II', label: t('pcII') },
    ],
    filters.protectionClass,
    { name: 'protectionClass' },
  );
  const count = h('p', { class: 'muted small', role: 'status', 'data-role': 'occ-count' });
  const setCount = (n: number) => {
    count.textContent = t('occShown', { n: num(n) });
  };
  setCount(occCount);
  const filterForm = h(
    'form',
    {
      class: 'map-filters',
      'aria-labelledby': 'h-map-filters',
      onsubmit: (e: Event) => {
        e.preventDefault();
        void applyFilters();
      },
    },
    h('h2', { id: 'h-map-filters', class: 'panel-title' }, t('mapFilters')),
    field(t('taxon'), taxon),
    h('div', { class: 'field-row' }, field(t('dateFrom'), from), field(t('dateTo'), to)),
    field(t('protectionClass'), pc),
    h(
      'div',
      { class: 'field-actions' },
      h('button', { type: 'submit', class: 'btn' }, t('apply')),
      h(
        'button',
        {
          type: 'button',
          class: 'btn btn-ghost',
          onclick: () => {
            taxon.value = '';
            from.value = '';
            to.value = '';
            pc.value = '';
            void applyFilters();
          },
        },
        t('reset'),
      ),
    ),
    count,
  );

  const layerDefs: { key: Key; id: string; layers: string[]; on: boolean; disabled?: boolean; label?: string }[] = [
    { key: 'lyrRegions', id: 'regions', layers: ['region-fill', 'region-line', 'province-line'], on: true },
    { key: 'lyrPriority', id: 'priority', layers: ['priority-fill', 'priority-line'], on: true },
    { key: 'lyrLandCover', id: 'landcover', layers: ['landcover-fill'], on: true },
    { key: 'lyrPA', id: 'pa', layers: ['pa-fill', 'pa-line'], on: true },
    {
      key: 'lyrChange',
      id: 'lcc',
      layers: ['lcc-fill', 'lcc-line', 'lcc-marker'],
      on: change.areas.features.length > 0,
      disabled: change.areas.features.length === 0,
    },
    { key: 'lyrOcc', id: 'occ', layers: ['occ-clusters', 'occ-points'], on: true },
    { key: 'lyrConn', id: 'conn', layers: ['conn-pa', 'conn-links', 'conn-top'], on: conn.fc.features.length > 0, disabled: conn.fc.features.length === 0 },
    { key: 'lyrStations', id: 'stations', layers: ['stations'], on: stations.length > 0, disabled: !can.seeStations() },
    // remote-sensing rasters (NDVI, FVC, land cover) as PNG tiles, off until switched on
    ...rasters.map((r) => ({ key: 'layers' as Key, id: r.id, layers: [r.id], on: false, label: r.label })),
  ];
  const layerBoxes = h(
    'fieldset',
    { class: 'layer-list' },
    h('legend', { class: 'panel-title' }, t('layers')),
    layerDefs.map((d) =>
      h(
        'div',
        { class: 'field-check' },
        h('input', {
          type: 'checkbox',
          id: `lyr-${d.id}`,
          name: d.id,
          checked: d.on,
          disabled: d.disabled,
          onchange: (e: Event) => setVisible(d.layers, (e.target as HTMLInputElement).checked),
        }),
        h('label', { for: `lyr-${d.id}` }, d.label ?? t(d.key)),
      ),
    ),
  );

  const sw = (colour: string, label: string, shape = 'box') =>
    h('li', null, h('span', { class: `swatch swatch-${shape}`, style: { background: colour } }), label);
  const legend = h(
    'details',
    { class: 'legend', open: true },
    h('summary', { class: 'panel-title' }, t('legend')),
    h(
      'ul',
      { class: 'legend-list' },
      sw(REGION_FILL, t('lyrRegions')),
      sw(PRIORITY_LINE, t('lyrPriority'), 'dash'),
      sw(PA_FILL, t('lyrPA')),
      conn.fc.features.length ? sw(CONN_LINK, t('connLinks', { t: conn.threshold ?? '—', d: conn.distanceKm ?? '—' }), 'dash') : null,
      conn.fc.features.length ? sw(CONN_TOP, t('connTop'), 'dot') : null,
      Object.entries(LAND_COVER).map(([k, c]) => sw(c, tx('lc_', k))),
      change.areas.features.length ? sw(CHANGE_COLOURS.loss, t('lyrChange')) : null,
      sw(OCC.I, `${t('lyrOcc')} · ${t('pcI')}`, 'dot'),
      sw(OCC.II, `${t('lyrOcc')} · ${t('pcII')}`, 'dot'),
      sw(OCC.other, t('lyrOcc'), 'dot'),
      can.seeStations() ? (['ok', 'warn', 'bad'] as const).map((l) => sw(HEALTH_COLOURS[l], `${t('lyrStations')} · ${tx('hl_', l)}`, 'dot')) : null,
      rasterLegendItems(rasters),
    ),
  );

  const regionOptions = regions.features
    .filter((f) => f.properties.level !== 'province')
    .map((f) => ({ value: String(f.properties.code), label: pick(String(f.properties.name), String(f.properties.nameEn ?? '')) }));
  const regionSel = select([{ value: '', label: t('chooseRegion') }, ...regionOptions], '', { name: 'region' });
  regionSel.addEventListener('change', () => {
    const f = regions.features.find((x) => String(x.properties.code) === regionSel.value);
    if (!f) return;
    map.fitBounds(bboxOf(f.geometry), { padding: 30, duration: 600 });
    showDetails(regionDetails(f.properties));
  });
  const details = h('div', { class: 'map-details', 'aria-live': 'polite', 'data-role': 'details' }, h('p', { class: 'muted small' }, t('clickHint')));

  const mapEl = h('div', { class: 'map', id: 'map', role: 'region', 'aria-label': t('mapAria') });
  mount(
    root,
    h('div', { class: 'page-head' }, h('div', null, title)),
    h(
      'div',
      { class: 'map-layout' },
      h('div', { class: 'map-wrap' }, mapEl),
      h(
        'aside',
        { class: 'map-panel', 'aria-label': t('mapFilters') },
        filterForm,
        notice('info', can.seeExactPoints() ? t('exactNote') : t('generalisedNote')),
        !can.seeStations() ? h('p', { class: 'muted small' }, t('stationsNeedLogin')) : null,
        layerBoxes,
        field(t('goToRegion'), regionSel),
        h('section', { 'aria-labelledby': 'h-details' }, h('h2', { id: 'h-details', class: 'panel-title' }, t('featureDetails')), details),
        legend,
      ),
    ),
  );

  // ---- the map: only biomon's own layers, on a plain background (works offline)
  let map: MlMap;
  try {
    map = new maplibregl.Map({
      container: mapEl,
      style: { version: 8, sources: {}, layers: [{ id: 'background', type: 'background', paint: { 'background-color': BG } }] },
      bounds: JILIN_BOUNDS,
      fitBoundsOptions: { padding: 16 },
      attributionControl: false,
      dragRotate: false,
      pitchWithRotate: false,
      touchPitch: false,
      maxZoom: 14,
      // tiles are the caller's view: send the token with them (evaluators see exact points)
      transformRequest: (u: string) => {
        const token = getToken();
        return token && u.startsWith(`${location.origin}/tiles/`) ? { url: u, headers: { authorization: `Bearer ${token}` } } : { url: u };
      },
    });
  } catch (err) {
    mapEl.replaceWith(notice('error', t('webglMissing'), ` (${(err as Error).message})`));
    return;
  }
  map.touchZoomRotate.disableRotation();
  map.addControl(new maplibregl.NavigationControl({ showCompass: false }), 'top-right');
  map.addControl(new maplibregl.ScaleControl({ unit: 'metric' }), 'bottom-left');
  map.addControl(new maplibregl.AttributionControl({ compact: true, customAttribution: 'biomon · 演示数据 demo data' }));

  const isProvince: FilterSpecification = ['==', ['get', 'level'], 'province'];
  const isPriority: FilterSpecification = ['==', ['get', 'level'], 'priority_area'];
  const isUnit: FilterSpecification = ['all', ['!=', ['get', 'level'], 'province'], ['!=', ['get', 'level'], 'priority_area']];
  const lcColour = ['match', ['get', 'class'], ...Object.entries(LAND_COVER).flat(), '#b9b9b9'] as unknown as string;

  map.on('load', () => {
    map.addSource('regions', { type: 'geojson', data: regions });
    map.addSource('landcover', { type: 'geojson', data: landCover });
    map.addSource('pa', { type: 'geojson', data: pas });
    map.addSource('occ', { type: 'vector', tiles: [occurrenceTiles(filters)], minzoom: 0, maxzoom: 14 });
    map.addSource('stations', { type: 'geojson', data: stationFC });
    map.addSource('conn', { type: 'geojson', data: conn.fc });
    map.addSource('lcc', { type: 'geojson', data: change.areas as never });
    map.addSource('lcc-markers', { type: 'geojson', data: change.markers as never });
    map.addLayer({
      id: 'region-fill',
      type: 'fill',
      source: 'regions',
      filter: ['any', isProvince, isUnit],
      paint: { 'fill-color': REGION_FILL, 'fill-opacity': 1 },
    });
    map.addLayer({ id: 'landcover-fill', type: 'fill', source: 'landcover', paint: { 'fill-color': lcColour, 'fill-opacity': 0.62 } });
    map.addLayer({ id: 'priority-fill', type: 'fill', source: 'regions', filter: isPriority, paint: { 'fill-color': PRIORITY_LINE, 'fill-opacity': 0.05 } });
    map.addLayer({
      id: 'pa-fill',
      type: 'fill',
      source: 'pa',
      paint: { 'fill-color': PA_FILL, 'fill-opacity': ['case', ['==', ['get', 'status'], 'proposed'], 0.15, 0.35] },
    });
    map.addLayer({
      id: 'pa-line',
      type: 'line',
      source: 'pa',
      paint: {
        'line-color': PA_LINE,
        'line-width': 1.2,
        'line-dasharray': ['case', ['==', ['get', 'status'], 'proposed'], ['literal', [2, 2]], ['literal', [1, 0]]],
      },
    });
    // the land-cover change of the two newest versions, highlighted over the land cover and protected areas
    const lccColour = ['case', ['==', ['get', 'forestLoss'], true], CHANGE_COLOURS.loss, CHANGE_COLOURS.other] as unknown as string;
    map.addLayer({ id: 'lcc-fill', type: 'fill', source: 'lcc', paint: { 'fill-color': lccColour, 'fill-opacity': 0.85 } });
    map.addLayer({ id: 'lcc-line', type: 'line', source: 'lcc', paint: { 'line-color': lccColour, 'line-width': 1.5 } });
    map.addLayer({
      id: 'lcc-marker',
      type: 'circle',
      source: 'lcc-markers',
      paint: { 'circle-color': CHANGE_COLOURS.loss, 'circle-radius': 7, 'circle-stroke-color': '#fff', 'circle-stroke-width': 2 },
    });
    map.addLayer({ id: 'region-line', type: 'line', source: 'regions', filter: isUnit, paint: { 'line-color': REGION_LINE, 'line-width': 1 } });
    map.addLayer({ id: 'province-line', type: 'line', source: 'regions', filter: isProvince, paint: { 'line-color': PROVINCE_LINE, 'line-width': 2.5 } });
    map.addLayer({
      id: 'priority-line',
      type: 'line',
      source: 'regions',
      filter: isPriority,
      paint: { 'line-color': PRIORITY_LINE, 'line-width': 2.2, 'line-dasharray': [3, 2] },
    });
    map.addLayer({
      id: 'occ-clusters',
      type: 'circle',
      source: 'occ',
      'source-layer': 'occurrences',
      filter: ['==', ['get', 'cluster'], true],
      paint: {
        'circle-color': OCC.other,
        'circle-opacity': 0.82,
        'circle-stroke-color': '#fff',
        'circle-stroke-width': 2,
        'circle-radius': ['step', ['coalesce', ['get', 'count'], 0], 13, 10, 17, 50, 22, 200, 28, 5000, 34],
      },
    });
    map.addLayer({
      id: 'occ-points',
      type: 'circle',
      source: 'occ',
      'source-layer': 'occurrences',
      filter: ['!=', ['get', 'cluster'], true],
      paint: {
        'circle-color': ['match', ['coalesce', ['get', 'protectionClass'], ''], 'I', OCC.I, 'II', OCC.II, OCC.other],
        'circle-radius': 5.5,
        'circle-opacity': ['case', ['==', ['get', 'generalised'], true], 0.45, 0.95],
        'circle-stroke-color': '#fff',
        'circle-stroke-width': 1.5,
      },
    });
    // ProtConn of the province: the top connector protected areas outlined, links with p* above the
    // threshold (width by p*, dashed through other parts) and a point on each top connector part
    map.addLayer({
      id: 'conn-pa',
      type: 'line',
      source: 'pa',
      filter: ['in', ['get', 'id'], ['literal', conn.topPaIds]],
      paint: { 'line-color': CONN_TOP, 'line-width': 3 },
    });
    map.addLayer({
      id: 'conn-links',
      type: 'line',
      source: 'conn',
      filter: ['==', ['geometry-type'], 'LineString'],
      paint: {
        'line-color': CONN_LINK,
        'line-opacity': 0.75,
        'line-width': ['interpolate', ['linear'], ['get', 'pStar'], 0, 0.5, 1, 3.5],
        'line-dasharray': ['case', ['==', ['get', 'direct'], true], ['literal', [1, 0]], ['literal', [2, 1.5]]],
      },
    });
    map.addLayer({
      id: 'conn-top',
      type: 'circle',
      source: 'conn',
      filter: ['==', ['geometry-type'], 'Point'],
      paint: {
        'circle-color': CONN_TOP,
        'circle-radius': ['interpolate', ['linear'], ['get', 'rank'], 1, 11, 10, 6],
        'circle-stroke-color': '#fff',
        'circle-stroke-width': 2,
      },
    });
    map.addLayer({
      id: 'stations',
      type: 'circle',
      source: 'stations',
      paint: {
        'circle-color': ['match', ['get', 'level'], 'ok', HEALTH_COLOURS.ok, 'warn', HEALTH_COLOURS.warn, 'bad', HEALTH_COLOURS.bad, HEALTH_COLOURS.unknown],
        'circle-radius': 9,
        'circle-stroke-color': '#1b2631',
        'circle-stroke-width': 2.5,
      },
    });
    addRasterLayers(map, rasters, 'priority-fill');
    for (const d of layerDefs) if (!d.on) setVisible(d.layers, false);
    mapEl.dataset.ready = 'true';
  });

  function setVisible(ids: string[], on: boolean): void {
    for (const id of ids) if (map.getLayer(id)) map.setLayoutProperty(id, 'visibility', on ? 'visible' : 'none');
    updateClusterLabels();
  }

  // Cluster counts as HTML (a symbol layer would need a glyph server): one marker per cluster
  // drawn (the tiles' countLabel: "<3" for few generalised records), recomputed whenever the map
  // settles and hidden while it zooms (clusters change by zoom).
  let labels = new Map<string, Marker>();
  function clearClusterLabels(): void {
    for (const m of labels.values()) m.remove();
    labels = new Map();
  }
  function updateClusterLabels(): void {
    const next = new Map<string, Marker>();
    const visible = map.getLayer('occ-clusters') && map.getLayoutProperty('occ-clusters', 'visibility') !== 'none';
    if (visible) {
      for (const f of map.queryRenderedFeatures({ layers: ['occ-clusters'] })) {
        const at = (f.geometry as GeoJSON.Point).coordinates as [number, number];
        const text = String(f.properties.countLabel ?? f.properties.count ?? '');
        const id = `${at[0].toFixed(5)},${at[1].toFixed(5)},${text}`;
        if (next.has(id)) continue;
        const m =
          labels.get(id) ?? new maplibregl.Marker({ element: h('div', { class: 'cluster-label', 'aria-hidden': 'true' }, text) }).setLngLat(at).addTo(map);
        next.set(id, m);
      }
    }
    for (const [id, m] of labels) if (!next.has(id)) m.remove();
    labels = next;
  }
  map.on('zoomstart', clearClusterLabels);
  map.on('idle', updateClusterLabels);

  async function applyFilters(): Promise<void> {
    const f: Filters = { taxon: taxon.value.trim(), from: from.value, to: to.value, protectionClass: pc.value };
    // keep the filter in the address without re-rendering the view (replaceState fires no hashchange)
    history.replaceState(null, '', href(['map'], { ...f }));
    count.textContent = t('loading');
    try {
      clearClusterLabels();
      (map.getSource('occ') as VectorTileSource).setTiles([occurrenceTiles(f)]);
      setCount(await occurrenceCount(f));
    } catch (err) {
      mount(count, errorBox(err));
    }
  }

  // ---- details on click
  const popup = new maplibregl.Popup({ closeButton: true, maxWidth: '320px' });
  function showDetails(content: HTMLElement, at?: [number, number]): void {
    mount(details, content);
    if (at) popup.setLngLat(at).setDOMContent(content.cloneNode(true)).addTo(map);
  }

  function regionDetails(p: Record<string, unknown>): HTMLElement {
    const box = h(
      'div',
      { class: 'feature-card' },
      h('h3', null, pick(String(p.name), String(p.nameEn ?? ''))),
      dl([
        [t('level'), word(LEVELS, p.level)],
        ['代码 / code', p.code],
        [t('officialArea'), p.officialAreaKm2 ? `${num(p.officialAreaKm2 as number)} km²` : null],
      ]),
    );
    // the region's latest indicator values, from the (cached) assessment report
    void Promise.all([get<{ indicators: IndicatorDef[] }>('/v1/indicators'), get<AssessmentReport>('/v1/reports/assessment')])
      .then(([{ indicators }, r]) => {
        const values = r.region.code === p.code ? r.overall : [...r.prefectures, ...r.priorityAreas].find((x) => x.code === p.code)?.values;
        if (!values) return;
        box.append(
          h(
            'ul',
            { class: 'value-list small' },
            indicators
              .filter((d) => !d.companionOf)
              .map((d) => {
                const v = values.find((x) => x.indicator === d.code);
                return h('li', null, h('span', null, pick(d.nameZh, d.nameEn)), h('span', { class: 'num' }, pct(v?.value ?? null)));
              }),
          ),
        );
        if (popup.isOpen() && details.contains(box)) popup.setDOMContent(box.cloneNode(true));
      })
      .catch(() => undefined);
    return box;
  }

  function occurrenceDetails(p: Record<string, unknown>): HTMLElement {
    // a tile feature: one record, or (generalised) the records of one taxon in one 10 km cell
    const name = [p.vernacularName, p.scientificName].filter(Boolean).join(' · ');
    const pc = p.protectionClass;
    return h(
      'div',
      { class: 'feature-card' },
      h('h3', null, name || String(p.occurrenceID ?? '')),
      p.generalised ? h('p', { class: 'chip chip-warn' }, t('generalised')) : null,
      dl([
        [t('eventDate'), p.eventDate],
        [t('protectionClass'), pc ? (pc === 'I' ? t('pcI') : pc === 'II' ? t('pcII') : pc) : null],
        [t('basisOfRecord'), p.basisOfRecord],
        ['occurrenceID', p.occurrenceID],
      ]),
      p.countLabel ? h('p', { class: 'muted small' }, t('genRecords', { n: String(p.countLabel) })) : null,
    );
  }

  function connectorDetails(p: Record<string, unknown>): HTMLElement {
    const names = JSON.parse(String(p.names ?? '[]')) as string[];
    return h(
      'div',
      { class: 'feature-card', 'data-role': 'connector' },
      h('h3', null, names.join('、') || t('lyrConn')),
      dl([
        [t('connDpc'), pct(p.dPCconnector as number, 2)],
        ['dPC', pct(p.dPC as number, 2)],
        ['km²', num(p.areaKm2 as number, 1)],
        [t('connValue'), pct(conn.protConn, 2)],
      ]),
      h('p', { class: 'muted small' }, t('connRank', { n: String(p.rank) })),
    );
  }

  function stationDetails(p: Record<string, unknown>): HTMLElement {
    const level = String(p.level);
    return h(
      'div',
      { class: 'feature-card' },
      h('h3', null, String(p.name)),
      h(
        'p',
        null,
        h('span', { class: 'swatch swatch-dot', style: { background: HEALTH_COLOURS[level as keyof typeof HEALTH_COLOURS] ?? HEALTH_COLOURS.unknown } }),
        tx('hl_', level),
      ),
      dl([
        [t('stationType'), tx('stt_', String(p.type))],
        [t('completeness'), pct(p.completeness as number | null, 1)],
        [t('gaps'), p.gaps],
        [t('lastSeen'), ago(p.lastSeen as string | null)],
        [t('department'), p.department],
      ]),
      h('a', { href: href(['stations', String(p.id)]) }, t('openStation')),
    );
  }

  const clickable = ['stations', 'conn-top', 'occ-clusters', 'occ-points', 'pa-fill', 'landcover-fill', 'region-fill', 'priority-fill'];
  map.on('click', async (e) => {
    const layers = clickable.filter((id) => map.getLayer(id) && map.getLayoutProperty(id, 'visibility') !== 'none');
    const hits = map.queryRenderedFeatures(e.point, { layers });
    const byLayer = (id: string): MapGeoJSONFeature | undefined => hits.find((f) => f.layer.id === id);
    const at: [number, number] = [e.lngLat.lng, e.lngLat.lat];
    let f: MapGeoJSONFeature | undefined;
    if ((f = byLayer('stations'))) return showDetails(stationDetails(f.properties), at);
    if ((f = byLayer('conn-top'))) return showDetails(connectorDetails(f.properties), at);
    if ((f = byLayer('occ-clusters'))) {
      map.easeTo({ center: (f.geometry as GeoJSON.Point).coordinates as [number, number], zoom: Math.min(map.getZoom() + 2, 14) });
      return showDetails(h('p', null, t('cluster', { n: String(f.properties.countLabel ?? f.properties.count) })));
    }
    if ((f = byLayer('occ-points'))) return showDetails(occurrenceDetails(f.properties), at);
    if ((f = byLayer('pa-fill'))) {
      const p = f.properties;
      return showDetails(
        h(
          'div',
          { class: 'feature-card' },
          h('h3', null, pick(String(p.name), String(p.nameEn ?? ''))),
          dl([
            [t('designation'), word(DESIGNATIONS, p.designation)],
            [t('level'), word(LEVELS, p.level)],
            [t('status'), word(LEVELS, p.status)],
            [t('established'), p.establishedYear],
          ]),
        ),
        at,
      );
    }
    // the smallest unit clicked (a prefecture before the province), with the priority area it lies in
    const regionHits = hits.filter((x) => x.layer.id === 'region-fill' || x.layer.id === 'priority-fill');
    const unit = regionHits.find((x) => x.properties.level !== 'province' && x.properties.level !== 'priority_area');
    const priority = regionHits.find((x) => x.properties.level === 'priority_area');
    const region = unit ?? priority ?? regionHits[0];
    const lc = byLayer('landcover-fill');
    if (region || lc) {
      const box = region ? regionDetails(region.properties) : h('div', { class: 'feature-card' });
      const extra: [string, unknown][] = [];
      if (priority && priority !== region) extra.push([t('priorityArea'), pick(String(priority.properties.name), String(priority.properties.nameEn ?? ''))]);
      if (lc) extra.push([t('lcClass'), tx('lc_', String(lc.properties.class))]);
      if (extra.length) box.insertBefore(dl(extra), box.children[2] ?? null);
      return showDetails(box, at);
    }
  });
  for (const id of clickable) {
    map.on('mouseenter', id, () => {
      map.getCanvas().style.cursor = 'pointer';
    });
    map.on('mouseleave', id, () => {
      map.getCanvas().style.cursor = '';
    });
  }

  return () => {
    popup.remove();
    map.remove();
  };
}
