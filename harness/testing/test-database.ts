import crypto from 'node:crypto';
import { inject, afterAll } from 'vitest';
import { dropDatabase, ensureDatabase } from '../postgres/database.ts';

/**
 * A fresh database for the calling test file on the run's shared server, dropped after the
 * file's tests. Call it at the top of a test file (or in beforeAll).
 */
export async function createTestDatabase(label = 'test'): Promise<string> {
  const adminUrl = inject('pgAdminUrl');
  const name = `${label.replace(/[^a-z0-9_]/gi, '_').toLowerCase()}_${crypto.randomBytes(4).toString('hex')}`;
  const url = await ensureDatabase(adminUrl, name);
  afterAll(async () => { await dropDatabase(adminUrl, name).catch(() => {}); });
  return url;
}
