/*
 * content-lifecycle — La Factoria's own script: one user, the whole life of a piece of content.
 *
 * Shape: 1 VU, 1 iteration, in every profile. The generic shapes call each endpoint the
 * config describes; this walk checks what only this API promises, in order: generate → list
 * → read → export → delete → gone, then the user's erasure, with the contract on the way
 * (auth required, JSON errors, quality scores, an audit-logged erasure). It is named in
 * shipcheck.config.ts `load.scripts`, so the gate runs it as it would run any team's own
 * k6 script; by hand: `shipcheck load content-lifecycle` or `k6 run` on its bundle with
 * -e BASE_URL, -e API_KEY.
 */
import { check } from 'k6';
import type { Options } from 'k6/options';
import { call, jsonOf } from './lib/api.ts';
import { ROUTES } from './lib/routes.ts';
import { requireTargetUp } from './lib/setup.ts';
import { API_DURATION, apiLatency, failedRequests, GENERATION_DURATION, generationLatency, HEALTH_DURATION, healthLatency, SUMMARY_TREND_STATS } from './lib/slo.ts';
import { API_KEY } from './lib/target.ts';

export const options: Options = {
  summaryTrendStats: SUMMARY_TREND_STATS,
  scenarios: {
    smoke: { executor: 'per-vu-iterations', vus: 1, iterations: 1, maxDuration: '2m' },
  },
  thresholds: {
    // Every check must pass: one broken endpoint is a broken deploy.
    checks: ['rate==1'],
    // No unexpected failures (the 401 and 404 asked for are expected, not failed).
    http_req_failed: failedRequests(),
    // Even a single request per endpoint must meet the API latency targets.
    [API_DURATION]: apiLatency(),
    // Health answers fast or the orchestrator restarts healthy pods.
    [HEALTH_DURATION]: healthLatency(),
    // Generation finishes within its budget.
    [GENERATION_DURATION]: generationLatency(),
  },
};

export async function setup(): Promise<void> {
  await requireTargetUp({ needsKey: true });
}

export default async function smoke(): Promise<void> {
  const key = API_KEY;
  const user = `smoke-${Date.now()}-${Math.floor(Math.random() * 1e6)}`;
  const isJson = (r: { headers: Record<string, string> }) => String(r.headers['Content-Type'] ?? '').includes('application/json');

  // Probes and monitoring.
  const live = await call('GET', ROUTES.liveness, { slo: 'health' });
  check(live, { 'GET /health: 200': (r) => r.status === 200 });
  const health = await call('GET', ROUTES.health, { slo: 'health' });
  check(health, {
    'GET /api/v1/health: 200': (r) => r.status === 200,
    'GET /api/v1/health: names its checks': (r) => String(r.body).includes('database'),
  });
  const detailed = await call('GET', ROUTES.healthDetailed, { key, slo: 'health' });
  check(detailed, { 'GET /api/v1/health/detailed: 200 JSON': (r) => r.status === 200 && isJson(r) });
  const prom = await call('GET', ROUTES.prometheus);
  check(prom, { 'GET /metrics: Prometheus text': (r) => r.status === 200 && String(r.body).includes('# TYPE') });
  const metrics = await call('GET', ROUTES.metrics, { key });
  check(metrics, { 'GET /api/v1/metrics: 200 JSON': (r) => r.status === 200 && isJson(r) });
  const edu = await call('GET', ROUTES.educationalMetrics, { key });
  check(edu, { 'GET /api/v1/metrics/educational: 200 JSON': (r) => r.status === 200 && isJson(r) });

  // Auth is enforced, with a JSON error a client can act on.
  const anonymous = await call('GET', ROUTES.contentList, { expectedStatuses: [401] });
  check(anonymous, {
    'GET /api/v1/content without a key: 401': (r) => r.status === 401,
    'GET /api/v1/content without a key: JSON error': (r) => isJson(r) && typeof jsonOf<{ message?: string }>(r)?.message === 'string',
  });

  // The life of one piece of content.
  const generated = await call('POST', ROUTES.generate, {
    key,
    slo: 'generation',
    timeout: '90s',
    json: { topic: 'Photosynthesis and the carbon cycle', content_type: 'study_guide', audience_level: 'beginner', user_id: user },
  });
  const item = jsonOf<{ id?: number | string; quality_score?: number; content?: string }>(generated);
  check(generated, {
    'POST /api/v1/content/generate: 201': (r) => r.status === 201,
    'POST /api/v1/content/generate: scored content': () => typeof item?.quality_score === 'number' && typeof item?.content === 'string',
  });
  const id = item?.id ?? 0;

  const list = await call('GET', ROUTES.contentList, { key, query: { content_type: 'study_guide', limit: 5 } });
  check(list, { 'GET /api/v1/content?content_type=: 200 page': (r) => r.status === 200 && Array.isArray(jsonOf<{ items?: unknown[] }>(r)?.items) });
  const read = await call('GET', ROUTES.contentItem, { key, params: { id } });
  check(read, { 'GET /api/v1/content/:id: 200 with the content': (r) => r.status === 200 && jsonOf<{ id?: unknown }>(r)?.id === id });

  const exported = await call('GET', ROUTES.userExport, { key, params: { id: user } });
  check(exported, { 'GET /api/v1/users/:id/export: 200 JSON': (r) => r.status === 200 && isJson(r) && String(r.body).includes(String(id)) });

  const removed = await call('DELETE', ROUTES.contentItem, { key, params: { id } });
  check(removed, { 'DELETE /api/v1/content/:id: 204': (r) => r.status === 204 });
  const gone = await call('GET', ROUTES.contentItem, { key, params: { id }, expectedStatuses: [404] });
  check(gone, { 'GET /api/v1/content/:id after delete: 404': (r) => r.status === 404 });

  const erased = await call('DELETE', ROUTES.user, { key, params: { id: user } });
  check(erased, {
    'DELETE /api/v1/users/:id: 200': (r) => r.status === 200,
    'DELETE /api/v1/users/:id: erasure recorded': (r) => jsonOf<{ deleted?: boolean; audit_id?: string }>(r)?.deleted === true,
  });

  // The two pages.
  const page = await call('GET', ROUTES.generatorPage, { accept: 'text/html' });
  check(page, { 'GET /: HTML page': (r) => r.status === 200 && String(r.headers['Content-Type'] ?? '').includes('text/html') });
  const monitor = await call('GET', ROUTES.monitorPage, { accept: 'text/html' });
  check(monitor, { 'GET /static/monitor.html: HTML page': (r) => r.status === 200 && String(r.headers['Content-Type'] ?? '').includes('text/html') });
}
