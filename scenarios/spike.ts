/*
 * spike — a sudden burst of `sizing.spikeFactor` × the normal arrivals, then back to normal.
 *
 * Shape: three constant-arrival-rate scenarios back to back: baseline at the normal rate,
 * spike at spikeFactor × that rate starting at once (everyone clicking when the bell rings),
 * then recovery at the normal rate again. Open model, so the burst really arrives even if
 * the service slows down. Each phase is a k6 scenario with its own `phase` tag, and the SLOs
 * are judged per phase: no degradation during the spike, and none left over after it
 * (queues drained, pools recovered).
 *
 * The normal rate is half the rate the ci throughput runs at (requestsPerHour / 200 per
 * second), so the burst goes well past what throughput proved.
 *
 * Profiles (phase length): test 5/s, 2 s each · ci 30 s each (90 s) · full 5 min each ·
 * soak 30 min each.
 */
import type { Options, Scenario } from 'k6/options';
import { oneRequest, requireArrivalMix } from './lib/journeys.ts';
import { observers } from './lib/observers.ts';
import { byProfile, DROP_BUDGET } from './lib/profile.ts';
import { requireTargetUp } from './lib/setup.ts';
import { arrivalVus } from './lib/sizing.ts';
import { arrivalKey, TARGET } from './lib/target.ts';
import { sloThresholds, SUMMARY_TREND_STATS } from './lib/thresholds.ts';

requireArrivalMix('spike');

const NORMAL = Math.max(1, Math.ceil(TARGET.sizing.requestsPerHour / 200));
const RATE = byProfile({ test: 5, ci: NORMAL, full: NORMAL, soak: NORMAL });
const SPIKE = Math.ceil(RATE * TARGET.sizing.spikeFactor);
const PHASE_SECONDS = byProfile({ test: 2, ci: 30, full: 300, soak: 1800 });
/** Arrivals scheduled over the three phases. */
const ARRIVALS = PHASE_SECONDS * (RATE + SPIKE + RATE);

function phase(name: string, index: number, rate: number): Scenario {
  return {
    executor: 'constant-arrival-rate',
    rate,
    timeUnit: '1s',
    duration: `${PHASE_SECONDS}s`,
    startTime: `${index * PHASE_SECONDS}s`,
    // Every phase may grow to the spike's VUs: a slow recovery needs as many as the burst.
    preAllocatedVUs: arrivalVus(rate).preAllocatedVUs,
    maxVUs: arrivalVus(SPIKE).maxVUs,
    gracefulStop: '5s',
    exec: 'arrival',
    tags: { phase: name },
  };
}

export const options: Options = {
  summaryTrendStats: SUMMARY_TREND_STATS,
  scenarios: {
    baseline: phase('baseline', 0, RATE),
    spike: phase('spike', 1, SPIKE),
    recovery: phase('recovery', 2, RATE),
    ...observers(3 * PHASE_SECONDS),
  },
  thresholds: {
    // The SLOs at the normal rate, during the burst, and once it is over, each on its own.
    ...sloThresholds(TARGET, { phases: ['baseline', 'spike', 'recovery'] }),
    // The spike is absorbed, not shed: arrivals with no free VU are dropped requests.
    dropped_iterations: [`count<${Math.max(1, Math.ceil(ARRIVALS * DROP_BUDGET))}`],
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
