import type { Db, DbOrTx } from '@biomon/db';
import { withTx } from '@biomon/db';
import { AppError, invalidField, pageLimit, parseDate, type CursorCodec } from '@biomon/core';
import { writeAudit, type Actor } from '@biomon/auth';
import { seesExact, type Viewer } from '@biomon/sensitive';
import type { AlertOut } from './alert-out';
import {
  appendEvent,
  countAlertsByRuleAndStatus,
  listAlertEvents,
  listAlertRows,
  lockAlertStatus,
  markAlertAcknowledged,
  markAlertResolved,
  selectAlert,
  type AlertEventOut,
} from './alert.repository';
import { RULE_CODES, SEVERITIES } from './rules';

export const ALERT_STATUSES = ['open', 'acknowledged', 'resolved'] as const;
export const MAX_ALERTS_PAGE = 500;

/*
 * Who sees privileged alerts is who sees exact positions (@biomon/sensitive, seesExact):
 * evaluators and admins see every alert exactly. Every other role sees only alerts that are not
 * privileged: sensitive-species detections are not listed to them at all, and no other alert
 * carries an exact point of a sensitive taxon (the evaluators only put cell ids and centres there).
 */

/** Who acts on an alert: authorised by its role, recorded by its token and label. */
type AlertActor = Pick<Actor, 'tokenId' | 'role' | 'label'>;

export interface AlertQuery {
  status?: string;
  rule?: string;
  region?: string;
  severity?: string;
  since?: string;
  limit?: number;
  cursor?: string;
}

function list(field: string, raw: string | undefined, allowed: readonly string[]): string[] | undefined {
  if (raw === undefined || raw === '') return undefined;
  const xs = [
    ...new Set(
      raw
        .split(',')
        .map((x) => x.trim())
        .filter(Boolean),
    ),
  ];
  const unknown = xs.filter((x) => !allowed.includes(x));
  if (unknown.length)
    throw invalidField(
      `querystring.${field}`,
      `${field.toUpperCase()}_UNKNOWN`,
      `${field} takes ${allowed.join(', ')} (comma-separated); unknown: ${unknown.join(', ')}`,
    );
  return xs;
}

/** The kind of the paging cursors of GET /v1/alerts (sealed: @biomon/core CursorCodec). */
const CURSOR_KIND = 'alerts';

/** GET /v1/alerts: newest first, filtered, paged by cursor. */
export async function listAlerts(db: DbOrTx, viewer: Viewer, q: AlertQuery, cursors: CursorCodec): Promise<{ alerts: AlertOut[]; nextCursor: string | null }> {
  const limit = pageLimit(q.limit, 100, MAX_ALERTS_PAGE);
  const since = parseDate('querystring.since', q.since);
  const alerts = await listAlertRows(db, {
    statuses: list('status', q.status, ALERT_STATUSES),
    rules: list('rule', q.rule, RULE_CODES),
    severities: list('severity', q.severity, SEVERITIES),
    region: q.region || undefined,
    since,
    includePrivileged: seesExact(viewer),
    beforeId: q.cursor ? cursors.decodeId(CURSOR_KIND, q.cursor) : undefined,
    limit,
  });
  return { alerts, nextCursor: alerts.length === limit ? cursors.encode(CURSOR_KIND, [alerts[alerts.length - 1].id]) : null };
}

/** GET /v1/alerts/{id}: the alert and its history; a privileged alert does not exist for other roles. */
export async function getAlert(db: DbOrTx, viewer: Viewer, id: number): Promise<AlertOut & { events: AlertEventOut[] }> {
  const a = await selectAlert(db, id);
  if (!a || (a.privileged && !seesExact(viewer))) throw new AppError('NOT_FOUND', `No alert ${id}`);
  return { ...a, events: await listAlertEvents(db, id) };
}

async function transition(
  db: Db,
  viewer: AlertActor,
  id: number,
  to: 'acknowledged' | 'resolved',
  note: string | null,
  route: string,
): Promise<AlertOut & { changed: boolean }> {
  return withTx(db, async (tx) => {
    const cur = await lockAlertStatus(tx, id);
    if (!cur || (cur.privileged && !seesExact(viewer))) throw new AppError('NOT_FOUND', `No alert ${id}`);
    // a retried request finds the alert already where it asked: 200, nothing written again
    if (cur.status === to) return { ...(await selectAlert(tx, id))!, changed: false };
    if (to === 'acknowledged' && cur.status === 'resolved') {
      throw new AppError('CONFLICT', `Alert ${id} is resolved; it cannot be acknowledged`, { reason: 'ALERT_RESOLVED', status: cur.status });
    }
    const now = new Date();
    const who = viewer.label || viewer.role;
    if (to === 'acknowledged') {
      await markAlertAcknowledged(tx, id, { tokenId: viewer.tokenId, label: who }, now);
    } else {
      await markAlertResolved(tx, id, { tokenId: viewer.tokenId, label: who }, now);
    }
    await appendEvent(tx, id, to, { tokenId: viewer.tokenId, role: viewer.role, label: who }, note);
    await writeAudit(tx, viewer, {
      action: `alerts.${to === 'acknowledged' ? 'ack' : 'resolve'}`,
      entity: 'alert',
      entityIds: [id],
      route,
      summary: { from: cur.status, to, note },
    });
    return { ...(await selectAlert(tx, id))!, changed: true };
  });
}

/** POST /v1/alerts/{id}/ack: open → acknowledged, with who and when. */
export function acknowledgeAlert(db: Db, viewer: AlertActor, id: number, note: string | null) {
  return transition(db, viewer, id, 'acknowledged', note, 'POST /v1/alerts/{id}/ack');
}

/** POST /v1/alerts/{id}/resolve: open or acknowledged → resolved, with who and when. */
export function resolveAlert(db: Db, viewer: AlertActor, id: number, note: string | null) {
  return transition(db, viewer, id, 'resolved', note, 'POST /v1/alerts/{id}/resolve');
}

/** Counts by status and rule (for dashboards and the test suite). */
export async function alertCounts(db: DbOrTx): Promise<{ rule: string; status: string; n: number }[]> {
  return countAlertsByRuleAndStatus(db);
}
