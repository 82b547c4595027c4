/*
 * breakpoint — raise the arrival rate until an SLO breaks, to find the capacity.
 *
 * Shape: ramping-arrival-rate (open model) climbing steadily from a low rate to far beyond
 * what the service is sized for (ci: ten times the rate the ci throughput runs at). Every
 * threshold carries `abortOnFail`, so the run stops at the first crossed SLO; the request
 * rate reached by then is the capacity, read from the summary (`http_reqs` rate and the
 * time series). A run that reaches its top rate without breaking means the ceiling is
 * higher than the top: raise it with `-e TOP_RATE=...`.
 *
 * A crossed threshold exits 99, which here is the expected end of the test: run it to
 * learn, not to gate. `delayAbortEval` lets the first seconds of warm-up pass.
 *
 * Profiles (requests/s, start → top): test 5 → 20 in 4 s · ci requestsPerHour / 1000 →
 * requestsPerHour / 10 in 110 s · full the same start → requestsPerHour / 5 over 20 min · soak as full.
 */
import type { Options } from 'k6/options';
import { oneRequest, requireArrivalMix } from './lib/journeys.ts';
import { observers } from './lib/observers.ts';
import { seconds } from './lib/phases.ts';
import { byProfile } from './lib/profile.ts';
import { requireTargetUp } from './lib/setup.ts';
import { LATENCY_BUDGET_S } from './lib/sizing.ts';
import { arrivalKey, TARGET } from './lib/target.ts';
import { sloThresholds, SUMMARY_TREND_STATS } from './lib/thresholds.ts';

requireArrivalMix('breakpoint');

function topRate(fallback: number): number {
  const raw = __ENV.TOP_RATE;
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new Error(`TOP_RATE=${JSON.stringify(raw)} must be a whole number of requests per second ≥ 1.`);
  return n;
}

const rph = TARGET.sizing.requestsPerHour;
const START = Math.max(1, Math.ceil(rph / 1000));
const SHAPE = byProfile({
  test: { start: 5, top: topRate(20), climb: '4s', delay: '1s' },
  ci: { start: START, top: topRate(Math.max(START + 1, Math.ceil(rph / 10))), climb: '110s', delay: '10s' },
  full: { start: START, top: topRate(Math.max(START + 1, Math.ceil(rph / 5))), climb: '20m', delay: '30s' },
  soak: { start: START, top: topRate(Math.max(START + 1, Math.ceil(rph / 5))), climb: '20m', delay: '30s' },
});

export const options: Options = {
  summaryTrendStats: SUMMARY_TREND_STATS,
  scenarios: {
    climb: {
      executor: 'ramping-arrival-rate',
      startRate: SHAPE.start,
      timeUnit: '1s',
      stages: [{ duration: SHAPE.climb, target: SHAPE.top }],
      preAllocatedVUs: Math.max(5, Math.ceil(SHAPE.top / 20)),
      // Enough VUs for the top rate at the SLO's latency: past that, drops mean the service is saturated.
      maxVUs: Math.max(40, Math.ceil(SHAPE.top * LATENCY_BUDGET_S * 2)),
      gracefulStop: '5s',
      exec: 'arrival',
    },
    ...observers(seconds(SHAPE.climb)),
  },
  thresholds: {
    // Capacity ends where any SLO breaks (latency, probes, errors, budgets): stop there.
    ...sloThresholds(TARGET, { abortAfter: SHAPE.delay }),
    // Or where the load generator can no longer start requests on time: a saturated
    // service holds every VU, so arrivals are dropped.
    'dropped_iterations{scenario:climb}': [{ threshold: `count<${Math.max(1, SHAPE.top)}`, abortOnFail: true, delayAbortEval: SHAPE.delay }],
  },
};

export async function setup(): Promise<void> {
  await requireTargetUp({ checkEveryKey: true });
}

export { probe, sample } from './lib/observers.ts';
export async function arrival(): Promise<void> {
  await oneRequest(arrivalKey());
}
export default arrival;
