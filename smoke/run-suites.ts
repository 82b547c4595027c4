/**
 * Runs the smoke suites with the Playwright test runner as a child process (its own workers,
 * its own event loop) against a target, and reads back the smoke.json the reporter wrote.
 * `shipcheck smoke` and the suites' own failure tests both go through here.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { projectRoot } from '../harness/project-root.ts';
import { redactText } from '../harness/redact.ts';
import type { SmokeResult } from '../harness/result-types.ts';
import { scrubArtifacts } from './scrub-artifacts.ts';

export const PLAYWRIGHT_CONFIG = path.join(projectRoot, 'smoke', 'playwright.config.ts');

export interface RunSuitesOptions {
  baseURL: string;
  resultDir: string;
  apiKey?: string;
  /** Every key the target accepts; the rate-limit check takes one that is not apiKey. */
  apiKeys?: string[];
  /** Playwright --grep (a regular expression over titles and tags), e.g. "@a11y". */
  grep?: string;
  /** An HTML report to scan in the accessibility suite. */
  reportHtml?: string;
  retries?: number;
  /** Extra environment (settings such as SHIPCHECK_A11Y_*). */
  env?: Record<string, string>;
  /** Receives the runner's output, secrets redacted (default: none). */
  onOutput?: (chunk: string) => void;
  /** Aborting sends the runner SIGINT: it stops the tests, still writes its reports, and exits. */
  signal?: AbortSignal;
}

export interface RunSuitesResult {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  /** undefined when the runner wrote no smoke.json (it could not start, or crashed). */
  smoke?: SmokeResult;
  smokeFile: string;
  /** The runner's whole output, secrets redacted. */
  logFile: string;
  output: string;
}

export async function runSuites(opts: RunSuitesOptions): Promise<RunSuitesResult> {
  fs.mkdirSync(opts.resultDir, { recursive: true });
  const smokeFile = path.join(opts.resultDir, 'smoke.json');
  const logFile = path.join(opts.resultDir, 'smoke.log');
  fs.rmSync(smokeFile, { force: true });
  const secrets = [opts.apiKey ?? '', ...(opts.apiKeys ?? [])].filter(Boolean);
  const cli = createRequire(import.meta.url).resolve('@playwright/test/cli');
  const args = [cli, 'test', '--config', PLAYWRIGHT_CONFIG];
  if (opts.grep) args.push('--grep', opts.grep);
  if (opts.retries !== undefined) args.push('--retries', String(opts.retries));

  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: '1',
    BASE_URL: opts.baseURL,
    SHIPCHECK_RESULT_DIR: opts.resultDir,
    ...opts.env,
  };
  for (const k of ['API_KEY', 'API_KEYS', 'SHIPCHECK_REPORT_HTML', 'SHIPCHECK_SMOKE_URL']) delete env[k];
  if (opts.apiKey) env.API_KEY = opts.apiKey;
  // Only a handful of keys: the rate-limit check needs one besides API_KEY, not all 500.
  if (opts.apiKeys?.length) env.API_KEYS = opts.apiKeys.slice(0, 5).join(',');
  if (opts.reportHtml) env.SHIPCHECK_REPORT_HTML = opts.reportHtml;

  const log = fs.createWriteStream(logFile);
  let output = '';
  const child = spawn(process.execPath, args, { cwd: projectRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const onData = (buf: Buffer) => {
    const text = redactText(buf.toString('utf8'), secrets);
    output += text;
    log.write(text);
    opts.onOutput?.(text);
  };
  const interrupt = () => child.kill('SIGINT');
  opts.signal?.addEventListener('abort', interrupt, { once: true });
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const { code, signal } = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (c, s) => resolve({ code: c, signal: s }));
  });
  opts.signal?.removeEventListener('abort', interrupt);
  await new Promise<void>((r) => log.end(r));
  // Traces and the HTML report recorded the key as the tests used it; mask it before anyone reads them.
  scrubArtifacts(opts.resultDir, secrets);

  let smoke: SmokeResult | undefined;
  try { smoke = JSON.parse(fs.readFileSync(smokeFile, 'utf8')) as SmokeResult; } catch { smoke = undefined; }
  return { exitCode: code, signal, smoke, smokeFile, logFile, output };
}
