import { execFile } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { GateVerdict } from '../../harness/result-types.ts';

function gate(args: string[], env: Record<string, string> = {}): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile('node', ['bin/shipcheck.mjs', 'gate', ...args], { env: { ...process.env, ...env, NO_COLOR: '1' }, maxBuffer: 64 * 1024 * 1024, timeout: 300_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, out: `${stdout}${stderr}` });
    });
  });
}
const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'gate-test-'));
const verdictOf = (dir: string) => JSON.parse(fs.readFileSync(path.join(dir, 'gate.json'), 'utf8')) as GateVerdict;

describe('shipcheck gate', () => {
  it('passes the included API: smoke, then the SLO load scenario, then one report, exit 0', async () => {
    const dir = tmp();
    // Tests never assert speed: latency limits are relaxed, the gate's logic is what is tested.
    const r = await gate(['--profile', 'test', '--out', dir], { SLO_API_P95_MS: '10000', SLO_API_P99_MS: '10000', SLO_HEALTH_P99_MS: '10000' });
    expect(r.out).toContain('GATE PASS  (exit 0)');
    expect(r.code).toBe(0);
    const v = verdictOf(dir);
    expect(v.verdict).toBe('pass');
    expect(v.stages.map((s) => [s.name, s.status])).toEqual([['smoke', 'pass'], ['load', 'pass']]);
    for (const f of ['smoke.json', 'summary.json', 'timeseries.json', 'meta.json', 'report.html', 'junit.xml', 'summary.md']) {
      expect(fs.existsSync(path.join(dir, f)), f).toBe(true);
    }
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'meta.json'), 'utf8')).kind).toBe('gate');
    // A job, not a server: tools that watch for "listening on http://" must not mistake it for one.
    expect(r.out).not.toMatch(/listening on http/i);
  }, 300_000);

  it('fails a broken deployment with reasons from each stage, exit 1', async () => {
    const broken = http.createServer((_req, res) => { res.writeHead(500, { 'content-type': 'application/json' }); res.end('{"error":"down"}'); });
    await new Promise<void>((r) => broken.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(broken.address() as AddressInfo).port}`;
    const dir = tmp();
    try {
      const r = await gate(['--target', url, '--profile', 'test', '--out', dir], { API_KEY: 'gate-test-key-0123456789', API_KEYS: 'gate-test-key-0123456789' });
      expect(r.code).toBe(1);
      const v = verdictOf(dir);
      expect(v.verdict).toBe('fail');
      expect(v.stages.find((s) => s.name === 'smoke')?.status).toBe('fail');
      expect(v.stages.find((s) => s.name === 'load')?.status).toBe('fail');
      expect(v.reasons.some((x) => x.startsWith('smoke:'))).toBe(true);
      expect(r.out).toContain('GATE FAIL  (exit 1)');
    } finally {
      broken.close();
    }
  }, 300_000);

  it('rejects a bad setting before starting anything, naming it (exit 104)', async () => {
    const r = await gate(['--profile', 'huge', '--engine', 'warp']);
    expect(r.code).toBe(104);
    expect(r.out).toContain('gate.profile must be one of test, ci, full, soak');
    expect(r.out).toContain('gate.engine must be one of auto, k6, node');
  });
});
