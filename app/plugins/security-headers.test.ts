import net from 'node:net';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../harness/testing/test-database.ts';
import { build } from '../build.ts';
import { auth, testConfig } from '../test-support.ts';

let app: FastifyInstance;
let closedPort: number;
beforeAll(async () => {
  // A port nothing listens on: the configured AI provider refuses connections (→ 503).
  closedPort = await new Promise<number>((resolve) => { const s = net.createServer().listen(0, '127.0.0.1', () => { const p = (s.address() as net.AddressInfo).port; s.close(() => resolve(p)); }); });
  app = await build(testConfig(await createTestDatabase('headers'), {
    RATE_LIMIT_READS_PER_MIN: '1', RATE_LIMIT_READS_BURST: '2',
    AI_PROVIDER_URL: `http://127.0.0.1:${closedPort}/v1`, AI_PROVIDER_KEY: 'provider-key', AI_PROVIDER_ATTEMPTS: '1',
    CORS_ORIGINS: 'https://dashboard.example.org',
  }));
});
afterAll(async () => { await app?.close(); });

function expectSecurityHeaders(res: LightMyRequestResponse, label: string) {
  const h = res.headers;
  expect(h['strict-transport-security'], label).toMatch(/max-age=\d+/);
  expect(h['content-security-policy'], label).toContain("default-src 'self'");
  expect(h['content-security-policy'], label).toContain("frame-ancestors 'none'");
  expect(h['x-frame-options'], label).toBe('DENY');
  expect(h['x-content-type-options'], label).toBe('nosniff');
  expect(h['referrer-policy'], label).toBe('no-referrer');
  expect(h.server, label).toBeUndefined();
  expect(h['x-powered-by'], label).toBeUndefined();
}

describe('security headers', () => {
  it('are on every kind of response: success, client errors, rate limits, server-side 503, static files, Prometheus', async () => {
    const cases: Array<[string, () => Promise<LightMyRequestResponse>, number]> = [
      ['health', () => app.inject({ url: '/health' }), 200],
      ['page', () => app.inject({ url: '/' }), 200],
      ['static html', () => app.inject({ url: '/static/monitor.html' }), 200],
      ['static js', () => app.inject({ url: '/static/app.js' }), 200],
      ['static css', () => app.inject({ url: '/static/style.css' }), 200],
      ['prometheus', () => app.inject({ url: '/metrics' }), 200],
      ['not found page', () => app.inject({ url: '/nope.html' }), 404],
      ['not found static', () => app.inject({ url: '/static/nope.js' }), 404],
      ['unauthorized', () => app.inject({ url: '/api/v1/content' }), 401],
      ['read ok', () => app.inject({ url: '/api/v1/content', headers: auth() }), 200],
      ['validation error', () => app.inject({ url: '/api/v1/content/abc', headers: auth() }), 400],
      ['rate limited', () => app.inject({ url: '/api/v1/content', headers: auth() }), 429],
      ['malformed json', () => app.inject({ method: 'POST', url: '/api/v1/content/generate', headers: { ...auth(), 'content-type': 'application/json' }, payload: '{' }), 400],
      ['unsupported media type', () => app.inject({ method: 'POST', url: '/api/v1/content/generate', headers: { ...auth(), 'content-type': 'text/xml' }, payload: '<a/>' }), 415],
      ['too large', () => app.inject({ method: 'POST', url: '/api/v1/content/generate', headers: auth(), payload: { topic: 'x'.repeat(1_100_000), content_type: 'faq' } }), 413],
      ['provider down', () => app.inject({ method: 'POST', url: '/api/v1/content/generate', headers: auth(), payload: { topic: 'x', content_type: 'faq' } }), 503],
      ['method not allowed', () => app.inject({ method: 'PUT', url: '/health' }), 404],
      ['bad percent-encoding', () => app.inject({ url: '/api/v1/content/%E0%A4%A', headers: auth() }), 400],
      ['over-long path parameter', () => app.inject({ url: `/api/v1/content/${'1'.repeat(300)}`, headers: auth() }), 414],
    ];
    for (const [label, send, status] of cases) {
      const res = await send();
      expect(res.statusCode, label).toBe(status);
      expectSecurityHeaders(res, label);
    }
  });

  it('answers CORS for the configured origin only', async () => {
    const ok = await app.inject({ method: 'OPTIONS', url: '/api/v1/content', headers: { origin: 'https://dashboard.example.org', 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization' } });
    expect(ok.statusCode).toBe(204);
    expect(ok.headers['access-control-allow-origin']).toBe('https://dashboard.example.org');
    expect(String(ok.headers['access-control-allow-headers'])).toContain('authorization');
    expectSecurityHeaders(ok, 'preflight');
    const other = await app.inject({ url: '/health', headers: { origin: 'https://evil.example.com' } });
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('serves pages that load nothing from other origins and write API data as text only', async () => {
    for (const file of ['/', '/static/monitor.html', '/static/app.js', '/static/monitor.js', '/static/style.css', '/static/api-key.js']) {
      const body = (await app.inject({ url: file })).body;
      expect(body, file).not.toMatch(/https?:\/\/(?!127\.0\.0\.1)/);
      expect(body, file).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write|eval\(/);
      expect(body, file).not.toMatch(/@import|url\(/);
    }
    // Only the pages and their assets are served from app/public, nothing else of the app.
    expect(app.routeTable.filter((r) => r.url.startsWith('/') && /\.[a-z]+$/.test(r.url)).map((r) => r.url).sort())
      .toEqual(['/index.html', '/static/api-key.js', '/static/app.js', '/static/monitor.html', '/static/monitor.js', '/static/style.css']);
    const page = (await app.inject({ url: '/' })).body;
    expect(page).not.toMatch(/<script>(?!<\/script>)|\son[a-z]+=/i);
  });
});
