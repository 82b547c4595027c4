/** Helpers the executors share: reading options with k6's rules, waiting, segment splitting. */
import { formatDuration, parseDuration } from '../durations.ts';
import type { ScenarioRun, IterationOutcome } from '../scenario-run.ts';
import type { Vu } from '../vu.ts';
import type { BaseConfig, Stage } from './types.ts';

export const BASE_KEYS = ['executor', 'startTime', 'gracefulStop', 'exec', 'env', 'tags'];

export class Reader {
  readonly errors: string[] = [];
  constructor(private readonly raw: Record<string, unknown>, private readonly known: readonly string[]) {
    for (const k of Object.keys(raw)) {
      if (!BASE_KEYS.includes(k) && !known.includes(k)) this.errors.push(`unknown option "${k}" for executor ${String(raw.executor)} (it takes: ${[...BASE_KEYS, ...known].join(', ')})`);
    }
  }

  has(key: string): boolean { return this.raw[key] !== undefined && this.raw[key] !== null; }

  int(key: string, fallback: number | undefined, min = 0): number {
    const v = this.raw[key];
    if (v === undefined || v === null) {
      if (fallback === undefined) { this.errors.push(`${key} is required`); return 0; }
      return fallback;
    }
    if (typeof v !== 'number' || !Number.isInteger(v)) { this.errors.push(`${key} must be a whole number, got ${JSON.stringify(v)}`); return fallback ?? 0; }
    if (v < min) { this.errors.push(`${key} must be at least ${min}, got ${v}`); return fallback ?? 0; }
    return v;
  }

  duration(key: string, fallback: number | undefined, min = 0): number {
    const v = this.raw[key];
    if (v === undefined || v === null) {
      if (fallback === undefined) { this.errors.push(`${key} is required`); return 0; }
      return fallback;
    }
    const ms = parseDuration(v);
    if (ms === undefined) { this.errors.push(`${key} is not a duration: ${JSON.stringify(v)} (write e.g. "30s", "1m30s", "500ms")`); return fallback ?? 0; }
    if (ms < min) { this.errors.push(`${key} must be at least ${formatDuration(min)}, got ${JSON.stringify(v)}`); return fallback ?? 0; }
    return ms;
  }

  stages(key: string, required: boolean): Stage[] {
    const v = this.raw[key];
    if (v === undefined || v === null) {
      if (required) this.errors.push(`${key} is required (a list of {duration, target})`);
      return [];
    }
    if (!Array.isArray(v)) { this.errors.push(`${key} must be a list of {duration, target}, got ${JSON.stringify(v)}`); return []; }
    if (v.length === 0 && required) this.errors.push(`${key} must have at least one stage`);
    return v.map((st, i) => {
      const s = st as Record<string, unknown>;
      const d = parseDuration(s?.duration);
      if (d === undefined) this.errors.push(`${key}[${i}].duration is not a duration: ${JSON.stringify(s?.duration)}`);
      const t = s?.target;
      if (typeof t !== 'number' || !Number.isInteger(t) || t < 0) this.errors.push(`${key}[${i}].target must be a whole number ≥ 0, got ${JSON.stringify(t)}`);
      return { duration: d ?? 0, target: typeof t === 'number' ? t : 0 };
    });
  }
}

/** k6's "(maxDuration: 10m0s, gracefulStop: 30s)" tail of a description. */
export function baseInfo(c: BaseConfig, ...parts: string[]): string {
  const all: string[] = [];
  if (c.startTime > 0) all.push(`startTime: ${formatDuration(c.startTime)}`);
  all.push(...parts);
  if (c.exec !== 'default') all.push(`exec: ${c.exec}`);
  all.push(`gracefulStop: ${formatDuration(c.gracefulStop)}`);
  return ` (${all.join(', ')})`;
}

export function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, Math.max(0, ms)));
}

/** Waits `ms`, or less if the test is stopped meanwhile. */
export async function delayOrStop(s: ScenarioRun, ms: number): Promise<void> {
  if (ms <= 0 || s.stopping) return;
  let t: NodeJS.Timeout | undefined;
  await Promise.race([new Promise<void>((r) => { t = setTimeout(r, ms); }), s.rt.whenStopped()]);
  clearTimeout(t);
}

/** Resolves when all `loops` end, or after `ms`, or when the test stops; whichever is first. */
export async function settleWithin(s: ScenarioRun, loops: Promise<unknown>[], ms: number): Promise<void> {
  let t: NodeJS.Timeout | undefined;
  await Promise.race([Promise.all(loops), new Promise<void>((r) => { t = setTimeout(r, Math.max(0, ms)); }), s.rt.whenStopped()]);
  clearTimeout(t);
}

/**
 * One iteration, then a turn of the event loop when it finished without waiting for
 * anything, so a script with no awaits cannot starve the other VUs' I/O and the timers.
 * ScenarioRun.iterate does the yielding (one promise per iteration instead of three).
 */
export function iterateFairly(s: ScenarioRun, vu: Vu): Promise<IterationOutcome> {
  return s.iterate(vu, true);
}

/**
 * The standard end of a closed-model scenario: wait for the loops until `endAt` (epoch ms,
 * or forever), then give running iterations gracefulStop to finish, then interrupt them.
 */
export async function finishLoops(s: ScenarioRun, loops: Promise<unknown>[], endAt: number | undefined): Promise<void> {
  if (endAt !== undefined) await settleWithin(s, loops, endAt - Date.now());
  else await Promise.race([Promise.all(loops), s.rt.whenStopped()]);
  s.endLoops = true;
  if (!s.stopping) await settleWithin(s, loops, s.config.gracefulStop);
  s.interruptAll();
  await Promise.all(loops);
}

/** k6 execution segments split an integer so that the parts always add up to the whole. */
export function splitInt(total: number, index: number, count: number): number {
  return Math.floor((total * (index + 1)) / count) - Math.floor((total * index) / count);
}
