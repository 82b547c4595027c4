#!/usr/bin/env node
// The trial behind the choice of VU mechanism (bench/engine/README.md): N QuickJS runtimes
// (quickjs-emscripten, asyncify build; one WebAssembly module per VU, since asyncify allows one
// suspended call per module), each with a script whose "request" is a synchronous host call
// that suspends on a setImmediate. Prints RSS per VU, init time per VU, and how many such
// iterations 50 of them run per second. Usage: node bench/engine/quickjs-trial.mjs [N=200]
import { newQuickJSAsyncWASMModuleFromVariant } from 'quickjs-emscripten-core';
import variant from '@jitl/quickjs-wasmfile-release-asyncify';
const N = Number(process.argv[2] || 200);
const before = process.memoryUsage();
const t0 = performance.now();
const vms = [];
for (let i = 0; i < N; i++) {
  const mod = await newQuickJSAsyncWASMModuleFromVariant(variant);
  const ctx = mod.newContext();
  const sleep = ctx.newAsyncifiedFunction('get', async () => { await new Promise(r => setImmediate(r)); return ctx.newNumber(1); });
  ctx.setProp(ctx.global, 'get', sleep); sleep.dispose();
  ctx.evalCode('let token; function it(){ let s=0; for (let i=0;i<1;i++) s+=get(); return s; }').dispose();
  vms.push({ mod, ctx });
}
const after = process.memoryUsage();
console.log('quickjs', N, 'rss/VU KB', ((after.rss - before.rss) / N / 1024).toFixed(1), 'init ms/VU', ((performance.now()-t0)/N).toFixed(2));
// throughput: 50 VUs calling it() concurrently for 2s
const vus = vms.slice(0, Math.min(50, N));
let calls = 0; const end = Date.now() + 2000;
await Promise.all(vus.map(async ({ ctx }) => { while (Date.now() < end) { const r = await ctx.evalCodeAsync('it()'); ctx.unwrapResult(r).dispose(); calls++; } }));
console.log('quickjs sync-call iterations/s with 50 VUs (host call = setImmediate)', (calls / 2).toFixed(0));
