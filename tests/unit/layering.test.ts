import { describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

// The layering rule of packages/README.md (issue 16): route → service → repository. Services
// decide; repositories (`*.repository.ts`) own every SQL statement of their tables. This test holds
// the service side: no `*.service.ts` under packages/*/src — nor an alert evaluator, `evaluate-*.ts`,
// which decides like a service — holds SQL (a `sql` template, or a kysely selectFrom / insertInto /
// updateTable / deleteFrom). The route side is held by biome.json (tests/unit/lint-rules.test.ts).

const ROOT = join(import.meta.dirname, '..', '..');
const PACKAGES = join(ROOT, 'packages');

/**
 * Service files that still hold SQL, each with why. This list must only shrink: an entry whose
 * file no longer holds SQL fails the test until it is removed.
 */
const ALLOW_LIST: Record<string, string> = {
  // latestValues (the public indicator read path) is being profiled with values-cache.ts; its query
  // moves to indicator-run.repository.ts once that work lands.
  'packages/indicators/src/indicator-run.service.ts': 'latestValues: public read path under profiling',
};

/** The SQL the rule forbids in a service: `sql` templates and kysely query starters. */
const SQL_PATTERN = /\bsql\s*(?:<[^`]*?>)?\s*`|\.\s*(?:selectFrom|insertInto|updateTable|deleteFrom)\s*\(/;

/** The lines of `text` that hold SQL (1-based), comments included: a comment quoting SQL is better moved too. */
function sqlLines(text: string): number[] {
  const out: number[] = [];
  text.split('\n').forEach((line, i) => {
    if (SQL_PATTERN.test(line)) out.push(i + 1);
  });
  return out;
}

/** Files that decide and hold no SQL: services, and the alert evaluators. */
const SERVICE_FILE = /(?:\.service|(?:^|\/)evaluate-[\w-]+)\.ts$/;

/** Every service file under packages/<name>/src, as paths relative to the repository. */
function serviceFiles(): string[] {
  const files: string[] = [];
  for (const pkg of readdirSync(PACKAGES, { withFileTypes: true })) {
    if (!pkg.isDirectory()) continue;
    const src = join(PACKAGES, pkg.name, 'src');
    if (!existsSync(src)) continue;
    for (const f of readdirSync(src, { recursive: true, encoding: 'utf8' })) {
      if (SERVICE_FILE.test(f.split('\\').join('/'))) files.push(relative(ROOT, join(src, f)).split('\\').join('/'));
    }
  }
  return files.sort();
}

describe('layering: services hold no SQL, repositories do', () => {
  it('the detector flags SQL in a service and passes a service without it', () => {
    expect(sqlLines('const r = await sql`SELECT 1`.execute(db);')).toEqual([1]);
    expect(sqlLines('const r = await sql<{ n: number }>`SELECT count(*) AS n FROM alerts`.execute(db);')).toEqual([1]);
    expect(sqlLines("return db.selectFrom('alerts').selectAll().execute();")).toEqual([1]);
    expect(sqlLines("await tx\n  .insertInto('imports')\n  .values(v).execute();")).toEqual([2]);
    expect(sqlLines("await tx.updateTable('alerts').set({ status }).execute();")).toEqual([1]);
    expect(sqlLines("await db.deleteFrom('indicator_staleness').execute();")).toEqual([1]);
    expect(
      sqlLines(
        [
          "import { withTx } from '@biomon/db';",
          "import { selectAlert, markAlertResolved } from './alert.repository';",
          'const cur = await lockAlertStatus(tx, id);',
          'const label = `sql: ` + kind; // a template that is not a sql tag',
          'const mysql = 1;',
        ].join('\n'),
      ),
    ).toEqual([]);
  });

  it('finds the service files', () => {
    const files = serviceFiles();
    expect(files).toContain('packages/alerts/src/alert.service.ts');
    expect(files).toContain('packages/alerts/src/evaluate-invasive.ts');
    expect(files).not.toContain('packages/alerts/src/evaluation.repository.ts');
    expect(files.length).toBeGreaterThan(10);
  });

  it('no *.service.ts or evaluate-*.ts under packages/*/src holds SQL (outside the allow-list)', () => {
    const offenders: string[] = [];
    for (const f of serviceFiles()) {
      if (f in ALLOW_LIST) continue;
      const lines = sqlLines(readFileSync(join(ROOT, f), 'utf8'));
      for (const l of lines) offenders.push(`${f}:${l}`);
    }
    // move each statement into the package's *.repository.ts (a named function taking the db handle or transaction first)
    expect(offenders).toEqual([]);
  });

  it('the allow-list only shrinks: each entry exists and still holds SQL', () => {
    for (const f of Object.keys(ALLOW_LIST)) {
      const path = join(ROOT, f);
      expect(existsSync(path), `${f} is gone: remove it from ALLOW_LIST`).toBe(true);
      expect(sqlLines(readFileSync(path, 'utf8')).length, `${f} holds no SQL any more: remove it from ALLOW_LIST`).toBeGreaterThan(0);
    }
  });
});
