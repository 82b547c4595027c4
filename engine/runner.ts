/**
 * Runs one k6 bundle in this process, the way `k6 run` does: init context → setup (__VU 0)
 * → scenarios (each at its startTime) → teardown → handleSummary, with thresholds evaluated
 * every 2 s and at the end, and k6's exit codes: 99 thresholds crossed, 104 invalid config
 * (thrown as a known error before anything runs), 105 interrupted, 107 script exception,
 * 108 exec.test.abort(), 110 exec.test.fail().
 *
 * Seam note: this file uses engine/metrics/types.ts as written; the registry's threshold
 * configuration and summaryMetrics(testRunDurationMs) come from MetricsRegistry itself.
 */
import fs from 'node:fs';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { EXIT, fail, isShipcheckError } from '../harness/errors.ts';
import { assertOpenFiles } from '../harness/open-files.ts';
import type { K6SummaryData, ScenarioMeta, Timeseries } from '../harness/result-types.ts';
import { TimeseriesBucketer } from '../harness/timeseries/bucketer.ts';
import { installGlobals } from './globals.ts';
import { closeAgent, prepareAgent } from './http-agent.ts';
import { sizeForVus } from './k6/http.ts';
import { createOutputs, stopOutputs, type Output, type OutputSpec } from './outputs/index.ts';
import { loadProgram, programOf, rememberProgram, type ScriptMode } from './script-module.ts';
import { GroupTree } from './metrics/group-tree.ts';
import { MetricsRegistry } from './metrics/registry.ts';
import type { ThresholdOutcome } from './metrics/types.ts';
import { applyOverrides, resolveScenarios, type CliOverrides, type ResolvedScenario } from './options.ts';
import { Progress, type ProgressCounters } from './progress.ts';
import { Runtime, setRuntime, TestAbortError, UnsupportedCallError, type StopCause } from './runtime.ts';
import { executeScenarios, type RunSlot } from './execute.ts';
import { mergeTimeseries } from './timeseries-merge.ts';
import { scriptLocation, setScriptFile } from './script-errors.ts';
import { buildHandleSummaryData } from './summary/handle-summary-data.ts';
import { renderLegacySummaryExport } from './summary/legacy-export.ts';
import { defaultSummaryStdout } from './summary/text-summary.ts';
import { formatDuration as durationOf, parseDuration } from './durations.ts';
import { globalEnv, noVu, vuStorage } from './vu.ts';

export interface RunOptions {
  /** The bundle (ESM .js) to run. */
  script: string;
  /** How to name the script in messages (the .ts the user gave); default `script`. */
  scriptLabel?: string;
  /** -e/--env values; k6 also passes the process environment (--include-system-env-vars). */
  env?: Record<string, string>;
  includeSystemEnv?: boolean;
  overrides?: CliOverrides;
  /** --tag: added to every sample. */
  tags?: Record<string, string>;
  noThresholds?: boolean;
  quiet?: boolean;
  summaryExport?: string;
  /** --out: json=FILE, csv=FILE, experimental-prometheus-rw, experimental-opentelemetry (any number). */
  outputs?: OutputSpec[];
  /** Collect the per-second time series (result folders). */
  timeseries?: boolean;
  /** Write the text summary and handleSummary's stdout/stderr here (default process streams). */
  stdout?: NodeJS.WritableStream;
  stderr?: NodeJS.WriteStream;
  /** Worker threads splitting VUs and rates like k6 execution segments (default 1: this thread). */
  workers?: number;
  /** Handle SIGINT (Ctrl-C) as k6 does: stop, teardown, summary, exit 105. Default true. */
  handleSignals?: boolean;
  /** Stops the test like Ctrl-C does (teardown, summary, exit 105) when it aborts. */
  signal?: AbortSignal;
}

export interface RunResult {
  exitCode: number;
  summary: K6SummaryData;
  timeseries?: Timeseries;
  scenarios: ScenarioMeta[];
  startedAt: Date;
  endedAt: Date;
  /** How the Node engine ran the script: "sync" (a realm per VU, k6's sync API) or "async". */
  scriptMode: ScriptMode;
  stopCause?: StopCause;
  /** The message explaining a non-zero exit, already printed. */
  message?: string;
}

function loadError(stage: string, e: unknown): Error {
  if (isShipcheckError(e)) return e;
  const msg = e instanceof Error ? e.message : String(e);
  return fail('SHIPCHECK_ERR_SCRIPT_EXCEPTION', { stage, message: msg, location: scriptLocation(e) ?? '' }, e);
}

/**
 * Loads the script as a VU program (engine/script-module.ts) and runs its init context once
 * for the test itself (options, setup, teardown, handleSummary; __VU 0). Each VU runs the init
 * context again in its own module instance when executeScenarios prepares it.
 */
export async function loadScript(script: string, rt: Runtime): Promise<Record<string, unknown>> {
  process.setSourceMapsEnabled(true);
  installGlobals(script);
  setScriptFile(path.resolve(script));
  setRuntime(rt);
  rt.initContext = true;
  try {
    const program = await loadProgram(script, (globalThis as Record<string, unknown>).open);
    rt.syncApi = program.mode === 'sync';
    const exports = await vuStorage.run(noVu, () => program.instantiate(noVu));
    rememberProgram(exports, program);
    return exports;
  } catch (e) {
    throw loadError('the init context', e);
  }
}

/** The mode a loaded script runs in: "sync" (a realm per VU, sync API) or "async". */
export function scriptModeOf(mod: Record<string, unknown>): ScriptMode {
  return programOf(mod)?.mode ?? 'async';
}

/** Timeout a lifecycle function (setup/teardown) may take: options.setupTimeout/teardownTimeout, default 60s. */
function lifecycleTimeout(options: Record<string, unknown>, key: string): number {
  return parseDuration(options[key]) ?? 60_000;
}

async function callLifecycle(fn: (d?: unknown) => unknown, arg: unknown, groupName: string, timeoutMs: number, rt: Runtime): Promise<{ value?: unknown; timedOut?: boolean }> {
  noVu.groupPath = `::${groupName}`;
  noVu.refreshTags();
  let t: NodeJS.Timeout | undefined;
  try {
    const value = await Promise.race([
      vuStorage.run(noVu, () => Promise.resolve().then(() => fn(arg))),
      new Promise<'timeout'>((r) => { t = setTimeout(() => r('timeout'), timeoutMs); }),
    ]);
    if (value === 'timeout') return { timedOut: true };
    return { value };
  } finally {
    clearTimeout(t);
    noVu.groupPath = '';
    noVu.refreshTags();
    void rt;
  }
}

/** Runs the whole test; returns k6's exit code and the summary (printed and written as k6 would). */
export async function runTest(o: RunOptions): Promise<RunResult> {
  const stdout = o.stdout ?? process.stdout;
  const stderr = o.stderr ?? process.stderr;
  const label = o.scriptLabel ?? o.script;
  if (!fs.existsSync(o.script)) throw fail('SHIPCHECK_ERR_SCRIPT_NOT_FOUND', { script: label });
  const startedAt = new Date();
  const started = performance.now();

  for (const k of Object.keys(globalEnv)) delete globalEnv[k];
  if (o.includeSystemEnv !== false) for (const [k, v] of Object.entries(process.env)) if (v !== undefined) globalEnv[k] = v;
  Object.assign(globalEnv, o.env ?? {});

  // Ctrl-C: stop gracefully (teardown, summary, results), exit 105. A second Ctrl-C kills.
  // Listened for from the start: reading and initializing the script can take a while.
  let live: Runtime | undefined;
  let interruptedEarly = false;
  const onSigint = () => {
    stderr.write('\nStopping the test (Ctrl-C again to kill it without a summary)...\n');
    process.removeListener('SIGINT', onSigint);
    if (live) live.stop({ kind: 'signal', signal: 'SIGINT' });
    else interruptedEarly = true;
  };
  if (o.handleSignals !== false) process.on('SIGINT', onSigint);

  // Init context: metrics are defined before the options (and so the thresholds) are known,
  // so it runs against a provisional registry whose definitions are replayed below.
  const boot = new Runtime(new MetricsRegistry({ noThresholds: true }), new GroupTree());
  let mod: Record<string, unknown>;
  try {
    mod = await loadScript(o.script, boot);
  } catch (e) {
    if (o.handleSignals !== false) process.removeListener('SIGINT', onSigint);
    throw e;
  }
  const scriptOptions = (mod.options && typeof mod.options === 'object' ? mod.options : {}) as Record<string, unknown>;
  const options = applyOverrides(scriptOptions, o.overrides ?? {});
  if (o.tags) options.tags = { ...(options.tags as Record<string, string> | undefined), ...o.tags };
  const scenarios = resolveScenarios(options, label);
  const exported = Object.keys(mod).filter((k) => typeof mod[k] === 'function');
  for (const s of scenarios) {
    if (typeof mod[s.config.exec] !== 'function') {
      throw fail('SHIPCHECK_ERR_SCRIPT_NO_EXEC', { scenario: s.config.name, exec: s.config.exec, script: label, exported: exported.join(', ') || '(none)' });
    }
  }

  const bucketer = o.timeseries ? new TimeseriesBucketer() : undefined;
  const registry = new MetricsRegistry({
    thresholds: options.thresholds, noThresholds: o.noThresholds,
    summaryTrendStats: options.summaryTrendStats as string[] | undefined, bucketer,
    expectedResponseSubmetric: true,
  });
  const rt = new Runtime(registry, new GroupTree());
  for (const def of (boot.registry as MetricsRegistry).all()) {
    const again = registry.define(def.name, def.type, def.contains);
    if (again.id !== def.id) throw new Error(`internal: metric ${def.name} changed id on replay`);
  }
  registry.validateThresholds();
  rt.options = options;
  rt.syncApi = boot.syncApi;
  setRuntime(rt);
  rt.initContext = false;

  const counters: ProgressCounters = { requests: 0, failed: 0 };
  rt.addListener((def, value) => {
    if (def === rt.builtin.http_reqs) counters.requests++;
    else if (def === rt.builtin.http_req_failed && value !== 0) counters.failed++;
  });
  let outputs: Output[] = [];
  if (o.outputs?.length) {
    const thresholdKeys = Object.keys((options.thresholds as Record<string, unknown> | undefined) ?? {});
    outputs = await createOutputs(o.outputs, {
      env: process.env,
      thresholdsOf: (metric) => thresholdKeys.filter((k) => k === metric || k.startsWith(`${metric}{`)),
      warn: (line) => stderr.write(`${line}\n`),
    });
    for (const out of outputs) rt.addListener(out.listener);
  }

  const maxVus = scenarios.reduce((a, s) => a + s.maxVus, 0);
  // More VUs than `ulimit -n` allows would fail requests with EMFILE part-way: say so before any VU starts.
  assertOpenFiles(maxVus);
  // k6 initializes these VUs before the first iteration, so vus_max starts there.
  const initialVus = scenarios.reduce((a, s) => a + s.initialVus, 0);
  prepareAgent(maxVus);
  sizeForVus(maxVus);

  live = rt;
  if (interruptedEarly) rt.stop({ kind: 'signal', signal: 'SIGINT' });
  const onAbort = () => rt.stop({ kind: 'signal', signal: 'SIGINT' });
  if (o.signal?.aborted) onAbort();
  else o.signal?.addEventListener('abort', onAbort, { once: true });

  let exitCode: number = EXIT.ok;
  let message: string | undefined;
  let setupData: unknown;
  const metas: ScenarioMeta[] = [];
  let workerSeries: Timeseries[] = [];
  rt.testStartedAt = Date.now();

  const runs: RunSlot[] = scenarios.map((s) => ({ name: s.config.name, plannedMs: s.config.plannedMs, startTime: s.config.startTime }));
  const progress = new Progress(rt, () => runs, counters, stderr, o.quiet);
  let thresholdTimer: NodeJS.Timeout | undefined;
  let gaugeTimer: NodeJS.Timeout | undefined;
  const emitGauges = () => {
    const now = Date.now();
    rt.emit(rt.builtin.vus, rt.activeVus, {}, now);
    rt.emit(rt.builtin.vus_max, Math.max(rt.allocatedVus, initialVus), {}, now);
  };

  try {
    // ---- setup
    if (typeof mod.setup === 'function') {
      const r = await callLifecycle(mod.setup as () => unknown, undefined, 'setup', lifecycleTimeout(options, 'setupTimeout'), rt).catch((e: unknown) => { throw e; });
      if (r.timedOut) {
        exitCode = EXIT.setupTimeout;
        message = `setup() did not finish within setupTimeout (${String(options.setupTimeout ?? '60s')}). Raise options.setupTimeout or make setup faster.`;
      } else setupData = r.value === undefined ? undefined : JSON.parse(JSON.stringify(r.value) ?? 'null');
    }
  } catch (e) {
    exitCode = stopExit(e, rt);
    message = describeStop(e, 'setup()');
  }

  // Latency is timed on this thread's event loop: when the loop lags, every response's timing
  // carries that lag. Measured, so a run on a starved machine says so instead of blaming the target.
  const loopDelay = monitorEventLoopDelay({ resolution: 10 });
  loopDelay.enable();
  if (exitCode === EXIT.ok) {
    if (!o.quiet) printPlan(stderr, label, scenarios, o, scriptModeOf(mod));
    const slots = runs;
    if ((o.workers ?? 1) > 1) {
      const { executeInWorkers } = await import('./workers.ts');
      workerSeries = await executeInWorkers({ rt, mod, scenarios, setupData, options, slots, metas }, o, progress, bucketer);
    } else {
      progress.start();
      gaugeTimer = setInterval(emitGauges, 1000);
      if (!o.noThresholds && registry.hasThresholds()) {
        thresholdTimer = setInterval(() => {
          const ev = registry.evaluate(Date.now() - rt.testStartedAt);
          if (ev.abort) rt.stop({ kind: 'thresholds', metric: ev.abort.metric, expression: ev.abort.expression });
        }, 2000);
      }
      // k6 samples vus/vus_max every second; one sample right after VUs start covers short runs.
      await executeScenarios({ rt, mod, scenarios, setupData, options, slots, metas, onScenarioStart: () => setImmediate(emitGauges) });
      clearInterval(thresholdTimer);
      clearInterval(gaugeTimer);
    }
    progress.stop();

    // ---- teardown (also after an abort or Ctrl-C, as in k6)
    if (typeof mod.teardown === 'function') {
      try {
        const r = await callLifecycle(mod.teardown as (d: unknown) => unknown, setupData, 'teardown', lifecycleTimeout(options, 'teardownTimeout'), rt);
        if (r.timedOut) {
          exitCode = EXIT.teardownTimeout;
          message = `teardown() did not finish within teardownTimeout (${String(options.teardownTimeout ?? '60s')}).`;
        }
      } catch (e) {
        exitCode = stopExit(e, rt);
        message = describeStop(e, 'teardown()');
      }
    }
    const cause = rt.stopCause;
    if (cause && exitCode === EXIT.ok) {
      if (cause.kind === 'abort') { exitCode = EXIT.scriptAborted; message = `test aborted by the script: ${cause.reason}`; }
      else if (cause.kind === 'signal') { exitCode = EXIT.interrupted; message = `test interrupted by ${cause.signal}`; }
      else if (cause.kind === 'script-error') { exitCode = EXIT.scriptException; message = describeStop(cause.error, 'the default function'); }
    }
  }
  if (o.handleSignals !== false) process.removeListener('SIGINT', onSigint);
  o.signal?.removeEventListener('abort', onAbort);
  loopDelay.disable();
  const lagP99Ms = loopDelay.count > 0 ? loopDelay.percentile(99) / 1e6 : 0;
  if (lagP99Ms > 50 && (o.workers ?? 1) <= 1) {
    stderr.write(`WARN the engine's event loop lagged (p99 ${lagP99Ms.toFixed(0)} ms, max ${(loopDelay.max / 1e6).toFixed(0)} ms): latencies above include that much engine delay. The machine may be short of CPU; fewer VUs or --workers 2 can help.\n`);
  }

  // ---- the end: thresholds, summary, outputs
  const endedAt = new Date();
  const testRunDurationMs = performance.now() - started;
  const evaluation = registry.evaluate(Date.now() - rt.testStartedAt, { final: true });
  const failedThresholds = evaluation.outcomes.filter((t) => !t.ok);
  const summary = buildHandleSummaryData({
    registry, groups: rt.groups, testRunDurationMs,
    summaryTrendStats: registry.summaryTrendStats, summaryTimeUnit: typeof options.summaryTimeUnit === 'string' ? options.summaryTimeUnit : '',
    noColor: Boolean(options.noColor) || !process.stdout.isTTY, isStdOutTTY: Boolean(process.stdout.isTTY), isStdErrTTY: Boolean(process.stderr.isTTY),
    setupData,
  });
  await stopOutputs(outputs);
  await closeAgent();

  if (o.summaryExport) fs.writeFileSync(o.summaryExport, renderLegacySummaryExport(summary));
  await writeSummaryOutputs(mod, summary, stdout, stderr, o, evaluation.outcomes);

  if (exitCode === EXIT.ok && failedThresholds.length > 0) {
    exitCode = EXIT.thresholds;
    message = thresholdMessage(failedThresholds);
  } else if (exitCode === EXIT.ok && rt.stopCause?.kind === 'thresholds') {
    exitCode = EXIT.thresholds;
  }
  if (exitCode === EXIT.ok && rt.markedFailed) { exitCode = 110; message = 'the script marked the test as failed (exec.test.fail())'; }
  if (rt.stopCause?.kind === 'thresholds' && exitCode === EXIT.thresholds) {
    message = `${message ? `${message}; ` : ''}test aborted early: threshold ${rt.stopCause.expression} on ${rt.stopCause.metric} has abortOnFail`;
  }
  if (message) stderr.write(`${exitCode === EXIT.thresholds ? 'ERRO' : 'ERRO'} ${message}\n`);

  return {
    exitCode, summary, timeseries: bucketer ? mergeTimeseries([bucketer.toJSON(), ...workerSeries]) : undefined, scenarios: metas.filter(Boolean), startedAt, endedAt, scriptMode: scriptModeOf(mod),
    stopCause: rt.stopCause, message,
  };
}

function thresholdMessage(failed: ThresholdOutcome[]): string {
  const metrics = [...new Set(failed.map((f) => f.metric))];
  return `thresholds on metrics '${metrics.join("', '")}' have been crossed`;
}

function stopExit(e: unknown, rt: Runtime): number {
  if (e instanceof TestAbortError) { rt.stop({ kind: 'abort', reason: e.message }); return EXIT.scriptAborted; }
  return EXIT.scriptException;
}

function describeStop(e: unknown, where: string): string {
  if (e instanceof TestAbortError) return `test aborted by the script in ${where}: ${e.message}`;
  if (e instanceof UnsupportedCallError) {
    const at = scriptLocation(e);
    return `${e.message}${at ? ` (at ${at})` : ''}`;
  }
  const err = loadError(where, e);
  return err.message;
}


function printPlan(out: NodeJS.WritableStream, label: string, scenarios: ResolvedScenario[], o: RunOptions, mode: ScriptMode): void {
  const maxDur = Math.max(...scenarios.map((s) => s.maxDurationMs));
  const lines = [
    `  execution: local (shipcheck Node engine, ${mode} mode: ${mode === 'sync' ? 'a JavaScript realm per VU, k6\'s sync API' : 'module instance per VU, shared realm'})`,
    `     script: ${label}`,
    `     output: ${o.outputs?.length ? o.outputs.map((x) => (x.arg ? `${x.type} (${x.arg})` : x.type)).join(', ') : '-'}`,
    '',
    `  scenarios: (100.00%) ${scenarios.length} scenario${scenarios.length === 1 ? '' : 's'}, ${scenarios.reduce((a, s) => a + s.maxVus, 0)} max VUs, ${durationOf(maxDur)} max duration (incl. graceful stop):`,
    ...scenarios.map((s) => `           * ${s.config.name}: ${s.description}`),
    '',
  ];
  out.write(`${lines.join('\n')}\n`);
}

/** handleSummary's map (stdout, stderr, file paths) or, without it, k6's text summary on stdout. */
async function writeSummaryOutputs(mod: Record<string, unknown>, data: K6SummaryData, stdout: NodeJS.WritableStream, stderr: NodeJS.WritableStream, o: RunOptions, outcomes: ThresholdOutcome[]): Promise<void> {
  if (typeof mod.handleSummary === 'function') {
    try {
      const result = await vuStorage.run(noVu, () => Promise.resolve((mod.handleSummary as (d: unknown) => unknown)(structuredClone(data))));
      if (result && typeof result === 'object') {
        for (const [dest, content] of Object.entries(result as Record<string, unknown>)) {
          const text = typeof content === 'string' ? content : content instanceof ArrayBuffer ? Buffer.from(content) : JSON.stringify(content);
          if (dest === 'stdout') stdout.write(text);
          else if (dest === 'stderr') stderr.write(text);
          else {
            fs.mkdirSync(path.dirname(path.resolve(dest)), { recursive: true });
            fs.writeFileSync(dest, text);
          }
        }
      }
      return;
    } catch (e) {
      stderr.write(`ERRO handleSummary() failed, printing the default summary instead: ${describeStop(e, 'handleSummary()')}\n`);
    }
  }
  if (!o.quiet) stdout.write(defaultSummaryStdout(data, { outcomes, enableColors: !data.options.noColor && Boolean((stdout as NodeJS.WriteStream).isTTY) }));
}

/**
 * The scenarios a bundle declares (names, executors, k6's one-line descriptions, start and
 * planned end), read by running its init context without running the test. Used for
 * meta.json when real k6 runs the bundle.
 */
export async function describeScript(script: string, env: Record<string, string>, overrides: CliOverrides = {}): Promise<ScenarioMeta[]> {
  for (const k of Object.keys(globalEnv)) delete globalEnv[k];
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined) globalEnv[k] = v;
  Object.assign(globalEnv, env);
  const boot = new Runtime(new MetricsRegistry({ noThresholds: true }), new GroupTree());
  const mod = await loadScript(script, boot);
  boot.initContext = false;
  const options = applyOverrides((mod.options ?? {}) as Record<string, unknown>, overrides);
  return resolveScenarios(options, script).map((s) => ({
    name: s.config.name, executor: s.config.executor, description: s.description,
    startSeconds: s.config.startTime / 1000, endSeconds: (s.config.startTime + s.config.plannedMs) / 1000,
  }));
}
