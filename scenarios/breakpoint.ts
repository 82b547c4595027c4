/*
 * breakpoint — raise the arrival rate until an SLO breaks, to find the capacity.
 *
 * Shape: ramping-arrival-rate (open model) climbing steadily from a low rate to far beyond
 * what the service should take. Thresholds carry `abortOnFail`, so the run stops at the
 * first crossed SLO; the request rate reached by then is the capacity, read from the summary
 * (`http_reqs` rate and the time series). A run that hits its top rate without breaking
 * means the ceiling is higher than the top: raise TOP_RATE (`-e TOP_RATE=...`).
 *
 * A crossed threshold exits 99, which here is the expected end of the test: run it to
 * learn, not to gate. `delayAbortEval` lets the first seconds of warm-up pass.
 *
 * Profiles (requests/s, start → top): test 5 → 20 in 4 s · ci 10 → 1,000 in 110 s ·
 * full 10 → 2,000 over 20 min · soak as full.
 */
import type { Options } from 'k6/options';
import { oneRequest } from './lib/journeys.ts';
import { byProfile } from './lib/profile.ts';
import { ensureContent, requireTargetUp } from './lib/setup.ts';
import { abortingOnFail, API_DURATION, apiLatency, failedRequests, HEALTH_DURATION, healthLatency, SUMMARY_TREND_STATS } from './lib/slo.ts';
import { arrivalKey } from './lib/target.ts';

function topRate(fallback: number): number {
  const raw = __ENV.TOP_RATE;
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new Error(`TOP_RATE=${JSON.stringify(raw)} must be a whole number of requests per second ≥ 1.`);
  return n;
}

const SHAPE = byProfile({
  test: { start: 5, top: topRate(20), climb: '4s', vus: 5, maxVUs: 40, delay: '1s' },
  ci: { start: 10, top: topRate(1000), climb: '110s', vus: 50, maxVUs: 1000, delay: '10s' },
  full: { start: 10, top: topRate(2000), climb: '20m', vus: 100, maxVUs: 3000, delay: '30s' },
  soak: { start: 10, top: topRate(2000), climb: '20m', vus: 100, maxVUs: 3000, delay: '30s' },
});

export const options: Options = {
  summaryTrendStats: SUMMARY_TREND_STATS,
  scenarios: {
    climb: {
      executor: 'ramping-arrival-rate',
      startRate: SHAPE.start,
      timeUnit: '1s',
      stages: [{ duration: SHAPE.climb, target: SHAPE.top }],
      preAllocatedVUs: SHAPE.vus,
      maxVUs: SHAPE.maxVUs,
      gracefulStop: '5s',
    },
  },
  thresholds: {
    // Capacity ends where the API's latency promise breaks: stop there.
    [API_DURATION]: abortingOnFail(apiLatency(), SHAPE.delay),
    // Or where health probes slow down enough for the orchestrator to act.
    [HEALTH_DURATION]: abortingOnFail(healthLatency(), SHAPE.delay),
    // Or where more than 1 % of requests fail (errors, timeouts, 429s for a too-small key pool).
    http_req_failed: abortingOnFail(failedRequests(), SHAPE.delay),
    // Or where the load generator can no longer start requests on time: a saturated
    // service holds every VU, so arrivals are dropped.
    dropped_iterations: abortingOnFail([`count<${Math.max(1, SHAPE.top)}`], SHAPE.delay),
  },
};

export async function setup(): Promise<void> {
  await requireTargetUp({ needsKey: true, checkEveryKey: true });
  await ensureContent();
}

export default async function arrival(): Promise<void> {
  await oneRequest(arrivalKey());
}
