import { parseBbox, parseDate } from '@biomon/core';
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

/** The filters as the projection takes them; bbox and dates parsed by @biomon/core (query.ts), naming `<where>.bbox` etc. */
export function parseOccurrenceFilter(input: OccurrenceFilterInput, where = 'querystring'): OccurrenceFilter {
  return {
    bbox: input.bbox ? parseBbox(input.bbox, `${where}.bbox`) : undefined,
    region: input.region,
    priorityArea: input.priorityArea,
    taxon: input.taxon,
    protectionClass: input.protectionClass,
    from: parseDate(`${where}.from`, input.from),
    to: parseDate(`${where}.to`, input.to),
    eventID: input.eventID,
    basisOfRecord: input.basisOfRecord,
    reviewState: input.reviewState,
  };
}

/** A stored filter (the export row's jsonb) back to a query: dates were stored as ISO strings. */
export function filterFromJson(j: Record<string, unknown>): OccurrenceFilter {
  const s = (k: string) => (typeof j[k] === 'string' ? (j[k] as string) : undefined);
  return {
    bbox: Array.isArray(j.bbox) ? (j.bbox as [number, number, number, number]) : undefined,
    region: s('region'),
    priorityArea: s('priorityArea'),
    taxon: s('taxon'),
    protectionClass: s('protectionClass') as 'I' | 'II' | undefined,
    from: s('from') ? new Date(s('from')!) : undefined,
    to: s('to') ? new Date(s('to')!) : undefined,
    eventID: s('eventID'),
    basisOfRecord: s('basisOfRecord'),
    reviewState: s('reviewState'),
  };
}

export function filterToJson(f: OccurrenceFilter): Record<string, unknown> {
  return Object.fromEntries(Object.entries({ ...f, from: f.from?.toISOString(), to: f.to?.toISOString() }).filter(([, v]) => v !== undefined));
}
