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
};

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
