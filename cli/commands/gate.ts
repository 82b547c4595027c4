/**
 * shipcheck gate — may this deployment ship? The target described in shipcheck.config.ts is
 * checked by each suite in turn, called as functions with the typed target: the smoke,
 * security, accessibility and web-vitals suites, then the load shape against its SLOs, then
 * the target's own k6 scripts. The one verdict (reports/verdict.ts) decides, for this exit
 * code and for report.html, junit.xml and summary.md alike.
 */
import path from 'node:path';
import { layerConfig, type ConfigSpec } from '../../harness/config.ts';
import { EXIT, fail, isShipcheckError } from '../../harness/errors.ts';
import { rateLimitKeyProblem } from '../../harness/rate-limit-keys.ts';
import { redactUrl } from '../../harness/redact.ts';
import { createResultDir, readJson, startMeta, writeJson } from '../../harness/result-folder.ts';
import type { GateRecord, GateStage, RunMeta, Timeseries } from '../../harness/result-types.ts';
import { describeStoppedAnswering, stoppedAnswering } from '../../harness/stopped-answering.ts';
import { openTarget, type LiveTarget } from '../../harness/target/live-target.ts';
import { chooseTarget, loadProjectConfig } from '../../harness/target/load-config.ts';
import { ENGINES, LOAD_SHAPES, PROFILES } from '../../harness/target/schema.ts';
import type { EngineChoice, LoadShape, Profile } from '../../harness/target/types.ts';
import { parseCommand, SUITE_EXIT_CODES, type CommandSpec } from '../flags.ts';
import type { Command } from '../run-cli.ts';

interface GateSettings {
  target: string;
  environment: string;
  profile: Profile;
  engine: EngineChoice;
  shape: LoadShape;
  smoke: boolean;
  load: boolean;
  scripts: boolean;
  baseline: string;
  seed: number;
}

const settingsSpec: ConfigSpec<GateSettings> = {
  tool: 'gate',
  defaults: { target: '', environment: 'local', profile: 'ci', engine: 'auto', shape: 'gate', smoke: true, load: true, scripts: true, baseline: '', seed: 500 },
  properties: {
    target: { type: 'string' },
    environment: { type: 'string', pattern: '^[a-z][a-z0-9-]*$' },
    profile: { enum: [...PROFILES] },
    engine: { enum: [...ENGINES] },
    shape: { enum: [...LOAD_SHAPES] },
    smoke: { type: 'boolean' },
    load: { type: 'boolean' },
    scripts: { type: 'boolean' },
    baseline: { type: 'string' },
    seed: { type: 'integer', minimum: 0, maximum: 1_000_000 },
  },
  env: {
    SHIPCHECK_TARGET: { key: 'target', parse: 'string' },
    SHIPCHECK_ENVIRONMENT: { key: 'environment', parse: 'string' },
    SHIPCHECK_PROFILE: { key: 'profile', parse: 'string' },
    SHIPCHECK_ENGINE: { key: 'engine', parse: 'string' },
    SHIPCHECK_BASELINE: { key: 'baseline', parse: 'string' },
  },
};

const spec = {
  name: 'gate',
  summary: 'Gate a deployment: smoke, security, accessibility and web vitals, then load against its SLOs, then one verdict',
  description: `Checks the target described in shipcheck.config.ts (or --config FILE): the smoke, security,
accessibility (axe, WCAG 2.1 AA) and web-vitals suites in headless Chromium, then the load shape
built from its sizing with thresholds from its SLOs, then the target's own k6 scripts; writes
report.html, junit.xml and summary.md and prints the verdict with every reason. A target with
start: 'included-api' is started here on an embedded PostgreSQL in the local environment.
Load goes to a non-loopback address only with --allow-remote-target (your deploy pipeline,
never a shared machine). Settings layer as: defaults < the file's gate section < SHIPCHECK_*
variables < flags.`,
  flags: {
    config: { type: 'string', value: 'FILE', default: 'shipcheck.config.ts (or .mts, .mjs, .js, .json) in the working directory', description: 'the project\'s config' },
    target: { type: 'string', value: 'NAME|URL', env: 'SHIPCHECK_TARGET', default: "the file's only target, or gate.target", description: 'the target to gate; a URL keeps the chosen target and replaces its base URL' },
    environment: { type: 'string', value: 'NAME', env: 'SHIPCHECK_ENVIRONMENT', default: 'local', description: 'whose base URL to use: local, staging, production, or any name in baseUrl' },
    profile: { type: 'string', value: PROFILES.join('|'), env: 'SHIPCHECK_PROFILE', default: 'ci', description: 'load size: test (seconds), ci (the real targets, each part ≤ 2 min), full, soak' },
    engine: { type: 'string', value: ENGINES.join('|'), env: 'SHIPCHECK_ENGINE', default: 'auto', description: 'auto runs real k6 when it is on PATH, else the Node engine' },
    shape: { type: 'string', value: 'SHAPE', default: 'gate', description: `the load shape: ${LOAD_SHAPES.join(', ')}` },
    baseline: { type: 'string', value: 'DIR', env: 'SHIPCHECK_BASELINE', description: 'a result folder to compare with; regressions fail the gate' },
    'force-baseline': { type: 'boolean', description: 'compare with the baseline even when it ran another load shape, profile or target' },
    out: { type: 'string', value: 'DIR', default: 'out/<run-id>-gate', description: 'result folder' },
    grep: { type: 'string', value: 'RE', description: 'run only the smoke tests whose title or tags match, e.g. @security (the load stage is unaffected)' },
    'no-smoke': { type: 'boolean', description: 'skip the smoke, security, accessibility and web-vitals suites' },
    'no-load': { type: 'boolean', description: "skip the load stage and the target's own scripts" },
    'no-scripts': { type: 'boolean', description: "skip the target's own k6 scripts (load.scripts)" },
    seed: { type: 'string', value: 'N', default: '500', description: 'content rows seeded into an included API the gate starts' },
    'allow-remote-target': { type: 'boolean', description: 'let load leave this machine (127.0.0.1, ::1, localhost)' },
    quiet: { type: 'boolean', short: 'q', description: 'no live progress line during load' },
  },
  exitCodes: SUITE_EXIT_CODES,
  examples: [
    'shipcheck gate                                          # the target in ./shipcheck.config.ts',
    'shipcheck gate --target http://127.0.0.1:8080 --profile test',
    'API_KEY=… API_KEYS=… shipcheck gate --environment staging --allow-remote-target',
  ],
} satisfies CommandSpec;

const scriptName = (file: string) => path.basename(file).replace(/\.(m?[jt]s)$/, '');
const firstLine = (s: string) => s.split('\n').find((l) => l.trim())?.trim() ?? s;

const gate: Command = {
  spec,
  async run(argv) {
    const { values } = parseCommand(spec, argv);
    const loaded = await loadProjectConfig({ file: values.config, what: 'gate' });
    const fileGate = loaded.config.gate ?? {};
    const settings = layerConfig(settingsSpec, {
      section: { ...fileGate }, sectionSource: `${path.basename(loaded.file)} (gate)`,
      flags: {
        target: values.target, environment: values.environment, profile: values.profile, engine: values.engine, shape: values.shape,
        baseline: values.baseline, seed: values.seed === undefined ? undefined : Number(values.seed),
        smoke: values['no-smoke'] ? false : undefined, load: values['no-load'] ? false : undefined, scripts: values['no-scripts'] ? false : undefined,
      },
    });
    const target = chooseTarget(loaded, { target: settings.target || undefined, environment: settings.environment });

    // A baseline that measured something else is refused before any traffic, not after a five-minute run.
    if (settings.baseline && values['force-baseline'] !== true) {
      const { incomparabilities } = await import('../../reports/baseline.ts');
      const baselineMeta = readJson<RunMeta>(path.resolve(settings.baseline), 'meta.json');
      const diffs = incomparabilities({ scenario: settings.shape, profile: settings.profile, targetName: target.name } as RunMeta, baselineMeta);
      if (diffs.length) throw fail('SHIPCHECK_ERR_BASELINE_NOT_COMPARABLE', { baseline: settings.baseline, differences: diffs.join('; ') });
    }

    const dir = createResultDir({ out: values.out, kind: 'gate', label: target.name });
    const meta: RunMeta = startMeta('gate', path.basename(dir), { targetName: target.name, profile: settings.profile, scenario: settings.shape });
    const record: GateRecord = { target: target.name, stages: [] };
    console.log(`shipcheck gate: ${target.name}${target.description ? ` (${target.description})` : ''}, environment ${target.environment}`);
    console.log(`shipcheck gate: results in ${dir}`);

    // Ctrl-C or a CI cancel: the running suite stops cleanly, what ran is kept and judged, exit 105.
    const interrupt = new AbortController();
    const onSignal = (sig: NodeJS.Signals) => {
      if (interrupt.signal.aborted) return;
      console.error(`\ngate: ${sig} received, stopping (what ran so far is kept)...`);
      interrupt.abort(sig);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);

    const stage = (s: GateStage) => { record.stages.push(s); writeJson(dir, 'gate.json', record); };
    const skipped = (name: string, why: string) => stage({ name, outcome: 'skipped', detail: why });
    const stopped = () => interrupt.signal.aborted;
    let live: LiveTarget | undefined;
    const scripts = target.scripts.map((f) => ({ file: f, name: `script ${scriptName(f)}` }));

    try {
      live = await openTarget(target, { seed: settings.seed, log: (l) => console.log(`gate: ${l}`) });
      meta.target = redactUrl(live.target.baseUrl);
      writeJson(dir, 'target.json', live.target);

      const cannotRun = settings.smoke ? rateLimitKeyProblem(live, values.grep) : undefined;
      if (!settings.smoke) skipped('smoke', 'disabled (--no-smoke)');
      else if (stopped()) stage({ name: 'smoke', outcome: 'interrupted' });
      // A check that cannot run for want of configuration is a harness problem (exit 2), never a failed deployment.
      else if (cannotRun) { console.error(`gate: ${cannotRun.message}`); stage({ name: 'smoke', outcome: 'error', detail: cannotRun.message }); }
      else {
        console.log('\n== gate: smoke, security, accessibility and web-vitals suites');
        const { runSmoke } = await import('../../smoke/run-smoke.ts');
        try {
          const r = await runSmoke(live, { resultDir: dir, grep: values.grep, signal: interrupt.signal, onOutput: (chunk) => process.stdout.write(chunk) });
          const outcome = r.exitCode === EXIT.interrupted ? 'interrupted' : r.exitCode === EXIT.ok || r.exitCode === EXIT.failed ? 'ran' : 'error';
          stage({ name: 'smoke', outcome, exitCode: r.exitCode, ...(r.error ? { detail: r.error.message } : {}) });
        } catch (e) {
          stage({ name: 'smoke', outcome: 'error', detail: isShipcheckError(e) ? e.message : firstLine(String((e as Error)?.stack ?? e)) });
        }
      }

      const loadStages = [{ name: 'load', shape: settings.shape as LoadShape | undefined, script: undefined as string | undefined, resultDir: dir },
        ...scripts.map((s) => ({ name: s.name, shape: undefined, script: s.file, resultDir: path.join(dir, 'scripts', scriptName(s.file)) }))];
      const { runLoad } = await import('../../engine/run-load.ts');
      for (const ls of loadStages) {
        if (!settings.load) { skipped(ls.name, 'disabled (--no-load)'); continue; }
        if (ls.script && !settings.scripts) { skipped(ls.name, 'disabled (--no-scripts)'); continue; }
        if (stopped()) { stage({ name: ls.name, outcome: 'interrupted' }); continue; }
        console.log(`\n== gate: ${ls.script ? `the target's own k6 script ${path.relative(process.cwd(), ls.script)}` : `load shape "${ls.shape}"`} (profile ${settings.profile})`);
        try {
          const r = await runLoad(live, {
            ...(ls.script ? { script: ls.script } : { shape: ls.shape! }),
            profile: settings.profile, engine: settings.engine, resultDir: ls.resultDir,
            allowRemoteTarget: Boolean(values['allow-remote-target']), quiet: values.quiet, signal: interrupt.signal,
          });
          const rel = path.relative(dir, ls.resultDir) || undefined;
          // A target that vanished mid-run fails the deployment, and the reason says when.
          const gone = stoppedAnswering(readJson<Timeseries>(ls.resultDir, 'timeseries.json'));
          stage({
            name: ls.name, outcome: r.exitCode === EXIT.interrupted ? 'interrupted' : 'ran', exitCode: r.exitCode, ...(r.message ? { detail: r.message } : {}), ...(rel ? { resultDir: rel } : {}),
            ...(gone ? { failure: describeStoppedAnswering(gone) } : {}),
          });
        } catch (e) {
          stage({ name: ls.name, outcome: 'error', detail: isShipcheckError(e) ? e.message : firstLine(String((e as Error)?.stack ?? e)) });
        }
      }
    } catch (e) {
      // The target could not be made ready (the included API did not start, say): nothing could run.
      // A Ctrl-C in a terminal reaches the included API too, which then stops before it is ready: that is the interrupt, not an error.
      stage({ name: 'target', outcome: stopped() ? 'interrupted' : 'error', detail: isShipcheckError(e) ? e.message : firstLine(String((e as Error)?.stack ?? e)) });
    } finally {
      await live?.stop().catch((e) => console.error(`gate: stopping the target failed: ${(e as Error).message}`));
    }
    // Still listening while the verdict and report are written: a signal now is noted, never a half-written folder.
    const release = () => { process.off('SIGINT', onSignal); process.off('SIGTERM', onSignal); };

    const loadMeta = readJson<RunMeta>(dir, 'meta.json');
    writeJson(dir, 'meta.json', { ...loadMeta, ...meta, engine: loadMeta?.engine, scenarios: loadMeta?.scenarios, kind: 'gate', endedAt: new Date().toISOString() });
    const { generateReport } = await import('../../reports/index.ts');
    let report;
    try {
      report = await generateReport(dir, { baseline: settings.baseline || undefined, forceBaseline: values['force-baseline'] === true, secrets: live?.secrets });
    } catch (e) {
      // Without the verdict there is no answer: a harness error, with what ran left in the folder.
      console.error(`gate: the verdict could not be made: ${isShipcheckError(e) ? e.message : (e as Error).message}. Results so far: ${dir}`);
      release();
      return EXIT.harness;
    }
    const v = report.verdict;
    writeJson(dir, 'gate.json', { ...record, verdict: v.status, exitCode: v.exitCode, reasons: v.reasons });
    writeJson(dir, 'meta.json', { ...readJson<RunMeta>(dir, 'meta.json'), exitCode: v.exitCode });

    console.log(`\n${'='.repeat(72)}\nGATE ${v.status.toUpperCase()}  (exit ${v.exitCode})  ${target.name}`);
    for (const s of v.stages) console.log(`  ${s.status.padEnd(11)} ${s.name.padEnd(24)} ${s.detail}`);
    for (const r of v.reasons) console.log(`  - ${r}`);
    console.log(`Report: ${report.files?.html ?? path.join(dir, 'report.html')}`);
    console.log(`Results: ${dir}`);
    release();
    return v.exitCode;
  },
};

export default gate;
