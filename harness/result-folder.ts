import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fail } from './errors.ts';
import { projectRoot } from './project-root.ts';
import { redactText } from './redact.ts';
import type { RunMeta } from './result-types.ts';

/** A run id that sorts by time and says what ran: 20261122-015900-load-smoke. */
export function newRunId(kind: string, label?: string): string {
  const ts = new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return [ts, kind, label].filter(Boolean).join('-').replace(/[^A-Za-z0-9._-]/g, '_');
}

/** Less free space than this and a run would fail part-way (traces and reports are megabytes): refuse before it starts. */
export const MIN_FREE_BYTES = 16 * 1024 * 1024;
/** The probe is written in full, so a disk that is full to the last block fails here, not in the middle of a run. */
const PROBE_BYTES = 64 * 1024;

const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
const errReason = (e: unknown) => { const x = e as NodeJS.ErrnoException; return x.code ? `${x.code} (${x.message.replace(/^\w+: /, '').replace(/, \w+( '.*')?$/, '')})` : String(x.message ?? x); };

/** mkdir -p, failing with the real cause: a recursive mkdir on a read-only disk says ENOENT, not EROFS. */
function mkdirWithCause(dir: string): void {
  try { fs.mkdirSync(dir, { recursive: true }); return; } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  let missing = dir;
  while (!fs.existsSync(path.dirname(missing)) && path.dirname(missing) !== missing) missing = path.dirname(missing);
  fs.mkdirSync(missing);
  fs.mkdirSync(dir, { recursive: true });
}

/**
 * Makes `dir` (and its parents) and proves it can hold a run: a probe file is written, synced
 * and removed, and the disk has at least MIN_FREE_BYTES free. Read-only, unwritable and full
 * folders are one clear harness error (exit 2) before anything starts.
 */
export function prepareResultDir(dir: string): string {
  const abs = path.resolve(dir);
  const probe = path.join(abs, `.shipcheck-write-probe-${process.pid}`);
  try {
    mkdirWithCause(abs);
    const fd = fs.openSync(probe, 'w');
    try { fs.writeSync(fd, Buffer.alloc(PROBE_BYTES)); fs.fsyncSync(fd); } finally { fs.closeSync(fd); }
  } catch (e) {
    fs.rmSync(probe, { force: true });
    if ((e as NodeJS.ErrnoException).code === 'ENOSPC') throw fail('SHIPCHECK_ERR_OUT_DIR_FULL', { dir: abs, free: 'no space', need: mib(MIN_FREE_BYTES) }, e);
    throw fail('SHIPCHECK_ERR_OUT_DIR_UNWRITABLE', { dir: abs, reason: errReason(e) }, e);
  }
  fs.rmSync(probe, { force: true });
  const fsStats = fs.statfsSync(abs);
  const free = fsStats.bavail * fsStats.bsize;
  if (free < MIN_FREE_BYTES) throw fail('SHIPCHECK_ERR_OUT_DIR_FULL', { dir: abs, free: mib(free), need: mib(MIN_FREE_BYTES) });
  return abs;
}

/** Creates the result folder (default `out/<run-id>`), checked by prepareResultDir, and returns its absolute path. */
export function createResultDir(opts: { out?: string; kind: string; label?: string }): string {
  return prepareResultDir(opts.out ?? path.join(projectRoot, 'out', newRunId(opts.kind, opts.label)));
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
  try {
    fs.mkdirSync(path.dirname(p), { recursive: true });
    // Write then rename, so a crash never leaves half a file where a reader expects a whole one.
    fs.writeFileSync(`${p}.tmp`, JSON.stringify(data, null, 2));
    fs.renameSync(`${p}.tmp`, p);
  } catch (e) {
    fs.rmSync(`${p}.tmp`, { force: true });
    const code = (e as NodeJS.ErrnoException).code;
    // The disk filled (or went read-only) during the run: say which file, and keep the files already written.
    if (code === 'ENOSPC' || code === 'EDQUOT' || code === 'EROFS' || code === 'EACCES' || code === 'EPERM') {
      throw fail('SHIPCHECK_ERR_RESULT_WRITE', {
        file: p, dir, reason: errReason(e),
        fix: code === 'ENOSPC' || code === 'EDQUOT' ? 'Free space on that disk, or pass --out DIR on another disk, and run again.' : 'Make the folder writable, or pass --out DIR elsewhere, and run again.',
      }, e);
    }
    throw e;
  }
  return p;
}

export function readJson<T>(dir: string, file: string): T | undefined {
  const p = path.join(dir, file);
  if (!fs.existsSync(p)) return undefined;
  return JSON.parse(fs.readFileSync(p, 'utf8')) as T;
}
