import path from 'node:path';
import { buildAllScenarios, bundlePath, bundleScenario, bundlesDir, scenarioSource } from '../../engine/bundle.ts';
import { EXIT } from '../../harness/errors.ts';
import type { Command } from '../run-cli.ts';
import { parseCommand, type CommandSpec } from '../flags.ts';

const spec = {
  name: 'build',
  summary: 'Bundle the k6 scenarios to dist/scenarios/<name>.js',
  args: '[scenario...]',
  description: `Bundles each k6 scenario in scenarios/ with esbuild into <out-dir>/<name>.js, ESM with k6
imports left external and a source map beside it. The same bundle runs under real k6
("k6 run dist/scenarios/smoke.js") and "shipcheck run". With scenario names, builds only those.`,
  flags: {
    'out-dir': { type: 'string', value: 'DIR', default: 'dist/scenarios', description: 'where the bundles go' },
  },
  exitCodes: '0 built · 104 unknown scenario or flag · 107 a scenario does not bundle (file:line printed)',
} satisfies CommandSpec;

const command: Command = {
  spec,
  async run(argv) {
    const { values, positionals } = parseCommand(spec, argv, true);
    const outDir = values['out-dir'] ? path.resolve(values['out-dir']) : bundlesDir;
    const started = performance.now();
    let written: string[];
    if (positionals.length === 0) {
      written = await buildAllScenarios({ outDir });
    } else {
      written = [];
      for (const name of positionals) {
        const out = bundlePath(name, outDir);
        await bundleScenario(await scenarioSource(name), out);
        written.push(out);
      }
    }
    for (const f of written) console.log(`  built ${path.relative(process.cwd(), f) || f}`);
    console.log(`${written.length} scenario${written.length === 1 ? '' : 's'} bundled in ${Math.round(performance.now() - started)} ms`);
    return EXIT.ok;
  },
};

export default command;
