/*
 * spike-3x — a sudden 3× burst of arrivals, then back to normal.
 *
 * Shape: three constant-arrival-rate scenarios back to back: baseline at the normal rate,
 * spike at 3× that rate starting at once (a whole school clicking "generate" when the bell
 * rings), then recovery at the normal rate again. Open model, so the burst really arrives
 * even if the service slows down. Each phase is a k6 scenario with its own `phase` tag,
 * and the SLOs are judged per phase: no degradation during the spike, and none left over
 * after it (queues drained, pools recovered).
 *
 * Profiles (requests/s, baseline → spike): test 5 → 15 · ci 50 → 150, 30 s each (90 s) ·
 * full 50 → 150, 5 min each · soak 50 → 150 every phase 30 min.
 */
import type { Options, Scenario } from 'k6/options';
import { oneRequest } from './lib/journeys.ts';
import { byProfile, DROP_BUDGET } from './lib/profile.ts';
import { ensureContent, requireTargetUp } from './lib/setup.ts';
import { apiLatency, durationOf, failedRequests, HEALTH_DURATION, healthLatency, passingChecks, SLO, SUMMARY_TREND_STATS } from './lib/slo.ts';
import { arrivalKey } from './lib/target.ts';

const RATE = byProfile({ test: 5, ci: 50, full: 50, soak: 50 });
const PHASE_SECONDS = byProfile({ test: 2, ci: 30, full: 300, soak: 1800 });
const VUS = byProfile({ test: 4, ci: 50, full: 50, soak: 50 });
/** Arrivals scheduled over the three phases. */
const ARRIVALS = RATE * PHASE_SECONDS * (1 + SLO.spikeFactor + 1);

function phase(name: string, index: number, rate: number): Scenario {
  return {
    executor: 'constant-arrival-rate',
    rate,
    timeUnit: '1s',
    duration: `${PHASE_SECONDS}s`,
    startTime: `${index * PHASE_SECONDS}s`,
    preAllocatedVUs: VUS * (rate > RATE ? SLO.spikeFactor : 1),
    maxVUs: VUS * SLO.spikeFactor * 2,
    gracefulStop: '5s',
    tags: { phase: name },
  };
}

export const options: Options = {
  summaryTrendStats: SUMMARY_TREND_STATS,
  scenarios: {
    baseline: phase('baseline', 0, RATE),
    spike: phase('spike', 1, RATE * SLO.spikeFactor),
    recovery: phase('recovery', 2, RATE),
  },
  thresholds: {
    // During the burst the API keeps its p95/p99 promise: a 3× spike must not degrade it.
    [durationOf('api', { phase: 'spike' })]: apiLatency(),
    // Once the burst is over, latency is back within the SLO (nothing left queued or leaking).
    [durationOf('api', { phase: 'recovery' })]: apiLatency(),
    // The normal rate meets the SLO to begin with.
    [durationOf('api', { phase: 'baseline' })]: apiLatency(),
    // Probes stay fast through the burst.
    [HEALTH_DURATION]: healthLatency(),
    // The spike is absorbed, not shed: arrivals with no free VU are dropped requests (1 % budget).
    dropped_iterations: [`count<${Math.max(1, Math.ceil(ARRIVALS * DROP_BUDGET))}`],
    // Under 1 % failures, 429s included.
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
