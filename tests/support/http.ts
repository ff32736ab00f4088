import type { FastifyInstance } from 'fastify';
import { buildServer } from '@biomon/http';
import { apiModule } from '@biomon/api';
import { ingestModule } from '@biomon/ingest';
import { createToken, type Role } from '@biomon/auth';
import type { TestContext } from './test-db';

/** The combined server (ingest + api) on a test context, as `npm start` runs it, for app.inject(). */
export async function buildTestServer(t: TestContext): Promise<FastifyInstance> {
  return buildServer({ ctx: t.ctx, apps: [ingestModule, apiModule] });
}

/** An Authorization header for a fresh token of the role (scoped as given). */
export async function authAs(
  t: TestContext,
  role: Role,
  scope: { team?: string; stationId?: string; departmentId?: number } = {},
): Promise<{ authorization: string }> {
  const { token } = await createToken(t.ctx.db, {
    role,
    label: `test:${role}`,
    team: scope.team ?? (role === 'surveyor' ? 'team-test' : null),
    stationId: scope.stationId ?? (role === 'station' ? 'ST-TEST' : null),
    departmentId: scope.departmentId ?? null,
  });
  return { authorization: `Bearer ${token}` };
}
