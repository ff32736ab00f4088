export const LAYER_KINDS = ['regions', 'protected-areas', 'land-cover', 'grassland-plots', 'ecosystems'] as const;
export type LayerKind = (typeof LAYER_KINDS)[number];

export const REGION_LEVELS = ['province', 'prefecture', 'county', 'priority_area'] as const;
export const PA_DESIGNATIONS = [
  'national_park',
  'nature_reserve',
  'wetland_park',
  'forest_park',
  'scenic_area',
  'geopark',
  'wetland_small_area',
  'biosphere_reserve',
  'other',
] as const;
export const PA_STATUSES = ['designated', 'proposed'] as const;
export const LAND_COVER_CLASSES = ['forest', 'shrub_special', 'shrub', 'grassland', 'wetland', 'water', 'cropland', 'built', 'bare', 'other'] as const;

/** A feature's properties after validation, in the column names of its table. */
export type Row = Record<string, string | number | boolean | null>;

export interface PropertyCheck {
  row?: Row;
  reason?: string;
}

const str = (v: unknown): string | null => (v === undefined || v === null || v === '' ? null : String(v).trim());
const intOrNull = (v: unknown): number | null | 'bad' => {
  if (v === undefined || v === null || v === '') return null;
  const n = Number(v);
  return Number.isInteger(n) ? n : 'bad';
};
const boolOrNull = (v: unknown): boolean | null | 'bad' => {
  if (v === undefined || v === null || v === '') return null;
  if (v === true || v === 'true' || v === 1 || v === '1') return true;
  if (v === false || v === 'false' || v === 0 || v === '0') return false;
  return 'bad';
};

/** DataV/AMap boundary files use `adcode`, `name`, `level: city|district|province`, `parent.adcode`. */
const DATAV_LEVEL: Record<string, string> = { province: 'province', city: 'prefecture', district: 'county' };

/**
 * Validates a feature's properties for its layer kind (BRIEF §5); an unknown class, designation or
 * level rejects the feature with the reason.
 */
export function checkProperties(kind: LayerKind, p: Record<string, unknown>, defaultYear: number): PropertyCheck {
  switch (kind) {
    case 'regions': {
      const code = str(p.code ?? p.adcode);
      const name = str(p.name);
      const levelRaw = str(p.level);
      const level = levelRaw && (REGION_LEVELS as readonly string[]).includes(levelRaw) ? levelRaw : levelRaw ? DATAV_LEVEL[levelRaw] : undefined;
      if (!code) return { reason: 'property code is required' };
      if (!name) return { reason: 'property name is required' };
      if (!level) return { reason: `property level must be one of ${REGION_LEVELS.join(', ')}; got ${JSON.stringify(p.level)}` };
      const parent = p.parentCode ?? (p.parent && typeof p.parent === 'object' ? (p.parent as { adcode?: unknown }).adcode : undefined);
      const area = p.officialAreaKm2;
      if (area !== undefined && area !== null && !(typeof area === 'number' && Number.isFinite(area) && area > 0)) {
        return { reason: 'property officialAreaKm2 must be a positive number' };
      }
      return { row: { code, name, name_en: str(p.nameEn), level, parent_code: str(parent), official_area_km2: (area as number | null) ?? null } };
    }
    case 'protected-areas': {
      const id = str(p.id);
      const name = str(p.name);
      const designation = str(p.designation);
      const status = str(p.status) ?? 'designated';
      const year = intOrNull(p.establishedYear);
      if (!id) return { reason: 'property id is required' };
      if (!name) return { reason: 'property name is required' };
      if (!designation || !(PA_DESIGNATIONS as readonly string[]).includes(designation)) {
        return { reason: `property designation must be one of ${PA_DESIGNATIONS.join(', ')}; got ${JSON.stringify(p.designation)}` };
      }
      if (!(PA_STATUSES as readonly string[]).includes(status))
        return { reason: `property status must be designated or proposed; got ${JSON.stringify(p.status)}` };
      if (year === 'bad') return { reason: 'property establishedYear must be an integer year' };
      return { row: { pa_id: id, name, name_en: str(p.nameEn), designation, level: str(p.level), status, established_year: year } };
    }
    case 'land-cover': {
      const cls = str(p.class);
      if (!cls || !(LAND_COVER_CLASSES as readonly string[]).includes(cls)) {
        return { reason: `property class must be one of ${LAND_COVER_CLASSES.join(', ')}; got ${JSON.stringify(p.class)}` };
      }
      const natural = boolOrNull(p.natural);
      if (natural === 'bad') return { reason: 'property natural must be true or false' };
      if (cls === 'wetland' && natural === null) return { reason: 'property natural (true/false) is required for class wetland' };
      if (cls === 'grassland' && !str(p.grasslandType)) return { reason: 'property grasslandType is required for class grassland' };
      const year = intOrNull(p.year);
      if (year === 'bad') return { reason: 'property year must be an integer' };
      return { row: { class: cls, grassland_type: str(p.grasslandType), wetland_type: str(p.wetlandType), is_natural: natural, year: year ?? defaultYear } };
    }
    case 'grassland-plots': {
      const plotId = str(p.plotId);
      const type = str(p.grasslandType);
      const cover = Number(p.vegetationCover);
      const date = str(p.surveyDate);
      if (!plotId) return { reason: 'property plotId is required' };
      if (!type) return { reason: 'property grasslandType is required' };
      if (p.vegetationCover === null || p.vegetationCover === undefined || !Number.isFinite(cover) || cover < 0 || cover > 100) {
        return { reason: 'property vegetationCover must be a percentage between 0 and 100' };
      }
      if (!date || !/^\d{4}-\d{2}-\d{2}$/.test(date) || Number.isNaN(Date.parse(date))) return { reason: 'property surveyDate must be a date YYYY-MM-DD' };
      return { row: { plot_id: plotId, grassland_type: type, vegetation_cover_pct: cover, survey_date: date } };
    }
    case 'ecosystems': {
      const type = str(p.ecosystemType);
      const terrestrial = boolOrNull(p.terrestrial);
      if (!type) return { reason: 'property ecosystemType is required' };
      if (terrestrial === null || terrestrial === 'bad') return { reason: 'property terrestrial must be true or false' };
      return { row: { ecosystem_type: type, terrestrial } };
    }
  }
}

export const KIND_TABLE: Record<LayerKind, 'regions' | 'protected_areas' | 'land_cover' | 'grassland_plots' | 'ecosystems'> = {
  regions: 'regions',
  'protected-areas': 'protected_areas',
  'land-cover': 'land_cover',
  'grassland-plots': 'grassland_plots',
  ecosystems: 'ecosystems',
};

export const KIND_COLUMNS: Record<LayerKind, string[]> = {
  regions: ['code', 'name', 'name_en', 'level', 'parent_code', 'official_area_km2'],
  'protected-areas': ['pa_id', 'name', 'name_en', 'designation', 'level', 'status', 'established_year'],
  'land-cover': ['class', 'grassland_type', 'wetland_type', 'is_natural', 'year'],
  'grassland-plots': ['plot_id', 'grassland_type', 'vegetation_cover_pct', 'survey_date'],
  ecosystems: ['ecosystem_type', 'terrestrial'],
};
