import type { Tx } from '@biomon/db';
import { sensitiveSpeciesNames } from '@biomon/sensitive';
import { clearConditions, raiseAlert, type RaiseResult } from './alert.repository';
import { speciesIdsOf, taxonNamesOf, yearlyRates, type YearRow } from './evaluation.repository';
import { ledgerTasksFor } from './ledger-task.repository';
import { RULE_DEFINITIONS, type RuleConfig } from './rules';

/**
 * Rule 5, indicator species decline: in a priority area, the species' count per unit of survey
 * effort in the latest year with effort falls below a share of its baseline — the mean rate of
 * up to `baselineYears` previous years with effort (at least `minBaselineYears` of them). One
 * alert per species × priority area; it resolves itself when a later year recovers.
 */
export async function evaluateSpeciesDecline(tx: Tx, rule: RuleConfig<'indicator_species_decline'>, now: Date): Promise<RaiseResult[]> {
  if (!rule.enabled) return [];
  const p = rule.params;
  const ids = await speciesIdsOf(
    tx,
    p.species.map((s) => s.taxon),
  );
  const tasks = await ledgerTasksFor(tx, RULE_DEFINITIONS.indicator_species_decline.ledgerRefs);
  const active = new Set<string>();
  const out: RaiseResult[] = [];
  for (const entry of p.species) {
    const gid = ids.get(entry.taxon);
    if (gid === undefined) continue;
    const taxon = await taxonNamesOf(tx, gid);
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
      const r = await raiseAlert(
        tx,
        {
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
        },
        'condition',
      );
      if (r) out.push(r);
    }
  }
  await clearConditions(tx, 'indicator_species_decline', active, now);
  return out;
}

const round = (x: number): number => Math.round(x * 1e6) / 1e6;
