/**
 * A target made ready to be checked: its base URL for this run and its credentials, taken
 * from the environment variables the config names, or, for a target that says
 * `start: 'included-api'` (and no `--target URL` moved it elsewhere), from the included API
 * that is started here on an embedded PostgreSQL. The suites get credentials through this
 * object, never by reading or changing `process.env` themselves.
 */
import { startIncludedApi, type IncludedApi } from '../included-api.ts';
import type { Target } from './types.ts';

export interface LiveTarget {
  /** The target with `baseUrl` set to where it answers now. */
  target: Target;
  /** Credentials by the names the target's auth reads them from (`API_KEY`, `API_KEYS`), for k6's `__ENV` and the suites' environment. */
  env: Record<string, string>;
  /** The token, and the pool of keys to spread load over (the token first). */
  token?: string;
  pool: string[];
  /** Every secret value, to keep out of logs, reports and traces. */
  secrets: string[];
  /** The included API started for this run, if one was. */
  includedApi?: IncludedApi;
  /** Stops what was started here (nothing for a deployment that runs elsewhere). */
  stop(): Promise<void>;
}

export interface OpenOptions {
  /** Where credentials are read from (default process.env); only the variables the target names are read. */
  env?: NodeJS.ProcessEnv;
  /** Content rows to seed into a started included API. */
  seed?: number;
  /** Keys to issue to a started included API (default 500: one per simulated user). */
  keys?: number;
  /** Progress lines. */
  log?: (line: string) => void;
}

const split = (s: string | undefined) => (s ?? '').split(',').map((k) => k.trim()).filter(Boolean);

export async function openTarget(target: Target, opts: OpenOptions = {}): Promise<LiveTarget> {
  const auth = target.auth;
  if (target.start === 'included-api') {
    const started = Date.now();
    opts.log?.('starting the included API on an embedded PostgreSQL');
    const api = await startIncludedApi({
      seed: opts.seed,
      keys: opts.keys,
      // Started the way the target expects it to be configured, so the CORS check has an allowed origin to test.
      env: target.security.cors.allowed.length ? { CORS_ORIGINS: target.security.cors.allowed.join(',') } : {},
      log: opts.log,
    });
    opts.log?.(`included API at ${api.url} (pid ${api.pid}), ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    const env: Record<string, string> = {};
    if (auth.type !== 'none') {
      env[auth.tokenEnv] = api.apiKey;
      if (auth.poolEnv) env[auth.poolEnv] = api.apiKeys.join(',');
    }
    return {
      target: { ...target, baseUrl: api.url },
      env, token: api.apiKey, pool: api.apiKeys, secrets: api.apiKeys, includedApi: api,
      stop: () => api.stop(),
    };
  }
  const source = opts.env ?? process.env;
  const env: Record<string, string> = {};
  let token: string | undefined;
  let pool: string[] = [];
  if (auth.type !== 'none') {
    token = source[auth.tokenEnv]?.trim() || undefined;
    const fromPool = auth.poolEnv ? split(source[auth.poolEnv]) : [];
    pool = [...new Set([...(token ? [token] : []), ...fromPool])];
    token ??= pool[0];
    if (token) env[auth.tokenEnv] = token;
    if (auth.poolEnv && fromPool.length) env[auth.poolEnv] = fromPool.join(',');
  }
  return { target, env, token, pool, secrets: pool, stop: async () => {} };
}
