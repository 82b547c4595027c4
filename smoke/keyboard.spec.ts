/**
 * Keyboard (@a11y): every page of the target with `keyboard: true` is walked with Tab alone
 * (keyboard-walk.ts): each visible control reached in turn, focus visible on each, never trapped.
 */
import { test } from './fixtures.ts';
import { openPage } from './open-page.ts';
import { walkWithTab } from './keyboard-walk.ts';
import { failOnProblems } from './problems.ts';
import { runTarget, urlOf } from './run-target.ts';

test.describe('keyboard', { tag: '@a11y' }, () => {
  for (const p of runTarget().pages.filter((x) => x.keyboard)) {
    test(`page "${p.name}" ${p.path} can be walked with Tab alone`, async ({ page, target }) => {
      const url = urlOf(target, p.path);
      await openPage(page, target, p);
      const walk = await walkWithTab(page);
      const where = `page "${p.name}" (${url})`;
      const problems: string[] = [];
      if (walk.trap) problems.push(`${where}: keyboard trap: ${walk.trap}. Fix: do not handle Tab in key handlers (or move focus onward when you do), and let focus leave widgets and dialogs with Tab and Escape.`);
      if (walk.unreached.length) {
        problems.push(`${where}: ${walk.unreached.length} of ${walk.controls.length} visible controls never got focus with Tab: ${walk.unreached.map((c) => c.shown).join(', ')}. Fix: use native controls (<button>, <a href>, <input>), or give custom ones tabindex="0" and key handlers; never tabindex="-1" on a control users must reach.`);
      }
      if (walk.invisible.length) {
        problems.push(`${where}: focus is not visible on ${walk.invisible.join(', ')}: neither outline nor box-shadow changes when it has focus. Fix: do not remove the focus outline (outline: none) without a replacement; style :focus-visible with an outline or box-shadow.`);
      }
      failOnProblems(`Target "${target.name}": keyboard walk`, problems);
    });
  }
});
