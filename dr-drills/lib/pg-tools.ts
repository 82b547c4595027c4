/**
 * Finds PostgreSQL client tools whose major matches the server's: pg_dump refuses a newer
 * server, and pg_verifybackup/pg_amcheck read on-disk formats of their own major. Looks in
 * PATH, then in Debian's versioned directory (`/usr/lib/postgresql/<major>/bin`), where
 * pg_verifybackup and pg_amcheck live. `SHIPCHECK_PG_TOOL_DIRS` (colon-separated) replaces
 * the versioned directory, for unusual installs.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fail } from '../../harness/errors.ts';

export type PgTool = 'pg_dump' | 'pg_restore' | 'pg_basebackup' | 'pg_verifybackup' | 'pg_amcheck' | 'pg_receivewal' | 'psql';

const cache = new Map<string, string>();

function toolVersion(file: string): string | undefined {
  try {
    return execFileSync(file, ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 10_000 }).trim();
  } catch { return undefined; }
}

function candidateDirs(major: number, env: NodeJS.ProcessEnv): { path: string[]; versioned: string[] } {
  const pathDirs = (env.PATH ?? '').split(path.delimiter).filter(Boolean);
  const versioned = env.SHIPCHECK_PG_TOOL_DIRS !== undefined
    ? env.SHIPCHECK_PG_TOOL_DIRS.split(':').filter(Boolean)
    : [`/usr/lib/postgresql/${major}/bin`];
  return { path: pathDirs, versioned };
}

/** The absolute path of `tool` at PostgreSQL `major`, or one clear error naming it and how to install it. */
export function findPgTool(tool: PgTool, major: number, env: NodeJS.ProcessEnv = process.env): string {
  const key = `${tool}@${major}@${env.PATH}@${env.SHIPCHECK_PG_TOOL_DIRS}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const dirs = candidateDirs(major, env);
  let wrongMajor: string | undefined;
  for (const dir of [...dirs.path, ...dirs.versioned]) {
    const file = path.join(dir, tool);
    try { fs.accessSync(file, fs.constants.X_OK); } catch { continue; }
    const version = toolVersion(file);
    const m = version?.match(/\)\s+(\d+)(?:\.\d+)?/) ?? version?.match(/\s(\d+)\.\d+/);
    if (m && Number(m[1]) === major) {
      cache.set(key, file);
      return file;
    }
    wrongMajor ??= `${file} (${version ?? 'no --version'})`;
  }
  throw fail('SHIPCHECK_ERR_DRILL_TOOL', { tool, major, where: ['PATH', ...dirs.versioned].join(', '), found: wrongMajor ?? '' });
}

/** Checks all `tools` at once, so a drill fails before it starts rather than halfway. */
export function requirePgTools<T extends PgTool>(tools: readonly T[], major: number, env: NodeJS.ProcessEnv = process.env): Record<T, string> {
  const out = {} as Record<T, string>;
  for (const t of tools) out[t] = findPgTool(t, major, env);
  return out;
}
