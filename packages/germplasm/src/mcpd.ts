/**
 * FAO/Bioversity Multi-Crop Passport Descriptors v2.1 (MCPD, 2015): the descriptor list, its code
 * lists and formats, and the validation of one passport (a row of an MCPD file, or a JSON object
 * with the same names). Pure functions, no SQL.
 *
 * - Multi-value descriptors are separated by ';' (spaces around it are dropped).
 * - ACQDATE / COLLDATE: YYYYMMDD, '--' for an unknown month or day (e.g. 196805--, 1968----).
 * - ORIGCTY: ISO 3166-1 alpha-3 (three capital letters).
 * - DECLATITUDE / DECLONGITUDE: decimal degrees; LATITUDE / LONGITUDE: DDMMSSH / DDDMMSSH with '-'
 *   for missing digits (10---S, 0762510W); either pair gives the collecting site, and a file with
 *   both must agree (within a second of arc rounding).
 * - SAMPSTAT: 100 wild … 999 other (below); STORAGE: 10–13 seed, 20 field, 30 in vitro, 40
 *   cryopreserved, 50 DNA, 99 other; MLSSTAT 0/1; ELEVATION metres; COORDUNCERT metres.
 * - DOMAIN (biomon, not MCPD): crop, livestock, aquatic, wild_plant, medicinal_plant, microbial.
 */
import type { FieldError } from '@biomon/core';

/** Every MCPD v2.1 descriptor, in the standard's order (the column order of exports). */
export const MCPD_FIELDS = [
  'PUID',
  'INSTCODE',
  'ACCENUMB',
  'COLLNUMB',
  'COLLCODE',
  'COLLNAME',
  'COLLINSTADDRESS',
  'COLLMISSID',
  'GENUS',
  'SPECIES',
  'SPAUTHOR',
  'SUBTAXA',
  'SUBTAUTHOR',
  'CROPNAME',
  'ACCENAME',
  'ACQDATE',
  'ORIGCTY',
  'COLLSITE',
  'DECLATITUDE',
  'LATITUDE',
  'DECLONGITUDE',
  'LONGITUDE',
  'COORDUNCERT',
  'COORDDATUM',
  'GEOREFMETH',
  'ELEVATION',
  'COLLDATE',
  'BREDCODE',
  'BREDNAME',
  'SAMPSTAT',
  'ANCEST',
  'COLLSRC',
  'DONORCODE',
  'DONORNAME',
  'DONORNUMB',
  'OTHERNUMB',
  'DUPLSITE',
  'DUPLINSTNAME',
  'STORAGE',
  'MLSSTAT',
  'REMARKS',
] as const;
export type McpdField = (typeof MCPD_FIELDS)[number];

/** The biomon column beside the standard: the domain of the accession. */
export const DOMAIN_FIELD = 'DOMAIN';
export const EXPORT_COLUMNS = [...MCPD_FIELDS, DOMAIN_FIELD] as const;

export const DOMAINS = ['crop', 'livestock', 'aquatic', 'wild_plant', 'medicinal_plant', 'microbial'] as const;
export type Domain = (typeof DOMAINS)[number];
export const DOMAIN_LABELS: Record<Domain, string> = {
  crop: '农作物 crop',
  livestock: '畜禽品种 livestock breed',
  aquatic: '水产 aquatic',
  wild_plant: '野生植物 wild plant',
  medicinal_plant: '药用植物 medicinal plant',
  microbial: '微生物菌种 microbial strain',
};

export const INSTITUTION_TYPES = ['seed_bank', 'botanical_garden', 'breeding_farm', 'culture_collection', 'rescue_centre', 'field_genebank', 'other'] as const;
export type InstitutionType = (typeof INSTITUTION_TYPES)[number];

/** MCPD descriptors that hold several values separated by ';'. */
export const MULTI_VALUE_FIELDS: ReadonlySet<string> = new Set([
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

/** SAMPSTAT (biological status of accession), MCPD v2.1. */
export const SAMPSTAT_CODES: Record<number, string> = {
  100: '野生 Wild',
  110: '天然 Natural',
  120: '半天然/野生 Semi-natural/wild',
  130: '半天然/播种 Semi-natural/sown',
  200: '杂草 Weedy',
  300: '地方品种 Traditional cultivar/landrace',
  400: '育种/研究材料 Breeding/research material',
  410: "育种品系 Breeder's line",
  411: '合成群体 Synthetic population',
  412: '杂交种 Hybrid',
  413: '基础群体 Founder stock/base population',
  414: '自交系 Inbred line',
  415: '分离群体 Segregating population',
  416: '克隆选系 Clonal selection',
  420: '遗传材料 Genetic stock',
  421: '突变体 Mutant',
  422: '细胞遗传材料 Cytogenetic stocks',
  423: '其他遗传材料 Other genetic stocks',
  500: '改良品种 Advanced or improved cultivar',
  600: '转基因 GMO',
  999: '其他 Other',
};

/** STORAGE (type of germplasm storage), MCPD v2.1. */
export const STORAGE_CODES: Record<number, string> = {
  10: '种子库 Seed collection',
  11: '短期 Short term',
  12: '中期 Medium term',
  13: '长期 Long term',
  20: '田间种质圃 Field collection',
  30: '离体保存 In vitro collection',
  40: '超低温保存 Cryopreserved collection',
  50: 'DNA 库 DNA collection',
  99: '其他 Other',
};

/** Storage that keeps the material alive (ex-situ coverage counts these; 50 DNA and 99 other do not). */
export const LIVING_STORAGE = [10, 11, 12, 13, 20, 30, 40] as const;
/** SAMPSTAT of wild material (100–199). */
export const WILD_SAMPSTAT = { min: 100, max: 199 } as const;

/** The typed form of one valid passport. */
export interface Passport {
  instcode: string;
  accenumb: string;
  /** every descriptor given, normalised (trimmed; multi-values joined by ';'); DECLATITUDE/DECLONGITUDE filled from LATITUDE/LONGITUDE */
  fields: Record<string, string>;
  domain: Domain;
  domainAssumed: boolean;
  scientificName: string;
  cropname: string | null;
  sampstat: number | null;
  storage: number[];
  mlsstat: number | null;
  origcty: string | null;
  acqdate: string | null;
  colldate: string | null;
  lat: number | null;
  lon: number | null;
}

export type PassportResult = { ok: true; passport: Passport; warnings: string[] } | { ok: false; id: string | null; errors: FieldError[] };

const err = (field: string, code: string, message: string): FieldError => ({ field, code, message });

/** A DDMMSSH latitude or DDDMMSSH longitude (MCPD 15.2 / 15.4), '-' for missing digits; null when malformed. */
export function parseDms(text: string, kind: 'lat' | 'lon'): number | null {
  // degrees in full (2 or 3 digits), then minutes and seconds, each digit or '-'; a short form
  // (10---S) reads as if padded with '-' to DDMMSS
  const re = kind === 'lat' ? /^([0-9]{2})([0-9-]{0,4})([NS])$/i : /^([0-9]{3})([0-9-]{0,4})([EW])$/i;
  const m = re.exec(text.trim());
  if (!m) return null;
  const rest = m[2].padEnd(4, '-');
  const part = (s: string) => {
    if (s === '--') return 0;
    if (/^[0-9]{2}$/.test(s)) return Number(s);
    return Number.NaN;
  };
  const d = Number(m[1]);
  const min = part(rest.slice(0, 2));
  const sec = part(rest.slice(2, 4));
  // a second without a minute is not a value
  if (Number.isNaN(min) || Number.isNaN(sec) || (rest.slice(0, 2) === '--' && rest.slice(2, 4) !== '--') || min >= 60 || sec >= 60) return null;
  const v = d + min / 60 + sec / 3600;
  if (v > (kind === 'lat' ? 90 : 180)) return null;
  return /[SW]/i.test(m[3]) ? -v : v;
}

/** Decimal degrees as MCPD DDMMSSH / DDDMMSSH (rounded to the second). */
export function formatDms(value: number, kind: 'lat' | 'lon'): string {
  const hemi = kind === 'lat' ? (value < 0 ? 'S' : 'N') : value < 0 ? 'W' : 'E';
  let s = Math.round(Math.abs(value) * 3600);
  const d = Math.floor(s / 3600);
  s -= d * 3600;
  const m = Math.floor(s / 60);
  s -= m * 60;
  const pad = (n: number, w: number) => String(n).padStart(w, '0');
  return `${pad(d, kind === 'lat' ? 2 : 3)}${pad(m, 2)}${pad(s, 2)}${hemi}`;
}

/** YYYYMMDD with '--' for an unknown month or day; null when valid, else the reason. */
export function mcpdDateProblem(text: string): string | null {
  const m = /^([0-9]{4})([0-9]{2}|--)([0-9]{2}|--)$/.exec(text);
  if (!m) return 'YYYYMMDD expected, with -- for an unknown month or day (e.g. 19680512, 196805--)';
  const y = Number(m[1]);
  if (m[2] === '--' && m[3] !== '--') return 'a day without a month';
  if (m[2] !== '--') {
    const mo = Number(m[2]);
    if (mo < 1 || mo > 12) return `month ${m[2]} does not exist`;
    if (m[3] !== '--') {
      const d = Number(m[3]);
      const last = new Date(Date.UTC(y, mo, 0)).getUTCDate();
      if (d < 1 || d > last) return `day ${m[3]} does not exist in ${m[1]}-${m[2]}`;
    }
  }
  if (y < 1700) return 'a year before 1700';
  return null;
}

/** Trimmed, ';'-joined without spaces around the separator, empty values dropped. */
export function normaliseMulti(v: string): string {
  return v
    .split(';')
    .map((x) => x.trim())
    .filter((x) => x !== '')
    .join(';');
}

const NUMBER_RE = /^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)$/;

/** The value of one descriptor as text (numbers as JSON writes them); null when absent or blank. */
function textOf(raw: Record<string, unknown>, key: string): string | null {
  const v = raw[key];
  if (v === undefined || v === null) return null;
  const s = typeof v === 'string' ? v.trim() : typeof v === 'number' || typeof v === 'boolean' ? String(v) : null;
  if (s === null) return `\u0000${typeof v}`; // marks a non-scalar value (refused below)
  return s === '' ? null : s;
}

/**
 * Validates one passport (keys are MCPD names, case-insensitive; unknown keys are refused by the
 * caller or kept as-is in `fields` when `keepUnknown`). Errors name the descriptor and carry a
 * stable code: MCPD_REQUIRED, MCPD_VALUE_INVALID, MCPD_CODE_INVALID, MCPD_DATE_INVALID,
 * MCPD_COORDINATE_INVALID, MCPD_COORDINATES_DISAGREE, MCPD_COUNTRY_INVALID, MCPD_DOMAIN_INVALID,
 * MCPD_FIELD_UNKNOWN.
 */
export function validatePassport(input: unknown, opts: { keepUnknown?: boolean } = {}): PassportResult {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    return { ok: false, id: null, errors: [err('', 'RECORD_NOT_OBJECT', 'a passport must be a JSON object of MCPD descriptors')] };
  }
  const raw: Record<string, unknown> = {};
  const errors: FieldError[] = [];
  const warnings: string[] = [];
  const known = new Set<string>([...MCPD_FIELDS, DOMAIN_FIELD]);
  for (const [k, v] of Object.entries(input as Record<string, unknown>)) {
    const key = k.trim().toUpperCase();
    if (known.has(key)) raw[key] = v;
    else if (opts.keepUnknown) raw[k.trim()] = v;
    else errors.push(err(k, 'MCPD_FIELD_UNKNOWN', `${k} is not an MCPD v2.1 descriptor (nor DOMAIN)`));
  }
  const fields: Record<string, string> = {};
  for (const key of Object.keys(raw)) {
    let s = textOf(raw, key);
    if (s === null) continue;
    if (s.startsWith('\u0000')) {
      errors.push(err(key, 'MCPD_VALUE_INVALID', `${key} must be text or a number`));
      continue;
    }
    if (MULTI_VALUE_FIELDS.has(key)) s = normaliseMulti(s);
    if (s !== '') fields[key] = s;
  }
  const id = fields.ACCENUMB ? `${fields.INSTCODE ?? ''}/${fields.ACCENUMB}` : null;
  for (const key of ['INSTCODE', 'ACCENUMB', 'GENUS'] as const) {
    if (!fields[key]) errors.push(err(key, 'MCPD_REQUIRED', `${key} is required`));
  }
  if (fields.INSTCODE && !/^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$/.test(fields.INSTCODE)) {
    errors.push(err('INSTCODE', 'MCPD_VALUE_INVALID', 'INSTCODE: letters, digits, . _ - (e.g. CHN001, JL-GB-001)'));
  }
  if (fields.ACCENUMB && fields.ACCENUMB.length > 100) errors.push(err('ACCENUMB', 'MCPD_VALUE_INVALID', 'ACCENUMB is longer than 100 characters'));
  if (fields.GENUS && !/^[A-Z][a-z-]+$/.test(fields.GENUS)) {
    errors.push(err('GENUS', 'MCPD_VALUE_INVALID', 'GENUS is one Latin word with an initial capital (e.g. Glycine)'));
  }
  if (fields.SPECIES && !/^([a-z][a-z-]*|sp\.?)$/.test(fields.SPECIES)) {
    errors.push(err('SPECIES', 'MCPD_VALUE_INVALID', 'SPECIES is the specific epithet in lower case (e.g. soja), or sp.'));
  }

  const intCode = (key: string, codes: Record<number, string>): number | null => {
    const s = fields[key];
    if (s === undefined) return null;
    if (!/^[0-9]+$/.test(s) || codes[Number(s)] === undefined) {
      errors.push(err(key, 'MCPD_CODE_INVALID', `${key} ${s} is not a code of MCPD v2.1 (${Object.keys(codes).join(', ')})`));
      return null;
    }
    return Number(s);
  };
  const sampstat = intCode('SAMPSTAT', SAMPSTAT_CODES);
  const storage: number[] = [];
  if (fields.STORAGE) {
    for (const part of fields.STORAGE.split(';')) {
      if (!/^[0-9]+$/.test(part) || STORAGE_CODES[Number(part)] === undefined) {
        errors.push(err('STORAGE', 'MCPD_CODE_INVALID', `STORAGE ${part} is not a code of MCPD v2.1 (${Object.keys(STORAGE_CODES).join(', ')})`));
      } else if (!storage.includes(Number(part))) storage.push(Number(part));
    }
  }
  let mlsstat: number | null = null;
  if (fields.MLSSTAT !== undefined) {
    if (fields.MLSSTAT === '0' || fields.MLSSTAT === '1') mlsstat = Number(fields.MLSSTAT);
    else errors.push(err('MLSSTAT', 'MCPD_CODE_INVALID', 'MLSSTAT is 0 (not in the Multilateral System) or 1 (in it)'));
  }
  if (fields.COLLSRC !== undefined && !/^(10|11|12|13|14|15|20|21|22|23|24|25|26|27|28|30|40|50|60|61|62|99)$/.test(fields.COLLSRC)) {
    errors.push(err('COLLSRC', 'MCPD_CODE_INVALID', `COLLSRC ${fields.COLLSRC} is not a code of MCPD v2.1`));
  }
  for (const key of ['ACQDATE', 'COLLDATE'] as const) {
    if (fields[key] === undefined) continue;
    const p = mcpdDateProblem(fields[key]);
    if (p) errors.push(err(key, 'MCPD_DATE_INVALID', `${key} ${fields[key]}: ${p}`));
  }
  if (fields.ORIGCTY !== undefined && !/^[A-Z]{3}$/.test(fields.ORIGCTY)) {
    errors.push(err('ORIGCTY', 'MCPD_COUNTRY_INVALID', 'ORIGCTY is an ISO 3166-1 alpha-3 code in capitals (e.g. CHN)'));
  }
  for (const key of ['ELEVATION', 'COORDUNCERT'] as const) {
    if (fields[key] !== undefined && !NUMBER_RE.test(fields[key])) errors.push(err(key, 'MCPD_VALUE_INVALID', `${key} is a number of metres`));
  }
  if (fields.COORDUNCERT !== undefined && NUMBER_RE.test(fields.COORDUNCERT) && Number(fields.COORDUNCERT) < 0) {
    errors.push(err('COORDUNCERT', 'MCPD_VALUE_INVALID', 'COORDUNCERT cannot be negative'));
  }

  // the collecting site: decimal degrees, or DMS, or both (then they must agree)
  const coord = (dec: 'DECLATITUDE' | 'DECLONGITUDE', dms: 'LATITUDE' | 'LONGITUDE', kind: 'lat' | 'lon'): number | null => {
    const limit = kind === 'lat' ? 90 : 180;
    let d: number | null = null;
    let m: number | null = null;
    if (fields[dec] !== undefined) {
      const v = Number(fields[dec]);
      if (!NUMBER_RE.test(fields[dec]) || Math.abs(v) > limit) errors.push(err(dec, 'MCPD_COORDINATE_INVALID', `${dec} is decimal degrees within ±${limit}`));
      else d = v;
    }
    if (fields[dms] !== undefined) {
      m = parseDms(fields[dms], kind);
      if (m === null) {
        errors.push(
          err(
            dms,
            'MCPD_COORDINATE_INVALID',
            `${dms} is ${kind === 'lat' ? 'DDMMSSH (e.g. 4205--N, 10---S)' : 'DDDMMSSH (e.g. 1280600E, 0762510W)'}, '-' for missing digits`,
          ),
        );
      }
    }
    if (d !== null && m !== null && Math.abs(d - m) > 1 / 60 + 1e-9) {
      errors.push(err(dec, 'MCPD_COORDINATES_DISAGREE', `${dec} ${fields[dec]} and ${dms} ${fields[dms]} name different places`));
    }
    return d ?? m;
  };
  const lat = coord('DECLATITUDE', 'LATITUDE', 'lat');
  const lon = coord('DECLONGITUDE', 'LONGITUDE', 'lon');
  if ((lat === null) !== (lon === null) && !errors.some((e) => e.code === 'MCPD_COORDINATE_INVALID')) {
    errors.push(err(lat === null ? 'DECLATITUDE' : 'DECLONGITUDE', 'MCPD_COORDINATE_INVALID', 'a collecting site needs both latitude and longitude'));
  }
  if (fields.COORDDATUM !== undefined && !/^(WGS ?84|EPSG:4326)$/i.test(fields.COORDDATUM)) {
    errors.push(err('COORDDATUM', 'MCPD_VALUE_INVALID', 'COORDDATUM: only WGS84 coordinates are accepted'));
  }

  let domain: Domain;
  let domainAssumed = false;
  if (fields.DOMAIN !== undefined) {
    const d = fields.DOMAIN.toLowerCase();
    if (!(DOMAINS as readonly string[]).includes(d)) {
      errors.push(err('DOMAIN', 'MCPD_DOMAIN_INVALID', `DOMAIN is one of ${DOMAINS.join(', ')}`));
      domain = 'crop';
    } else domain = d as Domain;
    fields.DOMAIN = d;
  } else {
    domainAssumed = true;
    domain = sampstat !== null && sampstat < 200 ? 'wild_plant' : 'crop';
    warnings.push('MCPD_DOMAIN_ASSUMED');
  }
  // stored with the passport, so that an exported file (which names it) reads back unchanged
  fields.DOMAIN = domain;
  if (errors.length) return { ok: false, id, errors };
  if (lat !== null && lon !== null) {
    fields.DECLATITUDE ??= String(Math.round(lat * 1e6) / 1e6);
    fields.DECLONGITUDE ??= String(Math.round(lon * 1e6) / 1e6);
  }
  const scientificName = [fields.GENUS, fields.SPECIES && !/^sp\.?$/.test(fields.SPECIES) ? fields.SPECIES : null, fields.SUBTAXA ?? null]
    .filter(Boolean)
    .join(' ');
  return {
    ok: true,
    warnings,
    passport: {
      instcode: fields.INSTCODE,
      accenumb: fields.ACCENUMB,
      fields,
      domain,
      domainAssumed,
      scientificName,
      cropname: fields.CROPNAME ?? null,
      sampstat,
      storage,
      mlsstat,
      origcty: fields.ORIGCTY ?? null,
      acqdate: fields.ACQDATE ?? null,
      colldate: fields.COLLDATE ?? null,
      lat,
      lon,
    },
  };
}

/** Whether a header row is an MCPD file's: it names INSTCODE and ACCENUMB (case-insensitive). */
export function isMcpdHeader(header: readonly string[]): boolean {
  const h = new Set(
    header.map((c) =>
      c
        .trim()
        .replace(/^\uFEFF/, '')
        .toUpperCase(),
    ),
  );
  return h.has('INSTCODE') && h.has('ACCENUMB');
}
