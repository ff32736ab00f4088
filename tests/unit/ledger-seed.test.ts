/**
 * Checks seeds/ledger/ledger.json against the source document itself.
 *
 * The extraction here is deliberately independent of (and simpler than)
 * seeds/ledger/build-ledger.ts: a per-line regex for task rows, a scan for the
 * last section/measure marker seen, and its own timeline parser and
 * department-normalisation table. It does NOT import the generator.
 */
import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const __dirname = path.dirname(fileURLToPath(import.meta.url));
const DOC_PATH = path.resolve(__dirname, '../../../shared/seed/jilin-biodiversity-opinions.txt');
const LEDGER_PATH = path.resolve(__dirname, '../../seeds/ledger/ledger.json');

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
interface Ledger {
  source: string;
  implementingEverywhere: string[];
  sections: Array<{ code: string; title: string }>;
  measures: Array<{ code: string; section: string; title: string; text: string }>;
  departments: Array<{ name: string }>;
  tasks: Task[];
  links: Array<{ task: number; kind: 'indicator' | 'data'; ref: string }>;
}

const ledger: Ledger = JSON.parse(readFileSync(LEDGER_PATH, 'utf8'));
const doc = readFileSync(DOC_PATH, 'utf8');

// ---------------------------------------------------------------------------
// Independent extraction from the document
// ---------------------------------------------------------------------------

/** Stated here on purpose (same table as seeds/ledger/README.md). */
const DEPT_FIX: Record<string, string> = { 中科院院长春分院: '中科院长春分院' };
const RESP = '按职责分工负责';

interface DocTask {
  no: number;
  text: string;
  deptCell: string;
  timeText: string;
  section: string;
  measure: string;
}

function extractFromDoc(): DocTask[] {
  const annex = doc.slice(doc.indexOf('附件：《吉林省关于进一步加强生物多样性保护的实施意见》'));
  const out: DocTask[] = [];
  let section = '';
  let measure = '';
  for (const line of annex.split(/\r?\n/)) {
    const s = /^([一二三四五六七八九十]+)、/.exec(line);
    if (s) section = s[1];
    const m = /(?:^|\t|<p>)[（(]([一二三四五六七八九十]+)[）)]/.exec(line);
    if (m) measure = m[1];
    const t = /(?:^|\t|<p>)(\d{1,2})\.(.+?)(?:<\/p>)?\t(.*?)\t(.*)$/.exec(line);
    if (!t) continue;
    const unwrap = (c: string) =>
      c
        .replace(/^<p>/, '')
        .replace(/<\/p>$/, '')
        .trim();
    out.push({ no: Number(t[1]), text: t[2], deptCell: unwrap(t[3]), timeText: unwrap(t[4]), section, measure });
  }
  return out;
}

function expectedDepartments(cell: string): string[] {
  return cell
    .replace(new RegExp(`${RESP}$`), '')
    .split(/[、,，]/)
    .filter((p) => !/落实$|以下不再单独列出/.test(p)) // task 1's trailing implementation note
    .map((p) => p.replace(/负责$/, '').replace(/\s+/g, ''))
    .map((p) => DEPT_FIX[p] ?? p);
}

function expectedNote(no: number, cell: string): string | null {
  if (cell.endsWith(RESP)) return RESP;
  const i = cell.indexOf('各市州人民政府落实');
  return i >= 0 ? cell.slice(i) : null;
}

function expectedTimeline(text: string): Omit<Timeline, 'text'> {
  const s = text.replace(/\s+/g, '');
  if (s === '持续推进') return { kind: 'continuous', start: null, end: null };
  let m = /^(\d{4})-(\d{4})年$/.exec(s);
  if (m) return { kind: 'window', start: `${m[1]}-01-01`, end: `${m[2]}-12-31` };
  m = /^(\d{4})年底前$/.exec(s);
  if (m) return { kind: 'deadline', start: null, end: `${m[1]}-12-31` };
  throw new Error(`unknown 实施时间 form: ${text}`);
}

const docTasks = extractFromDoc();
const byNo = new Map(ledger.tasks.map((t) => [t.no, t]));
const task = (no: number): Task => {
  const t = byNo.get(no);
  if (!t) throw new Error(`task ${no} missing from ledger`);
  return t;
};

// ---------------------------------------------------------------------------
// Against the document
// ---------------------------------------------------------------------------

describe('ledger seed vs source document', () => {
  it('the document has exactly tasks 1..55, each once', () => {
    expect(docTasks.map((t) => t.no)).toEqual(Array.from({ length: 55 }, (_, i) => i + 1));
  });

  it('the ledger has tasks 1..55, each exactly once', () => {
    const nos = ledger.tasks.map((t) => t.no);
    expect(nos).toHaveLength(55);
    expect(new Set(nos).size).toBe(55);
    expect([...nos].sort((a, b) => a - b)).toEqual(Array.from({ length: 55 }, (_, i) => i + 1));
  });

  for (const d of docTasks) {
    describe(`task ${d.no}`, () => {
      it('text equals the 细化分工 cell (number and markup removed)', () => {
        expect(task(d.no).text).toBe(d.text);
      });
      it('departments match the 责任部门 cell (set, no duplicates, document order)', () => {
        const want = expectedDepartments(d.deptCell);
        const got = task(d.no).departments;
        expect([...got].sort()).toEqual([...want].sort());
        expect(new Set(got).size).toBe(got.length);
        expect(got).toEqual(want);
      });
      it('responsibilityNote matches the cell', () => {
        expect(task(d.no).responsibilityNote).toBe(expectedNote(d.no, d.deptCell));
      });
      it('timeline text and parsed kind/start/end match the 实施时间 cell', () => {
        const tl = task(d.no).timeline;
        expect(tl.text).toBe(d.timeText);
        expect({ kind: tl.kind, start: tl.start, end: tl.end }).toEqual(expectedTimeline(d.timeText));
      });
      it('section and measure match the last markers above the row', () => {
        expect(task(d.no).section).toBe(d.section);
        expect(task(d.no).measure).toBe(d.measure);
      });
    });
  }

  it('the department list is every distinct task department plus implementingEverywhere, no extras', () => {
    const names = ledger.departments.map((d) => d.name);
    expect(new Set(names).size).toBe(names.length);
    const used = new Set([...ledger.tasks.flatMap((t) => t.departments), ...ledger.implementingEverywhere]);
    expect(new Set(names)).toEqual(used);
  });

  it('every measure and section title occurs in the document', () => {
    for (const s of ledger.sections) expect(doc).toContain(`${s.code}、${s.title}`);
    for (const m of ledger.measures) {
      expect(doc).toContain(m.title);
      expect(m.text.startsWith(m.title + '。')).toBe(true);
      expect(m.text).not.toMatch(/<\/?p>/);
    }
  });
});

// ---------------------------------------------------------------------------
// Hand-checked cases (written literally)
// ---------------------------------------------------------------------------

describe('ledger seed — hand-checked facts', () => {
  it('source and implementingEverywhere', () => {
    expect(ledger.source).toBe('《吉林省关于进一步加强生物多样性保护的实施意见》责任分工台账 (征求意见稿)');
    expect(ledger.implementingEverywhere).toEqual(['各市州人民政府']);
  });

  it('task 1: 省林草局 leads, prefecture governments implement everywhere', () => {
    expect(task(1).departments).toEqual(['省林草局']);
    expect(task(1).responsibilityNote).toBe('各市州人民政府落实,以下不再单独列出');
    expect(task(1).timeline).toEqual({ kind: 'window', start: '2022-01-01', end: '2035-12-31', text: '2022-2035年' });
  });

  it('task 3: window 2022-01-01..2023-12-31', () => {
    expect(task(3).timeline).toEqual({ kind: 'window', start: '2022-01-01', end: '2023-12-31', text: '2022-2023年' });
    expect(task(3).departments).toEqual(['省自然资源厅', '省生态环境厅', '省农业农村厅', '省林草局']);
    expect(task(3).responsibilityNote).toBe('按职责分工负责');
  });

  it('task 4: deadline 2022-12-31', () => {
    expect(task(4).timeline).toEqual({ kind: 'deadline', start: null, end: '2022-12-31', text: '2022 年底前' });
    expect(task(4).departments).toEqual(['省生态环境厅']);
    expect(task(4).responsibilityNote).toBeNull();
  });

  it('task 5: continuous', () => {
    expect(task(5).timeline).toEqual({ kind: 'continuous', start: null, end: null, text: '持续推进' });
  });

  it('task 12: deadline 2025-12-31', () => {
    expect(task(12).timeline).toEqual({ kind: 'deadline', start: null, end: '2025-12-31', text: '2025 年底前' });
    expect(task(12).departments).toEqual(['省水利厅', '省农业农村厅', '省林草局']);
  });

  it('task 26: deadline 2030; task 40: "2025年底前" without a space', () => {
    expect(task(26).timeline).toEqual({ kind: 'deadline', start: null, end: '2030-12-31', text: '2030 年底前' });
    expect(task(40).timeline).toEqual({ kind: 'deadline', start: null, end: '2025-12-31', text: '2025年底前' });
  });

  it('typo 中科院院长春分院 is normalised (tasks 19, 20)', () => {
    expect(task(19).departments).toEqual(['省住建厅', '省农业农村厅', '省林草局', '中科院长春分院']);
    expect(task(20).departments).toEqual(['省农业农村厅', '省林草局', '中科院长春分院']);
    const all = [...ledger.departments.map((d) => d.name), ...ledger.tasks.flatMap((t) => t.departments)];
    expect(all).not.toContain('中科院院长春分院');
  });

  it('special departments are kept when listed', () => {
    expect(task(13).departments).toEqual(['省财政厅', '国家税务总局吉林省税务局', '长春海关']);
    expect(task(8).departments).toEqual(['各市州人民政府', '省直有关部门']);
    expect(task(35).departments).toEqual(['长春海关']);
  });

  it('sections 二..七 with their titles', () => {
    expect(ledger.sections).toEqual([
      { code: '二', title: '加快完善生物多样性保护政策法规' },
      { code: '三', title: '持续优化生物多样性保护空间格局' },
      { code: '四', title: '构建生物多样性保护监测体系' },
      { code: '五', title: '着力提升生物安全管理水平' },
      { code: '六', title: '创新生物多样性可持续利用机制' },
      { code: '七', title: '落实保障措施' },
    ]);
  });

  it('task counts per section', () => {
    const counts: Record<string, number> = {};
    for (const t of ledger.tasks) counts[t.section] = (counts[t.section] ?? 0) + 1;
    expect(counts).toEqual({ 二: 13, 三: 9, 四: 7, 五: 12, 六: 6, 七: 8 });
  });

  it('measures （三）..（二十一）, their sections and task counts', () => {
    const expected: Array<[string, string, number]> = [
      ['三', '二', 3],
      ['四', '二', 5],
      ['五', '二', 5],
      ['六', '三', 5],
      ['七', '三', 2],
      ['八', '三', 2],
      ['九', '四', 4],
      ['十', '四', 1],
      ['十一', '四', 2],
      ['十二', '五', 6],
      ['十三', '五', 2],
      ['十四', '五', 4],
      ['十五', '六', 3],
      ['十六', '六', 3],
      ['十七', '七', 1],
      ['十八', '七', 1],
      ['十九', '七', 1],
      ['二十', '七', 3],
      ['二十一', '七', 2],
    ];
    expect(ledger.measures.map((m) => [m.code, m.section])).toEqual(expected.map(([c, s]) => [c, s]));
    for (const [code, section, n] of expected) {
      const ts = ledger.tasks.filter((t) => t.measure === code);
      expect(ts, `measure ${code}`).toHaveLength(n);
      for (const t of ts) expect(t.section).toBe(section);
    }
    expect(ledger.measures.find((m) => m.code === '三')?.title).toBe('加快生物多样性保护法治建设');
  });

  it('links table exactly as in BRIEF §7', () => {
    const table: Array<[number[], Array<[string, string]>]> = [
      [
        [14, 15, 22],
        [
          ['indicator', 'pa_coverage'],
          ['indicator', 'ecosystem_type_protection_rate'],
        ],
      ],
      [
        [17, 18, 20],
        [
          ['indicator', 'protected_species_rate'],
          ['data', 'flagship_species_records'],
        ],
      ],
      [
        [21, 22],
        [
          ['indicator', 'forest_coverage'],
          ['indicator', 'grassland_vegetation_cover'],
          ['indicator', 'natural_wetland_protection_rate'],
        ],
      ],
      [
        [12],
        [
          ['indicator', 'grassland_vegetation_cover'],
          ['indicator', 'natural_wetland_protection_rate'],
        ],
      ],
      [
        [23, 24],
        [
          ['data', 'survey_coverage_priority_areas'],
          ['data', 'station_network_completeness'],
        ],
      ],
      [[25, 26, 36], [['data', 'species_checklist']]],
      [[27], [['data', 'platform_sharing_alerts']]],
      [
        [28],
        [
          ['indicator', 'forest_coverage'],
          ['indicator', 'grassland_vegetation_cover'],
          ['indicator', 'natural_wetland_protection_rate'],
          ['indicator', 'protected_species_rate'],
          ['indicator', 'ecosystem_type_protection_rate'],
          ['indicator', 'pa_coverage'],
        ],
      ],
      [[38, 39, 41], [['data', 'invasive_species_alerts']]],
      [[40], [['data', 'wildlife_disease_stations']]],
    ];
    const want = table.flatMap(([tasks, refs]) => tasks.flatMap((t) => refs.map(([k, r]) => `${t}|${k}|${r}`)));
    const got = ledger.links.map((l) => `${l.task}|${l.kind}|${l.ref}`);
    expect(got).toHaveLength(38);
    expect(new Set(got).size).toBe(got.length); // one row per (task, ref)
    expect([...got].sort()).toEqual([...want].sort());
  });
});
