/**
 * runLoad(): the refusals that come before any traffic, the thresholds it reports as crossed,
 * the engine it picks, and a run stopped through its signal the way Ctrl-C stops k6. The
 * shapes themselves are run against the included API in scenarios/scenarios.test.ts.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { K6SummaryData, RunMeta } from '../harness/result-types.ts';
import type { LiveTarget } from '../harness/target/live-target.ts';
import { resolveTarget } from '../harness/target/resolve.ts';
import { assertLoopback, crossedThresholds, runLoad } from './run-load.ts';
import { startServer, tempDir, type TestServer } from './testing/harness.ts';
import { runLoadInChild } from './testing/run-load-in-child.ts';

const liveAt = (baseUrl: string, users = 2): LiveTarget => ({
  target: resolveTarget({
    baseUrl, health: { liveness: '/health' },
    endpoints: { hit: { path: '/record/hit', expect: { json: { ok: true } } } },
    sizing: { users, thinkTimeSeconds: 0.1 },
  }, { name: 'recorder' }),
  env: {}, pool: [], secrets: [], stop: async () => {},
});

describe('assertLoopback', () => {
  it('lets load go to this machine only, unless remote targets are allowed', () => {
    expect(assertLoopback('http://127.0.0.1:3000/', false)).toBe('http://127.0.0.1:3000');
    // Exactly the hosts the message names: the rest of 127.0.0.0/8 is refused like any other host.
    expect(() => assertLoopback('http://127.0.0.2:3000', false)).toThrow(/Refusing to aim load at http:\/\/127\.0\.0\.2:3000: it is not this machine \(127\.0\.0\.1, ::1 or localhost\)/);
    expect(assertLoopback('http://[::1]:3000', false)).toBe('http://[::1]:3000');
    expect(assertLoopback('http://localhost:3000', false)).toBe('http://localhost:3000');
    expect(assertLoopback('https://example.com', true)).toBe('https://example.com');
    expect(() => assertLoopback('https://example.com', false)).toThrow(/Refusing to aim load at https:\/\/example\.com: it is not this machine.*--allow-remote-target/);
    expect(() => assertLoopback('ftp://127.0.0.1', false)).toThrow('Invalid value for --target: "ftp://127.0.0.1". Use an http:// or https:// URL.');
    expect(() => assertLoopback('not a url', false)).toThrow('Invalid value for --target: "not a url". Give a URL such as http://127.0.0.1:3000.');
  });

  it('refuses before anything runs, whether the target or -e BASE_URL points away', async () => {
    const dir = path.join(tempDir(), 'never');
    await expect(runLoad(liveAt('https://example.com'), { shape: 'smoke', resultDir: dir })).rejects.toMatchObject({ code: 'SHIPCHECK_ERR_TARGET_REMOTE', exitCode: 104 });
    await expect(runLoad(liveAt('http://127.0.0.1:9'), { shape: 'smoke', resultDir: dir, env: { BASE_URL: 'https://example.com' } })).rejects.toMatchObject({ code: 'SHIPCHECK_ERR_TARGET_REMOTE' });
    expect(fs.existsSync(dir)).toBe(false);
  });
});

describe('crossedThresholds', () => {
  it('lists every threshold the summary marks as failed, with its metric', () => {
    const summary = {
      metrics: {
        http_req_failed: { type: 'rate', contains: 'default', values: { rate: 0 }, thresholds: { 'rate<0.01': { ok: true } } },
        'http_req_duration{name:GET /slow}': { type: 'trend', contains: 'time', values: {}, thresholds: { 'p(95)<300': { ok: false }, 'p(99)<500': { ok: false } } },
        resource_memory: { type: 'trend', contains: 'default', values: {}, thresholds: { 'max<536870912': { ok: false } } },
        iterations: { type: 'counter', contains: 'default', values: { count: 3 } },
      },
    } as unknown as K6SummaryData;
    expect(crossedThresholds(summary)).toEqual([
      { metric: 'http_req_duration{name:GET /slow}', threshold: 'p(95)<300' },
      { metric: 'http_req_duration{name:GET /slow}', threshold: 'p(99)<500' },
      { metric: 'resource_memory', threshold: 'max<536870912' },
    ]);
  });
});

describe('runLoad against a recording server', () => {
  let server: TestServer;
  beforeAll(async () => { server = await startServer(); });
  afterAll(async () => { await server?.close(); });

  it('with --engine k6 and no k6 on PATH, says how to get one', async () => {
    const r = await runLoadInChild(liveAt(server.url), { shape: 'smoke', engine: 'k6', resultDir: path.join(tempDir(), 'k6') }, { env: { PATH: tempDir('empty-path-') } });
    expect(r.error).toMatchObject({ code: 'SHIPCHECK_ERR_K6_NOT_FOUND', exitCode: 2 });
    expect(r.error!.message).toContain('--engine k6 needs a k6 binary v0.51.0 or newer on PATH (no k6 on PATH)');
  });

  it('stops like Ctrl-C when its signal aborts: teardown, summary and result folder, exit 105', async () => {
    const dir = path.join(tempDir(), 'stopped');
    const before = server.records.length;
    // The ci profile holds its users for minutes: only the signal ends this run within the test's time.
    // 30 users ramp in over 30 s, so the first ones arrive within a second or two.
    const r = await runLoadInChild(liveAt(server.url, 30), { shape: 'users', profile: 'ci', engine: 'node', quiet: true, resultDir: dir }, {
      onStarted: (p) => {
        const poll = setInterval(() => {
          if (server.records.length - before >= 5) { clearInterval(poll); p.kill('SIGINT'); }
        }, 20);
        p.on('close', () => clearInterval(poll));
      },
    });
    expect(r.result?.exitCode, r.stderr).toBe(105);
    expect(r.result!.summary.metrics.checks!.values.passes).toBeGreaterThanOrEqual(5);
    expect(r.result!.message).toBe('test interrupted by SIGINT');
    const meta = JSON.parse(fs.readFileSync(path.join(dir, 'meta.json'), 'utf8')) as RunMeta;
    expect(meta).toMatchObject({ kind: 'load', scenario: 'users', targetName: 'recorder', profile: 'ci', exitCode: 105 });
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'summary.json'), 'utf8')).metrics.http_reqs.values.count).toBeGreaterThanOrEqual(5);
  }, 60_000);
});
