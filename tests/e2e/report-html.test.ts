import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { chromium, type Browser, type Page } from 'playwright-core';
import { runSeeds } from '@biomon/seed';
import { createIndicatorRun, executeIndicatorRun } from '@biomon/indicators';
import type { AssessmentReport } from '@biomon/reports';
import { createTestContext, type TestContext } from '../support/test-db';
import { authAs, buildTestServer } from '../support/http';
import { REPO_ROOT } from '../support/cli';

// The HTML report in Debian's Chromium, driven by playwright-core (never a downloaded browser):
// the figures print the JSON report's values, a CJK font renders the Chinese, and it prints to A4.
// Artefacts (git-ignored): test-artifacts/report-assessment.png, .pdf, and the frozen report's.

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = path.join(REPO_ROOT, 'test-artifacts');
const QUERY = 'year=2024&region=220000&asOf=2026-11-28';

let t: TestContext;
let app: FastifyInstance;
let base: string;
let browser: Browser;
let json: AssessmentReport;

const pct = (v: number) => `${v.toFixed(2)}%`;
const sorted = (xs: string[]) => [...xs].sort();

beforeAll(async () => {
  // A missing tool fails the test, never skips it (BRIEF §3): `apt-get install chromium fonts-wqy-microhei`.
  expect(existsSync(CHROMIUM), `${CHROMIUM} is missing: apt-get install chromium`).toBe(true);
  t = await createTestContext();
  await runSeeds(t.ctx.db, 'demo', path.join(REPO_ROOT, 'seeds'));
  // a second year, so the values-by-year chart has something to draw: 2020 with the 2020 land cover
  // (the default for 2020) and, named explicitly, the demo's only protected-area, plot and ecosystem
  // versions (vintage 2024; protected areas still count only when established by 2020)
  const latest = async (kind: 'protected-areas' | 'grassland-plots' | 'ecosystems') =>
    (await t.ctx.db.selectFrom('layer_datasets').select('id').where('kind', '=', kind).orderBy('id', 'desc').executeTakeFirstOrThrow()).id;
  const datasets = { protectedAreas: await latest('protected-areas'), grasslandPlots: await latest('grassland-plots'), ecosystems: await latest('ecosystems') };
  const { runId } = await createIndicatorRun(t.ctx.db, { year: 2020, datasets }, { tokenId: null, role: 'system', label: 'e2e' }, 'test');
  await executeIndicatorRun(t.ctx.db, runId);
  app = await buildTestServer(t);
  await app.listen({ port: 0, host: '127.0.0.1' });
  base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  json = (await app.inject({ method: 'GET', url: `/v1/reports/assessment?${QUERY}` })).json();
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
  await mkdir(ARTIFACTS, { recursive: true });
});
afterAll(async () => {
  await browser?.close();
  await app?.close();
  await t?.close();
});

async function open(url: string): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 900, height: 1200 }, deviceScaleFactor: 1.5 });
  const res = await page.goto(url, { waitUntil: 'load' });
  expect(res?.status()).toBe(200);
  expect(res?.headers()['content-type']).toBe('text/html; charset=utf-8');
  return page;
}

const texts = (page: Page, selector: string) => page.$$eval(selector, (els) => els.map((e) => (e.textContent ?? '').trim()));

describe('HTML assessment report in headless Chromium', () => {
  it("prints the JSON report's values in its figures and tables", async () => {
    const page = await open(`${base}/v1/reports/assessment?${QUERY}&format=html`);
    const targets = json.overall.filter((v) => !v.companionOf);
    // Figure 1: each value label and each numeric target label is the JSON value to 2 decimals
    const fig1 = await texts(page, 'figure[data-figure="targets"] svg text');
    expect(sorted(fig1.filter((s) => /^\d+\.\d{2}%$/.test(s)))).toEqual(sorted(targets.filter((v) => v.value !== null).map((v) => pct(v.value!))));
    expect(sorted(fig1.filter((s) => s.startsWith('目标 ')))).toEqual(sorted(targets.filter((v) => v.target !== null).map((v) => `目标 ${pct(v.target!)}`)));
    // targets without a number show the seed's wording, never a number
    expect(fig1).toContain('目标：达到国家要求');
    for (const v of targets) expect(fig1).toContain(v.nameZh);
    // Figure 2: one label per year and indicator with a value
    const fig2 = await texts(page, 'figure[data-figure="series"] svg text');
    const points = json.series.flatMap((s) => s.points.filter((p) => p.value !== null).map((p) => pct(p.value!)));
    expect(json.series.filter((x) => x.points.filter((p) => p.value !== null).length === 2).length).toBeGreaterThanOrEqual(3);
    expect(sorted(fig2.filter((s) => /^\d+\.\d{2}%$/.test(s)))).toEqual(sorted(points));
    expect(json.series[0].points.map((p) => p.year)).toEqual([2020, 2024]);
    // Table of overall targets
    for (const v of json.overall) {
      const cell = await texts(page, `table.overall tr[data-indicator="${v.indicator}"] .value`);
      expect(cell).toEqual(v.value === null ? [] : [pct(v.value)]);
    }
    // per prefecture: every cell with a value
    for (const p of json.prefectures) {
      const cells = await texts(page, `tr[data-region="${p.code}"] .num[data-indicator]`);
      expect(cells).toEqual(p.values.filter((v) => v.value !== null).map((v) => pct(v.value!)));
    }
    // ledger: the overdue tasks as of 2026-11-28
    expect((await texts(page, 'tr[data-task] td:first-child')).map(Number)).toEqual([3, 4, 9, 12, 25, 40, 47]);
    await page.close();
  });

  it('renders its Chinese in a CJK font', async () => {
    const page = await open(`${base}/v1/reports/assessment?${QUERY}&format=html`);
    await page.evaluate(() => document.fonts.ready);
    expect(await page.evaluate(() => document.fonts.check('16px "WenQuanYi Micro Hei"', '森林覆盖率'))).toBe(true);
    // document.fonts.check() is also true for a family that does not exist (nothing to load), so ask
    // the renderer which platform font actually drew the glyphs
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('DOM.enable');
    await cdp.send('CSS.enable');
    const { root } = await cdp.send('DOM.getDocument');
    for (const selector of ['h1', 'figure[data-figure="targets"] svg text', 'table.overall td.ind']) {
      const { nodeId } = await cdp.send('DOM.querySelector', { nodeId: root.nodeId, selector });
      const { fonts } = await cdp.send('CSS.getPlatformFontsForNode', { nodeId });
      expect(
        fonts.map((f) => f.familyName),
        selector,
      ).toContain('WenQuanYi Micro Hei');
    }
    const h1 = await page.$eval('h1', (e) => e.textContent);
    expect(h1).toBe('吉林省生物多样性保护成效评估报告');
    await page.close();
  });

  it('keeps a screenshot and prints to A4 without overflowing the page', async () => {
    const page = await open(`${base}/v1/reports/assessment?${QUERY}&format=html`);
    await page.evaluate(() => document.fonts.ready);
    await page.screenshot({ path: path.join(ARTIFACTS, 'report-assessment.png'), fullPage: true });
    // print layout: A4 content box is 210 − 2 × 16 mm = 178 mm wide; nothing may be wider
    await page.emulateMedia({ media: 'print' });
    await page.setViewportSize({ width: Math.floor((178 / 25.4) * 96), height: 1100 });
    const overflow = await page.evaluate(() => {
      const limit = document.documentElement.clientWidth + 1;
      return Array.from(document.querySelectorAll('table, figure, svg, h1, h2, p'))
        .filter((e) => e.getBoundingClientRect().right > limit)
        .map((e) => `${e.tagName}.${e.className}`);
    });
    expect(overflow).toEqual([]);
    const pdf = await page.pdf({ printBackground: true, preferCSSPageSize: true });
    await writeFile(path.join(ARTIFACTS, 'report-assessment.pdf'), pdf);
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    const raw = pdf.toString('latin1');
    const sizes = [...raw.matchAll(/\/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]/g)].map((m) => [Math.round(Number(m[1])), Math.round(Number(m[2]))]);
    expect(sizes.length).toBeGreaterThanOrEqual(2);
    for (const s of sizes) expect(s).toEqual([595, 842]); // A4 in points
    await page.close();
  });

  it('renders a frozen report with its number and sign-off, identical on every request', async () => {
    const evaluator = await authAs(t, 'evaluator');
    const frozen = await app.inject({ method: 'POST', url: '/v1/reports', headers: evaluator, payload: { year: 2024, region: '220000', asOf: '2026-11-28' } });
    expect(frozen.statusCode).toBe(201);
    const id = frozen.json().reportId;
    await app.inject({
      method: 'POST',
      url: `/v1/reports/${id}/review`,
      headers: await authAs(t, 'evaluator'),
      payload: { decision: 'approved', comment: '数据核实无误，同意。' },
    });
    const html1 = (await app.inject({ method: 'GET', url: `/v1/reports/${id}?format=html`, headers: evaluator })).body;
    const html2 = (await app.inject({ method: 'GET', url: `/v1/reports/${id}?format=html`, headers: evaluator })).body;
    expect(html2).toBe(html1);
    const page = await browser.newPage({ viewport: { width: 900, height: 1200 }, deviceScaleFactor: 1.5 });
    await page.setContent(html1, { waitUntil: 'load' });
    expect(await page.textContent('body')).toContain(id);
    expect(await page.textContent('.signoff')).toContain('数据核实无误，同意。');
    await page.screenshot({ path: path.join(ARTIFACTS, 'report-frozen.png'), fullPage: true });
    await page.emulateMedia({ media: 'print' });
    await writeFile(path.join(ARTIFACTS, 'report-frozen.pdf'), await page.pdf({ printBackground: true, preferCSSPageSize: true }));
    await page.close();
  });
});
