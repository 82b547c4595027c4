import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../harness/testing/test-database.ts';
import { build } from '../build.ts';
import { seedContent } from '../db/seed.ts';
import { auth, testConfig } from '../test-support.ts';

let app: FastifyInstance;
beforeAll(async () => { app = await build(testConfig(await createTestDatabase('metrics'))); });
afterAll(async () => { await app?.close(); });

describe('metrics', () => {
  it('GET /api/v1/metrics counts requests by route with latency percentiles, error rates and process resources', async () => {
    await app.inject({ url: '/health' });
    await app.inject({ url: '/health' });
    await app.inject({ url: '/api/v1/content/abc', headers: auth() });
    await app.inject({ url: '/no-such-page' });
    const res = await app.inject({ url: '/api/v1/metrics', headers: auth() });
    expect(res.statusCode).toBe(200);
    const m = res.json();
    expect(m.requests.total).toBe(4);
    expect(m.requests.by_route).toEqual(expect.arrayContaining([
      { method: 'GET', route: '/health', count: 2, status_4xx: 0, status_5xx: 0 },
      { method: 'GET', route: '/api/v1/content/:id', count: 1, status_4xx: 1, status_5xx: 0 },
      { method: 'GET', route: 'unmatched', count: 1, status_4xx: 1, status_5xx: 0 },
    ]));
    expect(m.error_rates).toEqual({ client_4xx: 0.5, server_5xx: 0 });
    expect(m.latency_ms.samples).toBe(4);
    expect(m.latency_ms.p50).toBeGreaterThan(0);
    expect(m.latency_ms.p99).toBeGreaterThanOrEqual(m.latency_ms.p50);
    expect(m.process.rss_bytes).toBeGreaterThan(0);
    expect(m.process.db_pool.total).toBeGreaterThanOrEqual(0);
  });

  it('GET /api/v1/metrics/educational reports quality distribution, type popularity and generation outcomes', async () => {
    await seedContent(app.pg, 16, app.config.quality);
    for (const type of ['faq', 'faq', 'flashcards']) {
      expect((await app.inject({ method: 'POST', url: '/api/v1/content/generate', headers: auth(), payload: { topic: 'metrics', content_type: type } })).statusCode).toBe(201);
    }
    const res = await app.inject({ url: '/api/v1/metrics/educational', headers: auth() });
    expect(res.statusCode).toBe(200);
    const e = res.json();
    expect(e.total_content).toBe(19);
    expect(e.content_types[0]).toEqual({ content_type: 'faq', count: 4, share: 0.2105 });
    expect(e.content_types).toHaveLength(8);
    expect(e.quality.distribution).toHaveLength(10);
    expect(e.quality.distribution.reduce((n: number, d: { count: number }) => n + d.count, 0)).toBe(19);
    expect(e.quality.pass_rate).toBe(1);
    expect(e.quality.thresholds).toEqual({ overall: 0.7, educational: 0.75, factual: 0.85 });
    expect(e.generation).toMatchObject({ attempts: 3, succeeded: 3, failed: 0, rejected_by_breaker: 0, success_rate: 1 });
    expect(e.generation.duration_ms.p95).toBeGreaterThan(0);
  });

  it('GET /metrics serves Prometheus text with request and generation series', async () => {
    const res = await app.inject({ url: '/metrics' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    expect(res.body).toMatch(/http_request_duration_seconds_count\{method="GET",route="\/health",status_code="200"\} 2/);
    expect(res.body).toMatch(/content_generations_total\{content_type="faq",outcome="success"\} 2/);
    expect(res.body).toContain('process_cpu_user_seconds_total');
  });
});
