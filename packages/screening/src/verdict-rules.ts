import { createHash } from 'node:crypto';
import { indicatorDefinition } from '@biomon/indicators';
import type { ScreeningSpeciesOut } from '@biomon/sensitive';
import RULES_FILE from './verdict-rules.json';
import type {
  FiredRule,
  IndicatorConcern,
  LedgerConcern,
  ScreeningEcosystem,
  ScreeningLandCover,
  ScreeningProtectedArea,
  ScreeningVerdict,
  ScreeningWetland,
  VerdictLevel,
} from './screening-types';

/**
 * The verdict rules (verdict-rules.json, documented in the package README): each rule has an id, a
 * level (avoid / mitigate / proceed), one condition and its wording in Chinese and English. The
 * verdict is the most severe level among the rules that fire; none fires: proceed with monitoring.
 *
 * Conditions:
 * - `protectedAreaOverlap: { zones?, designations?, minHa? }` — the footprint overlaps (more than
 *   minHa, default 0) a protected-area feature of one of the zones / designations (any when absent);
 * - `protectedAreaWithinKm: n` — a protected area lies within n km;
 * - `species: { classes?, withinKm }` — a species of the protection classes is recorded within
 *   withinKm: a sensitive species by its nearest band (its 10 km cells), any other by its nearest
 *   record shown exactly — the view every caller may see, so a verdict gives nothing away;
 * - `naturalWetlandHa: { atLeast }` — natural wetland inside the footprint;
 * - `ecosystemProtectedShareRemovedPct: { atLeast }` — share of a type's provincial protected extent.
 */

type Condition =
  | { protectedAreaOverlap: { zones?: string[]; designations?: string[]; minHa?: number } }
  | { protectedAreaWithinKm: number }
  | { species: { classes?: string[]; withinKm: number } }
  | { naturalWetlandHa: { atLeast: number } }
  | { ecosystemProtectedShareRemovedPct: { atLeast: number } };

export interface VerdictRule {
  id: string;
  verdict: VerdictLevel;
  when: Condition;
  zh: string;
  en: string;
}

export interface VerdictRules {
  version: string;
  levels: Record<VerdictLevel, { zh: string; en: string; rank: number }>;
  rules: VerdictRule[];
}

const LEVELS: VerdictLevel[] = ['avoid', 'mitigate', 'proceed'];
const CONDITIONS = ['protectedAreaOverlap', 'protectedAreaWithinKm', 'species', 'naturalWetlandHa', 'ecosystemProtectedShareRemovedPct'];

/** Checks a rules document; throws naming the first problem (the process does not start with bad rules). */
export function checkRules(doc: unknown): VerdictRules {
  const d = doc as VerdictRules;
  if (!d || typeof d.version !== 'string' || !Array.isArray(d.rules)) throw new Error('verdict rules: version and rules are required');
  for (const l of LEVELS) if (!d.levels?.[l]?.zh || !d.levels[l].en) throw new Error(`verdict rules: level ${l} needs zh and en`);
  const ids = new Set<string>();
  for (const r of d.rules) {
    if (!r.id || ids.has(r.id)) throw new Error(`verdict rules: rule id ${JSON.stringify(r.id)} missing or repeated`);
    ids.add(r.id);
    if (!LEVELS.includes(r.verdict)) throw new Error(`verdict rules: rule ${r.id} has an unknown verdict ${JSON.stringify(r.verdict)}`);
    if (!r.zh || !r.en) throw new Error(`verdict rules: rule ${r.id} needs zh and en`);
    const keys = Object.keys(r.when ?? {});
    if (keys.length !== 1 || !CONDITIONS.includes(keys[0]))
      throw new Error(`verdict rules: rule ${r.id} needs exactly one condition of ${CONDITIONS.join(', ')}`);
  }
  return d;
}

export const VERDICT_RULES: VerdictRules = checkRules(RULES_FILE);
/** The version and content hash a screening records. */
export const RULES_VERSION = `${VERDICT_RULES.version}#${createHash('sha256').update(JSON.stringify(RULES_FILE)).digest('hex').slice(0, 12)}`;

export interface VerdictInput {
  protectedAreas: ScreeningProtectedArea[];
  /** the species as every caller below evaluator sees them */
  species: ScreeningSpeciesOut[];
  wetland: ScreeningWetland;
  ecosystems: ScreeningEcosystem[];
}

const fmt = (x: number, d = 2) => x.toFixed(d);

function evaluate(rule: VerdictRule, x: VerdictInput): string[] {
  const w = rule.when as Record<string, unknown>;
  if ('protectedAreaOverlap' in w) {
    const c = rule.when as { protectedAreaOverlap: { zones?: string[]; designations?: string[]; minHa?: number } };
    const { zones, designations, minHa = 0 } = c.protectedAreaOverlap;
    return x.protectedAreas
      .filter((p) => p.overlapHa > minHa && (!zones || (p.zone !== null && zones.includes(p.zone))) && (!designations || designations.includes(p.designation)))
      .map((p) => `${p.name}${p.zoneLabel ? ` ${p.zoneLabel}` : ''}: ${fmt(p.overlapHa)} ha`);
  }
  if ('protectedAreaWithinKm' in w) {
    const km = (rule.when as { protectedAreaWithinKm: number }).protectedAreaWithinKm;
    return x.protectedAreas.filter((p) => p.overlapHa === 0 && p.distanceM <= km * 1000).map((p) => `${p.name}: ${Math.round(p.distanceM)} m`);
  }
  if ('species' in w) {
    const { classes, withinKm } = (rule.when as { species: { classes?: string[]; withinKm: number } }).species;
    return x.species
      .filter((s) => !classes || (s.protectionClass !== null && classes.includes(s.protectionClass)))
      .filter((s) =>
        s.sensitive
          ? s.nearestBandKm !== null && s.nearestBandKm <= withinKm
          : s.nearestM !== null && s.nearestM !== undefined && s.nearestM <= withinKm * 1000,
      )
      .map((s) => `${s.chineseName ?? s.scientificName} ${s.scientificName}${s.sensitive ? ` (≤ ${s.nearestBandKm} km, 10 km cells)` : ''}`);
  }
  if ('naturalWetlandHa' in w) {
    const { atLeast } = (rule.when as { naturalWetlandHa: { atLeast: number } }).naturalWetlandHa;
    return x.wetland.naturalHa >= atLeast && x.wetland.naturalHa > 0 ? [`natural wetland ${fmt(x.wetland.naturalHa)} ha`] : [];
  }
  const { atLeast } = (rule.when as { ecosystemProtectedShareRemovedPct: { atLeast: number } }).ecosystemProtectedShareRemovedPct;
  return x.ecosystems
    .filter((e) => e.shareOfProtectedPct !== null && e.shareOfProtectedPct >= atLeast)
    .map((e) => `${e.type}: ${fmt(e.shareOfProtectedPct!, 3)} %`);
}

/** The verdict of a screening by the rules (the most severe level that fires). */
export function judge(x: VerdictInput, rules: VerdictRules = VERDICT_RULES, version = RULES_VERSION): ScreeningVerdict {
  const fired: FiredRule[] = [];
  for (const r of rules.rules) {
    const evidence = evaluate(r, x);
    if (evidence.length) fired.push({ id: r.id, verdict: r.verdict, zh: r.zh, en: r.en, evidence });
  }
  const level = fired.reduce<VerdictLevel>((lv, f) => (rules.levels[f.verdict].rank > rules.levels[lv].rank ? f.verdict : lv), 'proceed');
  return { level, zh: rules.levels[level].zh, en: rules.levels[level].en, rulesVersion: version, fired };
}

/**
 * The ledger tasks and indicators a screening concerns: task 29 always (impact assessment); the rest
 * by what the footprint touches (BRIEF §7 links and the task texts of seeds/ledger).
 */
export function concerns(x: VerdictInput & { landCover: ScreeningLandCover[] }): { ledgerTasks: LedgerConcern[]; indicators: IndicatorConcern[] } {
  const tasks = new Map<number, string>([[29, '大型工程建设对生物多样性的影响评价 impact assessment of construction and resource projects']]);
  const inds = new Map<string, string>();
  const paTouched = x.protectedAreas.some((p) => p.overlapHa > 0);
  const paNear = x.protectedAreas.length > 0;
  if (paTouched || paNear) {
    tasks.set(14, '自然保护地与生态保护红线 protected areas and the ecological conservation red line');
    tasks.set(51, '自然保护地与生态保护红线监督 supervision of protected areas and the red line');
  }
  if (paTouched) {
    tasks.set(22, '重要自然生态系统保护 protection of important natural ecosystems');
    inds.set('pa_coverage', 'footprint overlaps a protected area');
  }
  if (x.species.length) {
    tasks.set(17, '珍稀濒危物种与旗舰物种保护 rare, endangered and flagship species');
    tasks.set(18, '原生境保护点 in-situ conservation sites');
    inds.set('protected_species_rate', 'protected species recorded near the footprint');
  }
  if (x.wetland.naturalHa > 0) {
    tasks.set(12, '河流湖泊修养生息 rest of rivers and lakes');
    tasks.set(21, '重要生态系统保护和修复 ecosystem protection and restoration');
    inds.set('natural_wetland_protection_rate', 'natural wetland inside the footprint');
  }
  if (x.ecosystems.some((e) => e.terrestrial && e.ha > 0)) {
    tasks.set(22, '重要自然生态系统保护 protection of important natural ecosystems');
    inds.set('ecosystem_type_protection_rate', 'terrestrial ecosystem types inside the footprint');
  }
  if (x.landCover.some((l) => (l.class === 'forest' || l.class === 'shrub_special') && l.ha > 0)) {
    tasks.set(21, '重要生态系统保护和修复 ecosystem protection and restoration');
    inds.set('forest_coverage', 'forest inside the footprint');
  }
  if (x.landCover.some((l) => l.class === 'grassland' && l.ha > 0)) {
    tasks.set(12, '草原禁牧与修养生息 grassland grazing bans and rest');
    inds.set('grassland_vegetation_cover', 'grassland inside the footprint');
  }
  return {
    ledgerTasks: [...tasks.entries()].sort((a, b) => a[0] - b[0]).map(([no, why]) => ({ no, why })),
    indicators: [...inds.entries()].map(([code, why]) => {
      const d = indicatorDefinition(code);
      return { code, nameZh: d?.nameZh ?? code, nameEn: d?.nameEn ?? code, why };
    }),
  };
}
