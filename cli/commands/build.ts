/**
 * shipcheck build [shape|script...] — bundles a target's load shapes (the target embedded)
 * and its own k6 scripts to dist/<target>/<name>.js, the files `k6 run`, k6-operator and
 * `shipcheck run` take as they are.
 */
import path from 'node:path';
import { bundleScript, bundleShape, isShape, requireShape, SHAPES, targetBundleDir } from '../../engine/bundle.ts';
import { EXIT, fail } from '../../harness/errors.ts';
import { chooseTarget, loadProjectConfig } from '../../harness/target/load-config.ts';
import type { Target } from '../../harness/target/types.ts';
import { parseCommand, type CommandSpec } from '../flags.ts';
import type { Command } from '../run-cli.ts';

const spec = {
  name: 'build',
  summary: "Bundle a target's load shapes and its own k6 scripts to dist/<target>/<name>.js",
  args: '[shape|script...]',
  description: `Bundles each load shape (${SHAPES.join(', ')}) for the target with esbuild
into <out-dir>/<shape>.js: ESM, k6 imports left external, the target embedded (its journeys,
sizing and SLOs), a source map beside it. The same file runs under real k6
("k6 run -e BASE_URL=... -e API_KEY=... dist/<target>/gate.js"), k6-operator and "shipcheck run".
The target's own scripts (load.scripts) are bundled beside them. With names (a shape, a script
path, or the name of one of the target's scripts), builds only those.`,
  flags: {
    config: { type: 'string', value: 'FILE', default: 'shipcheck.config.* in the working directory', description: 'the project config' },
    target: { type: 'string', value: 'NAME|URL', default: "the config's only target, or gate.target", description: 'the target to build for, or a URL that replaces its base URL' },
    environment: { type: 'string', value: 'NAME', default: 'local', env: 'SHIPCHECK_ENVIRONMENT', description: "which of the target's base URLs to embed" },
    'out-dir': { type: 'string', value: 'DIR', default: 'dist/<target>', description: 'where the bundles go' },
  },
  exitCodes: '0 built · 104 unknown shape, flag or invalid config · 107 a script does not bundle (file:line printed)',
  examples: ['shipcheck build', 'shipcheck build gate smoke --target la-factoria', 'shipcheck build --environment staging --out-dir dist/staging'],
} satisfies CommandSpec;

const baseName = (f: string) => path.basename(f).replace(/\.[^.]+$/, '');

/** What `name` asks to build: a shape, a script path, or one of the target's scripts. */
function item(name: string, target: Target): { shape: ReturnType<typeof requireShape> } | { script: string } {
  if (isShape(name)) return { shape: name };
  if (/\.(m?js|cjs|m?ts|cts)$/.test(name)) return { script: path.resolve(name) };
  const own = target.scripts.find((s) => baseName(s) === name);
  if (own) return { script: own };
  return { shape: requireShape(name, target.scripts.map(baseName)) };
}

const command: Command = {
  spec,
  async run(argv) {
    const { values, positionals } = parseCommand(spec, argv, true);
    const loaded = await loadProjectConfig({ file: values.config, what: 'build' });
    const target = chooseTarget(loaded, { target: values.target, environment: values.environment ?? (process.env.SHIPCHECK_ENVIRONMENT || undefined) });
    const outDir = values['out-dir'] ? path.resolve(values['out-dir']) : targetBundleDir(target);
    const items = positionals.length
      ? positionals.map((p) => item(p, target))
      : [...SHAPES.map((shape) => ({ shape })), ...target.scripts.map((script) => ({ script }))];
    const started = performance.now();
    const results = await Promise.allSettled(items.map((it) => ('shape' in it
      ? bundleShape(it.shape, target, path.join(outDir, `${it.shape}.js`))
      : bundleScript(it.script, path.join(outDir, `${baseName(it.script)}.js`), { target }))));
    const failures = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failures.length === 1) throw failures[0]!.reason;
    if (failures.length > 1) {
      throw fail('SHIPCHECK_ERR_BUNDLE_MANY', { count: failures.length, details: failures.map((f) => `\n  - ${(f.reason as Error).message}`).join('') });
    }
    for (const r of results) console.log(`  built ${path.relative(process.cwd(), (r as PromiseFulfilledResult<string>).value)}`);
    console.log(`${results.length} bundle${results.length === 1 ? '' : 's'} for the target "${target.name}" in ${Math.round(performance.now() - started)} ms`);
    return EXIT.ok;
  },
};

export default command;
