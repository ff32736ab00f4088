import { parseArgs } from 'node:util';
import type { Db } from '@biomon/db';
import { userInfo } from 'node:os';
import { createToken, listTokens, revokeToken, revokeTokensByLabelPrefix, writeAudit, ROLES, type Actor, type Role } from '@biomon/auth';

/** The command line acts as the operator who runs it; its writes are audited like any other. */
const CLI_ACTOR: Actor = { tokenId: null, role: 'cli', label: `cli:${userInfo().username}` };
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
    const revoked = await revokeTokensByLabelPrefix(tx, DEMO_LABEL);
    await writeAudit(tx, CLI_ACTOR, {
      action: 'tokens.demo',
      entity: 'api_token',
      entityIds: [],
      route: 'biomon tokens demo',
      summary: { revokedPrevious: revoked },
    });
    const dept = await tx.selectFrom('departments').select('id').where('name', '=', '省林草局').executeTakeFirst();
    // the demo station token belongs to the first registered station (an eco station in the demo data)
    const station = await tx.selectFrom('stations').select('station_id').orderBy('id').executeTakeFirst();
    const stationId = station?.station_id ?? 'demo-st-cbs-eco';
    const out = {} as Record<Role, string>;
    for (const role of ROLES) {
      if (role === 'department' && !dept) continue;
      const { token } = await createToken(tx, {
        role,
        label: `${DEMO_LABEL}${role}`,
        team: role === 'surveyor' ? 'demo-team-changbai' : null,
        stationId: role === 'station' ? stationId : null,
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
        options: {
          role: { type: 'string' },
          team: { type: 'string' },
          station: { type: 'string' },
          department: { type: 'string' },
          label: { type: 'string' },
          expires: { type: 'string' },
        },
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
      const deptId = values.department ? await departmentId(db, values.department) : null;
      const { token } = await db.transaction().execute(async (tx) => {
        const created = await createToken(tx, {
          role,
          team: values.team ?? null,
          stationId: values.station ?? null,
          departmentId: deptId,
          label: values.label ?? '',
          expiresAt,
        });
        await writeAudit(tx, CLI_ACTOR, {
          action: 'tokens.create',
          entity: 'api_token',
          entityIds: [created.id],
          route: 'biomon tokens create',
          summary: { role, team: values.team ?? null, station: values.station ?? null, department: values.department ?? null },
        });
        return created;
      });
      process.stdout.write(`${token}\n`);
      return 0;
    }
    case 'list': {
      const { values } = parseArgs({ args: rest, options: { all: { type: 'boolean' } } });
      const rows = await listTokens(db, { includeRevoked: values.all });
      console.table(
        rows.map((r) => ({
          id: r.id,
          prefix: r.prefix,
          role: r.role,
          scope: r.team ?? r.stationId ?? r.department ?? '',
          label: r.label,
          created: r.createdAt.toISOString(),
          expires: r.expiresAt?.toISOString() ?? '',
          revoked: r.revokedAt?.toISOString() ?? '',
        })),
      );
      return 0;
    }
    case 'revoke': {
      if (!rest[0]) throw new UsageError('usage: biomon tokens revoke ID|PREFIX');
      const n = await db.transaction().execute(async (tx) => {
        const count = await revokeToken(tx, rest[0]);
        if (count)
          await writeAudit(tx, CLI_ACTOR, {
            action: 'tokens.revoke',
            entity: 'api_token',
            entityIds: [rest[0]],
            route: 'biomon tokens revoke',
            summary: { revoked: count },
          });
        return count;
      });
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
