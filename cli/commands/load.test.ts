/**
 * shipcheck load, as users run it: the errors that come before any traffic (each one line with
 * its fix, exit 104), a shape and one of the target's own scripts run with the Node engine
 * against the included API (the root shipcheck.config.ts), a script run without any config,
 * Ctrl-C, and --help.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shipcheck, startServer, tempDir, type TestServer } from '../../engine/testing/harness.ts';
import { projectRoot } from '../../harness/project-root.ts';

const readJson = (dir: string, file: string) => JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8'));

describe('shipcheck load: errors before any traffic', () => {
  it('refuses a target that is not this machine unless --allow-remote-target is given', async () => {
    const r = await shipcheck(['load', 'smoke', '--engine', 'node', '--target', 'https://example.com']);
    expect(r.code).toBe(104);
    expect(r.stderr).toContain('Refusing to aim load at https://example.com: it is not this machine');
    expect(r.stderr).toContain('--allow-remote-target');
  });

  it('names the closest shape for an unknown one, and lists the shapes and the target\'s own scripts', async () => {
    const r = await shipcheck(['load', 'stres']);
    expect(r.code).toBe(104);
    expect(r.stderr).toContain('shipcheck: No load shape or script named "stres" (did you mean "stress"?). The shapes: smoke, users, throughput, gate, spike, stress, soak, breakpoint; the target\'s own scripts: content-lifecycle; or give the path of a k6 script (.js or .ts).');
  });

  it('rejects a mistyped flag or value in one line with the closest one', async () => {
    const flag = await shipcheck(['load', 'smoke', '--profil', 'test']);
    expect(flag.code).toBe(104);
    expect(flag.stderr.trim()).toBe('shipcheck: load: unknown flag --profil (did you mean --profile?). Run "shipcheck load --help" for its flags.');
    const value = await shipcheck(['load', 'smoke', '--engine', 'k7']);
    expect(value.code).toBe(104);
    expect(value.stderr.trim()).toBe('shipcheck: Invalid value for --engine: "k7". Use auto, k6, node (did you mean k6?).');
  });

  it('without a config file, says what is missing and how to write one', async () => {
    const r = await shipcheck(['load'], { cwd: tempDir('no-config-') });
    expect(r.code).toBe(104);
    expect(r.stderr).toMatch(/No shipcheck\.config\.ts \(nor \.mts, \.mjs, \.js or \.json\) in \S+, so shipcheck does not know what to load\. .*shipcheck init/);
  });

  it('lists every flag with its default in --help', async () => {
    const r = await shipcheck(['load', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Usage: shipcheck load [shape|script] [flags]');
    for (const line of [
      /--config FILE\s+the project config \(default: shipcheck\.config\.\* in the working directory\)/,
      /--target NAME\|URL\s+the target to load, or a URL that replaces its base URL \(default: the config's only target, or gate\.target\)/,
      /--environment NAME\s+which of the target's base URLs \(default: local; or SHIPCHECK_ENVIRONMENT\)/,
      /--profile test\|ci\|full\|soak\s+load size \(-e PROFILE\) \(default: ci\)/,
      /--engine auto\|k6\|node\s+.*\(default: auto\)/,
      /--out DIR\|OUTPUT \.\.\.\s+the result folder; or, as in k6, an output streaming the run live: csv=FILE, json=FILE, experimental-prometheus-rw, experimental-opentelemetry \(repeat for several\) \(default: out\/<run-id>\)/,
      /--workers N\s+worker threads \(Node engine\) \(default: 1\)/,
      /--allow-remote-target\s+allow load to leave this machine/,
      /-q, --quiet/,
      /-e, --env KEY=VALUE \.\.\./,
      /gate\s+users, then throughput: the deploy gate's load stage \(the default\)/,
    ]) expect(r.stdout).toMatch(line);
    expect(r.stdout).toContain('Exit codes: 0 pass · 99 thresholds crossed · 104 invalid options · 105 interrupted');
  });
});

describe('shipcheck load against the included API', () => {
  it('runs the smoke shape with the Node engine and writes the result folder and the report', async () => {
    const out = path.join(tempDir(), 'result');
    const r = await shipcheck(['load', 'smoke', '--engine', 'node', '--profile', 'test', '--out', out, '--quiet']);
    expect(r.stderr).toContain('engine: node');
    expect(r.code, r.stderr).toBe(0);
    const summary = readJson(out, 'summary.json');
    expect(summary).toHaveProperty('root_group.checks');
    expect(summary).toHaveProperty('options.summaryTrendStats');
    expect(summary.metrics.http_reqs.values.count).toBeGreaterThan(5);
    expect(summary.metrics.checks.values.fails).toBe(0);
    const meta = readJson(out, 'meta.json');
    expect(meta).toMatchObject({ kind: 'load', engine: 'node', scenario: 'smoke', targetName: 'la-factoria', profile: 'test', exitCode: 0 });
    expect(meta.scenarios[0].description).toMatch(/iterations/);
    expect(JSON.stringify(meta)).not.toMatch(/sc_u\d+_/); // API keys never reach meta.json
    expect(readJson(out, 'target.json')).toMatchObject({ name: 'la-factoria', baseUrl: meta.target });
    const ts = readJson(out, 'timeseries.json');
    expect(ts.series.some((s: { metric: string }) => s.metric === 'http_req_duration')).toBe(true);
    expect(fs.existsSync(path.join(out, 'report.html'))).toBe(true);
  }, 120_000);

  it("runs one of the target's own scripts by its name", async () => {
    const out = path.join(tempDir(), 'own');
    const r = await shipcheck(['load', 'content-lifecycle', '--engine', 'node', '--profile', 'test', '--out', out, '--quiet', '-e', 'SLO_API_P95_MS=10000', '-e', 'SLO_API_P99_MS=10000', '-e', 'SLO_HEALTH_P99_MS=10000']);
    expect(r.code, r.stderr).toBe(0);
    expect(readJson(out, 'meta.json')).toMatchObject({ scenario: 'content-lifecycle', targetName: 'la-factoria', exitCode: 0 });
    expect(readJson(out, 'summary.json').metrics.checks.values.fails).toBe(0);
  }, 120_000);
});

describe('shipcheck load against a recording server', () => {
  let server: TestServer;
  beforeAll(async () => { server = await startServer(); });
  afterAll(async () => { await server?.close(); });

  it('runs a script without any config file, with --target URL as BASE_URL', async () => {
    const cwd = tempDir('script-only-');
    fs.writeFileSync(path.join(cwd, 'three.js'), [
      "import http from 'k6/http';",
      'export const options = { iterations: 3 };',
      "export default async function () { await http.asyncRequest('GET', `${__ENV.BASE_URL}/record/three`); }",
      '',
    ].join('\n'));
    const before = server.records.filter((x) => x.path === '/record/three').length;
    const r = await shipcheck(['load', './three.js', '--target', server.url, '--engine', 'node', '--out', 'result', '--quiet'], { cwd });
    expect(r.code, r.stderr).toBe(0);
    expect(server.records.filter((x) => x.path === '/record/three').length - before).toBe(3);
    expect(readJson(path.join(cwd, 'result'), 'meta.json')).toMatchObject({ kind: 'load', scenario: 'three', target: server.url, targetName: new URL(server.url).host });
  }, 60_000);

  it('stops on Ctrl-C as k6 does: summary and result folder written, exit 105', async () => {
    const cwd = tempDir('ctrl-c-');
    fs.writeFileSync(path.join(cwd, 'shipcheck.config.json'), JSON.stringify({
      targets: { recorder: { baseUrl: server.url, health: { liveness: '/health' }, endpoints: { hit: { path: '/record/ctrl-c' } }, sizing: { users: 30, thinkTimeSeconds: 0.1 } } },
    }));
    const seen = () => server.records.filter((x) => x.path === '/record/ctrl-c').length;
    const before = seen();
    // The ci profile holds its users for minutes: only Ctrl-C ends this run within the test's time.
    const child = spawn(process.execPath, [path.join(projectRoot, 'bin', 'shipcheck.mjs'), 'load', 'users', '--engine', 'node', '--out', 'result', '--quiet'], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (c) => { stderr += c; });
    const poll = setInterval(() => { if (seen() - before >= 5) { clearInterval(poll); child.kill('SIGINT'); } }, 20);
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    clearInterval(poll);
    expect(code, stderr).toBe(105);
    expect(stderr).toContain('Stopping the test (Ctrl-C again to kill it without a summary)');
    const dir = path.join(cwd, 'result');
    expect(readJson(dir, 'meta.json')).toMatchObject({ scenario: 'users', targetName: 'recorder', exitCode: 105 });
    expect(readJson(dir, 'summary.json').metrics.http_reqs.values.count).toBeGreaterThanOrEqual(5);
    expect(fs.existsSync(path.join(dir, 'report.html'))).toBe(true);
  }, 60_000);
});
