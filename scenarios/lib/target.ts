/**
 * Where the load goes and with which keys. The API rate-limits per key and k6 counts every 429
 * as a failed request, so a load test from one key would measure the limiter, not the service.
 * Real traffic comes from many users with their own keys: VUs spread over the pool in
 * `API_KEYS` (comma-separated, plus `API_KEY`) the way distinct users would.
 */
import exec from 'k6/execution';
// Every scenario reads its target from here, so every scenario refuses a mistyped PROFILE at
// init, even the ones (smoke) that are the same size in every profile.
import './profile.ts';

function trimSlash(url: string): string {
  return url.replace(/\/+$/, '');
}

/** The target's base URL (`-e BASE_URL=...`, default the included API on this machine). */
export const BASE_URL: string = trimSlash((__ENV.BASE_URL ?? '').trim() || 'http://127.0.0.1:3000');

/** Every key to spread load over: `API_KEY` first, then `API_KEYS`, without repeats. */
export const API_KEYS: readonly string[] = (() => {
  const all = [__ENV.API_KEY ?? '', ...(__ENV.API_KEYS ?? '').split(',')].map((k) => k.trim()).filter(Boolean);
  return all.filter((k, i) => all.indexOf(k) === i);
})();

/** The one key: `API_KEY`, else the first of `API_KEYS`. Empty when none is set. */
export const API_KEY: string = API_KEYS[0] ?? '';

/**
 * The key of the user this VU plays: VU n keeps key n (mod the pool), like a person keeps
 * their account. For closed-model scenarios, where a VU is a user.
 */
export function userKey(): string {
  if (API_KEYS.length === 0) return '';
  const vu = Math.max(1, __VU);
  return API_KEYS[(vu - 1) % API_KEYS.length]!;
}

/**
 * The key for this iteration, round-robin over the pool by the iteration's number in the
 * test. For arrival-rate scenarios, where iterations (not VUs) are the arriving users and
 * whichever VU is free runs them: keying by VU would pile the load on the first few keys.
 */
export function arrivalKey(): string {
  if (API_KEYS.length === 0) return '';
  const n = exec.scenario.iterationInTest;
  return API_KEYS[(Number.isFinite(n) && n >= 0 ? n : 0) % API_KEYS.length]!;
}
