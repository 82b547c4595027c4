/**
 * La Factoria's pages in the states the generic scan (one load of each page) cannot reach:
 * the generator after a generation, the monitor with its keyed data; and shipcheck's own HTML
 * report, when the run was given one to scan (`shipcheck smoke` renders a sample).
 */
import { pathToFileURL } from 'node:url';
import { expect, test } from 'shipcheck/test';

test.describe('La Factoria accessibility', { tag: '@a11y' }, () => {
  test('generator page after a generation', async ({ page, apiKey, expectAccessible }) => {
    expect((await page.goto('/'))?.status(), 'GET / must answer 200 before the page can be used').toBe(200);
    await page.getByLabel('API key').fill(apiKey);
    await page.getByLabel('Topic').fill('binary search');
    await page.getByRole('button', { name: 'Generate' }).click();
    await expect(page.getByRole('region', { name: 'Result' }), 'The generation must finish before the page is scanned').toBeVisible();
    await expectAccessible('generator (after a generation)');
  });

  test('monitor page with its data', async ({ page, apiKey, expectAccessible }) => {
    expect((await page.goto('/static/monitor.html'))?.status(), 'GET /static/monitor.html must answer 200 before the page can be used').toBe(200);
    await page.getByLabel('API key').fill(apiKey);
    await page.getByLabel('API key').press('Enter');
    // The error box holds "Enter an API key..." until the keyed refresh has loaded every panel.
    await expect(page.locator('#updated'), 'The monitor must have loaded its data before it is scanned').not.toBeEmpty();
    await expect(page.locator('#error')).toBeHidden();
    await expect(page.locator('#overall-status')).not.toHaveText('…');
    await expectAccessible('monitor (with data)');
  });

  const report = process.env.SHIPCHECK_REPORT_HTML?.trim();
  if (report) {
    test('shipcheck HTML report', async ({ page, expectAccessible }) => {
      await page.goto(pathToFileURL(report).href);
      await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
      await expectAccessible('report');
    });
  }
});
