/**
 * The end-of-test text summary in k6's default ("compact") layout: a THRESHOLDS section (each
 * metric with ✓/✗ per expression and the observed value), then TOTAL RESULTS with the checks
 * block and the metrics by category (CUSTOM, HTTP, EXECUTION, NETWORK, ...), names padded with
 * dots to one column, trend statistics in aligned columns, counters with their rate per second,
 * gauges with min/max and rates as percentages with "x out of y".
 */
import type { K6SummaryData, K6SummaryMetric, K6Check } from '../../harness/result-types.ts';
import type { ThresholdOutcome } from '../metrics/types.ts';
import { flattenChecks } from '../metrics/group-tree.ts';

export interface TextSummaryOptions {
  /** Default: colors when noColor is false and stdout is a TTY (as k6 decides). */
  enableColors?: boolean;
  /** The last threshold evaluation: supplies p(N) values that summaryTrendStats does not list. */
  outcomes?: readonly ThresholdOutcome[];
}

// ------------------------------------------------------------------ value formatting (k6's rules)

/** Rates truncate (not round) to two decimals, so 99.999 % never shows as 100.00 %. */
export function humanizeRate(v: number): string {
  return (Math.trunc(v * 100 * 100) / 100).toFixed(2) + '%';
}

export function humanizeBytes(bytes: number): string {
  if (bytes < 10) return `${bytes} B`;
  const units = ['B', 'kB', 'MB', 'GB', 'TB', 'PB', 'EB', 'ZB', 'YB'];
  const e = Math.floor(Math.log(bytes) / Math.log(1000));
  const v = Math.floor((bytes / 1000 ** e) * 10 + 0.5) / 10;
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[e]}`;
}

function trimmedFixed(v: number, digits: number): string {
  return String(parseFloat(v.toFixed(digits)));
}

function truncatedFixed(v: number, digits: number): string {
  const m = 10 ** digits;
  return trimmedFixed(Math.trunc(v * m) / m, digits);
}

/** Milliseconds to k6's human form: 0s, 850ns, 12.5µs, 140.36ms, 2.5s, 1m30s, 1h2m3s. */
export function humanizeDuration(ms: number, timeUnit = ''): string {
  const fixed: Record<string, [string, number]> = { s: ['s', 0.001], ms: ['ms', 1], us: ['µs', 1000] };
  if (timeUnit !== '' && fixed[timeUnit]) return (ms * fixed[timeUnit][1]).toFixed(2) + fixed[timeUnit][0];
  if (ms === 0) return '0s';
  if (ms < 0.001) return `${Math.trunc(ms * 1e6)}ns`;
  if (ms < 1) return `${truncatedFixed(ms * 1000, 2)}µs`;
  if (ms < 1000) return `${truncatedFixed(ms, 2)}ms`;
  let out = `${truncatedFixed((ms % 60_000) / 1000, ms > 60_000 ? 0 : 2)}s`;
  let rest = Math.trunc(ms / 60_000);
  if (rest < 1) return out;
  out = `${rest % 60}m${out}`;
  rest = Math.trunc(rest / 60);
  return rest < 1 ? out : `${rest}h${out}`;
}

export function humanizeValue(v: number, metric: Pick<K6SummaryMetric, 'type' | 'contains'>, timeUnit = ''): string {
  if (metric.type === 'rate') return humanizeRate(v);
  if (metric.contains === 'data') return humanizeBytes(v);
  if (metric.contains === 'time') return humanizeDuration(v, timeUnit);
  return trimmedFixed(v, 6);
}

// ------------------------------------------------------------------ colors

type Color = 'green' | 'red' | 'cyan' | 'white';
const COLOR_CODE: Record<Color, string> = { red: '31', green: '32', cyan: '36', white: '37' };

class Paint {
  constructor(private readonly on: boolean) {}
  color(text: string, color: Color, faint = false): string {
    if (!this.on) return text;
    return `\x1b[${faint ? '2;' : ''}${COLOR_CODE[color]}m${text}\x1b[0m`;
  }
  bold(text: string): string {
    return this.on ? `\x1b[1m${text}\x1b[0m` : text;
  }
}

// ------------------------------------------------------------------ layout

const SECTIONS = ['custom', 'http', 'execution', 'network', 'browser', 'webvitals', 'grpc', 'websocket'] as const;
type Section = (typeof SECTIONS)[number];

const HTTP = ['http_reqs', 'http_req_failed', 'http_req_duration', 'http_req_blocked', 'http_req_connecting', 'http_req_tls_handshaking', 'http_req_sending', 'http_req_waiting', 'http_req_receiving'];
const EXECUTION = ['vus', 'vus_max', 'iterations', 'iteration_duration', 'dropped_iterations'];
const NETWORK = ['data_sent', 'data_received'];
/** Left out of the compact summary: the checks metric has its own block; the HTTP phases are detail. */
const SKIPPED = ['checks', 'group_duration', 'http_req_blocked', 'http_req_connecting', 'http_req_receiving', 'http_req_sending', 'http_req_tls_handshaking', 'http_req_waiting'];

// k6 classifies by prefix, so sub-metrics ("http_req_duration{...}") follow their parent.
const startsWithAny = (name: string, prefixes: string[]) => prefixes.some((p) => name.startsWith(p));

function sectionOf(name: string): Section | undefined {
  if (startsWithAny(name, SKIPPED)) return undefined;
  if (startsWithAny(name, HTTP)) return 'http';
  if (startsWithAny(name, EXECUTION)) return 'execution';
  if (startsWithAny(name, NETWORK)) return 'network';
  if (name.startsWith('browser_web_vital_')) return 'webvitals';
  if (name.startsWith('browser_')) return 'browser';
  if (name.startsWith('grpc_')) return 'grpc';
  if (name.startsWith('ws_')) return 'websocket';
  return 'custom';
}

const parentOf = (name: string) => name.split('{', 1)[0];

/** By parent name, then sub-metric selector, so sub-metrics sit under their parent. */
function byMetricName(a: string, b: string): number {
  const pa = parentOf(a);
  const pb = parentOf(b);
  return pa.localeCompare(pb) || a.slice(pa.length).localeCompare(b.slice(pb.length));
}

/** "metric{k:v}" shows as "{ k:v }" under its parent. */
function displayName(name: string): string {
  const i = name.indexOf('{');
  return i >= 0 ? `{ ${name.slice(i + 1, -1)} }` : name;
}

const INDENT = '    ';
const SUB_INDENT = '  ';
const MIN_NAME_COLUMN = 35;

interface Row { name: string; metric: K6SummaryMetric }

interface Columns {
  nameWidth: number;
  trendWidths: number[];
  valueWidth: number;
  extraWidths: number[];
}

function nonTrendParts(m: K6SummaryMetric, timeUnit: string): string[] {
  const v = m.values;
  switch (m.type) {
    case 'counter': return [humanizeValue(v.count ?? 0, m, timeUnit), `${humanizeValue(v.rate ?? 0, m, timeUnit)}/s`];
    case 'gauge': return [humanizeValue(v.value ?? 0, m, timeUnit), `min=${humanizeValue(v.min ?? 0, m, timeUnit)}`, `max=${humanizeValue(v.max ?? 0, m, timeUnit)}`];
    case 'rate': return [humanizeValue(v.rate ?? 0, m, timeUnit), `${v.passes ?? 0} out of ${(v.passes ?? 0) + (v.fails ?? 0)}`];
    default: return ['[no data]'];
  }
}

function trendCells(m: K6SummaryMetric, stats: readonly string[], timeUnit: string): string[] {
  return stats.map((s) => {
    const v = m.values[s];
    if (v === undefined) return '-';
    return s === 'count' ? String(v) : humanizeValue(v, m, timeUnit);
  });
}

function measure(rows: Row[], stats: readonly string[], timeUnit: string, into: Columns): void {
  for (const { name, metric } of rows) {
    const indent = name.includes('{') ? SUB_INDENT.length : 0;
    into.nameWidth = Math.max(into.nameWidth, indent + displayName(name).length + 3);
    if (metric.type === 'trend') {
      trendCells(metric, stats, timeUnit).forEach((c, i) => { into.trendWidths[i] = Math.max(into.trendWidths[i] ?? 0, c.length); });
    } else {
      const [value, ...extras] = nonTrendParts(metric, timeUnit);
      into.valueWidth = Math.max(into.valueWidth, value.length);
      extras.forEach((e, i) => { into.extraWidths[i] = Math.max(into.extraWidths[i] ?? 0, e.length); });
    }
  }
}

function metricLine(row: Row, cols: Columns, stats: readonly string[], timeUnit: string, paint: Paint): string {
  const sub = row.name.includes('{') ? SUB_INDENT : '';
  const shown = displayName(row.name);
  const dots = '.'.repeat(Math.max(1, cols.nameWidth - sub.length - shown.length));
  let data: string;
  if (row.metric.type === 'trend') {
    data = trendCells(row.metric, stats, timeUnit)
      .map((c, i) => `${stats[i]}=${paint.color(c, 'cyan')}${' '.repeat(cols.trendWidths[i] - c.length)}`)
      .join(' ');
  } else {
    const [value, ...extras] = nonTrendParts(row.metric, timeUnit);
    data = paint.color(value, 'cyan') + ' '.repeat(cols.valueWidth - value.length);
    if (extras.length === 1) data += ' ' + paint.color(extras[0], 'cyan', true);
    else if (extras.length > 1) {
      data += ' ' + extras.map((e, i) => paint.color(e, 'cyan', true) + ' '.repeat(cols.extraWidths[i] - e.length)).join(' ');
    }
  }
  return `${INDENT}${sub}${shown}${paint.color(dots + ':', 'white', true)} ${data}`.trimEnd();
}

/** The observed value a threshold line shows, e.g. "p(95)=148.21ms" or "rate=0.00%". */
function thresholdValue(name: string, m: K6SummaryMetric, expr: string, data: K6SummaryData, outcomes: readonly ThresholdOutcome[] | undefined): string {
  const agg = expr.split(/[=><!]/, 1)[0].trim();
  const unit = data.options.summaryTimeUnit;
  let v: number | undefined;
  if (m.type === 'trend') {
    v = m.values[agg] ?? (agg === 'med' ? m.values['p(50)'] : undefined);
    if (v === undefined) v = outcomes?.find((o) => o.metric === name && o.expression === expr)?.observed ?? outcomes?.find((o) => o.expression === expr && o.metric.replace(/\s/g, '') === name.replace(/\s/g, ''))?.observed;
    return `${agg}=${v === undefined ? '-' : humanizeValue(v, m, unit)}`;
  }
  if (m.type === 'counter') {
    return agg === 'count' ? `${agg}=${humanizeValue(m.values.count ?? 0, m, unit)}` : `${agg}=${humanizeValue(m.values.rate ?? 0, m, unit)}/s`;
  }
  if (m.type === 'gauge') return `${agg}=${humanizeValue(m.values.value ?? 0, m, unit)}`;
  return `${agg}=${humanizeValue(m.values.rate ?? 0, m, unit)}`;
}

/** Checks of the whole tree, same names combined, in first-seen order (k6 lists them flat). */
function combinedChecks(data: K6SummaryData): K6Check[] {
  const byName = new Map<string, K6Check>();
  for (const c of flattenChecks(data.root_group)) {
    const seen = byName.get(c.name);
    if (seen) { seen.passes += c.passes; seen.fails += c.fails; } else byName.set(c.name, { ...c });
  }
  return [...byName.values()];
}

function checkLines(check: K6Check, paint: Paint): string[] {
  if (check.fails === 0) return [INDENT + paint.color(`✓ ${check.name}`, 'green')];
  const pct = Math.floor((100 * check.passes) / (check.passes + check.fails));
  return [
    INDENT + paint.color(`✗ ${check.name}`, 'red'),
    INDENT + '  ' + paint.color(`↳  ${pct}% — ✓ ${check.passes} / ✗ ${check.fails}`, 'red'),
  ];
}

export function renderTextSummary(data: K6SummaryData, options: TextSummaryOptions = {}): string {
  const paint = new Paint(options.enableColors ?? (!data.options.noColor && data.state.isStdOutTTY));
  const stats = data.options.summaryTrendStats;
  const unit = data.options.summaryTimeUnit;
  const out: string[] = [];
  const title = (t: string) => out.push('', `  █ ${paint.bold(t)}`, '');

  // THRESHOLDS
  const withThresholds = Object.keys(data.metrics).filter((n) => Object.keys(data.metrics[n].thresholds ?? {}).length > 0).sort(byMetricName);
  if (withThresholds.length) {
    title('THRESHOLDS');
    for (const name of withThresholds) {
      const m = data.metrics[name];
      const nested = name.includes('{') && withThresholds.includes(parentOf(name));
      const indent = INDENT + (nested ? SUB_INDENT : '');
      out.push(indent + (nested ? name.slice(parentOf(name).length) : name));
      for (const [expr, { ok }] of Object.entries(m.thresholds ?? {})) {
        const mark = ok ? paint.color('✓', 'green') : paint.color('✗', 'red');
        out.push(`${indent}${mark} ${paint.color(`'${expr}'`, 'white')} ${paint.color(thresholdValue(name, m, expr, data, options.outcomes), 'cyan')}`);
      }
      out.push('');
    }
  }

  // TOTAL RESULTS
  title('TOTAL RESULTS');
  const bySection = new Map<Section, Row[]>();
  for (const name of Object.keys(data.metrics).sort(byMetricName)) {
    const section = sectionOf(name);
    if (!section) continue;
    const rows = bySection.get(section) ?? [];
    rows.push({ name, metric: data.metrics[name] });
    bySection.set(section, rows);
  }
  const checks = data.metrics.checks;
  const checkRows: Row[] = [];
  if (checks && checks.type === 'rate') {
    const passes = checks.values.passes ?? 0;
    const fails = checks.values.fails ?? 0;
    const total = passes + fails;
    const seconds = data.state.testRunDurationMs / 1000;
    checkRows.push(
      { name: 'checks_total', metric: { type: 'counter', contains: 'default', values: { count: total, rate: seconds > 0 ? total / seconds : 0 } } },
      { name: 'checks_succeeded', metric: { type: 'rate', contains: 'default', values: { rate: total ? passes / total : 0, passes, fails } } },
      { name: 'checks_failed', metric: { type: 'rate', contains: 'default', values: { rate: total ? fails / total : 0, passes: fails, fails: passes } } },
    );
  }
  // One name column for everything; value columns shared by the metric sections, the checks block aligned on its own.
  const metricCols: Columns = { nameWidth: MIN_NAME_COLUMN, trendWidths: [], valueWidth: 0, extraWidths: [] };
  for (const rows of bySection.values()) measure(rows, stats, unit, metricCols);
  const checkCols: Columns = { nameWidth: MIN_NAME_COLUMN, trendWidths: [], valueWidth: 0, extraWidths: [] };
  measure(checkRows, stats, unit, checkCols);
  metricCols.nameWidth = checkCols.nameWidth = Math.max(metricCols.nameWidth, checkCols.nameWidth);

  if (checkRows.length) {
    for (const r of checkRows) out.push(metricLine(r, checkCols, stats, unit, paint));
    out.push('');
    for (const c of combinedChecks(data)) out.push(...checkLines(c, paint));
    out.push('');
  }
  for (const section of SECTIONS) {
    const rows = bySection.get(section);
    if (!rows?.length) continue;
    out.push(INDENT + paint.bold(section.toUpperCase()));
    for (const r of rows) out.push(metricLine(r, metricCols, stats, unit, paint));
    out.push('');
  }
  out.push('');
  return out.join('\n');
}

/** What k6 prints to stdout when the script has no handleSummary: the summary framed by blank lines. */
export function defaultSummaryStdout(data: K6SummaryData, options: TextSummaryOptions = {}): string {
  return `\n${renderTextSummary(data, options)}\n\n`;
}
