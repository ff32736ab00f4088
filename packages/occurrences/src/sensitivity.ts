/**
 * The write side of sensitive-location handling (BRIEF §8, issue 14): what viewers below evaluator
 * may see of each occurrence is decided when the row is written and stored with it — generalised or
 * not, the cell, the public position and that position's regions — so reads never recompute it and a
 * public bbox is one index scan (@biomon/sensitive reads these columns).
 *
 * The rules, in one place:
 * - a record is *sensitive* when its taxon or an ancestor is flagged (biomon_taxon_cell: a genus or
 *   family entry is flagged when it contains a sensitive taxon, so "Panthera sp." is sensitive);
 * - an *event* is sensitive when it holds or ever held a sensitive record (table sensitive_events,
 *   sticky), and so is its parent when the parent's footprint is smaller than the cell;
 * - a record is generalised when it is sensitive, in a sensitive event, or was ever either
 *   (`ever_sensitive`, sticky) — and, without being sticky, while its name matches no taxon (fail
 *   closed until a reviewer sets one);
 * - the public position is the centre of the record's cell (the largest cell of its reasons).
 *
 * Concurrency: writers of occurrences hold the rules lock shared and lock the events they write to;
 * a change of the rules (taxon flags) holds it exclusive. A record written into an event therefore
 * sees the event's sensitivity as committed by any writer that marked it, and a marking writer sees
 * every record written into the event before it.
 */
import type { RawBuilder, Tx } from '@biomon/db';
import { sql } from '@biomon/db';
import { enrichmentLateral, layersCte } from './enrichment';

/** The cell used when a record is generalised without a taxon of its own (an unmatched name). */
export const DEFAULT_CELL_M = 10_000;

const RULES_LOCK = sql`hashtextextended('biomon:sensitivity-rules', 0)`;

/** Held by every writer of occurrences (shared): a change of the rules waits for them, and they for it. */
export async function holdRulesShared(tx: Tx): Promise<void> {
  await sql`SELECT pg_advisory_xact_lock_shared(${RULES_LOCK})`.execute(tx);
}

/** Held by a change of the rules (taxon flags, a reviewer's taxon): no occurrence is written meanwhile. */
export async function holdRulesExclusive(tx: Tx): Promise<void> {
  await sql`SELECT pg_advisory_xact_lock(${RULES_LOCK})`.execute(tx);
}

/** Serialises writers of the same events (sorted, so two writers never deadlock on these locks). */
export async function lockEvents(tx: Tx, eventIds: (string | null)[]): Promise<void> {
  const ids = [...new Set(eventIds.filter((e): e is string => !!e))];
  if (!ids.length) return;
  await sql`SELECT pg_advisory_xact_lock(h) FROM (SELECT DISTINCT hashtextextended(i, 11) AS h FROM unnest(${ids}::text[]) i ORDER BY h) s`.execute(tx);
}

/**
 * A LATERAL subquery with what viewers below evaluator see of one row: `ever` (sticky), `cell`
 * (null when not generalised), `generalised`, `public_geom`, and `taxon_sensitive` (whether the
 * taxon itself is a reason, which marks the event). `prevEver`/`prevCell` are the row's stored
 * values on an update. `taxonCell` is `biomon_taxon_cell(taxonId)`, or a column holding it when the
 * caller computed it once per distinct taxon (a batch of 1,000 records names a handful of taxa).
 */
export function sensitivityLateral(
  taxonId: RawBuilder<unknown>,
  eventId: RawBuilder<unknown>,
  geom: RawBuilder<unknown>,
  prevEver: RawBuilder<unknown> = sql`false`,
  prevCell: RawBuilder<unknown> = sql`NULL::int`,
  taxonCell: RawBuilder<unknown> = sql`biomon_taxon_cell(${taxonId})`,
): RawBuilder<unknown> {
  // OFFSET 0 fences: each level is computed once per row (the planner would otherwise inline the
  // expressions into every place they are used, and call the lookups many times over)
  return sql`LATERAL (
    SELECT a.ever, a.cell, a.cell IS NOT NULL AS generalised, a.tc IS NOT NULL AS taxon_sensitive,
      CASE WHEN a.cell IS NULL THEN ${geom} ELSE biomon_cell_centre(${geom}, a.cell) END AS public_geom
    FROM (
      SELECT b.ever, b.tc,
        CASE WHEN b.ever THEN coalesce(greatest(b.tc, b.ec, b.pc), ${DEFAULT_CELL_M}) WHEN b.unmatched THEN ${DEFAULT_CELL_M} END AS cell
      FROM (
        SELECT (c.prev_ever OR c.tc IS NOT NULL OR c.ec IS NOT NULL) AS ever, c.tc, c.ec, CASE WHEN c.prev_ever THEN c.prev_cell END AS pc, c.unmatched
        FROM (SELECT ${taxonCell} AS tc, (SELECT se.cell_m FROM sensitive_events se WHERE se.event_id = ${eventId}) AS ec,
                ${prevEver} AS prev_ever, ${prevCell} AS prev_cell, ${taxonId} IS NULL AS unmatched OFFSET 0) c
        OFFSET 0) b
      OFFSET 0) a
    OFFSET 0)`;
}

/**
 * `biomon_taxon_cell` of each distinct taxon of a batch, once each: a FROM item (alias it) with
 * columns `taxon_id`, `tc`, to LEFT JOIN on the batch's taxon_id and pass `tc` to sensitivityLateral.
 */
export function taxonCells(taxonIds: (number | null)[]): RawBuilder<unknown> {
  const ids = [...new Set(taxonIds.filter((t): t is number => t !== null))];
  return sql`(SELECT u.taxon_id, biomon_taxon_cell(u.taxon_id) AS tc FROM unnest(${ids}::int[]) AS u(taxon_id))`;
}

/**
 * The public regions, priority area and protected-area flag of a row (`sv` its sensitivity lateral,
 * `e` its own enrichment): for a generalised row those of its cell centre (LEFT JOIN `pe` computed
 * only for generalised rows), otherwise its own.
 */
export function publicEnrichmentJoin(s = sql`sv`): RawBuilder<unknown> {
  return sql`LEFT JOIN ${enrichmentLateral(sql`${s}.public_geom`, sql`NULL::text`, sql`${s}.generalised`)} pe ON true`;
}

export function publicEnrichmentValues(
  s = sql`sv`,
  e = sql`e`,
): { regionCodes: RawBuilder<string[]>; priorityArea: RawBuilder<string | null>; inCountedPa: RawBuilder<boolean> } {
  return {
    regionCodes: sql<string[]>`CASE WHEN ${s}.generalised THEN coalesce(pe.region_codes, '{}') ELSE ${e}.region_codes END`,
    priorityArea: sql<string | null>`CASE WHEN ${s}.generalised THEN pe.priority_area ELSE ${e}.priority_area END`,
    inCountedPa: sql<boolean>`CASE WHEN ${s}.generalised THEN coalesce(pe.in_counted_pa, false) ELSE ${e}.in_counted_pa END`,
  };
}

/** Marks the events of sensitive records among `occurrencePks` (or of all records); returns the events newly marked or given a larger cell. */
async function markEventsOfRecords(tx: Tx, occurrencePks: number[] | 'all'): Promise<string[]> {
  const scope = occurrencePks === 'all' ? sql`true` : sql`o.id = ANY(${occurrencePks}::bigint[])`;
  const rows = await sql<{ event_id: string }>`
    INSERT INTO sensitive_events AS x (event_id, cell_m, reason)
    SELECT o.event_id, max(c.tc), 'record'
    FROM occurrences o CROSS JOIN LATERAL (SELECT biomon_taxon_cell(o.taxon_id) AS tc) c
    WHERE ${scope} AND o.event_id IS NOT NULL AND c.tc IS NOT NULL
    GROUP BY o.event_id
    ON CONFLICT (event_id) DO UPDATE SET cell_m = excluded.cell_m WHERE x.cell_m < excluded.cell_m
    RETURNING event_id`.execute(tx);
  return rows.rows.map((r) => r.event_id);
}

/**
 * Marks the events that records about to be written make sensitive (their taxon is), before the
 * write, so that the write itself already generalises every record of the batch that sits in them.
 * Returns the events newly marked (or given a larger cell), small parents included: their records
 * written earlier must be recomputed afterwards ({@link refreshSensitivity} with `events`).
 */
export async function markEventsBeforeWrite(tx: Tx, rows: { eventId: string | null; taxonId: number | null }[]): Promise<string[]> {
  const pairs = rows.filter((r): r is { eventId: string; taxonId: number } => r.eventId !== null && r.taxonId !== null);
  if (!pairs.length) return [];
  const marked = await sql<{ event_id: string }>`
    INSERT INTO sensitive_events AS x (event_id, cell_m, reason)
    SELECT u.e, max(c.tc), 'record'
    FROM unnest(${pairs.map((p) => p.eventId)}::text[], ${pairs.map((p) => p.taxonId)}::int[]) AS u(e, t)
    CROSS JOIN LATERAL (SELECT biomon_taxon_cell(u.t) AS tc) c
    WHERE c.tc IS NOT NULL
    GROUP BY u.e
    ON CONFLICT (event_id) DO UPDATE SET cell_m = excluded.cell_m WHERE x.cell_m < excluded.cell_m
    RETURNING event_id`.execute(tx);
  if (!marked.rows.length) return [];
  const parents = await markSmallParents(tx);
  await lockEvents(tx, parents);
  return [...marked.rows.map((r) => r.event_id), ...parents];
}

/** Marks the parents of sensitive events whose footprint is smaller than the cell, up the tree; returns the events newly marked. */
async function markSmallParents(tx: Tx): Promise<string[]> {
  const marked: string[] = [];
  for (let depth = 0; depth < 16; depth++) {
    const rows = await sql<{ event_id: string }>`
      INSERT INTO sensitive_events (event_id, cell_m, reason)
      SELECT DISTINCT ON (p.event_id) p.event_id, s.cell_m, 'child'
      FROM sensitive_events s
      JOIN survey_events c ON c.event_id = s.event_id
      JOIN survey_events p ON p.event_id = c.parent_event_id
      WHERE NOT EXISTS (SELECT 1 FROM sensitive_events x WHERE x.event_id = p.event_id)
        AND biomon_fits_in_cell(p.footprint, s.cell_m)
      ORDER BY p.event_id, s.cell_m DESC
      ON CONFLICT (event_id) DO NOTHING
      RETURNING event_id`.execute(tx);
    if (!rows.rows.length) break;
    marked.push(...rows.rows.map((r) => r.event_id));
  }
  return marked;
}

/**
 * Brings the stored public view of occurrences up to date after something that changes it. Idempotent;
 * only rows whose view changes are written.
 *
 * - `events`: events newly marked sensitive (markEventsBeforeWrite) — their records are recomputed,
 *   except `skipPks`, the rows the caller just wrote with their view already right;
 * - `occurrencePks`: records whose view must be recomputed (a reviewer changed their taxon); their
 *   events are marked when they hold a sensitive taxon;
 * - `all`: every record (a taxon's flag changed), every event marked anew;
 * - nothing: events written — a small parent of a sensitive event becomes sensitive, with its records.
 */
export async function refreshSensitivity(
  tx: Tx,
  scope: { occurrencePks?: number[]; events?: string[]; skipPks?: number[]; all?: boolean },
): Promise<{ eventsMarked: number; occurrencesUpdated: number }> {
  const own = scope.occurrencePks ?? [];
  const marked = scope.all ? await markEventsOfRecords(tx, 'all') : own.length ? await markEventsOfRecords(tx, own) : [];
  const events = [...(scope.events ?? []), ...marked, ...(await markSmallParents(tx))];
  // writers into the newly marked events finish first (or wait for us), so none of their rows is missed
  if (!scope.all) await lockEvents(tx, events);
  if (!scope.all && !own.length && !events.length) return { eventsMarked: 0, occurrencesUpdated: 0 };
  const skip = scope.skipPks ?? [];
  const cand = scope.all ? sql`true` : sql`(o.id = ANY(${own}::bigint[]) OR (o.event_id = ANY(${events}::text[]) AND NOT o.id = ANY(${skip}::bigint[])))`;
  const pub = publicEnrichmentValues(sql`sv`, sql`o`);
  const res = await sql`
    WITH lyr AS (${layersCte}),
    calc AS (
      SELECT o.id, sv.ever, sv.cell, sv.generalised, sv.public_geom,
        ${pub.regionCodes} AS public_region_codes, ${pub.priorityArea} AS public_priority_area, ${pub.inCountedPa} AS public_in_counted_pa
      FROM occurrences o CROSS JOIN lyr
      CROSS JOIN ${sensitivityLateral(sql`o.taxon_id`, sql`o.event_id`, sql`o.geom`, sql`o.ever_sensitive`, sql`o.cell_m`)} sv
      ${publicEnrichmentJoin(sql`sv`)}
      WHERE ${cand})
    UPDATE occurrences o SET
      ever_sensitive = c.ever, cell_m = c.cell, generalised = c.generalised, public_geom = c.public_geom,
      public_region_codes = c.public_region_codes, public_priority_area = c.public_priority_area, public_in_counted_pa = c.public_in_counted_pa
    FROM calc c
    WHERE c.id = o.id
      AND ((o.ever_sensitive, o.cell_m, o.generalised, o.public_region_codes, o.public_priority_area, o.public_in_counted_pa)
            IS DISTINCT FROM (c.ever, c.cell, c.generalised, c.public_region_codes, c.public_priority_area, c.public_in_counted_pa)
        OR NOT ST_Equals(o.public_geom, c.public_geom))`.execute(tx);
  return { eventsMarked: events.length - (scope.events?.length ?? 0), occurrencesUpdated: Number(res.numAffectedRows ?? 0) };
}
