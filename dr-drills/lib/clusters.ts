/**
 * Clusters a drill creates and owns: throwaway embedded PostgreSQL clusters in temp
 * directories, always removed by the drill's cleanup. Drills never touch a cluster they did
 * not create — a DATABASE_URL in the environment is ignored, and `--database-url` is refused
 * unless `--i-know-this-destroys` names its database.
 */
import fs from 'node:fs';
import path from 'node:path';
import { $ } from 'zx';
import { fail } from '../../harness/errors.ts';
import { ensureDatabase } from '../../harness/postgres/database.ts';
import { EmbeddedCluster } from '../../harness/postgres/embedded-cluster.ts';
import { pgBinaries } from '../../harness/postgres/binaries.ts';
import { serverAccount } from '../../harness/postgres/run-as.ts';
import { redactUrl } from '../../harness/redact.ts';
import type { Drill } from './drill.ts';

export interface ClusterOptions {
  settings?: Record<string, string>;
  /** Fills the data directory before the first start (a base backup being restored). */
  fromDataDir?: string;
  /** Extra files to write into the data directory before the first start (recovery.signal). */
  files?: Record<string, string>;
  say?: (line: string) => void;
}

/** Starts a throwaway cluster named after the drill; the drill's cleanup destroys it. */
export async function createCluster(drill: Drill, label: string, opts: ClusterOptions = {}): Promise<EmbeddedCluster> {
  const cluster = new EmbeddedCluster({ name: `drill-${drill.spec.name}-${label}`, ephemeral: true, settings: opts.settings, log: opts.say });
  drill.defer(`remove cluster ${label}`, () => cluster.destroy());
  if (opts.fromDataDir) {
    fs.mkdirSync(path.dirname(cluster.dataDir), { recursive: true });
    await $`cp -a ${opts.fromDataDir} ${cluster.dataDir}`;
  }
  for (const [name, text] of Object.entries(opts.files ?? {})) {
    fs.mkdirSync(cluster.dataDir, { recursive: true });
    fs.writeFileSync(path.join(cluster.dataDir, name), text);
  }
  if (fs.existsSync(cluster.dataDir)) await giveToServer(cluster, cluster.dataDir, 0o700);
  await cluster.start();
  drill.context('postgres', cluster.binaries.version.split('-')[0]);
  drill.context('clusterKind', 'embedded');
  return cluster;
}

/** The PostgreSQL major of a cluster's server binaries (client tools must match it). */
export function serverMajor(cluster: EmbeddedCluster): number {
  return Number(cluster.binaries.version.split('.')[0]);
}

/** Hands files we wrote (as root) to the account the server runs as, which must read or own them. */
export async function giveToServer(cluster: EmbeddedCluster, dir: string, mode?: number): Promise<void> {
  if (cluster.account) await $`chown -R ${`${cluster.account.uid}:${cluster.account.gid}`} ${dir}`;
  if (mode !== undefined) fs.chmodSync(dir, mode);
}

/** A scratch directory of the drill's, removed by its cleanup; readable by the server account. */
export function scratchDir(drill: Drill, label: string): string {
  const dir = fs.mkdtempSync(path.join(process.env.TMPDIR ?? '/tmp', `shipcheck-${drill.spec.name}-${label}-`));
  fs.chmodSync(dir, 0o755);
  drill.defer(`remove ${label}`, () => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Creates the application database on a drill's cluster and returns its URL. */
export function appDatabase(cluster: EmbeddedCluster, name = 'shipcheck'): Promise<string> {
  return ensureDatabase(cluster.url('postgres'), name);
}

/**
 * Drills create their own clusters. An existing database is used only when the operator
 * names it twice: `--database-url` and `--i-know-this-destroys <its database name>`.
 */
export function guardDatabaseUrl(drillName: string, args: { 'database-url': string; 'i-know-this-destroys': string }): string | undefined {
  const url = args['database-url'];
  if (!url) return undefined;
  let database = '';
  try { database = decodeURIComponent(new URL(url).pathname.slice(1)); } catch { /* reported below */ }
  if (!database || args['i-know-this-destroys'] !== database) {
    throw fail('SHIPCHECK_ERR_DRILL_UNSAFE', { drill: drillName, url: redactUrl(url), database: database || '<database>' });
  }
  return url;
}

/** The PostgreSQL major the drill clusters will run, before any is started (to check the client tools first). */
export function embeddedMajor(): number {
  return Number(pgBinaries(serverAccount()).version.split('.')[0]);
}
