/** shared-iterations: a fixed number of iterations shared by VUs, within maxDuration. */
import { formatDuration } from '../durations.ts';
import type { ScenarioRun } from '../scenario-run.ts';
import { baseInfo, finishLoops, Reader, splitInt } from './common.ts';
import type { BaseConfig, ExecutorType } from './types.ts';

export interface SharedIterationsConfig extends BaseConfig { vus: number; iterations: number; maxDuration: number }

export const sharedIterations: ExecutorType<SharedIterationsConfig> = {
  type: 'shared-iterations',
  defaults: { vus: 1, iterations: 1, maxDuration: '10m' },
  parse(raw, base) {
    const r = new Reader(raw, ['vus', 'iterations', 'maxDuration']);
    const vus = r.int('vus', 1, 1);
    const iterations = r.int('iterations', 1, 1);
    const maxDuration = r.duration('maxDuration', 600_000, 1000);
    if (iterations < vus && r.errors.length === 0) r.errors.push(`the number of iterations (${iterations}) can't be less than the number of VUs (${vus})`);
    return { config: { ...base, vus, iterations, maxDuration, plannedMs: maxDuration }, errors: r.errors };
  },
  describe: (c) => `${c.iterations} iterations shared among ${c.vus} VUs${baseInfo(c, `maxDuration: ${formatDuration(c.maxDuration)}`)}`,
  maxVus: (c) => c.vus,
  maxDurationMs: (c) => c.maxDuration + c.gracefulStop,
  split: (c, i, n) => ({ ...c, vus: splitInt(c.vus, i, n), iterations: splitInt(c.iterations, i, n) }),
  async run(c, s: ScenarioRun) {
    const endAt = s.startedAt + c.maxDuration;
    let claimed = 0;
    s.progressFn = () => (c.iterations > 0 ? s.completed / c.iterations : 1);
    const loops: Promise<void>[] = [];
    for (let i = 0; i < c.vus; i++) {
      const vu = s.acquire();
      const more = () => {
        if (s.stopping || s.endLoops || claimed >= c.iterations || Date.now() >= endAt) return false;
        claimed++;
        return true;
      };
      loops.push(s.loop(vu, more).then(() => s.release(vu)));
    }
    await finishLoops(s, loops, endAt);
    // k6 counts the iterations maxDuration left unstarted as dropped.
    if (claimed < c.iterations) s.emitDropped(c.iterations - claimed);
  },
};
