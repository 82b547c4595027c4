/** Shared by the app's tests: a configuration for a test database with known keys. */
import { loadConfig, type AppConfig } from './config.ts';

export const TEST_KEY = 'test-key-aaaaaaaaaaaaaaaa';
export const OTHER_KEY = 'test-key-bbbbbbbbbbbbbbbb';
export const auth = (key = TEST_KEY) => ({ authorization: `Bearer ${key}` });

export function testConfig(databaseUrl: string, env: Record<string, string> = {}): AppConfig {
  return loadConfig({
    DATABASE_URL: databaseUrl,
    API_KEY: TEST_KEY,
    API_KEYS: OTHER_KEY,
    LOG_LEVEL: 'silent',
    LOCAL_PROVIDER_LATENCY_MS: '0',
    LOCAL_PROVIDER_JITTER_MS: '0',
    ...env,
  });
}
