import type { Tx } from '@biomon/db';
import { sensitiveSpeciesNames } from '@biomon/sensitive';
import { chinaPart, sql } from '@biomon/db';
import { NEWEST_REGIONS } from './alert-sql';
import { clearConditions, raiseAlert, type RaiseResult } from './alert.repository';
import { speciesIdsOf } from './evaluate-sensitive';
import { ledgerTasksFor } from './ledger-tasks';
import { RULE_DEFINITIONS, type RuleConfig } from './rules';

interface YearRow { priority_area: string; area_name: string | null; yr: number; effort: number; n: number; events: number }

/**
 * Survey effort and the species' count per priority area and year. Effort is the Humboldt
 * samplingEffortValue of leaf events (events no other event names as parent — a camera-trap
 * grid's total and its stations' own efforts would otherwise count twice) in the unit (and
 * protocol) of the species entry, in a priority area; the year is that of the event's end
 * (Asia/Shanghai). The count is the species' present, non-rejected records on those events, or
 * their individuals (individualCount, 1 when absent). A year with effort and no record counts 0 —
 * with `zeros: 'if-absence-reported'` only events that report absences (Humboldt
 * isAbsenceReported) or recorded the species carry effort, so a farmland bird transect does not
 * count as zero cranes.
 */
async function yearlyRates(tx: Tx, gid: number, entry: { effortUnit: string; protocol?: string | null; count: 'records' | 'individuals'; zeros: 'always' | 'if-absence-reported' }): Promise<YearRow[]> {
  const hasSpecies = (e: ReturnType<typeof sql>) => sql`EXISTS (SELECT 1 FROM occurrences o JOIN taxa tx ON tx.id = o.taxon_id
    WHERE o.event_id = ${e}.event_id AND coalesce(tx.parent_id, tx.id) = ${gid} AND o.occurrence_status = 'present' AND o.review_state <> 'rejected')`;
  const r = await sql<YearRow>`
    WITH ev AS (
      SELECT e.event_id, e.priority_area, ${chinaPart('year', sql`e.event_end`)} AS yr, e.sampling_effort_value::float8 AS effort
      FROM survey_events e
      WHERE e.priority_area IS NOT NULL AND e.sampling_effort_value > 0
        AND lower(trim(e.sampling_effort_unit)) = lower(trim(${entry.effortUnit}))
        ${entry.protocol ? sql`AND e.sampling_protocol = ${entry.protocol}` : sql``}
        AND NOT EXISTS (SELECT 1 FROM survey_events c WHERE c.parent_event_id = e.event_id)
        ${entry.zeros === 'if-absence-reported' ? sql`AND (e.is_absence_reported IS TRUE OR ${hasSpecies(sql`e`)})` : sql``}
    ),
    eff AS (SELECT priority_area, yr, sum(effort) AS effort, count(*)::int AS events FROM ev GROUP BY priority_area, yr),
    cnt AS (
      SELECT ev.priority_area, ev.yr,
        ${entry.count === 'records' ? sql`count(*)` : sql`sum(coalesce(o.individual_count, 1))`}::float8 AS n
      FROM ev
      JOIN occurrences o ON o.event_id = ev.event_id
      JOIN taxa tx ON tx.id = o.taxon_id
      WHERE coalesce(tx.parent_id, tx.id) = ${gid} AND o.occurrence_status = 'present' AND o.review_state <> 'rejected'
      GROUP BY ev.priority_area, ev.yr
    )
    SELECT eff.priority_area, reg.name AS area_name, eff.yr, eff.effort, coalesce(cnt.n, 0)::float8 AS n, eff.events
    FROM eff
    LEFT JOIN cnt ON cnt.priority_area = eff.priority_area AND cnt.yr = eff.yr
    LEFT JOIN LATERAL (SELECT r.name FROM regions r WHERE r.dataset_id = ${NEWEST_REGIONS} AND r.code = eff.priority_area LIMIT 1) reg ON true
    ORDER BY eff.priority_area, eff.yr`.execute(tx);
  return r.rows;
}

/**
 * Rule 5, indicator species decline: in a priority area, the species' count per unit of survey
 * effort in the latest year with effort falls below a share of its baseline — the mean rate of
 * up to `baselineYears` previous years with effort (at least `minBaselineYears` of them). One
 * alert per species × priority area; it resolves itself when a later year recovers.
 */
export async function evaluateSpeciesDecline(tx: Tx, rule: RuleConfig<'indicator_species_decline'>, now: Date): Promise<RaiseResult[]> {
  if (!rule.enabled) return [];
  const p = rule.params;
  const ids = await speciesIdsOf(tx, p.species.map((s) => s.taxon));
  const tasks = await ledgerTasksFor(tx, RULE_DEFINITIONS.indicator_species_decline.ledgerRefs);
  const active = new Set<string>();
  const out: RaiseResult[] = [];
  for (const entry of p.species) {
    const gid = ids.get(entry.taxon);
    if (gid === undefined) continue;
    const taxon = await tx.selectFrom('taxa').select(['scientific_name', 'chinese_name']).where('id', '=', gid).executeTakeFirstOrThrow();
    // a sensitive species' yearly counts per priority area are for evaluators and admins only (BRIEF §8)
    const sensitive = (await sensitiveSpeciesNames(tx)).has(taxon.scientific_name);
    const rows = await yearlyRates(tx, gid, entry);
    const byArea = new Map<string, YearRow[]>();
    for (const r of rows) {
      if (!byArea.has(r.priority_area)) byArea.set(r.priority_area, []);
      byArea.get(r.priority_area)!.push(r);
    }
    for (const [area, years] of byArea) {
      const latest = years[years.length - 1];
      const base = years.slice(0, -1).slice(-p.baselineYears);
      if (base.length < p.minBaselineYears) continue;
      const rate = (y: YearRow) => y.n / y.effort;
      const baseline = base.reduce((s, y) => s + rate(y), 0) / base.length;
      if (!(baseline > 0) || rate(latest) >= p.minShareOfBaseline * baseline) continue;
      const subjectKey = `taxon=${gid};area=${area};unit=${entry.effortUnit}`;
      active.add(subjectKey);
      const share = rate(latest) / baseline;
      const nameZh = taxon.chinese_name ? `${taxon.chinese_name}（${taxon.scientific_name}）` : taxon.scientific_name;
      const nameEn = taxon.chinese_name ? `${taxon.scientific_name} (${taxon.chinese_name})` : taxon.scientific_name;
      const areaName = latest.area_name ?? area;
      const what = entry.count === 'records' ? { zh: '记录数', en: 'records' } : { zh: '个体数', en: 'individuals' };
      const r = await raiseAlert(tx, {
        rule: 'indicator_species_decline',
        subjectKey,
        severity: rule.severity,
        privileged: sensitive,
        titleZh: `指示物种下降：${areaName}${nameZh} ${latest.yr} 年每单位努力量${what.zh}为基线的 ${Math.round(share * 100)}%（阈值 ${Math.round(p.minShareOfBaseline * 100)}%）`,
        titleEn: `Indicator species decline: ${nameEn} in ${areaName}, ${what.en} per unit effort in ${latest.yr} at ${Math.round(share * 100)} % of baseline (threshold ${Math.round(p.minShareOfBaseline * 100)} %)`,
        details: {
          taxon: { id: gid, scientificName: taxon.scientific_name, chineseName: taxon.chinese_name },
          priorityArea: { code: area, name: latest.area_name },
          effortUnit: entry.effortUnit,
          protocol: entry.protocol ?? null,
          count: entry.count,
          zeros: entry.zeros,
          latest: { year: latest.yr, count: latest.n, effort: latest.effort, rate: round(rate(latest)), events: latest.events },
          baseline: { rate: round(baseline), years: base.map((y) => ({ year: y.yr, count: y.n, effort: y.effort, rate: round(rate(y)) })) },
          shareOfBaseline: round(share),
          threshold: { minShareOfBaseline: p.minShareOfBaseline },
          ledgerTasks: tasks,
        },
        regionCode: area,
        regionName: latest.area_name,
        regionCodes: [area],
        taxonId: gid,
        cellId: null,
        seenAt: now,
        triggers: [{ key: `year:${latest.yr}` }],
      }, 'condition');
      if (r) out.push(r);
    }
  }
  await clearConditions(tx, 'indicator_species_decline', active, now);
  return out;
}

const round = (x: number): number => Math.round(x * 1e6) / 1e6;
