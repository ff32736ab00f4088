import { csvDocument, UTF8_BOM } from '@biomon/core';
import type { AssessmentReport, IndicatorValue } from './report-types';
import { meetsLabel, reasonTexts } from './report-format';

/**
 * The report as CSV for Excel: UTF-8 with a BOM (so Excel in China opens it as UTF-8, not GBK),
 * CRLF line ends, RFC 4180 quoting, from the platform's one CSV writer (`@biomon/core`). Sections
 * follow each other, each with a title row and its own header row, separated by an empty row.
 * Numbers are plain (2 decimals, no `%`) so Excel computes with them; text cells that start like a
 * formula are prefixed with `'` (CSV injection).
 */
export const BOM = UTF8_BOM;

type Cell = string | number | boolean | null | undefined;

const num2 = (v: number | null) => (v === null ? null : Number(v.toFixed(2)));

function indicatorRow(regionCode: string, regionName: string, v: IndicatorValue): Cell[] {
  return [
    regionCode,
    regionName,
    v.indicator,
    v.nameZh,
    v.nameEn,
    v.year,
    num2(v.value),
    num2(v.target),
    v.targetText,
    num2(v.gap),
    v.companionOf ? '参考 context' : `${meetsLabel(v.meetsTarget).zh} ${meetsLabel(v.meetsTarget).en}`,
    v.reason,
    v.runId,
  ];
}

const INDICATOR_HEAD = [
  '区域代码 region code',
  '区域 region',
  '指标代码 indicator',
  '指标 name',
  'Indicator',
  '年度 year',
  '现值(%) value',
  '2025年目标(%) target',
  '目标表述 target wording',
  '差距(百分点) gap',
  '达标 status',
  '说明 reason',
  '计算批次 run id',
];

const HEADLINE_HEAD = [
  '指标代码 indicator',
  '指标 name',
  'Indicator',
  '数据年度 year of the value',
  '最新数值 newest value',
  '单位 unit',
  '无数值原因 reason',
  'Reason (no value)',
  '原因代码 reason code',
  '计算批次 run id',
];

/**
 * A headline value (最新数值, the report's `headline`): the newest year up to the report's year that
 * has a value, with that year; where no year has one, an empty year and value and the reason in
 * Chinese and English (report-format reasonTexts, as the HTML page says it).
 */
function headlineRow(v: IndicatorValue): Cell[] {
  const why = reasonTexts(v);
  return [v.indicator, v.nameZh, v.nameEn, v.value !== null ? v.year : null, num2(v.value), v.unit, why.zh, why.en, v.reasonCode ?? null, v.runId];
}

export function renderAssessmentCsv(r: AssessmentReport): string {
  const lines: Cell[][] = [];
  const section = (title: string, head: string[], rows: Cell[][]) => {
    lines.push([title], head, ...rows, []);
  };
  lines.push([r.titleZh, r.titleEn]);
  lines.push([
    '评估年度 year',
    r.year,
    '区域 region',
    `${r.region.name} (${r.region.code})`,
    '台账截至 ledger as of',
    r.asOf,
    '生成时间 generated',
    r.generatedAt,
  ]);
  lines.push([]);
  section(
    '一、总体目标 Overall targets',
    INDICATOR_HEAD,
    r.overall.map((v) => indicatorRow(r.region.code, r.region.name, v)),
  );
  // reports frozen before the headline existed have none
  if (r.headline?.length) {
    section(`一、最新数值（${r.region.name}，截至${r.year}年最近一个有计算值的年度） Newest values`, HEADLINE_HEAD, r.headline.map(headlineRow));
  }
  section(
    '二、年度变化 Values by year',
    ['指标代码 indicator', '指标 name', '年度 year', '现值(%) value', '计算批次 run id'],
    r.series.flatMap((s) => s.points.map((p) => [s.indicator, s.nameZh, p.year, num2(p.value), p.runId])),
  );
  section(
    '三、分市州 By prefecture',
    INDICATOR_HEAD,
    r.prefectures.flatMap((p) => p.values.map((v) => indicatorRow(p.code, p.name, v))),
  );
  section(
    '四、优先区域 By priority area',
    INDICATOR_HEAD,
    r.priorityAreas.flatMap((p) => p.values.map((v) => indicatorRow(p.code, p.name, v))),
  );
  section(
    '五、逾期任务（按责任部门） Overdue tasks by department',
    ['责任部门 department', '逾期任务数 overdue', '逾期任务编号 tasks', '负责任务数 responsible tasks', '已完成 done'],
    r.ledger.overdueByDepartment.map((d) => [d.department, d.overdue, d.tasks.join(' '), d.responsibleTasks, d.done]),
  );
  section(
    `五、逾期任务清单（截至 ${r.ledger.asOf}） Overdue tasks`,
    [
      '编号 no',
      '主要任务 section',
      '措施 measure',
      '细化分工 task',
      '责任部门 departments',
      '实施时间 time',
      '截止 end',
      '状态 status',
      '逾期天数 days overdue',
    ],
    r.ledger.overdueTasks.map((t) => [
      t.no,
      t.section,
      t.measure,
      t.text,
      t.departments.join('、'),
      t.timeline.text,
      t.timeline.end,
      t.statusZh,
      t.daysOverdue,
    ]),
  );
  section(
    '六、优先区域调查覆盖 Survey coverage per priority area',
    [
      '区域代码 code',
      '区域 area',
      '调查事件 events',
      '观测记录 records',
      '物种数 species',
      `${r.coverage.year}年事件 events in year`,
      `${r.coverage.year}年记录 records in year`,
      '监测站点 stations',
    ],
    [...r.coverage.priorityAreas, r.coverage.outsidePriorityAreas].map((p) => [
      p.code,
      p.name,
      p.surveyEvents,
      p.occurrences,
      p.species,
      p.surveyEventsInYear,
      p.occurrencesInYear,
      p.stations,
    ]),
  );
  section(
    `六、监测站点完整率 Station completeness (${r.coverage.stations.window.from} – ${r.coverage.stations.window.to})`,
    [
      '站点 station id',
      '名称 name',
      '类型 type',
      '优先区域 area',
      '责任部门 department',
      '数据流 datastreams',
      '应有时段 expected',
      '有观测时段 observed',
      '完整率(%) completeness',
      '缺测段 gaps',
      '最近上报 last seen',
    ],
    r.coverage.stations.list.map((s) => [
      s.stationId,
      s.name,
      s.type,
      s.priorityArea,
      s.department,
      s.datastreams,
      s.expectedSlots,
      s.observedSlots,
      s.completenessPct,
      s.gapCount,
      s.lastSeenAt,
    ]),
  );
  section(
    '七、计算批次 Indicator runs',
    ['计算批次 run id', '年度 year', '方法版本 method', '完成时间 finished', '数据集 datasets', '参数 parameters'],
    r.provenance.runs.map((x) => [
      x.runId,
      x.year,
      x.methodVersion,
      x.finishedAt,
      Object.entries(x.datasets)
        .map(([k, d]) => `${k}#${d?.id ?? ''}`)
        .join(' '),
      JSON.stringify(x.params),
    ]),
  );
  section(
    '七、数据集版本 Dataset versions',
    ['编号 id', '类型 kind', '年份 vintage', '来源 source', '要素数 features'],
    r.provenance.datasetVersions.map((d) => [d.id, d.kind, d.vintageYear, d.source || d.name, d.featureCount]),
  );
  return csvDocument(lines);
}
