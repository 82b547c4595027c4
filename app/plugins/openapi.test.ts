import fs from 'node:fs';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import SwaggerParser from '@apidevtools/swagger-parser';
import type { Browser } from '@playwright/test';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { launchChromium } from '../../harness/browser.ts';
import { createTestDatabase } from '../../harness/testing/test-database.ts';
import { build } from '../build.ts';
import { testConfig } from '../test-support.ts';
import { computeSecurityHeaders } from './security-headers.ts';

type Operation = { summary?: string; tags?: string[]; operationId?: string; security?: unknown[]; responses: Record<string, { content?: Record<string, unknown> }> };
type Document = { openapi: string; info: { title: string; version: string }; paths: Record<string, Record<string, Operation>>; components: { securitySchemes: Record<string, unknown> }; security: unknown[] };

let app: FastifyInstance;
let doc: Document;
beforeAll(async () => {
  app = await build(testConfig(await createTestDatabase('openapi')));
  const res = await app.inject({ url: '/docs/json' });
  expect(res.statusCode).toBe(200);
  doc = res.json();
});
afterAll(async () => { await app?.close(); });

/** The files app/public serves, as URLs: the pages and their assets, not API routes. */
function publicFileUrls(): string[] {
  const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'public');
  const files = fs.readdirSync(dir, { recursive: true, withFileTypes: true }).filter((d) => d.isFile())
    .map((d) => `/${path.relative(dir, path.join(d.parentPath, d.name)).split(path.sep).join('/')}`);
  return [...files, '/'];
}

const operations = () => Object.entries(doc.paths).flatMap(([p, ops]) => Object.entries(ops).map(([m, op]) => ({ route: `${m.toUpperCase()} ${p}`, op })));
const openApiPath = (url: string) => url.replace(/:([A-Za-z_]+)/g, '{$1}');

function expectAppHeaders(res: LightMyRequestResponse, label: string) {
  for (const [name, value] of Object.entries(computeSecurityHeaders())) expect(res.headers[name], `${label}: ${name}`).toBe(value);
  expect(res.headers['x-powered-by'], label).toBeUndefined();
}

describe('the OpenAPI document at /docs/json', () => {
  it('validates as OpenAPI 3', async () => {
    expect(doc.openapi).toBe('3.0.3');
    expect(doc.info).toMatchObject({ title: 'La Factoria', version: app.config.version });
    await expect(SwaggerParser.validate(structuredClone(doc) as never)).resolves.toMatchObject({ openapi: '3.0.3' });
  });

  it('lists exactly the routes of the route table, app/public files aside', () => {
    const files = new Set(publicFileUrls());
    const expected = app.routeTable.filter((r) => !files.has(r.url)).map((r) => `${r.method} ${openApiPath(r.url)}`).sort();
    expect(operations().map((o) => o.route).sort()).toEqual(expected);
    expect(expected).toEqual([
      'DELETE /api/v1/content/{id}', 'DELETE /api/v1/users/{id}',
      'GET /api/v1/content', 'GET /api/v1/content/{id}', 'GET /api/v1/health', 'GET /api/v1/health/detailed',
      'GET /api/v1/metrics', 'GET /api/v1/metrics/educational', 'GET /api/v1/users/{id}/export',
      'GET /docs', 'GET /docs/json', 'GET /docs/yaml', 'GET /health', 'GET /metrics',
      'POST /api/v1/content/generate',
    ]);
  });

  it('gives every operation a summary, tags and an operationId', () => {
    for (const { route, op } of operations()) {
      expect(op.summary, route).toMatch(/^\S.{10,}/);
      expect(op.tags?.length, route).toBe(1);
      expect(op.operationId, route).toMatch(/^[a-z][A-Za-z]+$/);
    }
    expect(new Set(operations().map((o) => o.op.operationId)).size).toBe(operations().length);
  });

  it('declares the bearer scheme, required on every protected route, and security: [] on the public ones', () => {
    expect(doc.components.securitySchemes).toEqual({ bearerAuth: { type: 'http', scheme: 'bearer', description: expect.stringContaining('Bearer <API key>') } });
    expect(doc.security).toEqual([{ bearerAuth: [] }]);
    const byRoute = new Map(operations().map((o) => [o.route, o.op]));
    for (const r of app.routeTable) {
      const op = byRoute.get(`${r.method} ${openApiPath(r.url)}`);
      if (!op) continue;
      expect(op.security, `${r.method} ${r.url}`).toEqual(r.public ? [] : [{ bearerAuth: [] }]);
    }
    expect(operations().filter((o) => (o.op.security ?? []).length === 0).map((o) => o.route).sort())
      .toEqual(['GET /api/v1/health', 'GET /api/v1/health/detailed', 'GET /docs', 'GET /docs/json', 'GET /docs/yaml', 'GET /health', 'GET /metrics']);
  });

  it('keeps the request and response schemas: the list query, the generate body, the JSON and text answers', () => {
    const list = doc.paths['/api/v1/content']!.get!;
    expect((list as unknown as { parameters: Array<{ name: string; in: string; required: boolean; schema: { default?: number } }> }).parameters
      .map((p) => [p.name, p.in, p.required, p.schema.default])).toEqual([['limit', 'query', false, 20], ['offset', 'query', false, 0], ['content_type', 'query', false, undefined]]);
    expect(Object.keys(list.responses)).toEqual(['200', '400', '401', '404', '413', '415', '429', '500', '503']);
    expect(Object.keys(list.responses['200']!.content!)).toEqual(['application/json']);
    const generate = doc.paths['/api/v1/content/generate']!.post! as unknown as { requestBody: { required: boolean; content: Record<string, { schema: { required: string[] } }> } };
    expect(generate.requestBody.required).toBe(true);
    expect(generate.requestBody.content['application/json']!.schema.required).toEqual(['topic', 'content_type']);
    expect(Object.keys(doc.paths['/metrics']!.get!.responses['200']!.content!)).toEqual(['text/plain']);
  });

  it('is the same document at /docs/yaml', async () => {
    const res = await app.inject({ url: '/docs/yaml' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/x-yaml/);
    expect(parseYaml(res.body)).toEqual(doc);
  });
});

describe('/docs', () => {
  it('answers without a key, with the app\'s security headers on the UI, its assets and the document', async () => {
    for (const url of ['/docs', '/docs/', '/docs/json', '/docs/yaml', '/docs/static/swagger-ui-bundle.js', '/docs/static/swagger-ui.css', '/docs/static/swagger-initializer.js']) {
      const res = await app.inject({ url });
      expect(res.statusCode, url).toBe(200);
      expectAppHeaders(res, url);
    }
    const ui = await app.inject({ url: '/docs' });
    expect(ui.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(ui.body).toContain('<div id="swagger-ui"></div>');
    // Nothing inline, nothing from elsewhere: the app's CSP (script-src 'self') holds.
    expect(ui.body).not.toMatch(/<script>|<style|\son[a-z]+=|https?:\/\//i);
  });

  it('answers 404, never 500, for a docs asset that does not exist', async () => {
    const res = await app.inject({ url: '/docs/static/nope.js' });
    expect(res.statusCode).toBe(404);
    expectAppHeaders(res, 'missing docs asset');
  });
});

describe('/docs in Chromium', () => {
  let browser: Browser;
  let base: string;
  beforeAll(async () => {
    await app.listen({ host: '127.0.0.1', port: 0 });
    base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    browser = await launchChromium();
  });
  afterAll(async () => { await browser?.close(); });

  it('renders every operation under the app\'s CSP, loading nothing from elsewhere', async () => {
    const page = await (await browser.newContext()).newPage();
    const external: string[] = [];
    const problems: string[] = [];
    page.on('request', (r) => { if (!r.url().startsWith(base) && !r.url().startsWith('data:')) external.push(r.url()); });
    page.on('pageerror', (e) => problems.push(e.message));
    page.on('console', (m) => { if (m.type() === 'error') problems.push(m.text()); });
    await page.goto(`${base}/docs`);
    await page.locator('.opblock').first().waitFor();
    expect(await page.locator('.opblock').count()).toBe(operations().length);
    expect(await page.locator('.info .title').textContent()).toContain('La Factoria');
    expect(problems).toEqual([]);
    expect(external).toEqual([]);
    await page.context().close();
  });
});
