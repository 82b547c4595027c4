import type { AddressInfo } from 'node:net';
import { AxeBuilder } from '@axe-core/playwright';
import type { FastifyInstance } from 'fastify';
import type { Browser, Page } from '@playwright/test';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../harness/browser.ts';
import { createTestDatabase } from '../harness/testing/test-database.ts';
import { build } from './build.ts';
import { TEST_KEY, auth, testConfig } from './test-support.ts';

// Stored as data; must show as text and never run in either page.
const INJECTION = `<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>'; DROP TABLE users;--`;

let app: FastifyInstance;
let browser: Browser;
let base: string;
beforeAll(async () => {
  app = await build(testConfig(await createTestDatabase('pages')));
  await app.listen({ host: '127.0.0.1', port: 0 });
  base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  const res = await app.inject({ method: 'POST', url: '/api/v1/content/generate', headers: auth(), payload: { topic: INJECTION, content_type: 'faq' } });
  expect(res.statusCode).toBe(201);
  browser = await launchChromium();
});
afterAll(async () => { await browser?.close(); await app?.close(); });

async function openPage(path: string): Promise<{ page: Page; external: string[]; errors: string[] }> {
  const page = await (await browser.newContext()).newPage();
  const external: string[] = [];
  const errors: string[] = [];
  page.on('request', (r) => { if (!r.url().startsWith(base)) external.push(r.url()); });
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  await page.goto(`${base}${path}`);
  await page.evaluate((key) => sessionStorage.setItem('shipcheck.apiKey', key), TEST_KEY);
  await page.reload();
  return { page, external, errors };
}

async function axe(page: Page) {
  const r = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  return r.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

describe('pages', () => {
  it('generator page: accessible, keyboard-usable, shows the result and its quality scores', async () => {
    const { page, external, errors } = await openPage('/');
    expect(await axe(page)).toEqual([]);
    await page.getByLabel('Topic').focus();
    await page.keyboard.type('volcanoes');
    await page.keyboard.press('Tab');
    await page.getByLabel('Content type').selectOption('flashcards');
    await page.getByLabel('Topic').press('Enter');
    await expect.poll(() => page.locator('#status').textContent(), { timeout: 10_000 }).toMatch(/Generated content #\d+/);
    expect(await page.locator('#result').isVisible()).toBe(true);
    expect(Number(await page.locator('#score-overall').textContent())).toBeGreaterThanOrEqual(0.7);
    expect(await page.locator('#score-passed').textContent()).toBe('Yes');
    expect(await page.locator('#result-content').textContent()).toContain('volcanoes');
    expect(await axe(page)).toEqual([]);

    // A stored injection string comes back as text.
    await page.getByLabel('Topic').fill(INJECTION);
    await page.getByRole('button', { name: 'Generate' }).click();
    await expect.poll(() => page.locator('#result-title').textContent(), { timeout: 10_000 }).toContain(INJECTION);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(await page.locator('#result img, #result script').count()).toBe(0);
    expect(external).toEqual([]);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('generator page names the field at fault when the key is wrong', async () => {
    const { page } = await openPage('/');
    await page.getByLabel('API key').fill('wrong-key-xxxxxxxxxxxxxxx');
    await page.getByLabel('Topic').fill('tides');
    await page.getByRole('button', { name: 'Generate' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('401');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('api-key');
    await page.context().close();
  });

  it('monitor page: accessible, shows health, resources, metrics and stored topics as text', async () => {
    const { page, external, errors } = await openPage('/static/monitor.html');
    await expect.poll(() => page.locator('#overall-status').textContent()).toBe('healthy');
    await expect.poll(() => page.locator('#latest tr').count()).toBeGreaterThan(0);
    expect(await page.locator('#checks tr').count()).toBe(5);
    expect(await page.locator('#resources .card').count()).toBeGreaterThan(0);
    expect(await page.locator('#requests .card').count()).toBeGreaterThan(0);
    expect(await page.locator('#generation .card').count()).toBeGreaterThan(0);
    expect(await page.locator('#distribution tr').count()).toBe(10);
    expect(await page.locator('#latest').textContent()).toContain(INJECTION);
    expect(await page.locator('#latest img, #latest script').count()).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(await axe(page)).toEqual([]);
    expect(external).toEqual([]);
    expect(errors).toEqual([]);
    // Refreshes every 30 s (the page says so, and the script schedules it).
    expect(await page.locator('main').textContent()).toContain('every 30 seconds');
    await page.context().close();
  });
});
