/**
 * The harness under faults (issue 11, item 4), each command run as a user or CI runs it:
 * Ctrl-C (SIGINT to the whole process group, as a terminal sends it) or SIGTERM (a CI cancel)
 * at several points of `load`, `smoke` and `gate`, each sent when the line that marks the point
 * is printed, never after a delay; an unwritable or full result folder refused before anything
 * starts. Orphans are found by a marker in the environment every process of the run inherits
 * (node, the included API, its PostgreSQL, Playwright, Chromium): after exit, no process may
 * still carry it.
 */
import { spawn, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../harness/project-root.ts';
import type { GateRecord, RunMeta } from '../harness/result-types.ts';
import { startFaultProxy } from '../examples/testing/fault-proxy.ts';
import { shipcheck, tempDir, variantConfig } from '../examples/testing/run.ts';
import { startIncludedApi } from '../harness/included-api.ts';

const MARKER = 'SHIPCHECK_FAULT_RUN';

/** The project's own config with latency limits a busy machine cannot cross by itself. */
function looseConfig(dir: string): string {
  return variantConfig(dir, 'shipcheck.config.ts', 'la-factoria', {
    slo: { groups: { reads: { p95Ms: 10_000, p99Ms: 10_000 }, generation: { p95Ms: 60_000 } }, errorRate: 0.01, checksRate: 0.99, healthP99Ms: 10_000 },
    smoke: { testMatch: [path.join(projectRoot, 'smoke/la-factoria/*.spec.ts')] },
    load: { scripts: [path.join(projectRoot, 'scenarios/la-factoria/content-lifecycle.ts')] },
  });
}

/** Pids of live processes whose environment carries `MARKER=id` (zombies are gone already: they hold no environment). */
function processesOf(id: string): number[] {
  const needle = `${MARKER}=${id}\0`;
  const pids: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      if (fs.readFileSync(`/proc/${entry}/environ`, 'latin1').includes(needle)) pids.push(Number(entry));
    } catch { /* exited meanwhile, or not ours to read */ }
  }
  return pids;
}

interface Interrupted { code: number | null; out: string; sent: boolean; leftBehind: number[]; during: number }

/**
 * Runs `shipcheck <args>` in a process group of its own and sends `signal` once `when` matches
 * the output so far: to the whole group for SIGINT (a terminal's Ctrl-C), to the command alone
 * for SIGTERM (what CI runners send). Resolves when it has exited, with the marked processes
 * still alive then.
 */
function interruptAt(args: string[], when: RegExp, signal: 'SIGINT' | 'SIGTERM'): Promise<Interrupted> {
  const id = crypto.randomUUID();
  const child = spawn(process.execPath, [path.join(projectRoot, 'bin', 'shipcheck.mjs'), ...args], {
    cwd: projectRoot, detached: true, stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, CI: '', NO_COLOR: '1', PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: '1', [MARKER]: id },
  });
  let out = '';
  let sent = false;
  let during = 0;
  const onData = (d: Buffer) => {
    out += d.toString();
    if (!sent && when.test(out)) {
      sent = true;
      during = processesOf(id).length;
      if (signal === 'SIGINT') process.kill(-child.pid!, 'SIGINT');
      else child.kill('SIGTERM');
    }
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, out, sent, during, leftBehind: processesOf(id) }));
  });
}

const readJson = <T>(dir: string, file: string) => JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) as T;
const reportStatus = (dir: string) => /data-status="(\w+)" data-exit-code="(\d+)"/.exec(fs.readFileSync(path.join(dir, 'report.html'), 'utf8'))?.slice(1);

describe('interrupted load', () => {
  it('SIGTERM mid-load: summary, time series, meta and a report that says interrupted; every process stopped; exit 105', async () => {
    const dir = tempDir('faults-load-term');
    const out = path.join(dir, 'out');
    const r = await interruptAt(['load', 'users', '--config', looseConfig(dir), '--profile', 'ci', '--out', out], /running \(/, 'SIGTERM');
    expect(r.sent, r.out).toBe(true);
    // The included API and its PostgreSQL were up when the signal came.
    expect(r.during, r.out).toBeGreaterThanOrEqual(3);
    expect(r.code, r.out).toBe(105);
    expect(r.out).toContain('SIGTERM received.\nStopping the test (Ctrl-C again to kill it without a summary)...');
    for (const f of ['summary.json', 'timeseries.json', 'meta.json', 'target.json', 'report.html']) expect(fs.existsSync(path.join(out, f)), f).toBe(true);
    expect(readJson<RunMeta>(out, 'meta.json')).toMatchObject({ kind: 'load', targetName: 'la-factoria', exitCode: 105 });
    expect(reportStatus(out)).toEqual(['interrupted', '105']);
    expect(r.leftBehind).toEqual([]);
  }, 300_000);

  it('Ctrl-C while the included API starts (its PostgreSQL is up): nothing left running, exit 105', async () => {
    const dir = tempDir('faults-load-start');
    const out = path.join(dir, 'out');
    const r = await interruptAt(['load', 'users', '--config', looseConfig(dir), '--profile', 'ci', '--out', out], /PostgreSQL [\d.]+ ready on 127\.0\.0\.1:\d+/, 'SIGINT');
    expect(r.sent, r.out).toBe(true);
    expect(r.code, r.out).toBe(105);
    expect(r.out).not.toContain('unexpected error');
    expect(r.leftBehind).toEqual([]);
  }, 300_000);
});

describe('interrupted smoke', () => {
  it('Ctrl-C while the suites run in Chromium: meta says 105, the report says interrupted, no browser or server left, exit 105', async () => {
    const dir = tempDir('faults-smoke');
    const out = path.join(dir, 'out');
    const r = await interruptAt(['smoke', '--config', looseConfig(dir), '--grep', '@smoke', '--out', out], /running the suites/, 'SIGINT');
    expect(r.sent, r.out).toBe(true);
    expect(r.code, r.out).toBe(105);
    expect(readJson<RunMeta>(out, 'meta.json')).toMatchObject({ kind: 'smoke', exitCode: 105 });
    expect(reportStatus(out)).toEqual(['interrupted', '105']);
    expect(r.leftBehind).toEqual([]);
  }, 300_000);

  it('SIGTERM while the included API starts: exit 105, nothing left running', async () => {
    const dir = tempDir('faults-smoke-start');
    const out = path.join(dir, 'out');
    const r = await interruptAt(['smoke', '--config', looseConfig(dir), '--grep', '@smoke', '--out', out], /starting the included API/, 'SIGTERM');
    expect(r.sent, r.out).toBe(true);
    expect(r.code, r.out).toBe(105);
    expect(r.out).toContain('smoke: interrupted before the suites started.');
    expect(readJson<RunMeta>(out, 'meta.json')).toMatchObject({ kind: 'smoke', exitCode: 105 });
    expect(r.leftBehind).toEqual([]);
  }, 300_000);
});

describe('interrupted gate', () => {
  it('SIGTERM mid-smoke: smoke and every later stage interrupted, the verdict and report say so, exit 105', async () => {
    const dir = tempDir('faults-gate-smoke');
    const out = path.join(dir, 'out');
    const r = await interruptAt(['gate', '--config', looseConfig(dir), '--profile', 'test', '--grep', '@smoke', '--out', out], /running the suites/, 'SIGTERM');
    expect(r.sent, r.out).toBe(true);
    expect(r.code, r.out).toBe(105);
    const record = readJson<GateRecord>(out, 'gate.json');
    expect(record.stages.map((s) => [s.name, s.outcome])).toEqual([['smoke', 'interrupted'], ['load', 'interrupted'], ['script content-lifecycle', 'interrupted']]);
    expect(record.verdict).toBe('interrupted');
    expect(record.reasons?.[0]).toBe('la-factoria: the run was interrupted: the results cover only what ran before');
    expect(reportStatus(out)).toEqual(['interrupted', '105']);
    expect(r.out).toContain('GATE INTERRUPTED  (exit 105)  la-factoria');
    expect(r.leftBehind).toEqual([]);
  }, 300_000);

  it('Ctrl-C while the included API starts: the target stage is interrupted, not an error; exit 105', async () => {
    const dir = tempDir('faults-gate-start');
    const out = path.join(dir, 'out');
    const r = await interruptAt(['gate', '--config', looseConfig(dir), '--profile', 'test', '--out', out], /PostgreSQL [\d.]+ ready on 127\.0\.0\.1:\d+/, 'SIGINT');
    expect(r.sent, r.out).toBe(true);
    expect(r.code, r.out).toBe(105);
    expect(readJson<GateRecord>(out, 'gate.json').verdict).toBe('interrupted');
    expect(reportStatus(out)).toEqual(['interrupted', '105']);
    expect(r.leftBehind).toEqual([]);
  }, 300_000);
});

describe('interrupted drill', () => {
  it('SIGTERM while pitr streams WAL: the journal says interrupted, its clusters and pg_receivewal are stopped, the report says interrupted, exit 105', async () => {
    const dir = tempDir('faults-drill');
    const out = path.join(dir, 'out');
    const r = await interruptAt(['drill', 'pitr', '--out', out], /pg_receivewal streaming into/, 'SIGTERM');
    expect(r.sent, r.out).toBe(true);
    expect(r.during, r.out).toBeGreaterThanOrEqual(3);
    expect(r.code, r.out).toBe(105);
    expect(readJson<{ verdict: string; error: string }>(out, 'drills/pitr.json')).toMatchObject({ verdict: 'error', error: 'interrupted by SIGTERM' });
    expect(readJson<RunMeta>(out, 'meta.json')).toMatchObject({ kind: 'drill', exitCode: 105 });
    expect(reportStatus(out)).toEqual(['interrupted', '105']);
    expect(r.leftBehind).toEqual([]);
  }, 300_000);
});

/**
 * Runs `sh -c script` in a mount namespace of its own (root here; an unprivileged user maps
 * itself to root in a user namespace), so the tmpfs it mounts is seen by that command only.
 */
function inMountNamespace(script: string, args: string[]) {
  const ns = process.getuid?.() === 0 ? ['-m'] : ['-rm'];
  return spawnSync('unshare', [...ns, 'sh', '-c', script, 'sh', ...args], {
    cwd: projectRoot, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' },
  });
}

describe('result folder preflight', () => {
  const shipcheckBin = path.join(projectRoot, 'bin', 'shipcheck.mjs');

  it.each([['load'], ['gate'], ['smoke']])('%s: a read-only --out is one clear error before anything starts (exit 2)', (command) => {
    const dir = tempDir(`faults-ro-${command}`);
    const mnt = path.join(dir, 'ro');
    fs.mkdirSync(mnt);
    const r = inMountNamespace('mount -t tmpfs -o ro,size=1m tmpfs "$1" && shift && exec "$@"',
      [mnt, process.execPath, shipcheckBin, command, '--config', looseConfig(dir), '--out', path.join(mnt, 'run')]);
    expect(r.status, r.stderr).toBe(2);
    expect(r.stderr).toContain(`shipcheck: Cannot write the result folder ${path.join(mnt, 'run')}: EROFS (read-only file system). Nothing was started.`);
    expect(r.stdout + r.stderr).not.toContain('starting the included API');
  });

  it('a full disk is one clear error before anything starts (exit 2), and so is one nearly full', () => {
    const dir = tempDir('faults-full');
    const mnt = path.join(dir, 'full');
    fs.mkdirSync(mnt);
    // Filled to the last block: the probe write fails with ENOSPC.
    const full = inMountNamespace('mount -t tmpfs -o size=1m tmpfs "$1" && (cat /dev/zero > "$1/fill" 2>/dev/null; true) && shift && exec "$@"',
      [mnt, process.execPath, shipcheckBin, 'load', '--config', looseConfig(dir), '--out', path.join(mnt, 'run')]);
    expect(full.status, full.stderr).toBe(2);
    expect(full.stderr).toContain(`shipcheck: The disk holding the result folder ${path.join(mnt, 'run')} has no space free, less than the 16.0 MiB a run needs`);
    // 8 MiB free: writable, but too little for traces and reports.
    const small = inMountNamespace('mount -t tmpfs -o size=8m tmpfs "$1" && shift && exec "$@"',
      [mnt, process.execPath, shipcheckBin, 'gate', '--config', looseConfig(dir), '--out', path.join(mnt, 'run')]);
    expect(small.status, small.stderr).toBe(2);
    expect(small.stderr).toContain(`shipcheck: The disk holding the result folder ${path.join(mnt, 'run')} has 8.0 MiB free, less than the 16.0 MiB a run needs`);
    expect(small.stdout).not.toContain('starting the included API');
  });

  it('a disk that fills during a run names the file it could not write and keeps what was written', () => {
    const dir = tempDir('faults-fills');
    const mnt = path.join(dir, 'fills');
    fs.mkdirSync(mnt);
    const write = `import { writeJson } from ${JSON.stringify(path.join(projectRoot, 'harness', 'result-folder.ts'))};
const dir = process.argv[1];
writeJson(dir, 'meta.json', { runId: 'r' });
try { writeJson(dir, 'timeseries.json', { pad: 'x'.repeat(2 * 1024 * 1024) }); } catch (e) { console.log(e.code, e.exitCode, e.message); }`;
    const r = inMountNamespace('mount -t tmpfs -o size=1m tmpfs "$1" && d="$1" && shift && "$@" "$d" && ls "$d"',
      [mnt, process.execPath, '--import', 'tsx', '--input-type=module', '-e', write]);
    expect(r.stderr).toBe('');
    const [line, ...files] = r.stdout.trim().split('\n');
    expect(line).toBe(`SHIPCHECK_ERR_RESULT_WRITE 2 Cannot write ${path.join(mnt, 'timeseries.json')}: ENOSPC (no space left on device). The results written before it are kept in ${mnt}. Free space on that disk, or pass --out DIR on another disk, and run again.`);
    // The whole meta.json stays; no half-written timeseries.json (nor its .tmp) is left.
    expect(files).toEqual(['meta.json']);
  });
});

describe('open-file preflight', () => {
  it('a run with more VUs than ulimit -n allows is refused before any VU starts, naming the limit and the fixes (exit 2)', () => {
    const dir = tempDir('faults-nofile');
    const out = path.join(dir, 'out');
    // The users shape of the included API runs 502 VUs at most (500 users, the health probe, the resource sampler).
    const r = spawnSync('sh', ['-c', 'ulimit -n 400; exec "$@"', 'sh', process.execPath, path.join(projectRoot, 'bin', 'shipcheck.mjs'), 'load', 'users', '--config', looseConfig(dir), '--profile', 'ci', '--out', out], {
      cwd: projectRoot, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' },
    });
    expect(r.status, r.stderr).toBe(2);
    expect(r.stderr).toContain('shipcheck: This run needs up to 758 open files (502 VUs, each with its own connection, plus 256 for the process), but this shell allows 400 (ulimit -n); past that, connections fail with EMFILE. Fixes: raise the limit before running ("ulimit -n 758"');
    expect(r.stderr).toContain('"shipcheck manifest --parallelism N"');
    expect(r.stderr).not.toMatch(/running \(\d+s\), \d+\/\d+ VUs/);
    expect(readJson<RunMeta>(out, 'meta.json').exitCode).toBe(2);
  }, 120_000);
});

describe('a check that cannot run for want of configuration', () => {
  // Port 9 (discard) on loopback: nothing is sent before the check refuses, so no server is needed.
  const target = 'http://127.0.0.1:9';
  const expected = 'The rate-limit check of target "la-factoria" (security.rateLimit GET /api/v1/content?limit=1) cannot run: it needs a key of its own, so that exhausting it does not starve the other checks, and the run has only the main token (API_KEY). This says nothing about the deployment. Set API_KEYS to two or more keys, comma-separated (API_KEY is the first unless set)';

  it('gate: the rate-limit check without a second key is a harness problem naming what to set (exit 2), not a failed deployment', async () => {
    const dir = tempDir('faults-ratelimit-gate');
    const out = path.join(dir, 'out');
    const r = await shipcheck(['gate', '--config', looseConfig(dir), '--target', target, '--no-load', '--out', out], { API_KEY: 'only-one-key-0123456789', API_KEYS: '' });
    expect(r.code, r.out).toBe(2);
    const record = readJson<GateRecord>(out, 'gate.json');
    expect(record.stages).toEqual([{ name: 'smoke', outcome: 'error', detail: expect.stringContaining(expected) }, { name: 'load', outcome: 'skipped', detail: 'disabled (--no-load)' }, { name: 'script content-lifecycle', outcome: 'skipped', detail: 'disabled (--no-load)' }]);
    expect(record.verdict).toBe('error');
    expect(record.reasons).toEqual([expect.stringContaining(`la-factoria: smoke could not run: ${expected}`)]);
    expect(r.out).toContain('GATE ERROR  (exit 2)  la-factoria');
  }, 120_000);

  it('smoke: the same, one line before any browser starts (exit 2); a --grep that leaves the check out runs', async () => {
    const dir = tempDir('faults-ratelimit-smoke');
    const r = await shipcheck(['smoke', '--config', looseConfig(dir), '--target', target, '--out', path.join(dir, 'out')], { API_KEY: 'only-one-key-0123456789', API_KEYS: '' });
    expect(r.code, r.out).toBe(2);
    expect(r.out).toContain(`shipcheck: ${expected}`);
    expect(r.out).not.toContain('running the suites');
    // @smoke leaves the rate-limit check out: the run goes on to the target (which does not answer on port 9).
    const other = await shipcheck(['smoke', '--config', looseConfig(dir), '--target', target, '--grep', '@smoke', '--out', path.join(dir, 'out2')], { API_KEY: 'only-one-key-0123456789', API_KEYS: '' });
    expect(other.out).not.toContain('The rate-limit check');
  }, 120_000);
});

describe('the target vanishing mid-run', () => {
  it('fails the deployment (exit 1) with "stopped answering at t = …" in the reasons, not a crash', async () => {
    // The included API behind a loopback proxy; closing the proxy (its listener and every open connection) is the target vanishing.
    const api = await startIncludedApi({ seed: 20, keys: 3 });
    const proxy = await startFaultProxy(api.url);
    const dir = tempDir('faults-vanish');
    const out = path.join(dir, 'out');
    try {
      const child = spawn(process.execPath, [path.join(projectRoot, 'bin', 'shipcheck.mjs'), 'gate', '--config', looseConfig(dir), '--target', proxy.url, '--no-smoke', '--no-scripts', '--profile', 'test', '--out', out], {
        cwd: projectRoot, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1', API_KEY: api.apiKey, API_KEYS: api.apiKeys.join(',') },
      });
      let output = '';
      // The load is under way (its first 40 requests answered), with most of it still to come: now the target goes away.
      const vanished = proxy.afterRequests(40).then(() => proxy.close());
      const onData = (d: Buffer) => { output += d.toString(); };
      child.stdout.on('data', onData);
      child.stderr.on('data', onData);
      const code = await new Promise<number | null>((r) => child.once('close', (c) => r(c)));
      await vanished;
      expect(code, output).toBe(1);
      expect(output).not.toContain('unexpected error');
      const record = readJson<GateRecord>(out, 'gate.json');
      expect(record.verdict).toBe('fail');
      expect(record.reasons).toEqual(expect.arrayContaining([
        expect.stringMatching(/^la-factoria: load: the target stopped answering at t = \d+ s: \d+ requests after it got no answer \(dial: connection refused \(k6 error code 1212\)/),
      ]));
      expect(output).toMatch(/GATE FAIL {2}\(exit 1\) {2}la-factoria/);
    } finally {
      await proxy.close().catch(() => {});
      await api.stop();
    }
  }, 300_000);
});
