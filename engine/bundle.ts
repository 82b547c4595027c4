/**
 * Bundles k6 scripts written in TypeScript (or JavaScript) into the one ESM file both
 * engines run: real k6 (goja/sobek) and shipcheck's Node engine. `k6` and `k6/*` stay
 * imports for the runtime to resolve; everything else (scenarios/lib, the portable
 * harness/target helpers, small pure-JS packages) is inlined.
 *
 * A load shape (`scenarios/<shape>.ts`) is bundled for one target: the virtual module
 * `shipcheck:target` becomes that Target as JSON, so the bundle carries what it loads and
 * runs unchanged under `k6 run`, k6-operator or the Node engine.
 */
import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { build, type BuildFailure, type Message, type Plugin } from 'esbuild';
import { fail } from '../harness/errors.ts';
import { projectRoot, stateDir } from '../harness/project-root.ts';
import { suggest } from '../harness/suggest.ts';
import { LOAD_SHAPES } from '../harness/target/schema.ts';
import type { LoadShape, Target } from '../harness/target/types.ts';

/** Where the shapes live, one `<shape>.ts` each. */
const scenariosDir = path.join(projectRoot, 'scenarios');

/** The load shapes, in the order `shipcheck build` and the help list them; each is `scenarios/<shape>.ts`. */
export const SHAPES: readonly LoadShape[] = LOAD_SHAPES;

export function isShape(name: string): name is LoadShape {
  return (SHAPES as readonly string[]).includes(name);
}

/** The source of a shape. */
function shapeSource(shape: LoadShape): string {
  return path.join(scenariosDir, `${shape}.ts`);
}

/** Where `shipcheck build` puts a target's bundles: `dist/<target>/<shape>.js` (+ `.js.map`). */
export function targetBundleDir(target: Pick<Target, 'name'>): string {
  return path.join(projectRoot, 'dist', target.name);
}

/**
 * es2020 keeps async/await, optional chaining and `??` native (k6 ≥ 0.43 runs async
 * functions; goja/sobek parse ES2020) and lowers newer syntax (class fields, static
 * blocks, `??=`) that older k6 releases reject.
 */
const K6_TARGET = 'es2020';

const TARGET_MODULE = 'shipcheck:target';

/**
 * The Target as a bundle embeds it: without the paths of files on this machine (the user's
 * scripts and specs, the config file), which mean nothing where the bundle runs.
 */
function embeddedTarget(target: Target): Target {
  const { specs: _specs, configFile: _configFile, ...rest } = target;
  return { ...rest, scripts: [] };
}

function targetPlugin(target: Target | undefined): Plugin {
  return {
    name: 'shipcheck-target',
    setup(b) {
      b.onResolve({ filter: /^shipcheck:target$/ }, () => ({ path: TARGET_MODULE, namespace: 'shipcheck-target' }));
      b.onLoad({ filter: /.*/, namespace: 'shipcheck-target' }, () => (target
        ? { contents: `export default ${JSON.stringify(embeddedTarget(target), null, 2)};\n`, loader: 'js' }
        : { errors: [{ text: `"${TARGET_MODULE}" is filled only when the script is bundled for a target: run it as a load shape (shipcheck load <shape>), not as a script` }] }));
    },
  };
}

/**
 * Bundles one script (`.ts` or `.js`) to `outFile`, with an external source map beside it.
 * With `target`, `import target from 'shipcheck:target'` gets that target.
 */
export async function bundleScript(entry: string, outFile: string, opts: { target?: Target } = {}): Promise<string> {
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
      // k6 resolves its own modules (`k6` alone and every `k6/...` path) and fetches remote ones itself.
      external: ['k6', 'k6/*', 'https://*', 'http://*'],
      plugins: [targetPlugin(opts.target)],
      // platform neutral has no main fields by default; pure-JS packages still resolve.
      mainFields: ['module', 'main'],
      // A .map file beside the bundle plus the sourceMappingURL comment k6 and the Node
      // engine follow to report errors at the script's own file and line.
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
  return absOut;
}

/** Bundles load shape `shape` for `target` to `outFile` (default `dist/<target>/<shape>.js`). */
export async function bundleShape(shape: LoadShape, target: Target, outFile: string = path.join(targetBundleDir(target), `${shape}.js`)): Promise<string> {
  return bundleScript(shapeSource(shape), outFile, { target });
}

/**
 * The file an engine runs for a user's script: a .js as it is (so `open()` finds files beside
 * it), a .ts bundled into `.shipcheck/bundles/`.
 */
export async function scriptToRun(script: string): Promise<string> {
  const abs = path.resolve(script);
  if (!(await fs.stat(abs).then((s) => s.isFile(), () => false))) throw fail('SHIPCHECK_ERR_SCRIPT_NOT_FOUND', { script });
  if (!/\.(ts|mts|cts)$/.test(abs)) return abs;
  const hash = crypto.createHash('sha1').update(abs).digest('hex').slice(0, 10);
  return bundleScript(abs, path.join(stateDir, 'bundles', `${path.basename(abs).replace(/\.[^.]+$/, '')}-${hash}.js`));
}

/** The shape named `name`, or a clear error with the closest shape. */
export function requireShape(name: string, scripts: readonly string[] = []): LoadShape {
  if (isShape(name)) return name;
  const near = suggest(name, [...SHAPES, ...scripts]);
  throw fail('SHIPCHECK_ERR_SHAPE_UNKNOWN', {
    name, hint: near ? ` (did you mean "${near}"?)` : '', shapes: SHAPES.join(', '),
    scripts: scripts.length ? `; the target's own scripts: ${scripts.join(', ')}` : '',
  });
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
