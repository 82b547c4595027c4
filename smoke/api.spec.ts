/**
 * API smoke: the deployment is up, answers its documented contract, authenticates, and
 * limits. Runs with Playwright's `request` fixture only (no browser), so it is quick and
 * runs against any BASE_URL.
 */
import type { APIRequestContext } from '@playwright/test';
import { expectJson, HEALTH_CHECKS } from './api-contract.ts';
import { expect, test } from './fixtures.ts';

const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

/** Median latency of a few calls: one slow call on a busy CI box is noise, a slow median is not. */
async function medianMs(request: APIRequestContext, url: string, calls = 5): Promise<number> {
  const ms: number[] = [];
  for (let i = 0; i < calls; i++) {
    const t = performance.now();
    await (await request.get(url)).body();
    ms.push(performance.now() - t);
  }
  return ms.sort((a, b) => a - b)[Math.floor(calls / 2)];
}

test.describe('API', { tag: '@smoke' }, () => {
  test('liveness /health answers 200 with its fields within the health SLO', async ({ request, settings }) => {
    const body = await expectJson(await request.get('/health'), 'GET', 200, 'liveness');
    expect(Date.parse(body.timestamp), 'GET /health: "timestamp" must be an ISO date').not.toBeNaN();
    const ms = await medianMs(request, '/health');
    expect(ms, `GET /health took ${ms.toFixed(0)} ms (median of 5), over the health SLO of ${settings.healthSloMs} ms. Fix: keep the liveness probe free of slow work (no database round trip), or raise SLO_HEALTH_P99_MS if the SLO changed.`).toBeLessThanOrEqual(settings.healthSloMs);
  });

  test('readiness /api/v1/health answers 200, healthy, with every check, within the health SLO', async ({ request, settings }) => {
    const body = await expectJson(await request.get('/api/v1/health'), 'GET', 200, 'readiness');
    const unhealthy = Object.entries(body.checks as Record<string, { status: string; message: string }>).filter(([, c]) => c.status !== 'healthy');
    expect(unhealthy.map(([n, c]) => `${n}: ${c.message}`), `GET /api/v1/health: status "${body.status}"; these checks are unhealthy. Fix the dependency each one names.`).toEqual([]);
    const ms = await medianMs(request, '/api/v1/health');
    expect(ms, `GET /api/v1/health took ${ms.toFixed(0)} ms (median of 5), over the health SLO of ${settings.healthSloMs} ms. Fix: make the health checks cheaper (cache slow ones), or raise SLO_HEALTH_P99_MS if the SLO changed.`).toBeLessThanOrEqual(settings.healthSloMs);
  });

  test('detailed health lists every check with process and config facts', async ({ request }) => {
    const body = await expectJson(await request.get('/api/v1/health/detailed'), 'GET', 200, 'detailedHealth');
    expect(Object.keys(body.checks).sort(), 'GET /api/v1/health/detailed must list every check').toEqual([...HEALTH_CHECKS].sort());
    expect(JSON.stringify(body.config), 'GET /api/v1/health/detailed must never show API keys').not.toContain(process.env.API_KEY ?? '\u0000');
  });

  test('metrics answer as JSON and as Prometheus text', async ({ request, apiKey }) => {
    const metrics = await expectJson(await request.get('/api/v1/metrics', { headers: bearer(apiKey) }), 'GET', 200, 'metrics');
    expect(metrics.requests.total, 'GET /api/v1/metrics: requests.total counts requests served').toBeGreaterThan(0);
    await expectJson(await request.get('/api/v1/metrics/educational', { headers: bearer(apiKey) }), 'GET', 200, 'educationalMetrics');
    const prom = await request.get('/metrics');
    expect(prom.status(), 'GET /metrics (Prometheus) must answer 200').toBe(200);
    expect(prom.headers()['content-type'], 'GET /metrics must be Prometheus text (text/plain; version=0.0.4)').toMatch(/^text\/plain/);
    const text = await prom.text();
    expect(text, 'GET /metrics must hold Prometheus "# TYPE" lines').toMatch(/^# TYPE \w+ (counter|gauge|histogram|summary)$/m);
  });

  test('content round trip: generate → read → list → delete, with scores over the thresholds', async ({ request, apiKey }) => {
    const topic = `shipcheck smoke ${Date.now()}`;
    const created = await expectJson(await request.post('/api/v1/content/generate', {
      headers: bearer(apiKey), data: { topic, content_type: 'study_guide', audience_level: 'beginner' },
    }), 'POST', 201, 'content');
    const min = { quality_score: 0.7, educational_effectiveness: 0.75, factual_accuracy: 0.85 };
    for (const [field, threshold] of Object.entries(min)) {
      expect(created[field], `POST /api/v1/content/generate: ${field} ${created[field]} is under its threshold ${threshold}. Fix: the content pipeline's quality has regressed; check the provider and the quality scorer.`).toBeGreaterThanOrEqual(threshold);
    }
    expect(created.quality_passed, 'POST /api/v1/content/generate: quality_passed must be true when every score meets its threshold').toBe(true);

    const read = await expectJson(await request.get(`/api/v1/content/${created.id}`, { headers: bearer(apiKey) }), 'GET', 200, 'content');
    expect(read, `GET /api/v1/content/${created.id} must return what was stored`).toMatchObject({ id: created.id, topic, content: created.content });

    const list = await expectJson(await request.get('/api/v1/content?content_type=study_guide&limit=20', { headers: bearer(apiKey) }), 'GET', 200, 'contentList');
    expect(list.items.map((i: { id: number }) => i.id), 'GET /api/v1/content must list the new item first (newest first)').toContain(created.id);

    const del = await request.delete(`/api/v1/content/${created.id}`, { headers: bearer(apiKey) });
    expect(del.status(), `DELETE /api/v1/content/${created.id} must answer 204`).toBe(204);
    await expectJson(await request.get(`/api/v1/content/${created.id}`, { headers: bearer(apiKey) }), 'GET', 404, 'error');
  });

  test('a missing or wrong token is refused with 401', async ({ request }) => {
    for (const [what, headers] of [['no token', {}], ['a wrong token', bearer('not-a-valid-key-0000000000')]] as const) {
      for (const url of ['/api/v1/content', '/api/v1/metrics']) {
        await expectJson(await request.get(url, { headers }), `GET (${what})`, 401, 'error');
      }
    }
  });

  test('the rate limit answers 429 with Retry-After past its burst', async ({ request }) => {
    // Limits are per key: this check uses its own key so it never starves the other tests.
    const apiKey = process.env.API_KEY?.trim();
    const key = process.env.SMOKE_RATE_LIMIT_KEY?.trim() || (process.env.API_KEYS ?? '').split(',').map((k) => k.trim()).filter((k) => k && k !== apiKey).at(-1);
    if (!key) throw new Error('The rate-limit check needs an API key of its own, so exhausting it does not fail the other checks: set SMOKE_RATE_LIMIT_KEY (or API_KEYS with a second key).');
    const detailed = await (await request.get('/api/v1/health/detailed')).json().catch(() => ({}));
    const burst = Number(process.env.SMOKE_RATE_LIMIT_BURST ?? detailed?.config?.rate_limits?.reads?.burst ?? 200);
    const budget = Math.ceil(burst * 1.5) + 20;
    let limited: Awaited<ReturnType<APIRequestContext['get']>> | undefined;
    for (let sent = 0; sent < budget && !limited; sent += 25) {
      const batch = await Promise.all(Array.from({ length: Math.min(25, budget - sent) }, () => request.get('/api/v1/content?limit=1', { headers: bearer(key) })));
      limited = batch.find((r) => r.status() === 429);
    }
    expect(limited, `GET /api/v1/content never answered 429 within ${budget} requests (burst ${burst}). Fix: enable per-key rate limiting (RATE_LIMIT_READS_PER_MIN / RATE_LIMIT_READS_BURST).`).toBeDefined();
    const retryAfter = limited!.headers()['retry-after'];
    expect(retryAfter, 'A 429 must carry Retry-After (seconds) so clients know when to retry. Fix: set the Retry-After header on rate-limited responses.').toMatch(/^\d+$/);
    await expectJson(limited!, 'GET', 429, 'error');
  });
});
