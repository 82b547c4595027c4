/**
 * Dotted paths into parsed JSON bodies: `status`, `checks.database.status`, `items.0.id`.
 * `*` stands for the elements of an array: every element when checking (`items.*.id`), one
 * at random when capturing a value for a later request. Portable (no Node built-ins).
 */

export type Found = { found: true; values: unknown[] } | { found: false; at: string };

/** Every value at `path` (several when the path holds `*`), or where the walk stopped. */
export function valuesAt(root: unknown, path: string): Found {
  let current: unknown[] = [root];
  const parts = path.split('.');
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    // `items.*.id` over an empty array selects nothing: found, with no values to check.
    if (current.length === 0) return { found: true, values: [] };
    const next: unknown[] = [];
    for (const v of current) {
      if (part === '*') {
        if (Array.isArray(v)) next.push(...v);
      } else if (Array.isArray(v) && /^\d+$/.test(part)) {
        if (Number(part) < v.length) next.push(v[Number(part)]);
      } else if (v !== null && typeof v === 'object' && Object.prototype.hasOwnProperty.call(v, part)) {
        next.push((v as Record<string, unknown>)[part]);
      }
    }
    // `items.*` over an empty array is an empty selection, not a missing field.
    if (next.length === 0 && !(part === '*' && current.some(Array.isArray))) return { found: false, at: parts.slice(0, i + 1).join('.') };
    current = next;
  }
  return { found: true, values: current };
}

/** One value at `path` for a later request: the first match, or a random one where the path holds `*`. */
export function captureAt(root: unknown, path: string, random: () => number = Math.random): unknown {
  const r = valuesAt(root, path);
  if (!r.found || r.values.length === 0) return undefined;
  const v = path.includes('*') ? r.values[Math.floor(random() * r.values.length)] : r.values[0];
  return v === null || typeof v === 'object' ? undefined : v;
}
