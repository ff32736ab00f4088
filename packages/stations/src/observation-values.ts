import { invalidTextErrors, type FieldError } from '@biomon/core';
import type { DatastreamRule } from './station.repository';

/** Longest string result (characters) and largest json result (bytes as JSON). */
export const MAX_STRING_RESULT = 10_000;
export const MAX_JSON_RESULT = 16_384;

export type CheckedResult =
  | {
      ok: true;
      num: number | null;
      json: string | null /** equality key within a batch (a datastream's results are all numbers or all text) */;
      cmp: string | number;
    }
  | { ok: false; error: FieldError };

const NON_FINITE = /^\s*[+-]?(nan|inf|infinity)\s*$/i;

/** JSON text with object keys sorted, so that two equal objects compare equal (as jsonb does). */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (v && typeof v === 'object') {
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v);
}

const fail = (code: string, message: string): CheckedResult => ({ ok: false, error: { field: 'result', code, message } });

/** jsonb refuses NUL characters and unpaired surrogates: the row is rejected (TEXT_INVALID_CHARACTER), not the push. */
const unstorable = (value: unknown): FieldError | undefined => invalidTextErrors(value, 'result')[0];

/**
 * Checks a result against its datastream: the type (RESULT_TYPE_MISMATCH), finiteness of numbers
 * (RESULT_NOT_FINITE — JSON has no NaN, so clients send "NaN"/"Infinity" strings or overflowing
 * literals such as 1e400), and the valid range, inclusive (RESULT_OUT_OF_RANGE). A missing or null
 * result is RESULT_MISSING: SensorThings has no "no value" observation; leave the time out instead.
 */
export function checkResult(value: unknown, ds: DatastreamRule): CheckedResult {
  if (value === undefined || value === null) return fail('RESULT_MISSING', 'result is missing or null; omit the observation instead');
  switch (ds.resultType) {
    case 'number':
    case 'integer': {
      if (typeof value === 'string' && NON_FINITE.test(value)) return fail('RESULT_NOT_FINITE', `result ${JSON.stringify(value)} is not a finite number`);
      if (typeof value !== 'number')
        return fail(
          'RESULT_TYPE_MISMATCH',
          `datastream ${ds.datastreamId} takes ${ds.resultType === 'integer' ? 'integers' : 'numbers'} (a JSON number), got ${typeof value === 'object' ? (Array.isArray(value) ? 'an array' : 'an object') : `a ${typeof value}`}`,
        );
      if (!Number.isFinite(value)) return fail('RESULT_NOT_FINITE', 'result is not a finite number');
      if (ds.resultType === 'integer' && !Number.isSafeInteger(value))
        return fail('RESULT_TYPE_MISMATCH', `datastream ${ds.datastreamId} takes integers, got ${value}`);
      if ((ds.validMin !== null && value < ds.validMin) || (ds.validMax !== null && value > ds.validMax)) {
        return fail('RESULT_OUT_OF_RANGE', `result ${value} is outside the valid range [${ds.validMin ?? '-∞'}, ${ds.validMax ?? '∞'}] of ${ds.datastreamId}`);
      }
      // -0 and 0 are the same value in float8
      const num = Object.is(value, -0) ? 0 : value;
      return { ok: true, num, json: null, cmp: num };
    }
    case 'boolean':
      if (typeof value !== 'boolean') return fail('RESULT_TYPE_MISMATCH', `datastream ${ds.datastreamId} takes true or false`);
      return { ok: true, num: null, json: String(value), cmp: String(value) };
    case 'string': {
      if (typeof value !== 'string') return fail('RESULT_TYPE_MISMATCH', `datastream ${ds.datastreamId} takes strings`);
      if (value.length > MAX_STRING_RESULT) return fail('RESULT_TOO_LARGE', `string results are limited to ${MAX_STRING_RESULT} characters`);
      const bad = unstorable(value);
      if (bad) return { ok: false, error: bad };
      const json = JSON.stringify(value);
      return { ok: true, num: null, json, cmp: json };
    }
    case 'json': {
      const json = JSON.stringify(value);
      if (json.length > MAX_JSON_RESULT) return fail('RESULT_TOO_LARGE', `json results are limited to ${MAX_JSON_RESULT} bytes`);
      const bad = unstorable(value);
      if (bad) return { ok: false, error: bad };
      return { ok: true, num: null, json, cmp: canonicalJson(value) };
    }
  }
}
