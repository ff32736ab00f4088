import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { isIP } from 'node:net';
import { availableParallelism } from 'node:os';

/** CPUs this process may use (the defaults of the admission slots follow it). */
const CPUS = availableParallelism();

/** Seed levels of BIOMON_SEED: `none` = schema only; `reference` = ledger, regions, checklist; `demo` = reference + demo data. */
export type SeedLevel = 'none' | 'reference' | 'demo';

export interface Config {
  readonly env: 'development' | 'test' | 'production';
  readonly databaseUrl: string;
  /**
   * A PostgreSQL hot standby of databaseUrl for read-only routes (DATABASE_READ_URL); null = every
   * read goes to the primary. Reads fall back to the primary while the standby is down or further
   * behind than readMaxLagSeconds.
   */
  readonly databaseReadUrl: string | null;
  /** How far behind the primary the standby may be before reads go to the primary (BIOMON_READ_MAX_LAG_S, default 10). */
  readonly readMaxLagSeconds: number;
  /**
   * Addresses or CIDR blocks of reverse proxies whose X-Forwarded-For is trusted for the client
   * address (BIOMON_TRUST_PROXY, comma-separated; default empty: the socket's address). The
   * per-address rate limits count the address this yields.
   */
  readonly trustProxy: string[];
  readonly redisUrl: string;
  readonly host: string;
  readonly port: number;
  readonly ingestPort: number;
  readonly apiPort: number;
  readonly seed: SeedLevel;
  readonly logLevel: string;
  /** Absolute path of the repository checkout (for seeds and the default file store). */
  readonly rootDir: string;
  readonly fileStoreDir: string;
  /** Prefix of bullmq queue names, so that several stacks or test files can share one Redis. */
  readonly queuePrefix: string;
  readonly dbPoolMax: number;
  /**
   * Admission control per process (@biomon/db slots.ts): batch-write transactions (occurrence and
   * survey-event batches, station pushes) and read-route connections that may run at once; the
   * others wait in order, at most dbSlotWaitMs (then 503). Defaults from the CPU count.
   */
  readonly dbBatchSlots: number;
  readonly dbReadSlots: number;
  readonly dbSlotWaitMs: number;
  /** A request must arrive whole within this time (slow-drip bodies are cut off). */
  readonly requestTimeoutMs: number;
  /** Requests per minute per token, and per client address without a token (counted in Redis, shared by every process). */
  readonly rateLimitPerMinute: number;
  readonly rateLimitPublicPerMinute: number;
  /** Browser origins allowed by CORS; empty = same-origin only. */
  readonly corsOrigins: string[];
  /**
   * The secret that seals paging cursors (BIOMON_CURSOR_SECRET, at least 32 characters). Every api
   * process must share it; when unset, one is generated once and kept in the database.
   */
  readonly cursorSecret: string | null;
  /** How long a worker holds a job's lock; a killed worker's job is retried after about this long. */
  readonly jobLockMs: number;
  /**
   * Zonal statistics of a raster with more pixels than this (BIOMON_ZONAL_JOB_MIN_PIXELS, default
   * 50,000,000) are computed by a worker job when not cached: GET /v1/rasters/{id}/zonal answers 202
   * `computing` (Retry-After) until the job has stored them. Smaller rasters are computed in the request.
   */
  readonly zonalJobMinPixels: number;
  /** Fault injection for the reliability drills only: a pause between indicator-run steps (default 0). */
  readonly faultStepDelayMs: number;
  /** Dataset metadata written to eml.xml of Darwin Core Archive exports (BIOMON_EML_*). */
  readonly eml: EmlConfig;
  /** Alert schedules and webhook delivery (BIOMON_ALERT_*). */
  readonly alerts: AlertsConfig;
  /** Caps of file imports against zip bombs and runaway files (BIOMON_ARCHIVE_*, BIOMON_IMPORT_MAX_ROWS). */
  readonly importLimits: ImportLimits;
}

/**
 * Caps of an uploaded archive (DwC-A or Camtrap DP zip; XLSX too when it comes), checked from the
 * zip's central directory before anything is inflated, and of the rows of any import. Exceeding
 * one fails the import once, with its own error code.
 */
export interface ImportLimits {
  /** sum of the declared uncompressed sizes of all entries (BIOMON_ARCHIVE_MAX_BYTES, default 4 GiB) → ARCHIVE_TOO_LARGE */
  readonly maxArchiveBytes: number;
  /** entries in the zip, folders and ignored entries included (BIOMON_ARCHIVE_MAX_ENTRIES, default 10,000) → ARCHIVE_TOO_MANY_ENTRIES */
  readonly maxArchiveEntries: number;
  /** uncompressed : compressed size of an entry above 1 MiB (BIOMON_ARCHIVE_MAX_RATIO, default 200) → ARCHIVE_COMPRESSION_RATIO */
  readonly maxCompressionRatio: number;
  /** data rows of all files of one import, CSV included (BIOMON_IMPORT_MAX_ROWS, default 10,000,000) → IMPORT_TOO_MANY_ROWS */
  readonly maxRows: number;
}

/** The defaults of ImportLimits (also used by callers that read files without a Config, e.g. tests of the readers). */
export const DEFAULT_IMPORT_LIMITS: ImportLimits = Object.freeze({
  maxArchiveBytes: 4 * 1024 ** 3,
  maxArchiveEntries: 10_000,
  maxCompressionRatio: 200,
  maxRows: 10_000_000,
});

function importLimitsConfig(env: NodeJS.ProcessEnv, problems: string[]): ImportLimits {
  const d = DEFAULT_IMPORT_LIMITS;
  return Object.freeze({
    maxArchiveBytes: intIn('BIOMON_ARCHIVE_MAX_BYTES', env.BIOMON_ARCHIVE_MAX_BYTES, d.maxArchiveBytes, 1024, 2 ** 50, problems),
    maxArchiveEntries: intIn('BIOMON_ARCHIVE_MAX_ENTRIES', env.BIOMON_ARCHIVE_MAX_ENTRIES, d.maxArchiveEntries, 1, 10_000_000, problems),
    maxCompressionRatio: intIn('BIOMON_ARCHIVE_MAX_RATIO', env.BIOMON_ARCHIVE_MAX_RATIO, d.maxCompressionRatio, 2, 100_000, problems),
    maxRows: intIn('BIOMON_IMPORT_MAX_ROWS', env.BIOMON_IMPORT_MAX_ROWS, d.maxRows, 1, 2_000_000_000, problems),
  });
}

/** How often the worker's schedulers evaluate the alert rules, and how webhooks are retried. */
export interface AlertsConfig {
  /** station silence and data-gap checks (BIOMON_ALERT_STATION_CHECK_MS, default 5 min) */
  readonly stationCheckMs: number;
  /** indicator deadline, drop and species-decline checks (BIOMON_ALERT_INDICATOR_CHECK_MS, default 1 h) */
  readonly indicatorCheckMs: number;
  /** sweep of finished imports (BIOMON_ALERT_IMPORT_CHECK_MS, default 15 min) */
  readonly importCheckMs: number;
  /** tries per webhook delivery before it goes to the dead letters (BIOMON_ALERT_WEBHOOK_ATTEMPTS, default 8) */
  readonly webhookAttempts: number;
  /** first retry delay; doubles each try (BIOMON_ALERT_WEBHOOK_BACKOFF_MS, default 10 s: 10 s, 20 s, 40 s … ≈ 21 min over 8 tries) */
  readonly webhookBackoffMs: number;
  /** time allowed for the receiver to answer (BIOMON_ALERT_WEBHOOK_TIMEOUT_MS, default 10 s) */
  readonly webhookTimeoutMs: number;
  /**
   * Webhook targets allowed although they are (or resolve to) loopback, private, link-local, CGNAT
   * or other non-public addresses (BIOMON_WEBHOOK_ALLOW_PRIVATE, comma-separated host names, IP
   * addresses or CIDR blocks; default empty: only public addresses). Cloud metadata, unspecified,
   * multicast and broadcast addresses stay refused even when listed. Lower-cased, trailing dots removed.
   */
  readonly webhookAllowPrivate: readonly string[];
}

const HOST_NAME = /^(?=.{1,253}$)[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?(?:\.[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?)*$/;

/**
 * BIOMON_WEBHOOK_ALLOW_PRIVATE: each entry is an IP address, a CIDR block (`10.0.0.0/8`,
 * `fd00::/8`; not `/0`, which would switch the check off) or a host name. Validated here with
 * node:net only; `@biomon/alerts` parses the entries again (ipaddr.js) to match addresses.
 */
export function parseWebhookAllowPrivate(raw: string | undefined, problems: string[]): string[] {
  const out: string[] = [];
  for (const part of (raw ?? '').split(',')) {
    let entry = part.trim().toLowerCase();
    if (!entry) continue;
    if (entry.startsWith('[') && entry.endsWith(']')) entry = entry.slice(1, -1);
    const slash = entry.indexOf('/');
    if (slash >= 0) {
      const ip = entry.slice(0, slash);
      const bits = entry.slice(slash + 1);
      const kind = isIP(ip);
      const max = kind === 4 ? 32 : 128;
      if (!kind || !/^\d{1,3}$/.test(bits) || Number(bits) > max) problems.push(`BIOMON_WEBHOOK_ALLOW_PRIVATE: "${part.trim()}" is not a CIDR block`);
      else if (Number(bits) === 0)
        problems.push(`BIOMON_WEBHOOK_ALLOW_PRIVATE: "${part.trim()}" would allow every address; list the private hosts or blocks the webhooks need`);
      else out.push(`${ip}/${Number(bits)}`);
    } else if (isIP(entry)) out.push(entry);
    else {
      const name = entry.replace(/\.+$/, '');
      if (!HOST_NAME.test(name) || /^[\d.]+$/.test(name))
        problems.push(`BIOMON_WEBHOOK_ALLOW_PRIVATE: "${part.trim()}" is neither an IP address, a CIDR block nor a host name`);
      else out.push(name);
    }
  }
  return [...new Set(out)];
}

function alertsConfig(env: NodeJS.ProcessEnv, problems: string[]): AlertsConfig {
  return {
    stationCheckMs: intIn('BIOMON_ALERT_STATION_CHECK_MS', env.BIOMON_ALERT_STATION_CHECK_MS, 300_000, 1000, 86_400_000, problems),
    indicatorCheckMs: intIn('BIOMON_ALERT_INDICATOR_CHECK_MS', env.BIOMON_ALERT_INDICATOR_CHECK_MS, 3_600_000, 1000, 7 * 86_400_000, problems),
    importCheckMs: intIn('BIOMON_ALERT_IMPORT_CHECK_MS', env.BIOMON_ALERT_IMPORT_CHECK_MS, 900_000, 1000, 86_400_000, problems),
    webhookAttempts: intIn('BIOMON_ALERT_WEBHOOK_ATTEMPTS', env.BIOMON_ALERT_WEBHOOK_ATTEMPTS, 8, 1, 30, problems),
    webhookBackoffMs: intIn('BIOMON_ALERT_WEBHOOK_BACKOFF_MS', env.BIOMON_ALERT_WEBHOOK_BACKOFF_MS, 10_000, 10, 3_600_000, problems),
    webhookTimeoutMs: intIn('BIOMON_ALERT_WEBHOOK_TIMEOUT_MS', env.BIOMON_ALERT_WEBHOOK_TIMEOUT_MS, 10_000, 100, 120_000, problems),
    webhookAllowPrivate: parseWebhookAllowPrivate(env.BIOMON_WEBHOOK_ALLOW_PRIVATE, problems),
  };
}

/** The publisher's dataset metadata for eml.xml (GBIF metadata profile): bilingual defaults. */
export interface EmlConfig {
  readonly title: string;
  readonly abstract: string;
  readonly organisation: string;
  readonly contactName: string;
  readonly contactEmail: string;
  /** A Creative Commons licence URL (GBIF accepts CC0, CC BY 4.0, CC BY-NC 4.0). */
  readonly licenceUrl: string;
  readonly licenceName: string;
  readonly citation: string;
  /** ISO 639 language of the metadata, e.g. `zh` or `en`. */
  readonly language: string;
}

const EML_LICENCES: Record<string, string> = {
  'http://creativecommons.org/publicdomain/zero/1.0/legalcode': 'Public Domain (CC0 1.0)',
  'http://creativecommons.org/licenses/by/4.0/legalcode': 'Creative Commons Attribution (CC-BY) 4.0',
  'http://creativecommons.org/licenses/by-nc/4.0/legalcode': 'Creative Commons Attribution Non Commercial (CC-BY-NC) 4.0',
};

function emlConfig(env: NodeJS.ProcessEnv, problems: string[]): EmlConfig {
  const licenceUrl = (env.BIOMON_EML_LICENCE_URL || 'http://creativecommons.org/licenses/by/4.0/legalcode').replace(/^https:/, 'http:');
  const licenceName = EML_LICENCES[licenceUrl];
  if (!licenceName) problems.push(`BIOMON_EML_LICENCE_URL must be one of ${Object.keys(EML_LICENCES).join(', ')}`);
  const contactEmail = env.BIOMON_EML_CONTACT_EMAIL || 'biomon@example.org';
  if (!/^[^@\s]+@[^@\s]+$/.test(contactEmail)) problems.push('BIOMON_EML_CONTACT_EMAIL must be an e-mail address');
  const title = env.BIOMON_EML_TITLE || '吉林省生物多样性监测数据 Jilin Province biodiversity monitoring data (biomon)';
  const organisation = env.BIOMON_EML_ORGANISATION || '吉林省生物多样性监测数据平台 Jilin Province Biodiversity Monitoring Platform';
  return {
    title,
    abstract:
      env.BIOMON_EML_ABSTRACT ||
      '吉林省生物多样性监测数据平台汇集的调查事件与物种记录（样线、样方、红外相机），按达尔文核心标准发布；敏感物种（东北虎、东北豹等）的位置已按 10 km 网格模糊化。 Survey events and species occurrences (transects, plots, camera traps) collected by the Jilin Province biodiversity monitoring platform, published as Darwin Core; locations of sensitive species (Amur tiger, Amur leopard, …) are generalised to a 10 km grid.',
    organisation,
    contactName: env.BIOMON_EML_CONTACT_NAME || '数据管理员 Data manager',
    contactEmail,
    licenceUrl,
    licenceName: licenceName ?? '',
    citation: env.BIOMON_EML_CITATION || `${organisation}. ${title}. Darwin Core Archive exported from biomon.`,
    language: env.BIOMON_EML_LANGUAGE || 'zh',
  };
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

function intIn(name: string, raw: string | undefined, fallback: number, min: number, max: number, problems: string[]): number {
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw)) {
    problems.push(`${name} must be an integer, got "${raw}"`);
    return fallback;
  }
  const n = Number(raw);
  if (n < min || n > max) problems.push(`${name} must be between ${min} and ${max}, got ${n}`);
  return n;
}

function url(name: string, raw: string, schemes: string[], problems: string[]): string {
  try {
    const u = new URL(raw);
    if (!schemes.includes(u.protocol)) problems.push(`${name} must use ${schemes.join(' or ')}, got ${u.protocol}`);
  } catch {
    problems.push(`${name} is not a URL`);
  }
  return raw;
}

/**
 * Reads and validates the environment once. Nothing else in biomon reads `process.env`.
 * Without DATABASE_URL / REDIS_URL it points at the local stack of infra/stack.sh
 * (ports BIOMON_PG_PORT, default 55432, and BIOMON_REDIS_PORT, default 56379).
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<Config> = {}): Config {
  const problems: string[] = [];
  const pgPort = intIn('BIOMON_PG_PORT', env.BIOMON_PG_PORT, 55432, 1, 65535, problems);
  const redisPort = intIn('BIOMON_REDIS_PORT', env.BIOMON_REDIS_PORT, 56379, 1, 65535, problems);
  const port = intIn('PORT', env.PORT, 3000, 1, 65535, problems);
  const nodeEnv = env.NODE_ENV === 'production' ? 'production' : env.NODE_ENV === 'test' || env.VITEST ? 'test' : 'development';
  const seedRaw = env.BIOMON_SEED ?? 'demo';
  if (!['none', 'reference', 'demo'].includes(seedRaw)) {
    problems.push(`BIOMON_SEED must be none, reference or demo, got "${seedRaw}"`);
  }
  const databaseUrl = url('DATABASE_URL', env.DATABASE_URL || `postgres://postgres@127.0.0.1:${pgPort}/biomon`, ['postgres:', 'postgresql:'], problems);
  const redisUrl = url('REDIS_URL', env.REDIS_URL || `redis://127.0.0.1:${redisPort}`, ['redis:', 'rediss:'], problems);
  const logLevel = env.LOG_LEVEL || (nodeEnv === 'test' ? 'silent' : 'info');
  if (!['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].includes(logLevel)) {
    problems.push(`LOG_LEVEL must be a pino level, got "${logLevel}"`);
  }
  const config: Config = {
    env: nodeEnv,
    databaseUrl,
    databaseReadUrl: env.DATABASE_READ_URL ? url('DATABASE_READ_URL', env.DATABASE_READ_URL, ['postgres:', 'postgresql:'], problems) : null,
    readMaxLagSeconds: intIn('BIOMON_READ_MAX_LAG_S', env.BIOMON_READ_MAX_LAG_S, 10, 0, 86_400, problems),
    trustProxy: trustProxyConfig(env.BIOMON_TRUST_PROXY, problems),
    redisUrl,
    host: env.HOST || '127.0.0.1',
    port,
    ingestPort: intIn('INGEST_PORT', env.INGEST_PORT, 3001, 1, 65535, problems),
    apiPort: intIn('API_PORT', env.API_PORT, 3002, 1, 65535, problems),
    seed: seedRaw as SeedLevel,
    logLevel,
    rootDir: ROOT,
    fileStoreDir: env.BIOMON_FILE_STORE || path.join(ROOT, '.data', 'files'),
    queuePrefix: env.BIOMON_QUEUE_PREFIX || 'biomon',
    dbPoolMax: intIn('BIOMON_DB_POOL_MAX', env.BIOMON_DB_POOL_MAX, 20, 1, 500, problems),
    dbBatchSlots: intIn('BIOMON_DB_BATCH_SLOTS', env.BIOMON_DB_BATCH_SLOTS, CPUS + 1, 1, 500, problems),
    dbReadSlots: intIn('BIOMON_DB_READ_SLOTS', env.BIOMON_DB_READ_SLOTS, Math.max(4, 2 * CPUS), 1, 500, problems),
    dbSlotWaitMs: intIn('BIOMON_DB_SLOT_WAIT_MS', env.BIOMON_DB_SLOT_WAIT_MS, 15_000, 100, 600_000, problems),
    requestTimeoutMs: intIn('BIOMON_REQUEST_TIMEOUT_MS', env.BIOMON_REQUEST_TIMEOUT_MS, 60_000, 100, 3_600_000, problems),
    rateLimitPerMinute: intIn('BIOMON_RATE_LIMIT_PER_MIN', env.BIOMON_RATE_LIMIT_PER_MIN, 6000, 1, 10_000_000, problems),
    rateLimitPublicPerMinute: intIn('BIOMON_RATE_LIMIT_PUBLIC_PER_MIN', env.BIOMON_RATE_LIMIT_PUBLIC_PER_MIN, 1200, 1, 10_000_000, problems),
    faultStepDelayMs: intIn('BIOMON_FAULT_STEP_DELAY_MS', env.BIOMON_FAULT_STEP_DELAY_MS, 0, 0, 60_000, problems),
    jobLockMs: intIn('BIOMON_JOB_LOCK_MS', env.BIOMON_JOB_LOCK_MS, 30_000, 1000, 600_000, problems),
    zonalJobMinPixels: intIn('BIOMON_ZONAL_JOB_MIN_PIXELS', env.BIOMON_ZONAL_JOB_MIN_PIXELS, 50_000_000, 0, Number.MAX_SAFE_INTEGER, problems),
    corsOrigins: (env.BIOMON_CORS_ORIGINS ?? '')
      .split(',')
      .map((o) => o.trim())
      .filter(Boolean),
    cursorSecret: cursorSecretConfig(env.BIOMON_CURSOR_SECRET, problems),
    eml: emlConfig(env, problems),
    alerts: alertsConfig(env, problems),
    importLimits: importLimitsConfig(env, problems),
    ...overrides,
  };
  if (problems.length) throw new ConfigError(problems);
  return Object.freeze(config);
}

/** BIOMON_TRUST_PROXY: IP addresses or CIDR blocks of trusted reverse proxies (not `/0`, which would trust any client's header). */
function trustProxyConfig(raw: string | undefined, problems: string[]): string[] {
  const out: string[] = [];
  for (const part of (raw ?? '').split(',')) {
    const entry = part.trim().toLowerCase();
    if (!entry) continue;
    const [ip, bits, ...rest] = entry.split('/');
    const kind = isIP(ip);
    const max = kind === 4 ? 32 : 128;
    if (!kind || rest.length || (bits !== undefined && (!/^\d{1,3}$/.test(bits) || Number(bits) > max)))
      problems.push(`BIOMON_TRUST_PROXY: "${part.trim()}" is neither an IP address nor a CIDR block`);
    else if (bits !== undefined && Number(bits) === 0)
      problems.push(`BIOMON_TRUST_PROXY: "${part.trim()}" would trust every client's X-Forwarded-For; list the proxies' addresses`);
    else out.push(entry);
  }
  return [...new Set(out)];
}

function cursorSecretConfig(v: string | undefined, problems: string[]): string | null {
  if (v === undefined || v === '') return null;
  if (v.length < 32) problems.push('BIOMON_CURSOR_SECRET: must have at least 32 characters (or be unset: a secret is generated once and kept in the database)');
  return v;
}
