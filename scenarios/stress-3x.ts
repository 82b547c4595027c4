/*
 * stress-3x — climb to three times normal load and stay there.
 *
 * Shape: ramping-vus (closed model) from 0 to the baseline number of users, a hold at
 * baseline, a steady climb to 3× baseline, a long hold at 3×, and a ramp down. Requests are
 * tagged with the phase they were made in, so the SLOs are judged at the 3× peak on its own,
 * not averaged away by the quiet start: the service must take 3× without degrading.
 *
 * Profiles (baseline → peak users): test 2 → 6 in seconds · ci 100 → 300 in 110 s · full
 * 500 → 1,500 over 25 min · soak 500 → 1,500 held 2 h.
 */
import type { Options } from 'k6/options';
import { mixedJourney } from './lib/journeys.ts';
import { currentPhase, stagesOf, type PhasedStage } from './lib/phases.ts';
import { byProfile } from './lib/profile.ts';
import { ensureContent, requireTargetUp } from './lib/setup.ts';
import { apiLatency, durationOf, failedRequests, HEALTH_DURATION, healthLatency, passingChecks, SLO, SUMMARY_TREND_STATS } from './lib/slo.ts';
import { userKey } from './lib/target.ts';

const BASE = byProfile({ test: 2, ci: 100, full: SLO.concurrentUsers, soak: SLO.concurrentUsers });
const PEAK = BASE * SLO.spikeFactor;

const PHASES: PhasedStage[] = byProfile({
  test: [
    { duration: '1s', target: BASE, phase: 'ramp' }, { duration: '1s', target: BASE, phase: 'baseline' },
    { duration: '1s', target: PEAK, phase: 'climb' }, { duration: '2s', target: PEAK, phase: 'peak' },
    { duration: '1s', target: 0, phase: 'ramp-down' },
  ],
  ci: [
    { duration: '15s', target: BASE, phase: 'ramp' }, { duration: '25s', target: BASE, phase: 'baseline' },
    { duration: '20s', target: PEAK, phase: 'climb' }, { duration: '40s', target: PEAK, phase: 'peak' },
    { duration: '10s', target: 0, phase: 'ramp-down' },
  ],
  full: [
    { duration: '2m', target: BASE, phase: 'ramp' }, { duration: '5m', target: BASE, phase: 'baseline' },
    { duration: '5m', target: PEAK, phase: 'climb' }, { duration: '10m', target: PEAK, phase: 'peak' },
    { duration: '3m', target: 0, phase: 'ramp-down' },
  ],
  soak: [
    { duration: '5m', target: BASE, phase: 'ramp' }, { duration: '30m', target: BASE, phase: 'baseline' },
    { duration: '10m', target: PEAK, phase: 'climb' }, { duration: '2h', target: PEAK, phase: 'peak' },
    { duration: '5m', target: 0, phase: 'ramp-down' },
  ],
});

export const options: Options = {
  summaryTrendStats: SUMMARY_TREND_STATS,
  scenarios: {
    stress: {
      executor: 'ramping-vus',
      startVUs: 0,
      stages: stagesOf(PHASES),
      gracefulRampDown: byProfile({ test: '2s', ci: '10s', full: '30s', soak: '30s' }),
      gracefulStop: byProfile({ test: '2s', ci: '10s', full: '30s', soak: '30s' }),
    },
  },
  thresholds: {
    // At 3× load the API still keeps its p95/p99 promise: the whole point of the test.
    [durationOf('api', { phase: 'peak' })]: apiLatency(),
    // And at baseline too, or the peak figures mean nothing.
    [durationOf('api', { phase: 'baseline' })]: apiLatency(),
    // Probes stay fast at the peak, or the orchestrator restarts pods just when they are needed.
    [HEALTH_DURATION]: healthLatency(),
    // Under 1 % failures across the run, 429s included.
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
