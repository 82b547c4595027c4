/**
 * What every smoke spec gets, the generic suites and a target's own specs alike (this module
 * is `shipcheck/test`: `import { test, expect } from 'shipcheck/test'`):
 * - `target`: the run's resolved target (shipcheck.config.ts, with the live base URL);
 * - `apiKey` and `authHeaders`: the target's token and the header that carries it, a clear
 *   failure when the run has none; `keyPool`: every key the run was given;
 * - `expectAccessible(pageName)`: ONE axe preset (WCAG 2.0/2.1 A and AA) that scans the
 *   current page, attaches the full result to the test, records a per-page summary for
 *   smoke.json, and fails on what the policy gates (settings.ts), known exceptions excepted;
 * - `reportHtml`: an HTML report to scan, when the run was given one.
 */
import { AxeBuilder } from '@axe-core/playwright';
import { test as base, expect } from '@playwright/test';
import type { Target } from '../harness/target/types.ts';
import { A11Y_ATTACHMENT, judgeScan } from './a11y-gate.ts';
import { loadExceptions, type A11yException } from './a11y-exceptions.ts';
import { authHeader, credentials, describeTarget, REPORT_HTML_ENV, runTarget } from './run-target.ts';
import { loadSmokeSettings, type SmokeSettings } from './settings.ts';

export interface SmokeFixtures {
  target: Target;
  /** The target's token (from the variable its auth names); a clear failure when there is none. */
  apiKey: string;
  /** The header that carries `apiKey` (`{ authorization: 'Bearer …' }`, or the target's own header). */
  authHeaders: Record<string, string>;
  /** Every key the run was given (the token first). */
  keyPool: string[];
  settings: SmokeSettings;
  exceptions: A11yException[];
  makeAxeBuilder: () => AxeBuilder;
  expectAccessible: (pageName: string) => Promise<void>;
  reportHtml: string | undefined;
}

export const test = base.extend<SmokeFixtures>({
  // eslint-disable-next-line no-empty-pattern
  target: async ({}, use) => { await use(runTarget()); },
  apiKey: async ({ target }, use) => {
    const auth = target.auth;
    if (auth.type === 'none') throw new Error(`This test needs a token, but ${describeTarget(target)} has no auth in shipcheck.config.ts. Fix: describe it (auth: { type: 'bearer', tokenEnv: 'API_KEY' }).`);
    const { token } = credentials(target);
    if (!token) throw new Error(`${auth.tokenEnv} is not set, so the authenticated checks of ${describeTarget(target)} cannot run. Fix: set ${auth.tokenEnv} to a key the target accepts${auth.poolEnv ? ` (or ${auth.poolEnv}, comma-separated)` : ''}.`);
    await use(token);
  },
  authHeaders: async ({ target, apiKey }, use) => { await use(authHeader(target.auth, apiKey)); },
  keyPool: async ({ target }, use) => { await use(credentials(target).pool); },
  // eslint-disable-next-line no-empty-pattern
  settings: async ({}, use) => { await use(loadSmokeSettings()); },
  // eslint-disable-next-line no-empty-pattern
  exceptions: async ({}, use) => { await use(loadExceptions()); },
  makeAxeBuilder: async ({ page, settings }, use) => {
    await use(() => new AxeBuilder({ page }).withTags([...settings.a11y.tags]));
  },
  expectAccessible: async ({ page, target, makeAxeBuilder, settings, exceptions }, use, testInfo) => {
    await use(async (pageName: string) => {
      const results = await makeAxeBuilder().analyze();
      const slug = pageName.replace(/[^a-z0-9]+/gi, '-').replace(/^-|-$/g, '').toLowerCase();
      await testInfo.attach(`axe-${slug}.json`, { body: JSON.stringify(results, null, 2), contentType: 'application/json' });
      const verdict = judgeScan(pageName, page.url(), results, settings.a11y, exceptions);
      await testInfo.attach(A11Y_ATTACHMENT, { body: JSON.stringify(verdict.record), contentType: 'application/json' });
      for (const w of verdict.warnings) testInfo.annotations.push({ type: 'a11y-warning', description: `${pageName}: ${w.trim()}` });
      for (const x of verdict.excepted) testInfo.annotations.push({ type: 'a11y-exception', description: `${pageName}: ${x}` });
      if (verdict.failure) throw new Error(`Target "${target.name}": ${verdict.failure}`);
    });
  },
  // eslint-disable-next-line no-empty-pattern
  reportHtml: async ({}, use) => { await use(process.env[REPORT_HTML_ENV]?.trim() || undefined); },
});

export { expect };
