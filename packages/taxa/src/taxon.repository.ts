import type { Col, DbOrTx, Tx } from '@biomon/db';
import { sql, type RawBuilder } from '@biomon/db';
import type { HigherTaxonName, TaxonInput, TaxonRuleInput } from './taxon.types';
import { genusOf, nameKey, normalizeChineseName } from './taxon-name';

export interface TaxaImportSummary {
  taxa: number;
  inserted: number;
  updated: number;
  rules: number;
  names: number;
  higherTaxa: number;
}

/**
 * Upserts taxa by scientific name. Flags set by the Jilin checklist (sensitive, invasive, inJilin)
 * are never cleared by a later national-list import: they are OR-ed; the protection class and
 * names are filled where missing; sources are merged.
 */
export async function upsertTaxa(tx: Tx, taxa: TaxonInput[], rules: TaxonRuleInput[] = [], higherNames: HigherTaxonName[] = []): Promise<TaxaImportSummary> {
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
    const nameRows: { name: string; kind: Col<'taxon_names', 'kind'> }[] = [
      { name: t.scientificName, kind: 'accepted' },
      ...t.synonyms.map((s) => ({ name: s, kind: 'synonym' as const })),
      ...(t.chineseName ? [{ name: normalizeChineseName(t.chineseName), kind: 'chinese' as const }] : []),
      ...(t.chineseSynonyms ?? []).map((s) => ({ name: normalizeChineseName(s), kind: 'chinese_synonym' as const })),
      ...(t.englishName ? [{ name: t.englishName, kind: 'english' as const }] : []),
    ];
    const seen = new Set<string>();
    for (const n of nameRows) {
      const key = nameKey(n.name);
      if (!key || seen.has(key)) continue;
      seen.add(key);
      await tx
        .insertInto('taxon_names')
        .values({ name_key: key, name: n.name, taxon_id: res.id, kind: n.kind })
        .onConflict((oc) => oc.columns(['name_key', 'taxon_id']).doNothing())
        .execute();
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
      rank: r.rank,
      scientific_name: r.scientificName,
      chinese_name: r.chineseName,
      kingdom: r.kingdom,
      protection_class: r.protectionClass,
      note: r.note,
      wild_only: r.wildOnly,
      exclude_chinese: r.excludeChinese,
      sources: r.sources,
    };
    await tx
      .insertInto('taxon_rules')
      .values(row)
      .onConflict((oc) =>
        oc.columns(['rank', 'scientific_name']).doUpdateSet({
          chinese_name: row.chinese_name,
          protection_class: row.protection_class,
          note: row.note,
          wild_only: row.wild_only,
          exclude_chinese: row.exclude_chinese,
          sources: sql`(SELECT array_agg(DISTINCT s ORDER BY s) FROM unnest(taxon_rules.sources || excluded.sources) s)`,
        }),
      )
      .execute();
  }
  const higherTaxa = await deriveHigherTaxa(tx, higherNames);
  return { taxa: taxa.length, inserted, updated, rules: rules.length, names, higherTaxa };
}

const SPECIES_RANKS = sql`('species', 'subspecies', 'variety', 'form')`;

/**
 * The genus and family entries of every taxon in the table (rank genus / family), so that a record
 * identified only to a genus or family ("Panthera sp.", "豹属", "Felidae") matches a taxon. An entry
 * is flagged sensitive when the group contains a sensitive taxon (with the group's largest cell), and
 * stays flagged (flags are only ever OR-ed, like the checklist's). It has no protection class: it is
 * not a species. Names: the Latin name, and the Chinese one from `names` or from the lists' group
 * entries (红豆杉属 Taxus). Species are never attached to these entries (parent_id is for infraspecific
 * taxa), so a genus's flag says nothing about its other species. Returns the number of entries.
 */
export async function deriveHigherTaxa(tx: Tx, names: HigherTaxonName[] = []): Promise<number> {
  const upsert = (rank: 'genus' | 'family', key: RawBuilder<unknown>) =>
    sql<{ id: number; scientific_name: string }>`
    INSERT INTO taxa AS x (scientific_name, rank, kingdom, taxon_class, taxon_order, family, genus, sensitive, generalize_cell_m, sources)
    SELECT ${key}, ${rank}, min(t.kingdom), min(t.taxon_class), min(t.taxon_order), ${rank === 'genus' ? sql`min(t.family)` : key}, ${rank === 'genus' ? key : sql`''`},
      bool_or(t.sensitive), coalesce(max(t.generalize_cell_m) FILTER (WHERE t.sensitive), 10000), ARRAY['derived']
    FROM taxa t WHERE t.rank IN ${SPECIES_RANKS} AND coalesce(${key}, '') ~ '^[A-Z][a-z]+$'
    GROUP BY ${key}
    ON CONFLICT (scientific_name) DO UPDATE SET
      sensitive = x.sensitive OR excluded.sensitive,
      generalize_cell_m = greatest(x.generalize_cell_m, excluded.generalize_cell_m),
      family = coalesce(x.family, excluded.family), taxon_order = coalesce(x.taxon_order, excluded.taxon_order),
      taxon_class = coalesce(x.taxon_class, excluded.taxon_class), updated_at = now()
    WHERE x.rank = ${rank}
    RETURNING x.id, x.scientific_name`.execute(tx);
  // the group entries of the lists (红豆杉属 所有种) are genera and families too, with or without species of their own here
  const fromGroups = await sql<{ id: number; scientific_name: string }>`
    INSERT INTO taxa AS x (scientific_name, rank, kingdom, family, genus, sources)
    SELECT DISTINCT ON (r.scientific_name) r.scientific_name, r.rank, r.kingdom,
      CASE WHEN r.rank = 'family' THEN r.scientific_name END, CASE WHEN r.rank = 'genus' THEN r.scientific_name ELSE '' END, ARRAY['derived']
    FROM taxon_rules r WHERE r.rank IN ('genus', 'family') AND r.scientific_name ~ '^[A-Z][a-z]+$'
    ORDER BY r.scientific_name, r.rank
    ON CONFLICT (scientific_name) DO UPDATE SET updated_at = x.updated_at
    WHERE x.rank = excluded.rank
    RETURNING x.id, x.scientific_name`.execute(tx);
  const byId = new Map<number, { id: number; scientific_name: string }>();
  for (const r of [...(await upsert('genus', sql`t.genus`)).rows, ...(await upsert('family', sql`t.family`)).rows, ...fromGroups.rows]) byId.set(r.id, r);
  const rows = [...byId.values()];
  if (!rows.length) return 0;
  // Chinese names: given ones first, then the lists' group entries of that rank and name
  const chinese = new Map(names.map((n) => [n.scientificName, normalizeChineseName(n.chineseName)]));
  const fromRules = await tx.selectFrom('taxon_rules').select(['scientific_name', 'chinese_name']).where('rank', 'in', ['genus', 'family']).execute();
  for (const r of fromRules) if (!chinese.has(r.scientific_name) && r.chinese_name) chinese.set(r.scientific_name, normalizeChineseName(r.chinese_name));
  const nameRows: { name_key: string; name: string; taxon_id: number; kind: Col<'taxon_names', 'kind'> }[] = [];
  for (const r of rows) {
    nameRows.push({ name_key: nameKey(r.scientific_name), name: r.scientific_name, taxon_id: r.id, kind: 'accepted' });
    const zh = chinese.get(r.scientific_name);
    if (zh) nameRows.push({ name_key: nameKey(zh), name: zh, taxon_id: r.id, kind: 'chinese' });
  }
  await tx
    .insertInto('taxon_names')
    .values(nameRows)
    .onConflict((oc) => oc.columns(['name_key', 'taxon_id']).doNothing())
    .execute();
  const withChinese = rows.filter((r) => chinese.has(r.scientific_name));
  for (const r of withChinese) {
    await tx
      .updateTable('taxa')
      .set({ chinese_name: chinese.get(r.scientific_name)! })
      .where('id', '=', r.id)
      .where('chinese_name', 'is', null)
      .execute();
  }
  return rows.length;
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
    id: r.id,
    scientificName: r.scientific_name,
    chineseName: r.chinese_name,
    rank: r.rank,
    protectionClass: r.protection_class,
    sensitive: r.sensitive,
    invasive: r.invasive,
    matchedAs: r.kind,
  }));
}

/** A name of a batch (`name`) and the checklist taxon one matching step found for it. */
export interface NameMatchRow {
  name: string;
  taxon_id: number;
  scientific_name: string;
}

/**
 * The taxon each name (`names[i]`, keyed `keys[i]`, nameKey of taxon-name.ts) is: exact name,
 * synonym or Chinese name, the accepted name first; with its rank and its parent's name.
 */
export async function matchNamesExactly(
  db: DbOrTx,
  names: string[],
  keys: string[],
): Promise<(NameMatchRow & { kind: string; rank: string; parent_name: string | null })[]> {
  const exact = await sql<{ name: string; taxon_id: number; kind: string; scientific_name: string; rank: string; parent_name: string | null }>`
    SELECT i.name, t.id AS taxon_id, n.kind, t.scientific_name, t.rank, p.scientific_name AS parent_name
    FROM unnest(${names}::text[], ${keys}::text[]) AS i(name, key)
    JOIN LATERAL (
      SELECT n.taxon_id, n.kind FROM taxon_names n WHERE n.name_key = i.key
      ORDER BY (n.kind = 'accepted') DESC, n.taxon_id LIMIT 1
    ) n ON true
    JOIN taxa t ON t.id = n.taxon_id
    LEFT JOIN taxa p ON p.id = t.parent_id`.execute(db);
  return exact.rows;
}

/** The taxon whose accepted name or synonym is the species key `speciesKeys[i]` of each name `names[i]`. */
export async function matchNamesToSpecies(db: DbOrTx, names: string[], speciesKeys: string[]): Promise<NameMatchRow[]> {
  const roll = await sql<{ name: string; taxon_id: number; scientific_name: string }>`
    SELECT i.name, t.id AS taxon_id, t.scientific_name
    FROM unnest(${names}::text[], ${speciesKeys}::text[]) AS i(name, key)
    JOIN LATERAL (SELECT n.taxon_id FROM taxon_names n WHERE n.name_key = i.key AND n.kind IN ('accepted', 'synonym') ORDER BY n.taxon_id LIMIT 1) n ON true
    JOIN taxa t ON t.id = n.taxon_id`.execute(db);
  return roll.rows;
}

/**
 * The nearest accepted name or synonym of each name (keys of at least 8 characters, the same first
 * letter) within `maxDistance` Levenshtein edits, `d` the distance; with the taxon's rank.
 */
export async function matchNamesFuzzily(
  db: DbOrTx,
  names: string[],
  keys: string[],
  maxDistance: number,
): Promise<(NameMatchRow & { rank: string; d: number })[]> {
  const fuzzy = await sql<{ name: string; taxon_id: number; scientific_name: string; rank: string; d: number }>`
    SELECT i.name, t.id AS taxon_id, t.scientific_name, t.rank, f.d
    FROM unnest(${names}::text[], ${keys}::text[]) AS i(name, key)
    JOIN LATERAL (
      SELECT n.taxon_id, levenshtein(n.name_key, i.key) AS d FROM taxon_names n
      WHERE n.kind IN ('accepted', 'synonym') AND left(n.name_key, 1) = left(i.key, 1)
        AND abs(length(n.name_key) - length(i.key)) <= ${maxDistance}
        AND levenshtein(n.name_key, i.key) <= ${maxDistance}
      ORDER BY 2, n.taxon_id LIMIT 1
    ) f ON true
    JOIN taxa t ON t.id = f.taxon_id
    WHERE length(i.key) >= 8`.execute(db);
  return fuzzy.rows;
}
