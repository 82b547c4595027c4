/**
 * La Factoria's own API checks, deeper than the generic endpoint suite can go from a config:
 * the documented response contracts, a content round trip whose quality scores must clear the
 * pipeline's thresholds, and a user's GDPR rights (export, then erasure with an audit record).
 * Plugged in through `smoke.testMatch` in shipcheck.config.ts, as any team's own specs are.
 */
import { expect, test } from 'shipcheck/test';
import { expectJson, HEALTH_CHECKS, schemaProblems, type SchemaName } from './api-contract.ts';

/** The pipeline's thresholds (seed: overall ≥ 0.70, educational ≥ 0.75, factual ≥ 0.85). */
const QUALITY_MIN = { quality_score: 0.7, educational_effectiveness: 0.75, factual_accuracy: 0.85 };

test.describe('La Factoria API', { tag: '@smoke' }, () => {
  test('health, metrics and lists answer with their documented contracts', async ({ request, authHeaders }) => {
    const cases: Array<[string, SchemaName, Record<string, string>]> = [
      ['/health', 'liveness', {}],
      ['/api/v1/health', 'readiness', {}],
      ['/api/v1/health/detailed', 'detailedHealth', {}],
      ['/api/v1/metrics', 'metrics', authHeaders],
      ['/api/v1/metrics/educational', 'educationalMetrics', authHeaders],
      ['/api/v1/content?limit=5', 'contentList', authHeaders],
    ];
    for (const [url, schema, headers] of cases) await expectJson(await request.get(url, { headers }), 'GET', 200, schema);
    const detailed = await (await request.get('/api/v1/health/detailed')).json();
    expect(Object.keys(detailed.checks).sort(), 'GET /api/v1/health/detailed must list every check').toEqual([...HEALTH_CHECKS].sort());
  });

  test('detailed health never shows a key', async ({ request, keyPool }) => {
    const text = await (await request.get('/api/v1/health/detailed')).text();
    const shown = keyPool.filter((k) => text.includes(k)).length;
    expect(shown, `GET /api/v1/health/detailed shows ${shown} API key(s) in its body. Fix: never echo keys in health or config output.`).toBe(0);
  });

  test('content round trip: generate → read → list → delete, with scores over the thresholds', async ({ request, authHeaders }) => {
    const topic = `shipcheck smoke ${Date.now()}`;
    const created = await expectJson(await request.post('/api/v1/content/generate', {
      headers: authHeaders, data: { topic, content_type: 'study_guide', audience_level: 'beginner' },
    }), 'POST', 201, 'content');
    for (const [field, threshold] of Object.entries(QUALITY_MIN)) {
      expect(created[field], `POST /api/v1/content/generate: ${field} ${created[field]} is under its threshold ${threshold}. Fix: the content pipeline's quality has regressed; check the provider and the quality scorer.`).toBeGreaterThanOrEqual(threshold);
    }
    expect(created.quality_passed, 'POST /api/v1/content/generate: quality_passed must be true when every score meets its threshold').toBe(true);

    const read = await expectJson(await request.get(`/api/v1/content/${created.id}`, { headers: authHeaders }), 'GET', 200, 'content');
    expect(read, `GET /api/v1/content/${created.id} must return what was stored`).toMatchObject({ id: created.id, topic, content: created.content });

    const list = await expectJson(await request.get('/api/v1/content?content_type=study_guide&limit=20', { headers: authHeaders }), 'GET', 200, 'contentList');
    expect(list.items.map((i: { id: number }) => i.id), 'GET /api/v1/content must list the new item (newest first)').toContain(created.id);

    const del = await request.delete(`/api/v1/content/${created.id}`, { headers: authHeaders });
    expect(del.status(), `DELETE /api/v1/content/${created.id} must answer 204`).toBe(204);
    await expectJson(await request.get(`/api/v1/content/${created.id}`, { headers: authHeaders }), 'GET', 404, 'error');
  });

  test('GDPR: a user\'s data is exported in full, then erased with an audit record', async ({ request, authHeaders }) => {
    const user = `smoke-user-${Date.now()}`;
    const created = await expectJson(await request.post('/api/v1/content/generate', {
      headers: authHeaders, data: { topic: 'the water cycle', content_type: 'faq', audience_level: 'general', user_id: user },
    }), 'POST', 201, 'content');

    const exportRes = await request.get(`/api/v1/users/${user}/export`, { headers: authHeaders });
    expect(exportRes.status(), `GET /api/v1/users/${user}/export must answer 200 for a user with content`).toBe(200);
    const exported = await exportRes.json();
    expect(exported.user.id, 'The export names the user').toBe(user);
    expect(exported.content.map((c: { id: number }) => c.id), 'The export holds every item the user created').toEqual([created.id]);
    expect(schemaProblems('content', exported.content[0]), 'Exported content has the documented fields').toEqual([]);

    const erased = await request.delete(`/api/v1/users/${user}`, { headers: authHeaders });
    expect(erased.status(), `DELETE /api/v1/users/${user} must answer 200`).toBe(200);
    const body = await erased.json();
    expect(body, 'The erasure reports what it deleted and its audit record').toMatchObject({ deleted: true, user_id: user, content_deleted: 1 });
    expect(body.audit_id, 'The erasure is recorded in the audit log').toMatch(/^\d+$/);

    await expectJson(await request.get(`/api/v1/users/${user}/export`, { headers: authHeaders }), 'GET', 404, 'error');
    await expectJson(await request.get(`/api/v1/content/${created.id}`, { headers: authHeaders }), 'GET', 404, 'error');
  });

  test('client mistakes get a 4xx JSON error, never a 500', async ({ request, authHeaders }) => {
    const cases: Array<[string, string, Parameters<typeof request.fetch>[1], number]> = [
      ['POST', '/api/v1/content/generate', { headers: authHeaders, data: { topic: '' } }, 400],
      ['GET', '/api/v1/content/not-a-number', { headers: authHeaders }, 400],
      ['GET', '/api/v1/users/not%20valid!/export', { headers: authHeaders }, 400],
      ['PUT', '/health', {}, 404],
    ];
    for (const [method, url, options, status] of cases) await expectJson(await request.fetch(url, { ...options, method }), method, status, 'error');
  });
});
