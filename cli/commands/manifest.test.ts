import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { bundlePath } from '../../engine/bundle.ts';
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
  it('writes a ConfigMap with the bundle and a TestRun pointing at it', async () => {
    const out = path.join(tmp, 'smoke.yaml');
    const code = await manifest.run(['smoke', '--parallelism', '3', '--out', out, '--target', 'https://staging.example.org', '--api-key-secret', 'api-keys', '--namespace', 'load']);
    expect(code).toBe(0);
    const [configMap, testRun, ...rest] = await readDocs(out);
    expect(rest).toEqual([]);

    expect(configMap).toMatchObject({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'shipcheck-smoke', namespace: 'load' } });
    // The ConfigMap holds exactly the bundle that `shipcheck build` makes, with its map.
    const bundle = await fs.readFile(bundlePath('smoke'), 'utf8');
    expect(configMap!.data['smoke.js']).toBe(bundle);
    expect(JSON.parse(configMap!.data['smoke.js.map']).version).toBe(3);

    expect(testRun).toMatchObject({
      apiVersion: 'k6.io/v1alpha1',
      kind: 'TestRun',
      metadata: { name: 'shipcheck-smoke', namespace: 'load' },
      spec: { parallelism: 3, script: { configMap: { name: configMap!.metadata.name, file: 'smoke.js' } } },
    });
    expect(Object.keys(configMap!.data)).toContain(testRun!.spec.script.configMap.file);
    const args: string = testRun!.spec.arguments;
    expect(args).toContain('-e PROFILE=ci');
    expect(args).toContain('-e PARALLELISM=3');
    expect(args).toContain('-e BASE_URL=https://staging.example.org');
    // Keys reach the runners from the Secret, never through the arguments.
    expect(args).not.toMatch(/API_KEY/);
    expect(testRun!.spec.runner.env.map((e: { name: string }) => e.name)).toEqual(['API_KEY', 'API_KEYS']);
    expect(testRun!.spec.runner.env[0].valueFrom.secretKeyRef).toEqual({ name: 'api-keys', key: 'API_KEY' });
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
    await expect(manifest.run(['no-such-scenario'])).rejects.toMatchObject({ code: 'SHIPCHECK_ERR_SCENARIO_UNKNOWN', message: expect.stringContaining('load-500-users') });
    await expect(manifest.run([])).rejects.toMatchObject({ exitCode: 104, message: expect.stringContaining('exactly one scenario') });
  });
});
