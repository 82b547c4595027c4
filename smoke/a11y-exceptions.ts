/**
 * Known accessibility exceptions: each one is a small fingerprint (axe rule + CSS target, and
 * optionally the page) with the reason it is accepted. Never a snapshot of a whole violations
 * list: a new violation on the same page, or the same rule on another element, still fails.
 * Users add their own from a JSON file named by SHIPCHECK_A11Y_EXCEPTIONS
 * (`[{"rule": "...", "target": "...", "page": "...", "reason": "..."}]`).
 */
import fs from 'node:fs';
import { fail } from '../harness/errors.ts';

export interface A11yException {
  /** axe rule id, e.g. "color-contrast". */
  rule: string;
  /** The node's axe target selector as reported, e.g. "#monitor .badge". */
  target: string;
  /** Limit the exception to one scanned page ("generator", "monitor", ...). */
  page?: string;
  /** Why this is accepted, and until when. Required. */
  reason: string;
}

/** The included API's pages currently need none; add entries here with a reason when one is accepted. */
export const KNOWN_EXCEPTIONS: readonly A11yException[] = [];

export function loadExceptions(env: NodeJS.ProcessEnv = process.env): A11yException[] {
  const file = env.SHIPCHECK_A11Y_EXCEPTIONS?.trim();
  if (!file) return [...KNOWN_EXCEPTIONS];
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw fail('SHIPCHECK_ERR_BAD_OPTION', { option: 'SHIPCHECK_A11Y_EXCEPTIONS', value: file, hint: `It must name a readable JSON file (${(e as Error).message}).` });
  }
  const list = Array.isArray(parsed) ? parsed : [];
  const problems = list.length === 0 && !Array.isArray(parsed) ? ['the file must hold a JSON array'] : [];
  list.forEach((x: Partial<A11yException>, i) => {
    for (const k of ['rule', 'target', 'reason'] as const) {
      if (typeof x?.[k] !== 'string' || !x[k]!.trim()) problems.push(`entry ${i} needs a non-empty "${k}"`);
    }
  });
  if (problems.length) {
    throw fail('SHIPCHECK_ERR_BAD_OPTION', { option: 'SHIPCHECK_A11Y_EXCEPTIONS', value: file, hint: `${problems.join('; ')}. Each exception is {"rule", "target", "reason"} and optionally "page".` });
  }
  return [...KNOWN_EXCEPTIONS, ...(list as A11yException[])];
}

export function matchesException(e: A11yException, page: string, rule: string, target: string): boolean {
  return e.rule === rule && e.target === target && (e.page === undefined || e.page === page);
}
