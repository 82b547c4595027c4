/**
 * `--prove-alerts`: Debian's real Prometheus scrapes the drill's API with the alert rules in
 * monitoring/, and the drill records when each alert went pending, fired and resolved. The
 * rules are the real ones; only their `for:` may be shortened (--alert-for-seconds) so a test
 * can hold a fault past every `for:` in seconds. The quarterly run keeps the real durations.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { alertObjectiveName } from '../../harness/alert-objective.ts';
import { fail } from '../../harness/errors.ts';
import { freePort } from '../../harness/free-port.ts';
import { projectRoot } from '../../harness/project-root.ts';
import type { DrillAlert } from '../../harness/result-types.ts';
import type { Drill } from './drill.ts';
import { stopChild } from './stop-child.ts';
import { scratchDir } from './clusters.ts';
import { sleep } from './writer.ts';

export const PROMETHEUS_BIN = process.env.SHIPCHECK_PROMETHEUS ?? '/usr/bin/prometheus';
export const alertRulesFile = path.join(projectRoot, 'monitoring', 'alert-rules.yml');
export const recordingRulesFile = path.join(projectRoot, 'monitoring', 'recording-rules.yml');
/** The scrape job the rules select (`job="la-factoria"`). */
export const SCRAPE_JOB = 'la-factoria';

interface RuleFile { groups: Array<{ name: string; rules: Array<{ alert?: string; record?: string; expr: string; for?: string; labels?: Record<string, string> }> }> }

/** Seconds in a Prometheus duration such as "90s", "2m", "1h30m" (no `for:` is 0). */
export function durationSeconds(d: string | undefined): number {
  if (!d) return 0;
  const units: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86_400, w: 604_800, y: 31_536_000 };
  const parts = [...d.matchAll(/(\d+)(ms|s|m|h|d|w|y)/g)];
  if (!parts.length || parts.map((p) => p[0]).join('') !== d) throw new Error(`not a Prometheus duration: "${d}"`);
  return parts.reduce((sum, p) => sum + Number(p[1]) * units[p[2]], 0);
}

export interface AlertRule { alert: string; forSeconds: number; severity: string }

/** The alert rules with their `for:` in seconds. */
export function readAlertRules(file = alertRulesFile): AlertRule[] {
  const doc = YAML.parse(fs.readFileSync(file, 'utf8')) as RuleFile;
  return doc.groups.flatMap((g) => g.rules).filter((r) => r.alert)
    .map((r) => ({ alert: r.alert!, forSeconds: durationSeconds(r.for), severity: r.labels?.severity ?? '' }));
}

/**
 * The alert rules with every non-zero `for:` replaced by `forSeconds` (an alert that fires at
 * once still does); 0 keeps them as written. Returns the YAML text.
 */
export function rulesWithFor(forSeconds: number, file = alertRulesFile): string {
  const doc = YAML.parse(fs.readFileSync(file, 'utf8')) as RuleFile;
  if (forSeconds > 0) for (const r of doc.groups.flatMap((g) => g.rules)) if (r.alert && r.for && durationSeconds(r.for) > 0) r.for = `${forSeconds}s`;
  return YAML.stringify(doc);
}

/** Fails before the drill starts when Prometheus is not installed. */
export function requirePrometheus(drill: string): void {
  if (!fs.existsSync(PROMETHEUS_BIN)) {
    throw fail('SHIPCHECK_ERR_DRILL_NEEDS', { drill, what: `Prometheus (${PROMETHEUS_BIN}) for --prove-alerts`, hint: 'install Debian\'s prometheus package (bash scripts/setup.sh does), set SHIPCHECK_PROMETHEUS to its path, or drop --prove-alerts.' });
  }
}

interface ApiAlert { labels: Record<string, string>; state: 'pending' | 'firing'; activeAt: string }
interface Observed { alert: string; pendingAt?: number; firingAt?: number; resolvedAt?: number; active: boolean }

/**
 * A running Prometheus that scrapes one API and evaluates the rules every `intervalSeconds`;
 * it polls `/api/v1/alerts` and keeps each alert's timeline. Stopped by the drill's cleanup.
 */
export class AlertWatch {
  readonly rules: AlertRule[];
  private readonly observed = new Map<string, Observed>();
  private child: ChildProcess | undefined;
  private polling = false;
  private poller: Promise<void> | undefined;
  url = '';

  constructor(private readonly drill: Drill, private readonly opts: { apiUrl: string; forSeconds: number; intervalSeconds?: number; say: (line: string) => void }) {
    const real = readAlertRules();
    this.rules = real.map((r) => ({ ...r, forSeconds: opts.forSeconds > 0 && r.forSeconds > 0 ? opts.forSeconds : r.forSeconds }));
  }

  async start(): Promise<void> {
    const dir = scratchDir(this.drill, 'prometheus');
    const every = `${this.opts.intervalSeconds ?? 1}s`;
    fs.writeFileSync(path.join(dir, 'alert-rules.yml'), rulesWithFor(this.opts.forSeconds));
    fs.copyFileSync(recordingRulesFile, path.join(dir, 'recording-rules.yml'));
    const api = new URL(this.opts.apiUrl);
    fs.writeFileSync(path.join(dir, 'prometheus.yml'), YAML.stringify({
      global: { scrape_interval: every, scrape_timeout: every, evaluation_interval: every },
      rule_files: ['recording-rules.yml', 'alert-rules.yml'],
      scrape_configs: [{ job_name: SCRAPE_JOB, metrics_path: '/metrics', static_configs: [{ targets: [api.host] }] }],
    }));
    const port = await freePort();
    this.url = `http://127.0.0.1:${port}`;
    const tail: string[] = [];
    const child = spawn(PROMETHEUS_BIN, [
      `--config.file=${path.join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${path.join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`, '--log.level=warn',
    ], { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
    this.child = child;
    child.stderr!.on('data', (d: Buffer) => { tail.push(...d.toString().trim().split('\n')); tail.splice(0, Math.max(0, tail.length - 10)); });
    this.drill.defer('stop Prometheus', () => this.stop());
    const exited = new Promise<string>((r) => child.once('exit', (code, signal) => r(`exited (${signal ?? code})`)));
    // Ready once it answers and has scraped the API at least once.
    const ready = (async () => {
      for (;;) {
        const targets = await this.get<{ activeTargets: Array<{ health: string }> }>('/api/v1/targets').catch(() => undefined);
        if (targets?.activeTargets.some((t) => t.health === 'up')) return 'ready';
        await sleep(100);
      }
    })();
    const outcome = await Promise.race([ready, exited, sleep(60_000).then(() => 'was not scraping the API within 60 s')]);
    if (outcome !== 'ready') throw new Error(`Prometheus ${outcome}: ${tail.join(' | ') || '(no output)'}`);
    this.opts.say(`Prometheus ${this.url} scraping ${this.opts.apiUrl}/metrics every ${every} with monitoring/alert-rules.yml${this.opts.forSeconds > 0 ? ` (every non-zero for: shortened to ${this.opts.forSeconds}s)` : ' (real for: durations)'}`);
    this.polling = true;
    this.poller = this.poll();
  }

  private async get<T>(p: string): Promise<T> {
    const res = await fetch(`${this.url}${p}`, { signal: AbortSignal.timeout(2000) });
    const body = await res.json() as { status: string; data: T };
    if (body.status !== 'success') throw new Error(`${p}: ${body.status}`);
    return body.data;
  }

  private async poll(): Promise<void> {
    while (this.polling) {
      const data = await this.get<{ alerts: ApiAlert[] }>('/api/v1/alerts').catch(() => undefined);
      if (data) this.update(data.alerts, Date.now());
      await sleep(200);
    }
  }

  private update(alerts: ApiAlert[], now: number): void {
    const active = new Map<string, { state: ApiAlert['state']; since: number }>();
    for (const a of alerts) {
      const prior = active.get(a.labels.alertname);
      // Prometheus's activeAt is when the condition first held (pending began), exact to an evaluation.
      const since = Math.min(Date.parse(a.activeAt) || now, prior?.since ?? Infinity);
      active.set(a.labels.alertname, { state: prior?.state === 'firing' ? 'firing' : a.state, since });
    }
    for (const [name, { state, since }] of active) {
      const o = this.observed.get(name) ?? { alert: name, active: false };
      if (!o.active) { o.pendingAt ??= since; o.resolvedAt = undefined; }
      if (state === 'firing') o.firingAt ??= now;
      o.active = true;
      this.observed.set(name, o);
    }
    for (const o of this.observed.values()) if (o.active && !active.has(o.alert)) { o.active = false; o.resolvedAt = now; }
  }

  /** Whether every named alert has fired. */
  fired(names: string[]): boolean {
    return names.every((n) => this.observed.get(n)?.firingAt !== undefined);
  }

  /** The alerts active now (pending or firing), for progress lines. */
  activeNow(): string[] {
    return [...this.observed.values()].filter((o) => o.active).map((o) => `${o.alert} (${o.firingAt !== undefined ? 'firing' : 'pending'})`);
  }

  /** Waits until every named alert is firing (true) or the deadline passes (false). */
  async waitFiring(names: string[], timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (names.every((n) => this.observed.get(n)?.firingAt !== undefined)) return true;
      await sleep(100);
    }
    return false;
  }

  /** Waits until none of the named alerts is active (true) or the deadline passes (false). */
  async waitResolved(names: string[], timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (names.every((n) => !this.observed.get(n)?.active)) return true;
      await sleep(100);
    }
    return false;
  }

  forOf(name: string): number {
    const r = this.rules.find((x) => x.alert === name);
    if (!r) throw new Error(`no alert rule named ${name} in monitoring/alert-rules.yml`);
    return r.forSeconds;
  }

  /** Every rule's timeline, times relative to `faultAt` in seconds; `expect` says what each should have done. */
  timeline(faultAt: number, expect: Record<string, DrillAlert['expected']>): DrillAlert[] {
    const real = new Map(readAlertRules().map((r) => [r.alert, r.forSeconds]));
    const rel = (t: number | undefined) => (t === undefined ? undefined : Math.round(t - faultAt) / 1000);
    return this.rules.map((r) => {
      const o = this.observed.get(r.alert);
      const expected = expect[r.alert] ?? 'any';
      const fired = o?.firingAt !== undefined;
      const passed = expected === 'fire' ? fired && !o!.active : expected === 'silent' ? !fired : true;
      return {
        alert: r.alert, severity: r.severity, forSeconds: r.forSeconds, ruleForSeconds: real.get(r.alert) ?? r.forSeconds, expected,
        ...(o?.pendingAt !== undefined ? { pendingSeconds: rel(o.pendingAt) } : {}),
        ...(o?.firingAt !== undefined ? { firingSeconds: rel(o.firingAt) } : {}),
        ...(o?.resolvedAt !== undefined ? { resolvedSeconds: rel(o.resolvedAt) } : {}),
        state: o?.active ? (fired ? 'firing' : 'pending') : o ? 'resolved' : 'inactive',
        passed,
      } satisfies DrillAlert;
    });
  }

  async stop(): Promise<void> {
    this.polling = false;
    await this.poller;
    await stopChild(this.child);
  }
}

/** Records the alert timeline in the journal and one objective per alert with an expectation. */
export function recordAlerts(drill: Drill, alerts: DrillAlert[], faultLabel: string): void {
  drill.journal.alerts = alerts;
  drill.journal.alertsFrom = faultLabel;
  const named = (f: (a: DrillAlert) => boolean) => alerts.filter(f).map((a) => a.alert).join(', ') || 'none';
  drill.context('alertsFired', named((a) => a.firingSeconds !== undefined));
  drill.context('alertsSilent', named((a) => a.pendingSeconds === undefined));
  for (const a of alerts) {
    const when = [a.pendingSeconds !== undefined && `pending +${a.pendingSeconds} s`, a.firingSeconds !== undefined && `firing +${a.firingSeconds} s`, a.resolvedSeconds !== undefined && `resolved +${a.resolvedSeconds} s`].filter(Boolean).join(', ') || 'never active';
    if (a.firingSeconds !== undefined) drill.measure(`alert${a.alert}FiringSeconds`, a.firingSeconds);
    if (a.expected === 'any') continue;
    drill.objective({
      name: alertObjectiveName(a),
      target: a.expected === 'fire' ? `firing after its for: ${a.forSeconds} s, resolved once healed` : `never firing (for: ${a.forSeconds} s)`,
      observed: `${when} (times from ${faultLabel})`,
      passed: a.passed,
    });
  }
}
