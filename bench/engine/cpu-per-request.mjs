#!/usr/bin/env node
// CPU microseconds per request of one or more engine checkouts, interleaved round by round:
// user + system CPU of `shipcheck run fixed-iterations.js` over --iterations requests, minus the
// same run with 50 iterations (start-up: bundling, VU init) measured in the same round. On a
// shared machine, throughput swings with the neighbours; CPU per request for the same work moves
// much less.
// Usage: node bench/engine/cpu-per-request.mjs [--rounds 6] [--iterations 100000] <checkout> [<checkout> ...]
// (a checkout: this repository, or `git archive <commit>` unpacked with a node_modules symlink).
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { median } from './median.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const { values, positionals } = parseArgs({ allowPositionals: true, options: { rounds: { type: 'string', default: '6' }, iterations: { type: 'string', default: '100000' } } });
const roots = positionals.length ? positionals.map((p) => path.resolve(p)) : [path.resolve(here, '../..')];
const ROUNDS = Number(values.rounds);
const N = Number(values.iterations);
if (!fs.existsSync('/usr/bin/time')) { console.error('needs /usr/bin/time (apt-get install -y time)'); process.exit(2); }
const pinned = (() => { try { execFileSync('taskset', ['-V'], { stdio: 'ignore' }); return os.availableParallelism() > 1; } catch { return false; } })();
const pin = (cpu, cmd, args) => (pinned ? ['taskset', ['-c', String(cpu), cmd, ...args]] : [cmd, args]);

const [scmd, sargs] = pin(0, process.execPath, [path.join(here, 'server.mjs')]);
const server = spawn(scmd, sargs, { stdio: ['ignore', 'pipe', 'inherit'] });
const url = await new Promise((resolve) => server.stdout.on('data', (d) => { const m = /listening (\d+)/.exec(String(d)); if (m) resolve(`http://127.0.0.1:${m[1]}/`); }));

function cpuSeconds(root, iterations) {
  const file = path.join(os.tmpdir(), `bench-cpu-${process.pid}.txt`);
  const [cmd, args] = pin(1, process.execPath, [path.join(root, 'bin/shipcheck.mjs'), 'run', path.join(here, 'fixed-iterations.js'), '--quiet']);
  execFileSync('/usr/bin/time', ['-f', '%U %S', '-o', file, cmd, ...args], { env: { ...process.env, TARGET: url, ITERS: String(iterations) }, stdio: 'ignore' });
  const [u, s] = fs.readFileSync(file, 'utf8').trim().split('\n').at(-1).split(/\s+/).map(Number);
  fs.rmSync(file, { force: true });
  return u + s;
}

try {
  // A first run warms each checkout's caches (tsx's transform cache, the OS's file cache): a
  // cold start-up measured once would be subtracted from every round and flatter that checkout.
  for (const r of roots) cpuSeconds(r, 50);
  const startups = roots.map(() => []);
  const rows = [];
  for (let i = 0; i < ROUNDS; i++) {
    // Start-up is measured in every round, beside the long run, so both see the same machine.
    // The order alternates round by round (ABBA), so neither checkout always runs first.
    const row = new Array(roots.length);
    const order = roots.map((_, j) => j);
    if (i % 2 === 1) order.reverse();
    for (const j of order) {
      const s = cpuSeconds(roots[j], 50);
      startups[j].push(s);
      row[j] = ((cpuSeconds(roots[j], N) - s) * 1e6) / (N - 50);
    }
    rows.push(row);
    console.log(`round ${i + 1}  ${row.map((x, j) => `${path.basename(roots[j])} ${x.toFixed(1)} µs`).join('  ')}${roots.length > 1 ? `  ratio ${row.slice(1).map((x) => (row[0] / x).toFixed(3)).join(' ')}` : ''}`);
  }
  console.log(`\nCPU µs per request, median of ${ROUNDS} rounds of ${N} requests (start-up excluded):`);
  roots.forEach((r, j) => console.log(`  ${r}: ${median(rows.map((x) => x[j])).toFixed(1)} (start-up ${median(startups[j]).toFixed(2)} s CPU, median)`));
  const total = (j) => rows.reduce((a, x) => a + x[j], 0);
  for (let j = 1; j < roots.length; j++) console.log(`  ${path.basename(roots[0])} / ${path.basename(roots[j])}: ${median(rows.map((x) => x[0] / x[j])).toFixed(3)}× (median of per-round ratios), ${(total(0) / total(j)).toFixed(3)}× (all rounds' CPU)`);
} finally {
  server.kill();
}
