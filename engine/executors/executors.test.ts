/**
 * Iteration and VU counts per executor, following k6 (exact where k6 is exact), each run by
 * `shipcheck run` against a real HTTP server on 127.0.0.1. Scripts report __VU/__ITER to the
 * server, so the counts are checked from the outside, not from the engine's own figures only.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { metric, runScript, startServer, tempDir, type TestServer } from '../testing/harness.ts';

let server: TestServer;
let dir: string;
beforeAll(async () => { server = await startServer(); dir = tempDir(); });
afterAll(async () => { await server.close(); });

const body = (extra = '') => `
import http from 'k6/http';
export default async function () {
  const vu = __VU, iter = __ITER;
  await http.asyncRequest('GET', __ENV.BASE + '/record/' + __ENV.TAG + '?vu=' + vu + '&iter=' + iter${extra ? ` + '${extra}'` : ''});
}`;

function recordsOf(tag: string) {
  return server.records.filter((r) => r.path === `/record/${tag}`).map((r) => ({ vu: Number(r.query.vu), iter: Number(r.query.iter), at: r.at }));
}

async function run(tag: string, options: unknown, extra = '') {
  const src = `export const options = ${JSON.stringify(options)};\n${body(extra)}`;
  const r = await runScript(dir, src, ['-e', `BASE=${server.url}`, '-e', `TAG=${tag}`]);
  expect(r.stderr).not.toMatch(/ERRO/);
  expect(r.code).toBe(0);
  return r.summary!;
}

describe('executors', () => {
  it('shared-iterations: exactly `iterations` iterations, shared by at most `vus` VUs', async () => {
    const s = await run('shared', { scenarios: { s: { executor: 'shared-iterations', vus: 3, iterations: 10 } } });
    expect(metric(s, 'iterations', 'count')).toBe(10);
    const recs = recordsOf('shared');
    expect(recs).toHaveLength(10);
    expect(new Set(recs.map((r) => r.vu)).size).toBeLessThanOrEqual(3);
    for (const r of recs) expect(r.vu).toBeGreaterThanOrEqual(1);
    expect(metric(s, 'vus_max', 'value')).toBe(3);
  });

  it('per-vu-iterations: each VU runs __ITER 0..n-1 exactly', async () => {
    const s = await run('pervu', { scenarios: { s: { executor: 'per-vu-iterations', vus: 3, iterations: 4 } } });
    expect(metric(s, 'iterations', 'count')).toBe(12);
    const recs = recordsOf('pervu');
    for (const vu of [1, 2, 3]) expect(recs.filter((r) => r.vu === vu).map((r) => r.iter).sort()).toEqual([0, 1, 2, 3]);
  });

  it('constant-vus: `vus` VUs loop for the duration, then stop', async () => {
    const s = await run('cvus', { scenarios: { s: { executor: 'constant-vus', vus: 2, duration: '1s' } } }, '&delay=50');
    expect(metric(s, 'vus_max', 'value')).toBe(2);
    expect(metric(s, 'vus', 'max')).toBe(2);
    const recs = recordsOf('cvus');
    expect(new Set(recs.map((r) => r.vu))).toEqual(new Set([1, 2]));
    expect(metric(s, 'iterations', 'count')).toBe(recs.length);
    // Each VU's __ITER counts 0, 1, 2, ... without gaps.
    for (const vu of [1, 2]) {
      const iters = recs.filter((r) => r.vu === vu).map((r) => r.iter).sort((a, b) => a - b);
      expect(iters).toEqual(iters.map((_, i) => i));
    }
    // VUs kept starting iterations for the whole second.
    expect(Math.max(...recs.map((r) => r.at)) - Math.min(...recs.map((r) => r.at))).toBeGreaterThan(800);
  });

  it('ramping-vus: reaches the stage target and no more', async () => {
    const s = await run('rvus', { scenarios: { s: { executor: 'ramping-vus', startVUs: 0, stages: [{ duration: '1s', target: 4 }, { duration: '500ms', target: 4 }, { duration: '500ms', target: 0 }] } } }, '&delay=20');
    expect(metric(s, 'vus_max', 'value')).toBe(4);
    const recs = recordsOf('rvus');
    expect(new Set(recs.map((r) => r.vu))).toEqual(new Set([1, 2, 3, 4]));
  });

  it('constant-arrival-rate: starts rate × duration iterations (±1) when VUs suffice', async () => {
    const s = await run('car', { scenarios: { s: { executor: 'constant-arrival-rate', rate: 20, timeUnit: '1s', duration: '1s', preAllocatedVUs: 5 } } });
    const n = metric(s, 'iterations', 'count');
    expect(n).toBeGreaterThanOrEqual(19);
    expect(n).toBeLessThanOrEqual(21);
    expect(metric(s, 'dropped_iterations', 'count')).toBe(0);
  });

  it('constant-arrival-rate: never waits for slow responses; iterations without a free VU are dropped', async () => {
    const s = await run('cardrop', { scenarios: { s: { executor: 'constant-arrival-rate', rate: 20, timeUnit: '1s', duration: '1s', preAllocatedVUs: 1, maxVUs: 2 } } }, '&delay=400');
    const done = metric(s, 'iterations', 'count');
    const dropped = metric(s, 'dropped_iterations', 'count');
    expect(dropped).toBeGreaterThan(0);
    expect(done + dropped).toBeGreaterThanOrEqual(19);
    expect(done + dropped).toBeLessThanOrEqual(21);
    expect(metric(s, 'vus_max', 'value')).toBeLessThanOrEqual(2);
  });

  it('ramping-arrival-rate: starts the integral of the rate (±1)', async () => {
    // 0 → 20/s over 1s, then 20/s for 1s: 10 + 20 = 30 iterations.
    const s = await run('rar', { scenarios: { s: { executor: 'ramping-arrival-rate', startRate: 0, timeUnit: '1s', preAllocatedVUs: 5, stages: [{ duration: '1s', target: 20 }, { duration: '1s', target: 20 }] } } });
    const n = metric(s, 'iterations', 'count');
    expect(n).toBeGreaterThanOrEqual(29);
    expect(n).toBeLessThanOrEqual(31);
  });

  it('startTime delays a scenario; gracefulStop interrupts iterations that run too long', async () => {
    const s = await run('grace', {
      scenarios: {
        late: { executor: 'per-vu-iterations', vus: 1, iterations: 1, startTime: '500ms', env: { TAG: 'grace' } },
        slow: { executor: 'constant-vus', vus: 1, duration: '1s', gracefulStop: '0s', env: { TAG: 'grace-slow' } },
      },
    }, '&delay=1500');
    // "slow" starts one 1.5 s iteration, which gracefulStop 0s cuts off: never completed.
    expect(recordsOf('grace-slow')).toHaveLength(1);
    expect(metric(s, 'iterations', 'count')).toBe(1);
    const late = server.records.find((r) => r.path === '/record/grace')!;
    const slow = server.records.find((r) => r.path === '/record/grace-slow')!;
    expect(late.at - slow.at).toBeGreaterThanOrEqual(400);
  });

  it('the shortcuts: iterations + vus → shared-iterations', async () => {
    const s = await run('short', { vus: 2, iterations: 5 });
    expect(metric(s, 'iterations', 'count')).toBe(5);
  });
});
