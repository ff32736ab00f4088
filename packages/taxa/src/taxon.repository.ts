import type { DbOrTx, Tx } from '@biomon/db';
import { sql } from '@biomon/db';
import type { TaxonInput, TaxonRuleInput } from './taxon.types';
import { genusOf, nameKey, normalizeChineseName } from './taxon-name';

export interface TaxaImportSummary { taxa: number; inserted: number; updated: number; rules: number; names: number }

/**
 * Upserts taxa by scientific name. Flags set by the Jilin checklist (sensitive, invasive, inJilin)
 * are never cleared by a later national-list import: they are OR-ed; the protection class and
 * names are filled where missing; sources are merged.
 */
export async function upsertTaxa(tx: Tx, taxa: TaxonInput[], rules: TaxonRuleInput[] = []): Promise<TaxaImportSummary> {
  let inserted = 0;
  let updated = 0;
  let names = 0;
  const ids = new Map<string, number>();
  for (const t of taxa) {
    const row = {
      scientific_name: t.scientificName,
      chinese_name: t.chineseName ? normalizeChineseName(t.chineseName) : null,
      english_name: t.englishName ?? null,
      rank: t.rank,
      kingdom: t.kingdom,
      taxon_class: t.taxonClass ?? null,
      taxon_order: t.order ?? null,
      family: t.family ?? null,
      genus: genusOf(t.scientificName),
      protection_class: t.protectionClass,
      protection_note: t.protectionNote ?? null,
      wild_only: t.wildOnly,
      sensitive: t.sensitive,
      generalize_cell_m: t.generalizeCellM ?? 10000,
      invasive: t.invasive,
      in_jilin: t.inJilin,
      sources: t.sources,
    };
    const res = await tx
      .insertInto('taxa')
      .values(row)
      .onConflict((oc) =>
        oc.column('scientific_name').doUpdateSet({
          chinese_name: sql`coalesce(taxa.chinese_name, excluded.chinese_name)`,
          english_name: sql`coalesce(taxa.english_name, excluded.english_name)`,
          taxon_class: sql`coalesce(taxa.taxon_class, excluded.taxon_class)`,
          taxon_order: sql`coalesce(taxa.taxon_order, excluded.taxon_order)`,
          family: sql`coalesce(taxa.family, excluded.family)`,
          protection_class: sql`coalesce(excluded.protection_class, taxa.protection_class)`,
          protection_note: sql`coalesce(excluded.protection_note, taxa.protection_note)`,
          wild_only: sql`taxa.wild_only OR excluded.wild_only`,
          sensitive: sql`taxa.sensitive OR excluded.sensitive`,
          generalize_cell_m: sql`greatest(taxa.generalize_cell_m, excluded.generalize_cell_m)`,
          invasive: sql`taxa.invasive OR excluded.invasive`,
          in_jilin: sql`taxa.in_jilin OR excluded.in_jilin`,
          sources: sql`(SELECT array_agg(DISTINCT s ORDER BY s) FROM unnest(taxa.sources || excluded.sources) s)`,
          updated_at: sql`now()`,
        }),
      )
      .returning(['id', sql<boolean>`(xmax = 0)`.as('inserted')])
      .executeTakeFirstOrThrow();
    if (res.inserted) inserted++;
    else updated++;
    ids.set(t.scientificName, res.id);
    const nameRows: { name: string; kind: string }[] = [
      { name: t.scientificName, kind: 'accepted' },
      ...t.synonyms.map((s) => ({ name: s, kind: 'synonym' })),
      ...(t.chineseName ? [{ name: normalizeChineseName(t.chineseName), kind: 'chinese' }] : []),
      ...(t.chineseSynonyms ?? []).map((s) => ({ name: normalizeChineseName(s), kind: 'chinese_synonym' })),
      ...(t.englishName ? [{ name: t.englishName, kind: 'english' }] : []),
    ];
    const seen = new Set<string>();
    for (const n of nameRows) {
      const key = nameKey(n.name);
      if (!key || seen.has(key)) continue;
      seen.add(key);
      await tx.insertInto('taxon_names').values({ name_key: key, name: n.name, taxon_id: res.id, kind: n.kind })
        .onConflict((oc) => oc.columns(['name_key', 'taxon_id']).doNothing()).execute();
      names++;
    }
  }
  // Subspecies and varieties point at their species when it is known.
  for (const t of taxa) {
    if (!t.parentName) continue;
    const child = ids.get(t.scientificName);
    const parent = ids.get(t.parentName) ?? (await tx.selectFrom('taxa').select('id').where('scientific_name', '=', t.parentName).executeTakeFirst())?.id;
    if (child && parent && child !== parent) await tx.updateTable('taxa').set({ parent_id: parent }).where('id', '=', child).execute();
  }
  for (const r of rules) {
    const row = {
      rank: r.rank, scientific_name: r.scientificName, chinese_name: r.chineseName, kingdom: r.kingdom,
      protection_class: r.protectionClass, note: r.note, wild_only: r.wildOnly, exclude_chinese: r.excludeChinese, sources: r.sources,
    };
    await tx.insertInto('taxon_rules').values(row)
      .onConflict((oc) => oc.columns(['rank', 'scientific_name']).doUpdateSet({
        chinese_name: row.chinese_name, protection_class: row.protection_class, note: row.note, wild_only: row.wild_only,
        exclude_chinese: row.exclude_chinese,
        sources: sql`(SELECT array_agg(DISTINCT s ORDER BY s) FROM unnest(taxon_rules.sources || excluded.sources) s)`,
      })).execute();
  }
  return { taxa: taxa.length, inserted, updated, rules: rules.length, names };
}

export interface TaxonMatch {
  id: number;
  scientificName: string;
  chineseName: string | null;
  rank: string;
  protectionClass: string | null;
  sensitive: boolean;
  invasive: boolean;
  matchedAs: string;
}

/** Finds taxa by any of their names (scientific, synonym, Chinese), case- and space-insensitive. */
export async function findTaxaByName(db: DbOrTx, name: string): Promise<TaxonMatch[]> {
  const rows = await db
    .selectFrom('taxon_names as n')
    .innerJoin('taxa as t', 't.id', 'n.taxon_id')
    .select(['t.id', 't.scientific_name', 't.chinese_name', 't.rank', 't.protection_class', 't.sensitive', 't.invasive', 'n.kind'])
    .where('n.name_key', '=', nameKey(name))
    .orderBy('t.id')
    .execute();
  return rows.map((r) => ({
    id: r.id, scientificName: r.scientific_name, chineseName: r.chinese_name, rank: r.rank,
    protectionClass: r.protection_class, sensitive: r.sensitive, invasive: r.invasive, matchedAs: r.kind,
  }));
}
