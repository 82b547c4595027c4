/**
 * runSmoke()'s typed outcomes, for the callers that branch on them (`shipcheck smoke`, the gate):
 * a target that does not answer is a harness error before any test, an abort stops the runner
 * and keeps what it wrote (105), and credentials reach the runner from the live target only.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { freePort } from '../harness/free-port.ts';
import type { LiveTarget } from '../harness/target/live-target.ts';
import { resolveTarget } from '../harness/target/resolve.ts';
import type { TargetConfig } from '../harness/target/types.ts';
import { runSmoke } from './run-smoke.ts';
import { startBrokenSite } from './testing/broken-site.ts';

const KEY = 'sc_run_smoke_key_0123456789';

/** A live target built in code, as the gate hands one over (no config file, credentials by name). */
function liveTarget(url: string, cfg: Partial<TargetConfig> = {}): LiveTarget {
  const target = resolveTarget({ baseUrl: url, auth: { type: 'bearer', tokenEnv: 'RUN_SMOKE_TOKEN' }, health: { liveness: '/healthz' }, ...cfg }, { name: 'coded' });
  return { target, env: { RUN_SMOKE_TOKEN: KEY }, token: KEY, pool: [KEY], secrets: [KEY], stop: async () => {} };
}
const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'shipcheck-run-smoke-'));

describe('runSmoke', () => {
  it('answers a harness error (2) naming the URL, the probe and the fix when the target does not answer, before writing anything', async () => {
    const port = await freePort();
    const dir = path.join(tmp(), 'result');
    const r = await runSmoke(liveTarget(`http://127.0.0.1:${port}`), { resultDir: dir });
    expect(r.exitCode).toBe(2);
    expect(r.smoke).toBeUndefined();
    expect(r.error?.message).toBe(`Cannot reach target "coded" at http://127.0.0.1:${port}/ (GET /healthz: ECONNREFUSED). Check its baseUrl in its config (or --target URL) and that the deployment is up and reachable from here.`);
    expect(fs.existsSync(dir)).toBe(false);
  });

  it('answers 104 with the tags when --grep matches no test', async () => {
    const site = await startBrokenSite({ keys: [KEY] });
    try {
      const r = await runSmoke(liveTarget(site.url), { resultDir: tmp(), grep: '@no-such-tag', env: { CI: '' } });
      expect(r.exitCode).toBe(104);
      expect(r.error?.code).toBe('SHIPCHECK_ERR_SMOKE_NO_TESTS');
      expect(r.smoke?.tests).toEqual([]);
    } finally {
      await site.close();
    }
  }, 60_000);

  it('stops the runner when aborted, keeps smoke.json, and answers 105', async () => {
    // The slow page keeps its tests running well after the first quick check has passed.
    const site = await startBrokenSite({ keys: [KEY], defects: ['slow-page'] });
    try {
      const dir = tmp();
      const abort = new AbortController();
      let output = '';
      const r = await runSmoke(liveTarget(site.url, { pages: { home: { path: '/', fcpMs: 60_000, lcpMs: 60_000, loadMs: 60_000 } } }), {
        resultDir: dir, retries: 0, signal: abort.signal, env: { CI: '' },
        // The first passed test is the event to stop on: the run has started and has more to do.
        onOutput: (chunk) => { output += chunk; if (/✓/.test(chunk)) abort.abort(); },
      });
      expect(r.exitCode, output).toBe(105);
      expect(r.error).toBeUndefined();
      const written = JSON.parse(fs.readFileSync(path.join(dir, 'smoke.json'), 'utf8'));
      expect(written).toEqual(r.smoke);
      expect(r.smoke!.passed).toBeGreaterThanOrEqual(1);
      expect(r.smoke!.tests.filter((t) => t.status !== 'passed').length).toBeGreaterThanOrEqual(1);
      expect(r.smoke!.tests.find((t) => t.title.includes('page "home" / paints'))?.status).not.toBe('passed');
    } finally {
      await site.close();
    }
  }, 120_000);

  it('fails the rate-limit check with a request for a pool when the run has only the main token', async () => {
    const site = await startBrokenSite({ keys: [KEY] });
    try {
      const live = liveTarget(site.url, { security: { rateLimit: { path: '/api/items', maxRequests: 100 } } });
      const r = await runSmoke(live, { resultDir: tmp(), grep: 'answers 429', retries: 0, env: { CI: '' } });
      expect(r.exitCode).toBe(1);
      expect(r.smoke!.tests.map((t) => [t.title, t.status])).toEqual([['security › GET /api/items answers 429 with Retry-After within 100 requests', 'failed']]);
      expect(r.smoke!.tests[0]!.error).toContain('Target "coded": the rate-limit check of GET /api/items needs a key of its own, so that exhausting it does not starve the other checks, and the run has only the main token. Fix: name a pool of keys in the target\'s auth (poolEnv: \'API_KEYS\') and set it.');
    } finally {
      await site.close();
    }
  }, 60_000);

  it('answers 105 at once when the signal is already aborted', async () => {
    const abort = new AbortController();
    abort.abort();
    const dir = path.join(tmp(), 'result');
    expect(await runSmoke(liveTarget('http://127.0.0.1:9'), { resultDir: dir, signal: abort.signal })).toEqual({ exitCode: 105, resultDir: dir });
    expect(fs.existsSync(dir)).toBe(false);
  });
});
