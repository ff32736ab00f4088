import type { EChartsCoreOption, EChartsType } from 'echarts/core';
import { getLang, t } from './i18n';
import { dateTime, pct } from './format';

let loader: Promise<typeof import('./echarts-setup')> | null = null;
const live = new Set<{ chart: EChartsType; observer: ResizeObserver }>();

const FONT = '"Microsoft YaHei", "PingFang SC", "WenQuanYi Micro Hei", "Noto Sans CJK SC", system-ui, sans-serif';
export const PALETTE = { primary: '#1c6e8c', target: '#b5532f', grid: '#e3e8ec', text: '#44515c', gap: 'rgba(200, 60, 40, 0.12)' };

/** Starts loading ECharts (a view calls this first, so that the chunk arrives with its data). */
export function preloadCharts(): void {
  loader ??= import('./echarts-setup');
}

async function chartIn(el: HTMLElement, option: EChartsCoreOption, label: string): Promise<EChartsType> {
  const { echarts } = await (loader ??= import('./echarts-setup'));
  el.setAttribute('role', 'img');
  el.setAttribute('aria-label', label);
  const chart = echarts.init(el, null, { renderer: 'svg', locale: getLang() === 'zh' ? 'ZH' : 'EN' });
  chart.setOption({ textStyle: { fontFamily: FONT }, animation: false, aria: { enabled: true, label: { description: label } }, ...option });
  const observer = new ResizeObserver(() => chart.resize());
  observer.observe(el);
  live.add({ chart, observer });
  return chart;
}

/** Disposes every chart (called when the view changes). */
export function disposeCharts(): void {
  for (const c of live) {
    c.observer.disconnect();
    c.chart.dispose();
  }
  live.clear();
}

/** An indicator's values by year with its 2025 target as a dashed line. */
export function trendChart(el: HTMLElement, points: { year: number; value: number | null }[], target: number | null, label: string): Promise<EChartsType> {
  const values = points.filter((p) => p.value !== null).map((p) => p.value as number);
  const lo = Math.min(...values, target ?? Infinity);
  const hi = Math.max(...values, target ?? -Infinity);
  const pad = Math.max(2, (hi - lo) * 0.25);
  return chartIn(
    el,
    {
      grid: { left: 44, right: target === null ? 16 : 52, top: 22, bottom: 26 },
      tooltip: { trigger: 'axis', valueFormatter: (v: unknown) => pct(v as number) },
      xAxis: { type: 'category', data: points.map((p) => String(p.year)), axisLine: { lineStyle: { color: '#9aa7b1' } }, axisLabel: { color: PALETTE.text } },
      yAxis: {
        type: 'value',
        min: Math.max(0, Math.floor(lo - pad)),
        max: Math.min(100, Math.ceil(hi + pad)),
        axisLabel: { color: PALETTE.text, formatter: '{value}%' },
        splitLine: { lineStyle: { color: PALETTE.grid } },
      },
      series: [
        {
          type: 'line',
          data: points.map((p) => p.value),
          connectNulls: false,
          symbolSize: 8,
          lineStyle: { width: 2.5, color: PALETTE.primary },
          itemStyle: { color: PALETTE.primary },
          label: { show: true, position: 'top', color: PALETTE.primary, fontWeight: 'bold', formatter: (p: { value: unknown }) => pct(p.value as number) },
          markLine:
            target === null
              ? undefined
              : {
                  symbol: 'none',
                  silent: true,
                  lineStyle: { type: 'dashed', color: PALETTE.target, width: 1.5 },
                  label: { formatter: `${t('target')}\n${pct(target, 1)}`, color: PALETTE.target, position: 'end', fontSize: 11, lineHeight: 13 },
                  data: [{ yAxis: target }],
                },
        },
      ],
    },
    label,
  );
}

/** A datastream's bucketed values over time, with its gaps shaded. */
export function seriesChart(
  el: HTMLElement,
  buckets: { time: string; value: number | null }[],
  gaps: { from: string; to: string }[],
  unit: string,
  label: string,
): Promise<EChartsType> {
  return chartIn(
    el,
    {
      grid: { left: 52, right: 16, top: 16, bottom: 30 },
      tooltip: { trigger: 'axis', formatter: (ps: { value: [string, number] }[]) => `${dateTime(ps[0].value[0])}<br>${ps[0].value[1]?.toFixed(2)} ${unit}` },
      xAxis: { type: 'time', axisLabel: { color: PALETTE.text, hideOverlap: true }, axisLine: { lineStyle: { color: '#9aa7b1' } } },
      yAxis: {
        type: 'value',
        scale: true,
        name: unit,
        nameTextStyle: { color: PALETTE.text },
        axisLabel: { color: PALETTE.text },
        splitLine: { lineStyle: { color: PALETTE.grid } },
      },
      series: [
        {
          type: 'line',
          showSymbol: false,
          data: buckets.map((b) => [b.time, b.value]),
          lineStyle: { width: 1.5, color: PALETTE.primary },
          itemStyle: { color: PALETTE.primary },
          markArea: gaps.length ? { silent: true, itemStyle: { color: PALETTE.gap }, data: gaps.map((g) => [{ xAxis: g.from }, { xAxis: g.to }]) } : undefined,
        },
      ],
    },
    label,
  );
}
