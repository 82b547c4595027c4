/**
 * What a threshold's metric means in words, for verdict reasons a person can act on: the
 * endpoint, group, budget or service timing it judges (read from the run's target.json),
 * and the unit its values are in. Unknown metrics are named as they are.
 */
import type { Target } from '../harness/target/types.ts';
import { parseMetricKey } from './thresholds.ts';
import type { Unit } from './model.ts';

export interface MetricLabel { what: string; unit?: Unit }

export function labelMetric(metricKey: string, target?: Target): MetricLabel {
  const { metric, tags } = parseMetricKey(metricKey);
  const during = tags.phase ? ` during ${tags.phase}` : '';
  if (metric === 'http_req_duration') {
    if (tags.name) return { what: `endpoint ${tags.name} latency${during}`, unit: 'ms' };
    if (tags.slo === 'health') return { what: `health probe latency${during}`, unit: 'ms' };
    if (tags.slo) return { what: `group ${tags.slo} latency${during}`, unit: 'ms' };
    return { what: `request latency${during}`, unit: 'ms' };
  }
  if (metric === 'http_req_failed') return { what: `failed requests${during}`, unit: 'ratio' };
  if (metric === 'checks') return { what: 'checks passed', unit: 'ratio' };
  if (metric === 'http_reqs') return { what: `requests delivered${tags.scenario ? ` by ${tags.scenario}` : ''}`, unit: 'count' };
  if (metric === 'dropped_iterations') return { what: `arrivals dropped (no free VU)${tags.scenario ? ` in ${tags.scenario}` : ''}`, unit: 'count' };
  if (metric === 'active_users') return { what: 'concurrent users reached', unit: 'count' };
  const budget = target?.resources?.budgets.find((b) => b.k6Metric === metric);
  if (budget) {
    const unit: Unit = budget.unit === 'bytes' ? 'bytes' : budget.unit === 'seconds' ? 'plain' : 'plain';
    return { what: `${budget.label} (${budget.metric}${budget.rate ? ' per second' : ''}${budget.unit === 'cores' ? ', cores' : ''})`, unit };
  }
  for (const t of target?.serviceTimings ?? []) {
    if (t.kind === 'server-timing' && t.k6Metric === metric) return { what: `${t.label} reported by the service (Server-Timing "${t.entry}")`, unit: 'ms' };
    if (t.kind === 'histogram' && metric.startsWith(`${t.k6Metric}_p`)) return { what: `${t.label} ${metric.slice(t.k6Metric.length + 1)} from the service's ${t.histogram} histogram`, unit: 'ms' };
  }
  return { what: metricKey };
}
