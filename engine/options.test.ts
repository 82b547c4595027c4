/** k6's shortcut rules and all-errors-at-once validation, on the options alone (no run). */
import { describe, expect, it } from 'vitest';
import { isShipcheckError } from '../harness/errors.ts';
import { applyOverrides, resolveScenarios } from './options.ts';

const resolve = (o: Record<string, unknown>) => resolveScenarios(o, 'script.js');
const problems = (o: Record<string, unknown>): string => {
  try { resolve(o); } catch (e) { if (isShipcheckError(e)) { expect(e.exitCode).toBe(104); return e.message; } throw e; }
  throw new Error('expected an invalid-options error');
};

describe('options → scenarios', () => {
  it('maps the shortcuts as k6 does', () => {
    expect(resolve({}).map((s) => s.description)).toEqual(['1 iterations shared among 1 VUs (maxDuration: 10m0s, gracefulStop: 30s)']);
    expect(resolve({ vus: 5 })[0]!.config).toMatchObject({ executor: 'shared-iterations', vus: 5, iterations: 5 });
    expect(resolve({ vus: 2, iterations: 7, duration: '1m' })[0]!.config).toMatchObject({ executor: 'shared-iterations', vus: 2, iterations: 7, maxDuration: 60_000 });
    expect(resolve({ vus: 10, duration: '30s' })[0]!.description).toBe('10 looping VUs for 30s (gracefulStop: 30s)');
    expect(resolve({ stages: [{ duration: '10s', target: 20 }] })[0]!.config).toMatchObject({ executor: 'ramping-vus', startVUs: 1 });
  });

  it('lets command-line shortcuts replace the script\'s scenarios, as k6 run does', () => {
    const o = applyOverrides({ scenarios: { a: { executor: 'constant-vus', duration: '1m' } } }, { vus: 3, duration: '5s' });
    expect(resolve(o)[0]!.config).toMatchObject({ name: 'default', executor: 'constant-vus', vus: 3, duration: 5000 });
  });

  it('describes each executor in k6\'s words', () => {
    const d = resolve({ scenarios: {
      a: { executor: 'constant-arrival-rate', rate: 30, timeUnit: '1m', duration: '2m', preAllocatedVUs: 5, maxVUs: 10 },
      b: { executor: 'ramping-arrival-rate', preAllocatedVUs: 2, stages: [{ duration: '30s', target: 10 }, { duration: '1m', target: 0 }], startTime: '10s' },
      c: { executor: 'per-vu-iterations', vus: 4, iterations: 2, exec: 'other' },
    } }).map((s) => s.description);
    expect(d).toEqual([
      '0.50 iterations/s for 2m0s (maxVUs: 5-10, gracefulStop: 30s)',
      'Up to 10.00 iterations/s for 1m30s over 2 stages (startTime: 10s, maxVUs: 2, gracefulStop: 30s)',
      '2 iterations for each of 4 VUs (maxDuration: 10m0s, exec: other, gracefulStop: 30s)',
    ]);
  });

  it('reports every problem at once, naming option and value', () => {
    const msg = problems({ scenarios: {
      a: { executor: 'ramping-vus', stages: [{ duration: 'x', target: -1 }], gracefulRampDown: 5 , typo: 1 },
      b: { executor: 'shared-iterations', vus: 10, iterations: 3 },
      c: { executor: 'constant-vus', vus: 1.5, duration: '500ms' },
      'bad name': { executor: 'per-vu-iterations' },
    } });
    expect(msg).toContain('scenarios.a: unknown option "typo"');
    expect(msg).toContain('scenarios.a: stages[0].duration is not a duration: "x"');
    expect(msg).toContain('scenarios.a: stages[0].target must be a whole number ≥ 0, got -1');
    expect(msg).toContain("scenarios.b: the number of iterations (3) can't be less than the number of VUs (10)");
    expect(msg).toContain('scenarios.c: vus must be a whole number, got 1.5');
    expect(msg).toContain('scenarios.c: duration must be at least 1s, got "500ms"');
    expect(msg).toContain('scenarios.bad name: a scenario name may contain only');
  });

  it('rejects shortcuts mixed with scenarios, and arrival rates without preAllocatedVUs', () => {
    expect(problems({ iterations: 5, scenarios: { a: { executor: 'shared-iterations' } } })).toContain('(iterations: 5) and "scenarios" simultaneously is not allowed');
    expect(problems({ scenarios: { a: { executor: 'constant-arrival-rate', rate: 5, duration: '10s' } } })).toContain('preAllocatedVUs is required');
    expect(problems({ scenarios: { a: { executor: 'constant-arrival-rate', rate: 5, duration: '10s', preAllocatedVUs: 5, maxVUs: 2 } } })).toContain("maxVUs (2) can't be less than preAllocatedVUs (5)");
  });
});
