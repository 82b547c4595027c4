/**
 * API capacity: how close the included API comes to a trivial node:http JSON server on the
 * same core. Both servers are pinned to core 0 with taskset; autocannon (and PostgreSQL) run
 * on core 1. Runs are interleaved — app health, app content, trivial health, trivial content —
 * for N rounds, so drifting background load hits both alike. Reports the median rps over
 * rounds, p50/p95/p99 over all rounds, and the median per-round app/trivial ratio against the goals
 * (content ≥ 0.5, health ≥ 0.7).
 *
 *   node --import tsx bench/api-capacity/run.ts [--rounds 3] [--duration 10] [--connections 50] [--uncached]
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import hdr from 'hdr-histogram-js';
import { projectRoot } from '../../harness/project-root.ts';
import { provisionPostgres } from '../../harness/postgres/provision.ts';

const { values } = parseArgs({ options: { rounds: { type: 'string', default: '3' }, duration: { type: 'string', default: '10' }, connections: { type: 'string', default: '50' }, uncached: { type: 'boolean', default: false } } });
const rounds = Number(values.rounds);
const duration = Number(values.duration);
const connections = Number(values.connections);
const here = path.dirname(new URL(import.meta.url).pathname);

if (os.availableParallelism() < 2) throw new Error('This benchmark needs 2 cores: the servers on core 0, the load on core 1.');
// This process, PostgreSQL and autocannon stay on core 1; the servers get core 0.
try {
  execFileSync('taskset', ['-cp', '1', String(process.pid)], { stdio: 'ignore' });
} catch (e) {
  throw new Error(`taskset could not pin this process to core 1 (${(e as Error).message}). Install util-linux (apt-get install util-linux), which provides taskset.`);
}

const log = (l: string) => console.log(`[api-capacity] ${l}`);
const children: ChildProcess[] = [];
process.on('exit', () => { for (const c of children) c.kill('SIGTERM'); });

function startPinned(args: string[], env: NodeJS.ProcessEnv): Promise<{ url: string; proc: ChildProcess }> {
  const proc = spawn('taskset', ['-c', '0', process.execPath, ...args], { cwd: projectRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(proc);
  let out = '';
  return new Promise((resolve, reject) => {
    proc.stdout!.on('data', (c) => {
      out += c;
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (line) resolve({ url: JSON.parse(line).url, proc });
    });
    proc.stderr!.on('data', (c) => { out += c; });
    proc.once('exit', (code) => reject(new Error(`${args.join(' ')} exited with ${code}:\n${out}`)));
  });
}

interface Run { rps: number; total: number; p50: number; p95: number; p99: number; non2xx: number; errors: number; timeouts: number; hdr: string }

function load(url: string, seconds: number, key?: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [path.join(here, 'load.mjs'), url, String(seconds), String(connections), key ?? ''], { cwd: projectRoot, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    proc.stdout.on('data', (c) => { out += c; });
    proc.once('exit', (code) => (code === 0 ? resolve(JSON.parse(out.trim().split('\n').pop()!)) : reject(new Error(`load.mjs exited with ${code}`))));
  });
}

const apiKey = 'bench-key-0123456789abcdef';
const db = await provisionPostgres({ name: `bench-api-${process.pid}`, ephemeral: true, log });
try {
  const app = await startPinned(['bin/shipcheck.mjs', 'serve', '--port', '0', '--ready-json', '--seed', '200'], {
    ...process.env, DATABASE_URL: db.url, API_KEY: apiKey, API_KEYS: '', LOG_LEVEL: 'warn',
    // The limiter still runs on every read, but with a bucket so large it never rejects.
    RATE_LIMIT_READS_PER_MIN: '1000000000', RATE_LIMIT_READS_BURST: '1000000000',
    // --uncached: every content read goes to PostgreSQL (the cache off), the worst case.
    ...(values.uncached ? { CONTENT_CACHE_TTL_MS: '0' } : {}),
  });
  const contentPath = '/api/v1/content/42';
  const content = await (await fetch(`${app.url}${contentPath}`, { headers: { authorization: `Bearer ${apiKey}` } })).json();
  const trivial = await startPinned([path.join(here, 'trivial-server.mjs')], { ...process.env, TRIVIAL_CONTENT_JSON: JSON.stringify(content) });
  log(`app ${app.url} and trivial ${trivial.url} on core 0; load and PostgreSQL on core 1; ${rounds} rounds × ${duration} s × ${connections} connections; content cache ${values.uncached ? 'off' : 'on'}`);

  const cases = [
    { target: 'app', endpoint: 'health', url: `${app.url}/health`, key: undefined },
    { target: 'app', endpoint: 'content', url: `${app.url}${contentPath}`, key: apiKey },
    { target: 'trivial', endpoint: 'health', url: `${trivial.url}/health`, key: undefined },
    { target: 'trivial', endpoint: 'content', url: `${trivial.url}${contentPath}`, key: apiKey },
  ];
  for (const c of cases) await load(c.url, 2, c.key); // warm-up: JIT, connection pools
  const results = new Map<string, Run[]>();
  for (let r = 1; r <= rounds; r++) {
    for (const c of cases) {
      const run = await load(c.url, duration, c.key);
      if (run.non2xx || run.errors) throw new Error(`${c.target} ${c.endpoint}: ${run.non2xx} non-2xx, ${run.errors} errors — the numbers would not mean anything`);
      results.set(`${c.target} ${c.endpoint}`, [...(results.get(`${c.target} ${c.endpoint}`) ?? []), run]);
      log(`round ${r} ${c.target.padEnd(7)} ${c.endpoint.padEnd(7)} ${Math.round(run.rps)} rps, p50 ${run.p50} ms, p95 ${run.p95} ms, p99 ${run.p99} ms`);
    }
  }

  const summary = (key: string) => {
    const runs = results.get(key)!;
    const merged = hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: 3 });
    for (const run of runs) merged.add(hdr.decodeFromCompressedBase64(run.hdr));
    const rps = runs.map((x) => x.rps).sort((a, b) => a - b)[Math.floor(runs.length / 2)];
    const at = (p: number) => Math.round(merged.getValueAtPercentile(p)) / 1000;
    return { rps: Math.round(rps), p50: at(50), p95: at(95), p99: at(99), rounds: runs.map((x) => Math.round(x.rps)) };
  };
  const table = Object.fromEntries(cases.map((c) => [`${c.target} ${c.endpoint}`, summary(`${c.target} ${c.endpoint}`)]));
  const goals = { health: 0.7, content: 0.5 };
  console.log('\n| endpoint | server | rps (median of rounds) | p50 ms | p95 ms | p99 ms | rps per round |');
  console.log('| --- | --- | ---: | ---: | ---: | ---: | --- |');
  for (const c of cases) {
    const s = table[`${c.target} ${c.endpoint}`];
    console.log(`| ${c.endpoint === 'health' ? 'GET /health' : 'GET /api/v1/content/:id'} | ${c.target} | ${s.rps} | ${s.p50} | ${s.p95} | ${s.p99} | ${s.rounds.join(', ')} |`);
  }
  console.log('');
  const ratios: Record<string, number> = {};
  let ok = true;
  for (const endpoint of ['health', 'content'] as const) {
    // The ratio of each round's pair (measured seconds apart), then the median over rounds:
    // steadier than a ratio of medians when other work on the machine comes and goes.
    const app = results.get(`app ${endpoint}`)!;
    const peer = results.get(`trivial ${endpoint}`)!;
    const perRound = app.map((a, i) => a.rps / peer[i].rps).sort((x, y) => x - y);
    const ratio = perRound[Math.floor(perRound.length / 2)];
    ratios[endpoint] = Math.round(ratio * 100) / 100;
    const pass = ratio >= goals[endpoint];
    ok &&= pass;
    console.log(`${endpoint}: app/trivial = ${ratios[endpoint].toFixed(2)} (median of per-round ratios ${perRound.map((r) => r.toFixed(2)).join(', ')}; goal ≥ ${goals[endpoint]}) ${pass ? 'met' : 'NOT met'}`);
  }
  const loadavg = os.loadavg().map((n) => n.toFixed(2)).join(' ');
  console.log(`load average at the end: ${loadavg} (other work on this machine shares both cores)`);
  const outDir = path.join(projectRoot, 'out', 'bench');
  fs.mkdirSync(outDir, { recursive: true });
  const file = path.join(outDir, `api-capacity-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  fs.writeFileSync(file, JSON.stringify({ rounds, duration, connections, uncached: values.uncached, table, ratios, goals, loadavg, node: process.version }, null, 2));
  log(`results written to ${path.relative(projectRoot, file)}`);
  process.exitCode = ok ? 0 : 1;
} finally {
  for (const c of children) c.kill('SIGTERM');
  await new Promise((r) => setTimeout(r, 500));
  await db.stop();
}
