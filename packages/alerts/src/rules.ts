import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import type { FieldError } from '@biomon/core';

/**
 * The alert rules (预警规则) of the platform, their defaults and the validation of their
 * parameters. Admins change `enabled`, `severity` and `params` through PUT /v1/alert-rules; the
 * `reference` seed writes these defaults, so a fresh platform already warns. A rule without a stored
 * row runs with its defaults.
 *
 * Policy links (BRIEF §7): early warning is task 27 (the platform), invasive species tasks 38, 39
 * and 41, flagship species tasks 17, 18 and 20, the station network tasks 23, 24 and 40; indicator
 * rules name the tasks linked to each indicator.
 */

export const SEVERITIES = ['info', 'warning', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];
export const severityRank = (s: string): number => SEVERITIES.indexOf(s as Severity);

export const RULE_CODES = [
  'invasive_new_cell',
  'sensitive_detection',
  'station_silent',
  'station_data_gap',
  'indicator_deadline',
  'indicator_drop',
  'indicator_species_decline',
  'import_problem',
  'forest_loss_in_protected_area',
] as const;
export type RuleCode = (typeof RULE_CODES)[number];

/** What makes a rule run: new occurrences (through the outbox), the schedule, or a finished import. */
export type RuleTrigger = 'occurrences' | 'schedule-stations' | 'schedule-indicators' | 'import' | 'land-cover';

const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);
const strict = { additionalProperties: false } as const;

const SpeciesEntry = Type.Object(
  {
    taxon: Type.String({ minLength: 2, maxLength: 200, description: 'scientific or Chinese name; its subspecies and synonyms count for it' }),
    effortUnit: Type.String({ minLength: 1, maxLength: 100, description: 'samplingEffortUnit of the survey events whose effort counts, e.g. trap-days or km' }),
    protocol: Type.Optional(Nullable(Type.String({ maxLength: 100, description: 'samplingProtocol the events must have, e.g. 红外相机 or 样线法' }))),
    count: Type.Union([Type.Literal('records'), Type.Literal('individuals')], {
      description: 'records (detections) or individuals (Σ individualCount, 1 when absent)',
    }),
    zeros: Type.Union([Type.Literal('always'), Type.Literal('if-absence-reported')], {
      description:
        'when an event with effort but no record of the species counts as a zero: always (a camera trap records whatever passes), or only when the event reports absences (Humboldt isAbsenceReported; a transect for other taxa says nothing about this one)',
    }),
  },
  strict,
);

export const PARAM_SCHEMAS = {
  invasive_new_cell: Type.Object(
    {
      requireVerified: Type.Boolean({ description: 'only records an evaluator verified trigger (known cells count any record that is not rejected)' }),
      maxRecordAgeDays: Nullable(Type.Integer({ minimum: 1, maximum: 36500, description: 'ignore records whose eventDate ended longer ago; null = any age' })),
    },
    strict,
  ),
  sensitive_detection: Type.Object(
    {
      taxa: Type.Array(Type.String({ minLength: 2, maxLength: 200 }), {
        maxItems: 200,
        description: 'species watched (scientific or Chinese names, subspecies and synonyms included)',
      }),
      includeAllSensitive: Type.Boolean({ description: 'also every taxon flagged sensitive in the checklist' }),
      basisOfRecord: Nullable(
        Type.Array(Type.String({ maxLength: 50 }), { maxItems: 10, description: 'e.g. ["MachineObservation"] for camera-trap detections only; null = any' }),
      ),
      maxRecordAgeDays: Nullable(Type.Integer({ minimum: 1, maximum: 36500, description: 'a detection older than this is history, not a warning' })),
    },
    strict,
  ),
  station_silent: Type.Object(
    {
      intervalsMissed: Type.Number({ exclusiveMinimum: 1, maximum: 1000, description: 'silent = no observation for this many expected intervals' }),
      stationTypes: Nullable(Type.Array(Type.String({ maxLength: 50 }), { maxItems: 10, description: 'null = every station type' })),
    },
    strict,
  ),
  station_data_gap: Type.Object(
    {
      windowDays: Type.Number({ minimum: 0.04, maximum: 366, description: 'completeness window ending now' }),
      minCompletenessPct: Type.Number({ minimum: 0, maximum: 100, description: 'alert below this share of expected slots observed' }),
    },
    strict,
  ),
  indicator_deadline: Type.Object(
    {
      withinDays: Type.Integer({ minimum: 0, maximum: 3650, description: 'a linked ledger task whose deadline falls within this many days' }),
      includeOverdue: Type.Boolean({ description: 'also tasks whose deadline has passed without a done report (severity critical)' }),
    },
    strict,
  ),
  indicator_drop: Type.Object(
    {
      minDropPoints: Type.Number({ exclusiveMinimum: 0, maximum: 100, description: 'percentage points the value fell since the previous completed run' }),
    },
    strict,
  ),
  indicator_species_decline: Type.Object(
    {
      species: Type.Array(SpeciesEntry, { maxItems: 100 }),
      minShareOfBaseline: Type.Number({ exclusiveMinimum: 0, maximum: 1, description: 'alert when count per effort falls below this share of the baseline' }),
      baselineYears: Type.Integer({ minimum: 1, maximum: 50, description: 'baseline = mean of up to this many previous years with effort' }),
      minBaselineYears: Type.Integer({ minimum: 1, maximum: 50, description: 'no verdict with fewer previous years' }),
    },
    strict,
  ),
  import_problem: Type.Object(
    {
      maxRejectedShare: Type.Number({ minimum: 0, maximum: 1, description: "alert when more than this share of an import's rows was rejected" }),
      minRows: Type.Integer({ minimum: 1, maximum: 1e9, description: 'imports with fewer rows are not judged on their share' }),
      sweepDays: Type.Integer({ minimum: 1, maximum: 365, description: 'the scheduled sweep looks at imports finished this many days back' }),
    },
    strict,
  ),
  forest_loss_in_protected_area: Type.Object(
    {
      minLossHa: Type.Number({
        exclusiveMinimum: 0,
        maximum: 1e7,
        description: 'alert when at least this many hectares of forest (the classes forest_coverage counts) became another class inside one protected area',
      }),
    },
    strict,
  ),
} satisfies Record<RuleCode, TSchema>;

export type RuleParams = { [K in RuleCode]: Static<(typeof PARAM_SCHEMAS)[K]> };

export interface RuleDefinition<K extends RuleCode = RuleCode> {
  code: K;
  nameZh: string;
  nameEn: string;
  descriptionZh: string;
  descriptionEn: string;
  trigger: RuleTrigger;
  severity: Severity;
  params: RuleParams[K];
  /** alerts of the rule are listed and delivered to evaluator and admin only */
  privileged: boolean;
  /** ledger_task_links refs whose tasks the alerts name (BRIEF §7) */
  ledgerRefs: string[];
}

export const RULE_DEFINITIONS: { [K in RuleCode]: RuleDefinition<K> } = {
  invasive_new_cell: {
    code: 'invasive_new_cell',
    nameZh: '外来入侵物种新分布预警',
    nameEn: 'Invasive species in a new place',
    descriptionZh: '外来入侵物种在此前没有记录的 10 km 网格中出现（同一物种含亚种和异名；只计出现记录，已驳回的除外）',
    descriptionEn:
      'An invasive taxon recorded in a 10 km grid cell (BRIEF §8 grid) where it had no earlier stored present record (its subspecies and synonyms included; rejected records never count)',
    trigger: 'occurrences',
    severity: 'critical',
    params: { requireVerified: false, maxRecordAgeDays: null },
    privileged: false,
    ledgerRefs: ['invasive_species_alerts', 'platform_sharing_alerts'],
  },
  sensitive_detection: {
    code: 'sensitive_detection',
    nameZh: '旗舰及敏感物种监测记录',
    nameEn: 'Flagship or sensitive species detected',
    descriptionZh: '监测到东北虎、东北豹等旗舰或敏感物种（如红外相机记录）；仅评估人员和管理员可见',
    descriptionEn: 'A record of a watched flagship or sensitive species (e.g. a tiger or leopard camera-trap detection); visible to evaluators and admins only',
    trigger: 'occurrences',
    severity: 'warning',
    params: { taxa: ['Panthera tigris', 'Panthera pardus'], includeAllSensitive: false, basisOfRecord: null, maxRecordAgeDays: 365 },
    privileged: true,
    ledgerRefs: ['flagship_species_records', 'platform_sharing_alerts'],
  },
  station_silent: {
    code: 'station_silent',
    nameZh: '监测站点静默',
    nameEn: 'Station silent',
    descriptionZh: '站点的数据流超过 N 个预期间隔没有观测值',
    descriptionEn: 'A datastream of the station has had no observation for N times its expected interval',
    trigger: 'schedule-stations',
    severity: 'warning',
    params: { intervalsMissed: 3, stationTypes: null },
    privileged: false,
    ledgerRefs: ['station_network_completeness', 'wildlife_disease_stations', 'platform_sharing_alerts'],
  },
  station_data_gap: {
    code: 'station_data_gap',
    nameZh: '监测站点数据缺失',
    nameEn: 'Station data gap',
    descriptionZh: '窗口期内站点数据完整率低于阈值（已观测时段 ÷ 应观测时段）',
    descriptionEn: 'Station completeness (observed slots / expected slots) over a window ending now below a threshold',
    trigger: 'schedule-stations',
    severity: 'info',
    params: { windowDays: 7, minCompletenessPct: 80 },
    privileged: false,
    ledgerRefs: ['station_network_completeness', 'platform_sharing_alerts'],
  },
  indicator_deadline: {
    code: 'indicator_deadline',
    nameZh: '指标临近期限未达标',
    nameEn: 'Indicator off target near a deadline',
    descriptionZh: '台账任务的期限将在 N 天内到期（或已逾期且未完成），而关联指标的最新值未达到目标',
    descriptionEn:
      "A ledger task's deadline falls within N days (or has passed without a done report) and the latest value of a linked indicator misses its target",
    trigger: 'schedule-indicators',
    severity: 'warning',
    params: { withinDays: 90, includeOverdue: true },
    privileged: false,
    ledgerRefs: ['platform_sharing_alerts'],
  },
  indicator_drop: {
    code: 'indicator_drop',
    nameZh: '指标值下降',
    nameEn: 'Indicator value dropped',
    descriptionZh: '指标最新值比上一次计算下降超过 X 个百分点',
    descriptionEn: "An indicator's latest value is more than X percentage points below the previous completed run's",
    trigger: 'schedule-indicators',
    severity: 'warning',
    params: { minDropPoints: 2 },
    privileged: false,
    ledgerRefs: ['platform_sharing_alerts'],
  },
  indicator_species_decline: {
    code: 'indicator_species_decline',
    nameZh: '指示物种下降',
    nameEn: 'Indicator species decline',
    descriptionZh: '优先区域内指示物种单位调查努力量的记录数低于基线（此前各年平均）的一定比例',
    descriptionEn: 'Count per unit of survey effort of an indicator species in a priority area below a share of its baseline (mean of previous years)',
    trigger: 'schedule-indicators',
    severity: 'warning',
    params: {
      species: [
        { taxon: 'Panthera tigris', effortUnit: 'trap-days', protocol: '红外相机', count: 'records', zeros: 'always' },
        { taxon: 'Panthera pardus', effortUnit: 'trap-days', protocol: '红外相机', count: 'records', zeros: 'always' },
        { taxon: 'Grus japonensis', effortUnit: 'km', protocol: '样线法', count: 'individuals', zeros: 'if-absence-reported' },
        { taxon: 'Grus leucogeranus', effortUnit: 'km', protocol: '样线法', count: 'individuals', zeros: 'if-absence-reported' },
      ],
      minShareOfBaseline: 0.5,
      baselineYears: 5,
      minBaselineYears: 2,
    },
    privileged: false,
    ledgerRefs: ['flagship_species_records', 'survey_coverage_priority_areas', 'platform_sharing_alerts'],
  },
  import_problem: {
    code: 'import_problem',
    nameZh: '导入失败或拒收比例过高',
    nameEn: 'Import failed or mostly rejected',
    descriptionZh: '文件导入失败，或完成但被拒收的行所占比例过高',
    descriptionEn: 'A file import failed, or finished with a high share of rejected rows',
    trigger: 'import',
    severity: 'warning',
    params: { maxRejectedShare: 0.2, minRows: 5, sweepDays: 7 },
    privileged: false,
    ledgerRefs: ['platform_sharing_alerts'],
  },
  forest_loss_in_protected_area: {
    code: 'forest_loss_in_protected_area',
    nameZh: '自然保护地内森林减少',
    nameEn: 'Forest loss in a protected area',
    descriptionZh:
      '两期土地覆盖之间，一个计入的自然保护地内由森林（乔木林地及国家特别规定灌木林地）变为其他地类的面积达到阈值（公顷）；每个保护地和年份对只预警一次；仅评估人员和管理员可见',
    descriptionEn:
      'Between two land-cover versions, the area of forest (forest and shrub_special, as forest_coverage counts) that became another class inside one counted protected area reaches a threshold (ha); once per protected area and year pair; visible to evaluators and admins only',
    trigger: 'land-cover',
    severity: 'warning',
    params: { minLossHa: 5 },
    privileged: true,
    ledgerRefs: ['platform_sharing_alerts'],
  },
};

export function isRuleCode(s: string): s is RuleCode {
  return (RULE_CODES as readonly string[]).includes(s);
}

/** A rule as configured: the stored row, or its definition's defaults. */
export interface RuleConfig<K extends RuleCode = RuleCode> {
  code: K;
  enabled: boolean;
  severity: Severity;
  params: RuleParams[K];
  /** 'stored' when an admin or the seed wrote it; 'default' when the rule has no row */
  source: 'stored' | 'default';
  updatedAt: string | null;
}

export function defaultRuleConfig<K extends RuleCode>(code: K): RuleConfig<K> {
  const d = RULE_DEFINITIONS[code] as RuleDefinition<K>;
  return { code, enabled: true, severity: d.severity, params: structuredClone(d.params), source: 'default', updatedAt: null };
}

/** Field errors of a rule's parameters (empty when valid); fields are named `rules[i].params.<path>`. */
export function validateRuleParams(code: RuleCode, params: unknown, fieldPrefix: string): FieldError[] {
  const schema = PARAM_SCHEMAS[code];
  return [...Value.Errors(schema, params)].slice(0, 20).map((e) => ({
    field: `${fieldPrefix}${e.path.replace(/\//g, '.')}`,
    code: 'PARAM_INVALID',
    message: e.message,
  }));
}

/** Stored params merged over the defaults (a key added to a rule later gets its default). */
export function withDefaults<K extends RuleCode>(code: K, stored: Record<string, unknown>): RuleParams[K] {
  return { ...structuredClone(RULE_DEFINITIONS[code].params), ...stored } as RuleParams[K];
}
