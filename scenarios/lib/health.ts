/**
 * Health probes through the whole test, the way an orchestrator probes (liveness, and
 * readiness when the target has one, once a second): a service that answers its users but
 * times out its probes gets restarted exactly when it is busiest. Tagged `slo:health`.
 */
import http from 'k6/http';
import type { Scenario } from 'k6/options';
import { nameTag } from '../../harness/target/placeholders.ts';
import type { ResolvedProbe } from '../../harness/target/types.ts';
import { pause } from './pause.ts';
import { judge, type Response, type Tags } from './request.ts';
import { authHeaders, TARGET, TOKEN, urlOf } from './target.ts';

const PROBES: ResolvedProbe[] = [TARGET.health.liveness, ...(TARGET.health.readiness ? [TARGET.health.readiness] : [])];
/** Seconds between probe rounds: a few requests a second at most, enough for a p99 in short runs. */
const PERIOD_S = 1;

/** Built in the init context: the statuses each probe expects are not failed requests. */
const EXPECTED = new Map(PROBES.filter((p) => p.expect.status.length).map((p) => [p.name, http.expectedStatuses(...p.expect.status)]));

/** One round: every probe once, each judged by what the config says it must answer. */
export async function probeOnce(tags: Tags = {}): Promise<void> {
  for (const p of PROBES) {
    const cb = EXPECTED.get(p.name);
    const res = await http.asyncRequest('GET', urlOf(p.path), null, {
      headers: p.auth ? authHeaders(TOKEN) : {},
      tags: { name: nameTag('GET', p.path), slo: 'health', ...tags },
      timeout: '10s',
      ...(cb ? { responseCallback: cb } : {}),
    }) as Response;
    judge(`${p.name} (GET ${p.path})`, p.expect, res, tags);
  }
}

export async function probeIteration(): Promise<void> {
  await probeOnce();
  await pause(PERIOD_S);
}

/** `vus` VUs (one per k6 instance) probing for `seconds` (the length of the load beside it). */
export function probesScenario(seconds: number, vus = 1): Scenario {
  return { executor: 'constant-vus', vus, duration: `${Math.max(1, Math.ceil(seconds))}s`, exec: 'probe', gracefulStop: '10s' };
}
