/** The `k6` module: check, group, fail and sleep (sync mode: the rewritten script awaits sleep and group). */
import { InterruptedError, runtime, UnsupportedCallError } from '../runtime.ts';
import { currentVu } from '../vu.ts';
import type { Tags } from '../metrics/types.ts';

type Checkers<T> = Record<string, ((v: T) => unknown) | unknown>;

function isThenable(v: unknown): v is PromiseLike<unknown> {
  return v !== null && (typeof v === 'object' || typeof v === 'function') && typeof (v as { then?: unknown }).then === 'function';
}

/** Runs each named check on `value`, records `checks` (a rate) and the group tree; true when all pass. */
export function check<T>(value: T, checkers: Checkers<T>, tags?: Record<string, string>): boolean | Promise<boolean> {
  const rt = runtime();
  const names = Object.keys(checkers);
  let all = true;
  for (let i = 0; i < names.length; i++) {
    const name = names[i]!;
    const c = checkers[name];
    let r: unknown = c;
    if (typeof c === 'function') {
      r = (c as (v: T) => unknown)(value);
      if (isThenable(r)) {
        // A sync-mode script's checker that was rewritten to async (it calls a helper): finish in order.
        if (!rt.syncApi) throw new Error(`check "${name}" returned a Promise: k6 checks are synchronous. Await the value first, then check it.`);
        return finishChecks(value, checkers, names, i, r, all, tags);
      }
    }
    if (!recordCheck(name, Boolean(r), tags)) all = false;
  }
  return all;
}

async function finishChecks<T>(value: T, checkers: Checkers<T>, names: string[], i: number, pending: PromiseLike<unknown>, all: boolean, tags?: Record<string, string>): Promise<boolean> {
  if (!recordCheck(names[i]!, Boolean(await pending), tags)) all = false;
  for (let j = i + 1; j < names.length; j++) {
    const c = checkers[names[j]!];
    const r = typeof c === 'function' ? await (c as (v: T) => unknown)(value) : c;
    if (!recordCheck(names[j]!, Boolean(r), tags)) all = false;
  }
  return all;
}

/** Records one check's outcome (a `checks` sample and the group tree); returns it. */
function recordCheck(name: string, ok: boolean, tags?: Record<string, string>): boolean {
  const rt = runtime();
  const vu = currentVu();
  const base = vu.sampleTags;
  const now = Date.now();
  {
    if (vu.interrupted) return ok;
    const t: Tags = {};
    for (const k in base) t[k] = base[k]!;
    t.check = name;
    if (tags) for (const k in tags) t[k] = String(tags[k]);
    rt.emit(rt.builtin.checks, ok ? 1 : 0, t, now);
    rt.groups.check(vu.groupPath, name, ok);
  }
  return ok;
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
  const end = () => {
    vu.groupPath = parent;
    vu.refreshTags();
    if (!vu.interrupted) {
      const t: Tags = { ...vu.sampleTags, group: path };
      rt.emit(rt.builtin.group_duration, performance.now() - start, t, Date.now());
    }
  };
  let r: T;
  try {
    r = fn();
  } catch (e) {
    end();
    throw e;
  }
  if (isThenable(r)) {
    if (rt.syncApi) {
      // Sync mode: the rewritten callback awaits its requests; the VU waits here (the script awaits group()).
      return Promise.resolve(r).then((v) => { end(); return v; }, (e: unknown) => { end(); throw e; }) as T;
    }
    // The group's bookkeeping would end before the awaited work: refuse, as k6 does.
    (r as unknown as Promise<unknown>).then(undefined, () => undefined);
    end();
    throw new UnsupportedCallError(`group("${name}", async ...) is not supported: k6's group() takes a synchronous function only. Call check() and record metrics after your awaits, outside group(), or tag requests with a "name" instead.`);
  }
  end();
  return r;
}

/** Ends the current iteration with an error (k6 logs it and goes on with the next iteration). */
export function fail(message = ''): never {
  throw new Error(message);
}

export function sleep(seconds: number): Promise<void> {
  const rt = runtime();
  if (rt.syncApi) {
    const ms = Math.max(0, Number(seconds) * 1000);
    const vu = currentVu();
    // The VU waits (the rewritten script awaits this); an interrupted VU stops waiting.
    return new Promise<void>((resolve, reject) => {
      const t = setTimeout(done, ms);
      const signal = vu.abort.signal;
      const onAbort = () => { clearTimeout(t); reject(new InterruptedError()); };
      function done() { signal.removeEventListener('abort', onAbort); resolve(); }
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }
  throw new UnsupportedCallError(
    `sleep(${seconds}) is synchronous: in the shipcheck Node engine it would block every VU sharing the thread. ` +
    'Write `await pause(seconds)` (scenarios/lib; or `await new Promise((r) => setTimeout(r, seconds * 1000))`) in an async function instead; real k6 ≥ 0.51 runs it too.',
  );
}

export function randomSeed(_seed: number): void {
  // Math.random cannot be seeded in Node; accepted so scripts that call it still run.
}

export default { check, group, fail, sleep, randomSeed };
