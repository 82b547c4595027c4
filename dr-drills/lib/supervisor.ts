/**
 * A process supervisor for the included API, the way systemd (Restart=always) or a container
 * runtime keeps a service up: it runs `shipcheck serve` on a fixed port and starts it again
 * when it dies unexpectedly. The app-crash drill kills the API and measures how long the
 * supervisor takes to bring it back.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import path from 'node:path';
import { describeExit } from '../../harness/errors.ts';
import { freePort } from '../../harness/free-port.ts';
import { projectRoot } from '../../harness/project-root.ts';
import type { Drill } from './drill.ts';
import { stopChild } from './stop-child.ts';

export interface SupervisedApi { url: string; apiKey: string; apiKeys: string[] }
export interface Restart { exitedAt: number; exit: string; readyAt?: number }

export class ApiSupervisor {
  readonly restarts: Restart[] = [];
  readonly apiKeys = Array.from({ length: 20 }, (_, i) => `sc_drill${i}_${crypto.randomBytes(12).toString('base64url')}`);
  private child: ChildProcess | undefined;
  private stopping = false;
  private port = 0;
  private readyWaiters: Array<() => void> = [];

  constructor(private readonly drill: Drill, private readonly opts: { databaseUrl: string; restart: boolean; env?: Record<string, string>; say: (line: string) => void }) {}

  get pid(): number | undefined { return this.child?.pid; }
  get url(): string { return `http://127.0.0.1:${this.port}`; }

  async start(): Promise<SupervisedApi> {
    this.port = await freePort();
    this.drill.defer('stop the supervised API', () => this.stop());
    await this.spawnApi();
    return { url: this.url, apiKey: this.apiKeys[0], apiKeys: this.apiKeys };
  }

  private spawnApi(): Promise<void> {
    const child = spawn(process.execPath, [path.join(projectRoot, 'bin', 'shipcheck.mjs'), 'serve', '--port', String(this.port), '--ready-json'], {
      cwd: projectRoot,
      env: {
        ...process.env,
        LOG_LEVEL: 'warn',
        ...this.opts.env,
        DATABASE_URL: this.opts.databaseUrl,
        API_KEY: this.apiKeys[0],
        API_KEYS: this.apiKeys.slice(1).join(','),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    child.stderr!.resume();
    const ready = new Promise<void>((resolve, reject) => {
      let buf = '';
      child.stdout!.on('data', (d: Buffer) => {
        buf += d.toString();
        if (buf.split('\n').some((l) => l.startsWith('{') && l.includes('"url"'))) resolve();
      });
      child.once('exit', (code, signal) => reject(new Error(`the API ${describeExit(code, signal)} before it was ready`)));
    });
    child.once('exit', (code, signal) => {
      if (this.stopping || child !== this.child) return;
      const r: Restart = { exitedAt: Date.now(), exit: describeExit(code, signal) };
      this.restarts.push(r);
      if (!this.opts.restart) { this.opts.say(`supervisor: the API ${r.exit}; restarts are disabled`); return; }
      this.opts.say(`supervisor: the API ${r.exit}; restarting it`);
      // A short pause, as systemd's RestartSec does, so a crash loop cannot spin the CPU.
      setTimeout(() => {
        if (this.stopping) return;
        this.spawnApi().then(() => {
          r.readyAt = Date.now();
          this.opts.say(`supervisor: the API is back (pid ${this.child?.pid})`);
          for (const w of this.readyWaiters.splice(0)) w();
        }, (e) => this.opts.say(`supervisor: restart failed: ${(e as Error).message}`));
      }, 100);
    });
    return ready;
  }

  /** Kills the API the way a crash would (SIGKILL, no shutdown hooks). */
  crash(): number {
    const pid = this.child!.pid!;
    process.kill(pid, 'SIGKILL');
    return pid;
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await stopChild(this.child);
  }
}
