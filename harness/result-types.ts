/**
 * The contract between the parts: what a result folder `out/<run-id>/` holds. Engines write
 * summary.json and timeseries.json, smoke writes smoke.json, drills write drills/<name>.json,
 * everyone writes meta.json; reports and the gate read only these.
 */

// ---------------------------------------------------------------- summary.json
/** Exactly the object k6 passes to handleSummary(data). */
export interface K6SummaryData {
  root_group: K6Group;
  options: { summaryTrendStats: string[]; summaryTimeUnit: string; noColor: boolean };
  state: { isStdOutTTY: boolean; isStdErrTTY: boolean; testRunDurationMs: number };
  metrics: Record<string, K6SummaryMetric>;
  setup_data?: unknown;
}
export interface K6Group {
  name: string;
  path: string;
  id: string;
  groups: K6Group[];
  checks: K6Check[];
}
export interface K6Check { name: string; path: string; id: string; passes: number; fails: number }
export type K6MetricType = 'counter' | 'gauge' | 'rate' | 'trend';
export interface K6SummaryMetric {
  type: K6MetricType;
  contains: 'default' | 'time' | 'data';
  /** counter {count, rate}; gauge {value, min, max}; rate {rate, passes, fails}; trend: summaryTrendStats keys. */
  values: Record<string, number>;
  thresholds?: Record<string, { ok: boolean }>;
}

// ---------------------------------------------------------------- timeseries.json
/**
 * Per-second buckets per metric and key tags, in columns (fast to chart). Both engines feed
 * the same bucketer; from real k6 it is derived by streaming `--out json` NDJSON through it.
 */
export interface Timeseries {
  version: 1;
  /** Epoch ms of second 0. */
  startMs: number;
  bucketSeconds: number;
  /** Percentiles computed per bucket and in totals for trends, e.g. [50, 90, 95, 99]. */
  percentiles: number[];
  series: TimeseriesSeries[];
  /**
   * Trends merged across tag values, for what per-series percentiles cannot give (percentiles
   * do not add up): per trend metric one series with tags {} (all samples), one with
   * {expected_response: "true"} when that tag occurs, and one per `name` tag value. Counts here
   * repeat those in `series`: never sum the two. Optional; added by the bucketer.
   */
  aggregates?: TimeseriesSeries[];
}
/** Tags kept on series: the ones the report groups by. Others are dropped to bound cardinality. */
export const SERIES_TAG_KEYS = ['scenario', 'name', 'method', 'status', 'expected_response', 'error_code'] as const;
export interface TimeseriesSeries {
  metric: string;
  type: K6MetricType;
  contains: 'default' | 'time' | 'data';
  tags: Record<string, string>;
  /** Seconds since startMs of each bucket; the other columns align with it. */
  t: number[];
  count: number[];
  /** Sum of values (for a rate: the number of non-zero samples). */
  sum: number[];
  min: number[];
  max: number[];
  /** Gauges: last value in the bucket. */
  last?: number[];
  /** Trends: one column per percentile, keyed "p50", "p95", ... */
  p?: Record<string, number[]>;
  /** Whole-run aggregates of this series (exact percentiles from its HDR histogram). */
  totals: {
    count: number; sum: number; min: number; max: number;
    p?: Record<string, number>;
    /** Trends: a latency histogram, counts per bucket with upper bounds (ms). */
    histogram?: { bounds: number[]; counts: number[] };
  };
}

// ---------------------------------------------------------------- meta.json
export interface ScenarioMeta {
  name: string;
  executor: string;
  /** One line on the load shape, e.g. "ramp to 500 VUs over 30s, hold 60s". */
  description: string;
  /** Seconds from run start. */
  startSeconds: number;
  endSeconds?: number;
}
export interface RunMeta {
  runId: string;
  kind: 'load' | 'smoke' | 'drill' | 'gate' | 'report';
  /** "k6 v1.2.3" or "node". */
  engine?: string;
  /** Node engine: how it ran the script, "async" (module instance per VU) or "sync" (a realm per VU, k6's sync API). */
  engineMode?: 'async' | 'sync';
  /** The target's base URL (credentials redacted). */
  target?: string;
  /** The target's name in shipcheck.config.ts. */
  targetName?: string;
  gitCommit?: string;
  profile?: string;
  scenario?: string;
  scenarios?: ScenarioMeta[];
  startedAt: string;
  endedAt?: string;
  exitCode?: number;
  machine: { cores: number; memoryBytes: number; platform: string; node: string };
  commandLine: string[];
}

// ---------------------------------------------------------------- smoke.json
export type TestStatus = 'passed' | 'failed' | 'skipped' | 'timedOut' | 'interrupted' | 'flaky';
export interface SmokeResult {
  target: string;
  startedAt: string;
  durationMs: number;
  passed: number;
  failed: number;
  flaky: number;
  skipped: number;
  tests: Array<{ title: string; file: string; tags: string[]; status: TestStatus; durationMs: number; error?: string }>;
  a11y: Array<{
    page: string;
    url: string;
    violations: { critical: number; serious: number; moderate: number; minor: number };
    incomplete: number;
    details: Array<{ id: string; impact: string | null; help: string; helpUrl: string; targets: string[] }>;
  }>;
  /** Which axe impacts fail the gate, and what "incomplete" results do. */
  policy: { failOn: string[]; incomplete: 'ignore' | 'warn' | 'fail' };
  /** Each page measured in Chromium, with its budgets (absent in results written before pages had budgets). */
  vitals?: SmokeVitals[];
}
/** One page's web vitals: ms from navigation start (CLS is unitless); null when Chromium reported none. */
export interface SmokeVitals {
  page: string;
  url: string;
  fcpMs: number | null;
  lcpMs: number | null;
  cls: number;
  loadMs: number | null;
  budgets: { fcpMs: number; lcpMs: number; cls: number; loadMs: number };
}

// ---------------------------------------------------------------- drills/<name>.json
export interface DrillStep {
  title: string;
  startedAt: string;
  endedAt: string;
  durationMs: number;
  status: 'ok' | 'failed' | 'skipped';
  output: string;
}
export interface DrillObjective {
  name: string;
  /** e.g. "RTO ≤ 14400 s" */
  target: string;
  observed: string;
  passed: boolean;
  detail?: string;
}
export interface DrillJournal {
  drill: string;
  title: string;
  hypothesis: string;
  startedAt: string;
  endedAt: string;
  verdict: 'pass' | 'fail' | 'error';
  steps: DrillStep[];
  /** Measured figures in seconds (rtoSeconds, rpoSeconds, recoverySeconds, ...). */
  measurements: Record<string, number>;
  targets: Record<string, number>;
  objectives: DrillObjective[];
  error?: string;
  /** Set when the drill was deliberately made to lose data (`--sabotage <kind>`), to prove an objective catches it. */
  sabotage?: string;
  /** What the drill ran against: PostgreSQL version, client tools, cluster kind, row counts, ... */
  context?: Record<string, string | number>;
  /** With --prove-alerts: every alert rule's timeline under a real Prometheus during the drill. */
  alerts?: DrillAlert[];
  /** What second 0 of the alert times is ("the stop of PostgreSQL"). */
  alertsFrom?: string;
}

/** One alert rule during a drill; times are seconds from the fault (absent: never reached). */
export interface DrillAlert {
  alert: string;
  severity: string;
  /** The `for:` the drill ran with, and the one in monitoring/alert-rules.yml (they differ when shortened). */
  forSeconds: number;
  ruleForSeconds: number;
  /** What the drill expected of it: fire (and resolve), stay silent, or anything (recorded only). */
  expected: 'fire' | 'silent' | 'any';
  pendingSeconds?: number;
  firingSeconds?: number;
  resolvedSeconds?: number;
  /** Its state when the drill ended. */
  state: 'inactive' | 'pending' | 'firing' | 'resolved';
  passed: boolean;
}

// ---------------------------------------------------------------- gate.json
/** What happened to one stage of the gate: facts only; whether it passed is the verdict's call (reports/verdict.ts). */
export interface GateStage {
  /** `smoke`, `load`, or `script <name>` for one of the target's own k6 scripts. */
  name: string;
  /** It ran to its end; it could not run (a harness error); it was skipped; or it was interrupted. */
  outcome: 'ran' | 'error' | 'skipped' | 'interrupted';
  /** The suite's exit code when it ran (k6's for load and scripts). */
  exitCode?: number;
  /** Why it could not run or was skipped, or what the script said when it aborted. */
  detail?: string;
  /** Where its results are, relative to the gate's folder (scripts: `scripts/<name>`). */
  resultDir?: string;
  /** A failure the gate found in a stage's results beyond its thresholds (the target stopped answering at t = …): it fails the deployment. */
  failure?: string;
}
export interface GateRecord {
  /** The target gated (its name in shipcheck.config.ts). */
  target: string;
  stages: GateStage[];
  /** Copied from the one verdict (reports/verdict.ts) once the report is written, for tools that read gate.json. */
  verdict?: 'pass' | 'fail' | 'error' | 'interrupted';
  exitCode?: number;
  reasons?: string[];
}
