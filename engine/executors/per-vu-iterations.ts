/** per-vu-iterations: each VU runs the same number of iterations, within maxDuration. */
import { formatDuration } from '../durations.ts';
import type { ScenarioRun } from '../scenario-run.ts';
import { baseInfo, finishLoops, Reader, splitInt } from './common.ts';
import type { BaseConfig, ExecutorType } from './types.ts';

export interface PerVuIterationsConfig extends BaseConfig { vus: number; iterations: number; maxDuration: number }

export const perVuIterations: ExecutorType<PerVuIterationsConfig> = {
  type: 'per-vu-iterations',
  defaults: { vus: 1, iterations: 1, maxDuration: '10m' },
  parse(raw, base) {
    const r = new Reader(raw, ['vus', 'iterations', 'maxDuration']);
    const vus = r.int('vus', 1, 1);
    const iterations = r.int('iterations', 1, 1);
    const maxDuration = r.duration('maxDuration', 600_000, 1000);
    return { config: { ...base, vus, iterations, maxDuration, plannedMs: maxDuration }, errors: r.errors };
  },
  describe: (c) => `${c.iterations} iterations for each of ${c.vus} VUs${baseInfo(c, `maxDuration: ${formatDuration(c.maxDuration)}`)}`,
  maxVus: (c) => c.vus,
  maxDurationMs: (c) => c.maxDuration + c.gracefulStop,
  split: (c, i, n) => ({ ...c, vus: splitInt(c.vus, i, n) }),
  async run(c, s: ScenarioRun) {
    const endAt = s.startedAt + c.maxDuration;
    const total = c.vus * c.iterations;
    let started = 0;
    s.progressFn = () => (total > 0 ? s.completed / total : 1);
    const loops: Promise<void>[] = [];
    for (let i = 0; i < c.vus; i++) {
      const vu = s.acquire();
      let n = 0;
      const more = () => {
        if (n >= c.iterations || s.stopping || s.endLoops || Date.now() >= endAt) return false;
        n++;
        started++;
        return true;
      };
      loops.push(s.loop(vu, more).then(() => s.release(vu)));
    }
    await finishLoops(s, loops, endAt);
    if (started < total) s.emitDropped(total - started);
  },
};
