/**
 * junit.xml for CI: one testcase per threshold, per check, per smoke test (and accessibility
 * scan), per drill objective and per baseline rule; a failure says what was observed and
 * what the limit was, so the CI's test view explains itself.
 */
import type { ReportModel } from './model.ts';
import { fmtDelta, fmtPct, fmtValue } from './format.ts';

/** XML-safe text: escaped, and without the control characters XML 1.0 forbids. */
function x(s: unknown): string {
  return String(s)
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '')
    .replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[ch]!);
}

interface Case { classname: string; name: string; timeS?: number; failure?: { message: string; body?: string; type: string }; skipped?: string }

function suite(name: string, cases: Case[]): string {
  const failures = cases.filter((c) => c.failure).length;
  const skipped = cases.filter((c) => c.skipped !== undefined).length;
  const time = cases.reduce((a, c) => a + (c.timeS ?? 0), 0);
  const body = cases.map((c) => {
    const open = `    <testcase classname="${x(c.classname)}" name="${x(c.name)}" time="${(c.timeS ?? 0).toFixed(3)}"`;
    if (c.failure) return `${open}>\n      <failure message="${x(c.failure.message)}" type="${x(c.failure.type)}">${x(c.failure.body ?? c.failure.message)}</failure>\n    </testcase>`;
    if (c.skipped !== undefined) return `${open}>\n      <skipped message="${x(c.skipped)}"/>\n    </testcase>`;
    return `${open}/>`;
  }).join('\n');
  return `  <testsuite name="${x(name)}" tests="${cases.length}" failures="${failures}" errors="0" skipped="${skipped}" time="${time.toFixed(3)}">\n${body}\n  </testsuite>`;
}

export function renderJunit(m: ReportModel): string {
  const suites: Array<[string, Case[]]> = [];
  suites.push(['thresholds', m.thresholds.map((t) => {
    const observed = fmtValue(t.observed, t.unit);
    const limit = t.limit !== undefined ? `${t.operator} ${fmtValue(t.limit, t.unit)}` : t.expression;
    return {
      classname: `thresholds.${t.source ? `script.${t.source}.` : ''}${t.metric}`,
      name: t.label ? `${t.expression} (${t.label})` : t.expression,
      failure: t.ok ? undefined : { type: 'threshold', message: `${t.source ? `script ${t.source}: ` : ''}${t.metric} ${t.expression}: observed ${observed}, limit ${limit}${t.label ? ` (${t.label})` : ''}`, body: `observed=${t.observed ?? 'n/a'} limit=${t.limit ?? 'n/a'} operator=${t.operator ?? 'n/a'}${t.margin ? ` margin=${t.margin.absolute}` : ''}` },
    };
  })]);
  suites.push(['checks', m.checks.map((k) => {
    const total = k.passes + k.fails;
    const rate = total ? (k.passes / total) * 100 : 100;
    return {
      classname: `checks.${k.group || 'root'}`,
      name: k.name,
      failure: k.ok ? undefined : { type: 'check', message: `${k.name}: observed ${fmtPct(rate)} passed (${k.passes} of ${total}), limit ${fmtPct(k.limitPct)}` },
    };
  })]);
  if (m.smoke) {
    suites.push(['smoke', m.smoke.tests.map((t) => ({
      classname: `smoke.${t.file}`,
      name: t.title,
      timeS: t.durationMs / 1000,
      skipped: t.status === 'skipped' ? 'skipped' : undefined,
      failure: t.status === 'failed' || t.status === 'timedOut' || t.status === 'interrupted'
        ? { type: `smoke ${t.status}`, message: `${t.title}: observed ${t.status}, limit passed`, body: t.error ?? t.status } : undefined,
    }))]);
    const failOn = new Set(m.smoke.policy?.failOn ?? ['critical', 'serious']);
    suites.push(['accessibility', m.smoke.a11y.map((p) => {
      const bad = Object.entries(p.violations).filter(([impact, k]) => failOn.has(impact) && k > 0);
      return {
        classname: 'accessibility',
        name: `${p.page} (${p.url})`,
        failure: bad.length ? { type: 'axe', message: `${p.page}: observed ${bad.map(([i, k]) => `${k} ${i}`).join(', ')} violations, limit 0 ${[...failOn].join('/')}`, body: p.details.map((d) => `${d.id} (${d.impact}): ${d.help} — ${d.targets.join(', ')}`).join('\n') } : undefined,
      };
    })]);
  }
  for (const d of m.drills) {
    const cases: Case[] = d.objectives.map((o) => ({
      classname: `drills.${d.drill}`,
      name: o.name,
      failure: o.passed ? undefined : { type: 'drill objective', message: `${o.name}: observed ${o.observed}, limit ${o.target}`, body: o.detail ?? '' },
    }));
    if (d.verdict === 'error') cases.push({ classname: `drills.${d.drill}`, name: 'drill completed', failure: { type: 'drill error', message: `${d.drill}: observed error, limit completed`, body: d.error ?? '' } });
    suites.push([`drill ${d.drill}`, cases]);
  }
  if (m.baseline) {
    suites.push(['baseline', m.baseline.rows.filter((r) => r.rule).map((r) => ({
      classname: 'baseline',
      name: r.label,
      failure: r.regression ? { type: 'regression', message: `${r.label}: observed ${fmtValue(r.current, r.unit)} (${fmtDelta(r.delta, r.unit)} against baseline ${fmtValue(r.baseline, r.unit)}), limit: ${r.rule}` } : undefined,
    }))]);
  }
  const all = suites.flatMap(([, cs]) => cs);
  const failures = all.filter((c) => c.failure).length;
  return `<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="${x(m.title)}" tests="${all.length}" failures="${failures}" errors="0">
${suites.filter(([, cs]) => cs.length > 0).map(([name, cs]) => suite(name, cs)).join('\n')}
</testsuites>
`;
}
