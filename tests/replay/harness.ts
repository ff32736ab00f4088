import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The replay harness: answers (status, content type, body) of a fixed list of requests, normalised
 * for what legitimately changes from run to run, compared with the fixtures in ./fixtures (one file
 * per area). `REPLAY_RECORD=1` writes the fixtures instead of comparing.
 */

export const FIXTURE_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures');
export const RECORDING = process.env.REPLAY_RECORD === '1';

export interface Answer {
  status: number;
  /** the content type without parameters other than charset */
  type: string | null;
  /** JSON bodies parsed and normalised; text bodies normalised; binary bodies as `<binary N bytes>` or `<binary>` */
  body: unknown;
}

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;
const TOKEN = /\bbm_(admin|surveyor|station|evaluator|department)_[A-Za-z0-9_-]{6,}/g;
// an instant (date and time): ISO 8601 or PostgreSQL's text form
const INSTANT = /\b(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(Z|[+-]\d{2}(?::?\d{2})?)?/g;
// a paging position sealed by the server (random IV): in OGC `next` links and in `nextCursor`
const NEXT_PARAM = /([?&](?:next|cursor)=)[^&"\s]+/g;
const LOOPBACK_PORT = /(127\.0\.0\.1|localhost):(\d{2,5})(?!\d)/g;

/** Keys whose values are generated per run (sealed cursors, timings, digests of what holds instants of the run). */
const VOLATILE_KEYS: Record<string, string> = {
  nextCursor: '<cursor>',
  durationMs: '<duration>',
  elapsedMs: '<duration>',
  computedMs: '<duration>',
  ms: '<duration>',
  rowsPerSecond: '<rate>',
  snapshotSha256: '<sha256 of the frozen report>',
};
// the start of a window that ends now (a report's "last 7 days"), once its end is normalised
const WINDOW_BEFORE_NOW = /(\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}[^\s()<>"]*)(\s+(?:–|至)\s+<now )/g;

// a decimal with more than 6 significant digits (areas, ratios, chart positions in a report's SVG)
const LONG_DECIMAL = /-?\d+\.\d+/g;
/**
 * Non-integers to 6 significant digits: what this test guards (a property dropped, a null turned
 * into 0 or "", a number into a string, a float truncated to an integer) shows at any precision,
 * while the last digits of an area move with the order PostGIS sums in (packages/indicators tests
 * own those values).
 */
const round = (x: number): number => (Number.isInteger(x) || !Number.isFinite(x) ? x : Number(x.toPrecision(6)));

export class Normaliser {
  /** instants within this window are the run's own clock (created_at, now): shown as their format only */
  private readonly from: number;
  private readonly to: number;
  /** values of this run that must not be compared (generated secrets, archive sizes), replaced by name */
  private readonly literals = new Map<string, string>();

  constructor(start = Date.now()) {
    this.from = start - 2 * 86_400_000;
    this.to = start + 2 * 86_400_000;
  }

  /** today's date (UTC and Asia/Shanghai, from the run's start to now): what a day-generalised `…At` of this run reads */
  private isToday(s: string): boolean {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return false;
    const days = new Set<string>();
    for (const t of [this.from + 2 * 86_400_000, Date.now()]) {
      days.add(new Date(t).toISOString().slice(0, 10));
      days.add(new Date(t + 8 * 3_600_000).toISOString().slice(0, 10));
    }
    return days.has(s);
  }

  /** Replace this exact string wherever it appears (a generated secret, a sha256 of a zip). */
  literal(value: string | number | null | undefined, name: string): void {
    if (value === null || value === undefined || String(value).length < 4) return;
    this.literals.set(String(value), name);
  }

  text(s: string): string {
    let out = s;
    for (const [v, name] of this.literals) out = out.split(v).join(name);
    out = out.replace(TOKEN, (_m, role) => `bm_${role}_<token>`);
    out = out.replace(UUID, '<uuid>');
    out = out.replace(NEXT_PARAM, '$1<cursor>');
    out = out.replace(LOOPBACK_PORT, (m, host, port) => (port === '80' ? m : `${host}:<port>`));
    out = out.replace(INSTANT, (m) => {
      const t = Date.parse(m.includes('T') ? m : m.replace(' ', 'T').replace(/([+-]\d{2})$/, '$1:00'));
      // the shape stays (a change of format is a change), not the digits nor the fraction (PostgreSQL trims trailing zeros, to none at .000)
      return Number.isFinite(t) && t >= this.from && t <= this.to ? `<now ${m.replace(/\.\d+/, '').replace(/\d/g, '#')}>` : m;
    });
    out = out.replace(WINDOW_BEFORE_NOW, '<window start>$2');
    out = out.replace(LONG_DECIMAL, (m) => (m.replace(/[-.]/g, '').replace(/^0+/, '').length > 6 ? String(round(Number(m))) : m));
    // the sign-off date of a frozen report's HTML page
    out = out.replace(/(<td class="line">)(\d{4}-\d{2}-\d{2})(<\/td>)/g, (m, a, d, b) => (this.isToday(d) ? `${a}<today>${b}` : m));
    return out;
  }

  json(v: unknown, key?: string, volatile: string[] = []): unknown {
    if (key && v !== null && v !== undefined) {
      if (key in VOLATILE_KEYS) {
        // the same value quoted in a text answer later (the HTML of a frozen report shows its digest)
        if (typeof v === 'string') this.literal(v, VOLATILE_KEYS[key]);
        return VOLATILE_KEYS[key];
      }
      if (volatile.includes(key)) return `<${key}>`;
    }
    // a created/updated time generalised to the day (what the public sees of a record) is today's date
    if (typeof v === 'string' && key?.endsWith('At') && this.isToday(v)) return '<today>';
    if (typeof v === 'string') return this.text(v);
    if (Array.isArray(v)) return v.map((x) => this.json(x, undefined, volatile));
    if (v && typeof v === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) out[this.text(k)] = this.json(x, k, volatile);
      // a window that ends now (a report's last 7 days) starts at a moving instant too
      if (typeof out.to === 'string' && out.to.startsWith('<now ') && typeof out.from === 'string') out.from = '<window start>';
      return out;
    }
    if (typeof v === 'number') return round(v);
    return v;
  }

  answer(
    res: { statusCode: number; headers: Record<string, unknown>; rawPayload: Buffer },
    opts: { binaryLength?: boolean; digest?: boolean; volatile?: string[] } = {},
  ): Answer {
    const rawType = res.headers['content-type'] === undefined ? null : String(res.headers['content-type']);
    const type =
      rawType === null
        ? null
        : rawType
            .split(';')
            .map((p) => p.trim())
            .filter((p, i) => i === 0 || /^charset=/i.test(p))
            .join('; ');
    const media = (type ?? '').split(';')[0];
    let body: unknown;
    if (res.rawPayload.length === 0) body = null;
    else if (/json$/.test(media)) body = this.json(JSON.parse(res.rawPayload.toString('utf8')), undefined, opts.volatile);
    else if (/^text\/|xml$|ndjson$/.test(media)) body = this.text(res.rawPayload.toString('utf8'));
    else body = opts.binaryLength ? `<binary ${res.rawPayload.length} bytes>` : '<binary>';
    // bulky answers (region outlines): the digest of their normalised form
    if (opts.digest && body !== null) body = `<sha256 ${createHash('sha256').update(JSON.stringify(body)).digest('hex')}>`;
    return { status: res.statusCode, type, body };
  }
}

/** Fixtures: `{ [label]: Answer }` per area file. */
export function readFixtures(): Map<string, Record<string, Answer>> {
  const out = new Map<string, Record<string, Answer>>();
  if (!existsSync(FIXTURE_DIR)) return out;
  for (const f of readdirSync(FIXTURE_DIR)
    .filter((x) => x.endsWith('.json'))
    .sort()) {
    out.set(f.replace(/\.json$/, ''), JSON.parse(readFileSync(path.join(FIXTURE_DIR, f), 'utf8')) as Record<string, Answer>);
  }
  return out;
}

/** JSON with one key a line, but arrays without objects (coordinates, lists of names) on one line: reviewable diffs, small files. */
export function pretty(v: unknown, indent = ''): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v);
  const flat = JSON.stringify(v);
  if (Array.isArray(v) && !flat.includes('{')) return flat;
  const inner = `${indent} `;
  if (Array.isArray(v)) return v.length ? `[\n${v.map((x) => inner + pretty(x, inner)).join(',\n')}\n${indent}]` : '[]';
  const entries = Object.entries(v as Record<string, unknown>);
  return entries.length ? `{\n${entries.map(([k, x]) => `${inner}${JSON.stringify(k)}: ${pretty(x, inner)}`).join(',\n')}\n${indent}}` : '{}';
}

/** Where a failing run leaves what it got, beside the fixtures' names (test-artifacts/ is git-ignored). */
export const ACTUAL_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../test-artifacts/replay');

export function writeFixtures(areas: Map<string, Record<string, Answer>>, dir = FIXTURE_DIR): void {
  mkdirSync(dir, { recursive: true });
  for (const [area, answers] of areas) writeFileSync(path.join(dir, `${area}.json`), `${pretty(answers)}\n`);
}
