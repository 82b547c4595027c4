/**
 * The suites' shared fixtures: ONE axe builder preset to WCAG 2.0/2.1 A and AA, and
 * `expectAccessible(pageName)`, which scans the current page, attaches the full axe result
 * to the test, records a compact per-page summary for smoke.json, and fails on what the
 * policy gates (settings.ts). Also the API key and settings every suite reads.
 */
import { AxeBuilder } from '@axe-core/playwright';
import { test as base, expect } from '@playwright/test';
import { A11Y_ATTACHMENT, judgeScan } from './a11y-gate.ts';
import { loadExceptions, type A11yException } from './a11y-exceptions.ts';
import { loadSmokeSettings, type SmokeSettings } from './settings.ts';

interface Fixtures {
  settings: SmokeSettings;
  exceptions: A11yException[];
  /** The API key the target accepts (API_KEY); a clear failure when it is missing. */
  apiKey: string;
  makeAxeBuilder: () => AxeBuilder;
  expectAccessible: (pageName: string) => Promise<void>;
}

export const test = base.extend<Fixtures>({
  // eslint-disable-next-line no-empty-pattern
  settings: async ({}, use) => { await use(loadSmokeSettings()); },
  // eslint-disable-next-line no-empty-pattern
  exceptions: async ({}, use) => { await use(loadExceptions()); },
  // eslint-disable-next-line no-empty-pattern
  apiKey: async ({}, use) => {
    const key = process.env.API_KEY?.trim();
    if (!key) throw new Error('API_KEY is not set: the authenticated checks need a key the target accepts. Set API_KEY (shipcheck smoke sets it when it starts the included API).');
    await use(key);
  },
  makeAxeBuilder: async ({ page, settings }, use) => {
    await use(() => new AxeBuilder({ page }).withTags([...settings.a11y.tags]));
  },
  expectAccessible: async ({ page, makeAxeBuilder, settings, exceptions }, use, testInfo) => {
    await use(async (pageName: string) => {
      const results = await makeAxeBuilder().analyze();
      const slug = pageName.replace(/[^a-z0-9]+/gi, '-').replace(/^-|-$/g, '').toLowerCase();
      await testInfo.attach(`axe-${slug}.json`, { body: JSON.stringify(results, null, 2), contentType: 'application/json' });
      const verdict = judgeScan(pageName, page.url(), results, settings.a11y, exceptions);
      await testInfo.attach(A11Y_ATTACHMENT, { body: JSON.stringify(verdict.record), contentType: 'application/json' });
      for (const w of verdict.warnings) testInfo.annotations.push({ type: 'a11y-warning', description: `${pageName}: ${w.trim()}` });
      for (const x of verdict.excepted) testInfo.annotations.push({ type: 'a11y-exception', description: `${pageName}: ${x}` });
      if (verdict.failure) throw new Error(verdict.failure);
    });
  },
});

export { expect };
