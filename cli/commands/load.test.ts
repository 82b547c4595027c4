/**
 * shipcheck load: the remote-target refusal (before any traffic), and one real run of the
 * smoke scenario with the Node engine against the included API on an embedded PostgreSQL.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkTarget } from './load.ts';
import { shipcheck, tempDir } from '../../engine/testing/harness.ts';

describe('shipcheck load', () => {
  it('refuses targets that are not this machine unless --allow-remote-target is given', async () => {
    expect(checkTarget('http://127.0.0.1:3000/', false)).toBe('http://127.0.0.1:3000');
    expect(checkTarget('http://[::1]:3000', false)).toBe('http://[::1]:3000');
    expect(checkTarget('http://example.com', true)).toBe('http://example.com');
    const r = await shipcheck(['load', 'smoke', '--engine', 'node', '--target', 'https://example.com']);
    expect(r.code).toBe(104);
    expect(r.stderr).toContain('Refusing to aim load at https://example.com');
    expect(r.stderr).toContain('--allow-remote-target');
  });

  it('runs the smoke scenario with the Node engine against the included API and writes the result folder', async () => {
    const out = path.join(tempDir(), 'result');
    const r = await shipcheck(['load', 'smoke', '--engine', 'node', '--profile', 'test', '--out', out, '--quiet']);
    expect(r.stderr).toContain('engine: node');
    expect(r.code).toBe(0);
    const summary = JSON.parse(fs.readFileSync(path.join(out, 'summary.json'), 'utf8'));
    expect(summary).toHaveProperty('root_group.checks');
    expect(summary).toHaveProperty('options.summaryTrendStats');
    expect(summary).toHaveProperty('state.testRunDurationMs');
    expect(summary.metrics.http_reqs.values.count).toBeGreaterThan(5);
    expect(summary.metrics.checks.values.fails).toBe(0);
    const meta = JSON.parse(fs.readFileSync(path.join(out, 'meta.json'), 'utf8'));
    expect(meta).toMatchObject({ kind: 'load', engine: 'node', scenario: 'smoke', profile: 'test', exitCode: 0 });
    expect(meta.scenarios[0].description).toMatch(/iterations/);
    expect(JSON.stringify(meta)).not.toMatch(/sc_u\d+_/); // API keys never reach meta.json
    const ts = JSON.parse(fs.readFileSync(path.join(out, 'timeseries.json'), 'utf8'));
    expect(ts.series.some((s: { metric: string }) => s.metric === 'http_req_duration')).toBe(true);
  });
});
