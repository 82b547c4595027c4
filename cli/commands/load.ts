/**
 * shipcheck load <scenario> — builds the scenario if needed, starts the included API when no
 * target is given, runs the bundle with real k6 (when a recent one is on PATH) or the Node
 * engine, and writes the result folder: summary.json, timeseries.json, meta.json (+ report).
 */
import fs from 'node:fs';
import path from 'node:path';
import { EXIT, fail } from '../../harness/errors.ts';
import { projectRoot } from '../../harness/project-root.ts';
import { createResultDir, startMeta, writeJson } from '../../harness/result-folder.ts';
import type { RunMeta } from '../../harness/result-types.ts';
import { intFlag, K6_EXIT_CODES, parseCommand, type CommandSpec } from '../flags.ts';

const USAGE = `shipcheck load <scenario> [--engine auto|k6|node] [--profile ci|full|soak|test]
    [--target URL] [--out DIR] [--workers N] [--allow-remote-target] [--quiet] [-e KEY=VALUE ...]`;

const LOOPBACK = new Set(['127.0.0.1', '::1', '[::1]', 'localhost']);

/** Load goes only to this machine unless the user says otherwise. */
export function checkTarget(target: string, allowRemote: boolean): string {
  let u: URL;
  try { u = new URL(target); } catch {
    throw fail('SHIPCHECK_ERR_BAD_OPTION', { option: '--target', value: target, hint: 'Give a URL such as http://127.0.0.1:3000.' });
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw fail('SHIPCHECK_ERR_BAD_OPTION', { option: '--target', value: target, hint: 'Use an http:// or https:// URL.' });
  const host = u.hostname;
  if (!allowRemote && !LOOPBACK.has(host) && !/^127\.\d+\.\d+\.\d+$/.test(host)) throw fail('SHIPCHECK_ERR_TARGET_REMOTE', { target });
  return target.replace(/\/+$/, '');
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) newest = Math.max(newest, newestMtime(p));
    else if (e.name.endsWith('.ts')) newest = Math.max(newest, fs.statSync(p).mtimeMs);
  }
  return newest;
}

/** dist/scenarios/<name>.js, rebuilt when missing or older than any scenario source. */
async function ensureBundle(name: string): Promise<string> {
  const { bundlePath, bundleScenario, scenarioSource, scenariosDir } = await import('../../engine/bundle.ts');
  const src = await scenarioSource(name);
  const out = bundlePath(name);
  if (!fs.existsSync(out) || fs.statSync(out).mtimeMs < newestMtime(scenariosDir)) {
    process.stderr.write(`building ${path.relative(projectRoot, out)} from ${path.relative(projectRoot, src)}\n`);
    await bundleScenario(src, out);
  }
  return out;
}

const spec = {
  name: 'load',
  summary: 'Run a load scenario (real k6 when installed, else the Node engine) and write a result folder',
  args: '<scenario>',
  description: 'Builds the scenario if needed and runs it against --target (or the included API), writing a result folder.',
  flags: {
    engine: { type: 'string', value: 'auto|k6|node', default: 'auto', description: 'which engine runs the script' },
    profile: { type: 'string', value: 'test|ci|full|soak', default: 'ci', description: 'load size' },
    target: { type: 'string', value: 'URL', description: 'the deployment to load' },
    out: { type: 'string', value: 'DIR', default: 'out/<run-id>', description: 'result folder' },
    workers: { type: 'string', value: 'N', default: '1', description: 'worker threads (Node engine)' },
    'allow-remote-target': { type: 'boolean', description: 'allow load to leave this machine' },
    quiet: { type: 'boolean', short: 'q', description: 'no progress line' },
    env: { type: 'string', short: 'e', value: 'KEY=VALUE', multiple: true, description: 'a variable for __ENV' },
  },
  exitCodes: K6_EXIT_CODES,
} satisfies CommandSpec;

export default {
  spec,
  async run(argv: string[]): Promise<number> {
    const { values, positionals } = parseCommand(spec, argv, true);
    if (positionals.length !== 1) throw fail('SHIPCHECK_ERR_BAD_FLAG', { command: 'load', detail: 'give one scenario name (see scenarios/)' });
    const name = positionals[0]!;
    const engineFlag = values.engine!;
    if (!['auto', 'k6', 'node'].includes(engineFlag)) throw fail('SHIPCHECK_ERR_BAD_OPTION', { option: '--engine', value: engineFlag, hint: 'Use auto, k6 or node.' });
    const profile = values.profile!;
    if (!['ci', 'full', 'soak', 'test'].includes(profile)) throw fail('SHIPCHECK_ERR_BAD_OPTION', { option: '--profile', value: profile, hint: 'Use ci, full, soak or test.' });
    const target = values.target ? checkTarget(values.target, Boolean(values['allow-remote-target'])) : undefined;
    const workers = values.workers === undefined ? undefined : intFlag('workers', values.workers, 1, 1, 64);
    const { keyValues } = await import('./run.ts');
    const extraEnv = keyValues('--env', values.env);

    const bundle = await ensureBundle(name);

    const { findK6, runWithK6 } = await import('../../engine/k6-binary.ts');
    let k6: Awaited<ReturnType<typeof findK6>>['k6'];
    if (engineFlag !== 'node') {
      const found = await findK6();
      if (found.k6) k6 = found.k6;
      else if (engineFlag === 'k6') throw fail('SHIPCHECK_ERR_K6_NOT_FOUND', { min: (await import('../../engine/k6-binary.ts')).MIN_K6_VERSION, found: found.reason });
      else process.stderr.write(`engine: node (${found.reason}; install k6 v0.51+ to run with real k6)\n`);
    }
    const engine = k6 ? `k6 v${k6.version}` : 'node';
    if (k6) process.stderr.write(`engine: ${engine} (${k6.path})\n`);

    const { startIncludedApi } = await import('../../harness/included-api.ts');
    const api = target ? undefined : await startIncludedApi({});
    const secrets = api ? api.apiKeys : [];
    let exitCode: number = EXIT.harness;
    const dir = createResultDir({ out: values.out, kind: 'load', label: name });
    const meta: RunMeta = startMeta('load', path.basename(dir), { engine, target: target ?? api!.url, profile, scenario: name }, secrets);
    try {
      const env: Record<string, string> = { PROFILE: profile, BASE_URL: target ?? api!.url, ...extraEnv };
      if (api) { env.API_KEY = api.apiKey; env.API_KEYS = api.apiKeys.join(','); }
      if (!target) process.stderr.write(`target: the included API at ${api!.url} (pid ${api!.pid})\n`);
      if (k6) {
        const { describeScript } = await import('../../engine/runner.ts');
        meta.scenarios = await describeScript(bundle, env).catch(() => undefined);
        const r = await runWithK6({ k6, bundle, env, dir, quiet: values.quiet });
        const { defaultSummaryStdout } = await import('../../engine/summary/text-summary.ts');
        if (!/\bhandleSummary\b/.test(fs.readFileSync(bundle, 'utf8'))) process.stdout.write(defaultSummaryStdout(r.summary));
        writeJson(dir, 'timeseries.json', r.timeseries);
        exitCode = r.exitCode;
      } else {
        const { runTest } = await import('../../engine/runner.ts');
        // The target runs on this machine: one worker thread leaves the other cores to it.
        const r = await runTest({ script: bundle, scriptLabel: path.relative(process.cwd(), bundle), env, timeseries: true, quiet: values.quiet, workers: workers ?? 1 });
        writeJson(dir, 'summary.json', r.summary);
        if (r.timeseries) writeJson(dir, 'timeseries.json', r.timeseries);
        meta.scenarios = r.scenarios;
        exitCode = r.exitCode;
      }
    } finally {
      meta.endedAt = new Date().toISOString();
      meta.exitCode = exitCode;
      writeJson(dir, 'meta.json', meta);
      if (api) await api.stop();
    }
    process.stderr.write(`engine: ${engine} · exit code ${exitCode} · results in ${path.relative(process.cwd(), dir) || dir}\n`);
    const reports = path.join(projectRoot, 'reports', 'index.ts');
    if (fs.existsSync(reports)) {
      try {
        const { generateReport } = (await import(reports)) as { generateReport: (d: string, o?: { secrets?: string[] }) => Promise<{ files?: { html: string } }> };
        const rep = await generateReport(dir, { secrets });
        if (rep.files) process.stderr.write(`report: ${path.relative(process.cwd(), rep.files.html)}\n`);
      } catch (e) {
        process.stderr.write(`report: not written (${(e as Error).message})\n`);
      }
    }
    return exitCode;
  },
};
