/**
 * Child process for the benchmark. `write FILE MB` writes a k6-shaped NDJSON file of about MB
 * megabytes spanning one hour of run time (plain lines, as `k6 run --out json` writes them); `fold FILE` folds it with
 * foldNdjson, deletes it and prints {lines, seconds, ms, peakRssMb, heapPeakMb, retainedHeapPeakMb}
 * as JSON. Each runs in
 * its own process so the fold's peak RSS is its own.
 */
import fs from 'node:fs';
import { foldNdjson } from '../../harness/timeseries/ndjson.ts';

const [mode, file, mbArg] = process.argv.slice(2);
const mb = Number(mbArg);

const T0 = Date.UTC(2026, 10, 21, 12, 0, 0);
const RUN_SECONDS = 3600;
let seed = 9;
const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);

/** The lines k6 writes for request `i` of `rate` per second: three Points, plus the VU gauge once a second. */
function requestLines(i: number, rate: number): string {
  const second = Math.floor(i / rate);
  const ms = T0 + second * 1000 + Math.floor(((i % rate) * 1000) / rate);
  const time = `${new Date(ms).toISOString().slice(0, 23)}${String(i % 1000).padStart(6, '0')}+00:00`;
  const ep = i % 10;
  const tags = `{"expected_response":"true","group":"","method":"GET","name":"GET /api/v1/e${ep}","proto":"HTTP/1.1","scenario":"soak","status":"200","url":"http://127.0.0.1:3000/api/v1/e${ep}"}`;
  let out = `{"metric":"http_reqs","type":"Point","data":{"time":"${time}","value":1,"tags":${tags}}}\n`;
  out += `{"metric":"http_req_duration","type":"Point","data":{"time":"${time}","value":${(5 + ep * 10 + rnd() * 40).toFixed(6)},"tags":${tags}}}\n`;
  out += `{"metric":"http_req_failed","type":"Point","data":{"time":"${time}","value":0,"tags":${tags}}}\n`;
  if (i % rate === 0) out += `{"metric":"vus","type":"Point","data":{"time":"${time}","value":50,"tags":{}}}\n`;
  return out;
}

/**
 * Every file spans the same hour of run time (a bigger file is a busier hour), so the
 * buckets (seconds × series) are the same and only the number of samples grows.
 */
async function writeFile(): Promise<void> {
  const out = fs.createWriteStream(file!, { highWaterMark: 1 << 20 });
  const decl = (name: string, type: string, contains: string) => `{"type":"Metric","data":{"name":"${name}","type":"${type}","contains":"${contains}","thresholds":[],"submetrics":null},"metric":"${name}"}\n`;
  out.write(decl('http_reqs', 'counter', 'default') + decl('http_req_duration', 'trend', 'time') + decl('http_req_failed', 'rate', 'default') + decl('vus', 'gauge', 'default'));
  let sample = 0;
  for (let i = 0; i < 1000; i++) sample += Buffer.byteLength(requestLines(i, 1000));
  const rate = Math.max(1, Math.round((mb * 1024 * 1024) / (sample / 1000) / RUN_SECONDS));
  const total = rate * RUN_SECONDS;
  for (let i = 0; i < total;) {
    let chunk = '';
    for (let k = 0; k < 2000 && i < total; k++, i++) chunk += requestLines(i, rate);
    if (!out.write(chunk)) await new Promise<void>((r) => out.once('drain', () => r()));
  }
  await new Promise<void>((r, j) => out.end((e?: Error | null) => (e ? j(e) : r())));
}

if (mode === 'write') {
  await writeFile();
} else {
  const size = fs.statSync(file!).size;
  const started = performance.now();
  let heapPeak = 0;
  let retainedPeak = 0;
  // Retained heap: after a full GC, what the fold actually holds (heapUsed alone counts garbage
  // V8 has not collected yet, which grows with allocation rate, not with what is kept).
  const gc = (globalThis as { gc?: () => void }).gc;
  const f = await foldNdjson(file!, {
    progressEvery: 20_000,
    onProgress: () => {
      heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed);
      if (gc) { gc(); retainedPeak = Math.max(retainedPeak, process.memoryUsage().heapUsed); }
    },
  });
  const ms = performance.now() - started;
  if (gc) { gc(); retainedPeak = Math.max(retainedPeak, process.memoryUsage().heapUsed); }
  fs.rmSync(file!, { force: true });
  console.log(JSON.stringify({ fileMb: size / 1048576, lines: f.lines, seconds: Math.max(...f.timeseries.series.map((x) => (x.t.length ? x.t[x.t.length - 1]! + 1 : 0))), ms, peakRssMb: process.resourceUsage().maxRSS / 1024, heapPeakMb: heapPeak / 1048576, retainedHeapPeakMb: retainedPeak / 1048576 }));
}
