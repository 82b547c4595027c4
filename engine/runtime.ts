/**
 * What the k6 modules reach while a test runs: the metrics registry and group tree (the
 * results side), the sample sinks, the built-in metric definitions and the test-wide
 * controls (abort). One per process or worker thread, kept on globalThis for the same
 * reason as the VU store.
 */
import type { GroupTreeApi, MetricDef, MetricsRegistryApi, Tags } from './metrics/types.ts';
import type { K6MetricType } from '../harness/result-types.ts';

/** Something else that sees every sample (time series bucketer, --out json writer). */
export interface SampleListener {
  (def: MetricDef, value: number, tags: Tags, time: number): void;
}

export interface BuiltinMetrics {
  http_reqs: MetricDef; http_req_duration: MetricDef; http_req_blocked: MetricDef;
  http_req_connecting: MetricDef; http_req_tls_handshaking: MetricDef; http_req_sending: MetricDef;
  http_req_waiting: MetricDef; http_req_receiving: MetricDef; http_req_failed: MetricDef;
  iterations: MetricDef; iteration_duration: MetricDef; dropped_iterations: MetricDef;
  data_sent: MetricDef; data_received: MetricDef; vus: MetricDef; vus_max: MetricDef;
  checks: MetricDef; group_duration: MetricDef;
}

const BUILTIN: Array<[keyof BuiltinMetrics, K6MetricType, 'default' | 'time' | 'data']> = [
  ['http_reqs', 'counter', 'default'], ['http_req_duration', 'trend', 'time'], ['http_req_blocked', 'trend', 'time'],
  ['http_req_connecting', 'trend', 'time'], ['http_req_tls_handshaking', 'trend', 'time'], ['http_req_sending', 'trend', 'time'],
  ['http_req_waiting', 'trend', 'time'], ['http_req_receiving', 'trend', 'time'], ['http_req_failed', 'rate', 'default'],
  ['iterations', 'counter', 'default'], ['iteration_duration', 'trend', 'time'], ['dropped_iterations', 'counter', 'default'],
  ['data_sent', 'counter', 'data'], ['data_received', 'counter', 'data'], ['vus', 'gauge', 'default'], ['vus_max', 'gauge', 'default'],
  ['checks', 'rate', 'default'], ['group_duration', 'trend', 'time'],
];

/** Why a test stopped early, when it did. */
export type StopCause =
  | { kind: 'abort'; reason: string } // exec.test.abort()
  | { kind: 'thresholds'; metric: string; expression: string } // abortOnFail
  | { kind: 'signal'; signal: string } // Ctrl-C
  | { kind: 'script-error'; error: unknown }; // a call the engine cannot run (sync http, sleep)

export class Runtime {
  readonly registry: MetricsRegistryApi;
  readonly groups: GroupTreeApi;
  readonly builtin: BuiltinMetrics;
  private readonly listeners: SampleListener[] = [];
  /** True while the script's top-level code runs (metrics may be defined only then). */
  initContext = true;
  /** Set once the test is stopping; executors stop starting iterations. */
  stopCause: StopCause | undefined;
  private stopWaiters: Array<() => void> = [];
  /** exec.test.fail(): the test goes on, but ends with exit code 110. */
  markedFailed = false;
  /** Test start (epoch ms), for execution.scenario/instance figures. */
  testStartedAt = Date.now();
  /** Counters the progress line and k6/execution read. */
  iterationsCompleted = 0;
  iterationsInterrupted = 0;
  activeVus = 0;
  allocatedVus = 0;
  /** options as the script exported them (after CLI overrides), for execution.test.options. */
  options: Record<string, unknown> = {};
  /** The script runs in sync mode (engine/script-module.ts): k6's sync calls return promises the rewritten script awaits. */
  syncApi = false;
  /** The split of this process in a multi-worker run: [index, count]. */
  segment: { index: number; count: number } = { index: 0, count: 1 };

  constructor(registry: MetricsRegistryApi, groups: GroupTreeApi) {
    this.registry = registry;
    this.groups = groups;
    const b = {} as Record<string, MetricDef>;
    for (const [name, type, contains] of BUILTIN) b[name] = registry.define(name, type, contains);
    this.builtin = b as unknown as BuiltinMetrics;
  }

  addListener(l: SampleListener): void {
    this.listeners.push(l);
  }

  /** Hot path: one sample to the registry and every listener. */
  emit(def: MetricDef, value: number, tags: Tags, time: number): void {
    this.registry.add(def, value, tags, time);
    const ls = this.listeners;
    for (let i = 0; i < ls.length; i++) ls[i]!(def, value, tags, time);
  }

  /** Stops the test (first cause wins). */
  stop(cause: StopCause): void {
    if (this.stopCause) return;
    this.stopCause = cause;
    const w = this.stopWaiters;
    this.stopWaiters = [];
    for (const f of w) f();
  }

  /** Resolves when stop() is called. */
  whenStopped(): Promise<void> {
    if (this.stopCause) return Promise.resolve();
    return new Promise((r) => this.stopWaiters.push(r));
  }
}

const KEY = Symbol.for('shipcheck.engine.runtime');

export function setRuntime(rt: Runtime | undefined): void {
  (globalThis as Record<symbol, unknown>)[KEY] = rt;
}

/** The running test's runtime; a clear error when a k6 module is used outside the engine. */
export function runtime(): Runtime {
  const rt = (globalThis as Record<symbol, unknown>)[KEY] as Runtime | undefined;
  if (!rt) throw new Error('k6 modules of the shipcheck Node engine work only inside a test run (shipcheck run / shipcheck load).');
  return rt;
}

/** Thrown into a VU's code when the executor has stopped it, so its iteration unwinds quietly. */
export class InterruptedError extends Error {
  constructor() { super('iteration interrupted'); this.name = 'InterruptedError'; }
}

/** Thrown by exec.test.abort(): ends the test with exit code 108. */
export class TestAbortError extends Error {
  constructor(reason: string) { super(reason || 'test aborted'); this.name = 'TestAbortError'; }
}

/** A k6 call the Node engine refuses (it would block every VU): stops the test with exit code 107. */
export class UnsupportedCallError extends Error {
  constructor(message: string) { super(message); this.name = 'UnsupportedCallError'; }
}
