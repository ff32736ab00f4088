import type { DbOrTx } from '@biomon/db';
import { AppError, assertRange } from '@biomon/core';
import { fromPg, nominalSeconds } from './interval';
import { resolveBound } from './observation-query.service';
import { expectedIntervals, healthGaps, healthSummary } from './station-health.repository';
import { intervalOut } from './station.repository';
import { findReadableStation } from './station.service';
import type { Actor } from '@biomon/auth';

export const HEALTH_WINDOW_DAYS = 7;
/** Bound on expected slots per datastream in one health window (e.g. 10-minute data over ~3.8 years). */
export const MAX_HEALTH_SLOTS = 200_000;
/** Gaps listed per datastream; gapCount has them all. */
export const MAX_GAPS_LISTED = 500;

export interface Gap {
  /** the last observation before the gap (the window start when the gap opens the window) */
  from: string;
  /** the next observation (the window end when the gap is still open) */
  to: string;
  missingSlots: number;
  atWindowStart: boolean;
  ongoing: boolean;
}

export interface DatastreamHealth {
  datastreamId: string;
  observedProperty: string;
  expectedIntervalSeconds: number | null;
  expectedInterval: string | null;
  lastPhenomenonTime: string | null;
  lastReceivedAt: string | null;
  observations: number;
  expectedSlots: number | null;
  observedSlots: number | null;
  completenessPct: number | null;
  gapCount: number | null;
  gaps: Gap[] | null;
  /** ok; late (silent for more than 1.5 × the interval at the window end); no_data; no_schedule (no expected interval) */
  status: 'ok' | 'late' | 'no_data' | 'no_schedule';
}

const pct = (num: number, den: number): number | null => (den > 0 ? Math.round((num / den) * 10000) / 100 : null);
const maxIso = (xs: (Date | null)[]): string | null => {
  const t = xs.filter((x): x is Date => x !== null).map((x) => x.getTime());
  return t.length ? new Date(Math.max(...t)).toISOString() : null;
};

/**
 * GET /v1/stations/{id}/health: per datastream and for the station, over a window (default the
 * last 7 days; `from`/`to` to look elsewhere): last seen (latest phenomenonTime and last push
 * received), the expected interval, completeness = observed slots / expected slots × 100, and the
 * gaps (silences longer than 1.5 × the interval). Computed in SQL (generate_series, width_bucket,
 * window functions); see station-health.repository.ts for the exact rules.
 */
export async function stationHealth(db: DbOrTx, actor: Actor, stationId: string, q: { from?: string; to?: string; now?: Date }) {
  const ref = await findReadableStation(db, actor, stationId);
  const to = (await resolveBound(db, 'to', q.to, ref.timeZone)) ?? q.now ?? new Date();
  const from = (await resolveBound(db, 'from', q.from, ref.timeZone)) ?? new Date(to.getTime() - HEALTH_WINDOW_DAYS * 86400_000);
  assertRange(from, to);

  const intervals = await expectedIntervals(db, ref.pk);
  const windowS = (to.getTime() - from.getTime()) / 1000;
  for (const d of intervals) {
    if (d.expected_interval && windowS / nominalSeconds(fromPg(d.expected_interval)) > MAX_HEALTH_SLOTS) {
      throw new AppError('VALIDATION_FAILED', `The window holds more than ${MAX_HEALTH_SLOTS} expected slots of ${d.datastream_id}; narrow it`, {
        errors: [{ field: 'querystring.from', code: 'WINDOW_TOO_LARGE', message: `at most ${MAX_HEALTH_SLOTS} expected slots per datastream` }],
      });
    }
  }

  const [summary, gaps] = await Promise.all([
    healthSummary(db, ref.pk, from, to, ref.timeZone),
    healthGaps(db, ref.pk, from, to, ref.timeZone, MAX_GAPS_LISTED),
  ]);
  const gapsOf = new Map<number, typeof gaps>();
  for (const g of gaps) {
    if (!gapsOf.has(g.id)) gapsOf.set(g.id, []);
    gapsOf.get(g.id)!.push(g);
  }
  const datastreams: DatastreamHealth[] = summary.map((s) => {
    const scheduled = s.expected_interval !== null;
    const gs = gapsOf.get(s.id) ?? [];
    const ongoing = gs.some((g) => g.ongoing);
    return {
      datastreamId: s.datastream_id,
      observedProperty: s.observed_property,
      ...intervalOut(s.expected_interval),
      lastPhenomenonTime: s.last_time?.toISOString() ?? null,
      lastReceivedAt: s.last_received_at?.toISOString() ?? null,
      observations: s.n_obs,
      expectedSlots: scheduled ? (s.n_slots ?? 0) : null,
      observedSlots: scheduled ? s.observed_slots : null,
      completenessPct: scheduled ? pct(s.observed_slots, s.n_slots ?? 0) : null,
      gapCount: scheduled ? (gs[0]?.total ?? 0) : null,
      gaps: scheduled
        ? gs.map((g) => ({
            from: g.gap_from.toISOString(),
            to: g.gap_to.toISOString(),
            missingSlots: g.missing,
            atWindowStart: g.at_start,
            ongoing: g.ongoing,
          }))
        : null,
      status: !scheduled ? 'no_schedule' : s.last_time === null ? 'no_data' : ongoing ? 'late' : 'ok',
    };
  });
  const scheduled = datastreams.filter((d) => d.expectedSlots !== null);
  const expectedSlots = scheduled.reduce((a, d) => a + (d.expectedSlots ?? 0), 0);
  const observedSlots = scheduled.reduce((a, d) => a + (d.observedSlots ?? 0), 0);
  return {
    stationId: ref.stationId,
    window: { from: from.toISOString(), to: to.toISOString() },
    lastSeenAt: maxIso(summary.map((s) => s.last_received_at)),
    lastPhenomenonTime: maxIso(summary.map((s) => s.last_time)),
    expectedSlots,
    observedSlots,
    completenessPct: pct(observedSlots, expectedSlots),
    gapCount: scheduled.reduce((a, d) => a + (d.gapCount ?? 0), 0),
    datastreams,
  };
}
