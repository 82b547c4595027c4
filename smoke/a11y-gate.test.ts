import type { AxeResults } from 'axe-core';
import { describe, expect, it } from 'vitest';
import { judgeScan } from './a11y-gate.ts';
import { loadSmokeSettings } from './settings.ts';

type Results = Pick<AxeResults, 'violations' | 'incomplete'>;
const rule = (id: string, impact: 'critical' | 'serious' | 'moderate' | 'minor', targets: string[]) => ({
  id, impact, help: `${id} help`, helpUrl: `https://dequeuniversity.com/rules/axe/4.13/${id}`, description: '', tags: [],
  nodes: targets.map((t) => ({ target: [t], html: '<x>', impact, any: [], all: [], none: [], failureSummary: `Fix any of the following:\n  ${id} is wrong at ${t}` })),
});
const scan = (violations: ReturnType<typeof rule>[], incomplete: ReturnType<typeof rule>[] = []) => ({ violations, incomplete } as unknown as Results);
const policy = loadSmokeSettings({}).a11y;

describe('judgeScan (the accessibility policy)', () => {
  it('fails on serious and critical only, and only warns on moderate and minor by default', () => {
    const v = judgeScan('monitor', 'http://x/m', scan([rule('region', 'moderate', ['#a']), rule('color-contrast', 'serious', ['#b'])]), policy, []);
    expect(v.failure).toContain('Accessibility gate failed on page "monitor" (http://x/m): 1 finding(s) of critical or serious impact');
    expect(v.failure).toContain('color-contrast [serious] at #b: color-contrast help. Fix any of the following: color-contrast is wrong at #b');
    expect(v.failure).not.toContain('region');
    expect(v.warnings).toHaveLength(1);
    expect(v.record.violations).toEqual({ critical: 0, serious: 1, moderate: 1, minor: 0 });
  });

  it('makes moderate findings fail when SHIPCHECK_A11Y_FAIL_ON says so, and incomplete ones when the policy is "fail"', () => {
    const strict = loadSmokeSettings({ SHIPCHECK_A11Y_FAIL_ON: 'critical,serious,moderate', SHIPCHECK_A11Y_INCOMPLETE: 'fail' }).a11y;
    const v = judgeScan('generator', 'http://x/', scan([rule('region', 'moderate', ['#a'])], [rule('color-contrast', 'serious', ['#c'])]), strict, []);
    expect(v.failure).toContain('2 finding(s) of critical or serious or moderate impact, or incomplete');
    expect(v.failure).toContain('(incomplete: axe could not decide; review by hand)');
    expect(v.record.incomplete).toBe(1);
  });

  it('passes a page when its only violation is a fingerprinted exception, and still fails other elements and pages', () => {
    const exceptions = [{ rule: 'color-contrast', target: '#b', page: 'monitor', reason: 'brand colour, tracked in #7' }];
    const ok = judgeScan('monitor', 'u', scan([rule('color-contrast', 'serious', ['#b'])]), policy, exceptions);
    expect(ok.failure).toBeUndefined();
    expect(ok.excepted).toEqual(['color-contrast at #b: brand colour, tracked in #7']);
    expect(ok.record.violations.serious).toBe(0);
    expect(judgeScan('monitor', 'u', scan([rule('color-contrast', 'serious', ['#b', '#other'])]), policy, exceptions).failure).toContain('at #other');
    expect(judgeScan('generator', 'u', scan([rule('color-contrast', 'serious', ['#b'])]), policy, exceptions).failure).toContain('at #b');
  });

  it('rejects unknown policy values, naming the variable and what it accepts', () => {
    expect(() => loadSmokeSettings({ SHIPCHECK_A11Y_FAIL_ON: 'serious,urgent', SHIPCHECK_A11Y_INCOMPLETE: 'maybe' })).toThrow(
      'SHIPCHECK_A11Y_FAIL_ON="serious,urgent": give a comma-separated list of critical, serious, moderate, minor; SHIPCHECK_A11Y_INCOMPLETE="maybe": give ignore, warn or fail');
  });
});
