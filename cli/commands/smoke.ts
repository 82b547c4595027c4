/**
 * shipcheck smoke — the smoke, security, accessibility and web-vitals suites against the target
 * described in shipcheck.config.ts. It parses flags, loads the config, opens the target (a
 * target with `start: 'included-api'` is started here), calls runSmoke() and renders the report.
 */
import path from 'node:path';
import { resolveChromium } from '../../harness/browser.ts';
import { EXIT, fail, isShipcheckError } from '../../harness/errors.ts';
import { projectRoot } from '../../harness/project-root.ts';
import { rateLimitKeyProblem } from '../../harness/rate-limit-keys.ts';
import { redactUrl } from '../../harness/redact.ts';
import { createResultDir, startMeta, writeJson } from '../../harness/result-folder.ts';
import type { SmokeResult } from '../../harness/result-types.ts';
import { openTarget, type LiveTarget } from '../../harness/target/live-target.ts';
import { chooseTarget, loadProjectConfig } from '../../harness/target/load-config.ts';
import { generateReport } from '../../reports/index.ts';
import { loadExceptions } from '../../smoke/a11y-exceptions.ts';
import { noTestsRan, runSmoke } from '../../smoke/run-smoke.ts';
import { loadSmokeSettings } from '../../smoke/settings.ts';
import { parseCommand, SUITE_EXIT_CODES, type CommandSpec } from '../flags.ts';
import type { Command } from '../run-cli.ts';

/** A recorded result folder whose report shows every panel, rendered for a target's own specs to scan (the `reportHtml` fixture). */
const SAMPLE_REPORT_INPUT = path.join(projectRoot, 'reports', 'fixtures', 'fail');
/** Content rows and keys for an included API started here: enough to list and read, and a key of its own for the rate-limit check. */
const INCLUDED_API = { seed: 20, keys: 5 };

const spec = {
  name: 'smoke',
  summary: 'Run the smoke, security, accessibility and web-vitals suites (Playwright + axe) against a target',
  description: `Checks the target described in shipcheck.config.ts (or --config FILE) in headless Chromium:
@smoke its health probes and endpoints, @security its headers, CORS, auth and rate limit,
@a11y its pages with axe (WCAG 2.1 A/AA) and a keyboard-only walk, @vitals its pages' paint,
load and layout-shift budgets, and the target's own Playwright specs (smoke.testMatch). A target
with start: 'included-api' is started here on an embedded PostgreSQL in the local environment.
Credentials come from the variables the target's auth names. Writes target.json, smoke.json,
smoke-junit.xml, playwright-report/ and traces of failures (keys masked), meta.json and
report.html into the result folder.
Accessibility policy: SHIPCHECK_A11Y_FAIL_ON (default critical,serious), SHIPCHECK_A11Y_INCOMPLETE
(ignore|warn|fail, default warn), SHIPCHECK_A11Y_EXCEPTIONS (a JSON file of {rule,target,reason}).
Browser: Playwright's Chromium, else CHROMIUM_PATH, /usr/bin/chromium or google-chrome.`,
  flags: {
    config: { type: 'string', value: 'FILE', default: 'shipcheck.config.ts (or .mts, .mjs, .js, .json) in the working directory', description: "the project's config" },
    target: { type: 'string', value: 'NAME|URL', env: 'SHIPCHECK_TARGET', default: "the file's only target, or gate.target", description: 'the target to check; a URL keeps the chosen target and replaces its base URL' },
    environment: { type: 'string', value: 'NAME', env: 'SHIPCHECK_ENVIRONMENT', default: 'local', description: 'whose base URL to use: local, staging, production, or any name in baseUrl' },
    grep: { type: 'string', value: 'RE', env: 'SHIPCHECK_SMOKE_GREP', description: 'only tests whose title or tags match (@smoke, @security, @a11y, @vitals)' },
    out: { type: 'string', value: 'DIR', default: 'out/<run-id>', description: 'result folder' },
  },
  exitCodes: SUITE_EXIT_CODES,
  examples: [
    'shipcheck smoke',
    'API_KEY=… shipcheck smoke --environment staging',
    'shipcheck smoke --target http://127.0.0.1:8080 --grep @a11y',
  ],
} satisfies CommandSpec;

function checkGrep(grep: string): void {
  try { new RegExp(grep); } catch (e) {
    throw fail('SHIPCHECK_ERR_BAD_OPTION', { option: '--grep', value: grep, hint: `It must be a regular expression (${(e as Error).message}); the tags are @smoke, @security, @a11y and @vitals.` });
  }
}

const firstLine = (s: string) => s.split('\n').find((l) => l.trim())?.trim() ?? '';

/** The outcome in a few lines: counts, each failure's first line, each page's axe counts and vitals. */
function printSummary(smoke: SmokeResult, interrupted: boolean): void {
  console.log(`\nsmoke: ${smoke.passed} passed, ${smoke.failed} failed${smoke.flaky ? `, ${smoke.flaky} flaky` : ''} in ${(smoke.durationMs / 1000).toFixed(1)} s${interrupted ? ' (interrupted)' : ''}`);
  for (const t of smoke.tests.filter((x) => x.status === 'failed' || x.status === 'timedOut')) {
    console.log(`  FAILED ${t.title} ${t.tags.join(' ')}\n         ${firstLine((t.error ?? t.status).replace(/^Error: /, ''))}`);
  }
  for (const p of smoke.a11y) {
    const v = p.violations;
    console.log(`  a11y ${p.page}: ${v.critical} critical, ${v.serious} serious, ${v.moderate} moderate, ${v.minor} minor, ${p.incomplete} incomplete`);
  }
  for (const v of smoke.vitals ?? []) {
    console.log(`  vitals ${v.page}: FCP ${v.fcpMs ?? '—'} ms (≤ ${v.budgets.fcpMs}), LCP ${v.lcpMs ?? '—'} ms (≤ ${v.budgets.lcpMs}), CLS ${v.cls} (≤ ${v.budgets.cls}), load ${v.loadMs ?? '—'} ms (≤ ${v.budgets.loadMs})`);
  }
}

const command: Command = {
  spec,
  async run(argv) {
    const { values } = parseCommand(spec, argv);
    const grep = values.grep ?? (process.env.SHIPCHECK_SMOKE_GREP || undefined);
    if (grep) checkGrep(grep);
    const loaded = await loadProjectConfig({ file: values.config, what: 'smoke-test' });
    const target = chooseTarget(loaded, {
      target: values.target ?? (process.env.SHIPCHECK_TARGET || undefined),
      environment: values.environment ?? (process.env.SHIPCHECK_ENVIRONMENT || undefined),
    });
    // Bad settings and a missing browser are one line each, before anything is started.
    loadSmokeSettings();
    loadExceptions();
    resolveChromium();

    const dir = createResultDir({ out: values.out, kind: 'smoke', label: target.name });
    const meta = startMeta('smoke', path.basename(dir), { target: redactUrl(target.baseUrl), targetName: target.name });
    console.log(`smoke: results in ${dir}`);

    // Ctrl-C or a CI cancel: stop the tests, keep what they wrote, stop what was started.
    const interrupted = new AbortController();
    const onSignal = (sig: NodeJS.Signals) => { console.error(`smoke: ${sig} received, stopping the suites...`); interrupted.abort(); };
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    let live: LiveTarget | undefined;
    let exitCode: number = EXIT.harness;
    let failed = false;
    try {
      live = await openTarget(target, { ...INCLUDED_API, log: (l) => console.log(`smoke: ${l}`) });
      meta.target = redactUrl(live.target.baseUrl);
      const auth = live.target.auth;
      if (auth.type !== 'none' && !live.token) console.error(`smoke: ${auth.tokenEnv} is not set, so the authenticated checks will fail; set it to a key ${target.name} accepts.`);
      // A check that cannot run for want of configuration is a harness problem (exit 2), never a failed deployment.
      const cannotRun = rateLimitKeyProblem(live, grep);
      if (cannotRun) throw cannotRun;

      let reportHtml: string | undefined;
      if (live.target.specs) {
        try {
          reportHtml = (await generateReport(SAMPLE_REPORT_INPUT, { out: path.join(dir, 'a11y-sample-report') })).files?.html;
        } catch (e) {
          console.error(`smoke: could not render a sample report for the specs to scan: ${(e as Error).message}`);
        }
      }
      const run = await runSmoke(live, { resultDir: dir, grep, reportHtml, signal: interrupted.signal, onOutput: (chunk) => process.stdout.write(chunk) });
      exitCode = run.exitCode;
      if (run.error) throw run.error;

      const smoke = run.smoke;
      if (!smoke) {
        console.error('smoke: interrupted before the suites started.');
        // No test ran: an empty smoke.json says so, and lets the report say "interrupted".
        writeJson(dir, 'smoke.json', noTestsRan(live.target, Date.parse(meta.startedAt)));
      } else printSummary(smoke, run.exitCode === EXIT.interrupted);
    } catch (e) {
      if (!interrupted.signal.aborted) {
        exitCode = isShipcheckError(e) ? e.exitCode : EXIT.harness;
        failed = true;
        throw e;
      }
      // A Ctrl-C in a terminal reaches the included API too, which then stops before it is ready: that is the interrupt, not an error.
      console.error('smoke: interrupted before the suites started.');
      exitCode = EXIT.interrupted;
      writeJson(dir, 'smoke.json', noTestsRan(target, Date.parse(meta.startedAt)));
    } finally {
      writeJson(dir, 'meta.json', { ...meta, endedAt: new Date().toISOString(), exitCode });
      await live?.stop();
      if (failed) { process.off('SIGINT', onSignal); process.off('SIGTERM', onSignal); }
    }

    // Still listening while the report is written: a signal now must not kill the process half-way (once: a second one does).
    try {
      const report = await generateReport(dir, { secrets: live?.secrets });
      console.log(`Report: ${report.files?.html ?? path.join(dir, 'report.html')}`);
    } catch (e) {
      console.error(`smoke: the report could not be written: ${(e as Error).message}`);
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
    console.log(`Results: ${dir}`);
    return exitCode;
  },
};

export default command;
