/**
 * Drill benchmark: `npx tsx bench/drills/run.ts [--rows 100000,1000000]`
 *
 * Runs the real drills through `shipcheck drill` and prints each figure with the command that
 * reproduces it, against its goal and a peer measured in the same run:
 * 1. backup-restore RTO at 100k and 1M content rows (goal ≤ 60 s at 1M); peer: pg_restore's
 *    own time in the same drill (how much of the RTO is the restore itself), and 1M vs 100k.
 * 2. pitr RPO (goal ≤ 1 s); peer: the pause between acknowledged writes (the floor of RPO).
 * 3. db-outage recovery, PostgreSQL back → API healthy (goal ≤ 5 s); peer: the outage length.
 * Run once, on a quiet machine; the figures depend on it.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { projectRoot } from '../../harness/project-root.ts';
import type { DrillJournal } from '../../harness/result-types.ts';

const rowsIdx = process.argv.indexOf('--rows');
const rowSizes = (rowsIdx > 0 ? process.argv[rowsIdx + 1] : '100000,1000000').split(',').map(Number);
// Result folders are kept (out/bench-drills/<run>/drills/*.json) so a surprising figure can be read in full.
const tmp = path.join(projectRoot, 'out', 'bench-drills', new Date().toISOString().replace(/[:.]/g, '-'));
fs.mkdirSync(tmp, { recursive: true });
const line = (s: string) => console.log(s);

function drill(name: string, args: string[]): { journal: DrillJournal; command: string; wallSeconds: number } {
  const out = path.join(tmp, `${name}-${args.join('_').replace(/[^a-z0-9_]/gi, '')}`);
  const cli = ['drill', name, ...args, '--out', out, '--no-report'];
  const command = `npx shipcheck ${cli.filter((a, i, all) => a !== '--out' && all[i - 1] !== '--out').join(' ')}`;
  const started = performance.now();
  const r = spawnSync(process.execPath, [path.join(projectRoot, 'bin', 'shipcheck.mjs'), ...cli], { cwd: projectRoot, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const wallSeconds = (performance.now() - started) / 1000;
  const file = path.join(out, 'drills', `${name}.json`);
  if (!fs.existsSync(file)) throw new Error(`${command} wrote no journal (exit ${r.status}): ${r.stderr.trim()}`);
  const journal = JSON.parse(fs.readFileSync(file, 'utf8')) as DrillJournal;
  if (journal.verdict !== 'pass') line(`  note: ${name} verdict ${journal.verdict}: ${journal.objectives.filter((o) => !o.passed).map((o) => o.name).join(', ') || journal.error}`);
  return { journal, command, wallSeconds };
}

const f = (n: number | undefined, digits = 2) => (n === undefined ? '—' : n.toFixed(digits));
/** Why a drill's figure is missing, from its journal: the figure is then printed as "not measured (why)", never as —, NaN or undefined. */
const whyMissing = (j: DrillJournal) => (j.error ? `the drill ended ${j.verdict}: ${j.error}` : `the drill ended ${j.verdict} before measuring it`);
const measured = (n: unknown): n is number => typeof n === 'number' && Number.isFinite(n);
/** A figure with its unit and, when it was measured, what follows it (a share of the goal, say). */
const fig = (j: DrillJournal, n: unknown, unit: string, digits = 2, then?: (n: number) => string) =>
  (measured(n) ? `${n.toFixed(digits)}${unit}${then ? then(n) : ''}` : `not measured (${whyMissing(j)})`);
const results: Record<string, unknown> = { machine: { cores: os.availableParallelism(), memoryGB: Math.round(os.totalmem() / 2 ** 30) } };

try {
  line('1. backup-restore: RTO = disaster declared → API healthy on the restored data (goal ≤ 60 s at 1M rows)');
  const rto: Record<number, number> = {};
  for (const rows of rowSizes) {
    const { journal: j, command, wallSeconds } = drill('backup-restore', ['--rows', String(rows)]);
    const m = j.measurements;
    rto[rows] = m.rtoSeconds;
    line(`   $ ${command}`);
    const share = measured(m.restoreSeconds) && measured(m.rtoSeconds) ? ` = ${((m.restoreSeconds / m.rtoSeconds) * 100).toFixed(0)} % of it` : '';
    const dump = measured(Number(j.context?.dumpBytes)) ? `${(Number(j.context!.dumpBytes) / 1e6).toFixed(0)} MB` : `not measured (${whyMissing(j)})`;
    line(`   ${rows.toLocaleString('en-US')} rows: RTO ${fig(j, m.rtoSeconds, ' s')} (pg_restore ${fig(j, m.restoreSeconds, ' s')}${share}), pg_dump ${fig(j, m.backupSeconds, ' s')}, dump ${dump}, RPO ${fig(j, m.rpoSeconds, ' s')}; whole drill ${f(wallSeconds, 0)} s`);
    results[`backupRestore${rows}`] = { ...m, command, wallSeconds };
  }
  if (rowSizes.length > 1) {
    const [a, b] = [rowSizes[0], rowSizes.at(-1)!];
    if (measured(rto[a]) && measured(rto[b])) line(`   RTO ratio ${b.toLocaleString('en-US')} / ${a.toLocaleString('en-US')} rows: ${f(rto[b] / rto[a])}× for ${b / a}× the data; ${rto[b] <= 60 ? 'meets' : 'misses'} the 60 s goal (${f(rto[b] / 60)} of it)`);
    else line(`   RTO ratio ${b.toLocaleString('en-US')} / ${a.toLocaleString('en-US')} rows: not measured (a drill above has no RTO)`);
  }

  line('\n2. pitr: RPO = disaster instant − newest write present after recovery (goal ≤ 1 s)');
  {
    const { journal: j, command } = drill('pitr', []);
    const pauseMs = 10;
    line(`   $ ${command}`);
    const lost = j.context?.lostAcknowledgedWrites;
    line(`   RPO ${fig(j, j.measurements.rpoSeconds, ' s', 3, (n) => ` (${(n / 1).toFixed(3)} of the goal)`)}; writes every ~${pauseMs} ms + commit, so the floor is ~0.01 s; recovery ${fig(j, j.measurements.recoverySeconds, ' s')}; acknowledged writes lost: ${measured(lost) ? lost : `not counted (${whyMissing(j)})`}`);
    results.pitr = { ...j.measurements, command };
  }

  line('\n3. db-outage: PostgreSQL back → API healthy, without a restart (goal ≤ 5 s; the SLO is 30 s)');
  {
    const { journal: j, command } = drill('db-outage', []);
    line(`   $ ${command}`);
    line(`   recovery ${fig(j, j.measurements.recoverySeconds, ' s', 3, (n) => ` (${(n / 5).toFixed(3)} of the 5 s goal)`)} after an outage of ${fig(j, j.measurements.outageSeconds, ' s', 1)}; failing requests answered in p99 ${fig(j, j.measurements.failFastSeconds, ' s', 3)}`);
    results.dbOutage = { ...j.measurements, command };
  }
  const file = path.join(tmp, 'figures.json');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(results, null, 2));
  line(`\nFigures: ${file}`);
} finally {
  line(`Journals: ${tmp}`);
}
