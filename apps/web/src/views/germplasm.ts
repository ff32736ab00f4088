import { field, h, mount } from '../dom';
import { download, get, url } from '../api';
import { colon, pick, t, tx } from '../i18n';
import { num, pct } from '../format';
import { href, navigate, type Route } from '../router';
import { chip, errorBox, loadingBox, notice, section, tableWrap } from '../ui';
import type { GermplasmAccession, GermplasmInstitution, IndicatorValue, LayerDataset } from '../types';

// The germplasm registry (种质资源, issue 20). Calls: GET /v1/germplasm/institutions,
// GET /v1/germplasm/accessions?taxon=…&domain=…&storage=… (public; sensitive collecting sites come
// generalised below evaluator), GET /v1/germplasm/accessions/export (MCPD CSV/XLSX download),
// GET /v1/indicators/{exsitu_protected_plants_rate,exsitu_sites_per_taxon}/values?region=220000 (the
// ex-situ coverage card), GET /v1/layers + /v1/layers/{id}/features (the province outline under the
// institutions' map).

const DOMAINS = ['crop', 'livestock', 'aquatic', 'wild_plant', 'medicinal_plant', 'microbial'];
const STORAGE = [10, 11, 12, 13, 20, 30, 40, 50, 99];
const PROVINCE = '220000';

async function latest(code: string): Promise<IndicatorValue | null> {
  const { values } = await get<{ values: IndicatorValue[] }>(`/v1/indicators/${code}/values`, { region: PROVINCE });
  return values.reduce<IndicatorValue | null>((best, v) => (best === null || v.year > best.year ? v : best), null);
}

/** The ex-situ coverage card: the province's rate, institutions per taxon, and the plants held nowhere (for action). */
async function coverageCard(): Promise<HTMLElement> {
  const [rate, sites] = await Promise.all([latest('exsitu_protected_plants_rate'), latest('exsitu_sites_per_taxon')]);
  if (!rate) return notice('info', t('gpNoRun'));
  const species = ((rate.details as { species?: { scientificName: string; chineseName: string | null; heldExSitu: boolean }[] }).species ?? []).filter(
    (s) => !s.heldExSitu,
  );
  const withheld = Number((rate.details as { sensitiveSpeciesWithheld?: number }).sensitiveSpeciesWithheld ?? 0);
  return h(
    'article',
    { class: 'card', 'data-indicator': 'exsitu_protected_plants_rate' },
    h('h3', null, pick(rate.nameZh, rate.nameEn)),
    h('p', { class: 'big-value', 'data-role': 'value' }, pct(rate.value)),
    h('p', { class: 'muted' }, t('gpHeldOf', { held: rate.numerator ?? 0, all: rate.denominator ?? 0, year: rate.year })),
    sites ? h('p', { class: 'companion' }, `${pick(sites.nameZh, sites.nameEn)}${colon()}`, h('strong', null, `${num(sites.value, 2)} ${sites.unit}`)) : null,
    h('p', { class: 'muted' }, t('gpGspc')),
    h(
      'details',
      { class: 'formula' },
      h('summary', null, t('gpNotHeld', { n: species.length + withheld })),
      h('ul', null, ...species.map((s) => h('li', null, s.chineseName ? `${s.chineseName} ` : '', h('i', null, s.scientificName)))),
      withheld ? h('p', { class: 'muted' }, t('gpWithheld', { n: withheld })) : null,
    ),
  );
}

/** Institutions on a map (MapLibre, loaded on demand) over the province outline, and as a table. */
async function institutionsPanel(institutions: GermplasmInstitution[]): Promise<HTMLElement> {
  const mapEl = h('div', { class: 'map', style: { height: '320px' }, 'aria-label': t('gpInstitutionsMap'), role: 'img' });
  const table = h(
    'table',
    null,
    h(
      'thead',
      null,
      h(
        'tr',
        null,
        h('th', null, t('gpCode')),
        h('th', null, t('gpName')),
        h('th', null, t('gpType')),
        h('th', { class: 'num' }, t('gpAccessions')),
        h('th', { class: 'num' }, t('gpLiving')),
      ),
    ),
    h(
      'tbody',
      null,
      ...institutions.map((i) =>
        h(
          'tr',
          null,
          h('td', null, h('a', { href: href(['germplasm'], { institution: i.code }) }, i.code)),
          h('td', null, pick(i.name, i.nameEn)),
          h('td', null, tx('gpType_', i.type)),
          h('td', { class: 'num' }, num(i.accessions)),
          h('td', { class: 'num' }, num(i.livingAccessions)),
        ),
      ),
    ),
  );
  void (async () => {
    try {
      const [{ maplibregl }, { datasets }] = await Promise.all([import('../map-setup'), get<{ datasets: LayerDataset[] }>('/v1/layers')]);
      const regionsDs = datasets.filter((d) => d.kind === 'regions').sort((a, b) => b.datasetId - a.datasetId)[0];
      const outline = regionsDs
        ? await get<GeoJSON.FeatureCollection>(`/v1/layers/${regionsDs.datasetId}/features`, { limit: 50000 })
        : { type: 'FeatureCollection', features: [] };
      const points: GeoJSON.FeatureCollection = {
        type: 'FeatureCollection',
        features: institutions
          .filter((i) => i.location)
          .map((i) => ({
            type: 'Feature',
            geometry: i.location as GeoJSON.Point,
            properties: { code: i.code, name: pick(i.name, i.nameEn), n: i.accessions },
          })),
      };
      const map = new maplibregl.Map({
        container: mapEl,
        style: { version: 8, sources: {}, layers: [{ id: 'background', type: 'background', paint: { 'background-color': '#f4f6f3' } }] },
        bounds: [
          [115.5, 38.5],
          [131.5, 46.5],
        ],
        attributionControl: false,
        dragRotate: false,
      });
      map.on('load', () => {
        map.addSource('regions', { type: 'geojson', data: outline as GeoJSON.FeatureCollection });
        map.addLayer({ id: 'regions-line', type: 'line', source: 'regions', paint: { 'line-color': '#8a9a8a', 'line-width': 0.8 } });
        map.addSource('inst', { type: 'geojson', data: points });
        map.addLayer({
          id: 'inst',
          type: 'circle',
          source: 'inst',
          paint: {
            'circle-radius': ['interpolate', ['linear'], ['get', 'n'], 0, 5, 100, 12],
            'circle-color': '#2f7d4f',
            'circle-stroke-color': '#fff',
            'circle-stroke-width': 1.5,
          },
        });
        map.on('click', 'inst', (e) => {
          const p = e.features?.[0]?.properties as { code?: string } | undefined;
          if (p?.code) navigate(['germplasm'], { institution: p.code });
        });
      });
    } catch (err) {
      mapEl.replaceWith(notice('warn', t('webglMissing'), ` (${(err as Error).message})`));
    }
  })();
  return h('div', null, mapEl, tableWrap(table, t('gpInstitutions')));
}

function accessionsTable(rows: GermplasmAccession[]): HTMLElement {
  return tableWrap(
    h(
      'table',
      { 'data-role': 'accessions' },
      h(
        'thead',
        null,
        h(
          'tr',
          null,
          h('th', null, t('gpAccenumb')),
          h('th', null, t('gpTaxon')),
          h('th', null, t('gpInstitution')),
          h('th', null, t('gpDomain')),
          h('th', null, 'SAMPSTAT'),
          h('th', null, 'STORAGE'),
          h('th', null, t('gpSite')),
        ),
      ),
      h(
        'tbody',
        null,
        ...rows.map((a) =>
          h(
            'tr',
            null,
            h('td', null, a.accenumb),
            h(
              'td',
              null,
              a.taxon?.chineseName ? `${a.taxon.chineseName} ` : '',
              h('i', null, a.scientificName),
              a.taxon?.protectionClass ? chip(`${t('gpClass')} ${a.taxon.protectionClass}`, 'warn') : null,
            ),
            h('td', null, a.institutionName),
            h('td', null, tx('gpDomain_', a.domain)),
            h('td', null, a.passport.SAMPSTAT ?? '—'),
            h('td', null, a.passport.STORAGE ?? '—'),
            h(
              'td',
              null,
              a.location ? `${a.location.coordinates[1].toFixed(3)}, ${a.location.coordinates[0].toFixed(3)}` : '—',
              a.generalised ? chip(t('gpGeneralised'), 'muted', { title: a.dataGeneralizations ?? '' }) : null,
            ),
          ),
        ),
      ),
    ),
    t('gpAccessionsList'),
  );
}

export async function renderGermplasm(root: HTMLElement, route: Route): Promise<void> {
  const q = route.query;
  const title = h('h1', { class: 'page-title', tabindex: '-1' }, t('gpTitle'));
  const coverage = h('div', { class: 'cards' }, loadingBox());
  const inst = h('div', null, loadingBox());
  const list = h('div', null, loadingBox());
  const taxon = h('input', { type: 'search', name: 'taxon', value: q.get('taxon') ?? '', placeholder: t('gpTaxonPlaceholder') });
  const domain = h(
    'select',
    { name: 'domain' },
    h('option', { value: '' }, t('gpAnyDomain')),
    ...DOMAINS.map((d) => h('option', { value: d, selected: q.get('domain') === d }, tx('gpDomain_', d))),
  );
  const storage = h(
    'select',
    { name: 'storage' },
    h('option', { value: '' }, t('gpAnyStorage')),
    ...STORAGE.map((s) => h('option', { value: String(s), selected: q.get('storage') === String(s) }, `${s} ${tx('gpStorage_', String(s))}`)),
  );
  const filters = { taxon: q.get('taxon') ?? '', domain: q.get('domain') ?? '', storage: q.get('storage') ?? '', institution: q.get('institution') ?? '' };
  const form = h(
    'form',
    {
      class: 'filters',
      role: 'search',
      onsubmit: (e: Event) => {
        e.preventDefault();
        navigate(['germplasm'], { taxon: taxon.value.trim(), domain: domain.value, storage: storage.value, institution: filters.institution });
      },
    },
    field(t('gpTaxon'), taxon),
    field(t('gpDomain'), domain),
    field('STORAGE', storage),
    h('button', { type: 'submit', class: 'btn' }, t('lookup')),
  );
  const exportLinks = h(
    'p',
    null,
    `${t('gpExport')}${colon()}`,
    ...(['csv', 'xlsx', 'tsv'] as const).map((f) =>
      // with the token (an evaluator's file has the exact sites), as the other downloads of the dashboard
      h(
        'button',
        {
          type: 'button',
          class: 'btn btn-small',
          style: { marginLeft: '0.5rem' },
          onclick: () =>
            void download(url('/v1/germplasm/accessions/export', { ...filters, format: f }), `biomon-mcpd.${f}`).catch((err) => mount(list, errorBox(err))),
        },
        f.toUpperCase(),
      ),
    ),
  );
  mount(
    root,
    h('div', { class: 'page-head' }, h('div', null, title, h('p', { class: 'lead' }, t('gpLead')))),
    section(t('gpCoverage'), null, coverage),
    section(t('gpInstitutions'), null, inst),
    section(t('gpAccessionsList'), filters.institution ? `${t('gpInstitution')}${colon()}${filters.institution}` : null, form, exportLinks, list),
  );
  coverageCard()
    .then((c) => mount(coverage, c))
    .catch((err) => mount(coverage, errorBox(err)));
  get<{ institutions: GermplasmInstitution[] }>('/v1/germplasm/institutions')
    .then(async ({ institutions }) => mount(inst, await institutionsPanel(institutions)))
    .catch((err) => mount(inst, errorBox(err)));
  get<{ accessions: GermplasmAccession[]; total: number }>('/v1/germplasm/accessions', { ...filters, limit: 200 })
    .then(({ accessions, total }) =>
      mount(
        list,
        h('p', { class: 'muted', 'data-role': 'total' }, t('gpFound', { n: total })),
        accessions.length ? accessionsTable(accessions) : notice('info', t('noData')),
      ),
    )
    .catch((err) => mount(list, errorBox(err)));
}
