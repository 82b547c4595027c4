/**
 * The one verdict: whether a result folder passed, every reason why not, the exit code, and
 * each gate stage's status. The gate, report.html, junit.xml and summary.md all take it from
 * here, so they can never disagree (a baseline regression fails each of them alike).
 *
 * Exit codes: a gate folder answers 0 pass, 1 failed, 2 harness error, 105 interrupted; a load
 * folder keeps k6's (99 thresholds crossed, 104/107/108 as the engine said); other folders 0/1/2.
 */
import type { DrillJournal, GateRecord, RunMeta, SmokeResult } from '../harness/result-types.ts';
import { fmtDelta, fmtValue, humanizeSeconds } from './format.ts';
import type { BaselineRow, ThresholdRow } from './model.ts';

export type VerdictStatus = 'pass' | 'fail' | 'error' | 'interrupted';

export interface StageVerdict { name: string; status: VerdictStatus | 'skipped'; detail: string }

export interface Verdict {
  status: VerdictStatus;
  exitCode: number;
  reasons: string[];
  failedThresholds: number;
  regressions: number;
  failedSuites: string[];
  /** The gate's stages with their status (empty outside a gate folder). */
  stages: StageVerdict[];
}

export interface VerdictInput {
  /** Every threshold row: the main run's and, with `source` set, each of the target's own scripts'. */
  thresholds: ThresholdRow[];
  smoke?: SmokeResult;
  drills: DrillJournal[];
  baseline?: BaselineRow[];
  gate?: GateRecord;
  meta?: RunMeta;
  /** The target's name, put first in every reason. */
  targetName?: string;
}

/** Exit codes that mean the run could not be judged (k6's setup/teardown timeouts, invalid config, interrupt, script error). */
const HARNESS_EXIT_CODES = new Set([2, 100, 101, 104, 105, 107]);
const INTERRUPTED = 105;
/** exec.test.abort(): the script stopped the test on purpose (a target that is down, keys it refuses). */
const SCRIPT_ABORTED = 108;

/** A test's error in one line: its first lines joined (a list of problems stays whole), at most `max` characters. */
function gist(error: string, max = 400): string {
  const lines = error.replace(/^Error: /, '').split('\n').map((l) => l.trim()).filter(Boolean);
  const end = lines.findIndex((l) => /^(Call log:|at |Expected:|Received:)/.test(l));
  const text = (end > 0 ? lines.slice(0, end) : lines).join(' ').replace(/\s+/g, ' ');
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function thresholdReason(t: ThresholdRow): string {
  const observed = t.observed !== undefined && t.limit !== undefined
    ? `${t.aggregate ?? 'value'} was ${fmtValue(t.observed, t.unit)}, limit ${t.operator} ${fmtValue(t.limit, t.unit)}`
    : 'crossed';
  return `${t.source ? `script ${t.source}: ` : ''}${t.label ?? t.metric}: ${observed} (threshold "${t.expression}" on ${t.metric})`;
}

function smokeFailures(smoke: SmokeResult): string[] {
  return smoke.tests
    .filter((t) => t.status === 'failed' || t.status === 'timedOut' || t.status === 'interrupted')
    .map((t) => `smoke: ${t.title}${t.error ? ` — ${gist(t.error)}` : ` (${t.status})`}`);
}

function a11yFailures(smoke: SmokeResult): string[] {
  const failOn = new Set(smoke.policy?.failOn ?? ['critical', 'serious']);
  return smoke.a11y
    .filter((p) => Object.entries(p.violations).some(([impact, n]) => failOn.has(impact) && n > 0))
    .map((p) => `accessibility: page ${p.page} (${p.url}) has ${p.details.filter((d) => failOn.has(d.impact ?? '')).map((d) => d.id).join(', ') || 'violations'} (${[...failOn].join('/')})`);
}

/** A stage that ran: its status from its own results. */
function judgeRanStage(stage: GateRecord['stages'][number], input: VerdictInput): StageVerdict {
  const code = stage.exitCode;
  if (code === INTERRUPTED) return { name: stage.name, status: 'interrupted', detail: 'interrupted' };
  if (stage.name === 'smoke') {
    const s = input.smoke;
    if (!s) return { name: stage.name, status: 'error', detail: 'no smoke.json was written' };
    const failed = s.failed > 0 || a11yFailures(s).length > 0;
    return { name: stage.name, status: failed ? 'fail' : code === 0 || code === 1 ? 'pass' : 'error', detail: `${s.passed} passed, ${s.failed} failed` };
  }
  const source = stage.name.startsWith('script ') ? stage.name.slice('script '.length) : undefined;
  const rows = input.thresholds.filter((t) => t.source === source);
  const crossed = rows.filter((t) => !t.ok).length;
  if (code !== undefined && HARNESS_EXIT_CODES.has(code)) return { name: stage.name, status: 'error', detail: stage.detail ? `exit ${code}: ${stage.detail}` : `the engine exited ${code}` };
  if (code === SCRIPT_ABORTED) return { name: stage.name, status: 'fail', detail: `the script aborted the test${stage.detail ? `: ${stage.detail}` : ''}` };
  if (crossed) return { name: stage.name, status: 'fail', detail: `${crossed} of ${rows.length} thresholds crossed` };
  if (code !== undefined && code !== 0 && code !== 99) return { name: stage.name, status: 'error', detail: `the engine exited ${code}` };
  return { name: stage.name, status: 'pass', detail: `all ${rows.length} thresholds passed` };
}

export function decideVerdict(input: VerdictInput): Verdict {
  const reasons: string[] = [];
  const failedSuites: string[] = [];
  const failedThresholds = input.thresholds.filter((t) => !t.ok);
  for (const t of failedThresholds) reasons.push(thresholdReason(t));
  if (input.smoke) {
    const tests = smokeFailures(input.smoke);
    if (tests.length) { failedSuites.push('smoke'); reasons.push(...tests); }
    const a11y = a11yFailures(input.smoke);
    if (a11y.length) { failedSuites.push('accessibility'); reasons.push(...a11y); }
  }
  for (const d of input.drills) {
    if (d.verdict === 'pass') continue;
    failedSuites.push(`drill ${d.drill}`);
    const missed = d.objectives.filter((o) => !o.passed).map((o) => `${o.name} (${humanizeSeconds(o.observed)}, target ${humanizeSeconds(o.target)})`);
    reasons.push(`drill ${d.drill}: ${d.verdict}${missed.length ? ` — ${missed.join('; ')}` : d.error ? ` — ${d.error}` : ''}`);
  }
  const regressions = input.baseline?.filter((r) => r.regression) ?? [];
  for (const r of regressions) {
    const pct = r.deltaPct !== undefined ? `, ${r.deltaPct > 0 ? '+' : ''}${r.deltaPct.toFixed(1)} %` : '';
    reasons.push(`regression against the baseline: ${r.label} ${fmtValue(r.current, r.unit)} vs ${fmtValue(r.baseline, r.unit)} (${fmtDelta(r.delta, r.unit)}${pct}; ${r.rule})`);
  }

  const stages: StageVerdict[] = [];
  let harnessError = input.drills.some((d) => d.verdict === 'error');
  let interrupted = false;
  if (input.gate) {
    for (const stage of input.gate.stages) {
      let v: StageVerdict;
      if (stage.outcome === 'skipped') v = { name: stage.name, status: 'skipped', detail: stage.detail ?? 'skipped' };
      else if (stage.outcome === 'interrupted') v = { name: stage.name, status: 'interrupted', detail: stage.detail ?? 'interrupted' };
      else if (stage.outcome === 'error') v = { name: stage.name, status: 'error', detail: stage.detail ?? 'could not run' };
      else v = judgeRanStage(stage, input);
      // What the gate found beyond the thresholds (a target that stopped answering) fails the stage, with its reason.
      if (stage.failure && v.status !== 'interrupted' && v.status !== 'error') { v = { ...v, status: 'fail', detail: stage.failure }; reasons.push(`${stage.name}: ${stage.failure}`); }
      stages.push(v);
      if (v.status === 'error') { harnessError = true; reasons.push(`${stage.name} could not run: ${v.detail}`); }
      if (v.status === 'interrupted') interrupted = true;
      if (v.status === 'fail' && stage.exitCode === SCRIPT_ABORTED) reasons.push(`${stage.name}: ${v.detail}`);
    }
  } else if (input.meta?.exitCode !== undefined) {
    if (input.meta.exitCode === INTERRUPTED) interrupted = true;
    else if (HARNESS_EXIT_CODES.has(input.meta.exitCode)) harnessError = true;
    else if (input.meta.exitCode === SCRIPT_ABORTED && reasons.length === 0) reasons.push('the script aborted the test (exec.test.abort); its message is in the run output');
    if (input.meta.exitCode !== 0 && reasons.length === 0 && !interrupted) reasons.push(`the run exited with code ${input.meta.exitCode}`);
  }
  if (interrupted) reasons.unshift('the run was interrupted: the results cover only what ran before');

  const status: VerdictStatus = interrupted ? 'interrupted' : harnessError ? 'error' : reasons.length ? 'fail' : 'pass';
  let exitCode: number;
  if (input.gate) exitCode = { pass: 0, fail: 1, error: 2, interrupted: INTERRUPTED }[status];
  else if (status === 'interrupted') exitCode = INTERRUPTED;
  else if (status === 'error') exitCode = input.meta?.exitCode && HARNESS_EXIT_CODES.has(input.meta.exitCode) ? input.meta.exitCode : 2;
  else if (status === 'fail') {
    const onlyThresholds = failedThresholds.length > 0 && failedSuites.length === 0 && regressions.length === 0;
    exitCode = input.meta?.exitCode === SCRIPT_ABORTED && failedThresholds.length === 0 ? SCRIPT_ABORTED : onlyThresholds ? 99 : 1;
  } else exitCode = 0;
  const prefix = input.targetName ? `${input.targetName}: ` : '';
  return {
    status, exitCode,
    reasons: reasons.map((r) => `${prefix}${r}`),
    failedThresholds: failedThresholds.length, regressions: regressions.length, failedSuites, stages,
  };
}
