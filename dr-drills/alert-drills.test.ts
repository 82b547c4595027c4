/**
 * --prove-alerts: the db-outage and app-crash drills under Debian's real Prometheus with the
 * rules in monitoring/ (every non-zero for: shortened so the test stays short). The outage must
 * raise its alerts past their for: and clear them once healed; a crash healed within the for:
 * must page nobody. The journal records each alert's timeline.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import YAML from 'yaml';
import { describe, expect, it } from 'vitest';
import { durationSeconds, readAlertRules, recordingRulesFile, rulesWithFor } from './lib/prometheus.ts';
import { runDrill } from './testing/run-drill.ts';

// The engine's load and high request rates add nothing to the alert proof and slow a shared machine.
const noEngine = ['--engine-vus', '0', '--read-rate', '10', '--write-rate', '4'];
const byName = (alerts: Array<{ alert: string }> | undefined, name: string) => alerts!.find((a) => a.alert === name)! as NonNullable<import('../harness/result-types.ts').DrillJournal['alerts']>[number];

describe('the drill copy of the alert rules', () => {
  it('reads Prometheus durations', () => {
    expect([durationSeconds('2m'), durationSeconds('1h30m'), durationSeconds('90s'), durationSeconds(undefined)]).toEqual([120, 5400, 90, 0]);
    expect(() => durationSeconds('2 minutes')).toThrow(/not a Prometheus duration/);
  });

  it('shortens every non-zero for: and keeps the alerts that fire at once; promtool accepts the copy', () => {
    const real = readAlertRules();
    expect(real.find((r) => r.alert === 'ApiHealthCheckFailing')!.forSeconds).toBe(120);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shipcheck-rules-'));
    try {
      const file = path.join(dir, 'alert-rules.yml');
      fs.writeFileSync(file, rulesWithFor(3));
      fs.copyFileSync(recordingRulesFile, path.join(dir, 'recording-rules.yml'));
      const short = readAlertRules(file);
      expect(short.map((r) => r.alert)).toEqual(real.map((r) => r.alert));
      for (const r of short) expect([r.alert, r.forSeconds]).toEqual([r.alert, real.find((x) => x.alert === r.alert)!.forSeconds > 0 ? 3 : 0]);
      // Only for: changed: expressions, labels and annotations are the real rules'.
      const strip = (doc: { groups: Array<{ rules: Array<Record<string, unknown>> }> }) => doc.groups.flatMap((g) => g.rules.map(({ for: _f, ...rest }) => rest));
      expect(strip(YAML.parse(fs.readFileSync(file, 'utf8')))).toEqual(strip(YAML.parse(fs.readFileSync(path.join('monitoring', 'alert-rules.yml'), 'utf8'))));
      expect(execFileSync('promtool', ['check', 'rules', file], { encoding: 'utf8' })).toMatch(/SUCCESS: 11 rules found/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('--prove-alerts', () => {
  it('db-outage: DatabaseConnectionFailure fires at once, ApiHealthCheckFailing after its for:, both resolve; the journal has the timeline', async () => {
    const run = await runDrill('db-outage', [...noEngine, '--steady-seconds', '1', '--outage-seconds', '1', '--after-seconds', '0.5', '--prove-alerts', '--alert-for-seconds', '2']);
    expect(run.problems).toEqual([]);
    expect(run.failed).toEqual([]);
    expect(run.code).toBe(0);
    const alerts = run.journal!.alerts!;
    expect(alerts.map((a) => a.alert)).toEqual(['ApiHighLatencyP95', 'ApiHighErrorRate', 'ApiHealthCheckFailing', 'DatabaseConnectionFailure', 'QualityAssessmentFailureHigh',
      'HighCpuUsage', 'HighMemoryUsage', 'HighDiskUsage', 'SlowContentGeneration', 'LowQualityScore', 'LowGenerationSuccessRate']);
    const db = byName(alerts, 'DatabaseConnectionFailure');
    expect([db.expected, db.forSeconds, db.ruleForSeconds, db.state, db.passed]).toEqual(['fire', 0, 0, 'resolved', true]);
    expect(db.firingSeconds).toBeGreaterThanOrEqual(db.pendingSeconds!);
    expect(db.resolvedSeconds).toBeGreaterThan(db.firingSeconds!);
    const health = byName(alerts, 'ApiHealthCheckFailing');
    expect([health.expected, health.forSeconds, health.ruleForSeconds, health.state, health.passed]).toEqual(['fire', 2, 120, 'resolved', true]);
    // Prometheus holds it pending for its for: before it fires.
    expect(health.firingSeconds! - health.pendingSeconds!).toBeGreaterThanOrEqual(1.999);
    expect(health.resolvedSeconds).toBeGreaterThan(health.firingSeconds!);
    // Nothing the fault does not touch went off.
    for (const name of ['QualityAssessmentFailureHigh', 'HighCpuUsage', 'HighMemoryUsage', 'HighDiskUsage', 'SlowContentGeneration', 'LowQualityScore', 'LowGenerationSuccessRate']) {
      expect([name, byName(alerts, name).state]).toEqual([name, 'inactive']);
    }
    expect(run.journal!.objectives.filter((o) => o.name.startsWith('alert ')).map((o) => [o.name, o.passed])).toEqual([
      ['alert ApiHealthCheckFailing fires and resolves', true], ['alert DatabaseConnectionFailure fires and resolves', true]]);
    expect(run.journal!.measurements.alertDatabaseConnectionFailureFiringSeconds).toBe(db.firingSeconds);
    // The journal's summary lines agree with the timeline: the untouched rules silent, the two expected ones fired.
    expect(String(run.journal!.context!.alertsSilent).split(', ')).toEqual(alerts.filter((a) => a.pendingSeconds === undefined).map((a) => a.alert));
    expect(String(run.journal!.context!.alertsSilent)).toContain('QualityAssessmentFailureHigh, HighCpuUsage, HighMemoryUsage, HighDiskUsage, SlowContentGeneration, LowQualityScore, LowGenerationSuccessRate');
    expect(String(run.journal!.context!.alertsFired).split(', ')).toEqual(expect.arrayContaining(['ApiHealthCheckFailing', 'DatabaseConnectionFailure']));
    expect(run.journal!.alertsFrom).toBe('the stop of PostgreSQL');
    expect(fs.readdirSync(path.join(run.out, 'drills'))).toEqual(['db-outage.json']);
  }, 300_000);

  it('app-crash: a crash healed within the alerts\' for: pages nobody', async () => {
    const run = await runDrill('app-crash', [...noEngine, '--steady-seconds', '1', '--after-seconds', '0.5', '--downtime-target', '30', '--prove-alerts', '--alert-for-seconds', '35']);
    expect(run.problems).toEqual([]);
    expect(run.failed).toEqual([]);
    expect(run.code).toBe(0);
    const health = byName(run.journal!.alerts, 'ApiHealthCheckFailing');
    expect([health.expected, health.forSeconds, health.firingSeconds, health.passed]).toEqual(['silent', 35, undefined, true]);
    expect(['inactive', 'resolved']).toContain(health.state);
    expect(byName(run.journal!.alerts, 'DatabaseConnectionFailure').state).toBe('inactive');
    expect(run.journal!.alertsFrom).toBe('the kill');
    expect(run.journal!.objectives.filter((o) => o.name.startsWith('alert ')).map((o) => [o.name, o.passed])).toEqual([
      ['alert ApiHealthCheckFailing stays silent', true], ['alert DatabaseConnectionFailure stays silent', true]]);
  }, 300_000);

  it('refuses a for: no longer than the downtime target, which could not tell a healed crash from an outage', async () => {
    const run = await runDrill('app-crash', ['--prove-alerts', '--alert-for-seconds', '10', '--downtime-target', '30']);
    expect(run.code).toBe(104);
    expect(run.stderr).toMatch(/--alert-for-seconds.*Give more than --downtime-target \(30 s\)/s);
    expect(run.journal).toBeUndefined();
  }, 120_000);
});
