/** k6/data: SharedArray, built once in the init context from a function returning an array. */
const arrays = new Map<string, readonly unknown[]>();

export class SharedArray<T = unknown> {
  constructor(name: string, fn: () => T[]) {
    if (typeof name !== 'string' || name === '') throw new Error('SharedArray needs a non-empty name as its first argument.');
    let data = arrays.get(name) as T[] | undefined;
    if (!data) {
      const made = fn();
      if (!Array.isArray(made)) throw new Error(`SharedArray "${name}": the function must return an array.`);
      // Deep-frozen copies, as k6 hands every VU a read-only view.
      data = JSON.parse(JSON.stringify(made)) as T[];
      deepFreeze(data);
      arrays.set(name, data);
    }
    // An Array-like view: index, length and the array methods all work.
    return data as unknown as SharedArray<T>;
  }
}

function deepFreeze(v: unknown): void {
  if (v && typeof v === 'object' && !Object.isFrozen(v)) {
    Object.freeze(v);
    for (const k of Object.keys(v)) deepFreeze((v as Record<string, unknown>)[k]);
  }
}

export default { SharedArray };
