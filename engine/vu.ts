/**
 * Per-VU state. Many VUs share one isolate, so "the current VU" is whatever AsyncLocalStorage
 * says for the running async chain: `__VU`, `__ITER`, `__ENV`, k6/execution and the default
 * tags all read it, and stay right across every await.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Tags } from './metrics/types.ts';

/** What a VU knows about the scenario it is running. */
export interface ScenarioInfo {
  readonly name: string;
  readonly executor: string;
  /** Epoch ms when this scenario started. */
  startedAt: number;
  /** Planned length in ms (0 when unknown), for execution.scenario.progress. */
  readonly plannedMs: number;
  /** Iterations started in this scenario across all VUs (iterationInTest). */
  iterationsStarted: number;
  readonly env: Record<string, string>;
  /** options.tags + scenario tags + {scenario: name}: the base of every sample's tags. */
  readonly tags: Tags;
  /** Iteration-count executors: fraction done, else time based. */
  progress(): number;
}

export class Vu {
  readonly idInInstance: number;
  /** __VU: 1-based; 0 for setup/teardown/handleSummary. */
  readonly idInTest: number;
  /** __ITER: iterations this VU has started, across scenarios. */
  iterationInInstance = -1;
  iterationInScenario = -1;
  /** Global iteration number within the scenario for the current iteration. */
  iterationInTest = -1;
  scenario: ScenarioInfo | undefined;
  /** "" at the root, "::a::b" inside groups. */
  groupPath = '';
  /** Tags for this VU's samples with `group` applied; rebuilt when the group changes. */
  sampleTags: Tags = {};
  /** Set when the executor gave up on this VU's iteration; its late samples are dropped. */
  interrupted = false;
  abort = new AbortController();
  /** The tags object of this VU's last request, reused while requests repeat (see k6/http). */
  lastHttpTags: Tags | undefined;
  /** This VU's own copy of setup()'s data, and the JSON it was made from. */
  setupData: unknown;
  setupDataJson: string | undefined;
  /** This VU's own module instance (its init context's exports), when the program was instantiated per VU. */
  exports: Record<string, unknown> | undefined;
  /** This VU's cookie jar (k6/http), made on first use. */
  cookieJar: unknown;
  /** Custom tags set through execution.vu.tags / metadata. */
  readonly customTags: Tags = {};

  constructor(idInTest: number) {
    this.idInTest = idInTest;
    this.idInInstance = idInTest;
  }

  /** Rebuilds the default tags after the scenario or group changed. */
  refreshTags(): void {
    const t: Tags = this.scenario ? { ...this.scenario.tags } : {};
    for (const k in this.customTags) t[k] = this.customTags[k]!;
    t.group = this.groupPath;
    this.sampleTags = t;
  }

  get env(): Record<string, string> {
    return this.scenario?.env ?? globalEnv;
  }
}

// Kept on globalThis so that a second copy of this module (loaded through another path by
// the hooks) still shares the one store; a split store would silently mix VUs up.
const shared = ((globalThis as Record<symbol, unknown>)[Symbol.for('shipcheck.engine.vu')] ??= {
  env: {} as Record<string, string>,
  storage: new AsyncLocalStorage<Vu>(),
  noVu: undefined as Vu | undefined,
}) as { env: Record<string, string>; storage: AsyncLocalStorage<Vu>; noVu: Vu | undefined };

/** __ENV outside scenarios (init context, setup, teardown). */
export const globalEnv: Record<string, string> = shared.env;

/** The VU of the current async chain. */
export const vuStorage: AsyncLocalStorage<Vu> = shared.storage;

/** The VU standing for setup/teardown/handleSummary and the init context: __VU is 0. */
export const noVu: Vu = (shared.noVu ??= new Vu(0));
noVu.refreshTags();

export function currentVu(): Vu {
  return vuStorage.getStore() ?? noVu;
}
