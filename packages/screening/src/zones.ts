/**
 * Zones of protected areas (功能区). The protected-areas layer keeps every property of a feature
 * (`properties`); a zoned site is uploaded as one feature per zone (each with its own `id`, e.g.
 * `PA-12-core`, and the site's `name`), its zone in one of the properties below. Values are matched
 * in Chinese or English; an unknown value is shown as the layer writes it, without a zone code.
 */
export const ZONE_PROPERTIES = ['zone', 'functionalZone', 'zoneType', '功能区', '分区', '功能分区'] as const;

export const ZONES: Record<string, { zh: string; en: string; names: string[] }> = {
  core: { zh: '核心区', en: 'core zone', names: ['core', 'core zone', '核心区'] },
  buffer: { zh: '缓冲区', en: 'buffer zone', names: ['buffer', 'buffer zone', '缓冲区'] },
  experimental: { zh: '实验区', en: 'experimental zone', names: ['experimental', 'experimental zone', 'experiment', '实验区'] },
  core_control: {
    zh: '核心保护区',
    en: 'core control zone',
    names: ['core_control', 'core control', 'core protection', '核心保护区', '核心控制区', '生态保护红线核心保护区'],
  },
  general_control: { zh: '一般控制区', en: 'general control zone', names: ['general_control', 'general control', '一般控制区', '生态保护红线一般控制区'] },
};

/** The zone of a feature's properties: its code (null when unknown) and its label as written. */
export function zoneOf(props: Record<string, unknown> | null | undefined): { zone: string | null; label: string | null } {
  if (!props) return { zone: null, label: null };
  for (const k of ZONE_PROPERTIES) {
    const v = props[k];
    if (v === undefined || v === null || String(v).trim() === '') continue;
    const label = String(v).trim();
    const key = label.toLowerCase().replace(/[-\s]+/g, ' ');
    for (const [code, z] of Object.entries(ZONES)) {
      if (z.names.some((n) => n.toLowerCase() === key || n.toLowerCase().replace(/_/g, ' ') === key)) return { zone: code, label: z.zh };
    }
    return { zone: null, label };
  }
  return { zone: null, label: null };
}
