import type { Db, DbOrTx } from '@biomon/db';
import { withTx } from '@biomon/db';
import { AppError, type FieldError } from '@biomon/core';
import { writeAudit, type Actor } from '@biomon/auth';
import { loadRuleConfigs, storeRuleConfig } from './alert-rule.repository';
import { RULE_CODES, RULE_DEFINITIONS, SEVERITIES, isRuleCode, validateRuleParams, type RuleCode, type Severity } from './rules';

/** A rule as GET /v1/alert-rules shows it: its definition and its configuration. */
export interface RuleOut {
  code: RuleCode;
  nameZh: string;
  nameEn: string;
  descriptionZh: string;
  descriptionEn: string;
  trigger: string;
  privileged: boolean;
  enabled: boolean;
  severity: Severity;
  params: Record<string, unknown>;
  defaults: { severity: Severity; params: Record<string, unknown> };
  source: 'stored' | 'default';
  updatedAt: string | null;
}

export async function readRules(db: DbOrTx): Promise<RuleOut[]> {
  const cfg = await loadRuleConfigs(db);
  return RULE_CODES.map((code) => {
    const d = RULE_DEFINITIONS[code];
    const c = cfg[code];
    return {
      code,
      nameZh: d.nameZh,
      nameEn: d.nameEn,
      descriptionZh: d.descriptionZh,
      descriptionEn: d.descriptionEn,
      trigger: d.trigger,
      privileged: d.privileged,
      enabled: c.enabled,
      severity: c.severity,
      params: c.params as Record<string, unknown>,
      defaults: { severity: d.severity, params: d.params as Record<string, unknown> },
      source: c.source,
      updatedAt: c.updatedAt,
    };
  });
}

export interface RuleChange {
  code: string;
  enabled?: boolean;
  severity?: string;
  params?: Record<string, unknown>;
}

/**
 * PUT /v1/alert-rules: changes some rules. `params` keys given replace the stored ones (others
 * keep their value); the result is validated against the rule's schema as a whole, and nothing is
 * stored when any change is invalid. Audited in the same transaction.
 */
export async function updateRules(db: Db, changes: RuleChange[], actor: Pick<Actor, 'tokenId' | 'role' | 'label'>): Promise<RuleOut[]> {
  return withTx(db, async (tx) => {
    const cfg = await loadRuleConfigs(tx);
    const errors: FieldError[] = [];
    const seen = new Set<string>();
    const next: { code: RuleCode; enabled: boolean; severity: Severity; params: Record<string, unknown> }[] = [];
    changes.forEach((ch, i) => {
      const f = `rules[${i}]`;
      if (!isRuleCode(ch.code)) {
        errors.push({ field: `${f}.code`, code: 'RULE_UNKNOWN', message: `unknown rule ${ch.code}; known: ${RULE_CODES.join(', ')}` });
        return;
      }
      if (seen.has(ch.code)) {
        errors.push({ field: `${f}.code`, code: 'RULE_REPEATED', message: `rule ${ch.code} appears twice` });
        return;
      }
      seen.add(ch.code);
      if (ch.severity !== undefined && !(SEVERITIES as readonly string[]).includes(ch.severity)) {
        errors.push({ field: `${f}.severity`, code: 'SEVERITY_UNKNOWN', message: `severity is one of ${SEVERITIES.join(', ')}` });
      }
      const cur = cfg[ch.code];
      const params = { ...(cur.params as Record<string, unknown>), ...(ch.params ?? {}) };
      const pe = validateRuleParams(ch.code, params, `${f}.params`);
      errors.push(...pe);
      if (!pe.length && ch.code === 'indicator_species_decline') {
        const p = params as { baselineYears: number; minBaselineYears: number };
        if (p.minBaselineYears > p.baselineYears)
          errors.push({ field: `${f}.params.minBaselineYears`, code: 'PARAM_INVALID', message: 'minBaselineYears cannot exceed baselineYears' });
      }
      next.push({ code: ch.code, enabled: ch.enabled ?? cur.enabled, severity: (ch.severity ?? cur.severity) as Severity, params });
    });
    if (errors.length) throw new AppError('VALIDATION_FAILED', 'Some rule changes are invalid; nothing was changed', { errors });
    for (const n of next) await storeRuleConfig(tx, n, actor.tokenId);
    await writeAudit(tx, actor, {
      action: 'alert-rules.update',
      entity: 'alert_rule',
      entityIds: next.map((n) => n.code),
      route: 'PUT /v1/alert-rules',
      summary: { changes: changes.map((c) => ({ code: c.code, enabled: c.enabled, severity: c.severity, params: c.params })) },
    });
    return readRules(tx);
  });
}
