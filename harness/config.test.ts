import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { layerConfig, type ConfigSpec } from './config.ts';

interface Demo { profile: string; vus: number; strict: boolean; tags: string[] }
const spec: ConfigSpec<Demo> = {
  tool: 'demo',
  defaults: { profile: 'ci', vus: 10, strict: false, tags: [] },
  properties: {
    profile: { enum: ['ci', 'full', 'soak', 'test'] },
    vus: { type: 'integer', minimum: 1 },
    strict: { type: 'boolean' },
    tags: { type: 'array', items: { type: 'string' } },
  },
  env: { SHIPCHECK_PROFILE: { key: 'profile', parse: 'string' }, SHIPCHECK_VUS: { key: 'vus', parse: 'number' }, SHIPCHECK_STRICT: { key: 'strict', parse: 'boolean' } },
};

function dirWith(config?: unknown): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'cfg-'));
  if (config !== undefined) fs.writeFileSync(path.join(d, 'shipcheck.config.json'), JSON.stringify(config));
  return d;
}

describe('layerConfig', () => {
  it('layers defaults < file < env < flags, warns on overrides, and freezes the result', () => {
    const warnings: string[] = [];
    const cfg = layerConfig(spec, {
      cwd: dirWith({ demo: { vus: 20, profile: 'full' } }),
      env: { SHIPCHECK_VUS: '30', SHIPCHECK_STRICT: 'true' },
      flags: { vus: 40 },
      warn: (l) => warnings.push(l),
    });
    expect(cfg).toEqual({ profile: 'full', vus: 40, strict: true, tags: [] });
    expect(Object.isFrozen(cfg)).toBe(true);
    expect(warnings).toEqual([
      'shipcheck: demo.vus from environment (30) overrides shipcheck.config.json (20)',
      'shipcheck: demo.vus from command-line flags (40) overrides environment (30)',
    ]);
  });

  it('reports every problem at once: unknown keys, wrong types, bad env values', () => {
    expect(() => layerConfig(spec, {
      cwd: dirWith({ demo: { vus: 0, colour: 'red' } }),
      env: { SHIPCHECK_STRICT: 'maybe', SHIPCHECK_PROFILE: 'huge' },
      flags: {},
      warn: () => {},
    })).toThrowError(/SHIPCHECK_STRICT="maybe" must be true or false.*demo: unknown setting "colour".*demo.vus must be >= 1/s);
  });

  it('names a config file that is not JSON', () => {
    const d = dirWith();
    fs.writeFileSync(path.join(d, 'shipcheck.config.json'), '{ nope');
    expect(() => layerConfig(spec, { cwd: d, env: {}, flags: {} })).toThrowError(/shipcheck.config.json is not valid JSON/);
  });
});
