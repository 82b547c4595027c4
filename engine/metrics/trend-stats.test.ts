import { describe, expect, it } from 'vitest';
import { DEFAULT_SUMMARY_TREND_STATS, parseSummaryTrendStats } from './trend-stats.ts';
import { isShipcheckError } from '../../harness/errors.ts';

describe('parseSummaryTrendStats', () => {
  it("defaults to k6's avg,min,med,max,p(90),p(95)", () => {
    expect(parseSummaryTrendStats(undefined)).toEqual(['avg', 'min', 'med', 'max', 'p(90)', 'p(95)']);
    expect(DEFAULT_SUMMARY_TREND_STATS).toEqual(['avg', 'min', 'med', 'max', 'p(90)', 'p(95)']);
  });
  it('accepts a list or the command line form', () => {
    expect(parseSummaryTrendStats(['count', 'p(99.9)', 'p(0)', 'p(100)'])).toEqual(['count', 'p(99.9)', 'p(0)', 'p(100)']);
    expect(parseSummaryTrendStats('avg, p(99)')).toEqual(['avg', 'p(99)']);
  });
  it('rejects every bad entry at once with exit 104', () => {
    try {
      parseSummaryTrendStats(['avg', 'p95', 'p(101)', 'mean']);
      throw new Error('expected an error');
    } catch (e) {
      if (!isShipcheckError(e)) throw e;
      expect(e.exitCode).toBe(104);
      expect(e.message).toContain('"p95", "p(101)", "mean" are not a statistic');
    }
  });
});
