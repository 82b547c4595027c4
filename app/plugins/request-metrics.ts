/**
 * Counts every response for `/api/v1/metrics` (JSON) and `/metrics` (Prometheus); unmatched
 * requests are counted by the not-found handler as route "unmatched". The hook
 * is the only per-request cost: one histogram observation and a write into a ring buffer of
 * recent latencies that the JSON endpoint sorts when asked.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest, RouteOptions } from 'fastify';
import client from 'prom-client';

declare module 'fastify' {
  interface FastifyInstance { requestMetrics: RequestMetrics }
}

interface RouteCount { method: string; route: string; count: number; status_4xx: number; status_5xx: number }

export class RequestMetrics {
  readonly registry = new client.Registry();
  readonly startedAt = Date.now();
  total = 0;
  clientErrors = 0;
  serverErrors = 0;
  readonly byRoute = new Map<string, RouteCount>();
  private readonly recent = new Float64Array(16_384);
  private readonly series = new Map<string, client.Histogram.Internal<'method' | 'route' | 'status_code'>>();
  private recentCount = 0;
  readonly duration: client.Histogram<'method' | 'route' | 'status_code'>;
  readonly generations: client.Counter<'content_type' | 'outcome'>;
  readonly generationSeconds: client.Histogram<'content_type'>;
  // For the alert rules in monitoring/: quality outcomes and the health checks as series.
  readonly qualityAssessments: client.Counter<'content_type' | 'result'>;
  readonly qualityScore: client.Histogram<'content_type'>;
  readonly healthCheck: client.Gauge<'check'>;

  constructor() {
    client.collectDefaultMetrics({ register: this.registry });
    this.duration = new client.Histogram({
      name: 'http_request_duration_seconds', help: 'HTTP request duration by route and status',
      labelNames: ['method', 'route', 'status_code'], buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [this.registry],
    });
    this.generations = new client.Counter({
      name: 'content_generations_total', help: 'Content generation attempts by type and outcome',
      labelNames: ['content_type', 'outcome'], registers: [this.registry],
    });
    this.generationSeconds = new client.Histogram({
      name: 'content_generation_duration_seconds', help: 'Time to generate one piece of content',
      labelNames: ['content_type'], buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30], registers: [this.registry],
    });
    this.qualityAssessments = new client.Counter({
      name: 'content_quality_assessments_total', help: 'Quality assessments of generated content by type and result (passed/failed)',
      labelNames: ['content_type', 'result'], registers: [this.registry],
    });
    this.qualityScore = new client.Histogram({
      name: 'content_quality_score', help: 'Overall quality score of generated content (0-1)',
      labelNames: ['content_type'], buckets: [0.5, 0.6, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95, 1], registers: [this.registry],
    });
    this.healthCheck = new client.Gauge({
      name: 'health_check_status', help: 'Each /api/v1/health check at scrape time: 1 healthy, 0 unhealthy',
      labelNames: ['check'], registers: [this.registry],
    });
  }

  record(method: string, route: string, status: number, ms: number): void {
    this.total++;
    const key = `${method} ${route}`;
    let r = this.byRoute.get(key);
    if (!r) { r = { method, route, count: 0, status_4xx: 0, status_5xx: 0 }; this.byRoute.set(key, r); }
    r.count++;
    if (status >= 500) { this.serverErrors++; r.status_5xx++; } else if (status >= 400) { this.clientErrors++; r.status_4xx++; }
    this.recent[this.recentCount++ % this.recent.length] = ms;
    // One bound child per (method, route, status), made once: no labels object per request.
    const seriesKey = `${key} ${status}`;
    let series = this.series.get(seriesKey);
    if (!series) { series = this.duration.labels(method, route, String(status)); this.series.set(seriesKey, series); }
    series.observe(ms / 1000);
  }

  /** Percentiles over the most recent requests (up to 16 384). */
  latency(): { p50: number; p90: number; p95: number; p99: number; max: number; samples: number } {
    const n = Math.min(this.recentCount, this.recent.length);
    const s = this.recent.slice(0, n).sort();
    const at = (q: number) => (n ? round(s[Math.min(n - 1, Math.ceil(q * n) - 1)]) : 0);
    return { p50: at(0.5), p90: at(0.9), p95: at(0.95), p99: at(0.99), max: n ? round(s[n - 1]) : 0, samples: n };
  }
}

const round = (n: number) => Math.round(n * 100) / 100;

export function registerRequestMetrics(app: FastifyInstance): void {
  const metrics = new RequestMetrics();
  app.decorate('requestMetrics', metrics);
  // One onResponse hook per route with its label bound, rather than a global hook reading
  // request.routeOptions (a getter that builds a fresh object on every access).
  app.addHook('onRoute', (route) => {
    const label = route.url;
    const hook = (request: FastifyRequest, reply: FastifyReply, done: () => void) => {
      metrics.record(request.method, label, reply.statusCode, reply.elapsedTime);
      done();
    };
    route.onResponse = [...[route.onResponse ?? []].flat(), hook] as RouteOptions['onResponse'];
  });
}
