import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { projectRoot } from './project-root.ts';
import { redactText } from './redact.ts';
import type { RunMeta } from './result-types.ts';

/** A run id that sorts by time and says what ran: 20261122-015900-load-smoke. */
export function newRunId(kind: string, label?: string): string {
  const ts = new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return [ts, kind, label].filter(Boolean).join('-').replace(/[^A-Za-z0-9._-]/g, '_');
}

/** Creates the result folder (default `out/<run-id>`) and returns its absolute path. */
export function createResultDir(opts: { out?: string; kind: string; label?: string }): string {
  const dir = path.resolve(opts.out ?? path.join(projectRoot, 'out', newRunId(opts.kind, opts.label)));
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

export function gitCommit(): string | undefined {
  try {
    return execFileSync('git', ['rev-parse', '--short=12', 'HEAD'], { cwd: projectRoot, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch { return undefined; }
}

export function machineFacts(): RunMeta['machine'] {
  return { cores: os.availableParallelism?.() ?? os.cpus().length, memoryBytes: os.totalmem(), platform: `${os.platform()}-${os.arch()}`, node: process.version };
}

/** Starts a meta.json record; secrets in the command line are redacted. */
export function startMeta(kind: RunMeta['kind'], runId: string, fields: Partial<RunMeta> = {}, secrets: string[] = []): RunMeta {
  return {
    runId,
    kind,
    gitCommit: gitCommit(),
    startedAt: new Date().toISOString(),
    machine: machineFacts(),
    commandLine: process.argv.slice(1).map((a) => redactText(a, secrets)),
    ...fields,
  };
}

export function writeJson(dir: string, file: string, data: unknown): string {
  const p = path.join(dir, file);
  fs.mkdirSync(path.dirname(p), { recursive: true });
  // Write then rename, so a crash never leaves half a file where a reader expects a whole one.
  fs.writeFileSync(`${p}.tmp`, JSON.stringify(data, null, 2));
  fs.renameSync(`${p}.tmp`, p);
  return p;
}

export function readJson<T>(dir: string, file: string): T | undefined {
  const p = path.join(dir, file);
  if (!fs.existsSync(p)) return undefined;
  return JSON.parse(fs.readFileSync(p, 'utf8')) as T;
}
