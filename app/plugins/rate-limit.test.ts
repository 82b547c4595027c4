import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../harness/testing/test-database.ts';
import { build } from '../build.ts';
import { auth, OTHER_KEY, testConfig } from '../test-support.ts';

let app: FastifyInstance;
beforeAll(async () => {
  app = await build(testConfig(await createTestDatabase('ratelimit'), {
    // 2 reads per minute sustained, bursts of 3; 2 generations per hour.
    RATE_LIMIT_READS_PER_MIN: '2', RATE_LIMIT_READS_BURST: '3', RATE_LIMIT_GENERATIONS_PER_HOUR: '2',
  }));
});
afterAll(async () => { await app?.close(); });

describe('rate limits per API key', () => {
  it('allows a burst of reads across routes, then answers 429 with Retry-After; other keys are unaffected', async () => {
    const reads = ['/api/v1/content', '/api/v1/metrics', '/api/v1/content?limit=1'];
    for (const url of reads) {
      const res = await app.inject({ url, headers: auth() });
      expect(res.statusCode, url).toBe(200);
      expect(res.headers['x-ratelimit-limit']).toBe('3');
    }
    const limited = await app.inject({ url: '/api/v1/metrics/educational', headers: auth() });
    expect(limited.statusCode).toBe(429);
    const retryAfter = Number(limited.headers['retry-after']);
    // One token comes back every 30 s at 2 per minute.
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(30);
    expect(limited.json()).toMatchObject({ statusCode: 429, code: 'RATE_LIMITED', field: 'authorization' });

    expect((await app.inject({ url: '/api/v1/content', headers: auth(OTHER_KEY) })).statusCode).toBe(200);
    // Health is never limited.
    expect((await app.inject({ url: '/api/v1/health' })).statusCode).toBe(200);
    expect((await app.inject({ url: '/health' })).statusCode).toBe(200);
  });

  it('limits generations separately from reads', async () => {
    const gen = () => app.inject({ method: 'POST', url: '/api/v1/content/generate', headers: auth(OTHER_KEY), payload: { topic: 'limits', content_type: 'faq' } });
    expect((await gen()).statusCode).toBe(201);
    expect((await gen()).statusCode).toBe(201);
    const limited = await gen();
    expect(limited.statusCode).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(60);
    expect(Number(limited.headers['retry-after'])).toBeLessThanOrEqual(1800);
    // OTHER_KEY's read bucket still has tokens left.
    expect((await app.inject({ url: '/api/v1/content', headers: auth(OTHER_KEY) })).statusCode).toBe(200);
  });

  it('does not count requests that fail auth', async () => {
    for (let i = 0; i < 5; i++) expect((await app.inject({ url: '/api/v1/content', headers: auth('not-a-key-xxxxxxxxxxxxx') })).statusCode).toBe(401);
  });
});
