/*
 * throughput-10k-per-hour — the sustained-throughput target, delivered on a fixed schedule.
 *
 * Shape: constant-arrival-rate (open model). Requests arrive on schedule whether or not the
 * last ones have finished, the way independent users arrive; a slow service therefore shows
 * up as latency and dropped iterations, never as a quietly lower request rate (no
 * coordinated omission). Each iteration is one request from the read mix (list, open an item,
 * quality metrics, health), with the key rotating over the pool per iteration.
 *
 * Profiles: test 60 requests in 3 s · ci 10,100 requests in 101 s (100/s: the hour's 10,000
 * in under 2 min) · full 170/min for 60 min (10,200/h) · soak 170/min for 4 h.
 */
import type { Options } from 'k6/options';
import { oneRequest } from './lib/journeys.ts';
import { byProfile } from './lib/profile.ts';
import { ensureContent, requireTargetUp } from './lib/setup.ts';
import { API_DURATION, apiLatency, failedRequests, HEALTH_DURATION, healthLatency, passingChecks, SLO } from './lib/slo.ts';
import { arrivalKey } from './lib/target.ts';

const SHAPE = byProfile({
  test: { rate: 20, timeUnit: '1s', duration: '3s', preAllocatedVUs: 5, maxVUs: 20 },
  ci: { rate: 100, timeUnit: '1s', duration: '101s', preAllocatedVUs: 50, maxVUs: 300 },
  full: { rate: 170, timeUnit: '1m', duration: '60m', preAllocatedVUs: 10, maxVUs: 100 },
  soak: { rate: 170, timeUnit: '1m', duration: '4h', preAllocatedVUs: 10, maxVUs: 100 },
});

/** How many requests this profile must deliver: the full target, except in the tiny test profile. */
const MUST_DELIVER = byProfile({ test: 55, ci: SLO.requestsPerHour, full: SLO.requestsPerHour, soak: SLO.requestsPerHour });

export const options: Options = {
  scenarios: {
    arrivals: { executor: 'constant-arrival-rate', ...SHAPE, gracefulStop: '10s' },
  },
  thresholds: {
    // The target itself: at least this many requests actually made (setup's few do not reach it).
    'http_reqs{scenario:arrivals}': [`count>=${MUST_DELIVER}`],
    // Arrivals the service was too slow to absorb: more than 1 % means the rate was not sustained.
    dropped_iterations: [`count<${Math.max(1, Math.ceil(MUST_DELIVER * 0.01))}`],
    // At the target rate, reads keep the API's p95/p99 promise.
    [API_DURATION]: apiLatency(),
    // Probes stay fast while the service is busy.
    [HEALTH_DURATION]: healthLatency(),
    // Under 1 % failures, 429s included: the key pool must carry the rate like real users would.
    http_req_failed: failedRequests(),
    // Responses are right, not only fast.
    checks: passingChecks(),
  },
};

export async function setup(): Promise<void> {
  await requireTargetUp({ needsKey: true, checkEveryKey: true });
  await ensureContent();
}

export default async function arrival(): Promise<void> {
  await oneRequest(arrivalKey());
}
