/**
 * shipcheck run <script.js|.ts> — `k6 run` for the subset the Node engine implements. A .ts
 * script is bundled on the fly (esbuild, k6 modules external) into .shipcheck/bundles/.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fail } from '../../harness/errors.ts';
import { projectRoot } from '../../harness/project-root.ts';
import { intFlag, K6_EXIT_CODES, parseCommand, type CommandSpec } from '../flags.ts';
import { runTest } from '../../engine/runner.ts';
import type { CliOverrides } from '../../engine/options.ts';

const USAGE = `shipcheck run <script.js|.ts> [--vus N] [--duration D] [--iterations N] [--stage D:T ...]
    [-e KEY=VALUE ...] [--tag KEY=VALUE ...] [--summary-export FILE] [--out json=FILE]
    [--no-thresholds] [--quiet] [--workers N]`;

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

/** The file the engine runs: the script itself, or its bundle when it is TypeScript. */
export async function scriptToRun(script: string): Promise<string> {
  if (!fs.existsSync(script)) throw fail('SHIPCHECK_ERR_SCRIPT_NOT_FOUND', { script });
  if (!/\.(ts|mts|cts)$/.test(script)) return path.resolve(script);
  const { bundleScenario } = await import('../../engine/bundle.ts');
  const abs = path.resolve(script);
  const hash = crypto.createHash('sha1').update(abs).digest('hex').slice(0, 10);
  const out = path.join(projectRoot, '.shipcheck', 'bundles', `${path.basename(script).replace(/\.[^.]+$/, '')}-${hash}.js`);
  await bundleScenario(abs, out);
  return out;
}

const spec = {
  name: 'run',
  summary: 'Run a k6 script with the Node engine, like "k6 run"',
  args: '<script.js|.ts>',
  description: '`k6 run` for the subset the Node engine implements. A .ts script is bundled on the fly.',
  flags: {
    vus: { type: 'string', value: 'N', description: 'virtual users' },
    duration: { type: 'string', value: 'D', description: 'test duration' },
    iterations: { type: 'string', value: 'N', description: 'total iterations' },
    stage: { type: 'string', value: 'D:T', multiple: true, description: 'a ramping stage' },
    env: { type: 'string', short: 'e', value: 'KEY=VALUE', multiple: true, description: 'a variable for __ENV' },
    tag: { type: 'string', value: 'KEY=VALUE', multiple: true, description: 'a tag on every sample' },
    'summary-export': { type: 'string', value: 'FILE', description: 'write the legacy summary JSON' },
    out: { type: 'string', value: 'json=FILE', multiple: true, description: 'stream samples as k6 NDJSON' },
    'no-thresholds': { type: 'boolean', description: 'do not judge thresholds' },
    quiet: { type: 'boolean', short: 'q', description: 'no progress line' },
    workers: { type: 'string', value: 'N', default: '1', description: 'worker threads' },
  },
  exitCodes: K6_EXIT_CODES,
} satisfies CommandSpec;

export default {
  spec,
  async run(argv: string[]): Promise<number> {
    const { values, positionals } = parseCommand(spec, argv, true);
    if (positionals.length !== 1) throw fail('SHIPCHECK_ERR_BAD_FLAG', { command: 'run', detail: positionals.length ? `one script expected, got ${positionals.length}` : 'give the script to run' });
    const script = positionals[0]!;
    let outJson: string | undefined;
    for (const o of values.out ?? []) {
      if (!o.startsWith('json=') || o.length <= 5) throw fail('SHIPCHECK_ERR_BAD_OPTION', { option: '--out', value: o, hint: 'The Node engine writes --out json=FILE (FILE may end in .gz).' });
      outJson = o.slice(5);
    }
    const overrides: CliOverrides = {
      vus: values.vus === undefined ? undefined : intFlag('vus', values.vus, 1, 1),
      duration: values.duration,
      iterations: values.iterations === undefined ? undefined : intFlag('iterations', values.iterations, 1, 1),
      stages: parseStages(values.stage),
    };
    const file = await scriptToRun(script);
    const result = await runTest({
      script: file, scriptLabel: script, env: keyValues('--env', values.env), tags: keyValues('--tag', values.tag),
      overrides, noThresholds: values['no-thresholds'], quiet: values.quiet,
      summaryExport: values['summary-export'], outJson,
      workers: intFlag('workers', values.workers, 1, 1, 64),
    });
    return result.exitCode;
  },
};
