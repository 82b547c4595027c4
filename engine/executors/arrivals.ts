/** The open-model loop both arrival-rate executors share: start on schedule, never wait for a VU. */
import type { ScenarioRun } from '../scenario-run.ts';
import type { Vu } from '../vu.ts';
import { delayOrStop, settleWithin } from './common.ts';
import type { BaseConfig } from './types.ts';

/**
 * `startAt(k)` gives the start of this worker's k-th iteration in ms from the scenario start,
 * or undefined when there are no more.
 */
export async function runArrivals(s: ScenarioRun, c: BaseConfig & { preAllocatedVUs: number; maxVUs: number }, startAt: (k: number) => number | undefined): Promise<void> {
  const idle: Vu[] = [];
  let allocated = 0;
  let allocating = false;
  for (; allocated < c.preAllocatedVUs; allocated++) idle.push(s.acquire());
  const running = new Set<Promise<unknown>>();
  const start = (vu: Vu) => {
    const p = s.iterate(vu).then(() => {
      running.delete(p);
      idle.push(vu);
    });
    running.add(p);
  };
  for (let k = 0; ; k++) {
    const at = startAt(k);
    if (at === undefined || s.stopping) break;
    const wait = s.startedAt + at - Date.now();
    if (wait >= 1) await delayOrStop(s, wait);
    if (s.stopping) break;
    const vu = idle.pop();
    if (vu) { start(vu); continue; }
    s.emitDropped(1);
    // k6 makes a new VU ready in the background; the dropped iteration is not retried.
    if (allocated < c.maxVUs && !allocating) {
      allocating = true;
      allocated++;
      setImmediate(() => { idle.push(s.acquire()); allocating = false; });
    }
  }
  s.endLoops = true;
  if (!s.stopping) await settleWithin(s, [...running], c.gracefulStop);
  s.interruptAll();
  await Promise.all([...running]);
  // Let a pending background allocation land before the VUs go back.
  while (allocating) await new Promise((r) => setImmediate(r));
  for (const vu of idle) s.release(vu);
}
