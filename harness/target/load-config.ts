/**
 * Finds and loads a project's shipcheck config (`shipcheck.config.ts`, `.mts`, `.mjs`, `.js`
 * or `.json`), validates it with every problem reported at once, and picks the target a run
 * is about: `--target NAME`, or `--target URL` to point the chosen target at another address,
 * or the file's only target, or its `gate.target`.
 */
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { tsImport } from 'tsx/esm/api';
import { fail } from '../errors.ts';
import { suggest } from '../suggest.ts';
import { resolveTarget, TargetProblems } from './resolve.ts';
import { configProblems } from './schema.ts';
import type { ShipcheckConfig, Target } from './types.ts';

export const CONFIG_FILES = ['shipcheck.config.ts', 'shipcheck.config.mts', 'shipcheck.config.mjs', 'shipcheck.config.js', 'shipcheck.config.json'] as const;

export interface LoadedConfig {
  file: string;
  config: ShipcheckConfig;
}

/** The config file in `dir`, if there is one. */
export function findConfigFile(dir: string = process.cwd()): string | undefined {
  for (const name of CONFIG_FILES) {
    const p = path.join(dir, name);
    if (fs.existsSync(p)) return p;
  }
  return undefined;
}

function reasonOf(e: unknown, file: string): string {
  const err = e as Error & { code?: string };
  const first = String(err?.message ?? e).split('\n').find((l) => l.trim()) ?? String(e);
  // Where in the user's file it broke: the first stack frame inside it.
  const frame = String(err?.stack ?? '').split('\n').find((l) => l.includes(path.basename(file)));
  const loc = frame && /:(\d+):(\d+)\)?$/.exec(frame);
  return loc ? `${first} (at ${path.basename(file)}:${loc[1]}:${loc[2]})` : first;
}

/** Imports and validates a config file; throws one clear error (exit 104) for each way it can be wrong. */
export async function loadConfigFile(file: string): Promise<LoadedConfig> {
  const abs = path.resolve(file);
  if (!fs.existsSync(abs)) throw fail('SHIPCHECK_ERR_CONFIG_LOAD', { file, reason: 'no such file', fix: 'Check the path given to --config.' });
  let value: unknown;
  if (abs.endsWith('.json')) {
    try { value = JSON.parse(fs.readFileSync(abs, 'utf8')); } catch (e) {
      throw fail('SHIPCHECK_ERR_CONFIG_LOAD', { file, reason: `it is not valid JSON (${(e as Error).message})`, fix: 'Fix the JSON.' });
    }
  } else {
    let mod: Record<string, unknown>;
    try {
      // tsx's own import: a .ts config loads alike in ESM and CommonJS packages (a plain import()
      // of .ts in a package without "type": "module" fails under Node 20's require(esm)), afresh each time.
      mod = await tsImport(pathToFileURL(abs).href, import.meta.url) as Record<string, unknown>;
    } catch (e) {
      throw fail('SHIPCHECK_ERR_CONFIG_LOAD', { file, reason: reasonOf(e, abs), fix: 'Fix the file at that line; it must run as a module that exports the config.' }, e);
    }
    value = mod.default;
    // A CommonJS package's module comes wrapped once more: { default: { default: config } }.
    if (value && typeof value === 'object' && 'default' in value && !('targets' in value)) value = (value as { default: unknown }).default;
    if (value === undefined) {
      throw fail('SHIPCHECK_ERR_CONFIG_LOAD', { file, reason: 'it has no default export', fix: "Write `export default defineConfig({ targets: { ... } })` (import { defineConfig } from 'shipcheck')." });
    }
  }
  const problems = configProblems(value);
  if (problems.length) throw fail('SHIPCHECK_ERR_CONFIG_INVALID', { file, count: problems.length, details: problems.map((p) => `\n  - ${p}`).join('') });
  return { file: abs, config: value as ShipcheckConfig };
}

/** `--config FILE`, or the config in the working directory; a clear error when there is none. */
export async function loadProjectConfig(opts: { file?: string; cwd?: string; what?: string } = {}): Promise<LoadedConfig> {
  const file = opts.file ?? findConfigFile(opts.cwd);
  if (!file) throw fail('SHIPCHECK_ERR_NO_CONFIG', { dir: opts.cwd ?? process.cwd(), what: opts.what ?? 'check' });
  return loadConfigFile(file);
}

export interface TargetChoice {
  /** `--target`: a target's name, or an http(s) URL that replaces the chosen target's base URL. */
  target?: string;
  /** `--environment` (default the config's gate.environment, else `local`). */
  environment?: string;
}

const isUrl = (s: string) => /^https?:\/\//i.test(s);

/** The target a run is about, resolved; every problem with it in one error. */
export function chooseTarget(loaded: LoadedConfig, choice: TargetChoice = {}): Target {
  const { config, file } = loaded;
  const names = Object.keys(config.targets);
  const url = choice.target && isUrl(choice.target) ? choice.target : undefined;
  let name = choice.target && !url ? choice.target : config.gate?.target;
  if (!name) {
    if (names.length !== 1) throw fail('SHIPCHECK_ERR_TARGET_AMBIGUOUS', { file, count: names.length, known: names.join(', ') });
    name = names[0]!;
  }
  const cfg = config.targets[name];
  if (!cfg) {
    const near = suggest(name, names);
    throw fail('SHIPCHECK_ERR_TARGET_UNKNOWN', { name, file, hint: near ? ` (did you mean "${near}"?)` : '', known: names.join(', ') });
  }
  try {
    return resolveTarget(cfg, { name, environment: choice.environment ?? config.gate?.environment, url, configFile: file });
  } catch (e) {
    if (e instanceof TargetProblems) throw fail('SHIPCHECK_ERR_CONFIG_INVALID', { file, count: e.problems.length, details: e.problems.map((p) => `\n  - ${p}`).join('') });
    throw e;
  }
}
