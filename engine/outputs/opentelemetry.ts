/**
 * `--out experimental-opentelemetry`: k6's OpenTelemetry output, by k6's names, on the
 * OpenTelemetry metrics SDK and its OTLP/HTTP exporter. k6 tags become attributes; counters
 * are Counters, gauges ObservableGauges, trends Histograms (unit ms for time, By for data),
 * and a rate one Int64 counter with the attribute condition = zero | nonzero (k6 v1.4+;
 * K6_OTEL_SINGLE_COUNTER_FOR_RATE=false sends k6's older <name>.occurred and <name>.total).
 * Settings: K6_OTEL_HTTP_EXPORTER_ENDPOINT (host:port, localhost:4318), _URL_PATH
 * (/v1/metrics), _INSECURE, K6_OTEL_EXPORT_INTERVAL (10s), K6_OTEL_HEADERS, K6_OTEL_METRIC_PREFIX,
 * K6_OTEL_SERVICE_NAME (k6), K6_OTEL_SERVICE_VERSION.
 */
import type { Attributes, Counter, Histogram, Meter } from '@opentelemetry/api';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { fail } from '../../harness/errors.ts';
import { redactUrl } from '../../harness/redact.ts';
import { parseDuration } from '../durations.ts';
import type { MetricDef, Tags } from '../metrics/types.ts';
import type { Output, OutputContext } from './types.ts';

const NAME = 'experimental-opentelemetry';

function bad(variable: string, value: string | undefined, reason: string, hint: string): Error {
  return fail('SHIPCHECK_ERR_OUTPUT_CONFIG', { output: NAME, variable, value: value ?? '', reason, hint });
}

export interface OpenTelemetryConfig {
  url: string;
  exportIntervalMs: number;
  headers: Record<string, string>;
  prefix: string;
  serviceName: string;
  serviceVersion: string;
  singleCounterForRate: boolean;
}

export function openTelemetryConfig(env: Record<string, string | undefined>): OpenTelemetryConfig {
  const type = env.K6_OTEL_EXPORTER_TYPE;
  if (type !== undefined && type !== 'http') throw bad('K6_OTEL_EXPORTER_TYPE', type, type === 'grpc' ? 'the Node engine exports over OTLP/HTTP only' : 'k6 knows http and grpc', 'Set K6_OTEL_EXPORTER_TYPE=http and point K6_OTEL_HTTP_EXPORTER_ENDPOINT at the collector\'s OTLP/HTTP port (4318).');
  const endpoint = env.K6_OTEL_HTTP_EXPORTER_ENDPOINT ?? 'localhost:4318';
  if (/^[a-z]+:\/\//i.test(endpoint) || !/^[^/\s]+:\d+$/.test(endpoint)) throw bad('K6_OTEL_HTTP_EXPORTER_ENDPOINT', endpoint, 'k6 takes host and port only, without scheme or path', 'Write it as host:port (e.g. localhost:4318); K6_OTEL_HTTP_EXPORTER_URL_PATH sets the path and K6_OTEL_HTTP_EXPORTER_INSECURE=true plain http.');
  const urlPath = env.K6_OTEL_HTTP_EXPORTER_URL_PATH ?? '/v1/metrics';
  const insecure = /^(true|1)$/i.test(env.K6_OTEL_HTTP_EXPORTER_INSECURE ?? '');
  const exportIntervalMs = parseDuration(env.K6_OTEL_EXPORT_INTERVAL ?? '10s');
  if (exportIntervalMs === undefined || exportIntervalMs <= 0) throw bad('K6_OTEL_EXPORT_INTERVAL', env.K6_OTEL_EXPORT_INTERVAL, 'it is not a positive duration', 'Write it as k6 does, e.g. 10s.');
  const headers: Record<string, string> = {};
  for (const item of (env.K6_OTEL_HEADERS ?? '').split(',').map((x) => x.trim()).filter(Boolean)) {
    const i = item.indexOf('=');
    if (i <= 0) throw bad('K6_OTEL_HEADERS', env.K6_OTEL_HEADERS, `"${item}" is not a key=value pair`, 'Write K6_OTEL_HEADERS=key1=value1,key2=value2.');
    headers[decodeURIComponent(item.slice(0, i).trim())] = decodeURIComponent(item.slice(i + 1).trim());
  }
  return {
    url: `${insecure ? 'http' : 'https'}://${endpoint}${urlPath.startsWith('/') ? '' : '/'}${urlPath}`,
    exportIntervalMs, headers,
    prefix: env.K6_OTEL_METRIC_PREFIX ?? '',
    serviceName: env.K6_OTEL_SERVICE_NAME ?? 'k6',
    serviceVersion: env.K6_OTEL_SERVICE_VERSION ?? 'shipcheck-node',
    singleCounterForRate: !/^(false|0)$/i.test(env.K6_OTEL_SINGLE_COUNTER_FOR_RATE ?? ''),
  };
}

type Instrument =
  | { kind: 'counter'; c: Counter }
  | { kind: 'histogram'; h: Histogram }
  | { kind: 'gauge'; last: Map<string, { value: number; attrs: Attributes }> }
  | { kind: 'rate'; c: Counter }
  | { kind: 'rate-legacy'; occurred: Counter; total: Counter };

function unitOf(def: MetricDef): string | undefined {
  return def.contains === 'time' ? 'ms' : def.contains === 'data' ? 'By' : undefined;
}

function instrumentFor(meter: Meter, def: MetricDef, cfg: OpenTelemetryConfig): Instrument {
  const name = `${cfg.prefix}${def.name}`;
  const unit = unitOf(def);
  switch (def.type) {
    case 'counter': return { kind: 'counter', c: meter.createCounter(name, unit ? { unit } : {}) };
    case 'trend': return { kind: 'histogram', h: meter.createHistogram(name, unit ? { unit } : {}) };
    case 'rate': return cfg.singleCounterForRate
      ? { kind: 'rate', c: meter.createCounter(name, { valueType: 1 /* ValueType.INT */ }) }
      : { kind: 'rate-legacy', occurred: meter.createCounter(`${name}.occurred`, { valueType: 1 }), total: meter.createCounter(`${name}.total`, { valueType: 1 }) };
    case 'gauge': {
      const last = new Map<string, { value: number; attrs: Attributes }>();
      meter.createObservableGauge(name, unit ? { unit } : {}).addCallback((r) => { for (const x of last.values()) r.observe(x.value, x.attrs); });
      return { kind: 'gauge', last };
    }
  }
}

export async function openTelemetryOutput(ctx: OutputContext): Promise<Output> {
  const cfg = openTelemetryConfig(ctx.env);
  const exporter = new OTLPMetricExporter({ url: cfg.url, headers: cfg.headers });
  const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: cfg.exportIntervalMs, exportTimeoutMillis: Math.min(cfg.exportIntervalMs, 30_000) });
  const provider = new MeterProvider({
    resource: resourceFromAttributes({ 'service.name': cfg.serviceName, 'service.version': cfg.serviceVersion }),
    readers: [reader],
  });
  const meter = provider.getMeter('k6');
  const instruments = new Map<number, Instrument>();
  const gaugeKey = new WeakMap<Tags, string>();
  // A key in a URL's query (?api_key=) must not leave the machine as an attribute: once per tags object.
  const safeTags = new WeakMap<Tags, Tags>();
  const attributes = (tags: Tags): Tags => {
    let t = safeTags.get(tags);
    if (!t) { t = tags.url !== undefined ? { ...tags, url: redactUrl(tags.url) } : tags; safeTags.set(tags, t); }
    return t;
  };
  return {
    description: `OpenTelemetry (${redactUrl(cfg.url)})`,
    listener(def, value, rawTags) {
      const tags = attributes(rawTags);
      let ins = instruments.get(def.id);
      if (!ins) { ins = instrumentFor(meter, def, cfg); instruments.set(def.id, ins); }
      switch (ins.kind) {
        case 'counter': ins.c.add(value, tags); break;
        case 'histogram': ins.h.record(value, tags); break;
        case 'rate': ins.c.add(1, { ...tags, condition: value !== 0 ? 'nonzero' : 'zero' }); break;
        case 'rate-legacy': ins.total.add(1, tags); if (value !== 0) ins.occurred.add(1, tags); break;
        case 'gauge': {
          let key = gaugeKey.get(rawTags);
          if (key === undefined) { key = JSON.stringify(Object.keys(tags).sort().map((k) => [k, tags[k]])); gaugeKey.set(rawTags, key); }
          ins.last.set(key, { value, attrs: tags });
          break;
        }
      }
    },
    async stop() {
      try {
        await provider.forceFlush();
      } catch (e) {
        ctx.warn(`WARN ${NAME}: the last export to ${redactUrl(cfg.url)} failed (${(e as Error).message})`);
      }
      await provider.shutdown().catch(() => {});
    },
  };
}
