/** The `k6` module: check, group, fail, and sleep (refused: it would block every VU). */
import { runtime, UnsupportedCallError } from '../runtime.ts';
import { currentVu } from '../vu.ts';
import type { Tags } from '../metrics/types.ts';

type Checkers<T> = Record<string, ((v: T) => unknown) | unknown>;

/** Runs each named check on `value`, records `checks` (a rate) and the group tree; true when all pass. */
export function check<T>(value: T, checkers: Checkers<T>, tags?: Record<string, string>): boolean {
  const rt = runtime();
  const vu = currentVu();
  const base = vu.sampleTags;
  const now = Date.now();
  let all = true;
  for (const name in checkers) {
    const c = checkers[name];
    let ok: boolean;
    if (typeof c === 'function') {
      const r = (c as (v: T) => unknown)(value);
      if (r instanceof Promise) throw new Error(`check "${name}" returned a Promise: k6 checks are synchronous. Await the value first, then check it.`);
      ok = Boolean(r);
    } else ok = Boolean(c);
    if (!ok) all = false;
    if (vu.interrupted) continue;
    const t: Tags = {};
    for (const k in base) t[k] = base[k]!;
    t.check = name;
    if (tags) for (const k in tags) t[k] = String(tags[k]);
    rt.emit(rt.builtin.checks, ok ? 1 : 0, t, now);
    rt.groups.check(vu.groupPath, name, ok);
  }
  return all;
}

/** Runs `fn` inside a named group (nested with "::"); k6's group takes a synchronous function only. */
export function group<T>(name: string, fn: () => T): T {
  if (name.includes('::')) throw new Error(`group name ${JSON.stringify(name)} contains "::", which k6 reserves as the group path separator.`);
  const rt = runtime();
  const vu = currentVu();
  const parent = vu.groupPath;
  const path = `${parent}::${name}`;
  rt.groups.group(path);
  vu.groupPath = path;
  vu.refreshTags();
  const start = performance.now();
  try {
    const r = fn();
    if (r instanceof Promise) {
      // The group's bookkeeping would end before the awaited work: refuse, as k6 does.
      r.catch(() => undefined);
      throw new UnsupportedCallError(`group("${name}", async ...) is not supported: k6's group() takes a synchronous function only. Call check() and record metrics after your awaits, outside group(), or tag requests with a "name" instead.`);
    }
    return r;
  } finally {
    vu.groupPath = parent;
    vu.refreshTags();
    if (!vu.interrupted) {
      const t: Tags = { ...vu.sampleTags, group: path };
      rt.emit(rt.builtin.group_duration, performance.now() - start, t, Date.now());
    }
  }
}

/** Ends the current iteration with an error (k6 logs it and goes on with the next iteration). */
export function fail(message = ''): never {
  throw new Error(message);
}

export function sleep(seconds: number): never {
  throw new UnsupportedCallError(
    `sleep(${seconds}) is synchronous: in the shipcheck Node engine it would block every VU sharing the thread. ` +
    'Write `await pause(seconds)` (scenarios/lib; or `await new Promise((r) => setTimeout(r, seconds * 1000))`) in an async function instead; real k6 ≥ 0.51 runs it too.',
  );
}

export function randomSeed(_seed: number): void {
  // Math.random cannot be seeded in Node; accepted so scripts that call it still run.
}

export default { check, group, fail, sleep, randomSeed };
