/** What the taxon × cell evaluators (evaluate-sensitive.ts, evaluate-invasive.ts) alert about, and how they name it. */

/** Rows of one taxon (by its species-level id `gid`) in one grid cell: the subject of the taxon × cell rules. */
export function groupByTaxonCell<R extends { gid: number; cell: string }>(rows: R[]): [string, R[]][] {
  const groups = new Map<string, R[]>();
  for (const r of rows) {
    const k = `taxon=${r.gid};cell=${r.cell}`;
    if (!groups.has(k)) groups.set(k, []);
    groups.get(k)!.push(r);
  }
  return [...groups.entries()].sort(([a], [b]) => a.localeCompare(b));
}

/** A taxon's name for alert titles: Chinese first (中文名（学名）), and the English form (Scientific name (中文名)). */
export function taxonNames(r: { scientific_name: string; chinese_name: string | null }): { nameZh: string; nameEn: string } {
  return r.chinese_name
    ? { nameZh: `${r.chinese_name}（${r.scientific_name}）`, nameEn: `${r.scientific_name} (${r.chinese_name})` }
    : { nameZh: r.scientific_name, nameEn: r.scientific_name };
}
