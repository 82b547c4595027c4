/**
 * k6's documented script styles, run unmodified with `shipcheck run` (Node engine) against a
 * loopback server, asserting the values k6's rules give: counts, check passes, thresholds'
 * verdicts, exit codes and per-VU iteration numbers. The scripts are in ./scripts.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { metric, shipcheck, startServer, tempDir, type LegacyExport, type TestServer } from '../testing/harness.ts';
import { startWebServer, type WebServer } from './web-server.ts';

const scripts = path.join(path.dirname(fileURLToPath(import.meta.url)), 'scripts');
let server: TestServer;
let web: WebServer;
let dir: string;
beforeAll(async () => { server = await startServer(); web = await startWebServer(); dir = tempDir('conformance-'); });
afterAll(async () => { await server.close(); await web.close(); });

async function run(name: string, extra: string[] = [], env?: Record<string, string>) {
  const exp = path.join(dir, `${name}.summary.json`);
  const r = await shipcheck(['run', '--engine', 'node', path.join(scripts, name), '--summary-export', exp, '-e', `BASE=${server.url}`, '-e', `WEB=${web.url}`, ...extra], { env });
  const summary = fs.existsSync(exp) ? (JSON.parse(fs.readFileSync(exp, 'utf8')) as LegacyExport) : undefined;
  return { ...r, summary };
}
const recorded = (p: string) => server.records.filter((x) => x.path === p);
const webRecords = (p: string) => web.records.filter((x) => x.path === p);
const thresholds = (s: LegacyExport | undefined, m: string) => s?.metrics[m]?.thresholds;

describe('k6 conformance (Node engine)', () => {
  it('sync requests in groups with checks and sleep: counts, checks and group paths as k6 gives them', async () => {
    const r = await run('sync-groups-checks.js');
    expect(r.stderr).toContain('sync mode');
    expect(r.code).toBe(0);
    expect(metric(r.summary, 'http_reqs', 'count')).toBe(12);
    expect(metric(r.summary, 'iterations', 'count')).toBe(6);
    expect(metric(r.summary, 'checks', 'passes')).toBe(18);
    expect(metric(r.summary, 'checks', 'fails')).toBe(0);
    expect(recorded('/record/home')).toHaveLength(6);
    expect(recorded('/record/post').map((x) => JSON.parse(x.body).n).sort()).toEqual([0, 0, 1, 1, 2, 2]);
    const root = r.summary!.root_group as { groups: Record<string, { checks: Record<string, { passes: number }>; groups: Record<string, { path: string; checks: Record<string, { passes: number }> }> }> };
    expect(root.groups.home!.checks['status is 200']!.passes).toBe(6);
    expect(root.groups.api!.groups.post!.path).toBe('::api::post');
    expect(root.groups.api!.groups.post!.checks.posted!.passes).toBe(6);
    expect(thresholds(r.summary, 'http_reqs')).toEqual({ 'count==12': false });
  });

  it('module-level state is per VU in sync mode: one login per VU, a counter per VU, __ITER from 0', async () => {
    const r = await run('per-vu-state.js');
    expect(r.code).toBe(0);
    expect(recorded('/record/login').map((x) => x.query.vu).sort()).toEqual(['1', '2', '3']);
    const iters = recorded('/record/iter');
    expect(iters).toHaveLength(12);
    for (const x of iters) {
      expect(Number(x.query.count)).toBe(Number(x.query.iter) + 1);
      expect(x.query.token).toBe(`t-${x.query.vu}`);
    }
    for (const vu of ['1', '2', '3']) expect(iters.filter((x) => x.query.vu === vu).map((x) => x.query.iter)).toEqual(['0', '1', '2', '3']);
  });

  it('module-level state is per VU in async mode too', async () => {
    const r = await run('async-per-vu-state.js');
    expect(r.stderr).toContain('async mode');
    expect(r.code).toBe(0);
    expect(recorded('/record/alogin').map((x) => x.query.vu).sort()).toEqual(['1', '2', '3']);
    const iters = recorded('/record/aiter');
    expect(iters).toHaveLength(12);
    for (const x of iters) {
      expect(Number(x.query.count)).toBe(Number(x.query.iter) + 1);
      expect(x.query.token).toBe(`t-${x.query.vu}`);
    }
  });

  it('custom metrics with tags, thresholds on sub-metrics', async () => {
    const r = await run('custom-metrics.js');
    expect(r.code).toBe(0);
    expect(metric(r.summary, 'orders', 'count')).toBe(12);
    expect(metric(r.summary, 'paid', 'value')).toBe(0.75);
    expect(thresholds(r.summary, 'orders{kind:book}')).toEqual({ 'count==4': false });
    expect(thresholds(r.summary, 'orders{kind:pen}')).toEqual({ 'count==8': false });
    expect(thresholds(r.summary, 'paid')).toEqual({ 'rate==0.75': false });
    expect(thresholds(r.summary, 'basket_size')).toEqual({ 'value==3': false });
  });

  it('a crossed threshold exits 99 and is marked crossed', async () => {
    const r = await run('thresholds-crossed.js');
    expect(r.code).toBe(99);
    expect(thresholds(r.summary, 'http_reqs')).toEqual({ 'count>100': true });
    expect(thresholds(r.summary, 'iterations')).toEqual({ 'count==2': false });
  });

  it('setup data reaches each VU as its own copy and teardown unchanged; setup runs as VU 0', async () => {
    const r = await run('setup-teardown.js');
    expect(r.code).toBe(0);
    expect(recorded('/record/setup').map((x) => x.query.vu)).toEqual(['0']);
    const uses = recorded('/record/use');
    expect(uses).toHaveLength(4);
    for (const vu of ['1', '2']) expect(uses.filter((x) => x.query.vu === vu).map((x) => x.query.n)).toEqual(['4', '5']);
    expect(uses.every((x) => x.query.token === 'abc' && x.query.status === '200')).toBe(true);
    expect(recorded('/record/teardown').map((x) => [x.query.vu, x.query.n])).toEqual([['0', '3']]);
  });

  it('http.batch with a list and with named requests', async () => {
    const r = await run('batch.js');
    expect(r.code).toBe(0);
    expect(metric(r.summary, 'http_reqs', 'count')).toBe(10);
    expect(metric(r.summary, 'checks', 'passes')).toBe(4);
    expect(recorded('/record/b3').map((x) => x.body)).toEqual(['x=1', 'x=1']);
  });

  it('expected statuses decide http_req_failed', async () => {
    const r = await run('expected-statuses.js');
    expect(r.code).toBe(0);
    expect(metric(r.summary, 'http_reqs', 'count')).toBe(4);
    // k6's Rate: passes are the failed requests (value 1): the one 500 outside both callbacks.
    expect(metric(r.summary, 'http_req_failed', 'passes')).toBe(1);
    expect(metric(r.summary, 'http_req_failed', 'fails')).toBe(3);
  });

  it('SharedArray from open() in the init context, shared by every VU', async () => {
    const r = await run('shared-array.js');
    expect(r.code).toBe(0);
    const users = recorded('/record/user');
    expect(users).toHaveLength(6);
    for (const x of users) {
      expect(x.query.n).toBe('3');
      expect(x.query.name).toBe(['ada', 'bob', 'cy'][(Number(x.query.vu) - 1 + Number(x.query.iter)) % 3]);
    }
  });

  it('k6/crypto and k6/encoding give the standard digests', async () => {
    const r = await run('crypto-encoding.js');
    expect(r.code).toBe(0);
    expect(metric(r.summary, 'checks', 'passes')).toBe(5);
  });

  it('all six executors, each with its own exec function', async () => {
    const r = await run('executors.js');
    expect(r.code).toBe(0);
    const byFn = (fn: string) => recorded(`/record/${fn}`);
    expect(byFn('shared')).toHaveLength(5);
    expect(byFn('pervu')).toHaveLength(6);
    for (const vu of new Set(byFn('pervu').map((x) => x.query.vu))) expect(byFn('pervu').filter((x) => x.query.vu === vu).map((x) => x.query.iter)).toEqual(['0', '1', '2']);
    for (const fn of ['constant', 'ramping', 'arrival', 'rampingArrival']) expect(byFn(fn).length).toBeGreaterThan(0);
    const scenarioOf: Record<string, string> = { shared: 'shared', pervu: 'pervu', constant: 'constant', ramping: 'ramping', arrival: 'arrival', rampingArrival: 'rampingArrival' };
    for (const [fn, sc] of Object.entries(scenarioOf)) expect(new Set(byFn(fn).map((x) => x.query.scenario))).toEqual(new Set([sc]));
    expect(metric(r.summary, 'iterations', 'count')).toBe(Object.keys(scenarioOf).reduce((a, fn) => a + byFn(fn).length, 0));
  });

  it('requests in helpers, forEach and map callbacks and nested groups run in order; comparators stay sync', async () => {
    const r = await run('helpers-and-callbacks.js');
    expect(r.code).toBe(0);
    const seq = server.records.filter((x) => x.path.startsWith('/record/seq/') || x.path.startsWith('/record/map/')).map((x) => x.path);
    expect(seq).toEqual(['/record/seq/a', '/record/seq/b', '/record/seq/c', '/record/map/a', '/record/map/b', '/record/map/c']);
    expect(metric(r.summary, 'checks', 'passes')).toBe(4);
    const root = r.summary!.root_group as { groups: Record<string, { groups: Record<string, { path: string }> }> };
    expect(root.groups.outer!.groups.inner!.path).toBe('::outer::inner');
  });

  it('jslib k6-utils and k6-summary resolve to local equivalents', async () => {
    const r = await run('jslib.js');
    expect(r.code).toBe(0);
    expect(metric(r.summary, 'checks', 'passes')).toBe(4);
    expect(r.stdout).toContain('http_reqs');
    expect(recorded('/record/jslib')).toHaveLength(1);
  });

  it('any other remote import fails with exit 107, naming the URL', async () => {
    const r = await run('remote-import.js');
    expect(r.code).toBe(107);
    expect(r.stderr).toContain('https://example.com/lib/thing.js');
    expect(r.stderr).toContain('Download the module beside your script');
  });

  it('console in k6 log format and levels; k6/execution; params.timeout, responseType and discardResponseBodies', async () => {
    const r = await run('api-details.js');
    expect(r.code).toBe(0);
    expect(metric(r.summary, 'checks', 'passes')).toBe(24);
    expect(metric(r.summary, 'checks', 'fails')).toBe(0);
    // Not a terminal: logrus's text format, one line per call, warn at level "warning", no debug.
    const lines = r.stderr.split('\n').filter((l) => l.includes('source=console'));
    for (const vu of [1, 2]) for (const iter of [0, 1]) {
      expect(lines.filter((l) => new RegExp(`^time="\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ" level=info msg="hello from VU ${vu} iteration ${iter}" source=console$`).test(l))).toHaveLength(1);
    }
    expect(lines.filter((l) => l.includes('level=warning msg="careful"'))).toHaveLength(4);
    expect(r.stderr).not.toContain('shown only at debug level');
    // Per VU from 0 in the scenario and the instance; across the scenario each number once.
    const execs = recorded('/record/exec').map((x) => x.query);
    expect(execs.map((q) => `${q.vu}:${q.iter}:${q.inInstance}`).sort()).toEqual(['1:0:0', '1:1:1', '2:0:0', '2:1:1']);
    expect(execs.map((q) => Number(q.inTest)).sort()).toEqual([0, 1, 2, 3]);
    const debug = await run('api-details.js', [], { K6_LOG_LEVEL: 'debug' });
    expect(debug.code).toBe(0);
    expect(debug.stderr.split('\n').filter((l) => l.includes('level=debug msg="shown only at debug level" source=console'))).toHaveLength(4);
  });

  it('exec.test.abort() exits 108 after teardown', async () => {
    const r = await run('abort.js');
    expect(r.code).toBe(108);
    expect(recorded('/record/abort-iter')).toHaveLength(1);
    expect(recorded('/record/abort-teardown')).toHaveLength(1);
  });

  it('cookies: a jar per VU, kept across redirects, params.cookies adds and replaces, set/cookiesForURL/delete/clear, params.jar', async () => {
    const r = await run('cookies.js');
    expect(r.code).toBe(0);
    expect(metric(r.summary, 'checks', 'passes')).toBe(8);
    for (const vu of ['1', '2']) {
      const at = (p: string) => webRecords(p).find((x) => x.query.vu === vu)!.cookie;
      expect(at('/record/with-jar')).toBe(`session=vu${vu}`);
      // The 302 set "hop": the redirected request already carries it.
      expect(web.records.find((x) => x.path === '/record/landed' && x.cookie.includes(`session=vu${vu}`))!.cookie).toBe(`session=vu${vu}; hop=1`);
      expect(at('/record/after-redirect')).toBe('hop=1; extra=e1; session=replaced');
      expect(at('/record/after-delete')).toBe(`session=vu${vu}; hop=1`);
      expect(at('/record/after-clear')).toBe('');
      expect(at('/record/own-jar')).toBe('own=o1');
    }
  });

  it('k6/html: parseHTML selections, res.html(), res.submitForm() with hidden fields, res.clickLink()', async () => {
    const r = await run('html-forms.js');
    expect(r.code).toBe(0);
    expect(metric(r.summary, 'checks', 'passes')).toBe(7);
    const login = webRecords('/login');
    expect(login).toHaveLength(1);
    expect(login[0]!.method).toBe('POST');
    expect(Object.fromEntries(new URLSearchParams(login[0]!.body))).toEqual({ csrf: 'tok-123', user: 'ada', password: 'pw' });
    expect(webRecords('/record/page/one')).toHaveLength(1);
  });

  it('redirects (params.redirects) and URLs with credentials', async () => {
    const r = await run('redirects-credentials.js');
    expect(r.code).toBe(0);
    expect(metric(r.summary, 'checks', 'passes')).toBe(4);
    expect(webRecords('/record/never')).toHaveLength(0);
    expect(webRecords('/basic').map((x) => x.authorization)).toEqual([`Basic ${Buffer.from('ada:s3cret').toString('base64')}`, '']);
  });

  it('http.file() in a body object sends multipart/form-data with the file and the fields', async () => {
    const r = await run('multipart.js');
    expect(r.code).toBe(0);
    const up = webRecords('/record/upload');
    expect(up).toHaveLength(1);
    expect(up[0]!.body).toContain('Content-Disposition: form-data; name="title"\r\n\r\nusers\r\n');
    expect(up[0]!.body).toContain('Content-Disposition: form-data; name="file"; filename="users.json"\r\nContent-Type: application/json\r\n\r\n{ "users": [{ "name": "ada" }');
  });
});
