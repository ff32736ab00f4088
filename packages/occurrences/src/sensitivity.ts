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
import type { Tx } from '@biomon/db';
import { lockEvents, markEventsOfRecords, markEventsOfTaxa, markSmallParentsOnce, updatePublicView } from './sensitivity.repository';

// The statements (the rules lock, event locks, sensitive_events, the stored public view) are in
// sensitivity.repository.ts; the per-row SQL (sensitivityLateral, the public enrichment) in
// sensitivity.sql.ts. This module holds the order in which they run.

/**
 * Marks the events that records about to be written make sensitive (their taxon is), before the
 * write, so that the write itself already generalises every record of the batch that sits in them.
 * Returns the events newly marked (or given a larger cell), small parents included: their records
 * written earlier must be recomputed afterwards ({@link refreshSensitivity} with `events`).
 */
export async function markEventsBeforeWrite(tx: Tx, rows: { eventId: string | null; taxonId: number | null }[]): Promise<string[]> {
  const pairs = rows.filter((r): r is { eventId: string; taxonId: number } => r.eventId !== null && r.taxonId !== null);
  if (!pairs.length) return [];
  const marked = await markEventsOfTaxa(tx, pairs);
  if (!marked.length) return [];
  const parents = await markSmallParents(tx);
  await lockEvents(tx, parents);
  return [...marked, ...parents];
}

/** Marks the parents of sensitive events whose footprint is smaller than the cell, up the tree; returns the events newly marked. */
async function markSmallParents(tx: Tx): Promise<string[]> {
  const marked: string[] = [];
  for (let depth = 0; depth < 16; depth++) {
    const rows = await markSmallParentsOnce(tx);
    if (!rows.length) break;
    marked.push(...rows);
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
  const occurrencesUpdated = await updatePublicView(tx, scope.all ? 'all' : { own, events, skip: scope.skipPks ?? [] });
  return { eventsMarked: events.length - (scope.events?.length ?? 0), occurrencesUpdated };
}
