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
  private readonly interruptHooks = new Map<Vu, () => void>();
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
    this.rt.activeVus--;
    this.pool.give(vu);
  }

  /** Runs one iteration on `vu`; resolves when it ends or is interrupted. */
  iterate(vu: Vu): Promise<IterationOutcome> {
    vu.interrupted = false;
    vu.groupPath = '';
    vu.iterationInInstance++;
    vu.iterationInScenario++;
    vu.iterationInTest = this.iterationsStarted++;
    const start = performance.now();
    const fn = this.fn;
    const data = vu.setupData;
    return new Promise<IterationOutcome>((resolve) => {
      let settled = false;
      const settle = (o: IterationOutcome) => {
        if (settled) return;
        settled = true;
        this.interruptHooks.delete(vu);
        if (o === 'interrupted') { this.interrupted++; this.rt.iterationsInterrupted++; }
        else {
          this.completed++;
          this.rt.iterationsCompleted++;
          const rt = this.rt;
          const now = Date.now();
          const tags = vu.groupPath === '' ? vu.sampleTags : { ...vu.sampleTags, group: '' };
          rt.emit(rt.builtin.iteration_duration, performance.now() - start, tags, now);
          rt.emit(rt.builtin.iterations, 1, tags, now);
        }
        resolve(o);
      };
      this.interruptHooks.set(vu, () => { vu.interrupted = true; settle('interrupted'); });
      vuStorage.run(vu, () => {
        let r: unknown;
        try { r = fn(data); } catch (e) { settle(this.onError(vu, e)); return; }
        if (r instanceof Promise) r.then(() => settle('completed'), (e) => settle(this.onError(vu, e)));
        else settle('completed');
      });
    });
  }

  private onError(vu: Vu, e: unknown): IterationOutcome {
    if (vu.interrupted || e instanceof InterruptedError) return 'interrupted';
    if (e instanceof TestAbortError) { this.rt.stop({ kind: 'abort', reason: e.message }); return 'interrupted'; }
    if (e instanceof UnsupportedCallError) { this.rt.stop({ kind: 'script-error', error: e }); return 'interrupted'; }
    reportIterationError(e, this.name, vu);
    return 'failed';
  }

  /** Gives up on `vu`'s running iteration (if any): it counts as interrupted, its late samples are dropped. */
  interrupt(vu: Vu): void {
    const hook = this.interruptHooks.get(vu);
    if (hook) hook();
    else vu.interrupted = true;
  }

  interruptAll(): void {
    for (const vu of [...this.interruptHooks.keys()]) this.interrupt(vu);
  }

  /** Iterations still running. */
  get running(): number { return this.interruptHooks.size; }

  emitDropped(n = 1): void {
    this.dropped += n;
    const rt = this.rt;
    rt.emit(rt.builtin.dropped_iterations, n, { ...this.tags, group: '' } as Tags, Date.now());
  }
}
