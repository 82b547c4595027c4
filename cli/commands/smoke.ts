import fs from 'node:fs';
import path from 'node:path';
import { resolveChromium } from '../../harness/browser.ts';
import { layerConfig, type ConfigSpec } from '../../harness/config.ts';
import { EXIT, fail, isShipcheckError } from '../../harness/errors.ts';
import { startIncludedApi, type IncludedApi } from '../../harness/included-api.ts';
import { projectRoot } from '../../harness/project-root.ts';
import { redactUrl } from '../../harness/redact.ts';
import { createResultDir, startMeta, writeJson } from '../../harness/result-folder.ts';
import type { SmokeResult } from '../../harness/result-types.ts';
import { loadExceptions } from '../../smoke/a11y-exceptions.ts';
import { runSuites } from '../../smoke/run-suites.ts';
import { loadSmokeSettings } from '../../smoke/settings.ts';
import { parseCommand, SUITE_EXIT_CODES, type CommandSpec } from '../flags.ts';
import type { Command } from '../run-cli.ts';

interface SmokeConfig { target: string; grep: string }

const spec: ConfigSpec<SmokeConfig> = {
  tool: 'smoke',
  defaults: { target: '', grep: '' },
  properties: { target: { type: 'string' }, grep: { type: 'string' } },
  env: { SHIPCHECK_TARGET: { key: 'target', parse: 'string' }, SHIPCHECK_SMOKE_GREP: { key: 'grep', parse: 'string' } },
};

/** The origin the included API is started with, so the CORS check has an allowed one to test. */
const ALLOWED_ORIGIN = 'https://allowed.shipcheck.test';
/** A recorded result folder whose report shows every panel; rendered so the a11y suite can scan a report. */
const SAMPLE_REPORT_INPUT = path.join(projectRoot, 'reports', 'fixtures', 'fail');
const REPORTS_MODULE = path.join(projectRoot, 'reports', 'index.ts');

const usage = `shipcheck smoke [--target URL] [--grep @tag] [--out DIR] [--config FILE]

Runs the Playwright smoke (@smoke), security (@security) and accessibility (@a11y) suites
against --target (API_KEY must hold a key it accepts), or, without --target, against the
included API started on a throwaway embedded PostgreSQL. Writes smoke.json, meta.json,
smoke-junit.xml, playwright-report/ and traces of failures into the result folder (default
out/<run-id>), then report.html. Exit 0 pass, 1 a check failed, 2 harness error.

  --target URL   the deployment to check (or SHIPCHECK_TARGET)
  --grep RE      only tests whose title or tags match, e.g. @a11y (or SHIPCHECK_SMOKE_GREP)
  --out DIR      result folder

Accessibility policy: SHIPCHECK_A11Y_FAIL_ON (default critical,serious), SHIPCHECK_A11Y_INCOMPLETE
(ignore|warn|fail, default warn), SHIPCHECK_A11Y_EXCEPTIONS (JSON file of {rule,target,reason}).
Browser: Playwright's Chromium, else CHROMIUM_PATH, /usr/bin/chromium or google-chrome.`;

function checkTarget(target: string): string {
  let u: URL | undefined;
  try { u = new URL(target); } catch { u = undefined; }
  if (!u || (u.protocol !== 'http:' && u.protocol !== 'https:')) {
    throw fail('SHIPCHECK_ERR_BAD_OPTION', { option: '--target', value: target, hint: 'Give the deployment\'s base URL, e.g. https://staging.example.org or http://127.0.0.1:3000.' });
  }
  return target.replace(/\/+$/, '');
}

function checkGrep(grep: string): void {
  try { new RegExp(grep); } catch (e) {
    throw fail('SHIPCHECK_ERR_BAD_OPTION', { option: '--grep', value: grep, hint: `It must be a regular expression (${(e as Error).message}); the tags are @smoke, @a11y and @security.` });
  }
}

/** A target that does not answer at all is a wrong URL or a deployment that is down: say so once. */
async function checkReachable(url: string): Promise<void> {
  try {
    await fetch(`${url}/health`, { signal: AbortSignal.timeout(10_000), redirect: 'manual' });
  } catch (e) {
    const cause = (e as { cause?: { code?: string; message?: string } }).cause;
    const reason = (e as Error).name === 'TimeoutError' ? 'no answer within 10 s' : cause?.code ?? cause?.message ?? (e as Error).message;
    throw fail('SHIPCHECK_ERR_SMOKE_UNREACHABLE', { url: redactUrl(url), reason });
  }
}

const firstLine = (s: string) => s.split('\n').find((l) => l.trim())?.trim() ?? '';

async function sampleReport(dir: string): Promise<string | undefined> {
  if (!fs.existsSync(REPORTS_MODULE) || !fs.existsSync(SAMPLE_REPORT_INPUT)) return undefined;
  try {
    const { generateReport } = await import(REPORTS_MODULE);
    const out = path.join(dir, 'a11y-sample-report');
    const r = await generateReport(SAMPLE_REPORT_INPUT, { out });
    return r.files?.html ?? path.join(out, 'report.html');
  } catch (e) {
    console.error(`smoke: could not render a sample report to scan, so the report page is not checked: ${(e as Error).message}`);
    return undefined;
  }
}

async function writeReport(dir: string): Promise<string | undefined> {
  if (!fs.existsSync(REPORTS_MODULE)) return undefined;
  try {
    const { generateReport } = await import(REPORTS_MODULE);
    const r = await generateReport(dir);
    return r.files?.html ?? path.join(dir, 'report.html');
  } catch (e) {
    console.error(`smoke: the report could not be written: ${(e as Error).message}`);
    return undefined;
  }
}

const cmdSpec = {
  name: 'smoke',
  summary: 'Run the smoke, security and accessibility suites (Playwright + axe)',
  description: usage,
  flags: {
    target: { type: 'string', value: 'URL', env: 'SHIPCHECK_TARGET', description: 'the deployment to check' },
    grep: { type: 'string', value: 'RE', env: 'SHIPCHECK_SMOKE_GREP', description: 'only tests whose title or tags match' },
    out: { type: 'string', value: 'DIR', default: 'out/<run-id>', description: 'result folder' },
    config: { type: 'string', value: 'FILE', description: 'the shipcheck config' },
  },
  exitCodes: SUITE_EXIT_CODES,
} satisfies CommandSpec;

const command: Command = {
  spec: cmdSpec,
  async run(argv) {
    const { values } = parseCommand(cmdSpec, argv);
    const cfg = layerConfig(spec, { file: values.config, flags: { target: values.target, grep: values.grep } });
    const target = cfg.target ? checkTarget(cfg.target) : '';
    if (cfg.grep) checkGrep(cfg.grep);
    // Settings are read again inside the test workers; a bad one is one line here, not a failure per test.
    loadSmokeSettings();
    loadExceptions();
    // Before anything starts: no browser is one clear error, not a wall of Playwright output.
    const browser = resolveChromium();

    const dir = createResultDir({ out: values.out, kind: 'smoke' });
    let api: IncludedApi | undefined;
    const meta = startMeta('smoke', path.basename(dir), {}, [process.env.API_KEY ?? '']);
    console.log(`smoke: results in ${dir}`);
    console.log(`smoke: browser ${browser.executablePath ?? "Playwright's own Chromium"} (${browser.source})`);

    // Ctrl-C or a CI cancel: stop the tests, keep what they wrote, stop the API we started.
    const interrupted = new AbortController();
    const onSignal = (sig: NodeJS.Signals) => { console.error(`smoke: ${sig} received, stopping the suites...`); interrupted.abort(); };
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);

    try {
      let baseURL = target;
      let apiKey = process.env.API_KEY?.trim() || undefined;
      let apiKeys = (process.env.API_KEYS ?? '').split(',').map((k) => k.trim()).filter(Boolean);
      if (!baseURL) {
        console.log('smoke: starting the included API on an embedded PostgreSQL (no --target given)');
        const started = Date.now();
        api = await startIncludedApi({ keys: 3, env: { CORS_ORIGINS: ALLOWED_ORIGIN } });
        console.log(`smoke: included API ready at ${api.url} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
        baseURL = api.url;
        apiKey = api.apiKey;
        apiKeys = api.apiKeys;
      }
      meta.target = redactUrl(baseURL);
      if (!api) await checkReachable(baseURL);
      if (!apiKey) console.error('smoke: API_KEY is not set, so the authenticated checks will fail; set it to a key the target accepts.');

      const reportHtml = await sampleReport(dir);
      console.log(`smoke: running the suites${cfg.grep ? ` matching ${cfg.grep}` : ''} against ${redactUrl(baseURL)}`);
      const run = await runSuites({
        baseURL, apiKey, apiKeys, resultDir: dir, grep: cfg.grep || undefined, reportHtml,
        onOutput: (chunk) => process.stdout.write(chunk), signal: interrupted.signal,
      });

      const smoke = run.smoke;
      if (!smoke) {
        const how = run.signal ? `was killed by ${run.signal}` : `exited with code ${run.exitCode}`;
        throw fail('SHIPCHECK_ERR_SMOKE_RUNNER', { how, file: run.smokeFile, log: run.logFile });
      }
      if (smoke.tests.length === 0) throw fail('SHIPCHECK_ERR_SMOKE_NO_TESTS', { grep: cfg.grep });
      smoke.target = redactUrl(baseURL);
      writeJson(dir, 'smoke.json', smoke);

      // A runner that failed with every test green hit something outside the tests (a global error).
      const exitCode = interrupted.signal.aborted ? EXIT.harness : smoke.failed > 0 ? EXIT.failed : run.exitCode === 0 ? EXIT.ok : EXIT.harness;
      writeJson(dir, 'meta.json', { ...meta, endedAt: new Date().toISOString(), exitCode });

      console.log(`\nsmoke: ${smoke.passed} passed, ${smoke.failed} failed${smoke.flaky ? `, ${smoke.flaky} flaky` : ''} in ${(smoke.durationMs / 1000).toFixed(1)} s`);
      for (const t of smoke.tests.filter((x) => x.status === 'failed' || x.status === 'timedOut' || x.status === 'interrupted')) {
        console.log(`  FAILED ${t.title} ${t.tags.join(' ')}\n         ${firstLine(t.error ?? t.status)}`);
      }
      for (const p of smoke.a11y) {
        const v = p.violations;
        console.log(`  a11y ${p.page}: ${v.critical} critical, ${v.serious} serious, ${v.moderate} moderate, ${v.minor} minor, ${p.incomplete} incomplete`);
      }
      if (exitCode === EXIT.harness && !interrupted.signal.aborted) console.error(`smoke: the Playwright runner exited with code ${run.exitCode} although no test failed; see ${run.logFile}.`);

      const report = await writeReport(dir);
      if (report) console.log(`Report: ${report}`);
      console.log(`Results: ${dir}`);
      return exitCode;
    } catch (e) {
      writeJson(dir, 'meta.json', { ...meta, endedAt: new Date().toISOString(), exitCode: isShipcheckError(e) ? e.exitCode : EXIT.harness });
      throw e;
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      await api?.stop();
    }
  },
};

export default command;
