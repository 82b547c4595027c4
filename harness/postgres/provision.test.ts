import { describe, expect, it, inject } from 'vitest';
import pg from 'pg';
import { provisionPostgres } from './provision.ts';
import { ensureDatabase, dropDatabase } from './database.ts';
import { freePort } from '../free-port.ts';
import { containerRuntimeAvailable } from './container-runtime.ts';

describe('provisionPostgres', () => {
  it('uses DATABASE_URL when set, and says clearly when it does not answer (password redacted)', async () => {
    const port = await freePort();
    const url = `postgres://app:s3cretpw@127.0.0.1:${port}/app`;
    const err = await provisionPostgres({ name: 'x', env: { DATABASE_URL: url } }).then(() => undefined, (e: unknown) => e as Error);
    expect(err?.message).toContain('Cannot connect to the PostgreSQL at DATABASE_URL');
    expect(err?.message).toContain(`127.0.0.1:${port}`);
    expect(err?.message).toContain('unset DATABASE_URL');
    expect(err?.message).not.toContain('s3cretpw');
  });

  it('hands back a reachable DATABASE_URL as an external database', async () => {
    const url = await ensureDatabase(inject('pgAdminUrl'), 'provision_external');
    const handle = await provisionPostgres({ name: 'x', env: { DATABASE_URL: url } });
    expect(handle.kind).toBe('external');
    expect(handle.url).toBe(url);
    await handle.stop();
    await dropDatabase(inject('pgAdminUrl'), 'provision_external');
  });

  it('detects a missing container engine without hanging, then falls back to an embedded cluster with the app database', async () => {
    const started = Date.now();
    const available = await containerRuntimeAvailable(3000);
    expect(Date.now() - started).toBeLessThan(10_000); // bounded by its own timeout, not a speed claim
    const handle = await provisionPostgres({ name: 'provision-test', ephemeral: true, database: 'appdb', env: {} });
    try {
      expect(handle.kind).toBe(available ? 'container' : 'embedded');
      const client = new pg.Client({ connectionString: handle.url });
      await client.connect();
      const { rows } = await client.query('select current_database() as db');
      await client.end();
      expect(rows[0].db).toBe('appdb');
    } finally {
      await handle.stop();
    }
  });
});
