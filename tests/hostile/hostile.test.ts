import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { runSeeds } from '@biomon/seed';
import { sql } from '@biomon/db';
import { ERRORS } from '@biomon/core';
import { registerStation } from '@biomon/stations';
import { createTestContext, type TestContext } from '../support/test-db';
import { authAs, buildTestServer } from '../support/http';
import { REPO_ROOT } from '../support/cli';
import { guardSystemDns } from '../support/alerts';

// Replays tests/hostile/corpus.json (built by build-corpus.ts): every hostile request against a
// write route gets a 4xx with a stable error code and the failing field, never a 5xx, and nothing
// is written anywhere.

interface Case {
  name: string;
  method: 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  url: string;
  as: string;
  headers: Record<string, string>;
  body: string;
}
const corpus = JSON.parse(readFileSync(path.join(path.dirname(fileURLToPath(import.meta.url)), 'corpus.json'), 'utf8')) as { cases: Case[] };

const TABLES = [
  'occurrences',
  'occurrence_history',
  'survey_events',
  'imports',
  'import_errors',
  'import_mappings',
  'indicator_runs',
  'indicator_results',
  'layer_datasets',
  'protected_areas',
  'stations',
  'datastreams',
  'observations',
  'api_tokens',
  'audit_log',
  'outbox',
  'ledger_progress',
  'files',
  'reports',
  'report_reviews',
  'alert_rules',
  'alerts',
  'alert_events',
  'webhook_subscriptions',
  'exports',
  'screenings',
  'germplasm_institutions',
  'germplasm_accessions',
];

let t: TestContext;
let app: FastifyInstance;
const auth: Record<string, { authorization: string }> = {};

async function snapshot(): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const table of TABLES) out[table] = (await sql<{ n: number }>`SELECT count(*)::int AS n FROM ${sql.table(table)}`.execute(t.ctx.db)).rows[0].n;
  return out;
}

/** Every field named by an error body: details.errors[].field, details.rejected[].errors[].field or .field. */
function fieldsOf(body: { error?: { details?: unknown } }): string[] {
  const d = body.error?.details as { errors?: { field?: string }[]; rejected?: { field?: string; errors?: { field?: string }[] }[] } | undefined;
  const out: string[] = [];
  for (const e of d?.errors ?? []) if (e.field) out.push(e.field);
  for (const r of d?.rejected ?? []) {
    if (r.field) out.push(r.field);
    for (const e of r.errors ?? []) if (e.field) out.push(e.field);
  }
  return out;
}

beforeAll(async () => {
  t = await createTestContext();
  await runSeeds(t.ctx.db, 'reference', path.join(REPO_ROOT, 'seeds'));
  await registerStation(
    t.ctx.db,
    {
      stationId: 'H-ST',
      name: '测试站',
      type: 'weather',
      location: { type: 'Point', coordinates: [126, 43] },
      datastreams: [
        {
          datastreamId: 'H-ST-temp',
          observedProperty: 'air_temperature',
          unitOfMeasurement: { symbol: '°C' },
          resultType: 'number',
          validRange: [-60, 60],
          expectedIntervalSeconds: 600,
        },
      ],
    },
    { actor: { tokenId: null, role: 'admin', label: 'test' }, issueToken: false } as never,
  );
  app = await buildTestServer(t);
  auth.surveyor = await authAs(t, 'surveyor', { team: 'hostile' });
  auth.evaluator = await authAs(t, 'evaluator');
  auth.admin = await authAs(t, 'admin');
  auth.station = await authAs(t, 'station', { stationId: 'H-ST' });
  // 省林草局 is responsible for task 12
  const dept = await t.ctx.db.selectFrom('departments').select('id').where('name', '=', '省林草局').executeTakeFirstOrThrow();
  auth.department = await authAs(t, 'department', { departmentId: dept.id });
});
afterAll(async () => {
  await app.close();
  await t.close();
});

describe('hostile corpus', () => {
  it('has at least 200 cases covering every write route', () => {
    expect(corpus.cases.length).toBeGreaterThanOrEqual(200);
    const routes = new Set(corpus.cases.map((c) => `${c.method} ${c.url.split('?')[0].replace(/\/(hostile-target|H-ST)(?=\/|$)/, '/{id}')}`));
    for (const r of [
      'POST /v1/occurrences',
      'POST /v1/survey-events',
      'POST /v1/occurrences/{id}/review',
      'POST /v1/indicator-runs',
      'POST /v1/layers/protected-areas',
      'POST /v1/stations',
      'PATCH /v1/stations/{id}',
      'POST /v1/stations/{id}/observations',
      'POST /v1/imports',
      'POST /v1/ledger/tasks/12/progress',
      'POST /v1/files',
      'POST /v1/reports',
      'POST /v1/alerts/1/ack',
      'PUT /v1/alert-rules',
      'POST /v1/webhooks',
      'POST /v1/exports/dwca',
      'DELETE /v1/webhooks/abc',
      'PUT /v1/import-mappings/{id}',
      'POST /v1/screenings',
      'POST /v1/germplasm/institutions',
      'POST /v1/germplasm/accessions',
    ])
      expect(routes).toContain(r);
    expect([...routes].some((r) => /^POST \/v1\/stations\/[^/]+\/token$/.test(r))).toBe(true);
  });

  it('refuses every case with a 4xx, a stable code and the failing field, and writes nothing', async () => {
    const before = await snapshot();
    const failures: string[] = [];
    for (const c of corpus.cases) {
      const res = await app.inject({ method: c.method as 'POST', url: c.url, headers: { ...auth[c.as], ...c.headers }, payload: c.body });
      let body: { error?: { code?: string; details?: unknown } } = {};
      try {
        body = res.json();
      } catch {
        /* not JSON */
      }
      const problems: string[] = [];
      if (res.statusCode < 400 || res.statusCode >= 500) problems.push(`status ${res.statusCode}`);
      if (!body.error?.code || !(body.error.code in ERRORS)) problems.push(`code ${body.error?.code}`);
      if (fieldsOf(body).length === 0) problems.push('no field named');
      if (problems.length) failures.push(`${c.name}: ${problems.join(', ')} — ${res.body.slice(0, 300)}`);
    }
    expect(failures).toEqual([]);
    expect(await snapshot()).toEqual(before);
  });

  it('refuses every forbidden webhook url with WEBHOOK_URL_FORBIDDEN (422) or URL_INVALID (400) on `url`, without a DNS query', async () => {
    const hooks = corpus.cases.filter((c) => c.name.startsWith('POST /v1/webhooks: url '));
    expect(hooks.length).toBeGreaterThanOrEqual(60);
    const dnsGuard = guardSystemDns([new URL(t.config.databaseUrl).hostname, new URL(t.config.redisUrl).hostname]);
    const wrong: string[] = [];
    try {
      for (const c of hooks) {
        const res = await app.inject({ method: 'POST', url: c.url, headers: { ...auth[c.as], ...c.headers }, payload: c.body });
        const e = res.json().error?.details?.errors?.[0];
        const ok =
          (res.statusCode === 422 && e?.code === 'WEBHOOK_URL_FORBIDDEN') ||
          (res.statusCode === 400 && (e?.code === 'URL_INVALID' || /^SCHEMA_/.test(e?.code)));
        if (!ok || e?.field !== 'url') wrong.push(`${c.name}: ${res.statusCode} ${res.body.slice(0, 200)}`);
      }
    } finally {
      dnsGuard.restore();
    }
    expect(wrong).toEqual([]);
    expect(dnsGuard.names).toEqual([]);
  });
});
