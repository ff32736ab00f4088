/**
 * Names of the non-indicator task links (BRIEF §7, seeded in ledger_task_links with kind `data`).
 * Indicator links are named by the indicator catalogue (@biomon/indicators).
 */
export const DATA_LINKS: Record<string, { nameZh: string; nameEn: string }> = {
  flagship_species_records: { nameZh: '旗舰物种监测记录', nameEn: 'Flagship-species records' },
  survey_coverage_priority_areas: { nameZh: '优先区域调查事件与观测记录', nameEn: 'Survey events and records per priority area' },
  station_network_completeness: { nameZh: '监测站网数据完整性', nameEn: 'Station network completeness' },
  species_checklist: { nameZh: '物种名录与编目', nameEn: 'Species checklist and inventories' },
  platform_sharing_alerts: { nameZh: '平台数据共享与预警', nameEn: 'The platform: data sharing and early warning (alerts)' },
  invasive_species_alerts: { nameZh: '外来入侵物种记录与预警', nameEn: 'Invasive-species records and alerts' },
  wildlife_disease_stations: { nameZh: '野生动物疫源疫病监测站', nameEn: 'Wildlife disease monitoring stations' },
  germplasm_registry: { nameZh: '种质资源登记（MCPD）与迁地保护', nameEn: 'Germplasm registry (MCPD) and ex-situ conservation' },
};

/**
 * Links of the capabilities that serve single ledger tasks (BRIEF §10), beside the seeded table of
 * BRIEF §7 (ledger_task_links): added to the tasks' links when they are read.
 * - genetic resources and germplasm (issue 20): tasks 19 (ex-situ facilities), 25, 26, 36 (genetic
 *   resources survey, cataloguing, database).
 */
export const CAPABILITY_LINKS: { tasks: number[]; links: { kind: 'indicator' | 'data'; ref: string }[] }[] = [
  {
    tasks: [19, 25, 26, 36],
    links: [
      { kind: 'indicator', ref: 'exsitu_protected_plants_rate' },
      { kind: 'indicator', ref: 'exsitu_sites_per_taxon' },
      { kind: 'data', ref: 'germplasm_registry' },
    ],
  },
];

/** The capability links of one task (or of all), as rows beside the seeded ones. */
export function capabilityLinks(no?: number): { taskNo: number; kind: 'indicator' | 'data'; ref: string }[] {
  return CAPABILITY_LINKS.flatMap((c) => c.tasks.filter((t) => no === undefined || t === no).flatMap((t) => c.links.map((l) => ({ taskNo: t, ...l }))));
}

/**
 * The flagship and indicator species task 17 names (东北虎、东北豹、中华秋沙鸭、白鹤、丹顶鹤、东北红豆杉,
 * 大麻哈鱼), by the checklist's scientific names; records of subspecies count for their species.
 * 大麻哈鱼 (chum salmon) is Oncorhynchus keta.
 */
export const FLAGSHIP_SPECIES: { scientificName: string; nameZh: string }[] = [
  { scientificName: 'Panthera tigris', nameZh: '东北虎' },
  { scientificName: 'Panthera pardus', nameZh: '东北豹' },
  { scientificName: 'Mergus squamatus', nameZh: '中华秋沙鸭' },
  { scientificName: 'Grus leucogeranus', nameZh: '白鹤' },
  { scientificName: 'Grus japonensis', nameZh: '丹顶鹤' },
  { scientificName: 'Taxus cuspidata', nameZh: '东北红豆杉' },
  { scientificName: 'Oncorhynchus keta', nameZh: '大麻哈鱼' },
];
