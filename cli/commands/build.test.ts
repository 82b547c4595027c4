import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SHAPES } from '../../engine/bundle.ts';
import build from './build.ts';

let tmp: string;
beforeAll(async () => { tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'shipcheck-build-')); });
afterAll(async () => { await fs.rm(tmp, { recursive: true, force: true }); });

describe('shipcheck build', () => {
  it("bundles every shape for the target, and the target's own scripts, to <out-dir>/<name>.js with source maps", async () => {
    expect(await build.run(['--out-dir', tmp])).toBe(0);
    const files = (await fs.readdir(tmp)).sort();
    expect(files).toEqual([...SHAPES, 'content-lifecycle'].flatMap((n) => [`${n}.js`, `${n}.js.map`]).sort());
    const gate = await fs.readFile(path.join(tmp, 'gate.js'), 'utf8');
    expect(gate).toContain('"name": "la-factoria"');
    expect(gate).toContain('"baseUrl": "http://127.0.0.1:3000"');
  });

  it('bundles only what is named, and embeds the base URL --target gives', async () => {
    const dir = path.join(tmp, 'some');
    expect(await build.run(['smoke', 'content-lifecycle', '--target', 'http://127.0.0.1:9999', '--out-dir', dir])).toBe(0);
    expect((await fs.readdir(dir)).sort()).toEqual(['content-lifecycle.js', 'content-lifecycle.js.map', 'smoke.js', 'smoke.js.map']);
    expect(await fs.readFile(path.join(dir, 'smoke.js'), 'utf8')).toContain('"baseUrl": "http://127.0.0.1:9999"');
  });

  it('names the closest shape when given an unknown one', async () => {
    await expect(build.run(['smoke-test', '--out-dir', tmp])).rejects.toMatchObject({
      code: 'SHIPCHECK_ERR_SHAPE_UNKNOWN',
      exitCode: 104,
      message: expect.stringMatching(/No load shape or script named "smoke-test" \(did you mean "smoke"\?\)\. The shapes: smoke, users, .*breakpoint/),
    });
  });

  it('rejects an unknown flag with one clear line', async () => {
    await expect(build.run(['--minify'])).rejects.toMatchObject({ exitCode: 104, message: expect.stringContaining('--minify') });
  });
});
