#!/usr/bin/env node
// Node engine vs autocannon vs wrk against one trivial server pinned to CPU 0 (load generators
// on CPU 1), interleaved for ROUNDS rounds; then the memory of 10,000 VUs. Prints a table and
// writes out/bench-engine/<time>.json. Usage: node bench/engine/run.mjs [--rounds 3] [--seconds 10]
// [--skip-memory] [--baseline-root <another checkout>] (also runs that checkout's engine in the
// same rounds, e.g. the commit before a change, for a before/after measured side by side).
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const { values } = parseArgs({ options: { rounds: { type: 'string', default: '3' }, seconds: { type: 'string', default: '10' }, 'memory-vus': { type: 'string', default: '1000,10000' }, 'skip-memory': { type: 'boolean' }, 'baseline-root': { type: 'string' } } });
const ROUNDS = Number(values.rounds);
const SECONDS = Number(values.seconds);
const cpus = os.availableParallelism?.() ?? os.cpus().length;
const pin = (cpu, cmd, args) => (cpus > 1 && hasTaskset() ? ['taskset', ['-c', String(cpu), cmd, ...args]] : [cmd, args]);
function hasTaskset() { try { execFileSync('taskset', ['-V'], { stdio: 'ignore' }); return true; } catch { return false; } }
function has(cmd) { try { execFileSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }); return true; } catch { return false; } }

function startServer() {
  const [cmd, args] = pin(0, process.execPath, [path.join(root, 'bench/engine/server.mjs')]);
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve) => child.stdout.on('data', (d) => {
    const m = /listening (\d+)/.exec(String(d));
    if (m) resolve({ url: `http://127.0.0.1:${m[1]}/`, stop: () => child.kill() });
  }));
}

// CPU seconds (user + system) each throughput run used, when /usr/bin/time is there: on a shared
// machine req/s moves with what else runs, CPU per request much less.
const TIME = fs.existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;
function timed(cmd, args) {
  if (!TIME) return { cmd, args, cpuSeconds: () => undefined };
  const file = path.join(os.tmpdir(), `bench-engine-cpu-${process.pid}-${Date.now()}.txt`);
  return {
    cmd: TIME, args: ['-f', '%U %S', '-o', file, cmd, ...args],
    cpuSeconds: () => {
      try {
        const [u, s] = fs.readFileSync(file, 'utf8').trim().split(/\s+/).slice(-2).map(Number);
        fs.rmSync(file, { force: true });
        return u + s;
      } catch { return undefined; }
    },
  };
}

function run(cmd, args, env = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = ''; let err = '';
    let peakRss = 0;
    const poll = setInterval(() => {
      // taskset execs the command, so child.pid is the engine process itself.
      try {
        const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${child.pid}/status`, 'utf8'));
        if (m) peakRss = Math.max(peakRss, Number(m[1]) * 1024);
      } catch { /* process gone */ }
    }, 200);
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { err += d; });
    child.on('close', (code) => { clearInterval(poll); code === 0 || code === 99 ? resolve({ out, err, peakRss }) : reject(new Error(`${cmd} ${args.join(' ')} exited ${code}\n${err}`)); });
  });
}

async function engine(url, vus = 50, duration = `${SECONDS}s`, script = 'fifty-vus.js', engineRoot = root) {
  const exp = path.join(os.tmpdir(), `bench-engine-${process.pid}-${Date.now()}.json`);
  const argv = [path.join(engineRoot, 'bin/shipcheck.mjs'), 'run', path.join(root, 'bench/engine', script), '--quiet', '--summary-export', exp,
    '-e', `TARGET=${url}`, '-e', `VUS=${vus}`, '-e', `DURATION=${duration}`];
  // The memory runs poll the engine's own pid, so only throughput runs go through /usr/bin/time.
  const t = script.startsWith('fifty-vus') ? timed(process.execPath, argv) : { cmd: process.execPath, args: argv, cpuSeconds: () => undefined };
  const [cmd, args] = pin(1, t.cmd, t.args);
  const r = await run(cmd, args);
  const s = JSON.parse(fs.readFileSync(exp, 'utf8'));
  fs.rmSync(exp, { force: true });
  const d = s.metrics.http_req_duration;
  // Requests over the load phase only (the iterations' wall time), not process start-up.
  return { rps: s.metrics.http_reqs.count / SECONDS, p50: d.med, p99: d['p(99)'], requests: s.metrics.http_reqs.count, peakRss: r.peakRss, failed: s.metrics.http_req_failed?.passes ?? 0, cpuSeconds: t.cpuSeconds() };
}

async function autocannon(url) {
  const bin = path.join(root, 'node_modules/.bin/autocannon');
  const t = timed(bin, ['-c', '50', '-d', String(SECONDS), '-j', url]);
  const [cmd, args] = pin(1, t.cmd, t.args);
  const r = await run(cmd, args);
  const j = JSON.parse(r.out);
  return { rps: j.requests.total / SECONDS, p50: j.latency.p50, p99: j.latency.p99, requests: j.requests.total, cpuSeconds: t.cpuSeconds() };
}

async function wrk(url) {
  const t = timed('wrk', ['-t1', '-c50', `-d${SECONDS}s`, '--latency', url]);
  const [cmd, args] = pin(1, t.cmd, t.args);
  const r = await run(cmd, args);
  const ms = (s) => { const m = /([\d.]+)(us|ms|s)/.exec(s); const v = Number(m[1]); return m[2] === 'us' ? v / 1000 : m[2] === 's' ? v * 1000 : v; };
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(r.out)[1]);
  return { rps, p50: ms(/\s50%\s+(\S+)/.exec(r.out)[1]), p99: ms(/\s99%\s+(\S+)/.exec(r.out)[1]), requests: Number(/(\d+) requests in/.exec(r.out)[1]), cpuSeconds: t.cpuSeconds() };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (x) => (x >= 100 ? x.toFixed(0) : x.toFixed(2));

const server = await startServer();
const baselineRoot = values['baseline-root'] ? path.resolve(values['baseline-root']) : undefined;
const results = { engine: [], 'engine-sync': [], ...(baselineRoot ? { 'engine-baseline': [] } : {}), autocannon: [], wrk: [] };
const tools = {
  engine: () => engine(server.url),
  // The classic sync form of the same load (http.get): the engine's sync mode, a realm per VU.
  'engine-sync': () => engine(server.url, 50, `${SECONDS}s`, 'fifty-vus-sync.js'),
  ...(baselineRoot ? { 'engine-baseline': () => engine(server.url, 50, `${SECONDS}s`, 'fifty-vus.js', baselineRoot) } : {}),
  autocannon: () => autocannon(server.url),
  ...(has('wrk') ? { wrk: () => wrk(server.url) } : {}),
};
/** CPU µs per request (process start-up included), when measured. */
const cpuPerRequest = (r) => (r.cpuSeconds === undefined ? undefined : (r.cpuSeconds * 1e6) / r.requests);
try {
  for (let round = 1; round <= ROUNDS; round++) {
    // The order rotates round by round, so no tool always runs first (or right after another).
    const entries = Object.entries(tools);
    const turn = (round - 1) % entries.length;
    for (const [name, fn] of [...entries.slice(turn), ...entries.slice(0, turn)]) {
      const r = await fn();
      results[name].push(r);
      const cpu = cpuPerRequest(r);
      console.error(`round ${round} ${name.padEnd(15)} ${fmt(r.rps)} req/s  p50 ${fmt(r.p50)} ms  p99 ${fmt(r.p99)} ms${cpu === undefined ? '' : `  CPU ${cpu.toFixed(1)} µs/req`}`);
    }
  }
  // Memory per VU in both modes (async: memory-vus.js; sync: memory-vus-sync.js), against 1 VU of the same script.
  const memory = [];
  if (!values['skip-memory']) {
    for (const [mode, script] of [['async', 'memory-vus.js'], ['sync', 'memory-vus-sync.js']]) {
      const one = await engine(server.url, 1, '20s', script);
      for (const vus of values['memory-vus'].split(',').map(Number)) {
        const many = await engine(server.url, vus, '20s', script);
        memory.push({ mode, vus, peakRssBytes: many.peakRss, baselinePeakRssBytes: one.peakRss, perVuBytes: (many.peakRss - one.peakRss) / vus, perVuIncludingBaselineBytes: many.peakRss / vus, requests: many.requests, failed: many.failed });
      }
    }
  }
  const summary = Object.fromEntries(Object.entries(results).filter(([, v]) => v.length).map(([k, v]) => [k, {
    rps: median(v.map((x) => x.rps)), p50: median(v.map((x) => x.p50)), p99: median(v.map((x) => x.p99)),
    cpuUsPerRequest: v.every((x) => x.cpuSeconds !== undefined) ? median(v.map(cpuPerRequest)) : undefined, rounds: v,
  }]));
  const ratio = summary.engine.rps / summary.autocannon.rps;
  // Each round's engine and autocannon ran back to back, so their ratio shares that round's machine load.
  const roundRatios = (name) => results[name].map((r, i) => r.rps / results.autocannon[i].rps);
  console.log('\n| tool | req/s (median of rounds) | p50 ms | p99 ms | CPU µs/req |\n| --- | --- | --- | --- | --- |');
  for (const [k, v] of Object.entries(summary)) console.log(`| ${k} | ${fmt(v.rps)} | ${fmt(v.p50)} | ${fmt(v.p99)} | ${v.cpuUsPerRequest === undefined ? '-' : v.cpuUsPerRequest.toFixed(1)} |`);
  console.log(`\nengine / autocannon req/s: ${ratio.toFixed(2)}× (per round: ${roundRatios('engine').map((x) => x.toFixed(2)).join(', ')}; median ${median(roundRatios('engine')).toFixed(2)}×)`);
  if (baselineRoot) console.log(`engine-baseline / autocannon req/s: ${(summary['engine-baseline'].rps / summary.autocannon.rps).toFixed(2)}× (per round: ${roundRatios('engine-baseline').map((x) => x.toFixed(2)).join(', ')}; median ${median(roundRatios('engine-baseline')).toFixed(2)}×)`);
  if (baselineRoot) console.log(`engine / engine-baseline req/s: ${median(results.engine.map((r, i) => r.rps / results['engine-baseline'][i].rps)).toFixed(2)}× (median; per round: ${results.engine.map((r, i) => (r.rps / results['engine-baseline'][i].rps).toFixed(2)).join(', ')})`);
  console.log(`engine-sync / engine (async) req/s: ${(summary['engine-sync'].rps / summary.engine.rps).toFixed(2)}× (per round: ${results['engine-sync'].map((r, i) => (r.rps / results.engine[i].rps).toFixed(2)).join(', ')})`);
  for (const m of memory) console.log(`memory (${m.mode}): ${m.vus} VUs → peak RSS ${(m.peakRssBytes / 2 ** 20).toFixed(0)} MiB (1 VU: ${(m.baselinePeakRssBytes / 2 ** 20).toFixed(0)} MiB) → ${(m.perVuBytes / 1024).toFixed(1)} KiB per VU above the 1-VU baseline (${(m.perVuIncludingBaselineBytes / 1024).toFixed(1)} KiB counting the whole process); ${m.requests} requests, ${m.failed} failed`);
  const outDir = path.join(root, 'out', 'bench-engine');
  fs.mkdirSync(outDir, { recursive: true });
  const file = path.join(outDir, `${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  fs.writeFileSync(file, JSON.stringify({ machine: { cpus, node: process.version }, seconds: SECONDS, rounds: ROUNDS, baselineRoot, summary, ratio, roundRatios: roundRatios('engine'), memory }, null, 2));
  console.log(`\nraw results: ${path.relative(root, file)}`);
} finally {
  server.stop();
}
