/**
 * Report benchmark: `npx tsx bench/report/run.ts [--fold-mb 1024]`
 *
 * 1. A synthetic 1-hour run (3,600 one-second buckets, 10 endpoints) through the real
 *    bucketer: report size and generation time, against the size of its timeseries.json and
 *    the time to merely read and parse its inputs (the peer).
 * 2. Time until the charts are drawn in headless Chromium (network blocked), against the
 *    page's own DOMContentLoaded (the peer).
 * 3. Peak memory folding a k6 NDJSON of 1 GB, against folding 100 MB (flat means ratio ≈ 1).
 *    The files are generated in /tmp and deleted.
 * Goals: ≤ 1.5 MB, ≤ 2 s to generate, ≤ 2 s to draw, flat memory.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { launchChromium } from '../../harness/browser.ts';
import { generateReport } from '../../reports/index.ts';
import { writeSyntheticRun } from './synthetic-run.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const foldMbIdx = process.argv.indexOf('--fold-mb');
const foldMb = foldMbIdx > 0 ? Number(process.argv[foldMbIdx + 1]) : 1024;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'shipcheck-bench-report-'));
const results: Record<string, unknown> = {};
const line = (s: string) => console.log(s);

try {
  // ---------------------------------------------------------------- 1. generate
  const runDir = path.join(tmp, 'run');
  let t = performance.now();
  const { samples } = writeSyntheticRun(runDir, 3600, 20);
  line(`synthetic 1-hour run: ${samples.toLocaleString('en-US')} samples bucketed in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  const tsBytes = fs.statSync(path.join(runDir, 'timeseries.json')).size;

  t = performance.now();
  for (const f of ['summary.json', 'timeseries.json', 'meta.json']) JSON.parse(fs.readFileSync(path.join(runDir, f), 'utf8'));
  const parseMs = performance.now() - t;

  t = performance.now();
  await generateReport(runDir, { out: path.join(tmp, 'first') });
  const firstMs = performance.now() - t;
  const gen: number[] = [];
  for (let i = 0; i < 3; i++) {
    t = performance.now();
    await generateReport(runDir, { out: path.join(tmp, `r${i}`) });
    gen.push(performance.now() - t);
  }
  const genMs = gen.sort((a, b) => a - b)[1]!;
  const reportFile = path.join(tmp, 'r0', 'report.html');
  const size = fs.statSync(reportFile).size;
  Object.assign(results, { reportBytes: size, timeseriesJsonBytes: tsBytes, generateMs: genMs, firstGenerateMs: firstMs, parseInputsMs: parseMs });
  line(`report.html: ${(size / 1048576).toFixed(2)} MB (timeseries.json ${(tsBytes / 1048576).toFixed(2)} MB, ratio ${(size / tsBytes).toFixed(2)}); goal ≤ 1.5 MB`);
  line(`generate: ${genMs.toFixed(0)} ms median of 3 (first call in the process ${firstMs.toFixed(0)} ms); reading+parsing the inputs alone ${parseMs.toFixed(0)} ms, ratio ${(genMs / parseMs).toFixed(1)}; goal ≤ 2000 ms`);

  // ---------------------------------------------------------------- 2. draw
  const browser = await launchChromium();
  try {
    const draws: Array<{ drawn: number; dcl: number }> = [];
    let blocked = 0;
    for (let i = 0; i < 3; i++) {
      const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      const url = pathToFileURL(reportFile).href;
      await ctx.route('**/*', (r) => (r.request().url() === url ? r.continue() : (blocked++, r.abort())));
      const page = await ctx.newPage();
      await page.goto(url);
      await page.waitForFunction(() => window.shipcheckChartsDrawnAt !== undefined, undefined, { timeout: 30_000 });
      draws.push(await page.evaluate(() => ({
        drawn: window.shipcheckChartsDrawnAt!,
        dcl: (performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming).domContentLoadedEventEnd,
      })));
      await ctx.close();
    }
    const med = (k: 'drawn' | 'dcl') => draws.map((d) => d[k]).sort((a, b) => a - b)[1]!;
    Object.assign(results, { drawnMs: med('drawn'), domContentLoadedMs: med('dcl'), blockedRequests: blocked });
    line(`charts drawn ${med('drawn').toFixed(0)} ms after navigation start (median of 3; DOMContentLoaded at ${med('dcl').toFixed(0)} ms, ratio ${(med('drawn') / med('dcl')).toFixed(1)}); ${blocked} requests attempted; goal ≤ 2000 ms`);
  } finally {
    await browser.close();
  }

  // ---------------------------------------------------------------- 3. fold memory
  const fold = (mb: number) => {
    const file = path.join(tmp, `k6-${mb}.ndjson`);
    const node = ['--expose-gc', '--import', 'tsx'];
    const cwd = path.join(here, '..', '..');
    execFileSync(process.execPath, [...node, path.join(here, 'fold-memory.ts'), 'write', file, String(mb)], { stdio: 'inherit', cwd });
    const out = execFileSync(process.execPath, [...node, path.join(here, 'fold-memory.ts'), 'fold', file], { encoding: 'utf8', cwd });
    return JSON.parse(out.trim().split('\n').pop()!) as { fileMb: number; lines: number; seconds: number; ms: number; peakRssMb: number; heapPeakMb: number; retainedHeapPeakMb: number };
  };
  const small = fold(Math.max(1, Math.round(foldMb / 10)));
  const big = fold(foldMb);
  Object.assign(results, { foldSmall: small, foldBig: big });
  for (const f of [small, big]) line(`fold ${f.fileMb.toFixed(0)} MB NDJSON: ${f.lines.toLocaleString('en-US')} lines, ${f.seconds} s of buckets, ${(f.ms / 1000).toFixed(1)} s (${(f.fileMb / (f.ms / 1000)).toFixed(0)} MB/s), peak RSS ${f.peakRssMb.toFixed(0)} MB, heap peak ${f.heapPeakMb.toFixed(0)} MB, retained heap after GC ${f.retainedHeapPeakMb.toFixed(0)} MB`);
  line(`${big.fileMb.toFixed(0)} MB : ${small.fileMb.toFixed(0)} MB file (${(big.fileMb / small.fileMb).toFixed(0)}× the samples, same run length): retained heap ratio ${(big.retainedHeapPeakMb / small.retainedHeapPeakMb).toFixed(2)}, peak RSS ratio ${(big.peakRssMb / small.peakRssMb).toFixed(2)} (flat ≈ 1)`);

  const outDir = path.join(here, '..', '..', 'out', 'bench');
  fs.mkdirSync(outDir, { recursive: true });
  fs.writeFileSync(path.join(outDir, 'report.json'), JSON.stringify(results, null, 2));
  line(`results: out/bench/report.json`);
} finally {
  fs.rmSync(tmp, { recursive: true, force: true });
}
