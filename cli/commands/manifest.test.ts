import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { bundleShape } from '../../engine/bundle.ts';
import { projectRoot } from '../../harness/project-root.ts';
import { chooseTarget, loadProjectConfig } from '../../harness/target/load-config.ts';
import manifest, { buildManifest, CONFIGMAP_LIMIT_BYTES } from './manifest.ts';

let tmp: string;
beforeAll(async () => { tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'shipcheck-manifest-')); });
afterAll(async () => { await fs.rm(tmp, { recursive: true, force: true }); });

async function readDocs(file: string) {
  const docs = parseAllDocuments(await fs.readFile(file, 'utf8'));
  for (const d of docs) expect(d.errors).toEqual([]);
  return docs.map((d) => d.toJS()) as Array<Record<string, any>>;
}

describe('shipcheck manifest', () => {
  it('writes a ConfigMap with the shape bundled for the target and a TestRun pointing at it', async () => {
    const out = path.join(tmp, 'smoke.yaml');
    const code = await manifest.run(['smoke', '--parallelism', '3', '--out', out, '--target', 'https://staging.example.org', '--api-key-secret', 'api-keys', '--namespace', 'load']);
    expect(code).toBe(0);
    const [configMap, testRun, ...rest] = await readDocs(out);
    expect(rest).toEqual([]);

    expect(configMap).toMatchObject({
      apiVersion: 'v1', kind: 'ConfigMap',
      metadata: { name: 'shipcheck-la-factoria-smoke', namespace: 'load', labels: { 'shipcheck.dev/scenario': 'smoke', 'shipcheck.dev/target': 'la-factoria' } },
    });
    // The ConfigMap holds exactly the bundle `shipcheck build` makes for that target, with its map.
    const target = chooseTarget(await loadProjectConfig({ file: path.join(projectRoot, 'shipcheck.config.ts') }), { target: 'https://staging.example.org' });
    const bundle = await fs.readFile(await bundleShape('smoke', target, path.join(tmp, 'built', 'smoke.js')), 'utf8');
    expect(configMap!.data['smoke.js']).toBe(bundle);
    expect(bundle).toContain('"baseUrl": "https://staging.example.org"');
    expect(JSON.parse(configMap!.data['smoke.js.map']).version).toBe(3);

    expect(testRun).toMatchObject({
      apiVersion: 'k6.io/v1alpha1',
      kind: 'TestRun',
      metadata: { name: 'shipcheck-la-factoria-smoke', namespace: 'load' },
      spec: { parallelism: 3, script: { configMap: { name: configMap!.metadata.name, file: 'smoke.js' } } },
    });
    expect(Object.keys(configMap!.data)).toContain(testRun!.spec.script.configMap.file);
    const args: string = testRun!.spec.arguments;
    expect(args).toContain('-e PROFILE=ci');
    expect(args).toContain('-e PARALLELISM=3');
    expect(args).toContain('-e BASE_URL=https://staging.example.org');
    // Keys reach the runners from the Secret, under the names the target's auth reads, never through the arguments.
    expect(args).not.toMatch(/API_KEY/);
    expect(testRun!.spec.runner.env.map((e: { name: string }) => e.name)).toEqual(['API_KEY', 'API_KEYS']);
    expect(testRun!.spec.runner.env[0].valueFrom.secretKeyRef).toEqual({ name: 'api-keys', key: 'API_KEY' });
  });

  it('uses the variable names a target\'s auth gives for the Secret', () => {
    const m = buildManifest({ scenario: 'gate', targetName: 'chatbot', bundle: 'export default async function () {}\n', parallelism: 1, profile: 'ci', apiKeySecret: 'chat', tokenEnv: 'CHAT_TOKEN' });
    expect((m.testRun.spec as { runner: { env: unknown[] } }).runner.env).toEqual([{ name: 'CHAT_TOKEN', valueFrom: { secretKeyRef: { name: 'chat', key: 'CHAT_TOKEN' } } }]);
  });

  it('warns when the embedded base URL is this machine, which a runner pod is not', async () => {
    const out = path.join(tmp, 'local.yaml');
    const warnings: string[] = [];
    const saved = console.error;
    console.error = (line: string) => { warnings.push(line); };
    try {
      expect(await manifest.run(['gate', '--out', out])).toBe(0);
    } finally {
      console.error = saved;
    }
    expect(warnings).toContain('shipcheck manifest: The embedded base URL http://127.0.0.1:3000 is the runner pod itself: give --environment (staging, production) or --target URL.');
  });

  it('refuses a bundle over 1 MiB and points at k6 archive', async () => {
    const big = path.join(tmp, 'big-script.ts');
    await fs.writeFile(big, `import http from 'k6/http';\nconst blob = ${JSON.stringify('x'.repeat(CONFIGMAP_LIMIT_BYTES + 10))};\nexport default async function () { await http.asyncRequest('GET', 'http://127.0.0.1/' + blob.length); }\n`);
    await expect(manifest.run([big, '--out', path.join(tmp, 'big.yaml')])).rejects.toMatchObject({
      code: 'SHIPCHECK_ERR_MANIFEST_TOO_BIG',
      exitCode: 104,
      message: expect.stringMatching(/big-script\.js is \d+ bytes, over the 1 MiB.*k6 archive/),
    });
    await expect(fs.access(path.join(tmp, 'big.yaml'))).rejects.toThrow();
  });

  it('drops the source map (and its comment) when bundle and map together exceed 1 MiB', () => {
    const bundle = `export default async function () {}\n${'// pad\n'.repeat(100_000)}//# sourceMappingURL=s.js.map\n`;
    const m = buildManifest({ scenario: 's', bundle, sourceMap: 'y'.repeat(500_000), parallelism: 1, profile: 'ci' });
    const data = m.configMap.data as Record<string, string>;
    expect(Object.keys(data)).toEqual(['s.js']);
    expect(data['s.js']).not.toContain('sourceMappingURL');
    expect(m.warnings.join(' ')).toMatch(/source map does not fit/);
  });

  it('rejects bad flags with one clear line', async () => {
    await expect(manifest.run(['smoke', '--parallelism', 'many'])).rejects.toMatchObject({ exitCode: 104, message: expect.stringContaining('--parallelism') });
    await expect(manifest.run(['smoke', '--name', 'Not_A_Name'])).rejects.toMatchObject({ exitCode: 104, message: expect.stringContaining('--name') });
    await expect(manifest.run(['no-such-shape'])).rejects.toMatchObject({ code: 'SHIPCHECK_ERR_SHAPE_UNKNOWN', message: expect.stringContaining('smoke, users, throughput, gate, spike, stress, soak, breakpoint') });
    await expect(manifest.run([])).rejects.toMatchObject({ exitCode: 104, message: expect.stringContaining('exactly one shape or script file') });
  });
});
