import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { PNG } from 'pngjs';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { runSeeds } from '@biomon/seed';
import { createIndicatorRun, executeIndicatorRun } from '@biomon/indicators';
import { startWorker, type RunningWorker } from '@biomon/worker';
import { createTestContext, type TestContext } from '../support/test-db';
import { authAs, buildTestServer } from '../support/http';
import { REPO_ROOT } from '../support/cli';

// The evaluator dashboard (apps/web) end to end: the built app served by the real server at /,
// driven in Debian's Chromium through playwright-core (never a downloaded browser), with the
// worker running so that uploads progress. It expects apps/web/dist (infra/test.sh builds it).
// Screenshots of each view (git-ignored): test-artifacts/dashboard-*.png.

const CHROMIUM = '/usr/bin/chromium';
const DIST_INDEX = path.join(REPO_ROOT, 'apps/web/dist/index.html');
const ARTIFACTS = path.join(REPO_ROOT, 'test-artifacts');
const PROVINCE = '220000';
const DESKTOP = { width: 1366, height: 768 };
const PHONE = { width: 390, height: 844 };
// apps/web/src/views/map.ts: the regions' fill and the map background
const REGION_FILL = [0xf4, 0xee, 0xdf];
const MAP_BG = [0xdc, 0xe5, 0xec];

let t: TestContext;
let app: FastifyInstance;
let worker: RunningWorker;
let base: string;
let browser: Browser;
const tokens: Record<string, string> = {};
/** console errors and page errors of every page opened, by page label */
const problems: string[] = [];

// per-test budget: Chromium with software WebGL, on a 2-core machine shared with other test files
const SLOW = 150_000;

const bearer = (h: { authorization: string }) => h.authorization.replace(/^Bearer /, '');

beforeAll(async () => {
  // A missing tool or build fails the test, never skips it (BRIEF §3).
  expect(existsSync(CHROMIUM), `${CHROMIUM} is missing: apt-get install chromium`).toBe(true);
  expect(existsSync(DIST_INDEX), 'apps/web/dist is missing: run npm run build:web').toBe(true);
  t = await createTestContext({ fileStoreDir: mkdtempSync(path.join(tmpdir(), 'biomon-web-files-')) });
  await runSeeds(t.ctx.db, 'demo', path.join(REPO_ROOT, 'seeds'));
  // a second year, so that the trend charts have two points (2020 land cover, same method)
  const { runId } = await createIndicatorRun(t.ctx.db, { year: 2020 }, { tokenId: null, role: 'system', label: 'e2e' }, 'test');
  await executeIndicatorRun(t.ctx.db, runId);
  app = await buildTestServer(t);
  await app.listen({ port: 0, host: '127.0.0.1' });
  base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  worker = startWorker(t.ctx, pino({ level: 'silent' }), { relayIntervalMs: 50 });

  const dept = await t.ctx.db.selectFrom('departments').select('id').where('name', '=', '省林草局').executeTakeFirstOrThrow();
  tokens.department = bearer(await authAs(t, 'department', { departmentId: dept.id }));
  tokens.evaluator = bearer(await authAs(t, 'evaluator'));
  tokens.surveyor = bearer(await authAs(t, 'surveyor', { team: 'e2e-dashboard' }));

  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    // SwiftShader gives headless Chromium a software WebGL for MapLibre
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
      '--use-angle=swiftshader',
      '--enable-unsafe-swiftshader',
      '--lang=zh-CN',
    ],
  });
  await mkdir(ARTIFACTS, { recursive: true });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await worker?.stop();
  await app?.close();
  await t?.close();
});

/** A fresh browser context (own storage), optionally signed in, recording console errors. */
async function open(
  label: string,
  hash: string,
  opts: { token?: string; viewport?: { width: number; height: number } } = {},
): Promise<{ page: Page; ctx: BrowserContext }> {
  const ctx = await browser.newContext({ viewport: opts.viewport ?? DESKTOP, locale: 'zh-CN', timezoneId: 'Asia/Shanghai', acceptDownloads: true });
  if (opts.token) await ctx.addInitScript((tok) => sessionStorage.setItem('biomon.token', tok), opts.token);
  const page = await ctx.newPage();
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`${label}: console.error ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`${label}: ${e.message}`));
  const res = await page.goto(`${base}/${hash}`, { waitUntil: 'load' });
  expect(res?.status()).toBe(200);
  return { page, ctx };
}

const shot = (page: Page, name: string, fullPage = true) => page.screenshot({ path: path.join(ARTIFACTS, `dashboard-${name}.png`), fullPage });
const pctText = (v: number | null) => (v === null ? '—' : `${v.toFixed(2)}%`);
const noProblems = (label: string) => expect(problems.filter((p) => p.startsWith(`${label}:`))).toEqual([]);

interface ValueRow {
  regionCode: string;
  year: number;
  value: number | null;
  meetsTarget: boolean | null;
  target: number | null;
}

describe('evaluator dashboard in headless Chromium', () => {
  it(
    "serves the built app at / with the API's CSP, and its hashed assets",
    async () => {
      const res = await fetch(`${base}/`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
      const html = await res.text();
      const js = /src="(\/assets\/index-[^"]+\.js)"/.exec(html)?.[1];
      expect(js).toBeTruthy();
      const asset = await fetch(`${base}${js}`, { headers: { 'accept-encoding': 'br' } });
      expect(asset.status).toBe(200);
      expect(asset.headers.get('cache-control')).toContain('immutable');
      expect(asset.headers.get('content-encoding')).toBe('br');
      expect((await fetch(`${base}/assets/missing.js`)).status).toBe(404);
    },
    SLOW,
  );

  it(
    "overview: the target cards show the API's values, met or not, the 2025 target and the trend charts",
    async () => {
      const { page, ctx } = await open('overview', '');
      await page.waitForSelector('.target-card');
      await page.waitForSelector('.chart-trend svg');
      expect(await page.getAttribute('html', 'lang')).toBe('zh-CN');

      const defs = (await app.inject({ method: 'GET', url: '/v1/indicators' })).json().indicators as {
        code: string;
        nameZh: string;
        companionOf?: string;
        target2025: { value: number | null; text: string };
      }[];
      const main = defs.filter((d) => !d.companionOf);
      expect(await page.locator('.target-card').count()).toBe(main.length);
      for (const d of main) {
        const values = (await app.inject({ method: 'GET', url: `/v1/indicators/${d.code}/values?region=${PROVINCE}` })).json().values as ValueRow[];
        const latest = values.sort((a, b) => b.year - a.year)[0];
        const card = page.locator(`.target-card[data-indicator="${d.code}"]`);
        expect(await card.locator('h3').textContent()).toBe(d.nameZh);
        expect(await card.locator('[data-role="value"]').textContent()).toBe(pctText(latest.value));
        expect(await card.locator('[data-role="target"]').textContent()).toBe(
          d.target2025.value === null ? d.target2025.text : `${d.target2025.value.toFixed(1)}%`,
        );
        const status = await card.locator('[data-role="status"]').textContent();
        expect(status).toBe(latest.meetsTarget === null ? '无数值目标' : latest.meetsTarget ? '已达标' : '未达标');
        if (latest.value !== null && d.target2025.value !== null) {
          const gap = latest.value - d.target2025.value;
          expect(await card.locator('[data-role="gap"]').textContent()).toBe(`${gap > 0 ? '+' : gap < 0 ? '−' : ''}${Math.abs(gap).toFixed(2)} 个百分点`);
        }
        expect(await card.locator('[data-role="computed"]').textContent()).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      }
      // the trend charts draw both years (2020 and 2024) with the values as labels
      const fc = await page.locator('.chart-trend[data-indicator="forest_coverage"] svg text').allTextContents();
      expect(fc).toEqual(expect.arrayContaining(['2020', '2024']));
      const fcValues = ((await app.inject({ method: 'GET', url: `/v1/indicators/forest_coverage/values?region=${PROVINCE}` })).json().values as ValueRow[]).map(
        (v) => pctText(v.value),
      );
      expect(fc).toEqual(expect.arrayContaining(fcValues));
      // prefecture table and the two priority areas (from the assessment report, which fills in last)
      await page.waitForSelector('.region-table tbody tr');
      expect(await page.locator('.region-table tbody tr').count()).toBe(9);
      expect(await page.locator('.pa-card').count()).toBe(2);
      await shot(page, 'overview');
      await page.setViewportSize(PHONE);
      await page.waitForTimeout(300);
      await shot(page, 'overview-phone');
      noProblems('overview');
      await ctx.close();
    },
    SLOW,
  );

  it(
    'switches to English and back; the choice persists across reloads',
    async () => {
      const { page, ctx } = await open('language', '');
      await page.waitForSelector('.target-card');
      await page.click('[data-role="lang"]');
      await page.waitForFunction(() => document.documentElement.lang === 'en');
      await page.waitForSelector('.target-card');
      expect(await page.locator('[data-nav="overview"]').textContent()).toBe('Overview');
      expect(await page.locator('.target-card[data-indicator="forest_coverage"] h3').textContent()).toBe('Forest coverage');
      expect(await page.locator('.page-title').first().textContent()).toBe('Progress towards the 2025 targets');
      await page.reload({ waitUntil: 'load' });
      await page.waitForSelector('.target-card');
      expect(await page.getAttribute('html', 'lang')).toBe('en');
      expect(await page.locator('.target-card[data-indicator="forest_coverage"] [data-role="status"]').textContent()).toMatch(/^(Met|Not met)$/);
      await page.waitForSelector('.chart-trend svg');
      await shot(page, 'overview-en');
      await page.click('[data-role="lang"]');
      await page.waitForFunction(() => document.documentElement.lang === 'zh-CN');
      expect(await page.locator('[data-nav="overview"]').textContent()).toBe('总览');
      noProblems('language');
      await ctx.close();
    },
    SLOW,
  );

  it(
    'ledger: filters to the overdue tasks of 省林草局 with the keyboard, and opens one',
    async () => {
      const { page, ctx } = await open('ledger', '#/ledger');
      await page.waitForSelector('.ledger-table tbody tr');
      expect(await page.locator('.ledger-table tbody tr').count()).toBe(55);
      await page.selectOption('select[name="department"]', '省林草局');
      await page.waitForFunction(() => location.hash.includes('department='));
      await page.waitForSelector('select[name="department"]');
      await page.focus('#f-overdue');
      await page.keyboard.press('Space');
      await page.waitForFunction(() => location.hash.includes('overdue=true'));
      await page.waitForSelector('.ledger-table');

      const expected = (await app.inject({ method: 'GET', url: `/v1/ledger/tasks?department=${encodeURIComponent('省林草局')}&overdue=true` })).json()
        .tasks as { no: number }[];
      expect(expected.length).toBeGreaterThan(0);
      await page.waitForFunction((n) => document.querySelectorAll('.ledger-table tbody tr').length === n, expected.length);
      const shown = await page.locator('.ledger-table tbody tr').evaluateAll((rows) => rows.map((r) => Number((r as HTMLElement).dataset.task)));
      expect(shown).toEqual(expected.map((x) => x.no));
      expect(await page.locator('.ledger-table tbody tr [data-role="overdue"]').count()).toBe(expected.length);
      expect(await page.locator('[data-role="count"]').textContent()).toContain(`共 ${expected.length} 项任务`);
      await shot(page, 'ledger');
      await page.setViewportSize(PHONE);
      await page.waitForTimeout(300);
      await shot(page, 'ledger-phone', false);
      await page.setViewportSize(DESKTOP);

      // open the first one from the keyboard
      await page.focus(`.ledger-table tbody tr[data-task="${expected[0].no}"] td a`);
      await page.keyboard.press('Enter');
      await page.waitForFunction((no) => location.hash === `#/ledger/${no}`, expected[0].no);
      await page.waitForSelector('.task-text');
      expect(await page.locator('h1.page-title').textContent()).toContain(`任务 ${expected[0].no}`);
      expect(await page.locator('h1.page-title [data-role="overdue"]').count()).toBe(1);
      await shot(page, 'task');
      noProblems('ledger');
      await ctx.close();
    },
    SLOW,
  );

  it(
    'a department signs in by pasting its token and reports progress on its task',
    async () => {
      const { page, ctx } = await open('progress', '#/ledger/12');
      await page.waitForSelector('.task-text');
      // not signed in: the form is replaced by a hint
      expect(await page.locator('[data-role="progress-form"]').count()).toBe(0);
      await page.click('[data-role="sign-in"]');
      await page.fill('[data-role="token"]', tokens.department);
      await page.keyboard.press('Enter');
      await page.waitForSelector('[data-role="user-role"]');
      expect(await page.locator('[data-role="user-role"]').textContent()).toBe('责任部门 · 省林草局');
      await page.waitForSelector('[data-role="progress-form"]');

      const note = `e2e：已完成草原禁牧休牧制度评估 ${Date.now()}`;
      await page.selectOption('select[name="status"]', 'done');
      await page.fill('textarea[name="note"]', note);
      await page.fill('input[name="evidenceTitle"]', '省林草局关于禁牧休牧的通知');
      await page.fill('input[name="evidenceUrl"]', 'https://lyj.jl.gov.cn/example');
      await page.click('[data-role="progress-form"] button[type="submit"]');
      await page.waitForSelector('[data-role="progress"] .timeline-item');
      expect(await page.locator('[data-role="progress"] .timeline-item').first().textContent()).toContain(note);

      const task = (await app.inject({ method: 'GET', url: '/v1/ledger/tasks/12' })).json();
      expect(task.status).toBe('done');
      expect(task.overdue).toBe(false);
      expect(task.progress[0]).toMatchObject({
        status: 'done',
        note,
        department: '省林草局',
        evidence: [{ title: '省林草局关于禁牧休牧的通知', url: 'https://lyj.jl.gov.cn/example' }],
      });
      expect(await page.locator('h1.page-title [data-role="overdue"]').count()).toBe(0);
      await shot(page, 'progress');

      // a task the department is not linked to offers no form (the API would answer 403)
      const other = (
        (await app.inject({ method: 'GET', url: '/v1/ledger/tasks' })).json().tasks as {
          no: number;
          departments: string[];
          implementingDepartments: string[];
        }[]
      ).find((x) => ![...x.departments, ...x.implementingDepartments].includes('省林草局'));
      if (other) {
        await page.goto(`${base}/#/ledger/${other.no}`);
        await page.waitForSelector('.task-text');
        expect(await page.locator('[data-role="progress-form"]').count()).toBe(0);
      }
      noProblems('progress');
      await ctx.close();
    },
    SLOW,
  );

  it(
    'a surveyor uploads a CSV and watches the progress reach done, then the counts and the error report',
    async () => {
      // the last column maps to no term: kept as data (dynamicProperties) and shown as such in the column mapping
      const header =
        'occurrenceID,basisOfRecord,scientificName,vernacularName,eventDate,decimalLongitude,decimalLatitude,geodeticDatum,individualCount,occurrenceStatus,recordedBy,天气';
      const rows: string[] = [];
      const n = 2500;
      for (let i = 0; i < n; i++) {
        rows.push(
          `E2E-WEB-${i},HumanObservation,Capreolus pygargus,狍,2025-0${1 + (i % 9)}-1${i % 10},${(126 + (i % 200) / 100).toFixed(4)},${(42.5 + (i % 150) / 100).toFixed(4)},WGS84,${1 + (i % 3)},present,长白山调查队,晴`,
        );
      }
      rows.push('E2E-WEB-BAD-1,HumanObservation,,狍,2025-06-01,128.1,42.1,WGS84,1,present,长白山调查队,阴'); // no name
      rows.push('E2E-WEB-BAD-2,HumanObservation,Capreolus pygargus,狍,2025-06-01,128.1,142.1,WGS84,1,present,长白山调查队,阴'); // latitude out of range
      const csv = `${header}\n${rows.join('\n')}\n`;

      const { page, ctx } = await open('imports', '#/imports', { token: tokens.surveyor });
      await page.waitForSelector('[data-role="upload-form"]');
      // record every state the progress text shows
      await page.evaluate(() => {
        const w = window as unknown as { progressLog: string[] };
        w.progressLog = [];
        const el = document.querySelector('[data-role="progress-text"]')!;
        new MutationObserver(() => w.progressLog.push(el.textContent ?? '')).observe(el, { childList: true, characterData: true, subtree: true });
      });
      await page.setInputFiles('input[type="file"][name="file"]', { name: 'e2e-survey.csv', mimeType: 'text/csv', buffer: Buffer.from(csv, 'utf8') });
      await page.click('[data-role="upload-form"] button[type="submit"]');
      await page.waitForSelector('[data-role="progress"][data-state="done"]', { timeout: 90_000 });
      const log = await page.evaluate(() => (window as unknown as { progressLog: string[] }).progressLog);
      expect(log[0]).toMatch(/^正在上传 \d+%$/);
      expect(log.at(-1)).toBe('导入完成');
      expect(log.some((s) => /^已上传|^正在处理/.test(s))).toBe(true);
      expect(await page.locator('#import-progress').evaluate((el) => (el as HTMLProgressElement).value)).toBe(100);

      const counts = await page.locator('[data-role="counts"] tbody tr').first().locator('td').allTextContents();
      expect(counts.map((c) => Number(c.replace(/,/g, '')))).toEqual([n, 0, 0, 2]);
      const importId = await page.locator('.import-result').getAttribute('data-import');
      const api = (await app.inject({ method: 'GET', url: `/v1/imports/${importId}`, headers: { authorization: `Bearer ${tokens.surveyor}` } })).json();
      expect(api).toMatchObject({ status: 'completed', counts: { inserted: n, rejected: 2 }, errorRows: 2 });
      // the column mapping: every source column with its term, 天气 kept as data
      expect(await page.locator('[data-role="column-mapping"] tbody tr').count()).toBe(12);
      expect(await page.locator('[data-role="column-mapping"] tr[data-term="decimalLatitude"]').count()).toBe(1);
      expect((await page.locator('[data-role="column-mapping"] tr[data-term=""]').allTextContents()).join(' ')).toMatch(/天气.*保留为附加数据/);

      // the error report downloads with the token
      const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-role="error-report"]')]);
      const report = readFileSync((await download.path())!, 'utf8');
      expect(report.split(/\r?\n/).filter((l) => l.includes('E2E-WEB-BAD-')).length).toBeGreaterThanOrEqual(2);
      await shot(page, 'imports');
      noProblems('imports');
      await ctx.close();
    },
    SLOW,
  );

  it(
    'map: the canvas draws the regions (pixels), clicks give details, occurrences are generalised for the public',
    async () => {
      const { page, ctx } = await open('map', '#/map');
      await page.waitForFunction(() => (document.querySelector('#map') as HTMLElement | null)?.dataset.ready === 'true', null, { timeout: 60_000 });
      await page.waitForSelector('.cluster-label', { timeout: 30_000 });
      await page.waitForTimeout(800);
      expect(await page.locator('.map-panel .notice').first().textContent()).toContain('模糊化');
      // every public record (the CSV upload above added some), paged as the map pages them
      let count = 0;
      for (let cursor: string | null = null, first = true; first || cursor; first = false) {
        const page1 = (await app.inject({ method: 'GET', url: `/v1/occurrences?limit=1000${cursor ? `&cursor=${cursor}` : ''}` })).json() as {
          records: unknown[];
          nextCursor: string | null;
        };
        count += page1.records.length;
        cursor = page1.nextCursor;
      }
      expect(await page.locator('[data-role="occ-count"]').textContent()).toBe(`已显示 ${count.toLocaleString('zh-CN')} 条记录`);
      await shot(page, 'map', false);
      // the demo run computes ProtConn (10 km): its links and top connectors are offered, and on
      const conn = (await app.inject({ method: 'GET', url: '/v1/indicators/pa_connectivity/values?region=220000' })).json().values as ValueRow[];
      expect(conn.some((v) => v.value !== null)).toBe(true);
      expect(await page.isEnabled('#lyr-conn')).toBe(true);
      expect(await page.isChecked('#lyr-conn')).toBe(true);

      // only the regions: switch the other layers off with the keyboard, then count pixels
      for (const id of ['landcover', 'pa', 'occ', 'priority']) {
        await page.focus(`#lyr-${id}`);
        await page.keyboard.press('Space');
      }
      await page.waitForTimeout(800);
      const png = PNG.sync.read(await page.locator('#map canvas').screenshot());
      let region = 0;
      let bg = 0;
      const near = (d: Buffer, i: number, c: number[]) => Math.abs(d[i] - c[0]) <= 6 && Math.abs(d[i + 1] - c[1]) <= 6 && Math.abs(d[i + 2] - c[2]) <= 6;
      for (let i = 0; i < png.data.length; i += 4) {
        if (near(png.data, i, REGION_FILL)) region++;
        else if (near(png.data, i, MAP_BG)) bg++;
      }
      const total = png.width * png.height;
      await writeFile(path.join(ARTIFACTS, 'dashboard-map-regions.png'), PNG.sync.write(png));
      expect(region / total, `region pixels ${region} of ${total}`).toBeGreaterThan(0.2);
      expect(bg / total, `background pixels ${bg} of ${total}`).toBeGreaterThan(0.05);

      // click the middle of the province: the details name a region
      const box = (await page.locator('#map canvas').boundingBox())!;
      await page.mouse.click(box.x + box.width * 0.5, box.y + box.height * 0.55);
      await page.waitForSelector('[data-role="details"] .feature-card h3');
      const names = (await app.inject({ method: 'GET', url: '/v1/layers?kind=regions' })).json().datasets as { datasetId: number }[];
      const regions = (await app.inject({ method: 'GET', url: `/v1/layers/${names[0].datasetId}/features` }))
        .json()
        .features.map((f: { properties: { name: string } }) => f.properties.name);
      expect(regions).toContain(await page.locator('[data-role="details"] .feature-card h3').first().textContent());
      noProblems('map');
      await ctx.close();
    },
    SLOW,
  );

  it(
    'map for an evaluator: stations coloured by health',
    async () => {
      const { page, ctx } = await open('map-evaluator', '#/map', { token: tokens.evaluator });
      await page.waitForFunction(() => (document.querySelector('#map') as HTMLElement | null)?.dataset.ready === 'true', null, { timeout: 60_000 });
      await page.waitForTimeout(1000);
      expect(await page.locator('#lyr-stations').isChecked()).toBe(true);
      expect(await page.locator('.map-panel .notice').first().textContent()).toBe('当前身份可查看精确坐标。');
      // occurrences come as vector tiles of the evaluator's own view: the token goes with each tile, and the filters too
      const tile = page.waitForRequest((r) => r.url().includes('/tiles/occurrences/') && r.url().includes('protectionClass=I'), { timeout: 30_000 });
      await page.selectOption('.map-filters select[name="protectionClass"]', 'I');
      await page.click('.map-filters button[type="submit"]');
      expect((await tile).headers().authorization).toBe(`Bearer ${tokens.evaluator}`);
      await shot(page, 'map-evaluator', false);
      noProblems('map-evaluator');
      await ctx.close();
    },
    SLOW,
  );

  it(
    'stations: the health list and a chart per datastream',
    async () => {
      const { page, ctx } = await open('stations', '#/stations', { token: tokens.evaluator });
      await page.waitForSelector('.stations-table tbody tr');
      const stations = (await app.inject({ method: 'GET', url: '/v1/stations?limit=1000', headers: { authorization: `Bearer ${tokens.evaluator}` } })).json()
        .stations as { stationId: string; datastreams: unknown[] }[];
      expect(await page.locator('.stations-table tbody tr').count()).toBe(stations.length);
      await shot(page, 'stations');
      const first = stations.find((s) => s.datastreams.length > 1) ?? stations[0];
      await page.click(`.stations-table tr[data-station="${first.stationId}"] a`);
      await page.waitForSelector('.ds-card');
      expect(await page.locator('.ds-card').count()).toBe(first.datastreams.length);
      await page.waitForFunction(
        () => document.querySelectorAll('.chart-series svg, .chart-series .chart-empty').length === document.querySelectorAll('.chart-series').length,
      );
      expect(await page.locator('.chart-series svg').count()).toBeGreaterThan(0);
      await shot(page, 'station');
      noProblems('stations');
      await ctx.close();
    },
    SLOW,
  );

  it(
    'germplasm: the ex-situ coverage card and the accessions of the registry (public)',
    async () => {
      const { page, ctx } = await open('germplasm', '#/germplasm');
      const api = (url: string) => app.inject({ method: 'GET', url }).then((r) => r.json());
      const { accessions, total } = await api('/v1/germplasm/accessions?limit=200');
      expect(total).toBeGreaterThan(0);
      await page.waitForSelector('table[data-role="accessions"] tbody tr');
      expect(await page.locator('table[data-role="accessions"] tbody tr').count()).toBe(accessions.length);
      const values = (await api('/v1/indicators/exsitu_protected_plants_rate/values?region=220000')).values as ValueRow[];
      const newest = values.reduce((a, b) => (b.year > a.year ? b : a));
      await page.waitForSelector('[data-indicator="exsitu_protected_plants_rate"] [data-role="value"]');
      expect((await page.textContent('[data-indicator="exsitu_protected_plants_rate"] [data-role="value"]'))?.trim()).toBe(pctText(newest.value));
      // the institutions map draws a circle (#2f7d4f) per institution with a location
      const green = async () => {
        const png = PNG.sync.read(await page.locator('[aria-label] canvas').first().screenshot());
        let n = 0;
        for (let i = 0; i < png.data.length; i += 4)
          if (Math.abs(png.data[i] - 47) <= 8 && Math.abs(png.data[i + 1] - 125) <= 8 && Math.abs(png.data[i + 2] - 79) <= 8) n++;
        return n;
      };
      await page.waitForSelector('.map canvas');
      let circles = 0;
      for (let k = 0; k < 20 && circles === 0; k++) {
        await page.waitForTimeout(250);
        circles = await green();
      }
      expect(circles).toBeGreaterThan(0);
      await shot(page, 'germplasm');
      noProblems('germplasm');
      await ctx.close();
    },
    SLOW,
  );

  it(
    'alerts: open alerts for an evaluator (or a clear notice when the server has no alerts API)',
    async () => {
      const { page, ctx } = await open('alerts', '#/alerts', { token: tokens.evaluator });
      await page.waitForSelector('.view-alerts .notice, .alerts-table, .view-alerts [data-role="alerts-status"]');
      const listed = await app.inject({ method: 'GET', url: '/v1/alerts?status=open,acknowledged', headers: { authorization: `Bearer ${tokens.evaluator}` } });
      if (listed.statusCode === 404) {
        expect(await page.locator('.view-alerts .notice').textContent()).toContain('/v1/alerts');
      } else {
        expect(listed.statusCode).toBe(200);
        const alerts = listed.json().alerts as { id: number; status: string }[];
        expect(await page.locator('.alerts-table tbody tr').count()).toBe(alerts.length);
        const open = alerts.find((a) => a.status === 'open');
        if (open) {
          await page.click(`tr[data-alert="${open.id}"] [data-action="ack"]`);
          await page.waitForSelector(`tr[data-alert="${open.id}"][data-status="acknowledged"]`);
        }
      }
      await shot(page, 'alerts');
      noProblems('alerts');
      await ctx.close();
    },
    SLOW,
  );
});
