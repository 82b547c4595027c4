/**
 * The runner's contract with users' CI: setup/teardown data passing, per-VU globals across
 * awaits, the sync-call refusal, and k6's exit codes (99, 104, 105, 107, 108), each through
 * `shipcheck run` against a real loopback server.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { foldNdjson } from '../harness/timeseries/ndjson.ts';
import { metric, runScript, shipcheck, startServer, tempDir, writeScript, type TestServer } from './testing/harness.ts';

let server: TestServer;
let dir: string;
beforeAll(async () => { server = await startServer(); dir = tempDir(); });
afterAll(async () => { await server.close(); });

const env = () => ['-e', `BASE=${server.url}`];

describe('shipcheck run (Node engine)', () => {
  it('passes setup() data to every iteration and to teardown(); __VU is 0 in setup', async () => {
    const r = await runScript(dir, `
import http from 'k6/http';
export const options = { vus: 2, iterations: 4 };
export async function setup() {
  await http.asyncRequest('GET', __ENV.BASE + '/record/setup?vu=' + __VU);
  return { token: 'abc', n: 42 };
}
export default async function (data) {
  await http.asyncRequest('GET', __ENV.BASE + '/record/iter?token=' + data.token + '&n=' + data.n);
}
export async function teardown(data) {
  await http.asyncRequest('POST', __ENV.BASE + '/record/teardown', JSON.stringify(data));
}`, env());
    expect(r.code).toBe(0);
    expect(server.records.find((x) => x.path === '/record/setup')!.query.vu).toBe('0');
    const iters = server.records.filter((x) => x.path === '/record/iter');
    expect(iters).toHaveLength(4);
    for (const i of iters) expect(i.query).toEqual({ token: 'abc', n: '42' });
    expect(JSON.parse(server.records.find((x) => x.path === '/record/teardown')!.body)).toEqual({ token: 'abc', n: 42 });
  });

  it('keeps __VU, __ITER, __ENV and k6/execution per VU across awaits with many VUs interleaved', async () => {
    const r = await runScript(dir, `
import http from 'k6/http';
import exec from 'k6/execution';
import { Counter } from 'k6/metrics';
const mixups = new Counter('mixups');
export const options = { scenarios: {
  a: { executor: 'per-vu-iterations', vus: 20, iterations: 5, env: { WHO: 'a' } },
  b: { executor: 'per-vu-iterations', vus: 10, iterations: 5, env: { WHO: 'b' } },
} };
export default async function () {
  const before = [__VU, __ITER, __ENV.WHO, exec.vu.idInTest, exec.scenario.name, exec.vu.iterationInScenario].join('/');
  await http.asyncRequest('GET', __ENV.BASE + '/x?delay=' + ((__VU * 7) % 13));
  await new Promise((res) => setTimeout(res, (__VU * 3) % 5));
  const after = [__VU, __ITER, __ENV.WHO, exec.vu.idInTest, exec.scenario.name, exec.vu.iterationInScenario].join('/');
  mixups.add(before === after && __ENV.WHO === exec.scenario.name && __VU === exec.vu.idInTest ? 0 : 1);
}`, env());
    expect(r.code).toBe(0);
    expect(metric(r.summary, 'iterations', 'count')).toBe(150);
    expect(metric(r.summary, 'mixups', 'count')).toBe(0);
    expect(metric(r.summary, 'vus_max', 'value')).toBe(30);
  });

  it('runs sync http.get in sync mode (each VU waits for its response)', async () => {
    const r = await runScript(dir, `
import http from 'k6/http';
export const options = { iterations: 3 };
export default function () { const res = http.get(__ENV.BASE + '/record/sync-get'); if (res.status !== 200) throw new Error('status ' + res.status); }`, env(), 'sync-get.js');
    expect(r.code).toBe(0);
    expect(metric(r.summary, 'http_reqs', 'count')).toBe(3);
    expect(server.records.filter((x) => x.path === '/record/sync-get')).toHaveLength(3);
  });

  it('runs sleep() in sync mode: the VU waits, the iteration lasts at least that long', async () => {
    const r = await runScript(dir, `
import { sleep } from 'k6';
export const options = { iterations: 2 };
export default function () { sleep(0.2); }`, env());
    expect(r.code).toBe(0);
    expect(metric(r.summary, 'iterations', 'count')).toBe(2);
    // Timers may fire a fraction of a millisecond early against performance.now().
    expect(metric(r.summary, 'iteration_duration', 'min')).toBeGreaterThanOrEqual(199);
  });

  it('exits 107 for an exception in the init context, naming the script file and line', async () => {
    const r = await runScript(dir, `
const x = 1;
throw new Error('broken at init');
export default async function () {}`, env(), 'init-throws.js');
    expect(r.code).toBe(107);
    expect(r.stderr).toContain('broken at init');
    expect(r.stderr).toMatch(/init-throws\.js:3:\d+/);
  });

  it('exits 107 for an exception in a .ts script, at the .ts line (source maps)', async () => {
    const script = writeScript(dir, 'init-throws.ts', `import http from 'k6/http';
interface Cfg { n: number }
const cfg: Cfg = { n: 1 };
throw new Error('typed init failed ' + cfg.n);
export default async function (): Promise<void> { await http.asyncRequest('GET', __ENV.BASE); }
`);
    const r = await shipcheck(['run', script, '--quiet', ...env()]);
    expect(r.code).toBe(107);
    expect(r.stderr).toContain('typed init failed 1');
    expect(r.stderr).toMatch(/init-throws\.ts:4:\d+/);
  });

  it('gives each VU its own copy of the setup data', async () => {
    const r = await runScript(dir, `
import { Counter } from 'k6/metrics';
const seen = new Counter('seen_foreign_writes');
export const options = { scenarios: { s: { executor: 'per-vu-iterations', vus: 3, iterations: 2 } } };
export function setup() { return { owner: 0 }; }
export default async function (data) {
  if (data.owner !== 0 && data.owner !== __VU) seen.add(1);
  data.owner = __VU;
  await new Promise((r) => setTimeout(r, 5));
}`, env());
    expect(r.code).toBe(0);
    expect(metric(r.summary, 'seen_foreign_writes', 'count')).toBe(0);
  });

  it('exits 108 on exec.test.abort(), still running teardown', async () => {
    const r = await runScript(dir, `
import http from 'k6/http';
import exec from 'k6/execution';
export const options = { vus: 1, duration: '20s' };
export default async function () { await http.asyncRequest('GET', __ENV.BASE + '/x'); exec.test.abort('enough'); }
export async function teardown() { await http.asyncRequest('GET', __ENV.BASE + '/record/after-abort'); }`, env());
    expect(r.code).toBe(108);
    expect(r.stderr).toContain('enough');
    expect(server.records.some((x) => x.path === '/record/after-abort')).toBe(true);
  });

  it('Ctrl-C stops gracefully: teardown runs, the summary is written, exit 105', async () => {
    const script = writeScript(dir, 'sigint.js', `
import http from 'k6/http';
export const options = { vus: 2, duration: '30s' };
export default async function () { await http.asyncRequest('GET', __ENV.BASE + '/record/sigint-iter?delay=10'); }
export async function teardown() { await http.asyncRequest('GET', __ENV.BASE + '/record/after-sigint'); }`);
    const exp = path.join(dir, 'sigint.json');
    // Ctrl-C once the test is running (its iterations reach the server).
    const r = await shipcheck(['run', script, '--quiet', '--summary-export', exp, ...env()], { signalWhen: () => server.records.filter((x) => x.path === '/record/sigint-iter').length >= 4 });
    expect(r.code).toBe(105);
    expect(server.records.some((x) => x.path === '/record/after-sigint')).toBe(true);
    expect(JSON.parse(fs.readFileSync(exp, 'utf8')).metrics.iterations.count).toBeGreaterThan(0);
  });

  it('writes --out json NDJSON that k6 readers fold, with groups, checks and default tags', async () => {
    const out = path.join(dir, 'points.ndjson.gz');
    const r = await runScript(dir, `
import http from 'k6/http';
import { check, group } from 'k6';
export const options = { iterations: 3, tags: { team: 'qa' } };
export default async function () {
  const res = await http.asyncRequest('GET', __ENV.BASE + '/x', null, { tags: { name: 'x' } });
  group('browse', () => { check(res, { 'is 200': (x) => x.status === 200 }); });
}`, [...env(), '--out', `json=${out}`]);
    expect(r.code).toBe(0);
    const fold = await foldNdjson(out);
    expect(fold.metrics.http_reqs).toMatchObject({ type: 'counter', contains: 'default' });
    const reqs = fold.timeseries.series.filter((s) => s.metric === 'http_reqs');
    expect(reqs.reduce((a, s) => a + s.totals.count, 0)).toBe(3);
    expect(reqs[0]!.tags).toMatchObject({ name: 'x', method: 'GET', status: '200', expected_response: 'true', scenario: 'default' });
    expect(fold.checks).toEqual([{ group: '::browse', name: 'is 200', passes: 3, fails: 0 }]);
    const group = (r.summary!.root_group as { groups: Record<string, { path: string; checks: Record<string, { passes: number }> }> }).groups.browse!;
    expect(group.path).toBe('::browse');
    expect(group.checks['is 200']!.passes).toBe(3);
    expect(r.summary!.metrics.group_duration).toBeDefined();
    expect(fold.metrics.group_duration).toMatchObject({ type: 'trend', contains: 'time' });
  });

  it('writes no credential of a URL into --out json (password and key-like query parameters masked), other URLs as given', async () => {
    const out = path.join(dir, 'points-secret.ndjson');
    const r = await runScript(dir, `
import http from 'k6/http';
export const options = { iterations: 1 };
export default async function () {
  const u = new URL(__ENV.BASE);
  await http.asyncRequest('GET', 'http://user:pw-SECRET-1@' + u.host + '/creds');
  await http.asyncRequest('GET', __ENV.BASE + '/query?api_key=SECRET-2&page=3');
  await http.asyncRequest('GET', __ENV.BASE + '/plain?page=3');
}`, [...env(), '--out', `json=${out}`]);
    expect(r.code).toBe(0);
    const text = fs.readFileSync(out, 'utf8');
    expect(text).not.toContain('SECRET-1');
    expect(text).not.toContain('SECRET-2');
    const urls = new Set(text.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { type: string; metric: string; data: { tags?: { url?: string } } }).filter((l) => l.type === 'Point' && l.metric === 'http_reqs').map((l) => l.data.tags!.url!));
    const base = new URL(server.url);
    expect([...urls].sort()).toEqual([`http://user:***@${base.host}/creds`, `${server.url}/plain?page=3`, `${server.url}/query?api_key=***&page=3`].sort());
  });

  it('runs a .ts script, writes handleSummary outputs and the k6 response object', async () => {
    const script = writeScript(dir, 'typed.ts', `
import http from 'k6/http';
import { check } from 'k6';
interface Data { base: string }
export const options = { iterations: 2 };
export function setup(): Data { return { base: __ENV.BASE }; }
export default async function (data: Data): Promise<void> {
  const res = await http.asyncRequest('POST', data.base + '/echo?status=201', JSON.stringify({ a: 1 }), { headers: { 'Content-Type': 'application/json' }, tags: { name: 'echo' } });
  check(res, {
    'status 201': (r) => r.status === 201,
    'json body': (r) => (r.json() as { ok: boolean }).ok === true,
    'content type header': (r) => r.headers['Content-Type'] === 'application/json',
    'timings add up': (r) => Math.abs(r.timings.duration - (r.timings.sending + r.timings.waiting + r.timings.receiving)) < 1e-6,
  });
  const bad = await http.asyncRequest('GET', 'http://127.0.0.1:1/nothing-listens');
  check(bad, { 'refused is status 0 with error_code 1212': (r) => r.status === 0 && r.error_code === 1212 });
}
export function handleSummary(data: { metrics: Record<string, unknown> }) {
  return { stdout: 'custom summary\\n', [__ENV.OUT]: JSON.stringify(data) };
}`);
    const out = path.join(dir, 'hs.json');
    const r = await shipcheck(['run', script, '--quiet', ...env(), '-e', `OUT=${out}`]);
    expect(r.stderr).not.toContain('ERRO');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('custom summary');
    const data = JSON.parse(fs.readFileSync(out, 'utf8'));
    expect(data.metrics.checks.values).toMatchObject({ passes: 10, fails: 0 });
    expect(data.metrics.http_reqs.values.count).toBe(4);
    expect(data.metrics.http_req_failed.values.passes).toBe(2);
    expect(data.metrics['http_req_duration{expected_response:true}'].type).toBe('trend');
    expect(data.root_group.checks.map((c: { name: string }) => c.name)).toContain('status 201');
  });
});
