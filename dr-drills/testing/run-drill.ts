/** Runs `shipcheck drill ...` as a real child process and reads back its journal. */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { projectRoot } from '../../harness/project-root.ts';
import type { DrillJournal } from '../../harness/result-types.ts';
import { journalProblems } from '../lib/journal.ts';

export interface DrillRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  out: string;
  journal?: DrillJournal;
  /** Schema complaints about the journal (empty when valid). */
  problems: string[];
  failed: string[];
}

export function tempOut(label: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `shipcheck-drilltest-${label}-`));
}

export async function runDrill(name: string, args: string[] = [], opts: { env?: NodeJS.ProcessEnv; onStdout?: (text: string, kill: (s: NodeJS.Signals) => void) => void } = {}): Promise<DrillRun> {
  const out = tempOut(name);
  const child = spawn(process.execPath, [path.join(projectRoot, 'bin', 'shipcheck.mjs'), 'drill', name, '--out', out, '--no-report', ...args], {
    cwd: projectRoot,
    env: opts.env ?? process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => { stdout += d; opts.onStdout?.(stdout, (s) => child.kill(s)); });
  child.stderr.on('data', (d: Buffer) => { stderr += d; });
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((r) => child.once('exit', (c, s) => r([c, s])));
  const file = path.join(out, 'drills', `${name}.json`);
  const journal = fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')) as DrillJournal : undefined;
  const problems = journal ? journalProblems(journal) : ['no journal'];
  return { code, signal, stdout, stderr, out, journal, problems, failed: journal?.objectives.filter((o) => !o.passed).map((o) => o.name) ?? [] };
}

/** Data directories of clusters the drill printed ("data /tmp/.../data"). */
export function clusterDirs(stdout: string): string[] {
  return [...new Set([...stdout.matchAll(/\(data (\/[^)\s]+)\)/g)].map((m) => m[1]))];
}
