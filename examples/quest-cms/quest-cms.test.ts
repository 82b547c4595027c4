/**
 * The Quest-CMS example end to end: `shipcheck gate --config examples/quest-cms/...` against a
 * stand-in CMS on loopback. A clean stand-in passes; each injected defect fails the gate with a
 * reason naming the target, the page or endpoint, what was observed and the limit. Limits that
 * a busy CI machine could cross by itself (health p99, FCP) are loosened in a variant of the
 * config; the seed's 3 s page SLO stays, and the injected 10 s delay is far above it.
 */
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import example from './shipcheck.config.ts';
import { gateRecord, shipcheck, startStandIn, tempDir, variantConfig, type StandIn } from '../testing/run.ts';

const TARGET = 'quest-cms';
const base = example.targets[TARGET]!;
const loosePages = Object.fromEntries(Object.entries(base.pages ?? {}).map(([k, p]) => [k, { ...p, fcpMs: 10_000, lcpMs: 10_000, loadMs: 10_000 }]));

let standIn: StandIn | undefined;
afterEach(async () => { await standIn?.stop(); standIn = undefined; });

async function gateAgainst(defect: string, stages: string[] = []) {
  standIn = await startStandIn('quest-cms/stand-in.ts', defect);
  const dir = tempDir(`cms-${defect || 'clean'}`);
  const config = variantConfig(dir, 'examples/quest-cms/shipcheck.config.ts', TARGET, { pages: loosePages, slo: { ...base.slo, healthP99Ms: 1000 } });
  const run = await shipcheck(['gate', '--config', config, '--target', standIn.url, '--profile', 'test', '--out', path.join(dir, 'out'), ...stages]);
  return { ...run, dir: path.join(dir, 'out') };
}

describe('the Quest-CMS example', () => {
  it('passes a healthy CMS: pages, security, accessibility, web vitals, load and the memory budget', async () => {
    const r = await gateAgainst('');
    expect(r.out).toContain('GATE PASS  (exit 0)  quest-cms');
    expect(r.code).toBe(0);
    expect(gateRecord(r.dir).stages.map((s) => [s.name, s.outcome, s.exitCode])).toEqual([['smoke', 'ran', 0], ['load', 'ran', 0]]);
  }, 300_000);

  it('fails a page slower than the 3 s SLO, naming the endpoint, the observed p95 and the limit', async () => {
    const r = await gateAgainst('slow-pages', ['--no-smoke']);
    expect(r.code).toBe(1);
    expect(gateRecord(r.dir).reasons).toEqual(expect.arrayContaining([
      expect.stringMatching(/^quest-cms: endpoint GET \/articles\/getting-started latency: p\(95\) was (9\.\d+|1\d(\.\d+)?) s, limit < 3 s/),
    ]));
  }, 300_000);

  it('fails a response without X-Content-Type-Options, naming the response and the header', async () => {
    const r = await gateAgainst('missing-header', ['--no-load', '--grep', '@security']);
    expect(r.code).toBe(1);
    // Every article response lacks it, and each is named; nothing else fails.
    const reasons = gateRecord(r.dir).reasons!;
    expect(reasons.map((x) => /headers on (.*?) — /.exec(x)?.[1])).toEqual(['page "article": GET /articles/getting-started', 'endpoint gettingStarted: GET /articles/getting-started', 'endpoint writingQuests: GET /articles/writing-good-quests']);
    for (const x of reasons) expect(x).toMatch(/^quest-cms: smoke: security › .* has no x-content-type-options header/);
  }, 300_000);

  it('fails an inaccessible home page, naming the page and the axe rules', async () => {
    const r = await gateAgainst('inaccessible', ['--no-load', '--grep', '@a11y']);
    expect(r.code).toBe(1);
    const reasons = gateRecord(r.dir).reasons!;
    expect(reasons.some((x) => x.startsWith('quest-cms: accessibility: page home') && x.includes('image-alt') && x.includes('label'))).toBe(true);
  }, 300_000);

  it('fails a failing health check, naming the probe, the status and the expectation', async () => {
    const r = await gateAgainst('health-failing', ['--no-load', '--grep', '@smoke']);
    expect(r.code).toBe(1);
    const reasons = gateRecord(r.dir).reasons!;
    expect(reasons.some((x) => x.startsWith('quest-cms: smoke:') && x.includes('GET /healthz') && x.includes('status 503, expected 200'))).toBe(true);
  }, 300_000);

  it('fails a process over its 512 MiB memory budget, naming the budget, the observed peak and the limit', async () => {
    const r = await gateAgainst('memory-overrun', ['--no-smoke']);
    expect(r.code).toBe(1);
    expect(gateRecord(r.dir).reasons).toEqual(expect.arrayContaining([
      expect.stringMatching(/^quest-cms: resident memory \(process_resident_memory_bytes\): max was 7\d\d(\.\d)? MiB, limit < 512 MiB/),
    ]));
  }, 300_000);
});
