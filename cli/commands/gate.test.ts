/**
 * `shipcheck gate` end to end, as CI runs it: the project's own config (the included API,
 * started by the gate), a deployment that is broken, bad settings, a baseline regression that
 * the gate and the report must judge alike, and an interrupted gate. Latency limits are
 * loosened in a variant of the config (tests never assert speed).
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../../harness/project-root.ts';
import type { K6SummaryData } from '../../harness/result-types.ts';
import { gateRecord, shipcheck, tempDir, variantConfig } from '../../examples/testing/run.ts';

/** The project's own config with latency limits a busy CI machine cannot cross by itself. */
function looseConfig(dir: string): string {
  return variantConfig(dir, 'shipcheck.config.ts', 'la-factoria', {
    slo: { groups: { reads: { p95Ms: 10_000, p99Ms: 10_000 }, generation: { p95Ms: 60_000 } }, errorRate: 0.01, checksRate: 0.99, healthP99Ms: 10_000 },
    pages: {
      generator: { path: '/', keyboard: true, waitFor: 'h1', fcpMs: 10_000, lcpMs: 10_000, loadMs: 10_000, cls: 0.25 },
      monitor: { path: '/static/monitor.html', keyboard: true, waitFor: '#overall-status', fcpMs: 10_000, lcpMs: 10_000, loadMs: 10_000, cls: 0.25 },
    },
    // The variant lives in a temporary folder: name the included target's own specs and scripts absolutely.
    smoke: { testMatch: [path.join(projectRoot, 'smoke/la-factoria/*.spec.ts')] },
    load: { scripts: [path.join(projectRoot, 'scenarios/la-factoria/content-lifecycle.ts')] },
  });
}

describe('shipcheck gate', () => {
  it('passes the included API: smoke, the gate shape, the target\'s own script, one report, exit 0', async () => {
    const dir = tempDir('gate-pass');
    const out = path.join(dir, 'out');
    // Every suite on the included API is smoke.test.ts's to prove; here one suite stands for the stage.
    // The included API's own script judges by its own SLOs (scenarios/la-factoria/lib/slo.ts); loosened the way it documents.
    const r = await shipcheck(['gate', '--config', looseConfig(dir), '--profile', 'test', '--grep', '@security', '--out', out], { SLO_API_P95_MS: '10000', SLO_API_P99_MS: '10000', SLO_HEALTH_P99_MS: '10000' });
    expect(r.out).toContain('GATE PASS  (exit 0)  la-factoria');
    expect(r.code).toBe(0);
    const record = gateRecord(out);
    expect(record.stages.map((s) => [s.name, s.outcome, s.exitCode])).toEqual([['smoke', 'ran', 0], ['load', 'ran', 0], ['script content-lifecycle', 'ran', 0]]);
    expect(record).toMatchObject({ target: 'la-factoria', verdict: 'pass', exitCode: 0, reasons: [] });
    for (const f of ['smoke.json', 'summary.json', 'timeseries.json', 'meta.json', 'target.json', 'report.html', 'junit.xml', 'summary.md', 'scripts/content-lifecycle/summary.json']) {
      expect(fs.existsSync(path.join(out, f)), f).toBe(true);
    }
    const meta = JSON.parse(fs.readFileSync(path.join(out, 'meta.json'), 'utf8'));
    expect(meta).toMatchObject({ kind: 'gate', targetName: 'la-factoria', exitCode: 0 });
    // The key pool the gate issued to the included API is nowhere in what it wrote.
    const target = fs.readFileSync(path.join(out, 'target.json'), 'utf8');
    expect(target).not.toMatch(/sc_u\d+_/);
    // A job, not a server: tools that watch for "listening on http://" must not mistake it for one.
    expect(r.out).not.toMatch(/listening on http/i);
  }, 300_000);

  it('fails a broken deployment with a reason from each stage, exit 1', async () => {
    const broken = http.createServer((_req, res) => { res.writeHead(500, { 'content-type': 'application/json' }); res.end('{"error":"down"}'); });
    await new Promise<void>((r) => broken.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(broken.address() as AddressInfo).port}`;
    const dir = tempDir('gate-broken');
    const out = path.join(dir, 'out');
    try {
      const r = await shipcheck(['gate', '--config', looseConfig(dir), '--target', url, '--profile', 'test', '--no-scripts', '--grep', '@smoke', '--out', out], { API_KEY: 'gate-test-key-0123456789', API_KEYS: 'gate-test-key-0123456789' });
      expect(r.code).toBe(1);
      expect(r.out).toContain('GATE FAIL  (exit 1)  la-factoria');
      const record = gateRecord(out);
      expect(record.stages.map((s) => s.name)).toEqual(['smoke', 'load', 'script content-lifecycle']);
      expect(record.reasons).toEqual(expect.arrayContaining([
        expect.stringMatching(/^la-factoria: smoke: .*GET \/health.*status 500, expected 200/),
        expect.stringMatching(/^la-factoria: load: the script aborted the test: .*GET \/health/),
      ]));
    } finally {
      broken.close();
    }
  }, 300_000);

  it('rejects bad settings before starting anything, naming each (exit 104)', async () => {
    const r = await shipcheck(['gate', '--profile', 'huge', '--engine', 'warp']);
    expect(r.code).toBe(104);
    expect(r.out).toContain('gate.profile must be one of test, ci, full, soak (from command-line flags)');
    expect(r.out).toContain('gate.engine must be one of auto, k6, node (from command-line flags)');
    expect(r.out).not.toContain('starting the included API');
  });

  it('fails on a baseline regression, and the gate and report.html say so alike', async () => {
    const dir = tempDir('gate-baseline');
    const out = path.join(dir, 'out');
    // A baseline whose p95 no real run can match: any run regresses against it.
    const baseline = path.join(dir, 'baseline');
    fs.cpSync(path.join(projectRoot, 'reports', 'fixtures', 'pass'), baseline, { recursive: true });
    const summary = JSON.parse(fs.readFileSync(path.join(baseline, 'summary.json'), 'utf8')) as K6SummaryData;
    summary.metrics.http_req_duration!.values['p(95)'] = 0.001;
    fs.writeFileSync(path.join(baseline, 'summary.json'), JSON.stringify(summary));
    // A baseline of another shape and profile is refused before any traffic, naming each difference.
    const refused = await shipcheck(['gate', '--config', looseConfig(dir), '--profile', 'test', '--no-smoke', '--baseline', baseline, '--out', path.join(dir, 'refused')]);
    expect(refused.code).toBe(104);
    expect(refused.out).toContain('load shape or script (meta.json "scenario") is "gate" here but "load-500-users" in the baseline; profile is "test" here but "ci" in the baseline');
    expect(refused.out).not.toContain('starting the included API');
    // The same run as a gate at the test profile: comparable.
    const meta = JSON.parse(fs.readFileSync(path.join(baseline, 'meta.json'), 'utf8')) as Record<string, unknown>;
    fs.writeFileSync(path.join(baseline, 'meta.json'), JSON.stringify({ ...meta, scenario: 'gate', profile: 'test', targetName: 'la-factoria' }));
    const r = await shipcheck(['gate', '--config', looseConfig(dir), '--profile', 'test', '--no-smoke', '--no-scripts', '--baseline', baseline, '--out', out]);
    expect(r.code).toBe(1);
    expect(r.out).toContain('GATE FAIL  (exit 1)');
    const record = gateRecord(out);
    expect(record.reasons?.some((x) => x.includes('regression against the baseline: Latency p95'))).toBe(true);
    const html = fs.readFileSync(path.join(out, 'report.html'), 'utf8');
    expect(html).toMatch(/data-status="fail" data-exit-code="1"/);
  }, 300_000);

  it('stops cleanly on SIGINT mid-load: what ran is kept and judged, the report says interrupted, exit 105', async () => {
    const dir = tempDir('gate-interrupt');
    const out = path.join(dir, 'out');
    const child = spawn(process.execPath, [path.join(projectRoot, 'bin', 'shipcheck.mjs'), 'gate', '--config', looseConfig(dir), '--profile', 'ci', '--no-smoke', '--out', out], {
      cwd: projectRoot, env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    let sent = false;
    const onData = (d: Buffer) => {
      output += d.toString();
      // The load has begun once the engine reports its first running VUs.
      if (!sent && /running \(/.test(output)) { sent = true; child.kill('SIGINT'); }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    const code = await new Promise<number | null>((r) => child.once('close', (c) => r(c)));
    expect(sent, output).toBe(true);
    expect(code, output).toBe(105);
    const record = gateRecord(out);
    expect(record.stages.map((s) => [s.name, s.outcome])).toEqual([['smoke', 'skipped'], ['load', 'interrupted'], ['script content-lifecycle', 'interrupted']]);
    expect(record.verdict).toBe('interrupted');
    expect(fs.readFileSync(path.join(out, 'report.html'), 'utf8')).toMatch(/data-status="interrupted" data-exit-code="105"/);
    expect(fs.existsSync(path.join(out, 'summary.json'))).toBe(true);
  }, 300_000);
});
