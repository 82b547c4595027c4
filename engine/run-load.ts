/**
 * runLoad(): the load suite's one entry function. It takes a live target (its address and
 * credentials, from openTarget) and a load shape or a k6 script, bundles the shape for the
 * target, runs it with real k6 when a recent one is on PATH (else the Node engine), and
 * writes the result folder: summary.json, timeseries.json, meta.json and target.json.
 * `shipcheck load` and the gate both call it with typed options; it renders no report
 * (callers do) and never exits the process.
 */
import fs from 'node:fs';
import path from 'node:path';
import { EXIT, fail } from '../harness/errors.ts';
import { redactText, SECRET_NAME } from '../harness/redact.ts';
import { createResultDir, startMeta, writeJson } from '../harness/result-folder.ts';
import type { K6SummaryData, RunMeta } from '../harness/result-types.ts';
import type { LiveTarget } from '../harness/target/live-target.ts';
import type { EngineChoice, LoadShape, Profile } from '../harness/target/types.ts';
import { bundleShape, scriptToRun } from './bundle.ts';
import type { OutputSpec } from './outputs/index.ts';

export interface LoadOptions {
  /** A load shape built from the target (`gate` when neither this nor `script` is given). */
  shape?: LoadShape;
  /** Or a k6 script of the user's (.js or .ts), run as it is. */
  script?: string;
  /** Load size (`-e PROFILE`; default `ci`). */
  profile?: Profile;
  /** `auto` (default): real k6 when a recent one is on PATH, else the Node engine. */
  engine?: EngineChoice;
  /** The result folder (default a new `out/<run-id>`). */
  resultDir?: string;
  /** More `__ENV` variables (the -e flags). */
  env?: Record<string, string>;
  /** No progress line and no text summary. */
  quiet?: boolean;
  /** Worker threads for the Node engine (default 1: the target often runs on this machine too). */
  workers?: number;
  /** Let load leave this machine (default: loopback only). */
  allowRemoteTarget?: boolean;
  /** Stops the test like Ctrl-C: teardown, summary, exit 105. */
  signal?: AbortSignal;
  /** k6's --out outputs (csv, experimental-prometheus-rw, experimental-opentelemetry, json) streaming the run live. */
  outputs?: OutputSpec[];
  /** Progress lines (the engine chosen, where results went); default standard error. */
  log?: (line: string) => void;
}

export interface CrossedThreshold {
  /** The metric or sub-metric, e.g. `http_req_duration{name:GET /api/items}`. */
  metric: string;
  /** The expression that failed, e.g. `p(95)<200`. */
  threshold: string;
}

export interface LoadResult {
  /** k6's exit code: 0 pass, 99 thresholds crossed, 105 interrupted, 107 script exception, 108 aborted by the script, ... */
  exitCode: number;
  /** `k6 v1.2.3` or `node`. */
  engine: string;
  resultDir: string;
  summary: K6SummaryData;
  crossed: CrossedThreshold[];
  /** Why the run did not pass, in one line (already printed by the engine), when it did not. */
  message?: string;
}

const LOOPBACK = new Set(['127.0.0.1', '::1', '[::1]', 'localhost']);

/** The base URL without a trailing slash; refuses a host that is not this machine unless `allowRemote`. */
export function assertLoopback(url: string, allowRemote: boolean): string {
  let u: URL;
  try { u = new URL(url); } catch {
    throw fail('SHIPCHECK_ERR_BAD_OPTION', { option: '--target', value: url, hint: 'Give a URL such as http://127.0.0.1:3000.' });
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw fail('SHIPCHECK_ERR_BAD_OPTION', { option: '--target', value: url, hint: 'Use an http:// or https:// URL.' });
  if (!allowRemote && !LOOPBACK.has(u.hostname)) throw fail('SHIPCHECK_ERR_TARGET_REMOTE', { target: redactText(url) });
  return url.replace(/\/+$/, '');
}

/** The thresholds the summary marks as crossed. */
export function crossedThresholds(summary: K6SummaryData): CrossedThreshold[] {
  const out: CrossedThreshold[] = [];
  for (const [metric, m] of Object.entries(summary.metrics)) {
    for (const [threshold, t] of Object.entries(m.thresholds ?? {})) if (!t.ok) out.push({ metric, threshold });
  }
  return out;
}

export async function runLoad(live: LiveTarget, o: LoadOptions = {}): Promise<LoadResult> {
  if (o.shape && o.script) throw new TypeError('runLoad: give a shape or a script, not both');
  const log = o.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const profile = o.profile ?? 'ci';
  const extra = { ...(o.env ?? {}) };
  const baseUrl = assertLoopback(extra.BASE_URL || live.target.baseUrl, Boolean(o.allowRemoteTarget));
  const secrets = [...live.secrets, ...Object.entries(extra).filter(([k]) => SECRET_NAME.test(k)).map(([, v]) => v)];
  const shape = o.script ? undefined : (o.shape ?? 'gate');
  const label = shape ?? path.basename(o.script!).replace(/\.[^.]+$/, '');

  const { findK6, MIN_K6_VERSION, runWithK6 } = await import('./k6-binary.ts');
  let k6: Awaited<ReturnType<typeof findK6>>['k6'];
  if (o.engine !== 'node') {
    const found = await findK6();
    if (found.k6) k6 = found.k6;
    else if (o.engine === 'k6') throw fail('SHIPCHECK_ERR_K6_NOT_FOUND', { min: MIN_K6_VERSION, found: found.reason });
    else log(`engine: node (${found.reason}; install k6 v${MIN_K6_VERSION}+ to run with real k6)`);
  }
  const engine = k6 ? `k6 v${k6.version}` : 'node';
  if (k6) log(`engine: ${engine} (${k6.path})`);

  const dir = o.resultDir ? path.resolve(o.resultDir) : createResultDir({ kind: 'load', label });
  fs.mkdirSync(dir, { recursive: true });
  // A shape's bundle goes in the result folder: the exact script that ran, target included, for `k6 run` later.
  const bundle = shape ? await bundleShape(shape, { ...live.target, baseUrl }, path.join(dir, `${shape}.js`)) : await scriptToRun(o.script!);
  const meta: RunMeta = startMeta('load', path.basename(dir), {
    engine, target: redactText(baseUrl, secrets), targetName: live.target.name, profile, scenario: label,
  }, secrets);
  writeJson(dir, 'target.json', { ...live.target, baseUrl });

  // Credentials under the names the target's auth reads; -e values may replace them, but PROFILE
  // and BASE_URL always say what meta.json says.
  const env: Record<string, string> = { ...live.env, ...extra, PROFILE: profile, BASE_URL: baseUrl };
  let exitCode: number = EXIT.harness;
  let summary: K6SummaryData;
  let message: string | undefined;
  try {
    if (k6) {
      const { describeScript } = await import('./runner.ts');
      meta.scenarios = await describeScript(bundle, env).catch(() => undefined);
      const r = await runWithK6({ k6, bundle, env, dir, quiet: o.quiet, signal: o.signal, extraArgs: (o.outputs ?? []).flatMap((x) => ['--out', x.arg === undefined ? x.type : `${x.type}=${x.arg}`]) });
      if (!o.quiet && !/\bhandleSummary\b/.test(fs.readFileSync(bundle, 'utf8'))) {
        const { defaultSummaryStdout } = await import('./summary/text-summary.ts');
        process.stdout.write(defaultSummaryStdout(r.summary));
      }
      writeJson(dir, 'timeseries.json', r.timeseries);
      summary = r.summary;
      exitCode = r.exitCode;
      if (exitCode !== EXIT.ok) message = k6ExitMeaning(exitCode, crossedThresholds(summary));
    } else {
      const { runTest } = await import('./runner.ts');
      const r = await runTest({
        script: bundle, scriptLabel: path.relative(process.cwd(), o.script ?? bundle) || bundle, env, timeseries: true,
        quiet: o.quiet, workers: o.workers ?? 1, handleSignals: !o.signal, signal: o.signal, outputs: o.outputs,
      });
      writeJson(dir, 'summary.json', r.summary);
      if (r.timeseries) writeJson(dir, 'timeseries.json', r.timeseries);
      meta.scenarios = r.scenarios;
      meta.engineMode = r.scriptMode;
      summary = r.summary;
      exitCode = r.exitCode;
      message = r.message;
    }
  } finally {
    meta.endedAt = new Date().toISOString();
    meta.exitCode = exitCode;
    writeJson(dir, 'meta.json', meta);
  }
  log(`engine: ${engine} · exit code ${exitCode} · results in ${path.relative(process.cwd(), dir) || dir}`);
  return { exitCode, engine, resultDir: dir, summary, crossed: crossedThresholds(summary), ...(message ? { message } : {}) };
}

/** What real k6's exit code says (k6 printed the details itself). */
function k6ExitMeaning(code: number, crossed: CrossedThreshold[]): string {
  if (code === EXIT.thresholds) return `thresholds on metrics '${[...new Set(crossed.map((c) => c.metric))].join("', '")}' have been crossed`;
  const meaning: Record<number, string> = {
    [EXIT.setupTimeout]: 'setup() timed out', [EXIT.teardownTimeout]: 'teardown() timed out', [EXIT.invalidConfig]: 'invalid options',
    [EXIT.interrupted]: 'interrupted', [EXIT.scriptException]: 'the script threw an exception', [EXIT.scriptAborted]: 'the script aborted the test (exec.test.abort())',
    110: 'the script marked the test as failed',
  };
  return `k6 exited ${code}: ${meaning[code] ?? 'see its output above'}`;
}
