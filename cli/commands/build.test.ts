import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listScenarios } from '../../engine/bundle.ts';
import build from './build.ts';

let tmp: string;
beforeAll(async () => { tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'shipcheck-build-')); });
afterAll(async () => { await fs.rm(tmp, { recursive: true, force: true }); });

describe('shipcheck build', () => {
  it('bundles every scenario to <out-dir>/<name>.js with its source map', async () => {
    expect(await build.run(['--out-dir', tmp])).toBe(0);
    const names = await listScenarios();
    const files = (await fs.readdir(tmp)).sort();
    expect(files).toEqual(names.flatMap((n) => [`${n}.js`, `${n}.js.map`]).sort());
  });

  it('bundles only the named scenarios when given names', async () => {
    const dir = path.join(tmp, 'some');
    expect(await build.run(['smoke', 'rate-limit', '--out-dir', dir])).toBe(0);
    expect((await fs.readdir(dir)).sort()).toEqual(['rate-limit.js', 'rate-limit.js.map', 'smoke.js', 'smoke.js.map']);
  });

  it('names the known scenarios when given an unknown one', async () => {
    await expect(build.run(['smoke-test', '--out-dir', tmp])).rejects.toMatchObject({
      code: 'SHIPCHECK_ERR_SCENARIO_UNKNOWN',
      exitCode: 104,
      message: expect.stringMatching(/No scenario named "smoke-test".*smoke, soak/),
    });
  });

  it('rejects an unknown flag with one clear line', async () => {
    await expect(build.run(['--minify'])).rejects.toMatchObject({ exitCode: 104, message: expect.stringContaining('--minify') });
  });
});
