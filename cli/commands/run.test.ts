/** shipcheck run: k6's short flags, the engine choice, and a --help that lists every flag with its default. */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shipcheck, startServer, tempDir, type TestServer } from '../../engine/testing/harness.ts';

describe('shipcheck run', () => {
  let server: TestServer;
  beforeAll(async () => { server = await startServer(); });
  afterAll(async () => { await server?.close(); });

  it("takes k6's short flags: -u VUs, -i iterations, -e variables", async () => {
    const dir = tempDir('run-');
    const script = path.join(dir, 'hit.js');
    fs.writeFileSync(script, "import http from 'k6/http';\nexport default async function () { await http.asyncRequest('GET', `${__ENV.BASE_URL}/record/${__ENV.WHAT}`); }\n");
    const r = await shipcheck(['run', '--engine', 'node', '-u', '2', '-i', '5', '-e', `BASE_URL=${server.url}`, '-e', 'WHAT=short-flags', '-q', script]);
    expect(r.code, r.stderr).toBe(0);
    expect(server.records.filter((x) => x.path === '/record/short-flags')).toHaveLength(5);
  });

  it('takes -d for a duration and stops when it is over', async () => {
    const dir = tempDir('run-');
    const script = path.join(dir, 'loop.js');
    fs.writeFileSync(script, "import http from 'k6/http';\nexport default async function () { await http.asyncRequest('GET', `${__ENV.BASE_URL}/record/duration?delay=50`); }\n");
    const summary = path.join(dir, 'summary.json');
    const r = await shipcheck(['run', '--engine', 'node', '-u', '1', '-d', '1s', '-e', `BASE_URL=${server.url}`, '-q', '--summary-export', summary, script]);
    expect(r.code, r.stderr).toBe(0);
    const made = JSON.parse(fs.readFileSync(summary, 'utf8')).metrics.iterations.count as number;
    expect(made).toBe(server.records.filter((x) => x.path === '/record/duration').length);
    expect(made).toBeGreaterThan(0);
  });

  it('with --engine k6 and no k6 on PATH, says how to get one (exit 2)', async () => {
    const dir = tempDir('run-');
    const script = path.join(dir, 'noop.js');
    fs.writeFileSync(script, 'export default async function () {}\n');
    const r = await shipcheck(['run', '--engine', 'k6', script], { env: { PATH: tempDir('empty-path-') } });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--engine k6 needs a k6 binary v0.51.0 or newer on PATH (no k6 on PATH)');
  });

  it('lists every flag, its short form and its default in --help', async () => {
    const r = await shipcheck(['run', '--help']);
    expect(r.code).toBe(0);
    for (const line of [
      /--engine auto\|k6\|node\s+which engine runs the script: real k6 when on PATH, else node \(default: auto\)/,
      /-u, --vus N\s+virtual users \(default: the script's options, else 1\)/,
      /-d, --duration D\s+test duration, e\.g\. 30s or 2m \(default: the script's options\)/,
      /-i, --iterations N\s+total iterations, shared by the VUs \(default: the script's options\)/,
      /-s, --stage D:T \.\.\./,
      /-e, --env KEY=VALUE \.\.\./,
      /-o, --out json=FILE \.\.\./,
      /--workers N\s+.*\(default: 1\)/,
    ]) expect(r.stdout).toMatch(line);
  });
});
