/**
 * `defineConfig()`, what a `shipcheck.config.ts` exports: the identity function, there so the
 * editor checks and completes the config against its types (as Playwright's, Vitest's and
 * Checkly's do). The same shape is validated again when shipcheck loads the file.
 *
 *   import { defineConfig } from 'shipcheck';
 *   export default defineConfig({ targets: { api: { baseUrl: 'http://127.0.0.1:3000', health: { liveness: '/health' } } } });
 */
import type { ShipcheckConfig } from './types.ts';

export function defineConfig(config: ShipcheckConfig): ShipcheckConfig {
  return config;
}

export type * from './types.ts';
