/**
 * summaryTrendStats: which statistics a trend shows in the summary, e.g. avg,min,med,max,p(90),p(95)
 * (k6's default). Accepted: avg, min, med, max, count and p(N) with N from 0 to 100.
 */
import { fail } from '../../harness/errors.ts';

export const DEFAULT_SUMMARY_TREND_STATS: readonly string[] = ['avg', 'min', 'med', 'max', 'p(90)', 'p(95)'];

const PLAIN = new Set(['avg', 'min', 'med', 'max', 'count']);
const PERCENTILE = /^p\((\d+(?:\.\d+)?)\)$/;

/** Validates the option (an array, or a comma-separated string as on the command line); throws 104 naming every bad entry. */
export function parseSummaryTrendStats(input: unknown): string[] {
  if (input === undefined || input === null) return [...DEFAULT_SUMMARY_TREND_STATS];
  const list = typeof input === 'string' ? input.split(',').map((s) => s.trim()) : input;
  if (!Array.isArray(list)) {
    throw fail('SHIPCHECK_ERR_SUMMARY_TREND_STATS', { value: JSON.stringify(input), detail: 'expected a list of statistics' });
  }
  const bad: string[] = [];
  for (const s of list) {
    if (typeof s !== 'string') { bad.push(JSON.stringify(s)); continue; }
    if (PLAIN.has(s)) continue;
    const m = PERCENTILE.exec(s);
    if (m && Number(m[1]) <= 100) continue;
    bad.push(JSON.stringify(s));
  }
  if (bad.length) {
    throw fail('SHIPCHECK_ERR_SUMMARY_TREND_STATS', { value: JSON.stringify(input), detail: `${bad.join(', ')} ${bad.length === 1 ? 'is' : 'are'} not a statistic` });
  }
  return list as string[];
}
