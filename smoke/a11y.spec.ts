/**
 * Accessibility (@a11y): every page of the target with `a11y` (the default) is scanned with
 * the one shared axe preset (WCAG 2.0/2.1 A and AA) once its `waitFor` element is visible.
 * Serious and critical findings fail (settings.ts), known exceptions are single rule + target
 * fingerprints (a11y-exceptions.ts).
 */
import { test } from './fixtures.ts';
import { openPage } from './open-page.ts';
import { runTarget } from './run-target.ts';

test.describe('accessibility', { tag: '@a11y' }, () => {
  for (const p of runTarget().pages.filter((x) => x.a11y)) {
    test(`page "${p.name}" ${p.path} has no WCAG 2.1 A/AA violations`, async ({ page, target, expectAccessible }) => {
      await openPage(page, target, p);
      await expectAccessible(p.name);
    });
  }
});
