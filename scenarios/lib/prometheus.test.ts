/**
 * The Prometheus text parser on a recorded exposition: fixtures/la-factoria-metrics.txt is the
 * included API's real /metrics (prom-client) after a handful of requests, one generation among them.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { bucketsSince, histogramBuckets, histogramQuantile, parsePrometheusText, ratePerSecond, sumMatching } from './prometheus.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const recorded = fs.readFileSync(path.join(here, 'fixtures', 'la-factoria-metrics.txt'), 'utf8');

describe('parsePrometheusText on the included API\'s /metrics', () => {
  const samples = parsePrometheusText(recorded);

  it('reads every sample line and skips the HELP/TYPE comments and blank lines', () => {
    // 154 lines of the file are samples; the other 101 are comments and blanks.
    expect(samples).toHaveLength(154);
    expect(samples.some((s) => s.name.startsWith('#') || s.name === '')).toBe(false);
  });

  it('reads a gauge without labels with its exact value', () => {
    expect(samples.find((s) => s.name === 'process_resident_memory_bytes')).toEqual({ name: 'process_resident_memory_bytes', labels: {}, value: 148779008 });
    expect(sumMatching(samples, 'process_cpu_seconds_total')).toBe(0.24865);
  });

  it('reads labels, and sums the series that match the labels asked for', () => {
    expect(samples.find((s) => s.name === 'nodejs_version_info')?.labels).toEqual({ version: 'v20.20.2', major: '20', minor: '20', patch: '2' });
    expect(sumMatching(samples, 'nodejs_active_handles')).toBe(7);
    expect(sumMatching(samples, 'nodejs_active_handles', { type: 'Socket' })).toBe(5);
    expect(sumMatching(samples, 'nodejs_active_handles', { type: 'Pipe' })).toBeUndefined();
    expect(sumMatching(samples, 'no_such_metric')).toBeUndefined();
  });

  it('collects a histogram\'s buckets per le, summed over the matching series', () => {
    expect(histogramBuckets(samples, 'content_generation_duration_seconds', { content_type: 'faq' })).toEqual({
      bounds: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, Infinity],
      counts: [0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1],
    });
    // Five GET/POST routes, one request each.
    const all = histogramBuckets(samples, 'http_request_duration_seconds')!;
    expect(all.bounds).toEqual([0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, Infinity]);
    expect(all.counts).toEqual([0, 4, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5]);
    expect(histogramBuckets(samples, 'http_request_duration_seconds', { route: '/api/v1/content/generate' })!.counts.slice(0, 3)).toEqual([0, 0, 1]);
    expect(histogramBuckets(samples, 'process_resident_memory_bytes')).toBeUndefined();
  });
});

describe('parsePrometheusText on the edges of the format', () => {
  it('unescapes label values, reads special values and timestamps, and skips what is not a sample', () => {
    const text = [
      '# HELP x a "quoted" help',
      'a{path="/x\\"y",note="line\\nbreak",back="c:\\\\d"} 1.5 1712345678000',
      'b +Inf',
      'c -Inf',
      'd 1e3',
      'broken{label="unterminated} 1',
      'novalue',
      '   ',
      'e{} 2',
    ].join('\n');
    expect(parsePrometheusText(text)).toEqual([
      { name: 'a', labels: { path: '/x"y', note: 'line\nbreak', back: 'c:\\d' }, value: 1.5 },
      { name: 'b', labels: {}, value: Infinity },
      { name: 'c', labels: {}, value: -Infinity },
      { name: 'd', labels: {}, value: 1000 },
      { name: 'e', labels: {}, value: 2 },
    ]);
  });
});

describe('histogram quantiles, as Prometheus estimates them', () => {
  const b = { bounds: [0.1, 0.5, 1, Infinity], counts: [10, 60, 100, 100] };

  it('interpolates linearly inside the bucket the rank falls in', () => {
    // rank 50 of 100 falls in (0.1, 0.5] holding ranks 10..60: 0.1 + 0.4 × 40/50.
    expect(histogramQuantile(0.5, b)).toBeCloseTo(0.42, 10);
    // rank 95 falls in (0.5, 1] holding 60..100: 0.5 + 0.5 × 35/40.
    expect(histogramQuantile(0.95, b)).toBeCloseTo(0.9375, 10);
    // rank 5 in the first bucket interpolates from 0.
    expect(histogramQuantile(0.05, b)).toBeCloseTo(0.05, 10);
  });

  it('answers the highest finite bound for a rank in +Inf, and nothing without observations', () => {
    expect(histogramQuantile(0.99, { bounds: [0.1, 1, Infinity], counts: [0, 50, 100] })).toBe(1);
    expect(histogramQuantile(0.95, { bounds: [0.1, Infinity], counts: [0, 0] })).toBeUndefined();
  });

  it('judges what was observed since the first scrape, and all of it after a counter reset', () => {
    const first = { bounds: [0.5, 5, Infinity], counts: [100, 100, 100] };
    const now = { bounds: [0.5, 5, Infinity], counts: [100, 120, 120] };
    // 20 new observations, all between 0.5 s and 5 s: the old fast ones do not hide them.
    expect(bucketsSince(now, first)).toEqual({ bounds: [0.5, 5, Infinity], counts: [0, 20, 20] });
    expect(histogramQuantile(0.95, bucketsSince(now, first))).toBeCloseTo(0.5 + 4.5 * 0.95, 10);
    const restarted = { bounds: [0.5, 5, Infinity], counts: [3, 3, 3] };
    expect(bucketsSince(restarted, first)).toEqual(restarted);
  });

  it('turns two readings of a counter into a per-second rate', () => {
    expect(ratePerSecond({ value: 10, atMs: 1000 }, { value: 13, atMs: 3000 })).toBe(1.5);
    expect(ratePerSecond({ value: 10, atMs: 1000 }, { value: 2, atMs: 3000 })).toBeUndefined();
    expect(ratePerSecond({ value: 10, atMs: 1000 }, { value: 12, atMs: 1000 })).toBeUndefined();
  });
});
