/** Runs the resolved scenarios (each at its startTime) in this thread: the part workers share. */
import type { ScenarioMeta } from '../harness/result-types.ts';
import { EXECUTORS } from './executors/index.ts';
import type { ResolvedScenario } from './options.ts';
import type { Runtime } from './runtime.ts';
import { ScenarioRun } from './scenario-run.ts';
import { VuPool } from './vu-pool.ts';
import { fail } from '../harness/errors.ts';
import { programOf } from './script-module.ts';
import { scriptLocation } from './script-errors.ts';
import { globalEnv, vuStorage } from './vu.ts';

export interface RunSlot { name: string; run?: ScenarioRun; plannedMs: number; startTime: number }

export interface ExecuteContext {
  rt: Runtime;
  mod: Record<string, unknown>;
  scenarios: ResolvedScenario[];
  setupData: unknown;
  options: Record<string, unknown>;
  slots: RunSlot[];
  metas: ScenarioMeta[];
  /** This thread's execution segment (worker i of n); scenarios are split accordingly. */
  segment?: { index: number; count: number };
  onScenarioStart?: () => void;
}

async function delayUnlessStopped(rt: Runtime, ms: number): Promise<void> {
  if (ms <= 0) return;
  let t: NodeJS.Timeout | undefined;
  await Promise.race([new Promise<void>((r) => { t = setTimeout(r, ms); }), rt.whenStopped()]);
  clearTimeout(t);
}

export async function executeScenarios(ctx: ExecuteContext): Promise<void> {
  const { rt, mod, scenarios, setupData, options, slots, metas } = ctx;
  const seg = ctx.segment ?? { index: 0, count: 1 };
  const pool = new VuPool(rt, seg.index + 1, seg.count);
  const program = programOf(mod);
  if (program) {
    rt.syncApi = program.mode === 'sync';
    // Every VU runs the init context in its own module instance before the test starts, as in k6.
    const n = scenarios.reduce((a, s) => {
      const ex = EXECUTORS[s.config.executor]!;
      return a + ex.maxVus(seg.count > 1 ? ex.split(s.config, seg.index, seg.count) : s.config);
    }, 0);
    rt.initContext = true;
    try {
      await pool.prepare(n, async (vu) => {
        try {
          vu.exports = await vuStorage.run(vu, () => program.instantiate(vu));
        } catch (e) {
          throw fail('SHIPCHECK_ERR_SCRIPT_EXCEPTION', { stage: `the init context of VU ${vu.idInTest}`, message: (e as Error)?.message ?? String(e), location: scriptLocation(e) ?? '' }, e);
        }
        for (const s of scenarios) {
          if (typeof vu.exports[s.config.exec] !== 'function') throw new Error(`VU ${vu.idInTest}: the init context exported no function "${s.config.exec}"`);
        }
      });
    } finally {
      rt.initContext = false;
    }
  }
  await Promise.all(scenarios.map(async (s, i) => {
    await delayUnlessStopped(rt, s.config.startTime - (Date.now() - rt.testStartedAt));
    if (rt.stopCause) return;
    const ex = EXECUTORS[s.config.executor]!;
    const config = seg.count > 1 ? ex.split(s.config, seg.index, seg.count) : s.config;
    const fn = mod[s.config.exec] as (d: unknown) => unknown;
    const run = new ScenarioRun(config, fn, setupData, pool, rt, globalEnv, (options.tags as Record<string, string>) ?? {});
    run.startedAt = Date.now();
    slots[i]!.run = run;
    const meta: ScenarioMeta = { name: s.config.name, executor: s.config.executor, description: s.description, startSeconds: (run.startedAt - rt.testStartedAt) / 1000 };
    metas[i] = meta;
    ctx.onScenarioStart?.();
    // A segment with no share of this scenario (fewer VUs than workers) has nothing to do.
    if (ex.maxVus(config) > 0) await ex.run(config, run);
    run.endedAt = Date.now();
    meta.endSeconds = (run.endedAt - rt.testStartedAt) / 1000;
  }));
}
