// Module-resolution hook (runs in Node's hooks thread): maps `k6` and `k6/<module>` to the
// Node engine's own modules so the bundle real k6 runs loads unchanged. Plain JS on purpose:
// it must load before, and independently of, tsx's hooks, and it only ever short-circuits
// the eight k6 specifiers, passing everything else to the next hook in the chain (tsx).
const K6_MODULES = {
  k6: 'index.ts',
  'k6/http': 'http.ts',
  'k6/metrics': 'metrics.ts',
  'k6/execution': 'execution.ts',
  'k6/data': 'data.ts',
  'k6/encoding': 'encoding.ts',
  'k6/crypto': 'crypto.ts',
  'k6/timers': 'timers.ts',
};
const k6Dir = new URL('./k6/', import.meta.url);

export async function resolve(specifier, context, nextResolve) {
  const file = K6_MODULES[specifier];
  // format "module": the engine's modules are ESM TypeScript, which tsx's load hook compiles.
  if (file !== undefined) return { url: new URL(file, k6Dir).href, format: 'module', shortCircuit: true };
  if (specifier === 'k6' || specifier.startsWith('k6/')) {
    throw new Error(`The Node engine does not implement the k6 module "${specifier}". It supports: ${Object.keys(K6_MODULES).join(', ')}. Run this script with real k6 (shipcheck load --engine k6) or remove the import.`);
  }
  const resolved = await nextResolve(specifier, context);
  // The script under test is ESM whatever its folder's package.json says (k6 scripts always
  // are); without this a .js outside a "type": "module" package would load as CommonJS.
  if (resolved.url.includes('?k6run=')) return { ...resolved, format: 'module' };
  return resolved;
}
