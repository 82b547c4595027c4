/** constant-vus: a fixed number of VUs loop over the function for a duration. */
import { formatDuration } from '../durations.ts';
import type { ScenarioRun } from '../scenario-run.ts';
import { baseInfo, finishLoops, Reader, splitInt } from './common.ts';
import type { BaseConfig, ExecutorType } from './types.ts';

export interface ConstantVusConfig extends BaseConfig { vus: number; duration: number }

export const constantVus: ExecutorType<ConstantVusConfig> = {
  type: 'constant-vus',
  defaults: { vus: 1, duration: undefined },
  parse(raw, base) {
    const r = new Reader(raw, ['vus', 'duration']);
    const vus = r.int('vus', 1, 1);
    const duration = r.duration('duration', undefined, 1000);
    return { config: { ...base, vus, duration, plannedMs: duration }, errors: r.errors };
  },
  describe: (c) => `${c.vus} looping VUs for ${formatDuration(c.duration)}${baseInfo(c)}`,
  maxVus: (c) => c.vus,
  maxDurationMs: (c) => c.duration + c.gracefulStop,
  split: (c, i, n) => ({ ...c, vus: splitInt(c.vus, i, n) }),
  async run(c, s: ScenarioRun) {
    const endAt = s.startedAt + c.duration;
    const loops: Promise<void>[] = [];
    for (let i = 0; i < c.vus; i++) {
      const vu = s.acquire();
      loops.push(s.loop(vu, () => !s.stopping && !s.endLoops && Date.now() < endAt).then(() => s.release(vu)));
    }
    await finishLoops(s, loops, endAt);
  },
};
