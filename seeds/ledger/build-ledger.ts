/**
 * build-ledger.ts — provenance tool (NOT used at runtime).
 *
 * Extracts the 责任分工台账 (responsibility ledger) annex of
 * 《吉林省关于进一步加强生物多样性保护的实施意见》(征求意见稿) into
 * seeds/ledger/ledger.json.
 *
 * Usage (from the repo root):
 *   npx tsx seeds/ledger/build-ledger.ts [path-to-doc]
 * Default document: <repoRoot>/../shared/seed/jilin-biodiversity-opinions.txt
 *
 * The annex is a tab-separated table:
 *   主要任务 \t 我省贯彻落实意见 \t 细化分工 \t 责任部门 \t 实施时间
 * The header row repeats before each block; the 主要任务 (section) and
 * 我省贯彻落实意见 (measure) cells are only filled on the first row of a block
 * (or, for a measure starting mid-block, on the row of its first task);
 * continuation rows leave them empty. Some cells are wrapped in <p>…</p>.
 *
 * Every irregularity of the source is handled either by a generic rule that is
 * asserted (the script throws if the document does not look as expected) or by
 * an explicit, commented correction below. Anything unexpected aborts the run
 * instead of being silently guessed.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const scriptDir = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(scriptDir, '..', '..');
const defaultDoc = path.resolve(repoRoot, '..', 'shared', 'seed', 'jilin-biodiversity-opinions.txt');
const docPath = path.resolve(process.argv[2] ?? defaultDoc);
const outPath = path.join(scriptDir, 'ledger.json');

const SOURCE = '《吉林省关于进一步加强生物多样性保护的实施意见》责任分工台账 (征求意见稿)';
const ANNEX_START = '附件：《吉林省关于进一步加强生物多样性保护的实施意见》';
const HEADER = ['主要任务', '我省贯彻落实意见', '细化分工', '责任部门', '实施时间'];
const EXPECTED_TASKS = 55;
const RESPONSIBILITY_SUFFIX = '按职责分工负责';

// ---------------------------------------------------------------------------
// Hand-written corrections (the document is irregular here)
// ---------------------------------------------------------------------------

/**
 * Department-name normalisation table (applied after trim + whitespace
 * collapse). Keep in sync with seeds/ledger/README.md.
 */
const DEPARTMENT_FIXES: Record<string, string> = {
  // Typo in tasks 19 and 20 (duplicated 院); every other row (24, 26, 27, 36,
  // 42, 44, 45) writes 中科院长春分院 (Changchun Branch of the Chinese Academy
  // of Sciences).
  中科院院长春分院: '中科院长春分院',
};

/**
 * Task 1's department cell is not a 、-list: it reads
 *   "省林草局负责,各市州人民政府落实,以下不再单独列出"
 * i.e. 省林草局 leads ("负责"), and the prefecture governments implement this
 * and every following task ("以下不再单独列出" = not listed again below).
 * We keep 省林草局 as the task's only department, put the implementation
 * clause in responsibilityNote, and record 各市州人民政府 in the top-level
 * `implementingEverywhere`. The raw cell is asserted verbatim so a changed
 * document cannot be silently misread.
 */
const DEPARTMENT_CELL_OVERRIDES: Record<number, { raw: string; departments: string[]; note: string }> = {
  1: {
    raw: '省林草局负责,各市州人民政府落实,以下不再单独列出',
    departments: ['省林草局'],
    note: '各市州人民政府落实,以下不再单独列出',
  },
};
const IMPLEMENTING_EVERYWHERE = ['各市州人民政府'];

/**
 * Measure (十二) is printed twice: its block (tasks 30–35) is split by a
 * repeated header row, and the second block repeats the section and measure
 * cells verbatim. A repeated measure cell is accepted only if its text is
 * identical to the first occurrence (asserted in parseMeasureCell), and only
 * for the codes listed here.
 */
const MEASURES_ALLOWED_TO_REPEAT = new Set(['十二']);

/**
 * Task links — copied from BRIEF §7 (not derivable from the document).
 * One row per (task, ref), in table order.
 */
const LINK_TABLE: Array<{ tasks: number[]; links: Array<{ kind: 'indicator' | 'data'; ref: string }> }> = [
  {
    tasks: [14, 15, 22],
    links: [
      { kind: 'indicator', ref: 'pa_coverage' },
      { kind: 'indicator', ref: 'ecosystem_type_protection_rate' },
    ],
  },
  {
    tasks: [17, 18, 20],
    links: [
      { kind: 'indicator', ref: 'protected_species_rate' },
      { kind: 'data', ref: 'flagship_species_records' },
    ],
  },
  {
    tasks: [21, 22],
    links: [
      { kind: 'indicator', ref: 'forest_coverage' },
      { kind: 'indicator', ref: 'grassland_vegetation_cover' },
      { kind: 'indicator', ref: 'natural_wetland_protection_rate' },
    ],
  },
  {
    tasks: [12],
    links: [
      { kind: 'indicator', ref: 'grassland_vegetation_cover' },
      { kind: 'indicator', ref: 'natural_wetland_protection_rate' },
    ],
  },
  {
    tasks: [23, 24],
    links: [
      { kind: 'data', ref: 'survey_coverage_priority_areas' },
      { kind: 'data', ref: 'station_network_completeness' },
    ],
  },
  { tasks: [25, 26, 36], links: [{ kind: 'data', ref: 'species_checklist' }] },
  { tasks: [27], links: [{ kind: 'data', ref: 'platform_sharing_alerts' }] },
  {
    tasks: [28],
    links: [
      { kind: 'indicator', ref: 'forest_coverage' },
      { kind: 'indicator', ref: 'grassland_vegetation_cover' },
      { kind: 'indicator', ref: 'natural_wetland_protection_rate' },
      { kind: 'indicator', ref: 'protected_species_rate' },
      { kind: 'indicator', ref: 'ecosystem_type_protection_rate' },
      { kind: 'indicator', ref: 'pa_coverage' },
    ],
  },
  { tasks: [38, 39, 41], links: [{ kind: 'data', ref: 'invasive_species_alerts' }] },
  { tasks: [40], links: [{ kind: 'data', ref: 'wildlife_disease_stations' }] },
];

// ---------------------------------------------------------------------------
// Types
// ---------------------------------------------------------------------------

interface Section {
  code: string;
  title: string;
}
interface Measure {
  code: string;
  section: string;
  title: string;
  text: string;
}
interface Timeline {
  kind: 'deadline' | 'window' | 'continuous';
  start: string | null;
  end: string | null;
  text: string;
}
interface Task {
  no: number;
  section: string;
  measure: string;
  text: string;
  departments: string[];
  responsibilityNote: string | null;
  timeline: Timeline;
}
interface Link {
  task: number;
  kind: 'indicator' | 'data';
  ref: string;
}

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

function fail(msg: string): never {
  throw new Error(`build-ledger: ${msg}`);
}

/** Strip <p>…</p> wrappers (the only markup in the annex) and trim. */
function stripMarkup(cell: string): string {
  const s = cell.replace(/<\/?p>/g, '').trim();
  if (/[<>]/.test(s)) fail(`unexpected markup left in cell: ${s.slice(0, 40)}`);
  return s;
}

function normaliseDepartment(name: string): string {
  const collapsed = name.replace(/\s+/g, ' ').trim();
  const fixed = DEPARTMENT_FIXES[collapsed] ?? collapsed;
  if (fixed === '') fail('empty department name');
  if (/[\s,，;；:：]/.test(fixed)) fail(`suspicious department name: "${fixed}"`);
  return fixed;
}

/** Parse a 责任部门 cell. */
function parseDepartments(taskNo: number, cell: string): { departments: string[]; note: string | null } {
  const override = DEPARTMENT_CELL_OVERRIDES[taskNo];
  if (override) {
    if (cell !== override.raw) fail(`task ${taskNo}: department cell changed: "${cell}"`);
    return { departments: override.departments.map(normaliseDepartment), note: override.note };
  }
  let rest = cell;
  let note: string | null = null;
  if (rest.endsWith(RESPONSIBILITY_SUFFIX)) {
    note = RESPONSIBILITY_SUFFIX;
    rest = rest.slice(0, -RESPONSIBILITY_SUFFIX.length);
  }
  const departments = rest.split('、').map(normaliseDepartment);
  if (new Set(departments).size !== departments.length) fail(`task ${taskNo}: duplicate department in "${cell}"`);
  return { departments, note };
}

/** Parse an 实施时间 cell; anything not in BRIEF §7's list aborts the run. */
function parseTimeline(taskNo: number, text: string): Timeline {
  let m: RegExpMatchArray | null;
  if ((m = text.match(/^(\d{4})\s*[-–—~～至]\s*(\d{4})\s*年$/))) {
    const [a, b] = [Number(m[1]), Number(m[2])];
    if (!(a <= b)) fail(`task ${taskNo}: inverted window "${text}"`);
    return { kind: 'window', start: `${a}-01-01`, end: `${b}-12-31`, text };
  }
  if ((m = text.match(/^(\d{4})\s*年\s*底\s*前$/))) {
    return { kind: 'deadline', start: null, end: `${m[1]}-12-31`, text };
  }
  if (text === '持续推进') return { kind: 'continuous', start: null, end: null, text };
  fail(`task ${taskNo}: unrecognised 实施时间 "${text}" — extend the rules only after checking the document`);
}

const CN_NUMERAL = '[一二三四五六七八九十]+';

function parseSectionCell(cell: string): Section {
  const m = cell.match(new RegExp(`^(${CN_NUMERAL})、(.+)$`));
  if (!m) fail(`bad 主要任务 cell "${cell}"`);
  return { code: m[1], title: m[2].trim() };
}

/**
 * A measure cell: "（三）加快…建设。健全…" or "(八) 推进…。…" — full- or
 * half-width parentheses, optional space after them (both occur).
 * title = first sentence without its 。; text = the paragraph after the
 * "(code)" marker (title sentence included).
 */
function parseMeasureCell(cell: string, section: string): Measure {
  const m = cell.match(new RegExp(`^[（(](${CN_NUMERAL})[）)]\\s*(.+)$`, 's'));
  if (!m) fail(`bad 我省贯彻落实意见 cell "${cell.slice(0, 30)}"`);
  const text = m[2].trim();
  const end = text.indexOf('。');
  if (end <= 0) fail(`measure (${m[1]}) has no title sentence`);
  return { code: m[1], section, title: text.slice(0, end), text };
}

// ---------------------------------------------------------------------------
// Parse
// ---------------------------------------------------------------------------

const doc = readFileSync(docPath, 'utf8')
  .replace(/^\uFEFF/, '')
  .replace(/\r\n?/g, '\n');
const lines = doc.split('\n');
const annexIdx = lines.findIndex((l) => l.trim().startsWith(ANNEX_START));
if (annexIdx < 0) fail(`annex start "${ANNEX_START}" not found in ${docPath}`);

const sections: Section[] = [];
const measures: Measure[] = [];
const tasks: Task[] = [];
let curSection: string | null = null;
let curMeasure: string | null = null;

for (let i = annexIdx + 1; i < lines.length; i++) {
  const lineNo = i + 1;
  const raw = lines[i];
  if (!raw.includes('\t')) {
    // Title lines of the annex ("责任分工台账", "附件", the table caption) and blanks.
    if (tasks.length > 0 && raw.trim() !== '') fail(`line ${lineNo}: unexpected non-table text "${raw.slice(0, 30)}"`);
    continue;
  }
  const cells = raw.split('\t').map(stripMarkup);
  if (cells.length !== 5) fail(`line ${lineNo}: expected 5 cells, got ${cells.length}`);
  if (cells.join('|') === HEADER.join('|')) continue; // repeated header row
  const [secCell, measCell, taskCell, deptCell, timeCell] = cells;

  if (secCell) {
    const s = parseSectionCell(secCell);
    const prev = sections.find((x) => x.code === s.code);
    if (prev) {
      // Every block repeats its section cell; it must be identical and it
      // must be the current (or a new, later) section.
      if (prev.title !== s.title) fail(`line ${lineNo}: section ${s.code} title differs`);
      if (curSection !== s.code) fail(`line ${lineNo}: section ${s.code} reappears out of order`);
    } else {
      sections.push(s);
    }
    curSection = s.code;
    if (!measCell) fail(`line ${lineNo}: a block starts without a measure cell`);
  }
  if (!curSection) fail(`line ${lineNo}: row before any section`);

  if (measCell) {
    const mm = parseMeasureCell(measCell, curSection);
    const prev = measures.find((x) => x.code === mm.code);
    if (prev) {
      if (!MEASURES_ALLOWED_TO_REPEAT.has(mm.code)) fail(`line ${lineNo}: measure (${mm.code}) repeated`);
      if (prev.text !== mm.text || prev.section !== mm.section) fail(`line ${lineNo}: repeated measure (${mm.code}) differs`);
      if (curMeasure !== mm.code) fail(`line ${lineNo}: measure (${mm.code}) reappears out of order`);
    } else {
      measures.push(mm);
    }
    curMeasure = mm.code;
  }
  if (!curMeasure) fail(`line ${lineNo}: task row before any measure`);

  const tm = taskCell.match(/^(\d{1,2})\.(.+)$/s);
  if (!tm) fail(`line ${lineNo}: 细化分工 cell does not start with a task number: "${taskCell.slice(0, 20)}"`);
  const no = Number(tm[1]);
  if (no !== tasks.length + 1) fail(`line ${lineNo}: task ${no} out of sequence (expected ${tasks.length + 1})`);
  if (!deptCell) fail(`task ${no}: empty 责任部门`);
  if (!timeCell) fail(`task ${no}: empty 实施时间`);
  const { departments, note } = parseDepartments(no, deptCell);
  tasks.push({
    no,
    section: curSection,
    measure: curMeasure,
    text: tm[2].trim(),
    departments,
    responsibilityNote: note,
    timeline: parseTimeline(no, timeCell),
  });
}

// ---------------------------------------------------------------------------
// Validate
// ---------------------------------------------------------------------------

if (tasks.length !== EXPECTED_TASKS) fail(`expected ${EXPECTED_TASKS} tasks, found ${tasks.length}`);
const sectionCodes = sections.map((s) => s.code).join(',');
if (sectionCodes !== '二,三,四,五,六,七') fail(`unexpected sections ${sectionCodes}`);
const measureCodes = measures.map((m) => m.code).join(',');
const expectedMeasures = '三,四,五,六,七,八,九,十,十一,十二,十三,十四,十五,十六,十七,十八,十九,二十,二十一';
if (measureCodes !== expectedMeasures) fail(`unexpected measures ${measureCodes}`);
for (const m of measures) {
  if (!tasks.some((t) => t.measure === m.code)) fail(`measure (${m.code}) has no task`);
}

// Cross-check the annex against the body of the document: every section
// heading "二、…" and measure heading "（三）…" of the main text must carry
// the same title as the annex (the annex texts differ in punctuation and a few
// words, so only titles are compared).
const body = lines.slice(0, annexIdx);
for (const s of sections) {
  if (!body.some((l) => l.trim() === `${s.code}、${s.title}`)) fail(`section ${s.code} title not found in the body`);
}
for (const m of measures) {
  const re = new RegExp(`^[（(]${m.code}[）)]\\s*(.+)$`);
  const hit = body.map((l) => l.trim().match(re)).find((x) => x);
  if (!hit) fail(`measure (${m.code}) not found in the body`);
  const bodyTitle = hit[1].split('。')[0].trim();
  if (bodyTitle !== m.title) fail(`measure (${m.code}) title differs: body "${bodyTitle}" vs annex "${m.title}"`);
}

// Departments, sorted by first appearance (implementingEverywhere is stated in
// task 1, so it counts as appearing there, right after task 1's departments).
const departments: string[] = [];
for (const t of tasks) {
  for (const d of t.departments) if (!departments.includes(d)) departments.push(d);
  if (t.no === 1) for (const d of IMPLEMENTING_EVERYWHERE) if (!departments.includes(d)) departments.push(d);
}

const links: Link[] = [];
for (const row of LINK_TABLE) {
  for (const task of row.tasks) {
    if (!tasks.some((t) => t.no === task)) fail(`link to unknown task ${task}`);
    for (const l of row.links) {
      if (links.some((x) => x.task === task && x.ref === l.ref)) continue; // one row per (task, ref)
      links.push({ task, kind: l.kind, ref: l.ref });
    }
  }
}
// Kept in BRIEF §7 table order (row by row, task by task), like the spec's example starting at task 14.

const ledger = {
  source: SOURCE,
  implementingEverywhere: IMPLEMENTING_EVERYWHERE,
  sections,
  measures,
  departments: departments.map((name) => ({ name })),
  tasks,
  links,
};

writeFileSync(outPath, JSON.stringify(ledger, null, 2) + '\n', 'utf8');
console.log(
  `wrote ${path.relative(process.cwd(), outPath)}: ${sections.length} sections, ${measures.length} measures, ` +
    `${tasks.length} tasks, ${departments.length} departments, ${links.length} links`,
);
