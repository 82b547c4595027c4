/**
 * The smoke suites' own settings (what the target does not describe), in one typed object: defaults layered once with allowlisted
 * SHIPCHECK_* environment variables, validated (every problem reported at once) and frozen.
 *
 * Accessibility policy (documented setting):
 * - `failOn` — axe impacts that fail the gate. Default `critical,serious`: those block real
 *   users (no text alternative, no label, unreadable contrast). `moderate` and `minor`
 *   violations are still recorded in smoke.json and shown as warnings on the test; set
 *   SHIPCHECK_A11Y_FAIL_ON=critical,serious,moderate,minor to make them fail too.
 * - `incomplete` — what axe's "incomplete" results (checks it could not decide, e.g. contrast
 *   over a background image) do: `ignore`, `warn` (default: counted in smoke.json and
 *   annotated on the test for a human to review) or `fail`. SHIPCHECK_A11Y_INCOMPLETE.
 * - Known exceptions live in `a11y-exceptions.ts` as rule + target fingerprints with reasons.
 */
import { fail } from '../harness/errors.ts';

export const AXE_IMPACTS = ['critical', 'serious', 'moderate', 'minor'] as const;
export type AxeImpact = (typeof AXE_IMPACTS)[number];
export type IncompletePolicy = 'ignore' | 'warn' | 'fail';

export interface SmokeSettings {
  a11y: {
    /** The WCAG rule sets every page is scanned against. */
    tags: readonly string[];
    failOn: readonly AxeImpact[];
    incomplete: IncompletePolicy;
  };
}

export const DEFAULT_SETTINGS: SmokeSettings = {
  a11y: { tags: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'], failOn: ['critical', 'serious'], incomplete: 'warn' },
};

export function loadSmokeSettings(env: NodeJS.ProcessEnv = process.env): SmokeSettings {
  const problems: string[] = [];
  let failOn = DEFAULT_SETTINGS.a11y.failOn;
  const rawFailOn = env.SHIPCHECK_A11Y_FAIL_ON?.trim();
  if (rawFailOn) {
    const list = rawFailOn.split(',').map((s) => s.trim()).filter(Boolean);
    const bad = list.filter((s) => !(AXE_IMPACTS as readonly string[]).includes(s));
    if (bad.length || list.length === 0) problems.push(`SHIPCHECK_A11Y_FAIL_ON=${JSON.stringify(rawFailOn)}: give a comma-separated list of ${AXE_IMPACTS.join(', ')}`);
    else failOn = list as AxeImpact[];
  }
  let incomplete = DEFAULT_SETTINGS.a11y.incomplete;
  const rawIncomplete = env.SHIPCHECK_A11Y_INCOMPLETE?.trim();
  if (rawIncomplete) {
    if (['ignore', 'warn', 'fail'].includes(rawIncomplete)) incomplete = rawIncomplete as IncompletePolicy;
    else problems.push(`SHIPCHECK_A11Y_INCOMPLETE=${JSON.stringify(rawIncomplete)}: give ignore, warn or fail`);
  }
  if (problems.length) {
    throw fail('SHIPCHECK_ERR_CONFIG', { problems: problems.join('; ') });
  }
  return Object.freeze({ a11y: Object.freeze({ ...DEFAULT_SETTINGS.a11y, failOn, incomplete }) });
}
