import { getAll, get } from './api';
import type { Station, StationHealth } from './types';

export type HealthLevel = 'ok' | 'warn' | 'bad' | 'unknown';
export const HEALTH_COLOURS: Record<HealthLevel, string> = { ok: '#2e8540', warn: '#d98e04', bad: '#c8362c', unknown: '#7c8a96' };

const DAY_MS = 86_400_000;

/**
 * One level per station, from GET /v1/stations/{id}/health (last 7 days):
 * bad = completeness < 60 % or nothing for 24 h; warn = completeness < 95 % or a datastream late
 * or without data; ok otherwise.
 */
export function healthLevel(hl: StationHealth | null | undefined, now = Date.now()): HealthLevel {
  if (!hl || hl.completenessPct === null) return 'unknown';
  const silent = !hl.lastSeenAt || now - new Date(hl.lastSeenAt).getTime() > DAY_MS;
  if (hl.completenessPct < 60 || silent) return 'bad';
  if (hl.completenessPct < 95 || hl.datastreams.some((d) => d.status === 'late' || d.status === 'no_data')) return 'warn';
  return 'ok';
}

/** Every station with its health (one health call per station, in parallel). */
export async function stationsWithHealth(): Promise<{ station: Station; health: StationHealth | null }[]> {
  const { items } = await getAll<Station, 'stations'>('/v1/stations', 'stations', { limit: 1000 }, 5000);
  const health = await Promise.all(items.map((s) => get<StationHealth>(`/v1/stations/${encodeURIComponent(s.stationId)}/health`).catch(() => null)));
  return items.map((station, i) => ({ station, health: health[i] }));
}
