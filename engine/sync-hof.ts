/**
 * The array methods that take callbacks, for sync-mode scripts (see engine/sync-transform.ts):
 * `arr.forEach(cb)` whose callback makes requests becomes `__k6hof(arr, "forEach", cb)`, which
 * runs the callbacks one after another and awaits each one that returns a promise, so the
 * requests happen in order inside the VU's iteration, as they do in k6. Anything that is not
 * an array (a Map, a k6/html Selection, a user object) gets its own method called.
 */
type Cb = (...a: unknown[]) => unknown;

function isThenable(v: unknown): v is PromiseLike<unknown> {
  return v !== null && (typeof v === 'object' || typeof v === 'function') && typeof (v as { then?: unknown }).then === 'function';
}

export async function asyncHof(obj: unknown, method: string, ...args: unknown[]): Promise<unknown> {
  if (!Array.isArray(obj) || typeof args[0] !== 'function') {
    const r = (obj as Record<string, Cb>)[method]!(...args);
    // Another object's map/each (a k6/html Selection) collects what the callbacks returned: settle those.
    return Array.isArray(r) && r.some(isThenable) ? Promise.all(r) : r;
  }
  const arr = obj as unknown[];
  const cb = args[0] as Cb;
  const self = args[1];
  const call = async (v: unknown, i: number): Promise<unknown> => {
    const r = cb.call(self, v, i, arr);
    return isThenable(r) ? await r : r;
  };
  switch (method) {
    case 'forEach': for (let i = 0; i < arr.length; i++) if (i in arr) await call(arr[i], i); return undefined;
    case 'map': { const out = new Array(arr.length); for (let i = 0; i < arr.length; i++) if (i in arr) out[i] = await call(arr[i], i); return out; }
    case 'flatMap': { const out: unknown[] = []; for (let i = 0; i < arr.length; i++) { const r = await call(arr[i], i); if (Array.isArray(r)) out.push(...r); else out.push(r); } return out; }
    case 'filter': { const out: unknown[] = []; for (let i = 0; i < arr.length; i++) if (await call(arr[i], i)) out.push(arr[i]); return out; }
    case 'some': for (let i = 0; i < arr.length; i++) if (await call(arr[i], i)) return true; return false;
    case 'every': for (let i = 0; i < arr.length; i++) if (!(await call(arr[i], i))) return false; return true;
    case 'find': for (let i = 0; i < arr.length; i++) if (await call(arr[i], i)) return arr[i]; return undefined;
    case 'findIndex': for (let i = 0; i < arr.length; i++) if (await call(arr[i], i)) return i; return -1;
    case 'findLast': for (let i = arr.length - 1; i >= 0; i--) if (await call(arr[i], i)) return arr[i]; return undefined;
    case 'findLastIndex': for (let i = arr.length - 1; i >= 0; i--) if (await call(arr[i], i)) return i; return -1;
    case 'reduce': case 'reduceRight': {
      const idx = method === 'reduce' ? [...arr.keys()] : [...arr.keys()].reverse();
      let k = 0;
      let acc: unknown;
      if (args.length >= 2) acc = args[1];
      else { if (idx.length === 0) throw new TypeError('Reduce of empty array with no initial value'); acc = arr[idx[0]!]; k = 1; }
      for (; k < idx.length; k++) { const r = cb(acc, arr[idx[k]!], idx[k], arr); acc = isThenable(r) ? await r : r; }
      return acc;
    }
    default: return (arr as unknown as Record<string, Cb>)[method]!(...args);
  }
}
