/**
 * The metrics sampler: one VU scraping the target's Prometheus `/metrics` every
 * `resources.intervalSeconds` for the whole test, as a monitoring system would. Each
 * resource budget's value (or its per-second rate, for counters such as CPU seconds) goes to
 * a Trend judged on its peak; each service-reported histogram's quantiles since the first
 * scrape (what the service observed during this test) go to gauges `<metric>_p95`/`_p99` in
 * ms. Scrapes are tagged `slo:scrape`, so no SLO group counts them.
 */
import http from 'k6/http';
import { Gauge, Trend } from 'k6/metrics';
import type { Scenario } from 'k6/options';
import type { ResolvedBudget, ResolvedServiceTiming } from '../../harness/target/types.ts';
import { pause } from './pause.ts';
import { bucketsSince, histogramBuckets, histogramQuantile, parsePrometheusText, ratePerSecond, sumMatching, type Buckets } from './prometheus.ts';
import type { Response } from './request.ts';
import { authHeaders, TARGET, TOKEN, urlOf } from './target.ts';

type Histogram = Extract<ResolvedServiceTiming, { kind: 'histogram' }>;

export interface MetricsSource {
  path: string;
  url: string;
  auth: boolean;
  budgets: Array<{ budget: ResolvedBudget; trend: Trend }>;
  histograms: Array<{ timing: Histogram; p95?: Gauge; p99?: Gauge }>;
}

/** Every URL to scrape with what to read from it; the metrics exist from the init context on, as k6 requires. */
export const SOURCES: MetricsSource[] = (() => {
  const byUrl = new Map<string, MetricsSource>();
  const sourceOf = (path: string, auth: boolean) => {
    const key = `${auth}:${path}`;
    let s = byUrl.get(key);
    if (!s) byUrl.set(key, (s = { path, url: urlOf(path), auth, budgets: [], histograms: [] }));
    return s;
  };
  const r = TARGET.resources;
  for (const budget of r?.budgets ?? []) sourceOf(r!.metricsPath, r!.auth).budgets.push({ budget, trend: new Trend(budget.k6Metric) });
  for (const t of TARGET.serviceTimings) {
    if (t.kind !== 'histogram') continue;
    sourceOf(t.metricsPath, t.auth).histograms.push({
      timing: t,
      ...(t.p95Ms !== undefined ? { p95: new Gauge(`${t.k6Metric}_p95`, true) } : {}),
      ...(t.p99Ms !== undefined ? { p99: new Gauge(`${t.k6Metric}_p99`, true) } : {}),
    });
  }
  return [...byUrl.values()];
})();

export const SAMPLING = SOURCES.length > 0;
const INTERVAL_S = TARGET.resources?.intervalSeconds ?? 2;

/** GET one metrics URL as the sampler does (setup uses it too). */
export function scrape(source: MetricsSource, tags: Record<string, string> = {}): Promise<Response> {
  return http.asyncRequest('GET', source.url, null, {
    headers: source.auth ? authHeaders(TOKEN) : {},
    tags: { name: `scrape ${source.path}`, slo: 'scrape', ...tags },
    timeout: '10s',
  }) as Promise<Response>;
}

interface SamplerState { counters: Map<string, { value: number; atMs: number }>; firstBuckets: Map<string, Buckets> }
const stateByVu = new Map<number, SamplerState>();
function state(): SamplerState {
  let s = stateByVu.get(__VU);
  if (!s) stateByVu.set(__VU, (s = { counters: new Map(), firstBuckets: new Map() }));
  return s;
}

/** One scrape of every source, its values added to the budgets' trends and the histograms' gauges. */
export async function sampleOnce(): Promise<void> {
  const st = state();
  for (const src of SOURCES) {
    const res = await scrape(src);
    if (res.status !== 200) continue;
    const atMs = Date.now();
    const samples = parsePrometheusText(String(res.body ?? ''));
    for (const { budget, trend } of src.budgets) {
      const value = sumMatching(samples, budget.metric, budget.labels);
      if (value === undefined) continue;
      if (!budget.rate) { trend.add(value); continue; }
      const prev = st.counters.get(budget.label);
      st.counters.set(budget.label, { value, atMs });
      const rate = prev ? ratePerSecond(prev, { value, atMs }) : undefined;
      if (rate !== undefined) trend.add(rate);
    }
    for (const h of src.histograms) {
      const buckets = histogramBuckets(samples, h.timing.histogram, h.timing.labels);
      if (!buckets) continue;
      const first = st.firstBuckets.get(h.timing.label);
      if (!first) { st.firstBuckets.set(h.timing.label, buckets); continue; }
      const since = bucketsSince(buckets, first);
      // The histogram is in seconds (Prometheus convention); the SLO is in ms.
      const p95 = histogramQuantile(0.95, since);
      const p99 = histogramQuantile(0.99, since);
      if (h.p95 && p95 !== undefined) h.p95.add(p95 * 1000);
      if (h.p99 && p99 !== undefined) h.p99.add(p99 * 1000);
    }
  }
}

export async function sampleIteration(): Promise<void> {
  await sampleOnce();
  await pause(INTERVAL_S);
}

/** `vus` VUs (one per k6 instance) sampling for `seconds` (the length of the load beside it). */
export function samplerScenario(seconds: number, vus = 1): Scenario {
  return { executor: 'constant-vus', vus, duration: `${Math.max(1, Math.ceil(seconds))}s`, exec: 'sample', gracefulStop: `${INTERVAL_S + 10}s` };
}
