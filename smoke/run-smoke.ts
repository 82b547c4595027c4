/**
 * runSmoke(): the smoke suite's one entry function, for `shipcheck smoke` and the gate alike.
 * It takes a live target (harness/target/live-target.ts) and typed options, checks what must
 * hold before a browser is worth starting (a Chromium to run, a target that answers), writes
 * the target to `<resultDir>/target.json` for the Playwright runner, runs the generic suites
 * and the target's own specs, and returns the typed outcome with smoke.json's contents.
 * Nothing here reads or changes the credentials in process.env: they go from `live.env` to
 * the runner's environment only.
 */
import fs from 'node:fs';
import path from 'node:path';
import { resolveChromium, type ResolvedChromium } from '../harness/browser.ts';
import { EXIT, fail, isShipcheckError, type ShipcheckError } from '../harness/errors.ts';
import { redactUrl } from '../harness/redact.ts';
import { writeJson } from '../harness/result-folder.ts';
import type { SmokeResult } from '../harness/result-types.ts';
import type { LiveTarget } from '../harness/target/live-target.ts';
import type { Target } from '../harness/target/types.ts';
import { loadExceptions } from './a11y-exceptions.ts';
import { runSuites } from './run-suites.ts';
import { loadSmokeSettings } from './settings.ts';

export interface SmokeOptions {
  /** The result folder: target.json, smoke.json, smoke-junit.xml, smoke.log, playwright-report/, test-results/. */
  resultDir: string;
  /** Only tests whose title or tags match this regular expression (Playwright --grep), e.g. "@a11y". */
  grep?: string;
  /** Aborting stops the run: the runner gets SIGINT, finishes its reports, and the result is 105. */
  signal?: AbortSignal;
  /** Progress lines and the runner's output, secrets masked. */
  onOutput?: (chunk: string) => void;
  /** An HTML report for the target's own specs to scan (the `reportHtml` fixture). */
  reportHtml?: string;
  /** Retries of a failing test (default: Playwright's, 1 on CI). */
  retries?: number;
  /** Suite settings for the runner (SHIPCHECK_A11Y_FAIL_ON, SHIPCHECK_A11Y_INCOMPLETE, SHIPCHECK_A11Y_EXCEPTIONS); default: those in process.env. */
  env?: Record<string, string>;
}

export type SmokeExitCode = 0 | 1 | 2 | 104 | 105;

export interface SmokeRun {
  /** 0 every test passed · 1 a test failed · 2 harness error · 104 bad settings or a --grep that matches nothing · 105 interrupted. */
  exitCode: SmokeExitCode;
  /** What smoke.json holds, when the suites ran. */
  smoke?: SmokeResult;
  resultDir: string;
  /** For 2 and 104: what went wrong, in one line for the user (runCli prints it). */
  error?: ShipcheckError;
  /** The browser the suites ran in. */
  browser?: ResolvedChromium;
}

/** A path as the user would type it: relative when it is below the working directory. */
const shownPath = (file: string) => {
  const rel = path.relative(process.cwd(), file);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : file;
};

/** A target that does not answer at all is a wrong URL or a deployment that is down: say so once, before any test. */
async function checkReachable(target: Target): Promise<void> {
  const probe = target.health.liveness.path;
  try {
    await fetch(`${target.baseUrl}${probe}`, { signal: AbortSignal.timeout(10_000), redirect: 'manual' });
  } catch (e) {
    const cause = (e as { cause?: { code?: string; message?: string } }).cause;
    const reason = (e as Error).name === 'TimeoutError' ? 'no answer within 10 s' : cause?.code ?? cause?.message ?? (e as Error).message;
    throw fail('SHIPCHECK_ERR_SMOKE_UNREACHABLE', {
      url: redactUrl(target.baseUrl), path: probe, reason, target: target.name,
      where: target.configFile ? shownPath(target.configFile) : 'its config',
    });
  }
}

/**
 * Interrupted before the runner wrote any result: a smoke.json with no tests still says what
 * ran (nothing, for so long), so the folder is complete and its report can say "interrupted".
 */
export function noTestsRan(target: Target, startedAt: number, settingsEnv: NodeJS.ProcessEnv = process.env): SmokeResult {
  const { a11y } = loadSmokeSettings(settingsEnv);
  return {
    target: redactUrl(target.baseUrl), startedAt: new Date(startedAt).toISOString(), durationMs: Date.now() - startedAt,
    passed: 0, failed: 0, flaky: 0, skipped: 0, tests: [], a11y: [], policy: { failOn: [...a11y.failOn], incomplete: a11y.incomplete },
  };
}

export async function runSmoke(live: LiveTarget, opts: SmokeOptions): Promise<SmokeRun> {
  const { target } = live;
  const resultDir = path.resolve(opts.resultDir);
  const say = (line: string) => opts.onOutput?.(`smoke: ${line}\n`);
  const settingsEnv = { ...process.env, ...opts.env };
  const startedAt = Date.now();
  let smoke: SmokeResult | undefined;
  let browser: ResolvedChromium | undefined;
  if (opts.signal?.aborted) return { exitCode: EXIT.interrupted, resultDir };
  try {
    // Settings are read again inside the test workers; a bad one is one line here, not a failure per test.
    loadSmokeSettings(settingsEnv);
    loadExceptions(settingsEnv);
    // No browser is one clear error, not a wall of Playwright output.
    browser = resolveChromium();
    say(`browser ${browser.executablePath ?? "Playwright's own Chromium"} (${browser.source})`);
    await checkReachable(target);

    fs.mkdirSync(resultDir, { recursive: true });
    const targetFile = writeJson(resultDir, 'target.json', target);
    say(`running the suites${opts.grep ? ` matching ${opts.grep}` : ''} against target "${target.name}" at ${redactUrl(target.baseUrl)}${target.specs ? `, with its own specs (${target.specs.testMatch.join(', ')})` : ''}`);
    const auth = target.auth;
    const run = await runSuites({
      targetFile,
      resultDir,
      credentials: live.env,
      dropEnv: auth.type === 'none' ? [] : [auth.tokenEnv, ...(auth.poolEnv ? [auth.poolEnv] : [])],
      secrets: live.secrets,
      grep: opts.grep,
      reportHtml: opts.reportHtml,
      retries: opts.retries,
      env: opts.env,
      onOutput: opts.onOutput,
      signal: opts.signal,
    });

    smoke = run.smoke ? { ...run.smoke, target: redactUrl(target.baseUrl) } : undefined;
    if (!smoke && opts.signal?.aborted) smoke = noTestsRan(target, startedAt, settingsEnv);
    if (smoke) writeJson(resultDir, 'smoke.json', smoke);
    if (opts.signal?.aborted) return { exitCode: EXIT.interrupted, smoke, resultDir, browser };
    if (!smoke) {
      const how = run.signal ? `was killed by ${run.signal}` : `exited with code ${run.exitCode}`;
      throw fail('SHIPCHECK_ERR_SMOKE_RUNNER', { how, file: run.smokeFile, log: run.logFile });
    }
    if (smoke.tests.length === 0) throw fail('SHIPCHECK_ERR_SMOKE_NO_TESTS', { grep: opts.grep ?? '' });
    if (smoke.failed > 0) return { exitCode: EXIT.failed, smoke, resultDir, browser };
    // A runner that failed with every test green hit something outside the tests (a global error).
    if (run.exitCode !== 0) throw fail('SHIPCHECK_ERR_SMOKE_RUNNER_FAILED', { code: String(run.exitCode), log: run.logFile });
    return { exitCode: EXIT.ok, smoke, resultDir, browser };
  } catch (e) {
    if (isShipcheckError(e)) return { exitCode: e.exitCode as SmokeExitCode, smoke, resultDir, error: e, browser };
    throw e;
  }
}
