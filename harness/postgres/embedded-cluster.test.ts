import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { EmbeddedCluster } from './embedded-cluster.ts';
import { ShipcheckError } from '../errors.ts';

const clusters: EmbeddedCluster[] = [];
function cluster(): EmbeddedCluster {
  const c = new EmbeddedCluster({ name: 'harness-test', ephemeral: true });
  clusters.push(c);
  return c;
}
afterEach(async () => { for (const c of clusters.splice(0)) await c.destroy(); });

async function query(url: string, sql: string, params: unknown[] = []) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try { return (await client.query(sql, params)).rows; } finally { await client.end(); }
}

describe('EmbeddedCluster', () => {
  it('initialises, serves real SQL on loopback, and keeps its data across a restart on the same port', async () => {
    const c = cluster();
    await c.start();
    expect(c.url()).toMatch(/^postgres:\/\/postgres@127\.0\.0\.1:\d+\/postgres$/);
    await query(c.url(), 'create table t (v int)');
    await query(c.url(), 'insert into t values (42)');
    const port = c.port;
    await c.stop();
    expect(c.isRunning).toBe(false);
    await c.start();
    expect(c.port).toBe(port);
    expect(await query(c.url(), 'select v from t')).toEqual([{ v: 42 }]);
  });

  it('recovers from a crash: SIGKILL leaves postmaster.pid behind, the next start removes it and replays WAL', async () => {
    const logs: string[] = [];
    const c = new EmbeddedCluster({ name: 'harness-crash', ephemeral: true, log: (l) => logs.push(l) });
    clusters.push(c);
    await c.start();
    await query(c.url(), 'create table t (v int)');
    await query(c.url(), 'insert into t values (7)');
    await c.kill();
    expect(fs.existsSync(path.join(c.dataDir, 'postmaster.pid'))).toBe(true);
    // Backends of a SIGKILLed postmaster may linger a moment holding the shared memory.
    await new Promise((r) => setTimeout(r, 500));
    await c.start();
    expect(logs.some((l) => l.includes('stale postmaster.pid'))).toBe(true);
    expect(await query(c.url(), 'select v from t')).toEqual([{ v: 7 }]);
  });

  it('refuses a data directory that another live process holds, naming the pid and the fix', async () => {
    const c = cluster();
    await c.start();
    await c.stop();
    // Pretend a live process (this test runner, whose parent is not init) owns the directory.
    fs.writeFileSync(path.join(c.dataDir, 'postmaster.pid'), `${process.pid}\n${c.dataDir}\n`);
    const err = await c.start().then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(ShipcheckError);
    expect((err as ShipcheckError).code).toBe('SHIPCHECK_ERR_PG_STALE');
    expect((err as Error).message).toContain(`process ${process.pid}`);
    expect((err as Error).message).toContain(c.dataDir);
    fs.rmSync(path.join(c.dataDir, 'postmaster.pid'));
  });

  it('reports a server that cannot start with the reason and the log path', async () => {
    const c = new EmbeddedCluster({ name: 'harness-bad', ephemeral: true, settings: { shared_buffers: 'lots' } });
    clusters.push(c);
    const err = await c.start().then(() => undefined, (e: unknown) => e);
    expect((err as ShipcheckError).code).toBe('SHIPCHECK_ERR_PG_START');
    expect((err as Error).message).toMatch(/shared_buffers/);
    expect((err as Error).message).toContain(c.logFile);
  });
});
