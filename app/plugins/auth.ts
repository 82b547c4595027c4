/**
 * Bearer-token auth for `/api/v1/*`, except routes marked `config: { public: true }` (health).
 * Keys live in a Set in memory: no database round trip per request. Unknown `/api/v1` paths
 * also answer 401 to a caller without a key, so the route table is not probed anonymously.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ApiError } from '../http-errors.ts';

declare module 'fastify' {
  interface FastifyContextConfig { public?: boolean }
  interface FastifyRequest { apiKey: string }
}

export function registerAuth(app: FastifyInstance, keys: ReadonlySet<string>): void {
  app.decorateRequest('apiKey', '');
  app.addHook('onRequest', (request: FastifyRequest, _reply: FastifyReply, done: (err?: Error) => void) => {
    if (!request.url.startsWith('/api/') || request.routeOptions.config?.public) return done();
    const header = request.headers.authorization;
    if (!header) return done(new ApiError(401, 'AUTH_MISSING', 'Missing bearer token: send "Authorization: Bearer <API key>".', { field: 'authorization' }));
    const token = header.startsWith('Bearer ') ? header.slice(7).trim() : '';
    if (!token || !keys.has(token)) return done(new ApiError(401, 'AUTH_INVALID', 'The bearer token is not a valid API key.', { field: 'authorization' }));
    request.apiKey = token;
    done();
  });
}
