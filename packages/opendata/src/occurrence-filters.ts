import { AppError } from '@biomon/core';
import type { OccurrenceFilter as ProjectionFilter } from '@biomon/sensitive';

/** The filters of GET /v1/occurrences (BRIEF §4), as strings from a query or a JSON body. */
export interface OccurrenceFilterInput {
  bbox?: string;
  region?: string;
  priorityArea?: string;
  taxon?: string;
  protectionClass?: 'I' | 'II';
  from?: string;
  to?: string;
  eventID?: string;
  basisOfRecord?: string;
  reviewState?: string;
}

export type OccurrenceFilter = Omit<ProjectionFilter, 'occurrenceID'>;

const invalid = (field: string, code: string, message: string): AppError =>
  new AppError('VALIDATION_FAILED', message, { errors: [{ field, code, message }] });

/** `minLon,minLat,maxLon,maxLat` in WGS84 (CRS84); min < max. */
export function parseBbox(s: string, field = 'querystring.bbox'): [number, number, number, number] {
  const parts = s.split(',').map((x) => Number(x));
  const bad = () => invalid(field, 'BBOX_INVALID', 'bbox must be four finite numbers minLon,minLat,maxLon,maxLat with min < max, lon in -180..180, lat in -90..90');
  if (parts.length !== 4 || parts.some((x) => !Number.isFinite(x))) throw bad();
  const [a, b, c, d] = parts;
  if (a >= c || b >= d || a < -180 || c > 180 || b < -90 || d > 90) throw bad();
  return [a, b, c, d];
}

/** An ISO 8601 date (read as midnight in China, UTC+8) or date-time with offset. */
export function parseDate(field: string, s: string | undefined): Date | undefined {
  if (!s) return undefined;
  const iso = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2}))?$/.test(s);
  const d = new Date(/^\d{4}-\d{2}-\d{2}$/.test(s) ? `${s}T00:00:00+08:00` : s);
  if (!iso || Number.isNaN(d.getTime())) throw invalid(field, 'DATE_INVALID', `${field.split('.').pop()} must be an ISO 8601 date or date-time`);
  return d;
}

export function parseOccurrenceFilter(input: OccurrenceFilterInput, where = 'querystring'): OccurrenceFilter {
  return {
    bbox: input.bbox ? parseBbox(input.bbox, `${where}.bbox`) : undefined,
    region: input.region, priorityArea: input.priorityArea, taxon: input.taxon, protectionClass: input.protectionClass,
    from: parseDate(`${where}.from`, input.from), to: parseDate(`${where}.to`, input.to),
    eventID: input.eventID, basisOfRecord: input.basisOfRecord, reviewState: input.reviewState,
  };
}

/** A stored filter (the export row's jsonb) back to a query: dates were stored as ISO strings. */
export function filterFromJson(j: Record<string, unknown>): OccurrenceFilter {
  const s = (k: string) => (typeof j[k] === 'string' ? (j[k] as string) : undefined);
  return {
    bbox: Array.isArray(j.bbox) ? (j.bbox as [number, number, number, number]) : undefined,
    region: s('region'), priorityArea: s('priorityArea'), taxon: s('taxon'), protectionClass: s('protectionClass') as 'I' | 'II' | undefined,
    from: s('from') ? new Date(s('from')!) : undefined, to: s('to') ? new Date(s('to')!) : undefined,
    eventID: s('eventID'), basisOfRecord: s('basisOfRecord'), reviewState: s('reviewState'),
  };
}

export function filterToJson(f: OccurrenceFilter): Record<string, unknown> {
  return Object.fromEntries(Object.entries({ ...f, from: f.from?.toISOString(), to: f.to?.toISOString() }).filter(([, v]) => v !== undefined));
}
