/**
 * The RAG chatbot example end to end: `shipcheck gate --config examples/rag-chatbot/...`
 * against a stand-in chatbot on loopback, with a pool of bearer tokens. A clean stand-in
 * passes; each injected defect fails the gate with a reason naming the target, the endpoint
 * or page, what was observed and the limit. The seed's limits stay (chat p95 ≤ 6 s, retrieval
 * p95 ≤ 500 ms); the defects are far past them (15 s, 3 s). Health p99, the history route's
 * latency and the docs page's paint, which a busy CI machine could cross by itself, are loosened.
 */
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import example from './shipcheck.config.ts';
import { gateRecord, shipcheck, startStandIn, tempDir, variantConfig, type StandIn } from '../testing/run.ts';

const TARGET = 'rag-chatbot';
const base = example.targets[TARGET]!;
const TOKENS = Array.from({ length: 8 }, (_, i) => `chatbot-test-token-${i}-0123456789abcdef`);
const ENV = { CHATBOT_TOKEN: TOKENS[0]!, CHATBOT_TOKENS: TOKENS.join(',') };

let standIn: StandIn | undefined;
afterEach(async () => { await standIn?.stop(); standIn = undefined; });

async function gateAgainst(defect: string, stages: string[] = []) {
  standIn = await startStandIn('rag-chatbot/stand-in.ts', defect, { CHATBOT_TOKENS: TOKENS.join(',') });
  const dir = tempDir(`chatbot-${defect || 'clean'}`);
  const config = variantConfig(dir, 'examples/rag-chatbot/shipcheck.config.ts', TARGET, {
    pages: { docs: { ...base.pages!.docs, fcpMs: 10_000, lcpMs: 10_000, loadMs: 10_000 } },
    slo: { ...base.slo, groups: { ...base.slo!.groups, api: { p95Ms: 5000, p99Ms: 5000 } }, healthP99Ms: 1000 },
  });
  const run = await shipcheck(['gate', '--config', config, '--target', standIn.url, '--profile', 'test', '--out', path.join(dir, 'out'), ...stages], ENV);
  return { ...run, dir: path.join(dir, 'out') };
}

describe('the RAG chatbot example', () => {
  it('passes a healthy chatbot: probes, chat, security, the docs page, load, retrieval time and memory', async () => {
    const r = await gateAgainst('');
    expect(r.out).toContain('GATE PASS  (exit 0)  rag-chatbot');
    expect(r.code).toBe(0);
    expect(gateRecord(r.dir).stages.map((s) => [s.name, s.outcome, s.exitCode])).toEqual([['smoke', 'ran', 0], ['load', 'ran', 0]]);
    // The tokens never reach what the gate wrote.
    expect(r.out).not.toContain(TOKENS[0]);
  }, 300_000);

  it('fails answers slower than the 6 s SLO, naming the endpoint, the observed p95 and the limit', async () => {
    // The smoke shape walks the journey once and waits for each answer: a 15 s answer outlasts
    // the test profile's other shapes, whose unfinished requests leave no latency to judge.
    const r = await gateAgainst('slow-chat', ['--no-smoke', '--shape', 'smoke']);
    expect(r.code).toBe(1);
    expect(gateRecord(r.dir).reasons).toEqual(expect.arrayContaining([
      expect.stringMatching(/^rag-chatbot: endpoint POST \/api\/chat latency: p\(95\) was 1\d\.\d\d s, limit < 6 s/),
    ]));
  }, 300_000);

  it('fails a retrieval time the service reports over 500 ms, naming the timing, the observed p95 and the limit', async () => {
    const r = await gateAgainst('slow-retrieval', ['--no-smoke']);
    expect(r.code).toBe(1);
    expect(gateRecord(r.dir).reasons).toEqual(expect.arrayContaining([
      expect.stringMatching(/^rag-chatbot: retrieval reported by the service \(Server-Timing "retrieval"\): p\(95\) was 3 s, limit < 500 ms/),
    ]));
  }, 300_000);

  it('fails a docs page without Content-Security-Policy, naming the page and the header', async () => {
    const r = await gateAgainst('missing-header', ['--no-load', '--grep', '@security']);
    expect(r.code).toBe(1);
    const reasons = gateRecord(r.dir).reasons!;
    expect(reasons).toHaveLength(1);
    expect(reasons[0]).toContain('GET /docs');
    expect(reasons[0]).toContain('content-security-policy');
  }, 300_000);

  it('fails an inaccessible docs page, naming the page and the axe rules', async () => {
    const r = await gateAgainst('inaccessible', ['--no-load', '--grep', '@a11y']);
    expect(r.code).toBe(1);
    expect(gateRecord(r.dir).reasons!.some((x) => x.startsWith('rag-chatbot: accessibility: page docs') && x.includes('image-alt') && x.includes('label'))).toBe(true);
  }, 300_000);

  it('fails a failing health check, naming the probe, the status and the expectation', async () => {
    const r = await gateAgainst('health-failing', ['--no-load', '--grep', '@smoke']);
    expect(r.code).toBe(1);
    expect(gateRecord(r.dir).reasons!.some((x) => x.startsWith('rag-chatbot: smoke:') && x.includes('GET /health') && x.includes('status 500, expected 200'))).toBe(true);
  }, 300_000);

  it('fails a process over its 1 GiB memory budget, naming the budget, the observed peak and the limit', async () => {
    const r = await gateAgainst('memory-overrun', ['--no-smoke']);
    expect(r.code).toBe(1);
    expect(gateRecord(r.dir).reasons).toEqual(expect.arrayContaining([
      expect.stringMatching(/^rag-chatbot: resident memory \(process_resident_memory_bytes\): max was 1\.\d GiB, limit < 1 GiB/),
    ]));
  }, 300_000);
});
