import { defineConfig } from 'vitest/config';

// One run covers every folder's tests. Each test file gets its own PostgreSQL database
// on one cluster started in globalSetup, so files never share state by accident.
export default defineConfig({
  test: {
    include: ['{app,harness,cli,engine,scenarios,smoke,reports,dr-drills,examples,monitoring,deploy}/**/*.test.ts'],
    exclude: ['**/node_modules/**', 'dist/**', 'out/**', '.shipcheck/**', 'smoke/**/*.spec.ts'],
    globalSetup: ['harness/testing/pg-global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    maxWorkers: 2,
    reporters: process.env.CI ? ['default', ['json', { outputFile: '.vitest-result.json' }]] : ['default'],
  },
});
