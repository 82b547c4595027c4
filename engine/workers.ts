/**
 * `--workers N`: the scenarios split across N worker threads the way k6's execution
 * segments split them across instances (VUs, iterations and arrival rates in N shares that
 * add up to the whole; VU ids interleaved so they stay unique). The main thread keeps the
 * init context's setup/teardown/handleSummary, merges the workers' registry snapshots, and
 * evaluates thresholds on the merged view every 2 s (k6 runs each segment's thresholds
 * separately; merging judges the whole test, which is what a gate wants).
 */
import { Worker } from 'node:worker_threads';
import type { ScenarioMeta, Timeseries } from '../harness/result-types.ts';
import type { ExecuteContext } from './execute.ts';
import { MetricsRegistry } from './metrics/registry.ts';
import type { Progress } from './progress.ts';
import type { RunOptions } from './runner.ts';
import { UnsupportedCallError, type StopCause } from './runtime.ts';
import type { WireStopCause, WorkerInput, WorkerMessage } from './worker-main.ts';
import { globalEnv } from './vu.ts';

function fromWire(c: WireStopCause): StopCause {
  if (c.kind !== 'script-error') return c;
  const e = c.unsupported ? new UnsupportedCallError(c.message) : new Error(c.message);
  if (c.stack) e.stack = c.stack;
  return { kind: 'script-error', error: e };
}

/** Runs ctx.scenarios on `count` worker threads; merges their results into ctx.rt; returns their time series. */
export async function executeInWorkers(ctx: ExecuteContext, o: RunOptions & { workers?: number }, progress: Progress, wantTimeseries: unknown): Promise<Timeseries[]> {
  const { rt } = ctx;
  const count = o.workers ?? 1;
  ctx.slots.length = 0; // the progress shows totals; per-scenario state lives in the workers
  const stats = Array.from({ length: count }, () => ({ activeVus: 0, allocatedVus: 0, iterations: 0, interrupted: 0, snapshot: undefined as unknown }));
  const finals: Array<Extract<WorkerMessage, { type: 'done' }>> = [];
  const errors: string[] = [];
  const workers: Worker[] = [];
  const entry = new URL('./worker-entry.mjs', import.meta.url);
  const stopAll = (cause: StopCause) => {
    const wire = cause.kind === 'script-error' ? { kind: 'abort', reason: String((cause.error as Error)?.message ?? cause.error) } : cause;
    for (const w of workers) w.postMessage({ type: 'stop', cause: wire });
  };
  void rt.whenStopped().then(() => stopAll(rt.stopCause!));

  const done = Array.from({ length: count }, (_, index) => new Promise<void>((resolve) => {
    const input: WorkerInput = {
      script: o.script, env: { ...globalEnv }, options: JSON.parse(JSON.stringify(ctx.options)) as Record<string, unknown>,
      noThresholds: o.noThresholds, setupData: ctx.setupData, index, count, testStartedAt: rt.testStartedAt, timeseries: Boolean(wantTimeseries),
    };
    const w = new Worker(entry, { workerData: input });
    workers.push(w);
    w.on('message', (m: WorkerMessage) => {
      if (m.type === 'stats') {
        stats[index] = { activeVus: m.activeVus, allocatedVus: m.allocatedVus, iterations: m.iterations, interrupted: m.interrupted, snapshot: m.snapshot };
        rt.activeVus = stats.reduce((a, s) => a + s.activeVus, 0);
        rt.allocatedVus = stats.reduce((a, s) => a + s.allocatedVus, 0);
        rt.iterationsCompleted = stats.reduce((a, s) => a + s.iterations, 0);
        rt.iterationsInterrupted = stats.reduce((a, s) => a + s.interrupted, 0);
      } else if (m.type === 'done') {
        finals.push(m);
        if (m.stopCause) rt.stop(fromWire(m.stopCause));
        // The worker's message port would keep it alive: its work is done, end it.
        void w.terminate().then(() => resolve());
      } else if (m.type === 'error') {
        errors.push(m.message);
        rt.stop({ kind: 'script-error', error: Object.assign(new Error(m.message), { stack: m.stack }) });
        void w.terminate().then(() => resolve());
      }
    });
    w.on('error', (e) => { errors.push(e.message); rt.stop({ kind: 'script-error', error: e }); });
    w.on('exit', () => resolve());
  }));

  progress.start();
  const emitGauges = () => {
    const now = Date.now();
    rt.emit(rt.builtin.vus, rt.activeVus, {}, now);
    rt.emit(rt.builtin.vus_max, Math.max(rt.allocatedVus, ctx.scenarios.reduce((a, s) => a + s.initialVus, 0)), {}, now);
  };
  const gaugeTimer = setInterval(emitGauges, 1000);
  const registry = rt.registry as MetricsRegistry;
  let thresholdTimer: NodeJS.Timeout | undefined;
  if (!o.noThresholds && registry.hasThresholds()) {
    thresholdTimer = setInterval(() => {
      const view = new MetricsRegistry({ thresholds: ctx.options.thresholds, summaryTrendStats: registry.summaryTrendStats });
      view.merge(registry.snapshot());
      for (const s of stats) if (s.snapshot) view.merge(s.snapshot);
      const ev = view.evaluate(Date.now() - rt.testStartedAt);
      if (ev.abort) rt.stop({ kind: 'thresholds', metric: ev.abort.metric, expression: ev.abort.expression });
    }, 2000);
  }
  await Promise.all(done);
  clearInterval(gaugeTimer);
  clearInterval(thresholdTimer);
  emitGauges();

  for (const f of finals) {
    rt.registry.merge(f.snapshot);
    rt.groups.merge(f.groups);
  }
  // A scenario's span: the earliest start and latest end over the workers.
  const byName = new Map<string, ScenarioMeta>();
  for (const f of finals) for (const m of f.metas) {
    if (!m) continue;
    const seen = byName.get(m.name);
    if (!seen) byName.set(m.name, { ...m });
    else {
      seen.startSeconds = Math.min(seen.startSeconds, m.startSeconds);
      seen.endSeconds = Math.max(seen.endSeconds ?? 0, m.endSeconds ?? 0);
    }
  }
  ctx.scenarios.forEach((s, i) => { const m = byName.get(s.config.name); if (m) ctx.metas[i] = m; });
  if (errors.length && !finals.length) throw new Error(`every worker failed: ${errors.join('; ')}`);
  return finals.map((f) => f.timeseries).filter((t): t is Timeseries => Boolean(t));
}
