/**
 * The migration-rollback drill: the newest migration applied to a populated copy and rolled
 * back with its down step, on a cluster of the drill's own; a down step that loses rows must
 * fail "nothing lost".
 */
import { describe, expect, it } from 'vitest';
import { readMigrations } from '../app/db/migrate.ts';
import { runDrill } from './testing/run-drill.ts';

describe('migration-rollback', () => {
  it('applies the newest migration to a populated copy, rolls it back, loses nothing, and times both', async () => {
    const run = await runDrill('migration-rollback', ['--content-rows', '2000']);
    expect(run.problems).toEqual([]);
    expect(run.failed).toEqual([]);
    expect(run.code).toBe(0);
    const j = run.journal!;
    expect(j.context!.migration).toBe(readMigrations().at(-1)!.name);
    expect(j.context!.contentRows).toBe(2000);
    expect(Object.keys(j.measurements).sort()).toEqual(['migrateSeconds', 'rollbackSeconds']);
    expect(j.targets).toEqual({ migrateSeconds: 60, rollbackSeconds: 60 });
    expect(j.objectives.map((o) => o.name)).toEqual([
      `${readMigrations().at(-1)!.name} has a down step`, 'the newest migration applies', 'the migration is within its time target', 'the migration keeps existing data',
      'the newest migration rolls back', 'the rollback is within its time target', 'the schema is as before the migration', 'nothing lost']);
    expect(j.objectives.at(-1)!.observed).toBe('3 tables identical');
    expect(run.stdout).not.toMatch(/cleanup ".*" failed/);
  }, 180_000);

  it('a down step that deletes rows fails "nothing lost" and nothing else', async () => {
    const run = await runDrill('migration-rollback', ['--content-rows', '2000', '--sabotage', 'lossy-down']);
    expect(run.code).toBe(1);
    expect(run.failed).toEqual(['nothing lost']);
    expect(run.journal!.objectives.at(-1)!.observed).toBe('educational_content has 1800 rows, before 2000');
  }, 180_000);
});
