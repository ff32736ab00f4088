/**
 * Shapes shared by the species-list parsers, the Jilin checklist seed (seeds/taxa/jilin-checklist.json)
 * and the taxa repository.
 */

export type ProtectionClass = 'I' | 'II';
export type Kingdom = 'Animalia' | 'Plantae' | 'Fungi';

export interface TaxonInput {
  /** Canonical, cleaned (single spaces, no authorship), corrected where the source has a known error. */
  scientificName: string;
  chineseName: string | null;
  englishName?: string | null;
  rank: 'species' | 'subspecies' | 'variety' | 'form';
  kingdom: Kingdom;
  /** e.g. Mammalia, Aves (where known). */
  taxonClass?: string | null;
  family?: string | null;
  order?: string | null;
  /** For subspecies/variety/form: the species' scientificName. */
  parentName?: string | null;
  protectionClass: ProtectionClass | null;
  /** The list's note, wiki markup stripped, e.g. 仅限野外种群. */
  protectionNote?: string | null;
  /** 仅限野外种群 / 仅限陆封种群: captive, farmed or cultivated stock is not protected. */
  wildOnly: boolean;
  /** Scientific synonyms and misspellings that must resolve to this taxon. */
  synonyms: string[];
  /** Former Chinese names (原名“…”), other common Chinese names. */
  chineseSynonyms?: string[];
  /** Location generalised for the public (tiger, leopard, …). */
  sensitive: boolean;
  /** Grid cell size for generalisation in metres, default 10000. */
  generalizeCellM?: number;
  /** Invasive alien species. */
  invasive: boolean;
  inJilin: boolean;
  /** e.g. ['national-2021-animals'], ['jilin-checklist']. */
  sources: string[];
}

/** A group entry of the lists: 红豆杉属 所有种, 人参属 所有种, 闭壳龟属 … */
export interface TaxonRuleInput {
  rank: 'genus' | 'family' | 'order' | 'section';
  /** e.g. 'Taxus'; for a section the genus + section name as the source gives it ('Paeonia sect. Moutan'). */
  scientificName: string;
  chineseName: string;
  kingdom: Kingdom;
  protectionClass: ProtectionClass;
  note: string | null;
  wildOnly: boolean;
  /** Species of the group that the entry does not cover, by Chinese name (as the lists give them). */
  excludeChinese: string[];
  sources: string[];
}

/** What every species-list parser returns. */
export interface ParsedSpeciesList {
  species: TaxonInput[];
  rules: TaxonRuleInput[];
  /** Corrections applied, rows merged or skipped, anything a reviewer should read. Never silent. */
  warnings: string[];
}

/** A genus or family name of the checklist with its Chinese name (豹属 Panthera, 猫科 Felidae). */
export interface HigherTaxonName {
  rank: 'genus' | 'family';
  scientificName: string;
  chineseName: string;
}

/** seeds/taxa/jilin-checklist.json */
export interface JilinChecklistSeed {
  description: string;
  taxa: TaxonInput[];
  rules: TaxonRuleInput[];
  /** Chinese names of the genera and families derived from the taxa (their entries are derived, not listed). */
  higherTaxa?: HigherTaxonName[];
}
