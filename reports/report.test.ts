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
import type { DrillJournal, GateRecord, K6SummaryData, SmokeResult, Timeseries } from '../harness/result-types.ts';
import type { ChartPayload } from './charts.ts';
import { fmtMs } from './format.ts';
import { generateHistory } from './history.ts';
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
    expect(await page.textContent('#verdict p:not(.what)')).toBe('5 of 5 thresholds held. Exit code 0.');
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
    const chart = JSON.parse(zlib.gunzipSync(Buffer.from(d.data!.trim(), 'base64')).toString('utf8')) as ChartPayload;
    expect(chart.t).toHaveLength(30);
    const rps = chart.charts.find((c) => c.id === 'chart-rps')!.series[0]!.values as number[];
    expect(rps.reduce((a, b) => a + b, 0)).toBe(summary.metrics.http_reqs!.values.count);
    expect(chart.scenarios.map((s: { name: string }) => s.name)).toEqual(['browse', 'generate']);
  });

  it('writes JUnit with one passing testcase per threshold and check, and a Markdown summary', async () => {
    const r = await render('pass');
    const j = await parseJunit(r.junit);
    const nThresholds = Object.values(summary.metrics).reduce((a, m) => a + Object.keys(m.thresholds ?? {}).length, 0);
    const load = j.suites.find((s) => s.name === 'load')!.cases;
    expect(load.filter((c) => c.classname!.startsWith('thresholds.'))).toHaveLength(nThresholds);
    expect(load.filter((c) => c.classname!.startsWith('checks.')).map((c) => c.name)).toEqual(['status is 2xx']);
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
    expect(d.reasons).toContain('drill pitr-restore: fail — RPO (6 min 52 s, target RPO ≤ 5 min)');
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
    // Human units: 14400 s reads as 4 h, 81 s as 1 min 21 s.
    expect(objectives.map((x) => [x[0]!.text, x[1]!.text, x[2]!.text, x[3]!.value])).toEqual([['RTO', 'RTO ≤ 4 h', '1 min 21 s', 'pass'], ['RPO', 'RPO ≤ 5 min', '6 min 52 s', 'fail']]);
  });

  it('writes JUnit failures carrying observed value and limit, for thresholds, checks, smoke, axe and drill objectives', async () => {
    const r = await render('fail');
    const j = await parseJunit(r.junit);
    const failures = j.suites.flatMap((s) => s.cases.filter((c) => c.failure).map((c) => `${s.name}: ${c.failure}`));
    expect(failures).toContain(`load: http_req_duration p(95)<500: observed ${Math.round(summary.metrics.http_req_duration!.values['p(95)']!)} ms, limit < 500 ms (request latency)`);
    expect(failures.some((f) => /^load: status is 2xx: observed [\d.]+ % passed \(\d+ of \d+\), limit 95\.0 %$/.test(f))).toBe(true);
    expect(failures).toContain('smoke: generate form submits: observed failed, limit passed');
    expect(failures).toContain('smoke: monitor: observed 1 serious violations, limit 0 critical/serious');
    expect(failures).toContain('drill pitr-restore: RPO: observed 6 min 52 s, limit RPO ≤ 5 min');
    expect(j.suites.find((s) => s.name === 'drill pitr-restore')!.cases.map((c) => c.name)).toEqual(['RTO', 'RPO']);
    expect(j.suites.find((s) => s.name === 'smoke')!.cases).toHaveLength(5 + smoke.a11y.length);
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
    // The baseline decided the verdict, so it sits right beside it.
    expect(d.panels.map((p) => p.id)).toEqual(['verdict', 'baseline', ...PANEL_ORDER.slice(1)]);
    const rows = await d.table('baseline-table');
    const p95 = rows.find((x) => x[0]!.text === 'Latency p95')!;
    expect(Number(p95[1]!.value)).toBeCloseTo(cur, 9);
    expect(Number(p95[2]!.value)).toBeCloseTo(base, 9);
    expect(Number(p95[3]!.value)).toBeCloseTo(cur - base, 9);
    expect(Number(p95[4]!.value)).toBeCloseTo(((cur - base) / base) * 100, 9);
    expect(p95[5]!.value).toBe('fail');
    expect(rows.find((x) => x[0]!.text === 'Error rate')![5]!.value).toBe('pass');
    const aggregateReasons = d.reasons.filter((x) => x.startsWith('regression against the baseline: Latency'));
    expect(aggregateReasons).toHaveLength(1);
    const j = await parseJunit(r.junit);
    expect(j.suites.find((s) => s.name === 'load')!.cases.filter((c) => c.failure && c.classname === 'baseline').map((c) => c.name)).toEqual(['Latency p95']);

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

/** A copy of a fixture folder in tmp, optionally changed, to vary one fact at a time. */
function copyFixture(name: string, change: (dir: string) => void = () => {}): string {
  const dir = fs.mkdtempSync(path.join(tmp, `${name}-copy-`));
  fs.cpSync(fx(name), dir, { recursive: true });
  change(dir);
  return dir;
}
const editJson = <T>(dir: string, file: string, edit: (x: T) => void) => {
  const x = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) as T;
  edit(x);
  fs.writeFileSync(path.join(dir, file), JSON.stringify(x));
};
const payloadOf = (html: string): ChartPayload => {
  const m = /id="shipcheck-data"[^>]*>([^<]*)</.exec(html)!;
  return JSON.parse(zlib.gunzipSync(Buffer.from(m[1]!.trim(), 'base64')).toString('utf8')) as ChartPayload;
};
const endpointAgg = (ts: Timeseries, name: string) => ts.aggregates!.find((a) => a.metric === 'http_req_duration' && a.tags.name === name && Object.keys(a.tags).length === 1)!;

describe('comparison with a baseline that decides', () => {
  const curTs = readJson<Timeseries>('pass', 'timeseries.json');
  const baseTs = readJson<Timeseries>('baseline', 'timeseries.json');
  const baseMeta = readJson<{ runId: string; gitCommit: string; startedAt: string; engine: string; profile: string }>('baseline', 'meta.json');

  it('names the baseline by run id, commit, date, engine and profile, and compares each endpoint\'s p50/p95/p99, error rate and rps', async () => {
    const r = await render('pass', { baseline: fx('baseline') });
    const d = await parse(r.html);
    const identity = Object.fromEntries(await page.$$eval('#baseline-identity dd', (dds) => dds.map((x) => [x.getAttribute('data-baseline'), x.textContent])));
    expect(identity).toMatchObject({ Run: baseMeta.runId, Commit: baseMeta.gitCommit, Started: baseMeta.startedAt, Engine: baseMeta.engine, Profile: baseMeta.profile });
    const rows = await d.table('baseline-endpoints');
    // Three endpoints both runs called, five figures each.
    expect(rows).toHaveLength(15);
    const generate = 'POST /api/v1/content/generate';
    const p95 = rows.find((x) => x[0]!.text === `${generate} p95`)!;
    const cur = endpointAgg(curTs, generate).totals.p!.p95!;
    const base = endpointAgg(baseTs, generate).totals.p!.p95!;
    expect(Number(p95[1]!.value)).toBeCloseTo(cur, 9);
    expect(Number(p95[2]!.value)).toBeCloseTo(base, 9);
    expect(Number(p95[3]!.value)).toBeCloseTo(cur - base, 9);
    expect(p95[5]!.value).toBe(cur > base * 1.1 ? 'fail' : 'pass');
    expect(p95[5]!.text).toContain('p95 may grow by up to 10 %');
    // p50 and p99 are shown, not judged; error rate and rps are judged by the aggregate's tolerances.
    expect(rows.find((x) => x[0]!.text === `${generate} p50`)![5]!.value).toBe('info');
    expect(rows.find((x) => x[0]!.text === `${generate} error rate`)![5]!.text).toContain('error rate may grow by up to 0.5 points');
    expect(rows.find((x) => x[0]!.text === `${generate} requests per second`)![5]!.text).toContain('requests per second may fall by up to 10 %');
    const regressedEndpoints = rows.filter((x) => x[5]!.value === 'fail').map((x) => x[0]!.text);
    for (const e of regressedEndpoints) expect(d.reasons.some((reason) => reason.startsWith(`regression against the baseline: ${e} `))).toBe(true);
    expect(r.verdict.regressions).toBe(1 + regressedEndpoints.length);
  });

  it('fails the verdict on a regression of one endpoint alone, in the report, JUnit and summary.md alike', async () => {
    const generate = 'POST /api/v1/content/generate';
    // The same run as its own baseline, except that one endpoint answered 50 % slower at p95.
    const slower = copyFixture('pass', (dir) => editJson<Timeseries>(dir, 'timeseries.json', (ts) => { endpointAgg(ts, generate).totals.p!.p95! *= 1.5; }));
    const r = await generateReport(slower, { baseline: fx('pass'), out: path.join(tmp, 'one-endpoint') });
    expect(r.verdict.status).toBe('fail');
    expect(r.verdict.exitCode).toBe(1);
    expect(r.verdict.regressions).toBe(1);
    const base = endpointAgg(curTs, generate).totals.p!.p95!;
    expect(r.verdict.reasons).toEqual([`regression against the baseline: ${generate} p95 ${fmtMs(base * 1.5)} vs ${fmtMs(base)} (+${fmtMs(base * 0.5)}, +50.0 %; p95 may grow by up to 10 %)`]);
    const j = await parseJunit(r.junit);
    expect(j.suites.find((s) => s.name === 'load')!.cases.filter((c) => c.failure).map((c) => `${c.classname}: ${c.name}`)).toEqual([`baseline.endpoint.${generate}: ${generate} p95`]);
    expect(mdTable(r.markdown, 'Against the baseline').filter((row) => row[4]!.startsWith('❌')).map((row) => row[0])).toEqual([`${generate} p95`]);
  });

  it('refuses a baseline of another profile, load shape or target with a message naming the difference, unless forced', async () => {
    const other = copyFixture('baseline', (dir) => editJson<Record<string, unknown>>(dir, 'meta.json', (m) => { m.profile = 'soak'; m.scenario = 'spike'; m.targetName = 'quest-cms'; }));
    await expect(generateReport(fx('pass'), { baseline: other, write: false })).rejects.toThrow(
      'The baseline baseline measured something else: load shape or script (meta.json "scenario") is "load-500-users" here but "spike" in the baseline; profile is "ci" here but "soak" in the baseline. Compare with a run of the same load shape, profile and target, or pass --force-baseline to compare anyway.');
    const forced = await render('pass', { baseline: other, forceBaseline: true });
    await parse(forced.html);
    expect(await page.textContent('#baseline-forced')).toBe('Compared although the runs differ (--force-baseline): load shape or script (meta.json "scenario") is "load-500-users" here but "spike" in the baseline; profile is "ci" here but "soak" in the baseline.');
    expect(forced.markdown).toContain('Compared although the runs differ (--force-baseline)');
  });

  it('overlays the baseline on the throughput, latency and failure charts, on this run\'s time axis', async () => {
    const r = await render('pass', { baseline: fx('baseline') });
    const p = payloadOf(r.html);
    const overlay = (id: string) => p.charts.find((c) => c.id === id)!.series.find((x) => x.kind === 'baseline')!;
    const baseP95 = baseTs.aggregates!.find((a) => a.metric === 'http_req_duration' && a.tags.expected_response === 'true' && Object.keys(a.tags).length === 1)!;
    expect(overlay('chart-latency').label).toBe('baseline baseline p95');
    expect(overlay('chart-latency').values).toEqual(baseP95.p!.p95!.map((v) => Math.round(v * 1000) / 1000));
    const baseReqs = new Array(30).fill(0);
    for (const s of baseTs.series.filter((x) => x.metric === 'http_reqs')) s.t.forEach((t, i) => { baseReqs[t] += s.sum[i]; });
    expect(overlay('chart-rps').values).toEqual(baseReqs);
    expect(overlay('chart-errors').values.every((v) => v === 0)).toBe(true);
  });
});

describe('charts people read', () => {
  const summary = readJson<K6SummaryData>('fail', 'summary.json');
  const ts = readJson<Timeseries>('fail', 'timeseries.json');

  it('puts VUs and throughput on separate panels, each chart with an axis title and a printed summary', async () => {
    const r = await render('fail');
    const p = payloadOf(r.html);
    expect(p.charts.map((c) => [c.id, c.yTitle])).toEqual([
      ['chart-vus', 'VUs'], ['chart-rps', 'requests per second'], ['chart-outcomes', 'responses per second'], ['chart-latency', 'latency (ms)'],
      ['chart-endpoints', 'p95 latency (ms)'], ['chart-errors', 'failed requests (%)'], ['chart-data', 'bytes per second'], ['chart-dropped', 'iterations per second'],
    ]);
    expect(p.xTitle).toBe('time since start (s)');
    const vus = new Array(30).fill(null);
    for (const s of ts.series.filter((x) => x.metric === 'vus')) s.t.forEach((t, i) => { vus[t] = s.last![i]; });
    expect(p.charts[0]!.series.map((x) => x.label)).toEqual(['VUs']);
    expect(p.charts[0]!.series[0]!.values).toEqual(vus);
    await parse(r.html);
    expect(await page.textContent('[data-chart="chart-vus"] figcaption')).toBe(`Peak ${Math.max(...vus)} VUs.`);
  });

  it('draws the SLO limits of the run\'s thresholds on the latency and failure charts', async () => {
    const p = payloadOf((await render('fail')).html);
    const limits = (id: string) => p.charts.find((c) => c.id === id)!.series.filter((x) => x.kind === 'limit').map((x) => [x.label, [...new Set(x.values)]]);
    const latencyKeys = Object.entries(summary.metrics).filter(([k]) => k === 'http_req_duration' || k === 'http_req_duration{expected_response:true}').flatMap(([, m]) => Object.keys(m.thresholds!));
    expect(latencyKeys.sort()).toEqual(['p(95)<450', 'p(95)<500', 'p(99)<1500']);
    expect(limits('chart-latency').sort()).toEqual([['limit p(95) < 450 ms', [450]], ['limit p(95) < 500 ms', [500]], ['limit p(99) < 1.5 s', [1500]]]);
    expect(limits('chart-errors')).toEqual([['limit < 2.00 %', [2]]]);
  });

  it('splits responses per second by outcome and draws each endpoint\'s p95 over time, as the time series has them', async () => {
    const p = payloadOf((await render('fail')).html);
    const outcomes = p.charts.find((c) => c.id === 'chart-outcomes')!;
    expect(outcomes.series.map((x) => x.label)).toEqual(['2xx', '5xx']);
    const by = (status: string) => {
      const col = new Array(30).fill(0);
      for (const s of ts.series.filter((x) => x.metric === 'http_reqs' && x.tags.status === status)) s.t.forEach((t, i) => { col[t] += s.sum[i]; });
      return col;
    };
    expect(outcomes.series[0]!.values).toEqual(by('200'));
    expect(outcomes.series[1]!.values).toEqual(by('500'));
    const endpoints = p.charts.find((c) => c.id === 'chart-endpoints')!;
    const names = ts.aggregates!.filter((a) => a.metric === 'http_req_duration' && a.tags.name && Object.keys(a.tags).length === 1).sort((a, b) => b.totals.count - a.totals.count).map((a) => a.tags.name!.replace('fixture-query-token-77', '***'));
    expect(endpoints.series.map((x) => x.label)).toEqual(names);
    const gen = endpointAgg(ts, 'POST /api/v1/content/generate');
    const col = new Array(30).fill(null);
    gen.t.forEach((t, i) => { col[t] = Math.round(gen.p!.p95![i]! * 1000) / 1000; });
    expect(endpoints.series.find((x) => x.label === 'POST /api/v1/content/generate')!.values).toEqual(col);
  });

  it('marks p50, p95 and p99 on the latency distribution at the summary\'s values', async () => {
    await parse((await render('pass')).html);
    const s = readJson<K6SummaryData>('pass', 'summary.json').metrics.http_req_duration!.values;
    const marks = await page.$$eval('svg.hist .mark', (gs) => gs.map((g) => [g.getAttribute('data-mark'), Number(g.getAttribute('data-value'))]));
    expect(marks).toEqual([['p50', s.med], ['p95', s['p(95)']], ['p99', s['p(99)']]]);
    // Each label sits on its own row, so close percentiles never overlap.
    const ys = await page.$$eval('svg.hist .mark text', (ts) => ts.map((t) => Number(t.getAttribute('y'))));
    expect(new Set(ys).size).toBe(3);
  });

  it('warns when a passing figure is within 10 % of its limit: a threshold and a page vital', async () => {
    const s = readJson<K6SummaryData>('pass', 'summary.json');
    const p95 = s.metrics.http_req_duration!.values['p(95)']!;
    const limit = Math.ceil(p95 * 1.05);
    const near = copyFixture('pass', (dir) => editJson<K6SummaryData>(dir, 'summary.json', (x) => { x.metrics.http_req_duration!.thresholds![`p(95)<${limit}`] = { ok: true }; }));
    const r = await generateReport(near, { out: path.join(tmp, 'near') });
    await parse(r.html);
    const rel = Math.ceil(((limit - p95) / limit) * 100);
    expect(await page.$$eval('#near-limit-warnings li', (li) => li.map((x) => x.textContent))).toEqual([`request latency: p(95) ${fmtMs(p95)} is within ${rel} % of its limit < ${fmtMs(limit)} ("p(95)<${limit}")`]);
    expect(r.verdict.status).toBe('pass');
    const rows = await (await parse(r.html)).table('thresholds-table');
    expect(rows.find((x) => x[1]!.text === `p(95)<${limit}`)![5]!.text).toBe('✓ pass, near the limit');
    expect(r.markdown).toContain(`- ⚠️ request latency: p(95) ${fmtMs(p95)} is within ${rel} % of its limit`);
    // The fail fixture's home page paints its LCP in 2.4 s against a 2.5 s budget.
    const fail = await render('fail');
    expect(fail.model.warnings).toContain('page home: LCP 2.4 s is within 4 % of its budget 2.5 s');
  });

  it('shows web vitals against their budgets, links each violated axe rule to its help, and each failed test to its Playwright trace', async () => {
    const smoke = readJson<SmokeResult>('fail', 'smoke.json');
    const dir = copyFixture('fail', (d) => {
      const traceDir = path.join(d, 'test-results', 'generate-generate-form-submits-chromium');
      fs.mkdirSync(traceDir, { recursive: true });
      fs.writeFileSync(path.join(traceDir, 'trace.zip'), Buffer.from([0x50, 0x4b, 0x05, 0x06, ...new Array(18).fill(0)]));
    });
    const out = path.join(tmp, 'links');
    const r = await generateReport(dir, { out });
    const d = await parse(r.html);
    const vitals = await d.table('vitals-table');
    expect(vitals.map((row) => row.map((x) => x.text))).toEqual([
      ['home (http://127.0.0.1:3000/)', '420 ms / 1.8 s', '2.4 s / 2.5 s ⚠ near', '0.02 / 0.1', '900 ms / 3 s'],
      ['monitor (http://127.0.0.1:3000/static/monitor.html)', '2.1 s / 1.8 s ✗ over', '— (not reported)', '0 / 0.1', '1.5 s / 3 s'],
    ]);
    const links = await page.$$eval('a.rule-help', (as) => as.map((a) => [a.textContent, a.getAttribute('href')]));
    expect(links).toEqual(smoke.a11y.flatMap((p) => p.details.map((x) => [x.id, x.helpUrl])));
    const trace = await page.getAttribute('a.trace', 'href');
    expect(fs.existsSync(path.resolve(out, trace!))).toBe(true);
    expect(path.resolve(out, trace!)).toBe(path.join(dir, 'test-results', 'generate-generate-form-submits-chromium', 'trace.zip'));
  });
});

describe('summary.md and junit.xml that CI tools read well', () => {
  it('writes summary.md without HTML entities: "<" stays "<" in a plain log', async () => {
    const r = await render('fail');
    expect(r.markdown).toContain('| http_req_duration | p(95)<500 |');
    expect(r.markdown).toContain('limit < 500 ms');
    expect(r.markdown).not.toMatch(/&(lt|gt|amp|quot|#\d+);/);
  });

  it('gives one suite per gate stage with its timestamp and duration, and a stage that could not run as an error, not a failure', async () => {
    const dir = copyFixture('fail', (d) => fs.writeFileSync(path.join(d, 'gate.json'), JSON.stringify({ target: 'fixture', stages: [
      { name: 'smoke', outcome: 'ran', exitCode: 1 }, { name: 'load', outcome: 'ran', exitCode: 99 }, { name: 'script lifecycle', outcome: 'error', detail: 'setup() timed out' },
    ] } satisfies GateRecord)));
    fs.rmSync(path.join(dir, 'drills'), { recursive: true });
    const r = await generateReport(dir, { write: false });
    expect(r.verdict.status).toBe('error');
    const suites = await page.evaluate((src) => [...new DOMParser().parseFromString(src, 'application/xml').querySelectorAll('testsuite')].map((s) => ({
      name: s.getAttribute('name'), timestamp: s.getAttribute('timestamp'), time: Number(s.getAttribute('time')), failures: Number(s.getAttribute('failures')), errors: Number(s.getAttribute('errors')),
      error: s.querySelector('error')?.getAttribute('message') ?? null,
    })), r.junit);
    const smoke = readJson<SmokeResult>('fail', 'smoke.json');
    const meta = readJson<{ startedAt: string }>('fail', 'meta.json');
    const summary = readJson<K6SummaryData>('fail', 'summary.json');
    expect(suites.map((s) => s.name)).toEqual(['smoke', 'load', 'script lifecycle']);
    expect(suites[0]).toMatchObject({ timestamp: smoke.startedAt, time: smoke.durationMs / 1000, errors: 0, failures: 2 });
    expect(suites[1]).toMatchObject({ timestamp: meta.startedAt, time: summary.state.testRunDurationMs / 1000, errors: 0 });
    expect(suites[2]).toMatchObject({ errors: 1, failures: 0, error: 'script lifecycle could not run: setup() timed out' });
    expect(r.junit).toMatch(/<testsuites [^>]*errors="1"/);
  });

  it('makes a drill that could not complete a JUnit error, timed from its journal', async () => {
    const dir = fs.mkdtempSync(path.join(tmp, 'drill-error-'));
    fs.mkdirSync(path.join(dir, 'drills'));
    const journal = readJson<DrillJournal>('fail', 'drills/pitr-restore.json');
    fs.writeFileSync(path.join(dir, 'drills', 'pitr-restore.json'), JSON.stringify({ ...journal, verdict: 'error', error: 'pg_basebackup: could not connect', objectives: [] }));
    const r = await generateReport(dir, { write: false });
    expect(r.verdict.status).toBe('error');
    expect(r.junit).toContain(`<testsuite name="drill pitr-restore" tests="1" failures="0" errors="1" skipped="0" time="92.000" timestamp="${journal.startedAt}">`);
    expect(r.junit).toContain('<error message="pitr-restore: the drill could not complete" type="harness error">pg_basebackup: could not connect</error>');
  });
});

describe('report from drills that proved their alerts (--prove-alerts)', () => {
  // Recorded journals: `shipcheck drill db-outage --prove-alerts --alert-for-seconds 5` and
  // `shipcheck drill app-crash --prove-alerts --alert-for-seconds 35` against a real Prometheus.
  const names = ['app-crash', 'db-outage'];
  const journals = names.map((n) => readJson<DrillJournal>('drill-alerts', `drills/${n}.json`));
  const rel = (s: number | undefined) => (s === undefined ? '—' : `+${s} s`);
  const str = (v: number | undefined) => (v === undefined ? null : String(v));

  it('lists every alert rule of each drill with its times from the fault, expectation and result, as the journal has them', async () => {
    const r = await render('drill-alerts');
    const d = await parse(r.html);
    expect(d.panels.map((p) => p.id)).toEqual([...PANEL_ORDER, 'drills']);
    expect(await page.textContent('#verdict p:not(.what)')).toBe('Nothing failed. Exit code 0.');
    for (const [i, j] of journals.entries()) {
      expect(await page.textContent(`#drill-${i}-alerts-title`)).toBe('Alerts during the fault');
      const rows = await d.table(`drill-${i}-alerts-table`);
      expect(rows.map((row) => row.map((x) => x.text))).toEqual(j.alerts!.map((a) => [
        a.alert, a.severity, { fire: 'fire, then resolve', silent: 'stay silent', any: 'not judged' }[a.expected],
        rel(a.pendingSeconds), rel(a.firingSeconds), rel(a.resolvedSeconds),
        `${a.forSeconds} s (${a.forSeconds === a.ruleForSeconds ? 'as in the rule' : `rule: ${a.ruleForSeconds >= 3600 ? `${a.ruleForSeconds / 3600} h` : `${a.ruleForSeconds / 60} min`}`})`,
        a.pendingSeconds === undefined ? 'never pending' : a.firingSeconds === undefined ? 'pending, resolved without firing' : a.resolvedSeconds === undefined ? 'fired, still firing at the end' : 'fired, then resolved',
        a.expected === 'any' ? 'recorded' : a.passed ? '✓ as expected' : '✗ not as expected',
      ]));
      expect(rows.map((row) => [row[2]!.value, row[3]!.value, row[4]!.value, row[5]!.value, row[6]!.value, row[7]!.value, row[8]!.value])).toEqual(j.alerts!.map((a) => [
        a.expected, str(a.pendingSeconds), str(a.firingSeconds), str(a.resolvedSeconds), String(a.forSeconds), a.state, a.expected === 'any' ? 'recorded' : a.passed ? 'pass' : 'fail']));
    }
    // The recordings themselves: the outage fired its two alerts and they resolved; the crash paged nobody.
    expect(journals[1]!.alerts!.filter((a) => a.expected === 'fire').map((a) => [a.alert, a.state, a.passed])).toEqual([['ApiHealthCheckFailing', 'resolved', true], ['DatabaseConnectionFailure', 'resolved', true]]);
    expect(journals[0]!.alerts!.filter((a) => a.expected === 'silent').map((a) => [a.alert, a.firingSeconds, a.passed])).toEqual([['ApiHealthCheckFailing', undefined, true], ['DatabaseConnectionFailure', undefined, true]]);
    // The alerts that never fired are named, those the drill expected silent first.
    expect(await page.textContent('#drill-0-alerts-silent')).toBe(`Stayed silent (never fired): ApiHealthCheckFailing (pending at +${journals[0]!.alerts!.find((a) => a.alert === 'ApiHealthCheckFailing')!.pendingSeconds} s, resolved at +${journals[0]!.alerts!.find((a) => a.alert === 'ApiHealthCheckFailing')!.resolvedSeconds} s without firing), DatabaseConnectionFailure, as the drill expected; also ${journals[0]!.alerts!.filter((a) => a.expected === 'any' && a.firingSeconds === undefined).map((a) => a.alert).join(', ')} (not judged).`);
    expect(await page.textContent('#drill-1-alerts-silent')).toBe(`Stayed silent (never fired): ${journals[1]!.alerts!.filter((a) => a.firingSeconds === undefined).map((a) => a.alert).join(', ')} (not judged).`);
    // A drill without --prove-alerts has no such part.
    expect((await render('fail')).html).not.toContain('drill-alerts');
  });

  it('draws one bar per alert that left inactive, on a seconds-from-fault axis with the fault at 0', async () => {
    await parse((await render('drill-alerts')).html);
    for (const [i, j] of journals.entries()) {
      const svg = `#drill-${i}-alerts-timeline`;
      const bars = await page.$$eval(`${svg} g.alert-bar`, (gs) => gs.map((g) => ({
        alert: g.getAttribute('data-alert'), pending: g.getAttribute('data-pending'), firing: g.getAttribute('data-firing'), resolved: g.getAttribute('data-resolved'),
        rects: [...g.querySelectorAll('rect')].map((rc) => ({ cls: rc.getAttribute('class'), x: Number(rc.getAttribute('x')), w: Number(rc.getAttribute('width')) })),
        open: g.querySelectorAll('path').length,
      })));
      const active = j.alerts!.filter((a) => a.pendingSeconds !== undefined);
      expect(bars.map((b) => [b.alert, b.pending, b.firing, b.resolved])).toEqual(active.map((a) => [a.alert, str(a.pendingSeconds), str(a.firingSeconds), str(a.resolvedSeconds)]));
      // Bars start where they went pending and firing: x is linear in seconds, 0 at the fault line.
      const zero = Number(await page.getAttribute(`${svg} line.fault`, 'x1'));
      const ticks = await page.$$eval(`${svg} line.tick`, (ls) => ls.map((l) => Number(l.getAttribute('x1'))));
      const tickLabels = await page.$$eval(`${svg} > text[text-anchor="middle"]`, (ts) => ts.map((t) => t.textContent));
      expect(tickLabels[0]).toBe('0 s');
      expect(ticks[0]).toBeCloseTo(zero, 1);
      const step = Number(/^[\d.]+/.exec(tickLabels[1]!)![0]);
      const pxPerSecond = (ticks[1]! - ticks[0]!) / step;
      for (const [k, a] of active.entries()) {
        const [pending, firing] = bars[k]!.rects;
        expect(pending!.cls).toBe('pending');
        expect(pending!.x).toBeCloseTo(zero + a.pendingSeconds! * pxPerSecond, 0);
        if (a.firingSeconds !== undefined) {
          expect(firing!.cls).toBe('firing');
          expect(firing!.x).toBeCloseTo(zero + a.firingSeconds * pxPerSecond, 0);
          if (a.resolvedSeconds !== undefined) expect(firing!.x + firing!.w).toBeCloseTo(zero + a.resolvedSeconds * pxPerSecond, 0);
        } else {
          expect(bars[k]!.rects).toHaveLength(1);
          expect(pending!.x + pending!.w).toBeCloseTo(zero + a.resolvedSeconds! * pxPerSecond, 0);
        }
        // Still active when the drill ended: an arrowhead, no end.
        expect(bars[k]!.open).toBe(a.resolvedSeconds === undefined ? 1 : 0);
      }
    }
    expect(await page.$$eval('svg.alert-timeline', (s) => s.map((x) => x.querySelectorAll('g.alert-bar').length))).toEqual([1, 3]);
    expect(await page.$$eval('svg.alert-timeline text.fault', (ts) => ts.map((t) => t.textContent))).toEqual(['0: the kill', '0: the stop of PostgreSQL']);
  });

  it('puts one alert line per drill in summary.md, and each expectation in junit.xml in place of its objective', async () => {
    const r = await render('drill-alerts');
    expect(r.verdict).toMatchObject({ status: 'pass', exitCode: 0, reasons: [] });
    const lines = r.markdown.split('\n').filter((l) => l.startsWith('**Alerts in drill'));
    expect(lines).toEqual([
      '**Alerts in drill app-crash** (seconds from the kill): fired: none; stayed silent: ApiHealthCheckFailing ✅, DatabaseConnectionFailure ✅, 9 more not judged; failed expectations: none.',
      '**Alerts in drill db-outage** (seconds from the stop of PostgreSQL): fired: ApiHighErrorRate +8.204 s (still firing at the end), ApiHealthCheckFailing +6.243 s (resolved +7.175 s) ✅, DatabaseConnectionFailure +1.134 s (resolved +7.175 s) ✅; stayed silent: 8 not judged; failed expectations: none.',
    ]);
    const j = await parseJunit(r.junit);
    expect(j.failures).toBe(0);
    for (const [i, journal] of journals.entries()) {
      const s = j.suites.find((x) => x.name === `drill ${names[i]}`)!;
      // One testcase per objective, no more: the alert expectations are among the objectives.
      expect(s.cases.map((c) => c.name)).toEqual(journal.objectives.map((o) => o.name));
      expect(s.cases.filter((c) => c.classname === `drills.${names[i]}.alerts`).map((c) => c.name)).toEqual(
        journal.alerts!.filter((a) => a.expected !== 'any').map((a) => `alert ${a.alert} ${a.expected === 'fire' ? 'fires and resolves' : 'stays silent'}`));
    }
    expect(j.tests).toBe(journals.reduce((n, x) => n + x.objectives.length, 0));
  });

  it('draws no timeline when no alert left inactive, and starts a bar left of 0 for an alert already pending before the fault', async () => {
    const dir = copyFixture('drill-alerts', (x) => {
      editJson<DrillJournal>(x, 'drills/app-crash.json', (jr) => {
        const a = jr.alerts!.find((y) => y.alert === 'ApiHealthCheckFailing')!;
        delete a.pendingSeconds;
        delete a.resolvedSeconds;
        a.state = 'inactive';
      });
      editJson<DrillJournal>(x, 'drills/db-outage.json', (jr) => { jr.alerts!.find((y) => y.alert === 'ApiHighErrorRate')!.pendingSeconds = -2; });
    });
    const r = await generateReport(dir, { write: false });
    const d = await parse(r.html);
    expect(await page.$$('#drill-0-alerts svg')).toHaveLength(0);
    expect(await page.textContent('#drill-0-alerts p.note')).toBe('No alert left inactive during the drill, so there is no timeline to draw.');
    const row = (await d.table('drill-1-alerts-table')).find((x) => x[0]!.text === 'ApiHighErrorRate')!;
    expect([row[3]!.text, row[3]!.value]).toEqual(['−2 s', '-2']);
    const svg = '#drill-1-alerts-timeline';
    const zero = Number(await page.getAttribute(`${svg} line.fault`, 'x1'));
    const ticks = await page.$$eval(`${svg} line.tick`, (ls) => ls.map((l) => Number(l.getAttribute('x1'))));
    const labels = await page.$$eval(`${svg} > text[text-anchor="middle"]`, (ts) => ts.map((t) => t.textContent));
    expect(labels.slice(0, 3)).toEqual(['−2 s', '0 s', '2 s']);
    expect(ticks[1]).toBeCloseTo(zero, 1);
    const start = Number(await page.getAttribute(`${svg} g.alert-bar[data-alert="ApiHighErrorRate"] rect.pending`, 'x'));
    expect(start).toBeCloseTo(ticks[0]!, 0);
    expect(r.markdown).toContain('**Alerts in drill app-crash** (seconds from the kill): fired: none; stayed silent: ApiHealthCheckFailing ✅, DatabaseConnectionFailure ✅, 9 more not judged; failed expectations: none.');
  });

  it('shows a failed alert expectation as one JUnit failure naming the alert, and leaves the verdict to the drill', async () => {
    // The outage's health alert never resolved: the drill records the alert, its objective and its verdict as failed.
    const dir = copyFixture('drill-alerts', (x) => editJson<DrillJournal>(x, 'drills/db-outage.json', (jr) => {
      const a = jr.alerts!.find((y) => y.alert === 'ApiHealthCheckFailing')!;
      a.passed = false;
      a.state = 'firing';
      delete a.resolvedSeconds;
      const o = jr.objectives.find((y) => y.name === 'alert ApiHealthCheckFailing fires and resolves')!;
      o.passed = false;
      o.observed = 'pending +1.069 s, firing +6.243 s (times from the stop of PostgreSQL)';
      jr.verdict = 'fail';
    }));
    const r = await generateReport(dir, { write: false });
    expect(r.verdict).toMatchObject({ status: 'fail', exitCode: 1, reasons: ['drill db-outage: fail — alert ApiHealthCheckFailing fires and resolves (pending +1.069 s, firing +6.243 s (times from the stop of PostgreSQL), target firing after its for: 5 s, resolved once healed)'] });
    const j = await parseJunit(r.junit);
    expect(j.failures).toBe(1);
    expect(j.tests).toBe(journals.reduce((n, x) => n + x.objectives.length, 0));
    const failed = j.suites.flatMap((s) => s.cases).filter((c) => c.failure);
    expect(failed).toEqual([{ classname: 'drills.db-outage.alerts', name: 'alert ApiHealthCheckFailing fires and resolves',
      failure: 'alert ApiHealthCheckFailing (page): expected to fire, then resolve, but it was pending at +1.069 s, fired at +6.243 s, still firing when the drill ended (seconds from the stop of PostgreSQL)' }]);
    expect(r.markdown).toContain('ApiHealthCheckFailing +6.243 s (still firing at the end) ❌');
    expect(r.markdown).toContain('failed expectations: ❌ ApiHealthCheckFailing (expected to fire, then resolve; pending at +1.069 s, fired at +6.243 s, still firing when the drill ended).');
    const d = await parse(r.html);
    const row = (await d.table('drill-1-alerts-table')).find((x) => x[0]!.text === 'ApiHealthCheckFailing')!;
    expect(row.map((x) => x.text).slice(5)).toEqual(['—', '5 s (rule: 2 min)', 'fired, still firing at the end', '✗ not as expected']);
    expect(await page.$$eval('#drill-1-alerts-timeline g.alert-bar[data-alert="ApiHealthCheckFailing"] path', (p) => p.length)).toBe(1);
    // Without the timeline the verdict is the same: the objectives decide it, the alerts are shown.
    const bare = fs.mkdtempSync(path.join(tmp, 'drill-alerts-bare-'));
    fs.cpSync(dir, bare, { recursive: true });
    for (const n of names) editJson<DrillJournal>(bare, `drills/${n}.json`, (jr) => { delete jr.alerts; });
    expect((await generateReport(bare, { write: false })).verdict).toEqual(r.verdict);
  });
});

describe('history across runs', () => {
  it('draws the key figures of each run given, in a table and as trends', async () => {
    const runs = ['baseline', 'pass', 'fail'].map((n) => copyFixture(n, (d) => editJson<Record<string, unknown>>(d, 'meta.json', (m) => { m.startedAt = { baseline: '2026-11-19T10:00:00.000Z', pass: '2026-11-20T10:00:00.000Z', fail: '2026-11-21T10:00:00.000Z' }[n]; })));
    const out = path.join(tmp, 'history');
    // Given newest first: the history sorts oldest first.
    const h = await generateHistory([...runs].reverse(), { out });
    expect(h.runs.map((r) => r.runId)).toEqual(['baseline', 'pass', 'fail']);
    const p95s = ['baseline', 'pass', 'fail'].map((n) => readJson<K6SummaryData>(n, 'summary.json').metrics.http_req_duration!.values['p(95)']!);
    await page.setContent(h.html);
    const cells = await page.$$eval('#history-table tbody tr', (trs) => trs.map((tr) => Number(tr.querySelector('[data-key="p95"]')!.getAttribute('data-value'))));
    expect(cells).toEqual(p95s);
    const payload = payloadOf(h.html);
    expect(payload.xLabels).toEqual(['baseline', 'pass', 'fail']);
    expect(payload.charts.find((c) => c.id === 'history-latency')!.series.find((x) => x.label === 'p95')!.values).toEqual(p95s.map((v) => Math.round(v * 1000) / 1000));
    expect(fs.existsSync(path.join(out, 'history.html'))).toBe(true);
    expect(fs.readFileSync(path.join(out, 'history.md'), 'utf8').split('\n').filter((l) => /^\| (baseline|pass|fail) \|/.test(l))).toHaveLength(3);
    // One folder of result folders works the same.
    const parent = fs.mkdtempSync(path.join(tmp, 'runs-'));
    for (const r of runs) fs.cpSync(r, path.join(parent, path.basename(r)), { recursive: true });
    expect((await generateHistory([parent], { write: false })).runs.map((r) => r.runId)).toEqual(['baseline', 'pass', 'fail']);
    await expect(generateHistory([fx('pass')], { write: false })).rejects.toThrow('a trend needs at least two runs, and only one was found');
  });
});
