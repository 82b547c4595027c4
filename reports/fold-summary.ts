/**
 * A real k6 run recorded with `--out json` has no handleSummary data, so the summary is
 * rebuilt from the folded stream: each metric's values from the bucketer's totals (trend
 * percentiles from its HDR histograms), thresholds from the Metric lines evaluated on those
 * values, and the checks tree from the `checks` points.
 */
import type { NdjsonFold } from '../harness/timeseries/ndjson.ts';
import type { K6Group, K6SummaryData, K6SummaryMetric, TimeseriesSeries } from '../harness/result-types.ts';
import { compare, parseThreshold } from './thresholds.ts';

export const FOLDED_TREND_STATS = ['avg', 'min', 'med', 'max', 'p(90)', 'p(95)', 'p(99)'];

function trendValues(agg: TimeseriesSeries | undefined): Record<string, number> {
  if (!agg || agg.totals.count === 0) return {};
  const t = agg.totals;
  const v: Record<string, number> = { avg: t.sum / t.count, min: t.min, max: t.max };
  for (const [k, x] of Object.entries(t.p ?? {})) v[`p(${k.slice(1)})`] = x;
  if (v['p(50)'] !== undefined) v.med = v['p(50)'];
  return v;
}

function groupTree(checks: NdjsonFold['checks']): K6Group {
  const root: K6Group = { name: '', path: '', id: 'd41d8cd98f00b204e9800998ecf8427e', groups: [], checks: [] };
  const byPath = new Map<string, K6Group>([['', root]]);
  const groupAt = (groupPath: string): K6Group => {
    const found = byPath.get(groupPath);
    if (found) return found;
    const cut = groupPath.lastIndexOf('::');
    const parent = groupAt(cut > 0 ? groupPath.slice(0, cut) : '');
    const g: K6Group = { name: groupPath.slice(cut + 2), path: groupPath, id: groupPath, groups: [], checks: [] };
    parent.groups.push(g);
    byPath.set(groupPath, g);
    return g;
  };
  for (const c of checks) {
    groupAt(c.group).checks.push({ name: c.name, path: `${c.group}::${c.name}`, id: `${c.group}::${c.name}`, passes: c.passes, fails: c.fails });
  }
  return root;
}

export function summaryFromFold(fold: NdjsonFold): K6SummaryData {
  const ts = fold.timeseries;
  const durationMs = Math.max(1, fold.lastMs - fold.firstMs);
  const metrics: Record<string, K6SummaryMetric> = {};
  for (const decl of Object.values(fold.metrics)) {
    const series = ts.series.filter((s) => s.metric === decl.name);
    if (series.length === 0) continue;
    const count = series.reduce((a, s) => a + s.totals.count, 0);
    const sum = series.reduce((a, s) => a + s.totals.sum, 0);
    let values: Record<string, number>;
    switch (decl.type) {
      case 'counter': values = { count: sum, rate: sum / (durationMs / 1000) }; break;
      case 'rate': values = { rate: count ? sum / count : 0, passes: sum, fails: count - sum }; break;
      case 'gauge': {
        // The newest bucket across the gauge's series holds its final value.
        let lastT = -1, last = 0;
        for (const s of series) if (s.t.length && s.t[s.t.length - 1]! >= lastT) { lastT = s.t[s.t.length - 1]!; last = s.last![s.last!.length - 1]!; }
        values = { value: last, min: Math.min(...series.map((s) => s.totals.min)), max: Math.max(...series.map((s) => s.totals.max)) };
        break;
      }
      case 'trend': values = trendValues(ts.aggregates?.find((a) => a.metric === decl.name && Object.keys(a.tags).length === 0)); break;
    }
    const metric: K6SummaryMetric = { type: decl.type, contains: decl.contains, values };
    if (decl.thresholds.length) {
      metric.thresholds = {};
      for (const expr of decl.thresholds) {
        const p = parseThreshold(expr);
        const observed = p ? values[p.aggregate] : undefined;
        metric.thresholds[expr] = { ok: p !== undefined && observed !== undefined && compare(observed, p.operator, p.limit) };
      }
    }
    metrics[decl.name] = metric;
  }
  return {
    root_group: groupTree(fold.checks),
    options: { summaryTrendStats: FOLDED_TREND_STATS, summaryTimeUnit: '', noColor: false },
    state: { isStdOutTTY: false, isStdErrTTY: false, testRunDurationMs: durationMs },
    metrics,
  };
}
