import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import yazl from 'yazl';
import { sql } from '@biomon/db';
import { runSeeds } from '@biomon/seed';
import type { LedgerSeed } from '@biomon/ledger';
import { createTestContext, type TestContext } from '../support/test-db';
import { authAs, buildTestServer } from '../support/http';
import { REPO_ROOT, SHARED_SEED } from '../support/cli';

let t: TestContext;
let app: FastifyInstance;
let fileStore: string;
type Auth = { authorization: string };
let admin: Auth;
let evaluator: Auth;
const dept: Record<string, Auth> = {};
const deptId: Record<string, number> = {};

beforeAll(async () => {
  fileStore = await mkdtemp(path.join(os.tmpdir(), 'biomon-files-'));
  t = await createTestContext({ fileStoreDir: fileStore });
  await runSeeds(t.ctx.db, 'demo', path.join(REPO_ROOT, 'seeds'));
  app = await buildTestServer(t);
  admin = await authAs(t, 'admin');
  evaluator = await authAs(t, 'evaluator');
  for (const d of await t.ctx.db.selectFrom('departments').select(['id', 'name']).execute()) deptId[d.name] = d.id;
  for (const name of ['省林草局', '省农业农村厅', '省生态环境厅', '各市州人民政府', '长春海关'])
    dept[name] = await authAs(t, 'department', { departmentId: deptId[name] });
});
afterAll(async () => {
  await app?.close();
  await t?.close();
  await rm(fileStore, { recursive: true, force: true });
});

interface Task {
  no: number;
  overdue: boolean;
  status: string | null;
  departments: string[];
  implementingDepartments: string[];
  indicators: string[];
  timeline: { kind: string; start: string | null; end: string | null; text: string };
  links: { kind: string; ref: string }[];
}

const get = async (url: string, headers: Record<string, string> = {}) => app.inject({ method: 'GET', url, headers });
const tasksOf = async (qs: string): Promise<Task[]> => {
  const res = await get(`/v1/ledger/tasks?${qs}`);
  expect(res.statusCode, res.body).toBe(200);
  return res.json().tasks;
};
const overdueNos = async (asOf: string, extra = '') => (await tasksOf(`overdue=true&asOf=${asOf}${extra}`)).map((x) => x.no);
const report = (no: number, headers: Auth, body: Record<string, unknown>) =>
  app.inject({ method: 'POST', url: `/v1/ledger/tasks/${no}/progress`, headers, payload: body });

function multipart(fileName: string, content: Buffer): { payload: Buffer; headers: Record<string, string> } {
  const boundary = `----biomon${Math.random().toString(16).slice(2)}`;
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${fileName}"\r\nContent-Type: application/octet-stream\r\n\r\n`,
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  return { payload: Buffer.concat([head, content, tail]), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}
const upload = (fileName: string, content: Buffer, headers: Auth) => {
  const m = multipart(fileName, content);
  return app.inject({ method: 'POST', url: '/v1/files', headers: { ...headers, ...m.headers }, payload: m.payload });
};
function zip(entries: Record<string, string>): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const z = new yazl.ZipFile();
    for (const [name, text] of Object.entries(entries)) z.addBuffer(Buffer.from(text), name);
    z.end();
    const chunks: Buffer[] = [];
    z.outputStream
      .on('data', (c: Buffer) => chunks.push(c))
      .on('end', () => resolve(Buffer.concat(chunks)))
      .on('error', reject);
  });
}
const PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');
const PNG = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');

describe('ledger: reading the 55 tasks', () => {
  it('lists all 55 tasks publicly, each with section, measure, departments, timeline, status, overdue flag and linked indicators', async () => {
    const res = await get('/v1/ledger/tasks');
    expect(res.statusCode).toBe(200);
    const { tasks } = res.json() as { tasks: Task[] };
    expect(tasks.map((x) => x.no)).toEqual(Array.from({ length: 55 }, (_, i) => i + 1));
    const t3 = tasks.find((x) => x.no === 3)!;
    expect(t3).toMatchObject({
      section: '二',
      measure: '三',
      text: '制定完善外来物种名录,落实相关管理办法。',
      departments: ['省自然资源厅', '省生态环境厅', '省农业农村厅', '省林草局'],
      implementingDepartments: ['各市州人民政府'],
      timeline: { kind: 'window', start: '2022-01-01', end: '2023-12-31', text: '2022-2023年' },
      status: null,
    });
    expect(typeof t3.overdue).toBe('boolean');
    // 各市州人民政府 is listed in task 7, so it is responsible there, not merely implementing
    expect(tasks.find((x) => x.no === 7)).toMatchObject({ departments: ['各市州人民政府'], implementingDepartments: [] });
    expect(tasks.find((x) => x.no === 5)!.timeline).toEqual({ kind: 'continuous', start: null, end: null, text: '持续推进' });
  });

  it('carries exactly the task links of BRIEF §7', async () => {
    const { tasks } = (await get('/v1/ledger/tasks')).json() as { tasks: Task[] };
    const links = tasks.flatMap((x) => x.links.map((l) => `${x.no}:${l.ref}`)).sort();
    const brief: [number[], string[]][] = [
      [
        [14, 15, 22],
        ['pa_coverage', 'ecosystem_type_protection_rate'],
      ],
      [
        [17, 18, 20],
        ['protected_species_rate', 'flagship_species_records'],
      ],
      [
        [21, 22],
        ['forest_coverage', 'grassland_vegetation_cover', 'natural_wetland_protection_rate'],
      ],
      [[12], ['grassland_vegetation_cover', 'natural_wetland_protection_rate']],
      [
        [23, 24],
        ['survey_coverage_priority_areas', 'station_network_completeness'],
      ],
      [[25, 26, 36], ['species_checklist']],
      [[27], ['platform_sharing_alerts']],
      [
        [28],
        [
          'forest_coverage',
          'grassland_vegetation_cover',
          'natural_wetland_protection_rate',
          'protected_species_rate',
          'ecosystem_type_protection_rate',
          'pa_coverage',
        ],
      ],
      [[38, 39, 41], ['invasive_species_alerts']],
      [[40], ['wildlife_disease_stations']],
      // BRIEF §10: the germplasm capability (issue 20) serves tasks 19, 25, 26 and 36
      [
        [19, 25, 26, 36],
        ['exsitu_protected_plants_rate', 'exsitu_sites_per_taxon', 'germplasm_registry'],
      ],
    ];
    expect(links).toEqual(brief.flatMap(([nos, refs]) => nos.flatMap((n) => refs.map((r) => `${n}:${r}`))).sort());
    expect(tasks.find((x) => x.no === 21)!.indicators.sort()).toEqual(['forest_coverage', 'grassland_vegetation_cover', 'natural_wetland_protection_rate']);
    expect(tasks.find((x) => x.no === 23)!.indicators).toEqual([]);
  });

  it('finds the overdue set as of 2026-11-28 by hand from the seed document: tasks 3, 4, 9, 12, 25, 40, 47', async () => {
    // From the annex 责任分工台账 of /work/shared/seed/jilin-biodiversity-opinions.txt, 实施时间 column:
    //   task 3   2022-2023年    (window, ends 2023-12-31)  省自然资源厅、省生态环境厅、省农业农村厅、省林草局
    //   task 4   2022 年底前    (2022-12-31)               省生态环境厅
    //   task 9   2025 年底前    (2025-12-31)               省财政厅、省林草局
    //   task 12  2025 年底前    (2025-12-31)               省水利厅、省农业农村厅、省林草局
    //   task 25  2025 年底前    (2025-12-31)               省农业农村厅
    //   task 40  2025年底前     (2025-12-31)               省林草局
    //   task 47  2025 年底前    (2025-12-31)               省林草局
    // Every other task is 持续推进 (never overdue), 2022-2035年 (tasks 1, 2: window ends 2035-12-31),
    // 2030 年底前 (task 26) or 2035 年底前 (tasks 10, 21, 24, 27, 30–34, 36, 44). No progress is reported yet.
    const HAND = [3, 4, 9, 12, 25, 40, 47];
    expect(await overdueNos('2026-11-28')).toEqual(HAND);
    // the same from the seed file's dates, as a cross-check of the hand reading
    const seed = JSON.parse(readFileSync(path.join(REPO_ROOT, 'seeds/ledger/ledger.json'), 'utf8')) as LedgerSeed;
    expect(seed.tasks.filter((x) => x.timeline.end !== null && x.timeline.end < '2026-11-28').map((x) => x.no)).toEqual(HAND);
    // and the document's own words for them
    const doc = readFileSync(path.join(SHARED_SEED, 'jilin-biodiversity-opinions.txt'), 'utf8');
    const annex = doc.slice(doc.indexOf('责任分工台账\n\n附件'));
    for (const no of HAND) {
      const row = new RegExp(`(?:^|\\t|<p>)${no}\\.[^\\n]*`, 'm').exec(annex)![0];
      expect(row).toMatch(no === 3 ? /2022-2023年/ : no === 4 ? /2022 年底前/ : /2025 ?年底前/);
    }
    // not overdue on the deadline day, overdue the day after; windows included (task 3 on 2023-12-31)
    expect(await overdueNos('2023-12-31')).toEqual([4]);
    expect(await overdueNos('2024-01-01')).toEqual([3, 4]);
    expect(await overdueNos('2025-12-31')).toEqual([3, 4]);
    expect(await overdueNos('2026-01-01')).toEqual(HAND);
    // 持续推进 is never overdue, however late the date
    const far = await tasksOf('asOf=2099-01-01');
    expect(far.filter((x) => x.timeline.kind === 'continuous').every((x) => !x.overdue)).toBe(true);
  });

  it('filters by department, section, measure, status, overdue and dueBefore; rejects unknown values', async () => {
    expect(await overdueNos('2026-11-28', `&department=${encodeURIComponent('省林草局')}`)).toEqual([3, 9, 12, 40, 47]);
    expect(await overdueNos('2026-11-28', `&department=${encodeURIComponent('省农业农村厅')}`)).toEqual([3, 12, 25]);
    expect(await overdueNos('2026-11-28', `&department=${deptId['省生态环境厅']}`)).toEqual([3, 4]);
    // 各市州人民政府 implements every task
    expect(await tasksOf(`department=${encodeURIComponent('各市州人民政府')}`)).toHaveLength(55);
    expect((await tasksOf(`department=${encodeURIComponent('长春海关')}`)).map((x) => x.no)).toEqual([13, 35, 36, 37, 38, 39, 41]);
    expect((await tasksOf(`section=${encodeURIComponent('二')}`)).map((x) => x.no)).toEqual(Array.from({ length: 13 }, (_, i) => i + 1));
    for (const m of ['五', '（五）', '(五)']) expect((await tasksOf(`measure=${encodeURIComponent(m)}`)).map((x) => x.no)).toEqual([9, 10, 11, 12, 13]);
    expect((await tasksOf(`measure=${encodeURIComponent('二十一')}`)).map((x) => x.no)).toEqual([54, 55]);
    expect((await tasksOf('dueBefore=2025-12-31')).map((x) => x.no)).toEqual([3, 4, 9, 12, 25, 40, 47]);
    expect((await tasksOf('dueBefore=2030-12-31')).map((x) => x.no)).toEqual([3, 4, 9, 12, 25, 26, 40, 47]);
    expect(await tasksOf('status=not_reported')).toHaveLength(55);
    expect(await tasksOf('status=done')).toHaveLength(0);
    for (const [qs, field] of [
      ['section=八', 'querystring.section'],
      ['measure=二十二', 'querystring.measure'],
      ['department=省不存在厅', 'querystring.department'],
      ['asOf=2026-02-30', 'querystring.asOf'],
      ['status=finished', 'querystring.status'],
    ]) {
      const res = await get(`/v1/ledger/tasks?${qs.replace(/=(.*)$/, (_, v: string) => `=${encodeURIComponent(v)}`)}`);
      expect(res.statusCode, qs).toBe(400);
      expect(res.json().error.details.errors[0].field, qs).toBe(field);
    }
  });

  it('shows one task with its linked indicators: latest value, target, and whether it is met', async () => {
    const res = await get('/v1/ledger/tasks/21');
    expect(res.statusCode).toBe(200);
    const task = res.json();
    expect(task.no).toBe(21);
    expect(task.progress).toEqual([]);
    const forest = task.linkedIndicators.find((i: { code: string }) => i.code === 'forest_coverage');
    const values = (await get('/v1/indicators/forest_coverage/values?region=220000&year=2024')).json().values;
    expect(forest).toMatchObject({ nameZh: '森林覆盖率', regionCode: '220000', year: 2024, target: 45.8, value: values[0].value, runId: values[0].runId });
    expect(forest.meetsTarget).toBe(values[0].value >= 45.8);
    const t15 = (await get('/v1/ledger/tasks/15')).json();
    const eco = t15.linkedIndicators.find((i: { code: string }) => i.code === 'ecosystem_type_protection_rate');
    expect(eco).toMatchObject({ target: null, targetText: '达到国家要求', meetsTarget: null });
    const t17 = (await get('/v1/ledger/tasks/17')).json();
    const flagship = t17.linkedData.find((d: { ref: string }) => d.ref === 'flagship_species_records');
    expect(flagship.figures.species.find((s: { nameZh: string }) => s.nameZh === '东北虎').records).toBeGreaterThan(0);
    const t40 = (await get('/v1/ledger/tasks/40')).json();
    expect(t40.linkedData[0].figures.stations.map((x: { stationId: string }) => x.stationId)).toEqual(['demo-st-stkm-dis']);
    expect((await get('/v1/ledger/tasks/56')).statusCode).toBe(404);
  });
});

describe('ledger: progress reports', () => {
  it('lets a department report on its own task: the task is done as of the report date, not before', async () => {
    const res = await report(40, dept['省林草局'], {
      status: 'done',
      note: '国家级陆生野生动物疫源疫病监测站建设完成',
      asOf: '2026-11-01',
      evidence: [{ title: '验收报告', url: 'https://lcj.jl.gov.cn/example/acceptance' }],
    });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().progress).toMatchObject({ taskNo: 40, status: 'done', asOf: '2026-11-01', department: '省林草局', evidence: [{ title: '验收报告' }] });
    expect(await overdueNos('2026-11-28')).toEqual([3, 4, 9, 12, 25, 47]);
    // a done report dated after D does not clear the task as of D
    expect(await overdueNos('2026-10-31')).toEqual([3, 4, 9, 12, 25, 40, 47]);
    const audit = await t.ctx.db.selectFrom('audit_log').selectAll().where('action', '=', 'ledger-progress.create').execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ entity: 'ledger_progress', role: 'department' });
  });

  it("refuses a department token on another department's task (403), other roles (403) and no token (401)", async () => {
    // task 4: 省生态环境厅 only (and 各市州人民政府, who implement every task)
    const other = await report(4, dept['省林草局'], { status: 'done', note: 'not ours', asOf: '2026-11-01' });
    expect(other.statusCode).toBe(403);
    expect(other.json().error.code).toBe('FORBIDDEN');
    expect((await report(40, dept['长春海关'], { status: 'in_progress', note: '' })).statusCode).toBe(403);
    expect((await report(4, evaluator, { status: 'done', note: '' })).statusCode).toBe(403);
    expect((await app.inject({ method: 'POST', url: '/v1/ledger/tasks/4/progress', payload: { status: 'done' } })).statusCode).toBe(401);
    expect(await overdueNos('2026-11-28')).toContain(4);
    // the responsible department, an implementing one, and admin may
    expect((await report(4, dept['省生态环境厅'], { status: 'in_progress', note: '修编中', asOf: '2026-11-10' })).statusCode).toBe(201);
    expect((await report(4, dept['各市州人民政府'], { status: 'in_progress', note: '各地已对接', asOf: '2026-11-12' })).statusCode).toBe(201);
    expect((await report(25, admin, { status: 'blocked', note: '经费未落实', asOf: '2026-11-15' })).statusCode).toBe(201);
    expect((await tasksOf('status=blocked')).map((x) => x.no)).toEqual([25]);
  });

  it('validates: no future dates, known tasks, http(s) links, known statuses', async () => {
    const future = await report(40, dept['省林草局'], { status: 'in_progress', note: '', asOf: '2999-01-01' });
    expect(future.statusCode).toBe(400);
    expect(future.json().error.details.errors[0]).toMatchObject({ field: 'asOf', code: 'DATE_IN_FUTURE' });
    expect((await report(99, admin, { status: 'done', note: '' })).statusCode).toBe(404);
    const badUrl = await report(40, dept['省林草局'], { status: 'in_progress', note: '', evidence: [{ title: 'x', url: 'javascript:alert(1)' }] });
    expect(badUrl.statusCode).toBe(400);
    expect(badUrl.json().error.details.errors[0]).toMatchObject({ field: 'evidence.0.url', code: 'URL_INVALID' });
    expect((await report(40, dept['省林草局'], { status: 'finished', note: '' })).statusCode).toBe(400);
  });

  it('keeps an append-only history; the latest report by date gives the status, and a reopened task is overdue again', async () => {
    const reopen = { status: 'in_progress', note: '复核发现问题，重新整改', asOf: '2026-11-20' };
    expect((await report(40, dept['省林草局'], reopen)).statusCode).toBe(201);
    // a retry of the same report by the same token stores nothing new
    const retry = await report(40, dept['省林草局'], reopen);
    expect(retry.statusCode).toBe(200);
    expect(retry.json()).toMatchObject({ duplicate: true, progress: { status: 'in_progress', asOf: '2026-11-20' } });
    expect(await overdueNos('2026-11-28')).toContain(40);
    // a late-entered report dated earlier does not override the newer one
    expect((await report(40, dept['省林草局'], { status: 'not_started', note: '补录', asOf: '2026-01-05' })).statusCode).toBe(201);
    const task = (await get('/v1/ledger/tasks/40?asOf=2026-11-28')).json();
    expect(task.status).toBe('in_progress');
    expect(task.progress.map((p: { status: string; asOf: string }) => `${p.asOf}:${p.status}`)).toEqual([
      '2026-11-20:in_progress',
      '2026-11-01:done',
      '2026-01-05:not_started',
    ]);
    expect((await report(40, dept['省林草局'], { status: 'done', note: '整改完成', asOf: '2026-11-25' })).statusCode).toBe(201);
    expect(await overdueNos('2026-11-28')).not.toContain(40);
    await expect(sql`UPDATE ledger_progress SET status = 'done' WHERE task_no = 4`.execute(t.ctx.db)).rejects.toThrow(/append-only/);
    await expect(sql`DELETE FROM ledger_progress WHERE task_no = 4`.execute(t.ctx.db)).rejects.toThrow(/append-only/);
  });
});

describe('ledger: evidence files', () => {
  it('accepts PDF, images and office documents by content, stores them, and lets reports cite them', async () => {
    const pdf = await upload('验收报告.pdf', PDF, dept['省林草局']);
    expect(pdf.statusCode, pdf.body).toBe(201);
    expect(pdf.json()).toMatchObject({ mime: 'application/pdf', sizeBytes: PDF.length, originalName: '验收报告.pdf', department: '省林草局' });
    const docx = await upload('方案.docx', await zip({ '[Content_Types].xml': '<Types/>', 'word/document.xml': '<w:document/>' }), dept['省林草局']);
    expect(docx.statusCode, docx.body).toBe(201);
    expect(docx.json().mime).toBe('application/vnd.openxmlformats-officedocument.wordprocessingml.document');
    const png = await upload('photo.png', PNG, admin);
    expect(png.json().mime).toBe('image/png');

    const fileId = pdf.json().fileId;
    const res = await report(47, dept['省林草局'], {
      status: 'in_progress',
      note: '特许经营试点',
      asOf: '2026-11-20',
      evidence: [
        { title: '验收报告', fileId },
        { title: '新闻', url: 'https://example.org/news' },
      ],
    });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().progress.evidence[0]).toMatchObject({ title: '验收报告', fileId, mime: 'application/pdf', sha256: pdf.json().sha256 });
    // another department cannot cite it
    const foreign = await report(12, dept['省农业农村厅'], { status: 'in_progress', note: '', evidence: [{ title: 'x', fileId }] });
    expect(foreign.statusCode).toBe(403);
    const unknown = await report(47, dept['省林草局'], {
      status: 'in_progress',
      note: '',
      evidence: [{ title: 'x', fileId: '00000000-0000-4000-8000-000000000000' }],
    });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().error.details.errors[0]).toMatchObject({ field: 'evidence.0.fileId', code: 'FILE_UNKNOWN' });

    // download: any token, never anonymous
    const dl = await get(`/v1/files/${fileId}`, evaluator);
    expect(dl.statusCode).toBe(200);
    expect(dl.headers['content-type']).toBe('application/pdf');
    expect(dl.rawPayload.equals(PDF)).toBe(true);
    expect(String(dl.headers['content-disposition'])).toContain(`filename*=UTF-8''${encodeURIComponent('验收报告.pdf')}`);
    expect((await get(`/v1/files/${fileId}`)).statusCode).toBe(401);
    expect((await get('/v1/files/00000000-0000-4000-8000-000000000000', evaluator)).statusCode).toBe(404);
    const rows = await t.ctx.db.selectFrom('files').selectAll().execute();
    expect(rows).toHaveLength(3);
    expect(await t.ctx.db.selectFrom('ledger_progress_files').selectAll().execute()).toHaveLength(1);
  });

  it('refuses other types (415), mismatched names (415), empty and oversized files, and non-department roles', async () => {
    const text = await upload('note.txt', Buffer.from('just text'), dept['省林草局']);
    expect(text.statusCode).toBe(415);
    expect(text.json().error.details.errors[0].code).toBe('FILE_TYPE_NOT_ACCEPTED');
    const exe = await upload('report.pdf', Buffer.from('MZ\x90\x00 not a pdf'), dept['省林草局']);
    expect(exe.statusCode).toBe(415);
    const mismatch = await upload('report.pdf', PNG, dept['省林草局']);
    expect(mismatch.statusCode).toBe(415);
    expect(mismatch.json().error.details.errors[0].code).toBe('FILE_TYPE_MISMATCH');
    const plainZip = await upload('data.zip', await zip({ 'a.txt': 'x' }), dept['省林草局']);
    expect(plainZip.statusCode).toBe(415);
    expect((await upload('empty.pdf', Buffer.alloc(0), dept['省林草局'])).statusCode).toBe(400);
    const big = Buffer.concat([PDF, Buffer.alloc(20 * 1024 * 1024 + 10, 0x20)]);
    const tooBig = await upload('big.pdf', big, dept['省林草局']);
    expect(tooBig.statusCode).toBe(413);
    expect((await upload('x.pdf', PDF, evaluator)).statusCode).toBe(403);
    const notMultipart = await app.inject({
      method: 'POST',
      url: '/v1/files',
      headers: { ...dept['省林草局'], 'content-type': 'application/json' },
      payload: '{}',
    });
    expect(notMultipart.statusCode).toBe(415);
    // nothing of the refused uploads was recorded
    expect(await t.ctx.db.selectFrom('files').select('id').execute()).toHaveLength(3);
  });
});

describe('ledger: departments', () => {
  it('lists each department with its tasks and how many are done, in progress, overdue and due in the next 180 days', async () => {
    const res = await get('/v1/ledger/departments?asOf=2026-11-28');
    expect(res.statusCode).toBe(200);
    const body = res.json();
    const byName = Object.fromEntries(body.departments.map((d: { name: string }) => [d.name, d]));
    // 省林草局 is responsible for 3, 9, 12, 40, 47 among the ended tasks; 40 is done (2026-11-25), 47 in progress
    expect(byName['省林草局'].responsibleCounts).toMatchObject({ overdue: 4, done: 1, inProgress: 1, dueNext180Days: 0 });
    expect(byName['省林草局'].tasks.filter((x: { overdue: boolean }) => x.overdue).map((x: { no: number }) => x.no)).toEqual([3, 9, 12, 47]);
    expect(byName['省生态环境厅'].responsibleCounts).toMatchObject({ overdue: 2, inProgress: 1 });
    expect(byName['各市州人民政府'].counts).toMatchObject({ tasks: 55, overdue: 6 });
    expect(byName['各市州人民政府'].responsibleCounts.tasks).toBe(4); // tasks 7, 8, 48, 54
    // as of 2025-10-01, the 2025 deadlines are due within 180 days and only task 3 (window to 2023) and 4 are overdue
    const early = (await get('/v1/ledger/departments?asOf=2025-10-01')).json();
    const lcj = early.departments.find((d: { name: string }) => d.name === '省林草局');
    expect(lcj.responsibleCounts).toMatchObject({ overdue: 1, dueNext180Days: 4, done: 0 });
    expect(lcj.tasks.filter((x: { dueNext180Days: boolean }) => x.dueNext180Days).map((x: { no: number }) => x.no)).toEqual([9, 12, 40, 47]);
  });
});
