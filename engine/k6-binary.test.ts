/**
 * Real k6 cannot be installed on this machine, so these tests put a stand-in `k6` on PATH
 * that replays an NDJSON recorded from a real k6 run (fixtures/k6-out.ndjson.gz). They check
 * what shipcheck does around k6: version detection, the wrapper entry, the arguments, and the
 * fold of k6's --out json into timeseries.json.
 */
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findK6, runWithK6 } from './k6-binary.ts';
import { shipcheck, startServer, tempDir } from './testing/harness.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
let bin: string;
let savedPath: string | undefined;

beforeEach(() => {
  bin = tempDir('fake-k6-');
  fs.symlinkSync(path.join(here, 'fixtures/fake-k6.mjs'), path.join(bin, 'k6'));
  savedPath = process.env.PATH;
  process.env.PATH = `${bin}${path.delimiter}${savedPath}`;
});
afterEach(() => { process.env.PATH = savedPath; delete process.env.FAKE_K6_VERSION; });

describe('real k6 (a replaying stand-in)', () => {
  it('finds k6 on PATH and rejects one older than v0.51', async () => {
    expect((await findK6()).k6?.version).toBe('0.55.0');
    process.env.FAKE_K6_VERSION = '0.42.0';
    const old = await findK6();
    expect(old.k6).toBeUndefined();
    expect(old.reason).toContain('v0.42.0, older than v0.51.0');
  });

  it('runs the bundle through a wrapper entry and folds its NDJSON into the time series', async () => {
    const dir = tempDir();
    const bundle = path.join(dir, 'scenario.js');
    fs.writeFileSync(bundle, 'export default async function () {}\n');
    const argsFile = path.join(dir, 'args.json');
    process.env.FAKE_K6_ARGS = argsFile;
    const r = await runWithK6({ k6: { path: path.join(bin, 'k6'), version: '0.55.0' }, bundle, env: { BASE_URL: 'http://127.0.0.1:1' }, dir, quiet: true });
    delete process.env.FAKE_K6_ARGS;
    expect(r.exitCode).toBe(0);
    expect(r.summary.metrics.iterations!.values.count).toBe(3);
    const args = JSON.parse(fs.readFileSync(argsFile, 'utf8')) as string[];
    expect(args).toContain(`json=${path.join(dir, 'k6-out.json.gz')}`);
    expect(args).toContain('BASE_URL=http://127.0.0.1:1');
    expect(args.at(-1)).toBe(path.join(dir, 'scenario.shipcheck-k6.js'));
    // The fold saw every recorded http_reqs point.
    const lines = zlib.gunzipSync(fs.readFileSync(path.join(here, 'fixtures/k6-out.ndjson.gz'))).toString().split('\n');
    const recorded = lines.filter((l) => l.includes('"metric":"http_reqs","type":"Point"')).length;
    const series = r.timeseries.series.filter((s) => s.metric === 'http_reqs');
    expect(series.reduce((a, s) => a + s.totals.count, 0)).toBe(recorded);
  });

  it('shipcheck run --engine k6 hands the script and its k6 flags to k6 as given', async () => {
    const dir = tempDir();
    const script = path.join(dir, 'script.js');
    // The stand-in replays a recording and writes the summary where SHIPCHECK_SUMMARY_JSON says.
    fs.writeFileSync(script, 'export default async function () {}\nexport function handleSummary() { return {}; }\n');
    const argsFile = path.join(dir, 'args.json');
    const summary = path.join(dir, 'summary.json');
    const out = path.join(dir, 'out.json.gz');
    const r = await shipcheck(['run', '--engine', 'k6', '-u', '2', '-d', '5s', '-e', `SHIPCHECK_SUMMARY_JSON=${summary}`, '--tag', 'team=web', '-o', `json=${out}`, '--no-thresholds', '-q', script],
      { env: { PATH: process.env.PATH!, FAKE_K6_ARGS: argsFile } });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(fs.readFileSync(argsFile, 'utf8'))).toEqual([
      'run', '--vus', '2', '--duration', '5s', '-e', `SHIPCHECK_SUMMARY_JSON=${summary}`, '--tag', 'team=web', '--out', `json=${out}`, '--no-thresholds', '--quiet', script,
    ]);
  });

  it('shipcheck run passes on k6\'s exit code', async () => {
    const dir = tempDir();
    const script = path.join(dir, 'script.js');
    fs.writeFileSync(script, 'export default async function () {}\nexport function handleSummary() { return {}; }\n');
    const r = await shipcheck(['run', '--engine', 'auto', '-e', `SHIPCHECK_SUMMARY_JSON=${path.join(dir, 's.json')}`, '-o', `json=${path.join(dir, 'o.json')}`, script],
      { env: { PATH: process.env.PATH!, FAKE_K6_EXIT: '99' } });
    expect(r.code).toBe(99);
  });

  it('shipcheck load --engine k6 writes the result folder and says which engine ran', async () => {
    const server = await startServer();
    const out = path.join(tempDir(), 'result');
    try {
      const r = await shipcheck(['load', 'smoke', '--engine', 'k6', '--profile', 'test', '--target', server.url, '--out', out, '--quiet'], { env: { PATH: process.env.PATH! } });
      expect(r.stderr).toContain('engine: k6 v0.55.0');
      expect(r.code).toBe(0);
      const meta = JSON.parse(fs.readFileSync(path.join(out, 'meta.json'), 'utf8'));
      expect(meta.engine).toBe('k6 v0.55.0');
      expect(meta.scenarios.length).toBeGreaterThan(0);
      expect(meta.scenarios[0].description).toMatch(/iterations|VUs/);
      expect(JSON.parse(fs.readFileSync(path.join(out, 'summary.json'), 'utf8')).metrics.iterations.values.count).toBe(3);
      expect(JSON.parse(fs.readFileSync(path.join(out, 'timeseries.json'), 'utf8')).series.length).toBeGreaterThan(0);
    } finally {
      await server.close();
    }
  });
});
