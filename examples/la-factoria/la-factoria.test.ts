/**
 * The La Factoria example (the project's own shipcheck.config.ts, the included API) end to end
 * with its faults injected by a proxy in front of the API, never by hooks in app/: a clean
 * proxy passes; each fault fails the gate with a reason naming the target, the endpoint or
 * page, what was observed and the limit. Limits a busy CI machine could cross by itself are
 * loosened (reads p95 2 s, health p99 1 s, page budgets 10 s); the injected 5 s delay and the
 * reported 900 MiB are far past them.
 */
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startIncludedApi, type IncludedApi } from '../../harness/included-api.ts';
import { projectRoot } from '../../harness/project-root.ts';
import example from '../../shipcheck.config.ts';
import { startFaultProxy, type Fault, type FaultProxy } from '../testing/fault-proxy.ts';
import { gateRecord, shipcheck, tempDir, variantConfig } from '../testing/run.ts';

const TARGET = 'la-factoria';
const base = example.targets[TARGET]!;

let api: IncludedApi;
let proxy: FaultProxy | undefined;
beforeAll(async () => {
  api = await startIncludedApi({ keys: 50, seed: 40, env: { CORS_ORIGINS: base.security!.cors!.allowed!.join(',') } });
}, 120_000);
afterAll(async () => { await api?.stop(); });
afterEach(async () => { await proxy?.close(); proxy = undefined; });

async function gateThrough(fault: Fault | undefined, stages: string[]) {
  proxy = await startFaultProxy(api.url, fault);
  const dir = tempDir(`la-factoria-${fault ?? 'clean'}`);
  const loosePages = Object.fromEntries(Object.entries(base.pages!).map(([k, p]) => [k, { ...p, fcpMs: 10_000, lcpMs: 10_000, loadMs: 10_000 }]));
  const config = variantConfig(dir, 'shipcheck.config.ts', TARGET, {
    pages: loosePages,
    slo: { ...base.slo, groups: { reads: { p95Ms: 2000, p99Ms: 4000 }, generation: { p95Ms: 60_000 } }, healthP99Ms: 1000 },
    smoke: { testMatch: [path.join(projectRoot, 'smoke/la-factoria/*.spec.ts')] },
    load: { scripts: [path.join(projectRoot, 'scenarios/la-factoria/content-lifecycle.ts')] },
  });
  const run = await shipcheck(['gate', '--config', config, '--target', proxy.url, '--profile', 'test', '--no-scripts', '--out', path.join(dir, 'out'), ...stages],
    { API_KEY: api.apiKey, API_KEYS: api.apiKeys.join(',') });
  return { ...run, dir: path.join(dir, 'out') };
}

describe('the La Factoria example, faults injected by a proxy', () => {
  it('passes the included API through a clean proxy', async () => {
    const r = await gateThrough(undefined, []);
    expect(r.out).toContain('GATE PASS  (exit 0)  la-factoria');
    expect(r.code).toBe(0);
  }, 300_000);

  it('fails reads slower than the reads SLO, naming the endpoint, the observed p95 and the limit', async () => {
    const r = await gateThrough('slow-reads', ['--no-smoke']);
    expect(r.code).toBe(1);
    expect(gateRecord(r.dir).reasons).toEqual(expect.arrayContaining([
      expect.stringMatching(/^la-factoria: endpoint GET \/api\/v1\/content\/:id latency: p\(95\) was 5(\.\d{1,2})? s, limit < 2(\.00)? s/),
    ]));
  }, 300_000);

  it('fails the monitor page without X-Frame-Options, naming the page and the header', async () => {
    const r = await gateThrough('missing-header', ['--no-load', '--grep', '@security']);
    expect(r.code).toBe(1);
    const reasons = gateRecord(r.dir).reasons!;
    expect(reasons).toHaveLength(1);
    expect(reasons[0]).toContain('/static/monitor.html');
    expect(reasons[0]).toContain('x-frame-options');
  }, 300_000);

  it('fails a generator page with an image without alt text, naming the page and the rule', async () => {
    const r = await gateThrough('inaccessible', ['--no-load', '--grep', '@a11y']);
    expect(r.code).toBe(1);
    expect(gateRecord(r.dir).reasons!.some((x) => x.startsWith('la-factoria: accessibility: page generator') && x.includes('image-alt'))).toBe(true);
  }, 300_000);

  it('fails a readiness probe that reports the database down, naming the probe and what it answered', async () => {
    const r = await gateThrough('health-failing', ['--no-load', '--grep', '@smoke']);
    expect(r.code).toBe(1);
    expect(gateRecord(r.dir).reasons!.some((x) => x.startsWith('la-factoria: smoke:') && x.includes('GET /api/v1/health') && x.includes('status 503, expected 200'))).toBe(true);
  }, 300_000);

  it('fails resident memory over its 512 MiB budget, naming the budget, the observed peak and the limit', async () => {
    const r = await gateThrough('memory-overrun', ['--no-smoke']);
    expect(r.code).toBe(1);
    expect(gateRecord(r.dir).reasons).toEqual(expect.arrayContaining([
      expect.stringMatching(/^la-factoria: resident memory \(process_resident_memory_bytes\): max was 900 MiB, limit < 512 MiB/),
    ]));
  }, 300_000);
});
