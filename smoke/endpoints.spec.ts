/**
 * Endpoints (@smoke): every endpoint with `smoke: true` is called once, in the order the config
 * writes them, one after another, each judged by `expectationProblems` (the load scenarios'
 * own judge). Values an endpoint captures (`capture: { id: 'items.*.id' }`) fill the
 * placeholders of the ones after it, as in a journey.
 *
 * Playwright starts a fresh worker after a failing test, which would lose captures kept in
 * memory; they are kept in a file in the run's private state folder instead (never the result
 * folder: a capture may be a session token).
 */
import fs from 'node:fs';
import path from 'node:path';
import { expectationProblems } from '../harness/target/expectations.ts';
import { captureAt } from '../harness/target/json-path.ts';
import { endpointRequest } from './endpoint-request.ts';
import { test } from './fixtures.ts';
import { credentials, runTarget, SMOKE_STATE_DIR_ENV } from './run-target.ts';

interface Captured { values: Record<string, unknown> }

function capturesFile(): string {
  const dir = process.env[SMOKE_STATE_DIR_ENV]?.trim();
  if (!dir) throw new Error(`${SMOKE_STATE_DIR_ENV} is not set; run the suites through "shipcheck smoke" or smoke/playwright.config.ts.`);
  return path.join(dir, 'endpoint-captures.json');
}
const readCaptures = (): Captured => {
  try { return JSON.parse(fs.readFileSync(capturesFile(), 'utf8')) as Captured; } catch { return { values: {} }; }
};
const writeCaptures = (c: Captured) => fs.writeFileSync(capturesFile(), JSON.stringify(c), { mode: 0o600 });

const smokeEndpoints = runTarget().endpoints.filter((e) => e.smoke);

test.describe('endpoints', { tag: '@smoke' }, () => {
  for (const e of smokeEndpoints) {
    test(`${e.key}: ${e.name} answers its expectation`, async ({ request, target }) => {
      test.setTimeout(Math.max(30_000, e.timeoutSeconds * 1000 + 10_000));
      const captured = readCaptures();
      const missing = e.needs.filter((n) => !(n in captured.values));
      if (missing.length) {
        const sources = target.endpoints.filter((x) => missing.some((n) => n in x.capture)).map((x) => `${x.key} (${Object.entries(x.capture).filter(([n]) => missing.includes(n)).map(([n, p]) => `{${n}} from ${p}`).join(', ')})`);
        throw new Error(`Target "${target.name}": ${e.key} ${e.method} ${e.path} needs ${missing.map((n) => `{${n}}`).join(', ')}, which no earlier endpoint of this run captured${sources.length ? `; ${sources.join(' and ')} should have` : ''}. Fix: make the earlier endpoint answer with data at that path (a deployment with no data to list needs seeding), or change its capture path in shipcheck.config.ts.`);
      }

      const req = endpointRequest(target, e, captured.values, credentials(target).token);
      const res = await request.fetch(req.url, { method: req.method, headers: req.headers, data: req.data, timeout: req.timeoutMs, maxRedirects: 0 });
      const body = await res.text();
      const problems = expectationProblems(e.expect, { status: res.status(), contentType: res.headers()['content-type'], body });
      if (problems.length) {
        throw new Error(`Target "${target.name}": ${e.key} ${e.method} ${req.shown} is not a right answer: ${problems.join('; ')}. Body: ${body.slice(0, 300) || '(empty)'}. Fix: make the service answer as endpoints.${e.key}.expect in shipcheck.config.ts says (check the service's logs and dependencies), or correct the expectation if the service changed on purpose.`);
      }

      if (Object.keys(e.capture).length) {
        let parsed: unknown;
        try { parsed = JSON.parse(body); } catch { parsed = undefined; }
        for (const [name, at] of Object.entries(e.capture)) {
          const v = captureAt(parsed, at);
          // An empty list is a right answer; the endpoint that needs the value says what is missing.
          if (v !== undefined) captured.values[name] = v;
        }
        writeCaptures(captured);
      }
    });
  }
});
