import { describe, expect, it } from 'vitest';
import {
  checkThresholdMetrics, parseDurationMs, parseMetricKey, parseThresholdExpression, parseThresholds,
} from './parse.ts';
import { isShipcheckError } from '../../harness/errors.ts';

function expectConfigError(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(isShipcheckError(e)).toBe(true);
    if (!isShipcheckError(e)) throw e;
    expect(e.exitCode).toBe(104);
    expect(e.code).toBe('SHIPCHECK_ERR_THRESHOLDS_INVALID');
    return e.message;
  }
  throw new Error('expected a config error');
}

describe('parseThresholdExpression', () => {
  it.each([
    ['p(95)<200', 'p', 95, '<', 200],
    ['p(99.9) < 500', 'p', 99.9, '<', 500],
    ['p(0)>=0', 'p', 0, '>=', 0],
    ['p(100)<=1e3', 'p', 100, '<=', 1000],
    ['avg<100', 'avg', undefined, '<', 100],
    ['  min  >  0.5  ', 'min', undefined, '>', 0.5],
    ['max<=1000', 'max', undefined, '<=', 1000],
    ['med!=3', 'med', undefined, '!=', 3],
    ['count>=10', 'count', undefined, '>=', 10],
    ['rate<0.01', 'rate', undefined, '<', 0.01],
    ['value==5', 'value', undefined, '==', 5],
    ['value===5', 'value', undefined, '===', 5],
    ['count > -1', 'count', undefined, '>', -1],
    ['rate>.99', 'rate', undefined, '>', 0.99],
  ] as const)('%s', (src, aggregation, percentile, operator, value) => {
    const e = parseThresholdExpression(src);
    expect(e).toEqual({ source: src, aggregation, percentile, operator, value });
  });

  it.each([
    ['p(95)', 'no operator'],
    ['', 'no operator'],
    ['p(95)=200', '"=" is not an operator'],
    ['p(95)=<200', '"=" is not an operator'],
    ['p(95)<', 'missing'],
    ['<200', 'aggregation before the operator is missing'],
    ['p95<200', '"p95" is not an aggregation'],
    ['p()<200', 'not a percentile'],
    ['p(abc)<200', 'not a percentile'],
    ['p( 95 )<200', 'not a percentile'],
    ['p(101)<200', 'out of range'],
    ['p(-1)<200', 'out of range'],
    ['average<200', '"average" is not an aggregation'],
    ['AVG<200', '"AVG" is not an aggregation'],
    ['avg<abc', '"abc" is not a number'],
    ['avg<200ms', '"200ms" is not a number'],
    ['avg<<200', '"<200" is not a number'],
    ['avg<Infinity', 'not a number'],
    ['avg<NaN', 'not a number'],
    ['avg 200', 'no operator'],
    // k6's own parser cases (metrics/thresholds_parser_test.go)
    ['count!20', '"!" is not an operator'],
    ['foo>20', '"foo" is not an aggregation'],
    ['count>abc', '"abc" is not a number'],
    ['p(99<200', '"p(99" is not an aggregation'],
    ['p(NaN)<200', 'not a percentile'],
    ['p(+Inf)<200', 'not a percentile'],
  ])('rejects %j', (src, reason) => {
    const e = parseThresholdExpression(src);
    expect('error' in e && e.error).toContain(reason);
    // as a config: exit 104, naming the metric and the offending expression
    const msg = expectConfigError(() => parseThresholds({ http_req_duration: ['p(95)<200', src] }));
    expect(msg).toContain(`http_req_duration: ${JSON.stringify(src)} is invalid: ${(e as { error: string }).error}`);
  });
});

describe('parseMetricKey', () => {
  it('plain metric', () => {
    expect(parseMetricKey('http_req_duration')).toEqual({ source: 'http_req_duration', metric: 'http_req_duration' });
  });
  it('sub-metric selector: split on "," then on the first ":", spaces and quotes trimmed', () => {
    const k = parseMetricKey(`http_req_duration{ name: "GET /content" , url:'http://x:8080/a', expected_response:true }`);
    expect(k).toEqual({
      source: `http_req_duration{ name: "GET /content" , url:'http://x:8080/a', expected_response:true }`,
      metric: 'http_req_duration',
      selector: `name: "GET /content" , url:'http://x:8080/a', expected_response:true`,
      tags: { name: 'GET /content', url: 'http://x:8080/a', expected_response: 'true' },
    });
  });
  it.each([
    ['http_req_duration{name:x', 'unmatched'],
    ['http_req_duration}name:x{', 'before the opening'],
    ['http_req_duration{name:x}x', 'last character'],
    ['http_req_duration{}', 'selector between the braces is empty'],
    ['http_req_duration{ }', 'selector between the braces is empty'],
    ['http_req_duration{name}', '"name" is not a key:value pair'],
    ['http_req_duration{name:}', '"name:" is not a key:value pair'],
    ['http_req_duration{a:1,}', '"" is not a key:value pair'],
    ['{name:x}', 'metric name before "{" is empty'],
  ])('rejects %j', (src, reason) => {
    const k = parseMetricKey(src);
    expect('error' in k && k.error).toContain(reason);
    expect(expectConfigError(() => parseThresholds({ [src]: ['p(95)<200'] }))).toContain(`${JSON.stringify(src)}: invalid metric key: ${(k as { error: string }).error}`);
  });
});

describe('parseDurationMs', () => {
  it.each([
    [10_000, 10_000], ['10s', 10_000], ['1m30s', 90_000], ['500ms', 500], ['2h', 7_200_000],
    ['1d12h', 129_600_000], ['250', 250], ['1.5s', 1500],
  ] as const)('%j', (input, ms) => expect(parseDurationMs(input)).toBe(ms));
  it.each(['', 'ten seconds', '10x', 's', '-5s', true])('rejects %j', (input) => expect(parseDurationMs(input)).toBeUndefined());
});

describe('parseThresholds', () => {
  it('reads short and long forms, including a single string instead of a list', () => {
    const parsed = parseThresholds({
      http_req_duration: ['p(95)<200', { threshold: 'p(99)<500', abortOnFail: true, delayAbortEval: '10s' }],
      'http_req_duration{name:GET /health}': 'p(99)<100',
      checks: [{ threshold: 'rate>0.99' }],
    });
    expect(parsed).toHaveLength(3);
    expect(parsed[0].thresholds.map((t) => [t.expression.source, t.abortOnFail, t.delayAbortEvalMs])).toEqual([
      ['p(95)<200', false, undefined], ['p(99)<500', true, 10_000],
    ]);
    expect(parsed[1].key.tags).toEqual({ name: 'GET /health' });
    expect(parsed[2].thresholds[0].abortOnFail).toBe(false);
  });

  it('accepts nothing', () => {
    expect(parseThresholds(undefined)).toEqual([]);
    expect(parseThresholds({})).toEqual([]);
  });

  it('reports every invalid entry at once, naming the metric and the expression', () => {
    const msg = expectConfigError(() => parseThresholds({
      http_req_duration: ['p(95)<200', 'p95<200', 'avg<'],
      'checks{a:}': ['rate>0.9'],
      http_req_failed: [{ threshold: 'rate=0.01', abortOnFail: 'yes', delayAbortEval: 'soon', extra: 1 }],
      iterations: [42],
    }));
    expect(msg).toContain('8 invalid entries');
    expect(msg).toContain('http_req_duration: "p95<200" is invalid');
    expect(msg).toContain('http_req_duration: "avg<" is invalid');
    expect(msg).not.toContain('"p(95)<200" is invalid');
    expect(msg).toContain('"checks{a:}": invalid metric key');
    expect(msg).toContain('http_req_failed: "rate=0.01" is invalid');
    expect(msg).toContain('abortOnFail must be true or false');
    expect(msg).toContain('delayAbortEval "soon" is not a duration');
    expect(msg).toContain('unknown field "extra"');
    expect(msg).toContain('iterations: 42 is not a threshold');
  });

  it('rejects a non-object', () => {
    expect(expectConfigError(() => parseThresholds(['p(95)<200']))).toContain('must be an object');
  });
});

describe('checkThresholdMetrics', () => {
  const types: Record<string, 'counter' | 'gauge' | 'rate' | 'trend'> = {
    http_reqs: 'counter', vus: 'gauge', checks: 'rate', http_req_duration: 'trend',
  };
  const typeOf = (n: string) => types[n];

  it('accepts every aggregation that fits its metric type', () => {
    const parsed = parseThresholds({
      http_reqs: ['count>1', 'rate>0.5'],
      vus: ['value<=10'],
      checks: ['rate>0.99'],
      'http_req_duration{name:x}': ['avg<1', 'min<1', 'max<1', 'med<1', 'p(99.9)<1'],
    });
    expect(() => checkThresholdMetrics(parsed, typeOf)).not.toThrow();
  });

  it('rejects methods that do not fit the type, and unknown metrics, all at once', () => {
    const parsed = parseThresholds({
      http_reqs: ['value>1', 'p(95)<1'],
      vus: ['count<10', 'rate<1'],
      checks: ['count>1', 'avg>0'],
      http_req_duration: ['rate<1', 'count>1', 'value>0'],
      'nope{a:b}': ['count>0'],
    });
    const msg = expectConfigError(() => checkThresholdMetrics(parsed, typeOf));
    expect(msg).toContain('10 invalid entries');
    expect(msg).toContain('http_reqs: "value>1" uses "value", which a counter metric does not support (it supports count, rate)');
    expect(msg).toContain('http_reqs: "p(95)<1" uses "p(N)"');
    expect(msg).toContain('vus: "rate<1" uses "rate", which a gauge metric');
    expect(msg).toContain('checks: "avg>0" uses "avg", which a rate metric');
    expect(msg).toContain('http_req_duration: "rate<1" uses "rate", which a trend metric does not support (it supports avg, min, max, med, p(N))');
    expect(msg).toContain('nope{a:b}: no metric named "nope"');
  });
});
