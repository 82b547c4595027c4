/**
 * A target's SLOs as k6 thresholds: the one place they are built, each with its reason.
 * Requests carry two tags the keys select on: `slo` (the endpoint's group, or `health` for
 * the probes) and `name` (the endpoint's "METHOD /path/:param"). Harness traffic is tagged
 * `slo:setup` (setup's checks) and `slo:scrape` (the metrics sampler), which no group judges.
 * Pure (no k6 imports), so the tests compare the objects built from a Target.
 */
import type { Target } from '../../harness/target/types.ts';

/** k6's threshold: an expression, or one that stops the run when it fails. */
export type Threshold = string | { threshold: string; abortOnFail: boolean; delayAbortEval?: string };
export type Thresholds = Record<string, Threshold[]>;

/**
 * The trend statistics every shape reports: k6's defaults plus p(99), because the SLOs gate
 * on p99 and a summary without it cannot show the observed value beside the limit.
 */
export const SUMMARY_TREND_STATS: string[] = ['avg', 'min', 'med', 'max', 'p(90)', 'p(95)', 'p(99)'];

/** `http_req_duration{slo:reads,phase:spike}`: the sub-metric of the requests carrying these tags. */
export function durationOf(tags: Record<string, string>): string {
  return `http_req_duration{${Object.entries(tags).map(([k, v]) => `${k}:${v}`).join(',')}}`;
}

function latency(limits: { p95Ms?: number; p99Ms?: number }): string[] {
  return [
    ...(limits.p95Ms !== undefined ? [`p(95)<${limits.p95Ms}`] : []),
    ...(limits.p99Ms !== undefined ? [`p(99)<${limits.p99Ms}`] : []),
  ];
}

export interface SloOptions {
  /** Values of the `phase` tag whose requests are judged on their own too (spike, peak, late). */
  phases?: string[];
  /** Make every threshold stop the run when it fails, after this much warm-up (`10s`): the breakpoint shape. */
  abortAfter?: string;
  /** Every check must pass, not only `slo.checksRate` of them (the smoke shape: one request each). */
  allChecks?: boolean;
}

export function sloThresholds(target: Target, o: SloOptions = {}): Thresholds {
  const t: Thresholds = {};
  const { slo } = target;

  for (const [group, limits] of Object.entries(slo.groups)) {
    const rules = latency(limits);
    if (rules.length === 0) continue;
    // Each group keeps its own promise: reads stay fast, slow work (generation) stays in its budget.
    t[durationOf({ slo: group })] = rules;
    // And keeps it in each phase on its own, so a burst or a late drift is not averaged away.
    for (const phase of o.phases ?? []) t[durationOf({ slo: group, phase })] = rules;
  }

  // Each endpoint is held to its group's p95 as well, so a crossed threshold names the endpoint
  // that is slow. Endpoints sharing a route share a name tag; the strictest group limit wins.
  const groupsByName = new Map<string, Array<{ p95Ms?: number; p99Ms?: number }>>();
  for (const ep of target.endpoints) {
    const g = slo.groups[ep.group];
    if (g) groupsByName.set(ep.name, [...(groupsByName.get(ep.name) ?? []), g]);
  }
  for (const [name, groups] of groupsByName) {
    const p95 = groups.flatMap((g) => (g.p95Ms === undefined ? [] : [g.p95Ms]));
    const p99 = groups.flatMap((g) => (g.p99Ms === undefined ? [] : [g.p99Ms]));
    // A group with only a p99 limit holds its endpoints to that instead.
    if (p95.length) t[durationOf({ name })] = [`p(95)<${Math.min(...p95)}`];
    else if (p99.length) t[durationOf({ name })] = [`p(99)<${Math.min(...p99)}`];
  }

  // Probes stay fast under load, or orchestrators time them out and pull healthy instances.
  t[durationOf({ slo: 'health' })] = [`p(99)<${slo.healthP99Ms}`];
  // The error budget: failed requests (5xx, timeouts, refused connections, 429s) stay under it.
  t.http_req_failed = [`rate<${slo.errorRate}`];
  // Answers are right (status, content type, body fields), not only fast.
  t.checks = [o.allChecks ? 'rate==1' : `rate>${slo.checksRate}`];

  // A resource budget is broken the moment it is exceeded (memory runs out at the peak), so the peak is judged.
  for (const b of target.resources?.budgets ?? []) t[b.k6Metric] = [`max<${b.max}`];

  for (const st of target.serviceTimings) {
    if (st.kind === 'server-timing') {
      // What the service says its own part took, judged like any latency SLO.
      t[st.k6Metric] = latency(st);
    } else {
      // The run-long quantiles of the service's own histogram, estimated from its buckets.
      if (st.p95Ms !== undefined) t[`${st.k6Metric}_p95`] = [`value<${st.p95Ms}`];
      if (st.p99Ms !== undefined) t[`${st.k6Metric}_p99`] = [`value<${st.p99Ms}`];
    }
  }

  if (o.abortAfter) {
    const delay = o.abortAfter;
    for (const k of Object.keys(t)) t[k] = t[k]!.map((x) => ({ threshold: typeof x === 'string' ? x : x.threshold, abortOnFail: true, delayAbortEval: delay }));
  }
  return t;
}
