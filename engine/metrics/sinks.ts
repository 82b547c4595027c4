/**
 * Per-metric aggregates, one class per k6 metric type. Trends keep exact count/sum/min/max and
 * an HDR histogram (3 significant digits, values in microseconds for ms-valued metrics) for
 * percentiles, so memory stays flat however many samples arrive. Every sink's state is plain
 * data (`toState`/`mergeState`) so worker threads can hand it to the main thread.
 */
import * as hdr from 'hdr-histogram-js';
import type { JsHistogram } from 'hdr-histogram-js';
import type { K6MetricType } from '../../harness/result-types.ts';

/** Histogram resolution: recorded value = round(value × SCALE), so 1 unit = 1 µs for ms metrics. */
const SCALE = 1000;
const MAX_RECORDABLE = Number.MAX_SAFE_INTEGER / 4;

export interface CounterState { type: 'counter'; count: number; seen: boolean }
export interface GaugeState { type: 'gauge'; n: number; value: number; min: number; max: number; lastTime: number }
export interface RateState { type: 'rate'; passes: number; total: number }
export interface TrendState { type: 'trend'; count: number; sum: number; min: number; max: number; pos: string | null; neg: string | null }
export type SinkState = CounterState | GaugeState | RateState | TrendState;

export interface Sink {
  readonly type: K6MetricType;
  add(value: number, time: number): void;
  isEmpty(): boolean;
  toState(): SinkState;
  mergeState(state: SinkState): void;
}

export class CounterSink implements Sink {
  readonly type = 'counter' as const;
  count = 0;
  private seen = false;
  add(value: number): void {
    this.count += value;
    this.seen = true;
  }
  isEmpty(): boolean { return !this.seen; }
  /** k6: count divided by the test's elapsed seconds. */
  rate(elapsedMs: number): number {
    return elapsedMs > 0 ? this.count / (elapsedMs / 1000) : 0;
  }
  toState(): CounterState { return { type: 'counter', count: this.count, seen: this.seen }; }
  mergeState(s: SinkState): void {
    const c = s as CounterState;
    if (!c.seen) return;
    this.count += c.count;
    this.seen = true;
  }
}

export class GaugeSink implements Sink {
  readonly type = 'gauge' as const;
  n = 0;
  value = 0;
  min = Infinity;
  max = -Infinity;
  lastTime = -Infinity;
  add(value: number, time: number): void {
    this.n++;
    this.value = value;
    this.lastTime = time;
    if (value < this.min) this.min = value;
    if (value > this.max) this.max = value;
  }
  isEmpty(): boolean { return this.n === 0; }
  toState(): GaugeState {
    // empty sinks hold ±Infinity, which JSON cannot carry; merge ignores them anyway
    if (this.n === 0) return { type: 'gauge', n: 0, value: 0, min: 0, max: 0, lastTime: 0 };
    return { type: 'gauge', n: this.n, value: this.value, min: this.min, max: this.max, lastTime: this.lastTime };
  }
  /** The merged value is the one sampled last; min and max combine. */
  mergeState(s: SinkState): void {
    const g = s as GaugeState;
    if (g.n === 0) return;
    if (this.n === 0 || g.lastTime >= this.lastTime) {
      this.value = g.value;
      this.lastTime = g.lastTime;
    }
    this.n += g.n;
    if (g.min < this.min) this.min = g.min;
    if (g.max > this.max) this.max = g.max;
  }
}

export class RateSink implements Sink {
  readonly type = 'rate' as const;
  passes = 0;
  total = 0;
  add(value: number): void {
    this.total++;
    if (value !== 0) this.passes++;
  }
  isEmpty(): boolean { return this.total === 0; }
  get rate(): number { return this.total > 0 ? this.passes / this.total : 0; }
  toState(): RateState { return { type: 'rate', passes: this.passes, total: this.total }; }
  mergeState(s: SinkState): void {
    const r = s as RateState;
    this.passes += r.passes;
    this.total += r.total;
  }
}

function newHistogram(): JsHistogram {
  const h = new hdr.Int32Histogram(1, 2048, 3);
  h.autoResize = true;
  return h;
}

/** A rank's value from one histogram: the low end of its bucket (exact for whole µs below 2048 µs and whole ms below 16 ms). */
function valueAt(h: JsHistogram, rank: number): number {
  return h.lowestEquivalentValue(h.getValueAtPercentile((100 * (rank + 0.5)) / h.totalCount)) / SCALE;
}

function toUnits(magnitude: number): number {
  const u = Math.round(magnitude * SCALE);
  return u > MAX_RECORDABLE ? MAX_RECORDABLE : u;
}

/**
 * Values below this many units are counted in a plain array first. The histogram stores them
 * exactly anyway (3 significant digits = 2048 sub-buckets of one unit each), so moving the
 * counts over later gives the very same histogram; it spares HDR's index math (log2, pow)
 * on the hot path, where most http_req_* values (µs) are small and often 0.
 */
const EXACT_UNITS = 2048;

export class TrendSink implements Sink {
  readonly type = 'trend' as const;
  count = 0;
  sum = 0;
  min = Infinity;
  max = -Infinity;
  /** Values ≥ 0; negatives (allowed in custom trends) go to `neg` as their magnitude. */
  private pos: JsHistogram | null = null;
  private neg: JsHistogram | null = null;
  /** Counts of small non-negative values by unit, not yet in `pos` (see EXACT_UNITS). */
  private small: Uint32Array | null = null;
  private smallCount = 0;

  add(value: number): void {
    if (value !== value) return; // NaN carries no information for a trend
    this.count++;
    this.sum += value;
    if (value < this.min) this.min = value;
    if (value > this.max) this.max = value;
    if (value >= 0) {
      const u = toUnits(value);
      if (u < EXACT_UNITS) {
        (this.small ??= new Uint32Array(EXACT_UNITS))[u]++;
        // Flushed long before a Uint32 count could overflow.
        if (++this.smallCount >= 1 << 30) this.flushSmall();
      } else (this.pos ??= newHistogram()).recordValue(u);
    } else (this.neg ??= newHistogram()).recordValue(toUnits(-value));
  }

  /** Moves the pending small-value counts into the histogram (before anything reads it). */
  private flushSmall(): void {
    if (this.smallCount === 0) return;
    const small = this.small!;
    const pos = (this.pos ??= newHistogram());
    for (let u = 0; u < EXACT_UNITS; u++) {
      if (small[u] !== 0) { pos.recordValueWithCount(u, small[u]!); small[u] = 0; }
    }
    this.smallCount = 0;
  }
  isEmpty(): boolean { return this.count === 0; }
  get avg(): number { return this.count > 0 ? this.sum / this.count : 0; }

  /** The value at 0-based rank `i` in sorted order, to histogram precision. */
  private valueAtRank(i: number): number {
    if (i <= 0) return this.min;
    if (i >= this.count - 1) return this.max;
    const negCount = this.neg ? this.neg.totalCount : 0;
    let v: number;
    if (i < negCount) v = -valueAt(this.neg!, negCount - 1 - i);
    else v = valueAt(this.pos!, i - negCount);
    return v < this.min ? this.min : v > this.max ? this.max : v;
  }

  /** Percentile p in 0..100, interpolated linearly at index p/100·(n−1) like k6. Empty → 0. */
  percentile(p: number): number {
    if (this.count === 0) return 0;
    this.flushSmall();
    const index = (p / 100) * (this.count - 1);
    const lo = Math.floor(index);
    const hi = Math.ceil(index);
    const vlo = this.valueAtRank(lo);
    if (hi === lo) return vlo;
    const vhi = this.valueAtRank(hi);
    return vlo + (vhi - vlo) * (index - lo);
  }

  /** A summaryTrendStats entry ("avg", "min", "med", "max", "count", "p(N)"). */
  stat(name: string): number {
    switch (name) {
      case 'avg': return this.avg;
      case 'min': return this.count ? this.min : 0;
      case 'max': return this.count ? this.max : 0;
      case 'med': return this.percentile(50);
      case 'count': return this.count;
      default: return this.percentile(Number(name.slice(2, -1)));
    }
  }

  toState(): TrendState {
    this.flushSmall();
    return {
      type: 'trend', count: this.count, sum: this.sum, min: this.count ? this.min : 0, max: this.count ? this.max : 0,
      pos: this.pos ? hdr.encodeIntoCompressedBase64(this.pos) : null,
      neg: this.neg ? hdr.encodeIntoCompressedBase64(this.neg) : null,
    };
  }
  mergeState(s: SinkState): void {
    const t = s as TrendState;
    if (t.count === 0) return;
    this.count += t.count;
    this.sum += t.sum;
    if (t.min < this.min) this.min = t.min;
    if (t.max > this.max) this.max = t.max;
    if (t.pos) (this.pos ??= newHistogram()).add(hdr.decodeFromCompressedBase64(t.pos, 32) as JsHistogram);
    if (t.neg) (this.neg ??= newHistogram()).add(hdr.decodeFromCompressedBase64(t.neg, 32) as JsHistogram);
  }
}

export function newSink(type: K6MetricType): Sink {
  switch (type) {
    case 'counter': return new CounterSink();
    case 'gauge': return new GaugeSink();
    case 'rate': return new RateSink();
    case 'trend': return new TrendSink();
  }
}
