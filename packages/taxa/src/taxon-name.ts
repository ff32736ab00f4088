/**
 * Name cleaning for taxon lookups.
 *
 * Scientific names arrive from field apps, Excel sheets, Darwin Core files and the protected-species
 * lists in many spellings: "Panthera  tigris altaica Temminck, 1844", "PANTHERA TIGRIS",
 * "Pinus sylvestris var.sylvestriformis", "Poncirus×polyandra", "Carabus (Coptolabrus) lafossei".
 * normalizeScientificName() turns them into one canonical form; nameKey() is the lower-cased form used
 * as the lookup key for every kind of name (scientific, synonym, Chinese, English).
 *
 * The authorship stripping is deliberately simple (no full name parser): it stops at the first token
 * that looks like an author or a year (capitalised after the epithet, contains '.', ',', '(', '&' or a
 * digit, or is a particle such as "ex", "de", "von"). Strings that do not look like a scientific name
 * at all (English names such as "Eurasian Red Squirrel", Chinese names) are cleaned but not rewritten,
 * so nameKey() stays safe to use on them.
 */

/** Infraspecific rank markers, as written → canonical (ICN style). */
const RANK_MARKERS: Readonly<Record<string, string>> = {
  'var.': 'var.',
  var: 'var.',
  'subsp.': 'subsp.',
  subsp: 'subsp.',
  'ssp.': 'subsp.',
  ssp: 'subsp.',
  'f.': 'f.',
  'fo.': 'f.',
  forma: 'f.',
};

/** Lower-case words that start an authorship, never an epithet. */
const AUTHOR_PARTICLES = new Set([
  'ex',
  'et',
  'de',
  'da',
  'del',
  'della',
  'di',
  'du',
  'la',
  'le',
  'van',
  'von',
  'der',
  'den',
  'in',
  'and',
  'emend',
  'emend.',
  'auct',
  'auct.',
  'sensu',
  'non',
  'nec',
  'hort',
  'hort.',
  'nom.',
  'comb.',
]);

const HYBRID = '×';
const EPITHET = /^[a-z][a-z-]*[a-z]$|^[a-z]$/;
const CAPITALISED_WORD = /^[A-Z][A-Za-z-]*$/;
const GENUS = /^×?[A-Za-z][A-Za-z-]*$/;
const CJK = /[\u3400-\u9fff\uf900-\ufaff\u{20000}-\u{3134f}]/u;

function cleanSpacing(s: string): string {
  return (
    s
      .normalize('NFKC') // full-width letters, ideographic space, full-width brackets → ASCII
      .replace(/[\u200b-\u200d\ufeff]/g, '')
      // "var.ziyuanensis" → "var. ziyuanensis" (only lower-case markers: "F. silvestris" is a genus abbreviation)
      .replace(/(^|\s)(var|subsp|ssp|fo|f)\.(?=[a-z])/g, '$1$2. ')
      // "Poncirus×polyandra", "Poncirus ×polyandra" → "Poncirus × polyandra"; a leading × (nothogenus) stays attached
      .replace(/(\S)\s*×\s*/g, `$1 ${HYBRID} `)
      .replace(/\s+/g, ' ')
      .trim()
  );
}

function capitaliseGenus(g: string): string {
  const hybrid = g.startsWith(HYBRID);
  const core = hybrid ? g.slice(1) : g;
  return (hybrid ? HYBRID : '') + core.charAt(0).toUpperCase() + core.slice(1).toLowerCase();
}

/**
 * Canonical scientific name: trimmed, single-spaced, authorship and subgenus removed, genus
 * capitalised and everything else lower-case, rank markers as "var." / "subsp." / "f.", hybrids as
 * "Genus × epithet". "Panthera sp." / "Panthera spp." → "Panthera".
 *
 * Examples: "Panthera tigris altaica Temminck, 1844" → "Panthera tigris altaica";
 * "Ketupa Zeylonensis" → "Ketupa zeylonensis"; "Abies beshanzuensis var.ziyuanensis" →
 * "Abies beshanzuensis var. ziyuanensis"; "Carabus (Coptolabrus) lafossei" → "Carabus lafossei".
 * Input that is not a scientific name (Chinese, English vernacular) is only cleaned of extra spaces.
 */
export function normalizeScientificName(s: string): string {
  let cleaned = cleanSpacing(s ?? '');
  if (!cleaned) return '';
  if (CJK.test(cleaned)) return normalizeChineseName(cleaned);
  // Case carries information only when the genus is written "Genus": ALL-CAPS or all-lower input
  // ("PANTHERA TIGRIS ALTAICA", "panthera TIGRIS") is read as lower-case.
  // ALL-CAPS words are lower-cased; "Linnaeus" in "panthera tigris Linnaeus, 1758" stays an author.
  if (/^×?([a-z][a-z-]*|[A-Z][A-Z-]+)(\s|$)/.test(cleaned)) {
    cleaned = cleaned
      .split(' ')
      .map((t, k) => (k === 0 || t === t.toUpperCase() ? t.toLowerCase() : t))
      .join(' ');
  }

  const tokens = cleaned.split(' ');
  const genus = tokens[0]!;
  if (!GENUS.test(genus)) return cleaned;

  const out: string[] = [capitaliseGenus(genus)];
  let i = 1;
  // Subgenus in parentheses right after the genus: "Carabus (Coptolabrus) lafossei".
  if (tokens[i] && /^\([A-Z][a-z]+\)$/.test(tokens[i]!)) i++;

  // The specific epithet (or a hybrid marker followed by it).
  const second = tokens[i];
  if (second === undefined) return out.join(' ');
  if (/^spp?\.?$/i.test(second)) return out.join(' ');
  const third = tokens[i + 1];
  const isHybridMarker = second === HYBRID || (second === 'x' && third !== undefined && EPITHET.test(third));
  if (isHybridMarker) {
    if (third === undefined) return out.join(' ');
    out.push(HYBRID);
    i++;
  }
  const epithet = tokens[i]!;
  const rest = tokens.slice(i + 1);
  const authorSign = /[.,&(\d]/;
  if (EPITHET.test(epithet) && !AUTHOR_PARTICLES.has(epithet)) {
    // the usual case: a lower-case specific epithet
  } else if (CAPITALISED_WORD.test(epithet)) {
    // "Ketupa Zeylonensis": a capitalised second word is the epithet when nothing or an epithet follows.
    const next = rest[0];
    const epithetFollows = next === undefined || EPITHET.test(next) || RANK_MARKERS[next] !== undefined;
    if (!epithetFollows) {
      // "Panthera Oken 1816" → the genus with its authorship; "Eurasian Red Squirrel" → not a scientific name.
      return authorSign.test(rest.join(' ')) ? out.join(' ') : cleaned;
    }
  } else if (authorSign.test(epithet)) {
    return out.join(' '); // "Taxus L.", "Panthera (Oken, 1816)"
  } else {
    return cleaned;
  }
  out.push(epithet.toLowerCase());
  i++;

  // Infraspecific epithets, with or without a rank marker; stop at the authorship.
  while (i < tokens.length) {
    const t = tokens[i]!;
    const marker = RANK_MARKERS[t];
    if (marker !== undefined) {
      const next = tokens[i + 1];
      if (next === undefined || !EPITHET.test(next.toLowerCase()) || !/^[a-z]/.test(next)) break;
      out.push(marker, next);
      i += 2;
      continue;
    }
    if (EPITHET.test(t) && !AUTHOR_PARTICLES.has(t)) {
      out.push(t);
      i++;
      continue;
    }
    break;
  }
  return out.join(' ');
}

/**
 * The lookup key for any taxon name: the normalised name, lower-cased, diacritics removed from Latin
 * letters. Chinese names are keyed by normalizeChineseName(). Two spellings that should find the same
 * taxon ("Panthera  Tigris", "PANTHERA TIGRIS Linnaeus, 1758") give the same key.
 */
export function nameKey(s: string): string {
  const n = normalizeScientificName(s);
  // "豹属一种", "豹属未定种", "猫科sp." — a record identified only to the genus or family: the group's key
  if (CJK.test(n)) return n.replace(/(属|科)的?(一种|未定种|某种|sp\.?|spp\.?)$/i, '$1');
  return n
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase();
}

/** The genus (first word) of a scientific name; '' for an empty string. */
export function genusOf(s: string): string {
  const n = normalizeScientificName(s);
  return n.split(' ')[0] ?? '';
}

/**
 * The species (binomial) a name belongs to: the first two words, so that a subspecies or variety rolls
 * up to its species ("Panthera tigris altaica" → "Panthera tigris"; "Pinus sylvestris var.
 * sylvestriformis" → "Pinus sylvestris"). Hybrids keep their marker ("Poncirus × polyandra").
 * Null for a genus-only name.
 */
export function speciesOf(s: string): string | null {
  const n = normalizeScientificName(s);
  const tokens = n.split(' ');
  if (tokens[1] === HYBRID) return tokens.length >= 3 ? tokens.slice(0, 3).join(' ') : null;
  if (tokens.length < 2) return null;
  return tokens.slice(0, 2).join(' ');
}

/** The rank implied by a normalised name: 3 words / "subsp." → subspecies, "var." → variety, "f." → form. */
export function rankOf(s: string): 'species' | 'subspecies' | 'variety' | 'form' {
  const tokens = normalizeScientificName(s)
    .split(' ')
    .filter((t) => t !== HYBRID);
  if (tokens.includes('var.')) return 'variety';
  if (tokens.includes('f.')) return 'form';
  if (tokens.includes('subsp.')) return 'subspecies';
  return tokens.length >= 3 ? 'subspecies' : 'species';
}

/** Chinese names: whitespace (including the ideographic space U+3000) and zero-width characters removed. */
export function normalizeChineseName(s: string): string {
  return (s ?? '').normalize('NFC').replace(/[\s\u3000\u200b-\u200d\ufeff]+/g, '');
}
