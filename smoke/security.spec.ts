/**
 * Security smoke: every kind of response (pages, static files, JSON, errors, Prometheus text)
 * carries the security headers; nothing advertises the server's software; CORS answers only
 * configured origins; error bodies never leak stack traces. Each problem is reported with the
 * response it was found on and the fix.
 */
import type { APIRequestContext, APIResponse } from '@playwright/test';
import { test } from './fixtures.ts';
import { failOnProblems } from './problems.ts';

interface Probe { kind: string; method: string; url: string; headers?: Record<string, string>; data?: unknown }

/** One request per response kind the service produces. */
function probes(apiKey: string | undefined): Probe[] {
  const auth = apiKey ? { authorization: `Bearer ${apiKey}` } : undefined;
  return [
    { kind: 'generator page', method: 'GET', url: '/' },
    { kind: 'monitor page', method: 'GET', url: '/static/monitor.html' },
    { kind: 'static script', method: 'GET', url: '/static/app.js' },
    { kind: 'liveness JSON', method: 'GET', url: '/health' },
    { kind: 'health JSON', method: 'GET', url: '/api/v1/health' },
    { kind: 'Prometheus text', method: 'GET', url: '/metrics' },
    ...(auth ? [{ kind: 'authenticated JSON', method: 'GET', url: '/api/v1/content?limit=1', headers: auth }] : []),
    { kind: '401 error', method: 'GET', url: '/api/v1/content' },
    { kind: '404 error', method: 'GET', url: '/no-such-page' },
    ...(auth ? [{ kind: '400 error', method: 'POST', url: '/api/v1/content/generate', headers: auth, data: { topic: '' } }] : []),
  ];
}

const send = (request: APIRequestContext, p: Probe): Promise<APIResponse> =>
  request.fetch(p.url, { method: p.method, headers: p.headers, data: p.data, maxRedirects: 0 });

/** What each header must be, and the fix when it is not. */
const REQUIRED_HEADERS: Array<{ name: string; ok: (v: string) => boolean; want: string; fix: string }> = [
  { name: 'strict-transport-security', ok: (v) => /max-age=([1-9]\d*)/.test(v), want: 'max-age > 0', fix: 'send "Strict-Transport-Security: max-age=31536000; includeSubDomains" (helmet hsts)' },
  { name: 'content-security-policy', ok: (v) => /default-src/.test(v), want: 'a policy with default-src', fix: 'send a Content-Security-Policy with at least default-src \'self\' (helmet contentSecurityPolicy)' },
  { name: 'x-frame-options', ok: (v) => v.toUpperCase() === 'DENY', want: 'DENY', fix: 'send "X-Frame-Options: DENY" (helmet frameguard: { action: "deny" })' },
  { name: 'x-content-type-options', ok: (v) => v.toLowerCase() === 'nosniff', want: 'nosniff', fix: 'send "X-Content-Type-Options: nosniff" (helmet noSniff)' },
];

test.describe('security', { tag: '@security' }, () => {
  test('every page and API response kind carries HSTS, CSP, X-Frame-Options DENY and nosniff, and no server version', async ({ request }) => {
    const problems: string[] = [];
    for (const p of probes(process.env.API_KEY)) {
      const res = await send(request, p);
      const h = res.headers();
      const where = `${p.method} ${p.url} (${p.kind}, ${res.status()})`;
      for (const r of REQUIRED_HEADERS) {
        const v = h[r.name];
        if (v === undefined) problems.push(`${where} has no ${r.name} header. Fix: ${r.fix}.`);
        else if (!r.ok(v)) problems.push(`${where} has ${r.name}: ${JSON.stringify(v)}, expected ${r.want}. Fix: ${r.fix}.`);
      }
      if (h['x-powered-by']) problems.push(`${where} advertises x-powered-by: ${JSON.stringify(h['x-powered-by'])}. Fix: remove the X-Powered-By header (helmet hidePoweredBy).`);
      if (h.server && /\d/.test(h.server)) problems.push(`${where} advertises its server version, server: ${JSON.stringify(h.server)}. Fix: remove the version from the Server header (or the header itself) at the app or proxy.`);
    }
    failOnProblems('Security headers', problems);
  });

  test('CORS answers only configured origins', async ({ request }) => {
    const foreign = 'https://attacker.shipcheck.invalid';
    const problems: string[] = [];
    for (const method of ['GET', 'OPTIONS']) {
      const res = await request.fetch('/health', {
        method,
        headers: { origin: foreign, ...(method === 'OPTIONS' ? { 'access-control-request-method': 'GET' } : {}) },
      });
      const allow = res.headers()['access-control-allow-origin'];
      if (allow === '*' || allow === foreign) problems.push(`${method} /health with Origin ${foreign} answered access-control-allow-origin: ${allow}. Fix: list only trusted origins in CORS_ORIGINS.`);
    }
    // The allowed origin: SMOKE_CORS_ORIGIN, else the first one the included API reports in its detailed health.
    const detailed = await (await request.get('/api/v1/health/detailed')).json().catch(() => ({}));
    const configured = process.env.SMOKE_CORS_ORIGIN?.trim() || (Array.isArray(detailed?.config?.cors) ? detailed.config.cors[0] : undefined);
    if (configured) {
      const res = await request.fetch('/health', { method: 'OPTIONS', headers: { origin: configured, 'access-control-request-method': 'GET' } });
      const allow = res.headers()['access-control-allow-origin'];
      if (allow !== configured) problems.push(`OPTIONS /health with the configured Origin ${configured} answered access-control-allow-origin: ${allow ?? '(none)'}. Fix: the CORS configuration does not allow an origin it lists; check CORS_ORIGINS.`);
    }
    failOnProblems('CORS', problems);
  });

  test('error bodies leak no stack traces or file paths', async ({ request }) => {
    const cases: Probe[] = [
      { kind: 'malformed JSON', method: 'POST', url: '/api/v1/content/generate', headers: { authorization: `Bearer ${process.env.API_KEY ?? 'x'}`, 'content-type': 'application/json' }, data: '{"topic": ' },
      { kind: 'bad id', method: 'GET', url: '/api/v1/content/not-a-number', headers: { authorization: `Bearer ${process.env.API_KEY ?? 'x'}` } },
      { kind: 'unknown route', method: 'GET', url: '/api/v1/no-such-route' },
      { kind: 'wrong method', method: 'PUT', url: '/health' },
    ];
    const problems: string[] = [];
    for (const p of cases) {
      const res = await send(request, p);
      const text = await res.text();
      const where = `${p.method} ${p.url} (${p.kind}, ${res.status()})`;
      if (res.status() >= 500) problems.push(`${where} is a server error for a client mistake. Fix: answer a 4xx with a JSON error body.`);
      if (/\n\s+at .+[(:]\d+/.test(text) || /"stack"\s*:/.test(text)) problems.push(`${where} leaks a stack trace: ${text.slice(0, 200)}. Fix: never send err.stack to clients; log it server-side.`);
      else if (/(\/[\w.-]+)+\.(ts|js|mjs|cjs):\d+/.test(text) || /node_modules/.test(text)) problems.push(`${where} leaks a server file path: ${text.slice(0, 200)}. Fix: send a generic message; log details server-side.`);
    }
    failOnProblems('Error bodies', problems);
  });
});
