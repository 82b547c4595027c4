/**
 * `shipcheck report --history DIR...`: the key figures of many runs side by side, oldest
 * first, drawn as trends (the way Lighthouse CI and Gatling Enterprise show builds), so a
 * slow drift that no single baseline comparison flags is still seen. Writes history.html
 * (one offline file, the report's template and chart script) and history.md.
 */
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { fail } from '../harness/errors.ts';
import { createResultDir } from '../harness/result-folder.ts';
import type { ChartPayload, ChartSpec } from './charts.ts';
import { esc, fmtCount, fmtValue } from './format.ts';
import { loadReportInput } from './load-input.ts';
import { cell } from './markdown.ts';
import { keyFigures, thresholdRows, type KeyFigures } from './model.ts';
import { chartFigure } from './render-html.ts';
import { fillTemplate, reportTemplate } from './template.ts';

export interface HistoryRun {
  dir: string;
  runId: string;
  startedAt?: string;
  gitCommit?: string;
  engine?: string;
  profile?: string;
  scenario?: string;
  figures: KeyFigures;
  thresholdsHeld: number;
  thresholds: number;
}

export interface HistoryResult {
  runs: HistoryRun[];
  html: string;
  markdown: string;
  files?: { html: string; markdown: string };
}

const isResultFolder = (dir: string) => ['summary.json', 'timeseries.json'].some((f) => fs.existsSync(path.join(dir, f)));

/** The folders given, or the result folders inside the one folder given. */
export function expandHistoryPaths(paths: string[]): string[] {
  if (paths.length === 1 && fs.existsSync(paths[0]!) && fs.statSync(paths[0]!).isDirectory() && !isResultFolder(paths[0]!)) {
    const root = path.resolve(paths[0]!);
    return fs.readdirSync(root, { withFileTypes: true }).filter((e) => e.isDirectory() && isResultFolder(path.join(root, e.name))).map((e) => path.join(root, e.name));
  }
  return paths.map((p) => path.resolve(p));
}

export async function loadHistory(paths: string[]): Promise<HistoryRun[]> {
  const dirs = expandHistoryPaths(paths);
  if (dirs.length < 2) throw fail('SHIPCHECK_ERR_HISTORY_INPUT', { paths: paths.join(', '), reason: `a trend needs at least two runs, and ${dirs.length === 0 ? 'none was found' : 'only one was found'}` });
  const runs: HistoryRun[] = [];
  for (const dir of dirs) {
    const input = await loadReportInput(dir);
    const figures = keyFigures(input);
    if (!figures) throw fail('SHIPCHECK_ERR_HISTORY_INPUT', { paths: dir, reason: 'it holds no load results (summary.json or timeseries.json)' });
    const rows = thresholdRows(input);
    runs.push({
      dir, runId: input.meta?.runId ?? path.basename(dir), startedAt: input.meta?.startedAt, gitCommit: input.meta?.gitCommit,
      engine: input.meta?.engine, profile: input.meta?.profile, scenario: input.meta?.scenario,
      figures, thresholdsHeld: rows.filter((r) => r.ok).length, thresholds: rows.length,
    });
  }
  // Oldest first: a trend reads left to right. Runs without a start time keep the order given.
  return runs.map((r, i) => ({ r, i })).sort((a, b) => (Date.parse(a.r.startedAt ?? '') || 0) - (Date.parse(b.r.startedAt ?? '') || 0) || a.i - b.i).map((x) => x.r);
}

const col = (runs: HistoryRun[], key: keyof KeyFigures) => runs.map((r) => (typeof r.figures[key] === 'number' ? Math.round(r.figures[key]! * 1000) / 1000 : null));

export function historyCharts(runs: HistoryRun[]): ChartPayload {
  const charts: ChartSpec[] = [
    { id: 'history-latency', title: 'Latency p50, p95 and p99 per run', yTitle: 'latency (ms)', unit: 'ms', series: [
      { label: 'p50', values: col(runs, 'p50'), color: '--c4', kind: 'data' },
      { label: 'p95', values: col(runs, 'p95'), color: '--c2', kind: 'data' },
      { label: 'p99', values: col(runs, 'p99'), color: '--c3', kind: 'data' },
    ], summary: runs.map((r) => `${r.runId}: p95 ${fmtValue(r.figures.p95, 'ms')}`).join('; ') },
    { id: 'history-rps', title: 'Requests per second per run', yTitle: 'requests per second', unit: 'perSecond', series: [
      { label: 'Requests/s', values: col(runs, 'rps'), color: '--c1', kind: 'data' },
    ], summary: runs.map((r) => `${r.runId}: ${fmtValue(r.figures.rps, 'perSecond')}`).join('; ') },
    { id: 'history-errors', title: 'Failed requests per run (%)', yTitle: 'failed requests (%)', unit: 'pct', series: [
      { label: 'Failed requests', values: col(runs, 'errorPct'), color: '--fail', kind: 'data' },
    ], summary: runs.map((r) => `${r.runId}: ${fmtValue(r.figures.errorPct, 'pct')}`).join('; ') },
  ];
  return { xKind: 'runs', xTitle: 'run (oldest first)', t: runs.map((_, i) => i), xLabels: runs.map((r) => r.runId), scenarios: [], charts };
}

const COLUMNS: Array<{ key: keyof KeyFigures; label: string; unit: 'ms' | 'perSecond' | 'pct' | 'count' }> = [
  { key: 'requests', label: 'Requests', unit: 'count' },
  { key: 'rps', label: 'Req/s', unit: 'perSecond' },
  { key: 'errorPct', label: 'Failed', unit: 'pct' },
  { key: 'p50', label: 'p50', unit: 'ms' },
  { key: 'p95', label: 'p95', unit: 'ms' },
  { key: 'p99', label: 'p99', unit: 'ms' },
];

function renderBody(runs: HistoryRun[], charts: ChartPayload): string {
  const head = ['Run', 'Started', 'Commit', 'Engine', 'Profile', ...COLUMNS.map((c) => c.label), 'Thresholds held'];
  const rows = runs.map((r) => `<tr><th scope="row">${esc(r.runId)}</th><td>${esc(r.startedAt ?? '—')}</td><td>${esc(r.gitCommit ?? '—')}</td><td>${esc(r.engine ?? '—')}</td><td>${esc(r.profile ?? '—')}</td>${COLUMNS.map((c) => `<td class="num" data-key="${c.key}" data-value="${r.figures[c.key] ?? ''}">${esc(fmtValue(r.figures[c.key], c.unit))}</td>`).join('')}<td class="num">${r.thresholdsHeld} of ${r.thresholds}</td></tr>`).join('\n');
  return `<main>
<section class="panel" id="history" aria-labelledby="history-title">
<h1 id="history-title">shipcheck history — ${runs.length} runs</h1>
<p class="what">The key figures of each run, oldest first, so a drift over many builds shows even when each run passed against its own baseline.</p>
<div class="scroll" role="region" tabindex="0" aria-labelledby="history-table-caption">
<table id="history-table"><caption id="history-table-caption">Runs and their key figures</caption>
<thead><tr>${head.map((h) => `<th scope="col">${esc(h)}</th>`).join('')}</tr></thead>
<tbody>
${rows}
</tbody></table></div>
</section>
<section class="panel" id="charts-panel" aria-labelledby="trend-title">
<h2 id="trend-title">Trends</h2>
<p class="what">Latency percentiles, throughput and failed requests of each run, one point per run.</p>
<div class="charts" id="charts" data-runs="${runs.length}">
${charts.charts.map(chartFigure).join('\n')}
</div>
</section>
</main>
<footer>Generated by shipcheck from ${esc(runs.map((r) => r.dir).join(', '))}. This file is self-contained: it loads nothing from the network.</footer>`;
}

function renderMarkdown(runs: HistoryRun[]): string {
  const out = [`## shipcheck history: ${runs.length} runs`, '', `| Run | Started | Commit | ${COLUMNS.map((c) => c.label).join(' | ')} |`, `| --- | --- | --- | ${COLUMNS.map(() => '---:').join(' | ')} |`];
  for (const r of runs) out.push(`| ${cell(r.runId)} | ${cell(r.startedAt ?? '—')} | ${cell(r.gitCommit ?? '—')} | ${COLUMNS.map((c) => cell(fmtValue(r.figures[c.key], c.unit))).join(' | ')} |`);
  out.push('', `${fmtCount(runs.length)} runs, oldest first.`, '');
  return out.join('\n');
}

export async function generateHistory(paths: string[], opts: { out?: string; write?: boolean } = {}): Promise<HistoryResult> {
  const runs = await loadHistory(paths);
  const charts = historyCharts(runs);
  const html = fillTemplate(await reportTemplate(), {
    title: esc(`shipcheck history — ${runs.length} runs`),
    body: renderBody(runs, charts),
    data: zlib.gzipSync(JSON.stringify(charts), { level: 9 }).toString('base64'),
  });
  const result: HistoryResult = { runs, html, markdown: renderMarkdown(runs) };
  if (opts.write !== false) {
    const dir = opts.out ? path.resolve(opts.out) : createResultDir({ kind: 'report', label: 'history' });
    fs.mkdirSync(dir, { recursive: true });
    result.files = { html: path.join(dir, 'history.html'), markdown: path.join(dir, 'history.md') };
    fs.writeFileSync(result.files.html, html);
    fs.writeFileSync(result.files.markdown, result.markdown);
  }
  return result;
}
