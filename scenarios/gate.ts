/*
 * gate — the deploy gate's load stage: both sizing targets in one run.
 *
 * Shape: two scenarios, one after the other. First `users`: ramping-vus to the 500
 * concurrent users the service is sized for, held, with think time (closed model). Then
 * `arrivals`: constant-arrival-rate delivering the 10,000 requests of an hour (open model).
 * Running them in sequence judges each target on its own while one run, one summary and one
 * report answer "may this deploy go out?". Thresholds are the SLOs over both phases.
 *
 * Profiles: test seconds · ci ≈ 4 min (each part < 2 min) · full 10 min of users, then
 * 60 min of arrivals · soak hours of each.
 */
import type { Options } from 'k6/options';
import { ensureContent, requireTargetUp } from './lib/setup.ts';
import { arrivalIteration, arrivalsScenario, throughputDelivered, userIteration, usersReached, usersScenario, USERS_SECONDS } from './lib/sizing.ts';
import { API_DURATION, apiLatency, failedRequests, GENERATION_DURATION, generationLatency, HEALTH_DURATION, healthLatency, passingChecks, SUMMARY_TREND_STATS } from './lib/slo.ts';

export const options: Options = {
  summaryTrendStats: SUMMARY_TREND_STATS,
  scenarios: {
    users: usersScenario(),
    // Starts once the users are gone, so each target is measured on its own.
    arrivals: arrivalsScenario(`${Math.ceil(USERS_SECONDS)}s`),
  },
  thresholds: {
    // 500 users were active at once.
    ...usersReached(),
    // 10,000 requests were delivered on schedule, under 1 % dropped.
    ...throughputDelivered('arrivals'),
    // The API keeps its p95/p99 promise through both.
    [API_DURATION]: apiLatency(),
    // Probes stay fast, or the orchestrator pulls healthy pods.
    [HEALTH_DURATION]: healthLatency(),
    // Generation stays within its budget.
    [GENERATION_DURATION]: generationLatency(),
    // Under 1 % failed requests, 429s included.
    http_req_failed: failedRequests(),
    // Responses are right, not only fast.
    checks: passingChecks(),
  },
};

export async function setup(): Promise<void> {
  await requireTargetUp({ needsKey: true, checkEveryKey: true });
  await ensureContent();
}

export const user = userIteration;
export const arrival = arrivalIteration;
export default userIteration;
