/**
 * The pool run dry (bench/faults at 500 users, here at its smallest): with every pooled
 * connection blocked, a request that cannot get one is a clean 503 with Retry-After within
 * DB_CONNECT_TIMEOUT_MS, never a hang or a 500; the blocked ones finish once the block lifts.
 */
import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestDatabase } from '../harness/testing/test-database.ts';
import { build } from './build.ts';
import { auth, testConfig } from './test-support.ts';

let app: FastifyInstance;
let url: string;
beforeAll(async () => {
  url = await createTestDatabase('pool');
  app = await build(testConfig(url, { DB_POOL_MAX: '1', DB_CONNECT_TIMEOUT_MS: '200', CONTENT_CACHE_TTL_MS: '0' }));
  expect((await app.inject({ method: 'POST', url: '/api/v1/content/generate', headers: auth(), payload: { topic: 'pool', content_type: 'faq' } })).statusCode).toBe(201);
});
afterAll(async () => { await app?.close(); });

it('answers 503 DATABASE_UNAVAILABLE with Retry-After while the pool is exhausted, and serves again once it frees', async () => {
  const locker = new pg.Client({ connectionString: url });
  await locker.connect();
  await locker.query('begin');
  await locker.query('lock table educational_content in access exclusive mode');
  // Takes the pool's only connection and waits on the lock.
  const blocked = app.inject({ url: '/api/v1/content/1', headers: auth() });
  const watcher = new pg.Client({ connectionString: url });
  await watcher.connect();
  while (Number((await watcher.query("select count(*)::int as n from pg_stat_activity where application_name = 'shipcheck-app' and wait_event_type = 'Lock'")).rows[0].n) === 0);
  const refused = await app.inject({ url: '/api/v1/content?limit=1', headers: auth() });
  expect(refused.statusCode).toBe(503);
  expect(refused.json()).toMatchObject({ statusCode: 503, code: 'DATABASE_UNAVAILABLE' });
  expect(refused.headers['retry-after']).toBe('5');
  await locker.query('rollback');
  await locker.end();
  await watcher.end();
  expect((await blocked).statusCode).toBe(200);
  expect((await app.inject({ url: '/api/v1/content?limit=1', headers: auth() })).statusCode).toBe(200);
});
