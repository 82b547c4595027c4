/**
 * The app's one typed configuration, read from the environment once at the entry point and
 * frozen. Every problem in the environment is reported at once, naming the variable.
 */
import fs from 'node:fs';

export const CONTENT_TYPES = [
  'master_outline',
  'podcast_script',
  'study_guide',
  'one_pager_summary',
  'detailed_reading',
  'faq',
  'flashcards',
  'reading_questions',
] as const;
export type ContentType = (typeof CONTENT_TYPES)[number];

export const AUDIENCE_LEVELS = ['general', 'beginner', 'intermediate', 'advanced'] as const;
export type AudienceLevel = (typeof AUDIENCE_LEVELS)[number];

export interface RateLimitConfig {
  /** Sustained rate: `max` requests per `windowMs`, refilled continuously. */
  max: number;
  windowMs: number;
  /** Bucket size: how many requests may arrive at once after a quiet spell. */
  burst: number;
}

export interface AppConfig {
  host: string;
  port: number;
  environment: string;
  version: string;
  databaseUrl: string;
  dbPoolMax: number;
  dbConnectTimeoutMs: number;
  /** Every accepted bearer token at start-up (API_KEY, API_KEYS and API_KEYS_FILE). */
  apiKeys: ReadonlySet<string>;
  /** The keys from API_KEY and API_KEYS, which stay when API_KEYS_FILE is re-read. */
  fixedApiKeys: ReadonlySet<string>;
  logLevel: string;
  corsOrigins: readonly string[] | '*' | false;
  bodyLimit: number;
  rateLimit: { reads: RateLimitConfig; generations: RateLimitConfig };
  quality: { overall: number; educational: number; factual: number };
  provider: ProviderConfig;
  breaker: { failureThreshold: number; resetMs: number };
  /** Per-process cache of content reads (0 disables either). */
  contentCache: { maxEntries: number; ttlMs: number };
  /** How long a client may take, and how much it may send, before the server gives up on it. */
  limits: { requestTimeoutMs: number; headersTimeoutMs: number; keepAliveTimeoutMs: number; maxHeaderBytes: number; maxUrlBytes: number };
  /** API_KEYS_FILE, re-read while the API runs (rotation without a restart), and how often it is checked. */
  apiKeysFile?: string;
  apiKeysFilePollMs: number;
  /** Where the disk health check looks for free space. */
  diskPath: string;
  /** The disk check turns unhealthy below this fraction of free space. */
  diskMinFreeRatio: number;
  /** The memory check turns unhealthy above this fraction of the V8 heap limit. */
  memoryMaxHeapRatio: number;
}

export type ProviderConfig =
  | { kind: 'local'; latencyMs: number; jitterMs: number }
  | {
    kind: 'openai';
    url: string;
    apiKey: string;
    model: string;
    timeoutMs: number;
    attempts: number;
    backoffBaseMs: number;
  };

export class AppConfigError extends Error {
  readonly problems: string[];
  constructor(problems: string[]) {
    super(`Invalid app configuration: ${problems.join('; ')}`);
    this.name = 'AppConfigError';
    this.problems = problems;
  }
}

const VERSION = (() => {
  try {
    return JSON.parse(fs.readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version as string;
  } catch {
    return '0.0.0';
  }
})();

/** Reads the app's configuration from `env`; throws one AppConfigError listing every bad variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): AppConfig {
  const problems: string[] = [];
  const int = (name: string, fallback: number, min: number, max = Number.MAX_SAFE_INTEGER): number => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const n = Number(raw);
    if (!/^\d+$/.test(raw.trim()) || n < min || n > max) {
      problems.push(`${name}=${JSON.stringify(raw)} must be a whole number from ${min} to ${max}`);
      return fallback;
    }
    return n;
  };
  const ratio = (name: string, fallback: number): number => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const n = Number(raw);
    if (!Number.isFinite(n) || n < 0 || n > 1) {
      problems.push(`${name}=${JSON.stringify(raw)} must be a number from 0 to 1`);
      return fallback;
    }
    return n;
  };

  const keys = new Set<string>();
  let fileKeys: string[] = [];
  if (env.API_KEYS_FILE) {
    try {
      fileKeys = fs.readFileSync(env.API_KEYS_FILE, 'utf8').split(/\r?\n/);
    } catch (e) {
      problems.push(`API_KEYS_FILE=${env.API_KEYS_FILE} cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); give a file with one key per line`);
    }
  }
  const fixedKeys = new Set<string>();
  const envKeys = [env.API_KEY ?? '', ...(env.API_KEYS ?? '').split(',')];
  for (const [i, k] of [...envKeys, ...fileKeys].entries()) {
    const key = k.trim();
    if (!key) continue;
    if (key.length < 16 || /\s/.test(key)) problems.push('API_KEY/API_KEYS: every key must be at least 16 characters without spaces');
    else {
      keys.add(key);
      if (i < envKeys.length) fixedKeys.add(key);
    }
  }
  if (keys.size === 0) problems.push('API_KEY is not set: give the API at least one bearer key (API_KEY, API_KEYS comma-separated, or API_KEYS_FILE one per line)');

  const databaseUrl = env.DATABASE_URL ?? '';
  if (!databaseUrl) problems.push('DATABASE_URL is not set: point it at the PostgreSQL the API should use');

  let corsOrigins: AppConfig['corsOrigins'] = false;
  const cors = env.CORS_ORIGINS?.trim();
  if (cors === '*') corsOrigins = '*';
  else if (cors) {
    const list = cors.split(',').map((s) => s.trim()).filter(Boolean);
    for (const o of list) {
      try { new URL(o); } catch { problems.push(`CORS_ORIGINS: ${JSON.stringify(o)} is not an origin like https://example.org`); }
    }
    corsOrigins = list;
  }

  const readMax = int('RATE_LIMIT_READS_PER_MIN', 100, 1);
  const rateLimit = {
    reads: { max: readMax, windowMs: int('RATE_LIMIT_READS_WINDOW_MS', 60_000, 1), burst: int('RATE_LIMIT_READS_BURST', Math.max(200, readMax), 1) },
    generations: {
      max: int('RATE_LIMIT_GENERATIONS_PER_HOUR', 100, 1),
      windowMs: int('RATE_LIMIT_GENERATIONS_WINDOW_MS', 3_600_000, 1),
      burst: 0,
    },
  };
  rateLimit.generations.burst = int('RATE_LIMIT_GENERATIONS_BURST', rateLimit.generations.max, 1);

  let provider: ProviderConfig;
  if (env.AI_PROVIDER_URL) {
    try {
      const u = new URL(env.AI_PROVIDER_URL);
      if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error('protocol');
    } catch {
      problems.push(`AI_PROVIDER_URL=${JSON.stringify(env.AI_PROVIDER_URL)} must be an http(s) URL of an OpenAI-compatible API`);
    }
    if (!env.AI_PROVIDER_KEY) problems.push('AI_PROVIDER_URL is set but AI_PROVIDER_KEY is not: give the provider\'s API key');
    provider = {
      kind: 'openai',
      url: env.AI_PROVIDER_URL,
      apiKey: env.AI_PROVIDER_KEY ?? '',
      model: env.AI_PROVIDER_MODEL || 'gpt-4o-mini',
      timeoutMs: int('AI_PROVIDER_TIMEOUT_MS', 30_000, 1),
      attempts: int('AI_PROVIDER_ATTEMPTS', 3, 1, 10),
      backoffBaseMs: int('AI_PROVIDER_BACKOFF_MS', 200, 0),
    };
  } else {
    provider = { kind: 'local', latencyMs: int('LOCAL_PROVIDER_LATENCY_MS', 30, 0, 600_000), jitterMs: int('LOCAL_PROVIDER_JITTER_MS', 20, 0, 600_000) };
  }

  const config: AppConfig = {
    host: env.HOST || '127.0.0.1',
    port: int('PORT', 3000, 0, 65535),
    environment: env.APP_ENV || env.NODE_ENV || 'development',
    version: env.APP_VERSION || VERSION,
    databaseUrl,
    dbPoolMax: int('DB_POOL_MAX', 20, 1, 1000),
    dbConnectTimeoutMs: int('DB_CONNECT_TIMEOUT_MS', 3000, 100),
    apiKeys: keys,
    fixedApiKeys: fixedKeys,
    logLevel: env.LOG_LEVEL || 'info',
    corsOrigins,
    bodyLimit: int('BODY_LIMIT_BYTES', 1_048_576, 1024),
    rateLimit,
    quality: {
      overall: ratio('QUALITY_MIN_OVERALL', 0.7),
      educational: ratio('QUALITY_MIN_EDUCATIONAL', 0.75),
      factual: ratio('QUALITY_MIN_FACTUAL', 0.85),
    },
    provider,
    breaker: { failureThreshold: int('CIRCUIT_BREAKER_THRESHOLD', 5, 1), resetMs: int('CIRCUIT_BREAKER_RESET_MS', 30_000, 1) },
    contentCache: { maxEntries: int('CONTENT_CACHE_MAX', 10_000, 0), ttlMs: int('CONTENT_CACHE_TTL_MS', 10_000, 0) },
    limits: {
      requestTimeoutMs: int('REQUEST_TIMEOUT_MS', 30_000, 100),
      headersTimeoutMs: int('HEADERS_TIMEOUT_MS', 10_000, 100),
      // Longer than the idle timeout of clients and load balancers in front (AWS ALB: 60 s), so the
      // server never closes a connection a client is about to reuse (that race is a reset).
      keepAliveTimeoutMs: int('KEEP_ALIVE_TIMEOUT_MS', 72_000, 100),
      maxHeaderBytes: int('MAX_HEADER_BYTES', 16_384, 1024, 1_048_576),
      maxUrlBytes: int('MAX_URL_BYTES', 8_192, 256, 1_048_576),
    },
    apiKeysFile: env.API_KEYS_FILE || undefined,
    apiKeysFilePollMs: int('API_KEYS_FILE_POLL_MS', 1_000, 10, 3_600_000),
    diskPath: env.DISK_CHECK_PATH || process.cwd(),
    diskMinFreeRatio: ratio('DISK_MIN_FREE_RATIO', 0.05),
    memoryMaxHeapRatio: ratio('MEMORY_MAX_HEAP_RATIO', 0.9),
  };
  if (config.limits.headersTimeoutMs > config.limits.requestTimeoutMs) problems.push(`HEADERS_TIMEOUT_MS=${config.limits.headersTimeoutMs} must not exceed REQUEST_TIMEOUT_MS=${config.limits.requestTimeoutMs} (the headers are part of the request)`);
  const levels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
  if (!levels.includes(config.logLevel)) problems.push(`LOG_LEVEL=${JSON.stringify(config.logLevel)} must be one of ${levels.join(', ')}`);
  if (problems.length) throw new AppConfigError(problems);
  return Object.freeze(config);
}
