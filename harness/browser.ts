/**
 * Browser resolution in one place, for the smoke suites and for opening reports headless.
 * Order: Playwright's own Chromium when it is installed; else a system Chromium
 * (CHROMIUM_PATH, /usr/bin/chromium, google-chrome, ... on PATH) through `executablePath`;
 * else one clear error saying how to install one. Browsers are never downloaded.
 */
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type LaunchOptions } from '@playwright/test';
import { fail } from './errors.ts';

/**
 * Flags for a system Chromium in a container or CI box: no sandbox (often root, no user
 * namespaces), no GPU, and none of the background traffic (updates, sync, component
 * downloads) that would make a run talk to the network.
 */
export const SYSTEM_CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
] as const;

/** System Chromium locations tried after CHROMIUM_PATH: absolute paths first, then names on PATH. */
export const SYSTEM_CHROMIUM_CANDIDATES = [
  '/usr/bin/chromium',
  'chromium',
  'chromium-browser',
  'google-chrome',
  'google-chrome-stable',
] as const;

export interface ResolvedChromium {
  /** Unset when Playwright's own browser is used (Playwright picks its binary itself). */
  executablePath?: string;
  args: string[];
  /** Where the browser came from, for messages and meta.json. */
  source: 'playwright' | 'CHROMIUM_PATH' | 'system';
}

export interface ResolveOptions {
  env?: NodeJS.ProcessEnv;
  /** Playwright's own Chromium path; tests pass a missing path to exercise the fallbacks. */
  playwrightPath?: string;
  candidates?: readonly string[];
}

function isExecutableFile(p: string): boolean {
  try {
    const st = fs.statSync(p);
    if (!st.isFile()) return false;
    fs.accessSync(p, fs.constants.X_OK);
    return true;
  } catch { return false; }
}

function onPath(name: string, env: NodeJS.ProcessEnv): string | undefined {
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const p = path.join(dir, name);
    if (isExecutableFile(p)) return p;
  }
  return undefined;
}

function playwrightChromiumPath(): string | undefined {
  try { return chromium.executablePath(); } catch { return undefined; }
}

/** Finds a Chromium to launch, or throws SHIPCHECK_ERR_NO_BROWSER / SHIPCHECK_ERR_BROWSER_PATH. */
export function resolveChromium(opts: ResolveOptions = {}): ResolvedChromium {
  const env = opts.env ?? process.env;
  const systemArgs = [...SYSTEM_CHROMIUM_ARGS];

  // An explicit CHROMIUM_PATH wins over everything, and a wrong one is an error rather than
  // a silent fallback: the user asked for that browser.
  const explicit = env.CHROMIUM_PATH?.trim();
  if (explicit) {
    const p = path.isAbsolute(explicit) ? explicit : (onPath(explicit, env) ?? path.resolve(explicit));
    if (!fs.existsSync(p)) throw fail('SHIPCHECK_ERR_BROWSER_PATH', { path: explicit, reason: 'no file exists there' });
    if (!isExecutableFile(p)) throw fail('SHIPCHECK_ERR_BROWSER_PATH', { path: explicit, reason: 'it is not an executable file' });
    return { executablePath: p, args: systemArgs, source: 'CHROMIUM_PATH' };
  }

  const own = 'playwrightPath' in opts ? opts.playwrightPath : playwrightChromiumPath();
  if (own && isExecutableFile(own)) return { args: [], source: 'playwright' };

  const candidates = opts.candidates ?? SYSTEM_CHROMIUM_CANDIDATES;
  for (const c of candidates) {
    const p = path.isAbsolute(c) ? (isExecutableFile(c) ? c : undefined) : onPath(c, env);
    if (p) return { executablePath: p, args: systemArgs, source: 'system' };
  }
  throw fail('SHIPCHECK_ERR_NO_BROWSER', { looked: candidates.join(', ') });
}

/** Playwright `launchOptions` for the resolved browser (headless unless told otherwise). */
export function chromiumLaunchOptions(resolved: ResolvedChromium = resolveChromium()): LaunchOptions {
  return resolved.executablePath
    ? { executablePath: resolved.executablePath, args: resolved.args }
    : { args: resolved.args };
}

/** Launches the resolved Chromium headless; a browser that will not start is one clear error. */
export async function launchChromium(options: LaunchOptions = {}): Promise<Browser> {
  const resolved = resolveChromium();
  const base = chromiumLaunchOptions(resolved);
  try {
    return await chromium.launch({ headless: true, ...base, ...options, args: [...(base.args ?? []), ...(options.args ?? [])] });
  } catch (e) {
    const reason = String((e as Error)?.message ?? e).split('\n')[0];
    throw fail('SHIPCHECK_ERR_BROWSER_LAUNCH', { path: resolved.executablePath ?? chromium.executablePath(), reason }, e);
  }
}
