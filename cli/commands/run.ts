/**
 * shipcheck run <script.js|.ts> — `k6 run`: the same flags (long and short), the same output
 * and exit codes, with real k6 when a recent one is on PATH (`--engine auto`) or the Node
 * engine. A .ts script is bundled on the fly (esbuild, k6 modules external) into
 * .shipcheck/bundles/.
 */
import { scriptToRun } from '../../engine/bundle.ts';
import type { CliOverrides } from '../../engine/options.ts';
import { fail } from '../../harness/errors.ts';
import { ENGINES } from '../../harness/target/schema.ts';
import { choiceFlag, intFlag, K6_EXIT_CODES, parseCommand, type CommandSpec } from '../flags.ts';

/** "KEY=VALUE" list → object, or a clear error naming the flag. */
export function keyValues(flag: string, list: string[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of list ?? []) {
    const eq = item.indexOf('=');
    if (eq <= 0) throw fail('SHIPCHECK_ERR_BAD_OPTION', { option: flag, value: item, hint: 'Write KEY=VALUE.' });
    out[item.slice(0, eq)] = item.slice(eq + 1);
  }
  return out;
}

/** --stage 30s:10 (duration:target), as k6 takes it. */
export function parseStages(list: string[] | undefined): CliOverrides['stages'] {
  if (!list || list.length === 0) return undefined;
  return list.map((s) => {
    const [d, t] = s.split(':');
    const target = Number(t);
    if (!d || t === undefined || !Number.isInteger(target) || target < 0) {
      throw fail('SHIPCHECK_ERR_BAD_OPTION', { option: '--stage', value: s, hint: 'Write DURATION:TARGET, e.g. --stage 30s:10.' });
    }
    return { duration: d, target };
  });
}

const spec = {
  name: 'run',
  summary: 'Run a k6 script, like "k6 run" (real k6 when installed, else the Node engine)',
  args: '<script.js|.ts>',
  description: `Runs a k6 script as "k6 run" does: its options, with the flags below overriding them (-u, -d
and -i as in k6: --vus and --duration make it constant VUs, --iterations shared iterations),
-e variables in __ENV, the end-of-test summary on standard output and k6's exit codes. With
--engine auto, real k6 (v0.51 or newer on PATH) runs it; otherwise shipcheck's Node engine,
which implements k6's API and VU model. A .ts script is bundled first (k6 imports external).
No target is started and no result folder is written: that is "shipcheck load".`,
  flags: {
    engine: { type: 'string', value: 'auto|k6|node', default: 'auto', description: 'which engine runs the script: real k6 when on PATH, else node' },
    vus: { type: 'string', short: 'u', value: 'N', default: "the script's options, else 1", description: 'virtual users' },
    duration: { type: 'string', short: 'd', value: 'D', default: "the script's options", description: 'test duration, e.g. 30s or 2m' },
    iterations: { type: 'string', short: 'i', value: 'N', default: "the script's options", description: 'total iterations, shared by the VUs' },
    stage: { type: 'string', short: 's', value: 'D:T', multiple: true, description: 'a ramping stage: duration and target VUs, e.g. 30s:10' },
    env: { type: 'string', short: 'e', value: 'KEY=VALUE', multiple: true, description: 'a variable for __ENV' },
    tag: { type: 'string', value: 'KEY=VALUE', multiple: true, description: 'a tag on every sample' },
    'summary-export': { type: 'string', value: 'FILE', description: 'write the legacy summary JSON' },
    out: { type: 'string', short: 'o', value: 'json=FILE', multiple: true, description: 'stream samples, as k6 does: json=FILE or csv=FILE (.gz compresses), experimental-prometheus-rw (K6_PROMETHEUS_RW_*), experimental-opentelemetry (K6_OTEL_*); repeat for several' },
    'no-thresholds': { type: 'boolean', description: 'do not judge thresholds' },
    quiet: { type: 'boolean', short: 'q', description: 'no progress line and no summary' },
    workers: { type: 'string', value: 'N', default: '1', description: 'worker threads splitting the VUs (Node engine; k6 uses every core itself)' },
  },
  exitCodes: K6_EXIT_CODES,
  examples: [
    'shipcheck run script.js',
    'shipcheck run -u 10 -d 30s -e BASE_URL=http://127.0.0.1:3000 script.ts',
    'shipcheck run --engine node --out json=out.json.gz --summary-export summary.json script.js',
  ],
} satisfies CommandSpec;

export default {
  spec,
  async run(argv: string[]): Promise<number> {
    const { values, positionals } = parseCommand(spec, argv, true);
    if (positionals.length !== 1) throw fail('SHIPCHECK_ERR_BAD_FLAG', { command: 'run', detail: positionals.length ? `one script expected, got ${positionals.length}` : 'give the script to run' });
    const script = positionals[0]!;
    const engineChoice = choiceFlag('engine', values.engine, ENGINES, 'auto');
    const { parseOutputSpec } = await import('../../engine/outputs/index.ts');
    const outputs = (values.out ?? []).map(parseOutputSpec);
    const overrides: CliOverrides = {
      vus: values.vus === undefined ? undefined : intFlag('vus', values.vus, 1, 1),
      duration: values.duration,
      iterations: values.iterations === undefined ? undefined : intFlag('iterations', values.iterations, 1, 1),
      stages: parseStages(values.stage),
    };
    const env = keyValues('--env', values.env);
    const tags = keyValues('--tag', values.tag);
    const workers = intFlag('workers', values.workers, 1, 1, 64);
    const file = await scriptToRun(script);

    const { findK6, MIN_K6_VERSION, execK6 } = await import('../../engine/k6-binary.ts');
    if (engineChoice !== 'node') {
      const found = await findK6();
      if (found.k6) {
        // k6 takes the same flags: pass them through as given.
        const args = ['run'];
        if (overrides.vus !== undefined) args.push('--vus', String(overrides.vus));
        if (overrides.duration !== undefined) args.push('--duration', overrides.duration);
        if (overrides.iterations !== undefined) args.push('--iterations', String(overrides.iterations));
        for (const s of values.stage ?? []) args.push('--stage', s);
        for (const [k, v] of Object.entries(env)) args.push('-e', `${k}=${v}`);
        for (const [k, v] of Object.entries(tags)) args.push('--tag', `${k}=${v}`);
        if (values['summary-export']) args.push('--summary-export', values['summary-export']);
        for (const o of values.out ?? []) args.push('--out', o);
        if (values['no-thresholds']) args.push('--no-thresholds');
        if (values.quiet) args.push('--quiet');
        args.push(file);
        return execK6(found.k6, args);
      }
      if (engineChoice === 'k6') throw fail('SHIPCHECK_ERR_K6_NOT_FOUND', { min: MIN_K6_VERSION, found: found.reason });
    }
    const { runTest } = await import('../../engine/runner.ts');
    const result = await runTest({
      script: file, scriptLabel: script, env, tags, overrides, noThresholds: values['no-thresholds'], quiet: values.quiet,
      summaryExport: values['summary-export'], outputs, workers,
    });
    return result.exitCode;
  },
};
