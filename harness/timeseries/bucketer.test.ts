import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { SERIES_TAG_KEYS, type TimeseriesSeries } from '../result-types.ts';
import { percentileOfSorted, TimeseriesBucketer } from './bucketer.ts';
import { foldNdjson, isGzipFile } from './ndjson.ts';

const fixture = path.join(import.meta.dirname, 'fixtures', 'k6-out-json.ndjson.gz');
const SECRET = 'fixture-secret-token-123';

interface Expected { metric: string; type: string; tags: Record<string, string>; bySecond: Map<number, number[]>; all: number[] }

/** The direct computation the bucketer must agree with: every value kept, grouped by hand. */
function directComputation(text: string) {
  const types = new Map<string, string>();
  const groups = new Map<string, Expected>();
  let firstSecond = Infinity;
  for (const line of text.split('\n')) {
    if (!line) continue;
    const o = JSON.parse(line);
    if (o.type === 'Metric') { types.set(o.data.name, o.data.type); continue; }
    const tags: Record<string, string> = {};
    for (const k of SERIES_TAG_KEYS) {
      const v = o.data.tags?.[k];
      if (v) tags[k] = v.replace(SECRET, '***');
    }
    const key = `${o.metric} ${JSON.stringify(tags)}`;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { metric: o.metric, type: types.get(o.metric)!, tags, bySecond: new Map(), all: [] }));
    const second = Math.floor(Date.parse(o.data.time) / 1000);
    firstSecond = Math.min(firstSecond, second);
    if (!g.bySecond.has(second)) g.bySecond.set(second, []);
    g.bySecond.get(second)!.push(o.data.value);
    g.all.push(o.data.value);
  }
  return { groups, firstSecond };
}

function findSeries(series: TimeseriesSeries[], g: Expected): TimeseriesSeries {
  const s = series.filter((x) => x.metric === g.metric && JSON.stringify(Object.entries(x.tags).sort()) === JSON.stringify(Object.entries(g.tags).sort()));
  expect(s, `${g.metric} ${JSON.stringify(g.tags)}`).toHaveLength(1);
  return s[0]!;
}

const sum = (a: number[]) => a.reduce((x, y) => x + y, 0);
const sortNum = (a: number[]) => [...a].sort((x, y) => x - y);

describe('NDJSON → bucketer', () => {
  const text = zlib.gunzipSync(fs.readFileSync(fixture)).toString('utf8');
  const { groups, firstSecond } = directComputation(text);

  it('agrees exactly with a direct computation over the fixture (count, sum, min, max, last, percentiles)', async () => {
    const fold = await foldNdjson(fixture);
    const ts = fold.timeseries;
    expect(ts.startMs).toBe(firstSecond * 1000);
    expect(fold.points).toBe(text.split('\n').filter((l) => l.includes('"Point"')).length);
    expect(fold.badLines).toBe(0);
    expect(ts.series).toHaveLength(groups.size);
    for (const g of groups.values()) {
      const s = findSeries(ts.series, g);
      const seconds = [...g.bySecond.keys()].sort((a, b) => a - b);
      expect(s.t).toEqual(seconds.map((x) => x - firstSecond));
      seconds.forEach((sec, i) => {
        const vals = g.bySecond.get(sec)!;
        expect(s.count[i]).toBe(vals.length);
        const expectedSum = g.type === 'rate' ? vals.filter((v) => v !== 0).length : sum(vals);
        expect(s.sum[i]).toBeCloseTo(expectedSum, 6);
        expect(s.min[i]).toBe(Math.min(...vals));
        expect(s.max[i]).toBe(Math.max(...vals));
        if (g.type === 'trend') {
          for (const p of ts.percentiles) expect(s.p![`p${p}`]![i]).toBeCloseTo(percentileOfSorted(sortNum(vals), p), 9);
        }
      });
      expect(s.totals.count).toBe(g.all.length);
      expect(s.totals.min).toBe(Math.min(...g.all));
      expect(s.totals.max).toBe(Math.max(...g.all));
      if (g.type === 'trend') {
        for (const p of ts.percentiles) expect(s.totals.p![`p${p}`]).toBeCloseTo(percentileOfSorted(sortNum(g.all), p), 9);
        const h = s.totals.histogram!;
        expect(sum(h.counts)).toBe(g.all.length);
        expect(h.bounds[h.bounds.length - 1]).toBeGreaterThanOrEqual(Math.max(...g.all) * 0.999);
      }
    }
    // The gauge keeps the value with the newest time in each second.
    const vus = ts.series.find((s) => s.metric === 'vus')!;
    expect(vus.last).toEqual([...groups.values()].find((g) => g.metric === 'vus')!.all);
    expect(fold.metrics.http_req_duration!.thresholds).toEqual(['p(95)<400', 'p(99)<900']);
    const checks = fold.checks.find((c) => c.name === 'status is 200')!;
    const checkValues = [...groups.values()].filter((g) => g.metric === 'checks').flatMap((g) => g.all);
    expect(checks.passes).toBe(checkValues.filter((v) => v === 1).length);
    expect(checks.fails).toBe(checkValues.filter((v) => v === 0).length);
  });

  it('merges each trend across tags into aggregates: all samples, successful ones, and per name', async () => {
    const ts = (await foldNdjson(fixture)).timeseries;
    const durations = [...groups.values()].filter((g) => g.metric === 'http_req_duration');
    const cases: Array<[Record<string, string>, (g: Expected) => boolean]> = [
      [{}, () => true],
      [{ expected_response: 'true' }, (g) => g.tags.expected_response === 'true'],
      [{ name: 'POST /api/v1/content/generate' }, (g) => g.tags.name === 'POST /api/v1/content/generate'],
    ];
    for (const [tags, pick] of cases) {
      const agg = ts.aggregates!.find((a) => a.metric === 'http_req_duration' && JSON.stringify(a.tags) === JSON.stringify(tags))!;
      const all = sortNum(durations.filter(pick).flatMap((g) => g.all));
      expect(agg.totals.count).toBe(all.length);
      expect(agg.totals.p!.p95).toBeCloseTo(percentileOfSorted(all, 95), 9);
      const bySecond = new Map<number, number[]>();
      for (const g of durations.filter(pick)) for (const [sec, v] of g.bySecond) bySecond.set(sec, [...(bySecond.get(sec) ?? []), ...v]);
      agg.t.forEach((t, i) => expect(agg.p!.p99![i]).toBeCloseTo(percentileOfSorted(sortNum(bySecond.get(t + firstSecond)!), 99), 9));
      expect(agg.t).toHaveLength(bySecond.size);
    }
  });

  it('stays within the sketch and HDR accuracy once buckets and totals exceed their exact caps', async () => {
    const fold = await foldNdjson(fixture, { exactBucketValues: 2, exactTotalValues: 3 });
    for (const g of groups.values()) {
      if (g.type !== 'trend') continue;
      const s = findSeries(fold.timeseries.series, g);
      [...g.bySecond.keys()].sort((a, b) => a - b).forEach((sec, i) => {
        const sorted = sortNum(g.bySecond.get(sec)!);
        for (const p of [50, 95]) {
          // Nearest-rank on a ±1 % sketch: within 1 % of some value between the neighbouring ranks.
          const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
          const got = s.p![`p${p}`]![i]!;
          const lo = sorted[Math.max(0, rank - 2)]! * 0.99 - 1e-9;
          const hi = sorted[Math.min(sorted.length - 1, rank)]! * 1.01 + 1e-9;
          expect(got).toBeGreaterThanOrEqual(Math.min(lo, sorted[0]!));
          expect(got).toBeLessThanOrEqual(hi);
        }
      });
      const sorted = sortNum(g.all);
      if (sorted.length > 20 && sorted[0]! > 1) {
        const exact = percentileOfSorted(sorted, 95);
        expect(Math.abs(s.totals.p!.p95! - exact) / exact).toBeLessThan(0.05);
      }
    }
  });

  it('never lets a secret in a URL tag into the series', async () => {
    const fold = await foldNdjson(fixture);
    const json = JSON.stringify(fold.timeseries);
    expect(text).toContain(SECRET);
    expect(json).not.toContain(SECRET);
    expect(json).toContain('token=***');
  });

  it('reads the same file uncompressed, and gzip under a name without .gz (magic bytes)', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shipcheck-ndjson-'));
    try {
      const plain = path.join(dir, 'out.json');
      const gzNoExt = path.join(dir, 'out-gz.json');
      fs.writeFileSync(plain, text);
      fs.copyFileSync(fixture, gzNoExt);
      expect(isGzipFile(plain)).toBe(false);
      expect(isGzipFile(gzNoExt)).toBe(true);
      const a = await foldNdjson(plain);
      const b = await foldNdjson(gzNoExt);
      expect(a.timeseries).toEqual(b.timeseries);
      expect(a.points).toBeGreaterThan(1000);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('says what is wrong when the file is not k6 JSON output', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shipcheck-ndjson-'));
    try {
      const bad = path.join(dir, 'notes.txt');
      fs.writeFileSync(bad, 'hello\nworld\n');
      await expect(foldNdjson(bad)).rejects.toThrow(/holds no k6 metric samples \(2 lines read, 2 not k6 JSON output\)/);
      await expect(foldNdjson(path.join(dir, 'missing.ndjson'))).rejects.toThrow(/Cannot read the k6 JSON output/);
      const truncated = path.join(dir, 'cut.ndjson.gz');
      fs.writeFileSync(truncated, fs.readFileSync(fixture).subarray(0, 2000));
      await expect(foldNdjson(truncated)).rejects.toThrow(/Cannot read the k6 JSON output .*cut\.ndjson\.gz/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('TimeseriesBucketer', () => {
  it('keeps memory to seconds × series: 200,000 samples in one series and second hold one bucket', () => {
    const b = new TimeseriesBucketer();
    const t0 = Date.UTC(2026, 0, 1);
    for (let i = 0; i < 200_000; i++) b.add('http_req_duration', 'trend', 'time', 1 + (i % 1000), { name: 'x', url: `http://h/${i}` }, t0 + (i % 1000));
    const ts = b.toJSON();
    expect(ts.series).toHaveLength(1);
    expect(ts.series[0]!.t).toEqual([0]);
    expect(ts.series[0]!.count).toEqual([200_000]);
    // The url tag (unbounded) is dropped; the sketch answers p50 of 1..1000 within 1 %.
    expect(ts.series[0]!.tags).toEqual({ name: 'x' });
    expect(ts.series[0]!.p!.p50![0]).toBeGreaterThan(495);
    expect(ts.series[0]!.p!.p50![0]).toBeLessThan(506);
  });

  it('counts late samples into their own second', () => {
    const b = new TimeseriesBucketer({ lateSeconds: 2 });
    const t0 = Date.UTC(2026, 0, 1);
    for (let s = 0; s < 10; s++) b.add('http_reqs', 'counter', 'default', 1, {}, t0 + s * 1000);
    b.add('http_reqs', 'counter', 'default', 1, {}, t0 + 1500);
    const s = b.toJSON().series[0]!;
    expect(s.count[1]).toBe(2);
    expect(s.totals.count).toBe(11);
  });
});
