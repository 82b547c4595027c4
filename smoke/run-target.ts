/**
 * The target a smoke run is about, as the Playwright runner and its workers see it: the
 * resolved `Target` that `runSmoke` wrote to `<resultDir>/target.json` and named in
 * SHIPCHECK_TARGET_FILE. The spec files read it when they are collected, to make one test per
 * probe, endpoint and page. Credentials are not in it: they are in the runner's environment,
 * under the names the target's auth gives (`auth.tokenEnv`, `auth.poolEnv`).
 */
import fs from 'node:fs';
import { redactUrl } from '../harness/redact.ts';
import type { ResolvedAuth, Target } from '../harness/target/types.ts';

export const TARGET_FILE_ENV = 'SHIPCHECK_TARGET_FILE';
/** Set by the config's `webServer` when a direct Playwright run started the included API itself. */
export const WEB_SERVER_URL_ENV = 'SHIPCHECK_SMOKE_URL';

/** An HTML report for the accessibility scan (runSmoke's `reportHtml`), exposed to specs as the `reportHtml` fixture. */
export const REPORT_HTML_ENV = 'SHIPCHECK_REPORT_HTML';
/** Set by the config when a direct Playwright run starts the included API itself. */
export const STARTS_API_ENV = 'SHIPCHECK_SMOKE_STARTS_API';
/** A folder private to one run (not the result folder) for state the tests pass on, such as captured values. */
export const SMOKE_STATE_DIR_ENV = 'SHIPCHECK_SMOKE_STATE_DIR';

let cached: { file: string; target: Target } | undefined;

/** The run's target (read once per process). */
export function runTarget(env: NodeJS.ProcessEnv = process.env): Target {
  const file = env[TARGET_FILE_ENV]?.trim();
  if (!file) {
    throw new Error(`${TARGET_FILE_ENV} is not set, so the smoke suites do not know which target to check. Run them with "shipcheck smoke", or with "npx playwright test -c smoke/playwright.config.ts", which resolves the project's shipcheck.config.ts.`);
  }
  if (cached?.file !== file) {
    let target: Target;
    try { target = JSON.parse(fs.readFileSync(file, 'utf8')) as Target; } catch (e) {
      throw new Error(`${TARGET_FILE_ENV}=${file} does not hold a target (${(e as Error).message}). It is written by runSmoke(); run the suites through "shipcheck smoke".`);
    }
    const served = env[WEB_SERVER_URL_ENV]?.trim();
    cached = { file, target: served ? { ...target, baseUrl: served.replace(/\/+$/, '') } : target };
  }
  return cached.target;
}

/** An absolute URL below the target's base URL (which may carry a path prefix of its own). */
export function urlOf(target: Target, pathAndQuery: string): string {
  return `${target.baseUrl}${pathAndQuery.startsWith('/') ? '' : '/'}${pathAndQuery}`;
}

/** The request header that carries `token` under the target's auth, or none. */
export function authHeader(auth: ResolvedAuth, token: string | undefined): Record<string, string> {
  if (auth.type === 'none' || token === undefined) return {};
  return { [auth.header]: auth.type === 'bearer' ? `Bearer ${token}` : token };
}

/** The token and the pool of keys from the runner's environment, by the names the target's auth uses. */
export function credentials(target: Target, env: NodeJS.ProcessEnv = process.env): { token?: string; pool: string[] } {
  const auth = target.auth;
  if (auth.type === 'none') return { pool: [] };
  const token = env[auth.tokenEnv]?.trim() || undefined;
  const pool = auth.poolEnv ? (env[auth.poolEnv] ?? '').split(',').map((k) => k.trim()).filter(Boolean) : [];
  return { token: token ?? pool[0], pool: [...new Set([...(token ? [token] : []), ...pool])] };
}

/** Where a message says the target is: `target "la-factoria" (http://127.0.0.1:3000)`. */
export function describeTarget(target: Target): string {
  return `target "${target.name}" (${redactUrl(target.baseUrl).replace(/\/$/, '')})`;
}
