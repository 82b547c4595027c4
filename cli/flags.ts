/**
 * Each command's flags, declared once: the table parses argv (node:util parseArgs, strict)
 * and renders the command's --help, so every flag shows with its value, default and the
 * variable that also sets it, and help can never fall behind what is parsed. A mistyped flag
 * is one line naming the command, the flag and the closest known one.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { fail } from '../harness/errors.ts';
import { suggest } from '../harness/suggest.ts';

export interface FlagDef {
  type: 'string' | 'boolean';
  short?: string;
  multiple?: boolean;
  /** The value's name in --help: URL, N, DIR. */
  value?: string;
  /** The default as --help shows it (the command applies it). */
  default?: string;
  /** The environment variable that sets it too. */
  env?: string;
  description: string;
}
export type Flags = Record<string, FlagDef>;

type ValueOf<D extends FlagDef> = D['type'] extends 'boolean'
  ? (D['multiple'] extends true ? boolean[] : boolean)
  : (D['multiple'] extends true ? string[] : string);
export type FlagValues<F extends Flags> = { [K in keyof F]?: ValueOf<F[K]> };

export interface CommandSpec<F extends Flags = Flags> {
  name: string;
  summary: string;
  /** Positional arguments for the usage line, e.g. "<shape|script>". */
  args?: string;
  /** What the command does, in a few lines. */
  description: string;
  flags: F;
  /** What each exit code means. */
  exitCodes: string;
  examples?: string[];
}

/** The exit-code lines the suite commands (gate, smoke, drill) share. */
export const SUITE_EXIT_CODES = '0 pass · 1 the deployment failed (a reason is printed) · 2 harness error (a check could not run) · 104 invalid flag or config · 105 interrupted';
/** k6's, for the commands that run a script (run, load). */
export const K6_EXIT_CODES = "0 pass · 99 thresholds crossed · 104 invalid options · 105 interrupted · 107 script exception · 108 exec.test.abort() · 2 harness error";

export function parseCommand<F extends Flags>(spec: CommandSpec<F>, argv: string[], allowPositionals = false): { values: FlagValues<F>; positionals: string[] } {
  const options: NonNullable<ParseArgsConfig['options']> = {};
  for (const [name, d] of Object.entries(spec.flags)) {
    options[name] = { type: d.type, ...(d.short ? { short: d.short } : {}), ...(d.multiple ? { multiple: true } : {}) };
  }
  try {
    const r = parseArgs({ args: argv, options, allowPositionals, strict: true });
    return { values: r.values as FlagValues<F>, positionals: r.positionals };
  } catch (e) {
    throw fail('SHIPCHECK_ERR_BAD_FLAG', { command: spec.name, detail: describeParseError(spec, (e as Error).message) });
  }
}

function describeParseError(spec: CommandSpec, message: string): string {
  const unknown = /^Unknown option '(-{1,2}[^']+)'/.exec(message);
  if (unknown) {
    const flag = unknown[1]!;
    const known = Object.keys(spec.flags).map((f) => `--${f}`);
    const near = suggest(flag, known);
    return `unknown flag ${flag}${near ? ` (did you mean ${near}?)` : ''}`;
  }
  const positional = /^Unexpected argument '([^']+)'/.exec(message);
  if (positional) return `unexpected argument "${positional[1]}" (this command takes flags only)`;
  return message.replace(/\. To specify.*$/s, '').replace(/^Option '([^']+)' argument missing/, '$1 needs a value');
}

/** The command's --help: usage, what it does, every flag with its value, default and variable, exit codes. */
export function renderHelp(spec: CommandSpec): string {
  const rows = Object.entries(spec.flags).map(([name, d]) => {
    const left = `${d.short ? `-${d.short}, ` : '    '}--${name}${d.type === 'string' ? ` ${d.value ?? 'VALUE'}` : ''}${d.multiple ? ' ...' : ''}`;
    const extra = [d.default !== undefined ? `default: ${d.default}` : '', d.env ? `or ${d.env}` : ''].filter(Boolean).join('; ');
    return { left, right: `${d.description}${extra ? ` (${extra})` : ''}` };
  });
  const width = Math.min(34, Math.max(...rows.map((r) => r.left.length), 10) + 2);
  const lines = [
    `Usage: shipcheck ${spec.name}${spec.args ? ` ${spec.args}` : ''}${rows.length ? ' [flags]' : ''}`,
    '',
    spec.summary.endsWith('.') ? spec.summary : `${spec.summary}.`,
    '',
    spec.description.trim(),
    '',
    'Flags:',
    ...rows.map((r) => `  ${r.left.padEnd(width)}${r.left.length >= width ? `\n  ${' '.repeat(width)}` : ''}${r.right}`),
    '  -h, --help' + ' '.repeat(Math.max(1, width - 10)) + 'show this help',
    '',
    `Exit codes: ${spec.exitCodes}`,
  ];
  if (spec.examples?.length) lines.push('', 'Examples:', ...spec.examples.map((x) => `  ${x}`));
  return lines.join('\n');
}

/** A whole-number flag, or a clear error naming it. */
export function intFlag(flag: string, value: string | undefined, fallback: number, min = 0, max = Number.MAX_SAFE_INTEGER): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n < min || n > max) {
    throw fail('SHIPCHECK_ERR_BAD_OPTION', { option: `--${flag}`, value, hint: `Give a whole number from ${min} to ${max}.` });
  }
  return n;
}

/** A flag whose value must be one of `allowed`, or a clear error with the closest one. */
export function choiceFlag<T extends string>(flag: string, value: string | undefined, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if ((allowed as readonly string[]).includes(value)) return value as T;
  const near = suggest(value, allowed);
  throw fail('SHIPCHECK_ERR_BAD_OPTION', { option: `--${flag}`, value, hint: `Use ${allowed.join(', ')}${near ? ` (did you mean ${near}?)` : ''}.` });
}
