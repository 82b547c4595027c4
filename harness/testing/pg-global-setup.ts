import type { TestProject } from 'vitest/node';
import { provisionPostgres } from '../postgres/provision.ts';

declare module 'vitest' {
  export interface ProvidedContext { pgAdminUrl: string }
}

/**
 * One PostgreSQL for the whole test run (DATABASE_URL, a container, or a throwaway embedded
 * cluster); each test file then creates its own database on it with `createTestDatabase()`.
 */
export default async function setup(project: TestProject) {
  const handle = await provisionPostgres({ name: `test-${process.pid}`, ephemeral: true, database: 'postgres' });
  project.provide('pgAdminUrl', handle.adminUrl);
  return async () => { await handle.stop(); };
}
