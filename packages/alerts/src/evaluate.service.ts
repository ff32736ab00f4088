import type { Db, Tx } from '@biomon/db';
import { withTx } from '@biomon/db';
import { chinaDate } from '@biomon/core';
import { loadRuleConfigs } from './alert-rule.repository';
import type { RaiseResult } from './alert.repository';
import { evaluateForestLoss } from './evaluate-forest-loss';
import { evaluateImports } from './evaluate-imports';
import { evaluateIndicatorDeadlines, evaluateIndicatorDrops } from './evaluate-indicators';
import { evaluateInvasiveNewCells } from './evaluate-invasive';
import { evaluateSensitiveDetections } from './evaluate-sensitive';
import { evaluateSpeciesDecline } from './evaluate-species-decline';
import { evaluateStationGaps, evaluateStationSilence } from './evaluate-stations';
import { RULE_CODES, RULE_DEFINITIONS, type RuleCode } from './rules';

/** Job name on the alerts queue (the occurrence ingest writes it to the outbox by this name). */
export const EVALUATE_JOB = 'evaluate';

/** The rule groups the worker's schedulers run. */
export const SCHEDULE_GROUPS = {
  stations: ['station_silent', 'station_data_gap'],
  indicators: ['indicator_deadline', 'indicator_drop', 'indicator_species_decline', 'forest_loss_in_protected_area'],
  imports: ['import_problem'],
} as const satisfies Record<string, readonly RuleCode[]>;
export type ScheduleGroup = keyof typeof SCHEDULE_GROUPS;

/**
 * What a job asks to evaluate: the occurrences an ingest stored (rules 1 and 2), a schedule group,
 * one finished import, or named rules. `now` (ISO) and `asOf` (YYYY-MM-DD, the ledger date) pin
 * the clock for reproducible runs; by default the wall clock and today in Asia/Shanghai.
 */
export type EvaluateRequest = (
  | { trigger: 'occurrences'; occurrenceIds: number[] }
  | { trigger: 'schedule'; group: ScheduleGroup }
  | { trigger: 'import'; importId: string }
  | { trigger: 'rules'; rules: RuleCode[] }
) & { now?: string; asOf?: string };

export type EvaluateSummary = Partial<Record<RuleCode, { opened: number; updated: number; unchanged: number }>>;

/** Parses a job payload into a request; throws on a malformed one (the job then fails visibly). */
export function parseEvaluateRequest(data: Record<string, unknown>): EvaluateRequest {
  const base = { ...(typeof data.now === 'string' ? { now: data.now } : {}), ...(typeof data.asOf === 'string' ? { asOf: data.asOf } : {}) };
  switch (data.trigger) {
    case 'occurrences':
      if (!Array.isArray(data.occurrenceIds) || !data.occurrenceIds.every((x) => Number.isSafeInteger(x))) break;
      return { trigger: 'occurrences', occurrenceIds: data.occurrenceIds as number[], ...base };
    case 'schedule':
      if (typeof data.group !== 'string' || !(data.group in SCHEDULE_GROUPS)) break;
      return { trigger: 'schedule', group: data.group as ScheduleGroup, ...base };
    case 'import':
      if (typeof data.importId !== 'string') break;
      return { trigger: 'import', importId: data.importId, ...base };
    case 'rules':
      if (!Array.isArray(data.rules) || !data.rules.every((r) => (RULE_CODES as readonly string[]).includes(String(r)))) break;
      return { trigger: 'rules', rules: data.rules as RuleCode[], ...base };
  }
  throw new Error(`alerts: malformed evaluate request ${JSON.stringify(data).slice(0, 300)}`);
}

const MAX_IDS_PER_TX = 2000;

/**
 * Evaluates the rules a request names, each rule in its own transaction (alerts, their triggers,
 * events and webhook deliveries commit together). Idempotent: the same request again changes
 * nothing (triggers count once; at most one open alert per rule and subject).
 */
export async function evaluateAlerts(db: Db | Tx, req: EvaluateRequest): Promise<EvaluateSummary> {
  const now = req.now ? new Date(req.now) : new Date();
  if (Number.isNaN(now.getTime())) throw new Error(`alerts: bad now ${req.now}`);
  const asOf = req.asOf ?? chinaDate(now);
  const rules = await loadRuleConfigs(db);
  const summary: EvaluateSummary = {};
  const run = async (code: RuleCode, f: (tx: Tx) => Promise<RaiseResult[]>) => {
    const results = await withTx(db, f);
    const s = summary[code] ?? { opened: 0, updated: 0, unchanged: 0 };
    for (const r of results) s[r.action]++;
    summary[code] = s;
  };
  const byRule: Record<RuleCode, (tx: Tx) => Promise<RaiseResult[]>> = {
    invasive_new_cell: async () => [],
    sensitive_detection: async () => [],
    station_silent: (tx) => evaluateStationSilence(tx, rules.station_silent, now),
    station_data_gap: (tx) => evaluateStationGaps(tx, rules.station_data_gap, now),
    indicator_deadline: (tx) => evaluateIndicatorDeadlines(tx, rules.indicator_deadline, now, asOf),
    indicator_drop: (tx) => evaluateIndicatorDrops(tx, rules.indicator_drop, now),
    indicator_species_decline: (tx) => evaluateSpeciesDecline(tx, rules.indicator_species_decline, now),
    import_problem: (tx) => evaluateImports(tx, rules.import_problem, now, { sweep: true }),
    forest_loss_in_protected_area: (tx) => evaluateForestLoss(tx, rules.forest_loss_in_protected_area, now),
  };
  switch (req.trigger) {
    case 'occurrences': {
      const ids = [...new Set(req.occurrenceIds)].sort((a, b) => a - b);
      for (let i = 0; i < ids.length; i += MAX_IDS_PER_TX) {
        const chunk = ids.slice(i, i + MAX_IDS_PER_TX);
        await run('invasive_new_cell', (tx) => evaluateInvasiveNewCells(tx, rules.invasive_new_cell, chunk, now));
        await run('sensitive_detection', (tx) => evaluateSensitiveDetections(tx, rules.sensitive_detection, chunk, now));
      }
      break;
    }
    case 'import':
      await run('import_problem', (tx) => evaluateImports(tx, rules.import_problem, now, { importId: req.importId }));
      break;
    case 'schedule':
      for (const code of SCHEDULE_GROUPS[req.group]) await run(code, byRule[code]);
      break;
    case 'rules':
      for (const code of req.rules) {
        if (RULE_DEFINITIONS[code].trigger === 'occurrences') continue;
        await run(code, byRule[code]);
      }
      break;
  }
  return summary;
}
