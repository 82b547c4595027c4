/** VUs of this process: created on demand, reused across scenarios, lowest free id first. */
import type { Runtime } from './runtime.ts';
import { Vu } from './vu.ts';

export class VuPool {
  private readonly free: Vu[] = [];
  private created = 0;

  /** `firstId`/`stride` make ids unique across worker threads (worker i of n: i+1, i+1+n, ...). */
  constructor(private readonly rt: Runtime, private readonly firstId = 1, private readonly stride = 1) {}

  take(): Vu {
    const vu = this.free.pop();
    if (vu) return vu;
    const made = new Vu(this.firstId + this.created * this.stride);
    this.created++;
    this.rt.allocatedVus = this.created;
    return made;
  }

  give(vu: Vu): void {
    vu.scenario = undefined;
    vu.groupPath = '';
    vu.abort = new AbortController();
    this.free.push(vu);
    // Keep the lowest ids at the end so they are handed out first, as k6 reuses VUs.
    if (this.free.length > 1 && this.free[this.free.length - 2]!.idInTest < vu.idInTest) this.free.sort((a, b) => b.idInTest - a.idInTest);
  }

  get size(): number { return this.created; }
}
