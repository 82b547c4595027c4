/**
 * ramping-vus: the number of looping VUs follows stages (linear ramps between targets).
 * A VU taken away by a ramp-down finishes its iteration within gracefulRampDown, else it is
 * interrupted; at the end, running iterations get gracefulStop.
 */
import { formatDuration } from '../durations.ts';
import type { ScenarioRun } from '../scenario-run.ts';
import type { Vu } from '../vu.ts';
import { baseInfo, delayOrStop, finishLoops, Reader, splitInt } from './common.ts';
import type { BaseConfig, ExecutorType, Stage } from './types.ts';

export interface RampingVusConfig extends BaseConfig { startVUs: number; stages: Stage[]; gracefulRampDown: number }

/** When the VU count changes: [ms from start, new count], following the stages' linear ramps. */
export function vuSteps(startVUs: number, stages: Stage[]): Array<[number, number]> {
  const steps: Array<[number, number]> = [[0, startVUs]];
  let at = 0;
  let from = startVUs;
  for (const st of stages) {
    const to = st.target;
    if (st.duration === 0) { if (to !== from) steps.push([at, to]); }
    else if (to > from) for (let v = from + 1; v <= to; v++) steps.push([at + (st.duration * (v - from)) / (to - from), v]);
    else if (to < from) for (let v = from - 1; v >= to; v--) steps.push([at + (st.duration * (from - v)) / (from - to), v]);
    at += st.duration;
    from = to;
  }
  return steps;
}

const total = (stages: Stage[]) => stages.reduce((a, s) => a + s.duration, 0);

export const rampingVus: ExecutorType<RampingVusConfig> = {
  type: 'ramping-vus',
  defaults: { startVUs: 1, stages: undefined, gracefulRampDown: '30s' },
  parse(raw, base) {
    const r = new Reader(raw, ['startVUs', 'stages', 'gracefulRampDown']);
    const startVUs = r.int('startVUs', 1, 0);
    const stages = r.stages('stages', true);
    const gracefulRampDown = r.duration('gracefulRampDown', 30_000);
    if (stages.length > 0 && r.errors.length === 0 && Math.max(startVUs, ...stages.map((s) => s.target)) === 0) r.errors.push('either startVUs or one of the stages\' target must be above 0');
    if (stages.length > 0 && total(stages) < 1000 && r.errors.length === 0) r.errors.push(`the stages must last at least 1s in total, got ${formatDuration(total(stages))}`);
    return { config: { ...base, startVUs, stages, gracefulRampDown, plannedMs: total(stages) }, errors: r.errors };
  },
  describe: (c) => `Up to ${rampingVus.maxVus(c)} looping VUs for ${formatDuration(total(c.stages))} over ${c.stages.length} stages${baseInfo(c, `gracefulRampDown: ${formatDuration(c.gracefulRampDown)}`)}`,
  maxVus: (c) => Math.max(c.startVUs, ...c.stages.map((s) => s.target)),
  maxDurationMs: (c) => total(c.stages) + c.gracefulStop,
  split: (c, i, n) => ({ ...c, startVUs: splitInt(c.startVUs, i, n), stages: c.stages.map((s) => ({ ...s, target: splitInt(s.target, i, n) })) }),
  async run(c, s: ScenarioRun) {
    const endAt = s.startedAt + total(c.stages);
    const steps = vuSteps(c.startVUs, c.stages);
    interface Loop { vu: Vu; wanted: boolean; done: Promise<void> }
    const active: Loop[] = [];
    const all: Promise<void>[] = [];
    const startLoop = () => {
      const vu = s.acquire();
      const loop: Loop = { vu, wanted: true, done: undefined as unknown as Promise<void> };
      loop.done = s.loop(vu, () => loop.wanted && !s.stopping && !s.endLoops).then(() => s.release(vu));
      active.push(loop);
      all.push(loop.done);
    };
    const rampDown = (loop: Loop) => {
      loop.wanted = false;
      // The VU may finish its current iteration within gracefulRampDown, no longer.
      let finished = false;
      void loop.done.then(() => { finished = true; });
      const t = setTimeout(() => { if (!finished) s.interrupt(loop.vu); }, c.gracefulRampDown);
      void loop.done.then(() => clearTimeout(t));
    };
    for (const [at, target] of steps) {
      await delayOrStop(s, s.startedAt + at - Date.now());
      if (s.stopping) break;
      while (active.length < target) startLoop();
      while (active.length > target) rampDown(active.pop()!);
    }
    await finishLoops(s, all, endAt);
  },
};
