import { describe, expect, it } from 'vitest';
import { MetricsRegistry } from './registry.ts';
import { defineBuiltinMetrics } from './builtin.ts';
import { isShipcheckError } from '../../harness/errors.ts';
import { TimeseriesBucketer } from '../../harness/timeseries/bucketer.ts';

const T0 = 1_700_000_000_000;

/** Exact percentile the way k6 defines it: linear interpolation at index p·(n−1) of the sorted values. */
function exactPercentile(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  const i = (p / 100) * (s.length - 1);
  const lo = Math.floor(i);
  const hi = Math.ceil(i);
  return s[lo] + (s[hi] - s[lo]) * (i - lo);
}

/** Deterministic pseudo-random numbers so the test data is varied but reproducible. */
function lcg(seed: number) {
  let x = seed >>> 0;
  return () => ((x = (Math.imul(x, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

function thrown(fn: () => unknown) {
  try { fn(); } catch (e) { if (isShipcheckError(e)) return e; throw e; }
  throw new Error('expected an error');
}

describe('define', () => {
  it('gives dense ids and returns the same def for the same name and type', () => {
    const r = new MetricsRegistry();
    const a = r.define('my_trend', 'trend', 'time');
    const b = r.define('my_counter', 'counter');
    expect([a.id, b.id]).toEqual([0, 1]);
    expect(r.define('my_trend', 'trend')).toBe(a);
    expect(r.get('my_counter')).toBe(b);
    expect(b.contains).toBe('default');
    expect(r.get('nope')).toBeUndefined();
  });

  it('rejects a redefinition with another type, and invalid names', () => {
    const r = new MetricsRegistry();
    defineBuiltinMetrics(r);
    const e = thrown(() => r.define('http_req_duration', 'counter'));
    expect(e.code).toBe('SHIPCHECK_ERR_METRIC_TYPE_CONFLICT');
    expect(e.message).toContain('"http_req_duration" is already defined as a trend');
    expect(thrown(() => r.define('http_req_duration', 'trend', 'data')).code).toBe('SHIPCHECK_ERR_METRIC_TYPE_CONFLICT');
    expect(thrown(() => r.define('1abc', 'counter')).code).toBe('SHIPCHECK_ERR_METRIC_NAME_INVALID');
    expect(thrown(() => r.define('my-metric', 'counter')).code).toBe('SHIPCHECK_ERR_METRIC_NAME_INVALID');
  });
});

describe('trend percentiles', () => {
  it('match an exact computation within HDR precision (0.1 %), including sub-millisecond values', () => {
    const r = new MetricsRegistry({ summaryTrendStats: ['avg', 'min', 'med', 'max', 'count', 'p(90)', 'p(95)', 'p(99)', 'p(99.9)', 'p(0)', 'p(100)'] });
    const def = r.define('latency', 'trend', 'time');
    const rand = lcg(7);
    const values: number[] = [];
    for (let i = 0; i < 5000; i++) {
      // log-uniform from 0.05 ms to 5 s: small values must come out right too
      const v = 0.05 * Math.exp(rand() * Math.log(100_000));
      values.push(v);
      r.add(def, v, {}, T0 + i);
    }
    const got = r.summaryMetrics(10_000).latency.values;
    for (const p of [0, 50, 90, 95, 99, 99.9, 100]) {
      const key = p === 50 ? 'med' : `p(${p})`;
      const exact = exactPercentile(values, p);
      expect(Math.abs(got[key] - exact) / exact, `${key}: ${got[key]} vs ${exact}`).toBeLessThan(0.0015);
    }
    expect(got.min).toBe(Math.min(...values));
    expect(got.max).toBe(Math.max(...values));
    expect(got.count).toBe(5000);
    expect(got.avg).toBeCloseTo(values.reduce((a, b) => a + b, 0) / values.length, 9);
  });

  it('is exact for small whole-ms values and interpolates like k6', () => {
    const r = new MetricsRegistry({ summaryTrendStats: ['med', 'p(90)', 'p(95)', 'p(25)'] });
    const def = r.define('tt', 'trend');
    for (const v of [1, 2, 3, 4]) r.add(def, v, {}, T0);
    const got = r.summaryMetrics(1000).tt.values;
    const want = { med: 2.5, 'p(90)': 3.7, 'p(95)': 3.85, 'p(25)': 1.75 };
    expect(Object.keys(got)).toEqual(Object.keys(want));
    for (const [k, v] of Object.entries(want)) expect(got[k], k).toBeCloseTo(v, 12);
  });

  it('handles negative and zero values in custom trends', () => {
    const r = new MetricsRegistry({ summaryTrendStats: ['min', 'med', 'max', 'p(25)', 'p(75)'] });
    const def = r.define('delta', 'trend');
    const values = [-50, -10, -1, 0, 0, 2, 30, 400];
    for (const v of values) r.add(def, v, {}, T0);
    const got = r.summaryMetrics(1000).delta.values;
    for (const [key, p] of [['med', 50], ['p(25)', 25], ['p(75)', 75]] as const) {
      expect(got[key]).toBeCloseTo(exactPercentile(values, p), 1);
    }
    expect(got.min).toBe(-50);
    expect(got.max).toBe(400);
  });
});

describe('summaryMetrics', () => {
  it('gives each type its k6 values, only for metrics that got samples or thresholds', () => {
    const r = new MetricsRegistry({ thresholds: { vus_max: ['value>0'] } });
    const m = defineBuiltinMetrics(r);
    r.add(m.http_reqs, 1, {}, T0);
    r.add(m.http_reqs, 1, {}, T0);
    r.add(m.http_reqs, 1, {}, T0);
    r.add(m.vus, 3, {}, T0);
    r.add(m.vus, 10, {}, T0 + 1);
    r.add(m.vus, 5, {}, T0 + 2);
    r.add(m.checks, 1, {}, T0);
    r.add(m.checks, 0, {}, T0);
    r.add(m.checks, 1, {}, T0);
    r.add(m.checks, true as unknown as number, {}, T0);
    r.add(m.http_req_duration, 100, { expected_response: 'true' }, T0);
    r.add(m.http_req_duration, 300, { expected_response: 'false' }, T0);
    const s = r.summaryMetrics(2000);
    expect(Object.keys(s)).toEqual(['checks', 'http_req_duration', 'http_req_duration{expected_response:true}', 'http_reqs', 'vus', 'vus_max']);
    expect(s.http_reqs).toEqual({ type: 'counter', contains: 'default', values: { count: 3, rate: 1.5 } });
    expect(s.vus).toEqual({ type: 'gauge', contains: 'default', values: { value: 5, min: 3, max: 10 } });
    expect(s.checks).toEqual({ type: 'rate', contains: 'default', values: { rate: 0.75, passes: 3, fails: 1 } });
    expect(s.http_req_duration.values).toEqual({ avg: 200, min: 100, med: 200, max: 300, 'p(90)': 280, 'p(95)': 290 });
    expect(s['http_req_duration{expected_response:true}']).toEqual({
      type: 'trend', contains: 'time', values: { avg: 100, min: 100, med: 100, max: 100, 'p(90)': 100, 'p(95)': 100 },
    });
    // a metric with a threshold is shown even without samples, with zero values (and, never
    // evaluated before, judged as at the end of the test: 0 > 0 fails)
    expect(s.vus_max).toEqual({ type: 'gauge', contains: 'default', values: { value: 0, min: 0, max: 0 }, thresholds: { 'value>0': { ok: false } } });
  });

  it('omits the expected_response sub-metric when systemTags drop it', () => {
    const r = new MetricsRegistry({ expectedResponseSubmetric: false });
    const m = defineBuiltinMetrics(r);
    r.add(m.http_req_duration, 100, { expected_response: 'true' }, T0);
    expect(Object.keys(r.summaryMetrics(1000))).toEqual(['http_req_duration']);
  });
});

describe('thresholds', () => {
  it('evaluate sub-metrics by tag match: a sample counts when its tags contain every pair', () => {
    const r = new MetricsRegistry({
      thresholds: {
        'http_req_duration{name:GET /content,expected_response:true}': ['p(95)<200'],
        'http_req_duration{ name : "GET /health" }': ['max<50'],
        http_req_duration: ['max<1000'],
      },
    });
    const m = defineBuiltinMetrics(r);
    r.add(m.http_req_duration, 150, { name: 'GET /content', expected_response: 'true', method: 'GET' }, T0);
    r.add(m.http_req_duration, 900, { name: 'GET /content', expected_response: 'false' }, T0); // not in the sub-metric
    r.add(m.http_req_duration, 40, { name: 'GET /health', expected_response: 'true' }, T0);
    r.add(m.http_req_duration, 45, { name: 'GET /health' }, T0);
    r.add(m.http_req_duration, 500, { method: 'GET' }, T0); // no name tag: in no sub-metric
    let ev = r.evaluate(1000);
    expect(ev.outcomes.map((o) => [o.metric, o.expression, o.ok, o.observed])).toEqual([
      ['http_req_duration{name:GET /content,expected_response:true}', 'p(95)<200', true, 150],
      ['http_req_duration{ name : "GET /health" }', 'max<50', true, 45],
      ['http_req_duration', 'max<1000', true, 900],
    ]);
    r.add(m.http_req_duration, 60, { name: 'GET /health' }, T0);
    ev = r.evaluate(2000);
    expect(ev.outcomes[1]).toMatchObject({ ok: false, observed: 60 });
    expect(ev.abort).toBeUndefined();
    const s = r.summaryMetrics();
    expect(s['http_req_duration{name : "GET /health"}'].thresholds).toEqual({ 'max<50': { ok: false } });
    expect(s['http_req_duration{name:GET /content,expected_response:true}'].values.max).toBe(150);
    expect(s.http_req_duration.thresholds).toEqual({ 'max<1000': { ok: true } });
  });

  it('a threshold with no samples passes', () => {
    const r = new MetricsRegistry({ thresholds: { checks: ['rate>0.99'], 'http_reqs{name:x}': ['count>5'], my_trend: ['p(99)<1'] } });
    defineBuiltinMetrics(r);
    r.define('my_trend', 'trend');
    r.validateThresholds();
    const ev = r.evaluate(5000);
    expect(ev.outcomes.every((o) => o.ok && o.observed === undefined)).toBe(true);
    expect(r.summaryMetrics(5000).checks.thresholds).toEqual({ 'rate>0.99': { ok: true } });
  });

  it('at the end (final), an empty metric is judged as zeros like k6, except an empty rate', () => {
    const r = new MetricsRegistry({
      thresholds: {
        iterations: ['count>0', 'rate<5'], vus: ['value>=1'], 'http_req_duration{name:none}': ['p(95)<200', 'min>0'], checks: ['rate>0.99'],
      },
    });
    defineBuiltinMetrics(r);
    expect(r.evaluate(3000).outcomes.every((o) => o.ok)).toBe(true);
    const end = r.evaluate(3000, { final: true }).outcomes;
    const byKey = (a: unknown[], b: unknown[]) => `${a[0]} ${a[1]}`.localeCompare(`${b[0]} ${b[1]}`);
    expect(end.map((o) => [o.metric, o.expression, o.ok, o.observed]).sort(byKey)).toEqual([
      ['iterations', 'count>0', false, 0],
      ['iterations', 'rate<5', true, 0],
      ['vus', 'value>=1', false, 0],
      ['http_req_duration{name:none}', 'p(95)<200', true, 0],
      ['http_req_duration{name:none}', 'min>0', false, 0],
      ['checks', 'rate>0.99', true, undefined],
    ].sort(byKey));
    // the summary reports the last verdict, as k6 does
    const s = r.summaryMetrics(3000);
    expect(s.iterations).toEqual({ type: 'counter', contains: 'default', values: { count: 0, rate: 0 }, thresholds: { 'count>0': { ok: false }, 'rate<5': { ok: true } } });
    expect(s['http_req_duration{name:none}'].thresholds).toEqual({ 'p(95)<200': { ok: true }, 'min>0': { ok: false } });
  });

  it('summaryMetrics evaluates as at the end when evaluate() was never called', () => {
    const r = new MetricsRegistry({ thresholds: { iterations: ['count>0'] } });
    defineBuiltinMetrics(r);
    expect(r.summaryMetrics(1000).iterations.thresholds).toEqual({ 'count>0': { ok: false } });
  });

  it('counter rate is count per elapsed second', () => {
    const r = new MetricsRegistry({ thresholds: { http_reqs: ['rate>=10', 'count<100'] } });
    const m = defineBuiltinMetrics(r);
    for (let i = 0; i < 50; i++) r.add(m.http_reqs, 1, {}, T0);
    expect(r.evaluate(5000).outcomes.map((o) => [o.ok, o.observed])).toEqual([[true, 10], [true, 50]]);
    expect(r.evaluate(6000).outcomes.map((o) => o.ok)).toEqual([false, true]);
    expect(r.summaryMetrics(6000).http_reqs.thresholds).toEqual({ 'rate>=10': { ok: false }, 'count<100': { ok: true } });
  });

  it('supports every operator', () => {
    const r = new MetricsRegistry({ thresholds: { gg: ['value>4', 'value>=5', 'value<6', 'value<=5', 'value==5', 'value===5', 'value!=4', 'value!=5', 'value<5'] } });
    const def = r.define('gg', 'gauge');
    r.add(def, 5, {}, T0);
    expect(r.evaluate(1).outcomes.map((o) => o.ok)).toEqual([true, true, true, true, true, true, true, false, false]);
  });

  it('abortOnFail aborts at once without a delay, and only after delayAbortEval with one', () => {
    const r = new MetricsRegistry({
      thresholds: {
        http_req_failed: [{ threshold: 'rate<0.1', abortOnFail: true, delayAbortEval: '10s' }],
        checks: [{ threshold: 'rate>0.9', abortOnFail: false }],
      },
    });
    const m = defineBuiltinMetrics(r);
    r.add(m.http_req_failed, 1, {}, T0);
    r.add(m.checks, 0, {}, T0);
    let ev = r.evaluate(2000);
    expect(ev.outcomes.map((o) => o.ok)).toEqual([false, false]);
    expect(ev.abort).toBeUndefined();
    ev = r.evaluate(10_000); // the delay must have passed, not merely been reached
    expect(ev.abort).toBeUndefined();
    ev = r.evaluate(10_001);
    expect(ev.abort).toMatchObject({ metric: 'http_req_failed', expression: 'rate<0.1', abortOnFail: true, ok: false });

    const now = new MetricsRegistry({ thresholds: { iterations: [{ threshold: 'count<1', abortOnFail: true }] } });
    const n = defineBuiltinMetrics(now);
    now.add(n.iterations, 1, {}, T0);
    expect(now.evaluate(1).abort?.expression).toBe('count<1');
  });

  it('validateThresholds names unknown metrics and misfit methods (exit 104)', () => {
    const r = new MetricsRegistry({ thresholds: { my_counter: ['p(95)<1'], missing_metric: ['count>0'] } });
    defineBuiltinMetrics(r);
    r.define('my_counter', 'counter');
    const e = thrown(() => r.validateThresholds());
    expect(e.exitCode).toBe(104);
    expect(e.message).toContain('my_counter: "p(95)<1" uses "p(N)"');
    expect(e.message).toContain('no metric named "missing_metric"');
  });

  it('parses thresholds when built, and --no-thresholds skips them', () => {
    expect(thrown(() => new MetricsRegistry({ thresholds: { http_req_duration: ['p(95)<<200'] } })).exitCode).toBe(104);
    const r = new MetricsRegistry({ thresholds: { http_req_duration: ['p(95)<<200'] }, noThresholds: true });
    expect(r.hasThresholds()).toBe(false);
    expect(r.evaluate(1).outcomes).toEqual([]);
  });
});

describe('bucketer', () => {
  it('forwards every sample to the time-series bucketer, which agrees with the registry', () => {
    const bucketer = new TimeseriesBucketer();
    const r = new MetricsRegistry({ summaryTrendStats: ['avg', 'min', 'max', 'count'] });
    const m = defineBuiltinMetrics(r);
    const later = new TimeseriesBucketer();
    for (let i = 0; i < 300; i++) {
      const tags = { name: i % 3 ? 'GET /a' : 'GET /b', method: 'GET', status: '200', vu: String(i % 7) };
      r.add(m.http_req_duration, 5 + (i % 50), tags, T0 + i * 10);
      r.add(m.http_reqs, 1, tags, T0 + i * 10);
      if (i === 100) r.setBucketer(later);
    }
    r.setBucketer(undefined);
    expect(later.toJSON().series.length).toBeGreaterThan(0);
    const fresh = new MetricsRegistry({ bucketer, summaryTrendStats: ['avg', 'min', 'max', 'count'] });
    const f = defineBuiltinMetrics(fresh);
    for (let i = 0; i < 300; i++) {
      const tags = { name: i % 3 ? 'GET /a' : 'GET /b', method: 'GET', status: '200', vu: String(i % 7) };
      fresh.add(f.http_req_duration, 5 + (i % 50), tags, T0 + i * 10);
      fresh.add(f.http_reqs, 1, tags, T0 + i * 10);
    }
    const ts = bucketer.toJSON();
    const durations = ts.series.filter((s) => s.metric === 'http_req_duration' && s.tags.name !== undefined && Object.keys(s.tags).length > 0);
    const total = durations.reduce((a, s) => a + s.totals.count, 0);
    const sum = durations.reduce((a, s) => a + s.totals.sum, 0);
    const summary = fresh.summaryMetrics(3000).http_req_duration.values;
    expect(total).toBe(summary.count);
    expect(sum / total).toBeCloseTo(summary.avg, 9);
    expect(durations.every((s) => s.type === 'trend' && s.contains === 'time' && s.tags.vu === undefined)).toBe(true);
    const reqs = ts.series.filter((s) => s.metric === 'http_reqs' && s.tags.name !== undefined);
    expect(reqs.reduce((a, s) => a + s.totals.count, 0)).toBe(300);
  });
});

describe('snapshot / merge', () => {
  it('merging per-worker registries equals one registry that saw every sample', () => {
    const options = { thresholds: { 'http_req_duration{name:a}': ['p(95)<150'], http_reqs: ['rate>1'], vus: ['value<100'] } };
    const single = new MetricsRegistry(options);
    const workers = [new MetricsRegistry(options), new MetricsRegistry(options), new MetricsRegistry(options)];
    const singleDefs = defineBuiltinMetrics(single);
    const workerDefs = workers.map((w) => defineBuiltinMetrics(w));
    const custom = [single, ...workers].map((r) => r.define('neg_trend', 'trend'));
    const rand = lcg(42);
    for (let i = 0; i < 3000; i++) {
      const w = i % 3;
      const name = rand() < 0.5 ? 'a' : 'b';
      const d = 1 + rand() * 200;
      const tags = { name, expected_response: rand() < 0.9 ? 'true' : 'false' };
      const vus = Math.floor(rand() * 50);
      const neg = (rand() - 0.5) * 100;
      const check = rand() < 0.5 ? 1 : 0;
      for (const [r, defs, idx] of [[single, singleDefs, 0], [workers[w], workerDefs[w], w + 1]] as const) {
        r.add(defs.http_req_duration, d, tags, T0 + i);
        r.add(defs.http_reqs, 1, tags, T0 + i);
        r.add(defs.vus, vus, {}, T0 + i);
        r.add(defs.checks, check, {}, T0 + i);
        r.add(custom[idx], neg, {}, T0 + i);
      }
    }
    const merged = new MetricsRegistry(options);
    defineBuiltinMetrics(merged);
    // through structured clone, as worker_threads would pass them
    for (const w of workers) merged.merge(structuredClone(w.snapshot()));
    expect(merged.evaluate(10_000)).toEqual(single.evaluate(10_000));
    expect(merged.summaryMetrics(10_000)).toEqual(single.summaryMetrics(10_000));
    expect(JSON.parse(JSON.stringify(workers[0].snapshot()))).toEqual(workers[0].snapshot());
    // re-merging the latest snapshots after resetSinks() does not double count
    merged.resetSinks();
    for (const w of workers) merged.merge(w.snapshot());
    expect(merged.summaryMetrics(10_000)).toEqual(single.summaryMetrics(10_000));
  });
});
