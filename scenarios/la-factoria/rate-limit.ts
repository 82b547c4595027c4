/*
 * rate-limit — La Factoria's own script: one key driven past its limit, to prove the limiter
 * works and that it limits per key.
 *
 * Shape: per-vu-iterations, a few VUs sharing ONE key (API_KEY), each sending reads back to
 * back until the API answers 429, then a few more to see it stays closed. Concurrent senders
 * check that the limit holds under races, not only for one polite client. The 429s are the
 * expected outcome here, so they are declared expected (`responseCallback`) and do not count
 * in `http_req_failed`; what fails the run is a limit that never comes, a 429 without
 * `Retry-After`, or a key that stays blocked after waiting as told. Teardown then checks that
 * another key from the pool was never affected (the limit is per key) and that the limited
 * key is served again after its Retry-After.
 *
 * This is the only script that uses one key on purpose: the load shapes spread their VUs
 * over API_KEYS so they measure the service, not the limiter.
 *
 * Profiles: the same in all; each VU gives up after RATE_LIMIT_MAX_REQUESTS (default 2,000)
 * requests without a 429.
 */
import { check } from 'k6';
import { Counter, Rate } from 'k6/metrics';
import type { Options } from 'k6/options';
import { call, type ApiResponse } from './lib/api.ts';
import { pause } from '../lib/pause.ts';
import { byProfile } from '../lib/profile.ts';
import { ROUTES } from './lib/routes.ts';
import { requireTargetUp } from './lib/setup.ts';
import { API_DURATION, apiLatency, failedRequests, passingChecks, SUMMARY_TREND_STATS } from './lib/slo.ts';
import { API_KEY, API_KEYS } from './lib/target.ts';

const SENDERS = byProfile({ test: 4, ci: 10, full: 10, soak: 10 });
const MAX_REQUESTS = (() => {
  const raw = __ENV.RATE_LIMIT_MAX_REQUESTS;
  const n = raw === undefined || raw === '' ? 2000 : Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new Error(`RATE_LIMIT_MAX_REQUESTS=${JSON.stringify(raw)} must be a whole number ≥ 1.`);
  return n;
})();
/** Requests each sender makes after its first 429, all of which must be refused too. */
const AFTER_LIMIT = 5;
/** Longest Retry-After we are willing to wait for in teardown. */
const MAX_WAIT_S = 65;

/** Every 429 seen: there must be some. */
const rateLimited = new Counter('rate_limited_responses');
/** Share of 429s that say when to come back. */
const retryAfterGiven = new Rate('retry_after_present');

export const options: Options = {
  summaryTrendStats: SUMMARY_TREND_STATS,
  scenarios: {
    senders: { executor: 'per-vu-iterations', vus: SENDERS, iterations: 1, maxDuration: '2m' },
  },
  // Teardown may wait out a Retry-After before its last request.
  teardownTimeout: `${MAX_WAIT_S + 30}s`,
  thresholds: {
    // The limiter engaged at all: a key driven past its limit gets 429s.
    rate_limited_responses: ['count>0'],
    // Every 429 carries Retry-After, so well-behaved clients know when to retry.
    retry_after_present: ['rate==1'],
    // Only 200 and 429 are expected; anything else (5xx, timeouts) is a failure.
    http_req_failed: failedRequests(),
    // The checks above plus "limited in time", "stays limited", "other keys unaffected".
    checks: passingChecks(),
    // Refusing is cheap: 429s and 200s alike meet the API latency targets.
    [API_DURATION]: apiLatency(),
  },
};

export async function setup(): Promise<void> {
  await requireTargetUp({ needsKey: true });
}

function read(key: string): Promise<ApiResponse> {
  return call('GET', ROUTES.contentList, { key, query: { limit: 1 }, expectedStatuses: [200, 429] });
}

function retryAfterSeconds(res: ApiResponse): number | undefined {
  const raw = res.headers['Retry-After'];
  if (raw === undefined || !/^\d+$/.test(raw.trim())) return undefined;
  return Number(raw);
}

function record(res: ApiResponse): void {
  check(res, { 'rate-limit: 200 or 429, nothing else': (r) => r.status === 200 || r.status === 429 });
  if (res.status === 429) {
    rateLimited.add(1);
    const after = retryAfterSeconds(res);
    retryAfterGiven.add(after !== undefined && after >= 1);
    check(res, { 'rate-limit: 429 has a JSON error': (r) => String(r.headers['Content-Type'] ?? '').includes('application/json') });
  }
}

export default async function sender(): Promise<void> {
  let sent = 0;
  let limited = false;
  while (sent < MAX_REQUESTS && !limited) {
    const res = await read(API_KEY);
    sent++;
    record(res);
    limited = res.status === 429;
  }
  check(limited, { [`rate-limit: limited within ${MAX_REQUESTS} requests`]: (l) => l });
  if (!limited) return;
  let stillLimited = 0;
  for (let i = 0; i < AFTER_LIMIT; i++) {
    const res = await read(API_KEY);
    record(res);
    if (res.status === 429) stillLimited++;
  }
  // A token may refill meanwhile (that is the sustained rate), but most must still be refused.
  check(stillLimited, { 'rate-limit: stays limited right after': (n) => n >= AFTER_LIMIT - 1 });
}

export async function teardown(): Promise<void> {
  const other = API_KEYS.find((k) => k !== API_KEY);
  if (other) {
    const res = await read(other);
    check(res, { 'rate-limit: another key is not limited (limits are per key)': (r) => r.status === 200 });
  }
  const first = await read(API_KEY);
  if (first.status !== 429) return;
  const wait = retryAfterSeconds(first) ?? 1;
  check(wait, { [`rate-limit: Retry-After within ${MAX_WAIT_S} s`]: (w) => w <= MAX_WAIT_S });
  await pause(Math.min(wait, MAX_WAIT_S));
  const again = await read(API_KEY);
  check(again, { 'rate-limit: served again after Retry-After': (r) => r.status === 200 });
}
