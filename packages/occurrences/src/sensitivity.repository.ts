/**
 * The SQL of the stored sensitivity (the rules and their order are in sensitivity.ts): the rules
 * lock and the event locks, `sensitive_events` (events marked sensitive, sticky) and the stored
 * public view of `occurrences` (ever_sensitive, cell_m, generalised, public_geom and the public
 * regions).
 */
import type { Tx } from '@biomon/db';
import { sql } from '@biomon/db';
import { layersCte } from './enrichment.sql';
import { publicEnrichmentJoin, publicEnrichmentValues, RULES_LOCK, sensitivityLateral } from './sensitivity.sql';

/** Held by every writer of occurrences (shared): a change of the rules waits for them, and they for it. */
export async function holdRulesShared(tx: Tx): Promise<void> {
  await sql`SELECT pg_advisory_xact_lock_shared(${RULES_LOCK})`.execute(tx);
}

/**
 * holdRulesShared for an occurrence batch, in the same round trip: the transaction's named
 * statements (PREPARED_STATEMENT: the batch INSERT and UPDATE of occurrence.repository.ts) run on
 * their generic plan. Left to choose (plan_cache_mode auto), PostgreSQL kept planning the INSERT
 * for every batch, because the generic plan's estimate came out dearer; planning that statement
 * costs more than executing it differently would: 1,000-record batches one after another took
 * 127 ms on custom plans against 108 ms on the generic one (issue 17, BENCHMARKS.md). SET LOCAL:
 * the setting ends with the transaction.
 */
export async function holdRulesSharedForBatch(tx: Tx): Promise<void> {
  await sql`SELECT pg_advisory_xact_lock_shared(${RULES_LOCK}), set_config('plan_cache_mode', 'force_generic_plan', true)`.execute(tx);
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

/** Marks the events of sensitive records among `occurrencePks` (or of all records); returns the events newly marked or given a larger cell. */
export async function markEventsOfRecords(tx: Tx, occurrencePks: number[] | 'all'): Promise<string[]> {
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

/** Marks the events of (event, taxon) pairs whose taxon is sensitive; returns the events newly marked or given a larger cell. */
export async function markEventsOfTaxa(tx: Tx, pairs: { eventId: string; taxonId: number }[]): Promise<string[]> {
  const marked = await sql<{ event_id: string }>`
    INSERT INTO sensitive_events AS x (event_id, cell_m, reason)
    SELECT u.e, max(c.tc), 'record'
    FROM unnest(${pairs.map((p) => p.eventId)}::text[], ${pairs.map((p) => p.taxonId)}::int[]) AS u(e, t)
    CROSS JOIN LATERAL (SELECT biomon_taxon_cell(u.t) AS tc) c
    WHERE c.tc IS NOT NULL
    GROUP BY u.e
    ON CONFLICT (event_id) DO UPDATE SET cell_m = excluded.cell_m WHERE x.cell_m < excluded.cell_m
    RETURNING event_id`.execute(tx);
  return marked.rows.map((r) => r.event_id);
}

/** Marks, one level up, the parents of sensitive events whose footprint is smaller than the cell; returns the events newly marked. */
export async function markSmallParentsOnce(tx: Tx): Promise<string[]> {
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
  return rows.rows.map((r) => r.event_id);
}

/**
 * Recomputes the stored public view of occurrences — every record (`all`), or the records `own`
 * and those of `events` but `skip` — writing only rows whose view changes; returns how many.
 */
export async function updatePublicView(tx: Tx, scope: 'all' | { own: number[]; events: string[]; skip: number[] }): Promise<number> {
  const cand =
    scope === 'all'
      ? sql`true`
      : sql`(o.id = ANY(${scope.own}::bigint[]) OR (o.event_id = ANY(${scope.events}::text[]) AND NOT o.id = ANY(${scope.skip}::bigint[])))`;
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
  return Number(res.numAffectedRows ?? 0);
}
