/**
 * Opens real reports in headless Chromium with every request blocked: nothing may leave the
 * page, the charts must draw (non-blank canvases), zoom must work from the keyboard form,
 * every table must be reachable with Tab, and axe (WCAG 2.1 AA) must find nothing serious
 * or critical, in light and dark.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { AxeBuilder } from '@axe-core/playwright';
import type { Browser, BrowserContext, Page } from '@playwright/test';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../harness/browser.ts';
import { generateHistory } from './history.ts';
import { generateReport } from './index.ts';

const fx = (name: string) => path.join(import.meta.dirname, 'fixtures', name);
let browser: Browser;
let tmp: string;
const reports: Record<string, string> = {};

beforeAll(async () => {
  browser = await launchChromium();
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'shipcheck-report-browser-'));
  for (const [name, baseline] of [['pass', undefined], ['fail', 'pass'], ['short', undefined], ['drill-alerts', undefined]] as const) {
    const out = path.join(tmp, name);
    await generateReport(fx(name), { out, baseline: baseline ? fx(baseline) : undefined });
    reports[name] = path.join(out, 'report.html');
  }
  const history = await generateHistory([fx('baseline'), fx('pass'), fx('fail')], { out: path.join(tmp, 'history') });
  reports.history = history.files!.html;
});
afterAll(async () => {
  await browser?.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

/** Opens a report with all network blocked; `attempts` collects every request other than the file itself. */
async function open(name: string, colorScheme: 'light' | 'dark' = 'light'): Promise<{ ctx: BrowserContext; page: Page; attempts: string[] }> {
  const ctx = await browser.newContext({ colorScheme, viewport: { width: 1280, height: 900 } });
  const attempts: string[] = [];
  const url = pathToFileURL(reports[name]!).href;
  await ctx.route('**/*', (route) => {
    if (route.request().url() === url) return route.continue();
    attempts.push(route.request().url());
    return route.abort();
  });
  const page = await ctx.newPage();
  page.on('request', (r) => { if (r.url() !== url && !attempts.includes(r.url())) attempts.push(r.url()); });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(url);
  expect(errors).toEqual([]);
  return { ctx, page, attempts };
}

describe('report.html in Chromium', () => {
  it('draws every chart offline: no request leaves the page, and the canvases are not blank', async () => {
    const { ctx, page, attempts } = await open('pass');
    await page.waitForSelector('html[data-charts="drawn"]', { timeout: 10_000 });
    expect(await page.evaluate(() => window.shipcheckCharts?.length)).toBe(8);
    const painted = await page.$$eval('.plot canvas', (canvases) => canvases.map((c) => {
      const cv = c as HTMLCanvasElement;
      const data = cv.getContext('2d')!.getImageData(0, 0, cv.width, cv.height).data;
      let nonBlank = 0;
      for (let i = 3; i < data.length; i += 4) if (data[i] !== 0) nonBlank++;
      return nonBlank;
    }));
    expect(painted).toHaveLength(8);
    for (const n of painted) expect(n).toBeGreaterThan(500);
    // The latency chart plots exactly the embedded seconds.
    expect(await page.evaluate(() => window.shipcheckCharts![3]!.data[0].length)).toBe(30);
    // Every axis carries its title with the unit.
    expect(await page.evaluate(() => window.shipcheckCharts!.map((c) => c.axes.map((a) => a.label)))).toEqual([
      ['time since start (s)', 'VUs'], ['time since start (s)', 'requests per second'], ['time since start (s)', 'responses per second'], ['time since start (s)', 'latency (ms)'],
      ['time since start (s)', 'p95 latency (ms)'], ['time since start (s)', 'failed requests (%)'], ['time since start (s)', 'bytes per second'], ['time since start (s)', 'iterations per second'],
    ]);
    await page.waitForTimeout(200);
    expect(attempts).toEqual([]);
    await ctx.close();
  });

  it('zooms all charts to a range typed into From/To, and Reset restores the whole run', async () => {
    const { ctx, page } = await open('pass');
    await page.waitForSelector('html[data-charts="drawn"]');
    await page.fill('#range-from', '10');
    await page.fill('#range-to', '20');
    await page.press('#range-to', 'Enter');
    const scales = await page.evaluate(() => window.shipcheckCharts!.map((c) => [c.scales.x!.min, c.scales.x!.max]));
    expect(scales).toEqual(Array(8).fill([10, 20]));
    await page.click('#range-reset');
    expect(await page.evaluate(() => [window.shipcheckCharts![0]!.scales.x!.min, window.shipcheckCharts![0]!.scales.x!.max])).toEqual([0, 29]);
    await ctx.close();
  });

  it('lets a keyboard user reach every table with Tab', async () => {
    const { ctx, page } = await open('fail');
    const tables = await page.$$eval('table:not(.u-legend)', (ts) => ts.map((t) => t.id));
    expect(tables.length).toBeGreaterThanOrEqual(10);
    const reached = new Set<string>();
    for (let i = 0; i < 200 && reached.size < tables.length; i++) {
      await page.keyboard.press('Tab');
      const id = await page.evaluate(() => document.activeElement?.querySelector(':scope > table')?.id ?? null);
      if (id) reached.add(id);
    }
    expect([...reached].sort()).toEqual([...tables].sort());
    await ctx.close();
  });

  it('shows a note instead of charts for a run too short to chart', async () => {
    const { ctx, page, attempts } = await open('short');
    expect(await page.isVisible('#charts-note')).toBe(true);
    expect(await page.$$('canvas')).toHaveLength(0);
    expect(attempts).toEqual([]);
    await ctx.close();
  });

  it('draws a history\'s trends offline, one point per run, the x axis naming each run', async () => {
    const { ctx, page, attempts } = await open('history');
    await page.waitForSelector('html[data-charts="drawn"]');
    expect(await page.evaluate(() => window.shipcheckCharts!.map((c) => c.data[0].length))).toEqual([3, 3, 3]);
    expect(await page.evaluate(() => window.shipcheckCharts![0]!.axes[0]!.label)).toBe('run (oldest first)');
    expect(attempts).toEqual([]);
    await ctx.close();
  });

  for (const [name, scheme] of [['pass', 'light'], ['fail', 'light'], ['fail', 'dark'], ['history', 'light'], ['drill-alerts', 'light'], ['drill-alerts', 'dark']] as const) {
    it(`passes axe WCAG 2.1 AA with no serious or critical issue (${name}, ${scheme})`, async () => {
      const { ctx, page } = await open(name, scheme);
      if (name === 'pass' || name === 'history') await page.waitForSelector('html[data-charts="drawn"]');
      const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
      const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
        .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`);
      expect(bad).toEqual([]);
      await ctx.close();
    });
  }

  it('draws and prints the drills\' alert timelines offline: each fits the page, every bar inside its axis', async () => {
    const { ctx, page, attempts } = await open('drill-alerts');
    for (const media of ['screen', 'print'] as const) {
      await page.emulateMedia({ media });
      const boxes = await page.$$eval('svg.alert-timeline', (svgs) => svgs.map((svg) => {
        const box = svg.getBoundingClientRect();
        const axis = svg.querySelector('line.axis')!.getBoundingClientRect();
        return {
          fits: box.width > 300 && box.right <= document.documentElement.clientWidth,
          bars: [...svg.querySelectorAll('g.alert-bar rect')].map((r) => {
            const b = r.getBoundingClientRect();
            return b.width >= 1 && b.height >= 4 && b.left >= axis.left - 0.5 && b.right <= axis.right + 0.5;
          }),
          fill: [...svg.querySelectorAll('g.alert-bar rect')].map((r) => getComputedStyle(r).fill),
        };
      }));
      // app-crash: one alert went pending; db-outage: three (one pending-then-firing bar has two parts each).
      expect(boxes.map((b) => [b.fits, b.bars.length, b.bars.every(Boolean)]), media).toEqual([[true, 1, true], [true, 6, true]]);
      for (const b of boxes) for (const f of b.fill) expect(f, media).not.toBe('none');
    }
    const pdf = await page.pdf({ format: 'A4' });
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    expect(attempts).toEqual([]);
    await ctx.close();
  });

  it('prints: the print stylesheet hides the zoom form and the PDF renders', async () => {
    const { ctx, page } = await open('pass');
    await page.waitForSelector('html[data-charts="drawn"]');
    await page.emulateMedia({ media: 'print' });
    expect(await page.isVisible('#range-form')).toBe(false);
    const pdf = await page.pdf({ format: 'A4' });
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    expect(pdf.length).toBeGreaterThan(20_000);
    await ctx.close();
  });
});
