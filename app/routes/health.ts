/**
 * Health endpoints, all public. `/health` is a liveness probe that never touches the database
 * (cheap enough to poll under load); `/api/v1/health` runs the checks and answers 503
 * "degraded" when one fails; `/detailed` adds process, pool and configuration facts.
 */
import type { FastifyInstance } from 'fastify';
import { runHealthChecks } from '../health-checks.ts';

const checkSchema = {
  type: 'object', additionalProperties: false, required: ['status', 'latency_ms', 'message'],
  properties: { status: { type: 'string', enum: ['healthy', 'unhealthy'] }, latency_ms: { type: 'number' }, message: { type: 'string' }, details: { type: 'object', additionalProperties: true } },
} as const;

const checksSchema = {
  type: 'object', additionalProperties: false, required: ['database', 'ai_provider', 'quality_pipeline', 'disk', 'memory'],
  properties: { database: checkSchema, ai_provider: checkSchema, quality_pipeline: checkSchema, disk: checkSchema, memory: checkSchema },
} as const;

const healthReport = {
  type: 'object', additionalProperties: false, required: ['status', 'timestamp', 'version', 'environment', 'checks'],
  properties: {
    status: { type: 'string', enum: ['healthy', 'degraded'] }, timestamp: { type: 'string' }, version: { type: 'string' },
    environment: { type: 'string' }, checks: checksSchema,
  },
} as const;

const detailedReport = {
  ...healthReport,
  required: [...healthReport.required, 'uptime_s', 'process', 'config'],
  properties: {
    ...healthReport.properties,
    uptime_s: { type: 'number' },
    process: { type: 'object', additionalProperties: true },
    config: { type: 'object', additionalProperties: true },
  },
} as const;

const publicRoute = { public: true };

export default async function healthRoutes(app: FastifyInstance): Promise<void> {
  const { config } = app;
  app.get('/health', {
    config: publicRoute,
    schema: {
      summary: 'Liveness: the process answers (no database call)', tags: ['health'], operationId: 'liveness',
      response: {
        200: {
          type: 'object', additionalProperties: false, required: ['status', 'timestamp', 'version', 'environment'],
          properties: { status: { type: 'string' }, timestamp: { type: 'string' }, version: { type: 'string' }, environment: { type: 'string' } },
        },
      },
    },
  }, async () => ({ status: 'ok', timestamp: new Date().toISOString(), version: config.version, environment: config.environment }));

  const report = async () => {
    const checks = await runHealthChecks(app.pg, app.generator, config);
    const degraded = Object.values(checks).some((c) => c.status !== 'healthy');
    return { status: degraded ? 'degraded' : 'healthy', timestamp: new Date().toISOString(), version: config.version, environment: config.environment, checks };
  };

  app.get('/api/v1/health', {
    config: publicRoute,
    schema: { summary: 'Readiness: database, AI provider, quality pipeline, disk and memory checked; 503 when one fails', tags: ['health'], operationId: 'readiness', response: { 200: healthReport, 503: healthReport } },
  }, async (_request, reply) => {
    const r = await report();
    return reply.code(r.status === 'healthy' ? 200 : 503).send(r);
  });

  app.get('/api/v1/health/detailed', {
    config: publicRoute,
    schema: { summary: 'Readiness with process, pool and configuration facts (never keys)', tags: ['health'], operationId: 'detailedHealth', response: { 200: detailedReport, 503: detailedReport } },
  }, async (_request, reply) => {
    const r = await report();
    const mem = process.memoryUsage();
    const cpu = process.cpuUsage();
    const detailed = {
      ...r,
      uptime_s: Math.round(process.uptime()),
      process: { pid: process.pid, node: process.version, platform: process.platform, rss_bytes: mem.rss, heap_used_bytes: mem.heapUsed, heap_total_bytes: mem.heapTotal, cpu_user_us: cpu.user, cpu_system_us: cpu.system },
      // What the service runs with — never the keys themselves.
      config: {
        provider: config.provider.kind,
        api_keys: app.apiKeys.size,
        db_pool_max: config.dbPoolMax,
        quality_thresholds: config.quality,
        rate_limits: config.rateLimit,
        circuit_breaker: config.breaker,
        content_cache: config.contentCache,
        cors: config.corsOrigins === false ? 'disabled' : config.corsOrigins,
      },
    };
    return reply.code(r.status === 'healthy' ? 200 : 503).send(detailed);
  });
}
