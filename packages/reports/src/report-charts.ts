import * as echarts from 'echarts';
import type { IndicatorValue, SeriesOut } from './report-types';
import { formatPct } from './report-format';

/**
 * Server-side SVG charts of the report (Apache ECharts SSR: no browser, no canvas). Every number
 * a chart prints goes through formatPct, so the figure's text equals the JSON value.
 */
export const CHART_FONT = "'WenQuanYi Micro Hei', 'Noto Sans CJK SC', sans-serif";
export const COLORS = {
  met: '#2e7d32',
  unmet: '#b3261e',
  noTarget: '#3f6e9a',
  target: '#dfe4ea',
  targetBorder: '#6b7785',
  axis: '#5f6670',
  grid: '#e6e8eb',
  text: '#1f2328',
};

/**
 * zrender names the SVG's CSS classes and ids after a process-wide counter (`zr3-cls-17`); renamed
 * in order of appearance under the chart's own prefix, the same report always gives the same SVG,
 * and two charts on one page never share a name.
 */
function stableNames(svg: string, prefix: string): string {
  const names = new Map<string, string>();
  return svg.replace(/zr\d+-[A-Za-z]+-?\d*/g, (m) => {
    if (!names.has(m)) names.set(m, `${prefix}-${names.size}`);
    return names.get(m)!;
  });
}

function render(prefix: string, option: echarts.EChartsCoreOption, width: number, height: number): string {
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height });
  try {
    chart.setOption({ animation: false, textStyle: { fontFamily: CHART_FONT, color: COLORS.text }, ...option });
    return stableNames(chart.renderToSVGString(), prefix);
  } finally {
    chart.dispose();
  }
}

const valueColor = (v: IndicatorValue) => (v.meetsTarget === true ? COLORS.met : v.meetsTarget === false ? COLORS.unmet : COLORS.noTarget);

/**
 * 现值与目标 Values against targets: one row per indicator, a bar for the value (green: met, red:
 * not met, blue: no numeric target) and a pale bar for the 2025 target; where the seed gives no
 * number, the target's wording is printed instead of a bar.
 */
export function targetsChartSvg(values: IndicatorValue[], width = 680): string {
  const rows = [...values].reverse(); // ECharts draws categories bottom-up
  const height = 66 + rows.length * 50;
  return render(
    'fig-targets',
    {
      grid: { left: 218, right: 150, top: 36, bottom: 34 },
      legend: {
        top: 4,
        right: 10,
        itemWidth: 14,
        itemHeight: 10,
        textStyle: { fontSize: 11 },
        data: [
          { name: '现值 Value', itemStyle: { color: COLORS.noTarget } },
          { name: '2025年目标 Target', itemStyle: { color: COLORS.target, borderColor: COLORS.targetBorder, borderWidth: 1 } },
        ],
      },
      xAxis: {
        type: 'value',
        min: 0,
        max: 100,
        interval: 20,
        axisLabel: { formatter: '{value}%', color: COLORS.axis, fontSize: 10 },
        splitLine: { lineStyle: { color: COLORS.grid } },
      },
      yAxis: {
        type: 'category',
        data: rows.map((v) => v.nameZh),
        axisLabel: { color: COLORS.text, fontSize: 11.5, width: 210, overflow: 'none' },
        axisTick: { show: false },
        axisLine: { lineStyle: { color: COLORS.axis } },
      },
      series: [
        {
          name: '现值 Value',
          type: 'bar',
          barWidth: 14,
          barGap: '15%',
          data: rows.map((v) =>
            v.value === null
              ? { value: 0, label: { show: true, position: 'right', formatter: '暂无数值', color: COLORS.axis } }
              : { value: v.value, itemStyle: { color: valueColor(v) } },
          ),
          label: { show: true, position: 'right', fontSize: 11, fontWeight: 'bold', formatter: (p: { value: unknown }) => formatPct(Number(p.value)) ?? '' },
        },
        {
          name: '2025年目标 Target',
          type: 'bar',
          barWidth: 10,
          itemStyle: { color: COLORS.target, borderColor: COLORS.targetBorder, borderWidth: 1 },
          data: rows.map((v) =>
            v.target === null
              ? {
                  value: 0,
                  itemStyle: { borderWidth: 0 },
                  label: { show: true, position: 'right', formatter: `目标：${v.targetText.replace(/（.*$/, '')}`, color: COLORS.axis, fontSize: 10 },
                }
              : { value: v.target },
          ),
          label: {
            show: true,
            position: 'right',
            fontSize: 10,
            color: COLORS.axis,
            formatter: (p: { value: unknown }) => `目标 ${formatPct(Number(p.value))}`,
          },
        },
      ],
    },
    width,
    height,
  );
}

/** Whether any indicator has values for two or more years (else the by-year chart is left out). */
export function hasMultiYearSeries(series: SeriesOut[]): boolean {
  return series.some((s) => s.points.filter((p) => p.value !== null).length >= 2);
}

/**
 * 年度变化 Values by year: small multiples, one panel per indicator with its values by year and a
 * dashed line at the numeric 2025 target. Each panel's axis spans its own values and target.
 */
export function seriesChartSvg(series: SeriesOut[], width = 680): string {
  const panels = series;
  const cols = 3;
  const rowsN = Math.ceil(panels.length / cols);
  const panelH = 200;
  const height = rowsN * panelH + 10;
  const years = [...new Set(series.flatMap((s) => s.points.map((p) => p.year)))].sort((a, b) => a - b);
  const cellW = width / cols;
  const option: echarts.EChartsCoreOption = {
    title: [] as object[],
    grid: [] as object[],
    xAxis: [] as object[],
    yAxis: [] as object[],
    series: [] as object[],
  };
  // years on a value axis, so uneven gaps between runs (2018, 2020, 2024) keep their true spacing
  const x0 = years[0] - 1;
  const x1 = years[years.length - 1] + 1;
  panels.forEach((s, i) => {
    const col = i % cols;
    const row = Math.floor(i / cols);
    const vals = s.points.map((p) => p.value).filter((v): v is number => v !== null);
    const all = s.target !== null ? [...vals, s.target] : vals;
    const lo = all.length ? Math.max(0, Math.floor((Math.min(...all) - 5) / 5) * 5) : 0;
    const hi = all.length ? Math.min(100, Math.ceil((Math.max(...all) + 5) / 5) * 5) : 100;
    (option.title as object[]).push({
      text: s.nameZh,
      left: col * cellW + cellW / 2,
      top: row * panelH + 2,
      textAlign: 'center',
      subtext: s.target !== null ? `虚线：2025年目标 ${formatPct(s.target)}` : `目标：${s.targetText.replace(/（.*$/, '')}`,
      itemGap: 3,
      textStyle: { fontSize: 12, fontWeight: 'bold', fontFamily: CHART_FONT, color: COLORS.text },
      subtextStyle: { fontSize: 9, fontFamily: CHART_FONT, color: s.target !== null ? COLORS.unmet : COLORS.axis },
    });
    (option.grid as object[]).push({ left: col * cellW + 44, width: cellW - 64, top: row * panelH + 48, height: panelH - 84 });
    (option.xAxis as object[]).push({
      gridIndex: i,
      type: 'value',
      min: x0,
      max: x1,
      minInterval: 1,
      interval: years.length > 8 ? 2 : 1,
      axisLabel: { fontSize: 9, color: COLORS.axis, formatter: (v: number) => (v === x0 || v === x1 ? '' : String(v)) },
      splitLine: { show: false },
      axisLine: { lineStyle: { color: COLORS.axis } },
    });
    (option.yAxis as object[]).push({
      gridIndex: i,
      type: 'value',
      min: lo,
      max: hi,
      splitNumber: 3,
      axisLabel: { fontSize: 9, color: COLORS.axis, formatter: '{value}%' },
      splitLine: { lineStyle: { color: COLORS.grid } },
    });
    (option.series as object[]).push({
      type: 'line',
      xAxisIndex: i,
      yAxisIndex: i,
      symbol: 'circle',
      symbolSize: 6,
      connectNulls: false,
      lineStyle: { width: 2, color: COLORS.noTarget },
      itemStyle: { color: COLORS.noTarget },
      data: s.points.map((p) => [p.year, p.value]),
      label: {
        show: true,
        position: 'top',
        fontSize: 10,
        color: COLORS.text,
        formatter: (p: { value: unknown }) => formatPct((p.value as [number, number | null])[1]) ?? '',
      },
      ...(s.target !== null
        ? {
            markLine: {
              silent: true,
              symbol: 'none',
              lineStyle: { type: 'dashed', color: COLORS.unmet, width: 1 },
              label: { show: false },
              data: [{ yAxis: s.target }],
            },
          }
        : {}),
    });
  });
  return render('fig-series', option, width, height);
}
