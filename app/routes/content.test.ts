import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../harness/testing/test-database.ts';
import { build } from '../build.ts';
import { CONTENT_TYPES } from '../config.ts';
import { auth, testConfig } from '../test-support.ts';

let app: FastifyInstance;
beforeAll(async () => { app = await build(testConfig(await createTestDatabase('content'))); });
afterAll(async () => { await app?.close(); });

const generate = (payload: unknown, headers: Record<string, string> = {}) =>
  app.inject({ method: 'POST', url: '/api/v1/content/generate', headers: { ...auth(), ...headers }, payload: payload as object });

describe('POST /api/v1/content/generate', () => {
  it.each(CONTENT_TYPES)('generates and stores a %s with quality scores above the thresholds', async (type) => {
    const res = await generate({ topic: 'photosynthesis', content_type: type, audience_level: 'beginner', user_id: 'learner-1' });
    expect(res.statusCode).toBe(201);
    const body = res.json();
    expect(body).toMatchObject({ topic: 'photosynthesis', content_type: type, audience_level: 'beginner', user_id: 'learner-1', provider: 'local', quality_passed: true });
    expect(body.quality_score).toBeGreaterThanOrEqual(0.7);
    expect(body.educational_effectiveness).toBeGreaterThanOrEqual(0.75);
    expect(body.factual_accuracy).toBeGreaterThanOrEqual(0.85);
    expect(body.generation_duration_ms).toBeGreaterThanOrEqual(0);
    expect(body.content).toContain('photosynthesis');
    const { rows } = await app.pg.query('select content_type, generation_duration_ms, quality_score from educational_content where id = $1', [body.id]);
    expect(rows[0].content_type).toBe(type);
    expect(rows[0].generation_duration_ms).toBe(body.generation_duration_ms);
  });

  it('is deterministic: the same request gives the same content', async () => {
    const a = (await generate({ topic: 'tides', content_type: 'faq' })).json();
    const b = (await generate({ topic: 'tides', content_type: 'faq' })).json();
    expect(a.id).not.toBe(b.id);
    expect(a.content).toBe(b.content);
    expect(a.audience_level).toBe('general');
    expect(a.user_id).toBeNull();
  });

  it('stores SQL and script injection strings unchanged, as data', async () => {
    const topic = `Robert'); DROP TABLE educational_content;-- <script>alert(1)</script> <img src=x onerror=alert(2)>`;
    const res = await generate({ topic, content_type: 'study_guide' });
    expect(res.statusCode).toBe(201);
    const back = (await app.inject({ method: 'GET', url: `/api/v1/content/${res.json().id}`, headers: auth() })).json();
    expect(back.topic).toBe(topic);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    const { rows } = await app.pg.query('select count(*)::int as n from educational_content');
    expect(rows[0].n).toBeGreaterThan(0);
  });

  const bad: Array<[string, unknown, string]> = [
    ['a missing topic', { content_type: 'faq' }, 'topic'],
    ['a topic of the wrong type', { topic: 42, content_type: 'faq' }, 'topic'],
    ['a blank topic', { topic: '   ', content_type: 'faq' }, 'topic'],
    ['an over-long topic', { topic: 'x'.repeat(501), content_type: 'faq' }, 'topic'],
    ['a NUL character in the topic', { topic: 'a\u0000b', content_type: 'faq' }, 'topic'],
    ['an unknown content type', { topic: 't', content_type: 'haiku' }, 'content_type'],
    ['an unknown audience level', { topic: 't', content_type: 'faq', audience_level: 'toddler' }, 'audience_level'],
    ['a malformed user id', { topic: 't', content_type: 'faq', user_id: "x' or 1=1 --" }, 'user_id'],
    ['an unknown field', { topic: 't', content_type: 'faq', admin: true }, 'admin'],
    ['an array body', [1, 2], 'body'],
  ];
  it.each(bad)('rejects %s with 400 naming the field', async (_label, payload, field) => {
    const res = await generate(payload);
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ statusCode: 400, code: 'VALIDATION_FAILED', field });
    expect(res.json().message).toContain(field);
  });

  it('rejects malformed JSON with 400 naming the body', async () => {
    const res = await app.inject({ method: 'POST', url: '/api/v1/content/generate', headers: { ...auth(), 'content-type': 'application/json' }, payload: '{"topic": "x",' });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ field: 'body', code: 'FST_ERR_CTP_INVALID_JSON_BODY' });
  });

  it('rejects an empty JSON body and a non-JSON content type', async () => {
    const empty = await app.inject({ method: 'POST', url: '/api/v1/content/generate', headers: { ...auth(), 'content-type': 'application/json' }, payload: '' });
    expect(empty.statusCode).toBe(400);
    expect(empty.json().field).toBe('body');
    const text = await app.inject({ method: 'POST', url: '/api/v1/content/generate', headers: { ...auth(), 'content-type': 'text/plain' }, payload: 'hello' });
    expect(text.statusCode).toBe(415);
    expect(text.json()).toMatchObject({ field: 'body', code: 'FST_ERR_CTP_INVALID_MEDIA_TYPE' });
  });

  it('rejects a body over 1 MB with 413', async () => {
    const res = await generate({ topic: 'x'.repeat(1_100_000), content_type: 'faq' });
    expect(res.statusCode).toBe(413);
    expect(res.json()).toMatchObject({ statusCode: 413, field: 'body', code: 'FST_ERR_CTP_BODY_TOO_LARGE' });
  });
});

describe('GET /api/v1/content/:id', () => {
  it('returns a stored item', async () => {
    const created = (await generate({ topic: 'volcanoes', content_type: 'flashcards' })).json();
    const res = await app.inject({ method: 'GET', url: `/api/v1/content/${created.id}`, headers: auth() });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual(created);
  });

  it.each([
    ['a missing id', '999999', 404, 'CONTENT_NOT_FOUND'],
    ['a non-numeric id', 'abc', 400, 'VALIDATION_FAILED'],
    ['an injection id', "1%20or%201=1", 400, 'VALIDATION_FAILED'],
    ['a negative id', '-1', 400, 'VALIDATION_FAILED'],
    ['an id past the integer range', '99999999999999999999', 400, 'VALIDATION_FAILED'],
  ])('answers %s with status %i', async (_label, id, status, code) => {
    const res = await app.inject({ method: 'GET', url: `/api/v1/content/${id}`, headers: auth() });
    expect(res.statusCode).toBe(status);
    expect(res.json()).toMatchObject({ code, field: 'id' });
  });

  it('answers malformed URLs with a JSON 4xx naming the URL', async () => {
    const badEncoding = await app.inject({ method: 'GET', url: '/api/v1/content/%E0%A4%A', headers: auth() });
    expect(badEncoding.statusCode).toBe(400);
    expect(badEncoding.json()).toMatchObject({ code: 'FST_ERR_BAD_URL', field: 'url' });
    const tooLong = await app.inject({ method: 'GET', url: `/api/v1/content/${'9'.repeat(300)}`, headers: auth() });
    expect(tooLong.statusCode).toBe(414);
    expect(tooLong.json()).toMatchObject({ code: 'FST_ERR_MAX_PARAM_LENGTH', field: 'url' });
  });
});

describe('content read cache', () => {
  it('serves a read item from the per-process cache until it is deleted through the API', async () => {
    const { id } = (await generate({ topic: 'caching', content_type: 'faq' })).json();
    const first = await app.inject({ method: 'GET', url: `/api/v1/content/${id}`, headers: auth() });
    expect(first.statusCode).toBe(200);
    // Removed behind the app's back: the cached copy is still served within the TTL ...
    await app.pg.query('delete from educational_content where id = $1', [id]);
    const cached = await app.inject({ method: 'GET', url: `/api/v1/content/${id}`, headers: auth() });
    expect(cached.statusCode).toBe(200);
    expect(cached.body).toBe(first.body);
    expect(cached.headers['content-type']).toBe('application/json; charset=utf-8');
    // ... while a delete through the API evicts it at once.
    await app.inject({ method: 'DELETE', url: `/api/v1/content/${id}`, headers: auth() });
    expect((await app.inject({ method: 'GET', url: `/api/v1/content/${id}`, headers: auth() })).statusCode).toBe(404);
  });

  it('can be switched off', async () => {
    const uncached = await build(testConfig(app.config.databaseUrl, { CONTENT_CACHE_TTL_MS: '0' }), { migrate: false });
    try {
      const { id } = (await generate({ topic: 'no cache', content_type: 'faq' })).json();
      expect((await uncached.inject({ method: 'GET', url: `/api/v1/content/${id}`, headers: auth() })).statusCode).toBe(200);
      await app.pg.query('delete from educational_content where id = $1', [id]);
      expect((await uncached.inject({ method: 'GET', url: `/api/v1/content/${id}`, headers: auth() })).statusCode).toBe(404);
    } finally {
      await uncached.close();
    }
  });
});

describe('GET /api/v1/content', () => {
  it('pages newest first and filters by type', async () => {
    for (let i = 0; i < 3; i++) await generate({ topic: `paging ${i}`, content_type: 'one_pager_summary' });
    const first = (await app.inject({ method: 'GET', url: '/api/v1/content?limit=2&content_type=one_pager_summary', headers: auth() })).json();
    expect(first.items).toHaveLength(2);
    expect(first.items.every((c: { content_type: string }) => c.content_type === 'one_pager_summary')).toBe(true);
    expect(first.items[0].id).toBeGreaterThan(first.items[1].id);
    expect(first.next_offset).toBe(2);
    // Summaries: everything but the text.
    expect(first.items[0].content).toBeUndefined();
    expect(Object.keys(first.items[0]).sort()).toEqual(['audience_level', 'content_type', 'created_at', 'educational_effectiveness', 'factual_accuracy',
      'generation_duration_ms', 'id', 'provider', 'quality_passed', 'quality_score', 'topic', 'user_id']);
    const second = (await app.inject({ method: 'GET', url: `/api/v1/content?limit=2&offset=2&content_type=one_pager_summary`, headers: auth() })).json();
    expect(second.items[0].id).toBeLessThan(first.items[1].id);
    const all = (await app.inject({ method: 'GET', url: '/api/v1/content?limit=100&content_type=one_pager_summary', headers: auth() })).json();
    expect(all.next_offset).toBeNull();
    expect(all.items.length).toBeGreaterThanOrEqual(4);
  });

  it.each([
    ['a huge page size', 'limit=100000', 'limit'],
    ['a zero page size', 'limit=0', 'limit'],
    ['a non-numeric page size', 'limit=ten', 'limit'],
    ['a negative offset', 'offset=-5', 'offset'],
    ['an unknown type', 'content_type=poem', 'content_type'],
    ['an unknown parameter', 'sort=id', 'sort'],
  ])('rejects %s with 400 naming the parameter', async (_label, query, field) => {
    const res = await app.inject({ method: 'GET', url: `/api/v1/content?${query}`, headers: auth() });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'VALIDATION_FAILED', field });
  });
});

describe('DELETE /api/v1/content/:id', () => {
  it('deletes once, then answers 404', async () => {
    const { id } = (await generate({ topic: 'erosion', content_type: 'faq' })).json();
    const del = await app.inject({ method: 'DELETE', url: `/api/v1/content/${id}`, headers: auth() });
    expect(del.statusCode).toBe(204);
    expect(del.body).toBe('');
    expect((await app.inject({ method: 'GET', url: `/api/v1/content/${id}`, headers: auth() })).statusCode).toBe(404);
    expect((await app.inject({ method: 'DELETE', url: `/api/v1/content/${id}`, headers: auth() })).statusCode).toBe(404);
    expect((await app.inject({ method: 'DELETE', url: '/api/v1/content/zero', headers: auth() })).statusCode).toBe(400);
  });
});
