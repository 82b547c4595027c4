/*
 * stress — climb to `sizing.spikeFactor` × the normal users and stay there.
 *
 * Shape: ramping-vus (closed model) from 0 to the baseline users, a hold at baseline, a
 * steady climb to spikeFactor × baseline, a long hold there, and a ramp down. Requests are
 * tagged with the phase they were made in, so the SLOs are judged at the peak on its own,
 * not averaged away by the quiet start: the service must take the multiple without degrading.
 *
 * Profiles (baseline users, then × spikeFactor): test min(users, 2) in seconds · ci a fifth
 * of sizing.users in 110 s · full sizing.users over 25 min · soak sizing.users held 2 h at the peak.
 */
import type { Options } from 'k6/options';
import { requireUserMix, userIteration } from './lib/journeys.ts';
import { observers } from './lib/observers.ts';
import { currentPhase, stagesOf, totalSeconds, type PhasedStage } from './lib/phases.ts';
import { byProfile } from './lib/profile.ts';
import { requireTargetUp } from './lib/setup.ts';
import { TARGET, userKey } from './lib/target.ts';
import { sloThresholds, SUMMARY_TREND_STATS } from './lib/thresholds.ts';

requireUserMix('stress');

const { users, spikeFactor } = TARGET.sizing;
const BASE = byProfile({ test: Math.min(users, 2), ci: Math.max(1, Math.ceil(users / 5)), full: users, soak: users });
const PEAK = Math.ceil(BASE * spikeFactor);

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
const GRACE = byProfile({ test: '2s', ci: '10s', full: '30s', soak: '30s' });

export const options: Options = {
  summaryTrendStats: SUMMARY_TREND_STATS,
  scenarios: {
    stress: { executor: 'ramping-vus', startVUs: 0, stages: stagesOf(PHASES), gracefulRampDown: GRACE, gracefulStop: GRACE, exec: 'user' },
    ...observers(totalSeconds(PHASES)),
  },
  // At the peak the SLOs still hold (the point of the test), and at baseline too, or the peak figures mean nothing.
  thresholds: sloThresholds(TARGET, { phases: ['baseline', 'peak'] }),
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
