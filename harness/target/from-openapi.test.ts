/**
 * Reading OpenAPI documents as users hand them over (files and URLs, JSON and YAML, Swagger 2
 * and OpenAPI 3.x) and what a starter config takes from them; each way a document can be
 * unusable is one clear message.
 */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../free-port.ts';
import { isShipcheckError } from '../errors.ts';
import { draftFromOpenApi, readOpenApiDocument } from './from-openapi.ts';

const fixture = (name: string) => path.join(import.meta.dirname, 'fixtures', name);

async function messageOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    if (isShipcheckError(e)) {
      expect(e.exitCode).toBe(104);
      return e.message;
    }
    throw e;
  }
  throw new Error('expected an error');
}

const made: string[] = [];
afterAll(() => { for (const d of made) fs.rmSync(d, { recursive: true, force: true }); });
const scratch = () => { const d = fs.mkdtempSync(path.join(os.tmpdir(), 'shipcheck-openapi-')); made.push(d); return d; };

const DOC_FIX = 'Give --from-openapi an OpenAPI 3.x or Swagger 2.0 document: a .json or .yaml file, or the http(s) URL that serves it. Nothing was written.';

describe('what a starter takes from a document', () => {
  it('Swagger 2 with an API key in a header: health probes, parameter-free GETs under the basePath, header auth', async () => {
    const doc = await readOpenApiDocument(fixture('petstore-swagger2.json'));
    expect(doc).toMatchObject({ version: 'Swagger 2.0', title: 'Pet Store', description: 'Pets for sale.\nSecond line of the description.' });
    expect(draftFromOpenApi(doc, { tokenEnv: 'PETS_TOKEN' })).toEqual({
      auth: { type: 'header', header: 'X-API-Key', tokenEnv: 'PETS_TOKEN', poolEnv: 'PETS_TOKENS' },
      authNote: 'The document\'s scheme "api_key": an API key in the header X-API-Key, read from $PETS_TOKEN. A pool spreads load over many keys: set PETS_TOKENS to a comma-separated list of keys when the service limits each key\'s rate.',
      liveness: '/v2/healthz',
      readiness: '/v2/readyz',
      healthNote: 'The health routes the document names.',
      endpoints: [
        { key: 'healthz', route: 'GET /healthz', summary: 'Liveness', config: { path: '/v2/healthz', auth: false, weight: 1, expect: { status: 200 } } },
        { key: 'readyz', route: 'GET /readyz', summary: 'Readiness', config: { path: '/v2/readyz', auth: false, weight: 1, expect: { status: 200 } } },
        { key: 'listPets', route: 'GET /pets', summary: 'List pets', config: { path: '/v2/pets', auth: true, weight: 1, expect: { status: 200, contentType: 'application/json' } } },
        // A required parameter with a default is sent with it.
        { key: 'searchStores', route: 'GET /stores/search', summary: 'Search stores', config: { path: '/v2/stores/search', query: { sort: 'name' }, auth: true, weight: 1, expect: { status: 200, contentType: 'application/json' } } },
        // An operationId that is no endpoint key gives way to the path; two 2xx are both right.
        { key: 'reports', route: 'GET /reports', config: { path: '/v2/reports', auth: true, weight: 1, expect: { status: [200, 202], contentType: 'text/csv' } } },
      ],
      skipped: ['GET /pets/{petId}: needs the path parameter "petId"', 'GET /stores/inventory: needs the query parameter "region"'],
    });
  });

  it('OpenAPI 3.1 in YAML with bearer auth: parameterised routes left out, optional auth public, the server path kept', async () => {
    const doc = await readOpenApiDocument(fixture('chat-openapi31.yaml'));
    expect(doc).toMatchObject({ version: 'OpenAPI 3.1.0', title: 'Campus Chatbot' });
    expect(draftFromOpenApi(doc, { tokenEnv: 'API_KEY' })).toEqual({
      auth: { type: 'bearer', tokenEnv: 'API_KEY', poolEnv: 'API_KEYS' },
      authNote: 'The document\'s scheme "bearer": a bearer token, read from $API_KEY. A pool spreads load over many keys: set API_KEYS to a comma-separated list of keys when the service limits each key\'s rate.',
      liveness: '/api/status',
      healthNote: 'The health routes the document names.',
      endpoints: [
        { key: 'status', route: 'GET /status', summary: 'Is the service up', config: { path: '/api/status', auth: false, weight: 1, expect: { status: 200, contentType: 'application/json' } } },
        { key: 'conversations', route: 'GET /conversations', summary: 'The caller\'s conversations', config: { path: '/api/conversations', auth: true, weight: 1, expect: { status: 200, contentType: 'application/json' } } },
        { key: 'models', route: 'GET /models', summary: 'Models on offer (a token is optional)', config: { path: '/api/models', auth: false, weight: 1, expect: { status: 200, contentType: 'application/json' } } },
        { key: 'docs', route: 'GET /docs', summary: 'The docs page', config: { path: '/api/docs', auth: false, weight: 1, expect: { status: 200, contentType: 'text/html' } } },
      ],
      skipped: [
        'GET /conversations/{conversationId}: needs the path parameter "conversationId"',
        'GET /conversations/{conversationId}/messages: needs the path parameter "conversationId"',
        'GET /search: needs the query parameter "q" and the header parameter "X-Tenant"',
      ],
    });
  });

  it('an API key in the query string: no auth, saying why, and the routes that need it left out', async () => {
    const draft = draftFromOpenApi(await readOpenApiDocument(fixture('query-key-openapi30.json')), { tokenEnv: 'API_KEY' });
    expect(draft.auth).toEqual({ type: 'none' });
    expect(draft.authNote).toBe('The document\'s scheme "key" sends an API key in the query "appid", which shipcheck cannot send (it sends a bearer token or a header), so requests go without credentials and the routes that need them are left out.');
    expect(draft.endpoints).toEqual([{ key: 'ping', route: 'GET /ping', config: { path: '/ping', weight: 1, expect: { status: 204 } } }]);
    expect(draft.liveness).toBe('/ping');
    expect(draft.skipped).toEqual(['GET /forecast: needs credentials shipcheck cannot send']);
  });

  it('a document without health routes: /health, said to be a guess', async () => {
    const tmp = scratch();
    const file = path.join(tmp, 'items.json');
    fs.writeFileSync(file, JSON.stringify({ openapi: '3.0.3', info: { title: 'Items', version: '1' }, paths: { '/items': { get: { responses: { 200: { description: 'ok' } } } } } }));
    const draft = draftFromOpenApi(await readOpenApiDocument(file), { tokenEnv: 'API_KEY' });
    expect(draft.liveness).toBe('/health');
    expect(draft.readiness).toBeUndefined();
    expect(draft.healthNote).toBe('The document names no health route (health, healthz, livez, readyz, ping, status): /health is a guess; change it to your liveness probe.');
    expect(draft.endpoints.map((e) => e.config.path)).toEqual(['/items']);
  });
});

describe('documents that cannot be used', () => {
  let server: http.Server;
  let base: string;
  const hanging: http.ServerResponse[] = [];
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      if (req.url === '/chat.yaml') res.writeHead(200, { 'content-type': 'application/yaml' }).end(fs.readFileSync(fixture('chat-openapi31.yaml')));
      else if (req.url === '/hang') hanging.push(res);
      else res.writeHead(404, { 'content-type': 'text/plain' }).end('not here');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    for (const res of hanging) res.destroy();
    await new Promise((r) => server.close(r));
  });

  it('reads a URL once, YAML by its content', async () => {
    const doc = await readOpenApiDocument(`${base}/chat.yaml`);
    expect(doc).toMatchObject({ source: `${base}/chat.yaml`, version: 'OpenAPI 3.1.0', title: 'Campus Chatbot' });
  });

  it.each([
    ['a missing file', () => fixture('nope.json'), 'no such file. Check the path given to --from-openapi. Nothing was written.'],
    ['a directory', () => path.join(import.meta.dirname, 'fixtures'), 'it is a directory. Give the document file itself. Nothing was written.'],
    // The parser's own words vary with the Node version; what shipcheck says around them does not.
    ['broken JSON', () => fixture('not-json.json'), new RegExp(`^it is not valid JSON \\(.*(position|column) \\d+.*\\)\\. ${DOC_FIX.replace(/[.()]/g, '\\$&')}$`)],
    ['broken YAML', () => fixture('not-yaml.yaml'), `it is not valid YAML (Nested mappings are not allowed in compact mappings at line 3, column 10). ${DOC_FIX}`],
    ['JSON that is no OpenAPI document', () => fixture('not-openapi.json'), `it is not an OpenAPI document (it has no "openapi" or "swagger" field). ${DOC_FIX}`],
    ['a document that fails validation', () => fixture('invalid-openapi.json'), "it is not a valid OpenAPI 3.0.3 document: #/info must have required property 'version'. Fix the document (or the service that generates it) where the validator points. Nothing was written."],
  ])('%s', async (_label, source, reason) => {
    const file = source();
    const message = await messageOf(readOpenApiDocument(file));
    const prefix = `Cannot use the OpenAPI document ${file}: `;
    expect(message.startsWith(prefix), message).toBe(true);
    if (typeof reason === 'string') expect(message.slice(prefix.length)).toBe(reason);
    else expect(message.slice(prefix.length)).toMatch(reason);
  });

  it('text that is YAML but holds no object', async () => {
    const tmp = scratch();
    const file = path.join(tmp, 'notes.yaml');
    fs.writeFileSync(file, 'just a sentence, not a document\n');
    expect(await messageOf(readOpenApiDocument(file))).toBe(`Cannot use the OpenAPI document ${file}: it is not an OpenAPI document (it holds a string, not an object). ${DOC_FIX}`);
  });

  it('a URL that answers 404, one nothing listens on, and one that never answers', async () => {
    const fix = 'Check that the service is up and that the URL is the one serving its document (e.g. http://127.0.0.1:3000/docs/json). Nothing was written.';
    expect(await messageOf(readOpenApiDocument(`${base}/openapi.json`))).toBe(`Cannot use the OpenAPI document ${base}/openapi.json: it answered HTTP 404. ${fix}`);
    const closed = `http://127.0.0.1:${await freePort()}/openapi.json`;
    expect(await messageOf(readOpenApiDocument(closed))).toBe(`Cannot use the OpenAPI document ${closed}: the request failed (ECONNREFUSED). ${fix}`);
    expect(await messageOf(readOpenApiDocument(`${base}/hang`, { timeoutMs: 300 }))).toBe(`Cannot use the OpenAPI document ${base}/hang: no answer within 0.3 s. ${fix}`);
    expect(hanging).toHaveLength(1);
  });
});
