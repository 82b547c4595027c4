/**
 * One worker thread of a multi-worker run: loads the script (its own init context, as each
 * k6 VU has), runs its execution segment of every scenario, and reports registry snapshots
 * (every second, and at the end) for the main thread to merge and judge thresholds on.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { ScenarioMeta, Timeseries } from '../harness/result-types.ts';
import { TimeseriesBucketer } from '../harness/timeseries/bucketer.ts';
import { executeScenarios, type RunSlot } from './execute.ts';
import { closeAgent, prepareAgent } from './http-agent.ts';
import { sizeForVus } from './k6/http.ts';
import { GroupTree } from './metrics/group-tree.ts';
import { MetricsRegistry } from './metrics/registry.ts';
import { resolveScenarios } from './options.ts';
import { loadScript } from './runner.ts';
import { Runtime, setRuntime, type StopCause } from './runtime.ts';
import { globalEnv } from './vu.ts';

export interface WorkerInput {
  script: string;
  env: Record<string, string>;
  options: Record<string, unknown>;
  noThresholds?: boolean;
  setupData: unknown;
  index: number;
  count: number;
  testStartedAt: number;
  timeseries: boolean;
}

/** Stop causes cross the thread boundary as plain data. */
export type WireStopCause = Exclude<StopCause, { kind: 'script-error' }> | { kind: 'script-error'; message: string; stack?: string; unsupported: boolean };

export type WorkerMessage =
  | { type: 'stats'; activeVus: number; allocatedVus: number; iterations: number; interrupted: number; snapshot: unknown }
  | { type: 'done'; snapshot: unknown; groups: ReturnType<GroupTree['toJSON']>; timeseries?: Timeseries; metas: ScenarioMeta[]; stopCause?: WireStopCause }
  | { type: 'error'; message: string; stack?: string };

export function toWire(c: StopCause | undefined): WireStopCause | undefined {
  if (!c) return undefined;
  if (c.kind !== 'script-error') return c;
  const e = c.error as Error;
  return { kind: 'script-error', message: e?.message ?? String(c.error), stack: e?.stack, unsupported: e?.name === 'UnsupportedCallError' };
}

export async function runWorker(): Promise<void> {
  const d = workerData as WorkerInput;
  const port = parentPort!;
  try {
    Object.assign(globalEnv, d.env);
    const boot = new Runtime(new MetricsRegistry({ noThresholds: true }), new GroupTree());
    const mod = await loadScript(d.script, boot);
    const scenarios = resolveScenarios(d.options, d.script);
    const bucketer = d.timeseries ? new TimeseriesBucketer() : undefined;
    const registry = new MetricsRegistry({ thresholds: d.options.thresholds, noThresholds: d.noThresholds, summaryTrendStats: d.options.summaryTrendStats as string[] | undefined, bucketer });
    const rt = new Runtime(registry, new GroupTree());
    for (const def of (boot.registry as MetricsRegistry).all()) registry.define(def.name, def.type, def.contains);
    rt.options = d.options;
    rt.segment = { index: d.index, count: d.count };
    rt.initContext = false;
    setRuntime(rt);
    const vus = Math.max(1, Math.ceil(scenarios.reduce((a, s) => a + s.maxVus, 0) / d.count));
    prepareAgent(vus);
    sizeForVus(vus);
    rt.testStartedAt = d.testStartedAt;
    port.on('message', (m: { type: string; cause?: StopCause }) => { if (m.type === 'stop' && m.cause) rt.stop(m.cause); });
    const stats = () => port.postMessage({ type: 'stats', activeVus: rt.activeVus, allocatedVus: rt.allocatedVus, iterations: rt.iterationsCompleted, interrupted: rt.iterationsInterrupted, snapshot: registry.snapshot() } satisfies WorkerMessage);
    const timer = setInterval(stats, 1000);
    const slots: RunSlot[] = scenarios.map((s) => ({ name: s.config.name, plannedMs: s.config.plannedMs, startTime: s.config.startTime }));
    const metas: ScenarioMeta[] = [];
    await executeScenarios({ rt, mod, scenarios, setupData: d.setupData, options: d.options, slots, metas, segment: { index: d.index, count: d.count }, onScenarioStart: () => setImmediate(stats) });
    clearInterval(timer);
    await closeAgent();
    port.postMessage({ type: 'done', snapshot: registry.snapshot(), groups: rt.groups.toJSON(), timeseries: bucketer?.toJSON(), metas, stopCause: toWire(rt.stopCause) } satisfies WorkerMessage);
  } catch (e) {
    port.postMessage({ type: 'error', message: (e as Error)?.message ?? String(e), stack: (e as Error)?.stack } satisfies WorkerMessage);
  }
}
