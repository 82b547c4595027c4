import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../harness/testing/test-database.ts';
import { migrate, migrationsDir, readMigrations, rollback, schemaSnapshot } from './migrate.ts';

let pool: pg.Pool;
beforeAll(async () => { pool = new pg.Pool({ connectionString: await createTestDatabase('rollback') }); });
afterAll(async () => { await pool?.end(); });

/** A migrations folder holding the first `n` migrations (with their down steps). */
function firstMigrations(n: number): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shipcheck-mig-'));
  for (const m of readMigrations().slice(0, n)) {
    fs.copyFileSync(path.join(migrationsDir, m.name), path.join(dir, m.name));
    fs.copyFileSync(path.join(migrationsDir, m.name.replace(/\.sql$/, '.down.sql')), path.join(dir, m.name.replace(/\.sql$/, '.down.sql')));
  }
  return dir;
}

describe('migration down steps', () => {
  it('every migration has one', () => {
    const all = readMigrations();
    expect(all.length).toBeGreaterThan(0);
    expect(all.filter((m) => m.down === undefined).map((m) => m.name)).toEqual([]);
    // The down files are not migrations themselves.
    expect(all.map((m) => m.name).every((n) => !n.includes('.down.'))).toBe(true);
  });

  it('up → down → up leaves the schema as before, one migration at a time', async () => {
    const all = readMigrations();
    expect(await schemaSnapshot(pool)).toEqual({});
    // With no migrations to apply, migrate creates only its own bookkeeping table.
    const none = firstMigrations(0);
    try { expect(await migrate(pool, none)).toEqual([]); } finally { fs.rmSync(none, { recursive: true, force: true }); }
    expect(Object.keys(await schemaSnapshot(pool))).toEqual(['schema_migrations']);
    for (let n = 1; n <= all.length; n++) {
      const dir = firstMigrations(n);
      try {
        const before = await schemaSnapshot(pool);
        expect(await migrate(pool, dir)).toEqual([all[n - 1].name]);
        const after = await schemaSnapshot(pool);
        expect(after).not.toEqual(before);
        expect(await rollback(pool, { dir })).toEqual([all[n - 1].name]);
        expect(await schemaSnapshot(pool)).toEqual(before);
        expect(await migrate(pool, dir)).toEqual([all[n - 1].name]);
        expect(await schemaSnapshot(pool)).toEqual(after);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    }
    // All the way down and up again.
    const full = await schemaSnapshot(pool);
    expect(await rollback(pool, { to: 0 })).toEqual(all.map((m) => m.name).reverse());
    expect(Object.keys(await schemaSnapshot(pool))).toEqual(['schema_migrations']);
    expect(await migrate(pool)).toEqual(all.map((m) => m.name));
    expect(await schemaSnapshot(pool)).toEqual(full);
  });

  it('keeps the rows of the tables it does not undo', async () => {
    await migrate(pool);
    await pool.query("insert into users (id) values ('keep-me')");
    await rollback(pool);
    expect((await pool.query("select id from users")).rows).toEqual([{ id: 'keep-me' }]);
    expect((await pool.query("select to_regclass('audit_log') as t")).rows[0].t).toBeNull();
    await migrate(pool);
    await pool.query("delete from users where id = 'keep-me'");
  });

  it('refuses to roll back a migration without a down step, changing nothing', async () => {
    await migrate(pool);
    const dir = firstMigrations(readMigrations().length);
    try {
      const newest = readMigrations().at(-1)!;
      fs.rmSync(path.join(dir, newest.name.replace(/\.sql$/, '.down.sql')));
      await expect(rollback(pool, { dir, to: 0 })).rejects.toThrow(`Cannot roll back ${newest.name}: it has no down step (${newest.name.replace(/\.sql$/, '.down.sql')}).`);
      expect((await pool.query('select count(*)::int as n from schema_migrations')).rows[0].n).toBe(readMigrations().length);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('undoes a failing down step in full', async () => {
    await migrate(pool);
    const dir = firstMigrations(readMigrations().length);
    try {
      const newest = readMigrations().at(-1)!;
      fs.writeFileSync(path.join(dir, newest.name.replace(/\.sql$/, '.down.sql')), 'drop table audit_log; select no_such_function();');
      await expect(rollback(pool, { dir })).rejects.toThrow(`Rolling back ${newest.name} failed`);
      expect((await pool.query("select to_regclass('audit_log') as t")).rows[0].t).toBe('audit_log');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
