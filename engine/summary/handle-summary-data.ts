/**
 * The object k6 passes to handleSummary(data), which is also what summary.json holds:
 * root_group, options {summaryTrendStats, summaryTimeUnit, noColor}, state {isStdOutTTY,
 * isStdErrTTY, testRunDurationMs}, metrics, and setup_data (absent when setup() returned nothing).
 */
import type { K6SummaryData } from '../../harness/result-types.ts';
import type { GroupTreeApi, MetricsRegistryApi } from '../metrics/types.ts';
import { DEFAULT_SUMMARY_TREND_STATS } from '../metrics/trend-stats.ts';

export interface SummaryDataInput {
  registry: MetricsRegistryApi;
  groups: GroupTreeApi;
  /** Whole test run, setup and teardown included (k6's testRunDurationMs). */
  testRunDurationMs: number;
  summaryTrendStats?: readonly string[];
  /** "" (automatic), "s", "ms" or "us". */
  summaryTimeUnit?: string;
  noColor?: boolean;
  isStdOutTTY?: boolean;
  isStdErrTTY?: boolean;
  /** What setup() returned; k6 passes it through JSON, and leaves it out when undefined. */
  setupData?: unknown;
}

export function buildHandleSummaryData(input: SummaryDataInput): K6SummaryData {
  const data: K6SummaryData = {
    root_group: input.groups.toJSON(),
    options: {
      summaryTrendStats: [...(input.summaryTrendStats ?? DEFAULT_SUMMARY_TREND_STATS)],
      summaryTimeUnit: input.summaryTimeUnit ?? '',
      noColor: input.noColor ?? false,
    },
    state: {
      isStdOutTTY: input.isStdOutTTY ?? false,
      isStdErrTTY: input.isStdErrTTY ?? false,
      testRunDurationMs: input.testRunDurationMs,
    },
    metrics: input.registry.summaryMetrics(input.testRunDurationMs),
  };
  if (input.setupData !== undefined) {
    const json = JSON.stringify(input.setupData);
    if (json !== undefined) data.setup_data = JSON.parse(json);
  }
  return data;
}
