/** The thresholds a target's SLOs become, compared whole: every key and expression is deliberate. */
import { describe, expect, it } from 'vitest';
import { resolveTarget } from '../../harness/target/resolve.ts';
import { sloThresholds } from './thresholds.ts';

const target = resolveTarget({
  baseUrl: 'http://127.0.0.1:8080',
  health: { liveness: '/health' },
  endpoints: {
    docs: { path: '/docs', group: 'pages' },
    search: { path: '/api/search', query: { q: 'x' } },
    chat: { method: 'POST', path: '/api/chat', body: { q: 'hi' }, group: 'chat', capture: { id: 'id' }, smoke: true },
    thread: { path: '/api/chat/{id}', group: 'chat' },
    ingest: { method: 'POST', path: '/api/ingest', group: 'batch' },
  },
  slo: {
    groups: { api: { p95Ms: 200, p99Ms: 500 }, chat: { p95Ms: 6000 }, pages: { p99Ms: 3000 }, batch: {} },
    errorRate: 0.02,
    checksRate: 0.95,
    healthP99Ms: 150,
  },
  resources: {
    metricsPath: '/metrics',
    budgets: {
      'resident memory': { metric: 'process_resident_memory_bytes', max: 536870912 },
      cpu: { metric: 'process_cpu_seconds_total', rate: true, max: 1.5 },
    },
  },
  serviceTimings: {
    retrieval: { serverTiming: 'retrieval', endpoints: ['chat'], p95Ms: 500, p99Ms: 1500 },
    'retrieval histogram': { histogram: 'rag_retrieval_seconds', p95Ms: 500 },
  },
}, { name: 'chatbot' });

describe('sloThresholds', () => {
  it('holds each group, each endpoint, the probes, the error and check budgets, the resources and the service timings to their limits', () => {
    expect(sloThresholds(target)).toEqual({
      'http_req_duration{slo:api}': ['p(95)<200', 'p(99)<500'],
      'http_req_duration{slo:chat}': ['p(95)<6000'],
      'http_req_duration{slo:pages}': ['p(99)<3000'],
      // `batch` has no limits: neither the group nor its endpoint is judged on latency.
      'http_req_duration{name:GET /docs}': ['p(99)<3000'],
      'http_req_duration{name:GET /api/search}': ['p(95)<200'],
      'http_req_duration{name:POST /api/chat}': ['p(95)<6000'],
      'http_req_duration{name:GET /api/chat/:id}': ['p(95)<6000'],
      'http_req_duration{slo:health}': ['p(99)<150'],
      http_req_failed: ['rate<0.02'],
      checks: ['rate>0.95'],
      resource_resident_memory: ['max<536870912'],
      resource_cpu: ['max<1.5'],
      service_retrieval: ['p(95)<500', 'p(99)<1500'],
      service_retrieval_histogram_p95: ['value<500'],
    });
  });

  it('judges phases on their own too, when the shape has them', () => {
    const t = sloThresholds(target, { phases: ['spike', 'recovery'] });
    expect(t['http_req_duration{slo:api,phase:spike}']).toEqual(['p(95)<200', 'p(99)<500']);
    expect(t['http_req_duration{slo:chat,phase:recovery}']).toEqual(['p(95)<6000']);
    expect(Object.keys(t).filter((k) => k.includes('phase:'))).toEqual([
      'http_req_duration{slo:api,phase:spike}', 'http_req_duration{slo:api,phase:recovery}',
      'http_req_duration{slo:chat,phase:spike}', 'http_req_duration{slo:chat,phase:recovery}',
      'http_req_duration{slo:pages,phase:spike}', 'http_req_duration{slo:pages,phase:recovery}',
    ]);
  });

  it('asks every check to pass for the smoke shape, and makes every threshold abort for the breakpoint', () => {
    expect(sloThresholds(target, { allChecks: true }).checks).toEqual(['rate==1']);
    const aborting = sloThresholds(target, { abortAfter: '10s' });
    expect(aborting['http_req_duration{slo:api}']).toEqual([
      { threshold: 'p(95)<200', abortOnFail: true, delayAbortEval: '10s' },
      { threshold: 'p(99)<500', abortOnFail: true, delayAbortEval: '10s' },
    ]);
    expect(aborting.http_req_failed).toEqual([{ threshold: 'rate<0.02', abortOnFail: true, delayAbortEval: '10s' }]);
  });

  it('gives endpoints that share a route the strictest limit of their groups', () => {
    const shared = resolveTarget({
      baseUrl: 'http://127.0.0.1:8080', health: { liveness: '/health' },
      endpoints: { fast: { path: '/items', group: 'reads' }, slow: { path: '/items', query: { full: 1 }, group: 'reports' } },
      slo: { groups: { reads: { p95Ms: 100 }, reports: { p95Ms: 2000 } } },
    }, { name: 'shared' });
    expect(sloThresholds(shared)['http_req_duration{name:GET /items}']).toEqual(['p(95)<100']);
  });
});
