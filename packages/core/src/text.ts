import type { FieldError } from './errors';

/**
 * Text PostgreSQL cannot store: the NUL character (refused in `text` and `jsonb`) and UTF-16
 * surrogates that are not part of a pair (refused in `jsonb`, silently turned into U+FFFD in
 * `text`). JSON lets a client send both as escapes (`"\u0000"`, `"\ud800"`), CSV and DwC-A files
 * as raw bytes (NUL) — they are refused at the edge with this one check, naming the field.
 */
const INVALID_TEXT = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const INVALID_TEXT_ALL = new RegExp(INVALID_TEXT.source, 'g');

/** Field error code of every such value, in JSON bodies, query strings, CSV cells and archive rows. */
export const TEXT_INVALID_CHARACTER = 'TEXT_INVALID_CHARACTER';

export function hasInvalidText(s: string): boolean {
  return INVALID_TEXT.test(s);
}

/** The string with every NUL or unpaired surrogate written as its escape (`\u0000`), storable and printable. */
export function escapeInvalidText(s: string): string {
  return INVALID_TEXT.test(s) ? s.replace(INVALID_TEXT_ALL, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`) : s;
}

/** A JSON-like value with escapeInvalidText applied to every string and key (for error reports and warnings kept in jsonb). */
export function escapeInvalidTextDeep<T>(v: T): T {
  if (typeof v === 'string') return escapeInvalidText(v) as T;
  if (Array.isArray(v)) return v.map((x) => escapeInvalidTextDeep(x)) as T;
  if (v !== null && typeof v === 'object' && !(v instanceof Date)) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[escapeInvalidText(k)] = escapeInvalidTextDeep(x);
    return out as T;
  }
  return v;
}

export interface InvalidText {
  /** Where: `records[3].occurrenceRemarks`, `query.taxon`, or the term name of a record; bad characters in it are escaped. */
  path: string;
  /** The bad character is in a property name, not in its value. */
  inKey: boolean;
  /** The first bad character, e.g. `U+0000`. */
  character: string;
}

const describe = (s: string): string => {
  const m = INVALID_TEXT.exec(s);
  return m ? `U+${m[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}` : '';
};

const join = (base: string, key: string): string => (base === '' ? escapeInvalidText(key) : `${base}.${escapeInvalidText(key)}`);

/**
 * Every place in a value (a parsed JSON body, a query string, a record of Darwin Core terms)
 * where a string or a property name holds text PostgreSQL cannot store, in document order,
 * at most `max` of them. Paths are relative to `base`: `a.b[2].c`.
 */
export function findInvalidText(value: unknown, base = '', max = 20): InvalidText[] {
  const out: InvalidText[] = [];
  // The path is built only for a hit (from the keys and indexes of the way down): a body of 5,000
  // records has some 50,000 names and values, and almost never a bad character.
  const way: (string | number)[] = [];
  const pathTo = (last?: string): string => {
    let p = base;
    for (const step of last === undefined ? way : [...way, last]) p = typeof step === 'number' ? `${p}[${step}]` : join(p, step);
    return p;
  };
  const walk = (v: unknown, depth: number): void => {
    if (out.length >= max) return;
    if (typeof v === 'string') {
      if (INVALID_TEXT.test(v)) out.push({ path: pathTo(), inKey: false, character: describe(v) });
      return;
    }
    if (v === null || typeof v !== 'object' || depth > 64) return;
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length && out.length < max; i++) {
        way.push(i);
        walk(v[i], depth + 1);
        way.pop();
      }
      return;
    }
    for (const k in v) {
      if (!Object.hasOwn(v, k)) continue;
      if (out.length >= max) return;
      if (INVALID_TEXT.test(k)) out.push({ path: pathTo(k), inKey: true, character: describe(k) });
      else {
        way.push(k);
        walk((v as Record<string, unknown>)[k], depth + 1);
        way.pop();
      }
    }
  };
  walk(value, 0);
  return out;
}

/** findInvalidText as field errors (code TEXT_INVALID_CHARACTER), for a 422 or a batch rejection. */
export function invalidTextErrors(value: unknown, base = ''): FieldError[] {
  return findInvalidText(value, base).map((t) => ({
    field: t.path || 'body',
    code: TEXT_INVALID_CHARACTER,
    message: `${t.inKey ? 'the name' : 'the value'} contains ${t.character === 'U+0000' ? 'a NUL character (U+0000)' : `an unpaired UTF-16 surrogate (${t.character})`}, which cannot be stored; remove it`,
  }));
}
