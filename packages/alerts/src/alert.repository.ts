import type { DbOrTx, Tx } from '@biomon/db';
import { sql, type RawBuilder } from '@biomon/db';
import { SYSTEM_ACTOR, type Actor } from '@biomon/auth';
import { toAlertOut, type AlertOut, type AlertRowWithTaxon } from './alert-out';
import type { RuleCode, Severity } from './rules';
import { createDeliveriesForEvent } from './webhook.repository';

/** One trigger of an alert: an occurrence (`occ:<id>`), a silence episode, an indicator run, an import. */
export interface AlertTrigger {
  key: string;
  occurrencePk?: number | null;
}

/** What an evaluator found; the repository decides whether it opens, updates or does nothing. */
export interface AlertDraft {
  rule: RuleCode;
  subjectKey: string;
  severity: Severity;
  privileged: boolean;
  titleZh: string;
  titleEn: string;
  details: Record<string, unknown>;
  /**
   * On an update of the open alert: keys merged into its stored details (jsonb ||) instead of
   * replacing them with `details` — e.g. a repeat record must not overwrite the first one.
   */
  updateDetails?: Record<string, unknown>;
  regionCode: string | null;
  regionName: string | null;
  regionCodes: string[];
  taxonId: number | null;
  cellId: string | null;
  /** when the evaluator observed it (last_seen) */
  seenAt: Date;
  triggers: AlertTrigger[];
}

/**
 * When a new alert may be opened for a subject with no open alert:
 * - `always`: a new trigger opens a new alert (a detection after the previous one was resolved);
 * - `once-per-subject`: never again once the subject had an alert (an invasive species' new cell
 *   stays known; an import fails once);
 * - `condition`: not while a resolved alert's condition has not cleared since (a silent station
 *   an evaluator resolved stays resolved until the station has spoken again);
 * - `update-only`: never; only an open alert is updated (a repeat in a known cell).
 * An open alert is always updated.
 */
export type RaisePolicy = 'always' | 'once-per-subject' | 'condition' | 'update-only';

export interface RaiseResult {
  alertId: number;
  action: 'opened' | 'updated' | 'unchanged';
}

const ALERT_COLUMNS = sql`a.id, a.rule_code, a.subject_key, a.severity, a.status, a.privileged, a.title_zh, a.title_en, a.details,
  a.region_code, a.region_name, a.region_codes, a.taxon_id, a.cell_id, a.first_seen, a.last_seen, a.occurrences,
  a.acknowledged_by_label, a.acknowledged_at, a.resolved_by, a.resolved_by_label, a.resolved_at,
  t.scientific_name AS taxon_scientific_name, t.chinese_name AS taxon_chinese_name`;

export async function selectAlerts(db: DbOrTx, where: RawBuilder<unknown>, orderLimit: RawBuilder<unknown> = sql``): Promise<AlertOut[]> {
  const r = await sql<AlertRowWithTaxon>`
    SELECT ${ALERT_COLUMNS} FROM alerts a LEFT JOIN taxa t ON t.id = a.taxon_id
    WHERE ${where} ${orderLimit}`.execute(db);
  return r.rows.map(toAlertOut);
}

export async function selectAlert(db: DbOrTx, id: number): Promise<AlertOut | null> {
  return (await selectAlerts(db, sql`a.id = ${id}`))[0] ?? null;
}

/** Serialises writers of one (rule, subject): concurrent evaluators (at-least-once jobs) queue here. */
async function lockSubject(tx: Tx, rule: string, subjectKey: string): Promise<void> {
  await sql`SELECT pg_advisory_xact_lock(hashtextextended(${`alert|${rule}|${subjectKey}`}, 9))`.execute(tx);
}

/**
 * Appends a lifecycle event with the alert as it now is, and the webhook deliveries it calls for
 * (same transaction: an event exists if and only if its deliveries do).
 */
export async function appendEvent(
  tx: Tx,
  alertId: number,
  kind: 'opened' | 'updated' | 'acknowledged' | 'resolved',
  actor: Pick<Actor, 'tokenId' | 'role' | 'label'>,
  note: string | null,
): Promise<number> {
  const alert = await selectAlert(tx, alertId);
  if (!alert) throw new Error(`alert ${alertId} vanished`);
  const ev = await tx
    .insertInto('alert_events')
    .values({
      alert_id: alertId,
      kind,
      token_id: actor.tokenId,
      role: actor.role,
      actor: actor.label,
      note,
      snapshot: JSON.stringify(alert),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await createDeliveriesForEvent(tx, ev.id, kind, alert);
  return ev.id;
}

async function insertTriggers(tx: Tx, alertId: number, triggers: AlertTrigger[]): Promise<number> {
  if (!triggers.length) return 0;
  const rows = await tx
    .insertInto('alert_triggers')
    .values(triggers.map((t) => ({ alert_id: alertId, trigger_key: t.key, occurrence_pk: t.occurrencePk ?? null })))
    .onConflict((oc) => oc.columns(['alert_id', 'trigger_key']).doNothing())
    .returning('trigger_key')
    .execute();
  return rows.length;
}

/**
 * Opens an alert or updates the open one of the same (rule, subject) — at most one is ever open
 * (partial unique index alerts_one_open_per_subject; this function takes an advisory lock first,
 * so concurrent evaluators never race for it). Idempotent: a trigger already recorded counts once,
 * so a job that runs twice changes nothing the second time. An update that adds triggers or raises
 * the severity appends an `updated` event; other updates (last_seen, details) do not, so repeats
 * never become noise.
 */
export async function raiseAlert(tx: Tx, d: AlertDraft, policy: RaisePolicy): Promise<RaiseResult | null> {
  await lockSubject(tx, d.rule, d.subjectKey);
  // FOR UPDATE: an evaluator resolving it concurrently either goes first (then it is not open here) or waits
  const open = await tx
    .selectFrom('alerts')
    .select(['id', 'severity', 'status'])
    .where('rule_code', '=', d.rule)
    .where('subject_key', '=', d.subjectKey)
    .where('status', '<>', 'resolved')
    .forUpdate()
    .executeTakeFirst();
  if (open) {
    const added = await insertTriggers(tx, open.id, d.triggers);
    const escalated = severityOrder(d.severity) > severityOrder(open.severity);
    await tx
      .updateTable('alerts')
      .set({
        last_seen: sql`greatest(last_seen, ${d.seenAt}::timestamptz)`,
        occurrences: sql`occurrences + ${added}::int`,
        details: d.updateDetails ? sql`details || ${JSON.stringify(d.updateDetails)}::jsonb` : JSON.stringify(d.details),
        ...(d.updateDetails ? {} : { title_zh: d.titleZh, title_en: d.titleEn }),
        // severity follows the condition (an overdue deadline is critical), but an update never lowers it
        severity: escalated ? d.severity : open.severity,
        cleared_at: null,
        updated_at: new Date(),
      })
      .where('id', '=', open.id)
      .execute();
    if (added > 0 || escalated) {
      await appendEvent(tx, open.id, 'updated', SYSTEM_ACTOR, escalated ? `severity ${open.severity} → ${d.severity}` : `${added} new trigger(s)`);
      return { alertId: open.id, action: 'updated' };
    }
    return { alertId: open.id, action: 'unchanged' };
  }
  if (policy === 'update-only') return null;
  if (policy === 'once-per-subject' || policy === 'condition') {
    let q = tx.selectFrom('alerts').select('id').where('rule_code', '=', d.rule).where('subject_key', '=', d.subjectKey);
    if (policy === 'condition') q = q.where('cleared_at', 'is', null);
    if (await q.executeTakeFirst()) return null;
  }
  if (policy === 'always') {
    // a trigger already recorded on an earlier (resolved) alert of the rule does not open a new one
    const keys = d.triggers.map((t) => t.key);
    if (keys.length) {
      const seen = await tx
        .selectFrom('alert_triggers as g')
        .innerJoin('alerts as a', 'a.id', 'g.alert_id')
        .select('g.trigger_key')
        .where('a.rule_code', '=', d.rule)
        .where('a.subject_key', '=', d.subjectKey)
        .where('g.trigger_key', 'in', keys)
        .execute();
      const known = new Set(seen.map((s) => s.trigger_key));
      d = { ...d, triggers: d.triggers.filter((t) => !known.has(t.key)) };
      if (!d.triggers.length) return null;
    }
  }
  const row = await tx
    .insertInto('alerts')
    .values({
      rule_code: d.rule,
      subject_key: d.subjectKey,
      severity: d.severity,
      privileged: d.privileged,
      title_zh: d.titleZh,
      title_en: d.titleEn,
      details: JSON.stringify(d.details),
      region_code: d.regionCode,
      region_name: d.regionName,
      region_codes: d.regionCodes,
      taxon_id: d.taxonId,
      cell_id: d.cellId,
      first_seen: d.seenAt,
      last_seen: d.seenAt,
      occurrences: Math.max(1, d.triggers.length),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await insertTriggers(tx, row.id, d.triggers);
  await appendEvent(tx, row.id, 'opened', SYSTEM_ACTOR, null);
  return { alertId: row.id, action: 'opened' };
}

function severityOrder(s: string): number {
  return s === 'critical' ? 2 : s === 'warning' ? 1 : 0;
}

/**
 * Condition rules: the subjects whose condition no longer holds. Their alerts are marked cleared
 * (so the next occurrence of the condition may open a new alert), and an alert still open or
 * acknowledged is resolved automatically, by the system, with an event.
 */
export async function clearConditions(tx: Tx, rule: RuleCode, activeSubjects: Set<string>, now: Date): Promise<number[]> {
  const uncleared = await tx
    .selectFrom('alerts')
    .select(['id', 'subject_key', 'status'])
    .where('rule_code', '=', rule)
    .where('cleared_at', 'is', null)
    .orderBy('subject_key')
    .execute();
  const resolved: number[] = [];
  for (const a of uncleared) {
    if (activeSubjects.has(a.subject_key)) continue;
    await lockSubject(tx, rule, a.subject_key);
    const cur = await tx.selectFrom('alerts').select(['status', 'cleared_at']).where('id', '=', a.id).forUpdate().executeTakeFirstOrThrow();
    if (cur.cleared_at !== null) continue;
    if (cur.status !== 'resolved') {
      await tx
        .updateTable('alerts')
        .set({
          status: 'resolved',
          resolved_at: now,
          resolved_by: null,
          resolved_by_label: 'system: condition cleared (条件已解除)',
          cleared_at: now,
          updated_at: now,
        })
        .where('id', '=', a.id)
        .execute();
      await appendEvent(tx, a.id, 'resolved', SYSTEM_ACTOR, 'condition cleared');
      resolved.push(a.id);
    } else {
      await tx.updateTable('alerts').set({ cleared_at: now, updated_at: now }).where('id', '=', a.id).execute();
    }
  }
  return resolved;
}

/** Occurrences (of the given ones) already recorded as a trigger of an alert of the rule. */
export async function occurrencesAlreadyTriggered(db: DbOrTx, rule: RuleCode, occurrencePks: number[]): Promise<Set<number>> {
  if (!occurrencePks.length) return new Set();
  const rows = await db
    .selectFrom('alert_triggers as g')
    .innerJoin('alerts as a', 'a.id', 'g.alert_id')
    .select('g.occurrence_pk')
    .where('a.rule_code', '=', rule)
    .where('g.occurrence_pk', 'in', occurrencePks)
    .execute();
  return new Set(rows.map((r) => r.occurrence_pk!).filter((x) => x !== null));
}

export interface AlertFilter {
  statuses?: string[];
  rules?: string[];
  severities?: string[];
  region?: string;
  since?: Date;
  includePrivileged: boolean;
  beforeId?: number;
  limit: number;
}

/** Alerts, newest first, paged by id. Privileged alerts only when the caller may see them. */
export async function listAlertRows(db: DbOrTx, f: AlertFilter): Promise<AlertOut[]> {
  const conds: RawBuilder<unknown>[] = [];
  if (!f.includePrivileged) conds.push(sql`NOT a.privileged`);
  if (f.statuses?.length) conds.push(sql`a.status = ANY(${f.statuses}::text[])`);
  if (f.rules?.length) conds.push(sql`a.rule_code = ANY(${f.rules}::text[])`);
  if (f.severities?.length) conds.push(sql`a.severity = ANY(${f.severities}::text[])`);
  if (f.region) conds.push(sql`(a.region_code = ${f.region} OR a.region_codes @> ARRAY[${f.region}]::text[])`);
  if (f.since) conds.push(sql`a.last_seen >= ${f.since}::timestamptz`);
  if (f.beforeId) conds.push(sql`a.id < ${f.beforeId}`);
  const where = conds.length ? sql.join(conds, sql` AND `) : sql`true`;
  return selectAlerts(db, where, sql`ORDER BY a.id DESC LIMIT ${f.limit}`);
}

/** The status of one alert, locked for a transition (FOR UPDATE). */
export async function lockAlertStatus(tx: Tx, id: number) {
  return tx.selectFrom('alerts').select(['id', 'status', 'privileged']).where('id', '=', id).forUpdate().executeTakeFirst();
}

/** open → acknowledged: who (token and label) and when. */
export async function markAlertAcknowledged(tx: Tx, id: number, by: { tokenId: string | null; label: string }, now: Date): Promise<void> {
  await tx
    .updateTable('alerts')
    .set({ status: 'acknowledged', acknowledged_by: by.tokenId, acknowledged_by_label: by.label, acknowledged_at: now, updated_at: now })
    .where('id', '=', id)
    .execute();
}

/** → resolved: who (token and label) and when. */
export async function markAlertResolved(tx: Tx, id: number, by: { tokenId: string | null; label: string }, now: Date): Promise<void> {
  await tx
    .updateTable('alerts')
    .set({ status: 'resolved', resolved_by: by.tokenId, resolved_by_label: by.label, resolved_at: now, updated_at: now })
    .where('id', '=', id)
    .execute();
}

/** Counts by status and rule. */
export async function countAlertsByRuleAndStatus(db: DbOrTx): Promise<{ rule: string; status: string; n: number }[]> {
  const r = await sql<{
    rule: string;
    status: string;
    n: number;
  }>`SELECT rule_code AS rule, status, count(*)::int AS n FROM alerts GROUP BY 1, 2 ORDER BY 1, 2`.execute(db);
  return r.rows;
}

export interface AlertEventOut {
  id: number;
  kind: string;
  at: string;
  role: string;
  actor: string;
  note: string | null;
}

export async function listAlertEvents(db: DbOrTx, alertId: number): Promise<AlertEventOut[]> {
  const rows = await db
    .selectFrom('alert_events')
    .select(['id', 'kind', 'at', 'role', 'actor', 'note'])
    .where('alert_id', '=', alertId)
    .orderBy('id')
    .execute();
  return rows.map((r) => ({ id: r.id, kind: r.kind, at: r.at.toISOString(), role: r.role, actor: r.actor, note: r.note }));
}
