/**
 * La Factoria's targets, as its own scripts judge them (the generic shapes read the same
 * numbers from shipcheck.config.ts). Latency and rate targets can be overridden per run with
 * `-e SLO_<NAME>=<number>` (a staging stack with slower disks, or a test proving that a crossed
 * threshold fails the run).
 */
import type { Threshold } from 'k6/options';

function envNumber(name: string, fallback: number): number {
  const raw = __ENV[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0) {
    throw new Error(`${name}=${JSON.stringify(raw)} is not a target: give a number ≥ 0 (the default is ${fallback}).`);
  }
  return n;
}

export const SLO = {
  /** Educators click through content; past ~200 ms the UI stops feeling instant. */
  apiP95Ms: envNumber('SLO_API_P95_MS', 200),
  /** The slowest 1 % still answers within half a second, or users retry and add load. */
  apiP99Ms: envNumber('SLO_API_P99_MS', 500),
  /** Load balancers and orchestrators time health probes out; slow health means pods dropped. */
  healthP99Ms: envNumber('SLO_HEALTH_P99_MS', 100),
  /** At most 1 % failed requests: the error budget of a 99 % availability target. */
  failedRate: envNumber('SLO_FAILED_RATE', 0.01),
  /** More than 99 % of checks pass: responses are not only fast but right. */
  checksRate: envNumber('SLO_CHECKS_RATE', 0.99),
  /** Generation calls a model; educators wait for it, but not longer than 30 s at p95. */
  generationP95Ms: envNumber('SLO_GENERATION_P95_MS', 30_000),
} as const;

/**
 * Requests carry an `slo` tag saying which target they count toward, so thresholds can hold
 * each class of request to its own promise: `health` probes, `generation` calls, and `api`
 * for everything else. `setup` marks the harness's own checks before the load starts (a burst
 * of key checks is not user traffic), which no target covers.
 */
export type SloClass = 'api' | 'health' | 'generation' | 'setup';

/** Sub-metric of one SLO class, optionally narrowed further (`{ phase: 'spike' }`). */
export function durationOf(slo: SloClass, extra: Record<string, string> = {}): string {
  const pairs = [`slo:${slo}`, ...Object.entries(extra).map(([k, v]) => `${k}:${v}`)];
  return `http_req_duration{${pairs.join(',')}}`;
}

export const API_DURATION = durationOf('api');
export const HEALTH_DURATION = durationOf('health');
export const GENERATION_DURATION = durationOf('generation');

/** API latency: p95 and p99. */
export function apiLatency(): Threshold[] {
  return [`p(95)<${SLO.apiP95Ms}`, `p(99)<${SLO.apiP99Ms}`];
}

/** Health latency: p99. */
export function healthLatency(): Threshold[] {
  return [`p(99)<${SLO.healthP99Ms}`];
}

/** Generation latency: p95. */
export function generationLatency(): Threshold[] {
  return [`p(95)<${SLO.generationP95Ms}`];
}

/** Failed-request budget, for `http_req_failed`. */
export function failedRequests(): Threshold[] {
  return [`rate<${SLO.failedRate}`];
}

/** Check pass rate, for `checks`. */
export function passingChecks(): Threshold[] {
  return [`rate>${SLO.checksRate}`];
}

/**
 * The trend statistics every scenario reports: k6's defaults plus p(99), because the SLOs
 * gate on p99 and a summary without it cannot show the observed value beside the limit.
 */
export const SUMMARY_TREND_STATS: string[] = ['avg', 'min', 'med', 'max', 'p(90)', 'p(95)', 'p(99)'];
