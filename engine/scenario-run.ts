/**
 * One scenario while it runs: hands VUs to its executor, runs their iterations inside the
 * VU's async context, records iteration metrics, and interrupts iterations the executor
 * gives up on. Executors only decide *when* to start iterations and with which VU.
 */
import { InterruptedError, TestAbortError, UnsupportedCallError, type Runtime } from './runtime.ts';
import { vuStorage, type ScenarioInfo, type Vu } from './vu.ts';
import type { VuPool } from './vu-pool.ts';
import type { BaseConfig } from './executors/types.ts';
import type { Tags } from './metrics/types.ts';
import { reportIterationError } from './script-errors.ts';

export type IterationOutcome = 'completed' | 'interrupted' | 'failed';

export class ScenarioRun implements ScenarioInfo {
  readonly name: string;
  readonly executor: string;
  startedAt = 0;
  readonly plannedMs: number;
  iterationsStarted = 0;
  readonly env: Record<string, string>;
  readonly tags: Tags;
  completed = 0;
  interrupted = 0;
  dropped = 0;
  /** VUs this scenario holds right now. */
  readonly vus = new Set<Vu>();
  /** Set by the executor: fraction of the work done (0..1). */
  progressFn: () => number = () => (this.plannedMs > 0 ? Math.min(1, (Date.now() - this.startedAt) / this.plannedMs) : 0);
  endedAt = 0;
  /** Set when the scenario's time is up: loops finish their current iteration and start no more. */
  endLoops = false;
  /** Iterations since the loops last yielded to the event loop (see iterateFairly). */
  fairnessTurns = 0;
  /** Each VU's iteration bookkeeping, reused from one iteration to the next. */
  private readonly slots = new Map<Vu, IterationSlot>();
  /** setup()'s data as JSON: each VU gets its own copy, as in k6, so VUs cannot see each other's changes. */
  private readonly dataJson: string | undefined;

  constructor(
    readonly config: BaseConfig,
    private readonly fn: (data: unknown) => unknown,
    data: unknown,
    private readonly pool: VuPool,
    readonly rt: Runtime,
    globalEnv: Record<string, string>,
    globalTags: Tags,
  ) {
    this.name = config.name;
    this.executor = config.executor;
    this.plannedMs = config.plannedMs;
    this.dataJson = data === undefined ? undefined : JSON.stringify(data);
    this.env = { ...globalEnv, ...config.env };
    this.tags = { ...globalTags, ...config.tags, scenario: config.name };
  }

  progress(): number { return this.progressFn(); }

  /** True once the test is stopping (abort, Ctrl-C, abortOnFail): start nothing new. */
  get stopping(): boolean { return this.rt.stopCause !== undefined; }

  acquire(): Vu {
    const vu = this.pool.take();
    vu.scenario = this;
    vu.groupPath = '';
    vu.iterationInScenario = -1;
    vu.refreshTags();
    if (vu.setupDataJson !== this.dataJson) {
      vu.setupDataJson = this.dataJson;
      vu.setupData = this.dataJson === undefined ? undefined : JSON.parse(this.dataJson);
    }
    this.vus.add(vu);
    this.rt.activeVus++;
    return vu;
  }

  release(vu: Vu): void {
    if (!this.vus.delete(vu)) return;
    this.slots.delete(vu);
    this.rt.activeVus--;
    this.pool.give(vu);
  }

  /**
   * Runs one iteration on `vu`; resolves when it ends or is interrupted. With `fair`, an
   * iteration that awaited nothing resolves only after a turn of the event loop (see
   * iterateFairly): done here with setImmediate rather than a second await in the caller.
   */
  iterate(vu: Vu, fair = false): Promise<IterationOutcome> {
    const done = new Promise<IterationOutcome>(captureResolve);
    this.start(vu, fair, capturedResolve!);
    return done;
  }

  /**
   * A closed-model VU loop: runs iterations on `vu` back to back (fairly, as iterateFairly)
   * while `more()` says so, then resolves. One promise per loop instead of two per iteration
   * (the iteration's and the caller's await), each of which AsyncLocalStorage's hooks track.
   */
  loop(vu: Vu, more: () => boolean): Promise<void> {
    return new Promise<void>((resolve) => {
      const step = (): void => {
        if (more()) this.start(vu, true, step);
        else resolve();
      };
      step();
    });
  }

  /** Starts one iteration on `vu`; `onEnd` gets its outcome (see iterate). */
  private start(vu: Vu, fair: boolean, onEnd: (o: IterationOutcome) => void): void {
    vu.interrupted = false;
    if (vu.abort.signal.aborted) vu.abort = new AbortController();
    vu.groupPath = '';
    vu.iterationInInstance++;
    vu.iterationInScenario++;
    vu.iterationInTest = this.iterationsStarted++;
    let slot = this.slots.get(vu);
    // A slot whose interrupted iteration may still call back gets replaced, never reused.
    if (slot === undefined || !slot.quiet) this.slots.set(vu, (slot = new IterationSlot(this, vu)));
    slot.settled = false;
    slot.fair = fair;
    slot.start = performance.now();
    slot.resolve = onEnd;
    // Each VU runs its own module instance's function (module-level state per VU, as in k6).
    const fn = vu.exports === undefined ? this.fn : (vu.exports[this.config.exec] as (data: unknown) => unknown);
    vuStorage.run(vu, runIteration, slot, fn, vu.setupData);
  }

  /** IterationSlot's end of an iteration: counts it, emits its metrics, resolves iterate(). */
  settle(slot: IterationSlot, o: IterationOutcome): void {
    if (slot.settled) return;
    slot.settled = true;
    const vu = slot.vu;
    const end = performance.now();
    if (o === 'interrupted') { this.interrupted++; this.rt.iterationsInterrupted++; }
    else {
      this.completed++;
      this.rt.iterationsCompleted++;
      const rt = this.rt;
      const now = Date.now();
      const tags = vu.groupPath === '' ? vu.sampleTags : { ...vu.sampleTags, group: '' };
      rt.emit(rt.builtin.iteration_duration, end - slot.start, tags, now);
      rt.emit(rt.builtin.iterations, 1, tags, now);
    }
    // Any real I/O takes longer than 0.05 ms; only an iteration that awaited nothing is this
    // quick. Every 128th iteration yields anyway, so even CPU-only iterations let timers run.
    if (slot.fair && (end - slot.start < 0.05 || (++this.fairnessTurns & 127) === 0)) setImmediate(slot.resolve, o);
    else slot.resolve(o);
  }

  onError(vu: Vu, e: unknown): IterationOutcome {
    if (vu.interrupted || e instanceof InterruptedError) return 'interrupted';
    if (e instanceof TestAbortError) { this.rt.stop({ kind: 'abort', reason: e.message }); return 'interrupted'; }
    if (e instanceof UnsupportedCallError) { this.rt.stop({ kind: 'script-error', error: e }); return 'interrupted'; }
    reportIterationError(e, this.name, vu);
    return 'failed';
  }

  /** Gives up on `vu`'s running iteration (if any): it counts as interrupted, its late samples are dropped. */
  interrupt(vu: Vu): void {
    vu.interrupted = true;
    // Wakes a sync-mode VU out of sleep() so its iteration unwinds.
    if (!vu.abort.signal.aborted) vu.abort.abort();
    const slot = this.slots.get(vu);
    if (slot !== undefined && !slot.settled) this.settle(slot, 'interrupted');
  }

  interruptAll(): void {
    for (const [vu, slot] of [...this.slots]) if (!slot.settled) this.interrupt(vu);
  }

  /** Iterations still running. */
  get running(): number {
    let n = 0;
    for (const slot of this.slots.values()) if (!slot.settled) n++;
    return n;
  }

  emitDropped(n = 1): void {
    this.dropped += n;
    const rt = this.rt;
    rt.emit(rt.builtin.dropped_iterations, n, { ...this.tags, group: '' } as Tags, Date.now());
  }
}

/**
 * One VU's iteration state in a scenario. The hot loop reuses it for the VU's next iteration
 * so that an iteration allocates no closures (under tsx each closure also costs a keepNames
 * call); its two callbacks are made once. After an interrupt the script's promise may still
 * settle later, so that slot is retired (`quiet` stays false) and the VU gets a new one.
 */
class IterationSlot {
  settled = true;
  /** False while the script's promise of the current iteration may still call back. */
  quiet = true;
  fair = false;
  start = 0;
  resolve: (o: IterationOutcome) => void = noop;
  constructor(readonly run: ScenarioRun, readonly vu: Vu) {}
  readonly onFulfilled = (): void => { this.quiet = true; this.run.settle(this, 'completed'); };
  readonly onRejected = (e: unknown): void => { this.quiet = true; this.run.settle(this, this.run.onError(this.vu, e)); };
}

function noop(): void {}

/** Runs inside the VU's async context (vuStorage.run passes the arguments: no closure). */
function runIteration(slot: IterationSlot, fn: (data: unknown) => unknown, data: unknown): void {
  let r: unknown;
  try { r = fn(data); } catch (e) { slot.run.settle(slot, slot.run.onError(slot.vu, e)); return; }
  // A thenable, not `instanceof Promise`: a sync-mode VU's promises come from its own realm.
  if (r !== null && typeof r === 'object' && typeof (r as PromiseLike<unknown>).then === 'function') {
    slot.quiet = false;
    (r as PromiseLike<unknown>).then(slot.onFulfilled, slot.onRejected);
  } else slot.run.settle(slot, 'completed');
}

// new Promise(captureResolve) hands its resolve function out without a closure per promise.
let capturedResolve: ((o: IterationOutcome) => void) | undefined;
function captureResolve(resolve: (o: IterationOutcome) => void): void { capturedResolve = resolve; }
