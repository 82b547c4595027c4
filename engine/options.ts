/**
 * From the script's `options` (plus command-line overrides) to validated scenario configs,
 * with k6's rules: the shortcuts (vus, duration, iterations, stages) become one scenario
 * named "default"; mixing them with `scenarios` is an error; every problem is reported at
 * once as exit code 104, naming the option and the value.
 */
import { fail } from '../harness/errors.ts';
import { formatDuration, parseDuration } from './durations.ts';
import { EXECUTORS } from './executors/index.ts';
import type { BaseConfig } from './executors/types.ts';

export interface CliOverrides {
  vus?: number;
  duration?: string;
  iterations?: number;
  stages?: Array<{ duration: string; target: number }>;
}

export interface ResolvedScenario {
  config: BaseConfig; description: string; maxVus: number; maxDurationMs: number;
  /** VUs k6 initializes before the test starts (arrival rates: preAllocatedVUs; others: their most). */
  initialVus: number;
}

const NAME_OK = /^[0-9A-Za-z_-]+$/;

/** Applies CLI flags over the script's options, as k6 does (flags win; shortcut flags replace scenarios). */
export function applyOverrides(options: Record<string, unknown>, o: CliOverrides): Record<string, unknown> {
  const out = { ...options };
  const shortcut = o.duration !== undefined || o.iterations !== undefined || o.stages !== undefined;
  if (shortcut) {
    delete out.scenarios;
    delete out.duration; delete out.iterations; delete out.stages;
  }
  if (o.vus !== undefined) out.vus = o.vus;
  if (o.duration !== undefined) out.duration = o.duration;
  if (o.iterations !== undefined) out.iterations = o.iterations;
  if (o.stages !== undefined) out.stages = o.stages;
  return out;
}

/** The scenarios the options describe, validated; throws SHIPCHECK_ERR_ENGINE_OPTIONS listing all problems. */
export function resolveScenarios(options: Record<string, unknown>, script: string): ResolvedScenario[] {
  const problems: string[] = [];
  const raw = scenariosFromOptions(options, problems);
  const resolved: ResolvedScenario[] = [];
  for (const [name, sc] of Object.entries(raw)) {
    const where = `scenarios.${name}`;
    if (!NAME_OK.test(name)) problems.push(`${where}: a scenario name may contain only letters, digits, "_" and "-", got ${JSON.stringify(name)}`);
    if (!sc || typeof sc !== 'object') { problems.push(`${where} must be an object, got ${JSON.stringify(sc)}`); continue; }
    const s = sc as Record<string, unknown>;
    const type = s.executor;
    const ex = typeof type === 'string' ? EXECUTORS[type] : undefined;
    if (!ex) {
      problems.push(type === undefined
        ? `${where}.executor is required (one of: ${Object.keys(EXECUTORS).join(', ')})`
        : `${where}.executor ${JSON.stringify(type)} is not an executor type (one of: ${Object.keys(EXECUTORS).join(', ')}${type === 'externally-controlled' ? '; externally-controlled was removed in k6 v2' : ''})`);
      continue;
    }
    const errs: string[] = [];
    const base = baseConfig(name, type as string, s, errs);
    const { config, errors } = ex.parse(s, base);
    for (const e of [...errs, ...errors]) problems.push(`${where}: ${e}`);
    if (errs.length === 0 && errors.length === 0) {
      const pre = (config as BaseConfig & { preAllocatedVUs?: number }).preAllocatedVUs;
      resolved.push({ config, description: ex.describe(config), maxVus: ex.maxVus(config), maxDurationMs: config.startTime + ex.maxDurationMs(config), initialVus: pre ?? ex.maxVus(config) });
    }
  }
  if (problems.length > 0) {
    throw fail('SHIPCHECK_ERR_ENGINE_OPTIONS', { script, count: problems.length, details: problems.map((p) => `\n  - ${p}`).join('') });
  }
  return resolved;
}

function baseConfig(name: string, executor: string, s: Record<string, unknown>, errs: string[]): BaseConfig {
  const dur = (key: string, fallback: number): number => {
    if (s[key] === undefined) return fallback;
    const ms = parseDuration(s[key]);
    if (ms === undefined) { errs.push(`${key} is not a duration: ${JSON.stringify(s[key])} (write e.g. "30s", "1m30s")`); return fallback; }
    return ms;
  };
  const strMap = (key: string): Record<string, string> => {
    const v = s[key];
    if (v === undefined) return {};
    if (!v || typeof v !== 'object' || Array.isArray(v)) { errs.push(`${key} must be an object of strings, got ${JSON.stringify(v)}`); return {}; }
    return Object.fromEntries(Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, String(x)]));
  };
  const exec = s.exec === undefined ? 'default' : s.exec;
  if (typeof exec !== 'string' || exec === '') errs.push(`exec must be the name of an exported function, got ${JSON.stringify(s.exec)}`);
  return {
    name, executor,
    startTime: dur('startTime', 0),
    gracefulStop: dur('gracefulStop', 30_000),
    exec: typeof exec === 'string' ? exec : 'default',
    env: strMap('env'), tags: strMap('tags'), plannedMs: 0,
  };
}

/** k6's shortcut rules (lib/executor/execution_config_shortcuts). */
function scenariosFromOptions(o: Record<string, unknown>, problems: string[]): Record<string, unknown> {
  const set = (k: string) => o[k] !== undefined && o[k] !== null;
  const shortcuts = ['duration', 'iterations', 'stages'].filter(set);
  if (set('scenarios')) {
    if (shortcuts.length > 0) {
      problems.push(`using an execution configuration shortcut (${shortcuts.map((k) => `${k}: ${JSON.stringify(o[k])}`).join(', ')}) and "scenarios" simultaneously is not allowed; move the shortcut into a scenario or remove it`);
      return {};
    }
    const sc = o.scenarios;
    if (!sc || typeof sc !== 'object' || Array.isArray(sc)) { problems.push(`scenarios must be an object of named scenarios, got ${JSON.stringify(sc)}`); return {}; }
    if (Object.keys(sc).length === 0) problems.push('scenarios is empty: define at least one scenario');
    return sc as Record<string, unknown>;
  }
  if (set('vus') && (typeof o.vus !== 'number' || !Number.isInteger(o.vus) || (o.vus as number) < 0)) {
    problems.push(`vus must be a whole number ≥ 0, got ${JSON.stringify(o.vus)}`);
    return {};
  }
  const vus = set('vus') ? (o.vus as number) : undefined;
  if (set('iterations')) {
    if (shortcuts.includes('stages')) problems.push('"iterations" and "stages" cannot be used together; pick one');
    const sc: Record<string, unknown> = { executor: 'shared-iterations', iterations: o.iterations, vus: vus ?? 1 };
    if (set('duration')) sc.maxDuration = o.duration;
    return { default: sc };
  }
  if (set('stages') && set('duration')) problems.push('"duration" and "stages" cannot be used together; pick one');
  if (set('duration')) {
    const ms = parseDuration(o.duration);
    if (ms === undefined) { problems.push(`duration is not a duration: ${JSON.stringify(o.duration)} (write e.g. "30s")`); return {}; }
    if (ms === 0) problems.push('duration 0 (run forever) needs the externally-controlled executor, which k6 v2 removed; give a duration');
    return { default: { executor: 'constant-vus', vus: vus ?? 1, duration: formatDuration(ms) } };
  }
  if (set('stages')) return { default: { executor: 'ramping-vus', startVUs: vus ?? 1, stages: o.stages } };
  if (vus !== undefined && vus > 0) return { default: { executor: 'shared-iterations', vus, iterations: vus } };
  return { default: { executor: 'shared-iterations', vus: 1, iterations: 1 } };
}
