/**
 * `{name}` placeholders in endpoint paths, query values and bodies, filled from values that
 * earlier requests captured. Portable: no Node built-ins, so the k6 scenarios bundle it.
 */

const PLACEHOLDER = /\{([A-Za-z_]\w*)\}/g;

/** The placeholder names in a string, or in every string inside a JSON value. */
export function placeholdersIn(value: unknown, found: Set<string> = new Set()): Set<string> {
  if (typeof value === 'string') {
    for (const m of value.matchAll(PLACEHOLDER)) found.add(m[1]!);
  } else if (Array.isArray(value)) {
    for (const v of value) placeholdersIn(v, found);
  } else if (value && typeof value === 'object') {
    for (const v of Object.values(value)) placeholdersIn(v, found);
  }
  return found;
}

/**
 * The string with each `{name}` replaced by `vars[name]`; `encode` URL-encodes the values
 * (paths and query strings). A placeholder without a value is left as it is.
 */
export function fillString(s: string, vars: Record<string, unknown>, encode = false): string {
  return s.replace(PLACEHOLDER, (whole, name: string) => {
    if (!(name in vars)) return whole;
    const v = String(vars[name]);
    return encode ? encodeURIComponent(v) : v;
  });
}

/**
 * A JSON value with its strings filled. A string that is exactly one placeholder takes the
 * captured value with its type (`"{id}"` → 42), so numeric ids stay numbers in bodies.
 */
export function fillJson(value: unknown, vars: Record<string, unknown>): unknown {
  if (typeof value === 'string') {
    const whole = /^\{([A-Za-z_]\w*)\}$/.exec(value);
    if (whole && whole[1]! in vars) return vars[whole[1]!];
    return fillString(value, vars);
  }
  if (Array.isArray(value)) return value.map((v) => fillJson(v, vars));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = fillJson(v, vars);
    return out;
  }
  return value;
}

/** The `name` tag of a request: "METHOD /path/:param", so thresholds can key on it (no braces, no commas). */
export function nameTag(method: string, path: string): string {
  return `${method} ${path.replace(PLACEHOLDER, ':$1')}`;
}
