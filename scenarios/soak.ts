/*
 * soak — a normal day's users for hours, looking for what only time reveals.
 *
 * Shape: ramping-vus (closed model) up to a normal day's users (a fraction of the peak the
 * service is sized for) and held for a long time. Memory leaks, connection-pool exhaustion,
 * growing tables and log volume do not show in a ten-minute test; they show as latency that
 * creeps up and memory that grows. Requests carry the phase they were made in, and the SLOs
 * are judged on the late phase separately, so drift fails the run even when the average over
 * hours still looks fine; the resource budgets are judged on their peak.
 *
 * Profiles (users, hold): test min(users, 3) for seconds · ci a tenth of sizing.users for
 * ~100 s · full a fifth for 1 h · soak a fifth for 4 h (`--profile soak`; the soak workflow
 * runs it inside GitHub's 6-hour job limit).
 */
import type { Options } from 'k6/options';
import { requireUserMix, userIteration } from './lib/journeys.ts';
import { observers } from './lib/observers.ts';
import { currentPhase, stagesOf, totalSeconds, type PhasedStage } from './lib/phases.ts';
import { byProfile } from './lib/profile.ts';
import { requireTargetUp } from './lib/setup.ts';
import { TARGET, userKey } from './lib/target.ts';
import { sloThresholds, SUMMARY_TREND_STATS } from './lib/thresholds.ts';

requireUserMix('soak');

const { users } = TARGET.sizing;
const USERS = byProfile({ test: Math.min(users, 3), ci: Math.max(1, Math.ceil(users / 10)), full: Math.max(1, Math.ceil(users / 5)), soak: Math.max(1, Math.ceil(users / 5)) });

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
const GRACE = byProfile({ test: '2s', ci: '10s', full: '30s', soak: '30s' });

export const options: Options = {
  summaryTrendStats: SUMMARY_TREND_STATS,
  scenarios: {
    soak: { executor: 'ramping-vus', startVUs: 0, stages: stagesOf(PHASES), gracefulRampDown: GRACE, gracefulStop: GRACE, exec: 'user' },
    ...observers(totalSeconds(PHASES)),
  },
  // Over the whole run the SLOs hold, and still hold at the end: latency creeping up over hours is a leak, not noise.
  thresholds: sloThresholds(TARGET, { phases: ['late'] }),
};

export async function setup(): Promise<void> {
  await requireTargetUp({ checkEveryKey: true });
}

export { probe, sample } from './lib/observers.ts';
export async function user(): Promise<void> {
  // Each request carries the phase it is made in, not the one its journey began in.
  await userIteration(userKey(), () => ({ phase: currentPhase(PHASES) }));
}
export default user;
