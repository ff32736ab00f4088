import { h, mount } from '../dom';
import { get } from '../api';
import { t, tx } from '../i18n';
import { ago, dateTime, num, pct } from '../format';
import { href, type Route } from '../router';
import { can } from '../session';
import { seriesChart } from '../charts';
import { chip, errorBox, loadingBox, meter, notice, tableWrap, type Tone } from '../ui';
import { healthLevel, stationsWithHealth, type HealthLevel } from '../station-health';
import type { Station, StationHealth } from '../types';

// Calls: GET /v1/stations, GET /v1/stations/{id}/health (per station), GET /v1/stations/{id},
// GET /v1/datastreams/{id}/observations?interval=…&agg=avg (one chart per datastream).

const TONE: Record<HealthLevel, Tone> = { ok: 'ok', warn: 'warn', bad: 'bad', unknown: 'muted' };
const dsTone = (s: string): Tone => (s === 'ok' ? 'ok' : s === 'late' ? 'warn' : s === 'no_data' ? 'bad' : 'muted');

function signInNeeded(root: HTMLElement): void {
  mount(root, h('h1', { class: 'page-title', tabindex: '-1' }, t('stationsTitle')), notice('info', t('stationsLogin')));
}

export async function renderStations(root: HTMLElement, route: Route): Promise<void> {
  if (!can.seeStations()) return signInNeeded(root);
  if (route.parts[1]) return renderStation(root, route.parts[1]);
  const title = h('h1', { class: 'page-title', tabindex: '-1' }, t('stationsTitle'));
  mount(root, title, loadingBox());
  let rows: Awaited<ReturnType<typeof stationsWithHealth>>;
  try {
    rows = await stationsWithHealth();
  } catch (err) {
    mount(
      root,
      title,
      errorBox(err, () => void renderStations(root, route)),
    );
    return;
  }
  const withLevel = rows.map((r) => ({ ...r, level: healthLevel(r.health) }));
  const order: Record<HealthLevel, number> = { bad: 0, warn: 1, unknown: 2, ok: 3 };
  withLevel.sort((a, b) => order[a.level] - order[b.level] || a.station.name.localeCompare(b.station.name, 'zh'));
  // network completeness: the mean of the stations' percentages (the report weights by slots)
  const pcts = withLevel.map((r) => r.health?.completenessPct).filter((v): v is number => typeof v === 'number');
  const network = pcts.length ? pcts.reduce((a, b) => a + b, 0) / pcts.length : null;

  const table = h(
    'table',
    { class: 'data-table stations-table' },
    h('caption', { class: 'sr-only' }, t('stationsTitle')),
    h(
      'thead',
      null,
      h(
        'tr',
        null,
        [t('stationName'), t('stationType'), t('priorityArea'), t('department'), t('lastSeen'), t('completeness'), t('gaps'), t('health')].map((c) =>
          h('th', { scope: 'col' }, c),
        ),
      ),
    ),
    h(
      'tbody',
      null,
      withLevel.map(({ station: s, health: hl, level }) =>
        h(
          'tr',
          { 'data-station': s.stationId, 'data-health': level },
          h(
            'td',
            { 'data-label': t('stationName') },
            h('a', { href: href(['stations', s.stationId]) }, s.name),
            h('div', { class: 'muted small mono' }, s.stationId),
          ),
          h('td', { 'data-label': t('stationType') }, tx('stt_', s.type)),
          h('td', { 'data-label': t('priorityArea') }, s.priorityArea ?? '—'),
          h('td', { 'data-label': t('department') }, s.department ?? '—'),
          h('td', { 'data-label': t('lastSeen'), title: dateTime(hl?.lastSeenAt ?? s.lastSeenAt) }, ago(hl?.lastSeenAt ?? s.lastSeenAt)),
          h(
            'td',
            { 'data-label': t('completeness'), class: 'num' },
            h(
              'span',
              { class: 'meter-row' },
              meter(hl?.completenessPct ?? null, TONE[level], pct(hl?.completenessPct ?? null)),
              pct(hl?.completenessPct ?? null, 1),
            ),
          ),
          h('td', { 'data-label': t('gaps'), class: 'num' }, hl ? String(hl.gapCount) : '—'),
          h('td', { 'data-label': t('health') }, chip(tx('hl_', level), TONE[level])),
        ),
      ),
    ),
  );

  mount(
    root,
    h('div', { class: 'page-head' }, h('div', null, title, h('p', { class: 'lead' }, t('stationsLead')))),
    h(
      'ul',
      { class: 'kpis kpis-wide panel' },
      h('li', null, h('span', { class: 'kpi-value' }, num(withLevel.length)), h('span', { class: 'kpi-label' }, t('stationsTotal'))),
      h('li', null, h('span', { class: 'kpi-value' }, pct(network, 1)), h('span', { class: 'kpi-label' }, t('networkCompleteness'))),
      h(
        'li',
        { class: withLevel.some((r) => r.level !== 'ok') ? 'kpi-bad' : '' },
        h('span', { class: 'kpi-value' }, num(withLevel.filter((r) => r.level === 'warn' || r.level === 'bad').length)),
        h('span', { class: 'kpi-label' }, t('stationsWithIssues')),
      ),
    ),
    h('section', { class: 'panel panel-flush' }, tableWrap(table, t('stationsTitle'))),
    h('p', { class: 'muted small' }, t('hlRule')),
  );
}

/** The bucket size for a week of a datastream: its own interval, at least 1 h (≤ 168 points). */
function bucketFor(seconds: number | null): string {
  if (!seconds || seconds <= 3600) return '1h';
  if (seconds <= 86400) return '1d';
  return '1w';
}

async function renderStation(root: HTMLElement, id: string): Promise<void> {
  const back = h('a', { class: 'back', href: href(['stations']) }, `← ${t('backToStations')}`);
  mount(root, back, loadingBox());
  let station: Station;
  let health: StationHealth;
  try {
    [station, health] = await Promise.all([
      get<Station>(`/v1/stations/${encodeURIComponent(id)}`),
      get<StationHealth>(`/v1/stations/${encodeURIComponent(id)}/health`),
    ]);
  } catch (err) {
    mount(
      root,
      back,
      errorBox(err, () => void renderStation(root, id)),
    );
    return;
  }
  const level = healthLevel(health);
  const charts = station.datastreams.map((ds) => {
    const dh = health.datastreams.find((d) => d.datastreamId === ds.datastreamId);
    const chartEl = h('div', { class: 'chart chart-series', 'data-datastream': ds.datastreamId });
    const card = h(
      'article',
      { class: 'card ds-card' },
      h(
        'header',
        { class: 'card-head' },
        h('h3', null, ds.name ?? ds.observedProperty, ' ', h('span', { class: 'muted small' }, `(${ds.unitOfMeasurement.symbol})`)),
        dh ? chip(tx('ds_', dh.status), dsTone(dh.status)) : null,
      ),
      h(
        'dl',
        { class: 'facts' },
        h('div', null, h('dt', null, t('interval')), h('dd', null, ds.expectedInterval ?? '—')),
        h('div', null, h('dt', null, t('completeness')), h('dd', null, pct(dh?.completenessPct ?? null, 1))),
        h('div', null, h('dt', null, t('gaps')), h('dd', null, dh ? String(dh.gapCount) : '—')),
        h('div', null, h('dt', null, t('lastSeen')), h('dd', null, dateTime(dh?.lastPhenomenonTime ?? null))),
      ),
      chartEl,
      dh?.gaps?.length
        ? h(
            'details',
            null,
            h('summary', null, `${t('gapsTitle')} (${dh.gaps.length})`),
            h(
              'ul',
              { class: 'gap-list' },
              dh.gaps.map((g) => h('li', null, `${dateTime(g.from)} → ${g.ongoing ? t('ongoing') : dateTime(g.to)} · ${t('missingSlots')} ${g.missingSlots}`)),
            ),
          )
        : null,
    );
    return { ds, dh, chartEl, card };
  });
  mount(
    root,
    back,
    h(
      'div',
      { class: 'page-head' },
      h(
        'div',
        null,
        h('h1', { class: 'page-title', tabindex: '-1' }, station.name, ' ', chip(tx('hl_', level), TONE[level])),
        h(
          'p',
          { class: 'muted' },
          `${station.stationId} · ${tx('stt_', station.type)} · ${station.priorityArea ?? '—'} · ${station.department ?? '—'} · ${station.location.coordinates[0].toFixed(3)}, ${station.location.coordinates[1].toFixed(3)}`,
        ),
      ),
    ),
    h(
      'ul',
      { class: 'kpis kpis-wide panel' },
      h('li', null, h('span', { class: 'kpi-value' }, pct(health.completenessPct, 1)), h('span', { class: 'kpi-label' }, t('completeness'))),
      h('li', null, h('span', { class: 'kpi-value' }, String(health.gapCount)), h('span', { class: 'kpi-label' }, t('gaps'))),
      h('li', null, h('span', { class: 'kpi-value kpi-text' }, ago(health.lastSeenAt)), h('span', { class: 'kpi-label' }, t('lastSeen'))),
    ),
    h('h2', null, t('datastreams')),
    h(
      'div',
      { class: 'grid grid-2' },
      charts.map((c) => c.card),
    ),
  );

  await Promise.all(
    charts.map(async ({ ds, dh, chartEl }) => {
      try {
        const obs = await get<{ buckets: { time: string; value: number | null }[] }>(`/v1/datastreams/${encodeURIComponent(ds.datastreamId)}/observations`, {
          from: health.window.from,
          to: health.window.to,
          interval: bucketFor(ds.expectedIntervalSeconds),
          agg: 'avg',
          limit: 1000,
        });
        if (!obs.buckets.length) {
          mount(chartEl, h('p', { class: 'muted chart-empty' }, t('chartNoData')));
          return;
        }
        await seriesChart(
          chartEl,
          obs.buckets,
          (dh?.gaps ?? []).filter((g) => !g.atWindowStart),
          ds.unitOfMeasurement.symbol,
          `${ds.observedProperty} (${ds.unitOfMeasurement.symbol})`,
        );
      } catch (err) {
        mount(chartEl, errorBox(err));
      }
    }),
  );
}
