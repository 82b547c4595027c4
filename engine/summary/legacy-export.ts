/**
 * `--summary-export` writes k6's legacy summary shape, which CI scripts written for older k6
 * still parse: options and state dropped, each metric flattened to its values (a rate's `rate`
 * renamed `value`), thresholds as { expr: crossed? }, and groups and checks keyed by name.
 * k6 writes it with 4-space indentation.
 */
import type { K6Check, K6Group, K6SummaryData } from '../../harness/result-types.ts';

export interface LegacyGroup {
  name: string;
  path: string;
  id: string;
  groups: Record<string, LegacyGroup>;
  checks: Record<string, K6Check>;
}

export type LegacyMetric = Record<string, number | Record<string, boolean>>;

export interface LegacySummaryExport {
  root_group: LegacyGroup;
  metrics: Record<string, LegacyMetric>;
  setup_data?: unknown;
}

function legacyGroup(g: K6Group): LegacyGroup {
  const groups: Record<string, LegacyGroup> = {};
  for (const sub of g.groups) groups[sub.name] = legacyGroup(sub);
  const checks: Record<string, K6Check> = {};
  for (const c of g.checks) checks[c.name] = { ...c };
  return { name: g.name, path: g.path, id: g.id, groups, checks };
}

export function toLegacySummaryExport(data: K6SummaryData): LegacySummaryExport {
  const metrics: Record<string, LegacyMetric> = {};
  for (const [name, m] of Object.entries(data.metrics)) {
    const flat: LegacyMetric = { ...m.values };
    if (m.thresholds && Object.keys(m.thresholds).length > 0) {
      const crossed: Record<string, boolean> = {};
      for (const [expr, t] of Object.entries(m.thresholds)) crossed[expr] = !t.ok;
      flat.thresholds = crossed;
    }
    if (m.type === 'rate' && 'rate' in flat) {
      flat.value = flat.rate;
      delete flat.rate;
    }
    metrics[name] = flat;
  }
  const out: LegacySummaryExport = { root_group: legacyGroup(data.root_group), metrics };
  if (data.setup_data !== undefined) out.setup_data = data.setup_data;
  return out;
}

/** The file content k6 writes for --summary-export. */
export function renderLegacySummaryExport(data: K6SummaryData): string {
  return JSON.stringify(toLegacySummaryExport(data), null, 4);
}
