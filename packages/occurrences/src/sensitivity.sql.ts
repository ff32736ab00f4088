/**
 * SQL fragments of the stored sensitivity (the rules are in sensitivity.ts): the lateral that
 * computes what viewers below evaluator see of one row, and the public enrichment of a generalised
 * row. They execute nothing: the statements that use them are in the repositories.
 */
import type { RawBuilder } from '@biomon/db';
import { sql } from '@biomon/db';
import { enrichmentLateral } from './enrichment.sql';

/** The cell used when a record is generalised without a taxon of its own (an unmatched name). */
export const DEFAULT_CELL_M = 10_000;

/** The key of the advisory lock on the sensitivity rules (sensitivity.repository.ts holds it). */
export const RULES_LOCK = sql`hashtextextended('biomon:sensitivity-rules', 0)`;

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
