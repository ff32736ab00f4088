import { parseArgs } from 'node:util';
import type { Db } from '@biomon/db';
import { createToken, listTokens, revokeToken, revokeTokensByLabelPrefix, ROLES, type Role } from '@biomon/auth';
import { UsageError } from './usage-error';

async function departmentId(db: Db, name: string): Promise<number> {
  const row = await db.selectFrom('departments').select('id').where('name', '=', name).executeTakeFirst();
  if (!row) throw new UsageError(`unknown department "${name}" (seed the ledger first: biomon seed)`);
  return row.id;
}

export const DEMO_LABEL = 'demo:';

/** The demo principals `npm start` prints, one per role. */
export async function createDemoTokens(db: Db): Promise<Record<Role, string>> {
  return db.transaction().execute(async (tx) => {
    await revokeTokensByLabelPrefix(tx, DEMO_LABEL);
    const dept = await tx.selectFrom('departments').select('id').where('name', '=', '省林草局').executeTakeFirst();
    const out = {} as Record<Role, string>;
    for (const role of ROLES) {
      if (role === 'department' && !dept) continue;
      const { token } = await createToken(tx, {
        role,
        label: `${DEMO_LABEL}${role}`,
        team: role === 'surveyor' ? 'demo-team-changbai' : null,
        stationId: role === 'station' ? 'CBS-ECO-01' : null,
        departmentId: role === 'department' ? dept!.id : null,
      });
      out[role] = token;
    }
    return out;
  });
}

export async function tokensCommand(db: Db, args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  switch (sub) {
    case 'create': {
      const { values } = parseArgs({
        args: rest,
        options: { role: { type: 'string' }, team: { type: 'string' }, station: { type: 'string' }, department: { type: 'string' }, label: { type: 'string' }, expires: { type: 'string' } },
      });
      const role = values.role as Role;
      if (!ROLES.includes(role)) throw new UsageError(`--role must be one of ${ROLES.join(', ')}`);
      if (role === 'surveyor' && !values.team) throw new UsageError('a surveyor token needs --team');
      if (role === 'station' && !values.station) throw new UsageError('a station token needs --station');
      if (role === 'department' && !values.department) throw new UsageError('a department token needs --department');
      let expiresAt: Date | null = null;
      if (values.expires) {
        expiresAt = new Date(values.expires);
        if (Number.isNaN(expiresAt.getTime())) throw new UsageError('--expires must be an ISO 8601 date-time');
      }
      const { token } = await createToken(db, {
        role,
        team: values.team ?? null,
        stationId: values.station ?? null,
        departmentId: values.department ? await departmentId(db, values.department) : null,
        label: values.label ?? '',
        expiresAt,
      });
      process.stdout.write(`${token}\n`);
      return 0;
    }
    case 'list': {
      const { values } = parseArgs({ args: rest, options: { all: { type: 'boolean' } } });
      const rows = await listTokens(db, { includeRevoked: values.all });
      console.table(rows.map((r) => ({ id: r.id, prefix: r.prefix, role: r.role, scope: r.team ?? r.stationId ?? r.department ?? '', label: r.label, created: r.createdAt.toISOString(), expires: r.expiresAt?.toISOString() ?? '', revoked: r.revokedAt?.toISOString() ?? '' })));
      return 0;
    }
    case 'revoke': {
      if (!rest[0]) throw new UsageError('usage: biomon tokens revoke ID|PREFIX');
      const n = await revokeToken(db, rest[0]);
      console.error(n ? `revoked ${n} token(s)` : 'no active token matched');
      return n ? 0 : 1;
    }
    case 'demo': {
      const tokens = await createDemoTokens(db);
      process.stdout.write(`${JSON.stringify(tokens)}\n`);
      return 0;
    }
    default:
      throw new UsageError('usage: biomon tokens create|list|revoke|demo');
  }
}
