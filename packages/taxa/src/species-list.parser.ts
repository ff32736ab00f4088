/**
 * Parsers for the protected-species lists in ../shared/data/species-lists/ (and lists shaped like them).
 *
 * - parseNational2021List(): the 2021 国家重点保护野生动物名录 / 国家重点保护野生植物名录 JSON files
 *   (lanyuechen/zoo-world, compiled from zh.wikipedia; see shared/data/SOURCES.md §2 and §6).
 * - parseSpeciesListCsv(): CSV lists with 中文名 / 拉丁名 / 保护级别 (+ optional 纲/目/科) columns, e.g. the
 *   legacy 1989 list, where aggregate rows (`蜂猴（所有种）,Nycticebus spp.`) become group rules.
 * - parseSpeciesListFile(): reads a file and dispatches on extension and content.
 *
 * Every parser returns { species, rules, warnings }. Nothing is changed or dropped silently: each
 * correction from the CORRECTIONS tables below, each merged or skipped row, produces a warning.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import type { Kingdom, ParsedSpeciesList, ProtectionClass, TaxonInput, TaxonRuleInput } from './taxon.types';
import { nameKey, normalizeChineseName, normalizeScientificName, rankOf, speciesOf } from './taxon-name';

// ---------------------------------------------------------------------------------------------
// Corrections. Each entry says what the source has, what is right, and why.
// ---------------------------------------------------------------------------------------------

export interface NameCorrection {
  /** The name as the source gives it. A single word is a genus: every row of that genus is corrected. */
  wrongName: string;
  /**
   * Narrows the match to the row with this Chinese name. Needed where the wrong name is itself the
   * valid name of another taxon (the 红隼/黄爪隼 swap): only that row is corrected.
   */
  chineseName?: string;
  correctName: string;
  /**
   * true: the wrong form is a misspelling that names nothing else, so records written with it must
   * resolve to this taxon (it goes into synonyms). false: the wrong name belongs to another taxon
   * and must NOT resolve here (Falco vespertinus is 西红脚隼, not 红隼).
   */
  keepAsSynonym: boolean;
  reason: string;
}

/**
 * Scientific-name corrections, applied to every list parsed here (the legacy 1989 CSV shares some of
 * the 2021 file's misspellings, e.g. Crossoptilon aurtun, Ixbrychus minutus).
 * "SOURCES" = shared/data/SOURCES.md §2/§6 (known errors); "review" = found when cross-checking the
 * 2021 animal file against the CBR bird checklist and the legacy list for this project.
 */
export const CORRECTIONS: readonly NameCorrection[] = [
  // Swapped names (SOURCES): all three falcons are class II, but a lookup by F. naumanni missed and
  // 红隼 resolved to 西红脚隼's name.
  {
    wrongName: 'Falco vespertinus',
    chineseName: '红隼',
    correctName: 'Falco tinnunculus',
    keepAsSynonym: false,
    reason: 'SOURCES: 红隼 and 黄爪隼 swapped; Falco vespertinus is 西红脚隼 (CBR checklist), not a synonym of 红隼',
  },
  {
    wrongName: 'Falco tinnunculus',
    chineseName: '黄爪隼',
    correctName: 'Falco naumanni',
    keepAsSynonym: false,
    reason: 'SOURCES: 红隼 and 黄爪隼 swapped; Falco tinnunculus is 红隼',
  },
  // Wrong epithet or genus pasted from another row (review). The wrong binomials name no taxon, so
  // they are kept as synonyms: a record copied from this list still resolves.
  {
    wrongName: 'Centropus fuciphagus',
    chineseName: '褐翅鸦鹃',
    correctName: 'Centropus sinensis',
    keepAsSynonym: true,
    reason: 'review: 褐翅鸦鹃 is Centropus sinensis (CBR checklist); "fuciphagus" is the epithet of 爪哇金丝燕 Aerodramus fuciphagus',
  },
  {
    wrongName: 'Kogia cavirostris',
    chineseName: '鹅喙鲸',
    correctName: 'Ziphius cavirostris',
    keepAsSynonym: true,
    reason: "review: 鹅喙鲸 (Cuvier's beaked whale) is Ziphius cavirostris; there is no Kogia cavirostris",
  },
  {
    wrongName: 'Phrynocephalus cocincinus',
    chineseName: '长鬣蜥',
    correctName: 'Physignathus cocincinus',
    keepAsSynonym: true,
    reason: 'review: 长鬣蜥 (Chinese water dragon) is Physignathus cocincinus; Phrynocephalus is the toad-headed agamas (沙蜥)',
  },
  // Misspellings listed in SOURCES.
  { wrongName: 'Baleanoptera', correctName: 'Balaenoptera', keepAsSynonym: true, reason: 'SOURCES: misspelt genus (7 rorquals)' },
  { wrongName: 'Anser cygnoid', correctName: 'Anser cygnoides', keepAsSynonym: true, reason: 'SOURCES: misspelling' },
  { wrongName: 'Crossoptilon aurtun', correctName: 'Crossoptilon auritum', keepAsSynonym: true, reason: 'SOURCES: misspelling' },
  { wrongName: 'Cholornis paradocus', correctName: 'Cholornis paradoxus', keepAsSynonym: true, reason: 'SOURCES: misspelling' },
  { wrongName: 'Ixbrychus minutus', correctName: 'Ixobrychus minutus', keepAsSynonym: true, reason: 'SOURCES: misspelling' },
  { wrongName: 'Lophtriorchis kienerii', correctName: 'Lophotriorchis kienerii', keepAsSynonym: true, reason: 'SOURCES: misspelling' },
  { wrongName: 'Eumetonpias jubatus', correctName: 'Eumetopias jubatus', keepAsSynonym: true, reason: 'SOURCES: misspelling' },
  { wrongName: 'Semmopithecus schistaceus', correctName: 'Semnopithecus schistaceus', keepAsSynonym: true, reason: 'SOURCES: misspelling' },
  { wrongName: 'Teinopalpus imperialism', correctName: 'Teinopalpus imperialis', keepAsSynonym: true, reason: 'SOURCES: misspelling' },
  { wrongName: 'Parnassius appollo', correctName: 'Parnassius apollo', keepAsSynonym: true, reason: 'SOURCES: misspelling' },
  { wrongName: 'Bhutanitis yulongensisn', correctName: 'Bhutanitis yulongensis', keepAsSynonym: true, reason: 'SOURCES: misspelling' },
  // "Ketupa Zeylonensis" (capital Z) needs no entry: normalizeScientificName() lower-cases the epithet,
  // and nameKey() of both spellings is the same, so a synonym would add nothing.
  // Misspellings found in review.
  { wrongName: 'Arctogalidia trivigata', correctName: 'Arctogalidia trivirgata', keepAsSynonym: true, reason: 'review: misspelling (小齿狸)' },
  { wrongName: 'Indopacetus pecificus', correctName: 'Indopacetus pacificus', keepAsSynonym: true, reason: 'review: misspelling (朗氏喙鲸)' },
  { wrongName: 'Muntiacus gongshanesis', correctName: 'Muntiacus gongshanensis', keepAsSynonym: true, reason: 'review: misspelling (贡山麂)' },
  { wrongName: 'Margaritiana dahurica', correctName: 'Margaritifera dahurica', keepAsSynonym: true, reason: 'review: misspelt genus (珠母珍珠蚌)' },
  { wrongName: 'Lutrongale perspicillata', correctName: 'Lutrogale perspicillata', keepAsSynonym: true, reason: 'review: misspelt genus (江獭)' },
  { wrongName: 'Nyctereutes procyonides', correctName: 'Nyctereutes procyonoides', keepAsSynonym: true, reason: 'review: misspelling (貉)' },
  { wrongName: 'Pangasius sanitwangsei', correctName: 'Pangasius sanitwongsei', keepAsSynonym: true, reason: 'review: misspelling (长丝𩷶)' },
  // Not corrected on purpose: Percocypris retrodorslis is the original (and valid) spelling;
  // Icthyophaga is the genus as IOC spells it.
];

export interface LevelCorrection {
  chineseName: string;
  scientificName: string;
  level: ProtectionClass;
  reason: string;
}

/**
 * Protection-class corrections for the 2021 animal file. Its build script marked every Wikipedia row
 * without "Ⅰ" as Ⅱ, and the file has 230 × Ⅰ where the announcement has 234 (SOURCES §6).
 * Only entries with independent evidence are corrected here; the other two missing Ⅰ are unknown.
 */
export const LEVEL_CORRECTIONS: readonly LevelCorrection[] = [
  {
    chineseName: '白枕鹤',
    scientificName: 'Grus vipio',
    level: 'I',
    reason: 'raised from Ⅱ (1989) to Ⅰ in the 2021 list; the file has Ⅱ. Reported as 国家一级 in 2021-list news coverage',
  },
  {
    chineseName: '长丝𩷶',
    scientificName: 'Pangasius sanitwongsei',
    level: 'I',
    reason: 'SOURCES §6: Ⅱ in the file, Ⅰ in third-party summaries of the 2021 list',
  },
];

/** Chinese-name typos (the wrong form is kept in chineseSynonyms). */
export const CHINESE_NAME_CORRECTIONS: readonly { wrong: string; correct: string; reason: string }[] = [
  { wrong: '拟高梁', correct: '拟高粱', reason: 'SOURCES §6: 梁 for 粱 (Sorghum propinquum)' },
];

/** Higher-taxon spellings in group rows. */
export const GROUP_NAME_CORRECTIONS: Readonly<Record<string, string>> = {
  Bucertidae: 'Bucerotidae', // legacy 1989 list, 犀鸟科
};

/**
 * The 2021 plant list is the list of "wild plants" in the legal sense and includes fungi; these genera
 * get kingdom Fungi. (Algae and the cyanobacterium 发菜 Nostoc stay under Plantae: the Kingdom type
 * has no other bucket, and the list treats them as plants.)
 */
export const FUNGAL_GENERA: ReadonlySet<string> = new Set(['Ophiocordyceps', 'Tuber', 'Tricholoma', 'Leucocalocybe']);

// ---------------------------------------------------------------------------------------------
// Small helpers
// ---------------------------------------------------------------------------------------------

/** 'Ⅰ'/'Ⅱ' (U+2160/U+2161), 'I'/'II', '一级'/'二级', '1'/'2', '国家一级…' → 'I' | 'II'; anything else → null. */
export function parseProtectionLevel(value: unknown): ProtectionClass | null {
  if (typeof value !== 'string' && typeof value !== 'number') return null;
  const s = String(value).normalize('NFKC').replace(/\s+/g, '').toUpperCase(); // NFKC: Ⅰ→I, Ⅱ→II
  if (/^(国家)?(II|2|二)级?$/.test(s) || /二级/.test(s)) return 'II';
  if (/^(国家)?(I|1|一)级?$/.test(s) || /一级/.test(s)) return 'I';
  return null;
}

/** Removes MediaWiki markup left in the notes: ''italic'', '''bold''', [[link]], [[target|label]], {{templates}}, <tags>. */
export function stripWikiMarkup(s: string): string {
  return s
    .replace(/\{\{[^{}]*\}\}/g, '')
    .replace(/\[\[(?:[^\]|]*\|)?([^\]]*)\]\]/g, '$1')
    .replace(/'{2,}/g, '')
    .replace(/<[^>]+>/g, '')
    .replace(/\s+/g, ' ')
    .trim();
}

const WILD_ONLY = /仅限野外种群|仅限陆封种群/;

function isWildOnly(note: string | null | undefined): boolean {
  return !!note && WILD_ONLY.test(note);
}

/** 原名“达氏鲟” → ['达氏鲟']; [[凹叶厚朴]]并入本种 → ['凹叶厚朴']. Works on the raw note (before markup is stripped). */
function chineseSynonymsFromNote(rawNote: string): string[] {
  const out: string[] = [];
  for (const m of rawNote.matchAll(/原名\s*[“"「『]([^”"」』]+)[”"」』]/g)) out.push(normalizeChineseName(m[1]!));
  for (const m of rawNote.matchAll(/\[\[(?:[^\]|]*\|)?([^\]]+)\]\]\s*并入本种/g)) out.push(normalizeChineseName(m[1]!));
  return out;
}

/** 包括 ''Cypripedium singchii'' → ['Cypripedium singchii'] (names the entry explicitly includes). */
function scientificSynonymsFromNote(rawNote: string): string[] {
  const out: string[] = [];
  for (const m of rawNote.matchAll(/包括\s*''([A-Z][^']+)''/g)) out.push(normalizeScientificName(m[1]!));
  return out;
}

/** 异名，见 Taiwania cryptomerioides → 'Taiwania cryptomerioides'. */
function synonymTargetFromNote(rawNote: string): string | null {
  const m = /异名\s*[，,：:]?\s*见\s*([A-Z][A-Za-z×. -]*[a-z])\s*[。.]?\s*$/.exec(stripWikiMarkup(rawNote));
  return m ? normalizeScientificName(m[1]!) : null;
}

function findCorrection(rawName: string, chineseName: string | null): NameCorrection | undefined {
  const key = nameKey(rawName);
  const genusKey = key.split(' ')[0];
  return CORRECTIONS.find((c) => {
    if (c.chineseName !== undefined && c.chineseName !== chineseName) return false;
    const wrong = nameKey(c.wrongName);
    return wrong.includes(' ') ? wrong === key : wrong === genusKey;
  });
}

interface CorrectedName {
  scientificName: string;
  synonyms: string[];
  warning: string | null;
}

/** Applies CORRECTIONS to one row's name. */
function correctName(rawName: string, chineseName: string | null, where: string): CorrectedName {
  const clean = normalizeScientificName(rawName);
  const c = findCorrection(rawName, chineseName);
  if (!c) return { scientificName: clean, synonyms: [], warning: null };
  const wrongIsGenus = !c.wrongName.includes(' ');
  const corrected = wrongIsGenus
    ? normalizeScientificName(clean.includes(' ') ? c.correctName + clean.slice(clean.indexOf(' ')) : c.correctName)
    : normalizeScientificName(c.correctName);
  const synonyms = c.keepAsSynonym && nameKey(clean) !== nameKey(corrected) ? [clean] : [];
  const kept = c.keepAsSynonym ? `"${clean}" kept as a synonym` : `"${clean}" NOT kept as a synonym`;
  return {
    scientificName: corrected,
    synonyms,
    warning: `${where}: ${chineseName ?? ''} "${clean}" corrected to "${corrected}" (${kept}; ${c.reason})`,
  };
}

/**
 * A misapplied name that was corrected away (Falco vespertinus) and is no row's name afterwards: say
 * so, since records under that name now resolve to no listed taxon (they must not resolve to 红隼).
 */
function warnMisappliedNames(species: TaxonInput[], source: string, warnings: string[]): void {
  const present = new Set(species.flatMap((t) => [t.scientificName, ...t.synonyms]).map(nameKey));
  for (const c of CORRECTIONS) {
    if (c.keepAsSynonym || !c.chineseName) continue;
    const corrected = species.some((t) => t.chineseName === c.chineseName && nameKey(t.scientificName) === nameKey(c.correctName));
    if (corrected && !present.has(nameKey(c.wrongName))) {
      warnings.push(
        `${source}: after correcting ${c.chineseName}, no entry of this list is named "${c.wrongName}"; that name resolves to no listed taxon here`,
      );
    }
  }
}

const SCIENTIFIC_NAME_SHAPE = /^×?[A-Z][a-z-]+( ×)? [a-z][a-z-]*( (var\.|subsp\.|f\.))?( [a-z][a-z-]*)?$/;

function kingdomFor(scientificName: string, base: Kingdom): Kingdom {
  const genus = scientificName.split(' ')[0] ?? '';
  return base === 'Plantae' && FUNGAL_GENERA.has(genus) ? 'Fungi' : base;
}

function pushUnique(list: string[], values: Iterable<string>, exclude: (v: string) => boolean = () => false): void {
  for (const v of values) {
    if (!v || exclude(v)) continue;
    if (!list.some((x) => nameKey(x) === nameKey(v))) list.push(v);
  }
}

/** Merges a duplicate row into the taxon already parsed under the same name key. */
function mergeInto(target: TaxonInput, dup: TaxonInput, warnings: string[], where: string): void {
  if (dup.protectionClass !== target.protectionClass) {
    warnings.push(`${where}: duplicate "${dup.scientificName}" with a different class (${dup.protectionClass} vs ${target.protectionClass}); first kept`);
  } else {
    warnings.push(`${where}: duplicate "${dup.scientificName}" merged`);
  }
  pushUnique(target.synonyms, dup.synonyms, (v) => nameKey(v) === nameKey(target.scientificName));
  const cs = (target.chineseSynonyms ??= []);
  const extraChinese = [...(dup.chineseName ? [dup.chineseName] : []), ...(dup.chineseSynonyms ?? [])];
  pushUnique(cs, extraChinese, (v) => v === target.chineseName);
  target.wildOnly ||= dup.wildOnly;
}

// ---------------------------------------------------------------------------------------------
// The 2021 JSON lists
// ---------------------------------------------------------------------------------------------

interface RawSpeciesRow {
  chineseName?: unknown;
  scientificName?: unknown;
  level?: unknown;
  status?: unknown;
  note?: unknown;
  aquatic?: unknown;
}
interface RawRuleRow {
  chineseName?: unknown;
  genus?: unknown;
  taxon?: unknown;
  section?: unknown;
  rank?: unknown;
  match?: unknown;
  level?: unknown;
  status?: unknown;
  note?: unknown;
  excludeChinese?: unknown;
}

function str(v: unknown): string | null {
  return typeof v === 'string' && v.trim() !== '' ? v : null;
}

/**
 * Parses one of the two 2021 list files (国家重点保护野生动物名录 / 国家重点保护野生植物名录, JSON as in
 * shared/data/species-lists/). `kingdom` is the list's kingdom; fungi in the plant list get 'Fungi'.
 *
 * - Names are normalised (single spaces, "var. x", "Genus × epithet") and corrected per CORRECTIONS,
 *   LEVEL_CORRECTIONS and CHINESE_NAME_CORRECTIONS; each correction is a warning.
 * - Rank from the name: three words or subsp. → subspecies, var. → variety, f. → form; parentName is
 *   then the binomial.
 * - note: wiki markup stripped → protectionNote; 仅限野外种群 / 仅限陆封种群 → wildOnly;
 *   原名“…” and [[…]]并入本种 → chineseSynonyms; 包括 ''Latin'' → synonyms.
 * - A row whose note says 异名，见 X (the plant file's Taiwania flousiana) is merged into X as a synonym.
 * - taxonRules → rules (genus, family, order, section; a section is "Genus sect. Section").
 */
export function parseNational2021List(json: unknown, kingdom: 'Animalia' | 'Plantae', source: string): ParsedSpeciesList {
  if (typeof json !== 'object' || json === null || !Array.isArray((json as { species?: unknown }).species)) {
    throw new Error('parseNational2021List: expected an object with a "species" array');
  }
  const doc = json as { species: unknown[]; taxonRules?: unknown };
  const warnings: string[] = [];
  const species: TaxonInput[] = [];
  const byKey = new Map<string, TaxonInput>();
  const synonymRows: { row: TaxonInput; target: string; index: number }[] = [];

  doc.species.forEach((raw, index) => {
    const where = `${source} species[${index}]`;
    const row = (typeof raw === 'object' && raw !== null ? raw : {}) as RawSpeciesRow;
    const rawName = str(row.scientificName);
    const rawChinese = str(row.chineseName);
    if (!rawName) {
      warnings.push(`${where}: no scientificName; row skipped`);
      return;
    }
    let chineseName = rawChinese ? normalizeChineseName(rawChinese) : null;
    const chineseSynonyms: string[] = [];
    const cnFix = CHINESE_NAME_CORRECTIONS.find((c) => c.wrong === chineseName);
    if (cnFix) {
      warnings.push(`${where}: Chinese name "${cnFix.wrong}" corrected to "${cnFix.correct}" (${cnFix.reason})`);
      chineseSynonyms.push(cnFix.wrong);
      chineseName = cnFix.correct;
    }

    const { scientificName, synonyms, warning } = correctName(rawName, rawChinese ? normalizeChineseName(rawChinese) : null, where);
    if (warning) warnings.push(warning);

    let protectionClass = parseProtectionLevel(row.level);
    const statusClass = parseProtectionLevel(str(row.status));
    if (!protectionClass) {
      protectionClass = statusClass;
      warnings.push(
        `${where}: level ${JSON.stringify(row.level)} not understood; ${protectionClass ? `class ${protectionClass} taken from status` : 'row skipped'}`,
      );
      if (!protectionClass) return;
    } else if (statusClass && statusClass !== protectionClass) {
      warnings.push(`${where}: level ${protectionClass} disagrees with status "${String(row.status)}"; level kept`);
    }
    const levelFix = LEVEL_CORRECTIONS.find((c) => c.chineseName === chineseName && nameKey(c.scientificName) === nameKey(scientificName));
    if (levelFix && levelFix.level !== protectionClass) {
      warnings.push(`${where}: ${chineseName} ${scientificName} class ${protectionClass} corrected to ${levelFix.level} (${levelFix.reason})`);
      protectionClass = levelFix.level;
    }

    const rawNote = str(row.note);
    const note = rawNote ? stripWikiMarkup(rawNote) : null;
    if (rawNote && note !== rawNote.trim()) warnings.push(`${where}: wiki markup stripped from note "${rawNote}"`);
    if (rawNote) {
      pushUnique(chineseSynonyms, chineseSynonymsFromNote(rawNote), (v) => v === chineseName);
      pushUnique(synonyms, scientificSynonymsFromNote(rawNote), (v) => nameKey(v) === nameKey(scientificName));
    }

    const rank = rankOf(scientificName);
    const taxon: TaxonInput = {
      scientificName,
      chineseName,
      rank,
      kingdom: kingdomFor(scientificName, kingdom),
      ...(rank !== 'species' ? { parentName: speciesOf(scientificName) } : {}),
      protectionClass,
      protectionNote: note,
      wildOnly: isWildOnly(note),
      synonyms,
      chineseSynonyms,
      sensitive: false,
      invasive: false,
      inJilin: false,
      sources: [source],
    };

    const target = rawNote ? synonymTargetFromNote(rawNote) : null;
    if (target) {
      synonymRows.push({ row: taxon, target, index });
      return;
    }
    const key = nameKey(scientificName);
    const existing = byKey.get(key);
    if (existing) {
      mergeInto(existing, taxon, warnings, where);
      return;
    }
    byKey.set(key, taxon);
    species.push(taxon);
  });

  // Synonym rows ("异名，见 X") resolve to X once every accepted row is known.
  for (const { row, target, index } of synonymRows) {
    const where = `${source} species[${index}]`;
    const accepted = byKey.get(nameKey(target));
    if (!accepted) {
      warnings.push(`${where}: "${row.scientificName}" says 异名，见 ${target}, which is not in the list; kept as its own taxon`);
      byKey.set(nameKey(row.scientificName), row);
      species.push(row);
      continue;
    }
    if (row.protectionClass !== accepted.protectionClass) {
      warnings.push(
        `${where}: synonym row class ${row.protectionClass} differs from ${accepted.scientificName} (${accepted.protectionClass}); accepted name's class kept`,
      );
    }
    pushUnique(accepted.synonyms, [row.scientificName, ...row.synonyms], (v) => nameKey(v) === nameKey(accepted.scientificName));
    pushUnique(
      (accepted.chineseSynonyms ??= []),
      [...(row.chineseName ? [row.chineseName] : []), ...(row.chineseSynonyms ?? [])],
      (v) => v === accepted.chineseName,
    );
    warnings.push(`${where}: synonym row "${row.scientificName}" (${row.chineseName ?? ''}) merged into "${accepted.scientificName}"`);
  }

  warnMisappliedNames(species, source, warnings);
  const rules = parseRules(doc.taxonRules, kingdom, source, warnings);
  return { species, rules, warnings };
}

function parseRules(raw: unknown, kingdom: Kingdom, source: string, warnings: string[]): TaxonRuleInput[] {
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) {
    warnings.push(`${source}: taxonRules is not an array; ignored`);
    return [];
  }
  const rules: TaxonRuleInput[] = [];
  raw.forEach((r0, index) => {
    const where = `${source} taxonRules[${index}]`;
    const r = (typeof r0 === 'object' && r0 !== null ? r0 : {}) as RawRuleRow;
    const match = str(r.match) ?? str(r.rank) ?? (str(r.genus) ? 'genus' : null);
    const genus = str(r.genus);
    const taxon = str(r.taxon);
    const section = str(r.section);
    const chineseName = str(r.chineseName);
    const protectionClass = parseProtectionLevel(r.level) ?? parseProtectionLevel(str(r.status));
    if (match !== 'genus' && match !== 'family' && match !== 'order' && match !== 'section') {
      warnings.push(`${where}: unknown rank ${JSON.stringify(match)}; rule skipped`);
      return;
    }
    let scientificName: string | null;
    if (match === 'section') scientificName = genus && section ? `${normalizeScientificName(genus)} sect. ${section.trim()}` : null;
    else if (match === 'genus') scientificName = genus ?? taxon;
    else scientificName = taxon ?? genus;
    if (!scientificName || !chineseName || !protectionClass) {
      warnings.push(`${where}: missing name, Chinese name or class; rule skipped`);
      return;
    }
    if (match !== 'section') scientificName = scientificName.trim();
    const fixed = GROUP_NAME_CORRECTIONS[scientificName];
    if (fixed) {
      warnings.push(`${where}: group name "${scientificName}" corrected to "${fixed}"`);
      scientificName = fixed;
    }
    const rawNote = str(r.note);
    const note = rawNote ? stripWikiMarkup(rawNote) : null;
    const excludeChinese: string[] = [];
    if (Array.isArray(r.excludeChinese)) {
      for (const e of r.excludeChinese) {
        if (typeof e !== 'string' || !e.trim()) continue;
        const n = normalizeChineseName(e);
        // "栽培种" in the 牡丹组 exclusions is a category (cultivated forms), not a species name.
        if (n === '栽培种') {
          warnings.push(`${where}: exclusion "栽培种" is not a name (cultivated forms are never wild-protected); dropped`);
          continue;
        }
        excludeChinese.push(n);
      }
    }
    rules.push({
      rank: match,
      scientificName,
      chineseName: normalizeChineseName(chineseName),
      kingdom: kingdomFor(scientificName, kingdom),
      protectionClass,
      note,
      wildOnly: isWildOnly(note) || isWildOnly(str(r.status)),
      excludeChinese,
      sources: [source],
    });
  });
  return rules;
}

// ---------------------------------------------------------------------------------------------
// CSV lists
// ---------------------------------------------------------------------------------------------

const HEADER_ALIASES = {
  chinese: ['中文名', '中文名称', '物种中文名', '中文', 'chinesename', 'vernacularname'],
  scientific: ['拉丁名', '学名', '物种学名', '拉丁学名', 'scientificname', 'sci_name', 'latinname'],
  level: ['保护级别', '保护等级', '级别', '等级', 'level', 'protectionclass', 'protectionlevel'],
  classLatin: ['class', 'taxonclass'],
  classZh: ['纲'],
  orderLatin: ['order'],
  orderZh: ['目'],
  familyLatin: ['family'],
  familyZh: ['科'],
  note: ['备注', '说明', 'note', 'notes', 'remarks'],
} as const;

const CLASS_KINGDOM: Readonly<Record<string, Kingdom>> = {
  mammalia: 'Animalia',
  aves: 'Animalia',
  reptilia: 'Animalia',
  amphibia: 'Animalia',
  pisces: 'Animalia',
  actinopterygii: 'Animalia',
  chondrichthyes: 'Animalia',
  elasmobranchii: 'Animalia',
  petromyzonti: 'Animalia',
  cephalaspidomorphi: 'Animalia',
  leptocardii: 'Animalia',
  appendicularia: 'Animalia',
  insecta: 'Animalia',
  arachnida: 'Animalia',
  malacostraca: 'Animalia',
  merostomata: 'Animalia',
  anthozoa: 'Animalia',
  hydrozoa: 'Animalia',
  gastropoda: 'Animalia',
  bivalvia: 'Animalia',
  lamellibranchia: 'Animalia',
  cephalopoda: 'Animalia',
  enteropneusta: 'Animalia',
  holothuroidea: 'Animalia',
  哺乳纲: 'Animalia',
  鸟纲: 'Animalia',
  爬行纲: 'Animalia',
  两栖纲: 'Animalia',
  鱼纲: 'Animalia',
  昆虫纲: 'Animalia',
  magnoliopsida: 'Plantae',
  liliopsida: 'Plantae',
  pinopsida: 'Plantae',
  cycadopsida: 'Plantae',
  ginkgoopsida: 'Plantae',
  gnetopsida: 'Plantae',
  polypodiopsida: 'Plantae',
  lycopodiopsida: 'Plantae',
  bryopsida: 'Plantae',
  sphagnopsida: 'Plantae',
  木兰纲: 'Plantae',
  百合纲: 'Plantae',
  松柏纲: 'Plantae',
  agaricomycetes: 'Fungi',
  sordariomycetes: 'Fungi',
  pezizomycetes: 'Fungi',
};

function findColumn(header: string[], aliases: readonly string[]): number {
  const norm = header.map((h) => h.normalize('NFKC').replace(/\s+/g, '').toLowerCase());
  for (const a of aliases) {
    const i = norm.indexOf(a.toLowerCase());
    if (i >= 0) return i;
  }
  return -1;
}

const AGGREGATE_CHINESE = /[（(]\s*所有种\s*[）)]/;

export interface CsvListOptions {
  /** Kingdom of every row. Default: from the class column (Mammalia → Animalia, …), else Animalia with a warning. */
  kingdom?: Kingdom;
  /** Field delimiter; default: tab when the header has tabs and no commas, else comma. */
  delimiter?: string;
}

/**
 * Parses a CSV species list with columns 中文名, 拉丁名 (or 学名 / scientificName), 保护级别
 * (Ⅰ/Ⅱ/一级/二级/I/II) and optional 纲/class, 目/order, 科/family. Latin class/order/family columns are
 * preferred to Chinese ones where both exist.
 *
 * Aggregate rows become rules instead of taxa:
 * - `蜂猴（所有种）,Nycticebus spp.` → genus rule Nycticebus;
 * - `隼科（所有种）,Falconidae`, `鸮形目（所有种）,Strigiformes` → family / order rules (rank from the
 *   Latin ending -idae / -formes, the row's own family/order column, or the Chinese 科/目/属 suffix);
 * - `其他鲸类,(Cetacea)`: the group's species not listed separately; the separately listed species of
 *   that group (by the row's order/family column) go into excludeChinese;
 * - a single Latin word with no epithet (`红珊瑚,Corallium`) → genus rule.
 * A trailing parenthetical name ("Felis lybica (F. silvestris)") becomes a synonym; a subgenus
 * ("Carabus (Coptolabrus) lafossei") is dropped from the name.
 */
export function parseSpeciesListCsv(text: string, source: string, opts: CsvListOptions = {}): ParsedSpeciesList {
  const warnings: string[] = [];
  const body = text.replace(/^\ufeff/, '');
  const firstLine = body.slice(0, body.search(/\r?\n|$/));
  const delimiter = opts.delimiter ?? (firstLine.includes('\t') && !firstLine.includes(',') ? '\t' : ',');
  const records = parseCsv(body, {
    delimiter,
    relax_column_count: true,
    relax_quotes: true,
    skip_empty_lines: true,
    trim: true,
  }) as string[][];
  if (records.length === 0) return { species: [], rules: [], warnings: [`${source}: empty file`] };
  const header = records[0]!;
  const col = {
    chinese: findColumn(header, HEADER_ALIASES.chinese),
    scientific: findColumn(header, HEADER_ALIASES.scientific),
    level: findColumn(header, HEADER_ALIASES.level),
    cls: (() => {
      const l = findColumn(header, HEADER_ALIASES.classLatin);
      return l >= 0 ? l : findColumn(header, HEADER_ALIASES.classZh);
    })(),
    order: (() => {
      const l = findColumn(header, HEADER_ALIASES.orderLatin);
      return l >= 0 ? l : findColumn(header, HEADER_ALIASES.orderZh);
    })(),
    family: (() => {
      const l = findColumn(header, HEADER_ALIASES.familyLatin);
      return l >= 0 ? l : findColumn(header, HEADER_ALIASES.familyZh);
    })(),
    note: findColumn(header, HEADER_ALIASES.note),
  };
  if (col.scientific < 0) throw new Error(`${source}: no scientific-name column (拉丁名 / 学名 / scientificName) in header ${JSON.stringify(header)}`);
  if (col.level < 0) warnings.push(`${source}: no protection-level column; every row gets protectionClass null`);

  const cell = (r: string[], i: number): string | null => (i >= 0 && r[i] !== undefined && r[i]!.trim() !== '' ? r[i]!.trim() : null);
  let kingdomWarned = false;
  const kingdomOf = (cls: string | null): Kingdom => {
    if (opts.kingdom) return opts.kingdom;
    const k = cls ? CLASS_KINGDOM[cls.toLowerCase()] : undefined;
    if (k) return k;
    if (!kingdomWarned) {
      warnings.push(`${source}: kingdom not given and not known from class ${JSON.stringify(cls)}; Animalia assumed`);
      kingdomWarned = true;
    }
    return 'Animalia';
  };

  const species: TaxonInput[] = [];
  const byKey = new Map<string, TaxonInput>();
  const rules: (TaxonRuleInput & { other: boolean })[] = [];
  const rows = records.slice(1);
  rows.forEach((r, i) => {
    const where = `${source} line ${i + 2}`;
    const rawChinese = cell(r, col.chinese);
    const rawSci = cell(r, col.scientific);
    if (!rawSci) {
      warnings.push(`${where}: no scientific name; row skipped`);
      return;
    }
    const level = col.level >= 0 ? parseProtectionLevel(cell(r, col.level)) : null;
    if (col.level >= 0 && !level) warnings.push(`${where}: protection level ${JSON.stringify(cell(r, col.level))} not understood; class null`);
    const taxonClass = cell(r, col.cls);
    const order = cell(r, col.order);
    const family = cell(r, col.family);
    const note = cell(r, col.note);
    const kingdom = kingdomOf(taxonClass);

    // --- aggregate rows → rules
    const chineseClean = rawChinese ? normalizeChineseName(rawChinese) : null;
    const isAll = !!chineseClean && AGGREGATE_CHINESE.test(chineseClean);
    const isOther = !!chineseClean && /^其他/.test(chineseClean);
    const sciNoParens = rawSci.replace(/^\((.*)\)$/, '$1').trim();
    const isSpp = /\s+spp?\.?$/i.test(sciNoParens);
    const isSingleWord = /^[A-Z][a-z]+$/.test(sciNoParens);
    if (isAll || isOther || isSpp || isSingleWord) {
      let groupName = sciNoParens.replace(/\s+spp?\.?$/i, '').trim();
      const fixed = GROUP_NAME_CORRECTIONS[groupName];
      if (fixed) {
        warnings.push(`${where}: group name "${groupName}" corrected to "${fixed}"`);
        groupName = fixed;
      }
      const chineseGroup = (chineseClean ?? '').replace(AGGREGATE_CHINESE, '');
      let rank: TaxonRuleInput['rank'];
      if (isSpp) rank = 'genus';
      else if (/idae$/.test(groupName)) rank = 'family';
      else if (/formes$/.test(groupName)) rank = 'order';
      else if (order && order.replace(/[()]/g, '') === groupName) rank = 'order';
      else if (family && family.replace(/[()]/g, '') === groupName) rank = 'family';
      else if (/目$/.test(chineseGroup)) rank = 'order';
      else if (/科$/.test(chineseGroup)) rank = 'family';
      else rank = 'genus';
      if (!level) {
        warnings.push(`${where}: group row "${rawChinese}" without a protection class; skipped`);
        return;
      }
      const ruleNote = [isAll ? '所有种' : null, isOther ? '其他：本类群中未单独列出的种' : null, note].filter((x): x is string => !!x).join('；') || null;
      rules.push({
        rank,
        scientificName: groupName,
        chineseName: chineseGroup || groupName,
        kingdom,
        protectionClass: level,
        note: ruleNote,
        wildOnly: isWildOnly(note),
        excludeChinese: [],
        sources: [source],
        other: isOther,
      });
      if (!isAll && !isSpp) warnings.push(`${where}: "${rawChinese}, ${rawSci}" read as a ${rank} rule`);
      return;
    }

    // --- species rows
    const synonyms: string[] = [];
    let nameText = rawSci;
    const trailing = /^(.*\S)\s*\(([^()]+)\)\s*$/.exec(rawSci);
    if (trailing && /\s/.test(trailing[1]!.trim()) && !/^\d|,\s*\d{4}/.test(trailing[2]!)) {
      // "Felis lybica (F. silvestris)": the parenthesis is an alternative name, not an author.
      nameText = trailing[1]!;
      const alt = trailing[2]!.trim();
      const mainGenus = normalizeScientificName(nameText).split(' ')[0]!;
      const expanded = alt.replace(/^([A-Z])\.\s*/, (_m, initial: string) => (mainGenus.startsWith(initial) ? `${mainGenus} ` : `${initial}. `));
      if (/^[A-Z][a-z]+ [a-z]/.test(expanded)) synonyms.push(normalizeScientificName(expanded));
      else warnings.push(`${where}: parenthesis "(${alt})" not understood; ignored`);
    }
    const corrected = correctName(nameText, chineseClean, where);
    if (corrected.warning) warnings.push(corrected.warning);
    pushUnique(synonyms, corrected.synonyms);
    const scientificName = corrected.scientificName;
    if (!SCIENTIFIC_NAME_SHAPE.test(scientificName))
      warnings.push(`${where}: "${rawSci}" does not look like a binomial or trinomial; kept as "${scientificName}"`);
    const rank = rankOf(scientificName);
    const taxon: TaxonInput = {
      scientificName,
      chineseName: chineseClean,
      rank,
      kingdom: kingdomFor(scientificName, kingdom),
      taxonClass,
      order,
      family,
      ...(rank !== 'species' ? { parentName: speciesOf(scientificName) } : {}),
      protectionClass: level,
      protectionNote: note,
      wildOnly: isWildOnly(note),
      synonyms: synonyms.filter((s) => nameKey(s) !== nameKey(scientificName)),
      chineseSynonyms: note ? chineseSynonymsFromNote(note) : [],
      sensitive: false,
      invasive: false,
      inJilin: false,
      sources: [source],
    };
    const key = nameKey(scientificName);
    const existing = byKey.get(key);
    if (existing) {
      mergeInto(existing, taxon, warnings, where);
      return;
    }
    byKey.set(key, taxon);
    species.push(taxon);
  });

  // "其他鲸类 (Cetacea)": the separately listed members of the group are not covered by the rule.
  for (const rule of rules) {
    if (!rule.other) continue;
    for (const t of species) {
      const inGroup = rule.rank === 'order' ? t.order === rule.scientificName : rule.rank === 'family' ? t.family === rule.scientificName : false;
      if (inGroup && t.chineseName) rule.excludeChinese.push(t.chineseName);
    }
  }
  return { species, rules: rules.map(({ other: _other, ...rule }) => rule), warnings };
}

// ---------------------------------------------------------------------------------------------
// Files
// ---------------------------------------------------------------------------------------------

export interface SpeciesListFileOptions {
  /** Kingdom for lists that do not say (CSV, or JSON without a 动物/植物 title). */
  kingdom?: Kingdom;
  /** Source id recorded on every taxon. Default: national-<version>-animals|plants for the 2021 JSON, else the file's base name. */
  source?: string;
}

function decodeText(buf: Buffer, warnings: string[], file: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(buf).replace(/^\ufeff/, '');
  } catch {
    // Excel in China saves CSV as GBK; GB18030 is its superset.
    warnings.push(`${file}: not valid UTF-8; decoded as GB18030 (GBK)`);
    return new TextDecoder('gb18030').decode(buf);
  }
}

/**
 * Reads a species list and parses it: `.json` (or content starting with "{") as a 2021-style list
 * (kingdom from its title: 动物 → Animalia, 植物 → Plantae, or opts.kingdom) or as a checklist seed
 * ({ taxa, rules }); anything else as CSV (UTF-8, or GBK from Excel).
 */
export async function parseSpeciesListFile(filePath: string, opts: SpeciesListFileOptions = {}): Promise<ParsedSpeciesList> {
  const warnings: string[] = [];
  const text = decodeText(await readFile(filePath), warnings, path.basename(filePath));
  const ext = path.extname(filePath).toLowerCase();
  const base = path.basename(filePath, path.extname(filePath));
  const looksJson = ext === '.json' || (ext !== '.csv' && ext !== '.tsv' && ext !== '.txt' && /^\s*[{[]/.test(text));

  if (looksJson) {
    const json: unknown = JSON.parse(text);
    if (typeof json === 'object' && json !== null && Array.isArray((json as { taxa?: unknown }).taxa)) {
      const seed = json as { taxa: TaxonInput[]; rules?: TaxonRuleInput[] };
      return { species: seed.taxa, rules: seed.rules ?? [], warnings };
    }
    const meta = (typeof json === 'object' && json !== null ? json : {}) as { title?: unknown; version?: unknown };
    const title = typeof meta.title === 'string' ? meta.title : '';
    const fromTitle: 'Animalia' | 'Plantae' | null = /植物/.test(title) ? 'Plantae' : /动物/.test(title) ? 'Animalia' : null;
    const given = opts.kingdom === 'Animalia' || opts.kingdom === 'Plantae' ? opts.kingdom : null;
    const kingdom = given ?? fromTitle;
    if (!kingdom) throw new Error(`${filePath}: cannot tell animals from plants (title ${JSON.stringify(title)}); pass opts.kingdom`);
    if (given && fromTitle && given !== fromTitle) warnings.push(`${filePath}: title says ${fromTitle}, ${given} used as asked`);
    const version = typeof meta.version === 'string' || typeof meta.version === 'number' ? String(meta.version) : 'unknown';
    const source = opts.source ?? `national-${version}-${kingdom === 'Plantae' ? 'plants' : 'animals'}`;
    const parsed = parseNational2021List(json, kingdom, source);
    return { ...parsed, warnings: [...warnings, ...parsed.warnings] };
  }

  const parsed = parseSpeciesListCsv(text, opts.source ?? base, opts.kingdom ? { kingdom: opts.kingdom } : {});
  return { ...parsed, warnings: [...warnings, ...parsed.warnings] };
}
