/**
 * Faults under load: `node --import tsx bench/faults/run.ts [--profile ci] [--faults db-stop,pool,ai-timeout,api-kill] [--fault-seconds 10] [--ramp-seconds 32]`
 *
 * For each fault in turn: a fresh embedded PostgreSQL and the included API under a supervisor
 * (restart on exit), with the fake OpenAI-compatible provider; the Node engine driving the
 * root config's `users` shape (`shipcheck load users --engine node`, 500 users at the ci and
 * full profiles) against it; and the bench's own open-model streams of reads and
 * acknowledged writes (20 + 10 per second) as the instrument. Once the users are ramped up it
 * injects the fault for `--fault-seconds`, heals it, and measures:
 *   - every write acknowledged with 201 (by our streams) present in the database afterwards,
 *     counted against the table, not sampled;
 *   - while the API runs, every failed request during the fault a 503 with Retry-After;
 *   - recovery: dependency back (PostgreSQL accepting, lock released, provider answering,
 *     API process restarted) → the first read and the first write that succeed.
 * Faults: db-stop (PostgreSQL fast shutdown), pool (an outside session holds an ACCESS
 * EXCLUSIVE lock on the content table, so every pooled connection blocks and the pool runs
 * dry), ai-timeout (the provider hangs past AI_PROVIDER_TIMEOUT_MS), api-kill (SIGKILL; the
 * supervisor restarts it). Loopback only; every child is stopped at the end.
 * Figures go to out/bench/faults-<time>.json; exit 1 when a goal is missed
 * (nothing acknowledged lost, recovery ≤ 5 s, failures clean).
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { ensureDatabase } from '../../harness/postgres/database.ts';
import { EmbeddedCluster } from '../../harness/postgres/embedded-cluster.ts';
import { projectRoot } from '../../harness/project-root.ts';
import { FakeAiProvider } from '../../dr-drills/lib/fake-ai-provider.ts';
import { ApiSupervisor } from '../../dr-drills/lib/supervisor.ts';
import { Traffic, type Requester, type Sample } from '../../dr-drills/lib/traffic.ts';
import type { Drill } from '../../dr-drills/lib/drill.ts';

const { values } = parseArgs({ options: {
  profile: { type: 'string', default: 'ci' },
  faults: { type: 'string', default: 'db-stop,pool,ai-timeout,api-kill' },
  'fault-seconds': { type: 'string', default: '10' },
  // From the engine's first user request: the ci profile reaches all users in 30 s.
  'ramp-seconds': { type: 'string', default: '32' },
} });
const FAULTS = ['db-stop', 'pool', 'ai-timeout', 'api-kill'] as const;
type Fault = (typeof FAULTS)[number];
const faults = values.faults!.split(',') as Fault[];
for (const f of faults) if (!FAULTS.includes(f)) throw new Error(`--faults: unknown fault "${f}"; give some of ${FAULTS.join(', ')}`);
const faultSeconds = Number(values['fault-seconds']);
const rampSeconds = Number(values['ramp-seconds']);
const RECOVERY_GOAL_S = 5;
const stamp = new Date().toISOString().replace(/[:.]/g, '-');
const outRoot = path.join(projectRoot, 'out', 'bench-faults', stamp);
const line = (s: string) => console.log(s);
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const now = () => performance.timeOrigin + performance.now();

interface FaultSample extends Sample { retryAfter?: string }

/** One request that never throws, recording the status, error code, created id and Retry-After. */
async function sample(url: string, init: { method?: string; apiKey: string; body?: unknown }): Promise<Omit<FaultSample, 'at' | 'ms'>> {
  try {
    const res = await fetch(url, {
      method: init.method ?? 'GET',
      headers: { authorization: `Bearer ${init.apiKey}`, ...(init.body ? { 'content-type': 'application/json' } : {}) },
      body: init.body ? JSON.stringify(init.body) : undefined,
      signal: AbortSignal.timeout(20_000),
    });
    const text = await res.text();
    let body: { id?: number; code?: string } | undefined;
    try { body = JSON.parse(text); } catch { /* not JSON */ }
    return { status: res.status, code: body?.code, id: typeof body?.id === 'number' ? body.id : undefined, retryAfter: res.headers.get('retry-after') ?? undefined };
  } catch (e) {
    const err = e as Error & { cause?: { code?: string } };
    return { status: 0, error: err.cause?.code ?? err.name };
  }
}

interface FaultResult {
  fault: Fault; command: string; users: string;
  engine: { requests?: number; failedRate?: number; activeUsersMax?: number; exitCode: number | null };
  acknowledged: number; present: number;
  duringFault: { requests: number; failed: number; clean503: number; unclean: string[] };
  /** Fault start → dependency back (for api-kill: kill → the restarted API ready). */
  faultHeldSeconds: number;
  recoverySeconds?: { read?: number; write?: number };
  restartToFirstSuccessSeconds?: number;
  goalsMet: boolean;
}

async function runFault(fault: Fault): Promise<FaultResult> {
  const out = path.join(outRoot, fault);
  fs.mkdirSync(out, { recursive: true });
  const say = (s: string) => line(`  [${fault}] ${s}`);
  const cleanups: Array<() => Promise<void> | void> = [];
  const drillStub = { defer: (_what: string, fn: () => Promise<void> | void) => { cleanups.push(fn); } } as unknown as Drill;
  try {
    const cluster = new EmbeddedCluster({ name: `bench-faults-${fault}-${process.pid}`, ephemeral: true, log: () => {} });
    cleanups.push(() => cluster.stop());
    await cluster.start();
    const dbUrl = await ensureDatabase(cluster.url('postgres'), 'shipcheck');
    const provider = new FakeAiProvider();
    const providerUrl = await provider.start();
    cleanups.push(() => provider.stop());
    const supervisor = new ApiSupervisor(drillStub, {
      databaseUrl: dbUrl, restart: true, say,
      env: {
        RATE_LIMIT_READS_PER_MIN: '100000000', RATE_LIMIT_GENERATIONS_PER_HOUR: '100000000',
        AI_PROVIDER_URL: providerUrl, AI_PROVIDER_KEY: 'bench-fake-provider-key', AI_PROVIDER_TIMEOUT_MS: '1000', AI_PROVIDER_ATTEMPTS: '2', AI_PROVIDER_BACKOFF_MS: '50',
        CIRCUIT_BREAKER_THRESHOLD: '5', CIRCUIT_BREAKER_RESET_MS: '2000',
      },
    });
    const api = await supervisor.start();
    say(`API ${api.url} (pid ${supervisor.pid}) on PostgreSQL 127.0.0.1:${cluster.port}`);

    // The engine: the root config's users shape against the running API.
    const args = ['load', 'users', '--engine', 'node', '--profile', values.profile!, '--target', api.url, '--out', path.join(out, 'load'), '--quiet'];
    const command = `API_KEY=… API_KEYS=… npx shipcheck ${args.filter((a, i, all) => a !== '--out' && all[i - 1] !== '--out').join(' ')}`;
    const load = spawn(process.execPath, [path.join(projectRoot, 'bin', 'shipcheck.mjs'), ...args], {
      cwd: projectRoot, env: { ...process.env, API_KEY: api.apiKey, API_KEYS: api.apiKeys.join(',') }, stdio: ['ignore', 'ignore', 'pipe'],
    });
    let loadErr = '';
    load.stderr!.on('data', (d: Buffer) => { loadErr = (loadErr + d.toString()).slice(-4000); });
    const loadExit = new Promise<number | null>((r) => load.once('exit', (code) => r(code)));
    cleanups.push(async () => { if (load.exitCode === null) { load.kill('SIGINT'); await loadExit; } });

    const types = ['faq', 'study_guide', 'flashcards'];
    const reads: Requester = (n) => sample(`${api.url}/api/v1/content?limit=5`, { apiKey: api.apiKeys[n % api.apiKeys.length] });
    const writes: Requester = (n) => sample(`${api.url}/api/v1/content/generate`, { method: 'POST', apiKey: api.apiKeys[n % api.apiKeys.length], body: { topic: `fault bench ${n}`, content_type: types[n % types.length] } });
    const streams = { reads: new Traffic('reads', reads, 20, 400).start(), writes: new Traffic('writes', writes, 10, 400).start() };
    // The engine bundles and checks every key before its users start; their first request to a
    // route our streams never call marks the start of the ramp.
    const usersStarted = async () => {
      const text = await fetch(`${api.url}/metrics`).then((r) => r.text(), () => '');
      return /_count\{[^}]*route="\/api\/v1\/content\/:id"[^}]*\} [1-9]/.test(text);
    };
    const waitFrom = now();
    while (!(await usersStarted())) {
      if (load.exitCode !== null || now() - waitFrom > 180_000) throw new Error(`the engine's users never reached the API (exit ${load.exitCode}): ${loadErr.trim().split('\n').slice(-3).join(' ')}`);
      await sleep(250);
    }
    say(`engine: ${command}; users started ${((now() - waitFrom) / 1000).toFixed(1)} s after launch; ramping for ${rampSeconds} s`);
    await sleep(rampSeconds * 1000);
    if (load.exitCode !== null) throw new Error(`the load ended early (exit ${load.exitCode}): ${loadErr.trim().split('\n').slice(-3).join(' ')}`);

    // ─── the fault ───
    const faultAt = now();
    let backAt: number;
    let held: pg.Client | undefined;
    if (fault === 'db-stop') {
      await cluster.stop();
      say(`PostgreSQL stopped; holding ${faultSeconds} s`);
      await sleep(faultSeconds * 1000);
      await cluster.start();
    } else if (fault === 'pool') {
      held = new pg.Client({ connectionString: dbUrl });
      await held.connect();
      await held.query('begin');
      await held.query('lock table educational_content in access exclusive mode');
      say(`educational_content locked by an outside session; every pooled query blocks; holding ${faultSeconds} s`);
      await sleep(faultSeconds * 1000);
      await held.query('rollback');
      await held.end();
    } else if (fault === 'ai-timeout') {
      provider.mode = 'hang';
      say(`provider hangs past AI_PROVIDER_TIMEOUT_MS; holding ${faultSeconds} s`);
      await sleep(faultSeconds * 1000);
      provider.mode = 'ok';
    } else {
      supervisor.crash();
      say('API killed (SIGKILL); the supervisor restarts it');
      while (!supervisor.restarts[0]?.readyAt) await sleep(20);
    }
    backAt = now();
    say(`dependency back ${((backAt - faultAt) / 1000).toFixed(1)} s after the fault began`);
    // Recovery: the first request sent after the dependency returned that succeeded, per stream.
    const firstOk = (t: Traffic, from: number) => t.samples.filter((s) => s.at >= from && s.status >= 200 && s.status < 300).sort((a, b) => a.at - b.at)[0];
    const deadline = backAt + 60_000;
    while ((!firstOk(streams.reads, backAt) || !firstOk(streams.writes, backAt)) && now() < deadline) await sleep(50);
    await sleep(5_000);
    await Promise.all([streams.reads.stop(), streams.writes.stop()]);
    load.kill('SIGINT');
    const exitCode = await loadExit;

    if (process.env.FAULTS_DEBUG) {
      for (const [name, t] of Object.entries(streams)) {
        for (const s of t.samples.filter((x) => x.at > backAt - 3000 && x.at < backAt + 16_000)) say(`${name} sent ${((s.at - backAt) / 1000).toFixed(2)} s: ${s.status} ${s.code ?? s.error ?? ''} in ${Math.round(s.ms)} ms`);
      }
    }
    // ─── measure ───
    const r = firstOk(streams.reads, backAt);
    const w = firstOk(streams.writes, backAt);
    const recovery = { read: r ? (r.at + r.ms - backAt) / 1000 : undefined, write: w ? (w.at + w.ms - backAt) / 1000 : undefined };
    const acked = streams.writes.samples.filter((s) => s.status === 201 && s.id !== undefined).map((s) => s.id!);
    const c = new pg.Client({ connectionString: dbUrl });
    await c.connect();
    const present = Number((await c.query('select count(*)::int as n from educational_content where id = any($1::int[])', [acked])).rows[0].n);
    await c.end();
    // Judged from a second into the fault (requests in flight at its start may end either way)
    // until it was healed; for api-kill, only once the API runs again.
    const window = [...streams.reads.samples, ...streams.writes.samples].filter((s) => s.at >= faultAt + 1000 && s.at < backAt) as FaultSample[];
    const failed = window.filter((s) => s.status < 200 || s.status >= 300);
    const clean = failed.filter((s) => s.status === 503 && s.retryAfter !== undefined && Number(s.retryAfter) > 0);
    const unclean = fault === 'api-kill' ? [] : [...new Set(failed.filter((s) => !clean.includes(s)).map((s) => (s.status ? `${s.status} ${s.code ?? ''}${s.retryAfter ? '' : ' (no Retry-After)'}`.trim() : s.error ?? 'error')))];
    let engine: FaultResult['engine'] = { exitCode };
    try {
      const summary = JSON.parse(fs.readFileSync(path.join(out, 'load', 'summary.json'), 'utf8')) as { metrics?: Record<string, { values?: Record<string, number> }> };
      engine = { exitCode, requests: summary.metrics?.http_reqs?.values?.count, failedRate: summary.metrics?.http_req_failed?.values?.rate, activeUsersMax: summary.metrics?.active_users?.values?.max };
    } catch { say(`no engine summary (exit ${exitCode}): ${loadErr.trim().split('\n').pop() ?? ''}`); }
    const restart = supervisor.restarts[0];
    const restartToFirstSuccess = fault === 'api-kill' && restart?.readyAt && r ? (r.at + r.ms - restart.readyAt) / 1000 : undefined;
    const worst = Math.max(recovery.read ?? Infinity, recovery.write ?? Infinity);
    const goalsMet = present === acked.length && worst <= RECOVERY_GOAL_S && unclean.length === 0;
    return {
      fault, command, users: values.profile === 'test' ? 'test profile (≤ 5)' : '500',
      engine, acknowledged: acked.length, present,
      duringFault: { requests: window.length, failed: failed.length, clean503: clean.length, unclean },
      faultHeldSeconds: (backAt - faultAt) / 1000, recoverySeconds: recovery, restartToFirstSuccessSeconds: restartToFirstSuccess, goalsMet,
    };
  } finally {
    for (const fn of cleanups.reverse()) await Promise.resolve(fn()).catch(() => {});
  }
}

const results: FaultResult[] = [];
const f2 = (n: number | undefined) => (n === undefined ? '—' : n.toFixed(2));
line(`faults under load: ${faults.join(', ')}; ${faultSeconds} s each; engine profile ${values.profile}`);
for (const fault of faults) {
  const res = await runFault(fault);
  results.push(res);
  line(`  ${fault}: acknowledged writes ${res.acknowledged}, present ${res.present}; during the fault ${res.duringFault.failed} of ${res.duringFault.requests} failed, ${res.duringFault.clean503} clean 503 + Retry-After${res.duringFault.unclean.length ? `, unclean: ${res.duringFault.unclean.join(', ')}` : ''}; recovery read ${f2(res.recoverySeconds?.read)} s, write ${f2(res.recoverySeconds?.write)} s${res.restartToFirstSuccessSeconds !== undefined ? `, kill → restarted API ready ${f2(res.faultHeldSeconds)} s, ready → first success ${f2(res.restartToFirstSuccessSeconds)} s` : ''}; engine ${res.engine.activeUsersMax ?? '—'} users at most, ${res.engine.requests ?? '—'} requests, ${res.engine.failedRate !== undefined ? (res.engine.failedRate * 100).toFixed(1) : '—'} % failed; ${res.goalsMet ? 'goals met' : 'GOAL MISSED'}`);
}
const file = path.join(projectRoot, 'out', 'bench', `faults-${stamp}.json`);
fs.mkdirSync(path.dirname(file), { recursive: true });
fs.writeFileSync(file, JSON.stringify({ faultSeconds, profile: values.profile, results }, null, 2));
line(`figures: ${path.relative(projectRoot, file)}`);
process.exitCode = results.every((r) => r.goalsMet) ? 0 : 1;
