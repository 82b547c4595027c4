/** summary.md: the verdict, thresholds and key figures, short enough for $GITHUB_STEP_SUMMARY. */
import { fmtFromFault, type AlertRow, type DrillAlerts, type ReportModel } from './model.ts';
import { fmtBytes, fmtCount, fmtDelta, fmtDuration, fmtPct, fmtValue, humanizeSeconds } from './format.ts';

/**
 * Text for a table cell or list item: pipes and newlines would break the row. A `<` opens
 * HTML in Markdown only before a letter, `/`, `!` or `?`; only those get a backslash, so
 * "p(95)<500" reads the same in a plain CI log as on GitHub (no &lt; entities).
 */
export function cell(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ').replace(/<(?=[A-Za-z/!?])/g, '\\<');
}

function row(cells: string[]): string {
  return `| ${cells.map(cell).join(' | ')} |`;
}

/** A drill's alert timeline in one line: what fired (and when), what stayed silent, and which expectations failed. */
function alertsLine(drill: string, t: DrillAlerts): string {
  const mark = (r: AlertRow) => (r.result === 'pass' ? ' ✅' : r.result === 'fail' ? ' ❌' : '');
  const fired = t.rows.filter((r) => r.fired).map((r) => `${r.alert} ${fmtFromFault(r.firingSeconds)} (${r.resolvedSeconds !== undefined ? `resolved ${fmtFromFault(r.resolvedSeconds)}` : 'still firing at the end'})${mark(r)}`);
  const silent = t.rows.filter((r) => !r.fired);
  const judged = silent.filter((r) => r.expected !== 'any').map((r) => `${r.alert}${mark(r)}`);
  const others = silent.length - judged.length;
  const quiet = [...judged, ...(others ? [`${others} ${judged.length ? 'more ' : ''}not judged`] : [])];
  const failed = t.rows.filter((r) => r.result === 'fail').map((r) => `${r.alert} (expected to ${r.expectation}; ${r.happened})`);
  return cell(`**Alerts in drill ${drill}** (seconds from ${t.faultLabel}): fired: ${fired.join(', ') || 'none'}; stayed silent: ${quiet.join(', ') || 'none'}; failed expectations: ${failed.length ? `❌ ${failed.join(', ')}` : 'none'}.`);
}

export function renderMarkdown(m: ReportModel): string {
  const v = m.verdict;
  const icon = v.status === 'pass' ? '✅' : v.status === 'fail' ? '❌' : '⚠️';
  const out: string[] = [`## ${icon} ${v.status.toUpperCase()}: ${cell(m.title)}`, ''];
  out.push(`Exit code **${v.exitCode}**.${m.thresholds.length ? ` ${m.thresholds.length - v.failedThresholds} of ${m.thresholds.length} thresholds held.` : ''}`);
  if (v.reasons.length) {
    out.push('', 'Why:', ...v.reasons.map((r) => `- ${cell(r)}`));
  }
  if (m.warnings.length) out.push('', 'Near the limit (passing, within 10 %):', ...m.warnings.map((w) => `- ⚠️ ${cell(w)}`));
  if (m.thresholds.length) {
    out.push('', '### Thresholds', '', row(['Metric', 'Expression', 'Observed', 'Limit', 'Margin', 'Result']), '| --- | --- | ---: | ---: | ---: | --- |');
    for (const t of m.thresholds) {
      out.push(row([t.metric, t.expression, fmtValue(t.observed, t.unit), t.limit !== undefined ? `${t.operator} ${fmtValue(t.limit, t.unit)}` : '—', t.margin ? fmtDelta(t.margin.absolute, t.unit) : '—', t.ok ? '✅ pass' : '❌ fail']));
    }
  }
  const f = m.figures;
  if (f) {
    out.push('', '### Key figures', '', '| Figure | Value |', '| --- | ---: |');
    const figs: Array<[string, string]> = [
      ['Duration', fmtDuration(f.durationSeconds)],
      ['Requests', f.requests !== undefined ? fmtCount(f.requests) : '—'],
      ['Requests per second', fmtValue(f.rps, 'perSecond')],
      ['Failed requests', fmtValue(f.errorPct, 'pct')],
      ['Latency p50 / p95 / p99', `${fmtValue(f.p50, 'ms')} / ${fmtValue(f.p95, 'ms')} / ${fmtValue(f.p99, 'ms')}`],
      ['Checks passed', f.checksTotal ? `${fmtCount(f.checksPassed ?? 0)} of ${fmtCount(f.checksTotal)} (${fmtPct(((f.checksPassed ?? 0) / f.checksTotal) * 100)})` : '—'],
      ['Dropped iterations', f.droppedIterations !== undefined ? fmtCount(f.droppedIterations) : '—'],
      ['VUs max', f.vusMax !== undefined ? fmtCount(f.vusMax) : '—'],
      ['Data received', f.dataReceived !== undefined ? fmtBytes(f.dataReceived) : '—'],
    ];
    for (const [k, val] of figs) out.push(row([k, val]));
  }
  if (m.baseline) {
    const id = m.baseline.identity;
    out.push('', '### Against the baseline', '', cell(`Baseline run ${id.runId ?? id.source}${id.gitCommit ? `, commit ${id.gitCommit}` : ''}${id.startedAt ? `, started ${id.startedAt}` : ''}${id.engine ? `, engine ${id.engine}` : ''}${id.profile ? `, profile ${id.profile}` : ''}.`));
    if (m.baseline.forcedDespite.length) out.push('', cell(`⚠️ Compared although the runs differ (--force-baseline): ${m.baseline.forcedDespite.join('; ')}.`));
    out.push('', row(['Figure', 'This run', 'Baseline', 'Change', 'Regression']), '| --- | ---: | ---: | ---: | --- |');
    // Every judged aggregate row, and the endpoints' rows that regressed (all of them would drown the summary).
    for (const r of [...m.baseline.rows.filter((x) => x.rule), ...m.baseline.endpoints.filter((x) => x.regression)]) {
      out.push(row([r.label, fmtValue(r.current, r.unit), fmtValue(r.baseline, r.unit), fmtDelta(r.delta, r.unit), r.regression ? `❌ regression (${r.rule})` : '✅ within tolerance']));
    }
  }
  if (m.smoke) out.push('', `**Smoke:** ${m.smoke.passed} passed, ${m.smoke.failed} failed, ${m.smoke.flaky} flaky, ${m.smoke.skipped} skipped; accessibility scans of ${m.smoke.a11y.length} pages.`);
  for (const d of m.drills) {
    out.push('', `**Drill ${cell(d.drill)}:** ${d.verdict}; ${d.objectives.map((o) => `${cell(o.name)} ${cell(humanizeSeconds(o.observed))} (target ${cell(humanizeSeconds(o.target))}) ${o.passed ? '✅' : '❌'}`).join(', ')}`);
    const alerts = m.drillAlerts[d.drill];
    if (alerts) out.push('', alertsLine(d.drill, alerts));
  }
  out.push('');
  return out.join('\n');
}
