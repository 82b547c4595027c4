/**
 * What each La Factoria script's `setup()` does first: make sure the target is up and the keys work,
 * and stop the whole test with one clear message when they are not. Hammering a dead target
 * for ten minutes only to report 100 % failures helps nobody.
 *
 * `setup()` returns nothing: older k6 releases lose the data an async `setup()` returns, and
 * everything the VUs need (URL, keys) comes from `__ENV` in the init context anyway.
 */
import exec from 'k6/execution';
import http from 'k6/http';
import { call, type ApiResponse } from './api.ts';
import { ROUTES } from './routes.ts';
import { API_KEY, API_KEYS, BASE_URL } from './target.ts';

const SETUP_TAGS = { phase: 'setup' };
const KEY_CHECK_BATCH = 20;

function abort(message: string): never {
  exec.test.abort(message);
  // abort() interrupts the test; this only satisfies the type checker.
  throw new Error(message);
}

function ordinal(n: number): string {
  const s = n % 100 >= 11 && n % 100 <= 13 ? 'th' : (['th', 'st', 'nd', 'rd'][n % 10] ?? 'th');
  return `${n}${s}`;
}

export interface TargetRequirements {
  /** The scenario calls authenticated endpoints, so it needs at least one working key. */
  needsKey?: boolean;
  /** Check every key in the pool, not only the first (each check costs the key one request). */
  checkEveryKey?: boolean;
}

/** Aborts the test (exit 108) with a message saying what is wrong and how to fix it. */
export async function requireTargetUp(req: TargetRequirements = {}): Promise<void> {
  const res = await http.asyncRequest('GET', `${BASE_URL}${ROUTES.liveness}`, null, {
    tags: { name: `GET ${ROUTES.liveness}`, slo: 'setup', ...SETUP_TAGS },
    timeout: '10s',
  });
  if (res.status !== 200) {
    const why = res.status === 0 ? `could not connect (${res.error || 'no response'})` : `answered HTTP ${res.status}`;
    abort(`The target ${BASE_URL} is not up: GET ${ROUTES.liveness} ${why}. Start it ("shipcheck serve"), or point -e BASE_URL=... at a running API.`);
  }
  if (!req.needsKey) return;
  if (API_KEYS.length === 0) {
    abort('No API key given: set -e API_KEY=<key> (and -e API_KEYS=k1,k2,... to spread the load over many users, since the API rate-limits per key).');
  }
  const toCheck = req.checkEveryKey ? API_KEYS : [API_KEY];
  const answers: ApiResponse[] = [];
  // A few at a time: hundreds of keys checked at once would be a load test of its own.
  for (let i = 0; i < toCheck.length; i += KEY_CHECK_BATCH) {
    answers.push(...await Promise.all(toCheck.slice(i, i + KEY_CHECK_BATCH).map((key) =>
      call('GET', ROUTES.contentList, { key, query: { limit: 1 }, slo: 'setup', tags: SETUP_TAGS, expectedStatuses: [200, 401, 403, 429] }))));
  }
  answers.forEach((r, i) => {
    if (r.status === 401 || r.status === 403) {
      abort(`The ${ordinal(i + 1)} key in API_KEY/API_KEYS is not accepted by ${BASE_URL} (HTTP ${r.status}). Give keys the target was started with.`);
    }
    if (r.status !== 200 && r.status !== 429) {
      abort(`The target ${BASE_URL} is up but GET ${ROUTES.contentList} answered HTTP ${r.status}${r.error ? ` (${r.error})` : ''}: it cannot serve load. Check its logs.`);
    }
  });
}
