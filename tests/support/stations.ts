import type { Db } from '@biomon/db';
import { SYSTEM_ACTOR } from '@biomon/auth';
import { registerStation } from '@biomon/stations';

export type ResultKind = 'number' | 'integer' | 'boolean' | 'string' | 'json';

/**
 * Registers a weather station with one datastream per kind, `<stationId>-<i>`, number datastreams
 * within `validRange`. Returns the station's token.
 */
export async function registerKindsStation(
  db: Db,
  stationId: string,
  kinds: readonly ResultKind[],
  validRange: [number, number],
  name = stationId,
): Promise<string> {
  const r = await registerStation(
    db,
    {
      stationId,
      name,
      type: 'weather',
      location: { type: 'Point', coordinates: [126.5, 43.8] },
      datastreams: kinds.map((k, i) => ({
        datastreamId: `${stationId}-${i}`,
        observedProperty: `p${i}`,
        unitOfMeasurement: { symbol: 'u' },
        resultType: k,
        ...(k === 'number' ? { validRange } : {}),
      })),
    },
    { actor: SYSTEM_ACTOR },
  );
  return r.token!;
}

/** jsonb's equality as text: objects compare without key order (and JSON writes -0 as 0, as float8 keeps it). */
export const jsonbCanon = (v: unknown): string =>
  Array.isArray(v)
    ? `[${v.map(jsonbCanon).join(',')}]`
    : v && typeof v === 'object'
      ? `{${Object.keys(v)
          .sort()
          .map((k) => `${JSON.stringify(k)}:${jsonbCanon((v as Record<string, unknown>)[k])}`)
          .join(',')}}`
      : JSON.stringify(v);
