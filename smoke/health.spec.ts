/**
 * Health (@smoke): each probe the target describes answers as its expectation says — judged by
 * `expectationProblems`, the function the load scenarios' checks use, so the two never
 * disagree — and its median latency over a few calls is within the health SLO. The median,
 * because one slow call on a busy CI box is noise and a slow median is not.
 */
import type { APIRequestContext } from '@playwright/test';
import { expectationProblems } from '../harness/target/expectations.ts';
import type { ResolvedProbe, Target } from '../harness/target/types.ts';
import { test } from './fixtures.ts';
import { authHeader, credentials, runTarget, urlOf } from './run-target.ts';

const CALLS = 5;

async function medianMs(request: APIRequestContext, url: string, headers: Record<string, string>): Promise<number> {
  const ms: number[] = [];
  for (let i = 0; i < CALLS; i++) {
    const t = performance.now();
    await (await request.get(url, { headers, maxRedirects: 0 })).body();
    ms.push(performance.now() - t);
  }
  return Math.round(ms.sort((a, b) => a - b)[Math.floor(CALLS / 2)]!);
}

function probesOf(target: Target): ResolvedProbe[] {
  return [target.health.liveness, ...(target.health.readiness ? [target.health.readiness] : [])];
}

test.describe('health', { tag: '@smoke' }, () => {
  for (const probe of probesOf(runTarget())) {
    test(`${probe.name} GET ${probe.path} answers its expectation within the health SLO`, async ({ request, target }) => {
      const headers = probe.auth ? authHeader(target.auth, credentials(target).token) : {};
      const res = await request.get(urlOf(target, probe.path), { headers, maxRedirects: 0 });
      const body = await res.text();
      const problems = expectationProblems(probe.expect, { status: res.status(), contentType: res.headers()['content-type'], body });
      if (problems.length) throw new Error(`Target "${target.name}": the ${probe.name} probe GET ${probe.path} is not a right answer: ${problems.join('; ')}. Body: ${body.slice(0, 200) || '(empty)'}. Fix: make the probe answer as health.${probe.name}.expect in shipcheck.config.ts says (a failing probe means the service or a dependency it checks is down; see its logs), or correct the expectation if the service changed on purpose.`);

      const ms = await medianMs(request, urlOf(target, probe.path), headers);
      const limit = target.slo.healthP99Ms;
      if (ms > limit) throw new Error(`Target "${target.name}": the ${probe.name} probe GET ${probe.path} took ${ms} ms (median of ${CALLS} calls), over the health SLO of ${limit} ms (slo.healthP99Ms). Fix: keep the probe free of slow work (no database round trip per call, cache slow dependency checks), or raise slo.healthP99Ms if the SLO changed.`);
    });
  }
});
