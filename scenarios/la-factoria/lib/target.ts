/**
 * Where La Factoria's own scripts send their requests and with which keys, read from `__ENV`
 * like any k6 script's: BASE_URL, API_KEY and API_KEYS. The API rate-limits per key and k6 counts every 429
 * as a failed request, so a load test from one key would measure the limiter, not the service.
 * Real traffic comes from many users with their own keys: VUs spread over the pool in
 * `API_KEYS` (comma-separated, plus `API_KEY`) the way distinct users would.
 */
// Every script reads its target from here, so every script refuses a mistyped PROFILE at
// init, even the ones (content-lifecycle) that are the same size in every profile.
import '../../lib/profile.ts';

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
