import { parseArgs, type ParseArgsConfig } from 'node:util';
import { fail } from '../harness/errors.ts';

type Options = NonNullable<ParseArgsConfig['options']>;

/**
 * node:util parseArgs with shipcheck's error: an unknown flag or a missing value becomes
 * one line naming the command and the flag.
 */
export function parseFlags<O extends Options>(command: string, argv: string[], options: O, allowPositionals = false) {
  try {
    return parseArgs({ args: argv, options, allowPositionals, strict: true });
  } catch (e) {
    throw fail('SHIPCHECK_ERR_BAD_FLAG', { command, detail: (e as Error).message.replace(/\. To specify.*$/s, '').replace(/^Unknown option/, 'unknown flag') });
  }
}

/** A non-negative integer flag, or a clear error naming it. */
export function intFlag(command: string, flag: string, value: string | undefined, fallback: number, min = 0, max = Number.MAX_SAFE_INTEGER): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n < min || n > max) {
    throw fail('SHIPCHECK_ERR_BAD_OPTION', { option: `--${flag}`, value, hint: `Give a whole number from ${min} to ${max}.` });
  }
  return n;
}
