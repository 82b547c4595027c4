/**
 * The alert and recording rules, checked by Debian's promtool (syntax, and the unit tests in
 * alert-rules.test.yml that prove each alert fires and stays silent when it should), against
 * the seeds' alert table, against the metrics the included API really exposes, and against
 * the runbook their annotations link to. A rule whose threshold or for: drifts fails here.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import YAML from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startIncludedApi, type IncludedApi } from '../harness/included-api.ts';
import { projectRoot } from '../harness/project-root.ts';
import { createTestDatabase } from '../harness/testing/test-database.ts';

const dir = path.join(projectRoot, 'monitoring');
interface Rule { alert?: string; record?: string; expr: string; for?: string; labels?: Record<string, string>; annotations?: Record<string, string> }
const rulesOf = (file: string) => (YAML.parse(fs.readFileSync(path.join(dir, file), 'utf8')) as { groups: Array<{ rules: Rule[] }> }).groups.flatMap((g) => g.rules);
const alerts = rulesOf('alert-rules.yml');
const records = rulesOf('recording-rules.yml');
const promtool = (args: string[], cwd = dir) => spawnSync('promtool', args, { cwd, encoding: 'utf8' });

describe('promtool', () => {
  it('accepts both rule files', () => {
    const r = promtool(['check', 'rules', 'recording-rules.yml', 'alert-rules.yml']);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('SUCCESS: 7 rules found');
    expect(r.stdout).toContain('SUCCESS: 11 rules found');
  });

  it('passes the unit tests: every alert fires after its for: and stays silent when it should', () => {
    const r = promtool(['test', 'rules', 'alert-rules.test.yml']);
    expect([r.status, r.stdout.trim()]).toEqual([0, 'Unit Testing:  alert-rules.test.yml\n  SUCCESS']);
    // Every alert has a test that expects it to fire and one that expects silence.
    const tests = (YAML.parse(fs.readFileSync(path.join(dir, 'alert-rules.test.yml'), 'utf8')) as { tests: Array<{ alert_rule_test?: Array<{ alertname: string; exp_alerts: unknown[] }> }> }).tests.flatMap((t) => t.alert_rule_test ?? []);
    for (const a of alerts) {
      expect([a.alert, tests.some((t) => t.alertname === a.alert && t.exp_alerts.length > 0)]).toEqual([a.alert, true]);
      expect([a.alert, tests.some((t) => t.alertname === a.alert && t.exp_alerts.length === 0)]).toEqual([a.alert, true]);
    }
  });

  it.each([
    ['a threshold moved', 'job:http_request_duration_seconds:p95_5m > 0.5', 'job:http_request_duration_seconds:p95_5m > 1.5', 'ApiHighLatencyP95'],
    ['a for: shortened', "expr: min by (job, instance) (health_check_status{job=\"la-factoria\"}) == 0 or up{job=\"la-factoria\"} == 0\n        for: 2m", "expr: min by (job, instance) (health_check_status{job=\"la-factoria\"}) == 0 or up{job=\"la-factoria\"} == 0\n        for: 30s", 'ApiHealthCheckFailing'],
    ['a runbook link changed', 'runbook_url: docs/runbook.md#low-quality-score', 'runbook_url: docs/runbook.md#elsewhere', 'LowQualityScore'],
  ])('fail the unit tests when %s', (_what, from, to, alert) => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'shipcheck-rules-'));
    try {
      for (const f of ['recording-rules.yml', 'alert-rules.test.yml']) fs.copyFileSync(path.join(dir, f), path.join(tmp, f));
      const text = fs.readFileSync(path.join(dir, 'alert-rules.yml'), 'utf8');
      expect(text).toContain(from);
      fs.writeFileSync(path.join(tmp, 'alert-rules.yml'), text.replace(from, to));
      const r = promtool(['test', 'rules', 'alert-rules.test.yml'], tmp);
      expect(r.status).toBe(1);
      expect(r.stdout + r.stderr).toContain(`alertname: ${alert}`);
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });
});

describe('the rules', () => {
  it('are the seeds\' alert table, threshold for threshold', () => {
    const table = alerts.map((a) => [a.alert, a.expr.split('\n')[0].match(/[<>] [\d.]+$|== 0/)?.[0] ?? a.expr, a.for ?? 'at once', a.labels?.severity]);
    expect(table).toEqual([
      ['ApiHighLatencyP95', '> 0.5', '5m', 'page'],
      ['ApiHighErrorRate', '> 0.05', '3m', 'page'],
      ['ApiHealthCheckFailing', '== 0', '2m', 'page'],
      ['DatabaseConnectionFailure', '== 0', 'at once', 'page'],
      ['QualityAssessmentFailureHigh', '> 0.10', '5m', 'ticket'],
      ['HighCpuUsage', '> 0.70', '10m', 'ticket'],
      ['HighMemoryUsage', '> 0.80', '10m', 'ticket'],
      ['HighDiskUsage', '> 0.85', 'at once', 'ticket'],
      ['SlowContentGeneration', '> 45', '10m', 'ticket'],
      ['LowQualityScore', '< 0.75', '1h', 'ticket'],
      ['LowGenerationSuccessRate', '< 0.90', '30m', 'page'],
    ]);
  });

  it('link each alert to a runbook section that exists', () => {
    const runbook = fs.readFileSync(path.join(projectRoot, 'docs', 'runbook.md'), 'utf8');
    const anchors = new Set([...runbook.matchAll(/^#{1,6}\s+(.+)$/gm)].map((m) => m[1].trim().toLowerCase().replace(/[^\p{L}\p{N}\s-]/gu, '').replace(/\s/g, '-')));
    for (const a of alerts) {
      const url = a.annotations?.runbook_url ?? '';
      expect([a.alert, url]).toEqual([a.alert, expect.stringMatching(/^docs\/runbook\.md#[a-z0-9-]+$/)]);
      expect([a.alert, anchors.has(url.split('#')[1])]).toEqual([a.alert, true]);
      expect([a.alert, typeof a.annotations?.summary]).toEqual([a.alert, 'string']);
    }
  });

  it('read only recording rules that exist', () => {
    const recorded = new Set(records.map((r) => r.record));
    const used = [...new Set([...alerts.map((a) => a.expr), ...dashboardExprs()].flatMap((e) => [...e.matchAll(/\b([a-z_]+:[a-z0-9_:]+)/g)].map((m) => m[1])))];
    expect(used.length).toBe(7);
    for (const name of used) expect([name, recorded.has(name)]).toEqual([name, true]);
  });
});

function dashboardExprs(): string[] {
  const d = JSON.parse(fs.readFileSync(path.join(dir, 'grafana-dashboard.json'), 'utf8')) as { panels: Array<{ targets: Array<{ expr: string }> }> };
  return d.panels.flatMap((p) => p.targets.map((t) => t.expr));
}

describe('against the included API\'s real /metrics', () => {
  let api: IncludedApi;
  let exposition = '';
  beforeAll(async () => {
    api = await startIncludedApi({ databaseUrl: await createTestDatabase('monitoring'), keys: 2 });
    // One generation, so the labelled content_* series exist (prom-client shows them once observed).
    const res = await fetch(`${api.url}/api/v1/content/generate`, {
      method: 'POST', headers: { authorization: `Bearer ${api.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ topic: 'photosynthesis', content_type: 'faq' }),
    });
    expect(res.status).toBe(201);
    exposition = await (await fetch(`${api.url}/metrics`)).text();
  });
  afterAll(async () => { await api?.stop(); });

  const sampleNames = () => new Set(exposition.split('\n').filter((l) => l && !l.startsWith('#')).map((l) => l.split(/[{ ]/)[0]));

  it('has every API metric the rules and the dashboard select (host metrics come from node_exporter)', () => {
    const names = sampleNames();
    const selected = [...new Set([...alerts, ...records].map((r) => r.expr).concat(dashboardExprs())
      .flatMap((e) => [...e.matchAll(/\b([a-zA-Z_][a-zA-Z0-9_]*)\{/g)].map((m) => m[1])))].sort();
    const host = selected.filter((n) => n.startsWith('node_'));
    expect(host).toEqual(['node_cpu_seconds_total', 'node_filesystem_avail_bytes', 'node_filesystem_size_bytes', 'node_memory_MemAvailable_bytes', 'node_memory_MemTotal_bytes']);
    // Prometheus makes these itself: `up` per scrape, ALERTS per rule.
    const fromPrometheus = ['ALERTS', 'up'];
    for (const n of selected.filter((x) => !host.includes(x) && !fromPrometheus.includes(x))) expect([n, names.has(n)]).toEqual([n, true]);
  });

  it('reports each health check as health_check_status, 1 while healthy', () => {
    const lines = exposition.split('\n').filter((l) => l.startsWith('health_check_status{')).sort();
    expect(lines).toEqual(['health_check_status{check="ai_provider"} 1', 'health_check_status{check="database"} 1', 'health_check_status{check="disk"} 1',
      'health_check_status{check="memory"} 1', 'health_check_status{check="quality_pipeline"} 1']);
  });

  it('counts the generation\'s quality assessment and score', () => {
    const line = (prefix: string) => exposition.split('\n').filter((l) => l.startsWith(prefix));
    const assessed = line('content_quality_assessments_total{');
    expect(assessed).toHaveLength(1);
    expect(assessed[0]).toMatch(/^content_quality_assessments_total\{content_type="faq",result="(passed|failed)"\} 1$/);
    expect(line('content_quality_score_count{')).toEqual(['content_quality_score_count{content_type="faq"} 1']);
  });
});
