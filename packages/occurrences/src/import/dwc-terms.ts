/**
 * Darwin Core and Humboldt term names, and the mapping of file headers to them.
 *
 * Sources: tdwg/dwc `dist/simple_dwc_horizontal.csv` and `dist/dwc_occurrence_core_horizontal.csv`
 * (record, occurrence, event, location, geology, identification and taxon terms), the
 * ResourceRelationship and MeasurementOrFact classes, and the 55 Humboldt extension terms of
 * tdwg/hc `vocabulary/term_versions.csv` (namespace `http://rs.tdwg.org/eco/terms/`, written
 * `eco:…` here). Legacy names come from Darwin Core 1.2/1.4 (`ScientificName`, `Collector`,
 * `EarliestDateCollected`, …) and ABCD; Chinese names are the ones used in Chinese survey sheets.
 */

/** Dublin Core terms that Darwin Core uses as record-level terms (namespace http://purl.org/dc/terms/). */
export const DCTERMS_TERMS = ['type', 'modified', 'language', 'license', 'rightsHolder', 'accessRights', 'bibliographicCitation', 'references'] as const;

/** Darwin Core terms (namespace http://rs.tdwg.org/dwc/terms/), grouped as the standard groups them. */
export const DWC_TERMS = [
  // Record-level
  'institutionID',
  'collectionID',
  'datasetID',
  'institutionCode',
  'collectionCode',
  'datasetName',
  'ownerInstitutionCode',
  'basisOfRecord',
  'informationWithheld',
  'dataGeneralizations',
  'dynamicProperties',
  // Occurrence
  'occurrenceID',
  'catalogNumber',
  'recordNumber',
  'recordedBy',
  'recordedByID',
  'individualCount',
  'organismQuantity',
  'organismQuantityType',
  'sex',
  'lifeStage',
  'reproductiveCondition',
  'caste',
  'behavior',
  'vitality',
  'establishmentMeans',
  'degreeOfEstablishment',
  'pathway',
  'georeferenceVerificationStatus',
  'occurrenceStatus',
  'preparations',
  'disposition',
  'associatedMedia',
  'associatedOccurrences',
  'associatedReferences',
  'associatedSequences',
  'associatedTaxa',
  'otherCatalogNumbers',
  'occurrenceRemarks',
  // Organism
  'organismID',
  'organismName',
  'organismScope',
  'associatedOrganisms',
  'previousIdentifications',
  'organismRemarks',
  // MaterialEntity / MaterialSample
  'materialEntityID',
  'materialSampleID',
  'verbatimLabel',
  // Event
  'eventID',
  'parentEventID',
  'eventType',
  'fieldNumber',
  'eventDate',
  'eventTime',
  'startDayOfYear',
  'endDayOfYear',
  'year',
  'month',
  'day',
  'verbatimEventDate',
  'habitat',
  'samplingProtocol',
  'sampleSizeValue',
  'sampleSizeUnit',
  'samplingEffort',
  'fieldNotes',
  'eventRemarks',
  // Location
  'locationID',
  'higherGeographyID',
  'higherGeography',
  'continent',
  'waterBody',
  'islandGroup',
  'island',
  'country',
  'countryCode',
  'stateProvince',
  'county',
  'municipality',
  'locality',
  'verbatimLocality',
  'minimumElevationInMeters',
  'maximumElevationInMeters',
  'verbatimElevation',
  'verticalDatum',
  'minimumDepthInMeters',
  'maximumDepthInMeters',
  'verbatimDepth',
  'minimumDistanceAboveSurfaceInMeters',
  'maximumDistanceAboveSurfaceInMeters',
  'locationAccordingTo',
  'locationRemarks',
  'decimalLatitude',
  'decimalLongitude',
  'geodeticDatum',
  'coordinateUncertaintyInMeters',
  'coordinatePrecision',
  'pointRadiusSpatialFit',
  'verbatimCoordinates',
  'verbatimLatitude',
  'verbatimLongitude',
  'verbatimCoordinateSystem',
  'verbatimSRS',
  'footprintWKT',
  'footprintSRS',
  'footprintSpatialFit',
  'georeferencedBy',
  'georeferencedDate',
  'georeferenceProtocol',
  'georeferenceSources',
  'georeferenceRemarks',
  // GeologicalContext
  'geologicalContextID',
  'earliestEonOrLowestEonothem',
  'latestEonOrHighestEonothem',
  'earliestEraOrLowestErathem',
  'latestEraOrHighestErathem',
  'earliestPeriodOrLowestSystem',
  'latestPeriodOrHighestSystem',
  'earliestEpochOrLowestSeries',
  'latestEpochOrHighestSeries',
  'earliestAgeOrLowestStage',
  'latestAgeOrHighestStage',
  'lowestBiostratigraphicZone',
  'highestBiostratigraphicZone',
  'lithostratigraphicTerms',
  'group',
  'formation',
  'member',
  'bed',
  // Identification
  'identificationID',
  'verbatimIdentification',
  'identificationQualifier',
  'typeStatus',
  'identifiedBy',
  'identifiedByID',
  'dateIdentified',
  'identificationReferences',
  'identificationVerificationStatus',
  'identificationRemarks',
  // Taxon
  'taxonID',
  'scientificNameID',
  'acceptedNameUsageID',
  'parentNameUsageID',
  'originalNameUsageID',
  'nameAccordingToID',
  'namePublishedInID',
  'taxonConceptID',
  'scientificName',
  'acceptedNameUsage',
  'parentNameUsage',
  'originalNameUsage',
  'nameAccordingTo',
  'namePublishedIn',
  'namePublishedInYear',
  'higherClassification',
  'kingdom',
  'phylum',
  'class',
  'order',
  'superfamily',
  'family',
  'subfamily',
  'tribe',
  'subtribe',
  'genus',
  'genericName',
  'subgenus',
  'infragenericEpithet',
  'specificEpithet',
  'infraspecificEpithet',
  'cultivarEpithet',
  'taxonRank',
  'verbatimTaxonRank',
  'scientificNameAuthorship',
  'vernacularName',
  'nomenclaturalCode',
  'taxonomicStatus',
  'nomenclaturalStatus',
  'taxonRemarks',
  // MeasurementOrFact
  'measurementID',
  'parentMeasurementID',
  'measurementType',
  'measurementValue',
  'measurementAccuracy',
  'measurementUnit',
  'measurementDeterminedBy',
  'measurementDeterminedDate',
  'measurementMethod',
  'measurementRemarks',
  // ResourceRelationship
  'resourceRelationshipID',
  'resourceID',
  'relationshipOfResourceID',
  'relatedResourceID',
  'relationshipOfResource',
  'relationshipAccordingTo',
  'relationshipEstablishedDate',
  'relationshipRemarks',
] as const;

/** Humboldt extension terms (namespace http://rs.tdwg.org/eco/terms/), without the `eco:` prefix. */
export const HUMBOLDT_TERMS = [
  'siteCount',
  'siteNestingDescription',
  'verbatimSiteDescriptions',
  'verbatimSiteNames',
  'geospatialScopeAreaValue',
  'geospatialScopeAreaUnit',
  'totalAreaSampledValue',
  'totalAreaSampledUnit',
  'reportedWeather',
  'reportedExtremeConditions',
  'targetHabitatScope',
  'excludedHabitatScope',
  'eventDurationValue',
  'eventDurationUnit',
  'targetTaxonomicScope',
  'excludedTaxonomicScope',
  'taxonCompletenessReported',
  'taxonCompletenessProtocols',
  'isTaxonomicScopeFullyReported',
  'isAbsenceReported',
  'absentTaxa',
  'hasNonTargetTaxa',
  'nonTargetTaxa',
  'areNonTargetTaxaFullyReported',
  'targetLifeStageScope',
  'excludedLifeStageScope',
  'isLifeStageScopeFullyReported',
  'targetDegreeOfEstablishmentScope',
  'excludedDegreeOfEstablishmentScope',
  'isDegreeOfEstablishmentScopeFullyReported',
  'targetGrowthFormScope',
  'excludedGrowthFormScope',
  'isGrowthFormScopeFullyReported',
  'hasNonTargetOrganisms',
  'verbatimTargetScope',
  'compilationTypes',
  'compilationSourceTypes',
  'inventoryTypes',
  'protocolNames',
  'protocolDescriptions',
  'protocolReferences',
  'isAbundanceReported',
  'isAbundanceCapReported',
  'abundanceCap',
  'isVegetationCoverReported',
  'isLeastSpecificTargetCategoryQuantityInclusive',
  'hasVouchers',
  'voucherInstitutions',
  'hasMaterialSamples',
  'materialSampleTypes',
  'samplingPerformedBy',
  'isSamplingEffortReported',
  'samplingEffortProtocol',
  'samplingEffortValue',
  'samplingEffortUnit',
] as const;

/** Every canonical key a record can carry besides verbatim unknown columns. */
export const CANONICAL_TERMS: readonly string[] = [...DCTERMS_TERMS, ...DWC_TERMS, ...HUMBOLDT_TERMS.map((t) => `eco:${t}`)];

const NS_DWC = ['http://rs.tdwg.org/dwc/terms/', 'https://rs.tdwg.org/dwc/terms/'];
const NS_DCTERMS = ['http://purl.org/dc/terms/', 'https://purl.org/dc/terms/', 'http://purl.org/dc/elements/1.1/', 'https://purl.org/dc/elements/1.1/'];
const NS_ECO = ['http://rs.tdwg.org/eco/terms/', 'https://rs.tdwg.org/eco/terms/'];

/** Lower-cased, with spaces, underscores, hyphens and dots removed: `Scientific_Name` → `scientificname`. */
function squash(s: string): string {
  return s.toLowerCase().replace(/[\s_\-.]+/g, '');
}

/**
 * Names from Darwin Core 1.x, ABCD and common spreadsheets, keyed by their squashed form.
 * Only names with one plausible meaning are listed; `species` is left out because it holds an
 * epithet in DwC 1.2 files (MOBOTDarwinCore.csv) but a binomial in GBIF downloads.
 */
const LEGACY_ALIASES: Record<string, string> = {
  // Darwin Core 1.2 / 1.4
  globaluniqueidentifier: 'occurrenceID',
  datelastmodified: 'modified',
  lastmodified: 'modified',
  collector: 'recordedBy',
  collectors: 'recordedBy',
  collectorname: 'recordedBy',
  collectornumber: 'recordNumber',
  latitude: 'decimalLatitude',
  longitude: 'decimalLongitude',
  lat: 'decimalLatitude',
  lon: 'decimalLongitude',
  lng: 'decimalLongitude',
  long: 'decimalLongitude',
  yearcollected: 'year',
  monthcollected: 'month',
  daycollected: 'day',
  earliestdatecollected: 'eventDate',
  timeofday: 'eventTime',
  timecollected: 'eventTime',
  scientificnameauthor: 'scientificNameAuthorship',
  authoryearofscientificname: 'scientificNameAuthorship',
  continentocean: 'continent',
  minimumelevation: 'minimumElevationInMeters',
  maximumelevation: 'maximumElevationInMeters',
  minimumdepth: 'minimumDepthInMeters',
  maximumdepth: 'maximumDepthInMeters',
  coordinateuncertainty: 'coordinateUncertaintyInMeters',
  remarks: 'occurrenceRemarks',
  occurrencedetails: 'references',
  identificationmodifier: 'identificationQualifier',
  // ABCD 2.06 element names seen in BioCASe exports
  fullscientificnamestring: 'scientificName',
  unitid: 'catalogNumber',
  latitudedecimal: 'decimalLatitude',
  longitudedecimal: 'decimalLongitude',
  spatialdatum: 'geodeticDatum',
  recordbasis: 'basisOfRecord',
  localitytext: 'locality',
  isodatetimebegin: 'eventDate',
};

/**
 * Chinese column names used in Chinese survey sheets (调查表). A trailing unit in brackets
 * (`经度(°)`, `数量（只）`) is removed before lookup.
 */
const CHINESE_ALIASES: Record<string, string> = {
  物种学名: 'scientificName',
  学名: 'scientificName',
  拉丁名: 'scientificName',
  拉丁学名: 'scientificName',
  科学名: 'scientificName',
  中文名: 'vernacularName',
  物种名: 'vernacularName',
  物种中文名: 'vernacularName',
  中文种名: 'vernacularName',
  经度: 'decimalLongitude',
  纬度: 'decimalLatitude',
  调查日期: 'eventDate',
  日期: 'eventDate',
  观测日期: 'eventDate',
  观察日期: 'eventDate',
  记录日期: 'eventDate',
  监测日期: 'eventDate',
  数量: 'individualCount',
  个体数: 'individualCount',
  个体数量: 'individualCount',
  只数: 'individualCount',
  调查人: 'recordedBy',
  记录人: 'recordedBy',
  观察者: 'recordedBy',
  观测者: 'recordedBy',
  观察人: 'recordedBy',
  调查者: 'recordedBy',
  记录者: 'recordedBy',
  调查人员: 'recordedBy',
  地点: 'locality',
  位置: 'locality',
  调查地点: 'locality',
  地名: 'locality',
  小地名: 'locality',
  坐标系: 'geodeticDatum',
  坐标系统: 'geodeticDatum',
  记录编号: 'occurrenceID',
  记录ID: 'occurrenceID',
  记录id: 'occurrenceID',
  观测记录编号: 'occurrenceID',
  备注: 'occurrenceRemarks',
  样线编号: 'eventID',
  调查事件: 'eventID',
  调查事件编号: 'eventID',
  样线号: 'eventID',
  上级事件: 'parentEventID',
  调查方法: 'samplingProtocol',
  监测方法: 'samplingProtocol',
  鉴定人: 'identifiedBy',
  鉴定日期: 'dateIdentified',
  坐标精度: 'coordinateUncertaintyInMeters',
  坐标不确定度: 'coordinateUncertaintyInMeters',
  存在状态: 'occurrenceStatus',
  记录类型: 'basisOfRecord',
  记录依据: 'basisOfRecord',
  分类等级: 'taxonRank',
  界: 'kingdom',
  门: 'phylum',
  纲: 'class',
  目: 'order',
  科: 'family',
  属: 'genus',
  科名: 'family',
  属名: 'genus',
  目名: 'order',
  性别: 'sex',
  生活史阶段: 'lifeStage',
  年龄段: 'lifeStage',
  行为: 'behavior',
  生境: 'habitat',
  栖息地: 'habitat',
  海拔: 'verbatimElevation',
  国家: 'country',
  省份: 'stateProvince',
  省: 'stateProvince',
  县: 'county',
  区县: 'county',
  照片: 'associatedMedia',
  图片: 'associatedMedia',
  影像: 'associatedMedia',
  照片链接: 'associatedMedia',
  多度: 'organismQuantity',
  多度类型: 'organismQuantityType',
  样本量: 'sampleSizeValue',
  样本量单位: 'sampleSizeUnit',
  努力量: 'eco:samplingEffortValue',
  努力量单位: 'eco:samplingEffortUnit',
  目标类群: 'eco:targetTaxonomicScope',
  是否记录缺失: 'eco:isAbsenceReported',
};

const CANONICAL_BY_SQUASHED = new Map<string, string>();
for (const t of [...DCTERMS_TERMS, ...DWC_TERMS]) CANONICAL_BY_SQUASHED.set(squash(t), t);
// Humboldt names win over nothing: none of the 55 collides with a Darwin Core term listed above.
for (const t of HUMBOLDT_TERMS) CANONICAL_BY_SQUASHED.set(squash(t), `eco:${t}`);
for (const [k, v] of Object.entries(LEGACY_ALIASES)) CANONICAL_BY_SQUASHED.set(k, v);

const HUMBOLDT_BY_SQUASHED = new Map<string, string>(HUMBOLDT_TERMS.map((t) => [squash(t), `eco:${t}`]));
const DCTERMS_BY_SQUASHED = new Map<string, string>(DCTERMS_TERMS.map((t) => [squash(t), t]));

function stripUnitSuffix(h: string): string {
  // `经度(°)`, `数量（只）`, `Elevation [m]` → the name before the bracket.
  return h.replace(/\s*[(（[【][^)）\]】]*[)）\]】]\s*$/u, '').trim();
}

/**
 * The canonical Darwin Core key for a column header or meta.xml term, or `null` when unknown.
 *
 * Matches case-insensitively and ignores spaces, `_`, `-` and `.` (`SCIENTIFIC_NAME`,
 * `Scientific name` → `scientificName`); strips the Darwin Core, Dublin Core and Humboldt
 * namespace URIs and the `dwc:`/`dcterms:`/`dc:`/`eco:` prefixes; maps Darwin Core 1.x, ABCD and
 * Chinese names. Humboldt terms come back as `eco:<term>`.
 */
export function knownTerm(header: string): string | null {
  let h = header.replace(/^\uFEFF/, '').trim();
  if (h === '') return null;
  for (const ns of NS_ECO) if (h.startsWith(ns)) return HUMBOLDT_BY_SQUASHED.get(squash(h.slice(ns.length))) ?? null;
  for (const ns of NS_DCTERMS) if (h.startsWith(ns)) return DCTERMS_BY_SQUASHED.get(squash(h.slice(ns.length))) ?? null;
  for (const ns of NS_DWC) {
    if (h.startsWith(ns)) {
      h = h.slice(ns.length);
      return CANONICAL_BY_SQUASHED.get(squash(h)) ?? null;
    }
  }
  if (/^https?:\/\//i.test(h)) return null;
  const prefix = /^(dwc|dcterms|dc|eco):(.+)$/i.exec(h);
  if (prefix) {
    const local = squash(prefix[2]);
    const p = prefix[1].toLowerCase();
    if (p === 'eco') return HUMBOLDT_BY_SQUASHED.get(local) ?? null;
    if (p === 'dc' || p === 'dcterms') return DCTERMS_BY_SQUASHED.get(local) ?? null;
    return CANONICAL_BY_SQUASHED.get(local) ?? null;
  }
  const bare = stripUnitSuffix(h);
  const zh = CHINESE_ALIASES[bare.replace(/\s+/g, '')];
  if (zh) return zh;
  return CANONICAL_BY_SQUASHED.get(squash(bare)) ?? null;
}

/**
 * The record key for a column header or meta.xml term: its canonical Darwin Core / Humboldt name
 * when known (see {@link knownTerm}), otherwise the header itself (trimmed), kept verbatim.
 */
export function canonicalTerm(header: string): string {
  return knownTerm(header) ?? header.replace(/^\uFEFF/, '').trim();
}

/**
 * Columns of the downloadable CSV template (表头模板), Darwin Core name with the Chinese name
 * that the importer also accepts. Every `chinese` value maps back to its `term` via canonicalTerm.
 */
export const CSV_TEMPLATE_HEADERS: { term: string; chinese: string }[] = [
  { term: 'occurrenceID', chinese: '记录编号' },
  { term: 'eventID', chinese: '样线编号' },
  { term: 'basisOfRecord', chinese: '记录类型' },
  { term: 'scientificName', chinese: '物种学名' },
  { term: 'vernacularName', chinese: '中文名' },
  { term: 'taxonRank', chinese: '分类等级' },
  { term: 'eventDate', chinese: '调查日期' },
  { term: 'decimalLongitude', chinese: '经度' },
  { term: 'decimalLatitude', chinese: '纬度' },
  { term: 'geodeticDatum', chinese: '坐标系' },
  { term: 'coordinateUncertaintyInMeters', chinese: '坐标不确定度' },
  { term: 'individualCount', chinese: '数量' },
  { term: 'organismQuantity', chinese: '多度' },
  { term: 'organismQuantityType', chinese: '多度类型' },
  { term: 'occurrenceStatus', chinese: '存在状态' },
  { term: 'recordedBy', chinese: '调查人' },
  { term: 'identifiedBy', chinese: '鉴定人' },
  { term: 'samplingProtocol', chinese: '调查方法' },
  { term: 'locality', chinese: '地点' },
  { term: 'associatedMedia', chinese: '照片' },
  { term: 'occurrenceRemarks', chinese: '备注' },
];
