#!/usr/bin/env node
// Node engine vs autocannon vs wrk against one trivial server pinned to CPU 0 (load generators
// on CPU 1), interleaved for ROUNDS rounds; then the memory of 10,000 VUs. Prints a table and
// writes out/bench-engine/<time>.json. Usage: node bench/engine/run.mjs [--rounds 3] [--seconds 10]
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const { values } = parseArgs({ options: { rounds: { type: 'string', default: '3' }, seconds: { type: 'string', default: '10' }, 'memory-vus': { type: 'string', default: '10000' }, 'skip-memory': { type: 'boolean' } } });
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

async function engine(url, vus = 50, duration = `${SECONDS}s`, script = 'fifty-vus.js') {
  const exp = path.join(os.tmpdir(), `bench-engine-${process.pid}-${Date.now()}.json`);
  const [cmd, args] = pin(1, process.execPath, [path.join(root, 'bin/shipcheck.mjs'), 'run', path.join(root, 'bench/engine', script), '--quiet', '--summary-export', exp,
    '-e', `TARGET=${url}`, '-e', `VUS=${vus}`, '-e', `DURATION=${duration}`]);
  const r = await run(cmd, args);
  const s = JSON.parse(fs.readFileSync(exp, 'utf8'));
  fs.rmSync(exp, { force: true });
  const d = s.metrics.http_req_duration;
  // Requests over the load phase only (the iterations' wall time), not process start-up.
  return { rps: s.metrics.http_reqs.count / SECONDS, p50: d.med, p99: d['p(99)'], requests: s.metrics.http_reqs.count, peakRss: r.peakRss, failed: s.metrics.http_req_failed?.passes ?? 0 };
}

async function autocannon(url) {
  const bin = path.join(root, 'node_modules/.bin/autocannon');
  const [cmd, args] = pin(1, bin, ['-c', '50', '-d', String(SECONDS), '-j', url]);
  const r = await run(cmd, args);
  const j = JSON.parse(r.out);
  return { rps: j.requests.total / SECONDS, p50: j.latency.p50, p99: j.latency.p99, requests: j.requests.total };
}

async function wrk(url) {
  const [cmd, args] = pin(1, 'wrk', ['-t1', '-c50', `-d${SECONDS}s`, '--latency', url]);
  const r = await run(cmd, args);
  const ms = (s) => { const m = /([\d.]+)(us|ms|s)/.exec(s); const v = Number(m[1]); return m[2] === 'us' ? v / 1000 : m[2] === 's' ? v * 1000 : v; };
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(r.out)[1]);
  return { rps, p50: ms(/\s50%\s+(\S+)/.exec(r.out)[1]), p99: ms(/\s99%\s+(\S+)/.exec(r.out)[1]), requests: Number(/(\d+) requests in/.exec(r.out)[1]) };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (x) => (x >= 100 ? x.toFixed(0) : x.toFixed(2));

const server = await startServer();
const results = { engine: [], autocannon: [], wrk: [] };
const tools = { engine: () => engine(server.url), autocannon: () => autocannon(server.url), ...(has('wrk') ? { wrk: () => wrk(server.url) } : {}) };
try {
  for (let round = 1; round <= ROUNDS; round++) {
    for (const [name, fn] of Object.entries(tools)) {
      const r = await fn();
      results[name].push(r);
      console.error(`round ${round} ${name.padEnd(10)} ${fmt(r.rps)} req/s  p50 ${fmt(r.p50)} ms  p99 ${fmt(r.p99)} ms`);
    }
  }
  let memory;
  if (!values['skip-memory']) {
    const vus = Number(values['memory-vus']);
    const one = await engine(server.url, 1, '20s', 'memory-vus.js');
    const many = await engine(server.url, vus, '20s', 'memory-vus.js');
    memory = { vus, peakRssBytes: many.peakRss, baselinePeakRssBytes: one.peakRss, perVuBytes: (many.peakRss - one.peakRss) / vus, perVuIncludingBaselineBytes: many.peakRss / vus, requests: many.requests, failed: many.failed };
  }
  const summary = Object.fromEntries(Object.entries(results).filter(([, v]) => v.length).map(([k, v]) => [k, { rps: median(v.map((x) => x.rps)), p50: median(v.map((x) => x.p50)), p99: median(v.map((x) => x.p99)), rounds: v }]));
  const ratio = summary.engine.rps / summary.autocannon.rps;
  console.log('\n| tool | req/s (median of rounds) | p50 ms | p99 ms |\n| --- | --- | --- | --- |');
  for (const [k, v] of Object.entries(summary)) console.log(`| ${k} | ${fmt(v.rps)} | ${fmt(v.p50)} | ${fmt(v.p99)} |`);
  console.log(`\nengine / autocannon req/s: ${ratio.toFixed(2)}×`);
  if (memory) console.log(`memory: ${memory.vus} VUs → peak RSS ${(memory.peakRssBytes / 2 ** 20).toFixed(0)} MiB (1 VU: ${(memory.baselinePeakRssBytes / 2 ** 20).toFixed(0)} MiB) → ${(memory.perVuBytes / 1024).toFixed(1)} KiB per VU above the 1-VU baseline (${(memory.perVuIncludingBaselineBytes / 1024).toFixed(1)} KiB counting the whole process)`);
  const outDir = path.join(root, 'out', 'bench-engine');
  fs.mkdirSync(outDir, { recursive: true });
  const file = path.join(outDir, `${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  fs.writeFileSync(file, JSON.stringify({ machine: { cpus, node: process.version }, seconds: SECONDS, rounds: ROUNDS, summary, ratio, memory }, null, 2));
  console.log(`\nraw results: ${path.relative(root, file)}`);
} finally {
  server.stop();
}
