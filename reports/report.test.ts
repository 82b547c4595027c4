/**
 * Renders the recorded fixtures and reads the numbers back out of the outputs by parsing
 * them (HTML and JUnit through Chromium's DOM, Markdown by its table rows), comparing with
 * summary.json / timeseries.json computed directly.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import type { Browser, Page } from '@playwright/test';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../harness/browser.ts';
import type { GateRecord, K6SummaryData, SmokeResult, Timeseries } from '../harness/result-types.ts';
import { generateReport, type ReportResult } from './index.ts';

const fx = (name: string) => path.join(import.meta.dirname, 'fixtures', name);
const readJson = <T>(dir: string, file: string): T => JSON.parse(fs.readFileSync(path.join(fx(dir), file), 'utf8')) as T;
const SECRETS = ['hunter2-db-pass', 'fixture-api-key-42', 'fixture-bearer-token.abc', 'fixture-query-token-77'];

let browser: Browser;
let page: Page;
let tmp: string;
beforeAll(async () => {
  browser = await launchChromium();
  page = await browser.newPage({ javaScriptEnabled: false });
  // Parsing only: nothing may load, and nothing does (the page has no external references).
  await page.route('**/*', (r) => r.abort());
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'shipcheck-report-'));
});
afterAll(async () => {
  await browser?.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

async function render(dir: string, opts: Parameters<typeof generateReport>[1] = {}): Promise<ReportResult> {
  return generateReport(fx(dir), { out: path.join(tmp, `${path.basename(dir)}-${Math.random().toString(36).slice(2)}`), ...opts });
}

/** The report parsed by Chromium; tables come back as arrays of {text, value} per cell. */
async function parse(html: string) {
  await page.setContent(html);
  return {
    status: await page.getAttribute('#verdict', 'data-status'),
    exitCode: Number(await page.textContent('#exit-code')),
    reasons: await page.$$eval('#verdict-reasons li', (els) => els.map((e) => e.textContent ?? '')),
    panels: await page.$$eval('main > section', (els) => els.map((e) => ({ id: e.id, what: e.querySelector('p.what')?.textContent ?? '' }))),
    table: (id: string) => page.$$eval(`#${id} tbody tr`, (trs) => trs.map((tr) => [...tr.children].map((td) => ({ text: td.textContent ?? '', value: td.getAttribute('data-value') })))),
    figure: async (key: string) => Number(await page.getAttribute(`[data-figure="${key}"]`, 'data-value')),
    data: await page.textContent('#shipcheck-data'),
  };
}

function parseJunit(xml: string) {
  return page.evaluate((src) => {
    const doc = new DOMParser().parseFromString(src, 'application/xml');
    if (doc.querySelector('parsererror')) throw new Error('junit.xml is not well-formed');
    const root = doc.documentElement;
    return {
      tests: Number(root.getAttribute('tests')),
      failures: Number(root.getAttribute('failures')),
      suites: [...doc.querySelectorAll('testsuite')].map((s) => ({
        name: s.getAttribute('name'),
        cases: [...s.querySelectorAll('testcase')].map((c) => ({ classname: c.getAttribute('classname'), name: c.getAttribute('name'), failure: c.querySelector('failure')?.getAttribute('message') ?? null })),
      })),
    };
  }, xml);
}

/** Markdown table rows under a "### heading", as arrays of cells. */
function mdTable(md: string, heading: string): string[][] {
  const lines = md.split('\n');
  const start = lines.indexOf(`### ${heading}`);
  expect(start, `heading ${heading}`).toBeGreaterThanOrEqual(0);
  const rows: string[][] = [];
  for (const line of lines.slice(start + 1)) {
    if (line.startsWith('### ')) break;
    if (!line.startsWith('|') || /^\|\s*-/.test(line)) continue;
    rows.push(line.slice(1, -1).split(/(?<!\\)\|/).map((x) => x.trim()));
  }
  return rows.slice(1);
}

const PANEL_ORDER = ['verdict', 'facts', 'thresholds', 'figures', 'charts', 'distribution', 'endpoints', 'timing', 'checks'];

describe('report from a passing run', () => {
  const summary = readJson<K6SummaryData>('pass', 'summary.json');
  const ts = readJson<Timeseries>('pass', 'timeseries.json');

  it('shows the verdict first, then every panel in order, each with a sentence on what it shows', async () => {
    const r = await render('pass');
    const d = await parse(r.html);
    expect(d.status).toBe('pass');
    expect(d.exitCode).toBe(0);
    expect(r.verdict).toMatchObject({ status: 'pass', exitCode: 0, reasons: [] });
    expect(d.panels.map((p) => p.id)).toEqual(PANEL_ORDER);
    for (const p of d.panels) expect(p.what.length, p.id).toBeGreaterThan(30);
  });

  it('puts each threshold\'s observed value, limit and margin in the table, as summary.json has them', async () => {
    const d = await parse((await render('pass')).html);
    const rows = await d.table('thresholds-table');
    const expected = Object.entries(summary.metrics).flatMap(([m, x]) => Object.keys(x.thresholds ?? {}).map((e) => ({ m, e })));
    expect(rows).toHaveLength(expected.length);
    for (const row of rows) {
      const [metric, expr, observed, limit, marginCell, result] = row;
      const agg = /^(p\(\d+\)|rate|avg|med|max|min|count)/.exec(expr!.text)![1]!;
      const want = summary.metrics[metric!.value!]!.values[agg]!;
      expect(Number(observed!.value)).toBeCloseTo(want, 9);
      const lim = Number(/[\d.]+$/.exec(expr!.text)![0]);
      expect(Number(limit!.value)).toBe(lim);
      const headroom = expr!.text.includes('<') ? lim - want : want - lim;
      expect(Number(marginCell!.value)).toBeCloseTo(headroom, 9);
      expect(result!.value).toBe('pass');
    }
  });

  it('shows key figures and per-endpoint numbers equal to a direct computation', async () => {
    const d = await parse((await render('pass')).html);
    expect(await d.figure('requests')).toBe(summary.metrics.http_reqs!.values.count);
    expect(await d.figure('p95')).toBeCloseTo(summary.metrics.http_req_duration!.values['p(95)']!, 9);
    expect(await d.figure('p99')).toBeCloseTo(summary.metrics.http_req_duration!.values['p(99)']!, 9);
    expect(await d.figure('errorPct')).toBe(0);
    const endpoints = await d.table('endpoints-table');
    const direct = new Map<string, number>();
    const shown = (name: string) => name.replace('fixture-query-token-77', '***');
    for (const s of ts.series.filter((x) => x.metric === 'http_reqs')) direct.set(shown(s.tags.name!), (direct.get(shown(s.tags.name!)) ?? 0) + s.totals.sum);
    expect(endpoints.map((r) => r[0]!.text).sort()).toEqual([...direct.keys()].sort());
    for (const row of endpoints) {
      expect(Number(row[1]!.value)).toBe(direct.get(row[0]!.text));
      const agg = ts.aggregates!.find((a) => a.metric === 'http_req_duration' && shown(a.tags.name ?? '') === row[0]!.text)!;
      expect(Number(row[5]!.value)).toBeCloseTo(agg.totals.p!.p95!, 9);
      expect(Number(row[7]!.value)).toBe(agg.totals.max);
    }
    expect(endpoints.reduce((a, r) => a + Number(r[1]!.value), 0)).toBe(summary.metrics.http_reqs!.values.count);
    // Timing breakdown: averages from the summary.
    const timing = await d.table('timing-table');
    const waiting = timing.find((r) => r[0]!.text.startsWith('Waiting'))!;
    expect(Number(waiting[1]!.value)).toBeCloseTo(summary.metrics.http_req_waiting!.values.avg!, 9);
  });

  it('embeds the chart data compressed, one point per second of the run', async () => {
    const d = await parse((await render('pass')).html);
    const chart = JSON.parse(zlib.gunzipSync(Buffer.from(d.data!.trim(), 'base64')).toString('utf8'));
    expect(chart.t).toHaveLength(30);
    const rpsTotal = chart.rps.reduce((a: number, b: number) => a + b, 0);
    expect(rpsTotal).toBe(summary.metrics.http_reqs!.values.count);
    expect(chart.scenarios.map((s: { name: string }) => s.name)).toEqual(['browse', 'generate']);
  });

  it('writes JUnit with one passing testcase per threshold and check, and a Markdown summary', async () => {
    const r = await render('pass');
    const j = await parseJunit(r.junit);
    const nThresholds = Object.values(summary.metrics).reduce((a, m) => a + Object.keys(m.thresholds ?? {}).length, 0);
    expect(j.suites.find((s) => s.name === 'thresholds')!.cases).toHaveLength(nThresholds);
    expect(j.suites.find((s) => s.name === 'checks')!.cases.map((c) => c.name)).toEqual(['status is 2xx']);
    expect(j.failures).toBe(0);
    expect(r.markdown.split('\n')[0]).toMatch(/^## ✅ PASS/);
    const figs = Object.fromEntries(mdTable(r.markdown, 'Key figures').map(([k, v]) => [k, v]));
    expect(figs.Requests).toBe(summary.metrics.http_reqs!.values.count!.toLocaleString('en-US'));
    expect(mdTable(r.markdown, 'Thresholds')).toHaveLength(nThresholds);
  });

  it('lets no secret from meta.json, the command line or a URL tag into any output', async () => {
    const r = await render('pass');
    const raw = ['meta.json', 'timeseries.json'].map((f) => fs.readFileSync(path.join(fx('pass'), f), 'utf8')).join('');
    for (const s of SECRETS) expect(raw).toContain(s);
    const chartJson = zlib.gunzipSync(Buffer.from((await parse(r.html)).data!.trim(), 'base64')).toString('utf8');
    for (const out of [r.html, r.junit, r.markdown, chartJson]) for (const s of SECRETS) expect(out).not.toContain(s);
    expect(r.html).toContain('api_key=***');
    expect(r.html).toContain('access_token=***');
  });
});

describe('report from a failing run with smoke and a drill', () => {
  const summary = readJson<K6SummaryData>('fail', 'summary.json');
  const ts = readJson<Timeseries>('fail', 'timeseries.json');
  const smoke = readJson<SmokeResult>('fail', 'smoke.json');

  it('fails the verdict and says why: thresholds with observed and limit, smoke, accessibility, drill objective', async () => {
    const r = await render('fail');
    const d = await parse(r.html);
    expect(d.status).toBe('fail');
    expect(d.exitCode).toBe(1);
    expect(d.reasons).toContain(`request latency: p(95) was ${Math.round(summary.metrics.http_req_duration!.values['p(95)']!)} ms, limit < 500 ms (threshold "p(95)<500" on http_req_duration)`);
    const failedTest = smoke.tests.find((t) => t.status === 'failed')!;
    expect(d.reasons.some((r) => r.startsWith(`smoke: ${failedTest.title} — ${failedTest.error!.split('\n')[0]!.replace(/^Error: /, '').trim()}`))).toBe(true);
    expect(d.reasons.some((x) => x.startsWith('accessibility:') && x.includes('monitor'))).toBe(true);
    expect(d.reasons.some((x) => x.startsWith('drill pitr-restore: fail') && x.includes('RPO (412 s'))).toBe(true);
    expect(d.panels.map((p) => p.id)).toEqual([...PANEL_ORDER, 'smoke', 'drills']);
    const rows = await d.table('thresholds-table');
    const failing = Object.entries(summary.metrics).flatMap(([, m]) => Object.values(m.thresholds ?? {})).filter((t) => !t.ok).length;
    expect(failing).toBeGreaterThan(1);
    // Failures come first.
    expect(rows.map((x) => x[5]!.value)).toEqual([...Array(failing).fill('fail'), ...Array(rows.length - failing).fill('pass')]);
    for (const row of rows.slice(0, failing)) expect(Number(row[4]!.value)).toBeLessThan(0);
  });

  it('groups failed requests by status and error code, counted as in the time series', async () => {
    const d = await parse((await render('fail')).html);
    const errors = await d.table('errors-table');
    const direct = ts.series.filter((s) => s.metric === 'http_reqs' && s.tags.status === '500').reduce((a, s) => a + s.totals.sum, 0);
    expect(direct).toBeGreaterThan(0);
    expect(errors).toHaveLength(1);
    expect(errors[0]!.slice(0, 3).map((x) => x.text)).toEqual(['500', '1500', String(direct)]);
    expect(errors[0]![3]!.text).toContain('POST /api/v1/content/generate');
    expect(await d.figure('droppedIterations')).toBe(summary.metrics.dropped_iterations!.values.count);
    const checks = await d.table('checks-table');
    expect(Number(checks[0]![3]!.value)).toBe(summary.root_group.checks[0]!.fails);
    expect(checks[0]![5]!.value).toBe('fail');
  });

  it('shows smoke tests, axe scans and drill objectives', async () => {
    const d = await parse((await render('fail')).html);
    const smoke = await d.table('smoke-table');
    expect(smoke.map((x) => x[4]!.value)).toEqual(['passed', 'failed', 'passed', 'passed', 'skipped']);
    const a11y = await d.table('a11y-table');
    expect(a11y.map((x) => x[6]!.value)).toEqual(['pass', 'fail']);
    const objectives = await d.table('drill-0-objectives');
    expect(objectives.map((x) => [x[0]!.text, x[2]!.text, x[3]!.value])).toEqual([['RTO', '81 s', 'pass'], ['RPO', '412 s', 'fail']]);
  });

  it('writes JUnit failures carrying observed value and limit, for thresholds, checks, smoke, axe and drill objectives', async () => {
    const r = await render('fail');
    const j = await parseJunit(r.junit);
    const failures = j.suites.flatMap((s) => s.cases.filter((c) => c.failure).map((c) => `${s.name}: ${c.failure}`));
    expect(failures).toContain(`thresholds: http_req_duration p(95)<500: observed ${Math.round(summary.metrics.http_req_duration!.values['p(95)']!)} ms, limit < 500 ms (request latency)`);
    expect(failures.some((f) => /^checks: status is 2xx: observed [\d.]+ % passed \(\d+ of \d+\), limit 95\.0 %$/.test(f))).toBe(true);
    expect(failures).toContain('smoke: generate form submits: observed failed, limit passed');
    expect(failures).toContain('accessibility: monitor: observed 1 serious violations, limit 0 critical/serious');
    expect(failures).toContain('drill pitr-restore: RPO: observed 412 s, limit RPO ≤ 300 s');
    expect(j.suites.find((s) => s.name === 'drill pitr-restore')!.cases.map((c) => c.name)).toEqual(['RTO', 'RPO']);
    expect(j.suites.find((s) => s.name === 'smoke')!.cases).toHaveLength(5);
    expect(j.failures).toBe(failures.length);
    const md = r.markdown;
    expect(md.split('\n')[0]).toMatch(/^## ❌ FAIL/);
    const th = mdTable(md, 'Thresholds');
    expect(th.filter((row) => row[5] === '❌ fail')).toHaveLength(Object.values(summary.metrics).flatMap((m) => Object.values(m.thresholds ?? {})).filter((t) => !t.ok).length);
  });
});

describe('report against a baseline', () => {
  it('flags a p95 regression beyond the default 10 % and fails the verdict; a wider tolerance passes', async () => {
    const cur = readJson<K6SummaryData>('pass', 'summary.json').metrics.http_req_duration!.values['p(95)']!;
    const base = readJson<K6SummaryData>('baseline', 'summary.json').metrics.http_req_duration!.values['p(95)']!;
    expect(cur / base).toBeGreaterThan(1.1);
    const r = await render('pass', { baseline: fx('baseline') });
    const d = await parse(r.html);
    expect(d.status).toBe('fail');
    expect(d.exitCode).toBe(1);
    expect(d.panels.map((p) => p.id)).toEqual([...PANEL_ORDER, 'baseline']);
    const rows = await d.table('baseline-table');
    const p95 = rows.find((x) => x[0]!.text === 'Latency p95')!;
    expect(Number(p95[1]!.value)).toBeCloseTo(cur, 9);
    expect(Number(p95[2]!.value)).toBeCloseTo(base, 9);
    expect(Number(p95[3]!.value)).toBeCloseTo(cur - base, 9);
    expect(Number(p95[4]!.value)).toBeCloseTo(((cur - base) / base) * 100, 9);
    expect(p95[5]!.value).toBe('fail');
    expect(rows.find((x) => x[0]!.text === 'Error rate')![5]!.value).toBe('pass');
    expect(d.reasons.filter((x) => x.startsWith('regression against the baseline'))).toHaveLength(1);
    const j = await parseJunit(r.junit);
    expect(j.suites.find((s) => s.name === 'baseline')!.cases.filter((c) => c.failure).map((c) => c.name)).toEqual(['Latency p95']);

    const wide = await render('pass', { baseline: fx('baseline'), tolerance: { p95Pct: 1000 } });
    expect(wide.verdict.status).toBe('pass');
    expect((await parse(wide.html)).status).toBe('pass');
  });
});

describe('report from a run too short to chart', () => {
  it('shows a note instead of empty charts, and still every number', async () => {
    const r = await render('short');
    const d = await parse(r.html);
    expect(d.status).toBe('pass');
    expect(await page.$$('.plot')).toHaveLength(0);
    expect(await page.textContent('#charts-note')).toMatch(/lasted 2\.0 s, too short to chart/);
    expect(d.data?.trim()).toBe('');
    expect(await d.figure('requests')).toBe(readJson<K6SummaryData>('short', 'summary.json').metrics.http_reqs!.values.count);
  });
});

describe('report from a real k6 --out json recording', () => {
  it('folds the NDJSON, evaluates its thresholds, and leaves a result folder beside the report', async () => {
    const out = path.join(tmp, 'ndjson');
    const r = await generateReport(path.join(import.meta.dirname, '..', 'harness', 'timeseries', 'fixtures', 'k6-out-json.ndjson.gz'), { out });
    for (const f of ['summary.json', 'timeseries.json', 'meta.json', 'report.html', 'junit.xml', 'summary.md']) expect(fs.existsSync(path.join(out, f)), f).toBe(true);
    const d = await parse(r.html);
    const rows = await d.table('thresholds-table');
    expect(rows.map((x) => x[1]!.text).sort()).toEqual(['p(95)<400', 'p(99)<900', 'rate<0.05', 'rate>0.9']);
    const folded = JSON.parse(fs.readFileSync(path.join(out, 'summary.json'), 'utf8')) as K6SummaryData;
    expect(await d.figure('requests')).toBe(folded.metrics.http_reqs!.values.count);
    expect(r.html).not.toContain('fixture-secret-token-123');
  });

  it('says what is wrong with a folder that holds no results', async () => {
    const empty = fs.mkdtempSync(path.join(tmp, 'empty-'));
    await expect(generateReport(empty)).rejects.toThrow(/holds none of summary\.json, timeseries\.json/);
    fs.writeFileSync(path.join(empty, 'summary.json'), '{"metrics": ');
    await expect(generateReport(empty)).rejects.toThrow(/summary\.json is not valid JSON/);
  });
});

describe('report from folders the gate and the drill command write', () => {
  it('judges each gate stage from its own results and answers the gate\'s exit code', async () => {
    const dir = fs.mkdtempSync(path.join(tmp, 'gate-'));
    for (const f of ['summary.json', 'timeseries.json', 'meta.json', 'smoke.json']) fs.copyFileSync(path.join(fx('fail'), f), path.join(dir, f));
    const record: GateRecord = { target: 'fixture', stages: [{ name: 'smoke', outcome: 'ran', exitCode: 1 }, { name: 'load', outcome: 'ran', exitCode: 99 }, { name: 'script lifecycle', outcome: 'skipped', detail: '--no-load' }] };
    fs.writeFileSync(path.join(dir, 'gate.json'), JSON.stringify(record));
    const r = await generateReport(dir);
    const d = await parse(r.html);
    expect(d.status).toBe('fail');
    expect(d.exitCode).toBe(1);
    expect((await d.table('gate-stages')).map((x) => [x[0]!.text, x[1]!.value])).toEqual([['smoke', 'fail'], ['load', 'fail'], ['script lifecycle', 'skipped']]);
    expect(r.verdict.stages.map((s) => s.status)).toEqual(['fail', 'fail', 'skipped']);
    expect(fs.existsSync(path.join(dir, 'report.html'))).toBe(true);
  });

  it('makes a stage that could not run a harness error (exit 2) and an interrupted one exit 105', async () => {
    const dir = fs.mkdtempSync(path.join(tmp, 'gate-error-'));
    fs.writeFileSync(path.join(dir, 'gate.json'), JSON.stringify({ target: 'fixture', stages: [{ name: 'smoke', outcome: 'error', detail: 'No browser found' }] } satisfies GateRecord));
    const r = await generateReport(dir);
    expect(r.verdict).toMatchObject({ status: 'error', exitCode: 2, reasons: ['fixture: smoke could not run: No browser found'] });
    fs.writeFileSync(path.join(dir, 'gate.json'), JSON.stringify({ target: 'fixture', stages: [{ name: 'smoke', outcome: 'interrupted' }] } satisfies GateRecord));
    const again = await generateReport(dir);
    expect(again.verdict.status).toBe('interrupted');
    expect(again.verdict.exitCode).toBe(105);
    expect((await parse(again.html)).status).toBe('interrupted');
  });

  it('reports a folder holding only drill journals', async () => {
    const dir = fs.mkdtempSync(path.join(tmp, 'drill-'));
    fs.mkdirSync(path.join(dir, 'drills'));
    fs.copyFileSync(path.join(fx('fail'), 'drills', 'pitr-restore.json'), path.join(dir, 'drills', 'pitr-restore.json'));
    const r = await generateReport(dir);
    const d = await parse(r.html);
    expect(d.status).toBe('fail');
    expect(d.panels.map((p) => p.id)).toEqual([...PANEL_ORDER, 'drills']);
    expect(await page.textContent('#charts-note')).toMatch(/no load results/);
    const j = await parseJunit(r.junit);
    expect(j.suites.map((s) => s.name)).toEqual(['drill pitr-restore']);
    expect(r.markdown).toContain('**Drill pitr-restore:** fail');
  });
});
