/**
 * The indicators of BRIEF §6, with their Chinese and English names, formula text and targets.
 * `target2025.value` is a number only where the seed document gives one; elsewhere it is null
 * and the Chinese wording is shown instead (never an invented number).
 */
export const METHOD_VERSION = '2026.11-1';

export type IndicatorCode =
  | 'forest_coverage'
  | 'grassland_vegetation_cover'
  | 'grassland_vegetation_cover_rs'
  | 'natural_wetland_protection_rate'
  | 'wetland_protection_rate'
  | 'protected_species_rate'
  | 'ecosystem_type_protection_rate'
  | 'pa_coverage'
  | 'pa_connectivity'
  | 'exsitu_protected_plants_rate'
  | 'exsitu_sites_per_taxon';

export interface Target {
  value: number | null;
  text: string;
  textEn: string;
}

export interface IndicatorDefinition {
  code: IndicatorCode;
  nameZh: string;
  nameEn: string;
  /** '%' for rates; '个/种' (institutions per taxon) for exsitu_sites_per_taxon */
  unit: '%' | '个/种';
  formulaZh: string;
  formulaEn: string;
  target2025: Target;
  target2035: Target;
  /** Shown beside another indicator, without a target of its own. */
  companionOf?: IndicatorCode;
  /** Computed only when a run names it (not in a run that names no indicators). */
  onRequest?: true;
  /** Of an indicator with several values per region (variants), the one reports show, and how they name it. */
  reportVariant?: { variant: string; zh: string; en: string };
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
    code: 'grassland_vegetation_cover_rs',
    nameZh: '草原植被盖度（遥感 NDVI）',
    nameEn: 'Grassland vegetation cover from NDVI (remote sensing)',
    unit: '%',
    formulaZh:
      '土地覆盖草原掩膜内像元 FVC 的面积加权平均（像元按 WGS84 椭球面积加权）；当年有样地时以样地盖度对 NDVI 回归定标（盖度 = a + b·NDVI），否则用像元二分模型（NDVI_soil、NDVI_veg 取掩膜内面积加权第 5、95 百分位）。以样地为基础的草原综合植被盖度仍为正式指标',
    formulaEn:
      'area-weighted mean FVC over the grassland mask of the land-cover version (pixels weighted by their WGS84 ellipsoidal area); FVC by regression of plot cover on NDVI where the year has plots (cover = a + b·NDVI), else the pixel dichotomy model (NDVI_soil, NDVI_veg = area-weighted 5th and 95th percentiles in the mask). The plot-based indicator stays the official one',
    target2025: { value: null, text: '与草原综合植被盖度并列展示，无单独目标', textEn: 'shown beside the plot-based grassland cover; no target of its own' },
    target2035: { value: null, text: '—', textEn: '—' },
    companionOf: 'grassland_vegetation_cover',
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
  {
    code: 'pa_connectivity',
    nameZh: '自然保护地连通性（ProtConn）',
    nameEn: 'Protected-area connectivity (ProtConn)',
    unit: '%',
    formulaZh:
      'ProtConn = 100 × √(Σᵢ Σⱼ aᵢ·aⱼ·p*ᵢⱼ) ÷ 区域面积；节点为计入的自然保护地并集在区域内的各连通部分（aᵢ 为椭球面积），p*ᵢⱼ 为各路径上 pᵢⱼ = exp(−k·dᵢⱼ) 乘积的最大值（dᵢⱼ 为边缘间最短测地距离，k = −ln(扩散距离处概率) ÷ 扩散距离）；每个扩散距离一个结果',
    formulaEn:
      'ProtConn = 100 · √(Σ_i Σ_j a_i·a_j·p*_ij) / area(region); nodes are the connected parts of the counted-PA union within the region (a_i ellipsoidal area), p*_ij the maximum product of p_ij = exp(−k·d_ij) over paths (d_ij shortest geodesic edge-to-edge distance, k = −ln(probabilityAtDistance)/dispersalDistance) (Saura et al. 2017, 2018); one result per dispersal distance',
    target2025: {
      value: null,
      text: '无省级目标（参考昆明—蒙特利尔全球生物多样性框架目标3“连通良好”）',
      textEn: 'no provincial target (Kunming–Montreal GBF Target 3, "well-connected")',
    },
    target2035: { value: null, text: '—', textEn: '—' },
    companionOf: 'pa_coverage',
    onRequest: true,
    reportVariant: { variant: 'd=10km', zh: '扩散距离 10 千米', en: 'dispersal distance 10 km' },
  },
  {
    code: 'exsitu_protected_plants_rate',
    nameZh: '国家重点保护野生植物迁地保护率',
    nameEn: 'Ex-situ conservation rate of nationally protected wild plants',
    unit: '%',
    formulaZh:
      '名录中国家重点保护野生植物（2021年名录，按导入的名录；亚种、变种、异名计入其所属种）中，至少有一份种质资源以野生材料（SAMPSTAT 100–199）活体保存（STORAGE 10–13 种子库、20 田间圃、30 离体、40 超低温；50 DNA 与 99 其他如腊叶标本不计）的物种所占比例。省级区域：名录中全部受保护野生植物；市州、县、优先区域：区域内有记录（有效的出现记录，或在区域内采集的野生种质）的受保护野生植物；保存机构不限地点',
    formulaEn:
      'share of the nationally protected wild plant taxa of the checklist (the 2021 list as imported; subspecies, varieties and synonyms count for their taxon) held in at least one accession of wild material (SAMPSTAT 100–199) in living storage (STORAGE 10–13 seed, 20 field, 30 in vitro, 40 cryopreserved; not 50 DNA nor 99 other, e.g. herbarium). Province: every protected wild plant of the checklist; prefecture, county, priority area: those recorded in the region (a present, not rejected occurrence, or a wild accession collected there); the holding institution may be anywhere',
    target2025: {
      value: null,
      text: '无省级目标（参考全球植物保护战略目标8：≥75%受威胁植物迁地保存）',
      textEn: 'no provincial target (GSPC Target 8 context: ≥ 75 % of threatened plants ex situ)',
    },
    target2035: { value: null, text: '—', textEn: '—' },
  },
  {
    code: 'exsitu_sites_per_taxon',
    nameZh: '受保护野生植物平均迁地保存机构数',
    nameEn: 'Ex-situ holding institutions per protected wild plant taxon',
    unit: '个/种',
    formulaZh: '同一组受保护野生植物中，每种以野生材料活体保存的机构数（未保存计 0）之和 ÷ 物种数',
    formulaEn: 'over the same protected wild plant taxa, Σ institutions holding each as living wild material (0 when none) / number of taxa',
    target2025: { value: null, text: '—', textEn: '—' },
    target2035: { value: null, text: '—', textEn: '—' },
    companionOf: 'exsitu_protected_plants_rate',
  },
];

export const INDICATOR_CODES = INDICATORS.map((i) => i.code);

/** The variant of each indicator that reports show ('' for those with one value per region). */
export function reportVariantOf(code: string): string {
  return indicatorDefinition(code)?.reportVariant?.variant ?? '';
}

/** What a run that names no indicators computes: all but those computed on request. */
export const DEFAULT_RUN_CODES = INDICATORS.filter((i) => !i.onRequest).map((i) => i.code);

export function indicatorDefinition(code: string): IndicatorDefinition | undefined {
  return INDICATORS.find((i) => i.code === code);
}

/** Whether a value meets its 2025 target; null where there is no numeric target or no value. */
export function meetsTarget(code: string, value: number | null): boolean | null {
  const t = indicatorDefinition(code)?.target2025.value ?? null;
  if (t === null || value === null) return null;
  return value >= t;
}
