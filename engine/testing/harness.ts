/**
 * Test helpers for the engine: a real node:http server on 127.0.0.1 that records what the
 * scripts tell it, and `shipcheck run` as a child process (the way users run it).
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface Recorded { path: string; query: Record<string, string>; body: string; at: number }

export interface TestServer { url: string; records: Recorded[]; /** TCP connections accepted so far. */ connections(): number; close(): Promise<void> }

/** GET/POST anything; `?delay=ms` answers late, `?status=N` answers with that status; /record/* is remembered. */
export async function startServer(): Promise<TestServer> {
  const records: Recorded[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => { body += c; });
    req.on('end', () => {
      const u = new URL(req.url ?? '/', 'http://x');
      const query = Object.fromEntries(u.searchParams);
      if (u.pathname.startsWith('/record')) records.push({ path: u.pathname, query, body, at: Date.now() });
      const reply = () => {
        res.writeHead(Number(query.status ?? 200), { 'content-type': 'application/json' });
        res.end(JSON.stringify({ ok: true, path: u.pathname }));
      };
      if (query.delay) setTimeout(reply, Number(query.delay));
      else reply();
    });
  });
  let accepted = 0;
  server.on('connection', () => { accepted++; });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    connections: () => accepted,
    records,
    close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }),
  };
}

export function tempDir(prefix = 'engine-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export interface CliRun { code: number | null; stdout: string; stderr: string }

/** Runs `node bin/shipcheck.mjs <args>`; `signalAfterMs` sends SIGINT that long after start. */
export function shipcheck(args: string[], opts: { env?: Record<string, string>; signalAfterMs?: number; signalWhen?: () => boolean; cwd?: string } = {}): Promise<CliRun> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(root, 'bin/shipcheck.mjs'), ...args], {
      cwd: opts.cwd ?? root, env: { ...process.env, ...opts.env, CI: '1' }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => { stdout += c; });
    child.stderr.on('data', (c) => { stderr += c; });
    let timer: NodeJS.Timeout | undefined;
    if (opts.signalAfterMs !== undefined) timer = setTimeout(() => child.kill('SIGINT'), opts.signalAfterMs);
    // Or SIGINT once something happened (e.g. the server saw the test's first request): no clock.
    if (opts.signalWhen) {
      const poll = setInterval(() => { if (opts.signalWhen!()) { clearInterval(poll); child.kill('SIGINT'); } }, 20);
      child.on('close', () => clearInterval(poll));
    }
    child.on('close', (code) => { clearTimeout(timer); resolve({ code, stdout, stderr }); });
  });
}

/** Writes a script into `dir` and returns its path. */
export function writeScript(dir: string, name: string, source: string): string {
  const p = path.join(dir, name);
  fs.writeFileSync(p, source);
  return p;
}

/** Runs a script with --summary-export and returns the exit code, output and the export. */
export async function runScript(dir: string, source: string, extra: string[] = [], name = `s${Math.random().toString(36).slice(2, 8)}.js`) {
  const script = writeScript(dir, name, source);
  const exportFile = path.join(dir, `${name}.summary.json`);
  const r = await shipcheck(['run', script, '--quiet', '--summary-export', exportFile, ...extra]);
  const summary = fs.existsSync(exportFile) ? (JSON.parse(fs.readFileSync(exportFile, 'utf8')) as LegacyExport) : undefined;
  return { ...r, summary };
}

export interface LegacyExport {
  metrics: Record<string, Record<string, number> & { thresholds?: Record<string, boolean> }>;
  root_group: unknown;
}

/** A metric's value from the legacy export (0 when the metric got no samples). */
export function metric(s: LegacyExport | undefined, name: string, key: string): number {
  return s?.metrics[name]?.[key] ?? 0;
}
