import pg from 'pg';
import { Kysely, PostgresDialect, type PostgresPool, type PostgresPoolClient } from 'kysely';
import type { Database } from './schema';
import { currentWalLsn, standbyReplayState } from './server.repository';
import { preparedStatements, type Db } from './db';

/**
 * Read routing to a PostgreSQL hot standby (streaming replication): `db` is a kysely handle whose
 * every connection comes from the standby while it is up and at most `maxLagSeconds` behind the
 * primary, and from the primary otherwise. The standby's state is checked at most every `ttlMs`
 * (on use, never on a timer), so a standby that stops or falls behind stops receiving reads within
 * a few seconds; a connection that fails on the standby marks it down at once, and a read-only
 * statement that fails on it for a reason of the standby (connection lost, shutting down, a
 * recovery conflict, a write refused as read-only) is run again on the primary — outside a
 * transaction only, where a statement can move without changing what it sees.
 */

export type ReplicaStatus = 'up' | 'behind' | 'down';

export interface ReplicaState {
  /** up: reads go to the standby; behind: more than maxLagSeconds behind (or not known); down: unreachable */
  status: ReplicaStatus;
  /** seconds the standby's replay is behind the primary (0 when it has replayed everything the primary wrote); null when not known */
  lagSeconds: number | null;
  /** when this state was measured (ms since the epoch) */
  checkedAt: number;
}

/** Where a streamed read takes its one connection from (a pg.Pool is one). */
export interface ClientSource {
  connect(): Promise<pg.PoolClient>;
}

export interface ReadRouting {
  /** the routed kysely handle (standby or primary, connection by connection) */
  db: Db;
  /** the routed connections `db` takes (to build another handle over them, e.g. slottedDb) */
  pool: PostgresPool;
  /**
   * Connections for streamed reads (downloads: one REPEATABLE READ transaction and server-side
   * cursors on one connection): the standby's while it is up, else — and when connecting to it
   * fails — the primary's. A stream cannot move mid-way: a standby lost during a download ends that
   * download with an error; the next one starts on the primary.
   */
  streamSource: ClientSource;
  /** whether reads go to the standby now (the cached state; starts a check when it is stale) */
  usesReplica(): boolean;
  /** the standby's state, measured again when older than ttlMs (or always, with fresh) */
  state(fresh?: boolean): Promise<ReplicaState>;
  close(): Promise<void>;
}

export interface ReadRoutingOptions {
  maxLagSeconds: number;
  /** connections to the standby (default 20) */
  max?: number;
  applicationName?: string;
  /** how long a measured state is used (default 3 s) */
  ttlMs?: number;
}

/** PostgreSQL and socket errors that mean the server (not the statement) failed. */
const SERVER_GONE_CODES = new Set([
  '57P01',
  '57P02',
  '57P03',
  '08000',
  '08001',
  '08003',
  '08004',
  '08006',
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENOTFOUND',
]);
/** Statement errors a standby raises and the primary would not: a recovery conflict (40001), a write (25006). */
const STANDBY_ONLY_CODES = new Set(['40001', '25006']);

function errorCode(err: unknown): string {
  return String((err as { code?: unknown } | null)?.code ?? '');
}

function serverGone(err: unknown): boolean {
  if (SERVER_GONE_CODES.has(errorCode(err))) return true;
  const msg = String((err as Error | null)?.message ?? '');
  return /Connection terminated|connection timeout|timeout exceeded when trying to connect|Client has encountered a connection error/i.test(msg);
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return Promise.race([p, new Promise<T>((_, rej) => setTimeout(() => rej(new Error('timeout')), ms).unref())]);
}

export function createReadRouting(primaryDb: Db, primaryPool: pg.Pool, replicaUrl: string, opts: ReadRoutingOptions): ReadRouting {
  const ttlMs = opts.ttlMs ?? 3_000;
  const replicaPool = new pg.Pool({
    connectionString: replicaUrl,
    max: opts.max ?? 20,
    application_name: opts.applicationName ?? 'biomon-read',
    connectionTimeoutMillis: 2_000,
    idleTimeoutMillis: 30_000,
  });
  replicaPool.on('error', () => {});
  replicaPool.on('connect', (client) => {
    client.on('error', () => {});
    preparedStatements(client);
  });
  // the standby on its own, for the lag check
  const replicaDb = new Kysely<Database>({ dialect: new PostgresDialect({ pool: replicaPool }) });

  // unknown until the first check: reads go to the primary meanwhile
  let current: ReplicaState = { status: 'down', lagSeconds: null, checkedAt: 0 };
  let checking: Promise<ReplicaState> | null = null;

  const markDown = () => {
    current = { status: 'down', lagSeconds: null, checkedAt: Date.now() };
  };

  async function measure(): Promise<ReplicaState> {
    // the primary's position first: a standby at or past it has replayed everything written before
    const primaryLsn = await withTimeout(currentWalLsn(primaryDb), 2_000).catch(() => null);
    try {
      const row = await withTimeout(standbyReplayState(replicaDb, primaryLsn), 2_000);
      let lag: number | null;
      if (!row.recovering)
        lag = 0; // not a standby (or the primary itself): nothing to replay
      else if (row.behind !== null && Number(row.behind) <= 0)
        lag = 0; // caught up
      else if (primaryLsn === null)
        lag = null; // the primary is unreachable: how far behind is not known
      else lag = row.since === null ? null : Math.max(0, Math.round(row.since * 10) / 10);
      // With the primary unreachable, a standby that answers is still the better source of reads.
      const usable = primaryLsn === null || (lag !== null && lag <= opts.maxLagSeconds);
      return { status: usable ? 'up' : 'behind', lagSeconds: lag, checkedAt: Date.now() };
    } catch {
      return { status: 'down', lagSeconds: null, checkedAt: Date.now() };
    }
  }

  function refresh(): Promise<ReplicaState> {
    checking ??= measure().then((s) => {
      current = s;
      checking = null;
      return s;
    });
    return checking;
  }

  const usesReplica = () => {
    if (Date.now() - current.checkedAt > ttlMs) void refresh();
    return current.status === 'up';
  };

  /** A standby connection whose statements move to the primary when the standby fails them. */
  function onStandby(client: pg.PoolClient): PostgresPoolClient {
    let broken: Error | undefined;
    let inTransaction = false;
    const query = async (text: string, params: readonly unknown[]) => {
      const head = text.trimStart().slice(0, 16).toLowerCase();
      if (head.startsWith('begin') || head.startsWith('start transaction')) inTransaction = true;
      try {
        const res = await client.query(text, params as unknown[]);
        if (head.startsWith('commit') || head.startsWith('rollback')) inTransaction = false;
        return res;
      } catch (err) {
        const gone = serverGone(err);
        if (gone) {
          broken = err as Error;
          markDown();
        }
        if (inTransaction || (!gone && !STANDBY_ONLY_CODES.has(errorCode(err)))) throw err;
        const p = await primaryPool.connect();
        try {
          return await p.query(text, params as unknown[]);
        } finally {
          p.release();
        }
      }
    };
    return {
      query: query as unknown as PostgresPoolClient['query'],
      // a connection that lost its server is destroyed, not returned to the pool
      release: () => client.release(broken),
    };
  }

  const routingPool: PostgresPool = {
    async connect() {
      if (usesReplica()) {
        try {
          return onStandby(await replicaPool.connect());
        } catch {
          markDown();
        }
      }
      return (await primaryPool.connect()) as unknown as PostgresPoolClient;
    },
    // the primary's pool belongs to its own handle
    async end() {},
  };

  const streamSource: ClientSource = {
    async connect() {
      if (usesReplica()) {
        try {
          return await replicaPool.connect();
        } catch {
          markDown();
        }
      }
      return primaryPool.connect();
    },
  };

  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: routingPool }) });
  let closed = false;
  return {
    db,
    pool: routingPool,
    streamSource,
    usesReplica,
    state: (fresh = false) => (fresh || Date.now() - current.checkedAt > ttlMs ? refresh() : Promise.resolve(current)),
    async close() {
      if (closed) return;
      closed = true;
      await db.destroy();
      await replicaDb.destroy();
    },
  };
}
