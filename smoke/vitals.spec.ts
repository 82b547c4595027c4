/**
 * Web vitals (@vitals): every page of the target, opened in Chromium and measured (web-vitals.ts)
 * against its budgets — First Contentful Paint, Largest Contentful Paint, Cumulative Layout
 * Shift (including shifts from content fetched after the load event), and the load event — as
 * the median of a few cold loads. The observed values go to smoke.json (`vitals`) for the
 * report, whether the page passes or not.
 */
import type { Page } from '@playwright/test';
import type { SmokeVitals } from '../harness/result-types.ts';
import type { ResolvedPage, Target } from '../harness/target/types.ts';
import { test } from './fixtures.ts';
import { openPage } from './open-page.ts';
import { failOnProblems } from './problems.ts';
import { runTarget, urlOf } from './run-target.ts';
import { observeVitals, readVitals, VITALS_ATTACHMENT, type ObservedVitals } from './web-vitals.ts';

/** Cold loads per page, each in a fresh browser context: one slow load on a busy CI box is noise, a slow median is not. */
const LOADS = 3;

async function measure(page: Page, target: Target, p: ResolvedPage): Promise<ObservedVitals> {
  await page.addInitScript(observeVitals);
  await openPage(page, target, p);
  // Content fetched after the load event shifts the layout too: measure once the network is
  // quiet (a page that never goes quiet, say with a live stream, is measured after 10 s).
  await page.waitForLoadState('networkidle', { timeout: 10_000 }).catch(() => undefined);
  return page.evaluate(readVitals);
}

/** The median of each value; a value a load did not report counts as the worst. */
function median(samples: ObservedVitals[]): ObservedVitals {
  const mid = <T extends number | null>(values: T[]): T => [...values].sort((a, b) => (a ?? Infinity) - (b ?? Infinity))[Math.floor(values.length / 2)]!;
  return { fcpMs: mid(samples.map((s) => s.fcpMs)), lcpMs: mid(samples.map((s) => s.lcpMs)), cls: mid(samples.map((s) => s.cls)), loadMs: mid(samples.map((s) => s.loadMs)) };
}

test.describe('web vitals', { tag: '@vitals' }, () => {
  for (const p of runTarget().pages) {
    test(`page "${p.name}" ${p.path} paints and loads within its budgets`, async ({ page, browser, target }, testInfo) => {
      test.setTimeout(LOADS * 30_000);
      const url = urlOf(target, p.path);
      const samples = [await measure(page, target, p)];
      while (samples.length < LOADS) {
        const context = await browser.newContext();
        try { samples.push(await measure(await context.newPage(), target, p)); } finally { await context.close(); }
      }
      const v = median(samples);
      const record: SmokeVitals = { page: p.name, url, ...v, budgets: { fcpMs: p.fcpMs, lcpMs: p.lcpMs, cls: p.cls, loadMs: p.loadMs } };
      await testInfo.attach(VITALS_ATTACHMENT, { body: JSON.stringify(record), contentType: 'application/json' });

      const where = `page "${p.name}" (${url}, median of ${LOADS} cold loads)`;
      const problems: string[] = [];
      const over = (what: string, key: string, observed: number | null, budget: number, fix: string) => {
        if (observed === null) problems.push(`${where}: no ${what} was reported, so it cannot be held to its ${budget} ms budget (${key}). Fix: the page must render visible content (text or an image) once loaded.`);
        else if (observed > budget) problems.push(`${where}: ${what} ${observed} ms, over its budget of ${budget} ms (${key}). Fix: ${fix}.`);
      };
      over('First Contentful Paint', 'fcpMs', v.fcpMs, p.fcpMs, 'send HTML that renders without waiting: defer or async the scripts in <head>, inline critical CSS, answer the document faster');
      over('Largest Contentful Paint', 'lcpMs', v.lcpMs, p.lcpMs, 'make the largest element render early: size and compress its image, do not inject it with script, remove render-blocking resources');
      if (v.cls > p.cls) problems.push(`${where}: Cumulative Layout Shift ${v.cls}, over its budget of ${p.cls} (cls). Fix: reserve space for images, embeds and late content (width/height or aspect-ratio) so nothing moves once shown.`);
      if (v.loadMs === null) problems.push(`${where}: the load event never finished, so it cannot be held to its ${p.loadMs} ms budget (loadMs).`);
      else if (v.loadMs > p.loadMs) problems.push(`${where}: the load event ended at ${v.loadMs} ms, over its budget of ${p.loadMs} ms (loadMs). Fix: load less before the load event (lazy-load images below the fold, defer scripts), and answer the page's resources faster.`);
      failOnProblems(`Target "${target.name}": web vitals`, problems);
    });
  }
});
