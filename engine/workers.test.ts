/** --workers N splits the load like k6 execution segments: the parts add up to the whole. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { metric, runScript, startServer, tempDir, type TestServer } from './testing/harness.ts';

let server: TestServer;
let dir: string;
beforeAll(async () => { server = await startServer(); dir = tempDir(); });
afterAll(async () => { await server.close(); });

describe('--workers', () => {
  it('splits iterations, VUs and arrival rates across 2 worker threads, with unique VU ids', async () => {
    const r = await runScript(dir, `
import http from 'k6/http';
import { check } from 'k6';
export const options = {
  scenarios: {
    iters: { executor: 'shared-iterations', vus: 4, iterations: 11, env: { TAG: 'w-iters' } },
    rate: { executor: 'constant-arrival-rate', rate: 20, duration: '1s', preAllocatedVUs: 4, env: { TAG: 'w-rate' } },
  },
  thresholds: { checks: ['rate==1'] },
};
export default async function () {
  const res = await http.asyncRequest('GET', __ENV.BASE + '/record/' + __ENV.TAG + '?vu=' + __VU);
  check(res, { ok: (x) => x.status === 200 });
}`, ['-e', `BASE=${server.url}`, '--workers', '2']);
    expect(r.stderr).not.toContain('ERRO');
    expect(r.code).toBe(0);
    const iters = server.records.filter((x) => x.path === '/record/w-iters');
    expect(iters).toHaveLength(11);
    const rate = server.records.filter((x) => x.path === '/record/w-rate').length;
    expect(rate).toBeGreaterThanOrEqual(19);
    expect(rate).toBeLessThanOrEqual(21);
    expect(metric(r.summary, 'iterations', 'count')).toBe(11 + rate);
    expect(metric(r.summary, 'checks', 'passes')).toBe(11 + rate);
    // Worker 0 has VUs 1, 3, 5, ...; worker 1 has 2, 4, ...: ids never collide.
    const ids = new Set(iters.map((x) => Number(x.query.vu)));
    for (const id of ids) expect(id).toBeGreaterThanOrEqual(1);
    expect([...ids].some((id) => id % 2 === 0) && [...ids].some((id) => id % 2 === 1)).toBe(true);
  });
});
