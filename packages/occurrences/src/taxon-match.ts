import type { DbOrTx } from '@biomon/db';
import { matchNamesExactly, matchNamesFuzzily, matchNamesToSpecies, nameKey, speciesOf } from '@biomon/taxa';
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
  for (const r of await matchNamesExactly(db, distinct, keys)) {
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
    for (const r of await matchNamesToSpecies(db, rest, speciesKeys)) {
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
    for (const r of await matchNamesFuzzily(db, rest2, keys2, MAX_FUZZY_DISTANCE)) {
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
