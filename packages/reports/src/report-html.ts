import { INDICATORS } from '@biomon/indicators';
import type { AssessmentReport, IndicatorValue, RegionValues } from './report-types';
import { REPORT_INDICATORS } from './report-types';
import { hasMultiYearSeries, seriesChartSvg, targetsChartSvg } from './report-charts';
import {
  datasetKindZh,
  formatDateTimeShanghai,
  formatDateZh,
  formatGap,
  formatPct,
  meetsLabel,
  reasonTexts,
  regionLevelZh,
  stationTypeZh,
  zhPart,
} from './report-format';

/** What a frozen report adds to the page: its number, who froze it, and its sign-off. */
export interface FrozenMeta {
  reportId: string;
  createdAt: string;
  createdBy: string;
  snapshotSha256: string;
  reviewStatus: 'pending' | 'approved' | 'returned';
  reviews: { decision: 'approved' | 'returned'; comment: string; reviewer: string; reviewerRole: string; reviewedAt: string }[];
}

const esc = (s: unknown): string => String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** Short column heads of the per-region tables. */
const SHORT: Record<string, { zh: string; en: string }> = {
  forest_coverage: { zh: '森林覆盖率', en: 'Forest' },
  grassland_vegetation_cover: { zh: '草原综合植被盖度', en: 'Grassland cover' },
  natural_wetland_protection_rate: { zh: '自然湿地保护率', en: 'Natural wetland' },
  protected_species_rate: { zh: '重点保护物种保护率', en: 'Key species' },
  ecosystem_type_protection_rate: { zh: '生态系统类型有效保护率', en: 'Ecosystem types' },
  pa_coverage: { zh: '保护地面积占比', en: 'Protected area' },
};

const REVIEW_ZH = { pending: '待审核 Pending review', approved: '已批准 Approved', returned: '已退回 Returned' } as const;

const h2 = (zh: string, en: string) => `<h2><span class="zh">${esc(zh)}</span><span class="en">${esc(en)}</span></h2>`;
const h3 = (zh: string, en: string) => `<h3>${esc(zh)} <span class="en">${esc(en)}</span></h3>`;
const th = (zh: string, en: string, cls = '') => `<th${cls ? ` class="${cls}"` : ''}>${esc(zh)}<span class="en">${esc(en)}</span></th>`;

function targetCell(v: IndicatorValue): string {
  return v.target !== null ? `<span class="num">${esc(formatPct(v.target))}</span>` : `<span class="wording">${esc(v.targetText)}</span>`;
}

function statusPill(v: IndicatorValue): string {
  const m = meetsLabel(v.meetsTarget);
  if (v.value === null) return `<span class="pill na">无数值<span class="en">no value</span></span>`;
  return `<span class="pill ${m.cls}">${esc(m.zh)}<span class="en">${esc(m.en)}</span></span>`;
}

/**
 * The gap of the NDVI-based grassland cover to the plot-based (official) value beside it, in
 * percentage points (RS − plots); '—' for other rows or without both values.
 */
function rsGapCell(v: IndicatorValue, overall: IndicatorValue[]): string {
  const official = v.indicator === 'grassland_vegetation_cover_rs' ? overall.find((o) => o.indicator === v.companionOf) : undefined;
  if (!official || v.value === null || official.value === null) return '<span class="null">—</span>';
  const d = Math.round((v.value - official.value) * 10000) / 10000;
  return `<span class="num rs-gap" title="遥感值 − 样地法值 · RS − plot-based">${esc(formatGap(d))}</span><div class="en">较样地法 vs plots</div>`;
}

function overallTable(r: AssessmentReport): string {
  const rows = r.overall
    .map((v) => {
      const companion = v.companionOf ? ' companion' : '';
      const name = v.companionOf ? `（参考）${v.nameZh}` : v.nameZh;
      const value =
        v.value !== null
          ? `<span class="num value">${esc(formatPct(v.value))}</span>`
          : `<span class="null">无数值</span><div class="reason">${esc(zhPart(v.reason ?? ''))}</div>`;
      return `<tr class="${companion.trim()}" data-indicator="${esc(v.indicator)}">
      <td class="ind"><div>${esc(name)}</div><div class="en">${esc(v.nameEn)}</div></td>
      <td class="r">${value}</td>
      <td class="r">${v.companionOf ? '<span class="wording">无单独目标</span>' : targetCell(v)}</td>
      <td class="r">${v.gap !== null ? `<span class="num ${v.gap < 0 ? 'neg' : 'pos'}">${esc(formatGap(v.gap))}</span>` : rsGapCell(v, r.overall)}</td>
      <td class="c">${v.companionOf ? '<span class="pill na">参考<span class="en">context</span></span>' : statusPill(v)}</td>
      <td class="wording">${esc(v.target2035Text)}</td>
    </tr>`;
    })
    .join('');
  return `<table class="grid overall">
    <colgroup><col style="width:33%"><col style="width:11%"><col style="width:17%"><col style="width:12%"><col style="width:12%"><col style="width:15%"></colgroup>
    <thead><tr>${th('指标', 'Indicator')}${th('现值', 'Value', 'r')}${th('2025年目标', '2025 target', 'r')}${th('差距（百分点）', 'Gap (pp)', 'r')}${th('达标情况', 'Status', 'c')}${th('2035年目标', '2035 target')}</tr></thead>
    <tbody>${rows}</tbody></table>`;
}

/**
 * Headline values (最新数值): each indicator's newest value up to the report's year, with the year
 * it is from; the reason (Chinese) where no year has one. Nothing for reports frozen before.
 */
function headlineTable(r: AssessmentReport): string {
  if (!r.headline?.length) return '';
  const rows = r.headline
    .map((v) => {
      const value =
        v.value !== null
          ? `<span class="num value">${esc(formatPct(v.value))}</span>`
          : `<span class="null">无数值</span><div class="reason">${esc(reasonTexts(v).zh ?? '')}</div>`;
      return `<tr data-indicator="${esc(v.indicator)}" data-year="${v.year}">
      <td class="ind"><div>${esc(v.nameZh)}</div><div class="en">${esc(v.nameEn)}</div></td>
      <td class="r">${value}</td>
      <td class="r">${v.value !== null ? `${v.year}年` : '—'}</td>
    </tr>`;
    })
    .join('');
  return `<table class="grid headline">
    <colgroup><col style="width:50%"><col style="width:30%"><col style="width:20%"></colgroup>
    <thead><tr>${th('指标', 'Indicator')}${th('最新数值', 'Newest value', 'r')}${th('数据年度', 'Year of the value', 'r')}</tr></thead>
    <tbody>${rows}</tbody></table>
  <p class="small muted">最新数值：各指标截至评估年度最近一个有计算值的年度。<span class="en">Newest value: the newest year up to the report's year in which each indicator has a value.</span></p>`;
}

/** Per-region table with footnotes for empty values, grouped by reason. */
function regionTable(rows: RegionValues[], firstColZh: string, firstColEn: string): string {
  if (!rows.length) return '<p class="muted">本区域下无此级区域。<span class="en">No regions at this level.</span></p>';
  const defs = REPORT_INDICATORS.map((c) => INDICATORS.find((i) => i.code === c)!);
  const reasons = new Map<string, string[]>();
  const mark = (reason: string, where: string): string => {
    where = where.trim();
    if (!reasons.has(reason)) reasons.set(reason, []);
    reasons.get(reason)!.push(where);
    return String.fromCharCode(0x61 + [...reasons.keys()].indexOf(reason));
  };
  const body = rows
    .map(
      (r) =>
        `<tr data-region="${esc(r.code)}"><td class="ind"><div>${esc(r.name)}</div><div class="en">${esc(r.nameEn ?? r.code)}</div></td>${r.values
          .map((v) => {
            if (v.value === null)
              return `<td class="r"><span class="null">无数据</span><sup>${mark(`${SHORT[v.indicator]?.zh ?? v.nameZh}：${zhPart(v.reason ?? '无数值')}`, r.name)}</sup></td>`;
            const m = meetsLabel(v.meetsTarget);
            return `<td class="r"><span class="num ${m.cls}" data-indicator="${esc(v.indicator)}">${esc(formatPct(v.value))}</span>${v.meetsTarget === null ? '' : `<span class="dot ${m.cls}" title="${esc(m.zh)}"></span>`}</td>`;
          })
          .join('')}</tr>`,
    )
    .join('');
  const targetRow = `<tr class="targets"><td class="ind">2025年目标 <span class="en">Target</span></td>${defs
    .map(
      (d) =>
        `<td class="r">${d.target2025.value !== null ? `≥ ${esc(formatPct(d.target2025.value))}` : `<span class="wording">${esc(d.target2025.text.replace(/（.*$/, ''))}</span>`}</td>`,
    )
    .join('')}</tr>`;
  const notes = [...reasons.entries()]
    .map(([reason, where], i) => `<li><sup>${String.fromCharCode(0x61 + i)}</sup> ${esc(reason)}（${esc(where.join('、'))}）</li>`)
    .join('');
  return `<table class="grid regions">
    <colgroup><col style="width:22%">${REPORT_INDICATORS.map(() => '<col style="width:13%">').join('')}</colgroup>
    <thead><tr>${th(firstColZh, firstColEn)}${REPORT_INDICATORS.map((c) => th(SHORT[c].zh, SHORT[c].en, 'r')).join('')}</tr>${targetRow}</thead>
    <tbody>${body}</tbody></table>
    <p class="legend"><span class="dot met"></span>达标 met <span class="dot unmet"></span>未达标 not met；无圆点：无数值目标 no dot: no numeric target</p>
    ${notes ? `<ol class="notes">${notes}</ol>` : ''}`;
}

function summary(r: AssessmentReport): string {
  const targeted = r.overall.filter((v) => !v.companionOf && v.target !== null);
  const met = targeted.filter((v) => v.meetsTarget === true);
  const unmet = targeted.filter((v) => v.meetsTarget === false);
  const noValue = targeted.filter((v) => v.value === null);
  const l = r.ledger;
  const behind = l.overdueByDepartment
    .slice(0, 6)
    .map((d) => `${d.department}（${d.overdue}项）`)
    .join('、');
  const st = r.coverage.stations;
  const totalOcc = r.coverage.priorityAreas.reduce((a, p) => a + p.occurrences, 0) + r.coverage.outsidePriorityAreas.occurrences;
  const totalEv = r.coverage.priorityAreas.reduce((a, p) => a + p.surveyEvents, 0) + r.coverage.outsidePriorityAreas.surveyEvents;
  const sentences: string[] = [];
  sentences.push(
    `${r.year}年度，${r.region.name}有数值目标的${targeted.length}项指标中，${met.length}项达到2025年目标${met.length ? `（${met.map((v) => v.nameZh).join('、')}）` : ''}` +
      `${unmet.length ? `，${unmet.length}项未达到（${unmet.map((v) => `${v.nameZh} ${formatPct(v.value)}，目标 ${formatPct(v.target)}`).join('；')}）` : ''}` +
      `${noValue.length ? `，${noValue.length}项暂无数值（${noValue.map((v) => v.nameZh).join('、')}）` : ''}。`,
  );
  const eco = r.overall.find((v) => v.indicator === 'ecosystem_type_protection_rate');
  if (eco)
    sentences.push(
      `陆地生态系统类型有效保护率为${eco.value !== null ? ` ${formatPct(eco.value)}` : '暂无数值'}，目标为“${eco.targetText}”，无数值目标，需对照国家要求判定。`,
    );
  sentences.push(
    `责任分工台账${l.totals.tasks}项任务中，截至${formatDateZh(l.asOf)}逾期${l.totals.overdue}项${behind ? `，涉及${behind}` : ''}；已完成${l.totals.done}项，持续推进类任务${l.totals.continuous}项不计逾期。`,
  );
  return `<section class="summary">
    ${h2('摘要', 'Summary')}
    <div class="kpis">
      <div class="kpi"><div class="k">${met.length} / ${targeted.length}</div><div class="l">指标达到2025年目标<span class="en">targets met</span></div></div>
      <div class="kpi ${l.totals.overdue ? 'warn' : ''}"><div class="k">${l.totals.overdue} / ${l.totals.tasks}</div><div class="l">台账任务逾期<span class="en">ledger tasks overdue</span></div></div>
      <div class="kpi"><div class="k">${esc(formatPct(st.completenessPct) ?? '—')}</div><div class="l">监测站数据完整率（近7日）<span class="en">station completeness, 7 days</span></div></div>
      <div class="kpi"><div class="k">${totalOcc.toLocaleString('en-US')}</div><div class="l">观测记录（调查事件 ${totalEv}）<span class="en">records (survey events)</span></div></div>
    </div>
    <p class="lead">${sentences.map(esc).join('')}</p>
    ${targetsFigure(r)}
  </section>`;
}

/** Figure 1, on the first page: where the region stands against its 2025 targets, at a glance. */
function targetsFigure(r: AssessmentReport): string {
  return `<figure data-figure="targets">
    ${targetsChartSvg(r.overall.filter((v) => !v.companionOf))}
    <div class="fig-legend"><i style="background:#2e7d32"></i>达标 met<i style="background:#b3261e"></i>未达标 not met<i style="background:#3f6e9a"></i>无数值目标 no numeric target<i style="background:#dfe4ea;border:1px solid #6b7785"></i>2025年目标 target</div>
    <figcaption>图1　${esc(r.region.name)}${r.year}年度主要指标现值与2025年目标<span class="en">Figure 1. Values against 2025 targets</span></figcaption>
  </figure>`;
}

function ledgerSection(r: AssessmentReport): string {
  const l = r.ledger;
  const t = l.totals;
  const byDept = l.overdueByDepartment.length
    ? `<table class="grid keep"><thead><tr>${th('责任部门', 'Responsible department')}${th('逾期任务', 'Overdue', 'r')}${th('逾期任务编号', 'Task numbers')}${th('负责任务', 'Tasks', 'r')}${th('已完成', 'Done', 'r')}</tr></thead><tbody>
      ${l.overdueByDepartment.map((d) => `<tr data-department="${esc(d.department)}"><td>${esc(d.department)}</td><td class="r num unmet">${d.overdue}</td><td>${d.tasks.map((n) => `${n}`).join('、')}</td><td class="r num">${d.responsibleTasks}</td><td class="r num">${d.done}</td></tr>`).join('')}
      </tbody></table>`
    : '<p class="muted">无逾期任务。<span class="en">No overdue tasks.</span></p>';
  const list = l.overdueTasks.length
    ? `<table class="grid tasks"><colgroup><col style="width:6%"><col style="width:40%"><col style="width:22%"><col style="width:14%"><col style="width:8%"><col style="width:10%"></colgroup><thead><tr>${th('编号', 'No.', 'c nowrap')}${th('细化分工', 'Task')}${th('责任部门', 'Departments')}${th('实施时间', 'Time')}${th('状态', 'Status', 'c nowrap')}${th('逾期天数', 'Days overdue', 'r nowrap')}</tr></thead><tbody>
      ${l.overdueTasks.map((x) => `<tr data-task="${x.no}"><td class="c num">${x.no}</td><td class="task">${esc(x.text)}<div class="muted small">（${esc(x.measure)}）· ${esc(x.section)}</div></td><td>${esc(x.departments.join('、'))}</td><td class="nowrap">${esc(x.timeline.text)}<div class="muted small">止于 ${esc(x.timeline.end)}</div></td><td class="c nowrap">${esc(x.statusZh)}</td><td class="r num unmet">${x.daysOverdue ?? ''}</td></tr>`).join('')}
      </tbody></table>`
    : '';
  const impl = l.implementing.map((d) => `${d.department}负责落实全部${d.tasks}项任务（任务1：“以下不再单独列出”），相应逾期${d.overdue}项`).join('；');
  return `<section>
    ${h2('五、责任分工台账', 'Responsibility ledger')}
    <p>截至${esc(formatDateZh(l.asOf))}（北京时间），共${t.tasks}项任务：已完成 ${t.done} 项，推进中 ${t.inProgress} 项，受阻 ${t.blocked} 项，未启动 ${t.notStarted} 项，未报送进展 ${t.notReported} 项。
      有明确完成时限的任务 ${t.withEnd} 项，其中<strong class="unmet">逾期 ${t.overdue} 项</strong>；“持续推进”任务 ${t.continuous} 项不计逾期。
      <span class="en">Overdue: the deadline or window has ended and no progress report dated on or before ${esc(l.asOf)} says done.</span></p>
    ${h3('逾期任务（按责任部门）', 'Overdue tasks by responsible department')}
    ${byDept}
    ${impl ? `<p class="small muted">注：${esc(impl)}。</p>` : ''}
    ${list ? h3('逾期任务清单', 'Overdue tasks') + list : ''}
  </section>`;
}

function coverageSection(r: AssessmentReport): string {
  const c = r.coverage;
  const paRows = [...c.priorityAreas, c.outsidePriorityAreas]
    .map(
      (p) => `<tr data-priority-area="${esc(p.code ?? '')}"><td>${esc(p.name)}${p.code ? `<div class="en">${esc(p.code)}</div>` : ''}</td>
    <td class="r num">${p.surveyEvents}</td><td class="r num">${p.occurrences}</td><td class="r num">${p.species}</td><td class="r num">${p.surveyEventsInYear}</td><td class="r num">${p.occurrencesInYear}</td><td class="r num">${p.stations}</td></tr>`,
    )
    .join('');
  const st = c.stations;
  const stRows = st.list
    .map(
      (
        s,
      ) => `<tr data-station="${esc(s.stationId)}"><td>${esc(s.name)}<div class="en mono">${esc(s.stationId)}</div></td><td>${esc(stationTypeZh(s.type))}</td><td>${esc(s.priorityArea ?? '—')}</td><td>${esc(s.department ?? '—')}</td>
    <td class="r num">${s.datastreams}</td><td class="r num ${s.completenessPct !== null && s.completenessPct < 90 ? 'unmet' : ''}">${esc(formatPct(s.completenessPct) ?? '—')}</td><td class="r num">${s.gapCount}</td><td class="nowrap small">${s.lastSeenAt ? esc(formatDateTimeShanghai(s.lastSeenAt)) : '—'}</td></tr>`,
    )
    .join('');
  return `<section>
    ${h2('六、数据覆盖', 'Data coverage')}
    ${h3('优先区域调查覆盖', 'Survey events and records per priority area')}
    <table class="grid keep"><thead><tr>${th('区域', 'Area')}${th('调查事件', 'Events', 'r')}${th('观测记录', 'Records', 'r')}${th('物种数', 'Species', 'r')}${th(`${c.year}年事件`, `Events ${c.year}`, 'r')}${th(`${c.year}年记录`, `Records ${c.year}`, 'r')}${th('监测站点', 'Stations', 'r')}</tr></thead>
    <tbody>${paRows}</tbody></table>
    ${h3('监测站点与数据完整率', 'Stations and data completeness')}
    <p class="small">统计窗口 ${esc(formatDateTimeShanghai(st.window.from))} 至 ${esc(formatDateTimeShanghai(st.window.to))}（北京时间）；完整率 = 有观测的时段数 ÷ 应有时段数 × 100。全网 ${st.total} 个站点，完整率 <strong>${esc(formatPct(st.completenessPct) ?? '—')}</strong>（${st.observedSlots} / ${st.expectedSlots}）。
      <span class="en">Completeness = observed / expected slots of every scheduled datastream.</span></p>
    ${st.list.length ? `<table class="grid stations"><thead><tr>${th('站点', 'Station')}${th('类型', 'Type')}${th('优先区域', 'Area')}${th('责任部门', 'Department')}${th('数据流', 'Streams', 'r')}${th('完整率', 'Complete', 'r')}${th('缺测段', 'Gaps', 'r')}${th('最近上报', 'Last seen')}</tr></thead><tbody>${stRows}</tbody></table>` : '<p class="muted">尚无监测站点。<span class="en">No stations registered.</span></p>'}
  </section>`;
}

function provenanceSection(r: AssessmentReport): string {
  const p = r.provenance;
  const params = (x: Record<string, unknown>) =>
    Object.entries(x)
      .map(([k, v]) => `${k}=${typeof v === 'object' ? JSON.stringify(v) : String(v)}`)
      .join('; ');
  const runs = p.runs
    .map(
      (run) =>
        `<tr><td class="mono small">${esc(run.runId)}</td><td class="c num">${run.year}</td><td class="mono small nowrap">${esc(run.methodVersion)}</td><td class="nowrap small">${run.finishedAt ? esc(formatDateTimeShanghai(run.finishedAt)) : '—'}</td><td class="small">${esc(
          Object.entries(run.datasets)
            .map(([k, d]) => `${k}#${d ? d.id : '—'}`)
            .join(' '),
        )}</td><td class="small mono">${esc(params(run.params))}</td></tr>`,
    )
    .join('');
  const ds = p.datasetVersions
    .map(
      (d) =>
        `<tr><td class="c num">${d.id}</td><td>${esc(datasetKindZh(d.kind))}<div class="en">${esc(d.kind)}</div></td><td class="c num">${d.vintageYear}</td><td class="small">${esc(d.source || d.name)}</td><td class="r num">${d.featureCount}</td></tr>`,
    )
    .join('');
  const defs = REPORT_INDICATORS.map((c) => INDICATORS.find((i) => i.code === c)!)
    .map((d) => `<tr><td>${esc(d.nameZh)}<div class="en">${esc(d.code)}</div></td><td class="small">${esc(d.formulaZh)}</td></tr>`)
    .join('');
  return `<section>
    ${h2('七、数据来源与方法', 'Provenance and methods')}
    ${h3('指标计算批次', 'Indicator runs')}
    ${p.runs.length ? `<table class="grid prov keep"><thead><tr>${th('批次编号', 'Run id')}${th('年度', 'Year', 'c nowrap')}${th('方法版本', 'Method', 'nowrap')}${th('完成时间', 'Finished')}${th('数据集', 'Datasets')}${th('参数', 'Parameters')}</tr></thead><tbody>${runs}</tbody></table>` : '<p class="muted">本报告未使用任何已完成的指标计算。<span class="en">No completed run was used.</span></p>'}
    ${h3('数据集版本', 'Dataset versions')}
    ${p.datasetVersions.length ? `<table class="grid keep"><thead><tr>${th('编号', 'Id', 'c nowrap')}${th('类型', 'Kind')}${th('年份', 'Vintage', 'c')}${th('来源', 'Source')}${th('要素数', 'Features', 'r')}</tr></thead><tbody>${ds}</tbody></table>` : '<p class="muted">—</p>'}
    ${h3('指标口径', 'Definitions')}
    <table class="grid defs"><tbody>${defs}</tbody></table>
    <p class="small muted">方法版本 Method versions：${esc(p.methodVersions.join('、') || '—')}；报告格式版本 Report schema：${p.reportSchemaVersion}；
      台账依据 Ledger：${p.ledgerSeed ? esc(`${p.ledgerSeed.name} v${p.ledgerSeed.version}`) : '—'}（截至 ${esc(p.ledgerAsOf)}）。面积均按 WGS84 椭球计算；空分母的结果为空值并注明原因，不以 0 或 100 代替。</p>
  </section>`;
}

function signoff(meta: FrozenMeta | undefined): string {
  const approvals = meta && meta.reviewStatus === 'approved' ? meta.reviews.filter((v) => v.decision === 'approved') : [];
  const reviews = meta?.reviews.length
    ? `<table class="grid"><thead><tr>${th('审核结论', 'Decision', 'c')}${th('审核意见', 'Comment')}${th('审核人', 'Reviewer')}${th('时间', 'Time')}</tr></thead><tbody>
      ${meta.reviews.map((v) => `<tr><td class="c"><span class="pill ${v.decision === 'approved' ? 'met' : 'unmet'}">${v.decision === 'approved' ? '批准' : '退回'}<span class="en">${v.decision}</span></span></td><td>${esc(v.comment || '—')}</td><td>${esc(v.reviewer)}<div class="en">${esc(v.reviewerRole)}</div></td><td class="nowrap small">${esc(formatDateTimeShanghai(v.reviewedAt))}</td></tr>`).join('')}
      </tbody></table>`
    : '';
  return `<section class="signoff">
    ${h2('审核签署', 'Sign-off')}
    ${reviews}
    <table class="sign"><tbody>
      <tr><td>编制人<span class="en">Prepared by</span></td><td class="line">${meta ? esc(meta.createdBy) : ''}</td><td>日期<span class="en">Date</span></td><td class="line">${meta ? esc(formatDateTimeShanghai(meta.createdAt).slice(0, 10)) : ''}</td></tr>
      <tr><td>审核人<span class="en">Reviewed by</span></td><td class="line">${esc(approvals.map((v) => v.reviewer).join('、'))}</td><td>日期<span class="en">Date</span></td><td class="line">${approvals.length ? esc(formatDateTimeShanghai(approvals[approvals.length - 1].reviewedAt).slice(0, 10)) : ''}</td></tr>
      <tr><td>批准人<span class="en">Approved by</span></td><td class="line"></td><td>日期<span class="en">Date</span></td><td class="line"></td></tr>
    </tbody></table>
  </section>`;
}

const CSS = `
@page { size: A4; margin: 18mm 16mm 18mm 16mm;
  @bottom-center { content: "第 " counter(page) " 页 / 共 " counter(pages) " 页"; font: 8pt 'WenQuanYi Micro Hei', 'Noto Sans CJK SC', sans-serif; color: #6b7280; } }
* { box-sizing: border-box; }
html { font-family: 'WenQuanYi Micro Hei', 'Noto Sans CJK SC', sans-serif; color: #1f2328; font-size: 10pt; line-height: 1.55; -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { margin: 0; background: #eceef1; }
.page { width: 210mm; margin: 12px auto; background: #fff; padding: 16mm 16mm 18mm; box-shadow: 0 1px 4px rgba(0,0,0,.15); }
@media print { body { background: #fff; } .page { width: auto; margin: 0; padding: 0; box-shadow: none; } }
.en { color: #5f6670; font-size: .82em; font-weight: normal; margin-left: .4em; }
div.en, td .en, th .en { margin-left: 0; }
th .en, .kpi .l .en, .pill .en, .sign .en { display: block; margin-left: 0; }
.doc-top { display: flex; justify-content: space-between; font-size: 8.5pt; color: #5f6670; border-bottom: 1px solid #1f3b5c; padding-bottom: 3px; }
h1 { font-size: 19pt; text-align: center; margin: 9mm 0 2mm; letter-spacing: .06em; color: #12263f; }
.title-en { text-align: center; color: #5f6670; margin: 0 0 6mm; font-size: 10.5pt; }
h2 { font-size: 13pt; color: #12263f; border-bottom: 1.5px solid #1f3b5c; padding-bottom: 2px; margin: 7mm 0 3mm; break-after: avoid; page-break-after: avoid; }
h2 .en { font-size: 9.5pt; }
h3 { font-size: 10.5pt; margin: 5mm 0 2mm; color: #1f3b5c; break-after: avoid; page-break-after: avoid; }
table { border-collapse: collapse; width: 100%; }
table.meta { width: 100%; margin: 0 0 2mm; font-size: 9.5pt; }
table.meta td { padding: 3px 6px; border-bottom: 1px solid #e3e6ea; vertical-align: top; }
table.meta td.k { color: #5f6670; white-space: nowrap; }
table.grid { font-size: 8.8pt; margin: 2mm 0 1mm; }
table.grid th { background: #eef2f7; color: #12263f; font-weight: bold; text-align: left; padding: 4px 5px; border-top: 1.2px solid #1f3b5c; border-bottom: 1px solid #9aa6b5; vertical-align: bottom; }
table.grid td { padding: 4px 5px; border-bottom: 1px solid #e1e5ea; vertical-align: top; }
table.grid tr.targets td { background: #f7f8fa; color: #5f6670; font-size: 8.3pt; border-bottom: 1px solid #9aa6b5; }
table.grid tbody tr:last-child td { border-bottom: 1.2px solid #1f3b5c; }
thead { display: table-header-group; }
tr, figure, .kpis, table.sign, .signoff, section.keep, table.keep { break-inside: avoid; page-break-inside: avoid; }
.r { text-align: right; } .c { text-align: center; } th.r { text-align: right; } th.c { text-align: center; }
.num { font-variant-numeric: tabular-nums; white-space: nowrap; }
.nowrap { white-space: nowrap; }
.mono { font-family: 'DejaVu Sans Mono', monospace; font-size: 7.6pt; word-break: break-all; }
.small { font-size: 8pt; } .muted { color: #6b7280; }
.met { color: #2e7d32; } .unmet { color: #b3261e; } .na { color: #3f6e9a; }
.value { font-weight: bold; font-size: 10pt; }
.neg { color: #b3261e; } .pos { color: #2e7d32; }
.null { color: #9aa1a9; }
.reason { font-size: 7.8pt; color: #6b7280; text-align: left; max-width: 52mm; margin-left: auto; }
.wording { color: #3f4a56; font-size: 8.5pt; }
tr.companion td { color: #5f6670; font-style: normal; background: #fafbfc; }
tr.companion td.ind div:first-child { padding-left: 1em; }
.pill { display: inline-block; border-radius: 3px; padding: 1px 6px; font-size: 8.5pt; line-height: 1.3; border: 1px solid currentColor; }
.pill .en { font-size: 7pt; }
.pill.met { color: #2e7d32; background: #edf7ee; } .pill.unmet { color: #b3261e; background: #fbeeed; } .pill.na { color: #3f6e9a; background: #eef3f8; }
.dot { display: inline-block; width: 6px; height: 6px; border-radius: 50%; margin-left: 4px; vertical-align: middle; }
.dot.met { background: #2e7d32; } .dot.unmet { background: #b3261e; }
.legend { font-size: 7.8pt; color: #6b7280; margin: 1mm 0; }
.legend .dot { margin: 0 3px 0 8px; }
ol.notes { font-size: 7.8pt; color: #5f6670; margin: 1mm 0 0; padding-left: 0; list-style: none; }
ol.notes sup { font-weight: bold; }
.kpis { display: grid; grid-template-columns: repeat(4, 1fr); gap: 3mm; margin: 2mm 0 3mm; }
.kpi { border: 1px solid #cfd6df; border-top: 3px solid #1f3b5c; padding: 2.5mm 3mm; background: #f8fafc; }
.kpi.warn { border-top-color: #b3261e; }
.kpi .k { font-size: 16pt; font-weight: bold; color: #12263f; font-variant-numeric: tabular-nums; }
.kpi.warn .k { color: #b3261e; }
.kpi .l { font-size: 8.3pt; color: #3f4a56; }
.lead { text-indent: 2em; text-align: justify; }
figure { margin: 3mm 0; }
figure svg { width: 100%; height: auto; display: block; }
figcaption { text-align: center; font-size: 9pt; color: #3f4a56; margin-top: 1mm; }
.fig-legend { text-align: center; font-size: 8pt; color: #5f6670; }
.fig-legend i { display: inline-block; width: 10px; height: 8px; margin: 0 3px 0 10px; vertical-align: middle; }
td.task { max-width: 75mm; }
td.ind { min-width: 30mm; }
table.sign { margin-top: 6mm; font-size: 9.5pt; }
table.sign td { padding: 5mm 2mm 1mm; vertical-align: bottom; white-space: nowrap; width: 14%; }
table.sign td.line { border-bottom: 1px solid #1f2328; width: 36%; }
.doc-foot { margin-top: 8mm; padding-top: 2mm; border-top: 1px solid #cfd6df; font-size: 7.8pt; color: #6b7280; }
.stamp { display: inline-block; border: 1.5px solid #b3261e; color: #b3261e; padding: 1px 8px; font-weight: bold; letter-spacing: .1em; }
.stamp.live { border-color: #6b7280; color: #6b7280; }
`;

/**
 * The report as one printable, self-contained HTML page in Chinese (English beside headings):
 * inline CSS and inline SVG charts, A4 print rules (@page, running page numbers, rows and figures
 * never split). `meta` marks a frozen report (its number and sign-off); without it the page says
 * it is a live, unfrozen draft.
 */
export function renderAssessmentHtml(r: AssessmentReport, meta?: FrozenMeta): string {
  const title = `${r.titleZh}（${r.year}年度）`;
  const multi = hasMultiYearSeries(r.series);
  const years = [...new Set(r.series.flatMap((s) => s.points.map((p) => p.year)))].sort();
  const status = meta
    ? `<span class="stamp">已冻结</span> ${esc(REVIEW_ZH[meta.reviewStatus])}`
    : '<span class="stamp live">实时生成 · 未冻结</span> <span class="en">live draft, not frozen</span>';
  return `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
<style>${CSS}
@page { @top-left { content: "${esc(title).replace(/"/g, '')}"; font: 8pt 'WenQuanYi Micro Hei', 'Noto Sans CJK SC', sans-serif; color: #6b7280; } }
@page :first { @top-left { content: none; } }</style>
</head>
<body>
<div class="page">
<header>
  <div class="doc-top"><span>吉林省生物多样性监测数据平台</span><span>Jilin Biodiversity Monitoring Platform · biomon</span></div>
  <h1>${esc(r.titleZh)}</h1>
  <p class="title-en">${esc(r.titleEn)} · ${r.year}</p>
  <table class="meta"><colgroup><col style="width:19%"><col style="width:27%"><col style="width:19%"><col style="width:35%"></colgroup><tbody>
    <tr><td class="k">评估年度 Year</td><td>${r.year}年度</td><td class="k">评估区域 Region</td><td>${esc(r.region.name)}（${esc(regionLevelZh(r.region.level))}，${esc(r.region.code)}）</td></tr>
    <tr><td class="k">台账截至 Ledger as of</td><td>${esc(formatDateZh(r.asOf))}</td><td class="k">生成时间 Generated</td><td>${esc(formatDateTimeShanghai(r.generatedAt))} <span class="small muted">北京时间</span></td></tr>
    <tr><td class="k">报告编号 Report No.</td><td colspan="3">${meta ? `<span class="mono">${esc(meta.reportId)}</span>　` : ''}${status}</td></tr>
  </tbody></table>
</header>
${summary(r)}
<section class="keep">
  ${h2('一、总体目标', 'Overall targets')}
  <p class="small muted">依据《吉林省关于进一步加强生物多样性保护的实施意见》总体目标；差距 = 现值 − 2025年目标（百分点），负值表示尚未达到。未给出数值的目标以原文表述列示，不作数值判定（图1）。</p>
  ${overallTable(r)}
  ${headlineTable(r)}
</section>
<section>
  ${h2('二、年度变化', 'Values by year')}
  ${
    multi
      ? `<figure data-figure="series">${seriesChartSvg(r.series)}<figcaption>图2　${esc(r.region.name)}主要指标年度变化（${years.join('、')}年）；无数值的年度不绘点<span class="en">Figure 2. Values by year; dashed: 2025 target; years without a value are not drawn</span></figcaption></figure>`
      : `<p class="muted">目前仅有 ${esc(years.join('、') || '—')} 年度的已完成计算，待有多个年度的结果后绘制年度变化图。<span class="en">Only one year has completed runs; the by-year chart appears once several years do.</span></p>`
  }
</section>
<section>
  ${h2('三、分市州', 'By prefecture')}
  ${regionTable(r.prefectures, '市（州）', 'Prefecture')}
</section>
<section>
  ${h2('四、生物多样性保护优先区域', 'By priority area')}
  ${regionTable(r.priorityAreas, '优先区域', 'Priority area')}
</section>
${ledgerSection(r)}
${coverageSection(r)}
${provenanceSection(r)}
${signoff(meta)}
<div class="doc-foot">
  本报告由吉林省生物多样性监测数据平台依据已完成的指标计算生成，数值保留两位小数。${meta ? `冻结快照校验值 SHA-256：<span class="mono">${esc(meta.snapshotSha256)}</span>。` : '本页为实时生成的草稿，冻结后方可审核签署。'}
  ${r.notes.length ? `<br>说明 Notes：${esc(r.notes.join('；'))}` : ''}
</div>
</div>
</body>
</html>
`;
}
