import type { DbOrTx } from '@biomon/db';
import { sql } from '@biomon/db';
import { nameKey, speciesOf } from '@biomon/taxa';
import { FLAG, type Flag } from './dwc-vocabulary';

export interface TaxonMatchResult {
  taxonId: number | null;
  match: 'exact' | 'synonym' | 'chinese' | 'infraspecific' | 'higherrank' | 'fuzzy' | 'none';
  acceptedName: string | null;
  flag: Flag | null;
  note: string | null;
}

/** Fuzzy matches are accepted up to this Levenshtein distance on the normalised name (typos like Pantera tigris). */
const MAX_FUZZY_DISTANCE = 2;

/**
 * Matches scientific names against the checklist, in one round trip per step: exact name or
 * synonym or Chinese name; then the species of an infraspecific name; then a fuzzy match.
 */
export async function matchTaxa(db: DbOrTx, names: string[]): Promise<Map<string, TaxonMatchResult>> {
  const out = new Map<string, TaxonMatchResult>();
  const distinct = [...new Set(names)];
  if (!distinct.length) return out;
  const keys = distinct.map((n) => nameKey(n));
  const exact = await sql<{ name: string; taxon_id: number; kind: string; scientific_name: string; rank: string; parent_name: string | null }>`
    SELECT i.name, t.id AS taxon_id, n.kind, t.scientific_name, t.rank, p.scientific_name AS parent_name
    FROM unnest(${distinct}::text[], ${keys}::text[]) AS i(name, key)
    JOIN LATERAL (
      SELECT n.taxon_id, n.kind FROM taxon_names n WHERE n.name_key = i.key
      ORDER BY (n.kind = 'accepted') DESC, n.taxon_id LIMIT 1
    ) n ON true
    JOIN taxa t ON t.id = n.taxon_id
    LEFT JOIN taxa p ON p.id = t.parent_id`.execute(db);
  for (const r of exact.rows) {
    if (r.rank === 'genus' || r.rank === 'family') {
      out.set(r.name, {
        taxonId: r.taxon_id,
        match: 'higherrank',
        acceptedName: r.scientific_name,
        flag: FLAG.TAXON_MATCH_HIGHERRANK,
        note: `identified only to the ${r.rank} ${r.scientific_name}`,
      });
      continue;
    }
    const infra = r.rank !== 'species';
    const species = r.parent_name ?? speciesOf(r.scientific_name) ?? r.scientific_name;
    if (r.kind === 'synonym') {
      out.set(r.name, {
        taxonId: r.taxon_id,
        match: 'synonym',
        acceptedName: r.scientific_name,
        flag: FLAG.TAXON_MATCH_SYNONYM,
        note: `synonym of ${r.scientific_name}`,
      });
    } else if (infra) {
      out.set(r.name, {
        taxonId: r.taxon_id,
        match: 'infraspecific',
        acceptedName: r.scientific_name,
        flag: FLAG.TAXON_MATCH_INFRASPECIFIC,
        note: `${r.scientific_name}, infraspecific taxon of ${species}`,
      });
    } else {
      out.set(r.name, { taxonId: r.taxon_id, match: r.kind === 'accepted' ? 'exact' : 'chinese', acceptedName: r.scientific_name, flag: null, note: null });
    }
  }
  // An infraspecific name not in the checklist rolls up to its species when the species is there.
  const rest = distinct.filter((n) => {
    const sp = speciesOf(n);
    return !out.has(n) && sp !== null && nameKey(sp) !== nameKey(n);
  });
  if (rest.length) {
    const speciesKeys = rest.map((n) => nameKey(speciesOf(n)!));
    const roll = await sql<{ name: string; taxon_id: number; scientific_name: string }>`
      SELECT i.name, t.id AS taxon_id, t.scientific_name
      FROM unnest(${rest}::text[], ${speciesKeys}::text[]) AS i(name, key)
      JOIN LATERAL (SELECT n.taxon_id FROM taxon_names n WHERE n.name_key = i.key AND n.kind IN ('accepted', 'synonym') ORDER BY n.taxon_id LIMIT 1) n ON true
      JOIN taxa t ON t.id = n.taxon_id`.execute(db);
    for (const r of roll.rows) {
      out.set(r.name, {
        taxonId: r.taxon_id,
        match: 'infraspecific',
        acceptedName: r.scientific_name,
        flag: FLAG.TAXON_MATCH_INFRASPECIFIC,
        note: `rolled up to the species ${r.scientific_name}`,
      });
    }
  }
  const rest2 = distinct.filter((n) => !out.has(n));
  if (rest2.length) {
    const keys2 = rest2.map((n) => nameKey(n));
    const fuzzy = await sql<{ name: string; taxon_id: number; scientific_name: string; rank: string; d: number }>`
      SELECT i.name, t.id AS taxon_id, t.scientific_name, t.rank, f.d
      FROM unnest(${rest2}::text[], ${keys2}::text[]) AS i(name, key)
      JOIN LATERAL (
        SELECT n.taxon_id, levenshtein(n.name_key, i.key) AS d FROM taxon_names n
        WHERE n.kind IN ('accepted', 'synonym') AND left(n.name_key, 1) = left(i.key, 1)
          AND abs(length(n.name_key) - length(i.key)) <= ${MAX_FUZZY_DISTANCE}
          AND levenshtein(n.name_key, i.key) <= ${MAX_FUZZY_DISTANCE}
        ORDER BY 2, n.taxon_id LIMIT 1
      ) f ON true
      JOIN taxa t ON t.id = f.taxon_id
      WHERE length(i.key) >= 8`.execute(db);
    for (const r of fuzzy.rows) {
      if (r.rank === 'genus' || r.rank === 'family') {
        out.set(r.name, {
          taxonId: r.taxon_id,
          match: 'higherrank',
          acceptedName: r.scientific_name,
          flag: FLAG.TAXON_MATCH_HIGHERRANK,
          note: `fuzzy match to the ${r.rank} ${r.scientific_name} (edit distance ${r.d})`,
        });
        continue;
      }
      out.set(r.name, {
        taxonId: r.taxon_id,
        match: 'fuzzy',
        acceptedName: r.scientific_name,
        flag: FLAG.TAXON_MATCH_FUZZY,
        note: `fuzzy match to ${r.scientific_name} (edit distance ${r.d})`,
      });
    }
  }
  for (const n of distinct) {
    if (!out.has(n)) out.set(n, { taxonId: null, match: 'none', acceptedName: null, flag: FLAG.TAXON_MATCH_NONE, note: `${n} is not in the checklist` });
  }
  return out;
}
