import type { Tx } from '@biomon/db';
import { CHINA_OFFSET_MS, mulberry32 } from '@biomon/core';
import { ingestObservations, type RawObservation } from './observation-ingest.service';
import { registerStation } from './station.service';
import { SYSTEM_ACTOR } from '@biomon/auth';

/** Days of generated observations per numeric datastream. */
export const DEMO_DAYS = 14;

interface DemoDatastream {
  datastreamId: string;
  observedProperty: string;
  resultType: string;
  validRange?: [number | null, number | null];
  expectedIntervalSeconds?: number;
}
interface DemoStation {
  stationId: string;
  datastreams: DemoDatastream[];
}

function hash(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h >>> 0;
}

/**
 * A plausible value of the property at slot k (local hour `h`, Asia/Shanghai), from the PRNG.
 * Demo values only: shapes (daily cycles, rain showers, a dawn chorus) not measurements.
 */
function demoValue(prop: string, slot: number, h: number, rnd: () => number, perDay: number): number {
  const k = slot;
  const day = Math.sin((2 * Math.PI * (h - 9)) / 24); // warmest mid-afternoon
  const noise = () => rnd() * 2 - 1;
  switch (prop) {
    case 'air_temperature':
      return 6 + 7 * day + 1.5 * noise();
    case 'relative_humidity':
      return 68 - 18 * day + 6 * noise();
    case 'soil_moisture':
      return 0.32 + 0.03 * Math.sin(k / (perDay * 3)) + 0.005 * noise();
    case 'precipitation':
      return rnd() < 0.08 ? 0.2 + 6 * rnd() * rnd() : 0;
    case 'water_level':
      return 1.8 + 0.15 * Math.sin(k / (perDay * 2)) + 0.02 * noise();
    case 'water_temperature':
      return 7 + 2 * day + 0.3 * noise();
    case 'wind_speed':
      return Math.abs(3.5 + 1.5 * day + 2 * noise());
    case 'discharge':
      return 45 + 12 * Math.sin(k / (perDay * 4)) + 3 * noise();
    case 'detections':
      return Math.floor(rnd() * 7);
    // drains over two weeks, then the battery is swapped
    case 'battery_level':
      return 100 - (60 * (k % (DEMO_DAYS * perDay))) / (DEMO_DAYS * perDay) + 0.5 * noise();
    case 'sound_pressure_level':
      return 42 + 9 * Math.exp(-((h - 5) ** 2) / 6) + 3 * noise();
    case 'bird_call_detections':
      return Math.floor(80 * Math.exp(-((h - 5) ** 2) / 4) + 6 * rnd());
    case 'crane_call_detections':
      return Math.floor((h >= 4 && h <= 8 ? 25 : 4) * rnd());
    case 'dead_wild_birds_found':
      return rnd() < 0.1 ? 1 : 0;
    default:
      return rnd();
  }
}

/**
 * The demo stations (seeds/demo/stations.json), without tokens (an admin rotates one to push),
 * and ~14 days of observations for every numeric datastream at its expected interval, up to the
 * latest slot before the seed runs, so that the health view shows a recent week. Slots are
 * multiples of the interval since 1970 and each value depends only on the datastream and its slot
 * (a PRNG seeded with both), so the same slot always gets the same value whenever the seed runs.
 * Gaps: each station is offline once for 3–12 hours; 莫莫格湿地水文站 has been silent for the last
 * 5 hours (an ongoing gap).
 */
export async function seedDemoStations(
  tx: Tx,
  stations: unknown[],
  opts: { now?: Date } = {},
): Promise<{ stations: number; datastreams: number; observations: number }> {
  const now = (opts.now ?? new Date()).getTime();
  const hour = Math.floor(now / 3600_000) * 3600_000;
  let datastreams = 0;
  let observations = 0;
  for (const [i, raw] of (stations as DemoStation[]).entries()) {
    await registerStation(tx, raw, { actor: SYSTEM_ACTOR, route: 'seed demo:stations', issueToken: false });
    datastreams += raw.datastreams.length;
    const start = hour - DEMO_DAYS * 86400_000;
    const outageFrom = start + (2 + ((i * 5) % 9)) * 86400_000 + ((i * 7) % 24) * 3600_000;
    const outageTo = outageFrom + (3 + ((i * 4) % 10)) * 3600_000;
    const silentFrom = raw.stationId === 'demo-st-mmg-hyd' ? hour - 5 * 3600_000 : Infinity;
    const rows: RawObservation[] = [];
    for (const ds of raw.datastreams) {
      if (ds.resultType !== 'number' && ds.resultType !== 'integer') continue;
      const step = (ds.expectedIntervalSeconds ?? 3600) * 1000;
      const perDay = 86400_000 / step;
      const seed = hash(ds.datastreamId);
      const [lo, hi] = ds.validRange ?? [null, null];
      const scale = ds.observedProperty === 'soil_moisture' ? 1000 : 10;
      for (let slot = Math.floor((now - DEMO_DAYS * 86400_000) / step) + 1; slot * step <= now; slot++) {
        const t = slot * step;
        if ((t >= outageFrom && t < outageTo) || t > silentFrom) continue;
        // a seeded PRNG: the same datastream always gets the same values
        const v0 = demoValue(ds.observedProperty, slot, new Date(t + CHINA_OFFSET_MS).getUTCHours(), mulberry32(seed ^ slot), perDay);
        let v = ds.resultType === 'integer' ? Math.round(v0) : Math.round(v0 * scale) / scale;
        if (lo !== null && v < lo) v = lo;
        if (hi !== null && v > hi) v = hi;
        rows.push({ datastreamId: ds.datastreamId, index: rows.length, time: new Date(t).toISOString(), result: v });
      }
    }
    if (rows.length) {
      const r = await ingestObservations(tx, raw.stationId, rows, { actor: SYSTEM_ACTOR, route: 'seed demo:stations', now: new Date(now) });
      observations += r.inserted;
    }
  }
  return { stations: stations.length, datastreams, observations };
}
