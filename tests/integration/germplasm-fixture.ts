/**
 * A real MCPD v2.1 file for the germplasm tests and the bench: the standard's 41 descriptors as the
 * header (then DOMAIN, biomon's column), accessions for every STORAGE code, the standard's documented
 * example values, and rows the standard refuses. Written for this project; the institutions are
 * named after real Jilin and national holders, the codes other than CHN001 are provincial.
 */
import { MCPD_FIELDS } from '@biomon/germplasm';

export type Row = Record<string, string | number>;

export const INSTITUTIONS = [
  {
    code: 'CHN001',
    name: '中国农业科学院作物科学研究所 国家作物种质库',
    nameEn: 'Institute of Crop Sciences, CAAS — National Crop Genebank',
    type: 'seed_bank',
    location: { type: 'Point', coordinates: [116.3227, 39.9589] },
    address: '北京市海淀区中关村南大街12号',
  },
  {
    code: 'JL-GB-001',
    name: '吉林省农业科学院 作物种质资源库',
    nameEn: 'Jilin Academy of Agricultural Sciences — Crop Germplasm Bank',
    type: 'seed_bank',
    location: { type: 'Point', coordinates: [124.8236, 43.5049] },
  },
  {
    code: 'JL-BG-001',
    name: '长白山植物园',
    nameEn: 'Changbaishan Botanical Garden',
    type: 'botanical_garden',
    location: { type: 'Point', coordinates: [128.1783, 42.4124] },
  },
  { code: 'JL-CC-001', name: '吉林省微生物菌种保藏中心', nameEn: 'Jilin Microbial Culture Collection', type: 'culture_collection', location: null },
];

/** Valid accessions: every STORAGE code held at least once (10, 11, 12, 13, 20, 30, 40, 50, 99), multi-values, DMS-only sites. */
export const ACCESSIONS: Row[] = [
  {
    PUID: 'doi:10.18730/JL.ZDD00001',
    INSTCODE: 'CHN001',
    ACCENUMB: 'ZDD00001',
    COLLNUMB: 'JL-2015-017',
    COLLCODE: 'CHN001; JL-GB-001',
    GENUS: 'Glycine',
    SPECIES: 'soja',
    SPAUTHOR: 'Siebold & Zucc.',
    SUBTAXA: 'var. gracilis',
    CROPNAME: '野大豆',
    ACCENAME: '吉林野大豆1号 ; Jilin wild soybean 1',
    ACQDATE: '20151001',
    ORIGCTY: 'CHN',
    COLLSITE: '公主岭市 南崴子镇 河岸',
    DECLATITUDE: '43.1234',
    DECLONGITUDE: '124.5678',
    COORDUNCERT: 30,
    COORDDATUM: 'WGS84',
    GEOREFMETH: 'GPS',
    ELEVATION: 196,
    COLLDATE: '20150915',
    SAMPSTAT: 100,
    COLLSRC: 10,
    DUPLSITE: 'JL-GB-001',
    STORAGE: 13,
    MLSSTAT: 1,
    DOMAIN: 'wild_plant',
  },
  // DMS only: 4330--N, 12449--E; no DOMAIN (assumed from SAMPSTAT 300: crop)
  {
    INSTCODE: 'CHN001',
    ACCENUMB: 'ZDD00002',
    GENUS: 'Glycine',
    SPECIES: 'max',
    SPAUTHOR: '(L.) Merr.',
    CROPNAME: '大豆',
    ACCENAME: '黄宝珠',
    ACQDATE: '1968----',
    ORIGCTY: 'CHN',
    COLLSITE: '公主岭市 范家屯镇',
    LATITUDE: '4330--N',
    LONGITUDE: '12449--E',
    COLLDATE: '196805--',
    SAMPSTAT: 300,
    STORAGE: 11,
    MLSSTAT: 1,
    REMARKS: 'COLLSITE:农户自留种',
  },
  {
    INSTCODE: 'CHN001',
    ACCENUMB: 'ZDD00003',
    GENUS: 'Glycine',
    SPECIES: 'max',
    CROPNAME: '大豆',
    ACCENAME: '吉育47;Jiyu 47',
    ACQDATE: '19990301',
    ORIGCTY: 'CHN',
    BREDCODE: 'JL-GB-001',
    BREDNAME: '吉林省农业科学院',
    SAMPSTAT: 500,
    ANCEST: 'Amsoy/吉林20',
    STORAGE: '12;20',
    OTHERNUMB: 'JL-GB-001:JLGB-S-0047;NICS:2017-0047',
    DOMAIN: 'crop',
  },
  // the standard's documented example values: LATITUDE 10---S, LONGITUDE 0762510W, COLLDATE 196805--
  {
    INSTCODE: 'CHN001',
    ACCENUMB: 'ZDD00004',
    COLLNUMB: 'FAO/IBPGR 1567',
    GENUS: 'Zea',
    SPECIES: 'mays',
    SPAUTHOR: 'L.',
    CROPNAME: '玉米 maize',
    ACCENAME: 'Cuzco; Blanco Urubamba',
    ACQDATE: '19700601',
    ORIGCTY: 'PER',
    COLLSITE: '7 km south of Huanuco',
    LATITUDE: '10---S',
    LONGITUDE: '0762510W',
    COORDUNCERT: 2000,
    ELEVATION: 1900,
    COLLDATE: '196805--',
    SAMPSTAT: 300,
    COLLSRC: 26,
    DONORCODE: 'PER001',
    DONORNUMB: 'PER-1234',
    STORAGE: 13,
    MLSSTAT: 1,
    DOMAIN: 'crop',
  },
  // a sensitive taxon (人参, flagged in the checklist): its site is generalised below evaluator
  {
    INSTCODE: 'JL-GB-001',
    ACCENUMB: 'JLGB-0001',
    GENUS: 'Panax',
    SPECIES: 'ginseng',
    SPAUTHOR: 'C. A. Mey.',
    CROPNAME: '人参',
    ACQDATE: '20160915',
    ORIGCTY: 'CHN',
    COLLSITE: '长白山北坡 N42.1234 E128.0612',
    DECLATITUDE: '42.1234',
    DECLONGITUDE: '128.0612',
    ELEVATION: 1187,
    COLLDATE: '20160905',
    SAMPSTAT: 100,
    STORAGE: '13;40',
    REMARKS: 'COLLSITE:松林下;ELEVATION:GPS',
    DOMAIN: 'medicinal_plant',
  },
  // a protected plant held only as a herbarium specimen (STORAGE 99): not living, not counted
  {
    INSTCODE: 'JL-GB-001',
    ACCENUMB: 'JLGB-0002',
    GENUS: 'Tilia',
    SPECIES: 'amurensis',
    CROPNAME: '紫椴',
    COLLDATE: '20170720',
    SAMPSTAT: 100,
    STORAGE: 99,
    REMARKS: 'STORAGE:腊叶标本 herbarium specimen',
    DOMAIN: 'wild_plant',
  },
  // DNA only (50): not living
  { INSTCODE: 'JL-GB-001', ACCENUMB: 'JLGB-0003', GENUS: 'Fraxinus', SPECIES: 'mandschurica', SAMPSTAT: 100, STORAGE: 50, DOMAIN: 'wild_plant' },
  { INSTCODE: 'JL-BG-001', ACCENUMB: 'CBG-0001', GENUS: 'Pinus', SPECIES: 'koraiensis', CROPNAME: '红松', SAMPSTAT: 110, STORAGE: 20, DOMAIN: 'wild_plant' },
  { INSTCODE: 'JL-BG-001', ACCENUMB: 'CBG-0002', GENUS: 'Rosa', SPECIES: 'rugosa', CROPNAME: '玫瑰', SAMPSTAT: 130, STORAGE: 20, DOMAIN: 'wild_plant' },
  // a landrace of a protected species (SAMPSTAT 300): not wild material, not counted
  { INSTCODE: 'JL-BG-001', ACCENUMB: 'CBG-0003', GENUS: 'Actinidia', SPECIES: 'arguta', CROPNAME: '软枣猕猴桃', SAMPSTAT: 300, STORAGE: 30, DOMAIN: 'crop' },
  {
    INSTCODE: 'JL-BG-001',
    ACCENUMB: 'CBG-0004',
    GENUS: 'Phellodendron',
    SPECIES: 'amurense',
    CROPNAME: '黄檗',
    SAMPSTAT: 120,
    STORAGE: 30,
    DOMAIN: 'medicinal_plant',
  },
  {
    INSTCODE: 'JL-GB-001',
    ACCENUMB: 'JLGB-0004',
    GENUS: 'Glycyrrhiza',
    SPECIES: 'uralensis',
    CROPNAME: '甘草',
    SAMPSTAT: 100,
    STORAGE: 10,
    DOMAIN: 'medicinal_plant',
  },
  { INSTCODE: 'JL-CC-001', ACCENUMB: 'JLCC-0001', GENUS: 'Bacillus', SPECIES: 'subtilis', SAMPSTAT: 999, STORAGE: 40, DOMAIN: 'microbial' },
  { INSTCODE: 'JL-GB-001', ACCENUMB: 'JLGB-0005', GENUS: 'Pinus', SPECIES: 'koraiensis', CROPNAME: '红松', SAMPSTAT: 100, STORAGE: 12, DOMAIN: 'wild_plant' },
  { INSTCODE: 'JL-GB-001', ACCENUMB: 'JLGB-0006', GENUS: 'Rhodiola', SPECIES: 'sachalinensis', SAMPSTAT: 100, STORAGE: 99, DOMAIN: 'wild_plant' },
];

/** Listed wild plants held alive as wild material (SAMPSTAT 100–199, STORAGE 10–13/20/30/40) in ACCESSIONS, by construction. */
export const HELD_ALIVE_WILD = ['Glycine soja', 'Panax ginseng', 'Pinus koraiensis', 'Rosa rugosa', 'Phellodendron amurense', 'Glycyrrhiza uralensis'];

/** Rows the standard refuses, with the field and code each must be refused with. */
export const BAD_ROWS: { row: Row; expect: { field: string; code: string } }[] = [
  {
    row: { INSTCODE: 'CHN001', ACCENUMB: 'ZDD00099', GENUS: 'Glycine', SPECIES: 'max', SAMPSTAT: 150, STORAGE: 13 },
    expect: { field: 'SAMPSTAT', code: 'MCPD_CODE_INVALID' },
  },
  {
    row: { INSTCODE: 'JL-XX-999', ACCENUMB: 'X-1', GENUS: 'Glycine', SPECIES: 'max', SAMPSTAT: 300 },
    expect: { field: 'INSTCODE', code: 'GERMPLASM_INSTITUTION_UNKNOWN' },
  },
  {
    row: { INSTCODE: 'CHN001', ACCENUMB: 'ZDD00098', GENUS: 'Glycine', SPECIES: 'max', COLLDATE: '20150230' },
    expect: { field: 'COLLDATE', code: 'MCPD_DATE_INVALID' },
  },
  {
    row: { INSTCODE: 'CHN001', ACCENUMB: 'ZDD00097', GENUS: 'Glycine', SPECIES: 'soja', LATITUDE: '4399--N', LONGITUDE: '12449--E' },
    expect: { field: 'LATITUDE', code: 'MCPD_COORDINATE_INVALID' },
  },
];

const MULTI = new Set([
  'COLLCODE',
  'COLLNAME',
  'COLLINSTADDRESS',
  'ACCENAME',
  'BREDCODE',
  'BREDNAME',
  'OTHERNUMB',
  'DUPLSITE',
  'DUPLINSTNAME',
  'STORAGE',
  'REMARKS',
]);

/** A value as it must come back: trimmed; a multi-value's parts trimmed and joined by ';'. */
export function normaliseMultiForTest(field: string, v: string): string {
  if (!MULTI.has(field)) return v.trim();
  return v
    .split(';')
    .map((x) => x.trim())
    .filter(Boolean)
    .join(';');
}

const csvCell = (v: unknown) => {
  const s = v === undefined || v === null ? '' : String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

/** The MCPD CSV (UTF-8, comma, CRLF) of rows: the standard's header then DOMAIN. */
export function mcpdCsv(rows: Row[]): string {
  const header = [...MCPD_FIELDS, 'DOMAIN'];
  const lines = [header.join(',')];
  for (const r of rows) lines.push(header.map((h) => csvCell(r[h])).join(','));
  return `${lines.join('\r\n')}\r\n`;
}
