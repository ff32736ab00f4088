/**
 * Sampling effort measured from an event's own footprint: the geodesic length of a transect line
 * on the WGS84 ellipsoid, computed by PostGIS (`ST_Length(geography)`, GeographicLib's geodesics)
 * when the event is stored — not by the client and not on a sphere (at Jilin's latitudes a
 * haversine length is about 0.1 % short north–south and 0.3 % long east–west).
 *
 * An event asks for it with Humboldt's `eco:samplingEffortProtocol` (the term that says how the
 * effort was determined) set to {@link FOOTPRINT_LENGTH_PROTOCOL}, `eco:samplingEffortUnit` `km` or
 * `m`, no `eco:samplingEffortValue`, and a LineString or MultiLineString footprint. The stored event
 * then carries the length in `eco:samplingEffortValue` (rounded to the millimetre) like any given
 * value; the protocol term stays with it, saying where the number came from. GPS tracks
 * (track.reader.ts) are stored this way; API clients may do the same.
 */
export const FOOTPRINT_LENGTH_PROTOCOL = 'geodesic length of the footprint on the WGS84 ellipsoid';

/** Units a footprint length may be asked in, and metres per unit. */
export const FOOTPRINT_LENGTH_UNITS: Readonly<Record<string, number>> = { km: 1000, m: 1 };

/** Decimal places of a computed length: 6 in km (a millimetre), 3 in m. */
export const FOOTPRINT_LENGTH_DECIMALS: Readonly<Record<string, number>> = { km: 6, m: 3 };

export function asksFootprintLength(protocol: string | null): boolean {
  return protocol !== null && protocol.trim().toLowerCase() === FOOTPRINT_LENGTH_PROTOCOL.toLowerCase();
}
