/*
 * load-500-users — 500 educators and operators at once, with think time.
 *
 * Shape: ramping-vus (closed model: each VU is one user with their own key) ramping to the
 * 500 concurrent users the service is sized for, holding there, ramping down. Users follow
 * the school-day mix of journeys (browse, generate, read quality, poll health) and pause
 * between steps as people do, so 500 VUs means 500 people, not 500 tight loops.
 *
 * Profiles: test 5 users for seconds · ci 500 users reached in 30 s and held 60 s (< 2 min)
 * · full 500 users held 10 min · soak 500 users held 2 h.
 *
 * Keys: give as many as you can in API_KEYS: the API rate-limits per key (reads 100/min,
 * burst 200; generations 100/h), and VU n plays the user of key n mod the pool.
 */
import type { Options } from 'k6/options';
import { ensureContent, requireTargetUp } from './lib/setup.ts';
import { userIteration, usersReached, usersScenario } from './lib/sizing.ts';
import { API_DURATION, apiLatency, failedRequests, GENERATION_DURATION, generationLatency, HEALTH_DURATION, healthLatency, passingChecks, SUMMARY_TREND_STATS } from './lib/slo.ts';

export const options: Options = {
  summaryTrendStats: SUMMARY_TREND_STATS,
  scenarios: {
    users: usersScenario(),
  },
  thresholds: {
    // The service's sizing target: 500 users were active at once (active_users max).
    ...usersReached(),
    // Reads and writes stay fast at full concurrency: the API's p95/p99 promise.
    [API_DURATION]: apiLatency(),
    // Probes stay fast under load, or the orchestrator pulls healthy pods.
    [HEALTH_DURATION]: healthLatency(),
    // Generation, which waits on a model, stays within its own budget.
    [GENERATION_DURATION]: generationLatency(),
    // Under 1 % errors, 429s included: a rate-limited user is a failed user.
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
export default userIteration;
