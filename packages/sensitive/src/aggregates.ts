import type { DbOrTx } from '@biomon/db';
import { sql } from '@biomon/db';
import { seesExact, type Viewer } from './viewer';

/** Counts of sensitive records below this are shown as "<3" to viewers below evaluator (BRIEF §8). */
export const SMALL_COUNT = 3;

/**
 * Scientific names of the species that are sensitive for aggregate outputs: flagged themselves, or
 * holding a flagged infraspecific taxon (an indicator's per-species key is the species).
 */
export async function sensitiveSpeciesNames(db: DbOrTx): Promise<Set<string>> {
  const rows = await sql<{ name: string }>`
    SELECT t.scientific_name AS name FROM taxa t
    WHERE t.sensitive OR EXISTS (SELECT 1 FROM taxa c WHERE c.parent_id = t.id AND c.sensitive)`.execute(db);
  return new Set(rows.rows.map((r) => r.name));
}

/**
 * Indicator details as a viewer sees them: below evaluator, no sensitive species is named per
 * region (which species, in which region, inside a protected area or not, with how many records);
 * their number stays, as `sensitiveSpeciesWithheld`. The value, numerator and denominator are not
 * touched. Other details pass unchanged.
 */
export function projectIndicatorDetails(details: Record<string, unknown>, viewer: Viewer, sensitive: Set<string>): Record<string, unknown> {
  if (seesExact(viewer) || !Array.isArray(details.species)) return details;
  const all = details.species as { scientificName?: string }[];
  const shown = all.filter((s) => !sensitive.has(String(s.scientificName ?? '')));
  if (shown.length === all.length) return details;
  return { ...details, species: shown, sensitiveSpeciesWithheld: all.length - shown.length };
}
