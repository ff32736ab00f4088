/**
 * Why an indicator has no value (`reason`), as stable codes with parameters and texts in Chinese
 * and English. The computations (run-context.ts, compute/*.ts) write the English `reason` stored
 * with each result (kept as it is for API compatibility and for runs stored before the codes); this
 * catalogue reads a code and its parameters back from that text, so every answer — new runs and
 * old — carries `reasonCode`, `reasonZh` and `reasonEn` and a reader sees the reason in their
 * language. A reason no pattern knows keeps its English text under `REASON_OTHER`.
 */

export const REASON_CODES = [
  'DATASET_MISSING',
  'REGION_NO_AREA',
  'NO_NATURAL_WETLAND',
  'NO_WETLAND',
  'NO_GRASSLAND_WITH_PLOTS',
  'NO_GRASSLAND_PIXELS',
  'NO_PROTECTED_SPECIES_RECORDS',
  'NO_TERRESTRIAL_ECOSYSTEM',
  'NO_RUN',
  'NO_YEAR_WITH_VALUE',
  'REASON_OTHER',
] as const;
export type ReasonCode = (typeof REASON_CODES)[number];

export interface ReasonOut {
  reasonCode: ReasonCode;
  reasonParams: Record<string, string>;
  reasonZh: string;
  reasonEn: string;
}

const KIND_ZH: Record<string, string> = {
  regions: '行政区划',
  'protected-areas': '自然保护地',
  'land-cover': '土地覆盖',
  'grassland-plots': '草原监测样地',
  ecosystems: '生态系统类型',
  ndvi: 'NDVI 遥感栅格',
};

const TEXTS: Record<ReasonCode, { zh: (p: Record<string, string>) => string; en: (p: Record<string, string>) => string }> = {
  DATASET_MISSING: {
    zh: (p) => `没有年份不晚于计算年份的${KIND_ZH[p.kind] ?? p.kind}数据集`,
    en: (p) => `no ${p.kind} dataset with vintage ≤ the run's year`,
  },
  REGION_NO_AREA: { zh: () => '该区域面积为零', en: () => 'the region has no area' },
  NO_NATURAL_WETLAND: { zh: () => '该区域未划定自然湿地', en: () => 'no natural wetland is mapped in the region' },
  NO_WETLAND: { zh: () => '该区域未划定湿地', en: () => 'no wetland is mapped in the region' },
  NO_GRASSLAND_WITH_PLOTS: {
    zh: () => '该区域没有同时具备草原面积和当年监测样地的草原类型',
    en: () => 'no grassland cell with both mapped area and surveyed plots in the region',
  },
  NO_GRASSLAND_PIXELS: {
    zh: () => '该区域没有具有 NDVI 值的草原像元',
    en: () => 'no grassland pixel with an NDVI value in the region',
  },
  NO_PROTECTED_SPECIES_RECORDS: {
    zh: () => '该区域没有符合条件的国家重点保护物种记录',
    en: () => 'no qualifying record of a nationally protected species in the region',
  },
  NO_TERRESTRIAL_ECOSYSTEM: {
    zh: () => '该区域没有面积超过最小面积的陆地生态系统类型',
    en: () => 'no terrestrial ecosystem type larger than the minimum area in the region',
  },
  NO_RUN: { zh: () => '尚无已完成的指标计算', en: () => 'no completed indicator run yet' },
  NO_YEAR_WITH_VALUE: { zh: () => '各年份均无计算值', en: () => 'no year has a value' },
  REASON_OTHER: { zh: (p) => `无法计算：${p.text}`, en: (p) => p.text },
};

/** English reason texts → code (and parameters from the capture groups, by name). */
const PATTERNS: { re: RegExp; code: ReasonCode }[] = [
  { re: /^no (?<kind>[a-z-]+) dataset with vintage ≤ the run's year$/, code: 'DATASET_MISSING' },
  { re: /^the region has no area$/, code: 'REGION_NO_AREA' },
  { re: /^no natural wetland is mapped in the region$/, code: 'NO_NATURAL_WETLAND' },
  { re: /^no wetland is mapped in the region$/, code: 'NO_WETLAND' },
  { re: /^no grassland cell with both mapped area and surveyed plots/, code: 'NO_GRASSLAND_WITH_PLOTS' },
  { re: /^no grassland pixel with an NDVI value in the region$/, code: 'NO_GRASSLAND_PIXELS' },
  { re: /protected species|qualifying (record|occurrence)/i, code: 'NO_PROTECTED_SPECIES_RECORDS' },
  { re: /terrestrial ecosystem/i, code: 'NO_TERRESTRIAL_ECOSYSTEM' },
];

/** The texts of a code with its parameters. */
export function reasonText(code: ReasonCode, params: Record<string, string> = {}): ReasonOut {
  const t = TEXTS[code];
  return { reasonCode: code, reasonParams: params, reasonZh: t.zh(params), reasonEn: t.en(params) };
}

/** The code, parameters and both texts of a stored English reason (null when there is none). */
export function describeReason(reason: string | null | undefined): ReasonOut | null {
  if (!reason) return null;
  for (const p of PATTERNS) {
    const m = p.re.exec(reason);
    if (m) {
      const params = { ...(m.groups ?? {}) } as Record<string, string>;
      const out = reasonText(p.code, params);
      // the stored text stays the English text shown (the patterns may match a longer sentence)
      return { ...out, reasonEn: reason };
    }
  }
  return reasonText('REASON_OTHER', { text: reason });
}
