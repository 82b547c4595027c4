/**
 * PostgreSQL as one plugin: decorates the instance with a `pg` Pool and ends it on close.
 * Idle connections that break (server restart, network drop) are logged, not fatal; the pool
 * opens fresh ones on the next query, so the app recovers by itself when the database returns.
 */
import type { FastifyInstance } from 'fastify';
import pg from 'pg';

declare module 'fastify' {
  interface FastifyInstance { pg: pg.Pool }
}

export interface PostgresPluginOptions { connectionString: string; max: number; connectTimeoutMs: number }

async function postgresPlugin(app: FastifyInstance, opts: PostgresPluginOptions): Promise<void> {
  const pool = new pg.Pool({
    connectionString: opts.connectionString,
    max: opts.max,
    connectionTimeoutMillis: opts.connectTimeoutMs,
    idleTimeoutMillis: 30_000,
    // A query stuck on a half-dead server must not hold a request (or a pool slot) forever.
    query_timeout: 15_000,
    application_name: 'shipcheck-app',
  });
  pool.on('error', (err) => app.log.warn({ err: { message: err.message, code: (err as { code?: string }).code } }, 'idle PostgreSQL connection failed; the pool will reconnect'));
  app.decorate('pg', pool);
  app.addHook('onClose', async () => { await pool.end(); });
}
// Share the decoration with the whole app instead of an encapsulated child context.
(postgresPlugin as unknown as Record<symbol, boolean>)[Symbol.for('skip-override')] = true;

export default postgresPlugin;
