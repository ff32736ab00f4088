/**
 * Free text of a generalised row can carry the place it hides ("scat at N43.1234 E130.8765",
 * "trap 7, 43°07′"). Terms outside the allow-list are withheld anyway; an allowed string term whose
 * value looks like a coordinate is withheld too. The pattern (a POSIX regular expression, used in SQL
 * and in TypeScript alike): a decimal number with two or more decimals, a number followed by a degree
 * or minute sign (°, º, ˚, 度, ′, ″, ', "), a compass letter (or 经/纬) followed by digits, or a run of five
 * or more digits.
 */
export const COORDINATE_LIKE = `[0-9]+[.,][0-9]{2,}|[0-9]+ *[°º˚度′″'"]|(^|[^A-Za-z])[NSEWnsew北南东西] *[0-9]|(纬|经)[度:：]? *[0-9]|[0-9]{5,}`;

const COORDINATE_LIKE_RE = new RegExp(COORDINATE_LIKE);

/** Whether a string looks like it carries a coordinate. */
export function looksLikeCoordinate(s: string): boolean {
  return COORDINATE_LIKE_RE.test(s);
}

/** A free-text value of a generalised row: the value, or null when it looks like a coordinate. */
export function scrubText(s: string | null | undefined): string | null {
  if (s === null || s === undefined) return null;
  return looksLikeCoordinate(s) ? null : s;
}
