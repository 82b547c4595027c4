/**
 * The report's HTML body: every panel rendered here as static HTML (readable without
 * script, printable, accessible), in the order an engineer reads: verdict, facts,
 * thresholds, key figures, charts, latency distribution, endpoints, timing, checks and
 * errors, baseline, smoke and drills. Only the chart data is left to the page script.
 */
import zlib from 'node:zlib';
import { fmtFromFault, type AlertRow, type DrillAlerts, type ReportModel, type ThresholdRow, type Unit } from './model.ts';
import { esc, fmtBytes, fmtCount, fmtDelta, fmtDuration, fmtMs, fmtPct, fmtSeconds, fmtValue, humanizeSeconds } from './format.ts';
import type { BaselineRow } from './baseline.ts';
import { fillTemplate, reportTemplate } from './template.ts';

type Cell = { text: string; num?: boolean; value?: number | string; cls?: string; raw?: boolean };
const c = (text: string, extra: Omit<Cell, 'text'> = {}): Cell => ({ text, ...extra });
const n = (v: number | undefined, unit: Unit): Cell => ({ text: fmtValue(v, unit), num: true, value: v });

/** A table a keyboard user can reach and scroll: a focusable, labelled region around it. */
function table(id: string, caption: string, head: Array<string | Cell>, rows: Cell[][]): string {
  const th = head.map((h) => {
    const cell = typeof h === 'string' ? c(h) : h;
    return `<th scope="col"${cell.num ? ' class="num"' : ''}>${esc(cell.text)}</th>`;
  }).join('');
  const body = rows.map((r) => `<tr>${r.map((cell, i) => {
    const cls = [cell.num ? 'num' : '', cell.cls ?? ''].filter(Boolean).join(' ');
    const attrs = `${cls ? ` class="${cls}"` : ''}${cell.value !== undefined ? ` data-value="${esc(cell.value)}"` : ''}`;
    const content = cell.raw ? cell.text : esc(cell.text);
    return i === 0 ? `<th scope="row"${attrs}>${content}</th>` : `<td${attrs}>${content}</td>`;
  }).join('')}</tr>`).join('\n');
  return `<div class="scroll" role="region" tabindex="0" aria-labelledby="${id}-caption">
<table id="${id}"><caption id="${id}-caption">${esc(caption)}</caption>
<thead><tr>${th}</tr></thead>
<tbody>
${body}
</tbody></table></div>`;
}

function panel(id: string, title: string, what: string, inner: string, extraClass = ''): string {
  return `<section class="panel${extraClass ? ` ${extraClass}` : ''}" id="${id}" aria-labelledby="${id}-title">
<h2 id="${id}-title">${esc(title)}</h2>
<p class="what">${esc(what)}</p>
${inner}
</section>`;
}

const passCell = (ok: boolean, yes = 'pass', no = 'fail'): Cell => ({ text: ok ? `✓ ${yes}` : `✗ ${no}`, cls: ok ? 'ok' : 'bad', value: ok ? 'pass' : 'fail' });

// ------------------------------------------------------------------ panels

function verdictPanel(m: ReportModel): string {
  const v = m.verdict;
  const label = v.status.toUpperCase();
  const held = m.thresholds.length - v.failedThresholds;
  const parts: string[] = [];
  if (m.thresholds.length) parts.push(`${held} of ${m.thresholds.length} thresholds held`);
  if (v.failedSuites.length) parts.push(`failed: ${v.failedSuites.join(', ')}`);
  if (m.baseline) parts.push(`${v.regressions} regression${v.regressions === 1 ? '' : 's'} against the baseline`);
  const reasons = v.reasons.length ? `<ul id="verdict-reasons">${v.reasons.map((r) => `<li>${esc(r)}</li>`).join('')}</ul>` : '';
  const warnings = m.warnings.length ? `<div class="near-limit"><h2 id="warnings-title">Near the limit</h2><p>These pass, but within 10 % of their limit: the next change may cross it.</p><ul id="near-limit-warnings">${m.warnings.map((w) => `<li>${esc(w)}</li>`).join('')}</ul></div>` : '';
  const gate = v.stages.length
    ? table('gate-stages', `Gate stages of ${m.gate?.target ?? 'the target'}`, ['Stage', 'Status', 'Detail'],
      v.stages.map((s) => [c(s.name), { text: s.status, value: s.status, cls: s.status === 'pass' ? 'ok' : s.status === 'skipped' ? '' : 'bad' }, c(s.detail)]))
    : '';
  return `<section class="panel banner ${v.status}" id="verdict" aria-labelledby="verdict-title" data-status="${v.status}" data-exit-code="${v.exitCode}">
<h1 id="verdict-title"><span class="status">${label}</span> — ${esc(m.title)}</h1>
<p class="what">The verdict: whether this run passed, and if not, every reason why, with the exit code shipcheck returns for it.</p>
<p>${parts.length ? `${esc(parts.join('; '))}. ` : v.status === 'pass' ? 'Nothing failed. ' : ''}Exit code <strong id="exit-code">${v.exitCode}</strong>.</p>
${reasons}${warnings}${gate}
</section>`;
}

function factsPanel(m: ReportModel): string {
  const dl = `<dl class="facts">${m.facts.map((f) => `<dt>${esc(f.label)}</dt><dd data-fact="${esc(f.label)}">${esc(f.value)}</dd>`).join('')}</dl>`;
  const scen = m.scenarios.length
    ? table('scenarios', 'Scenarios and their load shapes', ['Scenario', 'Executor', 'Load shape', c('Starts at', { num: true }), c('Ends at', { num: true })],
      m.scenarios.map((s) => [c(s.name), c(s.executor), c(s.description), c(fmtSeconds(s.startSeconds), { num: true, value: s.startSeconds }), c(s.endSeconds !== undefined ? fmtSeconds(s.endSeconds) : '—', { num: true, value: s.endSeconds })]))
    : '';
  return panel('facts', 'Run facts', 'What ran, against what, where and for how long: target, engine, profile, scenarios with their load shapes, duration, peak VUs, commit and machine.', dl + scen);
}

function thresholdValue(t: ThresholdRow, v: number | undefined): string {
  return fmtValue(v, t.unit);
}

function thresholdsPanel(m: ReportModel): string {
  if (m.thresholds.length === 0) {
    return panel('thresholds', 'Thresholds', 'Each threshold (the run\'s pass/fail criteria) with the observed value, its limit and the margin left.', '<p class="note">This run declared no thresholds.</p>');
  }
  const rows = m.thresholds.map((t) => [
    // What it judges in words (the endpoint, group, budget; the script it belongs to), then the metric as k6 names it.
    c(`${esc(`${t.source ? `script ${t.source}: ` : ''}${t.label ?? t.metric}`)}${t.label || t.source ? `<br><code class="metric">${esc(t.metric)}</code>` : ''}`, { raw: true, value: t.metric }),
    c(t.expression),
    c(thresholdValue(t, t.observed), { num: true, value: t.observed }),
    c(t.limit !== undefined ? `${t.operator} ${thresholdValue(t, t.limit)}` : '—', { num: true, value: t.limit }),
    c(t.margin ? `${fmtDelta(t.margin.absolute, t.unit)}${t.margin.relative !== undefined ? ` (${fmtPct(t.margin.relative * 100)})` : ''}` : '—', { num: true, value: t.margin?.absolute, cls: t.margin && t.margin.absolute < 0 ? 'bad' : '' }),
    t.ok && t.margin?.relative !== undefined && t.margin.relative >= 0 && t.margin.relative < 0.1
      ? { text: '✓ pass, near the limit', cls: 'warn', value: 'pass' } : passCell(t.ok),
  ]);
  return panel('thresholds', 'Thresholds', 'Each threshold (the run\'s pass/fail criteria): what it judges and the k6 metric it reads, the observed value, its limit and the margin left: positive is headroom, negative is how far it was missed.',
    table('thresholds-table', 'Thresholds, failures first', ['Threshold on', 'Expression', c('Observed', { num: true }), c('Limit', { num: true }), c('Margin', { num: true }), 'Result'], rows));
}

function figuresPanel(m: ReportModel): string {
  const f = m.figures;
  if (!f) return panel('figures', 'Key figures', 'The run in a few numbers: requests, throughput, errors, latency percentiles, checks and dropped iterations.', '<p class="note">This folder holds no load results.</p>');
  const items: Array<[string, string, string, number | undefined]> = [
    ['requests', 'Requests', f.requests !== undefined ? fmtCount(f.requests) : '—', f.requests],
    ['rps', 'Requests per second', f.rps !== undefined ? `${fmtCount(Math.round(f.rps * 10) / 10)}/s` : '—', f.rps],
    ['errorPct', 'Failed requests', f.errorPct !== undefined ? fmtPct(f.errorPct) : '—', f.errorPct],
    ['p50', 'Latency p50', fmtValue(f.p50, 'ms'), f.p50],
    ['p95', 'Latency p95', fmtValue(f.p95, 'ms'), f.p95],
    ['p99', 'Latency p99', fmtValue(f.p99, 'ms'), f.p99],
    ['checks', 'Checks passed', f.checksTotal ? `${fmtCount(f.checksPassed ?? 0)} of ${fmtCount(f.checksTotal)} (${fmtPct(((f.checksPassed ?? 0) / f.checksTotal) * 100)})` : '—', f.checksPassed],
    ['droppedIterations', 'Dropped iterations', f.droppedIterations !== undefined ? fmtCount(f.droppedIterations) : '—', f.droppedIterations],
    ['durationSeconds', 'Duration', fmtDuration(f.durationSeconds), f.durationSeconds],
    ['dataReceived', 'Data received', f.dataReceived !== undefined ? fmtBytes(f.dataReceived) : '—', f.dataReceived],
  ];
  const dl = `<dl class="figures">${items.map(([key, label, text, v]) => `<div><dt>${esc(label)}</dt><dd data-figure="${key}"${v !== undefined ? ` data-value="${v}"` : ''}>${esc(text)}</dd></div>`).join('')}</dl>`;
  return panel('figures', 'Key figures', 'The run in a few numbers: requests, throughput, failed requests, latency percentiles of all requests, checks passed and iterations dropped for lack of VUs.', dl);
}

function chartsPanel(m: ReportModel): string {
  const what = 'How the run evolved second by second: VUs, throughput, responses by outcome, latency overall and per endpoint, failures, data and dropped iterations. Red lines are the SLO limits of the run\'s thresholds, grey lines the baseline run; dashed vertical lines mark scenario starts. Drag across a chart or use From/To to zoom all charts to a range.';
  if (!m.chart || !m.charts) return panel('charts', 'Over time', what, `<p class="note" id="charts-note">${esc(m.chartNote ?? 'No time series in this folder.')}</p>`);
  const form = `<form class="range no-print" id="range-form" aria-label="Zoom all charts to a time range">
<label for="range-from">From (s)<input id="range-from" type="number" min="0" step="1" inputmode="numeric"></label>
<label for="range-to">To (s)<input id="range-to" type="number" min="0" step="1" inputmode="numeric"></label>
<button type="submit">Zoom</button><button type="button" id="range-reset">Reset</button>
</form>`;
  return panel('charts', 'Over time', what, `${form}<div class="charts" id="charts" data-seconds="${m.chart.t.length}">
${m.charts.charts.map(chartFigure).join('\n')}
</div>`);
}

/** One chart: its title, the canvas the page script draws, and its figures in words (they print). */
export function chartFigure(spec: { id: string; title: string; yTitle: string; summary: string; series: Array<{ label: string; kind: string }> }): string {
  const limits = spec.series.filter((x) => x.kind === 'limit').map((x) => x.label);
  const baseline = spec.series.filter((x) => x.kind === 'baseline').map((x) => x.label);
  const extra = [limits.length ? `SLO ${limits.join(', ')}` : '', baseline.length ? `overlay: ${baseline.join(', ')}` : ''].filter(Boolean).join('; ');
  return `<figure class="chart" aria-labelledby="${spec.id}-title" data-chart="${spec.id}">
<h3 id="${spec.id}-title">${esc(spec.title)}</h3>
<div class="plot" id="${spec.id}" role="img" aria-label="${esc(`${spec.title} (${spec.yTitle}): ${spec.summary}`)}"></div>
<figcaption class="chart-summary">${esc(spec.summary)}${extra ? ` ${esc(extra)}.` : ''}</figcaption>
</figure>`;
}

/** x of a latency value on the histogram: linear within the bin that holds it. */
function histX(h: NonNullable<ReportModel['histogram']>, v: number, L: number, bw: number): number {
  const i = h.bounds.findIndex((b) => v <= b);
  if (i < 0) return L + h.bounds.length * bw;
  const lo = i === 0 ? 0 : h.bounds[i - 1]!;
  const hi = h.bounds[i]!;
  return L + (i + (hi > lo ? (v - lo) / (hi - lo) : 1)) * bw;
}

function histogramSvg(h: NonNullable<ReportModel['histogram']>, marks: Array<{ label: string; value: number }> = []): string {
  const W = 720, H = 246, L = 48, B = 36, T = 36;
  const max = Math.max(...h.counts);
  const bw = (W - L - 10) / h.counts.length;
  const bars = h.counts.map((cnt, i) => {
    const bh = max ? ((H - B - T) * cnt) / max : 0;
    return `<rect x="${(L + i * bw + 1).toFixed(1)}" y="${(H - B - bh).toFixed(1)}" width="${Math.max(1, bw - 2).toFixed(1)}" height="${bh.toFixed(1)}"><title>≤ ${esc(fmtMs(h.bounds[i]!))}: ${cnt}</title></rect>`;
  }).join('');
  const every = Math.max(1, Math.ceil(h.counts.length / 8));
  const labels = h.bounds.map((b, i) => (i % every === 0 || i === h.bounds.length - 1
    ? `<text x="${(L + (i + 1) * bw).toFixed(1)}" y="${H - B + 16}" text-anchor="end">${esc(fmtMs(b))}</text>` : '')).join('');
  // Percentile marks: each label on its own row above the bars, so close percentiles never overlap.
  const markSvg = marks.map((mk, i) => {
    const x = histX(h, mk.value, L, bw).toFixed(1);
    return `<g class="mark" data-mark="${esc(mk.label)}" data-value="${mk.value}"><line x1="${x}" y1="${T - 2}" x2="${x}" y2="${H - B}"/><text x="${x}" y="${9 + i * 11}" text-anchor="${Number(x) > W - 120 ? 'end' : 'start'}">${esc(`${mk.label} ${fmtMs(mk.value)}`)}</text></g>`;
  }).join('');
  return `<svg class="hist" viewBox="0 0 ${W} ${H}" role="img" aria-labelledby="hist-title hist-desc">
<title id="hist-title">Latency histogram of ${esc(h.of)}</title>
<desc id="hist-desc">Requests per latency bin, ${h.counts.length} bins from ${esc(fmtMs(h.bounds[0]!))} to ${esc(fmtMs(h.bounds[h.bounds.length - 1]!))}; the most populated bin holds ${max} requests.</desc>
<line x1="${L}" y1="${H - B}" x2="${W - 10}" y2="${H - B}"/>
<text x="${L - 6}" y="${T + 10}" text-anchor="end">${max}</text><text x="${W - 10}" y="${H - 2}" text-anchor="end">latency (ms, upper bound of each bin) →</text><text x="4" y="${T + 60}" transform="rotate(-90 12 ${T + 60})" text-anchor="middle">requests</text><text x="${L - 6}" y="${H - B}" text-anchor="end">0</text>
${bars}${labels}${markSvg}</svg>`;
}

function distributionPanel(m: ReportModel): string {
  const what = 'How request latencies spread across the whole run: a histogram of all requests with the p50, p95 and p99 marked, and how many fell in each response-time range.';
  if (!m.histogram) return panel('distribution', 'Latency distribution', what, '<p class="note">No request latencies were recorded.</p>');
  const total = m.histogram.counts.reduce((a, b) => a + b, 0);
  const f = m.figures;
  const marks = ([['p50', f?.p50], ['p95', f?.p95], ['p99', f?.p99]] as Array<[string, number | undefined]>).filter((x): x is [string, number] => x[1] !== undefined).map(([label, value]) => ({ label, value }));
  return panel('distribution', 'Latency distribution', what, histogramSvg(m.histogram, marks) +
    `<p class="chart-summary" id="distribution-marks">${esc(marks.map((x) => `${x.label} ${fmtMs(x.value)}`).join(', '))} (marked on the histogram).</p>` + table('ranges', `Response-time ranges (${fmtCount(total)} requests; a bin counts toward the range holding its upper bound)`, ['Range', c('Requests', { num: true }), c('Share', { num: true })],
    m.ranges.map((r) => [c(r.label), c(fmtCount(r.count), { num: true, value: r.count }), c(fmtPct(r.pct), { num: true, value: r.pct })])));
}

function endpointsPanel(m: ReportModel): string {
  const what = 'Each endpoint (requests grouped by their name tag): how often it was called, how fast it answered and how often it failed.';
  if (m.endpoints.length === 0) return panel('endpoints', 'Endpoints', what, '<p class="note">No per-request time series in this folder.</p>');
  return panel('endpoints', 'Endpoints', what, table('endpoints-table', 'Endpoints by request count', ['Endpoint (name tag)', c('Requests', { num: true }), c('Req/s', { num: true }), c('p50', { num: true }), c('p90', { num: true }), c('p95', { num: true }), c('p99', { num: true }), c('Max', { num: true }), c('Failed', { num: true })],
    m.endpoints.map((e) => [c(e.name), c(fmtCount(e.count), { num: true, value: e.count }), n(e.rps, 'perSecond'), n(e.p50, 'ms'), n(e.p90, 'ms'), n(e.p95, 'ms'), n(e.p99, 'ms'), n(e.max, 'ms'), c(fmtPct(e.errorPct), { num: true, value: e.errorPct, cls: e.errorPct > 0 ? 'bad' : '' })])), 'long');
}

function timingPanel(m: ReportModel): string {
  const what = 'Where request time went, phase by phase: waiting for a connection, connecting, TLS, sending, waiting for the first byte and receiving.';
  if (m.timings.length === 0) return panel('timing', 'Timing breakdown', what, '<p class="note">No request timings were recorded.</p>');
  return panel('timing', 'Timing breakdown', what, table('timing-table', 'Request phases (share of the average request time)', ['Phase', c('Average', { num: true }), c('Median', { num: true }), c('p95', { num: true }), c('Max', { num: true }), 'Share of time'],
    m.timings.map((t) => [c(t.phase), n(t.avg, 'ms'), n(t.med, 'ms'), n(t.p95, 'ms'), n(t.max, 'ms'),
      c(t.share !== undefined && ['http_req_blocked', 'http_req_sending', 'http_req_waiting', 'http_req_receiving'].includes(t.metric) ? `<span class="bar" style="width:${(t.share * 120).toFixed(0)}px" aria-hidden="true"></span> ${esc(fmtPct(t.share * 100))}` : esc('part of “blocked”'), { raw: true, value: t.share })])));
}

function checksPanel(m: ReportModel): string {
  const what = 'The checks the scenarios made on responses, with pass and fail counts, and failed requests grouped by HTTP status and error code with the endpoints where they happened.';
  const checks = m.checks.length
    ? table('checks-table', 'Checks', ['Group', 'Check', c('Passed', { num: true }), c('Failed', { num: true }), c('Pass rate', { num: true }), 'Result'],
      m.checks.map((k) => {
        const total = k.passes + k.fails;
        return [c(k.group || '(root)'), c(k.name), c(fmtCount(k.passes), { num: true, value: k.passes }), c(fmtCount(k.fails), { num: true, value: k.fails, cls: k.fails ? 'bad' : '' }), c(total ? fmtPct((k.passes / total) * 100) : '—', { num: true, value: total ? (k.passes / total) * 100 : undefined }), passCell(k.ok)];
      }))
    : '<p class="note">The scenarios made no checks.</p>';
  const errors = m.errors.length
    ? table('errors-table', 'Failed requests by status and error code', ['Status', 'Error code', c('Requests', { num: true }), 'Examples (endpoint: count)'],
      m.errors.map((e) => [c(e.status), c(e.errorCode), c(fmtCount(e.count), { num: true, value: e.count }), c(e.examples.map((x) => `${x.name}: ${fmtCount(x.count)}`).join('; '))]))
    : `<p>${m.hasLoad ? 'No request failed.' : 'No request results in this folder.'}</p>`;
  return panel('checks', 'Checks and errors', what, `<h3>Checks</h3>${checks}<h3>Errors</h3>${errors}`);
}

function regressionCell(r: BaselineRow): Cell {
  if (!r.rule) return { text: '— (shown, not judged)', value: 'info' };
  if (r.current === undefined || r.baseline === undefined) return { text: `— (${r.rule}; one run has no value)`, value: 'info' };
  return { text: `${r.regression ? '✗ regression' : '✓ within tolerance'} (${r.rule})`, cls: r.regression ? 'bad' : 'ok', value: r.regression ? 'fail' : 'pass' };
}

function deltaCells(r: BaselineRow): Cell[] {
  return [n(r.current, r.unit), n(r.baseline, r.unit), c(fmtDelta(r.delta, r.unit), { num: true, value: r.delta }), c(r.deltaPct !== undefined ? `${r.deltaPct > 0 ? '+' : ''}${r.deltaPct.toFixed(1)} %` : '—', { num: true, value: r.deltaPct }), regressionCell(r)];
}

function baselinePanel(m: ReportModel): string {
  const b = m.baseline!;
  const t = b.tolerance;
  const id = b.identity;
  const facts: Array<[string, string | undefined]> = [['Run', id.runId], ['Commit', id.gitCommit], ['Started', id.startedAt], ['Engine', id.engine], ['Profile', id.profile], ['Load shape or script', id.scenario], ['Target', id.targetName], ['Folder', id.source]];
  const dl = `<dl class="facts" id="baseline-identity">${facts.filter(([, v]) => v).map(([k, v]) => `<dt>${esc(k)}</dt><dd data-baseline="${esc(k)}">${esc(v)}</dd>`).join('')}</dl>`;
  const forced = b.forcedDespite.length ? `<p class="note" id="baseline-forced">Compared although the runs differ (--force-baseline): ${esc(b.forcedDespite.join('; '))}.</p>` : '';
  const head = ['Figure', c('This run', { num: true }), c('Baseline', { num: true }), c('Change', { num: true }), c('Change %', { num: true }), 'Verdict (tolerance)'];
  const aggregate = table('baseline-table', 'This run against the baseline: whole run', head, b.rows.map((r) => [c(r.label), ...deltaCells(r)]));
  const perEndpoint = b.endpoints.length
    ? table('baseline-endpoints', 'This run against the baseline: each endpoint both runs called', ['Endpoint and figure', ...head.slice(1)], b.endpoints.map((r) => [c(r.label), ...deltaCells(r)]))
    : '<p class="note">The two runs share no endpoint (name tag), so there is nothing to compare per endpoint.</p>';
  return panel('baseline', 'Against the baseline', `This run beside the baseline run ${id.runId ?? id.source}: the whole run's figures and each endpoint's p50, p95, p99, error rate and requests per second, with the change. A change beyond the tolerance (p95 +${t.p95Pct} %, error rate +${t.errorRatePoints} points, requests per second −${t.rpsPct} %) is a regression and fails the verdict, for the whole run and for any one endpoint; p50, p99 and the other figures are shown, not judged.`,
    dl + forced + aggregate + perEndpoint, 'long');
}

function vitalsTable(s: NonNullable<ReportModel['smoke']>): string {
  const vitals = s.vitals ?? [];
  if (vitals.length === 0) return '';
  const cell = (v: number | null, budget: number, unit: Unit): Cell => {
    if (v === null) return c('— (not reported)', { num: true });
    const over = v > budget;
    const near = !over && budget > 0 && (budget - v) / budget < 0.1;
    return c(`${fmtValue(v, unit)} / ${fmtValue(budget, unit)}${over ? ' ✗ over' : near ? ' ⚠ near' : ''}`, { num: true, value: v, cls: over ? 'bad' : near ? 'warn' : '' });
  };
  return table('vitals-table', 'Web vitals per page, measured in Chromium (value / budget)', ['Page', c('First contentful paint', { num: true }), c('Largest contentful paint', { num: true }), c('Layout shift (CLS)', { num: true }), c('Load', { num: true })],
    vitals.map((v) => [c(`${v.page} (${v.url})`), cell(v.fcpMs, v.budgets.fcpMs, 'ms'), cell(v.lcpMs, v.budgets.lcpMs, 'ms'), cell(v.cls, v.budgets.cls, 'plain'), cell(v.loadMs, v.budgets.loadMs, 'ms')]));
}

function smokePanel(m: ReportModel): string {
  const s = m.smoke!;
  const tests = table('smoke-table', `Smoke tests: ${s.passed} passed, ${s.failed} failed, ${s.flaky} flaky, ${s.skipped} skipped`, ['Test', 'File', 'Tags', c('Duration', { num: true }), 'Result', 'Error'],
    s.tests.map((t) => {
      const trace = m.traces[t.title];
      const error = `${esc(t.error ?? '')}${trace ? `${t.error ? '<br>' : ''}<a class="trace" href="${esc(trace)}">Playwright trace</a> (open with <code>npx playwright show-trace ${esc(trace)}</code>)` : ''}`;
      return [c(t.title), c(t.file), c(t.tags.join(' ')), n(t.durationMs, 'ms'), { text: t.status, cls: t.status === 'passed' ? 'ok' : t.status === 'failed' || t.status === 'timedOut' ? 'bad' : '', value: t.status }, c(error, { raw: true })];
    }));
  const failOn = new Set(s.policy?.failOn ?? ['critical', 'serious']);
  const a11y = s.a11y.length
    ? table('a11y-table', `Accessibility scans (axe; fails on ${[...failOn].join(', ')})`, ['Page', c('Critical', { num: true }), c('Serious', { num: true }), c('Moderate', { num: true }), c('Minor', { num: true }), c('Incomplete', { num: true }), 'Result', 'Rules violated'],
      s.a11y.map((p) => {
        const ok = !Object.entries(p.violations).some(([impact, k]) => failOn.has(impact) && k > 0);
        return [c(`${p.page} (${p.url})`), c(String(p.violations.critical), { num: true, value: p.violations.critical }), c(String(p.violations.serious), { num: true, value: p.violations.serious }), c(String(p.violations.moderate), { num: true, value: p.violations.moderate }), c(String(p.violations.minor), { num: true, value: p.violations.minor }), c(String(p.incomplete), { num: true, value: p.incomplete }), passCell(ok),
          c(p.details.map((d) => `${/^https?:\/\//.test(d.helpUrl) ? `<a class="rule-help" href="${esc(d.helpUrl)}">${esc(d.id)}</a>` : esc(d.id)} (${esc(d.impact ?? 'n/a')}): ${esc(d.help)}`).join('; '), { raw: true })];
      }))
    : '';
  return panel('smoke', 'Smoke and accessibility', `The browser smoke tests against ${s.target} (failed ones link to their Playwright trace), each page's web vitals against its budgets, and the axe WCAG 2.1 AA scans of each page with a link to each violated rule's help.`, tests + vitalsTable(s) + a11y, 'long');
}

/** A tick step for an axis of `span` seconds: at most about 8 ticks. */
function tickStep(span: number): number {
  return [0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200].find((step) => span / step <= 8) ?? 14_400;
}

/** Each alert that left inactive as a bar on one seconds-from-fault axis: pending, then firing, ending where it resolved. */
function alertTimelineSvg(id: string, t: DrillAlerts): string {
  const rows = t.rows.filter((r) => r.active);
  const W = 720, L = 210, R = 16, T = 30, rowH = 22, B = 34;
  const H = T + rows.length * rowH + B;
  const { from, to } = t.axis;
  const x = (s: number) => L + ((s - from) / (to - from)) * (W - L - R);
  const step = tickStep(to - from);
  const ticks: string[] = [];
  for (let s = Math.ceil(from / step) * step; s <= to + 1e-9; s += step) {
    const tx = x(s).toFixed(1);
    ticks.push(`<line class="tick" x1="${tx}" y1="${T - 4}" x2="${tx}" y2="${H - B}"/><text x="${tx}" y="${H - B + 14}" text-anchor="middle">${esc(`${s < 0 ? '−' : ''}${fmtSeconds(Math.abs(s))}`)}</text>`);
  }
  const bars = rows.map((r, i) => {
    const y = T + i * rowH + 4;
    const h = rowH - 8;
    const firingFrom = r.firingSeconds;
    const end = r.resolvedSeconds ?? to;
    const rect = (cls: string, a: number, b: number) => `<rect class="${cls}" x="${x(a).toFixed(1)}" y="${y}" width="${Math.max(2, x(b) - x(a)).toFixed(1)}" height="${h}"/>`;
    const pending = rect('pending', r.pendingSeconds!, firingFrom ?? end);
    const firing = firingFrom !== undefined ? rect('firing', firingFrom, end) : '';
    // Still active when the drill ended: an arrowhead says the bar goes on past the axis.
    const open = r.resolvedSeconds === undefined ? `<path class="${firingFrom !== undefined ? 'firing' : 'pending'}" d="M${x(to).toFixed(1)} ${y - 2} l8 ${h / 2 + 2} l-8 ${h / 2 + 2} z"/>` : '';
    return `<g class="alert-bar" data-alert="${esc(r.alert)}" data-pending="${r.pendingSeconds}"${firingFrom !== undefined ? ` data-firing="${firingFrom}"` : ''}${r.resolvedSeconds !== undefined ? ` data-resolved="${r.resolvedSeconds}"` : ''}><title>${esc(`${r.alert}: ${r.happened}`)}</title>
<text x="${L - 8}" y="${y + h - 3}" text-anchor="end">${esc(r.alert)}</text>${pending}${firing}${open}</g>`;
  }).join('\n');
  const zero = x(0).toFixed(1);
  return `<svg class="alert-timeline" id="${id}" viewBox="0 0 ${W + 10} ${H}" role="img" aria-labelledby="${id}-title ${id}-desc">
<title id="${id}-title">Alert timeline, seconds from ${esc(t.faultLabel)}</title>
<desc id="${id}-desc">${esc(rows.map((r) => `${r.alert}: ${r.happened}`).join('; '))}.</desc>
${ticks.join('')}
<line class="axis" x1="${L}" y1="${H - B}" x2="${W - R}" y2="${H - B}"/>
<line class="fault" x1="${zero}" y1="${T - 14}" x2="${zero}" y2="${H - B}"/><text class="fault" x="${zero}" y="${T - 18}" text-anchor="${Number(zero) > W - 200 ? 'end' : 'start'}">${esc(`0: ${t.faultLabel}`)}</text>
${bars}
<text x="${W - R}" y="${H - 3}" text-anchor="end">seconds from ${esc(t.faultLabel)} →</text>
</svg>
<p class="alert-legend" aria-hidden="true"><span class="swatch pending"></span> pending (condition true, waiting out its for:) <span class="swatch firing"></span> firing (paging) · the bar ends where it resolved; ▶ still active when the drill ended</p>`;
}

function alertResultCell(r: AlertRow): Cell {
  if (r.result === 'recorded') return c('recorded', { value: 'recorded' });
  return passCell(r.result === 'pass', 'as expected', 'not as expected');
}

function forCell(r: AlertRow): Cell {
  const rule = r.ruleForSeconds === r.forSeconds ? 'as in the rule' : `rule: ${fmtDuration(r.ruleForSeconds)}`;
  return c(`${fmtDuration(r.forSeconds)} (${rule})`, { num: true, value: r.forSeconds });
}

/** Which alerts never fired, naming those the drill expected to stay silent (and any it expected to fire that did not). */
function silentSentence(rows: AlertRow[]): string {
  const names = (xs: AlertRow[]) => xs.map((r) => `<b>${esc(r.alert)}</b>${r.active ? ` (${esc(r.happened)})` : ''}`).join(', ');
  const quiet = rows.filter((r) => !r.fired);
  const parts: string[] = [];
  const expected = quiet.filter((r) => r.expected === 'silent');
  const missed = quiet.filter((r) => r.expected === 'fire');
  const other = quiet.filter((r) => r.expected === 'any');
  if (expected.length) parts.push(`${names(expected)}, as the drill expected`);
  if (other.length) parts.push(`${names(other)} (not judged)`);
  const text = parts.length ? `Stayed silent (never fired): ${parts.join('; also ')}.` : 'Every alert rule fired.';
  return `${text}${missed.length ? ` <span class="bad">Expected to fire but never did: ${names(missed)}.</span>` : ''}`;
}

function drillAlertsPart(i: number, d: ReportModel['drills'][number], t: DrillAlerts): string {
  const id = `drill-${i}-alerts`;
  const shortened = [...new Set(t.rows.filter((r) => r.forSeconds !== r.ruleForSeconds).map((r) => r.forSeconds))];
  const what = `When each alert rule of monitoring/alert-rules.yml went pending, fired and resolved under a real Prometheus during the drill, in seconds from ${t.faultLabel} (0 on the axis), and whether that is what the drill expected${shortened.length ? ` (the drill shortened every non-zero for: to ${shortened.map((s) => fmtDuration(s)).join(', ')}; the rule's own is beside it)` : ''}.`;
  const activeCount = t.rows.filter((r) => r.active).length;
  const timeline = activeCount ? alertTimelineSvg(`${id}-timeline`, t) : '<p class="note">No alert left inactive during the drill, so there is no timeline to draw.</p>';
  const rows = table(`${id}-table`, `${d.title}: alerts (seconds from ${t.faultLabel})`, ['Alert', 'Severity', 'Expected', c('Pending at', { num: true }), c('Firing at', { num: true }), c('Resolved at', { num: true }), c('for: (drill, rule)', { num: true }), 'What happened', 'Result'],
    t.rows.map((r) => [c(r.alert), c(r.severity), c(r.expectation, { value: r.expected }), c(fmtFromFault(r.pendingSeconds), { num: true, value: r.pendingSeconds }), c(fmtFromFault(r.firingSeconds), { num: true, value: r.firingSeconds }),
      c(fmtFromFault(r.resolvedSeconds), { num: true, value: r.resolvedSeconds }), forCell(r), c(r.outcome, { value: r.state }), alertResultCell(r)]));
  return `<div class="drill-alerts" id="${id}">
<h4 id="${id}-title">Alerts during the fault</h4>
<p class="what">${esc(what)}</p>
${timeline}
<p id="${id}-silent">${silentSentence(t.rows)}</p>
${rows}
</div>`;
}

function drillsPanel(m: ReportModel): string {
  const inner = m.drills.map((d, i) => {
    const objectives = table(`drill-${i}-objectives`, `${d.title}: objectives`, ['Objective', 'Target', 'Observed', 'Result', 'Detail'],
      d.objectives.map((o) => [c(o.name), c(humanizeSeconds(o.target)), c(humanizeSeconds(o.observed)), passCell(o.passed, 'met', 'missed'), c(o.detail ?? '')]));
    const steps = table(`drill-${i}-steps`, `${d.title}: steps`, ['Step', c('Duration', { num: true }), 'Status', 'Output'],
      d.steps.map((s) => [c(s.title), n(s.durationMs, 'ms'), { text: s.status, cls: s.status === 'ok' ? 'ok' : s.status === 'failed' ? 'bad' : '', value: s.status }, c(s.output.length > 400 ? `${s.output.slice(0, 400)}…` : s.output)]));
    return `<h3 id="drill-${i}-title">${esc(d.title)} (${esc(d.drill)}): <span class="${d.verdict === 'pass' ? 'ok' : 'bad'}" data-drill-verdict="${esc(d.verdict)}">${esc(d.verdict)}</span></h3>
<p>Hypothesis: ${esc(d.hypothesis)}${d.error ? ` Error: ${esc(d.error)}` : ''}</p>
${objectives}${m.drillAlerts[d.drill] ? drillAlertsPart(i, d, m.drillAlerts[d.drill]!) : ''}${steps}`;
  }).join('\n');
  return panel('drills', 'Disaster-recovery drills', `Each drill's hypothesis, its recovery objectives (RTO, RPO, ...) against their targets${Object.keys(m.drillAlerts).length ? ', the alerts it raised' : ''}, and the steps it took.`, inner, 'long');
}

export function renderBody(m: ReportModel): string {
  const panels = [
    verdictPanel(m), factsPanel(m), thresholdsPanel(m), figuresPanel(m), chartsPanel(m), distributionPanel(m),
    endpointsPanel(m), timingPanel(m), checksPanel(m),
  ];
  // The baseline sits beside the verdict when it decided it (a regression failed the run).
  if (m.baseline && m.verdict.regressions > 0) panels.splice(1, 0, baselinePanel(m));
  else if (m.baseline) panels.push(baselinePanel(m));
  if (m.smoke) panels.push(smokePanel(m));
  if (m.drills.length) panels.push(drillsPanel(m));
  return `<main>
${panels.join('\n')}
</main>
<footer>Generated by shipcheck at ${esc(m.generatedAt)} from ${esc(m.source)}. This file is self-contained: it loads nothing from the network.</footer>`;
}

/** The chart data as the page script expects it: gzip, then base64. */
export function encodeChartData(m: ReportModel): string {
  if (!m.charts) return '';
  return zlib.gzipSync(JSON.stringify(m.charts), { level: 9 }).toString('base64');
}

export async function renderHtml(m: ReportModel): Promise<string> {
  return fillTemplate(await reportTemplate(), { title: esc(m.title), body: renderBody(m), data: encodeChartData(m) });
}
