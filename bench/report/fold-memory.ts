/**
 * Child process for the benchmark. `write FILE MB` writes a k6-shaped NDJSON file of about MB
 * megabytes spanning one hour of run time (plain lines, as `k6 run --out json` writes them); `fold FILE` folds it with
 * foldNdjson, deletes it and prints {lines, ms, peakRssMb, heapPeakMb} as JSON. Each runs in
 * its own process so the fold's peak RSS is its own.
 */
import fs from 'node:fs';
import { foldNdjson } from '../../harness/timeseries/ndjson.ts';

const [mode, file, mbArg] = process.argv.slice(2);
const mb = Number(mbArg);

async function writeFile(): Promise<void> {
  const out = fs.createWriteStream(file!, { highWaterMark: 1 << 20 });
  const decl = (name: string, type: string, contains: string) => `{"type":"Metric","data":{"name":"${name}","type":"${type}","contains":"${contains}","thresholds":[],"submetrics":null},"metric":"${name}"}\n`;
  out.write(decl('http_reqs', 'counter', 'default') + decl('http_req_duration', 'trend', 'time') + decl('http_req_failed', 'rate', 'default') + decl('vus', 'gauge', 'default'));
  const t0 = Date.UTC(2026, 10, 21, 12, 0, 0);
  let bytes = 0, i = 0, seed = 9;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  const limit = mb * 1024 * 1024;
  // About 1050 bytes per request (three Point lines).
  const rate = Math.max(1, Math.ceil(limit / 1050 / 3600));
  while (bytes < limit) {
    let chunk = '';
    for (let k = 0; k < 2000; k++, i++) {
      // Every file spans the same hour of run time (a bigger file is a busier hour), so the
      // buckets (seconds × series) are the same and only the sample count grows.
      const ms = t0 + Math.floor(i / rate) * 1000 + Math.floor(((i % rate) * 1000) / rate);
      const time = `${new Date(ms).toISOString().slice(0, 23)}${String(i % 1000).padStart(6, '0')}+00:00`;
      const ep = i % 10;
      const tags = `{"expected_response":"true","group":"","method":"GET","name":"GET /api/v1/e${ep}","proto":"HTTP/1.1","scenario":"soak","status":"200","url":"http://127.0.0.1:3000/api/v1/e${ep}"}`;
      chunk += `{"metric":"http_reqs","type":"Point","data":{"time":"${time}","value":1,"tags":${tags}}}\n`;
      chunk += `{"metric":"http_req_duration","type":"Point","data":{"time":"${time}","value":${(5 + ep * 10 + rnd() * 40).toFixed(6)},"tags":${tags}}}\n`;
      chunk += `{"metric":"http_req_failed","type":"Point","data":{"time":"${time}","value":0,"tags":${tags}}}\n`;
      if (i % rate === 0) chunk += `{"metric":"vus","type":"Point","data":{"time":"${time}","value":50,"tags":{}}}\n`;
    }
    bytes += Buffer.byteLength(chunk);
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
  const f = await foldNdjson(file!, { progressEvery: 100_000, onProgress: () => { heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed); } });
  const ms = performance.now() - started;
  fs.rmSync(file!, { force: true });
  console.log(JSON.stringify({ fileMb: size / 1048576, lines: f.lines, seconds: f.timeseries.series[0]!.t.length, ms, peakRssMb: process.resourceUsage().maxRSS / 1024, heapPeakMb: heapPeak / 1048576 }));
}
