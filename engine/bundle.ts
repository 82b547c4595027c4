/**
 * Bundles a k6 scenario written in TypeScript into the one ESM file both engines run:
 * real k6 (goja/sobek) and shipcheck's Node engine. `k6` and `k6/*` stay imports for the
 * runtime to resolve; everything else (scenarios/lib, small pure-JS packages) is inlined.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { build, type BuildFailure, type Message } from 'esbuild';
import { fail } from '../harness/errors.ts';
import { projectRoot } from '../harness/project-root.ts';

/** Where the scenario sources live, one `<name>.ts` per scenario. */
export const scenariosDir = path.join(projectRoot, 'scenarios');
/** Where `shipcheck build` puts the bundles: `dist/scenarios/<name>.js` (+ `.js.map`). */
export const bundlesDir = path.join(projectRoot, 'dist', 'scenarios');

/**
 * es2020 keeps async/await, optional chaining and `??` native (k6 ≥ 0.43 runs async
 * functions; goja/sobek parse ES2020) and lowers newer syntax (class fields, static
 * blocks, `??=`) that older k6 releases reject.
 */
export const K6_TARGET = 'es2020';

/** Bundles one scenario entry (`.ts` or `.js`) to `outFile`, with an external source map beside it. */
export async function bundleScenario(entry: string, outFile: string): Promise<void> {
  const absEntry = path.resolve(entry);
  const absOut = path.resolve(outFile);
  let outputFiles;
  try {
    ({ outputFiles } = await build({
      entryPoints: [absEntry],
      outfile: absOut,
      bundle: true,
      format: 'esm',
      platform: 'neutral',
      target: K6_TARGET,
      // k6 resolves its own modules; `k6` alone and every `k6/...` path.
      external: ['k6', 'k6/*'],
      // platform neutral has no main fields by default; pure-JS packages still resolve.
      mainFields: ['module', 'main'],
      // A .map file beside the bundle plus the sourceMappingURL comment k6 and the Node
      // engine follow to report errors at the scenario's own file and line.
      sourcemap: 'linked',
      sourcesContent: true,
      minify: false,
      charset: 'utf8',
      legalComments: 'none',
      logLevel: 'silent',
      write: false,
      absWorkingDir: projectRoot,
    }));
  } catch (e) {
    throw bundleError(absEntry, e);
  }
  await fs.mkdir(path.dirname(absOut), { recursive: true });
  // Write beside and rename, so a reader (or a parallel build) never sees half a bundle.
  for (const file of outputFiles) {
    const tmp = `${file.path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
    await fs.writeFile(tmp, file.contents);
    await fs.rename(tmp, file.path);
  }
}

/** The scenario names in `scenarios/` (each `<name>.ts`, not tests, not `lib/`), sorted. */
export async function listScenarios(dir: string = scenariosDir): Promise<string[]> {
  const entries = await fs.readdir(dir, { withFileTypes: true });
  return entries
    .filter((e) => e.isFile() && e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') && !e.name.endsWith('.d.ts'))
    .map((e) => e.name.slice(0, -3))
    .sort();
}

/** The source file of scenario `name`, or a clear error listing the known scenarios. */
export async function scenarioSource(name: string, dir: string = scenariosDir): Promise<string> {
  const known = await listScenarios(dir);
  if (!known.includes(name)) throw fail('SHIPCHECK_ERR_SCENARIO_UNKNOWN', { name, known: known.join(', ') });
  return path.join(dir, `${name}.ts`);
}

/** Where the bundle of scenario `name` goes. */
export function bundlePath(name: string, outDir: string = bundlesDir): string {
  return path.join(outDir, `${name}.js`);
}

/**
 * Bundles every scenario to `<outDir>/<name>.js` and returns the bundle paths. All are
 * attempted; when some fail, one error names every failing file and line.
 */
export async function buildAllScenarios(options: { srcDir?: string; outDir?: string } = {}): Promise<string[]> {
  const srcDir = options.srcDir ?? scenariosDir;
  const outDir = options.outDir ?? bundlesDir;
  const names = await listScenarios(srcDir);
  const results = await Promise.allSettled(
    names.map(async (n) => {
      const out = bundlePath(n, outDir);
      await bundleScenario(path.join(srcDir, `${n}.ts`), out);
      return out;
    }),
  );
  const failures = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failures.length === 1) throw failures[0]!.reason;
  if (failures.length > 1) {
    throw fail('SHIPCHECK_ERR_BUNDLE_MANY', {
      count: failures.length,
      details: failures.map((f) => `\n  - ${(f.reason as Error).message}`).join(''),
    });
  }
  return results.map((r) => (r as PromiseFulfilledResult<string>).value);
}

function isBuildFailure(e: unknown): e is BuildFailure {
  return typeof e === 'object' && e !== null && Array.isArray((e as BuildFailure).errors);
}

function describeMessage(m: Message, entry: string): string {
  const loc = m.location;
  if (!loc) return `${path.relative(process.cwd(), entry) || entry}: ${m.text}`;
  const file = path.relative(process.cwd(), path.resolve(projectRoot, loc.file)) || loc.file;
  // esbuild columns are 0-based; editors count from 1.
  return `${file}:${loc.line}:${loc.column + 1}: ${m.text}`;
}

function bundleError(entry: string, e: unknown) {
  if (isBuildFailure(e) && e.errors.length > 0) {
    const first = e.errors[0]!;
    const more = e.errors.length > 1 ? ` (and ${e.errors.length - 1} more error${e.errors.length > 2 ? 's' : ''})` : '';
    return fail('SHIPCHECK_ERR_BUNDLE', { where: describeMessage(first, entry), more }, e);
  }
  return fail('SHIPCHECK_ERR_BUNDLE', { where: `${entry}: ${(e as Error)?.message ?? String(e)}`, more: '' }, e);
}
