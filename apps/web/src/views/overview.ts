import { h, mount } from '../dom';
import { get } from '../api';
import { colon, pick, t, getLang } from '../i18n';
import { date, num, pct, signed } from '../format';
import { href } from '../router';
import { preloadCharts, trendChart } from '../charts';
import { chip, errorBox, loadingBox, tableWrap, type Tone } from '../ui';
import type { AssessmentReport, IndicatorDef, IndicatorValue, ReportRegion } from '../types';
import { headlineValue, reasonFor } from '../headline';
import { landCoverChangePanel } from './land-cover-change';

// Calls: GET /v1/indicators, GET /v1/indicators/{code}/values (every region and year, one call per
// indicator) and GET /v1/reports/assessment (region names, priority areas, ledger totals, coverage).

/** The platform's province: Jilin, GB/T 2260 220000 (the assessment report's default region). */
const PROVINCE = '220000';

const statusOf = (v: { value: number | null; target: number | null; meetsTarget: boolean | null }): { text: string; tone: Tone } =>
  v.value === null
    ? { text: t('noValue'), tone: 'muted' }
    : v.target === null || v.meetsTarget === null
      ? { text: t('noNumericTarget'), tone: 'info' }
      : v.meetsTarget
        ? { text: t('met'), tone: 'ok' }
        : { text: t('notMet'), tone: 'bad' };

// the headline: the newest year with a value (with its year), else the newest year and its reason
const latest = (values: IndicatorValue[], region: string): IndicatorValue | undefined => headlineValue(values, region);

/** 遥感（NDVI）与样地法之差: RS − plot-based of the same year, in percentage points. */
function rsGap(plots: IndicatorValue | undefined, rs: IndicatorValue | undefined): HTMLElement {
  const both = plots && rs && plots.value !== null && rs.value !== null && plots.year === rs.year;
  return h(
    'span',
    { class: 'rs-gap', 'data-role': 'rs-gap', 'data-gap': both ? rs.value! - plots.value! : '' },
    ` · ${pick('遥感 NDVI 估算，与样地法差', 'NDVI-based estimate; vs plots')} ${both ? `${signed(rs.value! - plots.value!)} ${t('gapUnit')}` : '—'}`,
  );
}

function targetCard(def: IndicatorDef, v: IndicatorValue | undefined, companion: { def: IndicatorDef; v: IndicatorValue | undefined } | null): HTMLElement {
  const en = getLang() === 'en';
  const target = def.target2025.value;
  const st = v ? statusOf(v) : { text: t('noData'), tone: 'muted' as Tone };
  const gap = v && v.value !== null && target !== null ? v.value - target : null;
  const fill = v && v.value !== null && target ? Math.min(100, (v.value / target) * 100) : 0;
  return h(
    'article',
    { class: `card target-card tone-${st.tone}`, 'data-indicator': def.code, 'data-value': v?.value ?? '', 'aria-labelledby': `card-${def.code}` },
    h('header', { class: 'card-head' }, h('h3', { id: `card-${def.code}` }, pick(def.nameZh, def.nameEn)), chip(st.text, st.tone, { 'data-role': 'status' })),
    h('p', { class: 'big-value', 'data-role': 'value' }, v ? pct(v.value) : '—'),
    v && v.value === null && reasonFor(v, getLang()) ? h('p', { class: 'reason', 'data-role': 'reason' }, reasonFor(v, getLang())) : null,
    target !== null
      ? h(
          'div',
          { class: 'progress-track', role: 'img', 'aria-label': `${pct(v?.value)} / ${pct(target, 1)}` },
          h('span', { class: `progress-fill tone-${st.tone}`, style: { width: `${fill}%` } }),
          h('span', { class: 'progress-target', 'aria-hidden': 'true' }),
        )
      : null,
    h(
      'dl',
      { class: 'facts' },
      h(
        'div',
        null,
        h('dt', null, t('target')),
        h('dd', { 'data-role': 'target' }, target !== null ? pct(target, 1) : en ? def.target2025.textEn : def.target2025.text),
      ),
      h('div', null, h('dt', null, t('gap')), h('dd', { 'data-role': 'gap' }, gap !== null ? `${signed(gap)} ${t('gapUnit')}` : '—')),
      h('div', null, h('dt', null, t('dataYear')), h('dd', null, v ? String(v.year) : '—')),
      h('div', null, h('dt', null, t('computedOn')), h('dd', { 'data-role': 'computed' }, date(v?.computedAt ?? null))),
      h('div', { class: 'wide' }, h('dt', null, t('target2035')), h('dd', null, en ? def.target2035.textEn : def.target2035.text)),
    ),
    companion
      ? h(
          'p',
          { class: 'companion', 'data-indicator': companion.def.code },
          `${t('companion')}${colon()}`,
          // a companion in another unit (exsitu_sites_per_taxon: institutions per taxon) is not a percentage
          h('strong', null, companion.v && companion.v.unit !== '%' ? `${num(companion.v.value, 2)} ${companion.v.unit}` : pct(companion.v?.value)),
          ` · ${en ? companion.def.target2025.textEn : companion.def.target2025.text}`,
          // the NDVI-based grassland cover (issue 18): its method name and its gap to the plot-based value of the same year
          companion.def.code === 'grassland_vegetation_cover_rs' ? rsGap(v, companion.v) : null,
        )
      : null,
    h('details', { class: 'formula' }, h('summary', null, en ? 'Method' : '计算方法'), h('p', null, en ? def.formulaEn : def.formulaZh)),
  );
}

function regionTable(regions: ReportRegion[], defs: IndicatorDef[], caption: string): HTMLElement {
  const table = h(
    'table',
    { class: 'data-table region-table' },
    h('caption', { class: 'sr-only' }, caption),
    h(
      'thead',
      null,
      h(
        'tr',
        null,
        h('th', { scope: 'col' }, t('region')),
        defs.map((d) => h('th', { scope: 'col' }, pick(d.nameZh, d.nameEn))),
      ),
    ),
    h(
      'tbody',
      null,
      regions.map((r) =>
        h(
          'tr',
          { 'data-region': r.code },
          h('th', { scope: 'row' }, pick(r.name, r.nameEn)),
          defs.map((d) => {
            const v = r.values.find((x) => x.indicator === d.code);
            if (!v) return h('td', null, '—');
            const st = statusOf(v);
            return h('td', { class: `num cell-${st.tone}`, title: st.text }, pct(v.value), h('span', { class: 'sr-only' }, ` ${st.text}`));
          }),
        ),
      ),
    ),
  );
  return tableWrap(table, caption);
}

function priorityCards(report: AssessmentReport, defs: IndicatorDef[]): HTMLElement {
  return h(
    'div',
    { class: 'grid grid-2' },
    report.priorityAreas.map((pa) => {
      const cov = report.coverage.priorityAreas.find((c) => c.code === pa.code);
      return h(
        'article',
        { class: 'card pa-card', 'data-region': pa.code },
        h('h3', null, pick(pa.name, pa.nameEn)),
        cov
          ? h(
              'ul',
              { class: 'kpis' },
              h('li', null, h('span', { class: 'kpi-value' }, num(cov.surveyEvents)), h('span', { class: 'kpi-label' }, t('surveyEvents'))),
              h('li', null, h('span', { class: 'kpi-value' }, num(cov.occurrences)), h('span', { class: 'kpi-label' }, t('occurrences'))),
              h('li', null, h('span', { class: 'kpi-value' }, num(cov.species)), h('span', { class: 'kpi-label' }, t('species'))),
              h('li', null, h('span', { class: 'kpi-value' }, num(cov.stations)), h('span', { class: 'kpi-label' }, t('stationsCount'))),
            )
          : null,
        h(
          'ul',
          { class: 'value-list' },
          defs.map((d) => {
            const v = pa.values.find((x) => x.indicator === d.code);
            const st = v ? statusOf(v) : { text: t('noData'), tone: 'muted' as Tone };
            return h('li', null, h('span', null, pick(d.nameZh, d.nameEn)), h('span', { class: 'num' }, v ? pct(v.value) : '—', ' ', chip(st.text, st.tone)));
          }),
        ),
      );
    }),
  );
}

function ledgerStrip(report: AssessmentReport): HTMLElement {
  const tt = report.ledger.totals;
  const kpi = (value: number, label: string, tone = '') =>
    h('li', { class: tone }, h('span', { class: 'kpi-value' }, num(value)), h('span', { class: 'kpi-label' }, label));
  return h(
    'section',
    { class: 'panel' },
    h(
      'div',
      { class: 'panel-head' },
      h('h2', null, t('ledgerSummary')),
      h('a', { class: 'btn btn-small', href: href(['ledger'], { overdue: 'true' }) }, t('viewOverdue')),
    ),
    h(
      'ul',
      { class: 'kpis kpis-wide' },
      kpi(tt.tasks, t('tasksTotal')),
      kpi(tt.done, t('tasksDone')),
      kpi(tt.inProgress, t('tasksInProgress')),
      kpi(tt.overdue, t('tasksOverdue'), tt.overdue > 0 ? 'kpi-bad' : ''),
      kpi(tt.continuous, t('tasksContinuous')),
      kpi(tt.notReported, t('tasksNotReported')),
    ),
  );
}

export async function renderOverview(root: HTMLElement): Promise<void> {
  preloadCharts();
  const title = () => h('h1', { class: 'page-title', tabindex: '-1' }, t('ovTitle'));
  mount(root, title(), loadingBox());
  // the report (region tables, ledger totals) is the slowest call: its sections fill in when it arrives
  const reportP = get<AssessmentReport>('/v1/reports/assessment');
  reportP.catch(() => undefined);
  let defs: IndicatorDef[];
  let values: Map<string, IndicatorValue[]>;
  try {
    ({ indicators: defs } = await get<{ indicators: IndicatorDef[] }>('/v1/indicators'));
    const vals = await Promise.all(defs.map((d) => get<{ values: IndicatorValue[] }>(`/v1/indicators/${encodeURIComponent(d.code)}/values`)));
    values = new Map(defs.map((d, i) => [d.code, vals[i].values]));
  } catch (err) {
    mount(
      root,
      title(),
      errorBox(err, () => void renderOverview(root)),
    );
    return;
  }
  const main = defs.filter((d) => !d.companionOf);
  const cards = main.map((d) => {
    const comp = defs.find((c) => c.companionOf === d.code);
    return targetCard(d, latest(values.get(d.code) ?? [], PROVINCE), comp ? { def: comp, v: latest(values.get(comp.code) ?? [], PROVINCE) } : null);
  });
  const years = [
    ...new Set(
      [...values.values()]
        .flat()
        .filter((v) => v.regionCode === PROVINCE)
        .map((v) => v.year),
    ),
  ].sort();
  const chartEls = main.map((d) => h('div', { class: 'chart chart-trend', 'data-indicator': d.code }));
  const lead = h('p', { class: 'lead' }, t('ovLead'));
  const links = h('nav', { class: 'report-links', 'aria-label': t('reportTitle') });
  const reportLinks = (q: string) =>
    mount(
      links,
      h('a', { class: 'btn', href: `/v1/reports/assessment?${q}format=html`, target: '_blank', rel: 'noopener' }, t('reportHtml')),
      h('a', { class: 'btn btn-ghost', href: `/v1/reports/assessment?${q}format=csv`, download: '' }, t('reportCsv')),
      h('a', { class: 'btn btn-ghost', href: `/v1/reports/assessment?${q}`, target: '_blank', rel: 'noopener' }, t('reportJson')),
    );
  reportLinks('');
  const regionsSlot = h('div', null, h('section', { class: 'panel' }, h('h2', null, t('prefTitle')), loadingBox()));

  mount(
    root,
    h('div', { class: 'page-head' }, h('div', null, title(), lead), links),
    h('section', { class: 'cards-grid', 'aria-label': t('ovTitle') }, cards),
    h(
      'section',
      { class: 'panel' },
      h('h2', null, t('trendsTitle')),
      h('p', { class: 'lead' }, t('trendsLead')),
      h(
        'div',
        { class: 'grid grid-3' },
        main.map((d, i) => h('figure', { class: 'chart-figure' }, h('figcaption', null, pick(d.nameZh, d.nameEn)), chartEls[i])),
      ),
    ),
    regionsSlot,
    landCoverChangePanel(),
  );

  await Promise.all([
    ...main.map((d, i) => {
      const series = values.get(d.code) ?? [];
      const points = years.map((y) => ({ year: y, value: series.find((v) => v.regionCode === PROVINCE && v.year === y)?.value ?? null }));
      const label = `${pick(d.nameZh, d.nameEn)}: ${points.map((p) => `${p.year} ${pct(p.value)}`).join(', ')}`;
      return trendChart(chartEls[i], points, d.target2025.value, label);
    }),
    reportP.then(
      (report) => {
        lead.append(` ${pick(report.region.name, report.region.nameEn)} · ${t('dataYear')} ${report.year}`);
        reportLinks(`year=${report.year}&region=${report.region.code}&`);
        mount(
          regionsSlot,
          h(
            'section',
            { class: 'panel' },
            h('h2', null, t('prefTitle')),
            h('p', { class: 'lead' }, `${t('prefLead')} (${report.year})`),
            regionTable(report.prefectures, main, t('prefTitle')),
          ),
          h('section', { class: 'panel' }, h('h2', null, t('paTitle')), priorityCards(report, main)),
          ledgerStrip(report),
        );
      },
      (err: unknown) =>
        mount(
          regionsSlot,
          errorBox(err, () => void renderOverview(root)),
        ),
    ),
  ]);
}
