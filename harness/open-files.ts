/**
 * The open-file limit a load run lives under. Each VU holds a connection, and a connection is a
 * file descriptor, so a run with more VUs than `ulimit -n` allows fails its requests with EMFILE
 * part-way (k6's docs: raise the limit). Node has no getrlimit: the limit is read from
 * /proc/self/limits (Linux), else from `ulimit -n` in a shell. Worker threads share the process's
 * limit, so only fewer VUs per machine (or a higher limit) help.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { fail } from './errors.ts';

/** Descriptors the process needs besides the VUs' connections: modules, logs, result files, the included API's pipes. */
export const SPARE_FILES = 256;

export interface OpenFileLimit { soft: number; hard: number | 'unlimited' }

const parseLimit = (s: string): number => (s === 'unlimited' ? Number.POSITIVE_INFINITY : Number(s));

/** This process's open-file limit, or undefined where neither /proc nor a shell can tell. */
export function openFileLimit(): OpenFileLimit | undefined {
  try {
    const line = fs.readFileSync('/proc/self/limits', 'utf8').split('\n').find((l) => l.startsWith('Max open files'));
    const m = line && /^Max open files\s+(\S+)\s+(\S+)/.exec(line);
    if (m) return { soft: parseLimit(m[1]!), hard: m[2] === 'unlimited' ? 'unlimited' : Number(m[2]) };
  } catch { /* not Linux: ask a shell */ }
  try {
    const [soft, hard] = execFileSync('sh', ['-c', 'ulimit -Sn; ulimit -Hn'], { encoding: 'utf8' }).trim().split('\n');
    return { soft: parseLimit(soft!.trim()), hard: hard?.trim() === 'unlimited' ? 'unlimited' : Number(hard) };
  } catch { return undefined; }
}

/**
 * Refuses, before any VU starts, a run whose `vus` would need more descriptors than the soft limit
 * allows: one clear harness error (exit 2) naming the limit and the fixes.
 */
export function assertOpenFiles(vus: number, limit: OpenFileLimit | undefined = openFileLimit()): void {
  if (!limit || !Number.isFinite(limit.soft)) return;
  const need = vus + SPARE_FILES;
  if (need <= limit.soft) return;
  throw fail('SHIPCHECK_ERR_OPEN_FILES', { need, vus, spare: SPARE_FILES, limit: limit.soft, hard: String(limit.hard) });
}
