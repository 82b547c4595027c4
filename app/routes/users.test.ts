import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../harness/testing/test-database.ts';
import { build } from '../build.ts';
import { auth, testConfig } from '../test-support.ts';

let app: FastifyInstance;
beforeAll(async () => { app = await build(testConfig(await createTestDatabase('users'))); });
afterAll(async () => { await app?.close(); });

const generate = (user_id: string, topic: string) =>
  app.inject({ method: 'POST', url: '/api/v1/content/generate', headers: auth(), payload: { topic, content_type: 'study_guide', user_id } });

describe('GDPR export and erasure', () => {
  it('exports all of a user\'s data as JSON, and only theirs', async () => {
    await generate('ada', 'analytical engines');
    await generate('ada', 'bernoulli numbers');
    await generate('grace', 'compilers');
    const res = await app.inject({ url: '/api/v1/users/ada/export', headers: auth() });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.user.id).toBe('ada');
    expect(body.content.map((c: { topic: string }) => c.topic)).toEqual(['analytical engines', 'bernoulli numbers']);
    expect(body.content.every((c: { user_id: string }) => c.user_id === 'ada')).toBe(true);
    expect(body.audit_log).toEqual([]);
    expect(Date.parse(body.exported_at)).not.toBeNaN();
  });

  it('deletes the user and their content in one cascade, with exactly one audit row', async () => {
    const kernels = (await generate('linus', 'kernels')).json();
    await generate('linus', 'version control');
    // Read once so it sits in the content cache: erasure must evict it too.
    expect((await app.inject({ url: `/api/v1/content/${kernels.id}`, headers: auth() })).statusCode).toBe(200);
    await generate('margaret', 'apollo guidance');
    const res = await app.inject({ method: 'DELETE', url: '/api/v1/users/linus', headers: auth() });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ deleted: true, user_id: 'linus', content_deleted: 2 });

    const left = await app.pg.query("select count(*)::int as n from educational_content where user_id = 'linus'");
    expect(left.rows[0].n).toBe(0);
    expect((await app.pg.query("select 1 from users where id = 'linus'")).rowCount).toBe(0);
    const audit = await app.pg.query("select action, subject_type, subject_id, details from audit_log where subject_id = 'linus'");
    expect(audit.rows).toEqual([{ action: 'user.deleted', subject_type: 'user', subject_id: 'linus', details: { content_deleted: 2, reason: 'gdpr_erasure_request' } }]);
    expect(audit.rows[0]).toBeDefined();
    // Other users keep their data.
    expect((await app.pg.query("select count(*)::int as n from educational_content where user_id = 'margaret'")).rows[0].n).toBe(1);

    expect((await app.inject({ url: '/api/v1/users/linus/export', headers: auth() })).statusCode).toBe(404);
    expect((await app.inject({ url: `/api/v1/content/${kernels.id}`, headers: auth() })).statusCode).toBe(404);
    const again = await app.inject({ method: 'DELETE', url: '/api/v1/users/linus', headers: auth() });
    expect(again.statusCode).toBe(404);
    expect(again.json()).toMatchObject({ code: 'USER_NOT_FOUND', field: 'id' });
    expect((await app.pg.query("select count(*)::int as n from audit_log where subject_id = 'linus'")).rows[0].n).toBe(1);
  });

  it('never fails a generation for a user erased at the same moment', async () => {
    const gens = Array.from({ length: 60 }, () => generate('racer', 'races'));
    const dels = Array.from({ length: 20 }, () => app.inject({ method: 'DELETE', url: '/api/v1/users/racer', headers: auth() }));
    const [g, d] = await Promise.all([Promise.all(gens), Promise.all(dels)]);
    expect(g.map((r) => r.statusCode).filter((c) => c !== 201)).toEqual([]);
    expect(d.map((r) => r.statusCode).filter((c) => c !== 200 && c !== 404)).toEqual([]);
  });

  it.each([
    ['an unknown user', 'nobody', 404],
    ['an injection string', encodeURIComponent("x' or '1'='1"), 400],
    ['an over-long id', 'u'.repeat(129), 400],
  ])('answers %s with status %i', async (_label, id, status) => {
    for (const method of ['GET', 'DELETE'] as const) {
      const res = await app.inject({ method, url: method === 'GET' ? `/api/v1/users/${id}/export` : `/api/v1/users/${id}`, headers: auth() });
      expect(res.statusCode).toBe(status);
      expect(res.json().field).toBe('id');
    }
  });
});
