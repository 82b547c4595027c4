/**
 * k6's VU model on V8: the script becomes a module *factory* (one compiled program, run once
 * per VU), so module-level bindings (`let token`, caches, counters) belong to one VU, as each
 * k6 VU has its own runtime.
 *
 * Two modes, chosen by reading the script (engine/sync-transform.ts decides and rewrites):
 * - async: the script uses only the async API (`await http.asyncRequest`, timers). Every VU
 *   runs the factory in this realm (globalThis is shared; module scope is per VU).
 * - sync: the script calls the sync API (`http.get`, `sleep`, `http.batch`, ...). Every VU
 *   gets its own V8 context (its own globalThis, no Node built-ins, as in k6), and the
 *   program is rewritten so that each blocking call is awaited: the VU waits, the thread does not.
 */
import path from 'node:path';
import { SourceMap, type SourceMapPayload } from 'node:module';
import vm from 'node:vm';
import { setProgramMap } from './script-errors.ts';
import { build } from 'esbuild';
import { fail } from '../harness/errors.ts';
import { k6Console } from './k6/console.ts';
import { k6Module, loadHtmlModule } from './k6-modules.ts';
import { asyncHof } from './sync-hof.ts';
import type { ScriptMode } from './sync-transform.ts';

/** A cheap look for the sync API before parsing; the parser (sync-transform) decides. */
const MAY_BE_SYNC = /\bsleep\b|\.(?:get|post|put|patch|del|head|options|request|batch|submitForm|clickLink)\)?\s*\(/;
import { currentVu, vuStorage, type Vu } from './vu.ts';

export type { ScriptMode } from './sync-transform.ts';

type Factory = (req: (spec: string) => unknown, hof: typeof asyncHof, console: unknown) => Promise<Record<string, unknown>>;

export interface ScriptProgram {
  readonly mode: ScriptMode;
  readonly file: string;
  /** Runs the init context once more (a VU's own module instance), inside `vu`'s async context. */
  instantiate(vu: Vu): Promise<Record<string, unknown>>;
}

const programs = new WeakMap<object, ScriptProgram>();

/** The program a loaded module's exports came from (executeScenarios instantiates VUs from it). */
export function programOf(exports: object): ScriptProgram | undefined {
  return programs.get(exports);
}

export function rememberProgram(exports: object, program: ScriptProgram): void {
  programs.set(exports, program);
}

/** One ESM file with every local import inlined; `k6`, `k6/*` and remote URLs stay imports. */
async function bundleOnce(file: string, format: 'esm' | 'cjs'): Promise<{ code: string; map: string }> {
  try {
    const r = await build({
      entryPoints: [file], bundle: true, write: false, format, platform: 'neutral', target: 'es2020',
      external: ['k6', 'k6/*', 'https://*', 'http://*'], mainFields: ['module', 'main'], logLevel: 'silent',
      legalComments: 'none', charset: 'utf8',
      // Errors point at the script's own lines: the rewrite keeps the bundle's lines, and
      // script-errors maps them back through this map (esbuild chains a .ts bundle's own map).
      sourcemap: 'external', sourcesContent: false, outfile: `${file}.vu.js`,
    });
    const map = r.outputFiles.find((f) => f.path.endsWith('.map'))!.text;
    const code = r.outputFiles.find((f) => !f.path.endsWith('.map'))!.text;
    return { code, map };
  } catch (e) {
    const first = (e as { errors?: Array<{ text: string; location?: { file: string; line: number; column: number } }> }).errors?.[0];
    const where = first?.location ? `${first.location.file}:${first.location.line}:${first.location.column + 1}: ${first.text}` : (e as Error).message;
    throw fail('SHIPCHECK_ERR_BUNDLE', { where, more: '' }, e);
  }
}

/** The globals a sync-mode VU's own context gets: k6's, nothing of Node's. */
function vuContext(vu: Vu, open: unknown): vm.Context {
  const g: Record<string, unknown> = {
    open, setTimeout, clearTimeout, setInterval, clearInterval,
  };
  const ctx = vm.createContext(g, { name: `VU ${vu.idInTest}` });
  // Getters over the VU of the running async chain (a VU's realm only ever runs that VU).
  Object.defineProperty(g, '__VU', { get: () => currentVu().idInTest });
  Object.defineProperty(g, '__ITER', { get: () => Math.max(0, currentVu().iterationInInstance) });
  Object.defineProperty(g, '__ENV', { get: () => currentVu().env });
  return ctx;
}

/** Loads `file` as a VU program: bundled, rewritten for its mode and compiled once. */
export async function loadProgram(file: string, open: unknown): Promise<ScriptProgram> {
  const abs = path.resolve(file);
  // Reading the script with TypeScript's parser costs ~0.5 s of CPU: only when it may use the sync API.
  // Async mode needs no rewrite: esbuild's CommonJS output in a function is the factory.
  let bundled = await bundleOnce(abs, 'cjs');
  let source: string | undefined;
  let mode: ScriptMode = 'async';
  if (MAY_BE_SYNC.test(bundled.code)) {
    const esm = await bundleOnce(abs, 'esm');
    ({ source, mode } = (await import('./sync-transform.ts')).factorySource(esm.code));
    if (mode === 'sync') bundled = esm;
  }
  if (/k6\/html|\.html\s*\(|submitForm|clickLink/.test(bundled.code)) await loadHtmlModule();
  if (mode === 'async') {
    source = `(async function (__k6require, __k6hof, console) { "use strict"; const require = __k6require, module = { exports: {} }, exports = module.exports;\n${bundled.code}\nconst __k6exports = {}; for (const k in module.exports) __k6exports[k] = module.exports[k]; return __k6exports;\n})`;
  }
  setProgramMap(abs, new SourceMap(JSON.parse(bundled.map) as SourceMapPayload), path.dirname(`${abs}.vu.js`));
  let script: vm.Script;
  try {
    script = new vm.Script(source!, { filename: abs });
  } catch (e) {
    throw fail('SHIPCHECK_ERR_SCRIPT_EXCEPTION', { stage: 'the init context', message: (e as Error).message, location: abs }, e);
  }
  const shared = mode === 'async' ? (script.runInThisContext() as Factory) : undefined;
  const console = k6Console();
  return {
    mode, file: abs,
    instantiate(vu: Vu) {
      const factory = shared ?? (script.runInContext(vuContext(vu, open)) as Factory);
      return vuStorage.run(vu, () => factory(k6Module, asyncHof, console));
    },
  };
}
