#!/usr/bin/env node
// What per-VU module state costs an iteration, apart from HTTP and the machine's noise: the same
// async default function (one awaited call into a k6-like module) loaded three ways, each call
// inside AsyncLocalStorage.run as the engine runs an iteration:
//   esm   — imported as an ES module, one instance shared by every VU (the engine before issue 10);
//   vm-1  — compiled once with vm.Script as the engine's async-mode factory, instantiated once;
//   vm-50 — the same factory instantiated 50 times, the VUs taking turns (module state per VU).
// Each runs in its own process, interleaved for --rounds rounds; prints ns of CPU per iteration.
// Usage: node bench/engine/module-instance-cost.mjs [--rounds 5] [--iterations 3000000]
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { median } from './median.mjs';

const { values } = parseArgs({ options: { rounds: { type: 'string', default: '5' }, iterations: { type: 'string', default: '3000000' }, mode: { type: 'string' } } });
const N = Number(values.iterations);

if (values.mode) {
  // Child: one way of loading, measured after one warm-up pass.
  const dir = process.env.MODULE_COST_DIR;
  const http = (await import(path.join(dir, 'http.mjs'))).default;
  globalThis.__ENV = { TARGET: 'http://127.0.0.1/' };
  let fns;
  if (values.mode === 'esm') fns = [(await import(path.join(dir, 'script.mjs'))).default];
  else {
    const vm = await import('node:vm');
    // The shape of engine/script-module.ts's async-mode factory around esbuild's CommonJS output.
    const source = `(async function (require) { "use strict"; const module = { exports: {} };
      var import_http = require("k6/http");
      async function script_default() { await import_http.default.asyncRequest("GET", __ENV.TARGET); }
      module.exports.default = script_default;
      const out = {}; for (const k in module.exports) out[k] = module.exports[k]; return out; })`;
    const factory = new vm.Script(source, { filename: path.join(dir, 'script.js') }).runInThisContext();
    const k6http = Object.freeze({ default: http, __esModule: true });
    fns = [];
    for (let i = 0; i < (values.mode === 'vm-50' ? 50 : 1); i++) fns.push((await factory(() => k6http)).default);
  }
  const { AsyncLocalStorage } = await import('node:async_hooks');
  const storage = new AsyncLocalStorage();
  const vus = Array.from({ length: 50 }, (_, i) => ({ id: i + 1 }));
  const pass = async () => { for (let i = 0; i < N; i++) await storage.run(vus[i % 50], fns[i % fns.length]); };
  await pass();
  const before = process.cpuUsage();
  await pass();
  const used = process.cpuUsage(before);
  process.stdout.write(String(((used.user + used.system) * 1000) / N));
} else {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'module-cost-'));
  fs.writeFileSync(path.join(dir, 'http.mjs'), 'let n = 0;\nexport default { asyncRequest(method, url) { n++; return Promise.resolve(n); } };\n');
  fs.writeFileSync(path.join(dir, 'script.mjs'), "import http from './http.mjs';\nexport default async function () { await http.asyncRequest('GET', __ENV.TARGET); }\n");
  const modes = ['esm', 'vm-1', 'vm-50'];
  const rows = Object.fromEntries(modes.map((m) => [m, []]));
  try {
    for (let r = 0; r < Number(values.rounds); r++) {
      for (const m of r % 2 ? [...modes].reverse() : modes) {
        const ns = Number(execFileSync(process.execPath, [process.argv[1], '--mode', m, '--iterations', String(N)], { env: { ...process.env, MODULE_COST_DIR: dir } }));
        rows[m].push(ns);
      }
      console.log(`round ${r + 1}  ${modes.map((m) => `${m} ${rows[m].at(-1).toFixed(1)} ns`).join('  ')}`);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  console.log(`\nCPU ns per iteration (median of ${values.rounds} rounds of ${N}):`);
  for (const m of modes) console.log(`  ${m.padEnd(6)} ${median(rows[m]).toFixed(1)}  (${(median(rows[m]) / median(rows.esm)).toFixed(3)}× esm)`);
}
