import dns from 'node:dns';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { isIP } from 'node:net';
import type { AddressInfo } from 'node:net';
import { sql } from '@biomon/db';
import { ingestOccurrences } from '@biomon/occurrences';
import type { TestContext } from './test-db';

/** A surveyor storing records through the same service as POST /v1/occurrences; returns their row ids. */
export async function storeRecords(t: TestContext, records: Record<string, unknown>[], now = new Date()): Promise<number[]> {
  const res = await ingestOccurrences(t.ctx.db, records, {
    actor: { tokenId: null, role: 'surveyor', team: 'alerts-test', label: 'alerts test' },
    route: 'test',
    now,
  });
  if (res.rejected.length) throw new Error(`records rejected: ${JSON.stringify(res.rejected)}`);
  const ids = await t.ctx.db
    .selectFrom('occurrences')
    .select('id')
    .where(
      'occurrence_id',
      'in',
      records.map((r) => String(r.occurrenceID)),
    )
    .orderBy('id')
    .execute();
  return ids.map((r) => r.id);
}

/** A Darwin Core record, present, WGS84. */
export function record(occurrenceID: string, scientificName: string, lon: number, lat: number, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    occurrenceID,
    scientificName,
    basisOfRecord: 'HumanObservation',
    eventDate: new Date(Date.now() - 86_400_000).toISOString().slice(0, 10),
    decimalLongitude: lon,
    decimalLatitude: lat,
    geodeticDatum: 'WGS84',
    occurrenceStatus: 'present',
    coordinateUncertaintyInMeters: 30,
    ...extra,
  };
}

/** The BRIEF §8 10 km cell id of a point, as the database computes it. */
export async function cellOf(t: TestContext, lon: number, lat: number): Promise<string> {
  const r = await sql<{ c: string }>`SELECT biomon_cell_id(ST_SetSRID(ST_MakePoint(${lon}, ${lat}), 4326), 10000) AS c`.execute(t.ctx.db);
  return r.rows[0].c;
}

export async function alertRows(t: TestContext, rule?: string) {
  let q = t.ctx.db.selectFrom('alerts').selectAll().orderBy('id');
  if (rule) q = q.where('rule_code', '=', rule);
  return q.execute();
}

export async function waitFor<T>(what: string, f: () => Promise<T | null | undefined | false>, timeoutMs = 20_000, stepMs = 50): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await f();
    if (v) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, stepMs));
  }
}

export interface ReceivedRequest {
  path: string;
  headers: IncomingMessage['headers'];
  raw: string;
  at: number;
}

/**
 * A webhook receiver on 127.0.0.1 (port 0). Each path answers as its behaviour says:
 * a status code, or a function of the n-th request on that path (status and delay).
 */
export class WebhookReceiver {
  readonly requests: ReceivedRequest[] = [];
  private counts = new Map<string, number>();
  private server: Server;
  private behaviours = new Map<string, (n: number) => { status: number; delayMs?: number }>();
  port = 0;

  constructor() {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const path = (req.url ?? '/').split('?')[0];
        const n = (this.counts.get(path) ?? 0) + 1;
        this.counts.set(path, n);
        this.requests.push({ path, headers: req.headers, raw: Buffer.concat(chunks).toString('utf8'), at: Date.now() });
        const b = this.behaviours.get(path)?.(n) ?? { status: 200 };
        const answer = () => {
          res.statusCode = b.status;
          res.end(b.status < 300 ? 'ok' : 'no');
        };
        if (b.delayMs) setTimeout(answer, b.delayMs);
        else answer();
      });
    });
  }

  on(path: string, behaviour: (n: number) => { status: number; delayMs?: number }): void {
    this.behaviours.set(path, behaviour);
  }

  url(path: string): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  at(path: string): ReceivedRequest[] {
    return this.requests.filter((r) => r.path === path);
  }

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/**
 * A TCP listener that only counts connections (and answers 200 to anything that arrives): the
 * target a refused webhook would have reached, on a loopback address the test owns, so "no
 * connection was made" is observed rather than assumed.
 */
export class TrapServer {
  connections = 0;
  port = 0;
  private server: Server;

  constructor(readonly host = '127.0.0.2') {
    this.server = createServer((_req, res) => res.end('trapped'));
    this.server.on('connection', () => void this.connections++);
  }

  url(path: string, host = this.host): string {
    return `http://${host.includes(':') ? `[${host}]` : host}:${this.port}${path}`;
  }

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, this.host, resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/**
 * Makes the system resolver (dns.lookup and dns.promises.lookup, which node:http and the default
 * webhook resolver use) refuse every name but `passThrough`, and records the names asked: a test
 * of webhook targets then never sends a DNS query, even when the code under test regresses.
 * IP literals pass (server.listen looks them up too; getaddrinfo answers them without a query).
 */
export function guardSystemDns(passThrough: string[] = ['localhost']): { names: string[]; restore(): void } {
  const names: string[] = [];
  const lookup = dns.lookup;
  const promisesLookup = dns.promises.lookup;
  const refusal = (hostname: string) => Object.assign(new Error(`test guard: no system DNS lookup of ${hostname}`), { code: 'EAI_FAIL' });
  dns.lookup = ((hostname: string, ...rest: unknown[]) => {
    if (passThrough.includes(hostname) || isIP(hostname)) return (lookup as (...a: unknown[]) => void)(hostname, ...rest);
    names.push(hostname);
    const cb = rest[rest.length - 1] as (err: Error) => void;
    process.nextTick(cb, refusal(hostname));
  }) as typeof dns.lookup;
  dns.promises.lookup = (async (hostname: string, ...rest: unknown[]) => {
    if (passThrough.includes(hostname) || isIP(hostname)) return (promisesLookup as (...a: unknown[]) => unknown)(hostname, ...rest);
    names.push(hostname);
    throw refusal(hostname);
  }) as typeof dns.promises.lookup;
  return {
    names,
    restore() {
      dns.lookup = lookup;
      dns.promises.lookup = promisesLookup;
    },
  };
}
