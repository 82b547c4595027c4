import fs from 'node:fs';
import path from 'node:path';
import type { Command } from '../run-cli.ts';
import { loadCommand } from '../run-cli.ts';
import { parseCommand, SUITE_EXIT_CODES, type CommandSpec } from '../flags.ts';
import { layerConfig, type ConfigSpec } from '../../harness/config.ts';
import { EXIT, isShipcheckError } from '../../harness/errors.ts';
import { createResultDir, readJson, startMeta, writeJson } from '../../harness/result-folder.ts';
import { redactUrl } from '../../harness/redact.ts';
import type { GateVerdict, K6SummaryData, RunMeta, SmokeResult } from '../../harness/result-types.ts';
import { startIncludedApi, type IncludedApi } from '../../harness/included-api.ts';

interface GateConfig {
  target: string;
  profile: 'test' | 'ci' | 'full' | 'soak';
  engine: 'auto' | 'k6' | 'node';
  scenario: string;
  smoke: boolean;
  load: boolean;
  baseline: string;
  seed: number;
}

const spec: ConfigSpec<GateConfig> = {
  tool: 'gate',
  defaults: { target: '', profile: 'ci', engine: 'auto', scenario: 'gate', smoke: true, load: true, baseline: '', seed: 500 },
  properties: {
    target: { type: 'string' },
    profile: { enum: ['test', 'ci', 'full', 'soak'] },
    engine: { enum: ['auto', 'k6', 'node'] },
    scenario: { type: 'string', pattern: '^[a-z0-9-]+$' },
    smoke: { type: 'boolean' },
    load: { type: 'boolean' },
    baseline: { type: 'string' },
    seed: { type: 'integer', minimum: 0, maximum: 1_000_000 },
  },
  env: {
    SHIPCHECK_TARGET: { key: 'target', parse: 'string' },
    SHIPCHECK_PROFILE: { key: 'profile', parse: 'string' },
    SHIPCHECK_ENGINE: { key: 'engine', parse: 'string' },
    SHIPCHECK_BASELINE: { key: 'baseline', parse: 'string' },
  },
};

const usage = `shipcheck gate [--target URL] [--profile ci|full|soak|test] [--engine auto|k6|node]
                     [--scenario NAME] [--baseline DIR] [--no-smoke] [--no-load] [--out DIR] [--config FILE]
                     [--allow-remote-target]

Runs the deploy gate: the smoke, security and accessibility suites, then the load scenario whose
thresholds encode the SLOs, then writes report.html, junit.xml and summary.md. Without --target it
starts the included API on an embedded PostgreSQL. Load goes to a non-loopback --target only with
--allow-remote-target (give it in your deploy pipeline, never on a shared machine). Exit 0 pass, 1 failed (reasons printed), 2 harness error.`;

const cmdSpec = {
  name: 'gate',
  summary: 'Gate a deployment: smoke + accessibility, then SLO load thresholds, then the report',
  description: usage,
  flags: {
    target: { type: 'string', value: 'URL', description: 'the deployment' },
    profile: { type: 'string', value: 'P', default: 'ci', description: 'load size' },
    engine: { type: 'string', value: 'E', default: 'auto', description: 'engine' },
    scenario: { type: 'string', value: 'NAME', default: 'gate', description: 'scenario' },
    baseline: { type: 'string', value: 'DIR', description: 'baseline' },
    out: { type: 'string', value: 'DIR', description: 'result folder' },
    config: { type: 'string', value: 'FILE', description: 'config' },
    'no-smoke': { type: 'boolean', description: 'skip smoke' },
    'no-load': { type: 'boolean', description: 'skip load' },
    seed: { type: 'string', value: 'N', description: 'seed' },
    'allow-remote-target': { type: 'boolean', description: 'allow remote load' },
  },
  exitCodes: SUITE_EXIT_CODES,
} satisfies CommandSpec;

const gate: Command = {
  spec: cmdSpec,
  async run(argv) {
    const { values } = parseCommand(cmdSpec, argv);
    const cfg = layerConfig(spec, {
      file: values.config,
      flags: {
        target: values.target, profile: values.profile, engine: values.engine, scenario: values.scenario, baseline: values.baseline,
        smoke: values['no-smoke'] ? false : undefined, load: values['no-load'] ? false : undefined,
        seed: values.seed === undefined ? undefined : Number(values.seed),
      },
    });
    const dir = createResultDir({ out: values.out, kind: 'gate' });
    const meta: RunMeta = startMeta('gate', path.basename(dir), { profile: cfg.profile, scenario: cfg.scenario });
    const stages: GateVerdict['stages'] = [];
    const reasons: string[] = [];
    let api: IncludedApi | undefined;
    const savedEnv = { API_KEY: process.env.API_KEY, API_KEYS: process.env.API_KEYS };
    console.log(`shipcheck gate: results in ${dir}`);

    try {
      let target = cfg.target;
      if (!target) {
        console.log('gate: starting the included API on an embedded PostgreSQL (no --target given)');
        api = await startIncludedApi({ seed: cfg.seed, log: (l) => console.log(`gate: ${l}`) });
        target = api.url;
        console.log(`gate: included API at ${api.url} (pid ${api.pid})`);
        process.env.API_KEY = api.apiKey;
        process.env.API_KEYS = api.apiKeys.join(',');
      }
      meta.target = redactUrl(target);

      if (cfg.smoke) {
        console.log('\n== gate stage 1/2: smoke, security and accessibility suites');
        const code = await (await loadCommand('smoke')).run(['--target', target, '--out', dir]);
        const smoke = readJson<SmokeResult>(dir, 'smoke.json');
        const detail = smoke ? `${smoke.passed} passed, ${smoke.failed} failed` : 'no smoke.json written';
        stages.push({ name: 'smoke', status: code === 0 ? 'pass' : code === 1 ? 'fail' : 'error', detail });
        if (code !== 0) {
          for (const t of smoke?.tests.filter((x) => x.status === 'failed' || x.status === 'timedOut') ?? []) reasons.push(`smoke: ${t.title}${t.error ? ` — ${firstLine(t.error)}` : ''}`);
          if (!smoke?.tests.length) reasons.push(`smoke stage exited ${code}`);
        }
      } else stages.push({ name: 'smoke', status: 'skipped', detail: 'disabled (--no-smoke)' });

      if (cfg.load) {
        console.log(`\n== gate stage 2/2: load scenario "${cfg.scenario}" (profile ${cfg.profile})`);
        // Load leaves this machine only when the user says so: a staging URL in their CI, never by accident.
        const remote = values['allow-remote-target'] ? ['--allow-remote-target'] : [];
        const code = await (await loadCommand('load')).run([cfg.scenario, '--target', target, '--out', dir, '--profile', cfg.profile, '--engine', cfg.engine, ...remote]);
        const summary = readJson<K6SummaryData>(dir, 'summary.json');
        const crossed = summary ? Object.entries(summary.metrics).flatMap(([m, v]) => Object.entries(v.thresholds ?? {}).filter(([, t]) => !t.ok).map(([e]) => `${m}: ${e}`)) : [];
        const status = code === 0 ? 'pass' : code === EXIT.thresholds || code === EXIT.scriptAborted ? 'fail' : 'error';
        stages.push({ name: 'load', status, detail: code === 0 ? 'all thresholds passed' : crossed.length ? `${crossed.length} threshold(s) crossed` : `engine exited ${code}` });
        for (const c of crossed) reasons.push(`threshold crossed — ${c}`);
        if (status === 'error' && !crossed.length) reasons.push(`load stage exited ${code} (see the output above)`);
      } else stages.push({ name: 'load', status: 'skipped', detail: 'disabled (--no-load)' });
    } catch (e) {
      stages.push({ name: 'harness', status: 'error', detail: isShipcheckError(e) ? e.message : String((e as Error)?.stack ?? e) });
      reasons.push(isShipcheckError(e) ? e.message : `unexpected error: ${(e as Error)?.message ?? e}`);
    } finally {
      await api?.stop().catch(() => {});
      restoreEnv(savedEnv);
    }

    const errored = stages.some((s) => s.status === 'error');
    const failed = stages.some((s) => s.status === 'fail');
    const verdict: GateVerdict = {
      verdict: errored ? 'error' : failed ? 'fail' : 'pass',
      exitCode: errored ? 2 : failed ? 1 : 0,
      reasons,
      stages,
    };
    writeJson(dir, 'gate.json', verdict);
    const loadMeta = readJson<RunMeta>(dir, 'meta.json');
    writeJson(dir, 'meta.json', { ...loadMeta, ...meta, engine: loadMeta?.engine, scenarios: loadMeta?.scenarios, kind: 'gate', endedAt: new Date().toISOString(), exitCode: verdict.exitCode });

    const report = await writeReport(dir, cfg.baseline || undefined);
    console.log(`\n${'='.repeat(72)}\nGATE ${verdict.verdict.toUpperCase()}  (exit ${verdict.exitCode})`);
    for (const s of stages) console.log(`  ${s.status.padEnd(7)} ${s.name.padEnd(8)} ${s.detail}`);
    for (const r of reasons) console.log(`  - ${r}`);
    if (report) console.log(`Report: ${report}`);
    console.log(`Results: ${dir}`);
    return verdict.exitCode;
  },
};

async function writeReport(dir: string, baseline?: string): Promise<string | undefined> {
  const modulePath = new URL('../../reports/index.ts', import.meta.url);
  if (!fs.existsSync(modulePath)) return undefined;
  try {
    const { generateReport } = await import(modulePath.href);
    await generateReport(dir, { baseline });
    return path.join(dir, 'report.html');
  } catch (e) {
    console.error(`gate: the report could not be written: ${(e as Error).message}`);
    return undefined;
  }
}

function firstLine(s: string): string { return s.split('\n').find((l) => l.trim())?.trim().slice(0, 200) ?? ''; }
function restoreEnv(saved: Record<string, string | undefined>) {
  for (const [k, v] of Object.entries(saved)) { if (v === undefined) delete process.env[k]; else process.env[k] = v; }
}

export default gate;
