/**
 * ramping-arrival-rate (open model): the start rate follows stages, linearly between
 * targets; iteration k starts when the integral of the rate reaches k.
 */
import { formatDuration } from '../durations.ts';
import type { ScenarioRun } from '../scenario-run.ts';
import { runArrivals } from './arrivals.ts';
import { baseInfo, Reader, splitInt } from './common.ts';
import type { BaseConfig, ExecutorType, Stage } from './types.ts';

export interface RampingArrivalRateConfig extends BaseConfig {
  startRate: number; timeUnit: number; stages: Stage[]; preAllocatedVUs: number; maxVUs: number;
  segment: { index: number; count: number };
}

const total = (stages: Stage[]) => stages.reduce((a, s) => a + s.duration, 0);

/** A function k ↦ start time (ms) of the k-th iteration overall, or undefined past the end. */
export function arrivalSchedule(startRate: number, timeUnit: number, stages: Stage[]): (k: number) => number | undefined {
  // Precompute each stage's start time, start rate (per ms) and iterations before it.
  const parts: Array<{ at: number; d: number; r0: number; r1: number; before: number }> = [];
  let at = 0;
  let r = startRate / timeUnit;
  let before = 0;
  for (const st of stages) {
    const r1 = st.target / timeUnit;
    parts.push({ at, d: st.duration, r0: r, r1, before });
    before += ((r + r1) / 2) * st.duration;
    at += st.duration;
    r = r1;
  }
  let i = 0;
  return (k: number) => {
    while (i < parts.length) {
      const p = parts[i]!;
      const need = k - p.before;
      const inStage = ((p.r0 + p.r1) / 2) * p.d;
      if (need <= inStage + 1e-9 && p.d > 0) {
        // Solve r0·τ + (r1 − r0)·τ²/(2d) = need for the smallest τ ≥ 0.
        const a = (p.r1 - p.r0) / (2 * p.d);
        const b = p.r0;
        let tau: number;
        if (Math.abs(a) < 1e-15) tau = b > 0 ? need / b : 0;
        else {
          const disc = b * b + 4 * a * need;
          tau = disc <= 0 ? -b / (2 * a) : (2 * need) / (b + Math.sqrt(disc));
        }
        const t = p.at + Math.min(Math.max(0, tau), p.d);
        if (t < p.at + p.d) return t;
      }
      i++;
    }
    return undefined;
  };
}

export const rampingArrivalRate: ExecutorType<RampingArrivalRateConfig> = {
  type: 'ramping-arrival-rate',
  defaults: { startRate: 0, timeUnit: '1s', stages: undefined, preAllocatedVUs: undefined, maxVUs: '= preAllocatedVUs' },
  parse(raw, base) {
    const r = new Reader(raw, ['startRate', 'timeUnit', 'stages', 'preAllocatedVUs', 'maxVUs']);
    const startRate = r.int('startRate', 0, 0);
    const timeUnit = r.duration('timeUnit', 1000, 1);
    const stages = r.stages('stages', true);
    const preAllocatedVUs = r.int('preAllocatedVUs', undefined, 0);
    const maxVUs = r.has('maxVUs') ? r.int('maxVUs', preAllocatedVUs, 0) : preAllocatedVUs;
    if (maxVUs < preAllocatedVUs) r.errors.push(`maxVUs (${maxVUs}) can't be less than preAllocatedVUs (${preAllocatedVUs})`);
    if (maxVUs === 0 && r.errors.length === 0) r.errors.push('preAllocatedVUs or maxVUs must be above 0');
    if (stages.length > 0 && total(stages) < 1000 && r.errors.length === 0) r.errors.push(`the stages must last at least 1s in total, got ${formatDuration(total(stages))}`);
    return { config: { ...base, startRate, timeUnit, stages, preAllocatedVUs, maxVUs, plannedMs: total(stages), segment: { index: 0, count: 1 } }, errors: r.errors };
  },
  describe: (c) => {
    const peak = Math.max(c.startRate, ...c.stages.map((s) => s.target));
    return `Up to ${((peak * 1000) / c.timeUnit).toFixed(2)} iterations/s for ${formatDuration(total(c.stages))} over ${c.stages.length} stages${baseInfo(c, `maxVUs: ${c.preAllocatedVUs}${c.maxVUs > c.preAllocatedVUs ? `-${c.maxVUs}` : ''}`)}`;
  },
  maxVus: (c) => c.maxVUs,
  maxDurationMs: (c) => total(c.stages) + c.gracefulStop,
  split: (c, i, n) => ({ ...c, preAllocatedVUs: splitInt(c.preAllocatedVUs, i, n), maxVUs: Math.max(1, splitInt(c.maxVUs, i, n)), segment: { index: i, count: n } }),
  async run(c, s: ScenarioRun) {
    const schedule = arrivalSchedule(c.startRate, c.timeUnit, c.stages);
    await runArrivals(s, c, (k) => schedule(k * c.segment.count + c.segment.index));
  },
};
