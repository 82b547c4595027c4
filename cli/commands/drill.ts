import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { EXIT, fail } from '../../harness/errors.ts';
import { SUITE_EXIT_CODES, type CommandSpec } from '../flags.ts';
import { projectRoot } from '../../harness/project-root.ts';
import { createResultDir, readJson, startMeta, writeJson } from '../../harness/result-folder.ts';
import type { DrillJournal } from '../../harness/result-types.ts';
import type { Command } from '../run-cli.ts';

/** The drills in the order `all` runs them: cheap checks first, the app-level faults last. */
export const DRILLS = ['backup-freshness', 'backup-restore', 'pitr', 'migration-rollback', 'app-crash', 'db-outage', 'ai-outage'] as const;
const drillsDir = path.join(projectRoot, 'dr-drills');

const spec = {
  name: 'drill',
  summary: 'Run disaster-recovery drills and measure RTO/RPO against their targets',
  args: '<name>|all [drill flags...]',
  description: `Runs disaster-recovery drills on clusters they create themselves and writes each journal to
<out>/drills/<name>.json. Drills: ${DRILLS.join(', ')}.
With one drill, any other flag goes to it: "shipcheck drill <name> --help" lists them,
e.g. --sabotage drop-table, --outage-seconds 5, --database-url URL --i-know-this-destroys DB.`,
  flags: {
    out: { type: 'string', value: 'DIR', default: 'out/<run-id>', description: 'result folder' },
    rows: { type: 'string', value: 'N', default: '100000', description: 'content rows backup-restore seeds' },
    'no-report': { type: 'boolean', description: 'do not render report.html at the end' },
  },
  exitCodes: SUITE_EXIT_CODES,
} satisfies CommandSpec;

interface Outcome { drill: string; exitCode: number; journal?: DrillJournal }

function runDrill(name: string, out: string, flags: string[]): Promise<{ code: number; signal: NodeJS.Signals | null }> {
  const tsx = fileURLToPath(import.meta.resolve('tsx'));
  const child = spawn(process.execPath, ['--import', tsx, path.join(drillsDir, `${name}.mjs`), '--out', out, ...flags], {
    cwd: projectRoot,
    stdio: 'inherit',
  });
  // Ctrl-C reaches the drill through the terminal's process group; a signal sent to us alone is
  // passed on. Either way the drill cleans up and writes its journal before it ends.
  const forward = (signal: NodeJS.Signals) => { if (child.exitCode === null) child.kill(signal); };
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  return new Promise((resolve) => {
    child.once('exit', (code, signal) => {
      process.off('SIGINT', forward);
      process.off('SIGTERM', forward);
      resolve({ code: code ?? EXIT.harness, signal });
    });
  });
}

function fmt(v: number | undefined): string {
  return v === undefined ? '—' : `${v} s`;
}

const command: Command = {
  spec,
  passesHelp: true,
  async run(argv) {
    const [name, ...rest] = argv;
    if (!name || name.startsWith('-')) throw fail('SHIPCHECK_ERR_BAD_FLAG', { command: 'drill', detail: `name a drill (${DRILLS.join(', ')}) or "all"` });
    if (name !== 'all' && !(DRILLS as readonly string[]).includes(name)) throw fail('SHIPCHECK_ERR_DRILL_UNKNOWN', { drill: name, known: DRILLS.join(', ') });
    if (name !== 'all' && (rest.includes('--help') || rest.includes('-h'))) {
      const tsx = fileURLToPath(import.meta.resolve('tsx'));
      const child = spawn(process.execPath, ['--import', tsx, path.join(drillsDir, `${name}.mjs`), '--help'], { cwd: projectRoot, stdio: 'inherit' });
      return new Promise<number>((resolve) => child.once('exit', (code) => resolve(code ?? EXIT.harness)));
    }
    let out: string | undefined;
    let report = true;
    const forwarded: string[] = [];
    let rows: string | undefined;
    for (let i = 0; i < rest.length; i++) {
      const a = rest[i];
      const [flag, inline] = a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
      const value = () => {
        const v = inline ?? rest[++i];
        if (v === undefined || (inline === undefined && v.startsWith('--'))) throw fail('SHIPCHECK_ERR_BAD_FLAG', { command: 'drill', detail: `${flag} needs a value` });
        return v;
      };
      if (flag === '--out') out = value();
      else if (flag === '--no-report') report = false;
      else if (flag === '--rows') rows = value();
      else if (name === 'all') throw fail('SHIPCHECK_ERR_BAD_FLAG', { command: 'drill', detail: `unknown flag "${flag}" for "drill all" (it takes --out, --rows and --no-report; give a single drill its own flags)` });
      else forwarded.push(a);
    }
    if (rows !== undefined && !/^\d+$/.test(rows)) throw fail('SHIPCHECK_ERR_BAD_OPTION', { option: '--rows', value: rows, hint: 'Give a whole number of content rows, e.g. --rows 100000.' });
    if (rows !== undefined && name !== 'all' && name !== 'backup-restore') throw fail('SHIPCHECK_ERR_BAD_FLAG', { command: 'drill', detail: `--rows applies to backup-restore, not ${name}` });

    const names = name === 'all' ? [...DRILLS] : [name];
    const dir = createResultDir({ out, kind: 'drill', label: name });
    const meta = startMeta('drill', path.basename(dir), { scenario: name });
    writeJson(dir, 'meta.json', meta);

    const outcomes: Outcome[] = [];
    for (const drill of names) {
      const flags = drill === 'backup-restore' && rows !== undefined ? ['--rows', rows, ...forwarded] : forwarded;
      // A stale journal from an earlier run into the same folder must not be mistaken for this one.
      fs.rmSync(path.join(dir, 'drills', `${drill}.json`), { force: true });
      const { code, signal } = await runDrill(drill, dir, flags);
      const journal = readJson<DrillJournal>(dir, path.join('drills', `${drill}.json`));
      const interrupted = signal === 'SIGINT' || signal === 'SIGTERM';
      outcomes.push({ drill, exitCode: interrupted ? EXIT.interrupted : signal ? EXIT.harness : code <= 2 || code === EXIT.invalidConfig ? code : EXIT.harness, journal });
      // A drill that stopped before it began (a bad flag, a missing tool) has said why in one line.
      if (!journal && !signal && names.length === 1) return code === EXIT.invalidConfig ? EXIT.invalidConfig : EXIT.harness;
      if (interrupted) { console.error(`shipcheck: drill ${drill} was interrupted (${signal}); not running the rest.`); break; }
    }

    console.log('\nDrill results');
    console.log(`  ${'drill'.padEnd(18)} ${'verdict'.padEnd(8)} ${'RTO'.padStart(12)} ${'RPO'.padStart(12)} ${'recovery'.padStart(12)}`);
    for (const o of outcomes) {
      const m = o.journal?.measurements ?? {};
      const verdict = o.journal?.verdict ?? 'error';
      console.log(`  ${o.drill.padEnd(18)} ${verdict.padEnd(8)} ${fmt(m.rtoSeconds).padStart(12)} ${fmt(m.rpoSeconds).padStart(12)} ${fmt(m.recoverySeconds).padStart(12)}`);
      for (const f of o.journal?.objectives.filter((x) => !x.passed) ?? []) console.log(`      ✘ ${f.name}: ${f.observed} (target ${f.target})`);
      if (o.journal?.error) console.log(`      ! ${o.journal.error.split('\n')[0]}`);
      if (!o.journal) console.log('      ! no journal was written');
    }
    const exitCode = outcomes.some((o) => o.exitCode === EXIT.interrupted) ? EXIT.interrupted
      : outcomes.some((o) => o.exitCode === EXIT.harness || !o.journal) ? EXIT.harness
      : outcomes.some((o) => o.exitCode !== EXIT.ok) ? EXIT.failed : EXIT.ok;

    writeJson(dir, 'meta.json', { ...meta, endedAt: new Date().toISOString(), exitCode });
    if (report && fs.existsSync(path.join(projectRoot, 'reports', 'index.ts'))) {
      try {
        const { generateReport } = await import('../../reports/index.ts');
        await generateReport(dir);
        console.log(`Report: ${path.join(dir, 'report.html')}`);
      } catch (e) {
        console.error(`shipcheck: the report could not be rendered (${(e as Error).message.split('\n')[0]}); the journals are in ${path.join(dir, 'drills')}.`);
      }
    }
    console.log(`Results: ${dir}`);
    return exitCode;
  },
};

export default command;
