/** https://jslib.k6.io/k6-summary/<version>/index.js, locally: textSummary (and jUnit) over the engine's own summary renderer. */
import type { K6SummaryData } from '../../harness/result-types.ts';
import { renderTextSummary } from '../summary/text-summary.ts';

export function textSummary(data: K6SummaryData, options: { indent?: string; enableColors?: boolean } = {}): string {
  const body = renderTextSummary(data, { enableColors: options.enableColors ?? false });
  const indent = options.indent ?? '';
  return indent ? body.split('\n').map((l) => (l ? indent + l : l)).join('\n') : body;
}

const xml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** JUnit XML: one test case per threshold, failed when crossed (the jslib's layout). */
export function jUnit(data: K6SummaryData, options: { name?: string; classname?: string } = {}): string {
  const cases: string[] = [];
  let failures = 0;
  for (const [metric, m] of Object.entries(data.metrics)) {
    for (const [expr, t] of Object.entries(m.thresholds ?? {})) {
      const name = xml(`${metric} - ${expr}`);
      if (t.ok) cases.push(`<testcase name="${name}" classname="${xml(options.classname ?? 'Unnamed folder')}" />`);
      else { failures++; cases.push(`<testcase name="${name}" classname="${xml(options.classname ?? 'Unnamed folder')}"><failure message="failed" /></testcase>`); }
    }
  }
  return `<?xml version="1.0"?>\n<testsuites tests="${cases.length}" failures="${failures}">\n<testsuite name="${xml(options.name ?? 'k6 thresholds')}" tests="${cases.length}" failures="${failures}">${cases.join('\n')}\n</testsuite>\n</testsuites>`;
}

export default { textSummary, jUnit };
