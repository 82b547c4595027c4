/**
 * The smoke suites' one Playwright config: the generic suites, driven by the run's target, and
 * the target's own specs (`smoke.testMatch` in shipcheck.config.ts) as one more project, all in
 * the same browser setup and folded into the same smoke.json.
 *
 * Target: the file named by SHIPCHECK_TARGET_FILE (runSmoke writes it). Run directly
 * (`npx playwright test -c smoke/playwright.config.ts`) without it, the config resolves the
 * project's own shipcheck.config.ts (SHIPCHECK_TARGET and SHIPCHECK_ENVIRONMENT choose as the
 * flags do), and when that target is the included API, `webServer` starts it (`shipcheck
 * serve --port 0` on a throwaway embedded PostgreSQL) with keys made here, takes its URL from
 * the "listening on" line and stops it with SIGTERM at the end.
 * Results go to SHIPCHECK_RESULT_DIR (default out/smoke): smoke.json, smoke-junit.xml,
 * playwright-report/ and test-results/ (traces and screenshots of failures).
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { defineConfig, type Project } from '@playwright/test';
import { globSync } from 'tinyglobby';
import { chromiumLaunchOptions } from '../harness/browser.ts';
import { projectRoot } from '../harness/project-root.ts';
import { redactUrl } from '../harness/redact.ts';
import { writeJson } from '../harness/result-folder.ts';
import { chooseTarget, loadProjectConfig } from '../harness/target/load-config.ts';
import type { Target } from '../harness/target/types.ts';
import { credentials, runTarget, SMOKE_STATE_DIR_ENV, STARTS_API_ENV, TARGET_FILE_ENV, WEB_SERVER_URL_ENV } from './run-target.ts';

const smokeDir = path.join(projectRoot, 'smoke');
const resultDir = path.resolve(process.env.SHIPCHECK_RESULT_DIR || path.join(projectRoot, 'out', 'smoke'));
const CI = !!process.env.CI;

// The runner loads this file first and its workers inherit its environment, so what is decided
// here is decided once, and every process agrees on it.
if (!process.env[TARGET_FILE_ENV]) {
  const loaded = await loadProjectConfig({ cwd: projectRoot, what: 'smoke-test' });
  const resolved = chooseTarget(loaded, { target: process.env.SHIPCHECK_TARGET || undefined, environment: process.env.SHIPCHECK_ENVIRONMENT || undefined });
  if (resolved.start === 'included-api') {
    process.env[STARTS_API_ENV] = '1';
    if (resolved.auth.type !== 'none') {
      process.env[resolved.auth.tokenEnv] ||= `sc_smoke_${crypto.randomBytes(18).toString('base64url')}`;
      if (resolved.auth.poolEnv) process.env[resolved.auth.poolEnv] ||= `sc_smoke_limit_${crypto.randomBytes(18).toString('base64url')}`;
    }
  }
  process.env[TARGET_FILE_ENV] = writeJson(resultDir, 'target.json', resolved);
}
if (!process.env[SMOKE_STATE_DIR_ENV]) {
  const state = fs.mkdtempSync(path.join(os.tmpdir(), 'shipcheck-smoke-'));
  process.env[SMOKE_STATE_DIR_ENV] = state;
  process.once('exit', () => fs.rmSync(state, { recursive: true, force: true }));
}
// The page snapshot Playwright adds to a failure's error-context.md shows form values, and
// specs type keys into pages: keep them out of the result folder.
process.env.PLAYWRIGHT_NO_COPY_PROMPT = '1';

const target: Target = runTarget();
const startsApi = process.env[STARTS_API_ENV] === '1';

const exactly = (file: string) => new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
const generic = (name: string, files: string[]): Project => ({ name, testDir: smokeDir, testMatch: files.map((f) => exactly(path.join(smokeDir, f))) });

/** The target's own specs: the files its globs match, in a project rooted where they live. */
function ownSpecs(t: Target): Project | undefined {
  if (!t.specs) return undefined;
  const files = [...new Set(t.specs.testMatch.flatMap((g) => globSync(g, { cwd: t.specs!.dir, absolute: true, onlyFiles: true })))].map((f) => path.resolve(f)).sort();
  if (files.length === 0) return undefined;
  // Rooted at the files' common folder, not the config's, so Playwright does not walk the whole project.
  let dir = path.dirname(files[0]!);
  while (!files.every((f) => f.startsWith(dir + path.sep))) dir = path.dirname(dir);
  return { name: `${t.name} specs`, testDir: dir, testMatch: files.map(exactly) };
}

const own = ownSpecs(target);
const { token, pool } = credentials(target);

export default defineConfig({
  outputDir: path.join(resultDir, 'test-results'),
  forbidOnly: CI,
  retries: CI ? 1 : 0,
  workers: 2,
  fullyParallel: false,
  timeout: 30_000,
  // Generous for a CI box shared with other jobs; a healthy deployment answers in milliseconds.
  expect: { timeout: 10_000 },
  reporter: [
    ['list'],
    ['html', { outputFolder: path.join(resultDir, 'playwright-report'), open: 'never' }],
    ['junit', { outputFile: path.join(resultDir, 'smoke-junit.xml') }],
    [path.join(smokeDir, 'smoke-reporter.ts'), { outputFile: path.join(resultDir, 'smoke.json'), target: startsApi ? 'included API (webServer)' : redactUrl(target.baseUrl) }],
  ],
  use: {
    // Workers load this file again once the web server is up; by then its URL is in the environment.
    baseURL: process.env[WEB_SERVER_URL_ENV] || target.baseUrl,
    browserName: 'chromium',
    headless: true,
    launchOptions: chromiumLaunchOptions(),
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    // Video needs Playwright's ffmpeg download, which never happens here.
    video: 'off',
  },
  projects: [
    generic('smoke', ['health.spec.ts', 'endpoints.spec.ts']),
    generic('security', ['security.spec.ts']),
    generic('a11y', ['a11y.spec.ts', 'keyboard.spec.ts']),
    generic('vitals', ['vitals.spec.ts']),
    ...(own ? [own] : []),
  ],
  webServer: startsApi ? {
    command: `${JSON.stringify(process.execPath)} bin/shipcheck.mjs serve --port 0 --ephemeral-db --seed 20`,
    cwd: projectRoot,
    // The named group lands in process.env.SHIPCHECK_SMOKE_URL for the workers.
    wait: { stdout: /listening on (?<shipcheck_smoke_url>http:\/\/[^\s]+)/ },
    env: {
      API_KEY: token ?? '',
      API_KEYS: pool.filter((k) => k !== token).join(','),
      CORS_ORIGINS: target.security.cors.allowed.join(','),
      LOG_LEVEL: 'warn',
    },
    timeout: 120_000,
    gracefulShutdown: { signal: 'SIGTERM', timeout: 20_000 },
    stdout: 'ignore',
    stderr: 'pipe',
  } : undefined,
});
