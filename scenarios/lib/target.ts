/**
 * The target this bundle was built for, and where its load goes: `__ENV.BASE_URL` (shipcheck
 * passes the live address; `-e BASE_URL=...` with real k6) overrides the configured base URL.
 * Keys come from the variables the target's auth names (`API_KEY`, `API_KEYS`). A service
 * that rate-limits per key would otherwise be measured through its limiter, so VUs spread
 * over the pool the way distinct users would.
 */
import exec from 'k6/execution';
import target from 'shipcheck:target';
import type { ResolvedEndpoint, Target } from '../../harness/target/types.ts';
// Every shape reads its target from here, so every shape refuses a mistyped PROFILE at init,
// even the ones (smoke) that are the same size in every profile.
import './profile.ts';

export const TARGET: Target = target;

/** Where requests go: `__ENV.BASE_URL`, else the base URL the bundle was built with. */
export const BASE_URL: string = ((__ENV.BASE_URL ?? '').trim() || target.baseUrl).replace(/\/+$/, '');

const split = (s: string | undefined) => (s ?? '').split(',').map((k) => k.trim()).filter(Boolean);

/** Every key to spread load over: the token first, then the pool, without repeats. Empty without auth. */
export const KEYS: readonly string[] = (() => {
  const auth = target.auth;
  if (auth.type === 'none') return [];
  const all = [...split(__ENV[auth.tokenEnv]), ...(auth.poolEnv ? split(__ENV[auth.poolEnv]) : [])];
  return all.filter((k, i) => all.indexOf(k) === i);
})();

/** The one token (the first key); empty when none is given. */
export const TOKEN: string = KEYS[0] ?? '';

/**
 * The key of the user this VU plays: VU n keeps key n (mod the pool), like a person keeps
 * their account. For closed-model shapes, where a VU is a user.
 */
export function userKey(): string {
  if (KEYS.length === 0) return '';
  return KEYS[(Math.max(1, __VU) - 1) % KEYS.length]!;
}

/**
 * The key for this iteration, round robin over the pool by the iteration's number in the
 * test. For arrival-rate shapes, where iterations (not VUs) are the arriving users and
 * whichever VU is free runs them: keying by VU would pile the load on the first few keys.
 */
export function arrivalKey(): string {
  if (KEYS.length === 0) return '';
  const n = exec.scenario.iterationInTest;
  return KEYS[(Number.isFinite(n) && n >= 0 ? n : 0) % KEYS.length]!;
}

/** A path below BASE_URL, or an absolute URL as it is. */
export function urlOf(pathOrUrl: string): string {
  return /^https?:\/\//i.test(pathOrUrl) ? pathOrUrl : `${BASE_URL}${pathOrUrl.startsWith('/') ? '' : '/'}${pathOrUrl}`;
}

/** The auth header carrying `key`, as the target's auth says (none without auth or key). */
export function authHeaders(key: string): Record<string, string> {
  const auth = target.auth;
  if (auth.type === 'none' || !key) return {};
  return { [auth.header]: auth.type === 'bearer' ? `Bearer ${key}` : key };
}

/** Endpoints by their config key. */
export const ENDPOINTS: Readonly<Record<string, ResolvedEndpoint>> = Object.fromEntries(target.endpoints.map((e) => [e.key, e]));
