import { fail } from '../errors.ts';
import { redactUrl } from '../redact.ts';
import { containerRuntimeAvailable } from './container-runtime.ts';
import { ensureDatabase, probe, withDatabase } from './database.ts';
import { EmbeddedCluster } from './embedded-cluster.ts';

export type PostgresKind = 'external' | 'container' | 'embedded';

export interface PostgresHandle {
  kind: PostgresKind;
  /** URL of the application database (`database` option). */
  url: string;
  /** URL of the maintenance database, for creating and dropping databases. */
  adminUrl: string;
  /** One line for humans: where the database is (credentials redacted). */
  describe: string;
  /** The embedded cluster, when that is what runs (drills and outage tests control it). */
  cluster?: EmbeddedCluster;
  stop(): Promise<void>;
}

export interface ProvisionOptions {
  /** Cluster name: data lives in `.shipcheck/pg/<name>` for embedded clusters. */
  name: string;
  /** Application database to create (default `shipcheck`). */
  database?: string;
  /** Throwaway embedded cluster in a temp dir, deleted on stop. */
  ephemeral?: boolean;
  /** Ignore DATABASE_URL (drills and tests that must own their cluster). */
  ignoreDatabaseUrl?: boolean;
  env?: NodeJS.ProcessEnv;
  log?: (line: string) => void;
}

/**
 * One way to get a PostgreSQL for the app, the tests and the drills, in this order:
 * DATABASE_URL if set → a testcontainers PostgreSQL when a Docker engine answers →
 * an embedded PostgreSQL (real binaries from npm).
 */
export async function provisionPostgres(opts: ProvisionOptions): Promise<PostgresHandle> {
  const env = opts.env ?? process.env;
  const log = opts.log ?? (() => {});
  const database = opts.database ?? 'shipcheck';

  if (env.DATABASE_URL && !opts.ignoreDatabaseUrl) {
    const url = env.DATABASE_URL;
    const reason = await probe(url);
    if (reason) throw fail('SHIPCHECK_ERR_PG_UNREACHABLE', { url: redactUrl(url), reason });
    return { kind: 'external', url, adminUrl: withDatabase(url, 'postgres'), describe: `PostgreSQL at ${redactUrl(url)} (DATABASE_URL)`, stop: async () => {} };
  }

  if (await containerRuntimeAvailable()) {
    const { PostgreSqlContainer } = await import('@testcontainers/postgresql');
    log('Starting PostgreSQL 15 in a container (testcontainers)...');
    const container = await new PostgreSqlContainer('postgres:15-alpine').withDatabase(database).start();
    const url = container.getConnectionUri();
    return { kind: 'container', url, adminUrl: withDatabase(url, 'postgres'), describe: `PostgreSQL container ${container.getId().slice(0, 12)}`, stop: async () => { await container.stop(); } };
  }

  const cluster = new EmbeddedCluster({ name: opts.name, ephemeral: opts.ephemeral, log });
  await cluster.start();
  const adminUrl = cluster.url('postgres');
  const url = await ensureDatabase(adminUrl, database);
  return {
    kind: 'embedded',
    url,
    adminUrl,
    cluster,
    describe: `embedded PostgreSQL ${cluster.binaries.version.split('-')[0]} on 127.0.0.1:${cluster.port} (data ${cluster.dataDir})`,
    stop: () => (opts.ephemeral ? cluster.destroy() : cluster.stop()),
  };
}
