import type { Tx } from '@biomon/db';
import { forestLossInProtectedAreas, LAND_COVER_CLASS_NAMES } from '@biomon/indicators';
import { raiseAlert, type RaiseResult } from './alert.repository';
import { ledgerTasksFor } from './ledger-task.repository';
import { RULE_DEFINITIONS, type RuleConfig } from './rules';

const round2 = (x: number) => Math.round(x * 100) / 100;
const className = (code: string) => LAND_COVER_CLASS_NAMES.find((c) => c.code === code);

/**
 * Forest loss inside a protected area (task 27, issue 18): for each stored land-cover change
 * (@biomon/indicators, computed when a new land-cover version lands or a land-cover raster becomes
 * ready: vector and raster pairs alike, one verdict per years) and each counted protected
 * area, the forest (the classes forest_coverage counts) that became another class there; at least
 * `minLossHa` hectares raises an alert. One alert per (protected area, from year, to year), ever
 * ('once-per-subject', one trigger per subject): evaluating again — a job run twice, the
 * schedule, a second upload of the same years — changes nothing. Privileged: listed for
 * evaluators and admins.
 */
export async function evaluateForestLoss(tx: Tx, rule: RuleConfig<'forest_loss_in_protected_area'>, now: Date): Promise<RaiseResult[]> {
  if (!rule.enabled) return [];
  const rows = await forestLossInProtectedAreas(tx, rule.params.minLossHa);
  if (!rows.length) return [];
  const tasks = await ledgerTasksFor(tx, RULE_DEFINITIONS.forest_loss_in_protected_area.ledgerRefs);
  // one verdict per (protected area, years): the newest stored change of those years
  const newest = new Map<string, (typeof rows)[number]>();
  for (const r of rows) newest.set(`pa=${r.pa_id};from=${r.from_year};to=${r.to_year}`, r);
  const out: RaiseResult[] = [];
  for (const [subjectKey, r] of newest) {
    const lossHa = round2(r.loss_m2 / 1e4);
    const toClasses = Object.entries(r.by_class)
      .map(([code, m2]) => ({ code, nameZh: className(code)?.nameZh ?? code, nameEn: className(code)?.nameEn ?? code, areaHa: round2(m2 / 1e4) }))
      .sort((a, b) => b.areaHa - a.areaHa);
    const res = await raiseAlert(
      tx,
      {
        rule: 'forest_loss_in_protected_area',
        subjectKey,
        severity: rule.severity,
        privileged: RULE_DEFINITIONS.forest_loss_in_protected_area.privileged,
        titleZh: `自然保护地内森林减少：${r.name} ${r.from_year}–${r.to_year} 年减少 ${lossHa} 公顷（阈值 ${rule.params.minLossHa} 公顷）`,
        titleEn: `Forest loss in a protected area: ${r.name_en ?? r.name}, ${lossHa} ha lost ${r.from_year}–${r.to_year} (threshold ${rule.params.minLossHa} ha)`,
        details: {
          protectedArea: { id: r.pa_id, name: r.name, nameEn: r.name_en, designation: r.designation, datasetId: r.pa_dataset_id },
          landCover: {
            // a pair of land-cover rasters (issue 18): from/to are raster ids
            ...(r.source === 'raster' ? { source: 'raster' } : {}),
            fromDatasetId: r.from_dataset_id,
            toDatasetId: r.to_dataset_id,
            fromYear: r.from_year,
            toYear: r.to_year,
            changeId: r.change_id,
          },
          forestLossHa: lossHa,
          became: toClasses,
          threshold: { minLossHa: rule.params.minLossHa },
          change: `/v1/land-cover/change?${r.source === 'raster' ? 'source=raster&' : ''}from=${r.from_dataset_id}&to=${r.to_dataset_id}`,
          ledgerTasks: tasks,
        },
        regionCode: null,
        regionName: null,
        regionCodes: [],
        taxonId: null,
        cellId: null,
        seenAt: now,
        // the subject itself: another stored change of the same years (a new regions version) adds nothing
        triggers: [{ key: `forest-loss:${subjectKey}` }],
      },
      'once-per-subject',
    );
    if (res) out.push(res);
  }
  return out;
}
