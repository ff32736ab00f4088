import { describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

// The layering rule of packages/README.md (issue 16): route → service → repository. Services
// decide; repositories (`*.repository.ts`) own every SQL statement of their tables. SQL is a `sql`
// template or a kysely selectFrom / insertInto / updateTable / deleteFrom. This test holds:
// - every module under packages/*/src (but db/src/migrations, frozen, and db/src/generated) that
//   holds SQL is a repository (`*.repository.ts`), a fragment module (`*.sql.ts`: functions and
//   constants returning `sql` fragments, executing nothing), or one of the sensitive-data projection
//   modules (`packages/sensitive/src/*-read.ts`, `aggregates.ts`: the one projection every public
//   output goes through, its read SQL kept beside the rules it applies, by design);
// - no `*.service.ts` — nor an alert evaluator, `evaluate-*.ts`, which decides like a service —
//   holds SQL (the service side, stated on its own so that its message names it);
// - a `*.sql.ts` module executes nothing (no `.execute(` / `.executeTakeFirst…(`).
// The route side is held by biome.json (tests/unit/lint-rules.test.ts).

const ROOT = join(import.meta.dirname, '..', '..');
const PACKAGES = join(ROOT, 'packages');

/**
 * Modules outside the rule that still hold SQL, each with why. This list must only shrink: an entry
 * whose file is gone or no longer holds SQL fails the test until it is removed. (Empty now: the
 * packages/indicators moves of issue 16 landed with their own repositories and `*.sql.ts` modules.)
 */
const ALLOW_LIST: Record<string, string> = {};

/** The SQL the rule confines to repositories: `sql` templates (not the word in a `sql` code span of a comment) and kysely query starters. */
const SQL_PATTERN = /(?<!`)\bsql\s*(?:<[^`]*?>)?\s*`|\.\s*(?:selectFrom|insertInto|updateTable|deleteFrom)\s*\(/g;

/** Running a statement: what a `*.sql.ts` fragment module must never do. */
const EXECUTE_PATTERN = /\.\s*execute(?:TakeFirst(?:OrThrow)?)?\s*\(/;

/** Where SQL may live: repositories, fragment modules, and the sensitive-data projection (a named exception). */
const REPOSITORY_FILE = /\.repository\.ts$/;
const FRAGMENT_FILE = /\.sql\.ts$/;
const PROJECTION_FILE = /^packages\/sensitive\/src\/(?:[\w-]+-read|aggregates)\.ts$/;

/** Folders under packages/<name>/src the rule skips: frozen migrations and generated row types. */
const SKIPPED = /^packages\/db\/src\/(?:migrations|generated)\//;

/** The lines of `text` that hold SQL (1-based), comments included: a comment quoting SQL is better moved too. */
function sqlLines(text: string): number[] {
  // Matched over the whole text, not line by line: a `sql<…>` type argument may span lines before
  // its template starts. A match counts on the line where it starts.
  const out = new Set<number>();
  for (const m of text.matchAll(SQL_PATTERN)) out.add(text.slice(0, m.index).split('\n').length);
  return [...out];
}

/** Files that decide and hold no SQL: services, and the alert evaluators. */
const SERVICE_FILE = /(?:\.service|(?:^|\/)evaluate-[\w-]+)\.ts$/;

/** Every TypeScript module under packages/<name>/src (migrations and generated types left out), as paths relative to the repository. */
function sourceFiles(): string[] {
  const files: string[] = [];
  for (const pkg of readdirSync(PACKAGES, { withFileTypes: true })) {
    if (!pkg.isDirectory()) continue;
    const src = join(PACKAGES, pkg.name, 'src');
    if (!existsSync(src)) continue;
    for (const f of readdirSync(src, { recursive: true, encoding: 'utf8' })) {
      const path = relative(ROOT, join(src, f)).split('\\').join('/');
      if (path.endsWith('.ts') && !SKIPPED.test(path)) files.push(path);
    }
  }
  return files.sort();
}

/** Every service file under packages/<name>/src. */
function serviceFiles(): string[] {
  return sourceFiles().filter((f) => SERVICE_FILE.test(f));
}

/** Whether a module may hold SQL: a repository, a fragment module, or the sensitive-data projection. */
function mayHoldSql(path: string): boolean {
  return REPOSITORY_FILE.test(path) || FRAGMENT_FILE.test(path) || PROJECTION_FILE.test(path);
}

/**
 * What breaks the rule in the given modules (path → text), as `path:line why`: SQL in a module that
 * may not hold it (services named as such), and a statement run by a fragment module.
 */
function violations(files: Record<string, string>, allowed: Record<string, string> = ALLOW_LIST): string[] {
  const out: string[] = [];
  for (const [path, text] of Object.entries(files)) {
    if (path in allowed) continue;
    if (!mayHoldSql(path) || SERVICE_FILE.test(path)) {
      const what = SERVICE_FILE.test(path) ? 'SQL in a service' : 'SQL outside a repository';
      for (const l of sqlLines(text)) out.push(`${path}:${l} ${what}`);
    }
    if (FRAGMENT_FILE.test(path)) {
      text.split('\n').forEach((line, i) => {
        if (EXECUTE_PATTERN.test(line)) out.push(`${path}:${i + 1} a *.sql.ts module executes a statement`);
      });
    }
  }
  return out;
}

function readAll(paths: string[]): Record<string, string> {
  return Object.fromEntries(paths.map((f) => [f, readFileSync(join(ROOT, f), 'utf8')]));
}

describe('layering: repositories own every SQL statement', () => {
  it('the detector flags SQL in a service and passes a service without it', () => {
    expect(sqlLines('const r = await sql`SELECT 1`.execute(db);')).toEqual([1]);
    expect(sqlLines('const r = await sql<{ n: number }>`SELECT count(*) AS n FROM alerts`.execute(db);')).toEqual([1]);
    expect(sqlLines("return db.selectFrom('alerts').selectAll().execute();")).toEqual([1]);
    expect(sqlLines("await tx\n  .insertInto('imports')\n  .values(v).execute();")).toEqual([2]);
    expect(sqlLines("await tx.updateTable('alerts').set({ status }).execute();")).toEqual([1]);
    expect(sqlLines("await db.deleteFrom('indicator_staleness').execute();")).toEqual([1]);
    expect(sqlLines('const r = await sql<{\n  n: number;\n}>`SELECT 1`.execute(db);')).toEqual([1]);
    expect(
      sqlLines(
        [
          "import { withTx } from '@biomon/db';",
          "import { selectAlert, markAlertResolved } from './alert.repository';",
          'const cur = await lockAlertStatus(tx, id);',
          'const label = `sql: ` + kind; // a template that is not a sql tag',
          'const mysql = 1;',
          "// kysely hands a compiled query's `sql` to the connection's pg client",
        ].join('\n'),
      ),
    ).toEqual([]);
  });

  it('the rule flags SQL outside repositories and a fragment module that executes, and passes the modules that may hold SQL', () => {
    const statement = 'export async function f(db: Db) {\n  return sql`SELECT 1`.execute(db);\n}';
    const fragment = 'export const newest = sql`(SELECT max(id) FROM layer_datasets)`;';
    expect(
      violations(
        {
          'packages/layers/src/layer-import.ts': statement,
          'packages/queue/src/outbox.ts': "await tx.updateTable('outbox').set({ enqueued_at: new Date() }).execute();",
          'packages/alerts/src/alert.service.ts': fragment,
          'packages/alerts/src/alert.sql.ts': `${fragment}\nexport const n = await sql\`SELECT 1\`.executeTakeFirst();`,
          // the projection exception is the sensitive package's, not a file name anywhere
          'packages/opendata/src/occurrence-read.ts': fragment,
          'packages/layers/src/layer.repository.ts': statement,
          'packages/occurrences/src/sensitivity.sql.ts': fragment,
          'packages/sensitive/src/occurrence-read.ts': statement,
          'packages/sensitive/src/aggregates.ts': statement,
          'packages/occurrences/src/sensitivity.ts': "import { lockEvents } from './sensitivity.repository';\nawait lockEvents(tx, ids);",
        },
        {},
      ),
    ).toEqual([
      'packages/layers/src/layer-import.ts:2 SQL outside a repository',
      'packages/queue/src/outbox.ts:1 SQL outside a repository',
      'packages/alerts/src/alert.service.ts:1 SQL in a service',
      'packages/alerts/src/alert.sql.ts:2 a *.sql.ts module executes a statement',
      'packages/opendata/src/occurrence-read.ts:1 SQL outside a repository',
    ]);
    // an allow-listed module passes (and the allow-list test below fails once it holds no SQL)
    expect(violations({ 'packages/x/src/x.service.ts': statement }, { 'packages/x/src/x.service.ts': 'reason' })).toEqual([]);
  });

  it('finds the modules and the service files', () => {
    const all = sourceFiles();
    expect(all).toContain('packages/occurrences/src/sensitivity.ts');
    expect(all).toContain('packages/occurrences/src/import/dwc-values.ts');
    expect(all.some((f) => f.startsWith('packages/db/src/migrations/'))).toBe(false);
    expect(all.some((f) => f.startsWith('packages/db/src/generated/'))).toBe(false);
    const files = serviceFiles();
    expect(files).toContain('packages/alerts/src/alert.service.ts');
    expect(files).toContain('packages/alerts/src/evaluate-invasive.ts');
    expect(files).not.toContain('packages/alerts/src/evaluation.repository.ts');
    expect(files.length).toBeGreaterThan(10);
  });

  it('every module under packages/*/src holding SQL is a repository, a *.sql.ts or the sensitive projection (outside the allow-list); no *.sql.ts executes', () => {
    // move each statement into the owning package's *.repository.ts (a named function taking the db
    // handle or transaction first); a function that only returns a `sql` fragment goes to a *.sql.ts
    expect(violations(readAll(sourceFiles()))).toEqual([]);
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
