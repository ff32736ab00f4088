import type { Tx } from '@biomon/db';
import { PUBLIC_VIEWER } from '@biomon/sensitive';
import { indicatorDefinition, latestValues } from '@biomon/indicators';
import { addDays, daysBetween } from '@biomon/core';
import { provinceRegion } from '@biomon/ledger';
import { clearConditions, raiseAlert, type RaiseResult } from './alert.repository';
import { indicatorDeadlineLinks, indicatorDropCandidates, indicatorTasks } from './evaluation.repository';
import type { RuleConfig, Severity } from './rules';

/**
 * Rule 4a, indicator off target near a deadline: a ledger task linked to an indicator (the link
 * table of BRIEF §7) whose deadline — the end of its window or its 年底前 date — falls within the
 * next N days as of the date (Asia/Shanghai), while the latest completed value of the indicator
 * for the province misses its target. With includeOverdue, a task whose deadline has passed with
 * no `done` report is raised too, as critical. A task reported done is left alone; `持续推进`
 * has no deadline. The target is the indicator's 2025 number, as the ledger shows it; an
 * indicator without a numeric target (qualitative 2035 wording, 国家要求) never fires.
 * One alert per task × indicator; it resolves itself when the value meets the target, the task is
 * reported done or the deadline leaves the horizon.
 */
export async function evaluateIndicatorDeadlines(tx: Tx, rule: RuleConfig<'indicator_deadline'>, now: Date, asOf: string): Promise<RaiseResult[]> {
  if (!rule.enabled) return [];
  const horizon = addDays(asOf, rule.params.withinDays);
  const links = await indicatorDeadlineLinks(tx, asOf, horizon, rule.params.includeOverdue);
  const province = await provinceRegion(tx);
  const active = new Set<string>();
  const out: RaiseResult[] = [];
  if (province) {
    const latestByCode = new Map<string, Awaited<ReturnType<typeof latestValues>>[number] | null>();
    for (const l of links.rows) {
      if (l.status === 'done') continue;
      const def = indicatorDefinition(l.ref);
      if (!def || def.target2025.value === null) continue;
      if (!latestByCode.has(l.ref)) {
        const values = await latestValues(tx, l.ref, { region: province.code }, PUBLIC_VIEWER);
        latestByCode.set(l.ref, values.filter((v) => v.value !== null).sort((a, b) => b.year - a.year)[0] ?? null);
      }
      const v = latestByCode.get(l.ref);
      if (!v || v.meetsTarget !== false) continue;
      const daysLeft = daysBetween(asOf, l.timeline_end);
      const overdue = daysLeft < 0;
      const subjectKey = `task=${l.task_no};indicator=${l.ref};region=${province.code}`;
      active.add(subjectKey);
      const severity: Severity = overdue ? 'critical' : rule.severity;
      const whenZh = overdue ? `已逾期 ${-daysLeft} 天（期限 ${l.timeline_end}）` : `期限 ${l.timeline_end}，剩余 ${daysLeft} 天`;
      const whenEn = overdue ? `${-daysLeft} days overdue (deadline ${l.timeline_end})` : `deadline ${l.timeline_end}, ${daysLeft} days left`;
      const r = await raiseAlert(
        tx,
        {
          rule: 'indicator_deadline',
          subjectKey,
          severity,
          privileged: false,
          titleZh: `指标未达标且任务${overdue ? '已逾期' : '临近期限'}：任务 ${l.task_no} 的${def.nameZh} ${fmt(v.value)}%（目标 ${def.target2025.text}），${whenZh}`,
          titleEn: `Indicator off target ${overdue ? 'after' : 'near'} a deadline: task ${l.task_no}, ${def.nameEn} ${fmt(v.value)} % (target ${def.target2025.textEn}), ${whenEn}`,
          details: {
            task: { no: l.task_no, timeline: { kind: l.timeline_kind, end: l.timeline_end, text: l.timeline_text }, statusAsOf: l.status, daysLeft, overdue },
            indicator: {
              code: l.ref,
              nameZh: def.nameZh,
              nameEn: def.nameEn,
              value: v.value,
              year: v.year,
              target: def.target2025.value,
              targetText: def.target2025.text,
              runId: v.runId,
              unit: '%',
            },
            region: { code: province.code, name: province.name },
            asOf,
            ledgerTasks: [l.task_no],
          },
          regionCode: province.code,
          regionName: province.name,
          regionCodes: [province.code],
          taxonId: null,
          cellId: null,
          seenAt: now,
          triggers: [{ key: `run:${v.runId}` }],
        },
        'condition',
      );
      if (r) out.push(r);
    }
  }
  await clearConditions(tx, 'indicator_deadline', active, now);
  return out;
}

/**
 * Rule 4b, indicator drop: per indicator and region, the latest completed value (newest year,
 * then newest run) against the one before it in the same order — a recomputation of the same
 * year, or the previous year computed — dropped by more than X percentage points. A historical
 * run computed later for an earlier year does not count as "latest". Resolves itself when a newer
 * run no longer shows the drop.
 */
export async function evaluateIndicatorDrops(tx: Tx, rule: RuleConfig<'indicator_drop'>, now: Date): Promise<RaiseResult[]> {
  if (!rule.enabled) return [];
  const rows = await indicatorDropCandidates(tx, rule.params.minDropPoints);
  const active = new Set<string>();
  const out: RaiseResult[] = [];
  const tasksOf = await indicatorTasks(tx);
  for (const d of rows.rows) {
    const def = indicatorDefinition(d.indicator);
    const subjectKey = `indicator=${d.indicator};region=${d.region_code}${d.variant ? `;variant=${d.variant}` : ''}`;
    active.add(subjectKey);
    const drop = d.prev_value - d.value;
    const nameZh = `${def?.nameZh ?? d.indicator}${d.variant ? `（${d.variant}）` : ''}`;
    const nameEn = `${def?.nameEn ?? d.indicator}${d.variant ? ` (${d.variant})` : ''}`;
    const where = d.region_name ?? d.region_code;
    const r = await raiseAlert(
      tx,
      {
        rule: 'indicator_drop',
        subjectKey,
        severity: rule.severity,
        privileged: false,
        titleZh: `指标下降：${where}${nameZh}由 ${fmt(d.prev_value)}%（${d.prev_year}）降至 ${fmt(d.value)}%（${d.year}），下降 ${fmt(drop)} 个百分点`,
        titleEn: `Indicator dropped: ${nameEn} in ${where} from ${fmt(d.prev_value)} % (${d.prev_year}) to ${fmt(d.value)} % (${d.year}), −${fmt(drop)} points`,
        details: {
          indicator: { code: d.indicator, nameZh, nameEn, unit: '%', target: def?.target2025.value ?? null },
          latest: { value: d.value, year: d.year, runId: d.run_id, finishedAt: d.finished_at.toISOString() },
          previous: { value: d.prev_value, year: d.prev_year, runId: d.prev_run_id, finishedAt: d.prev_finished_at.toISOString() },
          dropPoints: Math.round(drop * 1e4) / 1e4,
          threshold: { minDropPoints: rule.params.minDropPoints },
          region: { code: d.region_code, name: d.region_name },
          ledgerTasks: tasksOf.get(d.indicator) ?? [],
        },
        regionCode: d.region_code,
        regionName: d.region_name,
        regionCodes: [d.region_code],
        taxonId: null,
        cellId: null,
        seenAt: now,
        triggers: [{ key: `run:${d.run_id}` }],
      },
      'condition',
    );
    if (r) out.push(r);
  }
  await clearConditions(tx, 'indicator_drop', active, now);
  return out;
}

const fmt = (x: number | null): string => (x === null ? '—' : (Math.round(x * 100) / 100).toString());
