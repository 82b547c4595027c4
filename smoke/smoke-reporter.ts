/**
 * A Playwright reporter that writes smoke.json (harness/result-types.ts `SmokeResult`) for the
 * report and the gate: per test its title, tags, status, duration and error; per scanned
 * page its axe violations by impact (from the fixture's `shipcheck-a11y` attachments); per
 * measured page its web vitals and budgets (the `shipcheck-vitals` attachments). Every
 * project — the generic suites and the target's own specs — lands in the one file.
 */
import fs from 'node:fs';
import path from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import type { FullConfig, FullResult, Reporter, Suite, TestCase, TestResult } from '@playwright/test/reporter';
import type { SmokeResult, SmokeVitals, TestStatus } from '../harness/result-types.ts';
import { projectRoot } from '../harness/project-root.ts';
import { A11Y_ATTACHMENT } from './a11y-gate.ts';
import { loadSmokeSettings } from './settings.ts';
import { VITALS_ATTACHMENT } from './web-vitals.ts';

export interface SmokeReporterOptions { outputFile: string; target?: string }

export default class SmokeReporter implements Reporter {
  private readonly outputFile: string;
  private readonly target: string;
  private startedAt = new Date();
  private root?: Suite;
  private readonly a11y = new Map<string, SmokeResult['a11y'][number]>();
  private readonly vitals = new Map<string, SmokeVitals>();

  constructor(opts: SmokeReporterOptions) {
    this.outputFile = path.resolve(opts.outputFile);
    this.target = opts.target ?? '';
  }

  onBegin(_config: FullConfig, suite: Suite): void {
    this.startedAt = new Date();
    this.root = suite;
  }

  onTestEnd(_test: TestCase, result: TestResult): void {
    for (const a of result.attachments) {
      if ((a.name !== A11Y_ATTACHMENT && a.name !== VITALS_ATTACHMENT) || !a.body) continue;
      try {
        const record = JSON.parse(a.body.toString('utf8')) as SmokeResult['a11y'][number] | SmokeVitals;
        if (a.name === A11Y_ATTACHMENT) this.a11y.set(record.page, record as SmokeResult['a11y'][number]);
        else this.vitals.set(record.page, record as SmokeVitals);
      } catch { /* a malformed attachment is not worth failing the run over */ }
    }
  }

  async onEnd(result: FullResult): Promise<void> {
    const tests = (this.root?.allTests() ?? []).map(describeTest);
    const count = (s: TestStatus[]) => tests.filter((t) => s.includes(t.status)).length;
    let policy: SmokeResult['policy'];
    try {
      const s = loadSmokeSettings();
      policy = { failOn: [...s.a11y.failOn], incomplete: s.a11y.incomplete };
    } catch {
      policy = { failOn: ['critical', 'serious'], incomplete: 'warn' };
    }
    const smoke: SmokeResult = {
      target: this.target,
      startedAt: this.startedAt.toISOString(),
      durationMs: Math.round(result.duration),
      passed: count(['passed']),
      failed: count(['failed', 'timedOut', 'interrupted']),
      flaky: count(['flaky']),
      skipped: count(['skipped']),
      tests,
      a11y: [...this.a11y.values()],
      policy,
      vitals: [...this.vitals.values()],
    };
    fs.mkdirSync(path.dirname(this.outputFile), { recursive: true });
    fs.writeFileSync(`${this.outputFile}.tmp`, JSON.stringify(smoke, null, 2));
    fs.renameSync(`${this.outputFile}.tmp`, this.outputFile);
  }

  printsToStdio(): boolean { return false; }
}

function describeTest(test: TestCase): SmokeResult['tests'][number] {
  const last = test.results.at(-1);
  const outcome = test.outcome();
  const status: TestStatus = outcome === 'flaky' ? 'flaky'
    : outcome === 'skipped' ? 'skipped'
      : (last?.status ?? 'skipped') as TestStatus;
  // titlePath: ['', project, file, ...describes, title]; the file is reported separately.
  const title = test.titlePath().slice(3).join(' › ');
  const errors = (last?.errors ?? []).map((e) => stripVTControlCharacters(e.message ?? e.value ?? '')).filter(Boolean);
  return {
    title,
    file: path.relative(projectRoot, test.location.file),
    tags: [...test.tags],
    status,
    durationMs: Math.round(test.results.reduce((sum, r) => sum + r.duration, 0)),
    ...(errors.length && status !== 'passed' && status !== 'flaky' ? { error: errors.join('\n\n') } : {}),
  };
}
