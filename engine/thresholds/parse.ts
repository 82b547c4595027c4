/**
 * k6's threshold grammar: `aggregation operator number` per expression, metric keys with
 * sub-metric selectors (`http_req_duration{name:GET /x,expected_response:true}`), and the
 * long form `{ threshold, abortOnFail, delayAbortEval }`. Everything is checked up front and
 * every problem is reported at once (exit 104), the way k6 rejects a bad config before the
 * test starts.
 */
import type { K6MetricType } from '../../harness/result-types.ts';
import type { ThresholdSpec, Tags } from '../metrics/types.ts';
import { fail } from '../../harness/errors.ts';
import { parseDuration } from '../durations.ts';

export type Operator = '>' | '>=' | '<=' | '<' | '==' | '===' | '!=';
export type Aggregation = 'count' | 'rate' | 'value' | 'avg' | 'min' | 'max' | 'med' | 'p';

export interface ThresholdExpression {
  /** The expression exactly as written; it keys `thresholds` in the summary. */
  source: string;
  aggregation: Aggregation;
  /** For `p(N)`: N in 0..100. */
  percentile?: number;
  operator: Operator;
  value: number;
}

/** A metric key from options.thresholds, split into the metric and its sub-metric selector. */
export interface MetricKey {
  /** The key as written in options.thresholds. */
  source: string;
  metric: string;
  /** The selector text between the braces, trimmed: names the sub-metric ("metric{<selector>}"). */
  selector?: string;
  /** The selector's pairs: a sample matches when its tags contain every one. */
  tags?: Tags;
}

export interface ParsedThreshold {
  expression: ThresholdExpression;
  abortOnFail: boolean;
  /** Set when delayAbortEval is given: abort only once the test has run longer than this. */
  delayAbortEvalMs?: number;
}

export interface ParsedMetricThresholds {
  key: MetricKey;
  thresholds: ParsedThreshold[];
}

/** Aggregations each metric type supports, in k6's order (used in messages too). */
export const AGGREGATIONS_BY_TYPE: Record<K6MetricType, readonly string[]> = {
  counter: ['count', 'rate'],
  gauge: ['value'],
  rate: ['rate'],
  trend: ['avg', 'min', 'max', 'med', 'p(N)'],
};

export function supportsAggregation(type: K6MetricType, aggregation: Aggregation): boolean {
  if (aggregation === 'p') return type === 'trend';
  return AGGREGATIONS_BY_TYPE[type].includes(aggregation);
}

// Longer operators first where they share a prefix, so "<=" is never read as "<".
const OPERATORS: readonly Operator[] = ['===', '==', '!=', '<=', '>=', '<', '>'];
const PLAIN_AGGREGATIONS = new Set(['count', 'rate', 'value', 'avg', 'min', 'max', 'med']);
// A plain decimal number as k6 reads it (Go's ParseFloat without Inf/NaN/hex).
const NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/** One expression ("p(99.9) < 500"): the parsed form, or why it is not valid. */
export function parseThresholdExpression(source: string): ThresholdExpression | { error: string } {
  if (typeof source !== 'string') return { error: `expected a string like "p(95)<200", got ${describe(source)}` };
  let at = -1;
  let operator: Operator | undefined;
  for (let i = 0; i < source.length && operator === undefined; i++) {
    const c = source[i];
    if (c !== '<' && c !== '>' && c !== '=' && c !== '!') continue;
    operator = OPERATORS.find((op) => source.startsWith(op, i));
    if (operator === undefined) return { error: `"${c}" is not an operator (use one of > >= <= < == === !=)` };
    at = i;
  }
  if (operator === undefined) return { error: 'it has no operator (use one of > >= <= < == === !=), e.g. "p(95)<200"' };
  const left = source.slice(0, at).trim();
  const right = source.slice(at + operator.length).trim();

  let aggregation: Aggregation;
  let percentile: number | undefined;
  if (PLAIN_AGGREGATIONS.has(left)) {
    aggregation = left as Aggregation;
  } else if (left.startsWith('p(') && left.endsWith(')')) {
    const inner = left.slice(2, -1);
    if (!NUMBER.test(inner)) return { error: `"${left}" is not a percentile: write p(N) with N a number from 0 to 100, e.g. p(95) or p(99.9)` };
    percentile = Number(inner);
    if (!(percentile >= 0 && percentile <= 100)) return { error: `the percentile in "${left}" is out of range: N must be from 0 to 100` };
    aggregation = 'p';
  } else if (left === '') {
    return { error: 'the aggregation before the operator is missing (count, rate, value, avg, min, max, med or p(N))' };
  } else {
    return { error: `"${left}" is not an aggregation (use count, rate, value, avg, min, max, med or p(N))` };
  }

  if (right === '') return { error: `the number after "${operator}" is missing` };
  if (!NUMBER.test(right)) return { error: `"${right}" is not a number` };
  return { source, aggregation, percentile, operator, value: Number(right) };
}

/** A threshold metric key ("metric" or "metric{k:v,k2:v2}"): the parsed form, or why not. */
export function parseMetricKey(source: string): MetricKey | { error: string } {
  const open = source.indexOf('{');
  const close = source.lastIndexOf('}');
  if (open === -1 && close === -1) {
    if (source.trim() === '') return { error: 'the metric name is empty' };
    return { source, metric: source };
  }
  if (open === -1 || close === -1) return { error: 'it has an unmatched curly brace' };
  if (close < open) return { error: 'its closing curly brace comes before the opening one' };
  if (close !== source.length - 1) return { error: 'the closing curly brace must be its last character' };
  const metric = source.slice(0, open);
  if (metric.trim() === '') return { error: 'the metric name before "{" is empty' };
  const selector = source.slice(open + 1, close).trim();
  if (selector === '') return { error: 'the sub-metric selector between the braces is empty' };
  const tags: Tags = {};
  for (const pair of selector.split(',')) {
    const colon = pair.indexOf(':');
    if (colon === -1 || pair.slice(colon + 1).trim() === '') {
      return { error: `"${pair.trim()}" is not a key:value pair` };
    }
    tags[unquote(pair.slice(0, colon))] = unquote(pair.slice(colon + 1));
  }
  return { source, metric, selector, tags };
}

function unquote(s: string): string {
  return s.trim().replace(/^["']+|["']+$/g, '');
}

/** delayAbortEval uses k6's duration grammar (a unitless value is milliseconds). */
export const parseDurationMs = parseDuration;

/**
 * options.thresholds → parsed thresholds. Throws SHIPCHECK_ERR_THRESHOLDS_INVALID (exit 104)
 * listing every invalid key, expression and long-form field at once.
 */
export function parseThresholds(thresholds: unknown): ParsedMetricThresholds[] {
  if (thresholds === undefined || thresholds === null) return [];
  const problems: string[] = [];
  const out: ParsedMetricThresholds[] = [];
  if (typeof thresholds !== 'object' || Array.isArray(thresholds)) {
    throw thresholdsError([`options.thresholds must be an object mapping metric names to lists of expressions, got ${describe(thresholds)}`]);
  }
  for (const [keySource, rawList] of Object.entries(thresholds as Record<string, unknown>)) {
    const key = parseMetricKey(keySource);
    if ('error' in key) problems.push(`${JSON.stringify(keySource)}: invalid metric key: ${key.error}`);
    const list: unknown[] = Array.isArray(rawList) ? rawList : [rawList];
    const parsed: ParsedThreshold[] = [];
    for (const item of list) {
      const t = parseOne(item);
      if ('errors' in t) for (const e of t.errors) problems.push(`${keySource}: ${e}`);
      else parsed.push(t);
    }
    if (!('error' in key)) out.push({ key, thresholds: parsed });
  }
  if (problems.length) throw thresholdsError(problems);
  return out;
}

function parseOne(item: unknown): ParsedThreshold | { errors: string[] } {
  if (typeof item === 'string') {
    const expression = parseThresholdExpression(item);
    if ('error' in expression) return { errors: [`${JSON.stringify(item)} is invalid: ${expression.error}`] };
    return { expression, abortOnFail: false };
  }
  if (item === null || typeof item !== 'object' || Array.isArray(item)) {
    return { errors: [`${describe(item)} is not a threshold: give a string like "p(95)<200" or { threshold, abortOnFail, delayAbortEval }`] };
  }
  const spec = item as Partial<ThresholdSpec> & Record<string, unknown>;
  const errors: string[] = [];
  for (const field of Object.keys(spec)) {
    if (field !== 'threshold' && field !== 'abortOnFail' && field !== 'delayAbortEval') {
      errors.push(`unknown field "${field}" in ${JSON.stringify(spec)} (allowed: threshold, abortOnFail, delayAbortEval)`);
    }
  }
  let expression: ThresholdExpression | undefined;
  if (typeof spec.threshold !== 'string') {
    errors.push(`${JSON.stringify(spec)} needs a "threshold" string like "p(95)<200"`);
  } else {
    const e = parseThresholdExpression(spec.threshold);
    if ('error' in e) errors.push(`${JSON.stringify(spec.threshold)} is invalid: ${e.error}`);
    else expression = e;
  }
  if (spec.abortOnFail !== undefined && typeof spec.abortOnFail !== 'boolean') {
    errors.push(`abortOnFail must be true or false in ${JSON.stringify(spec)}`);
  }
  let delayAbortEvalMs: number | undefined;
  if (spec.delayAbortEval !== undefined && spec.delayAbortEval !== null) {
    delayAbortEvalMs = parseDurationMs(spec.delayAbortEval);
    if (delayAbortEvalMs === undefined) {
      errors.push(`delayAbortEval ${JSON.stringify(spec.delayAbortEval)} is not a duration (e.g. "10s", "1m30s") in ${JSON.stringify(spec)}`);
    }
  }
  if (errors.length || !expression) return { errors };
  return { expression, abortOnFail: spec.abortOnFail === true, delayAbortEvalMs };
}

/**
 * Checks parsed thresholds against the metrics the script defined: the metric must exist and
 * each aggregation must fit its type. Throws one 104 error listing every problem.
 */
export function checkThresholdMetrics(parsed: ParsedMetricThresholds[], typeOf: (metric: string) => K6MetricType | undefined): void {
  const problems: string[] = [];
  for (const { key, thresholds } of parsed) {
    const type = typeOf(key.metric);
    if (type === undefined) {
      problems.push(`${key.source}: no metric named "${key.metric}" exists (check the spelling, or define it in the init context with new Trend/Counter/Rate/Gauge("${key.metric}"))`);
      continue;
    }
    for (const t of thresholds) {
      if (!supportsAggregation(type, t.expression.aggregation)) {
        problems.push(`${key.source}: ${JSON.stringify(t.expression.source)} uses "${t.expression.aggregation === 'p' ? 'p(N)' : t.expression.aggregation}", which a ${type} metric does not support (it supports ${AGGREGATIONS_BY_TYPE[type].join(', ')})`);
      }
    }
  }
  if (problems.length) throw thresholdsError(problems);
}

function thresholdsError(problems: string[]) {
  return fail('SHIPCHECK_ERR_THRESHOLDS_INVALID', {
    count: problems.length,
    details: problems.map((p) => `\n  - ${p}`).join(''),
  });
}

function describe(v: unknown): string {
  if (v === undefined) return 'undefined';
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}
