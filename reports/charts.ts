/**
 * What each chart draws, decided here rather than in the page script: its series, axis
 * titles with units, the SLO limit lines (from the run's own thresholds), the baseline's
 * overlay and a one-line summary of its values that prints with the page. The page script
 * only draws these specs, so a history page and a run's report share one drawing path.
 */
import type { Timeseries, TimeseriesSeries } from '../harness/result-types.ts';
import { fmtBytes, fmtCount, fmtMs, fmtPct } from './format.ts';
import type { ChartData, ThresholdRow } from './model.ts';

/** How an axis's numbers read; the page script has one formatter per kind. */
export type AxisUnit = 'ms' | 'perSecond' | 'pct' | 'bytesPerSecond' | 'count';

export interface ChartSeries {
  label: string;
  values: Array<number | null>;
  /** A CSS custom property of the stylesheet (--c1 …), so light and dark both pass contrast. */
  color: string;
  /** data: measured; limit: an SLO line; baseline: the baseline run's values. */
  kind: 'data' | 'limit' | 'baseline';
}

export interface ChartSpec {
  id: string;
  title: string;
  yTitle: string;
  unit: AxisUnit;
  series: ChartSeries[];
  /** The chart's figures in words, printed under it (a canvas's values do not survive every printer). */
  summary: string;
}

/** What the page script receives (gzip + base64 in the data block). */
export interface ChartPayload {
  /** "seconds": x is seconds since the run started; "runs": x is the run's index in a history. */
  xKind: 'seconds' | 'runs';
  xTitle: string;
  t: number[];
  /** Run ids for a history's x axis. */
  xLabels?: string[];
  scenarios: Array<{ name: string; start: number; end?: number }>;
  charts: ChartSpec[];
}

const PALETTE = ['--c1', '--c2', '--c3', '--c4', '--c5', '--c6', '--c7', '--c8'];
const MAX_ENDPOINT_LINES = 8;

const numbers = (xs: Array<number | null>): number[] => xs.filter((x): x is number => x !== null && Number.isFinite(x));
const peak = (xs: Array<number | null>): number | undefined => (numbers(xs).length ? Math.max(...numbers(xs)) : undefined);
const low = (xs: Array<number | null>): number | undefined => (numbers(xs).length ? Math.min(...numbers(xs)) : undefined);

/** A horizontal SLO line across the whole chart. */
function limitLine(label: string, value: number, n: number): ChartSeries {
  return { label, values: new Array<number | null>(n).fill(value), color: '--fail', kind: 'limit' };
}

/** The baseline's column on this run's time axis: cut or padded to the same seconds. */
function aligned(values: Array<number | null> | undefined, n: number): Array<number | null> | undefined {
  if (!values) return undefined;
  return Array.from({ length: n }, (_, i) => values[i] ?? null);
}

function isLatencyMetric(metric: string): boolean {
  return metric === 'http_req_duration' || metric === 'http_req_duration{expected_response:true}';
}

/** Latency limits of the run's own thresholds ("p(95)<500" → a line at 500 ms). */
export function latencyLimits(thresholds: ThresholdRow[]): Array<{ label: string; value: number }> {
  return thresholds
    .filter((t) => !t.source && isLatencyMetric(t.metric) && t.limit !== undefined && (t.operator === '<' || t.operator === '<='))
    .map((t) => ({ label: `limit ${t.aggregate} ${t.operator} ${fmtMs(t.limit!)}`, value: t.limit! }));
}

/** Failure-rate limits ("rate<0.01" on http_req_failed → a line at 1 %). */
export function failureLimits(thresholds: ThresholdRow[]): Array<{ label: string; value: number }> {
  return thresholds
    .filter((t) => !t.source && t.metric === 'http_req_failed' && t.aggregate === 'rate' && t.limit !== undefined && (t.operator === '<' || t.operator === '<='))
    .map((t) => ({ label: `limit ${t.operator} ${fmtPct(t.limit! * 100)}`, value: t.limit! * 100 }));
}

/** "2xx", "4xx", …; status 0 (no response) reads as a transport error. */
export function outcomeOf(status: string | undefined): string {
  if (!status || status === '0') return 'no response';
  const n = Number(status);
  return Number.isFinite(n) && n >= 100 ? `${Math.floor(n / 100)}xx` : 'no response';
}

/** Responses per second per outcome (status class), from http_reqs split by its status tag. */
export function responsesByOutcome(ts: Timeseries, n: number): Map<string, number[]> {
  const step = ts.bucketSeconds || 1;
  const out = new Map<string, number[]>();
  for (const s of ts.series.filter((x) => x.metric === 'http_reqs')) {
    const key = outcomeOf(s.tags.status);
    const col = out.get(key) ?? new Array<number>(n).fill(0);
    s.t.forEach((sec, i) => { const k = Math.floor(sec / step); if (k < n) col[k]! += s.sum[i]! / step; });
    out.set(key, col);
  }
  for (const col of out.values()) col.forEach((v, i) => { col[i] = Math.round(v * 1000) / 1000; });
  return new Map([...out.entries()].sort(([a], [b]) => a.localeCompare(b)));
}

/** p95 per second of each endpoint (the `name` aggregates), busiest first. */
export function endpointLatency(ts: Timeseries, n: number): Array<{ name: string; p95: Array<number | null> }> {
  const step = ts.bucketSeconds || 1;
  const named = (ts.aggregates ?? []).filter((a): a is TimeseriesSeries & { tags: { name: string } } => a.metric === 'http_req_duration' && Object.keys(a.tags).length === 1 && a.tags.name !== undefined);
  return named
    .sort((a, b) => b.totals.count - a.totals.count || a.tags.name.localeCompare(b.tags.name))
    .slice(0, MAX_ENDPOINT_LINES)
    .map((a) => {
      const col = new Array<number | null>(n).fill(null);
      a.t.forEach((sec, i) => { const v = a.p?.p95?.[i]; const k = Math.floor(sec / step); if (v !== undefined && k < n) col[k] = Math.round(v * 1000) / 1000; });
      return { name: a.tags.name, p95: col };
    });
}

export interface ChartInputs {
  chart: ChartData;
  timeseries: Timeseries;
  thresholds: ThresholdRow[];
  baseline?: ChartData;
  baselineLabel?: string;
}

export function chartSpecs({ chart: d, timeseries, thresholds, baseline, baselineLabel = 'baseline' }: ChartInputs): ChartSpec[] {
  const n = d.t.length;
  const base = (label: string, values: Array<number | null> | undefined): ChartSeries[] => {
    const v = aligned(values, n);
    return v && baseline ? [{ label: `${baselineLabel} ${label}`, values: v, color: '--muted', kind: 'baseline' }] : [];
  };
  const specs: ChartSpec[] = [];
  const vusPeak = peak(d.vus);
  specs.push({ id: 'chart-vus', title: 'Active virtual users', yTitle: 'VUs', unit: 'count',
    series: [{ label: 'VUs', values: d.vus, color: '--c1', kind: 'data' }],
    summary: vusPeak !== undefined ? `Peak ${fmtCount(vusPeak)} VUs.` : 'No VU samples.' });
  specs.push({ id: 'chart-rps', title: 'Requests per second', yTitle: 'requests per second', unit: 'perSecond',
    series: [{ label: 'Requests/s', values: d.rps, color: '--c2', kind: 'data' }, ...base('requests/s', baseline?.rps)],
    summary: `Peak ${fmtCount(peak(d.rps) ?? 0)}/s; ${fmtCount(d.rps.reduce((a, b) => a + b, 0) * ((d.t[1] ?? 1) - (d.t[0] ?? 0) || 1))} requests in all.` });
  const outcomes = responsesByOutcome(timeseries, n);
  const outcomeColor: Record<string, string> = { '2xx': '--c4', '3xx': '--c1', '4xx': '--c5', '5xx': '--fail', 'no response': '--c3' };
  specs.push({ id: 'chart-outcomes', title: 'Responses per second by outcome (status class)', yTitle: 'responses per second', unit: 'perSecond',
    series: [...outcomes.entries()].map(([k, values], i) => ({ label: k, values, color: outcomeColor[k] ?? PALETTE[i % PALETTE.length]!, kind: 'data' as const })),
    summary: [...outcomes.entries()].map(([k, v]) => `${k}: ${fmtCount(Math.round(v.reduce((a, b) => a + b, 0)))} responses`).join('; ') || 'No responses.' });
  const p95 = numbers(d.p95);
  specs.push({ id: 'chart-latency', title: `Latency of ${d.latencyOf}: p50, p95, p99 per second`, yTitle: 'latency (ms)', unit: 'ms',
    series: [
      { label: 'p50', values: d.p50, color: '--c4', kind: 'data' },
      { label: 'p95', values: d.p95, color: '--c2', kind: 'data' },
      { label: 'p99', values: d.p99, color: '--c3', kind: 'data' },
      ...base('p95', baseline?.p95),
      ...latencyLimits(thresholds).map((l) => limitLine(l.label, l.value, n)),
    ],
    summary: p95.length ? `p95 per second from ${fmtMs(Math.min(...p95))} to ${fmtMs(Math.max(...p95))}; p99 peak ${fmtMs(peak(d.p99) ?? 0)}.` : 'No latency samples.' });
  const eps = endpointLatency(timeseries, n);
  specs.push({ id: 'chart-endpoints', title: 'p95 latency per endpoint, per second', yTitle: 'p95 latency (ms)', unit: 'ms',
    series: eps.map((e, i) => ({ label: e.name, values: e.p95, color: PALETTE[i % PALETTE.length]!, kind: 'data' as const })),
    summary: eps.map((e) => `${e.name}: peak ${fmtMs(peak(e.p95) ?? 0)}`).join('; ') || 'No endpoint latencies.' });
  specs.push({ id: 'chart-errors', title: 'Failed requests per second (%)', yTitle: 'failed requests (%)', unit: 'pct',
    series: [{ label: 'Failed requests', values: d.errorPct, color: '--fail', kind: 'data' }, ...base('failed', baseline?.errorPct),
      ...failureLimits(thresholds).map((l) => limitLine(l.label, l.value, n))],
    summary: `Peak ${fmtPct(peak(d.errorPct) ?? 0)}, lowest ${fmtPct(low(d.errorPct) ?? 0)}.` });
  specs.push({ id: 'chart-data', title: 'Data received and sent per second', yTitle: 'bytes per second', unit: 'bytesPerSecond',
    series: [{ label: 'Received', values: d.dataIn, color: '--c1', kind: 'data' }, { label: 'Sent', values: d.dataOut, color: '--c5', kind: 'data' }],
    summary: `Received ${fmtBytes(d.dataIn.reduce((a, b) => a + b, 0))}, sent ${fmtBytes(d.dataOut.reduce((a, b) => a + b, 0))} in all.` });
  specs.push({ id: 'chart-dropped', title: 'Dropped iterations per second', yTitle: 'iterations per second', unit: 'count',
    series: [{ label: 'Dropped iterations/s', values: d.dropped, color: '--c5', kind: 'data' }],
    summary: `${fmtCount(d.dropped.reduce((a, b) => a + b, 0))} iterations dropped in all.` });
  return specs;
}
