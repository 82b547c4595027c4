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

describe('layerConfig', () => {
  it('layers defaults < file < env < flags, warns on overrides, and freezes the result', () => {
    const warnings: string[] = [];
    const cfg = layerConfig(spec, {
      section: { vus: 20, profile: 'full' }, sectionSource: 'shipcheck.config.ts',
      env: { SHIPCHECK_VUS: '30', SHIPCHECK_STRICT: 'true' },
      flags: { vus: 40 },
      warn: (l) => warnings.push(l),
    });
    expect(cfg).toEqual({ profile: 'full', vus: 40, strict: true, tags: [] });
    expect(Object.isFrozen(cfg)).toBe(true);
    expect(warnings).toEqual([
      'shipcheck: demo.vus from environment (30) overrides shipcheck.config.ts (20)',
      'shipcheck: demo.vus from command-line flags (40) overrides environment (30)',
    ]);
  });

  it('reports every problem at once: unknown keys, wrong types, bad env values', () => {
    expect(() => layerConfig(spec, {
      section: { vus: 0, colour: 'red' }, sectionSource: 'shipcheck.config.ts',
      env: { SHIPCHECK_STRICT: 'maybe', SHIPCHECK_PROFILE: 'huge' },
      flags: {},
      warn: () => {},
    })).toThrowError(/SHIPCHECK_STRICT="maybe" must be true or false.*demo: unknown setting "colour".*demo.vus must be >= 1 \(from shipcheck.config.ts\)/s);
  });
});
