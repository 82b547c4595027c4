/**
 * The load shapes as users get them: bundled for a target (the target embedded), run through
 * runLoad() with the Node engine at PROFILE=test against the included API (the root config's
 * la-factoria target, opened as the gate opens it), and against a stand-in service on
 * loopback that breaks each kind of SLO on purpose. Latency limits are relaxed for the
 * included API (tests never assert speed); the stand-in's injected delays and values are far
 * above its limits, so a busy machine cannot flip a verdict.
 */
import fs from 'node:fs/promises';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleScript, bundleShape, scriptToRun, SHAPES } from '../engine/bundle.ts';
import type { LoadResult } from '../engine/run-load.ts';
import { runLoadInChild, type SerializableOptions } from '../engine/testing/run-load-in-child.ts';
import { shipcheck, startServer, type TestServer } from '../engine/testing/harness.ts';
import { projectRoot } from '../harness/project-root.ts';
import type { K6Group, RunMeta } from '../harness/result-types.ts';
import { openTarget, type LiveTarget } from '../harness/target/live-target.ts';
import { chooseTarget, loadProjectConfig } from '../harness/target/load-config.ts';
import { resolveTarget } from '../harness/target/resolve.ts';
import type { LoadShape, Target } from '../harness/target/types.ts';
import { ROUTES } from './la-factoria/lib/routes.ts';

const K6_MODULE = /^k6(\/[a-z-]+)*$/;
/** What a shape's bundle may inline besides scenarios/: the portable harness helpers (types.ts holds types only). */
const PORTABLE = ['harness/target/placeholders.ts', 'harness/target/json-path.ts', 'harness/target/expectations.ts'];

let tmp: string;
let laFactoria: Target;
const laScripts = ['content-lifecycle', 'generation-100-concurrent', 'rate-limit'];
const laScript = (name: string) => path.join(projectRoot, 'scenarios', 'la-factoria', `${name}.ts`);

beforeAll(async () => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'shipcheck-scenarios-'));
  laFactoria = chooseTarget(await loadProjectConfig({ file: path.join(projectRoot, 'shipcheck.config.ts') }), {});
});
afterAll(async () => {
  await fs.rm(tmp, { recursive: true, force: true });
});

/** What a bundle imports at run time, read by esbuild from the bundle itself. */
async function importsOf(file: string): Promise<{ imports: string[]; exports: string[] }> {
  const result = await build({
    entryPoints: [file], bundle: true, write: false, metafile: true, format: 'esm', platform: 'neutral',
    external: ['*'], logLevel: 'silent', outdir: path.join(tmp, 'shape'),
  });
  const out = Object.values(result.metafile.outputs)[0]!;
  return { imports: out.imports.map((i) => i.path), exports: out.exports };
}

/** The files a bundle inlined, from its source map, relative to the project. */
async function sourcesOf(file: string): Promise<string[]> {
  const map = JSON.parse(await fs.readFile(`${file}.map`, 'utf8')) as { sources: string[] };
  return map.sources.map((s) => (s.includes(':') ? s : path.relative(projectRoot, path.resolve(path.dirname(file), s)))).sort();
}

describe('shape bundles', () => {
  const bundles = new Map<LoadShape, string>();
  beforeAll(async () => {
    for (const shape of SHAPES) bundles.set(shape, await bundleShape(shape, laFactoria, path.join(tmp, 'dist', `${shape}.js`)));
  });

  it('has one file per load shape, named after it', async () => {
    const files = (await fs.readdir(path.join(projectRoot, 'scenarios'))).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts')).sort();
    expect(files).toEqual([...SHAPES].map((s) => `${s}.ts`).sort());
  });

  it('imports only k6 modules, inlines scenarios/lib and the portable harness helpers, and exports what its scenarios run', async () => {
    for (const [shape, file] of bundles) {
      const { imports, exports } = await importsOf(file);
      for (const i of imports) expect(i, `${shape} imports ${i}`).toMatch(K6_MODULE);
      // The smoke VU probes and samples itself; the other shapes run observers beside the load.
      expect(exports, shape).toEqual(expect.arrayContaining(shape === 'smoke' ? ['default', 'options', 'setup'] : ['default', 'options', 'setup', 'probe', 'sample']));
      const sources = await sourcesOf(file);
      for (const s of sources) {
        const allowed = s === 'shipcheck-target:shipcheck:target' || /^scenarios\/(lib\/)?[\w-]+\.ts$/.test(s) || PORTABLE.includes(s);
        expect(allowed, `${shape} inlines ${s}`).toBe(true);
      }
      expect(sources, shape).toEqual(expect.arrayContaining([`scenarios/${shape}.ts`, 'scenarios/lib/target.ts', 'shipcheck-target:shipcheck:target', ...PORTABLE]));
      const text = await fs.readFile(file, 'utf8');
      expect(text, shape).not.toMatch(/from ["']\.{1,2}\//);
      expect(text, shape).toMatch(/\/\/# sourceMappingURL=[\w-]+\.js\.map\s*$/);
    }
  });

  it('embeds the target, without paths of this machine', async () => {
    const text = await fs.readFile(bundles.get('users')!, 'utf8');
    expect(text).toContain('"name": "la-factoria"');
    expect(text).toContain('"name": "GET /api/v1/content/:id"');
    expect(text).toContain('"tokenEnv": "API_KEY"');
    expect(text).not.toContain(projectRoot);
  });

  it('keeps async/await native and uses no sync http or sleep', async () => {
    for (const [shape, file] of bundles) {
      const text = await fs.readFile(file, 'utf8');
      expect(text, shape).toMatch(/\basync function\b/);
      expect(text, shape).toMatch(/\bawait http\d*\.asyncRequest\(/);
      // esbuild's down-levelling helper for async functions would mean a too-old target.
      expect(text, shape).not.toContain('__async(');
      expect(text, shape).not.toMatch(/\bhttp\d*\.(get|post|put|del|request|batch)\(/);
      expect(text, shape).not.toMatch(/\bsleep\(/);
    }
  });

  it("names no included-API route outside La Factoria's own scripts", async () => {
    const routes = Object.values(ROUTES).filter((r) => r.startsWith('/api/') || r.startsWith('/static/')).map((r) => r.replace(/\/:\w+.*$/, ''));
    const dir = path.join(projectRoot, 'scenarios');
    const files = [...(await fs.readdir(dir)).map((f) => path.join(dir, f)), ...(await fs.readdir(path.join(dir, 'lib'))).map((f) => path.join(dir, 'lib', f))]
      .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'));
    expect(files.length).toBeGreaterThan(SHAPES.length);
    for (const f of files) {
      const text = await fs.readFile(f, 'utf8');
      for (const r of routes) expect(text.includes(r), `${path.relative(projectRoot, f)} names ${r}`).toBe(false);
    }
  });

  it("bundles La Factoria's own scripts from their own lib and the target-free helpers, importing only k6 modules", async () => {
    for (const name of laScripts) {
      const file = await scriptToRun(laScript(name));
      for (const i of (await importsOf(file)).imports) expect(i, `${name} imports ${i}`).toMatch(K6_MODULE);
      // Profiles and pauses are shared; nothing that embeds a target is.
      for (const s of await sourcesOf(file)) expect(s, name).toMatch(/^scenarios\/(la-factoria\/|lib\/(profile|pause)\.ts$)/);
    }
  });

  it('names the file, line and column of a syntax error', async () => {
    const bad = path.join(tmp, 'broken.ts');
    await fs.writeFile(bad, "export const options = {};\nexport default async function () {\n  const x: number = ;\n}\n");
    await expect(bundleScript(bad, path.join(tmp, 'out', 'broken.js'))).rejects.toMatchObject({
      code: 'SHIPCHECK_ERR_BUNDLE',
      exitCode: 107,
      message: expect.stringMatching(/broken\.ts:3:21: Unexpected ";"/),
    });
  });

  it('refuses a Node module, which k6 cannot load, naming the import', async () => {
    const bad = path.join(tmp, 'uses-fs.ts');
    await fs.writeFile(bad, "import fs from 'node:fs';\nexport default async function () { fs.readFileSync('x'); }\n");
    await expect(bundleScript(bad, path.join(tmp, 'out', 'uses-fs.js'))).rejects.toMatchObject({
      code: 'SHIPCHECK_ERR_BUNDLE',
      message: expect.stringMatching(/uses-fs\.ts:1:\d+: .*node:fs/),
    });
  });

  it('refuses shipcheck:target in a script bundled without a target', async () => {
    const script = path.join(tmp, 'wants-target.ts');
    await fs.writeFile(script, "import target from 'shipcheck:target';\nexport default async function () { console.log(target.name); }\n");
    await expect(bundleScript(script, path.join(tmp, 'out', 'wants-target.js'))).rejects.toMatchObject({
      code: 'SHIPCHECK_ERR_BUNDLE',
      message: expect.stringContaining('"shipcheck:target" is filled only when the script is bundled for a target'),
    });
  });
});

type Run = LoadResult & { stderr: string };

/** runLoad() in a child process (the engine's module hooks do not apply inside vitest), as the CLI and the gate call it. */
async function load(live: Pick<LiveTarget, 'target' | 'env' | 'token' | 'pool' | 'secrets'>, label: string, o: SerializableOptions): Promise<Run> {
  const r = await runLoadInChild(live, { profile: 'test', engine: 'node', quiet: true, resultDir: path.join(tmp, 'runs', label), ...o });
  if (!r.result) throw new Error(`runLoad failed: ${r.error?.message ?? '(no result)'}\n--- stderr\n${r.stderr.slice(-4000)}`);
  return { ...r.result, stderr: r.stderr };
}

/** Why a run ended as it did: the crossed thresholds with their values, the engine's message and its output. */
function explain(r: Run): string {
  const crossed = r.crossed.map((c) => `${c.metric} ${c.threshold}: ${JSON.stringify(r.summary.metrics[c.metric]?.values)}`);
  return `exit ${r.exitCode}${r.message ? ` (${r.message})` : ''}\n--- crossed\n${crossed.join('\n') || '(none)'}\n--- stderr\n${r.stderr.slice(-3000)}`;
}

/** The same target with every latency limit at 10 s: these runs judge answers, counts and failures, never speed. */
function relaxed(t: Target): Target {
  const loose = (g: { p95Ms?: number; p99Ms?: number }) => ({ ...(g.p95Ms !== undefined ? { p95Ms: 10_000 } : {}), ...(g.p99Ms !== undefined ? { p99Ms: 10_000 } : {}) });
  return { ...t, slo: { ...t.slo, healthP99Ms: 10_000, groups: Object.fromEntries(Object.entries(t.slo.groups).map(([k, g]) => [k, g.p95Ms !== undefined && g.p95Ms > 10_000 ? g : loose(g)])) } };
}

function findCheck(group: K6Group, name: string): { passes: number; fails: number } | undefined {
  const here = group.checks.find((c) => c.name === name);
  if (here) return here;
  for (const g of group.groups) {
    const found = findCheck(g, name);
    if (found) return found;
  }
  return undefined;
}

describe('each shape at PROFILE=test through runLoad against the included API', () => {
  let live: LiveTarget;
  let nextSlice = 0;
  const results = new Map<string, Run>();
  /**
   * Each run gets keys no other run used: the API rate-limits per key (200 burst, 100/min),
   * so runs sharing keys would see each other's 429s, as real users sharing one key would.
   */
  const withFreshKeys = (n = 40, target: Target = live.target): LiveTarget => {
    const keys = live.pool.slice(nextSlice, nextSlice + n);
    nextSlice += n;
    if (keys.length < n) throw new Error('the test ran out of API keys: open the target with more');
    return { ...live, target, env: { API_KEY: keys[0]!, API_KEYS: keys.join(',') }, token: keys[0], pool: keys, secrets: keys };
  };
  const run = load;

  beforeAll(async () => {
    live = await openTarget(relaxed(laFactoria), { seed: 20, keys: 600 });
  }, 120_000);
  afterAll(async () => { await live?.stop(); });

  /** Phase sub-metrics that must have samples: the per-phase thresholds judged real requests. */
  const phased: Partial<Record<LoadShape, string[]>> = { stress: ['baseline', 'peak'], spike: ['baseline', 'spike', 'recovery'], soak: ['late'] };
  for (const shape of SHAPES) {
    it(`${shape} passes its thresholds (exit 0), probing health and sampling memory throughout`, async () => {
      const r = await run(withFreshKeys(), shape, { shape });
      results.set(shape, r);
      expect(r.exitCode, explain(r)).toBe(0);
      expect(r.engine).toBe('node');
      expect(r.crossed).toEqual([]);
      const m = r.summary.metrics;
      expect(m.http_reqs!.values.count, explain(r)).toBeGreaterThan(0);
      expect(m.checks!.values.fails, explain(r)).toBe(0);
      expect(m['http_req_duration{slo:health}']!.values.max, 'the probes ran').toBeGreaterThan(0);
      expect(m.resource_resident_memory!.values.max, 'the sampler read the API\'s resident memory').toBeGreaterThan(0);
      for (const phase of phased[shape] ?? []) {
        expect(m[`http_req_duration{slo:reads,phase:${phase}}`]?.values.max, `${shape}: no reads in phase ${phase}`).toBeGreaterThan(0);
      }
      const meta = JSON.parse(await fs.readFile(path.join(r.resultDir, 'meta.json'), 'utf8')) as RunMeta;
      expect(meta).toMatchObject({ kind: 'load', engine: 'node', targetName: 'la-factoria', profile: 'test', scenario: shape, exitCode: 0, target: live.target.baseUrl });
      expect(JSON.stringify(meta)).not.toMatch(/sc_u\d+_/); // API keys never reach meta.json
      const saved = JSON.parse(await fs.readFile(path.join(r.resultDir, 'target.json'), 'utf8')) as Target;
      expect(saved.baseUrl).toBe(live.target.baseUrl);
      expect(saved.name).toBe('la-factoria');
      await fs.access(path.join(r.resultDir, 'timeseries.json'));
      await fs.access(path.join(r.resultDir, `${shape}.js`));
    }, 120_000);
  }

  it('users holds every user at once and throughput delivers its requests on schedule', () => {
    const users = results.get('users')!;
    expect(users.summary.metrics.active_users!.values.max, explain(users)).toBe(5);
    const t = results.get('throughput')!;
    // 20/s for 3 s is 60 arrivals (± 1), each one request, made or counted as dropped.
    const made = t.summary.metrics['http_reqs{scenario:arrivals}']!.values.count!;
    const dropped = t.summary.metrics['dropped_iterations{scenario:arrivals}']?.values.count ?? 0;
    expect(made + dropped, explain(t)).toBeGreaterThanOrEqual(59);
    expect(made + dropped, explain(t)).toBeLessThanOrEqual(61);
    expect(t.summary.metrics.http_reqs!.values.count! - made, 'setup and probe requests are not arrivals').toBeGreaterThan(0);
  });

  it('smoke walks every endpoint of the journeys once, each judged by its own check', () => {
    const r = results.get('smoke')!;
    const names = r.summary.root_group.checks.map((c) => c.name).sort();
    expect(names).toEqual([
      'detailedHealth (GET /api/v1/health/detailed)', 'educationalMetrics (GET /api/v1/metrics/educational)', 'generate (POST /api/v1/content/generate)',
      'listContent (GET /api/v1/content)', 'listStudyGuides (GET /api/v1/content)', 'liveness (GET /health)', 'prometheus (GET /metrics)',
      'readContent (GET /api/v1/content/:id)', 'readiness (GET /api/v1/health)', 'serviceMetrics (GET /api/v1/metrics)',
    ].sort());
  });

  for (const name of ['content-lifecycle', 'generation-100-concurrent']) {
    it(`La Factoria's own ${name} script passes (exit 0)`, async () => {
      const r = await run(withFreshKeys(), name, { script: laScript(name), env: { SLO_API_P95_MS: '10000', SLO_API_P99_MS: '10000', SLO_HEALTH_P99_MS: '10000' } });
      expect(r.exitCode, explain(r)).toBe(0);
      expect(r.summary.metrics.checks!.values.fails, explain(r)).toBe(0);
      expect(r.summary.metrics.http_reqs!.values.count).toBeGreaterThan(5);
      const meta = JSON.parse(await fs.readFile(path.join(r.resultDir, 'meta.json'), 'utf8')) as RunMeta;
      expect(meta).toMatchObject({ kind: 'load', scenario: name, targetName: 'la-factoria' });
    }, 120_000);
  }

  it("La Factoria's rate-limit script drives one key into 429s with Retry-After, and those count as expected", async () => {
    const r = await run(withFreshKeys(2), 'rate-limit', { script: laScript('rate-limit'), env: { SLO_API_P95_MS: '10000', SLO_API_P99_MS: '10000' } });
    expect(r.exitCode, explain(r)).toBe(0);
    const m = r.summary.metrics;
    expect(m.rate_limited_responses!.values.count).toBeGreaterThan(0);
    expect(m.retry_after_present!.values.rate).toBe(1);
    expect(m.http_req_failed!.values.rate).toBeLessThan(0.01);
    expect(findCheck(r.summary.root_group, 'rate-limit: another key is not limited (limits are per key)')).toMatchObject({ fails: 0 });
    expect(findCheck(r.summary.root_group, 'rate-limit: served again after Retry-After')).toMatchObject({ fails: 0 });
  }, 120_000);

  it('a limit the target cannot meet fails the run with exit 99, naming the group and each endpoint', async () => {
    const impossible: Target = { ...live.target, slo: { ...live.target.slo, groups: { ...live.target.slo.groups, reads: { p95Ms: 0 } } } };
    const r = await run(withFreshKeys(1, impossible), 'impossible', { shape: 'smoke' });
    expect(r.exitCode, explain(r)).toBe(99);
    expect(r.crossed).toEqual(expect.arrayContaining([
      { metric: 'http_req_duration{slo:reads}', threshold: 'p(95)<0' },
      { metric: 'http_req_duration{name:GET /api/v1/content}', threshold: 'p(95)<0' },
      { metric: 'http_req_duration{name:GET /api/v1/metrics/educational}', threshold: 'p(95)<0' },
    ]));
    expect(r.message).toContain("thresholds on metrics 'http_req_duration{slo:reads}'");
  }, 120_000);

  it('aborts in setup with a clear message when the target is down (exit 108)', async () => {
    const closed = await closedPort();
    const down = { ...live.target, baseUrl: `http://127.0.0.1:${closed}` };
    const r = await run(withFreshKeys(1, down), 'down', { shape: 'users' });
    expect(r.exitCode, explain(r)).toBe(108);
    expect(r.message).toContain(`The target "la-factoria" at http://127.0.0.1:${closed} is not up: GET /health could not connect`);
  }, 120_000);

  it('aborts in setup when no token is given, or a key in the pool is refused (exit 108)', async () => {
    const none = await run({ ...live, env: {} }, 'no-token', { shape: 'users' });
    expect(none.exitCode, explain(none)).toBe(108);
    expect(none.message).toContain('No token for the target "la-factoria": set API_KEY (-e API_KEY=<token> with k6) (and -e API_KEYS=k1,k2,...');
    const good = withFreshKeys(3);
    const refused = await run({ ...good, env: { API_KEY: good.pool[0]!, API_KEYS: `${good.pool[1]},not-a-key,${good.pool[2]}` } }, 'bad-key', { shape: 'users' });
    expect(refused.exitCode, explain(refused)).toBe(108);
    expect(refused.message).toContain('The 3rd key in API_KEY/API_KEYS is not accepted by');
    expect(refused.message).toContain('(GET /api/v1/content answered HTTP 401)');
  }, 120_000);

  it('the stored bundle runs with `shipcheck run` like `k6 run`, and refuses an unknown profile naming the choices', async () => {
    const bundle = path.join(results.get('smoke')!.resultDir, 'smoke.js');
    const r = await shipcheck(['run', '--engine', 'node', '--quiet', bundle, '-e', 'PROFILE=huge']);
    expect(r.code, r.stderr).toBe(107);
    expect(r.stderr).toContain('PROFILE="huge" is not a profile: use one of test, ci, full, soak');
  }, 120_000);
});

// ---------------------------------------------------------------- a stand-in that breaks each SLO on purpose

/** Far above every limit below, so no machine is slow or fast enough to flip the verdict. */
const SLOW_MS = 1500;
const MEMORY_BYTES = 900 * 1024 * 1024;
const RETRIEVAL_S = 3;
const RETRIEVAL_HEADER_MS = 2500;
const BUCKETS = [0.1, 0.5, 1, 5];

interface StandIn { url: string; close(): Promise<void> }

/** A service on loopback: /fast, /slow (late), /chat (reports its retrieval time), and /metrics with what the test sets. */
async function startStandIn(): Promise<StandIn> {
  let scrapes = 0;
  const observed: number[] = [];
  const metrics = () => [
    '# HELP standin_memory_bytes What the test says the service uses.',
    '# TYPE standin_memory_bytes gauge',
    `standin_memory_bytes{area="heap"} ${MEMORY_BYTES - 1024}`,
    'standin_memory_bytes{area="stack"} 1024',
    '# TYPE standin_work_seconds_total counter',
    // 100 s of work per scrape: over a second apart, that is ~100 cores against a budget of 2.
    `standin_work_seconds_total ${100 * scrapes}`,
    '# TYPE standin_retrieval_seconds histogram',
    ...BUCKETS.map((b) => `standin_retrieval_seconds_bucket{le="${b}"} ${observed.filter((v) => v <= b).length}`),
    `standin_retrieval_seconds_bucket{le="+Inf"} ${observed.length}`,
    `standin_retrieval_seconds_sum ${observed.reduce((a, b) => a + b, 0)}`,
    `standin_retrieval_seconds_count ${observed.length}`,
    '',
  ].join('\n');
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const json = (body: unknown, headers: Record<string, string> = {}) => {
        res.writeHead(200, { 'content-type': 'application/json', ...headers });
        res.end(JSON.stringify(body));
      };
      const route = `${req.method} ${(req.url ?? '/').split('?')[0]}`;
      if (route === 'GET /health') json({ status: 'ok' });
      else if (route === 'GET /fast') json({ items: [1, 2, 3] });
      else if (route === 'GET /slow') setTimeout(() => json({ items: [] }), SLOW_MS);
      else if (route === 'POST /chat') {
        observed.push(RETRIEVAL_S);
        json({ answer: 'forty-two' }, { 'server-timing': `db;dur=3, retrieval;dur=${RETRIEVAL_HEADER_MS}` });
      } else if (route === 'GET /metrics') {
        scrapes++;
        res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
        res.end(metrics());
      } else {
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end('{"error":"not found"}');
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as net.AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }) };
}

describe('a stand-in service breaking each kind of SLO', () => {
  let standIn: StandIn;
  beforeAll(async () => { standIn = await startStandIn(); });
  afterAll(async () => { await standIn?.close(); });

  it('crosses the slow endpoint\'s own threshold, the resource budgets, the Server-Timing SLO and the histogram SLO, by name', async () => {
    const target = resolveTarget({
      baseUrl: standIn.url,
      health: { liveness: { path: '/health', expect: { json: { status: 'ok' } } } },
      endpoints: {
        fast: { path: '/fast', weight: 3, expect: { json: { items: { type: 'array' } } } },
        slow: { path: '/slow', weight: 1 },
        chat: { method: 'POST', path: '/chat', body: { question: 'why?' }, group: 'chat', weight: 1, expect: { json: { answer: { type: 'string' } } } },
      },
      slo: { groups: { api: { p95Ms: 300 }, chat: { p95Ms: 60_000 } }, healthP99Ms: 60_000 },
      sizing: { users: 5, thinkTimeSeconds: 1 },
      resources: {
        metricsPath: '/metrics', intervalSeconds: 1,
        budgets: {
          memory: { metric: 'standin_memory_bytes', max: 512 * 1024 * 1024 },
          work: { metric: 'standin_work_seconds_total', rate: true, max: 2, unit: 'cores' },
        },
      },
      serviceTimings: {
        retrieval: { serverTiming: 'retrieval', endpoints: ['chat'], p95Ms: 500 },
        'retrieval histogram': { histogram: 'standin_retrieval_seconds', p95Ms: 500 },
      },
    }, { name: 'stand-in' });
    const r = await load(await openTarget(target), 'stand-in', { shape: 'users' });
    expect(r.exitCode, explain(r)).toBe(99);
    expect(r.crossed, explain(r)).toEqual(expect.arrayContaining([
      { metric: 'http_req_duration{name:GET /slow}', threshold: 'p(95)<300' },
      { metric: 'resource_memory', threshold: 'max<536870912' },
      { metric: 'resource_work', threshold: 'max<2' },
      { metric: 'service_retrieval', threshold: 'p(95)<500' },
      { metric: 'service_retrieval_histogram_p95', threshold: 'value<500' },
    ]));
    const m = r.summary.metrics;
    // The observed values are the ones the service reported: the sum of the series, the header's
    // duration, and the histogram's p95 interpolated in the (1 s, 5 s] bucket every observation fell in.
    expect(m.resource_memory!.values.max).toBe(MEMORY_BYTES);
    expect(m.service_retrieval!.values['p(95)']).toBe(RETRIEVAL_HEADER_MS);
    expect(m.service_retrieval_histogram_p95!.values.value).toBeCloseTo((1 + 4 * 0.95) * 1000, 6);
    // The stand-in answers right, only slowly: every check passed.
    expect(m.checks!.values.fails, explain(r)).toBe(0);
  }, 120_000);
});

describe('a stand-in service whose metrics the config names wrongly', () => {
  let standIn: StandIn;
  beforeAll(async () => { standIn = await startStandIn(); });
  afterAll(async () => { await standIn?.close(); });

  it('aborts in setup when a budget names a metric the service does not expose, listing near ones (exit 108)', async () => {
    const target = resolveTarget({
      baseUrl: standIn.url, health: { liveness: '/health' }, endpoints: { fast: { path: '/fast' } },
      resources: { metricsPath: '/metrics', budgets: { memory: { metric: 'standin_memroy_bytes', max: 1 } } },
    }, { name: 'stand-in' });
    const r = await load(await openTarget(target), 'missing-metric', { shape: 'users' });
    expect(r.exitCode, explain(r)).toBe(108);
    expect(r.message).toContain(`resources.budgets["memory"]: ${standIn.url}/metrics has no series standin_memroy_bytes, so the budget could not be judged. Check the metric name (it exposes standin_memory_bytes, standin_work_seconds_total, standin_retrieval_seconds_bucket, standin_retrieval_seconds_sum, standin_retrieval_seconds_count).`);
  }, 60_000);
});

describe('journeys against a recording server', () => {
  let server: TestServer;
  beforeAll(async () => { server = await startServer(); });
  afterAll(async () => { await server?.close(); });

  it('fills captured values into paths and queries (URL-encoded) and bodies, and skips a step whose value was not captured', async () => {
    // The server answers every request with {"ok":true,"path":"<its path>"}.
    const target = resolveTarget({
      baseUrl: server.url,
      health: { liveness: '/health' },
      endpoints: {
        list: { path: '/record/list', capture: { id: 'items.*.id' } },
        create: { method: 'POST', path: '/record/create', body: { title: 'x' }, capture: { where: 'path' }, smoke: true },
        read: { path: '/record/read/{id}' },
        item: { method: 'PUT', path: '/record/item/{where}', query: { from: '{where}' }, body: { ref: '{where}', n: 1 }, smoke: true },
      },
      journeys: { walk: { steps: ['list', 'read', 'create', { think: 1 }, 'item'] } },
    }, { name: 'recorder' });
    // This run judges what the journey sent, not speed (CI saw one 580 ms health probe in a stalled second).
    const r = await load(await openTarget(relaxed(target)), 'journey', { shape: 'smoke' });
    expect(r.exitCode, explain(r)).toBe(0);
    const walked = server.records.map((x) => x.path);
    expect(walked).toEqual(['/record/list', '/record/create', '/record/item/%2Frecord%2Fcreate']);
    const item = server.records[2]!;
    expect(item.query).toEqual({ from: '/record/create' });
    expect(JSON.parse(item.body)).toEqual({ ref: '/record/create', n: 1 });
    expect(r.stderr).toContain('journey walk: skipped read (GET /record/read/:id), which needs {id} that no earlier step captured');
  }, 60_000);
});

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}
