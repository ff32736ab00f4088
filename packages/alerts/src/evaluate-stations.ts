import type { Tx } from '@biomon/db';
import { AppError, chinaDate } from '@biomon/core';
import { SYSTEM_ACTOR } from '@biomon/auth';
import { stationHealth } from '@biomon/stations';
import { clearConditions, raiseAlert, type RaiseResult } from './alert.repository';
import { scheduledStreams, type StreamRow } from './evaluation.repository';
import { ledgerTasksFor } from './ledger-task.repository';
import { RULE_DEFINITIONS, type RuleConfig } from './rules';

const regionCodesOf = (r: StreamRow): string[] => [...new Set([...(r.region_codes ?? []), ...(r.priority_area ? [r.priority_area] : [])])];

/**
 * Rule 3a, station silent: a scheduled datastream with no observation (by phenomenonTime) for N
 * times its expected interval — counted from its registration when it never had one. One alert
 * per station, naming its silent datastreams; it resolves itself when they report again, and a
 * silence an evaluator resolved is not raised again until the station has spoken in between.
 * A station late by less than N intervals is not silent.
 */
export async function evaluateStationSilence(tx: Tx, rule: RuleConfig<'station_silent'>, now: Date): Promise<RaiseResult[]> {
  if (!rule.enabled) return [];
  const streams = await scheduledStreams(tx, rule.params.intervalsMissed, rule.params.stationTypes, now);
  const byStation = new Map<string, StreamRow[]>();
  for (const s of streams) {
    if (!byStation.has(s.station_id)) byStation.set(s.station_id, []);
    byStation.get(s.station_id)!.push(s);
  }
  const tasks = await ledgerTasksFor(tx, RULE_DEFINITIONS.station_silent.ledgerRefs);
  const active = new Set<string>();
  const out: RaiseResult[] = [];
  for (const [stationId, rows] of byStation) {
    const silent = rows.filter((r) => r.silent);
    if (!silent.length) continue;
    const subjectKey = `station=${stationId}`;
    active.add(subjectKey);
    const st = rows[0];
    const all = silent.length === rows.length;
    const r = await raiseAlert(
      tx,
      {
        rule: 'station_silent',
        subjectKey,
        severity: rule.severity,
        privileged: false,
        titleZh: `监测站点静默：${st.station_name}（${stationId}）${all ? '全部' : ` ${silent.length}/${rows.length} 个`}数据流超过 ${rule.params.intervalsMissed} 个预期间隔无观测`,
        titleEn: `Station silent: ${st.station_name} (${stationId}), ${all ? 'all' : `${silent.length} of ${rows.length}`} datastreams without observations for ${rule.params.intervalsMissed} expected intervals`,
        details: {
          station: { stationId, name: st.station_name, type: st.station_type, department: st.department, priorityArea: st.priority_area },
          threshold: { intervalsMissed: rule.params.intervalsMissed },
          scheduledDatastreams: rows.length,
          silentDatastreams: silent.map((s) => ({
            datastreamId: s.datastream_id,
            observedProperty: s.observed_property,
            expectedInterval: s.interval_text,
            lastPhenomenonTime: s.last_time?.toISOString() ?? null,
            silentForSeconds: Math.round((now.getTime() - (s.last_time ?? s.created_at).getTime()) / 1000),
            intervalsMissed: Math.floor((now.getTime() - (s.last_time ?? s.created_at).getTime()) / 1000 / s.interval_s),
          })),
          ledgerTasks: tasks,
        },
        regionCode: st.region_code,
        regionName: st.region_name,
        regionCodes: regionCodesOf(st),
        taxonId: null,
        cellId: null,
        seenAt: now,
        // a silence episode of a datastream is named by its last observation
        triggers: silent.map((s) => ({ key: `silent:${s.datastream_id}:${s.last_time?.toISOString() ?? 'never'}` })),
      },
      'condition',
    );
    if (r) out.push(r);
  }
  await clearConditions(tx, 'station_silent', active, now);
  return out;
}

/**
 * Rule 3b, data gap: the station's completeness — observed slots / expected slots, the station
 * health computation of @biomon/stations — over the window ending now, below the threshold. The
 * window starts no earlier than the station's first scheduled datastream was registered, so a
 * new station is not judged on days before it existed.
 */
export async function evaluateStationGaps(tx: Tx, rule: RuleConfig<'station_data_gap'>, now: Date): Promise<RaiseResult[]> {
  if (!rule.enabled) return [];
  const streams = await scheduledStreams(tx, 1, null, now);
  const stations = new Map<string, StreamRow>();
  const firstCreated = new Map<string, Date>();
  for (const s of streams) {
    if (!stations.has(s.station_id)) stations.set(s.station_id, s);
    const f = firstCreated.get(s.station_id);
    if (!f || s.created_at < f) firstCreated.set(s.station_id, s.created_at);
  }
  const tasks = await ledgerTasksFor(tx, RULE_DEFINITIONS.station_data_gap.ledgerRefs);
  const windowStart = new Date(now.getTime() - rule.params.windowDays * 86_400_000);
  const active = new Set<string>();
  const out: RaiseResult[] = [];
  for (const [stationId, st] of stations) {
    const from = new Date(Math.max(windowStart.getTime(), firstCreated.get(stationId)!.getTime()));
    if (now.getTime() - from.getTime() < 60_000) continue;
    let h: Awaited<ReturnType<typeof stationHealth>>;
    try {
      h = await stationHealth(tx, SYSTEM_ACTOR, stationId, { from: from.toISOString(), to: now.toISOString() });
    } catch (err) {
      // a window too large for the station's interval (MAX_HEALTH_SLOTS): not judged, rather than failing every station
      if (err instanceof AppError && err.code === 'VALIDATION_FAILED') continue;
      throw err;
    }
    if (h.completenessPct === null || h.expectedSlots === 0 || h.completenessPct >= rule.params.minCompletenessPct) continue;
    const subjectKey = `station=${stationId}`;
    active.add(subjectKey);
    const r = await raiseAlert(
      tx,
      {
        rule: 'station_data_gap',
        subjectKey,
        severity: rule.severity,
        privileged: false,
        titleZh: `监测站点数据缺失：${st.station_name}（${stationId}）近 ${rule.params.windowDays} 天完整率 ${h.completenessPct}%，低于 ${rule.params.minCompletenessPct}%`,
        titleEn: `Station data gap: ${st.station_name} (${stationId}) completeness ${h.completenessPct} % over ${rule.params.windowDays} days, below ${rule.params.minCompletenessPct} %`,
        details: {
          station: { stationId, name: st.station_name, type: st.station_type, department: st.department, priorityArea: st.priority_area },
          window: h.window,
          threshold: { minCompletenessPct: rule.params.minCompletenessPct, windowDays: rule.params.windowDays },
          completenessPct: h.completenessPct,
          expectedSlots: h.expectedSlots,
          observedSlots: h.observedSlots,
          gapCount: h.gapCount,
          datastreams: h.datastreams
            .filter((d) => d.completenessPct !== null)
            .map((d) => ({ datastreamId: d.datastreamId, completenessPct: d.completenessPct, gapCount: d.gapCount, status: d.status })),
          ledgerTasks: tasks,
        },
        regionCode: st.region_code,
        regionName: st.region_name,
        regionCodes: regionCodesOf(st),
        taxonId: null,
        cellId: null,
        seenAt: now,
        // one trigger per day the gap was observed (China's date)
        triggers: [{ key: `gap:${chinaDate(now)}` }],
      },
      'condition',
    );
    if (r) out.push(r);
  }
  await clearConditions(tx, 'station_data_gap', active, now);
  return out;
}
