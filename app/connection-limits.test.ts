/**
 * Limits a slow or greedy client meets, over a real listener and real sockets: per-key rate
 * limits under concurrency, body / header / URL size limits, and the request, headers and
 * keep-alive timeouts that stop a slow client pinning a connection.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import net from 'node:net';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../harness/testing/test-database.ts';
import { build } from './build.ts';
import { auth, OTHER_KEY, TEST_KEY, testConfig } from './test-support.ts';

let app: FastifyInstance;
let port: number;
beforeAll(async () => {
  app = await build(testConfig(await createTestDatabase('limits'), {
    // Bursts of 40 reads, refilled at 1 a minute: within the test the bucket only drains.
    RATE_LIMIT_READS_PER_MIN: '1', RATE_LIMIT_READS_BURST: '40',
    BODY_LIMIT_BYTES: '4096', MAX_HEADER_BYTES: '8192', MAX_URL_BYTES: '2048',
    REQUEST_TIMEOUT_MS: '1500', HEADERS_TIMEOUT_MS: '600', KEEP_ALIVE_TIMEOUT_MS: '300',
  }));
  await app.listen({ host: '127.0.0.1', port: 0 });
  port = (app.server.address() as AddressInfo).port;
});
afterAll(async () => { await app?.close(); });

interface SocketResult { text: string; status?: number; closed: boolean }

/** Opens a socket, runs `drive` on it, and resolves with everything received once the server closes it. */
function socketSession(drive: (s: net.Socket) => void): Promise<SocketResult> {
  return new Promise((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port });
    const chunks: Buffer[] = [];
    s.on('data', (d) => chunks.push(d));
    s.on('error', () => {});
    s.on('close', () => {
      const text = Buffer.concat(chunks).toString('latin1');
      const m = /^HTTP\/1\.1 (\d{3})/.exec(text);
      resolve({ text, status: m ? Number(m[1]) : undefined, closed: true });
    });
    s.on('connect', () => drive(s));
  });
}

/** Sends `bytes` one at a time, each after the previous has been written plus `gapMs`, until the socket closes. */
function drip(s: net.Socket, bytes: string, gapMs: number): void {
  let i = 0;
  const next = () => {
    if (s.destroyed || s.writableEnded || i >= bytes.length) return;
    s.write(bytes[i++], () => setTimeout(next, gapMs));
  };
  next();
}

describe('per-key rate limits under concurrency', () => {
  // Its own instance with the default timeouts: 200 parallel requests on a busy machine must meet
  // the limiter, not the tight headers timeout the slow-client tests below configure.
  let limited: FastifyInstance;
  let limitedPort: number;
  beforeAll(async () => {
    limited = await build(testConfig(await createTestDatabase('limits-bucket'), { RATE_LIMIT_READS_PER_MIN: '1', RATE_LIMIT_READS_BURST: '40' }));
    await limited.listen({ host: '127.0.0.1', port: 0 });
    limitedPort = (limited.server.address() as AddressInfo).port;
  });
  afterAll(async () => { await limited?.close(); });

  it('serves exactly the bucket (40) of 200 parallel requests on one key, and 429s the rest', async () => {
    const answers = await Promise.all(Array.from({ length: 200 }, () => fetch(`http://127.0.0.1:${limitedPort}/api/v1/content?limit=1`, { headers: auth() }).then((r) => r.status)));
    expect(answers.filter((s) => s === 200).length).toBe(40);
    expect(answers.filter((s) => s === 429).length).toBe(160);
    // Another key's bucket is untouched.
    expect((await fetch(`http://127.0.0.1:${limitedPort}/api/v1/content?limit=1`, { headers: auth(OTHER_KEY) })).status).toBe(200);
  });
});

describe('size limits', () => {
  it('answers 413 for a body over BODY_LIMIT_BYTES, naming the limit', async () => {
    const res = await fetch(`http://127.0.0.1:${port}/api/v1/content/generate`, { method: 'POST', headers: { ...auth(OTHER_KEY), 'content-type': 'application/json' }, body: JSON.stringify({ topic: 'a'.repeat(5000), content_type: 'faq' }) });
    expect(res.status).toBe(413);
    expect((await res.json()).message).toBe('The request body is larger than the limit of 4096 bytes (0.0 MB).');
  });

  it('answers 414 for a URL over MAX_URL_BYTES and 431 for headers over MAX_HEADER_BYTES, then closes', async () => {
    const long = await fetch(`http://127.0.0.1:${port}/api/v1/content?x=${'a'.repeat(3000)}`, { headers: auth(OTHER_KEY) });
    expect(long.status).toBe(414);
    expect((await long.json()).code).toBe('URL_TOO_LONG');
    const big = await socketSession((s) => s.write(`GET /health HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(9000)}\r\n\r\n`));
    expect(big.status).toBe(431);
    expect(big.text).toContain('"code":"HEADERS_TOO_LARGE"');
    expect(big.text.toLowerCase()).toContain('connection: close');
  });

  it('answers conflicting Content-Length / Transfer-Encoding with 400 and our error body, then closes', async () => {
    const body = '{"topic":"t","content_type":"faq"}';
    const res = await socketSession((s) => s.write(`POST /api/v1/content/generate HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${TEST_KEY}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nTransfer-Encoding: chunked\r\n\r\n${body}`));
    expect(res.status).toBe(400);
    expect(res.text).toContain('"code":"MALFORMED_REQUEST"');
    expect(res.text).toContain('x-content-type-options: nosniff');
  });
});

describe('keep-alive after an early answer', () => {
  it('announces the close when it answers before the body arrived, so the next request on that client never meets a dead socket', async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const send = (method: string, path: string, headers: Record<string, string>, body?: string) => new Promise<{ status?: number; connection?: string; error?: string }>((resolve) => {
      const req = http.request({ host: '127.0.0.1', port, method, path, headers, agent });
      req.on('response', (res) => { res.resume(); res.on('end', () => resolve({ status: res.statusCode, connection: res.headers.connection })); });
      req.on('error', (e) => resolve({ error: e.message }));
      req.end(body);
    });
    try {
      // A chunked body (no Content-Length) refused by auth before it is read.
      expect(await send('DELETE', '/api/v1/content/1', { authorization: 'Bearer not-a-key-xxxxxxxxxxxx', 'content-type': 'application/json' }, '{"a":1}')).toEqual({ status: 401, connection: 'close' });
      expect(await send('GET', '/health', {})).toEqual({ status: 200, connection: 'keep-alive' });
      // The same for a URL Fastify refuses before routing (its answers skip the onSend hooks).
      expect(await send('DELETE', '/api/v1/users/%FF', { authorization: `Bearer ${TEST_KEY}`, 'content-type': 'application/json' }, '{"a":1}')).toEqual({ status: 400, connection: 'close' });
      expect(await send('GET', '/health', {})).toEqual({ status: 200, connection: 'keep-alive' });
    } finally {
      agent.destroy();
    }
  });
});

describe('timeouts: a slow client cannot pin a connection', () => {
  it('answers 408 and closes when the headers trickle in slower than HEADERS_TIMEOUT_MS', async () => {
    const res = await socketSession((s) => { s.write('GET /health HTTP/1.1\r\nHost: x\r\n'); drip(s, `X-Slow: ${'a'.repeat(10_000)}`, 50); });
    expect(res.status).toBe(408);
    expect(res.text).toContain('"code":"REQUEST_TIMEOUT"');
  });

  it('answers 408 and closes when the body trickles in slower than REQUEST_TIMEOUT_MS', async () => {
    const res = await socketSession((s) => {
      s.write(`POST /api/v1/content/generate HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${OTHER_KEY}\r\nContent-Type: application/json\r\nContent-Length: 4000\r\n\r\n`);
      drip(s, `{"topic":"${'a'.repeat(3980)}","content_type":"faq"}`, 50);
    });
    expect(res.status).toBe(408);
  });

  it('closes a connection that never sends a byte', async () => {
    const res = await socketSession(() => {});
    expect(res.closed).toBe(true);
  });

  it('closes an idle keep-alive connection after KEEP_ALIVE_TIMEOUT_MS, after answering its request', async () => {
    const res = await socketSession((s) => s.write('GET /health HTTP/1.1\r\nHost: x\r\n\r\n'));
    // We never close it: the session ends only because the server did.
    expect(res.status).toBe(200);
    expect(res.closed).toBe(true);
    expect(res.text.toLowerCase()).toContain('connection: keep-alive');
  });

  it('keeps serving other clients while slow ones are connected', async () => {
    const slow = Array.from({ length: 20 }, () => socketSession((s) => { s.write('GET /health HTTP/1.1\r\n'); drip(s, 'X-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', 50); }));
    expect((await fetch(`http://127.0.0.1:${port}/health`)).status).toBe(200);
    expect((await Promise.all(slow)).map((r) => r.status)).toEqual(Array(20).fill(408));
  });
});
