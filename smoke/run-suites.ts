/**
 * Runs the smoke suites with the Playwright test runner as a child process (its own workers,
 * its own event loop) against the target in a target file, and reads back the smoke.json the
 * reporter wrote; then masks the secrets in what the runner left behind (traces, the HTML
 * report). runSmoke() is the one caller.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { projectRoot } from '../harness/project-root.ts';
import { redactText } from '../harness/redact.ts';
import type { SmokeResult } from '../harness/result-types.ts';
import { REPORT_HTML_ENV, SMOKE_STATE_DIR_ENV, STARTS_API_ENV, TARGET_FILE_ENV, WEB_SERVER_URL_ENV } from './run-target.ts';
import { scrubArtifacts } from './scrub-artifacts.ts';

export const PLAYWRIGHT_CONFIG = path.join(projectRoot, 'smoke', 'playwright.config.ts');

export interface RunSuitesOptions {
  /** The resolved target, as JSON (runSmoke writes it). */
  targetFile: string;
  resultDir: string;
  /** Credentials, by the names the target's auth reads them from; the runner gets exactly these. */
  credentials: Record<string, string>;
  /** Names of inherited variables to drop (the target's auth variables), so only `credentials` reach the runner. */
  dropEnv?: string[];
  /** Values to mask in the output and in every file the runner wrote. */
  secrets: string[];
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
  const secrets = opts.secrets.filter(Boolean);
  const cli = createRequire(import.meta.url).resolve('@playwright/test/cli');
  const args = [cli, 'test', '--config', PLAYWRIGHT_CONFIG];
  if (opts.grep) args.push('--grep', opts.grep);
  if (opts.retries !== undefined) args.push('--retries', String(opts.retries));

  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const k of [...(opts.dropEnv ?? []), REPORT_HTML_ENV, WEB_SERVER_URL_ENV, SMOKE_STATE_DIR_ENV, STARTS_API_ENV]) delete env[k];
  Object.assign(env, {
    PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: '1',
    SHIPCHECK_RESULT_DIR: opts.resultDir,
    [TARGET_FILE_ENV]: opts.targetFile,
    ...opts.env,
    ...opts.credentials,
    ...(opts.reportHtml ? { [REPORT_HTML_ENV]: opts.reportHtml } : {}),
  });

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
