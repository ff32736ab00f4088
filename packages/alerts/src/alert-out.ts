import { RULE_DEFINITIONS, isRuleCode } from './rules';

/** An alert as the API and webhooks show it (Chinese first). */
export interface AlertOut {
  id: number;
  rule: string;
  ruleNameZh: string | null;
  ruleNameEn: string | null;
  subjectKey: string;
  severity: string;
  status: string;
  titleZh: string;
  titleEn: string;
  region: { code: string | null; name: string | null; codes: string[] };
  taxon: { id: number; scientificName: string; chineseName: string | null } | null;
  cellId: string | null;
  details: Record<string, unknown>;
  firstSeen: string;
  lastSeen: string;
  occurrences: number;
  acknowledged: { by: string | null; at: string } | null;
  resolved: { by: string | null; at: string; automatic: boolean } | null;
  /** evaluator and admin only */
  privileged: boolean;
}

export interface AlertRowWithTaxon {
  id: number;
  rule_code: string;
  subject_key: string;
  severity: string;
  status: string;
  privileged: boolean;
  title_zh: string;
  title_en: string;
  details: unknown;
  region_code: string | null;
  region_name: string | null;
  region_codes: string[];
  taxon_id: number | null;
  cell_id: string | null;
  first_seen: Date;
  last_seen: Date;
  occurrences: number;
  acknowledged_by_label: string | null;
  acknowledged_at: Date | null;
  resolved_by: string | null;
  resolved_by_label: string | null;
  resolved_at: Date | null;
  taxon_scientific_name: string | null;
  taxon_chinese_name: string | null;
}

export function toAlertOut(r: AlertRowWithTaxon): AlertOut {
  const def = isRuleCode(r.rule_code) ? RULE_DEFINITIONS[r.rule_code] : null;
  return {
    id: r.id,
    rule: r.rule_code,
    ruleNameZh: def?.nameZh ?? null,
    ruleNameEn: def?.nameEn ?? null,
    subjectKey: r.subject_key,
    severity: r.severity,
    status: r.status,
    titleZh: r.title_zh,
    titleEn: r.title_en,
    region: { code: r.region_code, name: r.region_name, codes: r.region_codes ?? [] },
    taxon: r.taxon_id === null ? null : { id: r.taxon_id, scientificName: r.taxon_scientific_name ?? '', chineseName: r.taxon_chinese_name },
    cellId: r.cell_id,
    details: (r.details ?? {}) as Record<string, unknown>,
    firstSeen: r.first_seen.toISOString(),
    lastSeen: r.last_seen.toISOString(),
    occurrences: r.occurrences,
    acknowledged: r.acknowledged_at ? { by: r.acknowledged_by_label, at: r.acknowledged_at.toISOString() } : null,
    resolved: r.resolved_at ? { by: r.resolved_by_label, at: r.resolved_at.toISOString(), automatic: r.resolved_by === null } : null,
    privileged: r.privileged,
  };
}
