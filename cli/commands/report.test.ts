import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { runCli } from '../run-cli.ts';

const fixtures = path.join(import.meta.dirname, '..', '..', 'reports', 'fixtures');
let tmp: string;
beforeAll(() => { tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'shipcheck-report-cli-')); });
afterAll(() => { fs.rmSync(tmp, { recursive: true, force: true }); });

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((...a) => { out.push(a.join(' ')); });
  const error = vi.spyOn(console, 'error').mockImplementation((...a) => { err.push(a.join(' ')); });
  try {
    return { code: await runCli(args), out: out.join('\n'), err: err.join('\n') };
  } finally {
    log.mockRestore();
    error.mockRestore();
  }
}

describe('shipcheck report', () => {
  it('writes the three files for a passing run, prints their paths, exits 0', async () => {
    const out = path.join(tmp, 'pass');
    const r = await cli(['report', path.join(fixtures, 'pass'), '--out', out]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^PASS \(exit code 0\)/);
    for (const f of ['report.html', 'junit.xml', 'summary.md']) {
      expect(fs.existsSync(path.join(out, f))).toBe(true);
      expect(r.out).toContain(f);
    }
  });

  it('exits 1 with the reasons when the run failed, and counts baseline regressions under a tolerance flag', async () => {
    const r = await cli(['report', path.join(fixtures, 'fail'), '--out', path.join(tmp, 'fail')]);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/request latency: p\(95\) was \d+ ms, limit < 500 ms \(threshold "p\(95\)<500" on http_req_duration\)/);
    const strict = await cli(['report', path.join(fixtures, 'pass'), '--baseline', path.join(fixtures, 'baseline'), '--out', path.join(tmp, 'b1')]);
    expect(strict.code).toBe(1);
    expect(strict.out).toContain('regression against the baseline: Latency p95');
    const loose = await cli(['report', path.join(fixtures, 'pass'), '--baseline', path.join(fixtures, 'baseline'), '--p95-tolerance', '500', '--out', path.join(tmp, 'b2')]);
    expect(loose.code).toBe(0);
  });

  it('exits 99 when only thresholds failed, as k6 does', async () => {
    const dir = path.join(tmp, 'thresholds-only');
    fs.mkdirSync(dir);
    for (const f of ['summary.json', 'timeseries.json', 'meta.json']) fs.copyFileSync(path.join(fixtures, 'fail', f), path.join(dir, f));
    expect((await cli(['report', dir])).code).toBe(99);
    expect(fs.existsSync(path.join(dir, 'report.html'))).toBe(true);
  });

  it('folds a k6 --out json recording into a result folder', async () => {
    const out = path.join(tmp, 'ndjson');
    const r = await cli(['report', path.join(fixtures, '..', '..', 'harness', 'timeseries', 'fixtures', 'k6-out-json.ndjson.gz'), '--out', out]);
    expect(r.code).toBe(0);
    expect(JSON.parse(fs.readFileSync(path.join(out, 'summary.json'), 'utf8')).metrics.http_reqs.values.count).toBeGreaterThan(100);
  });

  it('refuses a baseline of another profile unless --force-baseline, and draws a history with --history', async () => {
    const other = path.join(tmp, 'other-profile');
    fs.cpSync(path.join(fixtures, 'baseline'), other, { recursive: true });
    const meta = JSON.parse(fs.readFileSync(path.join(other, 'meta.json'), 'utf8'));
    fs.writeFileSync(path.join(other, 'meta.json'), JSON.stringify({ ...meta, profile: 'soak' }));
    const refused = await cli(['report', path.join(fixtures, 'pass'), '--baseline', other, '--out', path.join(tmp, 'f1')]);
    expect(refused).toMatchObject({ code: 104, err: expect.stringContaining('profile is "ci" here but "soak" in the baseline') });
    expect(refused.err).toContain('pass --force-baseline to compare anyway');
    const forced = await cli(['report', path.join(fixtures, 'pass'), '--baseline', other, '--force-baseline', '--p95-tolerance', '500', '--out', path.join(tmp, 'f2')]);
    expect(forced.code).toBe(0);
    const history = await cli(['report', '--history', path.join(fixtures, 'baseline'), path.join(fixtures, 'pass'), '--out', path.join(tmp, 'h')]);
    expect(history.code).toBe(0);
    expect(history.out).toContain('history of 2 runs: baseline, pass');
    expect(fs.existsSync(path.join(tmp, 'h', 'history.html'))).toBe(true);
  });

  it('says what is wrong with bad arguments', async () => {
    expect(await cli(['report'])).toMatchObject({ code: 104, err: expect.stringContaining('give the result folder') });
    expect(await cli(['report', path.join(fixtures, 'pass'), '--rps-tolerance=-3'])).toMatchObject({ code: 104, err: expect.stringContaining('Invalid value for --rps-tolerance') });
    expect(await cli(['report', path.join(tmp, 'missing')])).toMatchObject({ code: 104, err: expect.stringContaining('it does not exist') });
    const notK6 = path.join(tmp, 'notes.json');
    fs.writeFileSync(notK6, '{"hello": 1}\n');
    expect(await cli(['report', notK6])).toMatchObject({ code: 104, err: expect.stringContaining('not k6 --out json output') });
  });
});
