import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { launchChromium, resolveChromium, SYSTEM_CHROMIUM_ARGS } from './browser.ts';
import { isShipcheckError } from './errors.ts';

function caught(fn: () => unknown): Error {
  try { fn(); } catch (e) { return e as Error; }
  throw new Error('expected an error');
}

describe('resolveChromium', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'shipcheck-browser-'));

  it('names every place it looked and how to install a browser when none is found', () => {
    const e = caught(() => resolveChromium({ env: { PATH: tmp }, playwrightPath: undefined, candidates: ['/nonexistent/chromium', 'no-such-chrome'] }));
    expect(isShipcheckError(e)).toBe(true);
    expect(e.message).toContain('/nonexistent/chromium, no-such-chrome');
    expect(e.message).toContain('apt-get install -y chromium');
    expect(e.message).toContain('CHROMIUM_PATH');
  });

  it('rejects a CHROMIUM_PATH that does not exist instead of silently using another browser', () => {
    const e = caught(() => resolveChromium({ env: { CHROMIUM_PATH: '/nope/chrome' }, playwrightPath: undefined }));
    expect(e.message).toBe('CHROMIUM_PATH is "/nope/chrome", but no file exists there. Point CHROMIUM_PATH at a Chromium or Chrome executable (Debian\'s is /usr/bin/chromium), or unset it to let shipcheck look for one.');
  });

  it('rejects a CHROMIUM_PATH that is not executable', () => {
    const file = path.join(tmp, 'not-exec');
    fs.writeFileSync(file, '');
    fs.chmodSync(file, 0o644);
    expect(caught(() => resolveChromium({ env: { CHROMIUM_PATH: file } })).message).toContain('it is not an executable file');
  });

  it('finds a browser by name on PATH and gives it the container flags', () => {
    const bin = path.join(tmp, 'google-chrome');
    fs.writeFileSync(bin, '#!/bin/sh\n');
    fs.chmodSync(bin, 0o755);
    const r = resolveChromium({ env: { PATH: `/nonexistent:${tmp}` }, playwrightPath: '/nonexistent/pw-chrome', candidates: ['chromium', 'google-chrome'] });
    expect(r).toEqual({ executablePath: bin, args: [...SYSTEM_CHROMIUM_ARGS], source: 'system' });
  });

  it("prefers Playwright's own browser when it is installed", () => {
    const own = path.join(tmp, 'pw-chrome');
    fs.writeFileSync(own, '#!/bin/sh\n');
    fs.chmodSync(own, 0o755);
    expect(resolveChromium({ env: { PATH: '/usr/bin' }, playwrightPath: own })).toEqual({ args: [], source: 'playwright' });
  });
});

describe('launchChromium', () => {
  const saved = process.env.CHROMIUM_PATH;
  afterEach(() => { if (saved === undefined) delete process.env.CHROMIUM_PATH; else process.env.CHROMIUM_PATH = saved; });

  it('starts the real browser on this machine and renders a page', async () => {
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      await page.setContent('<main><h1>shipcheck</h1></main>');
      expect(await page.locator('h1').textContent()).toBe('shipcheck');
    } finally {
      await browser.close();
    }
  });

  it('turns an executable that is not a browser into one clear error', async () => {
    process.env.CHROMIUM_PATH = '/bin/true';
    const e = await launchChromium({ timeout: 10_000 }).then(() => undefined, (err: Error) => err);
    expect(e && isShipcheckError(e)).toBe(true);
    expect(e!.message).toMatch(/^Chromium at \/bin\/true did not start: .+\. Check that it runs/);
  });
});
