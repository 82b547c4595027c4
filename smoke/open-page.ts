/**
 * Opens one of the target's pages for a browser suite, failing at once — not after a timeout —
 * when the page answers an error or never shows its `waitFor` element, with a message naming
 * the target, the page and what it got.
 */
import type { Page } from '@playwright/test';
import type { ResolvedPage, Target } from '../harness/target/types.ts';
import { urlOf } from './run-target.ts';

/** How long a page has to show its `waitFor` element once loaded. */
const WAIT_FOR_MS = 10_000;

export async function openPage(page: Page, target: Target, p: ResolvedPage, opts: { waitUntil?: 'load' | 'domcontentloaded' } = {}): Promise<void> {
  const url = urlOf(target, p.path);
  const res = await page.goto(url, { waitUntil: opts.waitUntil ?? 'load' });
  if (res && res.status() >= 400) {
    const body = (await res.text().catch(() => '')).slice(0, 200);
    throw new Error(`Target "${target.name}": page "${p.name}" (${p.path}) answered ${res.status()} ${res.statusText()}, so it cannot be checked. Body: ${body || '(empty)'}. Fix: the deployment must serve the page; check its logs.`);
  }
  if (!p.waitFor) return;
  try {
    await page.locator(p.waitFor).first().waitFor({ state: 'visible', timeout: WAIT_FOR_MS });
  } catch {
    throw new Error(`Target "${target.name}": page "${p.name}" (${p.path}) never showed ${p.waitFor} within ${WAIT_FOR_MS / 1000} s (pages.${p.name}.waitFor), so it was not checked. Fix: the page must render it, or waitFor must name an element it shows.`);
  }
}
