/**
 * The seam between the engine's runtime (executors, VUs, k6 modules) and its results side
 * (metrics registry, thresholds, summary, time series). The runtime only ever calls these.
 */
import type { K6MetricType, K6SummaryData, K6Group } from '../../harness/result-types.ts';

export type Tags = Record<string, string>;

export interface MetricDef {
  readonly name: string;
  readonly type: K6MetricType;
  readonly contains: 'default' | 'time' | 'data';
  /** Dense index for fast per-sample dispatch (no map lookups on the hot path). */
  readonly id: number;
}

/** One threshold as written in options.thresholds (string or long form). */
export interface ThresholdSpec {
  threshold: string;
  abortOnFail?: boolean;
  /** k6 duration string, e.g. "10s". */
  delayAbortEval?: string;
}

export interface ThresholdOutcome {
  /** Metric key as written: "http_req_duration{name:GET /x}". */
  metric: string;
  expression: string;
  ok: boolean;
  /** The observed aggregate (undefined when the metric has no samples yet: counts as ok). */
  observed?: number;
  abortOnFail: boolean;
}

export interface ThresholdEvaluation {
  outcomes: ThresholdOutcome[];
  /** Set when an abortOnFail threshold failed and its delay has passed. */
  abort?: ThresholdOutcome;
}

export interface EvaluateOptions {
  /**
   * The end-of-test evaluation. During the run a metric without samples passes; at the end k6
   * evaluates it as empty (counter count/rate 0, gauge 0, trend stats 0; an empty rate still
   * passes), so e.g. `iterations: ['count>0']` fails when nothing ran.
   */
  final?: boolean;
}

/** Serializable registry state, so worker threads' results can be merged in the main thread. */
export type RegistrySnapshot = unknown;

export interface MetricsRegistryApi {
  /** Built-in and custom metrics. Redefining a name with another type is an error (k6 does the same). */
  define(name: string, type: K6MetricType, contains?: 'default' | 'time' | 'data'): MetricDef;
  get(name: string): MetricDef | undefined;
  /** Hot path: one sample. `time` is epoch ms. Tags object must not be mutated afterwards. */
  add(def: MetricDef, value: number, tags: Tags, time: number): void;
  /** Thresholds over everything seen so far; `elapsedMs` is time since the test started. */
  evaluate(elapsedMs: number, options?: EvaluateOptions): ThresholdEvaluation;
  /**
   * The `metrics` part of handleSummary data. Counter rates divide by `testRunDurationMs`
   * (default: the elapsed time of the last evaluate()); thresholds' ok is the last evaluate()'s
   * result, as in k6 (evaluated at `testRunDurationMs` when evaluate() was never called).
   */
  summaryMetrics(testRunDurationMs?: number): K6SummaryData['metrics'];
  snapshot(): RegistrySnapshot;
  merge(snapshot: RegistrySnapshot): void;
}

/** The root_group tree: groups and checks with their pass/fail counts. */
export interface GroupTreeApi {
  /** Records one check result under the group path ("" is root; "::a::b" nested). */
  check(groupPath: string, name: string, ok: boolean): void;
  /** Registers a group so it appears even without checks. */
  group(groupPath: string): void;
  toJSON(): K6Group;
  merge(other: K6Group): void;
}
