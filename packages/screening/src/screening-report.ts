import type { ScreeningSpeciesOut } from '@biomon/sensitive';
import type { ScreeningView } from './screening.service';
import type { ScreeningMap } from './screening-types';
import { ZONES } from './zones';

/**
 * The screening as one printable A4 page in Chinese (English beside headings), in the house style
 * of the assessment report (@biomon/reports): inline CSS, an inline SVG map (footprint, buffers,
 * protected areas, and the generalised 10 km cells of species — never a point), the tables, the
 * verdict with the rules that fired, and the dataset versions. The map is drawn in whole pixels
 * only: no coordinate is written into the page.
 */

const esc = (s: unknown): string => String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
const h2 = (zh: string, en: string) => `<h2>${esc(zh)} <span class="en">${esc(en)}</span></h2>`;
const th = (zh: string, en: string, cls = '') => `<th${cls ? ` class="${cls}"` : ''}>${esc(zh)}<span class="en">${esc(en)}</span></th>`;
const num = (x: number | null | undefined, d = 2) =>
  x === null || x === undefined ? '—' : x.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d });
const km = (m: number | null | undefined) => (m === null || m === undefined ? '—' : `${(m / 1000).toFixed(1)} km`);

const DESIGNATION_ZH: Record<string, string> = {
  national_park: '国家公园',
  nature_reserve: '自然保护区',
  wetland_park: '湿地公园',
  forest_park: '森林公园',
  scenic_area: '风景名胜区',
  geopark: '地质公园',
  wetland_small_area: '小微湿地',
  biosphere_reserve: '生物圈保护区',
  other: '其他（含生态保护红线）',
};
const CLASS_ZH: Record<string, string> = {
  forest: '有林地',
  shrub_special: '国家特别规定灌木林地',
  shrub: '灌木林地',
  grassland: '草地',
  wetland: '湿地',
  water: '水域',
  cropland: '耕地',
  built: '建设用地',
  bare: '裸地',
  other: '其他',
};
const VERDICT_CLS: Record<string, string> = { avoid: 'unmet', mitigate: 'warn', proceed: 'met' };

type Ring = number[][];
function polygonsOf(g: unknown): Ring[][] {
  const x = g as { type?: string; coordinates?: unknown; geometries?: unknown[] } | null;
  if (!x) return [];
  if (x.type === 'Polygon') return [x.coordinates as Ring[]];
  if (x.type === 'MultiPolygon') return x.coordinates as Ring[][];
  if (x.type === 'GeometryCollection') return (x.geometries ?? []).flatMap(polygonsOf);
  return [];
}

/** The map as SVG in whole pixels: an equirectangular view scaled by the cosine of its middle latitude. */
export function mapSvg(map: ScreeningMap, cellIds: string[], width = 680, height = 460): string {
  const [w, s, e, n] = map.bbox;
  const k = Math.cos((((s + n) / 2) * Math.PI) / 180);
  const sx = (width - 20) / ((e - w) * k);
  const sy = (height - 20) / (n - s);
  const sc = Math.min(sx, sy);
  const ox = (width - (e - w) * k * sc) / 2;
  const oy = (height - (n - s) * sc) / 2;
  const px = (lon: number, lat: number) => `${Math.round(ox + (lon - w) * k * sc)} ${Math.round(oy + (n - lat) * sc)}`;
  const path = (g: unknown) =>
    polygonsOf(g)
      .map((poly) => poly.map((ring) => `M${ring.map(([x, y]) => px(x, y)).join('L')}Z`).join(''))
      .join('');
  const zoneFill = (z: string | null) => (z === 'core' || z === 'core_control' ? '#2e7d32' : z === 'buffer' ? '#66a86a' : '#a9d3a3');
  const pas = map.protectedAreas
    .map((p) => `<path d="${path(p.geometry)}" fill="${zoneFill(p.zone)}" fill-opacity="0.55" stroke="#1b5e20" stroke-width="1" fill-rule="evenodd"/>`)
    .join('');
  const cells = cellIds
    .filter((c) => map.cells[c])
    .map((c) => `<path d="${path(map.cells[c])}" fill="url(#hatch)" stroke="#c25e00" stroke-width="1.2"/>`)
    .join('');
  const bufs = [...map.buffers]
    .reverse()
    .map((b) => `<path d="${path(b.geometry)}" fill="none" stroke="#3f6e9a" stroke-width="1.2" stroke-dasharray="5 4"/>`)
    .join('');
  const fp = `<path d="${path(map.footprint)}" fill="#b3261e" fill-opacity="0.45" stroke="#b3261e" stroke-width="2" fill-rule="evenodd"/>`;
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="项目范围示意图">
<defs><pattern id="hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" fill="#fff3e0" fill-opacity="0.5"/><line x1="0" y1="0" x2="0" y2="6" stroke="#e08a2c" stroke-width="2"/></pattern>
<clipPath id="frame"><rect x="0" y="0" width="${width}" height="${height}"/></clipPath></defs>
<rect x="0" y="0" width="${width}" height="${height}" fill="#f4f7fa" stroke="#cfd6df"/>
<g clip-path="url(#frame)">${pas}${cells}${bufs}${fp}</g>
</svg>`;
}

const CSS = `
@page { size: A4; margin: 16mm 14mm 16mm 14mm; @bottom-center { content: "第 " counter(page) " 页 / 共 " counter(pages) " 页"; font-size: 8pt; color: #6b7280; } }
* { box-sizing: border-box; }
body { font-family: 'WenQuanYi Micro Hei', 'Noto Sans CJK SC', 'Microsoft YaHei', sans-serif; font-size: 9.5pt; color: #1f2328; line-height: 1.5; margin: 0; }
.page { max-width: 182mm; margin: 0 auto; }
.doc-top { display: flex; justify-content: space-between; font-size: 8pt; color: #6b7280; border-bottom: 2px solid #1f3b5c; padding-bottom: 1mm; }
h1 { font-size: 17pt; margin: 4mm 0 0; color: #12263f; }
.title-en { margin: 0 0 3mm; color: #5f6670; }
h2 { font-size: 12pt; color: #12263f; border-left: 4px solid #1f3b5c; padding-left: 2mm; margin: 5mm 0 2mm; break-after: avoid; }
.en { color: #6b7280; font-size: 0.85em; font-weight: normal; margin-left: 0.4em; }
th .en { display: block; margin-left: 0; }
table { border-collapse: collapse; width: 100%; }
table.grid th, table.grid td { border: 1px solid #cfd6df; padding: 1.2mm 1.6mm; vertical-align: top; }
table.grid th { background: #eef2f6; font-weight: bold; text-align: left; font-size: 8.8pt; }
table.grid tr { break-inside: avoid; }
table.meta td { padding: 1mm 1.5mm; border-bottom: 1px solid #e5e9ef; } table.meta td.k { color: #5f6670; white-space: nowrap; }
.r { text-align: right; } .c { text-align: center; } .num { font-variant-numeric: tabular-nums; white-space: nowrap; }
.muted { color: #6b7280; } .small { font-size: 8pt; }
.met { color: #2e7d32; } .unmet { color: #b3261e; } .warn { color: #b26a00; }
.verdict { border: 2px solid currentColor; padding: 3mm 4mm; margin: 3mm 0; font-size: 12pt; font-weight: bold; }
.verdict ul { font-size: 9pt; font-weight: normal; color: #1f2328; margin: 1mm 0 0; }
figure { margin: 3mm 0; break-inside: avoid; } figure svg { width: 100%; height: auto; display: block; }
figcaption, .fig-legend { text-align: center; font-size: 8.5pt; color: #3f4a56; }
.fig-legend i { display: inline-block; width: 12px; height: 8px; margin: 0 3px 0 10px; vertical-align: middle; }
.doc-foot { margin-top: 8mm; padding-top: 2mm; border-top: 1px solid #cfd6df; font-size: 7.8pt; color: #6b7280; }
`;

function speciesRows(list: ScreeningSpeciesOut[], buffersKm: number[]): string {
  if (!list.length)
    return '<p class="muted">缓冲区内未发现符合条件的重点保护或敏感物种记录。<span class="en">No qualifying records of protected or sensitive species.</span></p>';
  const rows = list
    .map((s) => {
      const name = `${esc(s.chineseName ?? '')} <i>${esc(s.scientificName)}</i>`;
      const cls = esc(s.protectionClass ? `国家${s.protectionClass === 'I' ? '一' : '二'}级` : '—');
      if (!s.buffers) {
        const bands = s.bands.map((b) => `≤${b.km} km：${esc(b.records)}`).join('；');
        return `<tr data-sensitive="true"><td>${name}</td><td class="c">${cls}</td><td colspan="${buffersKm.length}">敏感物种，按10公里网格计：最近距离段 ≤ ${esc(s.nearestBandKm)} 公里（${bands}）<span class="en">sensitive: by 10 km cell bands only</span></td><td class="c">—</td></tr>`;
      }
      return `<tr><td>${name}${s.sensitive ? ' <span class="small warn">敏感</span>' : ''}</td><td class="c">${cls}</td>${s.buffers.map((b) => `<td class="r num">${b.records}</td>`).join('')}<td class="r num">${esc(km(s.nearestM))}</td></tr>`;
    })
    .join('');
  return `<table class="grid"><thead><tr>${th('物种', 'Species')}${th('保护级别', 'Class', 'c')}${buffersKm.map((k) => th(`${k} 公里内记录`, `records ≤ ${k} km`, 'r')).join('')}${th('最近距离', 'Nearest', 'c')}</tr></thead><tbody>${rows}</tbody></table>`;
}

/** The A4 report of a completed screening for the viewer it was projected for. */
export function renderScreeningHtml(v: ScreeningView, map: ScreeningMap): string {
  const r = v.result!;
  const verdictCls = VERDICT_CLS[r.verdict.level] ?? '';
  const cellIds = [...new Set(r.species.flatMap((s) => s.cells))];
  const paRows = r.protectedAreas.length
    ? r.protectedAreas
        .map(
          (p) =>
            `<tr><td>${esc(p.name)}${p.nameEn ? `<span class="en">${esc(p.nameEn)}</span>` : ''}</td><td>${esc(DESIGNATION_ZH[p.designation] ?? p.designation)}${p.level ? `<div class="small muted">${esc(p.level)}</div>` : ''}</td><td>${esc(p.zoneLabel ?? (p.zone ? ZONES[p.zone]?.zh : '未分区'))}</td><td class="r num">${num(p.overlapHa)}</td>${p.buffers.map((b) => `<td class="r num">${b.within ? num(b.overlapHa) : '—'}</td>`).join('')}<td class="r num">${esc(km(p.distanceM))}</td></tr>`,
        )
        .join('')
    : '';
  const paTable = paRows
    ? `<table class="grid"><thead><tr>${th('保护地', 'Protected area')}${th('类型', 'Designation')}${th('功能区', 'Zone')}${th('占用面积（公顷）', 'Overlap (ha)', 'r')}${r.buffersKm.map((k) => th(`${k} 公里缓冲区内面积（公顷）`, `in ${k} km buffer (ha)`, 'r')).join('')}${th('最短距离', 'Distance', 'r')}</tr></thead><tbody>${paRows}</tbody></table>`
    : '<p class="muted">缓冲区内无自然保护地。<span class="en">No protected area within the buffers.</span></p>';
  const lcRows = r.landCover
    .map(
      (l) =>
        `<tr><td>${esc(CLASS_ZH[l.class] ?? l.class)}${l.class === 'wetland' ? (l.natural ? '（自然）' : '（人工）') : ''}</td><td class="r num">${num(l.ha)}</td></tr>`,
    )
    .join('');
  const ecoRows = r.ecosystems
    .map(
      (e) =>
        `<tr><td>${esc(e.type)}${e.terrestrial ? '' : '<span class="small muted">（非陆地）</span>'}</td><td class="r num">${num(e.ha)}</td><td class="r num">${num(e.protectedHa)}</td><td class="r num">${num(e.provincialProtectedHa)}</td><td class="r num">${e.shareOfProtectedPct === null ? '—' : `${num(e.shareOfProtectedPct, 3)} %`}</td></tr>`,
    )
    .join('');
  const w = r.wetland;
  const fired = r.verdict.fired.length
    ? `<ul>${r.verdict.fired.map((f) => `<li><b>${esc(f.id)}</b>（${esc(f.verdict)}）：${esc(f.zh)}<span class="en">${esc(f.en)}</span><div class="small muted">${esc(f.evidence.join('；'))}</div></li>`).join('')}</ul>`
    : '<ul><li>未触发任何规则。<span class="en">No rule fired.</span></li></ul>';
  return `<!doctype html>
<html lang="zh-CN">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(`${v.name} 生物多样性影响筛查报告`)}</title><style>${CSS}</style></head>
<body><div class="page">
<header>
  <div class="doc-top"><span>吉林省生物多样性监测数据平台</span><span>Jilin Biodiversity Monitoring Platform · biomon</span></div>
  <h1>建设项目生物多样性影响筛查报告</h1>
  <p class="title-en">Project impact screening (ledger task 29) · ${esc(v.name)}</p>
  <table class="meta"><tbody>
    <tr><td class="k">项目 Project</td><td>${esc(v.name)}</td><td class="k">筛查编号 No.</td><td class="small">${esc(v.screeningId)}</td></tr>
    <tr><td class="k">项目面积 Footprint</td><td class="num">${num(v.footprintHa)} 公顷</td><td class="k">缓冲区 Buffers</td><td>${esc(v.buffersKm.join('、'))} 公里</td></tr>
    <tr><td class="k">物种记录年限 Records</td><td>${esc(r.speciesWindow.join('–'))} 年</td><td class="k">数据截至 As of</td><td>${esc(v.asOf)}</td></tr>
  </tbody></table>
</header>
<section>${h2('一、筛查结论', 'Verdict')}
  <div class="verdict ${verdictCls}">${esc(r.verdict.zh)} <span class="en">${esc(r.verdict.en)}</span>${fired}</div>
  <p class="small muted">规则版本 Rules：${esc(r.verdict.rulesVersion)}。结论按可配置规则得出，取触发规则中最严格的等级。${r.generalised ? '敏感物种仅按10公里网格距离段列示，少于3条的记录数显示为“<3”，不提供距离与位置。' : ''}</p>
</section>
<section>${h2('二、范围示意图', 'Map')}
  <figure>${mapSvg(map, cellIds)}
  <div class="fig-legend"><i style="background:#b3261e"></i>项目范围 footprint<i style="border-top:2px dashed #3f6e9a;height:0"></i>缓冲区 buffers<i style="background:#2e7d32"></i>核心区 core<i style="background:#a9d3a3"></i>其他保护地 other protected land<i style="background:#e08a2c"></i>物种记录所在10公里网格 10 km cells of species records</div>
  <figcaption>图1　项目范围、缓冲区、自然保护地及物种记录网格（仅示网格，不示点位）<span class="en">Figure 1. Cells only, never points</span></figcaption></figure>
</section>
<section>${h2('三、自然保护地', 'Protected areas')}${paTable}</section>
<section>${h2('四、重点保护及敏感物种', 'Protected and sensitive species')}${speciesRows(r.species, r.buffersKm)}</section>
<section>${h2('五、土地覆盖与生态系统', 'Land cover and ecosystems')}
  ${lcRows ? `<table class="grid"><thead><tr>${th('土地覆盖类型', 'Land-cover class')}${th('面积（公顷）', 'Area (ha)', 'r')}</tr></thead><tbody>${lcRows}</tbody></table>` : '<p class="muted">无土地覆盖数据。</p>'}
  ${ecoRows ? `<table class="grid" style="margin-top:2mm"><thead><tr>${th('生态系统类型', 'Ecosystem type')}${th('面积（公顷）', 'Area (ha)', 'r')}${th('其中保护地内', 'in protected areas', 'r')}${th('全省受保护面积', 'Province protected (ha)', 'r')}${th('占全省受保护面积比例', 'Share removed', 'r')}</tr></thead><tbody>${ecoRows}</tbody></table>` : ''}
</section>
<section>${h2('六、自然湿地', 'Natural wetland')}
  <p>项目范围内自然湿地 <b class="num">${num(w.naturalHa)}</b> 公顷，其中位于保护地内 <span class="num">${num(w.naturalProtectedHa)}</span> 公顷。${
    w.province
      ? `全省自然湿地保护率由 <span class="num">${num(w.province.ratePct, 4)} %</span> 变为 <span class="num">${num(w.province.rateAfterPct, 4)} %</span>（变化 <b class="num">${num(w.province.changePp, 4)}</b> 个百分点）。`
      : '暂无同一数据版本的指标计算结果，未计算对保护率的影响。'
  }</p>
</section>
<section>${h2('七、涉及的台账任务与指标', 'Ledger tasks and indicators concerned')}
  <p>台账任务：${r.ledgerTasks.map((t) => `<b>${t.no}</b>（${esc(t.why)}）`).join('；')}</p>
  <p>指标：${r.indicators.length ? r.indicators.map((i) => `${esc(i.nameZh)}<span class="en">${esc(i.nameEn)}</span>`).join('；') : '—'}</p>
</section>
<div class="doc-foot">数据版本 Datasets：保护地 ${esc(v.datasets.protectedAreas ?? '—')}，土地覆盖 ${esc(v.datasets.landCover ?? '—')}，生态系统 ${esc(v.datasets.ecosystems ?? '—')}，行政区 ${esc(v.datasets.regions ?? '—')}。面积按 WGS84 椭球计算。${v.rerunOf ? `本筛查为 ${esc(v.rerunOf)} 的重新筛查。` : ''}${r.warnings.length ? `<br>说明 Notes：${esc(r.warnings.join('；'))}` : ''}</div>
</div></body></html>
`;
}
