/**
 * Bearer-token auth for `/api/*`, except routes marked `config: { public: true }` (health).
 * Keys live in a Set in memory: no database round trip per request. The hook is attached to
 * each protected route when it is registered, so public routes and static files pay nothing.
 * Unknown `/api` paths also answer 401 to a caller without a key (see the not-found handler),
 * so the route table cannot be probed anonymously.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest, RouteOptions } from 'fastify';
import { ApiError } from '../http-errors.ts';

declare module 'fastify' {
  interface FastifyContextConfig { public?: boolean }
  interface FastifyRequest { apiKey: string }
}

export const isProtectedRoute = (route: Pick<RouteOptions, 'url' | 'config'>): boolean =>
  route.url.startsWith('/api/') && !(route.config as { public?: boolean } | undefined)?.public;

/** Returns the error for a request without a valid key, or undefined (and records the key). */
export function authenticate(request: FastifyRequest, keys: ReadonlySet<string>): ApiError | undefined {
  const header = request.headers.authorization;
  if (!header) return new ApiError(401, 'AUTH_MISSING', 'Missing bearer token: send "Authorization: Bearer <API key>".', { field: 'authorization' });
  const token = header.startsWith('Bearer ') ? header.slice(7).trim() : '';
  if (!token || !keys.has(token)) return new ApiError(401, 'AUTH_INVALID', 'The bearer token is not a valid API key.', { field: 'authorization' });
  request.apiKey = token;
  return undefined;
}

export function registerAuth(app: FastifyInstance, keys: ReadonlySet<string>): void {
  app.decorateRequest('apiKey', '');
  const hook = (request: FastifyRequest, _reply: FastifyReply, done: (err?: Error) => void) => done(authenticate(request, keys));
  app.addHook('onRoute', (route) => {
    if (!isProtectedRoute(route)) return;
    // First among the route's onRequest hooks, so nothing runs for an unknown caller.
    route.onRequest = [hook, ...[route.onRequest ?? []].flat()] as RouteOptions['onRequest'];
  });
}
