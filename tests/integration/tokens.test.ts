import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createToken, findPrincipal, hashToken, listTokens, revokeToken } from '@biomon/auth';
import { createTestContext, type TestContext } from '../support/test-db';
import { runCli } from '../support/cli';

let t: TestContext;
beforeAll(async () => {
  t = await createTestContext();
});
afterAll(async () => t.close());

describe('tokens', () => {
  it('stores only a hash and resolves the token to its scope', async () => {
    const { id, token } = await createToken(t.ctx.db, { role: 'surveyor', team: 'team-a', label: 'x' });
    expect(token).toMatch(/^bm_surveyor_[A-Za-z0-9_-]{43}$/);
    const row = await t.ctx.db.selectFrom('api_tokens').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(row.token_hash.equals(hashToken(token))).toBe(true);
    expect(JSON.stringify(row)).not.toContain(token.slice(12));
    const p = await findPrincipal(t.ctx.db, token);
    expect(p).toMatchObject({ role: 'surveyor', team: 'team-a' });
  });

  it('forgets revoked and expired tokens', async () => {
    const a = await createToken(t.ctx.db, { role: 'evaluator' });
    expect(await revokeToken(t.ctx.db, a.id)).toBe(1);
    expect(await findPrincipal(t.ctx.db, a.token)).toBeNull();
    const b = await createToken(t.ctx.db, { role: 'evaluator', expiresAt: new Date(Date.now() - 1000) });
    expect(await findPrincipal(t.ctx.db, b.token)).toBeNull();
    const listed = await listTokens(t.ctx.db);
    expect(listed.map((x) => x.id)).not.toContain(a.id);
  });

  it('refuses scope-less tokens at the database', async () => {
    await expect(createToken(t.ctx.db, { role: 'station' })).rejects.toThrow();
  });

  it('creates tokens from the CLI, printing only the token', async () => {
    const res = await runCli(['tokens', 'create', '--role', 'admin', '--label', 'cli'], { DATABASE_URL: t.database.url });
    expect(res.code).toBe(0);
    expect(res.stdout.trim()).toMatch(/^bm_admin_[A-Za-z0-9_-]{43}$/);
    expect(await findPrincipal(t.ctx.db, res.stdout.trim())).toMatchObject({ role: 'admin', label: 'cli' });
    const bad = await runCli(['tokens', 'create', '--role', 'surveyor'], { DATABASE_URL: t.database.url });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--team/);
  });
});
