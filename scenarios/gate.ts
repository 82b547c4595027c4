/*
 * gate — the deploy gate's load stage: both sizing promises in one run.
 *
 * Shape: two scenarios, one after the other. First `users`: ramping-vus to `sizing.users`,
 * held, with think time (closed model). Then `arrivals`: constant-arrival-rate delivering
 * `sizing.requestsPerHour` (open model). Running them in sequence judges each promise on its
 * own while one run, one summary and one report answer "may this deploy go out?". The
 * thresholds are the target's SLOs over both; probes and the sampler run throughout.
 *
 * Profiles: test seconds · ci ≈ 4 min (each part < 2 min) · full 10 min of users, then
 * 60 min of arrivals · soak hours of each.
 */
import type { Options } from 'k6/options';
import { requireArrivalMix, requireUserMix } from './lib/journeys.ts';
import { observers } from './lib/observers.ts';
import { requireTargetUp } from './lib/setup.ts';
import {
  arrivalIteration, arrivalsScenario, ARRIVALS_SECONDS, throughputDelivered, userIteration, usersReached, usersScenario, USERS_SECONDS,
} from './lib/sizing.ts';
import { TARGET } from './lib/target.ts';
import { sloThresholds, SUMMARY_TREND_STATS } from './lib/thresholds.ts';

requireUserMix('gate');
requireArrivalMix('gate');

const ARRIVALS_START = Math.ceil(USERS_SECONDS);

export const options: Options = {
  summaryTrendStats: SUMMARY_TREND_STATS,
  scenarios: {
    users: usersScenario(),
    // Starts once the users are gone, so each promise is measured on its own.
    arrivals: arrivalsScenario(`${ARRIVALS_START}s`),
    ...observers(ARRIVALS_START + ARRIVALS_SECONDS),
  },
  thresholds: {
    // The users were active at once.
    ...usersReached(),
    // The hour's requests were delivered on schedule, few dropped.
    ...throughputDelivered('arrivals'),
    // Every group, endpoint, probe, budget and service timing within its SLO through both.
    ...sloThresholds(TARGET),
  },
};

export async function setup(): Promise<void> {
  await requireTargetUp({ checkEveryKey: true });
}

export { probe, sample } from './lib/observers.ts';
export const user = userIteration;
export const arrival = arrivalIteration;
export default userIteration;
