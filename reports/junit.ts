/**
 * junit.xml for CI: one suite per stage (the gate's stages, or load / scripts / smoke /
 * drills), with timestamps and durations; one testcase per threshold, check, baseline rule,
 * smoke test, accessibility scan, drill objective and drill alert expectation. A failure
 * says what was observed and what the limit was; a check that could not run is an
 * `error`, so CI tells a broken harness from a failed deployment.
 */
import type { AlertRow, DrillAlerts, ReportModel } from './model.ts';
import { fmtDelta, fmtPct, fmtValue, humanizeSeconds } from './format.ts';

/** XML-safe text: escaped, and without the control characters XML 1.0 forbids. */
function x(s: unknown): string {
  return String(s)
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '')
    .replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[ch]!);
}

interface Case {
  classname: string;
  name: string;
  timeS?: number;
  failure?: { message: string; body?: string; type: string };
  /** The check could not run (a harness error): JUnit's `error`, which CI tools keep apart from failures. */
  error?: { message: string; body?: string; type: string };
  skipped?: string;
}

interface Suite { name: string; cases: Case[]; timestamp?: string; timeS?: number }

/** ISO 8601 as Playwright's JUnit reporter writes it; CI tools parse this form. */
function stamp(iso: string | undefined): string {
  if (!iso) return '';
  const ms = Date.parse(iso);
  return Number.isFinite(ms) ? ` timestamp="${new Date(ms).toISOString()}"` : '';
}

function renderCase(c: Case): string {
  const open = `    <testcase classname="${x(c.classname)}" name="${x(c.name)}" time="${(c.timeS ?? 0).toFixed(3)}"`;
  if (c.error) return `${open}>\n      <error message="${x(c.error.message)}" type="${x(c.error.type)}">${x(c.error.body ?? c.error.message)}</error>\n    </testcase>`;
  if (c.failure) return `${open}>\n      <failure message="${x(c.failure.message)}" type="${x(c.failure.type)}">${x(c.failure.body ?? c.failure.message)}</failure>\n    </testcase>`;
  if (c.skipped !== undefined) return `${open}>\n      <skipped message="${x(c.skipped)}"/>\n    </testcase>`;
  return `${open}/>`;
}

function suite(s: Suite): string {
  const failures = s.cases.filter((c) => c.failure && !c.error).length;
  const errors = s.cases.filter((c) => c.error).length;
  const skipped = s.cases.filter((c) => c.skipped !== undefined).length;
  const time = s.timeS ?? s.cases.reduce((a, c) => a + (c.timeS ?? 0), 0);
  return `  <testsuite name="${x(s.name)}" tests="${s.cases.length}" failures="${failures}" errors="${errors}" skipped="${skipped}" time="${time.toFixed(3)}"${stamp(s.timestamp)}>\n${s.cases.map(renderCase).join('\n')}\n  </testsuite>`;
}

function thresholdCases(m: ReportModel, source: string | undefined): Case[] {
  return m.thresholds.filter((t) => t.source === source).map((t) => {
    const observed = fmtValue(t.observed, t.unit);
    const limit = t.limit !== undefined ? `${t.operator} ${fmtValue(t.limit, t.unit)}` : t.expression;
    return {
      classname: `thresholds.${t.source ? `script.${t.source}.` : ''}${t.metric}`,
      name: t.label ? `${t.expression} (${t.label})` : t.expression,
      failure: t.ok ? undefined : { type: 'threshold', message: `${t.source ? `script ${t.source}: ` : ''}${t.metric} ${t.expression}: observed ${observed}, limit ${limit}${t.label ? ` (${t.label})` : ''}`, body: `observed=${t.observed ?? 'n/a'} limit=${t.limit ?? 'n/a'} operator=${t.operator ?? 'n/a'}${t.margin ? ` margin=${t.margin.absolute}` : ''}` },
    };
  });
}

function loadCases(m: ReportModel): Case[] {
  const cases = thresholdCases(m, undefined);
  cases.push(...m.checks.map((k) => {
    const total = k.passes + k.fails;
    const rate = total ? (k.passes / total) * 100 : 100;
    return {
      classname: `checks.${k.group || 'root'}`,
      name: k.name,
      failure: k.ok ? undefined : { type: 'check', message: `${k.name}: observed ${fmtPct(rate)} passed (${k.passes} of ${total}), limit ${fmtPct(k.limitPct)}` },
    };
  }));
  if (m.baseline) {
    for (const r of [...m.baseline.rows, ...m.baseline.endpoints].filter((b) => b.rule)) {
      cases.push({
        classname: r.endpoint !== undefined ? `baseline.endpoint.${r.endpoint}` : 'baseline',
        name: r.label,
        failure: r.regression ? { type: 'regression', message: `${r.label}: observed ${fmtValue(r.current, r.unit)} (${fmtDelta(r.delta, r.unit)} against baseline ${fmtValue(r.baseline, r.unit)}), limit: ${r.rule}` } : undefined,
      });
    }
  }
  return cases;
}

function smokeCases(m: ReportModel): Case[] {
  if (!m.smoke) return [];
  const cases: Case[] = m.smoke.tests.map((t) => ({
    classname: `smoke.${t.file}`,
    name: t.title,
    timeS: t.durationMs / 1000,
    skipped: t.status === 'skipped' ? 'skipped' : undefined,
    failure: t.status === 'failed' || t.status === 'timedOut' || t.status === 'interrupted'
      ? { type: `smoke ${t.status}`, message: `${t.title}: observed ${t.status}, limit passed`, body: `${t.error ?? t.status}${m.traces[t.title] ? `\ntrace: ${m.traces[t.title]}` : ''}` } : undefined,
  }));
  const failOn = new Set(m.smoke.policy?.failOn ?? ['critical', 'serious']);
  cases.push(...m.smoke.a11y.map((p) => {
    const bad = Object.entries(p.violations).filter(([impact, k]) => failOn.has(impact) && k > 0);
    return {
      classname: 'accessibility',
      name: `${p.page} (${p.url})`,
      failure: bad.length ? { type: 'axe', message: `${p.page}: observed ${bad.map(([i, k]) => `${k} ${i}`).join(', ')} violations, limit 0 ${[...failOn].join('/')}`, body: p.details.map((d) => `${d.id} (${d.impact}): ${d.help} — ${d.targets.join(', ')} — ${d.helpUrl}`).join('\n') } : undefined,
    };
  }));
  return cases;
}

/** An alert expectation as a testcase: what was expected of the alert and what it did, with its timeline. */
function alertCase(drill: string, t: DrillAlerts, r: AlertRow): Case {
  return {
    classname: `drills.${drill}.alerts`,
    name: r.objective ?? `alert ${r.alert} is expected to ${r.expectation}`,
    failure: r.result === 'fail' ? {
      type: 'alert expectation',
      message: `alert ${r.alert} (${r.severity}): expected to ${r.expectation}, but it was ${r.happened} (seconds from ${t.faultLabel})`,
      body: `expected=${r.expected} state=${r.state} pending=${r.pendingSeconds ?? 'never'} firing=${r.firingSeconds ?? 'never'} resolved=${r.resolvedSeconds ?? 'never'} for=${r.forSeconds}s rule_for=${r.ruleForSeconds}s`,
    } : undefined,
  };
}

function drillSuite(m: ReportModel, d: ReportModel['drills'][number]): Suite {
  // An alert expectation is already one of the drill's objectives (recordAlerts): its testcase takes that objective's place, so nothing counts twice.
  const alerts = m.drillAlerts[d.drill];
  const judged = alerts?.rows.filter((r) => r.expected !== 'any') ?? [];
  const cases: Case[] = d.objectives.map((o) => {
    const alert = judged.find((r) => r.objective === o.name);
    if (alert) return alertCase(d.drill, alerts!, alert);
    return {
      classname: `drills.${d.drill}`,
      name: o.name,
      failure: o.passed ? undefined : { type: 'drill objective', message: `${o.name}: observed ${humanizeSeconds(o.observed)}, limit ${humanizeSeconds(o.target)}`, body: o.detail ?? '' },
    };
  });
  // Expectations a journal recorded without an objective still get their testcase.
  for (const r of judged.filter((x) => x.objective === undefined)) cases.push(alertCase(d.drill, alerts!, r));
  if (d.verdict === 'error') cases.push({ classname: `drills.${d.drill}`, name: 'drill completed', error: { type: 'harness error', message: `${d.drill}: the drill could not complete`, body: d.error ?? '' } });
  const clock = m.clocks[`drill ${d.drill}`];
  return { name: `drill ${d.drill}`, cases, timestamp: clock?.startedAt, timeS: clock?.seconds };
}

/** One suite per stage: the gate's stages in its order (a stage that could not run is an `error`), then the drills. */
function stageSuites(m: ReportModel): Suite[] {
  const suites: Suite[] = [];
  const withClock = (name: string, cases: Case[], clockKey = name): Suite => ({ name, cases, timestamp: m.clocks[clockKey]?.startedAt, timeS: m.clocks[clockKey]?.seconds });
  const stageCases = (name: string): Case[] => (name === 'smoke' ? smokeCases(m) : name === 'load' ? loadCases(m) : name.startsWith('script ') ? thresholdCases(m, name.slice('script '.length)) : []);
  if (m.verdict.stages.length) {
    for (const stage of m.verdict.stages) {
      let cases = stageCases(stage.name);
      if (stage.status === 'error') cases = [...cases, { classname: `gate.${stage.name}`, name: `${stage.name} ran`, error: { type: 'harness error', message: `${stage.name} could not run: ${stage.detail}` } }];
      else if (stage.status === 'interrupted') cases = [...cases, { classname: `gate.${stage.name}`, name: `${stage.name} ran to its end`, error: { type: 'interrupted', message: `${stage.name} was interrupted: the results cover only what ran before` } }];
      else if (stage.status === 'skipped') cases = [{ classname: `gate.${stage.name}`, name: `${stage.name} ran`, skipped: stage.detail }];
      else if (stage.status === 'fail' && cases.every((c) => !c.failure)) cases = [...cases, { classname: `gate.${stage.name}`, name: `${stage.name} passed`, failure: { type: 'stage', message: `${stage.name}: ${stage.detail}` } }];
      suites.push(withClock(stage.name, cases));
    }
  } else {
    const load = loadCases(m);
    if (load.length) {
      // A run that could not be judged (setup timeout, script error, …) is a harness error, not a failed deployment.
      if (m.verdict.status === 'error' || m.verdict.status === 'interrupted') load.push({ classname: 'run', name: 'the run completed', error: { type: m.verdict.status === 'error' ? 'harness error' : 'interrupted', message: m.verdict.reasons.join('; ') || `exit code ${m.verdict.exitCode}` } });
      suites.push(withClock('load', load));
    }
    for (const name of [...new Set(m.thresholds.map((t) => t.source).filter((s): s is string => s !== undefined))]) suites.push(withClock(`script ${name}`, thresholdCases(m, name)));
    if (m.smoke) suites.push(withClock('smoke', smokeCases(m)));
  }
  for (const d of m.drills) suites.push(drillSuite(m, d));
  return suites;
}

export function renderJunit(m: ReportModel): string {
  const suites = stageSuites(m).filter((s) => s.cases.length > 0);
  const all = suites.flatMap((s) => s.cases);
  const failures = all.filter((c) => c.failure && !c.error).length;
  const errors = all.filter((c) => c.error).length;
  const time = suites.reduce((a, s) => a + (s.timeS ?? s.cases.reduce((b, c) => b + (c.timeS ?? 0), 0)), 0);
  return `<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="${x(m.title)}" tests="${all.length}" failures="${failures}" errors="${errors}" time="${time.toFixed(3)}"${stamp(m.clocks.load?.startedAt ?? Object.values(m.clocks)[0]?.startedAt)}>
${suites.map(suite).join('\n')}
</testsuites>
`;
}
