import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// The layering rule of packages/README.md, held by biome.json: route files (apps/*/src/routes/**)
// import no @biomon/db, kysely or pg — routes call services, repositories own the SQL.

const ROOT = join(import.meta.dirname, '..', '..');
const BIOME = join(ROOT, 'node_modules', '.bin', 'biome');
const RULE = 'lint/style/noRestrictedImports';
const MESSAGE = 'routes call services; SQL lives in repositories (packages/README.md)';

interface Finding {
  rule: string;
  file: string;
  line: number;
  message: string;
}

/** Runs `biome lint` in `cwd` on `paths` and returns its findings (GitHub reporter: one `::error …` line each) and exit code. */
function biomeLint(cwd: string, paths: string[]): { code: number; findings: Finding[] } {
  let out = '';
  let code = 0;
  try {
    out = execFileSync(BIOME, ['lint', '--reporter=github', '--max-diagnostics=none', ...paths], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (err) {
    const e = err as { status: number | null; stdout?: string };
    code = e.status ?? -1;
    out = e.stdout ?? '';
  }
  const findings: Finding[] = [];
  for (const line of out.split('\n')) {
    const m = /^::(?:error|warning|notice) title=([^,]+),file=([^,]+),line=(\d+)[^:]*::(.*)$/.exec(line);
    if (m) findings.push({ rule: m[1], file: m[2], line: Number(m[3]), message: m[4] });
  }
  return { code, findings };
}

describe('lint rule: routes import no SQL (biome noRestrictedImports)', () => {
  it('the real apps/*/src/routes import no @biomon/db, kysely or pg', () => {
    const { findings } = biomeLint(ROOT, ['apps/api/src/routes', 'apps/ingest/src/routes']);
    expect(findings.filter((f) => f.rule === RULE)).toEqual([]);
  }, 60_000);

  it('fails on a route file that imports sql from @biomon/db, kysely or pg, and only in routes', () => {
    const dir = mkdtempSync(join(tmpdir(), 'biomon-lint-'));
    try {
      // the project's configuration as it is, without the VCS part (the temporary folder is no checkout)
      const config = JSON.parse(readFileSync(join(ROOT, 'biome.json'), 'utf8'));
      delete config.$schema;
      config.vcs = { enabled: false };
      writeFileSync(join(dir, 'biome.json'), JSON.stringify(config, null, 2));
      mkdirSync(join(dir, 'apps/x/src/routes'), { recursive: true });
      mkdirSync(join(dir, 'apps/x/src/services'), { recursive: true });
      const bad =
        "import { sql } from '@biomon/db';\nimport type { Kysely } from 'kysely';\nimport pg from 'pg';\nimport { jsonArrayFrom } from 'kysely/helpers/postgres';\n\nexport const q = sql`SELECT 1`;\nexport type K = Kysely<unknown>;\nexport const P = pg.Pool;\nexport const j = jsonArrayFrom;\n";
      writeFileSync(join(dir, 'apps/x/src/routes/bad.routes.ts'), bad);
      // the same imports outside routes/ are allowed (services and repositories use them)
      writeFileSync(join(dir, 'apps/x/src/services/ok.service.ts'), bad);
      // a route that calls a service is clean
      writeFileSync(
        join(dir, 'apps/x/src/routes/good.routes.ts'),
        "import type { AppContext } from '@biomon/runtime';\n\nexport const handle = (ctx: AppContext) => ctx.db;\n",
      );

      const { code, findings } = biomeLint(dir, ['apps']);
      expect(code).not.toBe(0);
      const restricted = findings.filter((f) => f.rule === RULE);
      expect(restricted.map((f) => [f.file, f.line])).toEqual([
        ['apps/x/src/routes/bad.routes.ts', 1],
        ['apps/x/src/routes/bad.routes.ts', 2],
        ['apps/x/src/routes/bad.routes.ts', 3],
        ['apps/x/src/routes/bad.routes.ts', 4],
      ]);
      for (const f of restricted) expect(f.message).toBe(MESSAGE);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
