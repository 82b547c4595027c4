/**
 * Metrics: `/api/v1/metrics` (JSON: requests, latency percentiles, error rates, process
 * resources), `/api/v1/metrics/educational` (quality distribution, content-type popularity,
 * generation success rate and latency) and `/metrics` (Prometheus text, public like health).
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import os from 'node:os';
import type { FastifyInstance } from 'fastify';
import { CONTENT_TYPES } from '../config.ts';
import { runHealthChecks } from '../health-checks.ts';
import { rateLimitFor } from '../plugins/token-bucket-store.ts';
import { errorResponses } from './schemas.ts';

const latencySchema = {
  type: 'object', additionalProperties: false, required: ['p50', 'p90', 'p95', 'p99', 'max', 'samples'],
  properties: { p50: { type: 'number' }, p90: { type: 'number' }, p95: { type: 'number' }, p99: { type: 'number' }, max: { type: 'number' }, samples: { type: 'integer' } },
} as const;

export default async function metricsRoutes(app: FastifyInstance): Promise<void> {
  const m = app.requestMetrics;
  const readLimit = { rateLimit: rateLimitFor(app.config, 'reads') };
  const loopDelay = monitorEventLoopDelay({ resolution: 20 });
  loopDelay.enable();
  app.addHook('onClose', async () => { loopDelay.disable(); });

  app.get('/metrics', {
    config: { public: true },
    // Text, sent as it is: this schema only describes it in the OpenAPI document.
    schema: {
      summary: 'Prometheus metrics (text exposition format)', tags: ['metrics'], operationId: 'prometheusMetrics',
      response: { 200: { description: 'Prometheus text', content: { 'text/plain': { schema: { type: 'string' } } } } },
    },
  }, async (_request, reply) => {
    // The health checks run per scrape, so an alert sees the database fail without anyone probing /api/v1/health.
    const checks = await runHealthChecks(app.pg, app.generator, app.config);
    for (const [check, r] of Object.entries(checks)) m.healthCheck.set({ check }, r.status === 'healthy' ? 1 : 0);
    reply.header('content-type', m.registry.contentType);
    return m.registry.metrics();
  });

  app.get('/api/v1/metrics', {
    config: readLimit,
    schema: {
      summary: 'Requests by route, latency percentiles, error rates and process resources', tags: ['metrics'], operationId: 'serviceMetrics',
      response: {
        200: {
          type: 'object', additionalProperties: false, required: ['timestamp', 'uptime_s', 'requests', 'latency_ms', 'error_rates', 'process'],
          properties: {
            timestamp: { type: 'string' },
            uptime_s: { type: 'number' },
            requests: {
              type: 'object', additionalProperties: false, required: ['total', 'per_second', 'by_route'],
              properties: {
                total: { type: 'integer' }, per_second: { type: 'number' },
                by_route: { type: 'array', items: { type: 'object', additionalProperties: false, properties: { method: { type: 'string' }, route: { type: 'string' }, count: { type: 'integer' }, status_4xx: { type: 'integer' }, status_5xx: { type: 'integer' } } } },
              },
            },
            latency_ms: latencySchema,
            error_rates: { type: 'object', additionalProperties: false, properties: { client_4xx: { type: 'number' }, server_5xx: { type: 'number' } } },
            process: { type: 'object', additionalProperties: true },
          },
        },
        ...errorResponses,
      },
    },
  }, async () => {
    const uptime = (Date.now() - m.startedAt) / 1000;
    const mem = process.memoryUsage();
    const cpu = process.cpuUsage();
    const total = m.total || 1;
    return {
      timestamp: new Date().toISOString(),
      uptime_s: Math.round(uptime),
      requests: { total: m.total, per_second: Math.round((m.total / Math.max(uptime, 1)) * 100) / 100, by_route: [...m.byRoute.values()] },
      latency_ms: m.latency(),
      error_rates: { client_4xx: round4(m.clientErrors / total), server_5xx: round4(m.serverErrors / total) },
      process: {
        pid: process.pid, rss_bytes: mem.rss, heap_used_bytes: mem.heapUsed, heap_total_bytes: mem.heapTotal, external_bytes: mem.external,
        cpu_user_us: cpu.user, cpu_system_us: cpu.system, event_loop_delay_p99_ms: Math.round(loopDelay.percentile(99) / 1e4) / 100,
        load_average: os.loadavg(), cpus: os.availableParallelism(), db_pool: { total: app.pg.totalCount, idle: app.pg.idleCount, waiting: app.pg.waitingCount },
        content_cache: { entries: app.contentCache.size, hits: app.contentCache.hits, misses: app.contentCache.misses },
      },
    };
  });

  app.get('/api/v1/metrics/educational', {
    config: readLimit,
    schema: {
      summary: 'Quality distribution, content-type popularity and generation outcomes', tags: ['metrics'], operationId: 'educationalMetrics',
      response: {
        200: {
          type: 'object', additionalProperties: false,
          required: ['timestamp', 'total_content', 'quality', 'content_types', 'generation'],
          properties: {
            timestamp: { type: 'string' },
            total_content: { type: 'integer' },
            quality: {
              type: 'object', additionalProperties: false, required: ['thresholds', 'averages', 'pass_rate', 'distribution'],
              properties: {
                thresholds: { type: 'object', additionalProperties: false, properties: { overall: { type: 'number' }, educational: { type: 'number' }, factual: { type: 'number' } } },
                averages: { type: 'object', additionalProperties: false, properties: { overall: { type: 'number' }, educational: { type: 'number' }, factual: { type: 'number' } } },
                pass_rate: { type: 'number' },
                distribution: { type: 'array', items: { type: 'object', additionalProperties: false, properties: { range: { type: 'string' }, count: { type: 'integer' } } } },
              },
            },
            content_types: { type: 'array', items: { type: 'object', additionalProperties: false, properties: { content_type: { type: 'string' }, count: { type: 'integer' }, share: { type: 'number' } } } },
            generation: {
              type: 'object', additionalProperties: false, required: ['attempts', 'succeeded', 'failed', 'rejected_by_breaker', 'success_rate', 'duration_ms'],
              properties: {
                attempts: { type: 'integer' }, succeeded: { type: 'integer' }, failed: { type: 'integer' }, rejected_by_breaker: { type: 'integer' },
                success_rate: { type: ['number', 'null'] },
                duration_ms: { type: 'object', additionalProperties: false, properties: { avg: { type: 'number' }, p50: { type: 'number' }, p95: { type: 'number' }, p99: { type: 'number' } } },
              },
            },
          },
        },
        ...errorResponses,
      },
    },
  }, async () => {
    const [agg, dist, types] = await Promise.all([
      app.pg.query(`select count(*)::int as n, coalesce(avg(quality_score), 0)::float8 as overall,
          coalesce(avg(educational_effectiveness), 0)::float8 as educational, coalesce(avg(factual_accuracy), 0)::float8 as factual,
          coalesce(avg(quality_passed::int), 0)::float8 as pass_rate, coalesce(avg(generation_duration_ms), 0)::float8 as avg_ms,
          coalesce(percentile_cont(0.5) within group (order by generation_duration_ms), 0)::float8 as p50,
          coalesce(percentile_cont(0.95) within group (order by generation_duration_ms), 0)::float8 as p95,
          coalesce(percentile_cont(0.99) within group (order by generation_duration_ms), 0)::float8 as p99
        from educational_content`),
      app.pg.query(`select least(width_bucket(quality_score, 0, 1, 10), 10) as bucket, count(*)::int as n from educational_content group by 1 order by 1`),
      app.pg.query('select content_type, count(*)::int as n from educational_content group by 1'),
    ]);
    const a = agg.rows[0];
    const byBucket = new Map<number, number>(dist.rows.map((r) => [Number(r.bucket), r.n]));
    const byType = new Map<string, number>(types.rows.map((r) => [r.content_type, r.n]));
    const s = app.generator.stats;
    const finished = s.succeeded + s.failed + s.rejectedByBreaker;
    return {
      timestamp: new Date().toISOString(),
      total_content: a.n,
      quality: {
        thresholds: app.config.quality,
        averages: { overall: round4(a.overall), educational: round4(a.educational), factual: round4(a.factual) },
        pass_rate: round4(a.pass_rate),
        distribution: Array.from({ length: 10 }, (_, i) => ({ range: `${(i / 10).toFixed(1)}-${((i + 1) / 10).toFixed(1)}`, count: byBucket.get(i + 1) ?? 0 })),
      },
      content_types: CONTENT_TYPES.map((t) => ({ content_type: t, count: byType.get(t) ?? 0, share: a.n ? round4((byType.get(t) ?? 0) / a.n) : 0 }))
        .sort((x, y) => y.count - x.count),
      generation: {
        attempts: s.attempts, succeeded: s.succeeded, failed: s.failed, rejected_by_breaker: s.rejectedByBreaker,
        success_rate: finished ? round4(s.succeeded / finished) : null,
        duration_ms: { avg: round2(a.avg_ms), p50: round2(a.p50), p95: round2(a.p95), p99: round2(a.p99) },
      },
    };
  });
}

const round4 = (n: number) => Math.round(n * 1e4) / 1e4;
const round2 = (n: number) => Math.round(n * 100) / 100;
