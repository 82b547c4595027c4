import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../harness/testing/test-database.ts';
import { build } from '../build.ts';
import { renderContent } from './local-provider.ts';
import { auth, testConfig } from '../test-support.ts';

// A real OpenAI-compatible server on loopback whose behaviour each test sets.
type Mode = 'ok' | 'error' | 'hang' | 'garbage' | 'bad-request';
let mode: Mode = 'ok';
let calls: Array<{ url: string; auth: string; body: { model: string; messages: Array<{ content: string }> } }> = [];
const fake = http.createServer((req, res) => {
  let raw = '';
  req.on('data', (c) => { raw += c; });
  req.on('end', () => {
    calls.push({ url: req.url ?? '', auth: req.headers.authorization ?? '', body: JSON.parse(raw) });
    if (mode === 'hang') return; // never answers
    if (mode === 'error') { res.writeHead(500).end('{"error":"boom"}'); return; }
    if (mode === 'bad-request') { res.writeHead(400).end('{"error":"bad"}'); return; }
    if (mode === 'garbage') { res.writeHead(200, { 'content-type': 'application/json' }).end('{"nothing":true}'); return; }
    const content = renderContent({ topic: 'glaciers', contentType: 'faq', audienceLevel: 'general' });
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ choices: [{ message: { role: 'assistant', content } }] }));
  });
});

let app: FastifyInstance;
beforeAll(async () => {
  await new Promise<void>((r) => fake.listen(0, '127.0.0.1', r));
  const port = (fake.address() as AddressInfo).port;
  app = await build(testConfig(await createTestDatabase('provider'), {
    AI_PROVIDER_URL: `http://127.0.0.1:${port}/v1`, AI_PROVIDER_KEY: 'sk-provider-secret', AI_PROVIDER_MODEL: 'test-model',
    AI_PROVIDER_TIMEOUT_MS: '300', AI_PROVIDER_BACKOFF_MS: '10', CIRCUIT_BREAKER_THRESHOLD: '2', CIRCUIT_BREAKER_RESET_MS: '400',
  }));
});
afterAll(async () => {
  await app?.close();
  fake.closeAllConnections();
  await new Promise((r) => fake.close(r));
});
beforeEach(() => { calls = []; });

const generate = () => app.inject({ method: 'POST', url: '/api/v1/content/generate', headers: auth(), payload: { topic: 'glaciers', content_type: 'faq' } });
const providerCheck = async () => (await app.inject({ url: '/api/v1/health' })).json().checks.ai_provider;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('OpenAI-compatible provider (AI_PROVIDER_URL)', () => {
  it('posts a chat completion with the key and model, and stores the answer with its scores', async () => {
    mode = 'ok';
    const res = await generate();
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ provider: 'openai', quality_passed: true });
    expect(calls).toHaveLength(1);
    expect(calls[0].url).toBe('/v1/chat/completions');
    expect(calls[0].auth).toBe('Bearer sk-provider-secret');
    expect(calls[0].body.model).toBe('test-model');
    expect(calls[0].body.messages.at(-1)?.content).toContain('glaciers');
  });

  it('retries 3 times on errors and timeouts, then answers a clear 503; the breaker opens and fails fast, then recovers', async () => {
    mode = 'error';
    const first = await generate();
    expect(first.statusCode).toBe(503);
    expect(first.json()).toMatchObject({ code: 'AI_PROVIDER_UNAVAILABLE' });
    expect(first.json().message).toContain('HTTP 500');
    expect(calls).toHaveLength(3);

    mode = 'hang';
    const second = await generate();
    expect(second.statusCode).toBe(503);
    expect(second.json().message).toMatch(/did not answer within 300 ms/);
    expect(calls).toHaveLength(6);

    // Two failed generations reach the threshold: open, and the provider is not called.
    const fast = await generate();
    expect(fast.statusCode).toBe(503);
    expect(fast.json()).toMatchObject({ code: 'AI_PROVIDER_CIRCUIT_OPEN' });
    expect(Number(fast.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(calls).toHaveLength(6);
    expect(await providerCheck()).toMatchObject({ status: 'unhealthy', details: { circuit_breaker: 'open' } });
    expect((await app.inject({ url: '/api/v1/health' })).statusCode).toBe(503);

    mode = 'ok';
    await sleep(450);
    expect(await providerCheck()).toMatchObject({ status: 'healthy', details: { circuit_breaker: 'half_open' } });
    expect((await generate()).statusCode).toBe(201);
    expect(await providerCheck()).toMatchObject({ status: 'healthy', details: { circuit_breaker: 'closed', consecutive_failures: 0 } });

    const stats = (await app.inject({ url: '/api/v1/metrics/educational', headers: auth() })).json().generation;
    expect(stats).toMatchObject({ failed: 2, rejected_by_breaker: 1 });
  });

  it('does not retry a 4xx from the provider, and treats a malformed answer as a failure', async () => {
    mode = 'bad-request';
    expect((await generate()).statusCode).toBe(503);
    expect(calls).toHaveLength(1);
    mode = 'garbage';
    const res = await generate();
    expect(res.statusCode).toBe(503);
    expect(res.json().message).toContain('not a chat completion');
    mode = 'ok';
    await sleep(450);
    expect((await generate()).statusCode).toBe(201);
  });
});
