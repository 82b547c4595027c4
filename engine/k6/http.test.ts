/**
 * k6/http's response and samples through `shipcheck run` against a real loopback server:
 * redirects (303 turns POST into GET), status_text, the request echo, bodies for
 * responseType text/none, k6's error codes, and one http_reqs sample per hop. The request path
 * settles promises from undici's callbacks, so these pin what a script sees.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { metric, runScript, tempDir } from '../testing/harness.ts';

let server: http.Server;
let base: string;
let dir: string;
const seen: string[] = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      seen.push(`${req.method} ${req.url}`);
      if (req.url === '/see-other') { res.writeHead(303, { location: '/final' }); res.end(); return; }
      if (req.url === '/empty') { res.writeHead(204); res.end(); return; }
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('final');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  dir = tempDir();
});
afterAll(async () => { server.closeAllConnections(); await new Promise((r) => server.close(r)); });

describe('k6/http asyncRequest', () => {
  it('follows a 303 as GET, fills the response, reports k6 error codes, and samples every hop', async () => {
    const r = await runScript(dir, `
import http from 'k6/http';
import { check } from 'k6';
export const options = { iterations: 2 };
export default async function () {
  const followed = await http.asyncRequest('POST', __ENV.BASE + '/see-other', 'abc', { headers: { 'X-Probe': 'yes' } });
  check(followed, {
    'redirect followed': (x) => x.status === 200 && x.url === __ENV.BASE + '/final' && x.body === 'final',
    'status_text': (x) => x.status_text === '200 OK' && x.headers['Content-Type'] === 'text/plain',
    'request echo': (x) => x.request.method === 'GET' && x.request.headers['X-Probe'][0] === 'yes',
  });
  const none = await http.asyncRequest('GET', __ENV.BASE + '/final', null, { responseType: 'none' });
  check(none, { 'none: no body': (x) => x.status === 200 && x.body === null });
  const empty = await http.asyncRequest('GET', __ENV.BASE + '/empty');
  check(empty, { 'empty body is ""': (x) => x.status === 204 && x.body === '' });
  const invalid = await http.asyncRequest('GET', 'not a url');
  check(invalid, { 'invalid URL: 1020': (x) => x.status === 0 && x.error_code === 1020 });
  const refused = await http.asyncRequest('GET', 'http://127.0.0.1:1/');
  check(refused, { 'refused: 1212': (x) => x.status === 0 && x.error_code === 1212 && x.error === 'dial: connection refused' });
}`, ['-e', `BASE=${base}`]);
    expect(r.code, r.stderr).toBe(0);
    expect(metric(r.summary, 'checks', 'fails')).toBe(0);
    expect(metric(r.summary, 'checks', 'passes')).toBe(2 * 7);
    // Per iteration: the 303 and its target, none, empty, invalid, refused.
    expect(metric(r.summary, 'http_reqs', 'count')).toBe(2 * 6);
    expect(metric(r.summary, 'http_req_failed', 'passes')).toBe(2 * 2);
    expect(seen.filter((s) => s === 'POST /see-other').length).toBe(2);
    expect(seen.filter((s) => s === 'GET /final').length).toBe(4);
    expect(metric(r.summary, 'data_sent', 'count')).toBeGreaterThan(0);
  });
});
