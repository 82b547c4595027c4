/**
 * Test helper: Debian's Prometheus, started for one test file with the remote-write receiver
 * on, its storage in a temporary folder, on a free loopback port; stopped (and the folder
 * removed) by `stop()`. `query` asks its HTTP API, as Grafana does.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export const PROMETHEUS_BIN = process.env.PROMETHEUS_BIN ?? '/usr/bin/prometheus';

export interface PromResult { metric: Record<string, string>; value: [number, string] }
export interface PrometheusServer {
  url: string;
  writeUrl: string;
  query(expr: string): Promise<{ status: string; error?: string; data?: { resultType: string; result: PromResult[] } }>;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => { const { port } = s.address() as net.AddressInfo; s.close(() => resolve(port)); });
  });
}

export async function startPrometheus(): Promise<PrometheusServer> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shipcheck-prometheus-'));
  fs.writeFileSync(path.join(dir, 'prometheus.yml'), 'global:\n  scrape_interval: 1h\n');
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn(PROMETHEUS_BIN, [
    '--web.enable-remote-write-receiver', `--storage.tsdb.path=${path.join(dir, 'data')}`,
    `--web.listen-address=127.0.0.1:${port}`, `--config.file=${path.join(dir, 'prometheus.yml')}`,
  ], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr!.on('data', (c) => { log = (log + c).slice(-4000); });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  // Ready when its log says so; the HTTP check confirms before the tests send anything.
  await new Promise<void>((resolve, reject) => {
    const onData = () => { if (/Server is ready to receive web requests/.test(log)) { child.stderr!.off('data', onData); resolve(); } };
    child.stderr!.on('data', onData);
    void exited.then(() => reject(new Error(`prometheus exited before it was ready:\n${log}`)));
  });
  const ready = await fetch(`${url}/-/ready`);
  if (!ready.ok) throw new Error(`prometheus is not ready: ${ready.status}`);
  return {
    url,
    writeUrl: `${url}/api/v1/write`,
    async query(expr) {
      const res = await fetch(`${url}/api/v1/query?${new URLSearchParams({ query: expr })}`);
      return (await res.json()) as Awaited<ReturnType<PrometheusServer['query']>>;
    },
    async stop() {
      child.kill('SIGTERM');
      await exited;
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
