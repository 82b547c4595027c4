/*
 * users — the concurrent users the target is sized for (`sizing.users`), with think time.
 *
 * Shape: ramping-vus (closed model: each VU is one user with their own key) ramping to the
 * users the service is sized for, holding there, ramping down. Users follow the target's
 * journeys by weight and pause between requests as people do, so N VUs means N people, not
 * N tight loops. Health probes and the metrics sampler run alongside.
 *
 * Profiles: test min(users, 5) for seconds · ci all users reached in 30 s and held 60 s
 * (< 2 min) · full held 10 min · soak held 2 h.
 *
 * Keys: give as many as you can in the target's key pool: a service that rate-limits per
 * key must see many users, and VU n plays the user of key n mod the pool.
 */
import type { Options } from 'k6/options';
import { requireUserMix } from './lib/journeys.ts';
import { observers } from './lib/observers.ts';
import { requireTargetUp } from './lib/setup.ts';
import { userIteration, usersReached, usersScenario, USERS_SECONDS } from './lib/sizing.ts';
import { TARGET } from './lib/target.ts';
import { sloThresholds, SUMMARY_TREND_STATS } from './lib/thresholds.ts';

requireUserMix('users');

export const options: Options = {
  summaryTrendStats: SUMMARY_TREND_STATS,
  scenarios: {
    users: usersScenario(),
    ...observers(USERS_SECONDS),
  },
  thresholds: {
    // The sizing promise: this many users were active at once (active_users max).
    ...usersReached(),
    // Every group, endpoint, probe, budget and service timing within its SLO at full concurrency.
    ...sloThresholds(TARGET),
  },
};

export async function setup(): Promise<void> {
  await requireTargetUp({ checkEveryKey: true });
}

export { probe, sample } from './lib/observers.ts';
export const user = userIteration;
export default userIteration;
