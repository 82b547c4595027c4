/**
 * The two sizing targets as reusable load shapes: 500 concurrent users (closed model, with
 * think time) and 10,000 requests per hour (open model, constant arrival rate). The
 * `load-500-users` and `throughput-10k-per-hour` scenarios each run one; the `gate` scenario
 * runs both, one after the other.
 */
import exec from 'k6/execution';
import { Trend } from 'k6/metrics';
import type { Scenario, Threshold } from 'k6/options';
import { mixedJourney, oneRequest } from './journeys.ts';
import { seconds } from './phases.ts';
import { byProfile, DROP_BUDGET, perInstance } from './profile.ts';
import { SLO } from './slo.ts';
import { arrivalKey, userKey } from './target.ts';

// --- 500 concurrent users ---

export const USERS = byProfile({ test: 5, ci: SLO.concurrentUsers, full: SLO.concurrentUsers, soak: SLO.concurrentUsers });

const USER_STAGES = byProfile({
  test: [{ duration: '1s', target: USERS }, { duration: '3s', target: USERS }, { duration: '1s', target: 0 }],
  ci: [{ duration: '30s', target: USERS }, { duration: '60s', target: USERS }, { duration: '15s', target: 0 }],
  full: [{ duration: '2m', target: USERS }, { duration: '10m', target: USERS }, { duration: '1m', target: 0 }],
  soak: [{ duration: '5m', target: USERS }, { duration: '2h', target: USERS }, { duration: '2m', target: 0 }],
});
const USER_GRACE = byProfile({ test: '2s', ci: '10s', full: '30s', soak: '30s' });

/** Users active when each iteration starts: its max proves the target concurrency was reached. */
const activeUsers = new Trend('active_users');

/** Ramp to USERS, hold, ramp down; VUs are users with their own keys and think time. */
export function usersScenario(startTime = '0s'): Scenario {
  return {
    executor: 'ramping-vus',
    startVUs: 0,
    stages: USER_STAGES,
    // A user mid-journey finishes what they are reading before leaving.
    gracefulRampDown: USER_GRACE,
    gracefulStop: USER_GRACE,
    startTime,
    exec: 'user',
  };
}

/** How long the users scenario can last, grace included, in seconds. */
export const USERS_SECONDS = USER_STAGES.reduce((s, st) => s + seconds(st.duration), 0) + seconds(USER_GRACE);

/** The sizing target itself: this many users (this instance's share) were active at once. */
export function usersReached(): Record<string, Threshold[]> {
  return { active_users: [`max>=${perInstance(USERS)}`] };
}

/** One user's iteration: a journey from the school-day mix. */
export async function userIteration(): Promise<void> {
  activeUsers.add(exec.instance.vusActive);
  await mixedJourney(userKey());
}

// --- 10,000 requests per hour ---

const ARRIVALS = byProfile({
  test: { rate: 20, timeUnit: '1s', duration: '3s', preAllocatedVUs: 5, maxVUs: 20 },
  ci: { rate: 100, timeUnit: '1s', duration: '101s', preAllocatedVUs: 50, maxVUs: 300 },
  full: { rate: 170, timeUnit: '1m', duration: '60m', preAllocatedVUs: 10, maxVUs: 100 },
  soak: { rate: 170, timeUnit: '1m', duration: '4h', preAllocatedVUs: 10, maxVUs: 100 },
});

/** How many requests the arrivals must deliver: the full target, except in the tiny test profile. */
export const MUST_DELIVER = byProfile({ test: 50, ci: SLO.requestsPerHour, full: SLO.requestsPerHour, soak: SLO.requestsPerHour });

/** Requests arriving on a fixed schedule; each iteration is one request with the next key. */
export function arrivalsScenario(startTime = '0s'): Scenario {
  return { executor: 'constant-arrival-rate', ...ARRIVALS, gracefulStop: '10s', startTime, exec: 'arrival' };
}

/** The throughput target: requests actually made by the `scenario` arrivals, and few dropped. */
export function throughputDelivered(scenario: string): Record<string, Threshold[]> {
  const share = perInstance(MUST_DELIVER);
  return {
    [`http_reqs{scenario:${scenario}}`]: [`count>=${share}`],
    [`dropped_iterations{scenario:${scenario}}`]: [`count<${Math.max(1, Math.ceil(share * DROP_BUDGET))}`],
  };
}

/** One arriving request from the read mix. */
export async function arrivalIteration(): Promise<void> {
  await oneRequest(arrivalKey());
}
