/**
 * Accessibility: every page is scanned with the one shared axe preset (WCAG 2.0/2.1 A and
 * AA) in the states users see it: the generator before and after a generation, the monitor
 * with its data, and the HTML report when one is given (SHIPCHECK_REPORT_HTML; `shipcheck
 * smoke` renders one). The gate fails on serious/critical findings; see settings.ts.
 */
import { pathToFileURL } from 'node:url';
import { expect, test } from './fixtures.ts';

test.describe('accessibility', { tag: '@a11y' }, () => {
  test('generator page before a generation', async ({ page, expectAccessible }) => {
    await page.goto('/');
    await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
    await expectAccessible('generator');
  });

  test('generator page after a generation', async ({ page, apiKey, expectAccessible }) => {
    await page.goto('/');
    await page.getByLabel('API key').fill(apiKey);
    await page.getByLabel('Topic').fill('binary search');
    await page.getByRole('button', { name: 'Generate' }).click();
    await expect(page.getByRole('region', { name: 'Result' }), 'The generation must finish before the page is scanned').toBeVisible();
    await expectAccessible('generator (after a generation)');
  });

  test('monitor page with its data', async ({ page, apiKey, expectAccessible }) => {
    await page.goto('/static/monitor.html');
    await page.getByLabel('API key').fill(apiKey);
    await page.getByLabel('API key').press('Enter');
    // The error box holds "Enter an API key..." until the keyed refresh has loaded every panel.
    await expect(page.locator('#updated'), 'The monitor must have loaded its data before it is scanned').not.toBeEmpty();
    await expect(page.locator('#error')).toBeHidden();
    await expect(page.locator('#overall-status')).not.toHaveText('…');
    await expectAccessible('monitor');
  });

  const report = process.env.SHIPCHECK_REPORT_HTML;
  if (report) {
    test('HTML report', async ({ page, expectAccessible }) => {
      await page.goto(pathToFileURL(report).href);
      await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
      await expectAccessible('report');
    });
  }
});
