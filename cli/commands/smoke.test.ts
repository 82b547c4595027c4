/**
 * `shipcheck smoke` end to end: against the included API it passes with Debian's Chromium and
 * writes the result folder; bad input is one clear line with the registry's exit code.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { freePort } from '../../harness/free-port.ts';
import { projectRoot } from '../../harness/project-root.ts';
import type { RunMeta, SmokeResult } from '../../harness/result-types.ts';
import { startBrokenSite } from '../../smoke/testing/broken-site.ts';

function shipcheck(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(projectRoot, 'bin', 'shipcheck.mjs'), ...args], {
      cwd: projectRoot, env: { ...process.env, CI: '', PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { out += d; });
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, out }));
  });
}

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'shipcheck-smoke-cli-'));

describe('shipcheck smoke', () => {
  it('passes against the included API and writes smoke.json, meta.json, JUnit and the report', async () => {
    const dir = tmp();
    // The health-latency SLO is the suite's business, not this test's: a busy CI box must not fail it.
    const { code, out } = await shipcheck(['smoke', '--out', dir], { API_KEY: '', API_KEYS: '', BASE_URL: '', SLO_HEALTH_P99_MS: '5000' });
    expect(code, out).toBe(0);
    const smoke = JSON.parse(fs.readFileSync(path.join(dir, 'smoke.json'), 'utf8')) as SmokeResult;
    expect(smoke.failed, out).toBe(0);
    expect(smoke.passed).toBe(smoke.tests.length);
    expect(new Set(smoke.tests.flatMap((t) => t.tags))).toEqual(new Set(['@smoke', '@security', '@a11y']));
    expect(smoke.tests.every((t) => t.file.startsWith('smoke/') && t.durationMs >= 0 && t.error === undefined)).toBe(true);
    expect(smoke.a11y.map((p) => p.page).sort()).toEqual(['generator', 'generator (after a generation)', 'monitor', 'report']);
    for (const p of smoke.a11y) expect(p.violations.critical + p.violations.serious, p.page).toBe(0);
    expect(smoke.policy).toEqual({ failOn: ['critical', 'serious'], incomplete: 'warn' });
    expect(smoke.target).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const meta = JSON.parse(fs.readFileSync(path.join(dir, 'meta.json'), 'utf8')) as RunMeta;
    expect(meta).toMatchObject({ kind: 'smoke', exitCode: 0, target: smoke.target });
    expect(fs.readFileSync(path.join(dir, 'smoke-junit.xml'), 'utf8')).toMatch(/<testsuites[^>]* failures="0"/);
    expect(out).toContain(`Report: ${path.join(dir, 'report.html')}`);
    expect(fs.existsSync(path.join(dir, 'report.html'))).toBe(true);
  }, 180_000);

  it('says how to get a browser when CHROMIUM_PATH points nowhere, before starting anything', async () => {
    const dir = path.join(tmp(), 'never-created');
    const { code, out } = await shipcheck(['smoke', '--out', dir], { CHROMIUM_PATH: '/nonexistent/chromium' });
    expect(code).toBe(2);
    expect(out.trim()).toBe('shipcheck: CHROMIUM_PATH is "/nonexistent/chromium", but no file exists there. Point CHROMIUM_PATH at a Chromium or Chrome executable (Debian\'s is /usr/bin/chromium), or unset it to let shipcheck look for one.');
    expect(fs.existsSync(dir)).toBe(false);
  });

  it('rejects a target that is not an http(s) URL and a --grep that is not a regular expression', async () => {
    const bad = await shipcheck(['smoke', '--target', 'staging.example.org']);
    expect(bad.code).toBe(104);
    expect(bad.out).toContain('Invalid value for --target: "staging.example.org". Give the deployment\'s base URL');
    const grep = await shipcheck(['smoke', '--target', 'http://127.0.0.1:9', '--grep', '@a11y(']);
    expect(grep.code).toBe(104);
    expect(grep.out).toContain('Invalid value for --grep: "@a11y("');
  });

  it('says which tags exist when --grep matches no test', async () => {
    const site = await startBrokenSite();
    try {
      const { code, out } = await shipcheck(['smoke', '--target', site.url, '--grep', '@no-such-tag', '--out', tmp()]);
      expect(code, out).toBe(104);
      expect(out).toContain('shipcheck: No smoke test matches --grep "@no-such-tag". The suites are tagged @smoke, @a11y and @security');
    } finally {
      await site.close();
    }
  });

  it('stops with one line when the target does not answer at all, and records the exit in meta.json', async () => {
    const dir = tmp();
    const port = await freePort();
    const { code, out } = await shipcheck(['smoke', '--target', `http://127.0.0.1:${port}`, '--out', dir]);
    expect(code, out).toBe(2);
    expect(out).toContain(`shipcheck: Cannot reach the smoke target http://127.0.0.1:${port}/ (GET /health: ECONNREFUSED). Check --target (or SHIPCHECK_TARGET)`);
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'meta.json'), 'utf8'))).toMatchObject({ kind: 'smoke', exitCode: 2 });
  });

  it('rejects a bad accessibility policy before running anything', async () => {
    const { code, out } = await shipcheck(['smoke', '--target', 'http://127.0.0.1:9'], { SHIPCHECK_A11Y_INCOMPLETE: 'sometimes' });
    expect(code).toBe(104);
    expect(out).toContain('SHIPCHECK_A11Y_INCOMPLETE="sometimes": give ignore, warn or fail');
  });
});
