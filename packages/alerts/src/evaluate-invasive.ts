import type { Tx } from '@biomon/db';
import { ALERT_CELL_M } from './alert.sql';
import { groupByTaxonCell, taxonNames } from './alert-subject';
import { raiseAlert, type RaiseResult } from './alert.repository';
import { invasiveCandidates } from './evaluation.repository';
import { ledgerTasksFor } from './ledger-task.repository';
import { RULE_DEFINITIONS, type RuleConfig } from './rules';

/**
 * Rule 1, 外来入侵物种预警: an occurrence of an invasive taxon in a 10 km cell (BRIEF §8 grid)
 * where the taxon had no earlier stored record. The taxon is taken at species level — a
 * subspecies or a synonym (same taxon id) is the same taxon — and only present records that are
 * not rejected count, as triggers and as earlier records. "Earlier stored" is insert order (the
 * occurrence id), which makes the verdict stable: re-evaluating the same records gives the same
 * answer, and of two batches racing into one new cell at least one sees itself first (both then
 * upsert the same alert). An edited record keeps its place in that order.
 *
 * One alert per taxon × cell, ever: later records in the cell are linked to it while it is open
 * (they update it, they do not fire), and once resolved the cell stays known.
 */
export async function evaluateInvasiveNewCells(tx: Tx, rule: RuleConfig<'invasive_new_cell'>, occurrencePks: number[], now: Date): Promise<RaiseResult[]> {
  if (!rule.enabled || !occurrencePks.length) return [];
  const p = rule.params;
  const rows = await invasiveCandidates(tx, occurrencePks, p, now);
  if (!rows.rows.length) return [];

  const tasks = await ledgerTasksFor(tx, RULE_DEFINITIONS.invasive_new_cell.ledgerRefs);
  const out: RaiseResult[] = [];
  for (const [subjectKey, rs] of groupByTaxonCell(rows.rows)) {
    const first = rs.find((r) => r.is_first) ?? rs[0];
    const { nameZh, nameEn } = taxonNames(first);
    const whereZh = first.region_name ?? '未知区域';
    const whereEn = first.region_name_en ?? first.region_name ?? 'an unknown region';
    const r = await raiseAlert(
      tx,
      {
        rule: 'invasive_new_cell',
        subjectKey,
        severity: rule.severity,
        privileged: false,
        titleZh: `外来入侵物种新分布：${nameZh}首次记录于${whereZh}（10 km 网格 ${first.cell}）`,
        titleEn: `Invasive species in a new place: ${nameEn} first recorded in ${whereEn} (10 km cell ${first.cell})`,
        details: {
          taxon: { id: first.gid, scientificName: first.scientific_name, chineseName: first.chinese_name },
          cell: { id: first.cell, sizeM: ALERT_CELL_M, centre: { type: 'Point', coordinates: [round6(first.centre_lon), round6(first.centre_lat)] } },
          region: { code: first.region_code, name: first.region_name, nameEn: first.region_name_en },
          // the records by id only: their points are read through GET /v1/occurrences, which applies the caller's rights
          firstRecord: { occurrenceID: first.occurrence_id, eventDateEnd: first.event_end.toISOString(), basisOfRecord: first.basis_of_record },
          occurrenceIDs: rs.map((x) => x.occurrence_id).slice(0, 100),
          ledgerTasks: tasks,
        },
        updateDetails: {
          latestRecords: rs
            .map((x) => ({ occurrenceID: x.occurrence_id, eventDateEnd: x.event_end.toISOString(), basisOfRecord: x.basis_of_record }))
            .slice(0, 100),
        },
        regionCode: first.region_code,
        regionName: first.region_name,
        regionCodes: first.region_codes,
        taxonId: first.gid,
        cellId: first.cell,
        seenAt: now,
        triggers: rs.map((x) => ({ key: `occ:${x.id}`, occurrencePk: x.id })),
      },
      rs.some((x) => x.is_first) ? 'once-per-subject' : 'update-only',
    );
    if (r) out.push(r);
  }
  return out;
}

export const round6 = (x: number): number => Math.round(x * 1e6) / 1e6;
