/*
 * smoke — one user, one pass over what the target describes.
 *
 * Shape: 1 VU, 1 iteration, in every profile. If a deployment cannot answer each request
 * once, correctly, there is no point loading it. The VU probes liveness and readiness, walks
 * each journey once in order (every step, no pauses; without journeys, each endpoint once),
 * carrying captured values from step to step, and samples the metrics before and after.
 * Every check must pass; the latency limits are the target's SLOs.
 */
import type { Options } from 'k6/options';
import { probeOnce } from './lib/health.ts';
import { walkEverything } from './lib/journeys.ts';
import { SAMPLING, sampleOnce } from './lib/resources.ts';
import { requireTargetUp } from './lib/setup.ts';
import { TARGET, TOKEN } from './lib/target.ts';
import { sloThresholds, SUMMARY_TREND_STATS } from './lib/thresholds.ts';

export const options: Options = {
  summaryTrendStats: SUMMARY_TREND_STATS,
  scenarios: {
    smoke: { executor: 'per-vu-iterations', vus: 1, iterations: 1, maxDuration: '5m' },
  },
  // One broken endpoint is a broken deployment: every check must pass.
  thresholds: sloThresholds(TARGET, { allChecks: true }),
};

export async function setup(): Promise<void> {
  await requireTargetUp({ checkEveryKey: false });
}

export default async function smoke(): Promise<void> {
  if (SAMPLING) await sampleOnce();
  await probeOnce();
  await walkEverything(TOKEN);
  if (SAMPLING) await sampleOnce();
}
