/**
 * Builds the included API: security headers, then ecosystem plugins (CORS, rate limit, static files,
 * the OpenAPI document and its UI at /docs), then our own (PostgreSQL, metrics, auth, errors), then
 * the routes. `server.ts` listens; tests call `build()` and use `inject()` or a listener on port 0.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import cors from '@fastify/cors';
import rateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import type { DestinationStream } from 'pino';
import type { AppConfig } from './config.ts';
import { migrate } from './db/migrate.ts';
import { ContentCache } from './content-cache.ts';
import { ContentGenerator } from './generation/generator.ts';
import { announceCloseIfBodyUnread, answerClientError, registerCloseWhenBodyUnread } from './client-errors.ts';
import { ApiError, errorBody } from './http-errors.ts';
import { ApiKeyRing } from './plugins/api-key-ring.ts';
import { isProtectedRoute, redactCredentialParams, registerAuth } from './plugins/auth.ts';
import { isDocsAsset, registerOpenApi } from './plugins/openapi.ts';
import { registerErrorHandling } from './plugins/error-handler.ts';
import postgres from './plugins/postgres.ts';
import { registerRequestMetrics } from './plugins/request-metrics.ts';
import { computeSecurityHeaders, registerSecurityHeaders } from './plugins/security-headers.ts';
import { TokenBucketStore } from './plugins/token-bucket-store.ts';
import contentRoutes from './routes/content.ts';
import healthRoutes from './routes/health.ts';
import metricsRoutes from './routes/metrics.ts';
import userRoutes from './routes/users.ts';
import { createValidatorCompiler } from './validation.ts';

declare module 'fastify' {
  interface FastifyInstance { config: AppConfig; apiKeys: ApiKeyRing; generator: ContentGenerator; contentCache: ContentCache; routeTable: RouteEntry[] }
}

/** One row of the route table (tests run the auth matrix over it). */
export interface RouteEntry { method: string; url: string; public: boolean }

export interface BuildOptions {
  /** Where logs go (default stdout); tests pass a stream to read them. */
  logStream?: DestinationStream;
  /** Apply pending migrations while starting (default true). */
  migrate?: boolean;
}

const publicDir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'public');

export async function build(config: AppConfig, opts: BuildOptions = {}): Promise<FastifyInstance> {
  const securityHeaders = computeSecurityHeaders();
  const app = Fastify({
    logger: {
      level: config.logLevel,
      // Requests are logged by method and URL only; the header holding the key is redacted
      // in case anything logs a whole request.
      redact: { paths: ['req.headers.authorization', 'headers.authorization', 'request.headers.authorization'], censor: '[redacted]' },
      // A key sent in the query string is refused, and kept out of the request log too.
      serializers: { req: (req) => ({ method: req.method, url: redactCredentialParams(req.url), host: req.host, remoteAddress: req.ip, remotePort: req.socket?.remotePort }) },
      ...(opts.logStream ? { stream: opts.logStream } : {}),
    },
    bodyLimit: config.bodyLimit,
    // Long enough for any valid user id (128), so a longer one gets a 400 naming the field.
    routerOptions: { maxParamLength: 256 },
    return503OnClosing: true,
    // A client has `requestTimeoutMs` to send its whole request and `headersTimeoutMs` for its
    // headers, and an idle keep-alive connection closes after `keepAliveTimeoutMs`, so a slow
    // or silent client cannot pin a connection; the handler's own time is not limited by these.
    requestTimeout: config.limits.requestTimeoutMs,
    keepAliveTimeout: config.limits.keepAliveTimeoutMs,
    // Node checks those two timeouts every connectionsCheckingInterval (30 s by default, which
    // would let a slow client hold a connection up to 30 s past them).
    http: {
      headersTimeout: config.limits.headersTimeoutMs,
      maxHeaderSize: config.limits.maxHeaderBytes,
      connectionsCheckingInterval: Math.max(50, Math.min(1_000, Math.floor(config.limits.headersTimeoutMs / 4))),
    },
    clientErrorHandler: answerClientError(securityHeaders),
    // Errors Fastify raises before routing still get the security headers and our error body.
    frameworkErrors: (err, request, reply) => {
      const status: 400 | 414 = err.code === 'FST_ERR_MAX_PARAM_LENGTH' ? 414 : 400;
      announceCloseIfBodyUnread(request as FastifyRequest, reply as FastifyReply);
      (reply as FastifyReply).headers(securityHeaders).code(status).send(errorBody(status, err.code, status === 414 ? 'A path parameter is too long.' : 'The URL is not valid (bad percent-encoding).', 'url'));
    },
    forceCloseConnections: 'idle',
  });
  app.decorate('config', config);
  app.setValidatorCompiler(createValidatorCompiler());
  // Only JSON bodies: anything else is a 415, not a string that fails validation.
  app.removeContentTypeParser('text/plain');
  const routeTable: RouteEntry[] = [];
  app.decorate('routeTable', routeTable);
  app.addHook('onRoute', (r) => {
    for (const method of [r.method].flat()) {
      if (method !== 'HEAD' && !isDocsAsset(r.url)) routeTable.push({ method, url: r.url, public: !isProtectedRoute(r) });
    }
  });

  registerSecurityHeaders(app, securityHeaders);
  registerCloseWhenBodyUnread(app);
  // Before auth, so an over-long URL costs nothing more; longer than maxHeaderBytes never
  // reaches here (the parser answers 431).
  app.addHook('onRequest', (request, reply, done) => {
    if (request.url.length <= config.limits.maxUrlBytes) return done();
    reply.code(414).send(errorBody(414, 'URL_TOO_LONG', `The URL is longer than ${config.limits.maxUrlBytes} bytes.`, 'url'));
  });
  // Both attach per-route hooks from onRoute, so they come before any plugin that adds routes.
  registerRequestMetrics(app);
  const apiKeys = new ApiKeyRing(config.fixedApiKeys, config.apiKeysFile, config.apiKeys, app.log);
  apiKeys.watch(config.apiKeysFilePollMs);
  app.decorate('apiKeys', apiKeys);
  app.addHook('onClose', async () => { apiKeys.close(); });
  registerAuth(app, apiKeys);
  if (config.corsOrigins !== false) {
    await app.register(cors, { origin: config.corsOrigins === '*' ? '*' : [...config.corsOrigins], methods: ['GET', 'POST', 'DELETE'], allowedHeaders: ['authorization', 'content-type'], maxAge: 600 });
  }
  await app.register(rateLimit, {
    global: false,
    store: TokenBucketStore,
    // After auth (onRequest), so only known keys get buckets and anonymous calls get 401.
    hook: 'preParsing',
    keyGenerator: (request) => request.apiKey,
    errorResponseBuilder: (_request, ctx) => new ApiError(429, 'RATE_LIMITED', `Rate limit exceeded for this API key; retry in ${ctx.after}.`, { field: 'authorization' }),
  });
  await app.register(fastifyStatic, { root: publicDir, prefix: '/', wildcard: false, index: ['index.html'] });
  // Before every route, so the document describes them all.
  await registerOpenApi(app, config);

  await app.register(postgres, { connectionString: config.databaseUrl, max: config.dbPoolMax, connectTimeoutMs: config.dbConnectTimeoutMs });
  registerErrorHandling(app, config.bodyLimit);

  app.decorate('contentCache', new ContentCache(config.contentCache.maxEntries, config.contentCache.ttlMs));
  const generator = new ContentGenerator(config);
  app.decorate('generator', generator);
  app.addHook('onClose', async () => { await generator.close(); });

  await app.register(healthRoutes);
  await app.register(contentRoutes);
  await app.register(userRoutes);
  await app.register(metricsRoutes);

  if (opts.migrate !== false) {
    try {
      await migrate(app.pg);
    } catch (e) {
      await app.close();
      throw e;
    }
  }
  return app;
}
