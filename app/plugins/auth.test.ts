import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../harness/testing/test-database.ts';
import { build } from '../build.ts';
import { auth, OTHER_KEY, TEST_KEY, testConfig } from '../test-support.ts';

let app: FastifyInstance;
const logLines: string[] = [];
beforeAll(async () => {
  const logStream = new Writable({ write(chunk, _enc, cb) { logLines.push(String(chunk)); cb(); } });
  app = await build(testConfig(await createTestDatabase('auth'), { LOG_LEVEL: 'trace' }), { logStream });
});
afterAll(async () => { await app?.close(); });

const concrete = (url: string) => url.replace(':id/export', 'learner/export').replace(/:id$/, url.includes('/users/') ? 'learner' : '1');

describe('the route table', () => {
  it('covers every endpoint of the API', () => {
    const urls = app.routeTable.map((r) => `${r.method} ${r.url}`);
    for (const want of ['GET /health', 'GET /api/v1/health', 'GET /api/v1/health/detailed', 'GET /api/v1/metrics', 'GET /api/v1/metrics/educational',
      'GET /metrics', 'POST /api/v1/content/generate', 'GET /api/v1/content/:id', 'GET /api/v1/content', 'DELETE /api/v1/content/:id',
      'GET /api/v1/users/:id/export', 'DELETE /api/v1/users/:id', 'GET /', 'GET /static/monitor.html']) {
      expect(urls).toContain(want);
    }
  });
});

describe('bearer auth matrix', () => {
  it('has protected routes to check', () => {
    expect(app.routeTable.filter((r) => !r.public).length).toBeGreaterThanOrEqual(8);
  });

  it('answers 401 on every protected route without a token, with a wrong token, or with a non-bearer scheme', async () => {
    for (const route of app.routeTable.filter((r) => !r.public)) {
      const url = concrete(route.url);
      const method = route.method as 'GET' | 'POST' | 'DELETE';
      for (const [label, headers, code] of [
        ['no token', {}, 'AUTH_MISSING'],
        ['wrong token', { authorization: 'Bearer wrong-key-xxxxxxxxxxxx' }, 'AUTH_INVALID'],
        ['empty bearer', { authorization: 'Bearer ' }, 'AUTH_INVALID'],
        ['basic scheme', { authorization: `Basic ${Buffer.from(`u:${TEST_KEY}`).toString('base64')}` }, 'AUTH_INVALID'],
        ['key without scheme', { authorization: TEST_KEY }, 'AUTH_INVALID'],
      ] as const) {
        const res = await app.inject({ method, url, headers, payload: method === 'POST' ? { topic: 't', content_type: 'faq' } : undefined });
        expect(res.statusCode, `${method} ${url} with ${label}`).toBe(401);
        expect(res.json()).toMatchObject({ statusCode: 401, code, field: 'authorization' });
      }
    }
  });

  it('refuses a key in the query string on every protected route, with or without the header', async () => {
    for (const route of app.routeTable.filter((r) => !r.public)) {
      for (const param of ['access_token', 'api_key', 'token', 'key', 'API_KEY']) {
        for (const headers of [{}, auth()]) {
          const url = `${concrete(route.url)}?${param}=${TEST_KEY}`;
          const res = await app.inject({ method: route.method as 'GET', url, headers, payload: route.method === 'POST' ? { topic: 't', content_type: 'faq' } : undefined });
          expect(res.statusCode, `${route.method} ${url}`).toBe(401);
          expect(res.json()).toMatchObject({ statusCode: 401, code: 'AUTH_IN_QUERY', field: 'authorization' });
        }
      }
    }
    // Unknown /api paths too, and the key stays out of the request log.
    expect((await app.inject({ url: `/api/v1/nope?access_token=${TEST_KEY}` })).json().code).toBe('AUTH_IN_QUERY');
    expect(logLines.join('')).toContain('access_token=[redacted]');
    expect(logLines.join('')).not.toContain(TEST_KEY);
  });

  it('lets every key of the pool through on every protected route', async () => {
    for (const key of [TEST_KEY, OTHER_KEY]) {
      for (const route of app.routeTable.filter((r) => !r.public)) {
        const res = await app.inject({ method: route.method as 'GET', url: concrete(route.url), headers: auth(key), payload: route.method === 'POST' ? { topic: 't', content_type: 'faq' } : undefined });
        expect(res.statusCode, `${route.method} ${route.url}`).not.toBe(401);
      }
    }
  });

  it('keeps public routes public', async () => {
    for (const route of app.routeTable.filter((r) => r.public)) {
      const res = await app.inject({ method: route.method as 'GET', url: route.url });
      expect(res.statusCode, route.url).toBeLessThan(400);
    }
  });

  it('protects the automatic HEAD routes too', async () => {
    for (const route of app.routeTable.filter((r) => !r.public && r.method === 'GET')) {
      expect((await app.inject({ method: 'HEAD', url: concrete(route.url) })).statusCode, `HEAD ${route.url}`).toBe(401);
    }
  });

  it('answers 401 (not 404) for unknown /api paths without a key, 404 with one', async () => {
    expect((await app.inject({ method: 'GET', url: '/api/v1/nope' })).statusCode).toBe(401);
    const res = await app.inject({ method: 'GET', url: '/api/v1/nope', headers: auth() });
    expect(res.statusCode).toBe(404);
    expect(res.json().code).toBe('NOT_FOUND');
  });

  it('never writes a key to the logs', async () => {
    await app.inject({ method: 'GET', url: '/api/v1/content', headers: auth() });
    await app.inject({ method: 'GET', url: '/api/v1/content', headers: { authorization: `Bearer ${OTHER_KEY}x` } });
    const logs = logLines.join('');
    expect(logs).toContain('request completed');
    expect(logs).not.toContain(TEST_KEY);
    expect(logs).not.toContain(OTHER_KEY);
  });
});
