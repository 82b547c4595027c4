/**
 * The target's two sizing promises as load shapes: `sizing.users` concurrent users (closed
 * model, with think time) and `sizing.requestsPerHour` (open model, constant arrival rate).
 * The `users` and `throughput` shapes each run one; `gate` runs both, one after the other;
 * the other shapes take their numbers from the same sizing.
 */
import exec from 'k6/execution';
import { Trend } from 'k6/metrics';
import type { Scenario, Threshold } from 'k6/options';
import { oneRequest, userIteration as journeyIteration } from './journeys.ts';
import { OBSERVER_VUS } from './observers.ts';
import { seconds } from './phases.ts';
import { byProfile, DROP_BUDGET, perInstance } from './profile.ts';
import { arrivalKey, TARGET, userKey } from './target.ts';

const { users, requestsPerHour } = TARGET.sizing;

/**
 * Seconds a request may take within its SLO: the slowest limit among the groups the arrival
 * mix draws from (p99, else p95), at least half a second. Arrival-rate shapes need about
 * rate × this many VUs in flight; fewer, and arrivals are dropped although the service is fine.
 */
export const LATENCY_BUDGET_S: number = Math.max(0.5, ...TARGET.endpoints
  .filter((e) => e.weight > 0)
  .map((e) => TARGET.slo.groups[e.group])
  .map((g) => (g?.p99Ms ?? g?.p95Ms ?? 500) / 1000));

/** VUs for an arrival rate (per second): enough in flight at the SLO's latency, six times that at most. */
export function arrivalVus(ratePerSecond: number): { preAllocatedVUs: number; maxVUs: number } {
  const inFlight = Math.ceil(ratePerSecond * LATENCY_BUDGET_S);
  return { preAllocatedVUs: Math.max(10, inFlight), maxVUs: Math.max(100, inFlight * 6) };
}

// --- the concurrent users

const USERS = byProfile({ test: Math.min(users, 5), ci: users, full: users, soak: users });

const USER_STAGES = byProfile({
  test: [{ duration: '1s', target: USERS }, { duration: '3s', target: USERS }, { duration: '1s', target: 0 }],
  ci: [{ duration: '30s', target: USERS }, { duration: '60s', target: USERS }, { duration: '15s', target: 0 }],
  full: [{ duration: '2m', target: USERS }, { duration: '10m', target: USERS }, { duration: '1m', target: 0 }],
  soak: [{ duration: '5m', target: USERS }, { duration: '2h', target: USERS }, { duration: '2m', target: 0 }],
});
const USER_GRACE = byProfile({ test: '2s', ci: '10s', full: '30s', soak: '30s' });

/** Users active when each iteration starts (the observers' VUs left out): its max proves the target concurrency was reached. */
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

/** The sizing promise itself: this many users (this instance's share) were active at once. */
export function usersReached(): Record<string, Threshold[]> {
  return { active_users: [`max>=${perInstance(USERS)}`] };
}

/** One user's iteration: a journey from the target's mix. */
export async function userIteration(): Promise<void> {
  activeUsers.add(exec.instance.vusActive - OBSERVER_VUS);
  await journeyIteration(userKey());
}

// --- the requests per hour

/** ci: the hour's requests compressed into 100 s (plus 1 % slack), so a deploy gate proves the rate in < 2 min. */
const CI_RATE = Math.max(1, Math.ceil(requestsPerHour / 100));
/** full and soak: the real rate, per minute, 2 % over the promise so rounding never falls short of it. */
const PER_MINUTE = Math.max(1, Math.ceil((requestsPerHour * 1.02) / 60));

const ARRIVALS = byProfile({
  test: { rate: 20, timeUnit: '1s', duration: '3s', ...arrivalVus(20) },
  ci: { rate: CI_RATE, timeUnit: '1s', duration: '101s', ...arrivalVus(CI_RATE) },
  full: { rate: PER_MINUTE, timeUnit: '1m', duration: '60m', ...arrivalVus(PER_MINUTE / 60) },
  soak: { rate: PER_MINUTE, timeUnit: '1m', duration: '4h', ...arrivalVus(PER_MINUTE / 60) },
});
const ARRIVALS_GRACE = '10s';

/** How many requests the arrivals must deliver: the hour's, except in the tiny test profile. */
const MUST_DELIVER = byProfile({ test: 50, ci: requestsPerHour, full: requestsPerHour, soak: requestsPerHour });

/** Requests arriving on a fixed schedule; each iteration is one request with the next key. */
export function arrivalsScenario(startTime = '0s'): Scenario {
  return { executor: 'constant-arrival-rate', ...ARRIVALS, gracefulStop: ARRIVALS_GRACE, startTime, exec: 'arrival' };
}

/** How long the arrivals scenario lasts, in seconds (without its graceful stop). */
export const ARRIVALS_SECONDS = seconds(ARRIVALS.duration);

/** The throughput promise: requests actually made by the `scenario` arrivals, and few dropped. */
export function throughputDelivered(scenario: string): Record<string, Threshold[]> {
  const share = perInstance(MUST_DELIVER);
  return {
    [`http_reqs{scenario:${scenario}}`]: [`count>=${share}`],
    [`dropped_iterations{scenario:${scenario}}`]: [`count<${Math.max(1, Math.ceil(share * DROP_BUDGET))}`],
  };
}

/** One arriving request from the mix. */
export async function arrivalIteration(): Promise<void> {
  await oneRequest(arrivalKey());
}
