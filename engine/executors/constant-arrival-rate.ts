/**
 * constant-arrival-rate (open model): starts `rate` iterations per `timeUnit` on schedule,
 * whether or not earlier ones finished. With no idle VU at a start time the iteration is
 * dropped (dropped_iterations) and, below maxVUs, one more VU is made ready for the next.
 */
import { formatDuration } from '../durations.ts';
import type { ScenarioRun } from '../scenario-run.ts';
import { baseInfo, Reader, splitInt } from './common.ts';
import { runArrivals } from './arrivals.ts';
import type { BaseConfig, ExecutorType } from './types.ts';

export interface ConstantArrivalRateConfig extends BaseConfig {
  rate: number; timeUnit: number; duration: number; preAllocatedVUs: number; maxVUs: number;
  /** Execution segment share: this worker starts iterations index, index+count, ... */
  segment: { index: number; count: number };
}

export const constantArrivalRate: ExecutorType<ConstantArrivalRateConfig> = {
  type: 'constant-arrival-rate',
  defaults: { rate: undefined, timeUnit: '1s', duration: undefined, preAllocatedVUs: undefined, maxVUs: '= preAllocatedVUs' },
  parse(raw, base) {
    const r = new Reader(raw, ['rate', 'timeUnit', 'duration', 'preAllocatedVUs', 'maxVUs']);
    const rate = r.int('rate', undefined, 1);
    const timeUnit = r.duration('timeUnit', 1000, 1);
    const duration = r.duration('duration', undefined, 1000);
    const preAllocatedVUs = r.int('preAllocatedVUs', undefined, 0);
    const maxVUs = r.has('maxVUs') ? r.int('maxVUs', preAllocatedVUs, 0) : preAllocatedVUs;
    if (maxVUs < preAllocatedVUs) r.errors.push(`maxVUs (${maxVUs}) can't be less than preAllocatedVUs (${preAllocatedVUs})`);
    if (maxVUs === 0 && r.errors.length === 0) r.errors.push('preAllocatedVUs or maxVUs must be above 0');
    return { config: { ...base, rate, timeUnit, duration, preAllocatedVUs, maxVUs, plannedMs: duration, segment: { index: 0, count: 1 } }, errors: r.errors };
  },
  describe: (c) => `${((c.rate * 1000) / c.timeUnit).toFixed(2)} iterations/s for ${formatDuration(c.duration)}${baseInfo(c, `maxVUs: ${c.preAllocatedVUs}${c.maxVUs > c.preAllocatedVUs ? `-${c.maxVUs}` : ''}`)}`,
  maxVus: (c) => c.maxVUs,
  maxDurationMs: (c) => c.duration + c.gracefulStop,
  split: (c, i, n) => ({ ...c, preAllocatedVUs: splitInt(c.preAllocatedVUs, i, n), maxVUs: Math.max(1, splitInt(c.maxVUs, i, n)), segment: { index: i, count: n } }),
  async run(c, s: ScenarioRun) {
    const period = c.timeUnit / c.rate;
    // Iteration k starts at k·period; this worker takes every count-th one.
    await runArrivals(s, c, (k) => {
      const at = (k * c.segment.count + c.segment.index) * period;
      return at < c.duration ? at : undefined;
    });
  },
};
