/**
 * The metrics registry: every sample the runtime emits lands here, in one sink per metric and
 * one per sub-metric that a threshold (or k6's always-present
 * `http_req_duration{expected_response:true}`) selects. Thresholds are parsed when the registry
 * is built and evaluated over the sinks; the summary's `metrics` part is read from them.
 *
 * The per-sample path is an array index, the sink update, and a plain tag comparison per
 * sub-metric of that metric (matchers are prepared when the metric is defined).
 */
import type { K6MetricType, K6SummaryMetric } from '../../harness/result-types.ts';
import type { TimeseriesBucketerApi } from '../../harness/timeseries/types.ts';
import { fail } from '../../harness/errors.ts';
import type {
  EvaluateOptions, MetricDef, MetricsRegistryApi, Tags, ThresholdEvaluation, ThresholdOutcome,
} from './types.ts';
import { newSink, CounterSink, GaugeSink, RateSink, TrendSink, type Sink, type SinkState } from './sinks.ts';
import { DEFAULT_SUMMARY_TREND_STATS, parseSummaryTrendStats } from './trend-stats.ts';
import {
  checkThresholdMetrics, parseMetricKey, parseThresholds,
  type ParsedMetricThresholds, type ThresholdExpression,
} from '../thresholds/parse.ts';

type Contains = 'default' | 'time' | 'data';

export interface MetricsRegistryOptions {
  /** options.thresholds as the script wrote it; invalid entries throw SHIPCHECK_ERR_THRESHOLDS_INVALID (104). */
  thresholds?: unknown;
  /** --no-thresholds: thresholds are neither parsed nor evaluated, and add no sub-metrics (k6 does the same). */
  noThresholds?: boolean;
  /** options.summaryTrendStats (default avg,min,med,max,p(90),p(95)). */
  summaryTrendStats?: readonly string[];
  /** Receives every sample too (the per-second time series). */
  bucketer?: TimeseriesBucketerApi;
  /** k6 adds http_req_duration{expected_response:true} unless systemTags drops expected_response. */
  expectedResponseSubmetric?: boolean;
}

interface ThresholdState {
  /** Metric key as written in options.thresholds. */
  metricKey: string;
  expression: ThresholdExpression;
  abortOnFail: boolean;
  delayAbortEvalMs?: number;
  lastFailed: boolean;
  target: Target;
}

/** A metric or sub-metric: something with a sink that can carry thresholds. */
interface Target {
  /** Summary key: "name" or "name{selector}". */
  summaryName: string;
  type: K6MetricType;
  contains: Contains;
  sink: Sink;
  thresholds: ThresholdState[];
}

interface SubMetric extends Target {
  /** Canonical form of the selector, to recognise the same sub-metric written differently. */
  canonical: string;
  selector: string;
  keys: string[];
  values: string[];
}

interface Entry extends Target {
  def: MetricDef;
  subs: SubMetric[];
}

interface PendingKey { parsed: ParsedMetricThresholds }

export interface RegistrySnapshotData {
  version: 1;
  metrics: Array<{
    name: string; type: K6MetricType; contains: Contains; sink: SinkState;
    subs: Array<{ selector: string; tags: Tags; sink: SinkState }>;
  }>;
}

const NAME = /^[a-zA-Z_][a-zA-Z0-9_]{1,128}$/;

export class MetricsRegistry implements MetricsRegistryApi {
  private readonly entries: Entry[] = [];
  private readonly byName = new Map<string, Entry>();
  private readonly parsedThresholds: ParsedMetricThresholds[];
  /** Threshold keys by metric name, attached when that metric is defined. */
  private readonly pending = new Map<string, PendingKey[]>();
  private readonly allThresholds: ThresholdState[] = [];
  private readonly trendStats: readonly string[];
  private bucketer: TimeseriesBucketerApi | undefined;
  private aborted: ThresholdOutcome | undefined;
  private lastElapsedMs = 0;
  private evaluated = false;

  constructor(options: MetricsRegistryOptions = {}) {
    this.trendStats = options.summaryTrendStats ? parseSummaryTrendStats(options.summaryTrendStats) : DEFAULT_SUMMARY_TREND_STATS;
    this.bucketer = options.bucketer;
    this.parsedThresholds = options.noThresholds ? [] : parseThresholds(options.thresholds);
    for (const parsed of this.parsedThresholds) {
      const list = this.pending.get(parsed.key.metric) ?? [];
      list.push({ parsed });
      this.pending.set(parsed.key.metric, list);
    }
    if (options.expectedResponseSubmetric !== false) {
      const key = parseMetricKey('http_req_duration{expected_response:true}');
      if (!('error' in key)) {
        const list = this.pending.get('http_req_duration') ?? [];
        list.push({ parsed: { key, thresholds: [] } });
        this.pending.set('http_req_duration', list);
      }
    }
  }

  /** Feeds every later sample to `bucketer` as well. */
  setBucketer(bucketer: TimeseriesBucketerApi | undefined): void {
    this.bucketer = bucketer;
  }

  get summaryTrendStats(): readonly string[] {
    return this.trendStats;
  }

  define(name: string, type: K6MetricType, contains?: Contains): MetricDef {
    const existing = this.byName.get(name);
    if (existing) {
      if (existing.type !== type) {
        throw fail('SHIPCHECK_ERR_METRIC_TYPE_CONFLICT', { name, existing: existing.type, requested: type });
      }
      if (contains !== undefined && contains !== existing.contains) {
        throw fail('SHIPCHECK_ERR_METRIC_TYPE_CONFLICT', { name, existing: `${existing.type} of ${existing.contains} values`, requested: `${type} of ${contains} values` });
      }
      return existing.def;
    }
    if (!NAME.test(name)) throw fail('SHIPCHECK_ERR_METRIC_NAME_INVALID', { name });
    const def: MetricDef = Object.freeze({ name, type, contains: contains ?? 'default', id: this.entries.length });
    const entry: Entry = { def, summaryName: name, type, contains: def.contains, sink: newSink(type), thresholds: [], subs: [] };
    this.entries.push(entry);
    this.byName.set(name, entry);
    for (const { parsed } of this.pending.get(name) ?? []) this.attach(entry, parsed);
    this.pending.delete(name);
    return def;
  }

  get(name: string): MetricDef | undefined {
    return this.byName.get(name)?.def;
  }

  /** Every defined metric, in definition order. */
  all(): MetricDef[] {
    return this.entries.map((e) => e.def);
  }

  add(def: MetricDef, value: number, tags: Tags, time: number): void {
    const entry = this.entries[def.id];
    entry.sink.add(value, time);
    const subs = entry.subs;
    for (let i = 0; i < subs.length; i++) {
      const sub = subs[i];
      const keys = sub.keys;
      const values = sub.values;
      let match = true;
      for (let k = 0; k < keys.length; k++) {
        if (tags[keys[k]] !== values[k]) { match = false; break; }
      }
      if (match) sub.sink.add(value, time);
    }
    if (this.bucketer !== undefined) this.bucketer.add(def.name, def.type, def.contains, value, tags, time);
  }

  /**
   * After the script's init context has defined its custom metrics: every threshold must name a
   * defined metric and use an aggregation its type supports. Throws one 104 error listing all.
   */
  validateThresholds(): void {
    checkThresholdMetrics(this.parsedThresholds, (name) => this.byName.get(name)?.type);
  }

  /** Whether any threshold is configured (k6 skips threshold work entirely when none is). */
  hasThresholds(): boolean {
    return this.parsedThresholds.some((p) => p.thresholds.length > 0);
  }

  evaluate(elapsedMs: number, options: EvaluateOptions = {}): ThresholdEvaluation {
    this.lastElapsedMs = elapsedMs;
    this.evaluated = true;
    const outcomes: ThresholdOutcome[] = [];
    for (const t of this.allThresholds) {
      const outcome = this.evaluateOne(t, elapsedMs, options.final === true);
      outcomes.push(outcome);
      if (!outcome.ok && t.abortOnFail && this.aborted === undefined) {
        if (t.delayAbortEvalMs === undefined || t.delayAbortEvalMs < elapsedMs) this.aborted = outcome;
      }
    }
    return this.aborted ? { outcomes, abort: this.aborted } : { outcomes };
  }

  private evaluateOne(t: ThresholdState, elapsedMs: number, final: boolean): ThresholdOutcome {
    const base = { metric: t.metricKey, expression: t.expression.source, abortOnFail: t.abortOnFail };
    // No samples: passes during the run; at the end k6 judges the empty aggregate (zeros),
    // except for a rate, whose 0/0 it leaves passing.
    if (t.target.sink.isEmpty() && (!final || t.target.type === 'rate')) {
      t.lastFailed = false;
      return { ...base, ok: true };
    }
    const observed = aggregate(t.target.sink, t.expression, elapsedMs);
    const ok = compare(observed, t.expression);
    t.lastFailed = !ok;
    return { ...base, ok, observed };
  }

  /**
   * The summary's `metrics`: every metric and sub-metric with samples or thresholds, sorted by
   * key. Counter rates use `testRunDurationMs` (default: the last evaluate()'s elapsed time).
   * Thresholds' `ok` is the last evaluate()'s verdict, as in k6; if evaluate() was never called,
   * they are evaluated now as at the end of the test.
   */
  summaryMetrics(testRunDurationMs?: number): Record<string, K6SummaryMetric> {
    const durationMs = testRunDurationMs ?? this.lastElapsedMs;
    if (!this.evaluated) for (const t of this.allThresholds) this.evaluateOne(t, durationMs, true);
    const out: Record<string, K6SummaryMetric> = {};
    const targets: Target[] = [];
    for (const e of this.entries) {
      const subsShown = e.subs.filter((s) => !s.sink.isEmpty() || s.thresholds.length > 0);
      if (!e.sink.isEmpty() || e.thresholds.length > 0 || subsShown.length > 0) targets.push(e);
      targets.push(...subsShown);
    }
    targets.sort((a, b) => (a.summaryName < b.summaryName ? -1 : a.summaryName > b.summaryName ? 1 : 0));
    for (const t of targets) {
      const m: K6SummaryMetric = { type: t.type, contains: t.contains, values: this.values(t.sink, durationMs) };
      if (t.thresholds.length) {
        m.thresholds = {};
        for (const th of t.thresholds) m.thresholds[th.expression.source] = { ok: !th.lastFailed };
      }
      out[t.summaryName] = m;
    }
    return out;
  }

  private values(sink: Sink, durationMs: number): Record<string, number> {
    if (sink instanceof CounterSink) return { count: sink.count, rate: sink.rate(durationMs) };
    if (sink instanceof GaugeSink) return sink.n ? { value: sink.value, min: sink.min, max: sink.max } : { value: 0, min: 0, max: 0 };
    if (sink instanceof RateSink) return { rate: sink.rate, passes: sink.passes, fails: sink.total - sink.passes };
    const trend = sink as TrendSink;
    const values: Record<string, number> = {};
    for (const stat of this.trendStats) values[stat] = trend.stat(stat);
    return values;
  }

  /** Plain data (structured-clone and JSON safe) of every sink, for merging in another thread. */
  snapshot(): RegistrySnapshotData {
    return {
      version: 1,
      metrics: this.entries.map((e) => ({
        name: e.def.name, type: e.type, contains: e.contains, sink: e.sink.toState(),
        subs: e.subs.map((s) => ({ selector: s.selector, tags: Object.fromEntries(s.keys.map((k, i) => [k, s.values[i]])), sink: s.sink.toState() })),
      })),
    };
  }

  /**
   * Empties every sink; definitions, sub-metrics, thresholds and a decided abort stay. For a
   * main thread that re-merges its workers' latest full snapshots before each evaluation.
   */
  resetSinks(): void {
    for (const e of this.entries) {
      e.sink = newSink(e.type);
      for (const s of e.subs) s.sink = newSink(s.type);
    }
  }

  /** Adds another registry's snapshot (e.g. a worker thread's) into this one. */
  merge(snapshot: unknown): void {
    const data = snapshot as RegistrySnapshotData;
    if (!data || data.version !== 1 || !Array.isArray(data.metrics)) throw new Error('merge(): not a MetricsRegistry snapshot');
    for (const m of data.metrics) {
      const def = this.define(m.name, m.type, m.contains);
      const entry = this.entries[def.id];
      entry.sink.mergeState(m.sink);
      for (const s of m.subs) {
        const canonical = canonicalOf(Object.keys(s.tags), Object.values(s.tags));
        let sub = entry.subs.find((x) => x.canonical === canonical);
        if (!sub) sub = this.addSub(entry, s.selector, s.tags);
        sub.sink.mergeState(s.sink);
      }
    }
  }

  private attach(entry: Entry, parsed: ParsedMetricThresholds): void {
    let target: Target = entry;
    if (parsed.key.selector !== undefined && parsed.key.tags) {
      const canonical = canonicalOf(Object.keys(parsed.key.tags), Object.values(parsed.key.tags));
      target = entry.subs.find((s) => s.canonical === canonical) ?? this.addSub(entry, parsed.key.selector, parsed.key.tags);
    }
    for (const p of parsed.thresholds) {
      const state: ThresholdState = {
        metricKey: parsed.key.source, expression: p.expression, abortOnFail: p.abortOnFail,
        delayAbortEvalMs: p.delayAbortEvalMs, lastFailed: false, target,
      };
      target.thresholds.push(state);
      this.allThresholds.push(state);
    }
  }

  private addSub(entry: Entry, selector: string, tags: Tags): SubMetric {
    const keys = Object.keys(tags);
    const values = keys.map((k) => tags[k]);
    const sub: SubMetric = {
      summaryName: `${entry.def.name}{${selector}}`, type: entry.type, contains: entry.contains,
      sink: newSink(entry.type), thresholds: [], canonical: canonicalOf(keys, values), selector, keys, values,
    };
    entry.subs.push(sub);
    return sub;
  }
}

function canonicalOf(keys: string[], values: string[]): string {
  return keys.map((k, i) => `${k}\u0000${values[i]}`).sort().join('\u0001');
}

/** The threshold's left-hand side over a sink (k6's "sinked" values). */
export function aggregate(sink: Sink, e: ThresholdExpression, elapsedMs: number): number {
  if (sink instanceof CounterSink) return e.aggregation === 'rate' ? sink.rate(elapsedMs) : sink.count;
  if (sink instanceof GaugeSink) return sink.value;
  if (sink instanceof RateSink) return sink.rate;
  const trend = sink as TrendSink;
  switch (e.aggregation) {
    case 'avg': return trend.avg;
    case 'min': return trend.stat('min');
    case 'max': return trend.stat('max');
    case 'med': return trend.percentile(50);
    default: return trend.percentile(e.percentile ?? 0);
  }
}

function compare(lhs: number, e: ThresholdExpression): boolean {
  switch (e.operator) {
    case '>': return lhs > e.value;
    case '>=': return lhs >= e.value;
    case '<': return lhs < e.value;
    case '<=': return lhs <= e.value;
    case '==': case '===': return lhs === e.value;
    case '!=': return lhs !== e.value;
  }
}
