/**
 * The indicators of BRIEF §6, with their Chinese and English names, formula text and targets.
 * `target2025.value` is a number only where the seed document gives one; elsewhere it is null
 * and the Chinese wording is shown instead (never an invented number).
 */
export const METHOD_VERSION = '2026.11-1';

export type IndicatorCode =
  | 'forest_coverage'
  | 'grassland_vegetation_cover'
  | 'natural_wetland_protection_rate'
  | 'wetland_protection_rate'
  | 'protected_species_rate'
  | 'ecosystem_type_protection_rate'
  | 'pa_coverage';

export interface Target {
  value: number | null;
  text: string;
  textEn: string;
}

export interface IndicatorDefinition {
  code: IndicatorCode;
  nameZh: string;
  nameEn: string;
  unit: '%';
  formulaZh: string;
  formulaEn: string;
  target2025: Target;
  target2035: Target;
  /** Shown beside another indicator, without a target of its own. */
  companionOf?: IndicatorCode;
}

export const INDICATORS: IndicatorDefinition[] = [
  {
    code: 'forest_coverage',
    nameZh: '森林覆盖率',
    nameEn: 'Forest coverage',
    unit: '%',
    formulaZh: '（有林地 ∪ 国家特别规定灌木林地）与区域相交面积 ÷ 区域面积 × 100；一般灌木林不计入',
    formulaEn: 'area((forest ∪ shrub_special) ∩ region) / area(region) × 100; plain shrub does not count',
    target2025: { value: 45.8, text: '45.8%', textEn: '45.8 %' },
    target2035: { value: null, text: '稳定提高', textEn: 'steadily higher (no number)' },
  },
  {
    code: 'grassland_vegetation_cover',
    nameZh: '草原综合植被盖度',
    nameEn: 'Grassland comprehensive vegetation cover',
    unit: '%',
    formulaZh: '各叶级单元内按草原类型：样地平均盖度 × 该类型草原面积，求和后除以面积之和（先按类型、再按单元面积加权）',
    formulaEn: 'Σ C(t,k)·S(t,k) / Σ S(t,k) over grassland types t and leaf units k (area-weighted by type, then by unit)',
    target2025: { value: 72.3, text: '72.3%', textEn: '72.3 %' },
    target2035: { value: null, text: '稳步提升', textEn: 'steadily rising (no number)' },
  },
  {
    code: 'natural_wetland_protection_rate',
    nameZh: '自然湿地保护率',
    nameEn: 'Natural wetland protection rate',
    unit: '%',
    formulaZh: '自然湿地 ∩ 计入的自然保护地并集 ∩ 区域 的面积 ÷ 自然湿地 ∩ 区域 的面积 × 100（水域不计）',
    formulaEn: 'area(natural wetland ∩ counted-PA union ∩ region) / area(natural wetland ∩ region) × 100 (class water never counts)',
    target2025: {
      value: 50,
      text: '50%（意见稿为湿地保护率 50%，省林草工作会议明确为自然湿地保护率）',
      textEn: '50 % (the seed says wetland protection rate; the province states it for natural wetlands)',
    },
    target2035: { value: null, text: '进一步提高', textEn: 'higher still (no number)' },
  },
  {
    code: 'wetland_protection_rate',
    nameZh: '湿地保护率',
    nameEn: 'Wetland protection rate (all wetland)',
    unit: '%',
    formulaZh: '全部湿地 ∩ 计入的自然保护地并集 ∩ 区域 的面积 ÷ 全部湿地 ∩ 区域 的面积 × 100',
    formulaEn: 'area(wetland ∩ counted-PA union ∩ region) / area(wetland ∩ region) × 100, natural or not',
    target2025: { value: null, text: '与自然湿地保护率并列展示，无单独目标', textEn: 'shown beside the natural wetland rate; no target of its own' },
    target2035: { value: null, text: '—', textEn: '—' },
    companionOf: 'natural_wetland_protection_rate',
  },
  {
    code: 'protected_species_rate',
    nameZh: '国家重点保护野生动植物物种数保护率',
    nameEn: 'Nationally key protected species protection rate',
    unit: '%',
    formulaZh: '区域内有合格记录的国家重点保护物种（2021年名录一、二级）中，在计入的自然保护地内有合格记录的物种所占比例',
    formulaEn: 'share of listed species (2021 lists, class I/II) with a qualifying record in the region that have one inside the counted-PA union',
    target2025: { value: 95, text: '95%', textEn: '95 %' },
    target2035: { value: null, text: '得到全面保护', textEn: 'fully protected (no number)' },
  },
  {
    code: 'ecosystem_type_protection_rate',
    nameZh: '陆地生态系统类型有效保护率',
    nameEn: 'Effective protection rate of terrestrial ecosystem types',
    unit: '%',
    formulaZh: '区域内面积大于1公顷的陆地生态系统类型中，受保护比例 f_t ≥ θ 的类型所占百分比',
    formulaEn: 'percentage of terrestrial ecosystem types present (> 1 ha) with protected share f_t ≥ θ',
    target2025: { value: null, text: '达到国家要求', textEn: 'meets national requirements (no number)' },
    target2035: { value: null, text: '达到国家要求', textEn: 'meets national requirements (no number)' },
  },
  {
    code: 'pa_coverage',
    nameZh: '自然保护地面积占比',
    nameEn: 'Protected-area coverage',
    unit: '%',
    formulaZh: '计入的自然保护地并集 ∩ 区域 的面积 ÷ 区域面积 × 100（重叠只计一次）',
    formulaEn: 'area(counted-PA union ∩ region) / area(region) × 100 (overlaps counted once)',
    target2025: { value: null, text: '无省级目标（参考全球“30×30”目标）', textEn: 'no provincial target (GBF 30×30 context)' },
    target2035: { value: null, text: '—', textEn: '—' },
  },
];

export const INDICATOR_CODES = INDICATORS.map((i) => i.code);

export function indicatorDefinition(code: string): IndicatorDefinition | undefined {
  return INDICATORS.find((i) => i.code === code);
}

/** Whether a value meets its 2025 target; null where there is no numeric target or no value. */
export function meetsTarget(code: string, value: number | null): boolean | null {
  const t = indicatorDefinition(code)?.target2025.value ?? null;
  if (t === null || value === null) return null;
  return value >= t;
}
