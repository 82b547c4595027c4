/**
 * Everything a report shows, computed once from the inputs: the HTML, JUnit and Markdown
 * renderers only format this. Numbers come from summary.json when it has them (the engine's
 * own figures) and from timeseries.json otherwise.
 */
import type { DrillAlert, DrillJournal, GateRecord, K6Group, K6SummaryData, ScenarioMeta, SmokeResult, Timeseries, TimeseriesSeries } from '../harness/result-types.ts';
import { alertObjectiveName } from '../harness/alert-objective.ts';
import { checkComparable, compareBaseline, compareEndpoints, DEFAULT_TOLERANCE, identityOf, type BaselineComparison, type BaselineRow, type Tolerance } from './baseline.ts';
import { chartSpecs, type ChartPayload } from './charts.ts';
import { fmtValue } from './format.ts';
import type { ReportInput } from './load-input.ts';
import { labelMetric } from './metric-labels.ts';
import { margin, parseMetricKey, parseThreshold, type Operator } from './thresholds.ts';
import { decideVerdict, type Verdict } from './verdict.ts';

export type { Verdict, BaselineRow, Tolerance };
export { DEFAULT_TOLERANCE };

/** A figure that passes but within this share of its limit earns a warning. */
export const NEAR_LIMIT = 0.1;

/** Fewer seconds than this and the charts would mislead: the panel shows a note instead. */
export const MIN_CHART_SECONDS = 5;

export type Unit = 'ms' | 'ratio' | 'bytes' | 'count' | 'perSecond' | 'pct' | 'plain';

export interface ThresholdRow {
  metric: string;
  expression: string;
  ok: boolean;
  /** The target's own script it belongs to; absent for the main run. */
  source?: string;
  /** What the metric judges, in words (endpoint, group, budget, service timing). */
  label?: string;
  /** The aggregate the expression reads: "p(95)", "rate", "max", ... */
  aggregate?: string;
  observed?: number;
  operator?: Operator;
  limit?: number;
  margin?: { absolute: number; relative?: number };
  unit: Unit;
}

export interface KeyFigures {
  durationSeconds: number;
  requests?: number;
  rps?: number;
  errorPct?: number;
  p50?: number;
  p95?: number;
  p99?: number;
  max?: number;
  checksPassed?: number;
  checksTotal?: number;
  iterations?: number;
  droppedIterations?: number;
  vusMax?: number;
  dataReceived?: number;
  dataSent?: number;
}

export interface EndpointRow { name: string; count: number; rps: number; p50?: number; p90?: number; p95?: number; p99?: number; max?: number; errorPct: number }
export interface TimingRow { phase: string; metric: string; avg?: number; med?: number; p95?: number; max?: number; share?: number }
export interface CheckRow { group: string; name: string; passes: number; fails: number; ok: boolean; limitPct: number }
export interface ErrorRow { status: string; errorCode: string; count: number; examples: Array<{ name: string; count: number }> }

export interface ChartData {
  startMs: number;
  t: number[];
  vus: Array<number | null>;
  rps: number[];
  p50: Array<number | null>;
  p95: Array<number | null>;
  p99: Array<number | null>;
  errorPct: Array<number | null>;
  dataIn: number[];
  dataOut: number[];
  dropped: number[];
  scenarios: Array<{ name: string; start: number; end?: number }>;
  /** Which latency series the chart shows: successful requests when the tag exists. */
  latencyOf: 'successful requests' | 'all requests';
}


export interface ReportModel {
  title: string;
  source: string;
  generatedAt: string;
  verdict: Verdict;
  facts: Array<{ label: string; value: string }>;
  scenarios: ScenarioMeta[];
  hasLoad: boolean;
  thresholds: ThresholdRow[];
  figures?: KeyFigures;
  chart?: ChartData;
  chartNote?: string;
  histogram?: { bounds: number[]; counts: number[]; of: string };
  ranges: Array<{ label: string; count: number; pct: number }>;
  endpoints: EndpointRow[];
  timings: TimingRow[];
  checks: CheckRow[];
  errors: ErrorRow[];
  baseline?: BaselineComparison;
  /** The charts the page draws, with limits and the baseline's overlay (absent when there is nothing to chart). */
  charts?: ChartPayload;
  /** Figures that pass but sit within 10 % of their limit. */
  warnings: string[];
  /** Playwright traces in the result folder (relative paths), by the failed test they belong to. */
  traces: Record<string, string>;
  /** When each part of the run started and how long it took, for JUnit's timestamps and durations. */
  clocks: Record<string, { startedAt?: string; seconds?: number }>;
  smoke?: SmokeResult;
  drills: DrillJournal[];
  /** The alert timeline of each drill that ran with --prove-alerts, by drill name. */
  drillAlerts: Record<string, DrillAlerts>;
  gate?: GateRecord;
}

/** One alert rule during a drill, as the report, summary.md and junit.xml show it. */
export interface AlertRow extends DrillAlert {
  /** It left inactive (went pending at least once), so it has a bar on the timeline. */
  active: boolean;
  fired: boolean;
  /** What it did, in words with its times: "pending at +1.069 s, fired at +6.243 s, resolved at +7.175 s". */
  happened: string;
  /** The same without times, for a table that shows them in columns: "fired, then resolved". */
  outcome: string;
  /** What the drill expected of it, in words. */
  expectation: string;
  /** The drill's objective recordAlerts made of this expectation (absent for `any`): it, not this row, decides the verdict. */
  objective?: string;
  result: 'pass' | 'fail' | 'recorded';
}

export interface DrillAlerts {
  /** What second 0 is, as the drill's alert objectives name it ("the stop of PostgreSQL"). */
  faultLabel: string;
  rows: AlertRow[];
  /** The timeline's axis in seconds from the fault: from 0 (or the earliest pending) to the latest time recorded. */
  axis: { from: number; to: number };
}

// ------------------------------------------------------------------ helpers

const num = (x: unknown): number | undefined => (typeof x === 'number' && Number.isFinite(x) ? x : undefined);

function unitOf(summary: K6SummaryData | undefined, metricKey: string, aggregate: string): Unit {
  const m = summary?.metrics[metricKey] ?? summary?.metrics[parseMetricKey(metricKey).metric];
  if (aggregate === 'count') return 'count';
  if (m?.type === 'rate') return 'ratio';
  if (m?.contains === 'time') return 'ms';
  if (m?.contains === 'data') return 'bytes';
  if (m?.type === 'counter' && aggregate === 'rate') return 'perSecond';
  return 'plain';
}

function aggregateSeries(ts: Timeseries | undefined, metric: string, tags: Record<string, string>): TimeseriesSeries | undefined {
  const want = JSON.stringify(Object.entries(tags).sort());
  return ts?.aggregates?.find((a) => a.metric === metric && JSON.stringify(Object.entries(a.tags).sort()) === want);
}

function seriesOf(ts: Timeseries | undefined, metric: string): TimeseriesSeries[] {
  return ts?.series.filter((s) => s.metric === metric) ?? [];
}

/** A percentile from the time series' whole-run totals, when the summary did not compute it. */
function percentileFromTimeseries(ts: Timeseries | undefined, metricKey: string, pct: number): number | undefined {
  const { metric, tags } = parseMetricKey(metricKey);
  return num(aggregateSeries(ts, metric, tags)?.totals.p?.[`p${pct}`]);
}

function observedFor(input: ReportInput, metricKey: string, aggregate: string, percentile?: number): number | undefined {
  const v = num(input.summary?.metrics[metricKey]?.values[aggregate]);
  if (v !== undefined) return v;
  if (percentile !== undefined) return percentileFromTimeseries(input.timeseries, metricKey, percentile);
  if (aggregate === 'med') return percentileFromTimeseries(input.timeseries, metricKey, 50);
  return undefined;
}

export function durationSeconds(input: ReportInput): number {
  const ms = num(input.summary?.state.testRunDurationMs);
  if (ms !== undefined) return ms / 1000;
  let maxT = -1;
  for (const s of input.timeseries?.series ?? []) if (s.t.length) maxT = Math.max(maxT, s.t[s.t.length - 1]!);
  return maxT >= 0 ? (maxT + 1) * (input.timeseries?.bucketSeconds ?? 1) : 0;
}

// ------------------------------------------------------------------ panels

function rowsOf(summary: K6SummaryData | undefined, input: ReportInput, source?: string): ThresholdRow[] {
  const rows: ThresholdRow[] = [];
  // A script's observed values come from its own summary; only the main run has a time series to fall back on.
  const from: ReportInput = source ? { ...input, summary, timeseries: undefined } : input;
  for (const [metric, m] of Object.entries(summary?.metrics ?? {})) {
    for (const [expression, { ok }] of Object.entries(m.thresholds ?? {})) {
      const p = parseThreshold(expression);
      const label = labelMetric(metric, input.target);
      const row: ThresholdRow = {
        metric, expression, ok, ...(source ? { source } : {}),
        ...(label.what !== metric ? { label: label.what } : {}),
        unit: p?.aggregate === 'count' ? 'count' : label.unit ?? unitOf(summary, metric, p?.aggregate ?? ''),
      };
      if (p) {
        row.aggregate = p.aggregate;
        row.operator = p.operator;
        row.limit = p.limit;
        row.observed = observedFor(from, metric, p.aggregate, p.percentile);
        if (row.observed !== undefined) row.margin = margin(row.observed, p.operator, p.limit);
      }
      rows.push(row);
    }
  }
  return rows;
}

/** Every threshold: the main run's, then each of the target's own scripts'. */
export function thresholdRows(input: ReportInput): ThresholdRow[] {
  const rows = [...rowsOf(input.summary, input), ...input.scripts.flatMap((s) => rowsOf(s.summary, input, s.name))];
  // Failures first, then by script and metric, so the reason for a red banner is the first row read.
  return rows.sort((a, b) => Number(a.ok) - Number(b.ok) || (a.source ?? '').localeCompare(b.source ?? '') || a.metric.localeCompare(b.metric));
}

function allChecks(g: K6Group | undefined, out: Array<{ group: string; name: string; passes: number; fails: number }> = []) {
  if (!g) return out;
  for (const c of g.checks) out.push({ group: g.path, name: c.name, passes: c.passes, fails: c.fails });
  for (const sub of g.groups) allChecks(sub, out);
  return out;
}

export function checkRows(input: ReportInput): CheckRow[] {
  // A check passes when its pass rate meets the run's own `checks` rate threshold, if it has
  // one ("rate>0.99"); without one, every failure counts.
  let limitPct = 100;
  for (const expr of Object.keys(input.summary?.metrics.checks?.thresholds ?? {})) {
    const p = parseThreshold(expr);
    if (p?.aggregate === 'rate' && (p.operator === '>' || p.operator === '>=')) limitPct = Math.min(limitPct, p.limit * 100);
  }
  return allChecks(input.summary?.root_group).map((c) => {
    const total = c.passes + c.fails;
    const pct = total ? (c.passes / total) * 100 : 100;
    return { ...c, limitPct, ok: limitPct >= 100 ? c.fails === 0 : pct >= limitPct };
  });
}

export function keyFigures(input: ReportInput): KeyFigures | undefined {
  const s = input.summary;
  const ts = input.timeseries;
  if (!s && !ts) return undefined;
  const v = (metric: string, key: string) => num(s?.metrics[metric]?.values[key]);
  const sumTotals = (metric: string) => {
    const ser = seriesOf(ts, metric);
    return ser.length ? ser.reduce((a, x) => a + x.totals.sum, 0) : undefined;
  };
  const dur = durationSeconds(input);
  const requests = v('http_reqs', 'count') ?? sumTotals('http_reqs');
  const failed = seriesOf(ts, 'http_req_failed');
  const failedCount = failed.reduce((a, x) => a + x.totals.count, 0);
  const errorRate = v('http_req_failed', 'rate') ?? (failedCount ? failed.reduce((a, x) => a + x.totals.sum, 0) / failedCount : undefined);
  const checks = allChecks(s?.root_group);
  const checksTotal = checks.reduce((a, c) => a + c.passes + c.fails, 0);
  return {
    durationSeconds: dur,
    requests,
    rps: v('http_reqs', 'rate') ?? (requests !== undefined && dur > 0 ? requests / dur : undefined),
    errorPct: errorRate !== undefined ? errorRate * 100 : undefined,
    p50: observedFor(input, 'http_req_duration', 'med', 50),
    p95: observedFor(input, 'http_req_duration', 'p(95)', 95),
    p99: observedFor(input, 'http_req_duration', 'p(99)', 99),
    max: v('http_req_duration', 'max') ?? num(aggregateSeries(ts, 'http_req_duration', {})?.totals.max),
    checksPassed: checksTotal ? checks.reduce((a, c) => a + c.passes, 0) : v('checks', 'passes'),
    checksTotal: checksTotal || (v('checks', 'passes') !== undefined ? v('checks', 'passes')! + (v('checks', 'fails') ?? 0) : undefined),
    iterations: v('iterations', 'count') ?? sumTotals('iterations'),
    droppedIterations: v('dropped_iterations', 'count') ?? sumTotals('dropped_iterations') ?? (s ? 0 : undefined),
    vusMax: v('vus_max', 'max') ?? v('vus_max', 'value') ?? v('vus', 'max') ?? (seriesOf(ts, 'vus').length ? Math.max(...seriesOf(ts, 'vus').map((x) => x.totals.max)) : undefined),
    dataReceived: v('data_received', 'count') ?? sumTotals('data_received'),
    dataSent: v('data_sent', 'count') ?? sumTotals('data_sent'),
  };
}

export function endpointRows(input: ReportInput): EndpointRow[] {
  const ts = input.timeseries;
  const dur = durationSeconds(input) || 1;
  const byName = new Map<string, { count: number; fails: number; failTotal: number }>();
  for (const s of seriesOf(ts, 'http_reqs')) {
    const name = s.tags.name ?? '(no name tag)';
    const e = byName.get(name) ?? { count: 0, fails: 0, failTotal: 0 };
    e.count += s.totals.sum;
    byName.set(name, e);
  }
  for (const s of seriesOf(ts, 'http_req_failed')) {
    const e = byName.get(s.tags.name ?? '(no name tag)');
    if (e) { e.fails += s.totals.sum; e.failTotal += s.totals.count; }
  }
  return [...byName.entries()].map(([name, e]) => {
    const agg = aggregateSeries(ts, 'http_req_duration', { name });
    const p = agg?.totals.p ?? {};
    return {
      name, count: e.count, rps: e.count / dur,
      p50: num(p.p50), p90: num(p.p90), p95: num(p.p95), p99: num(p.p99), max: num(agg?.totals.max),
      errorPct: e.failTotal ? (e.fails / e.failTotal) * 100 : 0,
    };
  }).sort((a, b) => b.count - a.count || a.name.localeCompare(b.name));
}

const PHASES: Array<[string, string]> = [
  ['Blocked (waiting for a connection)', 'http_req_blocked'],
  ['Connecting (TCP)', 'http_req_connecting'],
  ['TLS handshake', 'http_req_tls_handshaking'],
  ['Sending', 'http_req_sending'],
  ['Waiting (time to first byte)', 'http_req_waiting'],
  ['Receiving', 'http_req_receiving'],
];

export function timingRows(input: ReportInput): TimingRow[] {
  const rows = PHASES.map(([phase, metric]) => {
    const agg = aggregateSeries(input.timeseries, metric, {});
    const avg = num(input.summary?.metrics[metric]?.values.avg) ?? (agg && agg.totals.count ? agg.totals.sum / agg.totals.count : undefined);
    return {
      phase, metric, avg,
      med: observedFor(input, metric, 'med', 50),
      p95: observedFor(input, metric, 'p(95)', 95),
      max: num(input.summary?.metrics[metric]?.values.max) ?? num(agg?.totals.max),
    } as TimingRow;
  }).filter((r) => r.avg !== undefined);
  // Shares of the request time on average; blocked/connecting/TLS overlap nothing in k6's
  // accounting except that "blocked" includes connecting and TLS, so shares use the three
  // transfer phases plus blocked.
  const total = rows.filter((r) => ['http_req_blocked', 'http_req_sending', 'http_req_waiting', 'http_req_receiving'].includes(r.metric)).reduce((a, r) => a + (r.avg ?? 0), 0);
  for (const r of rows) r.share = total > 0 ? (r.avg ?? 0) / total : undefined;
  return rows;
}

export function errorRows(input: ReportInput): ErrorRow[] {
  const groups = new Map<string, ErrorRow>();
  for (const s of seriesOf(input.timeseries, 'http_reqs')) {
    const status = s.tags.status ?? '';
    const code = s.tags.error_code ?? '';
    const failed = s.tags.expected_response === 'false' || code !== '' || Number(status) >= 400 || status === '0';
    if (!failed || s.totals.sum === 0) continue;
    const key = `${status}|${code}`;
    const row = groups.get(key) ?? { status: status || '—', errorCode: code || '—', count: 0, examples: [] };
    row.count += s.totals.sum;
    const name = s.tags.name ?? '(no name tag)';
    const ex = row.examples.find((x) => x.name === name);
    if (ex) ex.count += s.totals.sum; else row.examples.push({ name, count: s.totals.sum });
    groups.set(key, row);
  }
  return [...groups.values()]
    .map((r) => ({ ...r, examples: r.examples.sort((a, b) => b.count - a.count).slice(0, 3) }))
    .sort((a, b) => b.count - a.count);
}

function latencySource(ts: Timeseries | undefined): { series?: TimeseriesSeries; of: ChartData['latencyOf'] } {
  const ok = aggregateSeries(ts, 'http_req_duration', { expected_response: 'true' });
  if (ok) return { series: ok, of: 'successful requests' };
  return { series: aggregateSeries(ts, 'http_req_duration', {}), of: 'all requests' };
}

export function chartData(input: ReportInput): ChartData | undefined {
  const ts = input.timeseries;
  if (!ts) return undefined;
  let maxT = -1;
  for (const s of ts.series) if (s.t.length) maxT = Math.max(maxT, s.t[s.t.length - 1]!);
  if (maxT < 0) return undefined;
  const step = ts.bucketSeconds || 1;
  const n = Math.floor(maxT / step) + 1;
  const t = Array.from({ length: n }, (_, i) => i * step);
  const zero = () => new Array<number>(n).fill(0);
  const empty = () => new Array<number | null>(n).fill(null);
  const idx = (sec: number) => Math.floor(sec / step);
  const sumOf = (metric: string) => {
    const col = zero();
    for (const s of seriesOf(ts, metric)) s.t.forEach((sec, i) => { col[idx(sec)]! += s.sum[i]!; });
    return col;
  };
  const round = (x: number) => Math.round(x * 1000) / 1000;
  const vus = empty();
  for (const s of seriesOf(ts, 'vus')) s.t.forEach((sec, i) => { vus[idx(sec)] = (vus[idx(sec)] ?? 0) + s.last![i]!; });
  const rps = sumOf('http_reqs').map((c) => round(c / step));
  const fails = zero();
  const failTotal = zero();
  for (const s of seriesOf(ts, 'http_req_failed')) s.t.forEach((sec, i) => { fails[idx(sec)]! += s.sum[i]!; failTotal[idx(sec)]! += s.count[i]!; });
  const lat = latencySource(ts);
  const pcol = (k: string) => {
    const col = empty();
    lat.series?.t.forEach((sec, i) => { const v = lat.series!.p?.[k]?.[i]; if (v !== undefined) col[idx(sec)] = round(v); });
    return col;
  };
  return {
    startMs: ts.startMs,
    t,
    vus,
    rps,
    p50: pcol('p50'),
    p95: pcol('p95'),
    p99: pcol('p99'),
    errorPct: failTotal.map((c, i) => (c ? round((fails[i]! / c) * 100) : null)),
    dataIn: sumOf('data_received').map((x) => Math.round(x / step)),
    dataOut: sumOf('data_sent').map((x) => Math.round(x / step)),
    dropped: sumOf('dropped_iterations'),
    scenarios: (input.meta?.scenarios ?? []).map((s) => ({ name: s.name, start: s.startSeconds, end: s.endSeconds })),
    latencyOf: lat.of,
  };
}

const RANGES: Array<[string, number]> = [['under 100 ms', 100], ['100 ms – 300 ms', 300], ['300 ms – 1 s', 1000], ['1 s – 3 s', 3000], ['3 s and more', Infinity]];

/** Requests per response-time range, from the histogram's bins (a bin counts where its upper bound falls). */
export function responseTimeRanges(h: { bounds: number[]; counts: number[] } | undefined): ReportModel['ranges'] {
  if (!h || h.counts.length === 0) return [];
  const total = h.counts.reduce((a, b) => a + b, 0);
  let lower = 0;
  return RANGES.map(([label, upper]) => {
    let count = 0;
    h.bounds.forEach((b, i) => { if (b > lower && b <= upper) count += h.counts[i]!; });
    if (lower === 0) h.bounds.forEach((b, i) => { if (b <= 0) count += h.counts[i]!; });
    lower = upper;
    return { label, count, pct: total ? (count / total) * 100 : 0 };
  });
}

// ------------------------------------------------------------------ verdict and facts

function fmtBytes(n: number): string {
  if (n >= 1 << 30) return `${(n / (1 << 30)).toFixed(1)} GiB`;
  return `${Math.round(n / (1 << 20))} MiB`;
}

function factsOf(input: ReportInput, figures: KeyFigures | undefined): ReportModel['facts'] {
  const meta = input.meta;
  const facts: ReportModel['facts'] = [];
  const add = (label: string, value: string | undefined) => { if (value) facts.push({ label, value }); };
  add('Run', meta?.runId);
  add('Kind', meta?.kind);
  if (input.target) add('Target name', `${input.target.name}${input.target.description ? ` — ${input.target.description}` : ''} (environment ${input.target.environment})`);
  add('Target', meta?.target ?? input.smoke?.target);
  add('Engine', meta?.engine);
  add('Profile', meta?.profile);
  add(meta?.kind === 'gate' || meta?.kind === 'load' ? 'Load shape or script' : 'Scenario', meta?.scenario);
  add('Started', meta?.startedAt);
  add('Ended', meta?.endedAt);
  if (figures && figures.durationSeconds > 0) add('Duration', `${figures.durationSeconds.toFixed(1)} s`);
  if (figures?.vusMax !== undefined) add('VUs max', String(figures.vusMax));
  add('Git commit', meta?.gitCommit);
  if (meta?.machine) add('Machine', meta.machine.cores > 0 ? `${meta.machine.platform}, ${meta.machine.cores} cores, ${fmtBytes(meta.machine.memoryBytes)} memory, Node ${meta.machine.node}` : 'not recorded');
  if (meta?.exitCode !== undefined) add('Exit code', String(meta.exitCode));
  if (input.foldedFrom) add('Folded from', input.foldedFrom);
  if (meta?.commandLine?.length) add('Command line', meta.commandLine.join(' '));
  return facts;
}

export interface ModelOptions {
  baseline?: ReportInput;
  /** Compare with a baseline that measured another shape, profile or target (--force-baseline). */
  forceBaseline?: boolean;
  tolerance?: Tolerance;
  now?: Date;
}

/** Passing figures close to their limit: thresholds, then page vitals against their budgets. */
export function nearLimitWarnings(thresholds: ThresholdRow[], smoke: SmokeResult | undefined): string[] {
  const out: string[] = [];
  for (const t of thresholds) {
    const rel = t.margin?.relative;
    if (!t.ok || rel === undefined || rel < 0 || rel >= NEAR_LIMIT) continue;
    // A rate at its bound (every check passed, no request failed) cannot get better: no warning.
    if (t.unit === 'ratio' && (t.observed === 1 || t.observed === 0)) continue;
    out.push(`${t.source ? `script ${t.source}: ` : ''}${t.label ?? t.metric}: ${t.aggregate} ${fmtValue(t.observed, t.unit)} is within ${Math.ceil(rel * 100)} % of its limit ${t.operator} ${fmtValue(t.limit, t.unit)} ("${t.expression}")`);
  }
  for (const v of smoke?.vitals ?? []) {
    const pairs: Array<[string, number | null, number, 'ms' | 'plain']> = [['FCP', v.fcpMs, v.budgets.fcpMs, 'ms'], ['LCP', v.lcpMs, v.budgets.lcpMs, 'ms'], ['CLS', v.cls, v.budgets.cls, 'plain'], ['load', v.loadMs, v.budgets.loadMs, 'ms']];
    for (const [what, value, budget, unit] of pairs) {
      if (value === null || budget <= 0 || value > budget) continue;
      const rel = (budget - value) / budget;
      if (rel < NEAR_LIMIT) out.push(`page ${v.page}: ${what} ${fmtValue(value, unit)} is within ${Math.ceil(rel * 100)} % of its budget ${fmtValue(budget, unit)}`);
    }
  }
  return out;
}

/** Playwright keeps a failed test's trace in test-results/<file>-<title>-<project>/trace.zip: matched by the title's slug. */
export function tracesByTest(smoke: SmokeResult | undefined, traces: string[]): Record<string, string> {
  const slug = (s: string) => s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
  const out: Record<string, string> = {};
  for (const t of smoke?.tests ?? []) {
    if (t.status !== 'failed' && t.status !== 'timedOut' && t.status !== 'flaky') continue;
    // Playwright shortens long folder names, so a prefix of the title's slug is what survives.
    const want = slug(t.title).slice(0, 20);
    const hit = traces.find((p) => slug(p.split('/').slice(-2, -1)[0] ?? '').includes(want));
    if (hit) out[t.title] = hit;
  }
  return out;
}

/** A time in seconds from a drill's fault: "+6.243 s", "−0.5 s". */
export function fmtFromFault(s: number | undefined): string {
  if (s === undefined) return '—';
  return `${s < 0 ? '−' : '+'}${Math.abs(s)} s`;
}

const EXPECTATION: Record<DrillAlert['expected'], string> = {
  fire: 'fire, then resolve',
  silent: 'stay silent',
  any: 'not judged',
};

function alertOutcome(a: DrillAlert): string {
  const resolved = a.resolvedSeconds !== undefined;
  if (a.pendingSeconds === undefined) return 'never pending';
  if (a.firingSeconds === undefined) return resolved ? 'pending, resolved without firing' : 'pending, still pending at the end';
  return resolved ? 'fired, then resolved' : 'fired, still firing at the end';
}

function alertHappened(a: DrillAlert): string {
  if (a.pendingSeconds === undefined) return 'never pending';
  const end = a.resolvedSeconds !== undefined ? `resolved at ${fmtFromFault(a.resolvedSeconds)}` : `still ${a.state === 'firing' ? 'firing' : 'pending'} when the drill ended`;
  if (a.firingSeconds !== undefined) return `pending at ${fmtFromFault(a.pendingSeconds)}, fired at ${fmtFromFault(a.firingSeconds)}, ${end}`;
  return `pending at ${fmtFromFault(a.pendingSeconds)}, ${end} without firing`;
}

/** The alert timeline of each drill journal that has one (`--prove-alerts`), with the objective each expectation became. */
export function drillAlertsOf(drills: DrillJournal[]): Record<string, DrillAlerts> {
  const out: Record<string, DrillAlerts> = {};
  for (const d of drills) {
    if (!d.alerts?.length) continue;
    // recordAlerts ends each alert objective's observed text "(times from <fault>)".
    const alertObjectives = d.objectives.filter((o) => o.name.startsWith('alert '));
    const rows: AlertRow[] = d.alerts.map((a) => ({
      ...a,
      active: a.pendingSeconds !== undefined,
      fired: a.firingSeconds !== undefined,
      happened: alertHappened(a),
      outcome: alertOutcome(a),
      expectation: EXPECTATION[a.expected],
      objective: a.expected === 'any' ? undefined : d.objectives.find((o) => o.name === alertObjectiveName(a))?.name,
      result: a.expected === 'any' ? 'recorded' : a.passed ? 'pass' : 'fail',
    }));
    // Journals before alertsFrom carry it only in the objectives' text.
    const faultLabel = d.alertsFrom ?? alertObjectives.map((o) => /\(times from (.+)\)$/.exec(o.observed)?.[1]).find(Boolean) ?? 'the fault';
    const times = d.alerts.flatMap((a) => [a.pendingSeconds, a.firingSeconds, a.resolvedSeconds]).filter((t): t is number => t !== undefined);
    const latest = Math.max(0, ...times);
    // An alert still active at the end runs off the right edge: leave room to show it goes on.
    const open = d.alerts.some((a) => a.pendingSeconds !== undefined && a.resolvedSeconds === undefined);
    out[d.drill] = { faultLabel, rows, axis: { from: Math.min(0, ...times), to: Math.max(1, latest * (open ? 1.15 : 1.05)) } };
  }
  return out;
}

function clocksOf(input: ReportInput, figures: KeyFigures | undefined): ReportModel['clocks'] {
  const secs = (a?: string, b?: string) => (a && b ? (Date.parse(b) - Date.parse(a)) / 1000 : undefined);
  const clocks: ReportModel['clocks'] = {};
  if (input.summary || input.timeseries) clocks.load = { startedAt: input.meta?.startedAt, seconds: figures?.durationSeconds };
  if (input.smoke) clocks.smoke = { startedAt: input.smoke.startedAt, seconds: input.smoke.durationMs / 1000 };
  for (const s of input.scripts) clocks[`script ${s.name}`] = { startedAt: s.meta?.startedAt, seconds: s.summary ? s.summary.state.testRunDurationMs / 1000 : secs(s.meta?.startedAt, s.meta?.endedAt) };
  for (const d of input.drills) clocks[`drill ${d.drill}`] = { startedAt: d.startedAt, seconds: secs(d.startedAt, d.endedAt) };
  return clocks;
}

export function buildModel(input: ReportInput, opts: ModelOptions = {}): ReportModel {
  const figures = keyFigures(input);
  const chart = chartData(input);
  const hasLoad = Boolean(input.summary || input.timeseries);
  const dur = figures?.durationSeconds ?? 0;
  let chartNote: string | undefined;
  if (!hasLoad) chartNote = 'This folder holds no load results, so there is nothing to chart.';
  else if (!chart || chart.t.length < MIN_CHART_SECONDS) chartNote = `This run lasted ${dur.toFixed(1)} s, too short to chart (charts need at least ${MIN_CHART_SECONDS} seconds of data). The tables below hold its numbers.`;
  const histSeries = aggregateSeries(input.timeseries, 'http_req_duration', {});
  const histogram = histSeries?.totals.histogram && histSeries.totals.histogram.counts.length ? { ...histSeries.totals.histogram, of: 'all requests' } : undefined;
  const tolerance = opts.tolerance ?? DEFAULT_TOLERANCE;
  const thresholds = thresholdRows(input);
  const endpoints = endpointRows(input);
  let baseline: BaselineComparison | undefined;
  let baselineChart: ChartData | undefined;
  if (opts.baseline) {
    const forcedDespite = checkComparable(input, opts.baseline, opts.forceBaseline ?? false);
    baseline = {
      identity: identityOf(opts.baseline),
      rows: compareBaseline(figures, keyFigures(opts.baseline), tolerance),
      endpoints: compareEndpoints(endpoints, endpointRows(opts.baseline), tolerance),
      tolerance, forcedDespite,
    };
    baselineChart = chartData(opts.baseline);
  }
  const shownChart = chartNote ? undefined : chart;
  const charts: ChartPayload | undefined = shownChart && input.timeseries ? {
    xKind: 'seconds', xTitle: 'time since start (s)', t: shownChart.t, scenarios: shownChart.scenarios,
    charts: chartSpecs({ chart: shownChart, timeseries: input.timeseries, thresholds, baseline: baselineChart, baselineLabel: `baseline ${opts.baseline?.meta?.runId ?? ''}`.trim() }),
  } : undefined;
  const partial: Omit<ReportModel, 'verdict' | 'facts' | 'title'> = {
    source: input.source,
    generatedAt: (opts.now ?? new Date()).toISOString(),
    scenarios: input.meta?.scenarios ?? [],
    hasLoad,
    thresholds,
    figures,
    chart: shownChart,
    charts,
    warnings: nearLimitWarnings(thresholds, input.smoke),
    traces: tracesByTest(input.smoke, input.traces ?? []),
    clocks: clocksOf(input, figures),
    chartNote,
    histogram,
    ranges: responseTimeRanges(histogram),
    endpoints,
    timings: timingRows(input),
    checks: checkRows(input),
    errors: errorRows(input),
    baseline,
    smoke: input.smoke,
    drills: input.drills,
    drillAlerts: drillAlertsOf(input.drills),
    gate: input.gate,
  };
  const kind = input.meta?.kind ?? (input.summary ? 'load' : input.smoke ? 'smoke' : input.drills.length ? 'drill' : 'report');
  return {
    title: `shipcheck ${kind === 'report' ? 'report' : `${kind} report`}${input.meta?.runId ? ` — ${input.meta.runId}` : ''}`,
    verdict: decideVerdict({
      thresholds: partial.thresholds, smoke: partial.smoke, drills: partial.drills, baseline: partial.baseline ? [...partial.baseline.rows, ...partial.baseline.endpoints] : undefined,
      gate: partial.gate, meta: input.meta, targetName: input.target?.name ?? input.meta?.targetName ?? input.gate?.target,
    }),
    facts: factsOf(input, figures),
    ...partial,
  };
}
