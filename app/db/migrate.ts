/**
 * Applies the numbered SQL files in `app/migrations/` in order, each once, each in its own
 * transaction. An advisory lock makes concurrent starts (several app processes on one
 * database) wait for each other instead of racing. Each `NNN_name.sql` has its down step in
 * `NNN_name.down.sql`; `rollback` runs them newest first. Deploys never roll back this way
 * (migrations are expand/contract: the previous release runs on the new schema); down steps are
 * for a migration that must be undone by hand, and the migration-rollback drill proves them.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type pg from 'pg';

export const migrationsDir = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'migrations');
const LOCK_ID = 0x5c4ec4; // any constant; only shipcheck's migrator takes it

export interface Migration { version: number; name: string; sql: string; checksum: string; /** The down step, when NNN_name.down.sql exists. */ down?: string }

export function readMigrations(dir = migrationsDir): Migration[] {
  return fs.readdirSync(dir)
    .filter((f) => /^\d{3}_[a-z0-9_]+\.sql$/.test(f))
    .sort()
    .map((f) => {
      const sql = fs.readFileSync(path.join(dir, f), 'utf8');
      const downFile = path.join(dir, f.replace(/\.sql$/, '.down.sql'));
      const down = fs.existsSync(downFile) ? fs.readFileSync(downFile, 'utf8') : undefined;
      return { version: Number(f.slice(0, 3)), name: f, sql, checksum: crypto.createHash('sha256').update(sql).digest('hex'), ...(down !== undefined ? { down } : {}) };
    });
}

/** Runs pending migrations; returns the names it applied (empty when the schema is current). */
export async function migrate(pool: pg.Pool, dir = migrationsDir): Promise<string[]> {
  const client = await pool.connect();
  const applied: string[] = [];
  try {
    await client.query('select pg_advisory_lock($1)', [LOCK_ID]);
    await client.query(`create table if not exists schema_migrations (
      version integer primary key, name text not null, checksum text not null,
      applied_at timestamptz not null default now())`);
    const { rows } = await client.query<{ version: number; name: string; checksum: string }>('select version, name, checksum from schema_migrations');
    const done = new Map(rows.map((r) => [r.version, r]));
    for (const m of readMigrations(dir)) {
      const prior = done.get(m.version);
      if (prior) {
        if (prior.checksum !== m.checksum) {
          throw new Error(`Migration ${m.name} was changed after it was applied (checksum differs from the one recorded in schema_migrations). Add a new numbered migration instead of editing an applied one.`);
        }
        continue;
      }
      await client.query('begin');
      try {
        await client.query(m.sql);
        await client.query('insert into schema_migrations (version, name, checksum) values ($1, $2, $3)', [m.version, m.name, m.checksum]);
        await client.query('commit');
        applied.push(m.name);
      } catch (e) {
        await client.query('rollback');
        throw new Error(`Migration ${m.name} failed: ${(e as Error).message}`, { cause: e });
      }
    }
  } finally {
    await client.query('select pg_advisory_unlock($1)', [LOCK_ID]).catch(() => {});
    client.release();
  }
  return applied;
}

/**
 * Rolls back applied migrations newest first until only those numbered `to` or below remain
 * (default: the newest one alone), each down step in its own transaction with its
 * schema_migrations row. Returns the names it rolled back. A migration without a down step,
 * or one applied but no longer on disk, stops it before anything changes.
 */
export async function rollback(pool: pg.Pool, opts: { to?: number; dir?: string } = {}): Promise<string[]> {
  const client = await pool.connect();
  const undone: string[] = [];
  try {
    await client.query('select pg_advisory_lock($1)', [LOCK_ID]);
    const exists = (await client.query("select to_regclass('schema_migrations') as t")).rows[0].t;
    if (!exists) return [];
    const { rows } = await client.query<{ version: number; name: string }>('select version, name from schema_migrations order by version desc');
    const to = opts.to ?? (rows.length > 1 ? rows[1].version : 0);
    const onDisk = new Map(readMigrations(opts.dir).map((m) => [m.version, m]));
    const targets = rows.filter((r) => r.version > to);
    for (const r of targets) {
      const m = onDisk.get(r.version);
      if (!m) throw new Error(`Cannot roll back ${r.name}: it is applied but no longer in the migrations folder.`);
      if (m.down === undefined) throw new Error(`Cannot roll back ${m.name}: it has no down step (${m.name.replace(/\.sql$/, '.down.sql')}).`);
    }
    for (const r of targets) {
      const m = onDisk.get(r.version)!;
      await client.query('begin');
      try {
        await client.query(m.down!);
        await client.query('delete from schema_migrations where version = $1', [m.version]);
        await client.query('commit');
        undone.push(m.name);
      } catch (e) {
        await client.query('rollback');
        throw new Error(`Rolling back ${m.name} failed: ${(e as Error).message}`, { cause: e });
      }
    }
  } finally {
    await client.query('select pg_advisory_unlock($1)', [LOCK_ID]).catch(() => {});
    client.release();
  }
  return undone;
}

/**
 * The public schema as comparable data: tables with their columns, constraints and indexes.
 * Two databases with equal snapshots have the same schema (sequences' positions aside).
 */
export async function schemaSnapshot(pool: pg.Pool | pg.ClientBase): Promise<Record<string, { columns: string[]; constraints: string[]; indexes: string[] }>> {
  const q = async (sql: string) => (await pool.query<{ t: string; d: string }>(sql)).rows;
  const columns = await q(`select table_name as t, column_name || ' ' || data_type || case when is_nullable = 'NO' then ' not null' else '' end
      || coalesce(' default ' || column_default, '') || case when is_identity = 'YES' then ' identity ' || identity_generation else '' end as d
    from information_schema.columns where table_schema = 'public' order by table_name, ordinal_position`);
  const constraints = await q(`select c.conrelid::regclass::text as t, c.conname || ' ' || pg_get_constraintdef(c.oid) as d
    from pg_constraint c join pg_namespace n on n.oid = c.connamespace where n.nspname = 'public' order by 1, 2`);
  const indexes = await q(`select tablename as t, indexdef as d from pg_indexes where schemaname = 'public' order by 1, 2`);
  const out: Record<string, { columns: string[]; constraints: string[]; indexes: string[] }> = {};
  const at = (t: string) => (out[t] ??= { columns: [], constraints: [], indexes: [] });
  for (const r of columns) at(r.t).columns.push(r.d);
  for (const r of constraints) at(r.t).constraints.push(r.d);
  for (const r of indexes) at(r.t).indexes.push(r.d);
  return out;
}
