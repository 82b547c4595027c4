/**
 * Loading and resolving shipcheck configs as users write them: real files (.ts, .mjs, .json)
 * imported from a temporary project, every problem reported at once, targets chosen by name
 * or pointed at another URL, and the seeds' defaults filled in.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isShipcheckError } from '../errors.ts';
import { chooseTarget, findConfigFile, loadConfigFile, loadProjectConfig } from './load-config.ts';
import { configProblems } from './schema.ts';
import type { ShipcheckConfig } from './types.ts';

function project(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shipcheck-config-'));
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

async function errorOf(p: Promise<unknown> | (() => unknown)): Promise<{ code: string; exitCode: number; message: string }> {
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (e) {
    if (isShipcheckError(e)) return { code: e.code, exitCode: e.exitCode, message: e.message };
    throw e;
  }
  throw new Error('expected an error');
}

const minimal: ShipcheckConfig = { targets: { api: { baseUrl: 'http://127.0.0.1:4000/', health: { liveness: '/health' } } } };

describe('loading a config file', () => {
  it('imports a TypeScript config and fills the seeds\' defaults into the target', async () => {
    const dir = project({ 'shipcheck.config.ts': `const config: { targets: Record<string, unknown> } = ${JSON.stringify(minimal)};\nexport default config;\n` });
    expect(findConfigFile(dir)).toBe(path.join(dir, 'shipcheck.config.ts'));
    const loaded = await loadProjectConfig({ cwd: dir });
    const t = chooseTarget(loaded);
    expect(t).toMatchObject({
      name: 'api', environment: 'local', baseUrl: 'http://127.0.0.1:4000', auth: { type: 'none' },
      health: { liveness: { name: 'liveness', path: '/health', auth: false, expect: { status: [200], json: {} } } },
      slo: { groups: { api: { p95Ms: 200, p99Ms: 500 } }, errorRate: 0.01, checksRate: 0.99, healthP99Ms: 100 },
      sizing: { users: 500, requestsPerHour: 10_000, thinkTimeSeconds: [1, 5], spikeFactor: 3 },
      security: {
        headers: { 'x-frame-options': { equals: 'DENY' }, 'x-content-type-options': { equals: 'nosniff' } },
        forbiddenHeaders: ['x-powered-by'], cors: { allowed: [], refused: ['https://attacker.shipcheck.invalid'], path: '/health' }, requireAuth: [],
      },
      endpoints: [], journeys: [], pages: [], serviceTimings: [], scripts: [],
      configFile: path.join(dir, 'shipcheck.config.ts'),
    });
  });

  it('loads .mjs and .json configs the same way', async () => {
    const mjs = project({ 'shipcheck.config.mjs': `export default ${JSON.stringify(minimal)};` });
    const json = project({ 'shipcheck.config.json': JSON.stringify(minimal) });
    for (const dir of [mjs, json]) expect(chooseTarget(await loadProjectConfig({ cwd: dir })).baseUrl).toBe('http://127.0.0.1:4000');
  });

  it('says there is no config, and how to write one (exit 104)', async () => {
    const dir = project({});
    const e = await errorOf(loadProjectConfig({ cwd: dir, what: 'gate' }));
    expect(e.exitCode).toBe(104);
    expect(e.message).toBe(`No shipcheck.config.ts (nor .mts, .mjs, .js or .json) in ${dir}, so shipcheck does not know what to gate. Describe your service: "shipcheck init --target URL" (or "--from-openapi FILE") writes a starter; or pass --config FILE.`);
  });

  it('names the line of a config that throws, and a config without a default export', async () => {
    const dir = project({
      'throws.mjs': 'const x = 1;\nthrow new Error("boom at load");\nexport default {};\n',
      'nodefault.mjs': 'export const targets = {};\n',
      'broken.json': '{ "targets": ',
    });
    const thrown = await errorOf(loadConfigFile(path.join(dir, 'throws.mjs')));
    expect(thrown.message).toMatch(/^Cannot load the config .*throws\.mjs: boom at load \(at throws\.mjs:2:\d+\)\. Fix the file at that line/);
    expect((await errorOf(loadConfigFile(path.join(dir, 'nodefault.mjs')))).message).toContain('it has no default export. Write `export default defineConfig({ targets: { ... } })`');
    expect((await errorOf(loadConfigFile(path.join(dir, 'broken.json')))).message).toMatch(/broken\.json: it is not valid JSON \(/);
  });
});

describe('validation', () => {
  it('reports every problem at once, with the setting\'s path and the closest known key', () => {
    const problems = configProblems({
      targets: {
        'Bad Name': { baseUrl: 'x', health: { liveness: '/h' } },
        api: {
          baseUrl: 'http://127.0.0.1:1', health: { livenes: '/health' },
          endpoints: { list: { path: 'no-slash', methd: 'GET', weight: -1 } },
          sizing: { users: 0 },
        },
      },
      gates: {},
    });
    expect(problems).toEqual(expect.arrayContaining([
      'gates: unknown setting (did you mean "gate"?)',
      'targets.api.health.livenes: unknown setting (did you mean "liveness"?)',
      'targets.api.endpoints.list.methd: unknown setting (did you mean "method"?)',
      'targets.api.endpoints.list.path: must start with "/"',
      'targets.api.sizing.users: Too small: expected number to be >=1',
    ]));
    expect(problems.some((p) => p.startsWith('targets.Bad Name') || p.startsWith('targets: ') )).toBe(true);
    expect(problems.some((p) => p.startsWith('targets.api.endpoints.list.weight'))).toBe(true);
  });

  it('finds what only shows across settings: unknown endpoints and groups, placeholders nothing captures', async () => {
    const dir = project({
      'shipcheck.config.json': JSON.stringify({
        targets: {
          api: {
            baseUrl: { local: 'http://127.0.0.1:1', staging: 'https://staging.example.org' },
            health: { liveness: '/health' },
            endpoints: {
              item: { path: '/items/{id}', group: 'reads' },
              list: { path: '/items', capture: { id: 'items.*.id' } },
            },
            journeys: { browse: { steps: ['item', 'lst'] } },
            load: { scripts: ['load/*.ts'] },
          },
        },
      }),
    });
    const e = await errorOf(async () => chooseTarget(await loadProjectConfig({ cwd: dir })));
    expect(e.code).toBe('SHIPCHECK_ERR_CONFIG_INVALID');
    const lines = e.message.split('\n').filter((l) => l.startsWith('  - ')).map((l) => l.slice(4));
    expect(lines).toEqual([
      'targets.api.endpoints.item.group: "reads" is not in slo.groups (api); add its limits there',
      'targets.api.endpoints.item needs {id} in the smoke suite, but no endpoint before it with smoke enabled captures it; move it after one that does, or set smoke: false',
      'targets.api.journeys.browse.steps[0]: item needs {id}, which no earlier step of the journey captures',
      'targets.api.journeys.browse.steps[1]: no endpoint named "lst" (did you mean "list"?)',
      `targets.api.load.scripts: "load/*.ts" matches no .js or .ts file in ${dir}`,
    ]);
  });
});

describe('choosing the target', () => {
  const two: ShipcheckConfig = {
    targets: {
      shop: { baseUrl: { local: 'http://127.0.0.1:5000', staging: 'https://staging.shop.example' }, health: { liveness: '/healthz' }, start: 'included-api' },
      blog: { baseUrl: 'http://127.0.0.1:6000', health: { liveness: '/health' } },
    },
  };
  const loaded = { file: '/project/shipcheck.config.ts', config: two };

  it('asks for a name when the file describes several, and suggests the closest one', async () => {
    expect((await errorOf(() => chooseTarget(loaded))).message).toBe('/project/shipcheck.config.ts describes 2 targets (shop, blog): pick one with --target NAME, or set gate.target in the file.');
    expect((await errorOf(() => chooseTarget(loaded, { target: 'shpo' }))).message).toBe('No target named "shpo" in /project/shipcheck.config.ts (did you mean "shop"?); it describes shop, blog. Pick one with --target NAME, or give --target URL to gate another address.');
    expect(chooseTarget({ ...loaded, config: { ...two, gate: { target: 'blog' } } }).name).toBe('blog');
  });

  it('picks the environment\'s URL, and says which environments exist when one is missing', async () => {
    expect(chooseTarget(loaded, { target: 'shop', environment: 'staging' }).baseUrl).toBe('https://staging.shop.example');
    const e = await errorOf(() => chooseTarget(loaded, { target: 'shop', environment: 'stagign' }));
    expect(e.message).toContain('targets.shop.baseUrl has no URL for the environment "stagign" (did you mean "staging"?); it has local, staging.');
  });

  it('lets --target URL replace the base URL of the one target, and then starts nothing itself', () => {
    const one = { file: '/p/shipcheck.config.ts', config: { targets: { shop: two.targets.shop! } } };
    expect(chooseTarget(one).start).toBe('included-api');
    const moved = chooseTarget(one, { target: 'http://127.0.0.1:7000/' });
    expect(moved.baseUrl).toBe('http://127.0.0.1:7000');
    expect(moved.start).toBeUndefined();
  });
});

describe('the project\'s own config', () => {
  it('describes the included API as la-factoria with the seed\'s SLOs and sizing', async () => {
    const loaded = await loadConfigFile(path.join(import.meta.dirname, '..', '..', 'shipcheck.config.ts'));
    expect(Object.keys(loaded.config.targets)).toEqual(['la-factoria']);
    const t = loaded.config.targets['la-factoria']!;
    expect(t.slo?.groups).toEqual({ reads: { p95Ms: 200, p99Ms: 500 }, generation: { p95Ms: 30_000 } });
    expect(t.sizing).toEqual({ users: 500, requestsPerHour: 10_000, thinkTimeSeconds: [1, 5], spikeFactor: 3 });
    expect(t.slo?.healthP99Ms).toBe(100);
  });
});
