/**
 * runLoad() for the tests, in a child process (engine/testing/run-load-child.mjs): the same
 * function the CLI and the gate call, with the engine's module hooks in place.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LiveTarget } from '../../harness/target/live-target.ts';
import type { LoadOptions, LoadResult } from '../run-load.ts';

const child = path.join(path.dirname(fileURLToPath(import.meta.url)), 'run-load-child.mjs');

export interface ChildRun {
  result?: LoadResult;
  /** A known error runLoad threw (bad option, bundle error, ...). */
  error?: { message: string; code?: string; exitCode?: number };
  stdout: string;
  stderr: string;
}

export type SerializableOptions = Omit<LoadOptions, 'signal' | 'log'>;

export interface ChildOptions {
  /** Gets the child once it runs, to send it SIGINT when the test's event comes. */
  onStarted?: (p: ReturnType<typeof spawn>) => void;
  /** The child's environment on top of this process's (PATH without k6, say). */
  env?: Record<string, string>;
}

/** Runs runLoad(live, options) in a child process and returns what it returned or threw. */
export function runLoadInChild(live: Pick<LiveTarget, 'target' | 'env' | 'token' | 'pool' | 'secrets'>, options: SerializableOptions, o: ChildOptions = {}): Promise<ChildRun> {
  const resultFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'run-load-')), 'result.json');
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [child], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1', ...o.env } });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (c) => { stdout += c; });
    p.stderr.on('data', (c) => { stderr += c; });
    p.stdin.end(JSON.stringify({ live: { target: live.target, env: live.env, token: live.token, pool: live.pool, secrets: live.secrets }, options, resultFile }));
    o.onStarted?.(p);
    p.on('close', () => {
      const out = fs.existsSync(resultFile) ? (JSON.parse(fs.readFileSync(resultFile, 'utf8')) as Omit<ChildRun, 'stdout' | 'stderr'>) : {};
      fs.rmSync(path.dirname(resultFile), { recursive: true, force: true });
      resolve({ ...out, stdout, stderr });
    });
  });
}
