/*
 * soak — normal load for hours, looking for what only time reveals.
 *
 * Shape: ramping-vus (closed model) up to a normal day's users and held for a long time.
 * Memory leaks, connection-pool exhaustion, growing tables and log volume do not show in a
 * ten-minute test; they show as latency that creeps up. Requests carry the phase they were
 * made in, and the SLOs are judged on the late phase separately, so drift fails the run even
 * when the average over hours still looks fine.
 *
 * Profiles (users, hold): test 3 for seconds · ci 50 for ~100 s · full 100 for 1 h ·
 * soak 100 for 4 h (run it with `-e PROFILE=soak`; the soak workflow does, inside GitHub's
 * 6-hour job limit).
 */
import type { Options } from 'k6/options';
import { mixedJourney } from './lib/journeys.ts';
import { currentPhase, stagesOf, type PhasedStage } from './lib/phases.ts';
import { byProfile } from './lib/profile.ts';
import { ensureContent, requireTargetUp } from './lib/setup.ts';
import { API_DURATION, apiLatency, durationOf, failedRequests, HEALTH_DURATION, healthLatency, passingChecks, SUMMARY_TREND_STATS } from './lib/slo.ts';
import { userKey } from './lib/target.ts';

const USERS = byProfile({ test: 3, ci: 50, full: 100, soak: 100 });

/** Ramp, then early / middle / late thirds of the hold, then ramp down. */
function hold(ramp: string, third: string, down: string): PhasedStage[] {
  return [
    { duration: ramp, target: USERS, phase: 'ramp' },
    { duration: third, target: USERS, phase: 'early' },
    { duration: third, target: USERS, phase: 'middle' },
    { duration: third, target: USERS, phase: 'late' },
    { duration: down, target: 0, phase: 'ramp-down' },
  ];
}

const PHASES = byProfile({
  test: hold('1s', '1s', '1s'),
  ci: hold('10s', '30s', '5s'),
  full: hold('2m', '20m', '1m'),
  soak: hold('5m', '80m', '2m'),
});

export const options: Options = {
  summaryTrendStats: SUMMARY_TREND_STATS,
  scenarios: {
    soak: {
      executor: 'ramping-vus',
      startVUs: 0,
      stages: stagesOf(PHASES),
      gracefulRampDown: byProfile({ test: '2s', ci: '10s', full: '30s', soak: '30s' }),
      gracefulStop: byProfile({ test: '2s', ci: '10s', full: '30s', soak: '30s' }),
    },
  },
  thresholds: {
    // Over the whole run, the API keeps its p95/p99 promise.
    [API_DURATION]: apiLatency(),
    // And still does at the end: latency creeping up over hours is a leak, not noise.
    [durationOf('api', { phase: 'late' })]: apiLatency(),
    // Probes stay fast for the whole run.
    [HEALTH_DURATION]: healthLatency(),
    // Under 1 % failures: pool exhaustion and timeouts show up here first.
    http_req_failed: failedRequests(),
    // Responses are right, not only fast.
    checks: passingChecks(),
  },
};

export async function setup(): Promise<void> {
  await requireTargetUp({ needsKey: true, checkEveryKey: true });
  await ensureContent();
}

export default async function user(): Promise<void> {
  await mixedJourney(userKey(), { phase: currentPhase(PHASES) });
}
