import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MetricsRegistry } from '../metrics/registry.ts';
import { defineBuiltinMetrics } from '../metrics/builtin.ts';
import { GroupTree } from '../metrics/group-tree.ts';
import { buildHandleSummaryData } from './handle-summary-data.ts';
import { renderLegacySummaryExport, toLegacySummaryExport } from './legacy-export.ts';
import { humanizeBytes, humanizeDuration, humanizeRate, renderTextSummary } from './text-summary.ts';
import type { K6SummaryData } from '../../harness/result-types.ts';

const fixture = (name: string) => JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8'));
/** Written by hand from k6's documented handleSummary format (see fixtures/). */
const K6_SUMMARY: K6SummaryData = fixture('k6-summary.json');

/** Deep equality where numbers may differ in the last float bits (HDR and interpolation arithmetic). */
function expectClose(actual: unknown, expected: unknown, path = '$'): void {
  if (typeof expected === 'number') {
    expect(typeof actual, path).toBe('number');
    expect(actual as number, path).toBeCloseTo(expected, 9);
    return;
  }
  if (expected === null || typeof expected !== 'object') {
    expect(actual, path).toEqual(expected);
    return;
  }
  expect(actual !== null && typeof actual === 'object', path).toBe(true);
  expect(Array.isArray(actual), path).toBe(Array.isArray(expected));
  // same keys in the same order: summary.json is compared as text by some users' tooling
  expect(Object.keys(actual as object), path).toEqual(Object.keys(expected));
  for (const k of Object.keys(expected)) expectClose((actual as Record<string, unknown>)[k], (expected as Record<string, unknown>)[k], `${path}.${k}`);
}

/** Replays the run the fixture describes through the real registry and group tree. */
function replayFixtureRun(): K6SummaryData {
  const registry = new MetricsRegistry({
    thresholds: { http_req_duration: ['p(95)<200'], http_req_failed: ['rate<0.01'], iterations: ['count>=2'] },
  });
  const m = defineBuiltinMetrics(registry);
  const groups = new GroupTree();
  const t0 = Date.UTC(2026, 10, 22);
  const requests: Array<[number, boolean]> = [[1, true], [2, true], [3, true], [4, false]];
  for (const [ms, expected] of requests) {
    const tags = { name: 'GET /content', expected_response: String(expected), scenario: 'default', group: '' };
    registry.add(m.http_req_duration, ms, tags, t0);
    registry.add(m.http_reqs, 1, tags, t0);
    registry.add(m.http_req_failed, expected ? 0 : 1, tags, t0);
  }
  for (const ok of [true, true, false, true]) {
    registry.add(m.checks, ok ? 1 : 0, { check: 'status is 200' }, t0);
    groups.check('', 'status is 200', ok);
  }
  groups.group('::browse');
  for (let i = 0; i < 2; i++) {
    registry.add(m.checks, 1, { check: 'has items', group: '::browse' }, t0);
    groups.check('::browse', 'has items', true);
  }
  groups.group('::browse::detail');
  registry.add(m.data_received, 1024, {}, t0);
  registry.add(m.data_received, 1024, {}, t0);
  registry.add(m.iterations, 1, {}, t0);
  registry.add(m.iterations, 1, {}, t0 + 1);
  registry.add(m.vus, 2, {}, t0);
  registry.add(m.vus, 1, {}, t0 + 1);
  registry.evaluate(2000);
  return buildHandleSummaryData({ registry, groups, testRunDurationMs: 2000, setupData: { token: 'abc' } });
}

describe('handleSummary data', () => {
  it('equals the fixture written from k6\'s documented format', () => {
    expectClose(replayFixtureRun(), K6_SUMMARY);
  });

  it('leaves setup_data out when setup() returned nothing, and passes the options and state through', () => {
    const registry = new MetricsRegistry();
    const data = buildHandleSummaryData({
      registry, groups: new GroupTree(), testRunDurationMs: 1234.5,
      summaryTrendStats: ['p(99.9)', 'count'], summaryTimeUnit: 'ms', noColor: true, isStdOutTTY: true, isStdErrTTY: false,
    });
    expect(data).toEqual({
      root_group: { name: '', path: '', id: 'd41d8cd98f00b204e9800998ecf8427e', groups: [], checks: [] },
      options: { summaryTrendStats: ['p(99.9)', 'count'], summaryTimeUnit: 'ms', noColor: true },
      state: { isStdOutTTY: true, isStdErrTTY: false, testRunDurationMs: 1234.5 },
      metrics: {},
    });
    expect('setup_data' in data).toBe(false);
  });
});

describe('--summary-export (legacy shape)', () => {
  it('matches the legacy fixture: no options/state, flat values, thresholds as crossed?, rate→value, groups and checks by name', () => {
    expect(toLegacySummaryExport(K6_SUMMARY)).toEqual(fixture('k6-summary-export.json'));
  });
  it('is written with 4-space indentation, as k6 writes it', () => {
    const text = renderLegacySummaryExport(K6_SUMMARY);
    expect(text.split('\n')[1]).toBe('    "root_group": {');
    expect(JSON.parse(text).metrics.http_req_failed).toEqual({ passes: 1, fails: 3, thresholds: { 'rate<0.01': true }, value: 0.25 });
  });
});

describe('text summary', () => {
  it('reads like k6\'s: thresholds with ✓/✗, checks, dotted metric lines by category', () => {
    const text = renderTextSummary(K6_SUMMARY);
    const lines = text.split('\n');
    expect(text).not.toContain('\x1b[');
    expect(lines).toContain('  █ THRESHOLDS');
    expect(lines).toContain('  █ TOTAL RESULTS');
    expect(lines).toContain('    http_req_duration');
    expect(lines).toContain("    ✓ 'p(95)<200' p(95)=3.85ms");
    expect(lines).toContain("    ✗ 'rate<0.01' rate=25.00%");
    expect(lines).toContain("    ✓ 'count>=2' count=2");
    expect(lines).toContain('    ✓ has items');
    expect(lines).toContain('    ✗ status is 200');
    expect(lines).toContain('      ↳  75% — ✓ 3 / ✗ 1');
    const line = (prefix: string) => lines.find((l) => l.startsWith(prefix)) ?? '';
    expect(line('    checks_total.')).toMatch(/^ {4}checks_total\.+: 6 +3\/s$/);
    expect(line('    checks_succeeded.')).toMatch(/: 83\.33% 5 out of 6$/);
    expect(line('    checks_failed.')).toMatch(/: 16\.66% +1 out of 6$/);
    expect(line('    http_req_duration.')).toMatch(/: avg=2\.5ms +min=1ms +med=2\.5ms +max=4ms +p\(90\)=3\.7ms +p\(95\)=3\.85ms$/);
    expect(line('      { expected_response:true }.')).toMatch(/: avg=2ms +min=1ms +med=2ms +max=3ms +p\(90\)=2\.8ms +p\(95\)=2\.9ms$/);
    expect(line('    http_reqs.')).toMatch(/: 4 +2\/s$/);
    expect(line('    http_req_failed.')).toMatch(/: 25\.00% +1 out of 4$/);
    expect(line('    vus.')).toMatch(/: 1 +min=1 +max=2$/);
    expect(line('    data_received.')).toMatch(/: 2\.0 kB +1\.0 kB\/s$/);
    // every metric line puts its colon in the same column
    const colons = lines.filter((l) => /\.\.+:/.test(l)).map((l) => l.indexOf(':', l.search(/\.\.+:/)));
    expect(new Set(colons).size).toBe(1);
    // categories in k6's order; the checks metric and group_duration are not repeated there
    const order = ['    HTTP', '    EXECUTION', '    NETWORK'].map((h) => lines.indexOf(h));
    expect(order.every((i, k) => i > 0 && (k === 0 || i > order[k - 1]))).toBe(true);
    expect(lines.some((l) => l.startsWith('    checks.'))).toBe(false);
  });

  it('colors only when asked, and with noColor never', () => {
    expect(renderTextSummary(K6_SUMMARY, { enableColors: true })).toContain('\x1b[32m✓');
    const tty = { ...K6_SUMMARY, state: { ...K6_SUMMARY.state, isStdOutTTY: true } };
    expect(renderTextSummary(tty)).toContain('\x1b[');
    expect(renderTextSummary({ ...tty, options: { ...tty.options, noColor: true } })).not.toContain('\x1b[');
  });

  it('shows a threshold percentile that summaryTrendStats leaves out, from the evaluation', () => {
    const registry = new MetricsRegistry({ thresholds: { http_req_duration: ['p(99.9) < 500'] } });
    const m = defineBuiltinMetrics(registry);
    for (let i = 1; i <= 1000; i++) registry.add(m.http_req_duration, i, {}, 0);
    const { outcomes } = registry.evaluate(1000);
    const data = buildHandleSummaryData({ registry, groups: new GroupTree(), testRunDurationMs: 1000, noColor: true });
    const shown = /✗ 'p\(99\.9\) < 500' p\(99\.9\)=([\d.]+)ms/.exec(renderTextSummary(data, { outcomes }));
    expect(shown).not.toBeNull();
    // exact p(99.9) of 1..1000 is 999.001; HDR keeps 3 significant digits
    expect(Math.abs(Number(shown![1]) - 999.001) / 999.001).toBeLessThan(0.001);
  });

  it('formats values with k6\'s units', () => {
    expect(humanizeDuration(0)).toBe('0s');
    expect(humanizeDuration(0.0005)).toBe('500ns');
    expect(humanizeDuration(0.165)).toBe('165µs');
    expect(humanizeDuration(140.366)).toBe('140.36ms');
    expect(humanizeDuration(12_913)).toBe('12.91s');
    expect(humanizeDuration(90_000)).toBe('1m30s');
    expect(humanizeDuration(3_723_000)).toBe('1h2m3s');
    expect(humanizeDuration(1500, 's')).toBe('1.50s');
    expect(humanizeBytes(5)).toBe('5 B');
    expect(humanizeBytes(519_000)).toBe('519 kB');
    expect(humanizeBytes(1_300_000)).toBe('1.3 MB');
    expect(humanizeRate(0.99999)).toBe('99.99%');
  });
});
