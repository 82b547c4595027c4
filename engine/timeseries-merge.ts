/**
 * Merges the per-second time series of several threads (main + workers) into one. Counts,
 * sums, min/max add up exactly; per-bucket and total percentiles of a series seen by several
 * threads are count-weighted means of theirs (an approximation, only with --workers > 1).
 */
import type { Timeseries, TimeseriesSeries } from '../harness/result-types.ts';

function key(s: TimeseriesSeries): string {
  return `${s.metric}\u0000${JSON.stringify(Object.entries(s.tags).sort())}`;
}

function mergeSeries(list: Array<{ s: TimeseriesSeries; shift: number }>): TimeseriesSeries {
  if (list.length === 1 && list[0]!.shift === 0) return list[0]!.s;
  const first = list[0]!.s;
  const buckets = new Map<number, { count: number; sum: number; min: number; max: number; last?: number; p: Record<string, number> }>();
  for (const { s, shift } of list) {
    s.t.forEach((t0, i) => {
      const t = t0 + shift;
      const c = s.count[i]!;
      let b = buckets.get(t);
      if (!b) { b = { count: 0, sum: 0, min: Infinity, max: -Infinity, p: {} }; buckets.set(t, b); }
      for (const [pk, col] of Object.entries(s.p ?? {})) b.p[pk] = (b.p[pk] ?? 0) + col[i]! * c;
      b.count += c;
      b.sum += s.sum[i]!;
      b.min = Math.min(b.min, s.min[i]!);
      b.max = Math.max(b.max, s.max[i]!);
      if (s.last) b.last = s.last[i];
    });
  }
  const ts = [...buckets.keys()].sort((a, b) => a - b);
  const out: TimeseriesSeries = {
    metric: first.metric, type: first.type, contains: first.contains, tags: first.tags,
    t: ts, count: [], sum: [], min: [], max: [],
    totals: { count: 0, sum: 0, min: Infinity, max: -Infinity },
  };
  if (first.last) out.last = [];
  if (first.p) out.p = Object.fromEntries(Object.keys(first.p).map((k) => [k, [] as number[]]));
  for (const t of ts) {
    const b = buckets.get(t)!;
    out.count.push(b.count); out.sum.push(b.sum); out.min.push(b.min); out.max.push(b.max);
    if (out.last) out.last.push(b.last ?? 0);
    if (out.p) for (const k of Object.keys(out.p)) out.p[k]!.push(b.count ? (b.p[k] ?? 0) / b.count : 0);
  }
  const totalP: Record<string, number> = {};
  for (const { s } of list) {
    out.totals.count += s.totals.count;
    out.totals.sum += s.totals.sum;
    out.totals.min = Math.min(out.totals.min, s.totals.min);
    out.totals.max = Math.max(out.totals.max, s.totals.max);
    for (const [k, v] of Object.entries(s.totals.p ?? {})) totalP[k] = (totalP[k] ?? 0) + v * s.totals.count;
  }
  if (first.totals.p) out.totals.p = Object.fromEntries(Object.entries(totalP).map(([k, v]) => [k, out.totals.count ? v / out.totals.count : 0]));
  const hist = list.map((x) => x.s.totals.histogram).filter(Boolean);
  if (hist.length && hist.every((h) => JSON.stringify(h!.bounds) === JSON.stringify(hist[0]!.bounds))) {
    out.totals.histogram = { bounds: hist[0]!.bounds, counts: hist[0]!.bounds.map((_, i) => hist.reduce((a, h) => a + (h!.counts[i] ?? 0), 0)) };
  } else if (hist.length) {
    out.totals.histogram = list.reduce((a, x) => (x.s.totals.count > a.s.totals.count ? x : a)).s.totals.histogram;
  }
  return out;
}

function mergeList(all: Timeseries[], pick: (t: Timeseries) => TimeseriesSeries[] | undefined, startMs: number): TimeseriesSeries[] {
  const groups = new Map<string, Array<{ s: TimeseriesSeries; shift: number }>>();
  for (const ts of all) {
    const shift = Math.round((ts.startMs - startMs) / 1000 / ts.bucketSeconds) * ts.bucketSeconds;
    for (const s of pick(ts) ?? []) {
      const k = key(s);
      const g = groups.get(k) ?? [];
      g.push({ s, shift });
      groups.set(k, g);
    }
  }
  return [...groups.values()].map(mergeSeries);
}

export function mergeTimeseries(all: Timeseries[]): Timeseries {
  const nonEmpty = all.filter((t) => t.series.length > 0);
  if (nonEmpty.length <= 1) return nonEmpty[0] ?? all[0]!;
  const startMs = Math.min(...nonEmpty.map((t) => t.startMs));
  const out: Timeseries = { ...nonEmpty[0]!, startMs, series: mergeList(nonEmpty, (t) => t.series, startMs) };
  if (nonEmpty.some((t) => t.aggregates)) out.aggregates = mergeList(nonEmpty, (t) => t.aggregates, startMs);
  return out;
}
