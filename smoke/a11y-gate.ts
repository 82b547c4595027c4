/**
 * Judges one axe scan against the accessibility policy: drops nodes covered by a known
 * exception, counts what is left by impact, and decides what fails the gate. The failure
 * message names the page, each rule and element, and the fix, so CI output alone says what
 * to change.
 */
import type { AxeResults, NodeResult, Result } from 'axe-core';
import type { SmokeResult } from '../harness/result-types.ts';
import { matchesException, type A11yException } from './a11y-exceptions.ts';
import type { SmokeSettings } from './settings.ts';

export type PageScan = SmokeResult['a11y'][number];

/** The test attachment holding a PageScan; the smoke reporter reads it to build smoke.json. */
export const A11Y_ATTACHMENT = 'shipcheck-a11y';

export interface A11yVerdict {
  record: PageScan;
  /** Empty when the page passes the gate. */
  failure?: string;
  /** Non-blocking findings, one line each (moderate/minor by default, incomplete when policy is "warn"). */
  warnings: string[];
  /** Nodes dropped by an exception, with its reason. */
  excepted: string[];
}

/** axe reports a target as selectors, nested for iframes and shadow roots; one string identifies it. */
export function targetOf(node: NodeResult): string {
  return node.target.map((t) => (Array.isArray(t) ? t.join(' >>> ') : String(t))).join(' >>> ');
}

/** axe's failureSummary is "Fix any of the following:\n  a\n  b"; make it one line. */
export function fixOf(node: NodeResult): string {
  const summary = node.failureSummary?.trim();
  if (!summary) return '';
  return summary.split(/\n\s*\n/).map((block) => {
    const [head, ...items] = block.split('\n').map((l) => l.trim()).filter(Boolean);
    return items.length ? `${head} ${items.join('; ')}` : head;
  }).join(' ');
}

function describe(rule: Result, nodes: NodeResult[], kind: string): string[] {
  return nodes.map((n) => {
    const fix = fixOf(n);
    // axe's summary already reads "Fix any of the following: ...".
    return `  - ${rule.id} [${rule.impact ?? kind}] at ${targetOf(n)}: ${rule.help}.${fix ? ` ${fix}` : ''} (${rule.helpUrl})`;
  });
}

export function judgeScan(page: string, url: string, results: Pick<AxeResults, 'violations' | 'incomplete'>,
  policy: SmokeSettings['a11y'], exceptions: readonly A11yException[]): A11yVerdict {
  const excepted: string[] = [];
  const kept: Array<{ rule: Result; nodes: NodeResult[] }> = [];
  for (const rule of results.violations) {
    const nodes = rule.nodes.filter((n) => {
      const target = targetOf(n);
      const hit = exceptions.find((e) => matchesException(e, page, rule.id, target));
      if (hit) excepted.push(`${rule.id} at ${target}: ${hit.reason}`);
      return !hit;
    });
    if (nodes.length) kept.push({ rule, nodes });
  }

  const violations = { critical: 0, serious: 0, moderate: 0, minor: 0 };
  for (const { rule } of kept) {
    const impact = (rule.impact ?? 'minor') as keyof typeof violations;
    if (impact in violations) violations[impact] += 1;
  }
  const record: PageScan = {
    page,
    url,
    violations,
    incomplete: results.incomplete.length,
    details: kept.map(({ rule, nodes }) => ({ id: rule.id, impact: rule.impact ?? null, help: rule.help, helpUrl: rule.helpUrl, targets: nodes.map(targetOf) })),
  };

  const blocking: string[] = [];
  const warnings: string[] = [];
  for (const { rule, nodes } of kept) {
    const gated = (policy.failOn as readonly string[]).includes(rule.impact ?? 'minor');
    (gated ? blocking : warnings).push(...describe(rule, nodes, 'no impact'));
  }
  if (policy.incomplete !== 'ignore') {
    const lines = results.incomplete.flatMap((rule) => describe(rule, rule.nodes, 'needs review').map((l) => `${l} (incomplete: axe could not decide; review by hand)`));
    (policy.incomplete === 'fail' ? blocking : warnings).push(...lines);
  }

  let failure: string | undefined;
  if (blocking.length) {
    const what = policy.incomplete === 'fail' ? `${policy.failOn.join(' or ')} impact, or incomplete` : `${policy.failOn.join(' or ')} impact`;
    failure = [
      `Accessibility gate failed on page "${page}" (${url}): ${blocking.length} finding(s) of ${what} (WCAG 2.1 A/AA):`,
      ...blocking,
      'Fix the markup as each line says; to accept one knowingly, add {rule, target, reason} to smoke/a11y-exceptions.ts.',
    ].join('\n');
  }
  return { record, failure, warnings, excepted };
}
