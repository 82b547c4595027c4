/**
 * Security headers on every response (HSTS, CSP, X-Frame-Options DENY, nosniff,
 * Referrer-Policy, ...), computed by helmet ONCE at start-up and then set with a single
 * `reply.headers()` per request. (@fastify/helmet rebuilds helmet's middleware on every
 * request, a measurable cost on the per-request path of a load target.) Errors Fastify raises
 * before routing (bad URL encoding, over-long parameters) get the same headers through
 * `frameworkErrors`.
 */
import type { FastifyInstance } from 'fastify';
import helmet, { type HelmetOptions } from 'helmet';

export const helmetOptions: Readonly<HelmetOptions> = {
  contentSecurityPolicy: {
    useDefaults: false,
    directives: {
      'default-src': ["'self'"], 'script-src': ["'self'"], 'style-src': ["'self'"], 'img-src': ["'self'", 'data:'],
      'font-src': ["'self'"], 'connect-src': ["'self'"], 'object-src': ["'none'"], 'base-uri': ["'self'"],
      'form-action': ["'self'"], 'frame-ancestors': ["'none'"],
    },
  },
  frameguard: { action: 'deny' },
  strictTransportSecurity: { maxAge: 31_536_000, includeSubDomains: true },
  referrerPolicy: { policy: 'no-referrer' },
};

/** The exact header set helmet produces for `helmetOptions`. */
export function computeSecurityHeaders(options: HelmetOptions = helmetOptions): Readonly<Record<string, string>> {
  const headers: Record<string, string> = {};
  const res = {
    setHeader(name: string, value: string | number | readonly string[]) { headers[name.toLowerCase()] = String(value); },
    removeHeader(name: string) { delete headers[name.toLowerCase()]; },
  };
  helmet(options)({} as never, res as never, () => {});
  return Object.freeze(headers);
}

export function registerSecurityHeaders(app: FastifyInstance, headers: Readonly<Record<string, string>>): void {
  app.addHook('onRequest', (_request, reply, done) => {
    reply.headers(headers);
    done();
  });
}
