/**
 * A synthetic result folder for the benchmark: `seconds` of load on 10 endpoints fed through
 * the real bucketer (so timeseries.json has the shape and size a real run's has) and a
 * summary.json with thresholds. Deterministic.
 */
import fs from 'node:fs';
import path from 'node:path';
import { TimeseriesBucketer } from '../../harness/timeseries/bucketer.ts';
import type { K6SummaryData, RunMeta } from '../../harness/result-types.ts';

export function writeSyntheticRun(dir: string, seconds: number, rps: number): { samples: number } {
  let seed = 1;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  const b = new TimeseriesBucketer();
  const t0 = Date.UTC(2026, 10, 21, 12, 0, 0);
  const endpoints = Array.from({ length: 10 }, (_, i) => ({ name: `GET /api/v1/endpoint-${i}`, base: 10 + i * 15 }));
  let samples = 0;
  let reqs = 0, fails = 0;
  for (let s = 0; s < seconds; s++) {
    b.add('vus', 'gauge', 'default', 50 + Math.round(30 * Math.sin(s / 300)), {}, t0 + s * 1000);
    for (let i = 0; i < rps; i++) {
      const ep = endpoints[i % endpoints.length]!;
      const failed = rnd() < 0.004;
      const tags = { scenario: 'soak', name: ep.name, method: 'GET', status: failed ? '503' : '200', expected_response: failed ? 'false' : 'true' };
      const ms = t0 + s * 1000 + (i * 1000) / rps;
      const waiting = ep.base * (0.5 + rnd()) * (1 + 0.3 * Math.sin(s / 200));
      b.add('http_reqs', 'counter', 'default', 1, tags, ms);
      b.add('http_req_duration', 'trend', 'time', waiting + 0.3, tags, ms);
      b.add('http_req_waiting', 'trend', 'time', waiting, tags, ms);
      b.add('http_req_blocked', 'trend', 'time', 0.01, tags, ms);
      b.add('http_req_sending', 'trend', 'time', 0.05, tags, ms);
      b.add('http_req_receiving', 'trend', 'time', 0.25, tags, ms);
      b.add('http_req_failed', 'rate', 'default', failed ? 1 : 0, tags, ms);
      b.add('data_received', 'counter', 'data', 2000, { scenario: 'soak' }, ms);
      b.add('data_sent', 'counter', 'data', 200, { scenario: 'soak' }, ms);
      samples += 9;
      reqs++;
      if (failed) fails++;
    }
  }
  const ts = b.toJSON();
  const all = ts.aggregates!.find((a) => a.metric === 'http_req_duration' && Object.keys(a.tags).length === 0)!;
  const summary: K6SummaryData = {
    root_group: { name: '', path: '', id: 'root', groups: [], checks: [{ name: 'status is 200', path: '::status is 200', id: 'c', passes: reqs - fails, fails }] },
    options: { summaryTrendStats: ['avg', 'min', 'med', 'max', 'p(90)', 'p(95)', 'p(99)'], summaryTimeUnit: '', noColor: true },
    state: { isStdOutTTY: false, isStdErrTTY: false, testRunDurationMs: seconds * 1000 },
    metrics: {
      http_reqs: { type: 'counter', contains: 'default', values: { count: reqs, rate: reqs / seconds } },
      http_req_failed: { type: 'rate', contains: 'default', values: { rate: fails / reqs, passes: fails, fails: reqs - fails }, thresholds: { 'rate<0.01': { ok: fails / reqs < 0.01 } } },
      http_req_duration: { type: 'trend', contains: 'time', values: { avg: all.totals.sum / all.totals.count, min: all.totals.min, med: all.totals.p!.p50!, max: all.totals.max, 'p(90)': all.totals.p!.p90!, 'p(95)': all.totals.p!.p95!, 'p(99)': all.totals.p!.p99! }, thresholds: { 'p(95)<500': { ok: all.totals.p!.p95! < 500 } } },
    },
  };
  const meta: RunMeta = {
    runId: 'bench-1h', kind: 'load', engine: 'node', startedAt: new Date(t0).toISOString(), endedAt: new Date(t0 + seconds * 1000).toISOString(),
    scenarios: [{ name: 'soak', executor: 'constant-arrival-rate', description: `${rps} iterations/s for ${seconds}s`, startSeconds: 0, endSeconds: seconds }],
    machine: { cores: 2, memoryBytes: 8 * 1024 ** 3, platform: 'linux-x64', node: process.version }, commandLine: ['bench'],
  };
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'summary.json'), JSON.stringify(summary));
  fs.writeFileSync(path.join(dir, 'timeseries.json'), JSON.stringify(ts));
  fs.writeFileSync(path.join(dir, 'meta.json'), JSON.stringify(meta));
  return { samples };
}
