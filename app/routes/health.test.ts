import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../harness/testing/test-database.ts';
import { EmbeddedCluster } from '../../harness/postgres/embedded-cluster.ts';
import { ensureDatabase } from '../../harness/postgres/database.ts';
import { build } from '../build.ts';
import { auth, testConfig } from '../test-support.ts';

describe('health', () => {
  let app: FastifyInstance;
  beforeAll(async () => { app = await build(testConfig(await createTestDatabase('health'), { APP_ENV: 'test' })); });
  afterAll(async () => { await app?.close(); });

  it('GET /health is a liveness probe with status, timestamp, version and environment', async () => {
    const res = await app.inject({ url: '/health' });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ status: 'ok', version: expect.stringMatching(/^\d+\.\d+\.\d+/), environment: 'test' });
    expect(Date.parse(body.timestamp)).not.toBeNaN();
  });

  it('GET /api/v1/health reports each check healthy', async () => {
    const res = await app.inject({ url: '/api/v1/health' });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.status).toBe('healthy');
    expect(Object.keys(body.checks).sort()).toEqual(['ai_provider', 'database', 'disk', 'memory', 'quality_pipeline']);
    for (const c of Object.values(body.checks) as Array<{ status: string; latency_ms: number }>) {
      expect(c.status).toBe('healthy');
      expect(c.latency_ms).toBeGreaterThanOrEqual(0);
    }
  });

  it('GET /api/v1/health/detailed adds process facts and configuration without secrets', async () => {
    const res = await app.inject({ url: '/api/v1/health/detailed' });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.process.pid).toBe(process.pid);
    expect(body.config).toMatchObject({ provider: 'local', api_keys: 2, quality_thresholds: { overall: 0.7, educational: 0.75, factual: 0.85 } });
    expect(res.body).not.toContain('test-key-');
    expect(res.body).not.toContain('postgres://');
  });

  it('turns degraded (503) when a check fails, e.g. the disk threshold', async () => {
    const strict = await build(testConfig(app.config.databaseUrl, { DISK_MIN_FREE_RATIO: '1' }), { migrate: false });
    try {
      const res = await strict.inject({ url: '/api/v1/health' });
      expect(res.statusCode).toBe(503);
      expect(res.json()).toMatchObject({ status: 'degraded', checks: { disk: { status: 'unhealthy' }, database: { status: 'healthy' } } });
    } finally {
      await strict.close();
    }
  });
});

describe('when the database goes away', () => {
  // This file's own cluster, so stopping it disturbs no other test.
  const cluster = new EmbeddedCluster({ name: 'health-outage', ephemeral: true });
  let app: FastifyInstance;
  beforeAll(async () => {
    await cluster.start();
    const url = await ensureDatabase(cluster.url('postgres'), 'outage');
    app = await build(testConfig(url, { DB_CONNECT_TIMEOUT_MS: '1000' }));
  });
  afterAll(async () => { await app?.close(); await cluster.destroy(); });

  it('answers 503 degraded and clear 503s, then recovers by itself when it returns', async () => {
    const created = await app.inject({ method: 'POST', url: '/api/v1/content/generate', headers: auth(), payload: { topic: 'outages', content_type: 'faq' } });
    expect(created.statusCode).toBe(201);
    const id = created.json().id;

    await cluster.stop();
    const health = await app.inject({ url: '/api/v1/health' });
    expect(health.statusCode).toBe(503);
    expect(health.json()).toMatchObject({ status: 'degraded', checks: { database: { status: 'unhealthy' }, ai_provider: { status: 'healthy' } } });
    expect((await app.inject({ url: '/health' })).statusCode).toBe(200);
    const detailed = await app.inject({ url: '/api/v1/health/detailed' });
    expect(detailed.statusCode).toBe(503);
    expect(detailed.json()).toMatchObject({ status: 'degraded', checks: { database: { status: 'unhealthy' } } });
    for (const req of [
      { url: '/api/v1/metrics/educational' },
      { url: '/api/v1/users/someone/export' },
      { url: `/api/v1/content/${id}` },
      { url: '/api/v1/content' },
      { method: 'POST' as const, url: '/api/v1/content/generate', payload: { topic: 'outages', content_type: 'faq' } },
    ]) {
      const res = await app.inject({ ...req, headers: auth() });
      expect(res.statusCode, req.url).toBe(503);
      expect(res.json()).toMatchObject({ statusCode: 503, code: 'DATABASE_UNAVAILABLE' });
      expect(res.headers['retry-after']).toBeDefined();
    }

    await cluster.start(); // same port as before
    let recovered = 0;
    for (let i = 0; i < 50 && recovered !== 200; i++) {
      recovered = (await app.inject({ url: '/api/v1/health' })).statusCode;
      if (recovered !== 200) await new Promise((r) => setTimeout(r, 200));
    }
    expect(recovered).toBe(200);
    const back = await app.inject({ url: `/api/v1/content/${id}`, headers: auth() });
    expect(back.statusCode).toBe(200);
    expect(back.json().topic).toBe('outages');
  });
});
