import type { DbOrTx } from '@biomon/db';
import { RULE_CODES, RULE_DEFINITIONS, defaultRuleConfig, withDefaults, type RuleCode, type RuleConfig, type Severity } from './rules';

/** Every rule as configured: its stored row (params over the defaults) or its defaults. */
export async function loadRuleConfigs(db: DbOrTx): Promise<{ [K in RuleCode]: RuleConfig<K> }> {
  const rows = await db.selectFrom('alert_rules').selectAll().execute();
  const byCode = new Map(rows.map((r) => [r.code, r]));
  const out = {} as Record<RuleCode, RuleConfig>;
  for (const code of RULE_CODES) {
    const r = byCode.get(code);
    out[code] = r
      ? {
          code,
          enabled: r.enabled,
          severity: r.severity as Severity,
          params: withDefaults(code, (r.params ?? {}) as Record<string, unknown>),
          source: 'stored',
          updatedAt: r.updated_at.toISOString(),
        }
      : defaultRuleConfig(code);
  }
  return out as { [K in RuleCode]: RuleConfig<K> };
}

export async function loadRuleConfig<K extends RuleCode>(db: DbOrTx, code: K): Promise<RuleConfig<K>> {
  return (await loadRuleConfigs(db))[code];
}

export async function storeRuleConfig(
  db: DbOrTx,
  cfg: { code: RuleCode; enabled: boolean; severity: Severity; params: unknown },
  tokenId: string | null,
): Promise<void> {
  await db
    .insertInto('alert_rules')
    .values({ code: cfg.code, enabled: cfg.enabled, severity: cfg.severity, params: JSON.stringify(cfg.params), updated_by: tokenId })
    .onConflict((oc) =>
      oc.column('code').doUpdateSet((eb) => ({
        enabled: eb.ref('excluded.enabled'),
        severity: eb.ref('excluded.severity'),
        params: eb.ref('excluded.params'),
        updated_at: new Date(),
        updated_by: eb.ref('excluded.updated_by'),
      })),
    )
    .execute();
}

/**
 * The `reference` seed step: every rule with its defaults. A rule an admin already changed keeps
 * its row (ON CONFLICT DO NOTHING), so re-seeding never undoes configuration.
 */
export async function seedDefaultAlertRules(db: DbOrTx): Promise<{ rules: number; inserted: number }> {
  const rows = await db
    .insertInto('alert_rules')
    .values(
      RULE_CODES.map((code) => ({ code, enabled: true, severity: RULE_DEFINITIONS[code].severity, params: JSON.stringify(RULE_DEFINITIONS[code].params) })),
    )
    .onConflict((oc) => oc.column('code').doNothing())
    .returning('code')
    .execute();
  return { rules: RULE_CODES.length, inserted: rows.length };
}
