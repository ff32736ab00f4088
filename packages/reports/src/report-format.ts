/**
 * How the report's numbers read: percentages to 2 decimals with `%`, gaps signed in percentage
 * points. The HTML, the CSV and the charts all format through here, so a figure's text equals
 * the JSON value formatted once.
 */
import { chinaDateTime } from '@biomon/core';
import { describeReason } from '@biomon/indicators';
import type { IndicatorValue } from './report-types';

export function formatPct(v: number | null | undefined): string | null {
  return v === null || v === undefined || !Number.isFinite(v) ? null : `${v.toFixed(2)}%`;
}

/** `+1.23` / `−4.56` (percentage points; U+2212 minus in text, ASCII in CSV). */
export function formatGap(v: number | null | undefined, ascii = false): string | null {
  if (v === null || v === undefined || !Number.isFinite(v)) return null;
  const s = Math.abs(v).toFixed(2);
  if (Number(s) === 0) return '0.00';
  return `${v > 0 ? '+' : ascii ? '-' : '−'}${s}`;
}

export function meetsLabel(m: boolean | null): { zh: string; en: string; cls: 'met' | 'unmet' | 'na' } {
  if (m === true) return { zh: '达标', en: 'met', cls: 'met' };
  if (m === false) return { zh: '未达标', en: 'not met', cls: 'unmet' };
  return { zh: '无数值目标', en: 'no numeric target', cls: 'na' };
}

const REGION_LEVEL_ZH: Record<string, string> = { province: '省', prefecture: '市（州）', county: '县（市、区）', priority_area: '优先区域' };
export const regionLevelZh = (level: string): string => REGION_LEVEL_ZH[level] ?? level;

const STATION_TYPE_ZH: Record<string, string> = {
  eco_station: '生态定位站',
  camera_trap: '红外相机',
  acoustic: '声学监测',
  hydrological: '水文站',
  weather: '气象站',
  other: '其他',
};
export const stationTypeZh = (t: string): string => STATION_TYPE_ZH[t] ?? t;

const DATASET_KIND_ZH: Record<string, string> = {
  regions: '行政区划与优先区域',
  'protected-areas': '自然保护地',
  'land-cover': '土地覆盖',
  'grassland-plots': '草原样地',
  ecosystems: '生态系统类型',
};
export const datasetKindZh = (k: string): string => DATASET_KIND_ZH[k] ?? k;

/** `2026-11-28T03:04:05.000Z` → `2026-11-28 11:04`, China's time (@biomon/core chinaDateTime). */
export function formatDateTimeShanghai(iso: string): string {
  return chinaDateTime(new Date(iso));
}

/** `2026-11-28` → `2026年11月28日`. */
export function formatDateZh(date: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(date);
  return m ? `${m[1]}年${Number(m[2])}月${Number(m[3])}日` : date;
}

/** Chinese for the reasons indicator runs give for an empty value (their text is English). */
const REASONS_ZH: [RegExp, (m: RegExpExecArray) => string][] = [
  [/^the region has no area$/, () => '区域面积为零'],
  [/^no natural wetland is mapped in the region$/, () => '区域内无自然湿地'],
  [/^no wetland is mapped in the region$/, () => '区域内无湿地'],
  [/^no terrestrial ecosystem type larger than the minimum area in the region$/, () => '区域内无超过最小面积的陆地生态系统类型'],
  [/^no grassland cell with both mapped area and surveyed plots in the region$/, () => '区域内无同时具有草原图斑与当年样地调查的单元'],
  [/^no qualifying record of a nationally protected species in the region$/, () => '区域内无国家重点保护物种的合格记录'],
  [/^no (.+) dataset with vintage ≤ the run's year$/, (m) => `无年份不晚于计算年度的${datasetKindZh(m[1])}数据集`],
];

/** `中文 (English)` for a known reason; the reason as given otherwise (it may already be bilingual). */
export function reasonZh(reason: string | null): string | null {
  if (reason === null) return null;
  for (const [re, zh] of REASONS_ZH) {
    const m = re.exec(reason);
    if (m) return `${zh(m)} (${reason})`;
  }
  return reason;
}

/** The Chinese part of a bilingual `中文 (English)` text. */
export const zhPart = (s: string): string => s.replace(/\s*\([^()]*[A-Za-z][^()]*\)\s*$/, '');

const HAS_HAN = /[\u4e00-\u9fff]/;

/**
 * Why a report value is empty, in Chinese and in English (both null with a value). The HTML and the
 * CSV read it here, so both say the same. Chinese: the Chinese part of the report's `reason`, or —
 * for a stored English reason no Chinese text was written for — the reason catalogue's Chinese
 * (@biomon/indicators describeReason). English: `reasonEn`, or (reports frozen before it existed)
 * the English in brackets of `reason`.
 */
export function reasonTexts(v: Pick<IndicatorValue, 'value' | 'reason' | 'reasonEn'>): { zh: string | null; en: string | null } {
  if (v.value !== null) return { zh: null, en: null };
  const reason = v.reason ?? null;
  const bracketed = reason ? /\(([^()]*[A-Za-z][^()]*)\)\s*$/.exec(reason)?.[1] : undefined;
  const en = v.reasonEn ?? bracketed ?? (reason && !HAS_HAN.test(reason) ? reason : null);
  if (reason && HAS_HAN.test(reason)) return { zh: zhPart(reason), en };
  const described = describeReason(en ?? reason);
  return { zh: described?.reasonZh ?? (reason ? zhPart(reason) : '无数值'), en: en ?? described?.reasonEn ?? null };
}
