/**
 * The per-second bucketer both engines feed. Every sample lands in the bucket of its second
 * for its series (metric + the tags in SERIES_TAG_KEYS); a bucket keeps count, sum, min, max,
 * a gauge's last value and, for trends, a small log-binned sketch that becomes the bucket's
 * percentiles once the second is closed. Whole-run totals per series come from an HDR
 * histogram. Memory therefore grows with seconds × series, never with the number of samples.
 */
import hdr from 'hdr-histogram-js';
import { mayHoldUrlSecret, redactUrl } from '../redact.ts';
import { SERIES_TAG_KEYS, type K6MetricType, type Timeseries, type TimeseriesSeries } from '../result-types.ts';
import type { TimeseriesBucketerApi } from './types.ts';

type Contains = 'default' | 'time' | 'data';

export interface BucketerOptions {
  /** Percentiles reported per bucket and in totals for trends. */
  percentiles?: number[];
  bucketSeconds?: number;
  /**
   * A bucket stays open (its percentiles still exact) until samples this many seconds newer
   * arrive; samples arriving later still count in count/sum/min/max but not in percentiles.
   */
  lateSeconds?: number;
  /** Up to this many raw values per bucket give exact percentiles; beyond, a ±1 % sketch. */
  exactBucketValues?: number;
  /** Up to this many raw values per series give exact whole-run percentiles; beyond, HDR (3 digits). */
  exactTotalValues?: number;
}

export const DEFAULT_PERCENTILES = [50, 90, 95, 99];
/** Trend values are recorded into HDR histograms as integers in thousandths (µs for ms trends). */
const HDR_SCALE = 1000;
/** Relative accuracy of the per-bucket sketch: bins grow by 2 %, a bin's midpoint is within 1 %. */
const GAMMA = 1.02;
const LOG_GAMMA = Math.log(GAMMA);

/** k6's percentile on sorted values: linear interpolation between the closest ranks. */
export function percentileOfSorted(sorted: ArrayLike<number>, pct: number): number {
  const n = sorted.length;
  if (n === 0) return 0;
  if (n === 1) return sorted[0]!;
  const i = (pct / 100) * (n - 1);
  const lo = Math.floor(i);
  const hi = Math.ceil(i);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (i - lo);
}

export function percentileKey(p: number): string {
  return `p${p}`;
}

/** Log-binned counts (DDSketch-style) for one open bucket of a trend. */
class BucketSketch {
  readonly bins = new Map<number, number>();
  nonPositive = 0;
  add(v: number): void {
    if (v <= 0) { this.nonPositive++; return; }
    const k = Math.ceil(Math.log(v) / LOG_GAMMA);
    this.bins.set(k, (this.bins.get(k) ?? 0) + 1);
  }
  quantiles(pcts: number[], count: number, min: number, max: number): number[] {
    const keys = [...this.bins.keys()].sort((a, b) => a - b);
    return pcts.map((p) => {
      const rank = Math.max(1, Math.ceil((p / 100) * count));
      let seen = this.nonPositive;
      if (seen >= rank) return min;
      for (const k of keys) {
        seen += this.bins.get(k)!;
        if (seen >= rank) {
          const mid = (2 * GAMMA ** k) / (GAMMA + 1);
          return Math.min(max, Math.max(min, mid));
        }
      }
      return max;
    });
  }
}

interface Bucket {
  count: number;
  sum: number;
  min: number;
  max: number;
  last: number;
  lastTime: number;
  /** Trends while open: raw values (exact) until the cap, then the sketch. */
  raw?: number[];
  sketch?: BucketSketch;
  /** Trends once closed. */
  p?: number[];
}

/**
 * Trend values below this many units (HDR_SCALE) are counted in a plain array first: the
 * histogram keeps them exactly anyway (3 significant digits = 2048 one-unit sub-buckets), so
 * moving the counts in before a read gives the same histogram without HDR's index math
 * (log2, pow) per sample.
 */
const EXACT_UNITS = 2048;

class Series {
  readonly buckets = new Map<number, Bucket>();
  /** Seconds whose trend bucket is still open, oldest first. */
  readonly open: number[] = [];
  count = 0;
  sum = 0;
  min = Infinity;
  max = -Infinity;
  rawTotal: number[] | undefined = [];
  private hist: hdr.Histogram | undefined;
  /** Small values not yet in `hist` (see EXACT_UNITS). */
  private small: Uint32Array | undefined;
  private smallCount = 0;
  /** The bucket of the last sample's second: consecutive samples skip the map lookup. */
  lastSecond = NaN;
  lastBucket: Bucket | undefined;
  constructor(
    readonly metric: string,
    readonly type: K6MetricType,
    readonly contains: Contains,
    readonly tags: Record<string, string>,
  ) {
    if (type === 'trend') {
      this.hist = hdr.build({ bitBucketSize: 32, autoResize: true, lowestDiscernibleValue: 1, highestTrackableValue: 2, numberOfSignificantValueDigits: 3, useWebAssembly: false });
    }
  }

  /** Records a trend value (in HDR units) for the whole-run totals. */
  record(units: number): void {
    if (units < EXACT_UNITS) {
      (this.small ??= new Uint32Array(EXACT_UNITS))[units]++;
      if (++this.smallCount >= 1 << 30) this.histogram(); // flushed long before a count overflows
    } else this.hist!.recordValue(units);
  }

  /** The whole-run histogram, with every value recorded so far. */
  histogram(): hdr.Histogram {
    const h = this.hist!;
    if (this.smallCount > 0) {
      const small = this.small!;
      for (let u = 0; u < EXACT_UNITS; u++) {
        if (small[u] !== 0) { h.recordValueWithCount(u, small[u]!); small[u] = 0; }
      }
      this.smallCount = 0;
    }
    return h;
  }
}

/** Samples sharing one set of series tags: per metric, the series they update (see targetsOf). */
interface TagGroup { targets: Map<string, Series[]> }

/** Drops tags the report does not group by (bounding cardinality) and redacts URLs in `name`. */
function reduceTags(tags: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of SERIES_TAG_KEYS) {
    const v = tags[k];
    if (v === undefined || v === '') continue;
    out[k] = k === 'name' && mayHoldUrlSecret(v) ? redactUrl(v) : v;
  }
  return out;
}

function tagsKey(tags: Record<string, string>): string {
  let key = '';
  for (const k of SERIES_TAG_KEYS) {
    const v = tags[k];
    if (v !== undefined && v !== '') key += `\u0000${k}=${v}`;
  }
  return key;
}

function seriesKey(metric: string, tags: Record<string, string>): string {
  return metric + tagsKey(tags);
}

export class TimeseriesBucketer implements TimeseriesBucketerApi {
  readonly percentiles: number[];
  readonly bucketSeconds: number;
  private readonly lateSeconds: number;
  private readonly exactBucketValues: number;
  private readonly exactTotalValues: number;
  private readonly series = new Map<string, Series>();
  private readonly aggregates = new Map<string, Series>();
  private newestSecond = -Infinity;
  private sweptAt = -Infinity;
  /** Tag groups by tagsKey, and the last tags object seen with its group. */
  private readonly groups = new Map<string, TagGroup>();
  private lastTags: Record<string, string> | undefined;
  private lastGroup: TagGroup | undefined;

  constructor(opts: BucketerOptions = {}) {
    this.percentiles = opts.percentiles ?? DEFAULT_PERCENTILES;
    this.bucketSeconds = opts.bucketSeconds ?? 1;
    this.lateSeconds = opts.lateSeconds ?? 10;
    this.exactBucketValues = opts.exactBucketValues ?? 256;
    this.exactTotalValues = opts.exactTotalValues ?? 4096;
  }

  add(metric: string, type: K6MetricType, contains: Contains, value: number, tags: Record<string, string>, time: number): void {
    if (!Number.isFinite(value) || !Number.isFinite(time)) return;
    const targets = this.targetsOf(metric, type, contains, tags);
    const second = Math.floor(time / 1000 / this.bucketSeconds) * this.bucketSeconds;
    for (let i = 0; i < targets.length; i++) this.addTo(targets[i]!, second, value, time);
    if (second > this.newestSecond) {
      this.newestSecond = second;
      if (second - this.sweptAt >= 1) this.closeOldBuckets(second - this.lateSeconds);
    }
  }

  /**
   * The series a sample updates: its own, then (trends) the all-tags, expected_response and
   * name aggregates. Looked up once per metric and distinct series tags, not per sample: a
   * request's samples share one tags object (emitted tags are never mutated), so consecutive
   * samples with the same object skip even the key building.
   */
  private targetsOf(metric: string, type: K6MetricType, contains: Contains, tags: Record<string, string>): Series[] {
    let g = this.lastGroup;
    if (tags !== this.lastTags || g === undefined) {
      const key = tagsKey(tags);
      g = this.groups.get(key);
      if (g === undefined) this.groups.set(key, (g = { targets: new Map() }));
      this.lastTags = tags;
      this.lastGroup = g;
    }
    let targets = g.targets.get(metric);
    if (targets === undefined) {
      const key = seriesKey(metric, tags);
      let s = this.series.get(key);
      if (!s) {
        s = new Series(metric, type, contains, reduceTags(tags));
        this.series.set(key, s);
      }
      targets = [s];
      if (type === 'trend') {
        targets.push(this.aggregate(metric, contains, {}));
        if (tags.expected_response === 'true') targets.push(this.aggregate(metric, contains, { expected_response: 'true' }));
        if (tags.name) targets.push(this.aggregate(metric, contains, { name: tags.name }));
      }
      g.targets.set(metric, targets);
    }
    return targets;
  }

  private aggregate(metric: string, contains: Contains, tags: Record<string, string>): Series {
    const key = seriesKey(metric, tags);
    let s = this.aggregates.get(key);
    if (!s) {
      s = new Series(metric, 'trend', contains, reduceTags(tags));
      this.aggregates.set(key, s);
    }
    return s;
  }

  private addTo(s: Series, second: number, value: number, time: number): void {
    const type = s.type;
    let b = second === s.lastSecond ? s.lastBucket : s.buckets.get(second);
    if (!b) {
      b = { count: 0, sum: 0, min: Infinity, max: -Infinity, last: value, lastTime: -Infinity };
      if (type === 'trend') {
        b.raw = [];
        s.open.push(second);
      }
      s.buckets.set(second, b);
    }
    s.lastSecond = second;
    s.lastBucket = b;
    b.count++;
    const contribution = type === 'rate' ? (value !== 0 ? 1 : 0) : value;
    b.sum += contribution;
    if (value < b.min) b.min = value;
    if (value > b.max) b.max = value;
    if (time >= b.lastTime) { b.last = value; b.lastTime = time; }
    s.count++;
    s.sum += contribution;
    if (value < s.min) s.min = value;
    if (value > s.max) s.max = value;
    if (type !== 'trend') return;
    if (b.raw) {
      b.raw.push(value);
      if (b.raw.length > this.exactBucketValues) {
        b.sketch = new BucketSketch();
        for (const v of b.raw) b.sketch.add(v);
        b.raw = undefined;
      }
    } else if (b.sketch) {
      b.sketch.add(value);
    }
    s.record(Math.max(0, Math.round(value * HDR_SCALE)));
    if (s.rawTotal) {
      s.rawTotal.push(value);
      if (s.rawTotal.length > this.exactTotalValues) s.rawTotal = undefined;
    }
  }

  /** Turns trend buckets older than `before` into percentiles and frees their values. */
  private closeOldBuckets(before: number): void {
    this.sweptAt = this.newestSecond;
    for (const s of [...this.series.values(), ...this.aggregates.values()]) {
      while (s.open.length > 0 && s.open[0]! < before) this.closeBucket(s.buckets.get(s.open.shift()!)!);
    }
  }

  private closeBucket(b: Bucket): void {
    if (b.raw) {
      const sorted = Float64Array.from(b.raw).sort();
      b.p = this.percentiles.map((p) => percentileOfSorted(sorted, p));
    } else if (b.sketch) {
      b.p = b.sketch.quantiles(this.percentiles, b.count, b.min, b.max);
    }
    b.raw = undefined;
    b.sketch = undefined;
  }

  /** Number of series so far (for progress lines and memory checks). */
  get seriesCount(): number {
    return this.series.size;
  }

  toJSON(): Timeseries {
    let first = Infinity;
    for (const s of this.series.values()) for (const sec of s.buckets.keys()) if (sec < first) first = sec;
    if (!Number.isFinite(first)) first = 0;
    const columns = (all: Iterable<Series>) => [...all]
      .sort((a, b) => (a.metric === b.metric ? (JSON.stringify(a.tags) < JSON.stringify(b.tags) ? -1 : 1) : a.metric < b.metric ? -1 : 1))
      .map((s) => this.columnsOf(s, first));
    return {
      version: 1, startMs: first * 1000, bucketSeconds: this.bucketSeconds, percentiles: [...this.percentiles],
      series: columns(this.series.values()),
      aggregates: columns(this.aggregates.values()),
    };
  }

  private columnsOf(s: Series, first: number): TimeseriesSeries {
    const seconds = [...s.buckets.keys()].sort((a, b) => a - b);
    const col: TimeseriesSeries = {
      metric: s.metric, type: s.type, contains: s.contains, tags: s.tags,
      t: [], count: [], sum: [], min: [], max: [],
      totals: { count: s.count, sum: s.sum, min: s.min, max: s.max },
    };
    if (s.type === 'gauge') col.last = [];
    if (s.type === 'trend') col.p = Object.fromEntries(this.percentiles.map((p) => [percentileKey(p), [] as number[]]));
    for (const sec of seconds) {
      const b = s.buckets.get(sec)!;
      col.t.push(sec - first);
      col.count.push(b.count);
      col.sum.push(b.sum);
      col.min.push(b.min);
      col.max.push(b.max);
      col.last?.push(b.last);
      if (col.p) {
        // Still-open buckets are finished on a copy so toJSON() can be called mid-run.
        const p = b.p ?? this.peekPercentiles(b);
        this.percentiles.forEach((pc, i) => col.p![percentileKey(pc)]!.push(p[i]!));
      }
    }
    if (s.type === 'trend') {
      col.totals.p = Object.fromEntries(this.percentiles.map((p) => [percentileKey(p), this.totalPercentile(s, p)]));
      col.totals.histogram = histogramOf(s);
    }
    return col;
  }

  private peekPercentiles(b: Bucket): number[] {
    if (b.raw) {
      const sorted = Float64Array.from(b.raw).sort();
      return this.percentiles.map((p) => percentileOfSorted(sorted, p));
    }
    return b.sketch ? b.sketch.quantiles(this.percentiles, b.count, b.min, b.max) : this.percentiles.map(() => b.min);
  }

  private totalPercentile(s: Series, p: number): number {
    if (s.rawTotal) return percentileOfSorted(Float64Array.from(s.rawTotal).sort(), p);
    const v = s.histogram().getValueAtPercentile(p) / HDR_SCALE;
    return Math.min(s.max, Math.max(s.min, v));
  }
}

/**
 * A whole-run histogram of a trend in ten log-spaced bins per decade, from its HDR
 * histogram: bounds are upper limits in the trend's unit; empty outer bins are trimmed.
 */
function histogramOf(s: Series): { bounds: number[]; counts: number[] } {
  const h = s.histogram() as unknown as { recordedValuesIterator: { reset(): void; hasNext(): boolean; next(): { valueIteratedTo: number; countAtValueIteratedTo: number } } };
  if (s.count === 0) return { bounds: [], counts: [] };
  const bounds = histogramBounds(Math.max(s.min, 0.001), Math.max(s.max, 0.001));
  const counts = new Array<number>(bounds.length).fill(0);
  const it = h.recordedValuesIterator;
  it.reset();
  while (it.hasNext()) {
    const v = it.next();
    const value = v.valueIteratedTo / HDR_SCALE;
    let i = bounds.findIndex((b) => value <= b);
    if (i < 0) i = bounds.length - 1;
    counts[i]! += v.countAtValueIteratedTo;
  }
  let a = 0;
  let z = counts.length;
  while (a < z && counts[a] === 0) a++;
  while (z > a && counts[z - 1] === 0) z--;
  return { bounds: bounds.slice(a, z), counts: counts.slice(a, z) };
}

/**
 * Upper bounds for a latency histogram: ten log-spaced bins per decade for wide ranges, or
 * about 24 equal-width bins on a round step when the values sit close together.
 */
export function histogramBounds(min: number, max: number): number[] {
  const bounds: number[] = [];
  if (max / min > 4) {
    const startExp = Math.floor(Math.log10(min) * 10);
    const endExp = Math.ceil(Math.log10(max) * 10) + 1;
    for (let e = startExp; e <= endExp; e++) bounds.push(Number((10 ** (e / 10)).toPrecision(3)));
    return bounds;
  }
  const raw = (max - min) / 24 || Math.max(min * 0.01, 0.001);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((x) => x >= raw)!;
  const from = Math.floor(min / step) * step;
  for (let b = from + step; ; b += step) {
    bounds.push(Number(b.toPrecision(6)));
    if (b >= max) break;
  }
  bounds.push(Number((bounds[bounds.length - 1]! + step).toPrecision(6)));
  return bounds;
}
