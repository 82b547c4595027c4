/**
 * The data drills end to end at small scale, through `shipcheck drill`: real clusters, real
 * pg_dump/pg_restore/pg_basebackup/pg_receivewal, real API. Each sabotaged variant must fail
 * with the objective that catches it.
 */
import fs from 'node:fs';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { createTestDatabase } from '../harness/testing/test-database.ts';
import { clusterDirs, runDrill } from './testing/run-drill.ts';

describe('backup-restore', () => {
  it('restores every table intact, serves it through the API and measures RTO/RPO; never touches DATABASE_URL', async () => {
    const bystander = await createTestDatabase('drill_bystander');
    const run = await runDrill('backup-restore', ['--rows', '2000'], { env: { ...process.env, DATABASE_URL: bystander } });
    expect(run.stderr).toBe('');
    expect(run.problems).toEqual([]);
    expect(run.journal!.verdict, `failed objectives: ${JSON.stringify(run.failed)}`).toBe('pass');
    expect(run.code).toBe(0);
    expect(run.journal!.objectives.map((o) => o.name)).toEqual([
      'restored heap and indexes are consistent', 'restored data matches the backup', 'API serves the restored data', 'RTO', 'RPO',
    ]);
    const m = run.journal!.measurements;
    expect(m.rtoSeconds).toBeGreaterThan(0);
    expect(m.rpoSeconds).toBeGreaterThanOrEqual(0);
    expect(run.journal!.steps.map((s) => s.title.split(':')[0])).toEqual(['Steady state', 'Backup', 'Disaster', 'Restore', 'Verify', 'Recover the service', 'Measure']);
    expect(run.stdout).toMatch(/rtoSeconds\s+[\d.]+ s/);
    // The drill ran on clusters of its own, removed afterwards; the DATABASE_URL database is untouched.
    for (const dir of clusterDirs(run.stdout)) expect(fs.existsSync(dir)).toBe(false);
    const c = new pg.Client({ connectionString: bystander });
    await c.connect();
    const { rows } = await c.query(`select count(*)::int as n from information_schema.tables where table_schema = 'public'`);
    await c.end();
    expect(rows[0].n).toBe(0);
  });

  it('fails "restored data matches the backup" when an older dump is restored', async () => {
    const run = await runDrill('backup-restore', ['--rows', '1000', '--sabotage', 'older-dump']);
    expect(run.problems).toEqual([]);
    expect(run.code).toBe(1);
    expect(run.journal!.sabotage).toBe('older-dump');
    expect(run.failed).toContain('restored data matches the backup');
    expect(run.journal!.objectives.find((o) => o.name === 'restored data matches the backup')!.detail).toMatch(/educational_content has \d+ rows, the backup \d+/);
  });

  it('fails "restored data matches the backup" when a table is dropped after the restore', async () => {
    const run = await runDrill('backup-restore', ['--rows', '1000', '--sabotage', 'drop-table']);
    expect(run.code).toBe(1);
    expect(run.failed).toEqual(['restored data matches the backup']);
    expect(run.journal!.objectives.find((o) => !o.passed)!.detail).toBe('audit_log is missing');
  });
});

describe('backup-restore: what only amcheck sees', () => {
  it('fails "restored heap and indexes are consistent" when an index page is zeroed after the restore, though counts and checksums match', async () => {
    const run = await runDrill('backup-restore', ['--rows', '2000', '--sabotage', 'corrupt-index']);
    expect(run.code).toBe(1);
    expect(run.failed).toEqual(['restored heap and indexes are consistent']);
    expect(run.journal!.objectives.find((o) => !o.passed)!.detail).toContain('educational_content_pkey');
  });
});

describe('pitr', () => {
  const quick = ['--write-seconds', '1', '--after-seconds', '0.6', '--lesson-rows', '2000'];

  it('recovers to the disaster instant: every acknowledged write before it, none after, RPO ≤ 1 s', async () => {
    const run = await runDrill('pitr', quick);
    expect(run.problems).toEqual([]);
    expect(run.journal!.verdict, `failed objectives: ${JSON.stringify(run.failed)}`).toBe('pass');
    expect(run.code).toBe(0);
    expect(run.journal!.measurements.rpoSeconds).toBeLessThanOrEqual(1);
    expect(run.journal!.context!.lostAcknowledgedWrites).toBe(0);
    expect(run.stdout).toContain('pg_verifybackup: backup successfully verified');
  });

  it('fails "nothing after the disaster" and "the wiped table is back" when the target is set too late', async () => {
    const run = await runDrill('pitr', [...quick, '--sabotage', 'late-target']);
    expect(run.code).toBe(1);
    expect(run.failed).toEqual(expect.arrayContaining(['nothing after the disaster', 'the wiped table is back']));
    expect(run.failed).not.toContain('zero acknowledged writes lost');
  });

  it('fails "recovery reaches the target time" when the newest WAL is missing from the archive', async () => {
    const run = await runDrill('pitr', [...quick, '--sabotage', 'missing-wal']);
    expect(run.problems).toEqual([]);
    expect(run.code).toBe(1);
    expect(run.failed).toEqual(['recovery reaches the target time']);
    expect(run.journal!.steps.at(-1)!.status).toBe('failed');
  });
});

describe('backup-restore against a database it was given', () => {
  it('runs only when --i-know-this-destroys names it, then drops and restores that very database', async () => {
    const url = await createTestDatabase('drill_target');
    const name = new URL(url).pathname.slice(1);
    const run = await runDrill('backup-restore', ['--database-url', url, '--i-know-this-destroys', name]);
    expect(run.problems).toEqual([]);
    expect(run.journal!.verdict, `failed objectives: ${JSON.stringify(run.failed)}`).toBe('pass');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`dropped database ${name}`);
    // The restored database holds the API's schema and the writes made before the backup.
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    const { rows } = await c.query(`select count(*)::int as n from educational_content where provider = 'drill-writer'`);
    await c.end();
    expect(rows[0].n).toBeGreaterThan(0);
  });
});
