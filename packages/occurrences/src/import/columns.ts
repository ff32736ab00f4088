/**
 * How the columns of a tabular upload (CSV/TSV, an Excel sheet) become Darwin Core terms, in one
 * place for every tabular reader. A header that maps to a term (Darwin Core, Humboldt, Darwin Core
 * 1.x/ABCD or a Chinese survey-sheet name, or a team's saved mapping) gives that term; a header that
 * maps to nothing — in any language, with any characters (`天气`, `Site Name`, `温度(℃)`) — is data
 * all the same: its values are kept under `dynamicProperties` (a JSON object, header → value), never
 * a per-row error. The plan says for each column where its values went, for the import status.
 */
import { hasInvalidText } from '@biomon/core';
import { canonicalTerm, knownTerm } from './dwc-terms';
import type { DwcRecord } from './import.types';

/** A team's own header → term mapping (PUT /v1/import-mappings/{name}): a term, or null to keep the column in dynamicProperties. */
export type SavedMapping = Record<string, string | null>;

export interface ColumnMapping {
  /** 1-based position in the header row */
  column: number;
  /** the header as the file writes it */
  header: string;
  /** the Darwin Core / Humboldt term it was mapped to; null when kept in dynamicProperties */
  term: string | null;
  /** how: a known name, the team's saved mapping, or kept as data */
  via: 'name' | 'mapping' | 'dynamicProperties' | 'duplicate';
}

export interface HeaderPlan {
  /** per column: the record key its value goes to (a term, or DYNAMIC:<header>) */
  keys: string[];
  kind: 'occurrence' | 'event';
  warnings: string[];
  columns: ColumnMapping[];
  /** headers kept in dynamicProperties */
  unknown: string[];
}

const DYNAMIC = 'dynamicProperties:';

/**
 * Plans a header row. Known names map to their term; a team's `mapping` (exact header text) wins
 * over the built-in names. When two columns map to the same term (`学名` and `scientificName`), the
 * first keeps it and the later one is kept in dynamicProperties under its own header, so no value is
 * lost. Blank headers are named `column<N>`. Rows are events when the file has eventID plus
 * samplingProtocol/sampleSize/eco: columns and no scientificName/vernacularName.
 */
export function planHeader(header: string[], mapping: SavedMapping = {}): HeaderPlan {
  const keys: string[] = [];
  const used = new Set<string>();
  const warnings: string[] = [];
  const columns: ColumnMapping[] = [];
  const unknown: string[] = [];
  header.forEach((cell, i) => {
    const verbatim = cell.replace(/^\uFEFF/, '').trim();
    const name = verbatim === '' ? `column${i + 1}` : verbatim;
    const saved = Object.hasOwn(mapping, name) ? mapping[name] : undefined;
    let term: string | null = saved !== undefined ? saved : knownTerm(verbatim);
    let via: ColumnMapping['via'] = saved !== undefined ? (saved === null ? 'dynamicProperties' : 'mapping') : term === null ? 'dynamicProperties' : 'name';
    if (term !== null && used.has(term)) {
      warnings.push(
        `Column ${i + 1} "${name}" maps to ${term}, which an earlier column already provides; its values are kept in dynamicProperties under "${name}".`,
      );
      term = null;
      via = 'duplicate';
    }
    if (term === null && hasInvalidText(name)) {
      // a header PostgreSQL cannot store (NUL, an unpaired surrogate): its key goes to the validator as it
      // is, which rejects every row that fills the column with TEXT_INVALID_CHARACTER naming it
      keys.push(name);
    } else if (term === null) {
      unknown.push(name);
      keys.push(`${DYNAMIC}${name}`);
    } else {
      used.add(term);
      keys.push(term);
    }
    columns.push({ column: i + 1, header: name, term, via });
  });
  if (unknown.length) {
    warnings.push(
      `${unknown.length} column(s) map to no Darwin Core term and are kept in each record's dynamicProperties: ${unknown.map((u) => `"${u}"`).join(', ')}.`,
    );
  }
  const has = (k: string): boolean => used.has(k);
  const eventish = has('samplingProtocol') || has('sampleSizeValue') || has('samplingEffort') || [...used].some((k) => k.startsWith('eco:'));
  const kind = has('eventID') && eventish && !has('scientificName') && !has('vernacularName') ? 'event' : 'occurrence';
  return { keys, kind, warnings, columns, unknown };
}

/** Whether a header row names at least one term (else it is not a header row). */
export function namesAnyTerm(header: string[], mapping: SavedMapping = {}): boolean {
  return header.some((h) => knownTerm(h) !== null || (mapping[h.trim()] ?? null) !== null);
}

/** The number of header cells that map to a term (used to pick the sheet of a workbook that holds the records). */
export function termCount(header: string[], mapping: SavedMapping = {}): number {
  return header.filter((h) => knownTerm(h) !== null || (mapping[h.trim()] ?? null) !== null).length;
}

/**
 * A row's cells as a record: each value under its column's key; the values of unmapped columns
 * (and cells beyond the header, as `column<N>`) together in `dynamicProperties` as a JSON object,
 * merged into a dynamicProperties the file itself gives when that is a JSON object (else the file's
 * own value is kept under the key "dynamicProperties"). Empty cells are left out.
 */
export function buildRecord(cells: string[], plan: HeaderPlan): DwcRecord {
  const rec: DwcRecord = {};
  const dynamic: Record<string, string> = {};
  for (let i = 0; i < cells.length; i++) {
    const v = cells[i];
    if (v === undefined || v.trim() === '') continue;
    const key = i < plan.keys.length ? plan.keys[i] : `${DYNAMIC}column${i + 1}`;
    if (key.startsWith(DYNAMIC)) dynamic[key.slice(DYNAMIC.length)] = v;
    else if (rec[key] === undefined || rec[key] === '') rec[key] = v;
  }
  if (Object.keys(dynamic).length) rec.dynamicProperties = mergeDynamic(rec.dynamicProperties, dynamic);
  return rec;
}

/** dynamicProperties with `extra` added: merged into an existing JSON object, or beside a non-JSON value. */
export function mergeDynamic(existing: string | undefined, extra: Record<string, unknown>): string {
  if (existing === undefined || existing.trim() === '') return JSON.stringify(extra);
  try {
    const parsed = JSON.parse(existing) as unknown;
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return JSON.stringify({ ...(parsed as Record<string, unknown>), ...extra });
  } catch {
    // not JSON: kept beside
  }
  return JSON.stringify({ dynamicProperties: existing, ...extra });
}

/** The record key a header would get without a plan (DwC-A and other term-named sources). */
export { canonicalTerm };
