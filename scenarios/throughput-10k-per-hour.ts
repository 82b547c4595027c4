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
import { ensureContent, requireTargetUp } from './lib/setup.ts';
import { arrivalIteration, arrivalsScenario, throughputDelivered } from './lib/sizing.ts';
import { API_DURATION, apiLatency, failedRequests, HEALTH_DURATION, healthLatency, passingChecks, SUMMARY_TREND_STATS } from './lib/slo.ts';

export const options: Options = {
  summaryTrendStats: SUMMARY_TREND_STATS,
  scenarios: {
    arrivals: arrivalsScenario(),
  },
  thresholds: {
    // The target itself: 10,000 requests actually made on schedule, under 1 % of arrivals dropped.
    ...throughputDelivered('arrivals'),
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

export const arrival = arrivalIteration;
export default arrivalIteration;
