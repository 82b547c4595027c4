/**
 * How drills behave at their edges: bad flags and missing tools are one clear line, an
 * unguarded --database-url is refused, Ctrl-C still leaves a journal and no clusters behind,
 * journals are checked against their schema — plus the backup-freshness alarm and its
 * sabotaged catalogs.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../harness/project-root.ts';
import { journalProblems, writeJournal } from './lib/journal.ts';
import { findPgTool } from './lib/pg-tools.ts';
import { clusterDirs, runDrill } from './testing/run-drill.ts';

function cli(args: string[], env: NodeJS.ProcessEnv = process.env) {
  const r = spawnSync(process.execPath, [path.join(projectRoot, 'bin', 'shipcheck.mjs'), 'drill', ...args], { cwd: projectRoot, env, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr.trim() };
}

describe('shipcheck drill: bad input is one clear line and exit 104', () => {
  it.each([
    [['nope'], /^shipcheck: Unknown drill "nope"\. The drills are: backup-freshness, backup-restore, pitr, migration-rollback, app-crash, db-outage, ai-outage \(or "all"\)\.$/],
    [['pitr', '--bogus', '1'], /^shipcheck: drill pitr: unknown flag '--bogus' \(flags: .*--write-seconds.*\)\. Run "shipcheck drill pitr --help" for its flags\.$/],
    [['backup-restore', '--rows', 'lots'], /^shipcheck: Invalid value for --rows: "lots"\. Give a whole number of content rows/],
    [['pitr', '--write-seconds', 'soon'], /^shipcheck: Invalid value for --write-seconds: "soon"\. Give a number of 0 or more \(default 3\)\.$/],
    [['pitr', '--sabotage', 'meteor'], /^shipcheck: Unknown --sabotage "meteor" for the pitr drill\. Known kinds: late-target, missing-wal\.$/],
    [['all', '--sabotage', 'drop-table'], /^shipcheck: drill: unknown flag "--sabotage" for "drill all"/],
    [['backup-restore', '--database-url', 'postgres://u:secret@127.0.0.1:1/prod'], /^shipcheck: Refusing to run the backup-restore drill against postgres:\/\/u:\*\*\*@127\.0\.0\.1:1\/prod: .*Pass --i-know-this-destroys prod/],
    [['backup-restore', '--database-url', 'postgres://127.0.0.1:1/prod', '--i-know-this-destroys', 'staging'], /^shipcheck: Refusing to run the backup-restore drill/],
  ])('%j', (args, message) => {
    const r = cli([...args, '--out', fs.mkdtempSync(path.join(os.tmpdir(), 'shipcheck-drilltest-bad-'))]);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.split('\n')).toHaveLength(1);
    expect(r.stderr).not.toContain('secret');
    expect(r.code).toBe(104);
  });

  it('a client tool of the wrong major (or none) names the tool and the package to install', () => {
    const bin = fs.mkdtempSync(path.join(os.tmpdir(), 'shipcheck-drilltest-path-'));
    fs.symlinkSync(process.execPath, path.join(bin, 'node'));
    for (const tool of ['id']) fs.symlinkSync(spawnSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).stdout.trim(), path.join(bin, tool));
    fs.writeFileSync(path.join(bin, 'pg_dump'), '#!/bin/sh\necho "pg_dump (PostgreSQL) 13.2"\n', { mode: 0o755 });
    const r = cli(['backup-restore'], { ...process.env, PATH: bin, SHIPCHECK_PG_TOOL_DIRS: '' });
    expect(r.stderr).toBe(`shipcheck: pg_dump 15 not found (looked in PATH; found ${bin}/pg_dump (pg_dump (PostgreSQL) 13.2)). Install it: apt-get install postgresql-client-15.`);
    expect(r.code).toBe(2);
    expect(() => findPgTool('pg_verifybackup', 15, { PATH: bin, SHIPCHECK_PG_TOOL_DIRS: '' })).toThrow('pg_verifybackup 15 not found (looked in PATH). Install it: apt-get install postgresql-client-15.');
    expect(findPgTool('pg_verifybackup', 15)).toBe('/usr/lib/postgresql/15/bin/pg_verifybackup');
  });
});

describe('journal schema', () => {
  const valid = {
    drill: 'pitr', title: 't', hypothesis: 'h', startedAt: '2026-11-22T01:00:00.000Z', endedAt: '2026-11-22T01:00:01.000Z', verdict: 'pass',
    steps: [{ title: 'Backup', startedAt: '2026-11-22T01:00:00.000Z', endedAt: '2026-11-22T01:00:01.000Z', durationMs: 1000, status: 'ok', output: '' }],
    measurements: { rpoSeconds: 0.01 }, targets: { rpoSeconds: 1 }, objectives: [{ name: 'RPO', target: '≤ 1 s', observed: '0.01 s', passed: true }],
  };
  it('accepts a well-formed journal and names each problem of a broken one', () => {
    expect(journalProblems(valid)).toEqual([]);
    const { hypothesis: _dropped, ...rest } = valid;
    const broken = { ...rest, verdict: 'maybe', measurements: { rpoSeconds: 'fast' }, steps: [{ ...valid.steps[0], status: 'done' }], extra: 1 };
    const problems = journalProblems(broken).join('\n');
    for (const p of ['hypothesis', '/verdict', '/measurements/rpoSeconds', '/steps/0/status', 'additional properties']) expect(problems).toContain(p);
  });

  it('accepts the alert timeline with what its second 0 is', () => {
    expect(journalProblems({ ...valid, alertsFrom: 'the kill', alerts: [{ alert: 'ApiHealthCheckFailing', severity: 'page', forSeconds: 35, ruleForSeconds: 120, expected: 'silent', state: 'inactive', passed: true }] })).toEqual([]);
  });

  it('refuses to write a broken journal with a message naming the problem, and keeps its data beside it', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shipcheck-journal-'));
    try {
      expect(() => writeJournal(dir, { ...valid, extra: 1 } as never)).toThrow(/The pitr drill's journal does not match its schema: \/ must NOT have additional properties \(kept as .*pitr\.refused\.json\)/);
      expect(fs.readdirSync(path.join(dir, 'drills'))).toEqual(['pitr.refused.json']);
      expect(JSON.parse(fs.readFileSync(path.join(dir, 'drills', 'pitr.refused.json'), 'utf8'))).toEqual({ ...valid, extra: 1 });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('interrupted drill', () => {
  it('Ctrl-C mid-drill still writes the journal, stops its clusters and removes their data', async () => {
    let sent = false;
    const run = await runDrill('pitr', ['--write-seconds', '30'], {
      onStdout: (text, kill) => { if (!sent && text.includes('▶ 3.')) { sent = true; setTimeout(() => kill('SIGINT'), 500); } },
    });
    expect(sent).toBe(true);
    expect(run.problems).toEqual([]);
    expect(run.journal!.verdict).toBe('error');
    expect(run.journal!.error).toBe('interrupted by SIGINT');
    expect(run.journal!.steps.at(-1)!.status).toBe('failed');
    expect(run.code).toBe(105);
    const dirs = clusterDirs(run.stdout);
    expect(dirs.length).toBeGreaterThan(0);
    for (const dir of dirs) expect(fs.existsSync(dir)).toBe(false);
    const postgres = spawnSync('pgrep', ['-f', dirs[0]], { encoding: 'utf8' }).stdout.trim();
    expect(postgres).toBe('');
  });
});

describe('backup-freshness', () => {
  it('passes a catalog of daily backups whose newest restores', async () => {
    const run = await runDrill('backup-freshness');
    expect(run.problems).toEqual([]);
    expect(run.code).toBe(0);
    expect(run.journal!.measurements.newestBackupAgeSeconds).toBeLessThan(86_400);
  });

  it.each([
    ['stale', ['newest restorable backup within RPO']],
    ['corrupt-newest', ['newest restorable backup within RPO']],
    ['retention-gap', ['a readable backup for every day of the retention']],
    ['unpruned', ['backups past retention are pruned']],
  ])('sabotage %s fails %j', async (kind, objectives) => {
    const run = await runDrill('backup-freshness', ['--sabotage', kind]);
    expect(run.problems).toEqual([]);
    expect(run.code).toBe(1);
    expect(run.failed).toEqual(expect.arrayContaining(objectives));
    if (kind === 'corrupt-newest') expect(run.stdout).toMatch(/does not restore/);
  });
});
