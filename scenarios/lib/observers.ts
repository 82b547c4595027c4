/**
 * What runs beside every load shape for its whole length: the health probes, and the metrics
 * sampler when the target has resource budgets or a service-reported histogram. Each shape
 * exports `probe` and `sample` as the functions these scenarios run.
 *
 * Each k6 instance runs one VU of each (k6-operator splits a scenario's VUs over the
 * instances, so `vus: INSTANCES` puts one on each): every instance judges its own thresholds
 * and so needs its own probes and samples, and knows how many of its active VUs are not users.
 */
import type { Scenario } from 'k6/options';
import { probeIteration, probesScenario } from './health.ts';
import { INSTANCES } from './profile.ts';
import { SAMPLING, sampleIteration, samplerScenario } from './resources.ts';

export function observers(seconds: number): Record<string, Scenario> {
  return { probes: probesScenario(seconds, INSTANCES), ...(SAMPLING ? { resources: samplerScenario(seconds, INSTANCES) } : {}) };
}

/** The VUs observing on this instance while the load runs (to leave out when counting users). */
export const OBSERVER_VUS = SAMPLING ? 2 : 1;

export const probe = probeIteration;
export const sample = sampleIteration;
