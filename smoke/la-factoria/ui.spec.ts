/**
 * La Factoria's pages, used as their users use them: the generator completes a generation
 * with the keyboard alone and shows its scores; the monitor shows "healthy" with its numbers
 * and refreshes on its own (a fake clock stands in for the 30-second wait).
 */
import type { Locator, Page } from '@playwright/test';
import { expect, test } from 'shipcheck/test';

/** Presses Tab until `target` has focus, as a keyboard user would; fails if it is unreachable. */
async function tabTo(page: Page, target: Locator, maxPresses = 30): Promise<void> {
  for (let i = 0; i < maxPresses; i++) {
    await page.keyboard.press('Tab');
    if (await target.evaluate((el) => el === document.activeElement)) return;
  }
  throw new Error(`${await target.evaluate((el) => el.outerHTML.slice(0, 120))} on ${page.url()} cannot be reached with Tab within ${maxPresses} presses. Fix: make it focusable and keep it in the tab order (no tabindex="-1", not hidden).`);
}

test.describe('La Factoria UI', { tag: '@smoke' }, () => {
  test('the generator completes a generation with the keyboard only and shows scores', async ({ page, apiKey }) => {
    expect((await page.goto('/'))?.status(), 'GET / must answer 200 before the page can be used').toBe(200);
    await tabTo(page, page.getByLabel('API key'));
    await page.keyboard.type(apiKey);
    await tabTo(page, page.getByLabel('Topic'));
    await page.keyboard.type('photosynthesis');
    await tabTo(page, page.getByLabel('Content type'));
    await page.keyboard.press('ArrowDown');
    await tabTo(page, page.getByRole('button', { name: 'Generate' }));
    await page.keyboard.press('Enter');

    const result = page.getByRole('region', { name: 'Result' });
    await expect(result, 'The result section must appear after Enter on Generate').toBeVisible();
    for (const id of ['score-overall', 'score-educational', 'score-factual']) {
      await expect(page.locator(`#${id}`), `#${id} must show a score`).toHaveText(/^(0|1)\.\d\d$/);
    }
    await expect(page.locator('#score-passed')).toHaveText('Yes');
    await expect(page.getByRole('status')).toHaveText(/Generated content #\d+/);
    await expect(page.locator('#result-content')).not.toBeEmpty();
  });

  test('the monitor shows "healthy" and its numbers, and refreshes', async ({ page, apiKey }) => {
    // A fake clock lets the test see the 30-second auto-refresh without waiting 30 seconds.
    await page.clock.install();
    expect((await page.goto('/static/monitor.html'))?.status(), 'GET /static/monitor.html must answer 200 before the page can be used').toBe(200);
    await expect(page.locator('#overall-status'), 'The monitor must show the service as healthy').toHaveText('healthy');
    await expect(page.locator('#checks tr'), 'The monitor lists one row per health check').toHaveCount(5);

    await tabTo(page, page.getByLabel('API key'));
    await page.keyboard.type(apiKey);
    await page.keyboard.press('Enter');
    const requests = page.locator('#requests dd').first();
    await expect(requests, 'Request metrics must appear once an API key is entered').toHaveText(/^\d+$/);
    await expect(page.locator('#edu-summary dd').first()).toHaveText(/^\d+$/);

    const before = Number(await requests.textContent());
    const refreshed = page.waitForResponse((r) => r.url().endsWith('/api/v1/metrics') && r.ok());
    await page.clock.fastForward(30_000);
    await refreshed;
    await expect.poll(async () => Number(await requests.textContent()), { message: 'The request count must grow after the automatic refresh' }).toBeGreaterThan(before);
  });
});
