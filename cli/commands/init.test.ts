/**
 * `shipcheck init` as a user runs it: against the included API's own OpenAPI document (the
 * written config describes exactly its parameter-free reads, and each one answers as the file
 * expects), from fixture documents, without a document, and each way input can be wrong:
 * one line, exit 104, nothing written.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { freePort } from '../../harness/free-port.ts';
import { startIncludedApi, type IncludedApi } from '../../harness/included-api.ts';
import { projectRoot } from '../../harness/project-root.ts';
import { expectationProblems } from '../../harness/target/expectations.ts';
import { chooseTarget, loadConfigFile } from '../../harness/target/load-config.ts';
import type { Target } from '../../harness/target/types.ts';
import { runCli } from '../run-cli.ts';

const fixture = (name: string) => path.join(projectRoot, 'harness', 'target', 'fixtures', name);

/** A user's project folder with shipcheck installed (a link to this checkout). */
const made: string[] = [];
afterAll(() => { for (const d of made) fs.rmSync(d, { recursive: true, force: true }); });
function project(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shipcheck-init-'));
  made.push(dir);
  fs.mkdirSync(path.join(dir, 'node_modules'));
  fs.symlinkSync(projectRoot, path.join(dir, 'node_modules', 'shipcheck'), 'dir');
  return dir;
}
const filesIn = (dir: string) => fs.readdirSync(dir).filter((f) => f !== 'node_modules').sort();

/** runCli in this process: exit code and what it printed. */
async function init(args: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((m: string) => { out.push(m); });
  const error = vi.spyOn(console, 'error').mockImplementation((m: string) => { err.push(m); });
  try {
    return { code: await runCli(['init', ...args]), out, err };
  } finally {
    log.mockRestore();
    error.mockRestore();
  }
}

/** The file's // comments, each run of lines as one sentence (they wrap at 100 columns). */
function comments(text: string): string[] {
  const runs: string[][] = [];
  let prev = false;
  for (const line of text.split('\n')) {
    const m = /^\s*\/\/ (.*)$/.exec(line);
    if (m && prev) runs.at(-1)!.push(m[1]!);
    else if (m) runs.push([m[1]!]);
    prev = Boolean(m);
  }
  return runs.map((r) => r.join(' '));
}

const load = async (file: string): Promise<Target> => chooseTarget(await loadConfigFile(file));
const routes = (t: Target) => t.endpoints.map((e) => `${e.name}${e.auth ? ' (auth)' : ''}`);

describe('shipcheck init --from-openapi on the included API', () => {
  let api: IncludedApi;
  // Keys enough for the gate's load to spread over: the API limits each key's rate.
  beforeAll(async () => { api = await startIncludedApi({ keys: 50, seed: 5 }); });
  afterAll(async () => { await api?.stop(); });

  it('writes a config of its parameter-free GET routes, bearer auth from API_KEY, its health probes and / as a page', async () => {
    const dir = project();
    const out = path.join(dir, 'shipcheck.config.ts');
    const r = await init(['--from-openapi', `${api.url}/docs/json`, '--target', api.url, '--out', out]);
    expect(r.err).toEqual([]);
    expect(r.code).toBe(0);
    expect(r.out).toEqual([
      `Wrote ${out}: target "la-factoria" at ${api.url}, 10 endpoints, health /health and /api/v1/health, 1 page, bearer auth from $API_KEY.`,
      'Left out 2 GET operations that need values the document cannot give (listed in the file).',
      `Next: shipcheck gate --config ${out}`,
    ]);
    expect(filesIn(dir)).toEqual(['shipcheck.config.ts']);

    const t = await load(out);
    expect(t.name).toBe('la-factoria');
    expect(t.baseUrl).toBe(api.url);
    expect(t.start).toBeUndefined();
    expect(routes(t)).toEqual([
      'GET /docs', 'GET /docs/json', 'GET /docs/yaml', 'GET /health', 'GET /api/v1/health', 'GET /api/v1/health/detailed',
      'GET /api/v1/content (auth)', 'GET /metrics', 'GET /api/v1/metrics (auth)', 'GET /api/v1/metrics/educational (auth)',
    ]);
    expect(t.endpoints.every((e) => e.weight === 1 && e.group === 'api' && e.method === 'GET')).toBe(true);
    expect(t.auth).toEqual({ type: 'bearer', header: 'authorization', tokenEnv: 'API_KEY', poolEnv: 'API_KEYS' });
    expect(t.health.liveness).toMatchObject({ path: '/health', auth: false, expect: { status: [200] } });
    expect(t.health.readiness).toMatchObject({ path: '/api/v1/health', auth: false, expect: { status: [200] } });
    expect(t.pages.map((p) => [p.name, p.path])).toEqual([['home', '/']]);
    expect(t.slo).toEqual({ groups: { api: { p95Ms: 200, p99Ms: 500 } }, errorRate: 0.01, checksRate: 0.99, healthP99Ms: 100 });
    expect(t.sizing).toEqual({ users: 500, requestsPerHour: 10_000, thinkTimeSeconds: [1, 5], spikeFactor: 3 });
    const text = fs.readFileSync(out, 'utf8');
    expect(text).toContain('//   GET /api/v1/content/{id}: needs the path parameter "id"');
    expect(text).toContain('//   GET /api/v1/users/{id}/export: needs the path parameter "id"');
    expect(comments(text)).toContain('The document\'s scheme "bearerAuth": a bearer token, read from $API_KEY. A pool spreads load over many keys: set API_KEYS to a comma-separated list of keys when the service limits each key\'s rate.');

    // What the file expects is what the service answers: every endpoint and probe, with the key where it says so.
    for (const e of [...t.endpoints, t.health.liveness, t.health.readiness!]) {
      const res = await fetch(`${t.baseUrl}${e.path}`, { headers: e.auth ? { authorization: `Bearer ${api.apiKey}` } : {} });
      const problems = expectationProblems(e.expect, { status: res.status, contentType: res.headers.get('content-type') ?? undefined, body: await res.text() });
      expect(problems, e.path).toEqual([]);
    }
    // ... and the routes it marks as needing the key refuse a caller without one.
    for (const e of t.endpoints.filter((x) => x.auth)) expect((await fetch(`${t.baseUrl}${e.path}`)).status, e.path).toBe(401);
  });

  it('gates the service with what it wrote, unedited: shipcheck gate --config FILE passes (profile test)', async () => {
    const dir = project();
    const out = path.join(dir, 'shipcheck.config.ts');
    expect((await init(['--from-openapi', `${api.url}/docs/json`, '--target', api.url, '--out', out])).code).toBe(0);
    const child = spawn(process.execPath, [path.join(projectRoot, 'bin', 'shipcheck.mjs'), 'gate', '--config', out, '--target', api.url, '--profile', 'test', '--out', path.join(dir, 'result'), '--quiet'], {
      cwd: dir, env: { ...process.env, API_KEY: api.apiKey, API_KEYS: api.apiKeys.join(',') }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (c) => { output += c; });
    child.stderr.on('data', (c) => { output += c; });
    const code = await new Promise<number | null>((r) => child.once('exit', r));
    expect(output).toMatch(/^GATE PASS {2}\(exit 0\) {2}la-factoria$/m);
    expect(output).toMatch(/^ {2}pass {8}smoke {20}\d+ passed, 0 failed$/m);
    expect(output).toMatch(/^ {2}pass {8}load {21}all \d+ thresholds passed$/m);
    expect(output).not.toContain(api.apiKey);
    expect(code).toBe(0);
  }, 300_000);

  it('refuses to overwrite the file without --force, and replaces it with --force', async () => {
    const dir = project();
    const out = path.join(dir, 'shipcheck.config.ts');
    fs.writeFileSync(out, '// my own config\n');
    const refused = await init(['--from-openapi', `${api.url}/docs/yaml`, '--out', out]);
    expect(refused.code).toBe(104);
    expect(refused.err).toEqual([`shipcheck: ${out} already exists, and shipcheck init does not overwrite it. Pass --force to replace it, or --out FILE to write another file.`]);
    expect(fs.readFileSync(out, 'utf8')).toBe('// my own config\n');

    const forced = await init(['--from-openapi', `${api.url}/docs/yaml`, '--out', out, '--force', '--name', 'factoria', '--token-env', 'FACTORIA_TOKEN']);
    expect(forced.code).toBe(0);
    const t = await load(out);
    expect(t.name).toBe('factoria');
    // Without --target: the default local URL, and no request to it for a page.
    expect(t.baseUrl).toBe('http://127.0.0.1:3000');
    expect(t.pages).toEqual([]);
    expect(t.auth).toEqual({ type: 'bearer', header: 'authorization', tokenEnv: 'FACTORIA_TOKEN', poolEnv: 'FACTORIA_TOKENS' });
    expect(t.endpoints).toHaveLength(10);
    expect(filesIn(dir)).toEqual(['shipcheck.config.ts']);
  });
});

describe('shipcheck init from fixture documents', () => {
  it('Swagger 2 with an API key header: header auth, the reads under the basePath, the probes', async () => {
    const dir = project();
    const out = path.join(dir, 'shipcheck.config.ts');
    const r = await init(['--from-openapi', fixture('petstore-swagger2.json'), '--out', out]);
    expect(r.code).toBe(0);
    const t = await load(out);
    expect(t.name).toBe('pet-store');
    expect(t.description).toBe('Pets for sale.');
    expect(t.auth).toEqual({ type: 'header', header: 'x-api-key', tokenEnv: 'API_KEY', poolEnv: 'API_KEYS' });
    expect(routes(t)).toEqual(['GET /v2/healthz', 'GET /v2/readyz', 'GET /v2/pets (auth)', 'GET /v2/stores/search (auth)', 'GET /v2/reports (auth)']);
    expect(t.endpoints.find((e) => e.key === 'searchStores')!.query).toEqual({ sort: 'name' });
    expect(t.endpoints.find((e) => e.key === 'reports')!.expect).toEqual({ status: [200, 202], contentType: 'text/csv', json: {} });
    expect([t.health.liveness.path, t.health.readiness?.path]).toEqual(['/v2/healthz', '/v2/readyz']);
  });

  it('OpenAPI 3.1 YAML with bearer auth: parameterised routes left out', async () => {
    const dir = project();
    const out = path.join(dir, 'chat.config.ts');
    const r = await init(['--from-openapi', fixture('chat-openapi31.yaml'), '--out', out]);
    expect(r.code).toBe(0);
    expect(r.out[1]).toBe('Left out 3 GET operations that need values the document cannot give (listed in the file).');
    const t = await load(out);
    expect(t.name).toBe('campus-chatbot');
    expect(t.auth).toEqual({ type: 'bearer', header: 'authorization', tokenEnv: 'API_KEY', poolEnv: 'API_KEYS' });
    expect(routes(t)).toEqual(['GET /api/status', 'GET /api/conversations (auth)', 'GET /api/models', 'GET /api/docs']);
    expect(t.health.liveness.path).toBe('/api/status');
    expect(t.health.readiness).toBeUndefined();
  });

  it('an API key in the query: no auth, and the file says why', async () => {
    const dir = project();
    const out = path.join(dir, 'shipcheck.config.ts');
    expect((await init(['--from-openapi', fixture('query-key-openapi30.json'), '--out', out])).code).toBe(0);
    const t = await load(out);
    expect(t.name).toBe('weather');
    expect(t.auth).toEqual({ type: 'none' });
    expect(routes(t)).toEqual(['GET /ping']);
    expect(comments(fs.readFileSync(out, 'utf8'))).toContain('The document\'s scheme "key" sends an API key in the query "appid", which shipcheck cannot send (it sends a bearer token or a header), so requests go without credentials and the routes that need them are left out.');
  });
});

describe('shipcheck init without a document', () => {
  let server: http.Server;
  let base: string;
  beforeAll(async () => {
    // A service whose / is JSON, not a page.
    server = http.createServer((_req, res) => { res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}'); });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => { await new Promise((r) => server.close(r)); });

  it('writes the minimal starter through the real entry point (bin/shipcheck.mjs), in the working directory', async () => {
    const dir = project();
    const child = spawn(process.execPath, [path.join(projectRoot, 'bin', 'shipcheck.mjs'), 'init', '--target', base, '--name', 'chatbot'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (c) => { output += c; });
    child.stderr.on('data', (c) => { output += c; });
    const code = await new Promise<number | null>((r) => child.once('exit', r));
    expect(output).toBe([
      `Wrote shipcheck.config.ts: target "chatbot" at ${base}, 1 endpoint, health /health, 0 pages, no auth.`,
      `GET ${base}/ answered 200 application/json, not an HTML page, so there is no page to open. Add pages: { home: { path: '/your-page' } } for one.`,
      'Next: shipcheck gate --config shipcheck.config.ts',
      '',
    ].join('\n'));
    expect(code).toBe(0);
    const t = await load(path.join(dir, 'shipcheck.config.ts'));
    expect(t).toMatchObject({ name: 'chatbot', baseUrl: base, auth: { type: 'none' }, health: { liveness: { path: '/health' } }, pages: [] });
    expect(routes(t)).toEqual(['GET /health']);
  });

  it('names a target after the URL\'s host, and says when / did not answer', async () => {
    const dir = project();
    const out = path.join(dir, 'shipcheck.config.ts');
    const closed = `http://127.0.0.1:${await freePort()}`;
    const r = await init(['--target', closed, '--out', out]);
    expect(r.code).toBe(0);
    expect(r.out[1]).toBe(`GET ${closed}/ did not answer (ECONNREFUSED), so no page was added. Add pages: { home: { path: '/' } } when it serves one.`);
    expect((await load(out)).name).toBe('127-0-0-1');
  });
});

describe('shipcheck init refuses bad input with one line, exit 104, and writes nothing', () => {
  const fix = 'Give --from-openapi an OpenAPI 3.x or Swagger 2.0 document: a .json or .yaml file, or the http(s) URL that serves it. Nothing was written.';
  it.each([
    ['a missing file', ['--from-openapi', 'no/such/openapi.json'], 'Cannot use the OpenAPI document no/such/openapi.json: no such file. Check the path given to --from-openapi. Nothing was written.'],
    ['a file that is not YAML', ['--from-openapi', fixture('not-yaml.yaml')], `Cannot use the OpenAPI document ${fixture('not-yaml.yaml')}: it is not valid YAML (Nested mappings are not allowed in compact mappings at line 3, column 10). ${fix}`],
    ['a file that is not an OpenAPI document', ['--from-openapi', fixture('not-openapi.json')], `Cannot use the OpenAPI document ${fixture('not-openapi.json')}: it is not an OpenAPI document (it has no "openapi" or "swagger" field). ${fix}`],
    ['an invalid document', ['--from-openapi', fixture('invalid-openapi.json')], `Cannot use the OpenAPI document ${fixture('invalid-openapi.json')}: it is not a valid OpenAPI 3.0.3 document: #/info must have required property 'version'. Fix the document (or the service that generates it) where the validator points. Nothing was written.`],
    ['--out that is not TypeScript', ['--out', 'shipcheck.config.json'], 'Invalid value for --out: "shipcheck.config.json". shipcheck init writes TypeScript: give a file name ending in .ts (shipcheck.config.ts is found without --config).'],
    ['a --name that is no target name', ['--name', 'My Service'], 'Invalid value for --name: "My Service". A target name is lowercase letters, digits and "-", starting with a letter or digit, at most 63 characters.'],
    ['a --token-env that is no variable name', ['--token-env', 'api-key'], 'Invalid value for --token-env: "api-key". Give an environment variable name like API_KEY.'],
    ['a --target that is no URL', ['--target', '127.0.0.1:3000'], 'Invalid value for --target: "127.0.0.1:3000". Give the service\'s base URL, like http://127.0.0.1:3000.'],
    ['a mistyped flag', ['--from-open-api', 'x.json'], 'init: unknown flag --from-open-api (did you mean --from-openapi?). Run "shipcheck init --help" for its flags.'],
  ])('%s', async (_label, args, message) => {
    const dir = project();
    const r = await init([...args, ...(args.includes('--out') ? [] : ['--out', path.join(dir, 'shipcheck.config.ts')])]);
    expect(r.err).toEqual([`shipcheck: ${message}`]);
    expect(r.code).toBe(104);
    expect(r.out).toEqual([]);
    expect(filesIn(dir)).toEqual([]);
  });

  it('a URL nothing answers at', async () => {
    const dir = project();
    const url = `http://127.0.0.1:${await freePort()}/docs/json`;
    const r = await init(['--from-openapi', url, '--out', path.join(dir, 'shipcheck.config.ts')]);
    expect(r.err).toEqual([`shipcheck: Cannot use the OpenAPI document ${url}: the request failed (ECONNREFUSED). Check that the service is up and that the URL is the one serving its document (e.g. http://127.0.0.1:3000/docs/json). Nothing was written.`]);
    expect(r.code).toBe(104);
    expect(filesIn(dir)).toEqual([]);
  });

  it('a document whose config the loader refuses, naming the problem', async () => {
    const dir = project();
    const out = path.join(dir, 'shipcheck.config.ts');
    const source = fixture('comma-path-openapi30.json');
    const r = await init(['--from-openapi', source, '--out', out]);
    expect(r.code).toBe(104);
    expect(r.err).toHaveLength(1);
    expect(r.err[0]).toContain(`shipcheck: The config made from ${source} does not pass shipcheck's own checks, so nothing was written to ${out}:`);
    expect(r.err[0]).toContain('targets.odd-paths.endpoints.itemsAll.path: "/items,all" holds a "," or an unmatched brace');
    expect(filesIn(dir)).toEqual([]);
  });
});
