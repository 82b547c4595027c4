/**
 * The smoke, security and accessibility suites' one Playwright config.
 *
 * Target: BASE_URL (and API_KEY) when set — a staging deployment in CI, or the API
 * `shipcheck smoke` started. When BASE_URL is unset, `webServer` starts the included API
 * (`shipcheck serve --port 0` on a throwaway embedded PostgreSQL), takes the URL from its
 * "listening on" line, and stops it (SIGTERM, so PostgreSQL shuts down cleanly) at the end.
 * Results go to SHIPCHECK_RESULT_DIR (default out/smoke): smoke.json, smoke-junit.xml,
 * playwright-report/ and test-results/ (traces and screenshots of failures).
 */
import crypto from 'node:crypto';
import path from 'node:path';
import { defineConfig } from '@playwright/test';
import { chromiumLaunchOptions } from '../harness/browser.ts';
import { projectRoot } from '../harness/project-root.ts';
import { redactUrl } from '../harness/redact.ts';

const resultDir = path.resolve(process.env.SHIPCHECK_RESULT_DIR || path.join(projectRoot, 'out', 'smoke'));
const external = process.env.BASE_URL?.trim();
const CI = !!process.env.CI;

if (!external) {
  // Keys for the API started below. The runner loads this file first and its workers inherit
  // its environment, so the keys are made once and every process agrees on them.
  process.env.API_KEY ||= `sc_smoke_${crypto.randomBytes(18).toString('base64url')}`;
  process.env.API_KEYS ||= `sc_smoke_limit_${crypto.randomBytes(18).toString('base64url')}`;
}
// The page snapshot Playwright adds to a failure's error-context.md shows form values, and
// the suites type the API key into pages: keep it out of the result folder.
process.env.PLAYWRIGHT_NO_COPY_PROMPT = '1';
// Workers load this file again after the web server is up; by then its URL is in the environment.
const baseURL = external || process.env.SHIPCHECK_SMOKE_URL;

export default defineConfig({
  testDir: path.join(projectRoot, 'smoke'),
  testMatch: '*.spec.ts',
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
    [path.join(projectRoot, 'smoke', 'smoke-reporter.ts'), { outputFile: path.join(resultDir, 'smoke.json'), target: external ? redactUrl(external) : 'included API (webServer)' }],
  ],
  use: {
    baseURL,
    browserName: 'chromium',
    headless: true,
    launchOptions: chromiumLaunchOptions(),
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    // Video needs Playwright's ffmpeg download, which never happens here.
    video: 'off',
  },
  projects: [
    { name: 'smoke', grep: /@smoke/ },
    { name: 'security', grep: /@security/ },
    { name: 'a11y', grep: /@a11y/ },
  ],
  webServer: external ? undefined : {
    command: `${JSON.stringify(process.execPath)} bin/shipcheck.mjs serve --port 0 --ephemeral-db`,
    cwd: projectRoot,
    // The named group lands in process.env.SHIPCHECK_SMOKE_URL for the workers.
    wait: { stdout: /listening on (?<shipcheck_smoke_url>http:\/\/[^\s]+)/ },
    env: {
      API_KEY: process.env.API_KEY!,
      API_KEYS: process.env.API_KEYS!,
      CORS_ORIGINS: 'https://allowed.shipcheck.test',
      LOG_LEVEL: 'warn',
    },
    timeout: 120_000,
    gracefulShutdown: { signal: 'SIGTERM', timeout: 20_000 },
    stdout: 'ignore',
    stderr: 'pipe',
  },
});
