import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../harness/testing/test-database.ts';
import { migrate, migrationsDir, readMigrations } from './migrate.ts';

let pool: pg.Pool;
beforeAll(async () => { pool = new pg.Pool({ connectionString: await createTestDatabase('migrate') }); });
afterAll(async () => { await pool?.end(); });

describe('migrations', () => {
  it('are numbered SQL files applied once, in order; a second run applies nothing', async () => {
    const files = readMigrations().map((m) => m.name);
    expect(files).toEqual(['001_users.sql', '002_educational_content.sql', '003_audit_log.sql']);
    expect(await migrate(pool)).toEqual(files);
    expect(await migrate(pool)).toEqual([]);
    // Concurrent starts wait on the advisory lock instead of racing.
    expect(await Promise.all([migrate(pool), migrate(pool)])).toEqual([[], []]);
    const { rows } = await pool.query('select version, name from schema_migrations order by version');
    expect(rows.map((r) => r.name)).toEqual(files);
    const cols = await pool.query("select column_name from information_schema.columns where table_name = 'educational_content'");
    expect(cols.rows.map((r) => r.column_name)).toEqual(expect.arrayContaining(['content_type', 'quality_score', 'educational_effectiveness', 'factual_accuracy', 'generation_duration_ms', 'created_at', 'user_id']));
  });

  it('refuses a migration edited after it was applied, and rolls back a failing one', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shipcheck-mig-'));
    try {
      for (const f of fs.readdirSync(migrationsDir)) fs.copyFileSync(path.join(migrationsDir, f), path.join(dir, f));
      fs.appendFileSync(path.join(dir, '001_users.sql'), '\n-- edited\n');
      await expect(migrate(pool, dir)).rejects.toThrow(/001_users\.sql was changed after it was applied/);

      fs.copyFileSync(path.join(migrationsDir, '001_users.sql'), path.join(dir, '001_users.sql'));
      fs.writeFileSync(path.join(dir, '004_broken.sql'), 'create table half_done (id int); select no_such_function();');
      await expect(migrate(pool, dir)).rejects.toThrow(/Migration 004_broken\.sql failed/);
      expect((await pool.query("select to_regclass('half_done') as t")).rows[0].t).toBeNull();
      expect((await pool.query('select count(*)::int as n from schema_migrations')).rows[0].n).toBe(3);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
