/**
 * k6's built-in metrics with their types and value kinds. The runtime defines them all up front
 * (so a script's custom metric cannot take a built-in name with another type); only the ones
 * that receive samples appear in the summary, as in k6.
 */
import type { K6MetricType } from '../../harness/result-types.ts';
import type { MetricDef, MetricsRegistryApi } from './types.ts';

type Contains = 'default' | 'time' | 'data';

export const BUILTIN_METRICS: ReadonlyArray<readonly [name: string, type: K6MetricType, contains: Contains]> = [
  ['checks', 'rate', 'default'],
  ['data_received', 'counter', 'data'],
  ['data_sent', 'counter', 'data'],
  ['dropped_iterations', 'counter', 'default'],
  ['group_duration', 'trend', 'time'],
  ['http_req_blocked', 'trend', 'time'],
  ['http_req_connecting', 'trend', 'time'],
  ['http_req_duration', 'trend', 'time'],
  ['http_req_failed', 'rate', 'default'],
  ['http_req_receiving', 'trend', 'time'],
  ['http_req_sending', 'trend', 'time'],
  ['http_req_tls_handshaking', 'trend', 'time'],
  ['http_req_waiting', 'trend', 'time'],
  ['http_reqs', 'counter', 'default'],
  ['iteration_duration', 'trend', 'time'],
  ['iterations', 'counter', 'default'],
  ['vus', 'gauge', 'default'],
  ['vus_max', 'gauge', 'default'],
];

export type BuiltinMetricName = (typeof BUILTIN_METRICS)[number][0];

/** Defines every built-in metric and returns their defs by name (for the runtime's hot paths). */
export function defineBuiltinMetrics(registry: MetricsRegistryApi): Record<string, MetricDef> {
  const defs: Record<string, MetricDef> = {};
  for (const [name, type, contains] of BUILTIN_METRICS) defs[name] = registry.define(name, type, contains);
  return defs;
}
