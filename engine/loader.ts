/**
 * Installs the hook that resolves `k6`, `k6/http`, ... to `engine/k6/*.ts`. Registered after
 * tsx, so Node runs it first and falls through to tsx for everything else; the k6 modules
 * themselves are TypeScript that tsx's load hook then compiles.
 */
import { register } from 'node:module';

let registered = false;

export function registerK6Modules(): void {
  if (registered) return;
  register(new URL('./loader-hooks.mjs', import.meta.url).href);
  registered = true;
}

/** The k6 modules the Node engine provides (names as scripts import them). */
export const K6_MODULE_NAMES = ['k6', 'k6/http', 'k6/metrics', 'k6/execution', 'k6/data', 'k6/encoding', 'k6/crypto', 'k6/timers'] as const;
