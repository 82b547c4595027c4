/**
 * `--out experimental-prometheus-rw`: k6's Prometheus remote write output, by k6's names.
 * Every series (metric + tags) keeps a running aggregate for the whole test, pushed every
 * K6_PROMETHEUS_RW_PUSH_INTERVAL (5s) when it has new samples: counters as k6_<name>_total,
 * gauges as k6_<name>, rates as k6_<name>_rate, and each trend as one gauge per stat of
 * K6_PROMETHEUS_RW_TREND_STATS (default p(99)) named k6_<name>_<stat> (p(95) → _p95), time
 * values in seconds (every stat, the count included, as k6's unit conversion does). Tags
 * become labels; K6_PROMETHEUS_RW_LABELS adds static ones.
 */
import { fail } from '../../harness/errors.ts';
import { redactUrl } from '../../harness/redact.ts';
import { parseDuration } from '../durations.ts';
import { TrendSink } from '../metrics/sinks.ts';
import type { MetricDef, Tags } from '../metrics/types.ts';
import { encodeWriteRequest, STALE_NAN, type RwSeries } from './remote-write-proto.ts';
import type { Output, OutputContext } from './types.ts';

const NAME = 'experimental-prometheus-rw';
const TREND_STAT = /^(count|sum|min|max|avg|med|p\((\d+(?:\.\d+)?)\))$/;

export interface PrometheusRwConfig {
  url: string;
  pushIntervalMs: number;
  trendStats: string[];
  labels: Record<string, string>;
  headers: Record<string, string>;
  staleMarkers: boolean;
}

function bad(variable: string, value: string | undefined, reason: string, hint: string): Error {
  return fail('SHIPCHECK_ERR_OUTPUT_CONFIG', { output: NAME, variable, value: value ?? '', reason, hint });
}

function pairs(variable: string, raw: string | undefined, sep: '=' | ':'): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of (raw ?? '').split(',').map((x) => x.trim()).filter(Boolean)) {
    const i = item.indexOf(sep);
    if (i <= 0) throw bad(variable, raw, `"${item}" is not a key${sep}value pair`, `Write ${variable}=key1${sep}value1,key2${sep}value2.`);
    out[item.slice(0, i).trim()] = item.slice(i + 1).trim();
  }
  return out;
}

/** k6's K6_PROMETHEUS_RW_* settings, every problem named with the variable that fixes it. */
export function prometheusRwConfig(env: Record<string, string | undefined>): PrometheusRwConfig {
  const url = env.K6_PROMETHEUS_RW_SERVER_URL ?? 'http://localhost:9090/api/v1/write';
  try { if (!/^https?:$/.test(new URL(url).protocol)) throw new Error('scheme'); } catch {
    throw bad('K6_PROMETHEUS_RW_SERVER_URL', url, 'it is not an http(s) URL', 'Set it to the remote write endpoint, e.g. http://localhost:9090/api/v1/write.');
  }
  const pushIntervalMs = parseDuration(env.K6_PROMETHEUS_RW_PUSH_INTERVAL ?? '5s');
  if (pushIntervalMs === undefined || pushIntervalMs <= 0) throw bad('K6_PROMETHEUS_RW_PUSH_INTERVAL', env.K6_PROMETHEUS_RW_PUSH_INTERVAL, 'it is not a positive duration', 'Write it as k6 does, e.g. 5s or 500ms.');
  const trendStats = (env.K6_PROMETHEUS_RW_TREND_STATS ?? 'p(99)').split(',').map((s) => s.trim()).filter(Boolean);
  const wrong = trendStats.filter((s) => !TREND_STAT.test(s));
  if (wrong.length || trendStats.length === 0) throw bad('K6_PROMETHEUS_RW_TREND_STATS', env.K6_PROMETHEUS_RW_TREND_STATS, wrong.length ? `${wrong.join(', ')} ${wrong.length === 1 ? 'is not a stat' : 'are not stats'} k6 knows` : 'it lists no stat', 'List stats from count, sum, min, max, avg, med and p(N), e.g. p(95),p(99),max.');
  if (/^(true|1)$/i.test(env.K6_PROMETHEUS_RW_TREND_AS_NATIVE_HISTOGRAM ?? '')) throw bad('K6_PROMETHEUS_RW_TREND_AS_NATIVE_HISTOGRAM', env.K6_PROMETHEUS_RW_TREND_AS_NATIVE_HISTOGRAM, 'the Node engine sends trends as stats only', 'Unset it and choose the stats with K6_PROMETHEUS_RW_TREND_STATS, or run real k6 (--engine k6) for native histograms.');
  const headers: Record<string, string> = { ...pairs('K6_PROMETHEUS_RW_HTTP_HEADERS', env.K6_PROMETHEUS_RW_HTTP_HEADERS, ':') };
  for (const [k, v] of Object.entries(env)) if (k.startsWith('K6_PROMETHEUS_RW_HEADERS_') && v !== undefined) headers[k.slice('K6_PROMETHEUS_RW_HEADERS_'.length)] = v;
  if (env.K6_PROMETHEUS_RW_USERNAME || env.K6_PROMETHEUS_RW_PASSWORD) headers.Authorization = `Basic ${Buffer.from(`${env.K6_PROMETHEUS_RW_USERNAME ?? ''}:${env.K6_PROMETHEUS_RW_PASSWORD ?? ''}`).toString('base64')}`;
  if (env.K6_PROMETHEUS_RW_BEARER_TOKEN) headers.Authorization = `Bearer ${env.K6_PROMETHEUS_RW_BEARER_TOKEN}`;
  return { url, pushIntervalMs, trendStats, labels: pairs('K6_PROMETHEUS_RW_LABELS', env.K6_PROMETHEUS_RW_LABELS, '='), headers, staleMarkers: /^(true|1)$/i.test(env.K6_PROMETHEUS_RW_STALE_MARKERS ?? '') };
}

/** "p(95)" → "p95", "p(99.9)" → "p999", as k6 names the series. */
export function statSuffix(stat: string): string {
  const m = TREND_STAT.exec(stat);
  return m?.[2] !== undefined ? `p${m[2].replace('.', '')}` : stat;
}

/** A label name Prometheus accepts: [a-zA-Z_][a-zA-Z0-9_]*. */
function labelName(k: string): string {
  const s = k.replace(/[^a-zA-Z0-9_]/g, '_');
  return /^[0-9]/.test(s) ? `_${s}` : s;
}

interface SeriesState {
  def: MetricDef;
  labels: Array<{ name: string; value: string }>;
  count: number;
  sum: number;
  nonZero: number;
  last: number;
  trend?: TrendSink;
  latestMs: number;
  sentMs: number;
}

export function prometheusRwOutput(ctx: OutputContext): Output {
  const cfg = prometheusRwConfig(ctx.env);
  const series = new Map<string, SeriesState>();
  const keyOf = new WeakMap<Tags, string>();
  let sending: Promise<void> = Promise.resolve();
  let failedOnce = false;

  const valuesOf = (s: SeriesState): Array<[string, number]> => {
    const name = `k6_${s.def.name}`;
    switch (s.def.type) {
      case 'counter': return [[`${name}_total`, s.sum]];
      case 'gauge': return [[name, s.last]];
      case 'rate': return [[`${name}_rate`, s.count ? s.nonZero / s.count : 0]];
      case 'trend': return cfg.trendStats.map((stat) => {
        const v = stat === 'sum' ? s.trend!.sum : s.trend!.stat(stat);
        return [`${name}_${statSuffix(stat)}`, s.def.contains === 'time' ? v / 1000 : v];
      });
    }
  };

  const push = (rows: RwSeries[]): Promise<void> => {
    if (rows.length === 0) return sending;
    const body = encodeWriteRequest(rows);
    sending = sending.then(async () => {
      try {
        const res = await fetch(cfg.url, {
          method: 'POST', body: Buffer.from(body),
          headers: { ...cfg.headers, 'Content-Encoding': 'snappy', 'Content-Type': 'application/x-protobuf', 'X-Prometheus-Remote-Write-Version': '0.1.0', 'User-Agent': 'shipcheck' },
        });
        if (!res.ok && !failedOnce) { failedOnce = true; ctx.warn(`WARN ${NAME}: ${redactUrl(cfg.url)} answered ${res.status} ${(await res.text()).trim().slice(0, 200)}; later failures are not repeated`); }
        else await res.arrayBuffer();
      } catch (e) {
        if (!failedOnce) { failedOnce = true; ctx.warn(`WARN ${NAME}: cannot push to ${redactUrl(cfg.url)} (${(e as Error).cause ?? (e as Error).message}); later failures are not repeated`); }
      }
    });
    return sending;
  };

  const flush = (stale = false): Promise<void> => {
    const rows: RwSeries[] = [];
    for (const s of series.values()) {
      if (stale) {
        // One ms past the last sample, so the marker is never a duplicate timestamp.
        for (const [name] of valuesOf(s)) rows.push({ labels: withName(s.labels, name), samples: [{ value: STALE_NAN, timestamp: s.sentMs + 1 }] });
        continue;
      }
      if (s.latestMs <= s.sentMs) continue;
      for (const [name, value] of valuesOf(s)) rows.push({ labels: withName(s.labels, name), samples: [{ value, timestamp: s.latestMs }] });
      s.sentMs = s.latestMs;
    }
    return push(rows);
  };

  const timer = setInterval(() => { void flush(); }, cfg.pushIntervalMs);
  timer.unref();

  return {
    description: `Prometheus remote write (${redactUrl(cfg.url)})`,
    listener(def, value, tags, time) {
      let key = keyOf.get(tags);
      if (key === undefined) { key = JSON.stringify(Object.keys(tags).sort().map((k) => [k, tags[k]])); keyOf.set(tags, key); }
      key = `${def.id}\u0000${key}`;
      let s = series.get(key);
      if (!s) {
        const merged: Record<string, string> = { ...cfg.labels };
        // The script's tags win over the static labels, as in k6.
        // A key in a URL's query (?api_key=) must not leave the machine as a label value.
        for (const [k, v] of Object.entries(tags)) if (v !== '') merged[labelName(k)] = k === 'url' ? redactUrl(v) : v;
        s = { def, labels: Object.entries(merged).map(([name, v]) => ({ name, value: v })), count: 0, sum: 0, nonZero: 0, last: 0, latestMs: 0, sentMs: 0, trend: def.type === 'trend' ? new TrendSink() : undefined };
        series.set(key, s);
      }
      s.count++;
      s.sum += value;
      if (value !== 0) s.nonZero++;
      s.last = value;
      s.trend?.add(value);
      const ms = Math.floor(time);
      if (ms > s.latestMs) s.latestMs = ms;
    },
    async stop() {
      clearInterval(timer);
      await flush();
      if (cfg.staleMarkers) await flush(true);
    },
  };
}

/** Labels sorted by name with __name__ among them, as remote write requires. */
function withName(labels: Array<{ name: string; value: string }>, name: string): Array<{ name: string; value: string }> {
  return [{ name: '__name__', value: name }, ...labels.filter((l) => l.name !== '__name__')].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
