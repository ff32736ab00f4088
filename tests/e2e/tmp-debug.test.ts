import { it } from 'vitest';
import path from 'node:path';
import { writeFileSync, mkdirSync } from 'node:fs';
import { runSeeds } from '@biomon/cli';
import { buildAssessmentReport, renderAssessmentHtml, renderAssessmentCsv } from '@biomon/reports';
import { createTestContext } from '../support/test-db';
import { REPO_ROOT } from '../support/cli';
it('debug', async () => {
  const t = await createTestContext();
  await runSeeds(t.ctx.db, 'demo', path.join(REPO_ROOT, 'seeds'));
  const t0 = Date.now();
  const r = await buildAssessmentReport(t.ctx.db, { asOf: '2026-11-28' });
  console.log('build ms', Date.now() - t0);
  mkdirSync(path.join(REPO_ROOT, 'test-artifacts'), { recursive: true });
  writeFileSync(path.join(REPO_ROOT, 'test-artifacts/debug.json'), JSON.stringify(r, null, 1));
  writeFileSync(path.join(REPO_ROOT, 'test-artifacts/debug.html'), renderAssessmentHtml(r));
  writeFileSync(path.join(REPO_ROOT, 'test-artifacts/debug.csv'), renderAssessmentCsv(r));
  await t.close();
}, 120000);
