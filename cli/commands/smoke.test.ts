/**
 * `shipcheck smoke` end to end: against the included API (the project's own shipcheck.config.ts:
 * the generic suites and La Factoria's own specs) it passes with Debian's Chromium and writes
 * the result folder; bad input is one clear line with the registry's exit code.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { freePort } from '../../harness/free-port.ts';
import { projectRoot } from '../../harness/project-root.ts';
import type { RunMeta, SmokeResult } from '../../harness/result-types.ts';
import type { ShipcheckConfig } from '../../harness/target/types.ts';
import { startBrokenSite } from '../../smoke/testing/broken-site.ts';
import { variantConfig } from '../../examples/testing/run.ts';
import example from '../../shipcheck.config.ts';

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

/** A one-target config for a service at `url`, written where the test says. */
function writeConfig(dir: string, url: string, extra: Partial<ShipcheckConfig['targets'][string]> = {}): string {
  const file = path.join(dir, 'shipcheck.config.json');
  const config: ShipcheckConfig = { targets: { standin: { baseUrl: url, auth: { type: 'bearer', tokenEnv: 'STANDIN_TOKEN' }, health: { liveness: '/healthz' }, ...extra } } };
  fs.writeFileSync(file, JSON.stringify(config));
  return file;
}

describe('shipcheck smoke', () => {
  it('passes against the included API with its own specs, and writes target.json, smoke.json, meta.json, JUnit and the report', async () => {
    const dir = tmp();
    // The project's own config, with the timing budgets a busy CI machine could cross by itself loosened.
    const base = example.targets['la-factoria']!;
    const config = variantConfig(tmp(), 'shipcheck.config.ts', 'la-factoria', {
      pages: Object.fromEntries(Object.entries(base.pages!).map(([k, p]) => [k, { ...p, fcpMs: 10_000, lcpMs: 10_000, loadMs: 10_000 }])),
      slo: { ...base.slo, healthP99Ms: 1000 },
      smoke: { testMatch: [path.join(projectRoot, 'smoke/la-factoria/*.spec.ts')] },
      load: { scripts: [path.join(projectRoot, 'scenarios/la-factoria/content-lifecycle.ts')] },
    });
    const { code, out } = await shipcheck(['smoke', '--config', config, '--out', dir], { API_KEY: '', API_KEYS: '', SHIPCHECK_TARGET: '', SHIPCHECK_ENVIRONMENT: '' });
    expect(code, out).toBe(0);
    const smoke = JSON.parse(fs.readFileSync(path.join(dir, 'smoke.json'), 'utf8')) as SmokeResult;
    expect(smoke.failed, out).toBe(0);
    expect(smoke.passed).toBe(smoke.tests.length);
    expect(new Set(smoke.tests.flatMap((t) => t.tags))).toEqual(new Set(['@smoke', '@security', '@a11y', '@vitals']));
    // The generic suites and La Factoria's own specs, folded into one result.
    expect(new Set(smoke.tests.map((t) => t.file))).toEqual(new Set([
      'smoke/health.spec.ts', 'smoke/endpoints.spec.ts', 'smoke/security.spec.ts', 'smoke/a11y.spec.ts', 'smoke/keyboard.spec.ts', 'smoke/vitals.spec.ts',
      'smoke/la-factoria/api.spec.ts', 'smoke/la-factoria/ui.spec.ts', 'smoke/la-factoria/a11y.spec.ts',
    ]));
    expect(smoke.tests.map((t) => t.title)).toEqual(expect.arrayContaining([
      'endpoints › generate: POST /api/v1/content/generate answers its expectation',
      'La Factoria API › GDPR: a user\'s data is exported in full, then erased with an audit record',
      'keyboard › page "monitor" /static/monitor.html can be walked with Tab alone',
    ]));
    expect(smoke.a11y.map((p) => p.page).sort()).toEqual(['generator', 'generator (after a generation)', 'monitor', 'monitor (with data)', 'report']);
    for (const p of smoke.a11y) expect(p.violations.critical + p.violations.serious, p.page).toBe(0);
    expect(smoke.vitals?.map((v) => v.page).sort()).toEqual(['generator', 'monitor']);
    expect(smoke.policy).toEqual({ failOn: ['critical', 'serious'], incomplete: 'warn' });
    expect(smoke.target).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const target = JSON.parse(fs.readFileSync(path.join(dir, 'target.json'), 'utf8'));
    expect(target).toMatchObject({ name: 'la-factoria', baseUrl: smoke.target.replace(/\/$/, ''), start: 'included-api' });
    const meta = JSON.parse(fs.readFileSync(path.join(dir, 'meta.json'), 'utf8')) as RunMeta;
    expect(meta).toMatchObject({ kind: 'smoke', exitCode: 0, target: smoke.target, targetName: 'la-factoria' });
    expect(fs.readFileSync(path.join(dir, 'smoke-junit.xml'), 'utf8')).toMatch(/<testsuites[^>]* failures="0"/);
    expect(out).toContain(`Report: ${path.join(dir, 'report.html')}`);
    expect(fs.existsSync(path.join(dir, 'report.html'))).toBe(true);
  }, 300_000);

  it('says how to get a browser when CHROMIUM_PATH points nowhere, before starting anything', async () => {
    const dir = path.join(tmp(), 'never-created');
    const { code, out } = await shipcheck(['smoke', '--out', dir], { CHROMIUM_PATH: '/nonexistent/chromium' });
    expect(code).toBe(2);
    expect(out.trim()).toBe('shipcheck: CHROMIUM_PATH is "/nonexistent/chromium", but no file exists there. Point CHROMIUM_PATH at a Chromium or Chrome executable (Debian\'s is /usr/bin/chromium), or unset it to let shipcheck look for one.');
    expect(fs.existsSync(dir)).toBe(false);
  });

  it('rejects a --grep that is not a regular expression, an unknown target and an unknown flag with 104', async () => {
    const grep = await shipcheck(['smoke', '--grep', '@a11y(']);
    expect(grep.code).toBe(104);
    expect(grep.out).toContain('Invalid value for --grep: "@a11y("');
    const name = await shipcheck(['smoke', '--target', 'la-factorla']);
    expect(name.code).toBe(104);
    expect(name.out).toContain('No target named "la-factorla" in');
    expect(name.out).toContain('(did you mean "la-factoria"?)');
    const flag = await shipcheck(['smoke', '--gerp', '@a11y']);
    expect(flag.code).toBe(104);
    expect(flag.out.trim()).toBe('shipcheck: smoke: unknown flag --gerp (did you mean --grep?). Run "shipcheck smoke --help" for its flags.');
  });

  it('lists every flag with its default and variable in --help', async () => {
    const { code, out } = await shipcheck(['smoke', '--help']);
    expect(code).toBe(0);
    for (const line of ['--config FILE', '--target NAME|URL', '--environment NAME', '--grep RE', '--out DIR', '(default: local; or SHIPCHECK_ENVIRONMENT)', '(default: out/<run-id>)']) expect(out).toContain(line);
  });

  it('says which tags exist when --grep matches no test', async () => {
    const site = await startBrokenSite({ keys: ['sc_cli_key_0123456789'] });
    try {
      const dir = tmp();
      const { code, out } = await shipcheck(['smoke', '--config', writeConfig(dir, site.url), '--grep', '@no-such-tag', '--out', path.join(dir, 'out')], { STANDIN_TOKEN: 'sc_cli_key_0123456789' });
      expect(code, out).toBe(104);
      expect(out).toContain('shipcheck: No smoke test matches --grep "@no-such-tag". The suites are tagged @smoke, @security, @a11y and @vitals');
      expect(JSON.parse(fs.readFileSync(path.join(dir, 'out', 'meta.json'), 'utf8'))).toMatchObject({ kind: 'smoke', exitCode: 104, targetName: 'standin' });
    } finally {
      await site.close();
    }
  }, 120_000);

  it('stops with one line when the target does not answer at all, and records the exit in meta.json', async () => {
    const dir = tmp();
    const port = await freePort();
    const config = writeConfig(dir, `http://127.0.0.1:${port}`);
    const { code, out } = await shipcheck(['smoke', '--config', config, '--out', path.join(dir, 'out')], { STANDIN_TOKEN: 'k' });
    expect(code, out).toBe(2);
    expect(out).toContain(`shipcheck: Cannot reach target "standin" at http://127.0.0.1:${port}/ (GET /healthz: ECONNREFUSED). Check its baseUrl in ${config} (or --target URL) and that the deployment is up and reachable from here.`);
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'out', 'meta.json'), 'utf8'))).toMatchObject({ kind: 'smoke', exitCode: 2 });
  });

  it('rejects a bad accessibility policy before running anything', async () => {
    const { code, out } = await shipcheck(['smoke'], { SHIPCHECK_A11Y_INCOMPLETE: 'sometimes' });
    expect(code).toBe(104);
    expect(out).toContain('SHIPCHECK_A11Y_INCOMPLETE="sometimes": give ignore, warn or fail');
  });
});
