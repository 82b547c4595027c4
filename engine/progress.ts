/**
 * Progress while a test runs: on a TTY a live line per scenario, rewritten every second;
 * otherwise one plain line every 10 s (CI logs stay readable).
 */
import { formatDuration } from './durations.ts';
import type { ScenarioRun } from './scenario-run.ts';
import type { Runtime } from './runtime.ts';

export interface ProgressCounters { requests: number; failed: number }

export class Progress {
  private timer: NodeJS.Timeout | undefined;
  private drawn = 0;
  private lastReqs = 0;
  private lastAt = Date.now();
  private rps = 0;
  private readonly tty: boolean;

  constructor(
    private readonly rt: Runtime,
    private readonly scenarios: () => Array<{ name: string; run?: ScenarioRun; plannedMs: number; startTime: number }>,
    private readonly counters: ProgressCounters,
    private readonly out: NodeJS.WriteStream = process.stderr,
    private readonly quiet = false,
  ) {
    this.tty = Boolean(out.isTTY) && !process.env.CI;
  }

  start(): void {
    if (this.quiet) return;
    const every = this.tty ? 1000 : 10_000;
    this.timer = setInterval(() => this.draw(), every);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    if (!this.quiet && this.tty) { this.draw(); this.out.write('\n'); }
  }

  private draw(): void {
    const now = Date.now();
    const dt = (now - this.lastAt) / 1000;
    if (dt > 0) this.rps = (this.counters.requests - this.lastReqs) / dt;
    this.lastReqs = this.counters.requests;
    this.lastAt = now;
    const elapsed = now - this.rt.testStartedAt;
    const lines = this.scenarios().map((s) => {
      const r = s.run;
      const state = !r ? `waiting (starts at ${formatDuration(s.startTime)})` : r.endedAt ? 'done' : `${formatDuration(Math.round((now - r.startedAt) / 1000) * 1000)}/${formatDuration(s.plannedMs)}`;
      const vus = r ? r.vus.size : 0;
      const iters = r ? r.completed : 0;
      const extra = r && r.dropped ? `, ${r.dropped} dropped` : '';
      return `${s.name.padEnd(16)} [${state}] ${vus} VUs, ${iters} complete${r?.interrupted ? `, ${r.interrupted} interrupted` : ''}${extra} iterations`;
    });
    const head = `running (${formatDuration(Math.round(elapsed / 1000) * 1000)}), ${this.rt.activeVus}/${this.rt.allocatedVus} VUs, ${this.rt.iterationsCompleted} iterations, ${this.rps.toFixed(1)} req/s, ${this.counters.failed} failed requests`;
    if (this.tty) {
      let s = this.drawn > 0 ? `\x1b[${this.drawn}A` : '';
      for (const l of [head, ...lines]) s += `\r\x1b[K${l}\n`;
      this.drawn = lines.length + 1;
      this.out.write(s);
    } else {
      this.out.write(`${head}\n${lines.map((l) => `  ${l}\n`).join('')}`);
    }
  }
}
