/**
 * The protected-species lists, parsed in place from ../shared/data/species-lists/ (never copied),
 * and the Jilin checklist seed checked against them.
 *
 * Expected counts are derived from the files by hand (see the comments) and cross-checked here with
 * simple raw reads that do not use the parser.
 */
import { describe, it, expect, beforeAll } from 'vitest';
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  parseNational2021List,
  parseSpeciesListCsv,
  parseSpeciesListFile,
  parseProtectionLevel,
  stripWikiMarkup,
  CORRECTIONS,
} from '../../packages/taxa/src/species-list.parser';
import { nameKey, genusOf, speciesOf, rankOf } from '../../packages/taxa/src/taxon-name';
import type { JilinChecklistSeed, ParsedSpeciesList, TaxonInput, TaxonRuleInput } from '../../packages/taxa/src/taxon.types';

const here = path.dirname(fileURLToPath(import.meta.url));
const LISTS = path.resolve(here, '../../../shared/data/species-lists');
const ANIMALS_2021 = path.join(LISTS, 'china-key-protected-wild-animals-2021.json');
const PLANTS_2021 = path.join(LISTS, 'china-key-protected-wild-plants-2021.json');
const LEGACY_1989 = path.join(LISTS, 'china-key-protected-wild-animals-1989-legacy.csv');
const SEED = path.resolve(here, '../../seeds/taxa/jilin-checklist.json');

const count = <T>(xs: T[], f: (x: T) => boolean): number => xs.filter(f).length;
const byName = (list: ParsedSpeciesList, name: string): TaxonInput | undefined => list.species.find((t) => nameKey(t.scientificName) === nameKey(name));

let animals: ParsedSpeciesList;
let plants: ParsedSpeciesList;
let legacy: ParsedSpeciesList;
let rawAnimals: { species: Array<{ chineseName: string; scientificName: string; level: string; note?: string }>; taxonRules: unknown[] };
let rawPlants: { species: Array<{ chineseName: string; scientificName: string; level: string; note?: string }>; taxonRules: unknown[] };

beforeAll(async () => {
  rawAnimals = JSON.parse(readFileSync(ANIMALS_2021, 'utf8'));
  rawPlants = JSON.parse(readFileSync(PLANTS_2021, 'utf8'));
  animals = await parseSpeciesListFile(ANIMALS_2021);
  plants = await parseSpeciesListFile(PLANTS_2021);
  legacy = await parseSpeciesListFile(LEGACY_1989);
});

describe('2021 animal list (国家重点保护野生动物名录)', () => {
  it('has 976 species rows and 8 group rules in the file', () => {
    expect(rawAnimals.species).toHaveLength(976);
    expect(rawAnimals.taxonRules).toHaveLength(8);
    expect(count(rawAnimals.species, (s) => s.level === 'Ⅰ')).toBe(230); // U+2160
    expect(count(rawAnimals.species, (s) => s.level === 'Ⅱ')).toBe(746); // U+2161
  });

  it('gives 976 taxa: no row is merged', () => {
    // 976 rows; after normalisation and CORRECTIONS every scientific name is distinct (the 红隼/黄爪隼
    // swap moves two names, it does not merge them) and no row is a 异名 row → 976 taxa.
    expect(animals.species).toHaveLength(976);
    expect(new Set(animals.species.map((t) => nameKey(t.scientificName))).size).toBe(976);
    expect(animals.species.every((t) => t.kingdom === 'Animalia' && t.rank === 'species')).toBe(true);
    expect(animals.species.every((t) => t.sources.join() === 'national-2021-animals')).toBe(true);
  });

  it('keeps the class of every row except the two LEVEL_CORRECTIONS (白枕鹤, 长丝𩷶 → I)', () => {
    // 230 × I + 2 corrected = 232; 746 × II − 2 = 744.
    expect(count(animals.species, (t) => t.protectionClass === 'I')).toBe(232);
    expect(count(animals.species, (t) => t.protectionClass === 'II')).toBe(744);
    expect(byName(animals, 'Grus vipio')?.protectionClass).toBe('I');
    expect(animals.warnings.some((w) => w.includes('白枕鹤') && w.includes('corrected to I'))).toBe(true);
  });

  it('has 8 rules: 1 × I (红珊瑚科), 7 × II; 3 of them wild only', () => {
    expect(animals.rules).toHaveLength(8);
    expect(count(animals.rules, (r) => r.protectionClass === 'I')).toBe(1);
    expect(count(animals.rules, (r) => r.protectionClass === 'II')).toBe(7);
    expect(animals.rules.find((r) => r.protectionClass === 'I')).toMatchObject({ rank: 'family', scientificName: 'Coralliidae', chineseName: '红珊瑚科' });
    expect(
      animals.rules
        .filter((r) => r.wildOnly)
        .map((r) => r.scientificName)
        .sort(),
    ).toEqual(['Brachymystax', 'Cuora', 'Hippocampus']);
    expect(animals.rules.map((r) => `${r.rank}:${r.scientificName}`).sort()).toEqual([
      'family:Coralliidae',
      'family:Helioporidae',
      'genus:Brachymystax',
      'genus:Cuora',
      'genus:Hippocampus',
      'genus:Sinocyclocheilus',
      'order:Antipatharia',
      'order:Scleractinia',
    ]);
  });

  it('corrects the 红隼/黄爪隼 swap without making Falco vespertinus a synonym of 红隼', () => {
    const kestrel = animals.species.find((t) => t.chineseName === '红隼');
    expect(kestrel).toMatchObject({ scientificName: 'Falco tinnunculus', protectionClass: 'II' });
    expect(kestrel!.synonyms).not.toContain('Falco vespertinus');
    const lesser = animals.species.find((t) => t.chineseName === '黄爪隼');
    expect(lesser).toMatchObject({ scientificName: 'Falco naumanni', protectionClass: 'II' });
    expect(lesser!.synonyms).not.toContain('Falco tinnunculus');
    // Falco vespertinus (西红脚隼) resolves to nothing here, and the warnings say so.
    const allNames = animals.species.flatMap((t) => [t.scientificName, ...t.synonyms]).map(nameKey);
    expect(allNames).not.toContain(nameKey('Falco vespertinus'));
    expect(count(allNames, (k) => k === nameKey('Falco tinnunculus'))).toBe(1);
    expect(animals.warnings.some((w) => w.includes('红隼') && w.includes('Falco vespertinus') && w.includes('NOT kept'))).toBe(true);
    expect(animals.warnings.some((w) => w.includes('no entry of this list is named "Falco vespertinus"'))).toBe(true);
  });

  it('puts the correct spelling in scientificName and the misspelling in synonyms', () => {
    const whales = animals.species.filter((t) => genusOf(t.scientificName) === 'Balaenoptera');
    expect(whales).toHaveLength(7);
    for (const w of whales) expect(w.synonyms).toEqual([w.scientificName.replace('Balaenoptera', 'Baleanoptera')]);
    expect(animals.species.some((t) => genusOf(t.scientificName) === 'Baleanoptera')).toBe(false);
    const pairs: Array<[string, string]> = [
      ['Bhutanitis yulongensis', 'Bhutanitis yulongensisn'],
      ['Anser cygnoides', 'Anser cygnoid'],
      ['Crossoptilon auritum', 'Crossoptilon aurtun'],
      ['Cholornis paradoxus', 'Cholornis paradocus'],
      ['Ixobrychus minutus', 'Ixbrychus minutus'],
      ['Lophotriorchis kienerii', 'Lophtriorchis kienerii'],
      ['Eumetopias jubatus', 'Eumetonpias jubatus'],
      ['Semnopithecus schistaceus', 'Semmopithecus schistaceus'],
      ['Teinopalpus imperialis', 'Teinopalpus imperialism'],
      ['Parnassius apollo', 'Parnassius appollo'],
      ['Nyctereutes procyonoides', 'Nyctereutes procyonides'],
      ['Centropus sinensis', 'Centropus fuciphagus'],
      ['Ziphius cavirostris', 'Kogia cavirostris'],
    ];
    for (const [right, wrong] of pairs) {
      const t = byName(animals, right);
      expect(t, right).toBeDefined();
      expect(t!.synonyms).toContain(wrong);
      expect(byName(animals, wrong)).toBeUndefined();
    }
    // "Ketupa Zeylonensis": normalisation lower-cases the epithet; both spellings share one key.
    expect(byName(animals, 'Ketupa zeylonensis')?.scientificName).toBe('Ketupa zeylonensis');
    expect(nameKey('Ketupa Zeylonensis')).toBe(nameKey('Ketupa zeylonensis'));
    // every correction in the table is used by some list (no dead entries)
    const used = CORRECTIONS.filter((c) => [...animals.warnings, ...legacy.warnings].some((w) => w.includes(`"${c.wrongName}`)));
    expect(used.length).toBe(CORRECTIONS.length);
  });

  it('has Panthera tigris (虎) and the Jilin flagships in class I', () => {
    expect(byName(animals, 'Panthera tigris')).toMatchObject({ chineseName: '虎', protectionClass: 'I', wildOnly: false });
    for (const n of ['Panthera pardus', 'Mergus squamatus', 'Grus leucogeranus', 'Grus japonensis', 'Ciconia boyciana', 'Moschus moschiferus']) {
      expect(byName(animals, n)?.protectionClass, n).toBe('I');
    }
    expect(byName(animals, 'Leucogeranus leucogeranus')).toBeUndefined(); // the file uses Grus
  });

  it('reads wild-only notes and former Chinese names', () => {
    // 58 × "仅限野外种群" + 厦门文昌鱼 + 松江鲈 (combined with 原名) + 黄𫚉 "仅限陆封种群" = 61.
    const rawWild = count(rawAnimals.species, (s) => /仅限野外种群|仅限陆封种群/.test(s.note ?? ''));
    expect(rawWild).toBe(61);
    expect(count(animals.species, (t) => t.wildOnly)).toBe(61);
    expect(byName(animals, 'Cervus nippon')).toMatchObject({ chineseName: '梅花鹿', protectionClass: 'I', wildOnly: true, protectionNote: '仅限野外种群' });
    expect(byName(animals, 'Dasyatis bennettii')).toMatchObject({ wildOnly: true, protectionNote: '仅限陆封种群' });
    // 32 notes that are only 原名“…” + 厦门文昌鱼 and 松江鲈 (仅限野外种群。原名“…”) = 34 taxa with a former name.
    expect(count(rawAnimals.species, (s) => (s.note ?? '').includes('原名'))).toBe(34);
    expect(count(animals.species, (t) => (t.chineseSynonyms ?? []).length > 0)).toBe(34);
    expect(byName(animals, 'Acipenser dabryanus')?.chineseSynonyms).toEqual(['达氏鲟']);
    expect(byName(animals, 'Branchiostoma belcheri')).toMatchObject({ wildOnly: true, chineseSynonyms: ['文昌鱼'] });
  });
});

describe('2021 plant list (国家重点保护野生植物名录)', () => {
  it('gives 455 taxa from 456 rows: the Taiwania flousiana row is merged as a synonym', () => {
    expect(rawPlants.species).toHaveLength(456);
    expect(plants.species).toHaveLength(455);
    const taiwania = byName(plants, 'Taiwania cryptomerioides');
    expect(taiwania).toMatchObject({ chineseName: '台湾杉', protectionClass: 'II' });
    expect(taiwania!.synonyms).toEqual(['Taiwania flousiana']);
    expect(byName(plants, 'Taiwania flousiana')).toBeUndefined();
    expect(count(plants.species, (t) => t.chineseName === '台湾杉')).toBe(1);
    // classes: 54 × I; 402 × II rows − 1 synonym row = 401.
    expect(count(plants.species, (t) => t.protectionClass === 'I')).toBe(54);
    expect(count(plants.species, (t) => t.protectionClass === 'II')).toBe(401);
  });

  it('has 40 rules: 4 × I (水韭属, 苏铁属, 红豆杉属, 兜兰属), 36 × II', () => {
    expect(plants.rules).toHaveLength(40);
    expect(
      plants.rules
        .filter((r) => r.protectionClass === 'I')
        .map((r) => r.chineseName)
        .sort(),
    ).toEqual(['兜兰属', '水韭属', '红豆杉属', '苏铁属'].sort());
    expect(count(plants.rules, (r) => r.protectionClass === 'II')).toBe(36);
    expect(count(plants.rules, (r) => r.rank === 'genus')).toBe(36);
    expect(plants.rules.find((r) => r.rank === 'family')).toMatchObject({ scientificName: 'Cyatheaceae', excludeChinese: ['小黑桫椤', '粗齿桫椤'] });
    expect(plants.rules.filter((r) => r.rank === 'section').map((r) => r.scientificName)).toEqual([
      'Paeonia sect. Moutan',
      'Camellia sect. Chrysantha',
      'Camellia sect. Thea',
    ]);
    expect(plants.rules.find((r) => r.scientificName === 'Taxus')).toMatchObject({ chineseName: '红豆杉属', protectionClass: 'I' });
    expect(plants.rules.find((r) => r.scientificName === 'Panax')).toMatchObject({ chineseName: '人参属', protectionClass: 'II' });
    // "栽培种" is not a species name and is dropped from the 牡丹组 exclusions, with a warning
    const moutan = plants.rules.find((r) => r.scientificName === 'Paeonia sect. Moutan')!;
    expect(moutan.excludeChinese).toEqual(['卵叶牡丹', '紫斑牡丹', '牡丹']);
    expect(plants.warnings.some((w) => w.includes('栽培种'))).toBe(true);
  });

  it('reads rank from the name, cleans spacing and wiki markup, and files the fungi under Fungi', () => {
    expect(byName(plants, 'Pinus sylvestris var. sylvestriformis')).toMatchObject({
      scientificName: 'Pinus sylvestris var. sylvestriformis',
      chineseName: '长白松',
      rank: 'variety',
      parentName: 'Pinus sylvestris',
    });
    expect(byName(plants, 'Acer amplum subsp. catalpifolium')).toMatchObject({ rank: 'subspecies', parentName: 'Acer amplum' });
    expect(count(plants.species, (t) => t.rank === 'variety')).toBe(11);
    expect(count(plants.species, (t) => t.rank === 'subspecies')).toBe(2);
    expect(byName(plants, 'Poncirus × polyandra')).toMatchObject({ scientificName: 'Poncirus × polyandra', rank: 'species' });
    for (const t of plants.species) {
      expect(t.protectionNote ?? '', t.scientificName).not.toMatch(/''|\[\[|\]\]/);
    }
    expect(byName(plants, 'Houpoea officinalis')).toMatchObject({ protectionNote: '包括种下等级，凹叶厚朴并入本种。', chineseSynonyms: ['凹叶厚朴'] });
    expect(byName(plants, 'Cypripedium subtropicum')?.synonyms).toEqual(['Cypripedium singchii']);
    expect(
      plants.species
        .filter((t) => t.kingdom === 'Fungi')
        .map((t) => t.chineseName)
        .sort(),
    ).toEqual(['中华夏块菌', '松口蘑', '蒙古口蘑', '虫草'].sort());
    expect(byName(plants, 'Sorghum propinquum')).toMatchObject({ chineseName: '拟高粱', chineseSynonyms: ['拟高梁'] });
    expect(plants.species.every((t) => !t.wildOnly)).toBe(true); // the plant list has no wild-only entries
  });
});

describe('legacy 1989 list (CSV)', () => {
  const text = readFileSync(LEGACY_1989, 'utf8');
  const lines = text.split('\n').slice(1); // no trailing newline in the file
  // Derived from reading the file: 257 data rows (98 × Ⅰ, 159 × Ⅱ). Group rows:
  //   25 "（所有种）" rows: 18 "Genus spp." (7 × Ⅰ) + 7 single higher-taxon names (鳍足目 Pinnipedia,
  //      隼科 Falconidae, 鹦鹉科 Psittacidae, 鸮形目 Strigiformes, 犀鸟科 Bucertidae, 阔嘴鸟科 Eurylaimidae,
  //      八色鸫科 Pittidae; all Ⅱ);
  //   2 "其他…" rows: 其他鲸类 (Cetacea) Ⅱ, 其他鹰类 (Accipitridae) Ⅱ;
  //   1 genus without an epithet: 红珊瑚 Corallium Ⅰ.
  // → 28 rules (8 × I, 20 × II; genus 18 + 1 = 19, family 5 + 1 = 6, order 2 + 1 = 3)
  // → 257 − 28 = 229 taxa (90 × I, 139 × II), 5 of them subspecies.
  it('has 257 data rows, 25 of them （所有种）', () => {
    expect(lines).toHaveLength(257);
    expect(count(lines, (l) => l.includes('（所有种）'))).toBe(25);
    expect(count(lines, (l) => /,\s*[A-Z][a-z]+ spp\.,/.test(l))).toBe(18);
    expect(count(lines, (l) => l.startsWith('其他'))).toBe(2);
  });

  it('turns the 28 group rows into rules and the other 229 rows into taxa', () => {
    expect(legacy.rules).toHaveLength(28);
    expect(count(legacy.rules, (r) => r.protectionClass === 'I')).toBe(8);
    expect(count(legacy.rules, (r) => r.protectionClass === 'II')).toBe(20);
    expect(count(legacy.rules, (r) => r.rank === 'genus')).toBe(19);
    expect(count(legacy.rules, (r) => r.rank === 'family')).toBe(6);
    expect(count(legacy.rules, (r) => r.rank === 'order')).toBe(3);
    expect(legacy.species).toHaveLength(229);
    expect(count(legacy.species, (t) => t.protectionClass === 'I')).toBe(90);
    expect(count(legacy.species, (t) => t.protectionClass === 'II')).toBe(139);
    expect(count(legacy.species, (t) => t.rank === 'subspecies')).toBe(5);
  });

  it('reads the group rows correctly', () => {
    expect(legacy.rules.find((r) => r.scientificName === 'Nycticebus')).toMatchObject({
      rank: 'genus',
      chineseName: '蜂猴',
      protectionClass: 'I',
      note: '所有种',
    });
    expect(legacy.rules.find((r) => r.scientificName === 'Moschus')).toMatchObject({ rank: 'genus', protectionClass: 'I' });
    expect(legacy.rules.find((r) => r.scientificName === 'Falconidae')).toMatchObject({ rank: 'family', protectionClass: 'II' });
    expect(legacy.rules.find((r) => r.scientificName === 'Strigiformes')).toMatchObject({ rank: 'order' });
    expect(legacy.rules.find((r) => r.scientificName === 'Pinnipedia')).toMatchObject({ rank: 'order' });
    expect(legacy.rules.find((r) => r.scientificName === 'Bucerotidae')).toMatchObject({ rank: 'family' }); // "Bucertidae" corrected
    expect(legacy.rules.find((r) => r.scientificName === 'Corallium')).toMatchObject({ rank: 'genus', protectionClass: 'I' });
    // 其他鲸类: the two separately listed cetaceans (both Ⅰ) are not covered by the Ⅱ group row
    expect(legacy.rules.find((r) => r.scientificName === 'Cetacea')).toMatchObject({
      rank: 'order',
      protectionClass: 'II',
      excludeChinese: ['白鱀豚', '中华白海豚'],
    });
    expect(legacy.rules.find((r) => r.scientificName === 'Accipitridae')!.excludeChinese).toContain('金雕');
  });

  it('reads the species rows: columns, parenthesised synonyms, subgenera, shared misspellings', () => {
    expect(byName(legacy, 'Panthera tigris')).toMatchObject({
      chineseName: '虎',
      protectionClass: 'I',
      taxonClass: 'Mammalia',
      order: 'Carnivora',
      family: 'Felidae',
    });
    expect(byName(legacy, 'Cuon alpinus')?.protectionClass).toBe('II'); // Ⅱ in 1989, Ⅰ in 2021
    expect(byName(legacy, 'Felis lybica')?.synonyms).toEqual(['Felis silvestris']);
    expect(byName(legacy, 'Bos mutus')?.synonyms).toEqual(['Bos grunniens']);
    expect(byName(legacy, 'Carabus lafossei')?.chineseName).toBe('拉步甲');
    expect(byName(legacy, 'Lepus peguensis hainanus')).toMatchObject({ rank: 'subspecies', parentName: 'Lepus peguensis' });
    expect(byName(legacy, 'Crossoptilon auritum')?.synonyms).toEqual(['Crossoptilon aurtun']);
    expect(legacy.species.every((t) => t.sources.join() === 'china-key-protected-wild-animals-1989-legacy')).toBe(true);
  });
});

describe('parseSpeciesListCsv on other shapes', () => {
  it('accepts 一级/二级/I/II, a scientificName header, 科/目/纲 in Chinese, and genus aggregates', () => {
    const csv = [
      '中文名,scientificName,保护级别,纲,目,科',
      '东北虎,Panthera tigris altaica Temminck 1844,一级,哺乳纲,食肉目,猫科',
      '紫貂,Martes zibellina,I,哺乳纲,食肉目,鼬科',
      '黑熊,Ursus thibetanus,二级,哺乳纲,食肉目,熊科',
      '猞猁,Lynx lynx,II,哺乳纲,食肉目,猫科',
      '蜂猴（所有种）,Nycticebus spp.,Ⅰ,哺乳纲,灵长目,懒猴科',
      '无级别,Sus scrofa,,哺乳纲,偶蹄目,猪科',
    ].join('\r\n');
    const r = parseSpeciesListCsv(csv, 'test-list');
    expect(r.species.map((t) => [t.scientificName, t.protectionClass])).toEqual([
      ['Panthera tigris altaica', 'I'],
      ['Martes zibellina', 'I'],
      ['Ursus thibetanus', 'II'],
      ['Lynx lynx', 'II'],
      ['Sus scrofa', null],
    ]);
    expect(r.species[0]).toMatchObject({ rank: 'subspecies', parentName: 'Panthera tigris', family: '猫科', taxonClass: '哺乳纲', kingdom: 'Animalia' });
    expect(r.rules).toEqual([
      {
        rank: 'genus',
        scientificName: 'Nycticebus',
        chineseName: '蜂猴',
        kingdom: 'Animalia',
        protectionClass: 'I',
        note: '所有种',
        wildOnly: false,
        excludeChinese: [],
        sources: ['test-list'],
      },
    ]);
    expect(r.warnings.some((w) => w.includes('line 7'))).toBe(true); // the row without a level is reported
  });

  it('merges duplicate rows and rejects a file without a name column', () => {
    const r = parseSpeciesListCsv('中文名,拉丁名,保护级别\n虎,Panthera tigris,Ⅰ\n老虎,Panthera  tigris Linnaeus 1758,Ⅰ\n', 'dup');
    expect(r.species).toHaveLength(1);
    expect(r.species[0]!.chineseSynonyms).toEqual(['老虎']);
    expect(r.warnings.some((w) => w.includes('duplicate'))).toBe(true);
    expect(() => parseSpeciesListCsv('中文名,级别\n虎,Ⅰ\n', 'bad')).toThrow(/scientific-name column/);
  });

  it('reads a GBK-encoded CSV file (Excel in China) by content', async () => {
    // "中文名,拉丁名,保护级别\n东北虎,Panthera tigris altaica,一级\n紫貂,Martes zibellina,Ⅰ\n" in GBK
    const hex =
      'd6d0cec4c3fb2cc0adb6a1c3fb2cb1a3bba4bcb6b1f00ab6abb1b1bba22c50616e74686572612074696772697320616c74616963612cd2bbbcb60ad7cff5f52c4d6172746573207a6962656c6c696e612ca2f10a';
    const dir = mkdtempSync(path.join(os.tmpdir(), 'biomon-taxa-'));
    const file = path.join(dir, 'gbk-list.csv');
    writeFileSync(file, Buffer.from(hex, 'hex'));
    const r = await parseSpeciesListFile(file);
    expect(r.species.map((t) => [t.chineseName, t.scientificName, t.protectionClass])).toEqual([
      ['东北虎', 'Panthera tigris altaica', 'I'],
      ['紫貂', 'Martes zibellina', 'I'],
    ]);
    expect(r.warnings.some((w) => w.includes('GB18030'))).toBe(true);
    expect(r.species[0]!.sources).toEqual(['gbk-list']);
  });

  it('parseNational2021List rejects other shapes and reports rows it cannot read', () => {
    expect(() => parseNational2021List({ taxa: [] }, 'Animalia', 'x')).toThrow(/species/);
    const r = parseNational2021List(
      { species: [{ chineseName: '虎', scientificName: 'Panthera tigris', level: '?' }, { chineseName: '无名' }] },
      'Animalia',
      'x',
    );
    expect(r.species).toHaveLength(0);
    expect(r.warnings).toHaveLength(2);
  });
});

describe('helpers', () => {
  it('parseProtectionLevel', () => {
    for (const v of ['Ⅰ', 'I', '一级', '1', '国家一级', '国家一级重点保护野生动物']) expect(parseProtectionLevel(v), v).toBe('I');
    for (const v of ['Ⅱ', 'II', '二级', '2', ' Ⅱ ', '国家二级重点保护野生植物（所有种）']) expect(parseProtectionLevel(v), v).toBe('II');
    for (const v of ['', '三有', null, undefined, 'III?']) expect(parseProtectionLevel(v), String(v)).toBeNull();
  });

  it('stripWikiMarkup', () => {
    expect(stripWikiMarkup("包括''Cypripedium singchii''")).toBe('包括Cypripedium singchii');
    expect(stripWikiMarkup('[[凹叶厚朴]]并入本种')).toBe('凹叶厚朴并入本种');
    expect(stripWikiMarkup('见[[厚朴属|厚朴]]')).toBe('见厚朴');
  });
});

// ---------------------------------------------------------------------------------------------
// The Jilin checklist seed against the lists
// ---------------------------------------------------------------------------------------------

describe('seeds/taxa/jilin-checklist.json', () => {
  const seed: JilinChecklistSeed = JSON.parse(readFileSync(SEED, 'utf8'));
  const seedByName = (n: string) => seed.taxa.find((t) => nameKey(t.scientificName) === nameKey(n));

  interface Cover {
    protectionClass: 'I' | 'II';
    wildOnly: boolean;
    chineseName: string | null;
    via: string;
  }
  /** What the 2021 lists say about a checklist entry: by name or synonym, its species, or a covering rule. */
  function coverOf(t: TaxonInput): Cover | null {
    const lists = [animals, plants];
    const index = new Map<string, TaxonInput>();
    for (const l of lists) for (const x of l.species) for (const n of [x.scientificName, ...x.synonyms]) index.set(nameKey(n), x);
    const names = [t.scientificName, ...t.synonyms, ...(t.rank !== 'species' ? [speciesOf(t.scientificName)!] : [])];
    for (const n of names) {
      const hit = index.get(nameKey(n));
      if (hit) return { protectionClass: hit.protectionClass!, wildOnly: hit.wildOnly, chineseName: hit.chineseName, via: `species ${hit.scientificName}` };
    }
    const rules: TaxonRuleInput[] = lists.flatMap((l) => l.rules);
    for (const r of rules) {
      const inGroup =
        (r.rank === 'genus' && genusOf(t.scientificName) === r.scientificName) ||
        (r.rank === 'family' && t.family === r.scientificName) ||
        (r.rank === 'order' && t.order === r.scientificName);
      if (inGroup && !(t.chineseName && r.excludeChinese.includes(t.chineseName))) {
        return { protectionClass: r.protectionClass, wildOnly: r.wildOnly, chineseName: null, via: `rule ${r.chineseName}` };
      }
    }
    return null;
  }

  it('is well formed', () => {
    expect(typeof seed.description).toBe('string');
    expect(seed.taxa.length).toBeGreaterThanOrEqual(100);
    const keys = new Set<string>();
    for (const t of seed.taxa) {
      expect(t.scientificName, t.scientificName).toBe(t.scientificName.trim());
      expect(rankOf(t.scientificName), t.scientificName).toBe(t.rank);
      if (t.rank !== 'species') expect(t.parentName, t.scientificName).toBe(speciesOf(t.scientificName));
      expect(['Animalia', 'Plantae', 'Fungi']).toContain(t.kingdom);
      expect(t.inJilin, t.scientificName).toBe(true);
      expect(t.sources, t.scientificName).toContain('jilin-checklist');
      if (t.generalizeCellM !== undefined) expect(t.generalizeCellM).toBe(10000);
      // no name (accepted or synonym) resolves to two checklist entries
      for (const n of [t.scientificName, ...t.synonyms]) {
        expect(keys.has(nameKey(n)), n).toBe(false);
        keys.add(nameKey(n));
      }
    }
  });

  it('gives every protected entry the class of the 2021 lists, by name or covering rule', () => {
    const protectedEntries = seed.taxa.filter((t) => t.protectionClass !== null);
    expect(protectedEntries.length).toBeGreaterThanOrEqual(100);
    for (const t of protectedEntries) {
      const cover = coverOf(t);
      expect(cover, `${t.chineseName} ${t.scientificName} is not on the 2021 lists`).not.toBeNull();
      expect(t.protectionClass, `${t.chineseName} ${t.scientificName} (${cover!.via})`).toBe(cover!.protectionClass);
      expect(t.wildOnly, `${t.chineseName} ${t.scientificName} wildOnly (${cover!.via})`).toBe(cover!.wildOnly);
      if (t.rank === 'species' && cover!.chineseName) expect(t.chineseName, t.scientificName).toBe(cover!.chineseName);
    }
  });

  it('marks as unprotected only what the lists do not cover (北重楼 is excluded from 重楼属)', () => {
    for (const t of seed.taxa.filter((x) => x.protectionClass === null)) {
      expect(coverOf(t), `${t.chineseName} ${t.scientificName}`).toBeNull();
    }
    expect(seedByName('Paris verticillata')).toMatchObject({ chineseName: '北重楼', protectionClass: null });
  });

  it('lists the rule-covered Jilin species with the rule class (红豆杉属 I, 人参属 II, 细鳞鲑属 II wild only)', () => {
    expect(seedByName('Taxus cuspidata')).toMatchObject({ chineseName: '东北红豆杉', protectionClass: 'I', sensitive: true });
    expect(seedByName('Panax ginseng')).toMatchObject({ chineseName: '人参', protectionClass: 'II' });
    expect(seedByName('Brachymystax lenok')).toMatchObject({ protectionClass: 'II', wildOnly: true });
    for (const [name, cls, wild] of [
      ['Taxus', 'I', false],
      ['Panax', 'II', false],
      ['Brachymystax', 'II', true],
    ] as const) {
      const rule = seed.rules.find((r) => r.rank === 'genus' && r.scientificName === name);
      expect(rule, name).toMatchObject({ protectionClass: cls, wildOnly: wild });
    }
    // every seed rule equals the list's rule
    for (const r of seed.rules) {
      const listRule = [...animals.rules, ...plants.rules].find((x) => x.rank === r.rank && x.scientificName === r.scientificName);
      expect(listRule, r.scientificName).toBeDefined();
      expect({ ...r, sources: [] }).toEqual({ ...listRule!, sources: [] });
    }
  });

  it('has the corrected falcons and cranes', () => {
    expect(seedByName('Falco tinnunculus')).toMatchObject({ chineseName: '红隼', protectionClass: 'II' });
    expect(seedByName('Falco vespertinus')).toBeUndefined();
    expect(seed.taxa.some((t) => t.synonyms.some((s) => nameKey(s) === nameKey('Falco vespertinus')))).toBe(false);
    expect(seedByName('Grus leucogeranus')?.synonyms).toContain('Leucogeranus leucogeranus');
  });

  it('flags the four invasive plants named in the brief, with no protection class', () => {
    for (const n of ['Ambrosia artemisiifolia', 'Ambrosia trifida', 'Solanum rostratum', 'Cenchrus spinifex']) {
      expect(seedByName(n), n).toMatchObject({ invasive: true, protectionClass: null, kingdom: 'Plantae' });
    }
    expect(seedByName('Cenchrus spinifex')?.synonyms).toContain('Cenchrus pauciflorus');
    for (const t of seed.taxa.filter((x) => x.invasive)) expect(t.protectionClass, t.scientificName).toBeNull();
  });

  it('marks tiger and leopard (and their Jilin subspecies) sensitive', () => {
    for (const n of ['Panthera tigris', 'Panthera tigris altaica', 'Panthera pardus', 'Panthera pardus orientalis']) {
      expect(seedByName(n), n).toMatchObject({ sensitive: true, protectionClass: 'I' });
    }
    expect(seedByName('Panthera tigris altaica')).toMatchObject({ parentName: 'Panthera tigris', synonyms: ['Panthera tigris amurensis'] });
    expect(seedByName('Panthera pardus orientalis')?.parentName).toBe('Panthera pardus');
  });
});
