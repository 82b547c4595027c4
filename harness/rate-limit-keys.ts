/**
 * The rate-limit check exhausts one key's limit, so it needs a key besides the main token.
 * Without one it cannot run, and that is the run's configuration, not the deployment's fault:
 * the commands ask here before starting the suites and report a harness problem (exit 2)
 * naming what to set, never a failed test.
 */
import { fail, type ShipcheckError } from './errors.ts';
import type { LiveTarget } from './target/live-target.ts';

/** The title the smoke suite gives the check (smoke/security.spec.ts), for --grep. */
const checkTitle = (method: string, path: string, max: number) => `${method} ${path} answers 429 with Retry-After within ${max} requests @security`;

/** Why the rate-limit check cannot run on `live`, or undefined when it can (or is not asked for, or --grep leaves it out). */
export function rateLimitKeyProblem(live: LiveTarget, grep?: string): ShipcheckError | undefined {
  const limit = live.target.security.rateLimit;
  const auth = live.target.auth;
  if (!limit || auth.type === 'none') return undefined;
  if (grep && !new RegExp(grep).test(checkTitle(limit.method, limit.path, limit.maxRequests))) return undefined;
  const spare = live.pool.filter((k) => k !== live.token);
  if (spare.length > 0) return undefined;
  return fail('SHIPCHECK_ERR_RATE_LIMIT_NO_KEY', {
    target: `target "${live.target.name}"`,
    route: `${limit.method} ${limit.path}`,
    has: live.pool.length ? `only the main token (${auth.tokenEnv})` : 'no key at all',
    fix: auth.poolEnv ? `${auth.poolEnv} to two or more keys, comma-separated (${auth.tokenEnv} is the first unless set)` : `a pool of keys: name it in the target's auth (poolEnv: 'API_KEYS') and set that variable to two or more keys`,
  });
}
