import { createHash } from 'node:crypto';
import type { DbOrTx } from '@biomon/db';
import { seesExact, type Viewer } from '@biomon/sensitive';
import { latestValues, type ResultOut } from './indicator-run.service';
import { selectValuesFreshness } from './indicator-run.repository';
import { indicatorDefinition } from './indicator-catalogue';

/** A serialised answer of GET /v1/indicators/{code}/values and its strong ETag. */
export interface CachedValues {
  body: string;
  etag: string;
}

/**
 * What an answer of the latest values depends on besides its request: the newest completed run (its
 * id, and how many runs are completed, so that a run completing with an earlier clock still counts),
 * and for viewers below evaluator the taxa (the sensitive species withheld from details; bumped by a
 * trigger on every statement that changes taxa, migration 0013). One indexed query.
 */
async function freshnessKey(db: DbOrTx, viewer: Viewer): Promise<string> {
  const exact = seesExact(viewer);
  const row = await selectValuesFreshness(db, exact);
  return `${row?.newest ?? '-'}|${row?.runs ?? 0}|${exact ? 'exact' : `public:${row?.taxa ?? '-'}`}`;
}

/**
 * The latest values of indicators per completed run, serialised once: an answer is kept under the
 * request (code, region, year), what the viewer may see (exact or not) and the freshness key, so a
 * newer completed run (or a change of taxa, for viewers below evaluator) makes a new entry and the
 * old ones age out. The freshness key is read again at most every `freshnessTtlMs` (1 s): an answer
 * may lag a newly completed run by that long. One cache per server (per database).
 */
export class IndicatorValuesCache {
  private readonly entries = new Map<string, CachedValues>();
  /** the freshness key per view (exact or not), read at most once per `freshnessTtlMs` */
  private readonly fresh = new Map<boolean, { at: number; key: Promise<string> }>();
  /**
   * `freshnessTtlMs`: how long the freshness key is trusted before it is read again — so a newer run
   * (or a change of taxa) shows within that long, and most requests touch no database at all.
   */
  constructor(
    private readonly maxEntries = 500,
    private readonly freshnessTtlMs = 1000,
  ) {}

  private freshness(db: DbOrTx, viewer: Viewer): Promise<string> {
    const exact = seesExact(viewer);
    const now = Date.now();
    const f = this.fresh.get(exact);
    if (f && now - f.at < this.freshnessTtlMs) return f.key;
    const key = freshnessKey(db, viewer);
    this.fresh.set(exact, { at: now, key });
    key.catch(() => this.fresh.delete(exact));
    return key;
  }

  /** The answer for this request and viewer; `serialize` turns the answer object into the response body (the route's serializer). */
  async get(
    db: DbOrTx,
    code: string,
    opts: { region?: string; year?: number },
    viewer: Viewer,
    serialize: (payload: { indicator: ReturnType<typeof indicatorDefinition>; values: ResultOut[] }) => string,
  ): Promise<CachedValues> {
    // the key first: values read afterwards are at least as new as it
    const key = `${code}|${opts.region ?? ''}|${opts.year ?? ''}|${await this.freshness(db, viewer)}`;
    const hit = this.entries.get(key);
    if (hit) {
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit;
    }
    const body = serialize({ indicator: indicatorDefinition(code), values: await latestValues(db, code, opts, viewer) });
    const entry = { body, etag: `"${createHash('sha1').update(body).digest('base64url')}"` };
    this.entries.set(key, entry);
    while (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
    return entry;
  }
}

/** Whether an If-None-Match header matches an ETag (weak comparison, RFC 9110 §13.1.2; `*` matches any). */
export function etagMatches(ifNoneMatch: string | string[] | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  const strip = (t: string) => t.trim().replace(/^W\//, '');
  return String(ifNoneMatch)
    .split(',')
    .some((t) => t.trim() === '*' || strip(t) === strip(etag));
}
