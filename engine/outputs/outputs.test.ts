/**
 * k6's outputs from the Node engine, through `shipcheck run` of a small script against a
 * loopback server: remote write into a real Prometheus (Debian's, started here) read back
 * over its HTTP API, CSV with k6's columns, JSON beside them, and OTLP into a receiver here
 * that decodes what arrives.
 */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shipcheck, startServer, tempDir, writeScript, type TestServer } from '../testing/harness.ts';
import { CSV_HEADER, csvRow } from './csv.ts';
import { openTelemetryConfig } from './opentelemetry.ts';
import { parseOutputSpec, splitOutFlag } from './index.ts';
import { prometheusRwConfig, statSuffix } from './prometheus-rw.ts';
import { startPrometheus, type PrometheusServer } from './testing-prometheus.ts';

let server: TestServer;
let prom: PrometheusServer;
let dir: string;
beforeAll(async () => { [server, prom] = await Promise.all([startServer(), startPrometheus()]); dir = tempDir('outputs-test-'); });
afterAll(async () => { await Promise.all([server?.close(), prom?.stop()]); });

// 20 iterations of one request each, one custom metric of every type; one URL so that each
// built-in trend has exactly one series and its stats equal the summary's. Each answer takes
// 200 ms, so a VU's 10 iterations last at least 2 s: several 1 s pushes, as rate() needs.
const SCRIPT = `
import http from 'k6/http';
import { check } from 'k6';
import { Counter, Gauge, Rate, Trend } from 'k6/metrics';
const jobs = new Counter('jobs');
const queue = new Gauge('queue_depth');
const cacheHits = new Rate('cache_hits');
const work = new Trend('work_time', true);
export const options = { vus: 2, iterations: 20, thresholds: { http_req_duration: ['p(95)<5000'] } };
export default async function () {
  const res = await http.asyncRequest('GET', __ENV.BASE + '/record/x?delay=200&api_key=key-hunter13', null, { tags: { name: 'GET /x' } });
  check(res, { 'status is 200': (r) => r.status === 200 });
  jobs.add(3);
  queue.add(__ITER + 1);
  cacheHits.add(__ITER % 4 === 0);
  work.add(10 * (__ITER % 5) + 5);
}`;

const value = async (expr: string): Promise<number[]> => {
  const r = await prom.query(expr);
  expect(r.status, `${expr}: ${r.error}`).toBe('success');
  return r.data!.result.map((x) => Number(x.value[1]));
};

describe('--out experimental-prometheus-rw, csv and json at once', () => {
  const testid = `t${Date.now()}`;
  let run: { code: number | null; stdout: string; stderr: string };
  let summary: { metrics: Record<string, Record<string, number>> };
  const csvFile = () => path.join(dir, 'samples.csv.gz');
  const jsonFile = () => path.join(dir, 'samples.ndjson');

  beforeAll(async () => {
    const script = writeScript(dir, 'rw.js', SCRIPT);
    const summaryFile = path.join(dir, 'summary.json');
    run = await shipcheck(['run', script, '--quiet', '-e', `BASE=${server.url}`, '--tag', `testid=${testid}`,
      '--out', 'experimental-prometheus-rw', '--out', `csv=${csvFile()}`, '--out', `json=${jsonFile()}`,
      '-e', `SHIPCHECK_SUMMARY_EXPORT=${summaryFile}`, '--summary-export', summaryFile], {
      env: {
        K6_PROMETHEUS_RW_SERVER_URL: prom.writeUrl, K6_PROMETHEUS_RW_PUSH_INTERVAL: '1s',
        K6_PROMETHEUS_RW_TREND_STATS: 'p(95),p(99),min,max,avg,count,sum', K6_PROMETHEUS_RW_LABELS: 'env=ci,testid=overridden',
      },
    });
    summary = JSON.parse(fs.readFileSync(summaryFile, 'utf8'));
  }, 60_000);

  it('runs and says which outputs it streams to', () => {
    expect(run.stderr).not.toMatch(/WARN experimental-prometheus-rw/);
    expect(run.code).toBe(0);
  });

  it('streams counters as k6_<name>_total, with the run\'s tags and the static labels as labels', async () => {
    const reqs = await prom.query(`k6_http_reqs_total{testid="${testid}"}`);
    expect(reqs.data!.result).toHaveLength(1);
    // The script's tag wins over the static label of the same name; the other static label is added.
    expect(reqs.data!.result[0]!.metric).toMatchObject({ __name__: 'k6_http_reqs_total', testid, env: 'ci', name: 'GET /x', method: 'GET', status: '200', scenario: 'default', expected_response: 'true' });
    expect(Number(reqs.data!.result[0]!.value[1])).toBe(20);
    // The key in the URL's query stays on this machine.
    expect(reqs.data!.result[0]!.metric.url).toBe(`${server.url}/record/x?delay=200&api_key=***`);
    expect(await value(`sum(k6_iterations_total{testid="${testid}"})`)).toEqual([20]);
    expect(await value(`sum(k6_jobs_total{testid="${testid}"})`)).toEqual([60]);
  });

  it('streams rates as k6_<name>_rate and gauges as k6_<name>', async () => {
    // __ITER % 4 === 0 for 2 VUs × 10 iterations each: iterations 0, 4, 8 of each VU.
    expect(await value(`k6_cache_hits_rate{testid="${testid}"}`)).toEqual([6 / 20]);
    expect(await value(`k6_checks_rate{testid="${testid}"}`)).toEqual([1]);
    expect(await value(`k6_http_req_failed_rate{testid="${testid}"}`)).toEqual([0]);
    // The engine emits vus/vus_max without the --tag tags (k6 adds them): found by the static label.
    expect(await value(`max(k6_vus_max{env="ci"})`)).toEqual([2]);
    // The last value set: a VU's last iteration (__ITER 9) sets 10.
    expect(await value(`k6_queue_depth{testid="${testid}"}`)).toEqual([10]);
  });

  it('streams each trend stat as k6_<name>_<stat>, time in seconds, equal to the end-of-test summary', async () => {
    const d = summary.metrics.http_req_duration!;
    expect(await value(`k6_http_req_duration_p95{testid="${testid}"}`)).toEqual([d['p(95)']! / 1000]);
    expect(await value(`k6_http_req_duration_max{testid="${testid}"}`)).toEqual([d.max! / 1000]);
    // k6 converts every stat of a time trend to seconds, the count too (its adaptUnit): 20 requests read 0.02.
    expect(await value(`k6_http_req_duration_count{testid="${testid}"}`)).toEqual([0.02]);
    const w = summary.metrics.work_time!;
    const [p95] = await value(`k6_work_time_p95{testid="${testid}"}`);
    expect(p95).toBeCloseTo(w['p(95)']! / 1000, 12);
    // The same values the engine's own summary reads, to its histogram's precision (45 ms at 3 significant digits).
    expect(p95).toBeCloseTo(0.045, 4);
    expect(await value(`k6_work_time_sum{testid="${testid}"}`)).toEqual([(2 * (5 + 15 + 25 + 35 + 45) * 2) / 1000]);
    expect(await value(`k6_work_time_min{testid="${testid}"}`)).toEqual([0.005]);
  });

  it('feeds every panel of the Grafana dashboard: each PromQL expression is valid and returns series after the run', async () => {
    const dash = JSON.parse(fs.readFileSync(path.join(import.meta.dirname, '..', '..', 'monitoring', 'dashboards', 'k6-load.json'), 'utf8')) as {
      templating: { list: Array<{ name: string; allValue?: string }> }; panels: Array<{ title: string; targets: Array<{ expr: string }> }>;
    };
    const all = dash.templating.list.find((v) => v.name === 'testid')!.allValue!;
    // Grafana's substitutions: the testid variable at its "All" value, and a rate window that holds several 1 s pushes.
    const exprs = dash.panels.flatMap((p) => p.targets.map((t) => ({ panel: p.title, expr: t.expr.replaceAll('$testid', all).replaceAll('$__rate_interval', '1m') })));
    expect(exprs.length).toBeGreaterThanOrEqual(10);
    for (const { panel, expr } of exprs) {
      const r = await prom.query(expr);
      expect(r.status, `${panel}: ${expr}: ${r.error}`).toBe('success');
      expect(r.data!.result.length, `${panel}: ${expr} returned no series`).toBeGreaterThan(0);
    }
    // The testid variable's values (label_values(k6_http_reqs_total, testid)) list this run.
    const values = await (await fetch(`${prom.url}/api/v1/label/testid/values?${new URLSearchParams({ 'match[]': 'k6_http_reqs_total' })}`)).json() as { data: string[] };
    expect(values.data).toContain(testid);
  });

  it('writes k6\'s CSV (gzipped for .gz) and k6\'s NDJSON from the same samples', () => {
    const lines = zlib.gunzipSync(fs.readFileSync(csvFile())).toString('utf8').trim().split('\n');
    expect(lines[0]).toBe(CSV_HEADER.join(','));
    expect(CSV_HEADER).toEqual(['metric_name', 'timestamp', 'metric_value', 'check', 'error', 'error_code', 'expected_response', 'group', 'method', 'name', 'proto', 'scenario', 'service', 'status', 'subproto', 'tls_version', 'url', 'extra_tags', 'metadata']);
    const col = (name: string) => CSV_HEADER.indexOf(name);
    const reqs = lines.slice(1).map((l) => l.split(',')).filter((c) => c[0] === 'http_reqs');
    expect(reqs).toHaveLength(20);
    for (const c of reqs) {
      expect(c[col('metric_value')]).toBe('1.000000');
      expect(c[col('name')]).toBe('GET /x');
      expect(c[col('status')]).toBe('200');
      expect(c[col('extra_tags')]).toBe(`testid=${testid}`);
      expect(c[col('url')]).toBe(`${server.url}/record/x?delay=200&api_key=***`);
      expect(Math.abs(Number(c[col('timestamp')]) - Date.now() / 1000)).toBeLessThan(600);
    }
    const points = fs.readFileSync(jsonFile(), 'utf8').trim().split('\n').map((l) => JSON.parse(l)).filter((x) => x.type === 'Point' && x.metric === 'http_reqs');
    expect(points).toHaveLength(20);
  });
});

describe('--out experimental-opentelemetry', () => {
  it('exports k6\'s metrics over OTLP/HTTP: counters, histograms, gauges and rates with condition', async () => {
    const bodies: Array<{ resourceMetrics: Array<{ resource: { attributes: Array<{ key: string; value: { stringValue?: string } }> }; scopeMetrics: Array<{ metrics: Array<Record<string, any>> }> }> }> = [];
    const receiver = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c) => { body += c; });
      req.on('end', () => {
        expect(req.url).toBe('/v1/metrics');
        expect(req.headers['x-team']).toBe('web');
        bodies.push(JSON.parse(body));
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    try {
      const port = (receiver.address() as AddressInfo).port;
      const script = writeScript(dir, 'otel.js', SCRIPT);
      const r = await shipcheck(['run', script, '--quiet', '-e', `BASE=${server.url}`, '--out', 'experimental-opentelemetry'], {
        env: { K6_OTEL_EXPORTER_TYPE: 'http', K6_OTEL_HTTP_EXPORTER_ENDPOINT: `127.0.0.1:${port}`, K6_OTEL_HTTP_EXPORTER_INSECURE: 'true', K6_OTEL_METRIC_PREFIX: 'k6_', K6_OTEL_EXPORT_INTERVAL: '1s', K6_OTEL_HEADERS: 'x-team=web', K6_OTEL_SERVICE_NAME: 'shop-load' },
      });
      expect(r.stderr).not.toMatch(/WARN experimental-opentelemetry/);
      expect(r.code).toBe(0);
      // Cumulative temporality: the last export holds the totals.
      const last = bodies.at(-1)!.resourceMetrics[0]!;
      expect(last.resource.attributes.find((a) => a.key === 'service.name')!.value.stringValue).toBe('shop-load');
      const metrics = Object.fromEntries(last.scopeMetrics.flatMap((s) => s.metrics).map((m) => [m.name, m]));
      const points = (name: string) => (metrics[name]!.sum ?? metrics[name]!.gauge ?? metrics[name]!.histogram).dataPoints as Array<Record<string, any>>;
      const attr = (p: Record<string, any>, key: string) => p.attributes.find((a: { key: string }) => a.key === key)?.value.stringValue;
      expect(points('k6_http_reqs').reduce((a, p) => a + p.asDouble, 0)).toBe(20);
      expect(attr(points('k6_http_reqs')[0]!, 'name')).toBe('GET /x');
      expect(attr(points('k6_http_reqs')[0]!, 'url')).toBe(`${server.url}/record/x?delay=200&api_key=***`);
      expect(JSON.stringify(bodies)).not.toContain('key-hunter13');
      expect(points('k6_jobs').reduce((a, p) => a + p.asDouble, 0)).toBe(60);
      expect(metrics.k6_http_req_duration!.unit).toBe('ms');
      expect(points('k6_http_req_duration').reduce((a, p) => a + Number(p.count), 0)).toBe(20);
      expect(points('k6_work_time').reduce((a, p) => a + p.sum, 0)).toBe(2 * (5 + 15 + 25 + 35 + 45) * 2);
      const hits = Object.fromEntries(points('k6_cache_hits').map((p) => [attr(p, 'condition'), Number(p.asInt ?? p.asDouble)]));
      expect(hits).toEqual({ nonzero: 6, zero: 14 });
      expect(Math.max(...points('k6_queue_depth').map((p) => p.asDouble))).toBe(10);
    } finally {
      await new Promise<void>((r) => receiver.close(() => r()));
    }
  }, 60_000);
});

describe('shipcheck load --out', () => {
  it('takes k6\'s outputs beside the result folder: the folder still gets its results, the CSV every sample', async () => {
    const script = writeScript(dir, 'load.js', `
import http from 'k6/http';
export const options = { vus: 1, iterations: 3 };
export default async function () { await http.asyncRequest('GET', __ENV.BASE_URL + '/record/load'); }`);
    const results = path.join(dir, 'load-results');
    const csv = path.join(dir, 'load.csv');
    const r = await shipcheck(['load', script, '--target', server.url, '--out', results, '--out', `csv=${csv}`, '--quiet']);
    expect(r.code).toBe(0);
    expect(fs.existsSync(path.join(results, 'summary.json'))).toBe(true);
    const rows = fs.readFileSync(csv, 'utf8').trim().split('\n').slice(1).filter((l) => l.startsWith('http_reqs,'));
    expect(rows).toHaveLength(3);
  }, 60_000);

  it('refuses two result folders', () => {
    expect(() => splitOutFlag(['out/a', 'csv=x.csv', 'out/b'])).toThrow('--out out/a --out out/b: only one result folder can be given, not 2.');
    expect(splitOutFlag(['out/a', 'csv=x.csv', 'experimental-prometheus-rw'])).toEqual({ resultDir: 'out/a', outputs: [{ type: 'csv', arg: 'x.csv' }, { type: 'experimental-prometheus-rw' }] });
  });
});

describe('output settings by k6\'s names', () => {
  it('parses --out specs and refuses unknown outputs and missing files with the fix', () => {
    expect(parseOutputSpec('csv=a.csv')).toEqual({ type: 'csv', arg: 'a.csv' });
    expect(parseOutputSpec('experimental-prometheus-rw')).toEqual({ type: 'experimental-prometheus-rw' });
    expect(() => parseOutputSpec('influxdb=http://x')).toThrow('--out influxdb=http://x: "influxdb" is not an output the Node engine has (it has json, csv, experimental-prometheus-rw, experimental-opentelemetry, opentelemetry).');
    expect(() => parseOutputSpec('csv')).toThrow('the csv output needs a file: csv=FILE');
  });

  it('writes CSV rows as k6 does: six decimals, k6\'s time formats, quoted fields, other tags in extra_tags', () => {
    const def = { name: 'http_req_duration', type: 'trend', contains: 'time', id: 0 } as const;
    const tags = { name: 'GET /a,b', status: '200', team: 'web shop', url: 'http://127.0.0.1/a?token=s3cret' };
    const t = Date.UTC(2026, 10, 21, 14, 0, 0, 250);
    const row = (format: Parameters<typeof csvRow>[4]) => csvRow(def, 12.5, tags, t, format).trimEnd().split(/,(?=(?:[^"]*"[^"]*")*[^"]*$)/);
    expect(row('unix').slice(0, 3)).toEqual(['http_req_duration', String(Math.floor(t / 1000)), '12.500000']);
    expect(row('unix_milli')[1]).toBe(String(t));
    expect(row('unix_nano')[1]).toBe(`${t}000000`);
    expect(row('rfc3339')[1]).toBe('2026-11-21T14:00:00Z');
    expect(row('rfc3339_nano')[1]).toBe('2026-11-21T14:00:00.25Z');
    const cells = row('unix');
    expect(cells[CSV_HEADER.indexOf('name')]).toBe('"GET /a,b"');
    expect(cells[CSV_HEADER.indexOf('url')]).toBe('http://127.0.0.1/a?token=***');
    expect(cells[CSV_HEADER.indexOf('extra_tags')]).toBe('team=web%20shop');
  });

  it('reads K6_OTEL_* with k6\'s defaults, and refuses what the Node engine cannot do with the fix', () => {
    expect(openTelemetryConfig({})).toMatchObject({ url: 'https://localhost:4318/v1/metrics', exportIntervalMs: 10_000, prefix: '', serviceName: 'k6', singleCounterForRate: true });
    expect(openTelemetryConfig({ K6_OTEL_HTTP_EXPORTER_ENDPOINT: 'otel:4318', K6_OTEL_HTTP_EXPORTER_INSECURE: 'true', K6_OTEL_HTTP_EXPORTER_URL_PATH: '/otlp/v1/metrics', K6_OTEL_SINGLE_COUNTER_FOR_RATE: 'false' }))
      .toMatchObject({ url: 'http://otel:4318/otlp/v1/metrics', singleCounterForRate: false });
    expect(() => openTelemetryConfig({ K6_OTEL_EXPORTER_TYPE: 'grpc' })).toThrow('experimental-opentelemetry: K6_OTEL_EXPORTER_TYPE is "grpc", but the Node engine exports over OTLP/HTTP only. Set K6_OTEL_EXPORTER_TYPE=http');
    expect(() => openTelemetryConfig({ K6_OTEL_HTTP_EXPORTER_ENDPOINT: 'http://otel:4318' })).toThrow('k6 takes host and port only, without scheme or path');
  });

  it('reads K6_PROMETHEUS_RW_* with k6\'s defaults, and names the variable that is wrong', () => {
    expect(prometheusRwConfig({})).toEqual({ url: 'http://localhost:9090/api/v1/write', pushIntervalMs: 5000, trendStats: ['p(99)'], labels: {}, headers: {}, staleMarkers: false });
    const c = prometheusRwConfig({ K6_PROMETHEUS_RW_USERNAME: 'u', K6_PROMETHEUS_RW_PASSWORD: 'p', K6_PROMETHEUS_RW_HTTP_HEADERS: 'a:1,b:2', 'K6_PROMETHEUS_RW_HEADERS_X-Org': 'o' });
    expect(c.headers).toEqual({ a: '1', b: '2', 'X-Org': 'o', Authorization: `Basic ${Buffer.from('u:p').toString('base64')}` });
    expect(['p(95)', 'p(99.9)', 'max'].map(statSuffix)).toEqual(['p95', 'p999', 'max']);
    expect(() => prometheusRwConfig({ K6_PROMETHEUS_RW_TREND_STATS: 'p95,max' })).toThrow('experimental-prometheus-rw: K6_PROMETHEUS_RW_TREND_STATS is "p95,max", but p95 is not a stat k6 knows. List stats from count, sum, min, max, avg, med and p(N), e.g. p(95),p(99),max.');
    expect(() => prometheusRwConfig({ K6_PROMETHEUS_RW_PUSH_INTERVAL: 'soon' })).toThrow('K6_PROMETHEUS_RW_PUSH_INTERVAL is "soon", but it is not a positive duration');
  });
});
