/**
 * The scenarios as users get them: bundled by `shipcheck build`, then run by the Node engine
 * (`shipcheck run`, as `k6 run` would) at PROFILE=test against the included API on loopback.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildAllScenarios, bundleScenario, listScenarios } from '../engine/bundle.ts';
import { startIncludedApi, type IncludedApi } from '../harness/included-api.ts';
import { projectRoot } from '../harness/project-root.ts';

const K6_MODULE = /^k6(\/[a-z-]+)*$/;

let tmp: string;
let bundles: string[];
let names: string[];

beforeAll(async () => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'shipcheck-scenarios-'));
  names = await listScenarios();
  bundles = await buildAllScenarios({ outDir: path.join(tmp, 'dist') });
});
afterAll(async () => {
  await fs.rm(tmp, { recursive: true, force: true });
});

/** What the bundle imports and exports, read by esbuild from the bundle itself. */
async function bundleShape(file: string): Promise<{ imports: string[]; exports: string[] }> {
  const result = await build({
    entryPoints: [file], bundle: true, write: false, metafile: true, format: 'esm', platform: 'neutral',
    external: ['*'], logLevel: 'silent', outdir: path.join(tmp, 'shape'),
  });
  const out = Object.values(result.metafile.outputs)[0]!;
  return { imports: out.imports.map((i) => i.path), exports: out.exports };
}

describe('scenario bundles', () => {
  it('has the scenarios the issue asks for, one file each', () => {
    expect(names).toEqual(expect.arrayContaining([
      'smoke', 'load-500-users', 'throughput-10k-per-hour', 'generation-100-concurrent', 'stress-3x',
      'spike-3x', 'soak', 'breakpoint', 'rate-limit',
    ]));
    expect(bundles.map((b) => path.basename(b))).toEqual(names.map((n) => `${n}.js`));
  });

  it('keeps every k6 import external, inlines the lib, and exports options and a default function', async () => {
    for (const file of bundles) {
      const { imports, exports } = await bundleShape(file);
      expect(imports.length, file).toBeGreaterThan(0);
      for (const i of imports) expect(i, `${path.basename(file)} imports ${i}`).toMatch(K6_MODULE);
      expect(exports, file).toEqual(expect.arrayContaining(['default', 'options', 'setup']));
      const text = await fs.readFile(file, 'utf8');
      expect(text, file).not.toMatch(/from ["']\.{1,2}\//);
      expect(text, file).toMatch(/\/\/# sourceMappingURL=[\w-]+\.js\.map\s*$/);
      const map = JSON.parse(await fs.readFile(`${file}.map`, 'utf8')) as { sources: string[] };
      expect(map.sources.some((s) => s.endsWith('scenarios/lib/slo.ts')), file).toBe(true);
    }
  });

  it('keeps async/await native and uses no sync http or sleep', async () => {
    for (const file of bundles) {
      const text = await fs.readFile(file, 'utf8');
      expect(text, file).toMatch(/\basync function\b/);
      expect(text, file).toMatch(/\bawait http\d*\.asyncRequest\(/);
      // esbuild's down-levelling helper for async functions would mean a too-old target.
      expect(text, file).not.toContain('__async(');
      expect(text, file).not.toMatch(/\bhttp\d*\.(get|post|put|del|request|batch)\(/);
      expect(text, file).not.toMatch(/\bsleep\(/);
    }
  });

  it('names the file, line and column of a syntax error', async () => {
    const bad = path.join(tmp, 'broken.ts');
    await fs.writeFile(bad, "export const options = {};\nexport default async function () {\n  const x: number = ;\n}\n");
    await expect(bundleScenario(bad, path.join(tmp, 'out', 'broken.js'))).rejects.toMatchObject({
      code: 'SHIPCHECK_ERR_BUNDLE',
      exitCode: 107,
      message: expect.stringMatching(/broken\.ts:3:21: Unexpected ";"/),
    });
  });

  it('refuses a Node module, which k6 cannot load, naming the import', async () => {
    const bad = path.join(tmp, 'uses-fs.ts');
    await fs.writeFile(bad, "import fs from 'node:fs';\nexport default async function () { fs.readFileSync('x'); }\n");
    await expect(bundleScenario(bad, path.join(tmp, 'out', 'uses-fs.js'))).rejects.toMatchObject({
      code: 'SHIPCHECK_ERR_BUNDLE',
      message: expect.stringMatching(/uses-fs\.ts:1:\d+: .*node:fs/),
    });
  });
});

interface RunResult { code: number; stdout: string; stderr: string; summary: Record<string, any> | undefined }

/** `node bin/shipcheck.mjs run <bundle> -e ...`, as a user runs it. */
function runScenario(bundle: string, env: Record<string, string>, label: string): Promise<RunResult> {
  const summaryFile = path.join(tmp, `${label}-summary.json`);
  const args = [path.join(projectRoot, 'bin', 'shipcheck.mjs'), 'run', bundle, '--quiet', '--summary-export', summaryFile];
  for (const [k, v] of Object.entries(env)) args.push('-e', `${k}=${v}`);
  return new Promise((resolve) => {
    execFile(process.execPath, args, { cwd: projectRoot, timeout: 120_000, maxBuffer: 16 * 1024 * 1024, env: { ...process.env, NO_COLOR: '1' } }, async (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
      const summary = await fs.readFile(summaryFile, 'utf8').then((t) => JSON.parse(t) as Record<string, any>, () => undefined);
      resolve({ code, stdout, stderr, summary });
    });
  });
}

/** Why a run ended as it did: the crossed thresholds with their values, then the output. */
function explain(r: RunResult): string {
  const crossed: string[] = [];
  for (const [metric, m] of Object.entries<Record<string, any>>(r.summary?.metrics ?? {})) {
    for (const [expr, failed] of Object.entries(m.thresholds ?? {})) {
      if (failed === true) crossed.push(`${metric} ${expr}: ${JSON.stringify({ ...m, thresholds: undefined })}`);
    }
  }
  return `exit ${r.code}\n--- crossed\n${crossed.join('\n') || '(none)'}\n--- stdout\n${r.stdout.slice(-4000)}\n--- stderr\n${r.stderr.slice(-4000)}`;
}

describe('each scenario at PROFILE=test against the included API', () => {
  let api: IncludedApi;
  let base: Record<string, string>;
  let nextSlice = 0;
  const bundleOf = (name: string) => bundles.find((b) => path.basename(b) === `${name}.js`)!;
  /**
   * Each run gets keys no other run used: the API rate-limits per key (200 burst, 100/min),
   * so runs sharing keys would see each other's 429s, as real users sharing one key would.
   */
  const freshKeys = (n = 40) => {
    const keys = api.apiKeys.slice(nextSlice, nextSlice + n);
    nextSlice += n;
    if (keys.length < n) throw new Error('the test ran out of API keys: start the API with more');
    return { API_KEY: keys[0]!, API_KEYS: keys.join(',') };
  };

  beforeAll(async () => {
    // Fast generation so the tiny profile stays tiny; a few content rows to browse.
    api = await startIncludedApi({ keys: 600, seed: 20, env: { LOCAL_PROVIDER_LATENCY_MS: '5', LOCAL_PROVIDER_JITTER_MS: '2' } });
    // Tests never assert speed (a shared machine): latency targets are relaxed to 10 s here, so
    // a run fails only on what the scenario checks (status, bodies, counts, failures). That
    // a crossed latency threshold fails a run is proven below with an impossible one.
    base = { PROFILE: 'test', BASE_URL: api.url, SLO_API_P95_MS: '10000', SLO_API_P99_MS: '10000', SLO_HEALTH_P99_MS: '10000' };
  }, 120_000);
  afterAll(async () => { await api?.stop(); });

  const loadScenarios = ['smoke', 'load-500-users', 'throughput-10k-per-hour', 'generation-100-concurrent', 'stress-3x', 'spike-3x', 'soak', 'breakpoint', 'gate'];
  /** Phase sub-metrics that must have samples: the per-phase thresholds judged real requests. */
  const phased: Record<string, string[]> = {
    'stress-3x': ['baseline', 'peak'],
    'spike-3x': ['baseline', 'spike', 'recovery'],
    soak: ['late'],
  };
  for (const name of loadScenarios) {
    it(`${name} passes its thresholds (exit 0)`, async () => {
      const r = await runScenario(bundleOf(name), { ...base, ...freshKeys() }, name);
      expect(r.code, explain(r)).toBe(0);
      expect(r.summary?.metrics?.http_reqs?.count, explain(r)).toBeGreaterThan(0);
      expect(r.summary?.metrics?.checks?.fails ?? 0, explain(r)).toBe(0);
      for (const phase of phased[name] ?? []) {
        expect(r.summary!.metrics[`http_req_duration{slo:api,phase:${phase}}`]?.max, `${name}: no requests in phase ${phase}`).toBeGreaterThan(0);
      }
    }, 120_000);
  }

  it('throughput-10k-per-hour delivers its requests on schedule', async () => {
    const r = await runScenario(bundleOf('throughput-10k-per-hour'), { ...base, ...freshKeys() }, 'throughput-count');
    expect(r.summary, explain(r)).toBeDefined();
    // 20/s for 3 s is 60 arrivals (± 1), each one request, made or counted as dropped.
    const made = r.summary!.metrics['http_reqs{scenario:arrivals}'].count as number;
    const dropped = (r.summary!.metrics['dropped_iterations{scenario:arrivals}']?.count ?? 0) as number;
    expect(made + dropped, explain(r)).toBeGreaterThanOrEqual(59);
    expect(made + dropped, explain(r)).toBeLessThanOrEqual(61);
    expect(r.summary!.metrics.http_reqs.count - made, 'setup requests are not arrivals').toBeGreaterThan(0);
  }, 120_000);

  it('rate-limit drives one key into 429s with Retry-After, and those count as expected', async () => {
    const r = await runScenario(bundleOf('rate-limit'), { ...base, ...freshKeys(2) }, 'rate-limit');
    expect(r.code, explain(r)).toBe(0);
    const m = r.summary!.metrics;
    expect(m.rate_limited_responses.count).toBeGreaterThan(0);
    expect(m.retry_after_present.value).toBe(1);
    expect(m.http_req_failed.value).toBeLessThan(0.01);
    expect(findCheck(r.summary!.root_group, 'rate-limit: another key is not limited (limits are per key)')).toMatchObject({ fails: 0 });
    expect(findCheck(r.summary!.root_group, 'rate-limit: served again after Retry-After')).toMatchObject({ fails: 0 });
  }, 120_000);

  it('an impossible SLO fails the run with exit 99', async () => {
    const r = await runScenario(bundleOf('smoke'), { ...base, ...freshKeys(1), SLO_API_P95_MS: '0' }, 'impossible');
    expect(r.code, explain(r)).toBe(99);
    expect(r.summary!.metrics['http_req_duration{slo:api}'].thresholds['p(95)<0']).toBe(true);
  }, 120_000);

  it('aborts in setup with a clear message when the target is down (exit 108)', async () => {
    const closed = await closedPort();
    const r = await runScenario(bundleOf('load-500-users'), { ...base, ...freshKeys(1), BASE_URL: `http://127.0.0.1:${closed}` }, 'down');
    expect(r.code, explain(r)).toBe(108);
    expect(r.stdout + r.stderr).toContain(`The target http://127.0.0.1:${closed} is not up`);
  }, 120_000);

  it('refuses an unknown profile naming the value and the choices', async () => {
    const r = await runScenario(bundleOf('smoke'), { ...base, ...freshKeys(1), PROFILE: 'huge' }, 'bad-profile');
    expect(r.code, explain(r)).not.toBe(0);
    expect(r.stdout + r.stderr).toContain('PROFILE="huge" is not a profile: use one of test, ci, full, soak');
  }, 120_000);
});

interface LegacyGroup { checks?: Record<string, { passes: number; fails: number }>; groups?: Record<string, LegacyGroup> }

/** A check by name anywhere in the legacy summary's group tree (teardown's may sit in a sub-group). */
function findCheck(group: LegacyGroup, name: string): { passes: number; fails: number } | undefined {
  if (group.checks?.[name]) return group.checks[name];
  for (const g of Object.values(group.groups ?? {})) {
    const found = findCheck(g, name);
    if (found) return found;
  }
  return undefined;
}

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}
