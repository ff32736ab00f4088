import type { IndicatorValue } from './types';

/** A value with the reason fields of GET /v1/indicators/{code}/values (reasonCode, reasonZh, reasonEn). */
export type ValueWithReason = IndicatorValue & { reasonCode?: string | null; reasonZh?: string | null; reasonEn?: string | null };

/**
 * The headline value of an indicator for a region: the newest year that HAS a value (its `year`
 * says which), else the newest year (whose reason says why it is empty). Pure: no DOM, no fetch.
 */
export function headlineValue<T extends Pick<IndicatorValue, 'regionCode' | 'year' | 'value'>>(values: T[], region: string): T | undefined {
  const mine = values.filter((v) => v.regionCode === region).sort((a, b) => b.year - a.year);
  return mine.find((v) => v.value !== null) ?? mine[0];
}

/** Why a value is empty, in the reader's language (the English `reason` when the answer has no texts). */
export function reasonFor(v: Pick<ValueWithReason, 'reason' | 'reasonZh' | 'reasonEn'>, lang: 'zh' | 'en'): string | null {
  if (!v.reason && !v.reasonZh && !v.reasonEn) return null;
  return lang === 'en' ? (v.reasonEn ?? v.reason ?? null) : (v.reasonZh ?? v.reason ?? null);
}
