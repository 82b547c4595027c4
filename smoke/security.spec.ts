/**
 * Security (@security), from the target's `security` section:
 * - every kind of response (health probes, pages, endpoints, the extra probes, a 404, a 401)
 *   carries the required headers, none of the forbidden ones, and no Server version;
 * - CORS echoes the allowed origins and never a refused one (GET and preflight OPTIONS);
 * - `requireAuth` routes answer 401 with no token, a wrong one, or the token in the query string;
 * - the rate-limited route answers 429 with a numeric Retry-After, driven with a key of its own;
 * - error bodies leak no stack traces or file paths.
 * Each problem names the response it was found on, what was wrong, and the fix.
 */
import type { APIRequestContext, APIResponse } from '@playwright/test';
import type { HeaderRule, HttpMethod, Target } from '../harness/target/types.ts';
import { endpointRequest } from './endpoint-request.ts';
import { test } from './fixtures.ts';
import { failOnProblems } from './problems.ts';
import { authHeader, credentials, runTarget, urlOf } from './run-target.ts';

interface Probe { kind: string; method: HttpMethod; path: string; headers?: Record<string, string>; data?: string; /** Send the run's token in the target's auth header. */ withToken?: boolean }

/** A path no service routes, for its 404. */
const MISSING_PATH = '/shipcheck-no-such-page-404';
/** A token no service issued. */
const WRONG_TOKEN = 'shipcheck-wrong-token-0000000000';

/** The first route that needs auth, asked without a token: where the 401 comes from. */
function unauthorizedRoute(target: Target): { method: HttpMethod; path: string } | undefined {
  if (target.auth.type === 'none') return undefined;
  const e = target.endpoints.find((x) => x.auth && x.needs.length === 0 && (x.method === 'GET' || x.method === 'HEAD'));
  return target.security.requireAuth[0] ?? (e ? { method: e.method, path: endpointRequest(target, e, {}, undefined).shown } : undefined);
}

/** One request per kind of response the target gives. Credentials are added when the test runs. */
function headerProbes(target: Target): Probe[] {
  const { liveness, readiness } = target.health;
  const probes: Probe[] = [];
  for (const p of [liveness, readiness]) if (p) probes.push({ kind: `${p.name} probe`, method: 'GET', path: p.path, withToken: p.auth });
  for (const p of target.pages) probes.push({ kind: `page "${p.name}"`, method: 'GET', path: p.path });
  for (const e of target.endpoints) {
    if (!e.smoke || e.needs.length || (e.method !== 'GET' && e.method !== 'HEAD')) continue;
    const req = endpointRequest(target, e, {}, undefined);
    probes.push({ kind: `endpoint ${e.key}`, method: e.method, path: req.shown, headers: req.headers, withToken: e.auth });
  }
  for (const p of target.security.probes) probes.push({ kind: 'probe', method: 'GET', path: p });
  probes.push({ kind: 'missing page (404)', method: 'GET', path: MISSING_PATH });
  const r = unauthorizedRoute(target);
  if (r) probes.push({ kind: 'request without a token (401)', method: r.method, path: r.path, ...(r.method !== 'GET' && r.method !== 'HEAD' ? { headers: { 'content-type': 'application/json' }, data: '{}' } : {}) });
  return probes;
}

function send(request: APIRequestContext, target: Target, p: Probe): Promise<APIResponse> {
  const headers = { ...p.headers, ...(p.withToken ? authHeader(target.auth, credentials(target).token) : {}) };
  return request.fetch(urlOf(target, p.path), { method: p.method, headers, data: p.data, maxRedirects: 0 });
}

/** How to send each of the default headers; others get the generic fix. */
const HEADER_FIXES: Record<string, string> = {
  'strict-transport-security': 'send "Strict-Transport-Security: max-age=31536000; includeSubDomains" (helmet hsts)',
  'content-security-policy': 'send a Content-Security-Policy with at least default-src \'self\' (helmet contentSecurityPolicy)',
  'x-frame-options': 'send "X-Frame-Options: DENY" (helmet frameguard: { action: "deny" })',
  'x-content-type-options': 'send "X-Content-Type-Options: nosniff" (helmet noSniff)',
};
const fixFor = (name: string, rule: HeaderRule) => HEADER_FIXES[name] ?? `send ${name} ${'equals' in rule ? `"${rule.equals}"` : `matching /${rule.matches}/`} on every response, at the app or at the proxy in front of it`;
const wantOf = (rule: HeaderRule) => ('equals' in rule ? `"${rule.equals}" (any case)` : `a value matching /${rule.matches}/i`);
/** Header values are compared without regard to case, as HTTP compares their tokens. */
const satisfies = (v: string, rule: HeaderRule) => ('equals' in rule ? v.toLowerCase() === rule.equals.toLowerCase() : new RegExp(rule.matches, 'i').test(v));

const target0 = runTarget();
const sec = target0.security;

test.describe('security', { tag: '@security' }, () => {
  for (const p of headerProbes(target0)) {
    test(`headers on ${p.kind}: ${p.method} ${p.path}`, async ({ request, target }) => {
      const res = await send(request, target, p);
      const h = res.headers();
      const where = `${p.method} ${p.path} (${p.kind}, ${res.status()})`;
      const problems: string[] = [];
      for (const [name, rule] of Object.entries(target.security.headers)) {
        const v = h[name];
        if (v === undefined) problems.push(`${where} has no ${name} header, expected ${wantOf(rule)}. Fix: ${fixFor(name, rule)}.`);
        else if (!satisfies(v, rule)) problems.push(`${where} has ${name}: ${JSON.stringify(v)}, expected ${wantOf(rule)}. Fix: ${fixFor(name, rule)}.`);
      }
      for (const name of target.security.forbiddenHeaders) {
        if (h[name] !== undefined) problems.push(`${where} sends ${name}: ${JSON.stringify(h[name])}, which security.forbiddenHeaders refuses. Fix: remove the ${name} header (helmet hidePoweredBy removes X-Powered-By).`);
      }
      if (h.server && /\d/.test(h.server)) problems.push(`${where} advertises its server version, server: ${JSON.stringify(h.server)}. Fix: remove the version from the Server header (or the header itself) at the app or proxy.`);
      failOnProblems(`Target "${target.name}": security headers`, problems);
    });
  }

  const corsPath = sec.cors.path;
  const corsAsk = (request: APIRequestContext, target: Target, method: 'GET' | 'OPTIONS', origin: string) =>
    request.fetch(urlOf(target, corsPath), { method, maxRedirects: 0, headers: { origin, ...(method === 'OPTIONS' ? { 'access-control-request-method': 'GET' } : {}) } });

  for (const origin of sec.cors.allowed) {
    test(`CORS allows ${origin} on GET ${corsPath}`, async ({ request, target }) => {
      const problems: string[] = [];
      for (const method of ['GET', 'OPTIONS'] as const) {
        const allow = (await corsAsk(request, target, method, origin)).headers()['access-control-allow-origin'];
        if (allow !== origin) problems.push(`${method === 'OPTIONS' ? 'preflight OPTIONS' : 'GET'} ${corsPath} with Origin ${origin} answered access-control-allow-origin: ${allow ?? '(none)'}, expected ${origin} (security.cors.allowed). Fix: allow this origin in the service's CORS configuration, or drop it from security.cors.allowed.`);
      }
      failOnProblems(`Target "${target.name}": CORS`, problems);
    });
  }
  for (const origin of sec.cors.refused) {
    test(`CORS refuses ${origin} on GET ${corsPath}`, async ({ request, target }) => {
      const problems: string[] = [];
      for (const method of ['GET', 'OPTIONS'] as const) {
        const allow = (await corsAsk(request, target, method, origin)).headers()['access-control-allow-origin'];
        if (allow === '*' || allow === origin) problems.push(`${method === 'OPTIONS' ? 'preflight OPTIONS' : 'GET'} ${corsPath} with Origin ${origin} answered access-control-allow-origin: ${allow}, but that origin must be refused (security.cors.refused). Fix: list only trusted origins in the service's CORS configuration (never "*" or an echo of any Origin).`);
      }
      failOnProblems(`Target "${target.name}": CORS`, problems);
    });
  }

  for (const route of sec.requireAuth) {
    test(`${route.method} ${route.path} answers 401 without a valid token in its header`, async ({ request, target }) => {
      const auth = target.auth;
      if (auth.type === 'none') throw new Error(`Target "${target.name}": security.requireAuth needs the target's auth to be described.`);
      const { token } = credentials(target);
      if (!token) throw new Error(`Target "${target.name}": ${auth.tokenEnv} is not set, so ${route.method} ${route.path} cannot be asked with the token in the query string. Fix: set ${auth.tokenEnv} to a key the target accepts.`);
      const sep = route.path.includes('?') ? '&' : '?';
      const hasBody = route.method !== 'GET' && route.method !== 'HEAD';
      // RFC 6750 names access_token; the others are what services commonly (and wrongly) accept.
      const inQuery = ['access_token', 'api_key', 'token', 'key'].map((k) => `${k}=${encodeURIComponent(token)}`).join('&');
      const cases = [
        { what: 'no token', path: route.path, headers: {} },
        { what: 'a wrong token', path: route.path, headers: authHeader(auth, WRONG_TOKEN) },
        { what: 'the token in the query string instead of the header', path: `${route.path}${sep}${inQuery}`, shown: `${route.path}${sep}access_token=***&api_key=***&token=***&key=***`, headers: {} },
      ];
      const problems: string[] = [];
      for (const c of cases) {
        const res = await request.fetch(urlOf(target, c.path), {
          method: route.method, maxRedirects: 0,
          headers: { ...c.headers, ...(hasBody ? { 'content-type': 'application/json' } : {}) }, ...(hasBody ? { data: '{}' } : {}),
        });
        if (res.status() !== 401) problems.push(`${route.method} ${c.shown ?? c.path} with ${c.what} answered ${res.status()}, expected 401. Fix: require a valid token in the ${auth.header} header on this route${c.what.startsWith('the token in the query') ? ' and never read one from the query string (URLs end up in logs and browser history)' : ''}, or drop it from security.requireAuth if it is public on purpose.`);
      }
      failOnProblems(`Target "${target.name}": authentication`, problems);
    });
  }

  const limit = sec.rateLimit;
  if (limit) {
    test(`${limit.method} ${limit.path} answers 429 with Retry-After within ${limit.maxRequests} requests`, async ({ request, target }) => {
      test.setTimeout(120_000);
      const auth = target.auth;
      if (auth.type === 'none') throw new Error(`Target "${target.name}": security.rateLimit needs the target's auth to be described.`);
      const { token, pool } = credentials(target);
      // Limits are per key: exhausting the main token would fail the other tests of the run.
      const key = pool.filter((k) => k !== token).at(-1);
      if (!key) throw new Error(`Target "${target.name}": the rate-limit check of ${limit.method} ${limit.path} needs a key of its own, so that exhausting it does not starve the other checks, and the run has only ${pool.length ? 'the main token' : 'no key at all'}. Fix: ${auth.poolEnv ? `give more keys in ${auth.poolEnv} (comma-separated)` : `name a pool of keys in the target's auth (poolEnv: 'API_KEYS') and set it`}.`);
      const headers = { ...authHeader(auth, key), ...(limit.method !== 'GET' && limit.method !== 'HEAD' ? { 'content-type': 'application/json' } : {}) };
      const data = limit.method !== 'GET' && limit.method !== 'HEAD' ? '{}' : undefined;
      const BATCH = 20;
      let limited: APIResponse | undefined;
      let sent = 0;
      while (sent < limit.maxRequests && !limited) {
        const n = Math.min(BATCH, limit.maxRequests - sent);
        const batch = await Promise.all(Array.from({ length: n }, () => request.fetch(urlOf(target, limit.path), { method: limit.method, headers, data, maxRedirects: 0 })));
        sent += n;
        limited = batch.find((r) => r.status() === 429);
      }
      if (!limited) throw new Error(`Target "${target.name}": ${limit.method} ${limit.path} never answered 429 within ${sent} requests from one key (security.rateLimit.maxRequests ${limit.maxRequests}). Fix: limit requests per key on this route, or raise maxRequests if its limit is higher.`);
      const retryAfter = limited.headers()['retry-after'];
      if (!retryAfter || !/^\d+$/.test(retryAfter.trim())) throw new Error(`Target "${target.name}": ${limit.method} ${limit.path} answered 429 with Retry-After ${retryAfter === undefined ? '(none)' : JSON.stringify(retryAfter)}, expected a whole number of seconds. Fix: set Retry-After on rate-limited responses, so clients know when to try again.`);
    });
  }

  test('error bodies leak no stack traces or file paths', async ({ request, target }) => {
    const cases: Probe[] = [{ kind: 'missing page', method: 'GET', path: MISSING_PATH }];
    const post = target.endpoints.find((e) => ['POST', 'PUT', 'PATCH'].includes(e.method) && e.needs.length === 0);
    if (post) {
      const req = endpointRequest(target, post, {}, undefined);
      cases.push({ kind: `malformed JSON to ${post.key}`, method: post.method, path: req.shown, headers: { 'content-type': 'application/json' }, withToken: post.auth, data: '{"shipcheck": ' });
    }
    const problems: string[] = [];
    for (const p of cases) {
      const res = await send(request, target, p);
      const text = await res.text();
      const where = `${p.method} ${p.path} (${p.kind}, ${res.status()})`;
      if (res.status() >= 500) problems.push(`${where} is a server error for a client mistake. Fix: answer a 4xx with an error body.`);
      if (/\n\s+at .+[(:]\d+/.test(text) || /"stack"\s*:/.test(text)) problems.push(`${where} leaks a stack trace: ${text.slice(0, 200)}. Fix: never send err.stack to clients; log it server-side.`);
      else if (/(\/[\w.-]+)+\.(ts|js|mjs|cjs|py|rb|go|java|php):\d+/.test(text) || /node_modules|site-packages/.test(text)) problems.push(`${where} leaks a server file path: ${text.slice(0, 200)}. Fix: send a generic message; log details server-side.`);
    }
    failOnProblems(`Target "${target.name}": error bodies`, problems);
  });
});
