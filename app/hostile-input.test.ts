/**
 * Hostile input against every route of the route table, over a real listener (inject() cannot
 * send conflicting framing or truncated bodies): a seeded set of the cases bench/hostile runs
 * by the ten thousand. No 5xx, an answer to every request, no stored row altered by a rejected
 * request, and the heap back to its baseline afterwards.
 */
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runHostileCases, type HostileRunResult } from '../bench/hostile/run-hostile-cases.ts';
import { storedRowsChecksum } from '../bench/hostile/stored-rows.ts';
import { createTestDatabase } from '../harness/testing/test-database.ts';
import { build } from './build.ts';
import { auth, OTHER_KEY, TEST_KEY, testConfig } from './test-support.ts';

let app: FastifyInstance;
let db: pg.Client;
let port: number;
beforeAll(async () => {
  const url = await createTestDatabase('hostile');
  app = await build(testConfig(url, { RATE_LIMIT_READS_PER_MIN: '1000000000', RATE_LIMIT_GENERATIONS_PER_HOUR: '1000000000', CONTENT_CACHE_TTL_MS: '0' }));
  await app.listen({ host: '127.0.0.1', port: 0 });
  port = (app.server.address() as AddressInfo).port;
  db = new pg.Client({ connectionString: url });
  await db.connect();
  for (const user of ['learner-1', 'learner-2']) {
    for (const content_type of ['faq', 'study_guide']) {
      const res = await app.inject({ method: 'POST', url: '/api/v1/content/generate', headers: auth(), payload: { topic: `seeded ${content_type}`, content_type, user_id: user } });
      expect(res.statusCode).toBe(201);
    }
  }
});
afterAll(async () => { await db?.end(); await app?.close(); });

describe('hostile input on every route', () => {
  it('answers the known 500s of issue 11 with a 400 naming the field', async () => {
    for (const [method, url] of [['GET', '/api/v1/content/Infinity'], ['DELETE', '/api/v1/content/-Infinity'], ['GET', '/api/v1/content/1e309'],
      ['GET', '/api/v1/content?limit=Infinity'], ['GET', '/api/v1/content?offset=1e309'], ['GET', '/api/v1/content/0x10'], ['GET', '/api/v1/content/%20']] as const) {
      const res = await app.inject({ method, url, headers: auth() });
      expect(res.statusCode, `${method} ${url}`).toBe(400);
      expect(res.json().code).toBe('VALIDATION_FAILED');
    }
    expect((await app.inject({ url: '/api/v1/content/Infinity', headers: auth() })).json().message).toBe('params/id must be a whole number from 1 to 2147483647 written in decimal digits.');
  });

  let run: HostileRunResult;
  it('1,000 seeded cases: no 5xx, every request answered, no row altered by a rejected request', async () => {
    run = await runHostileCases({ port, routes: app.routeTable, keys: { valid: TEST_KEY, other: OTHER_KEY }, numRuns: 1_000, seed: 11, checksum: () => storedRowsChecksum(db), warmup: 200 });
    expect(run.failures.slice(0, 8)).toEqual([]);
    expect(run.cases).toBe(1_000);
    expect(Object.keys(run.byStatus).filter((s) => s === 'none' || Number(s) >= 500)).toEqual([]);
    // The mix reached the routes (2xx), validation (400), auth (401), size limits (413) and framing.
    for (const status of ['200', '400', '401', '404', '413']) expect(run.byStatus[status] ?? 0, `answers with ${status}`).toBeGreaterThan(0);
    for (const label of ['content-length and transfer-encoding', 'truncated body, then half-close']) expect(run.byLabel[label] ?? 0, label).toBeGreaterThan(0);
  }, 240_000);

  it('leaves the heap where it was after the warm-up', () => {
    // Cases hold megabyte bodies; a leak of one per case would grow the heap by hundreds of MB.
    expect(run.heap.afterBytes - run.heap.baselineBytes).toBeLessThan(16 * 2 ** 20);
  });
});
