/** VUs of this process: created on demand, reused across scenarios, lowest free id first. */
import type { Runtime } from './runtime.ts';
import { Vu } from './vu.ts';

export class VuPool {
  private readonly free: Vu[] = [];
  private created = 0;

  /** `firstId`/`stride` make ids unique across worker threads (worker i of n: i+1, i+1+n, ...). */
  constructor(private readonly rt: Runtime, private readonly firstId = 1, private readonly stride = 1) {}

  /**
   * Creates `n` VUs before the test starts, running `init` (the VU's own init context) for
   * each, as k6 initializes its VUs up front. take() hands them out lowest id first.
   */
  async prepare(n: number, init: (vu: Vu) => Promise<void>): Promise<void> {
    const made: Vu[] = [];
    for (let i = 0; i < n; i++) {
      const vu = new Vu(this.firstId + this.created * this.stride);
      this.created++;
      await init(vu);
      made.push(vu);
    }
    this.initialized = this.created;
    this.init = init;
    this.free.push(...made.reverse());
  }

  private init: ((vu: Vu) => Promise<void>) | undefined;
  private readonly used = new Set<Vu>();
  private initialized = 0;

  take(): Vu {
    const vu = this.free.pop();
    if (vu) {
      // vus_max counts the VUs a test has used, as before VUs were initialized up front.
      if (!this.used.has(vu)) { this.used.add(vu); this.rt.allocatedVus = this.used.size; }
      return vu;
    }
    const made = new Vu(this.firstId + this.created * this.stride);
    this.created++;
    this.used.add(made);
    this.rt.allocatedVus = this.used.size;
    if (this.init) throw new Error(`internal: VU ${made.idInTest} was needed beyond the ${this.initialized} VUs initialized before the test`);
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
