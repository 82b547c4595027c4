/*
 * throughput — the sustained-throughput promise (`sizing.requestsPerHour`), on a schedule.
 *
 * Shape: constant-arrival-rate (open model). Requests arrive on schedule whether or not the
 * last ones have finished, the way independent users arrive; a slow service therefore shows
 * up as latency and dropped iterations, never as a quietly lower request rate (no
 * coordinated omission). Each iteration is one request drawn from the endpoints by weight
 * (weight 0 = journeys only); one that needs a value this VU has not captured yet (an id)
 * becomes the request that captures it. Keys rotate over the pool per iteration.
 *
 * Profiles: test 20/s for 3 s · ci the hour's requests in 101 s (requestsPerHour / 100 per
 * second) · full requestsPerHour + 2 % over 60 min · soak the same rate for 4 h.
 */
import type { Options } from 'k6/options';
import { requireArrivalMix } from './lib/journeys.ts';
import { observers } from './lib/observers.ts';
import { requireTargetUp } from './lib/setup.ts';
import { arrivalIteration, arrivalsScenario, ARRIVALS_SECONDS, throughputDelivered } from './lib/sizing.ts';
import { TARGET } from './lib/target.ts';
import { sloThresholds, SUMMARY_TREND_STATS } from './lib/thresholds.ts';

requireArrivalMix('throughput');

export const options: Options = {
  summaryTrendStats: SUMMARY_TREND_STATS,
  scenarios: {
    arrivals: arrivalsScenario(),
    ...observers(ARRIVALS_SECONDS),
  },
  thresholds: {
    // The promise itself: the hour's requests actually made on schedule, few arrivals dropped.
    ...throughputDelivered('arrivals'),
    // At that rate, every group, endpoint, probe, budget and service timing within its SLO.
    ...sloThresholds(TARGET),
  },
};

export async function setup(): Promise<void> {
  await requireTargetUp({ checkEveryKey: true });
}

export { probe, sample } from './lib/observers.ts';
export const arrival = arrivalIteration;
export default arrivalIteration;
