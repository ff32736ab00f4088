import { PREPARED_STATEMENT, sql, type DbOrTx } from '@biomon/db';
import { generateToken, hashToken, tokenPrefix, type Role } from './token';

export interface TokenScope {
  role: Role;
  team?: string | null;
  stationId?: string | null;
  departmentId?: number | null;
  label?: string;
  expiresAt?: Date | null;
}

export interface Principal {
  tokenId: string;
  role: Role;
  team: string | null;
  stationId: string | null;
  departmentId: number | null;
  departmentName: string | null;
  label: string;
}

export interface TokenListItem {
  id: string;
  prefix: string;
  role: string;
  team: string | null;
  stationId: string | null;
  department: string | null;
  label: string;
  createdAt: Date;
  expiresAt: Date | null;
  revokedAt: Date | null;
  lastUsedAt: Date | null;
}

/** Creates a token and returns it in clear text: the only time it is ever visible. */
export async function createToken(db: DbOrTx, scope: TokenScope): Promise<{ id: string; token: string }> {
  const token = generateToken(scope.role);
  const row = await db
    .insertInto('api_tokens')
    .values({
      token_hash: hashToken(token),
      prefix: tokenPrefix(token),
      role: scope.role,
      team: scope.team ?? null,
      station_id: scope.stationId ?? null,
      department_id: scope.departmentId ?? null,
      label: scope.label ?? '',
      expires_at: scope.expiresAt ?? null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { id: row.id, token };
}

/** Resolves a bearer token to its principal; null when unknown, revoked or expired. */
export async function findPrincipal(db: DbOrTx, token: string): Promise<Principal | null> {
  // a named statement (PREPARED_STATEMENT): read at every authenticated request, its text never
  // changes, and a lookup by the unique token hash plans the same for every value
  const { rows } = await sql<{
    id: string;
    role: string;
    team: string | null;
    station_id: string | null;
    department_id: number | null;
    department_name: string | null;
    label: string;
  }>`${sql.raw(PREPARED_STATEMENT)}
    SELECT t.id, t.role, t.team, t.station_id, t.department_id, d.name AS department_name, t.label
    FROM api_tokens t LEFT JOIN departments d ON d.id = t.department_id
    WHERE t.token_hash = ${hashToken(token)} AND t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > ${new Date()})`.execute(db);
  const row = rows[0];
  if (!row) return null;
  return {
    tokenId: row.id,
    role: row.role as Role,
    team: row.team,
    stationId: row.station_id,
    departmentId: row.department_id,
    departmentName: row.department_name,
    label: row.label,
  };
}

export async function listTokens(db: DbOrTx, opts: { includeRevoked?: boolean } = {}): Promise<TokenListItem[]> {
  let q = db
    .selectFrom('api_tokens as t')
    .leftJoin('departments as d', 'd.id', 't.department_id')
    .select([
      't.id',
      't.prefix',
      't.role',
      't.team',
      't.station_id',
      'd.name as department',
      't.label',
      't.created_at',
      't.expires_at',
      't.revoked_at',
      't.last_used_at',
    ])
    .orderBy('t.created_at');
  if (!opts.includeRevoked) q = q.where('t.revoked_at', 'is', null);
  const rows = await q.execute();
  return rows.map((r) => ({
    id: r.id,
    prefix: r.prefix,
    role: r.role,
    team: r.team,
    stationId: r.station_id,
    department: r.department,
    label: r.label,
    createdAt: r.created_at,
    expiresAt: r.expires_at,
    revokedAt: r.revoked_at,
    lastUsedAt: r.last_used_at,
  }));
}

/** Revokes by id or by prefix; returns how many tokens were revoked. */
export async function revokeToken(db: DbOrTx, idOrPrefix: string): Promise<number> {
  const isUuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(idOrPrefix);
  const res = await db
    .updateTable('api_tokens')
    .set({ revoked_at: new Date() })
    .where(isUuid ? 'id' : 'prefix', '=', idOrPrefix)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(res.numUpdatedRows);
}

/** Revokes every token whose label starts with the given prefix (used for demo tokens on restart). */
export async function revokeTokensByLabelPrefix(db: DbOrTx, labelPrefix: string): Promise<number> {
  const res = await db
    .updateTable('api_tokens')
    .set({ revoked_at: new Date() })
    .where('label', 'like', `${labelPrefix.replace(/[%_\\]/g, (c) => '\\' + c)}%`)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(res.numUpdatedRows);
}

/** Revokes every live token of a station; the number revoked. */
export async function revokeStationTokens(db: DbOrTx, stationId: string): Promise<number> {
  const res = await db
    .updateTable('api_tokens')
    .set({ revoked_at: new Date() })
    .where('role', '=', 'station')
    .where('station_id', '=', stationId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(res.numUpdatedRows);
}
