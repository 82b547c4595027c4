/**
 * Drill arguments: every drill takes the same common flags plus its own, with defaults
 * written at the top of the script. An unknown flag or a bad value is one clear line.
 */
import { parseArgs } from 'node:util';
import path from 'node:path';
import { fail } from '../../harness/errors.ts';
import { newRunId } from '../../harness/result-folder.ts';
import { projectRoot } from '../../harness/project-root.ts';

type Value = string | number | boolean;

export interface CommonDrillArgs {
  /** Result folder (journal in `<out>/drills/<name>.json`). */
  out: string;
  /** A deliberate fault to prove an objective catches it (tests). */
  sabotage: string;
  /** An existing database to drill against instead of a cluster of our own. */
  'database-url': string;
  /** Must name that database: the drill destroys it. */
  'i-know-this-destroys': string;
}

/**
 * Parses `argv` against `defaults` (the flag names and their types) plus the common flags.
 * Numbers must be non-negative numbers; `sabotage` must be one of `sabotageKinds`.
 */
export function drillArgs<D extends Record<string, Value>>(
  drill: string,
  defaults: D,
  sabotageKinds: readonly string[] = [],
  argv: string[] = process.argv.slice(2),
): D & CommonDrillArgs {
  const all: Record<string, Value> = {
    out: path.join(projectRoot, 'out', newRunId('drill', drill)),
    sabotage: '',
    'database-url': '',
    'i-know-this-destroys': '',
    ...defaults,
  };
  if (argv.includes('--help') || argv.includes('-h')) {
    const lines = [`Usage: shipcheck drill ${drill} [flags]   (or, in the checkout: ./dr-drills/${drill}.mjs [flags])`, '', 'Flags (default):'];
    for (const [k, v] of Object.entries(all)) lines.push(`  --${k.padEnd(22)} ${k === 'out' ? 'out/<run-id>' : JSON.stringify(v)}`);
    lines.push('', `--sabotage kinds: ${sabotageKinds.join(', ') || '(none)'}`);
    process.stdout.write(`${lines.join('\n')}\n`);
    throw new HelpShown();
  }
  const options: Record<string, { type: 'string' | 'boolean' }> = {};
  for (const [k, v] of Object.entries(all)) options[k] = { type: typeof v === 'boolean' ? 'boolean' : 'string' };
  let values: Record<string, string | boolean | undefined>;
  try {
    values = parseArgs({ args: argv, options, strict: true, allowPositionals: false }).values as typeof values;
  } catch (e) {
    const detail = (e as Error).message.replace(/\. To specify.*$/s, '').replace(/^Unknown option/, 'unknown flag');
    throw fail('SHIPCHECK_ERR_BAD_FLAG', { command: `drill ${drill}`, detail: `${detail} (flags: ${Object.keys(all).map((k) => `--${k}`).join(' ')})` });
  }
  const out: Record<string, Value> = { ...all };
  for (const [k, raw] of Object.entries(values)) {
    if (raw === undefined) continue;
    if (typeof all[k] === 'number') {
      const n = Number(raw);
      if (typeof raw !== 'string' || raw.trim() === '' || !Number.isFinite(n) || n < 0) {
        throw fail('SHIPCHECK_ERR_BAD_OPTION', { option: `--${k}`, value: String(raw), hint: `Give a number of 0 or more (default ${all[k]}).` });
      }
      out[k] = n;
    } else out[k] = raw;
  }
  if (out.sabotage && !sabotageKinds.includes(String(out.sabotage))) {
    throw fail('SHIPCHECK_ERR_DRILL_SABOTAGE', { drill, kind: String(out.sabotage), known: sabotageKinds.join(', ') || '(none)' });
  }
  out.out = path.resolve(String(out.out));
  return out as D & CommonDrillArgs;
}

/** Thrown after --help is printed: the script ends there, successfully. */
export class HelpShown extends Error {
  constructor() { super('help shown'); this.name = 'HelpShown'; }
}
