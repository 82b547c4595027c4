/**
 * Sends hostile cases (hostile-cases.ts) to a live API over real HTTP on loopback, one at a
 * time, and checks after each: an answer came (a closed connection without one is a failure,
 * except the close HTTP requires after a 400 for conflicting framing), it is not a 5xx, and a
 * rejected write left the stored rows exactly as they were (a checksum of every table). The
 * API's heap is taken after a warm-up and again at the end, both after a full GC.
 */
import http from 'node:http';
import net from 'node:net';
import v8 from 'node:v8';
import vm from 'node:vm';
import fc from 'fast-check';
import { hostileCase, type CaseKeys, type HostileCase, type RouteEntry } from './hostile-cases.ts';

export interface CaseOutcome { status?: number; statuses: number[]; closedAfterResponse: boolean; error?: string }
export interface CaseFailure { label: string; problem: string; request: string; previous?: string }
export interface HostileRunResult {
  cases: number;
  /** Cases node:http refused to send (the generator made a header or path no client sends). */
  unsendable: number;
  byStatus: Record<string, number>;
  byLabel: Record<string, number>;
  failures: CaseFailure[];
  heap: { baselineBytes: number; afterBytes: number };
  seconds: number;
}

export interface HostileRunOptions {
  port: number;
  routes: RouteEntry[];
  keys: CaseKeys;
  numRuns: number;
  seed: number;
  /** A checksum of every stored row; compared before and after each rejected write. */
  checksum: () => Promise<string>;
  /** Cases sent before the heap baseline is taken (JIT, caches, pools warm up). */
  warmup?: number;
  /** The bound on one case; a case that takes longer is a failure ("no answer"). */
  caseTimeoutMs?: number;
  onProgress?: (done: number) => void;
}

const CASE_TIMEOUT_MS = 15_000;

/** A full collection, so the heap figures compare live objects rather than garbage. */
export function heapAfterGc(): number {
  v8.setFlagsFromString('--expose-gc');
  const gc = vm.runInNewContext('gc') as () => void;
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

export async function runHostileCases(opts: HostileRunOptions): Promise<HostileRunResult> {
  // Generated in batches, each from its own seed, so the heap holds a few cases rather than a
  // list of 10,000 with megabyte bodies (which would swamp the figure being measured).
  const arbitrary = hostileCase(opts.routes, opts.keys);
  const BATCH = 50;
  let batch: HostileCase[] = [];
  const caseAt = (i: number) => {
    if (i % BATCH === 0) batch = fc.sample(arbitrary, { seed: opts.seed * 1_000_003 + i / BATCH, numRuns: BATCH });
    return batch[i % BATCH];
  };
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const warmup = Math.min(opts.warmup ?? 300, Math.floor(opts.numRuns / 5));
  const result: HostileRunResult = { cases: opts.numRuns, unsendable: 0, byStatus: {}, byLabel: {}, failures: [], heap: { baselineBytes: 0, afterBytes: 0 }, seconds: 0 };
  const started = performance.now();
  let stored = await opts.checksum();
  try {
    let previous = '(first case)';
    for (let i = 0; i < opts.numRuns; i++) {
      if (i === warmup) result.heap.baselineBytes = heapAfterGc();
      const c = caseAt(i);
      const outcome = c.kind === 'http' ? await sendHttp(opts.port, c, agent, opts.caseTimeoutMs ?? CASE_TIMEOUT_MS) : await sendRaw(opts.port, c, opts.caseTimeoutMs ?? CASE_TIMEOUT_MS);
      if (outcome.error === 'unsendable') { result.unsendable++; continue; }
      result.byLabel[c.label] = (result.byLabel[c.label] ?? 0) + 1;
      const key = outcome.status === undefined ? 'none' : String(outcome.status);
      result.byStatus[key] = (result.byStatus[key] ?? 0) + 1;
      const problem = judge(c, outcome);
      if (problem) result.failures.push({ label: c.label, problem, request: describe(c), previous });
      previous = `${c.label} → ${key}`;
      const writes = c.kind === 'raw' || c.method !== 'GET';
      if (writes) {
        const now = await opts.checksum();
        const accepted = outcome.status !== undefined && outcome.status >= 200 && outcome.status < 300;
        if (!accepted && now !== stored) result.failures.push({ label: c.label, problem: `answered ${key} but changed the stored rows`, request: describe(c), previous });
        stored = now;
      }
      opts.onProgress?.(i + 1);
    }
  } finally {
    agent.destroy();
  }
  batch = [];
  result.heap.afterBytes = heapAfterGc();
  result.seconds = (performance.now() - started) / 1000;
  return result;
}

function judge(c: HostileCase, o: CaseOutcome): string | undefined {
  if (o.status === undefined) return `no response (${o.error ?? 'connection closed'})`;
  const bad = o.statuses.find((s) => s >= 500);
  if (bad !== undefined) return `answered ${bad}`;
  if (c.kind === 'raw' && c.framingConflict && o.status !== 400 && o.status !== 431 && o.status !== 505 && o.status !== 413) return `framing error answered ${o.status}, not 400`;
  return undefined;
}

function describe(c: HostileCase): string {
  const cut = (s: string) => (s.length > 300 ? `${s.slice(0, 300)}… (${s.length} chars)` : s);
  if (c.kind === 'raw') return cut(JSON.stringify(c.bytes.toString('latin1')));
  return cut(`${c.method} ${c.path} ${JSON.stringify(c.headers)} ${c.body ? JSON.stringify(c.body.toString('latin1')) : ''}`);
}

function sendHttp(port: number, c: Extract<HostileCase, { kind: 'http' }>, agent: http.Agent, timeoutMs: number): Promise<CaseOutcome> {
  return new Promise((resolve) => {
    let req: http.ClientRequest;
    const headers: http.OutgoingHttpHeaders = { ...c.headers };
    if (c.body && !c.chunked) headers['content-length'] = c.body.length;
    try {
      req = http.request({ host: '127.0.0.1', port, method: c.method, path: c.path, headers, agent });
    } catch {
      resolve({ statuses: [], closedAfterResponse: false, error: 'unsendable' });
      return;
    }
    const timer = setTimeout(() => { req.destroy(new Error(`no answer within ${timeoutMs} ms`)); }, timeoutMs);
    req.on('response', (res) => {
      res.resume();
      const done = () => { clearTimeout(timer); resolve({ status: res.statusCode, statuses: [res.statusCode ?? 0], closedAfterResponse: false }); };
      res.on('end', done);
      // A close after the head still counts as an answer (the status was sent).
      res.on('error', done);
      res.on('aborted', done);
    });
    req.on('error', (e: NodeJS.ErrnoException) => { clearTimeout(timer); resolve({ statuses: [], closedAfterResponse: false, error: `${e.code ?? ''} ${e.message}`.trim() }); });
    if (c.body) req.end(c.body);
    else req.end();
  });
}

function sendRaw(port: number, c: Extract<HostileCase, { kind: 'raw' }>, timeoutMs: number): Promise<CaseOutcome> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    const chunks: Buffer[] = [];
    let settled = false;
    const finish = (error?: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      const text = Buffer.concat(chunks).toString('latin1');
      const statuses = [...text.matchAll(/(?:^|\r\n)HTTP\/1\.[01] (\d{3}) /g)].map((m) => Number(m[1]));
      resolve({ status: statuses[0], statuses, closedAfterResponse: statuses.length > 0, error: statuses.length ? undefined : error ?? 'closed without a response' });
    };
    const timer = setTimeout(() => finish(`no answer within ${timeoutMs} ms`), timeoutMs);
    socket.on('data', (d) => {
      chunks.push(d);
      // The server keeps a well-framed connection open; one full answer is enough.
      if (!c.halfClose && hasCompleteResponse(Buffer.concat(chunks))) finish();
    });
    socket.on('end', () => finish());
    socket.on('close', () => finish());
    socket.on('error', (e: NodeJS.ErrnoException) => finish(e.code ?? e.message));
    socket.on('connect', () => {
      socket.write(c.bytes, () => { if (c.halfClose) socket.end(); });
    });
  });
}

function hasCompleteResponse(buf: Buffer): boolean {
  const text = buf.toString('latin1');
  const end = text.indexOf('\r\n\r\n');
  if (end < 0) return false;
  const length = /\r\ncontent-length: *(\d+)/i.exec(text.slice(0, end));
  if (length) return buf.length >= end + 4 + Number(length[1]);
  return /\r\ntransfer-encoding: *chunked/i.test(text.slice(0, end)) ? text.endsWith('0\r\n\r\n') : false;
}
