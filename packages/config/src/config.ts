import { fileURLToPath } from 'node:url';
import path from 'node:path';

/** Seed levels of BIOMON_SEED: `none` = schema only; `reference` = ledger, regions, checklist; `demo` = reference + demo data. */
export type SeedLevel = 'none' | 'reference' | 'demo';

export interface Config {
  readonly env: 'development' | 'test' | 'production';
  readonly databaseUrl: string;
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
  /** A request must arrive whole within this time (slow-drip bodies are cut off). */
  readonly requestTimeoutMs: number;
  /** Requests per minute per token, and per client address without a token (in process memory). */
  readonly rateLimitPerMinute: number;
  readonly rateLimitPublicPerMinute: number;
  /** Browser origins allowed by CORS; empty = same-origin only. */
  readonly corsOrigins: string[];
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
    requestTimeoutMs: intIn('BIOMON_REQUEST_TIMEOUT_MS', env.BIOMON_REQUEST_TIMEOUT_MS, 60_000, 100, 3_600_000, problems),
    rateLimitPerMinute: intIn('BIOMON_RATE_LIMIT_PER_MIN', env.BIOMON_RATE_LIMIT_PER_MIN, 6000, 1, 10_000_000, problems),
    rateLimitPublicPerMinute: intIn('BIOMON_RATE_LIMIT_PUBLIC_PER_MIN', env.BIOMON_RATE_LIMIT_PUBLIC_PER_MIN, 1200, 1, 10_000_000, problems),
    corsOrigins: (env.BIOMON_CORS_ORIGINS ?? '').split(',').map((o) => o.trim()).filter(Boolean),
    ...overrides,
  };
  if (problems.length) throw new ConfigError(problems);
  return Object.freeze(config);
}
