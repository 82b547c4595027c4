/**
 * Bearer-token auth for `/api/*`, except routes marked `config: { public: true }` (health).
 * Keys live in memory (api-key-ring.ts, compared in constant time): no database round trip per request. The hook is attached to
 * each protected route when it is registered, so public routes and static files pay nothing.
 * Unknown `/api` paths also answer 401 to a caller without a key (see the not-found handler),
 * so the route table cannot be probed anonymously.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest, RouteOptions } from 'fastify';
import { ApiError } from '../http-errors.ts';
import type { ApiKeyRing } from './api-key-ring.ts';

declare module 'fastify' {
  interface FastifyContextConfig { public?: boolean }
  interface FastifyRequest { apiKey: string }
}

export const isProtectedRoute = (route: Pick<RouteOptions, 'url' | 'config'>): boolean =>
  route.url.startsWith('/api/') && !(route.config as { public?: boolean } | undefined)?.public;

/** Query parameters that look like a credential. A key in a URL ends up in logs, proxies and
 * browser history, so a request carrying one is refused even with a valid header. */
const CREDENTIAL_PARAM = /(?:^|[?&])(access_token|api_key|apikey|api-key|token|key|auth|authorization|bearer)=/i;

/** The URL with the values of credential-looking query parameters replaced, for logs. */
export function redactCredentialParams(url: string): string {
  const q = url.indexOf('?');
  if (q < 0 || !CREDENTIAL_PARAM.test(url.slice(q))) return url;
  return url.slice(0, q) + url.slice(q).replace(/([?&](?:access_token|api_key|apikey|api-key|token|key|auth|authorization|bearer)=)[^&#]*/gi, '$1[redacted]');
}

/** Returns the error for a request without a valid key, or undefined (and records the key). */
export function authenticate(request: FastifyRequest, keys: Pick<ApiKeyRing, 'has'>): ApiError | undefined {
  const q = request.url.indexOf('?');
  if (q >= 0 && CREDENTIAL_PARAM.test(request.url.slice(q))) {
    return new ApiError(401, 'AUTH_IN_QUERY', 'An API key in the URL is refused (URLs are logged); send it in the header "Authorization: Bearer <API key>".', { field: 'authorization' });
  }
  const header = request.headers.authorization;
  if (!header) return new ApiError(401, 'AUTH_MISSING', 'Missing bearer token: send "Authorization: Bearer <API key>".', { field: 'authorization' });
  const token = header.startsWith('Bearer ') ? header.slice(7).trim() : '';
  if (!token || !keys.has(token)) return new ApiError(401, 'AUTH_INVALID', 'The bearer token is not a valid API key.', { field: 'authorization' });
  request.apiKey = token;
  return undefined;
}

export function registerAuth(app: FastifyInstance, keys: ApiKeyRing): void {
  app.decorateRequest('apiKey', '');
  const hook = (request: FastifyRequest, _reply: FastifyReply, done: (err?: Error) => void) => done(authenticate(request, keys));
  app.addHook('onRoute', (route) => {
    if (!isProtectedRoute(route)) return;
    // First among the route's onRequest hooks, so nothing runs for an unknown caller.
    route.onRequest = [hook, ...[route.onRequest ?? []].flat()] as RouteOptions['onRequest'];
  });
}
