/**
 * Reading "the target stopped answering at t = …" from a run's time series: the last second
 * with any answer, then only unanswered requests (status 0) to the end; a blip is not a vanishing.
 */
import { describe, expect, it } from 'vitest';
import type { Timeseries, TimeseriesSeries } from './result-types.ts';
import { describeStoppedAnswering, stoppedAnswering } from './stopped-answering.ts';

const reqs = (tags: Record<string, string>, t: number[], count: number[]): TimeseriesSeries => ({
  metric: 'http_reqs', type: 'counter', contains: 'default', tags, t, count, sum: count, min: count.map(() => 1), max: count.map(() => 1),
  totals: { count: count.reduce((a, b) => a + b, 0), sum: count.reduce((a, b) => a + b, 0), min: 1, max: 1 },
});
const run = (series: TimeseriesSeries[]): Timeseries => ({ version: 1, startMs: 0, bucketSeconds: 1, percentiles: [95], series });

describe('stoppedAnswering', () => {
  it('names the end of the last second with an answer, and what the requests after it got', () => {
    const ts = run([
      reqs({ name: 'GET /a', status: '200' }, [0, 1, 2, 3], [10, 12, 11, 4]),
      reqs({ name: 'GET /b', status: '503' }, [2], [1]),
      reqs({ name: 'GET /a', status: '0', error_code: '1212' }, [3, 4, 5, 6], [2, 9, 8, 7]),
      reqs({ name: 'GET /a', status: '0', error_code: '1050' }, [6], [3]),
    ]);
    const gone = stoppedAnswering(ts)!;
    expect(gone).toEqual({ atSeconds: 4, unanswered: 27, errors: ['dial: connection refused (k6 error code 1212)', 'request timeout (k6 error code 1050)'] });
    expect(describeStoppedAnswering(gone)).toBe('the target stopped answering at t = 4 s: 27 requests after it got no answer (dial: connection refused (k6 error code 1212); request timeout (k6 error code 1050))');
  });

  it('is silent for a target that answered to the end, a blip of a few refusals, and one that never answered', () => {
    expect(stoppedAnswering(run([reqs({ status: '200' }, [0, 1, 2], [5, 5, 5]), reqs({ status: '0', error_code: '1212' }, [1], [30])]))).toBeUndefined();
    expect(stoppedAnswering(run([reqs({ status: '200' }, [0, 1], [5, 5]), reqs({ status: '0', error_code: '1212' }, [2, 3], [2, 2])]))).toBeUndefined();
    expect(stoppedAnswering(run([reqs({ status: '0', error_code: '1212' }, [0, 1], [20, 20])]))).toBeUndefined();
    expect(stoppedAnswering(undefined)).toBeUndefined();
  });
});
