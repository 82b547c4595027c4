/**
 * The comparison with a baseline run: which run it is (run id, commit, date, engine,
 * profile), whether it may be compared at all (same load shape or script, profile and
 * target), and every delta judged by one set of tolerances — the aggregate figures and each
 * endpoint alike, so a regression on one endpoint fails the verdict as an aggregate one does.
 */
import { fail } from '../harness/errors.ts';
import type { RunMeta } from '../harness/result-types.ts';
import type { ReportInput } from './load-input.ts';
import type { EndpointRow, KeyFigures, Unit } from './model.ts';

export interface Tolerance {
  /** p95 latency may grow by this many percent over the baseline. */
  p95Pct: number;
  /** Error rate may grow by this many percentage points. */
  errorRatePoints: number;
  /** Requests per second may fall by this many percent. */
  rpsPct: number;
}
export const DEFAULT_TOLERANCE: Tolerance = { p95Pct: 10, errorRatePoints: 0.5, rpsPct: 10 };

export interface BaselineRow {
  /** The figure compared: a KeyFigures key ("p95", "rps", ...). */
  key: string;
  label: string;
  unit: Unit;
  /** The endpoint (name tag) this row compares; absent for the run's aggregate figures. */
  endpoint?: string;
  current?: number;
  baseline?: number;
  delta?: number;
  deltaPct?: number;
  regression: boolean;
  /** The tolerance that judges this row; absent for figures shown for information only. */
  rule?: string;
}

export interface BaselineIdentity {
  source: string;
  runId?: string;
  gitCommit?: string;
  startedAt?: string;
  engine?: string;
  profile?: string;
  scenario?: string;
  targetName?: string;
}

export interface BaselineComparison {
  identity: BaselineIdentity;
  rows: BaselineRow[];
  endpoints: BaselineRow[];
  tolerance: Tolerance;
  /** What differs between the two runs when the comparison was forced (--force-baseline). */
  forcedDespite: string[];
}

const num = (x: unknown): number | undefined => (typeof x === 'number' && Number.isFinite(x) ? x : undefined);

/** Whether two runs measured the same thing; each difference in words. */
export function incomparabilities(current: RunMeta | undefined, baseline: RunMeta | undefined, currentTarget?: string, baselineTarget?: string): string[] {
  const out: string[] = [];
  const facts: Array<[string, string | undefined, string | undefined]> = [
    ['load shape or script (meta.json "scenario")', current?.scenario, baseline?.scenario],
    ['profile', current?.profile, baseline?.profile],
    ['target', currentTarget ?? current?.targetName, baselineTarget ?? baseline?.targetName],
  ];
  // A fact one run did not record cannot be compared; only two recorded, different values refuse.
  for (const [what, a, b] of facts) if (a !== undefined && b !== undefined && a !== b) out.push(`${what} is "${a}" here but "${b}" in the baseline`);
  return out;
}

/** Refuses a baseline that measured something else, unless forced; the differences otherwise. */
export function checkComparable(current: ReportInput, baseline: ReportInput, force: boolean): string[] {
  const diffs = incomparabilities(current.meta, baseline.meta, current.target?.name, baseline.target?.name);
  if (diffs.length && !force) throw fail('SHIPCHECK_ERR_BASELINE_NOT_COMPARABLE', { baseline: baseline.meta?.runId ?? baseline.source, differences: diffs.join('; ') });
  return diffs;
}

export function identityOf(b: ReportInput): BaselineIdentity {
  const m = b.meta;
  return { source: b.source, runId: m?.runId, gitCommit: m?.gitCommit, startedAt: m?.startedAt, engine: m?.engine, profile: m?.profile, scenario: m?.scenario, targetName: b.target?.name ?? m?.targetName };
}

type Judged = 'p95' | 'errorPct' | 'rps';

function judge(key: string, c: number | undefined, b: number | undefined, tol: Tolerance): { rule?: string; regression: boolean } {
  const both = c !== undefined && b !== undefined;
  switch (key as Judged) {
    case 'p95': return { rule: `p95 may grow by up to ${tol.p95Pct} %`, regression: both && c! > b! * (1 + tol.p95Pct / 100) };
    case 'errorPct': return { rule: `error rate may grow by up to ${tol.errorRatePoints} points`, regression: both && c! - b! > tol.errorRatePoints };
    case 'rps': return { rule: `requests per second may fall by up to ${tol.rpsPct} %`, regression: both && c! < b! * (1 - tol.rpsPct / 100) };
    default: return { regression: false };
  }
}

function row(key: string, label: string, unit: Unit, c: number | undefined, b: number | undefined, tol: Tolerance, endpoint?: string): BaselineRow {
  const r: BaselineRow = { key, label, unit, ...(endpoint !== undefined ? { endpoint } : {}), current: c, baseline: b, regression: false };
  if (c !== undefined && b !== undefined) {
    r.delta = c - b;
    r.deltaPct = b !== 0 ? ((c - b) / b) * 100 : undefined;
  }
  const j = judge(key, c, b, tol);
  r.regression = j.regression;
  if (j.rule) r.rule = j.rule;
  return r;
}

const COMPARED: Array<{ key: keyof KeyFigures; label: string; unit: Unit }> = [
  { key: 'requests', label: 'Requests', unit: 'count' },
  { key: 'rps', label: 'Requests per second', unit: 'perSecond' },
  { key: 'errorPct', label: 'Error rate', unit: 'pct' },
  { key: 'p50', label: 'Latency p50', unit: 'ms' },
  { key: 'p95', label: 'Latency p95', unit: 'ms' },
  { key: 'p99', label: 'Latency p99', unit: 'ms' },
  { key: 'max', label: 'Latency max', unit: 'ms' },
  { key: 'checksPassed', label: 'Checks passed', unit: 'count' },
  { key: 'droppedIterations', label: 'Dropped iterations', unit: 'count' },
  { key: 'vusMax', label: 'VUs max', unit: 'count' },
  { key: 'dataReceived', label: 'Data received', unit: 'bytes' },
];

export function compareBaseline(current: KeyFigures | undefined, baseline: KeyFigures | undefined, tol: Tolerance): BaselineRow[] {
  return COMPARED.map(({ key, label, unit }) => row(key, label, unit, num(current?.[key]), num(baseline?.[key]), tol));
}

const PER_ENDPOINT: Array<{ key: keyof EndpointRow & string; label: string; unit: Unit }> = [
  { key: 'p50', label: 'p50', unit: 'ms' },
  { key: 'p95', label: 'p95', unit: 'ms' },
  { key: 'p99', label: 'p99', unit: 'ms' },
  { key: 'errorPct', label: 'error rate', unit: 'pct' },
  { key: 'rps', label: 'requests per second', unit: 'perSecond' },
];

/** Each endpoint both runs called, figure by figure, under the aggregate's tolerances. */
export function compareEndpoints(current: EndpointRow[], baseline: EndpointRow[], tol: Tolerance): BaselineRow[] {
  const before = new Map(baseline.map((e) => [e.name, e]));
  const rows: BaselineRow[] = [];
  for (const e of current) {
    const b = before.get(e.name);
    if (!b) continue;
    for (const f of PER_ENDPOINT) rows.push(row(f.key, `${e.name} ${f.label}`, f.unit, num(e[f.key]), num(b[f.key]), tol, e.name));
  }
  return rows;
}
