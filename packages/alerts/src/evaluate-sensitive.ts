import type { DbOrTx, Tx } from '@biomon/db';
import { sql } from '@biomon/db';
import { nameKey } from '@biomon/taxa';
import { ALERT_CELL_M, cellCentre, cellId, groupByTaxonCell, namedRegionOfCodes, taxonNames } from './alert-sql';
import { occurrencesAlreadyTriggered, raiseAlert, type RaiseResult } from './alert.repository';
import { round6 } from './evaluate-invasive';
import { ledgerTasksFor } from './ledger-tasks';
import { RULE_DEFINITIONS, type RuleConfig } from './rules';

/** Species-level taxon ids of names (scientific or Chinese, synonyms included); unknown names are skipped. */
export async function speciesIdsOf(db: DbOrTx, names: string[]): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  if (!names.length) return out;
  const keys = names.map((n) => nameKey(n));
  const rows = await sql<{ name_key: string; gid: number }>`
    SELECT DISTINCT ON (n.name_key) n.name_key, coalesce(t.parent_id, t.id) AS gid
    FROM taxon_names n JOIN taxa t ON t.id = n.taxon_id
    WHERE n.name_key = ANY(${keys}::text[])
    ORDER BY n.name_key, (n.kind = 'accepted') DESC, t.id`.execute(db);
  const byKey = new Map(rows.rows.map((r) => [r.name_key, r.gid]));
  names.forEach((n, i) => {
    const g = byKey.get(keys[i]);
    if (g !== undefined) out.set(n, g);
  });
  return out;
}

interface Row {
  id: number;
  occurrence_id: string;
  gid: number;
  scientific_name: string;
  chinese_name: string | null;
  recorded_as: string;
  basis_of_record: string;
  event_id: string | null;
  event_start: Date;
  event_end: Date;
  lon: number;
  lat: number;
  uncertainty_m: number | null;
  individual_count: number | null;
  locality: string | null;
  recorded_by: string | null;
  cell: string;
  centre_lon: number;
  centre_lat: number;
  region_codes: string[];
  priority_area: string | null;
  region_code: string | null;
  region_name: string | null;
  region_name_en: string | null;
}

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
  const rows = await sql<Row>`
    SELECT o.id, o.occurrence_id, g.id AS gid, g.scientific_name, g.chinese_name, o.scientific_name AS recorded_as,
      o.basis_of_record, o.event_id, o.event_start, o.event_end, ST_X(o.geom) AS lon, ST_Y(o.geom) AS lat,
      o.coordinate_uncertainty_m AS uncertainty_m, o.individual_count, o.data->>'locality' AS locality, o.data->>'recordedBy' AS recorded_by,
      ${cellId(sql`o.geom`)} AS cell, ST_X(${cellCentre(sql`o.geom`)}) AS centre_lon, ST_Y(${cellCentre(sql`o.geom`)}) AS centre_lat,
      o.region_codes, o.priority_area, reg.code AS region_code, reg.name AS region_name, reg.name_en AS region_name_en
    FROM occurrences o
    JOIN taxa tx ON tx.id = o.taxon_id
    LEFT JOIN taxa pt ON pt.id = tx.parent_id
    JOIN taxa g ON g.id = coalesce(tx.parent_id, tx.id)
    LEFT JOIN ${namedRegionOfCodes(sql`o.region_codes`)} reg ON true
    WHERE o.id = ANY(${fresh}::bigint[])
      AND o.occurrence_status = 'present' AND o.review_state <> 'rejected'
      AND (g.id = ANY(${listed}::int[]) ${p.includeAllSensitive ? sql`OR tx.sensitive OR coalesce(pt.sensitive, false)` : sql``})
      ${p.basisOfRecord?.length ? sql`AND o.basis_of_record = ANY(${p.basisOfRecord}::text[])` : sql``}
      ${p.maxRecordAgeDays !== null ? sql`AND o.event_end >= ${now}::timestamptz - make_interval(days => ${p.maxRecordAgeDays}::int)` : sql``}
    ORDER BY g.id, cell, o.id`.execute(tx);
  if (!rows.rows.length) return [];
  const tasks = await ledgerTasksFor(tx, RULE_DEFINITIONS.sensitive_detection.ledgerRefs);
  const out: RaiseResult[] = [];
  for (const [subjectKey, rs] of groupByTaxonCell(rows.rows)) {
    const latest = rs.reduce((a, b) => (b.event_end > a.event_end ? b : a));
    const { nameZh, nameEn } = taxonNames(latest);
    const how = latest.basis_of_record === 'MachineObservation' ? { zh: '自动监测（红外相机等）记录到', en: 'detected by a machine (camera trap or sensor)' } : { zh: '记录到', en: 'recorded' };
    const whereZh = latest.region_name ?? '未知区域';
    const whereEn = latest.region_name_en ?? latest.region_name ?? 'an unknown region';
    const records = rs.slice(0, 50).map((x) => ({
      occurrenceID: x.occurrence_id, scientificName: x.recorded_as, basisOfRecord: x.basis_of_record, eventID: x.event_id,
      eventDate: x.event_start.getTime() === x.event_end.getTime() ? x.event_end.toISOString() : `${x.event_start.toISOString()}/${x.event_end.toISOString()}`,
      decimalLongitude: round6(x.lon), decimalLatitude: round6(x.lat), coordinateUncertaintyInMeters: x.uncertainty_m,
      individualCount: x.individual_count, locality: x.locality, recordedBy: x.recorded_by,
    }));
    const r = await raiseAlert(tx, {
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
    }, 'always');
    if (r) out.push(r);
  }
  return out;
}
