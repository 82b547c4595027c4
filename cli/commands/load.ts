/**
 * shipcheck load [shape|script] — loads the target the project's shipcheck.config.ts
 * describes with one of the shapes built from it (default `gate`) or with a k6 script, then
 * writes the report. Thin: config → openTarget → runLoad → generateReport.
 */
import fs from 'node:fs';
import path from 'node:path';
import { isShape, requireShape } from '../../engine/bundle.ts';
import { assertLoopback, runLoad } from '../../engine/run-load.ts';
import { EXIT, fail } from '../../harness/errors.ts';
import { projectRoot } from '../../harness/project-root.ts';
import { prepareResultDir } from '../../harness/result-folder.ts';
import { chooseTarget, findConfigFile, loadProjectConfig } from '../../harness/target/load-config.ts';
import { openTarget, type LiveTarget } from '../../harness/target/live-target.ts';
import { resolveTarget } from '../../harness/target/resolve.ts';
import { ENGINES, PROFILES } from '../../harness/target/schema.ts';
import type { LoadShape, Target } from '../../harness/target/types.ts';
import { choiceFlag, intFlag, K6_EXIT_CODES, parseCommand, type CommandSpec } from '../flags.ts';
import { keyValues } from './run.ts';

const spec = {
  name: 'load',
  summary: 'Load a target with a shape built from its config, or with a k6 script, and write a result folder and report',
  args: '[shape|script]',
  description: `Loads the target described in shipcheck.config.ts. A shape is built from the target's
journeys, sizing and SLOs (thresholds per group and per endpoint, health probes, resource
budgets, service timings) and bundled with the target embedded:
  smoke       1 VU, each journey (or endpoint) once, every check must pass
  users       sizing.users concurrent users with think time (closed model)
  throughput  sizing.requestsPerHour on a fixed schedule (open model)
  gate        users, then throughput: the deploy gate's load stage (the default)
  spike       baseline, spikeFactor x the arrivals, recovery; SLOs per phase
  stress      climb to spikeFactor x the users and hold; SLOs at the peak
  soak        a normal day's users for a long time; SLOs in the late phase too
  breakpoint  arrivals rising until the first SLO breaks (abortOnFail)
Or give a k6 script (a path, or the name of one of the target's load.scripts), judged by its
own thresholds. Without a config file, a script still runs against --target URL.
The target's credentials reach the script in __ENV under the names its auth names.`,
  flags: {
    config: { type: 'string', value: 'FILE', default: 'shipcheck.config.* in the working directory', description: 'the project config' },
    target: { type: 'string', value: 'NAME|URL', default: "the config's only target, or gate.target", description: 'the target to load, or a URL that replaces its base URL' },
    environment: { type: 'string', value: 'NAME', default: 'local', env: 'SHIPCHECK_ENVIRONMENT', description: 'which of the target\'s base URLs' },
    profile: { type: 'string', value: 'test|ci|full|soak', default: 'ci', description: 'load size (-e PROFILE)' },
    engine: { type: 'string', value: 'auto|k6|node', default: 'auto', description: 'real k6 when a recent one is on PATH, else the Node engine' },
    out: { type: 'string', value: 'DIR|OUTPUT', multiple: true, default: 'out/<run-id>', description: 'the result folder; or, as in k6, an output streaming the run live: csv=FILE, json=FILE, experimental-prometheus-rw, experimental-opentelemetry (repeat for several)' },
    workers: { type: 'string', value: 'N', default: '1', description: 'worker threads (Node engine)' },
    'allow-remote-target': { type: 'boolean', description: 'allow load to leave this machine (default: loopback only)' },
    quiet: { type: 'boolean', short: 'q', description: 'no progress line and no text summary' },
    env: { type: 'string', short: 'e', value: 'KEY=VALUE', multiple: true, description: 'a variable for __ENV' },
  },
  exitCodes: K6_EXIT_CODES,
  examples: [
    'shipcheck load                                  # the gate shape, on the included API when the config says so',
    'shipcheck load users --profile full',
    'shipcheck load spike --environment staging --allow-remote-target',
    'shipcheck load content-lifecycle                # one of the target\'s own load.scripts',
    'shipcheck load ./my-test.js --target http://127.0.0.1:8080',
  ],
} satisfies CommandSpec;

const isUrl = (s: string | undefined): s is string => Boolean(s && /^https?:\/\//i.test(s));
const looksLikeFile = (s: string) => /\.(m?js|cjs|m?ts|cts)$/.test(s) || s.includes('/') || s.includes(path.sep);
const baseName = (f: string) => path.basename(f).replace(/\.[^.]+$/, '');

/** A target for a script run without any config: only the address (no auth, no SLOs of its own). */
function bareTarget(url: string): Target {
  return resolveTarget({ baseUrl: url, health: { liveness: '/' } }, { name: new URL(url).host });
}

/** What to run: a shape, a script path, or one of the target's own scripts by name. */
function chooseRun(arg: string | undefined, target: Target): { shape: LoadShape } | { script: string } {
  if (arg === undefined) return { shape: 'gate' };
  if (isShape(arg)) return { shape: arg };
  if (looksLikeFile(arg) && fs.existsSync(arg)) return { script: path.resolve(arg) };
  const own = target.scripts.find((s) => baseName(s) === arg || path.basename(s) === arg);
  if (own) return { script: own };
  if (looksLikeFile(arg)) throw fail('SHIPCHECK_ERR_SCRIPT_NOT_FOUND', { script: arg });
  return { shape: requireShape(arg, target.scripts.map(baseName)) };
}

export default {
  spec,
  async run(argv: string[]): Promise<number> {
    const { values, positionals } = parseCommand(spec, argv, true);
    if (positionals.length > 1) throw fail('SHIPCHECK_ERR_BAD_FLAG', { command: 'load', detail: `give one shape or script (got ${positionals.length}: ${positionals.join(' ')})` });
    const arg = positionals[0];
    const profile = choiceFlag('profile', values.profile, PROFILES, 'ci');
    const engine = choiceFlag('engine', values.engine, ENGINES, 'auto');
    const workers = values.workers === undefined ? undefined : intFlag('workers', values.workers, 1, 1, 64);
    const extraEnv = keyValues('--env', values.env);
    const allowRemote = Boolean(values['allow-remote-target']);
    const environment = values.environment ?? (process.env.SHIPCHECK_ENVIRONMENT || undefined);

    let target: Target;
    const configFile = values.config ?? findConfigFile();
    if (!configFile && arg && looksLikeFile(arg) && isUrl(values.target)) {
      target = bareTarget(assertLoopback(values.target, allowRemote));
    } else {
      const loaded = await loadProjectConfig({ file: configFile, what: 'load' });
      target = chooseTarget(loaded, { target: values.target, environment });
    }
    const run = chooseRun(arg, target);
    // Refuse before starting anything; an included API started here is on loopback by construction.
    if (target.start !== 'included-api') assertLoopback(extraEnv.BASE_URL || target.baseUrl, allowRemote);

    // An unwritable or full result folder is one clear error before the target starts (the default
    // folder is made under out/ later, so out/ is what must be writable then).
    const { splitOutFlag } = await import('../../engine/outputs/index.ts');
    const { resultDir, outputs } = splitOutFlag(values.out);
    prepareResultDir(resultDir ?? path.join(projectRoot, 'out'));
    const log = (line: string) => process.stderr.write(`${line}\n`);
    // Ctrl-C or SIGTERM (a CI cancel) stops the test as k6 does (teardown, summary, exit 105); a
    // second one kills. Listening before the target starts: a signal while the included API and
    // its PostgreSQL come up must stop them too, and still leave a result folder that says so.
    const stop = new AbortController();
    const onSignal = (sig: NodeJS.Signals) => {
      process.stderr.write(`\n${sig} received.\nStopping the test (Ctrl-C again to kill it without a summary)...\n`);
      stop.abort(sig);
    };
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    let live: LiveTarget | undefined;
    let result;
    try {
      try {
        live = await openTarget(target, { log });
      } catch (e) {
        // A Ctrl-C in a terminal reaches the included API too, which stops before it is ready: nothing ran.
        if (!stop.signal.aborted) throw e;
        log('load: interrupted before the target was ready; nothing ran.');
        return EXIT.interrupted;
      }
      // Already stopped: runLoad still writes the folder (an empty summary, exit 105).
      result = await runLoad(live, {
        ...run, profile, engine, resultDir, outputs, env: extraEnv, quiet: values.quiet, workers,
        allowRemoteTarget: allowRemote, signal: stop.signal, log,
      });
    } finally {
      await live?.stop();
      if (!result) { process.removeListener('SIGINT', onSignal); process.removeListener('SIGTERM', onSignal); }
    }
    // Still listening while the report is written: a signal now must not kill the process half-way (once: a second one does).
    try {
      const { generateReport } = await import('../../reports/index.ts');
      const rep = await generateReport(result.resultDir, { secrets: live?.secrets });
      if (rep.files) log(`report: ${path.relative(process.cwd(), rep.files.html)}`);
    } catch (e) {
      log(`report: not written (${(e as Error).message})`);
    } finally {
      process.removeListener('SIGINT', onSignal);
      process.removeListener('SIGTERM', onSignal);
    }
    return result.exitCode;
  },
};
