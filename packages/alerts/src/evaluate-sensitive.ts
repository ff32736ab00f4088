import type { Tx } from '@biomon/db';
import { ALERT_CELL_M } from './alert.sql';
import { groupByTaxonCell, taxonNames } from './alert-subject';
import { occurrencesAlreadyTriggered, raiseAlert, type RaiseResult } from './alert.repository';
import { round6 } from './evaluate-invasive';
import { sensitiveCandidates, speciesIdsOf } from './evaluation.repository';
import { ledgerTasksFor } from './ledger-task.repository';
import { RULE_DEFINITIONS, type RuleConfig } from './rules';

/**
 * Rule 2: a detection of a watched flagship or sensitive species (e.g. a tiger on a camera trap).
 * These alerts are privileged: listed and delivered to evaluators and admins only, so they may
 * carry the exact point. The subject is species × 10 km cell: repeated detections in the cell
 * update the open alert; after it is resolved, a new detection opens a new one. A record already
 * counted by an alert of this rule never fires again (a redelivered job, or an edit of the record).
 */
export async function evaluateSensitiveDetections(tx: Tx, rule: RuleConfig<'sensitive_detection'>, occurrencePks: number[], now: Date): Promise<RaiseResult[]> {
  if (!rule.enabled || !occurrencePks.length) return [];
  const p = rule.params;
  const listed = [...new Set((await speciesIdsOf(tx, p.taxa)).values())];
  if (!listed.length && !p.includeAllSensitive) return [];
  const done = await occurrencesAlreadyTriggered(tx, 'sensitive_detection', occurrencePks);
  const fresh = occurrencePks.filter((id) => !done.has(id));
  if (!fresh.length) return [];
  const rows = await sensitiveCandidates(tx, fresh, listed, p, now);
  if (!rows.rows.length) return [];
  const tasks = await ledgerTasksFor(tx, RULE_DEFINITIONS.sensitive_detection.ledgerRefs);
  const out: RaiseResult[] = [];
  for (const [subjectKey, rs] of groupByTaxonCell(rows.rows)) {
    const latest = rs.reduce((a, b) => (b.event_end > a.event_end ? b : a));
    const { nameZh, nameEn } = taxonNames(latest);
    const how =
      latest.basis_of_record === 'MachineObservation'
        ? { zh: '自动监测（红外相机等）记录到', en: 'detected by a machine (camera trap or sensor)' }
        : { zh: '记录到', en: 'recorded' };
    const whereZh = latest.region_name ?? '未知区域';
    const whereEn = latest.region_name_en ?? latest.region_name ?? 'an unknown region';
    const records = rs.slice(0, 50).map((x) => ({
      occurrenceID: x.occurrence_id,
      scientificName: x.recorded_as,
      basisOfRecord: x.basis_of_record,
      eventID: x.event_id,
      eventDate: x.event_start.getTime() === x.event_end.getTime() ? x.event_end.toISOString() : `${x.event_start.toISOString()}/${x.event_end.toISOString()}`,
      decimalLongitude: round6(x.lon),
      decimalLatitude: round6(x.lat),
      coordinateUncertaintyInMeters: x.uncertainty_m,
      individualCount: x.individual_count,
      locality: x.locality,
      recordedBy: x.recorded_by,
    }));
    const r = await raiseAlert(
      tx,
      {
        rule: 'sensitive_detection',
        subjectKey,
        severity: rule.severity,
        privileged: true,
        titleZh: `敏感物种监测：${whereZh}${how.zh}${nameZh}`,
        titleEn: `Sensitive species: ${nameEn} ${how.en} in ${whereEn}`,
        details: {
          taxon: { id: latest.gid, scientificName: latest.scientific_name, chineseName: latest.chinese_name },
          cell: { id: latest.cell, sizeM: ALERT_CELL_M, centre: { type: 'Point', coordinates: [round6(latest.centre_lon), round6(latest.centre_lat)] } },
          region: { code: latest.region_code, name: latest.region_name, nameEn: latest.region_name_en },
          priorityArea: latest.priority_area,
          // privileged alert: exact points, as evaluators see the records themselves
          records,
          informationWithheld: '精确位置仅对评估人员和管理员可见 (exact location: evaluators and admins only)',
          ledgerTasks: tasks,
        },
        updateDetails: { latestRecords: records },
        regionCode: latest.region_code,
        regionName: latest.region_name,
        regionCodes: [...latest.region_codes, ...(latest.priority_area ? [latest.priority_area] : [])],
        taxonId: latest.gid,
        cellId: latest.cell,
        seenAt: now,
        triggers: rs.map((x) => ({ key: `occ:${x.id}`, occurrencePk: x.id })),
      },
      'always',
    );
    if (r) out.push(r);
  }
  return out;
}
